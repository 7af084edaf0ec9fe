package metadata

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

var (
	guidRE   = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	tenantRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$`)
)

// globalLoginHost is the Entra ID (global cloud) login host.
const globalLoginHost = "https://login.microsoftonline.com"

// TenantMetadataURL returns the tenant-wide federation metadata URL (C1.1) for
// a tenant GUID, a verified domain, or "common"/"organizations".
func TenantMetadataURL(tenant string) (string, error) {
	if !tenantRE.MatchString(tenant) {
		return "", newErr(ErrInvalidOption, "C1.1", "tenant must be a GUID or a domain name", nil)
	}
	return globalLoginHost + "/" + tenant + "/FederationMetadata/2007-06/FederationMetadata.xml", nil
}

// Defaults for [Fetcher].
const (
	defaultFetchTimeout  = 30 * time.Second // Fetcher.Timeout when zero
	defaultCacheDuration = time.Hour        // Fetcher.CacheDuration when zero
	// defaultStaleIfError is Fetcher.StaleIfError when zero: how long past
	// its freshness a good cached copy may stand in when a refetch fails.
	defaultStaleIfError = 24 * time.Hour
	// defaultMaxCacheEntries is Fetcher.MaxCacheEntries when zero.
	defaultMaxCacheEntries = 64
	// defaultMaxCacheBytes is Fetcher.MaxCacheBytes when zero.
	defaultMaxCacheBytes = 64 << 20
)

// Fetcher downloads metadata over HTTP(S), with a size cap, a timeout,
// conditional requests (ETag / If-None-Match) and a bounded in-memory cache.
//
// A cached copy is fresh until the earliest of: the HTTP response's
// Cache-Control max-age (minus Age; no-cache and no-store count as 0) or,
// without max-age, its Expires header; the document's cacheDuration; and its
// validUntil. When neither HTTP nor the document gives a lifetime,
// CacheDuration applies. A stale copy is revalidated with If-None-Match.
//
// The last good copy of a URL is never replaced by a bad one: when a refetch
// fails (network error, timeout, HTTP error status, malformed or expired
// document, signature that does not verify under the Verify policy, or,
// without a policy, a signature that is missing or does not verify where the
// cached copy's did), Fetch returns the cached copy with Stale set and the refetch error in
// RefreshError, for up to StaleIfError past its freshness and never past its
// validUntil. Cancelling the caller's context is not such a failure.
//
// An https URL is never redirected to plain http.
//
// The cache holds at most MaxCacheEntries URLs and MaxCacheBytes of documents,
// evicting the least recently used. A Fetcher is safe for concurrent use; its
// zero value is usable. Configure it before first use.
type Fetcher struct {
	// Client is the HTTP client; nil means http.DefaultClient.
	Client *http.Client
	// Timeout bounds each fetch; zero means defaultFetchTimeout.
	Timeout time.Duration
	// Limits bound the document (MaxBytes is also the download cap).
	Limits Limits
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// CacheDuration applies when neither the HTTP response nor the document
	// gives a lifetime; zero means defaultCacheDuration, negative disables
	// caching (every Fetch revalidates).
	CacheDuration time.Duration
	// StaleIfError is how long past its freshness the last good copy may be
	// served when a refetch fails; zero means defaultStaleIfError, negative
	// disables the fallback (the refetch error is returned).
	StaleIfError time.Duration
	// MaxCacheEntries bounds the number of cached URLs; zero means
	// defaultMaxCacheEntries.
	MaxCacheEntries int
	// MaxCacheBytes bounds the cached documents' total size; zero means
	// defaultMaxCacheBytes. A larger document is returned but not cached.
	MaxCacheBytes int64
	// Verify, when non-nil, is the signature policy: every fetched document
	// must pass Document.Verify with these options, or Fetch fails with
	// ErrSignature. When nil, the result carries trust-on-first-use facts
	// from Document.InspectSignature.
	Verify *VerifyOptions

	mu    sync.Mutex
	cache map[string]*cacheEntry
	bytes int64  // total len(raw) of cached documents
	tick  uint64 // LRU clock
}

type cacheEntry struct {
	res  FetchResult
	used uint64
}

// FetchResult is a fetched and parsed document.
type FetchResult struct {
	URL      string    // the URL fetched
	Document *Document // the parsed document
	// Signature is the Verify result under a signature policy, otherwise the
	// InspectSignature facts.
	Signature *SignatureResult
	// ETag is the validator the server sent, if any.
	ETag string
	// FetchedAt is when the body was downloaded.
	FetchedAt time.Time
	// Expires is when the cached copy goes stale.
	Expires time.Time
	// FromCache is true when no request was made, or when a failed refetch
	// fell back to the cached copy (then Stale is true too); NotModified when
	// the server answered 304 to a conditional request.
	FromCache, NotModified bool
	// Stale is true when the copy is past Expires and is served because the
	// refetch failed; RefreshError is that failure.
	Stale        bool
	RefreshError error
}

func (f *Fetcher) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

// Fetch returns the metadata at rawURL, from the cache while it is fresh. The
// document must parse; a document whose validUntil has passed is an error of
// Kind ErrUnusable (even if cached); under a signature policy it must verify.
// When a refetch fails, the last good copy may be returned instead (see
// [Fetcher]); the error is then in FetchResult.RefreshError.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (*FetchResult, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, newErr(ErrInvalidOption, "", "metadata URL must be http or https", nil)
	}
	now := f.now()
	cached := f.lookup(rawURL)
	if cached != nil && now.Before(cached.Expires) {
		res := *cached
		res.FromCache, res.NotModified = true, false
		if err := checkValidUntil(res.Document, now); err != nil {
			return nil, err
		}
		return &res, nil
	}
	res, err := f.refresh(ctx, u, rawURL, cached, now)
	if err == nil {
		f.store(rawURL, *res)
		return res, nil
	}
	if ctx.Err() != nil || cached == nil {
		return nil, err
	}
	stale := f.StaleIfError
	if stale == 0 {
		stale = defaultStaleIfError
	}
	if stale < 0 || !now.Before(cached.Expires.Add(stale)) || checkValidUntil(cached.Document, now) != nil {
		return nil, err
	}
	out := *cached
	out.FromCache, out.NotModified, out.Stale, out.RefreshError = true, false, true, err
	return &out, nil
}

// refresh makes the request (conditional when cached) and returns the new
// result, or an error; it never touches the cache.
func (f *Fetcher) refresh(ctx context.Context, u *url.URL, rawURL string, cached *FetchResult, now time.Time) (*FetchResult, error) {
	timeout := f.Timeout
	if timeout <= 0 {
		timeout = defaultFetchTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, newErr(ErrInvalidOption, "", "building request", err)
	}
	req.Header.Set("Accept", "application/samlmetadata+xml, application/xml, text/xml")
	if cached != nil && cached.ETag != "" {
		req.Header.Set("If-None-Match", cached.ETag)
	}
	client := f.Client
	if client == nil {
		client = http.DefaultClient
	}
	if u.Scheme == "https" {
		// Never follow a redirect from https to plain http: the document
		// would arrive unprotected (and, without a signature policy,
		// unauthenticated).
		c := *client
		next := client.CheckRedirect
		c.CheckRedirect = func(r *http.Request, via []*http.Request) error {
			if r.URL.Scheme != "https" {
				return newErr(ErrFetch, "", "refusing a redirect from https to "+r.URL.Scheme, nil)
			}
			if next != nil {
				return next(r, via)
			}
			if len(via) >= 10 {
				return newErr(ErrFetch, "", "stopped after 10 redirects", nil)
			}
			return nil
		}
		client = &c
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, newErr(ErrFetch, "", "request to "+u.Host+" failed", err)
	}
	defer resp.Body.Close()

	if resp.StatusCode == http.StatusNotModified && cached != nil {
		res := *cached
		res.NotModified, res.FromCache, res.Stale, res.RefreshError = true, false, false, nil
		if err := checkValidUntil(res.Document, now); err != nil {
			return nil, err
		}
		res.Expires = f.expiry(res.Document, now, resp.Header)
		return &res, nil
	}
	if resp.StatusCode != http.StatusOK {
		return nil, newErr(ErrFetch, "", fmt.Sprintf("%s answered HTTP %d", u.Host, resp.StatusCode), nil)
	}
	max := f.Limits.guard().MaxBytes
	body, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, newErr(ErrFetch, "", "reading the response from "+u.Host, err)
	}
	if int64(len(body)) > max {
		return nil, newErr(errHostile, "D4.8", fmt.Sprintf("response exceeds the %d-byte limit", max), nil)
	}
	doc, err := Parse(body, f.Limits)
	if err != nil {
		return nil, err
	}
	if err := checkValidUntil(doc, now); err != nil {
		return nil, err
	}
	res := FetchResult{URL: rawURL, Document: doc, ETag: resp.Header.Get("ETag"), FetchedAt: now}
	if f.Verify != nil {
		opts := *f.Verify
		if opts.Now == nil {
			opts.Now = func() time.Time { return now }
		}
		sr, err := doc.Verify(opts)
		if err != nil {
			return nil, err
		}
		res.Signature = sr
	} else {
		res.Signature = doc.InspectSignature(VerifyOptions{Now: func() time.Time { return now }})
		// Trust on first use: never trade a copy whose signature verified
		// for one whose signature does not, or that is no longer signed.
		if cached != nil && cached.Signature != nil && cached.Signature.Valid && !res.Signature.Valid {
			return nil, newErr(ErrSignature, "D4", "refetched document's signature does not verify, unlike the cached copy's: "+res.Signature.Problem, nil)
		}
	}
	res.Expires = f.expiry(doc, now, resp.Header)
	return &res, nil
}

// lookup returns a copy of the cached result for key (nil if none) and marks
// it recently used.
func (f *Fetcher) lookup(key string) *FetchResult {
	f.mu.Lock()
	defer f.mu.Unlock()
	e := f.cache[key]
	if e == nil {
		return nil
	}
	f.tick++
	e.used = f.tick
	res := e.res
	return &res
}

func (f *Fetcher) store(key string, res FetchResult) {
	maxEntries := f.MaxCacheEntries
	if maxEntries <= 0 {
		maxEntries = defaultMaxCacheEntries
	}
	maxBytes := f.MaxCacheBytes
	if maxBytes <= 0 {
		maxBytes = defaultMaxCacheBytes
	}
	size := int64(len(res.Document.raw))
	res.FromCache, res.NotModified, res.Stale, res.RefreshError = false, false, false, nil
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cache == nil {
		f.cache = map[string]*cacheEntry{}
	}
	if old := f.cache[key]; old != nil {
		f.bytes -= int64(len(old.res.Document.raw))
		delete(f.cache, key)
	}
	if size > maxBytes {
		return
	}
	for len(f.cache) >= maxEntries || f.bytes+size > maxBytes {
		var lruKey string
		var lru *cacheEntry
		for k, e := range f.cache {
			if lru == nil || e.used < lru.used {
				lruKey, lru = k, e
			}
		}
		f.bytes -= int64(len(lru.res.Document.raw))
		delete(f.cache, lruKey)
	}
	f.tick++
	f.cache[key] = &cacheEntry{res: res, used: f.tick}
	f.bytes += size
}

// httpLifetime is the response's freshness lifetime from Cache-Control
// max-age (less Age; no-cache and no-store give 0) or else Expires (relative to
// Date when present); ok is false when the response gives none.
func httpLifetime(h http.Header, now time.Time) (d time.Duration, ok bool) {
	maxAge := -1
	for _, line := range h.Values("Cache-Control") {
		for _, dir := range strings.Split(line, ",") {
			name, val, _ := strings.Cut(strings.TrimSpace(dir), "=")
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "no-cache", "no-store":
				return 0, true
			case "max-age":
				n, ok := deltaSeconds(val)
				if !ok {
					return 0, true // invalid max-age: treat as stale (RFC 9111 4.2.1)
				}
				if maxAge < 0 || n < maxAge {
					maxAge = n
				}
			}
		}
	}
	if maxAge >= 0 {
		d = time.Duration(maxAge) * time.Second
		if age, ok := deltaSeconds(h.Get("Age")); ok {
			d -= time.Duration(age) * time.Second
		}
		return max(d, 0), true
	}
	if v := h.Get("Expires"); v != "" {
		exp, err := http.ParseTime(v)
		if err != nil {
			return 0, true // invalid Expires means already expired (RFC 9111 5.3)
		}
		base := now
		if date, err := http.ParseTime(h.Get("Date")); err == nil {
			base = date
		}
		return min(max(exp.Sub(base), 0), maxDeltaSeconds*time.Second), true
	}
	return 0, false
}

// maxDeltaSeconds caps delta-seconds values (RFC 9111 1.2.2: 2^31).
const maxDeltaSeconds = 1 << 31

// deltaSeconds parses an HTTP delta-seconds value (digits, optionally
// quoted), capped at maxDeltaSeconds.
func deltaSeconds(v string) (int, bool) {
	v = strings.Trim(strings.TrimSpace(v), `"`)
	n, err := strconv.ParseUint(v, 10, 63)
	switch {
	case err == nil:
		return int(min(n, maxDeltaSeconds)), true
	case errors.Is(err, strconv.ErrRange):
		return maxDeltaSeconds, true
	}
	return 0, false
}

// expiry is now plus the shortest of the HTTP lifetime and the document's
// cacheDuration (the Fetcher's CacheDuration when neither is given), capped
// at validUntil.
func (f *Fetcher) expiry(d *Document, now time.Time, h http.Header) time.Time {
	httpTTL, httpOK := httpLifetime(h, now)
	cd, vu := rootTimes(d)
	var ttl time.Duration
	switch {
	case httpOK && cd > 0:
		ttl = min(httpTTL, cd)
	case httpOK:
		ttl = httpTTL
	case cd > 0:
		ttl = cd
	default:
		ttl = f.CacheDuration
		if ttl == 0 {
			ttl = defaultCacheDuration
		}
	}
	if ttl <= 0 {
		return now
	}
	exp := now.Add(ttl)
	if !vu.IsZero() && vu.Before(exp) {
		exp = vu
	}
	return exp
}

func rootTimes(d *Document) (time.Duration, time.Time) {
	if d.Entity != nil {
		return d.Entity.CacheDuration, d.Entity.ValidUntil
	}
	if d.Aggregate != nil {
		return d.Aggregate.CacheDuration, d.Aggregate.ValidUntil
	}
	return 0, time.Time{}
}

func checkValidUntil(d *Document, now time.Time) error {
	if _, vu := rootTimes(d); !vu.IsZero() && !now.Before(vu) {
		return newErr(ErrUnusable, "", "metadata expired at validUntil "+vu.UTC().Format(time.RFC3339), nil)
	}
	return nil
}

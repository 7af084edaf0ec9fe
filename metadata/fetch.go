package metadata

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sync"
	"time"
)

var (
	guidRE   = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	tenantRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$`)
)

// EntraLoginHost is the Entra ID (global cloud) login host.
const EntraLoginHost = "https://login.microsoftonline.com"

// TenantMetadataURL returns the tenant-wide federation metadata URL (C1.1) for
// a tenant GUID, a verified domain, or "common"/"organizations".
func TenantMetadataURL(tenant string) (string, error) {
	if !tenantRE.MatchString(tenant) {
		return "", newErr(ErrInvalidOption, "C1.1", "tenant must be a GUID or a domain name", nil)
	}
	return EntraLoginHost + "/" + tenant + "/FederationMetadata/2007-06/FederationMetadata.xml", nil
}

// AppMetadataURL returns the app-specific federation metadata URL (C1.2),
// which carries the application's own SAML signing certificate: use it for
// AWS. Both IDs must be GUIDs.
func AppMetadataURL(tenantID, appID string) (string, error) {
	if !guidRE.MatchString(tenantID) || !guidRE.MatchString(appID) {
		return "", newErr(ErrInvalidOption, "C1.2", "tenant ID and application ID must be GUIDs", nil)
	}
	return EntraLoginHost + "/" + tenantID + "/federationmetadata/2007-06/federationmetadata.xml?appid=" + appID, nil
}

// Defaults for [Fetcher].
const (
	DefaultFetchTimeout  = 30 * time.Second // Fetcher.Timeout when zero
	DefaultCacheDuration = time.Hour        // Fetcher.CacheDuration when zero
)

// Fetcher downloads metadata over HTTP(S), with a size cap, a timeout,
// conditional requests (ETag / If-None-Match) and an in-memory cache whose
// entries expire at the earliest of the document's cacheDuration (or
// DefaultCacheDuration when it has none) and validUntil. A Fetcher is safe for
// concurrent use; its zero value is usable. Configure it before first use.
type Fetcher struct {
	// Client is the HTTP client; nil means http.DefaultClient.
	Client *http.Client
	// Timeout bounds each fetch; zero means DefaultFetchTimeout.
	Timeout time.Duration
	// Limits bound the document (MaxBytes is also the download cap).
	Limits Limits
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// CacheDuration applies when a document has no cacheDuration; zero means
	// DefaultCacheDuration, negative disables caching (every Fetch
	// revalidates).
	CacheDuration time.Duration
	// Verify, when non-nil, is the signature policy: every fetched document
	// must pass Document.Verify with these options, or Fetch fails with
	// ErrSignature. When nil, the result carries trust-on-first-use facts
	// from Document.InspectSignature.
	Verify *VerifyOptions

	mu    sync.Mutex
	cache map[string]*cacheEntry
}

type cacheEntry struct {
	res     FetchResult
	expires time.Time
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
	// FromCache is true when no request was made; NotModified when the server
	// answered 304 to a conditional request.
	FromCache, NotModified bool
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
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (*FetchResult, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, newErr(ErrInvalidOption, "", "metadata URL must be http or https", nil)
	}
	now := f.now()
	f.mu.Lock()
	entry := f.cache[rawURL]
	f.mu.Unlock()
	if entry != nil && now.Before(entry.expires) {
		res := entry.res
		res.FromCache, res.NotModified = true, false
		if err := checkValidUntil(res.Document, now); err != nil {
			return nil, err
		}
		return &res, nil
	}

	timeout := f.Timeout
	if timeout <= 0 {
		timeout = DefaultFetchTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, newErr(ErrInvalidOption, "", "building request", err)
	}
	req.Header.Set("Accept", "application/samlmetadata+xml, application/xml, text/xml")
	if entry != nil && entry.res.ETag != "" {
		req.Header.Set("If-None-Match", entry.res.ETag)
	}
	client := f.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, newErr(ErrFetch, "", "request to "+u.Host+" failed", err)
	}
	defer resp.Body.Close()

	if resp.StatusCode == http.StatusNotModified && entry != nil {
		res := entry.res
		res.NotModified, res.FromCache = true, false
		if err := checkValidUntil(res.Document, now); err != nil {
			return nil, err
		}
		res.Expires = f.expiry(res.Document, now)
		f.store(rawURL, res)
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
		return nil, newErr(ErrHostile, "D4.8", fmt.Sprintf("response exceeds the %d-byte limit", max), nil)
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
		if opts.Now.IsZero() {
			opts.Now = now
		}
		sr, err := doc.Verify(opts)
		if err != nil {
			return nil, err
		}
		res.Signature = sr
	} else {
		res.Signature = doc.InspectSignature(VerifyOptions{Now: now})
	}
	res.Expires = f.expiry(doc, now)
	f.store(rawURL, res)
	return &res, nil
}

func (f *Fetcher) store(key string, res FetchResult) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cache == nil {
		f.cache = map[string]*cacheEntry{}
	}
	f.cache[key] = &cacheEntry{res: res, expires: res.Expires}
}

// expiry is now + cacheDuration (root's, else the Fetcher's), capped at
// validUntil.
func (f *Fetcher) expiry(d *Document, now time.Time) time.Time {
	cd, vu := rootTimes(d)
	if cd <= 0 {
		cd = f.CacheDuration
		if cd == 0 {
			cd = DefaultCacheDuration
		}
	}
	if cd < 0 {
		return now
	}
	exp := now.Add(cd)
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

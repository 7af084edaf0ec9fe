package metadata

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// switchServer serves whatever its current handler says; tests flip it
// between a good document, a tampered one, errors and so on.
type switchServer struct {
	*httptest.Server
	mu      sync.Mutex
	handler http.HandlerFunc
	hits    atomic.Int32
}

func newSwitchServer(t *testing.T) *switchServer {
	s := &switchServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		s.mu.Lock()
		h := s.handler
		s.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *switchServer) serve(h http.HandlerFunc) {
	s.mu.Lock()
	s.handler = h
	s.mu.Unlock()
}

func body(b []byte, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		_, _ = w.Write(b)
	}
}

func status(code int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(code) }
}

func TestHTTPLifetime(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		headers []string
		want    time.Duration
		ok      bool
	}{
		{"none", nil, 0, false},
		{"max_age", []string{"Cache-Control", "public, max-age=3600"}, time.Hour, true},
		{"max_age_less_age", []string{"Cache-Control", "max-age=3600", "Age", "600"}, 50 * time.Minute, true},
		{"age_beyond_max_age", []string{"Cache-Control", "max-age=60", "Age", "600"}, 0, true},
		{"no_cache", []string{"Cache-Control", "max-age=3600, no-cache"}, 0, true},
		{"no_store", []string{"Cache-Control", "no-store"}, 0, true},
		{"bad_max_age", []string{"Cache-Control", "max-age=soon"}, 0, true},
		{"huge_max_age_capped", []string{"Cache-Control", "max-age=99999999999"}, (1 << 31) * time.Second, true},
		{"overflowing_max_age_capped", []string{"Cache-Control", "max-age=99999999999999999999"}, (1 << 31) * time.Second, true},
		{"negative_max_age", []string{"Cache-Control", "max-age=-5"}, 0, true},
		{"bad_age_ignored", []string{"Cache-Control", "max-age=60", "Age", "x"}, time.Minute, true},
		{"quoted_max_age", []string{"Cache-Control", `max-age="120"`}, 2 * time.Minute, true},
		{"max_age_beats_expires", []string{"Cache-Control", "max-age=60", "Expires", "Thu, 01 Jan 2026 05:00:00 GMT"}, time.Minute, true},
		{"expires_vs_date", []string{"Date", "Thu, 01 Jan 2026 01:00:00 GMT", "Expires", "Thu, 01 Jan 2026 01:30:00 GMT"}, 30 * time.Minute, true},
		{"expires_vs_now", []string{"Expires", "Thu, 01 Jan 2026 00:10:00 GMT"}, 10 * time.Minute, true},
		{"far_expires_capped", []string{"Expires", "Fri, 31 Dec 9999 23:59:59 GMT"}, (1 << 31) * time.Second, true},
		{"bad_expires", []string{"Expires", "0"}, 0, true},
		{"other_directives", []string{"Cache-Control", "private, must-revalidate"}, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			for i := 0; i+1 < len(tc.headers); i += 2 {
				h.Set(tc.headers[i], tc.headers[i+1])
			}
			got, ok := httpLifetime(h, now)
			if got != tc.want || ok != tc.ok {
				t.Errorf("httpLifetime = %v, %v; want %v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

// C1.1/C1.2: the HTTP response's Cache-Control max-age sets freshness,
// bounded by the document's cacheDuration and validUntil.
func TestFetchHonoursCacheControl(t *testing.T) {
	ctx := context.Background()
	tenant := readFixture(t, "entra-tenant-8b966979.xml")                                               // no cacheDuration, no validUntil
	google := readFixture(t, "google-workspace-C019px6f1.xml")                                          // validUntil 2030-06-05T20:14:04Z
	withCD := bytes.Replace(google, []byte(` entityID=`), []byte(` cacheDuration="PT5M" entityID=`), 1) // unsigned: editing is fine
	if !bytes.Contains(withCD, []byte(`cacheDuration="PT5M"`)) {
		t.Fatal("could not add cacheDuration")
	}
	vu := time.Date(2030, 6, 5, 20, 14, 4, 0, time.UTC)
	base := fixtureNow
	for _, tc := range []struct {
		name    string
		doc     []byte
		headers []string
		now     time.Time
		want    time.Time
	}{
		{"max_age_over_fetcher_default", tenant, []string{"Cache-Control", "max-age=60"}, base, base.Add(time.Minute)},
		{"no_header_fetcher_default", tenant, nil, base, base.Add(10 * time.Minute)},
		{"max_age_longer_than_fetcher_default", tenant, []string{"Cache-Control", "max-age=86400"}, base, base.Add(24 * time.Hour)},
		{"cacheDuration_shorter_than_max_age", withCD, []string{"Cache-Control", "max-age=3600"}, base, base.Add(5 * time.Minute)},
		{"max_age_shorter_than_cacheDuration", withCD, []string{"Cache-Control", "max-age=30"}, base, base.Add(30 * time.Second)},
		{"validUntil_caps_max_age", google, []string{"Cache-Control", "max-age=86400"}, vu.Add(-time.Hour), vu},
		{"no_store", tenant, []string{"Cache-Control", "no-store"}, base, base},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newSwitchServer(t)
			srv.serve(body(tc.doc, tc.headers...))
			now := tc.now
			f := &Fetcher{Client: srv.Client(), Now: func() time.Time { return now }, CacheDuration: 10 * time.Minute}
			r, err := f.Fetch(ctx, srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			if !r.Expires.Equal(tc.want) {
				t.Fatalf("Expires = %v, want %v", r.Expires, tc.want)
			}
			// Just before expiry: served from the cache; at expiry: refetched.
			if tc.want.After(now) {
				now = tc.want.Add(-time.Second)
				if r, err := f.Fetch(ctx, srv.URL); err != nil || !r.FromCache {
					t.Fatalf("before expiry: fromCache=%v err=%v", r != nil && r.FromCache, err)
				}
			}
			if hits := srv.hits.Load(); hits != 1 {
				t.Fatalf("hits before expiry = %d", hits)
			}
			now = tc.want
			if tc.want.Equal(vu) {
				return // past validUntil the document is unusable (tested elsewhere)
			}
			if r, err := f.Fetch(ctx, srv.URL); err != nil || r.FromCache {
				t.Fatalf("at expiry: %+v %v", r, err)
			}
			if hits := srv.hits.Load(); hits != 2 {
				t.Fatalf("hits after expiry = %d", hits)
			}
		})
	}
}

// A 304 refreshes freshness from its own Cache-Control.
func TestFetchNotModifiedUsesNewMaxAge(t *testing.T) {
	srv := newSwitchServer(t)
	doc := readFixture(t, "entra-app-61318f71.xml")
	srv.serve(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"a"`)
		if r.Header.Get("If-None-Match") == `"a"` {
			w.Header().Set("Cache-Control", "max-age=7200")
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Cache-Control", "max-age=60")
		_, _ = w.Write(doc)
	})
	now := fixtureNow
	f := &Fetcher{Client: srv.Client(), Now: func() time.Time { return now }}
	if _, err := f.Fetch(context.Background(), srv.URL); err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * time.Minute)
	r, err := f.Fetch(context.Background(), srv.URL)
	if err != nil || !r.NotModified || !r.Expires.Equal(now.Add(2*time.Hour)) {
		t.Fatalf("304: %+v %v", r, err)
	}
}

func TestFetchCacheIsBounded(t *testing.T) {
	ctx := context.Background()
	srv := newSwitchServer(t)
	doc := readFixture(t, "entra-app-61318f71.xml")
	srv.serve(body(doc))
	f := &Fetcher{Client: srv.Client(), Now: func() time.Time { return fixtureNow }, MaxCacheEntries: 2}
	fetch := func(path string) *FetchResult {
		t.Helper()
		r, err := f.Fetch(ctx, srv.URL+path)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	fetch("/a")
	fetch("/b")
	if !fetch("/a").FromCache { // /a is now the most recently used
		t.Fatal("/a not cached")
	}
	fetch("/c") // evicts /b, the least recently used
	if hits := srv.hits.Load(); hits != 3 {
		t.Fatalf("hits = %d, want 3", hits)
	}
	if !fetch("/a").FromCache || !fetch("/c").FromCache {
		t.Error("/a or /c evicted")
	}
	if fetch("/b").FromCache {
		t.Error("/b still cached: the cache exceeds MaxCacheEntries")
	}
	if n := len(f.cache); n != 2 {
		t.Errorf("%d entries cached, want 2", n)
	}

	// A byte bound below the document's size: returned, never cached.
	small := &Fetcher{Client: srv.Client(), Now: func() time.Time { return fixtureNow }, MaxCacheBytes: int64(len(doc) - 1)}
	before := srv.hits.Load()
	for range 2 {
		if r, err := small.Fetch(ctx, srv.URL+"/big"); err != nil || r.FromCache {
			t.Fatalf("%+v %v", r, err)
		}
	}
	if srv.hits.Load()-before != 2 || small.bytes != 0 {
		t.Errorf("oversize document cached: hits %d, bytes %d", srv.hits.Load()-before, small.bytes)
	}
	// Two documents that fit only one at a time.
	two := &Fetcher{Client: srv.Client(), Now: func() time.Time { return fixtureNow }, MaxCacheBytes: int64(len(doc)*2 - 1)}
	for _, p := range []string{"/x", "/y"} {
		if _, err := two.Fetch(ctx, srv.URL+p); err != nil {
			t.Fatal(err)
		}
	}
	if len(two.cache) != 1 || two.bytes != int64(len(doc)) || two.cache[srv.URL+"/y"] == nil {
		t.Errorf("byte bound: %d entries, %d bytes", len(two.cache), two.bytes)
	}
}

// The last good copy stands in when a refetch fails, and a bad document never
// replaces it.
func TestFetchStaleIfError(t *testing.T) {
	ctx := context.Background()
	good := readFixture(t, "entra-app-61318f71.xml")
	tampered := readFixture(t, "entra-app-61318f71-edited.xml") // D4: digest mismatch
	pin := &VerifyOptions{Thumbprints: []string{realSigned[2].signer}}
	i, j := bytes.Index(good, []byte("<Signature ")), bytes.Index(good, []byte("</Signature>"))
	if i < 0 || j < i {
		t.Fatal("fixture changed")
	}
	stripped := append(append([]byte{}, good[:i]...), good[j+len("</Signature>"):]...)
	hang := func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
	for _, tc := range []struct {
		name    string
		verify  *VerifyOptions
		bad     http.HandlerFunc
		wantErr error
	}{
		{"D4_tampered_pinned", pin, body(tampered), ErrSignature},
		{"D4_tampered_tofu", nil, body(tampered), ErrSignature},
		{"D4_signature_stripped_tofu", nil, body(stripped), ErrSignature},
		{"D4_signature_stripped_pinned", pin, body(stripped), ErrSignature},
		{"D4.6_other_signer", &VerifyOptions{Thumbprints: []string{realSigned[2].signer}}, body(readFixture(t, "entra-tenant-8b966979.xml")), ErrSignature},
		{"http_500", pin, status(http.StatusInternalServerError), ErrFetch},
		{"malformed", pin, body([]byte("<md:EntityDescriptor")), errMalformed},
		{"D4.8_hostile", pin, body([]byte(`<!DOCTYPE x [<!ENTITY a "b">]><x/>`)), errHostile},
		{"timeout", pin, hang, ErrFetch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newSwitchServer(t)
			srv.serve(body(good))
			now := fixtureNow
			f := &Fetcher{Client: srv.Client(), Now: func() time.Time { return now }, CacheDuration: 10 * time.Minute,
				StaleIfError: time.Hour, Verify: tc.verify}
			first, err := f.Fetch(ctx, srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			f.Timeout = 100 * time.Millisecond // only the refetches must be quick to give up on a hung server
			srv.serve(tc.bad)
			for _, step := range []time.Duration{11 * time.Minute, 30 * time.Minute} {
				now = fixtureNow.Add(step)
				r, err := f.Fetch(ctx, srv.URL)
				if err != nil {
					t.Fatalf("+%v: %v", step, err)
				}
				if !r.Stale || !r.FromCache || !errors.Is(r.RefreshError, tc.wantErr) {
					t.Fatalf("+%v: stale=%v fromCache=%v refreshErr=%v", step, r.Stale, r.FromCache, r.RefreshError)
				}
				if !bytes.Equal(r.Document.Raw(), first.Document.Raw()) || !r.Signature.Valid {
					t.Fatalf("+%v: the stale copy is not the good document", step)
				}
			}
			// Past freshness + StaleIfError the error surfaces.
			now = fixtureNow.Add(10*time.Minute + time.Hour)
			if r, err := f.Fetch(ctx, srv.URL); !errors.Is(err, tc.wantErr) || r != nil {
				t.Fatalf("past StaleIfError: %+v %v", r, err)
			}
			// The server recovers: a fresh good copy replaces the cached one.
			srv.serve(body(good))
			r, err := f.Fetch(ctx, srv.URL)
			if err != nil || r.Stale || r.FromCache || r.RefreshError != nil || !r.Expires.Equal(now.Add(10*time.Minute)) {
				t.Fatalf("recovery: %+v %v", r, err)
			}
			if n := srv.hits.Load(); n != 5 {
				t.Errorf("hits = %d, want 5", n)
			}
		})
	}
}

func TestFetchStaleIfErrorLimits(t *testing.T) {
	good := readFixture(t, "entra-app-61318f71.xml")
	setup := func(f *Fetcher) (*switchServer, *time.Time) {
		srv := newSwitchServer(t)
		srv.serve(body(good))
		now := fixtureNow
		f.Client, f.Now, f.CacheDuration = srv.Client(), func() time.Time { return now }, time.Minute
		if _, err := f.Fetch(context.Background(), srv.URL); err != nil {
			t.Fatal(err)
		}
		srv.serve(status(http.StatusBadGateway))
		now = now.Add(2 * time.Minute)
		return srv, &now
	}
	t.Run("disabled", func(t *testing.T) {
		f := &Fetcher{StaleIfError: -1}
		srv, _ := setup(f)
		if r, err := f.Fetch(context.Background(), srv.URL); !errors.Is(err, ErrFetch) || r != nil {
			t.Errorf("%+v %v", r, err)
		}
	})
	t.Run("default_24h", func(t *testing.T) {
		f := &Fetcher{}
		srv, now := setup(f)
		if r, err := f.Fetch(context.Background(), srv.URL); err != nil || !r.Stale {
			t.Fatalf("%+v %v", r, err)
		}
		*now = fixtureNow.Add(time.Minute + defaultStaleIfError)
		if _, err := f.Fetch(context.Background(), srv.URL); !errors.Is(err, ErrFetch) {
			t.Errorf("past default StaleIfError: %v", err)
		}
	})
	t.Run("caller_cancelled", func(t *testing.T) {
		f := &Fetcher{}
		srv, _ := setup(f)
		srv.serve(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if r, err := f.Fetch(ctx, srv.URL); !errors.Is(err, context.Canceled) || r != nil {
			t.Errorf("%+v %v", r, err)
		}
	})
	t.Run("never_past_validUntil", func(t *testing.T) {
		srv := newSwitchServer(t)
		srv.serve(body(readFixture(t, "google-workspace-C019px6f1.xml")))
		vu := time.Date(2030, 6, 5, 20, 14, 4, 0, time.UTC)
		now := vu.Add(-time.Minute)
		f := &Fetcher{Client: srv.Client(), Now: func() time.Time { return now }}
		if _, err := f.Fetch(context.Background(), srv.URL); err != nil {
			t.Fatal(err)
		}
		srv.serve(status(http.StatusServiceUnavailable))
		now = vu.Add(time.Second)
		if r, err := f.Fetch(context.Background(), srv.URL); !errors.Is(err, ErrFetch) || r != nil {
			t.Errorf("stale copy served past validUntil: %+v %v", r, err)
		}
	})
}

// A Fetcher is safe for concurrent use, and the bounds hold under it (run
// with -race).
func TestFetchConcurrent(t *testing.T) {
	srv := newSwitchServer(t)
	doc := readFixture(t, "entra-app-61318f71.xml")
	srv.serve(body(doc, "Cache-Control", "max-age=60"))
	var mu sync.Mutex
	now := fixtureNow
	f := &Fetcher{Client: srv.Client(), MaxCacheEntries: 2, Now: func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(time.Second)
		return now
	}}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 8 {
				if _, err := f.Fetch(context.Background(), srv.URL+"/"+string(rune('a'+(g+i)%4))); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.cache) > 2 || f.bytes != int64(len(f.cache)*len(doc)) {
		t.Errorf("%d entries, %d bytes", len(f.cache), f.bytes)
	}
}

func TestFetchRefusesHTTPSDowngrade(t *testing.T) {
	plain := newSwitchServer(t)
	plain.serve(body(readFixture(t, "entra-app-61318f71.xml")))
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/same" {
			http.Redirect(w, r, "/final", http.StatusFound)
			return
		}
		if r.URL.Path == "/final" {
			_, _ = w.Write(readFixture(t, "entra-app-61318f71.xml"))
			return
		}
		http.Redirect(w, r, plain.URL+"/x", http.StatusFound)
	}))
	defer tlsSrv.Close()
	f := &Fetcher{Client: tlsSrv.Client(), Now: func() time.Time { return fixtureNow }}
	if _, err := f.Fetch(context.Background(), tlsSrv.URL+"/down"); !errors.Is(err, ErrFetch) || plain.hits.Load() != 0 {
		t.Errorf("https -> http redirect: err %v, plain hits %d", err, plain.hits.Load())
	}
	if r, err := f.Fetch(context.Background(), tlsSrv.URL+"/same"); err != nil || r.Document.Entity == nil {
		t.Errorf("https -> https redirect: %v", err)
	}
	if tlsSrv.Client().CheckRedirect != nil {
		t.Error("the caller's client was modified")
	}
}

// Cache headers come from the server: never a panic, never a negative
// lifetime.
func FuzzHTTPLifetime(f *testing.F) {
	for _, s := range []string{"max-age=60", "no-store", `max-age="5", private`, "max-age=-1", "max-age=99999999999999999999", ""} {
		f.Add(s, "10", "Thu, 01 Jan 2026 00:10:00 GMT")
	}
	f.Fuzz(func(t *testing.T, cc, age, expires string) {
		h := http.Header{}
		h.Set("Cache-Control", cc)
		h.Set("Age", age)
		h.Set("Expires", expires)
		if d, _ := httpLifetime(h, fixtureNow); d < 0 || d > (1<<31)*time.Second {
			t.Fatalf("lifetime %v out of range", d)
		}
	})
}

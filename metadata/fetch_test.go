package metadata

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestMetadataURLs(t *testing.T) {
	u, err := TenantMetadataURL("contoso.onmicrosoft.com")
	if err != nil || u != "https://login.microsoftonline.com/contoso.onmicrosoft.com/FederationMetadata/2007-06/FederationMetadata.xml" {
		t.Errorf("C1.1: %q %v", u, err)
	}
	u, err = EntraGlobal.AppMetadataURL("61318f71-9c58-4f75-b8af-329e649fcd80", "00000000-1111-2222-3333-444444444444")
	if err != nil || u != "https://login.microsoftonline.com/61318f71-9c58-4f75-b8af-329e649fcd80/federationmetadata/2007-06/federationmetadata.xml?appid=00000000-1111-2222-3333-444444444444" {
		t.Errorf("C1.2: %q %v", u, err)
	}
	for _, bad := range []string{"", "a/b", "x?y", "-a"} {
		if _, err := TenantMetadataURL(bad); !errors.Is(err, ErrInvalidOption) {
			t.Errorf("C1.1 tenant %q accepted", bad)
		}
	}
	if _, err := EntraGlobal.AppMetadataURL("contoso.com", "00000000-1111-2222-3333-444444444444"); !errors.Is(err, ErrInvalidOption) {
		t.Error("C1.2: non-GUID tenant accepted")
	}
}

// metadataServer serves body with an ETag and honours If-None-Match.
func metadataServer(t *testing.T, body []byte, etag string) (*httptest.Server, *int32, *int32) {
	var hits, notModified int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		atomic.AddInt32(&hits, 1)
		if etag != "" && r.Header.Get("If-None-Match") == etag {
			atomic.AddInt32(&notModified, 1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		if etag != "" {
			w.Header().Set("ETag", etag)
		}
		w.Header().Set("Content-Type", "application/xml")
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits, &notModified
}

func TestFetchCachingAndETag(t *testing.T) {
	// C1.3: the ?appid= document comes with a BOM; the fetcher must cope.
	body := readFixture(t, "entra-tenant-8b966979.xml")
	srv, hits, nm := metadataServer(t, body, `"v1"`)
	now := fixtureNow
	f := &Fetcher{Client: srv.Client(), Now: func() time.Time { return now }, CacheDuration: 10 * time.Minute}
	ctx := context.Background()
	url := srv.URL + "/8b966979-910b-487c-a604-69229b1ac75c/federationmetadata/2007-06/federationmetadata.xml?appid=x"

	r1, err := f.Fetch(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if r1.FromCache || r1.NotModified || r1.ETag != `"v1"` || !r1.Document.BOM || !r1.Expires.Equal(now.Add(10*time.Minute)) {
		t.Fatalf("first fetch = %+v", r1)
	}
	if r1.Signature == nil || !r1.Signature.Valid || r1.Signature.Trusted {
		t.Errorf("TOFU facts = %+v", r1.Signature)
	}
	r2, err := f.Fetch(ctx, url)
	if err != nil || !r2.FromCache || atomic.LoadInt32(hits) != 1 {
		t.Fatalf("second fetch: fromCache=%v hits=%d err=%v", r2.FromCache, *hits, err)
	}
	now = now.Add(11 * time.Minute)
	r3, err := f.Fetch(ctx, url)
	if err != nil || !r3.NotModified || atomic.LoadInt32(hits) != 2 || atomic.LoadInt32(nm) != 1 {
		t.Fatalf("revalidation: %+v hits=%d 304s=%d err=%v", r3, *hits, *nm, err)
	}
	if r3.Document.Entity.EntityID != r1.Document.Entity.EntityID {
		t.Error("304 lost the document")
	}
}

func TestFetchValidUntilCapsCache(t *testing.T) {
	body := readFixture(t, "google-workspace-C019px6f1.xml") // validUntil 2030-06-05T20:14:04Z
	srv, hits, _ := metadataServer(t, body, "")
	vu := time.Date(2030, 6, 5, 20, 14, 4, 0, time.UTC)
	now := vu.Add(-30 * time.Minute)
	f := &Fetcher{Client: srv.Client(), Now: func() time.Time { return now }}
	r, err := f.Fetch(context.Background(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Expires.Equal(vu) {
		t.Errorf("expires %v, want validUntil %v", r.Expires, vu)
	}
	now = vu.Add(time.Second)
	if _, err := f.Fetch(context.Background(), srv.URL); !errors.Is(err, ErrUnusable) {
		t.Errorf("expired metadata: %v", err)
	}
	if *hits != 2 {
		t.Errorf("hits = %d", *hits)
	}
}

func TestFetchSignaturePolicy(t *testing.T) {
	ctx := context.Background()
	good, _, _ := metadataServer(t, readFixture(t, "entra-app-61318f71.xml"), "")
	edited, _, _ := metadataServer(t, readFixture(t, "entra-app-61318f71-edited.xml"), "")
	f := &Fetcher{Client: good.Client(), Now: func() time.Time { return fixtureNow }, Verify: &VerifyOptions{Thumbprints: []string{realSigned[2].signer}}}
	r, err := f.Fetch(ctx, good.URL)
	if err != nil || !r.Signature.Trusted {
		t.Fatalf("pinned good document: %v", err)
	}
	if _, err := f.Fetch(ctx, edited.URL); !errors.Is(err, ErrSignature) {
		t.Errorf("tampered document: %v", err)
	}
}

func TestFetchErrors(t *testing.T) {
	ctx := context.Background()
	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(readFixture(t, "adfs-maybank.xml"))
	}))
	defer big.Close()
	status := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "nope", http.StatusNotFound)
	}))
	defer status.Close()
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer hang.Close()
	hostile := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`<!DOCTYPE x [<!ENTITY a "b">]><EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="&a;"/>`))
	}))
	defer hostile.Close()

	for _, tc := range []struct {
		name string
		f    *Fetcher
		url  string
		want error
	}{
		{"D4.8_size_cap", &Fetcher{Limits: Limits{MaxBytes: 1000}}, big.URL, errHostile},
		{"http_status", &Fetcher{}, status.URL, ErrFetch},
		{"timeout", &Fetcher{Timeout: 50 * time.Millisecond}, hang.URL, ErrFetch},
		{"D4.8_doctype", &Fetcher{}, hostile.URL, errHostile},
		{"bad_scheme", &Fetcher{}, "file:///etc/passwd", ErrInvalidOption},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.f.Fetch(ctx, tc.url); !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
	// A cancelled context fails the fetch.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := (&Fetcher{}).Fetch(cctx, hang.URL); !errors.Is(err, ErrFetch) || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

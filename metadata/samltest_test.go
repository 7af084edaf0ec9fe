package metadata_test

import (
	"context"
	"crypto/x509"
	"testing"
	"time"

	"github.com/samlaws/samlaws/metadata"
	"github.com/samlaws/samlaws/saml/samltest"
)

// TestSamltestIdPRollover drives the package against the project's test Entra
// tenant over HTTP: app-specific metadata with a BOM (C1.2, C1.3), pinned
// verification, and a certificate rollover (C3.4).
func TestSamltestIdPRollover(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return now }})
	srv := idp.Serve()
	ctx := context.Background()
	f := &metadata.Fetcher{Now: func() time.Time { return now }, CacheDuration: -1,
		Verify: &metadata.VerifyOptions{Certificates: []*x509.Certificate{idp.Certificate()}}}

	fetch := func() *metadata.Document {
		t.Helper()
		res, err := f.Fetch(ctx, srv.AppMetadataURL)
		if err != nil {
			t.Fatalf("Fetch: %v", err)
		}
		return res.Document
	}

	before := fetch()
	e := before.Entity
	if !before.BOM || e.Kind() != metadata.KindEntraApp || e.TenantID() != idp.TenantID {
		t.Fatalf("C1.3/C1.2: BOM=%v kind=%s tenant=%s", before.BOM, e.Kind(), e.TenantID())
	}
	if err := e.CheckIDP(); err != nil {
		t.Fatal(err)
	}
	if p := metadata.CheckIAM(before.Raw()); len(p) != 0 {
		t.Errorf("B1.1: IAM problems: %v", p)
	}
	if r := e.Rollover(now, ""); r.State != metadata.RolloverNone {
		t.Errorf("rollover before = %s", r.State)
	}
	oldSHA := metadata.NewCertificate(idp.Certificate().Raw).SHA1

	next := idp.AddNextCertificate()
	nextSHA := metadata.NewCertificate(next.Raw).SHA1
	withNext := fetch()
	r := withNext.Entity.Rollover(now, oldSHA)
	if r.State != metadata.RolloverNextPublished || r.Current.SHA1 != oldSHA || len(r.Next) != 1 || r.Next[0].SHA1 != nextSHA {
		t.Errorf("C3.4 rollover with next = %+v", r)
	}
	d, err := metadata.Compare(before, withNext, metadata.CompareOptions{Now: func() time.Time { return now }, ActiveSigner: oldSHA})
	if err != nil || d.Breaks || len(d.Added) != 1 || len(d.Kept) != 1 {
		t.Errorf("C3.4 upload next first: %+v %v", d, err)
	}

	idp.ActivateNextCertificate()
	idp.RemoveInactiveCertificates()
	f.Verify = &metadata.VerifyOptions{Certificates: []*x509.Certificate{next}}
	after := fetch()
	// IAM still holds the first document while Entra signs with the new key.
	d, err = metadata.Compare(before, after, metadata.CompareOptions{Now: func() time.Time { return now }, ActiveSigner: nextSHA})
	if err != nil || d.Breaks {
		t.Errorf("switching IAM to the new document must be safe: %+v %v", d, err)
	}
	// Switching IAM back to the old document while Entra signs with the new
	// key breaks sign-in (A5.1).
	d, err = metadata.Compare(after, before, metadata.CompareOptions{Now: func() time.Time { return now }, ActiveSigner: nextSHA})
	if err != nil || !d.Breaks {
		t.Errorf("C3.4 stale metadata must break: %+v %v", d, err)
	}
}

package samltest_test

import (
	"context"
	"crypto/x509"
	"testing"
	"time"

	"github.com/samlaws/samlaws/metadata"
	"github.com/samlaws/samlaws/saml/samltest"
)

// The project's metadata package reads samltest metadata as the Entra
// metadata it is: kind, tenant, IdP checks, signature, IAM constraints (A5.4,
// B1.1) and rollover state (C3.4).
func TestMetadataReadByMetadataPackage(t *testing.T) {
	t.Parallel()
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return fixedNow }})
	md := idp.Metadata()
	doc, err := metadata.Parse(md, metadata.Limits{})
	if err != nil {
		t.Fatalf("metadata.Parse: %v", err)
	}
	e := doc.Entity
	if e == nil || e.EntityID != idp.EntityID || e.TenantID() != idp.TenantID {
		t.Fatalf("entity %+v", e)
	}
	if k := e.Kind(); k != metadata.KindEntraApp && k != metadata.KindEntraTenant {
		t.Errorf("Kind() = %q, want an Entra kind", k)
	}
	if err := e.CheckIDP(); err != nil {
		t.Errorf("CheckIDP: %v", err)
	}
	if len(e.RoleDescriptors) != 2 {
		t.Errorf("%d WS-Fed RoleDescriptors, want 2", len(e.RoleDescriptors))
	}
	if _, err := doc.Verify(metadata.VerifyOptions{Certificates: []*x509.Certificate{idp.Certificate()}, Now: func() time.Time { return fixedNow }}); err != nil {
		t.Errorf("Verify with the IdP certificate: %v", err)
	}
	_, other := idp.OtherSigner()
	if _, err := doc.Verify(metadata.VerifyOptions{Certificates: []*x509.Certificate{other}, Now: func() time.Time { return fixedNow }}); err == nil {
		t.Error("Verify accepted an unrelated pinned certificate")
	}
	if p := metadata.CheckIAM(md); len(p) != 0 {
		t.Errorf("IAM would refuse the metadata: %v", p)
	}
	if r := e.Rollover(fixedNow, ""); r.State != metadata.RolloverNone {
		t.Errorf("rollover state %q before rollover", r.State)
	}

	// C1.3: with the BOM Entra's app endpoint adds, IAM refuses it as is.
	bom := append([]byte("\xEF\xBB\xBF"), md...)
	if d, err := metadata.Parse(bom, metadata.Limits{}); err != nil || !d.BOM {
		t.Errorf("BOM form: %v", err)
	}
	if p := metadata.CheckIAM(bom); len(p) == 0 {
		t.Error("A5.4: CheckIAM accepted metadata with a BOM")
	}

	// C3.4: with a next certificate published, the rollover is visible.
	idp.AddNextCertificate()
	doc2, err := metadata.Parse(idp.Metadata(), metadata.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if r := doc2.Entity.Rollover(fixedNow, ""); r.State != metadata.RolloverNextPublished || len(r.Next) != 1 {
		t.Errorf("rollover state %q with %d next, want %q with 1", r.State, len(r.Next), metadata.RolloverNextPublished)
	}
}

// The metadata package's Fetcher downloads the app-specific metadata (with its
// BOM) from the test server and verifies it against the pinned certificate.
func TestServerWithMetadataFetcher(t *testing.T) {
	t.Parallel()
	srv := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return fixedNow }}).Serve()
	f := &metadata.Fetcher{Verify: &metadata.VerifyOptions{Certificates: []*x509.Certificate{srv.IdP.Certificate()}, Now: func() time.Time { return fixedNow }}}
	for _, u := range []string{srv.AppMetadataURL, srv.MetadataURL} {
		res, err := f.Fetch(context.Background(), u)
		if err != nil {
			t.Fatalf("Fetch %s: %v", u, err)
		}
		if res.Document.Entity.EntityID != srv.IdP.EntityID {
			t.Errorf("fetched entity %q", res.Document.Entity.EntityID)
		}
		if want := u == srv.AppMetadataURL; res.Document.BOM != want {
			t.Errorf("%s: BOM = %v, want %v (C1.3)", u, res.Document.BOM, want)
		}
	}
}

package saml

import (
	"crypto/x509"
	"errors"
	"strings"
	"testing"

	"github.com/samlaws/samlaws/metadata"

	"github.com/samlaws/samlaws/internal/mint/minttest"
)

// TestTrustMetadata: a verifier configured from the tenant's metadata (two
// signing certificates during a rollover) accepts a response signed with
// either, and rejects one signed with a certificate the metadata lacks.
func TestTrustMetadata(t *testing.T) {
	idp := minttest.LoadKeyPair(t, "idp")
	other := minttest.LoadKeyPair(t, "other")
	md, err := metadata.NewIDPMetadata(entraIDPOptions(minttest.Tenant, other.Cert, idp.Cert))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := metadata.Parse(md, metadata.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := vConfig(t)
	cfg.IdPEntityID, cfg.Certificates = "", nil
	if err := cfg.TrustMetadata(doc.Entity); err != nil {
		t.Fatal(err)
	}
	if cfg.IdPEntityID != minttest.Issuer || len(cfg.Certificates) != 2 {
		t.Fatalf("entity %q, %d certificates", cfg.IdPEntityID, len(cfg.Certificates))
	}
	v, err := NewVerifier(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := vVerify(t, v, vMint(t, nil).XML); err != nil {
		t.Fatalf("A5.1 rollover: %v", err)
	}

	// Metadata with only the other certificate: the idp-signed response is
	// rejected with the thumbprint hint.
	md2, err := metadata.NewIDPMetadata(entraIDPOptions(minttest.Tenant, other.Cert))
	if err != nil {
		t.Fatal(err)
	}
	doc2, err := metadata.Parse(md2, metadata.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	cfg2 := vConfig(t)
	if err := cfg2.TrustMetadata(doc2.Entity); err != nil {
		t.Fatal(err)
	}
	v2, err := NewVerifier(cfg2)
	if err != nil {
		t.Fatal(err)
	}
	_, err = vVerify(t, v2, vMint(t, nil).XML)
	vExpect(t, err, ErrSignature)
	var ve *ValidationError
	errors.As(err, &ve)
	if want := thumbprint(idp.Cert); !strings.Contains(ve.Hint, want) {
		t.Errorf("hint %q lacks thumbprint %s", ve.Hint, want)
	}

	var empty VerifierConfig
	if err := empty.TrustMetadata(nil); !errors.Is(err, ErrConfig) {
		t.Errorf("nil entity: %v", err)
	}
}

// entraIDPOptions describes an Entra tenant's SAML IdP role (C1.4): entityID
// https://sts.windows.net/{tenant}/ and the SSO and SLO endpoints at
// https://login.microsoftonline.com/{tenant}/saml2.
func entraIDPOptions(tenantID string, certs ...*x509.Certificate) metadata.IDPMetadataOptions {
	ep := "https://login.microsoftonline.com/" + tenantID + "/saml2"
	return metadata.IDPMetadataOptions{
		EntityID:             "https://sts.windows.net/" + tenantID + "/",
		SigningCertificates:  certs,
		SingleSignOnServices: []metadata.Endpoint{{Binding: metadata.BindingHTTPRedirect, Location: ep}, {Binding: metadata.BindingHTTPPOST, Location: ep}},
		SingleLogoutServices: []metadata.Endpoint{{Binding: metadata.BindingHTTPRedirect, Location: ep}},
	}
}

package saml_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/samlaws/samlaws/internal/samltesthelp"
	"github.com/samlaws/samlaws/metadata"
	"github.com/samlaws/samlaws/saml"
	"github.com/samlaws/samlaws/saml/samltest"
)

// TestVerifierConformance runs samltest's conformance suite (Entra's three
// signing options accepted, every tamper case rejected) against Verify.
func TestVerifierConformance(t *testing.T) {
	idp := samltest.NewIdP(t, samltest.IdPConfig{})
	v, err := saml.NewVerifier(idp.VerifierConfig())
	if err != nil {
		t.Fatal(err)
	}
	samltest.RunConformance(t, idp, func(ctx context.Context, resp []byte) error {
		_, err := v.Verify(ctx, resp)
		return err
	})
}

// TestDiagnoseUntrustedSignerOneFix: after an Entra certificate rollover the
// response is signed by a certificate AWS does not have. Diagnose must report
// that (A5.1) with the fix that names the thumbprint, and nothing that sends
// the admin after Entra's signing options instead (no D4.7 problem).
func TestDiagnoseUntrustedSignerOneFix(t *testing.T) {
	idp := samltest.NewIdP(t, samltest.IdPConfig{})
	cfg := idp.VerifierConfig()
	v, err := saml.NewVerifier(cfg)
	if err != nil {
		t.Fatal(err)
	}
	idp.AddNextCertificate()
	idp.ActivateNextCertificate()
	m := samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{})
	r := v.Diagnose(context.Background(), m.XML)
	if r.Accepted {
		t.Fatal("accepted a response signed by an untrusted certificate")
	}
	var sawA51 bool
	for _, p := range r.Problems {
		var ve *saml.ValidationError
		if !errors.As(p, &ve) {
			t.Fatalf("problem %v is not a *ValidationError", p)
		}
		switch ve.Rule {
		case "A5.1":
			sawA51 = true
			if !strings.Contains(ve.Hint, metadata.NewCertificate(idp.Certificate().Raw).SHA1) {
				t.Errorf("A5.1 hint %q does not name the signing certificate's thumbprint", ve.Hint)
			}
		case "D4.7":
			t.Errorf("unexpected D4.7 problem next to the untrusted signer: %v", p)
		}
	}
	if !sawA51 {
		t.Errorf("no A5.1 problem in %v", r.Problems)
	}
	// Verify (not Diagnose) must still reject it, on the signature.
	if _, err := v.Verify(context.Background(), m.XML); !errors.Is(err, saml.ErrSignature) {
		t.Errorf("Verify: %v, want ErrSignature", err)
	}
}

package saml_test

import (
	"context"
	"testing"

	"github.com/samlaws/samlaws/saml"
	"github.com/samlaws/samlaws/saml/samltest"
)

// TestVerifierConformance runs samltest's conformance suite (Entra's three
// signing options accepted, every tamper case rejected) against Verify.
func TestVerifierConformance(t *testing.T) {
	idp := samltest.NewIdP(t)
	v, err := saml.NewVerifier(idp.VerifierConfig())
	if err != nil {
		t.Fatal(err)
	}
	samltest.RunConformance(t, idp, func(ctx context.Context, resp []byte) error {
		_, err := v.Verify(ctx, resp)
		return err
	})
}

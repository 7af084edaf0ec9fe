package saml_test

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/samlaws/samlaws/saml"
	"github.com/samlaws/samlaws/saml/samltest"
)

// Share one replay cache between the Verifier in service and the one that
// replaces it when the IdP publishes its next certificate: a response the
// old Verifier accepted is a replay to the new one (D5.3). Without the shared
// cache, the new Verifier would start empty and accept it again.
func ExampleNewReplayCache() {
	idp := exampleIdP()
	m, err := idp.Mint(exampleUser(), samltest.ResponseOptions{})
	if err != nil {
		log.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 11, 28, 10, 0, 30, 0, time.UTC) }
	cache := saml.NewReplayCache(0, now)
	verifier := func(certs []*x509.Certificate) *saml.Verifier {
		v, err := saml.NewVerifier(saml.VerifierConfig{
			IdPEntityID:  "https://sts.windows.net/8b966979-910b-487c-a604-69229b1ac75c/",
			Certificates: certs,
			Now:          now,
			ReplayCache:  cache,
		})
		if err != nil {
			log.Fatal(err)
		}
		return v
	}

	old := verifier(idp.Certificates())
	_, err = old.Verify(context.Background(), []byte(m.Base64()))
	fmt.Println("old verifier:", err)

	idp.AddNextCertificate() // Entra: new certificate, published, not active yet
	rotated := verifier(idp.Certificates())
	_, err = rotated.Verify(context.Background(), []byte(m.Base64()))
	fmt.Println("new verifier, replay:", errors.Is(err, saml.ErrReplay))
	// Output:
	// old verifier: <nil>
	// new verifier, replay: true
}

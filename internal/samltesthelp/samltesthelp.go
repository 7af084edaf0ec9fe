// Package samltesthelp holds the small helpers around saml/samltest (and its
// test keys) that the module's test files share, so that each test package
// does not carry its own copy. Only test files import it
// (TestTestSupportImports in the module root checks this); it is not part of
// the public API.
package samltesthelp

import (
	"crypto/x509"
	"encoding/pem"
	"testing"

	"github.com/samlaws/samlaws/internal/testkeys"
	"github.com/samlaws/samlaws/saml/samltest"
)

// MustMint mints a response with idp.Mint and fails the test on error.
func MustMint(t samltest.TB, idp *samltest.IdP, u samltest.User, opts samltest.ResponseOptions) *samltest.Minted {
	t.Helper()
	m, err := idp.Mint(u, opts)
	if err != nil {
		t.Fatalf("%v", err)
	}
	return m
}

// KeyPEM returns public test key i (the key a samltest IdP with KeyIndex i
// signs with) as a PKCS#8 "PRIVATE KEY" PEM block, the form IAM's
// AddPrivateKey and "samlaws mint --key" take.
func KeyPEM(t testing.TB, i int) string {
	t.Helper()
	k, err := testkeys.RSA(i)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

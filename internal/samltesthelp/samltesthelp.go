// Package samltesthelp holds the one-line wrappers around saml/samltest that
// the module's test files share, so that each test package does not carry its
// own copy. Only test files import it (TestTestSupportImports in the module
// root checks this); it is not part of the public API.
package samltesthelp

import "github.com/samlaws/samlaws/saml/samltest"

// MustMint mints a response with idp.Mint and fails the test on error.
func MustMint(t samltest.TB, idp *samltest.IdP, u samltest.User, opts samltest.ResponseOptions) *samltest.Minted {
	t.Helper()
	m, err := idp.Mint(u, opts)
	if err != nil {
		t.Fatalf("%v", err)
	}
	return m
}

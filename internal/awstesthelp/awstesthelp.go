// Package awstesthelp holds the wrappers around awstest that the module's
// test files share, so that each test package does not carry its own copy.
// Only test files import it (TestTestSupportImports in the module root checks
// this); it is not part of the public API.
package awstesthelp

import (
	"testing"

	"github.com/samlaws/samlaws/awstest"
)

// NewServer starts an awstest server for the test and closes it when the test
// ends.
func NewServer(t testing.TB, cfg awstest.Config) *awstest.Server {
	t.Helper()
	srv, err := awstest.NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

package main

import (
	"strings"
	"testing"

	"github.com/samlaws/samlaws/saml/samltest"
)

// TestDemoTBReportsSamltestFailures: when samltest gives up through the
// adapter (here: an IdP used after its cleanup, reported with Errorf and then
// FailNow), the demo gets samltest's message as a demoFatal, not a nil
// pointer panic that runDemo would turn into "unexpected failure".
func TestDemoTBReportsSamltestFailures(t *testing.T) {
	tb := &demoTB{}
	idp := samltest.NewIdP(tb)
	tb.cleanup()
	var got any
	func() {
		defer func() { got = recover() }()
		idp.Response(tb, samltest.DefaultUser())
	}()
	f, ok := got.(demoFatal)
	if !ok {
		t.Fatalf("recovered %T %v, want a demoFatal", got, got)
	}
	if !strings.Contains(f.msg, "used after its test finished") {
		t.Errorf("message %q does not carry samltest's report", f.msg)
	}
}

package main

import (
	"bytes"
	"testing"

	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/saml/samltest"
)

// TestDemoTenantMatchesSamltest: the demo's tenant, built without package
// testing, makes byte for byte what samltest's IdP makes with the same clock,
// seed, audience and ACS, through the demo's whole sequence of calls:
// certificate, metadata (C1.4), response, a response with the "#2" Reply URL
// (C2.1), a rollover (C3.4), a response with the new key and the updated
// metadata. If the two drift apart, the demo no longer shows samltest's tenant.
func TestDemoTenantMatchesSamltest(t *testing.T) {
	audience, err := federation.NormalizeAudience(demoIdentifier)
	if err != nil {
		t.Fatal(err)
	}
	dt, err := newDemoTenant(demoNow, demoSeed, audience, federation.GlobalSignInEndpoint)
	if err != nil {
		t.Fatal(err)
	}
	idp := samltest.NewIdP(t,
		samltest.WithNow(demoNow),
		samltest.WithDeterministicIDs(demoSeed),
		samltest.WithAudience(audience),
		samltest.WithACS(federation.GlobalSignInEndpoint),
	)
	for _, c := range []struct{ name, got, want string }{
		{"TenantID", dt.TenantID, idp.TenantID},
		{"EntityID", dt.EntityID, idp.EntityID},
		{"ACS", dt.ACS, idp.ACS},
		{"Audience", dt.Audience, idp.Audience},
	} {
		if c.got != c.want {
			t.Errorf("%s: demo %q, samltest %q", c.name, c.got, c.want)
		}
	}

	su := samltest.DefaultUser()
	su.SessionName = su.UPN
	su.SessionDuration = demoSessionDuration
	du := (&demo{}).user()

	same := func(step string, got, want []byte) {
		t.Helper()
		if len(want) == 0 {
			t.Fatalf("%s: samltest made nothing", step)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: the demo tenant's bytes differ from samltest's", step)
		}
	}
	mint := func(step, recipient string, opts ...samltest.ResponseOption) {
		t.Helper()
		m, err := dt.response(du, recipient)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		same(step, m.XML, idp.Response(t, su, opts...).XML)
	}
	metadata := func(step string) {
		t.Helper()
		md, err := dt.metadata()
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		same(step, md, idp.Metadata())
	}

	same("C3.2/certificate", dt.certificate().Raw, idp.Certificate().Raw)
	metadata("C1.4/metadata")
	mint("A3/response", "")
	mint("C2.1/response to the #2 Reply URL", demoIdentifier, samltest.Recipient(demoIdentifier))
	if err := dt.rollover(); err != nil {
		t.Fatal(err)
	}
	idp.AddNextCertificate()
	idp.ActivateNextCertificate()
	same("C3.4/rolled-over certificate", dt.certificate().Raw, idp.Certificate().Raw)
	mint("C3.4/response with the new key", "")
	metadata("C3.4/metadata with both certificates")
}

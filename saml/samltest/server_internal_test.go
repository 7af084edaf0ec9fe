package samltest

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"strings"
	"testing"
)

// FuzzParseAuthnRequest: hostile SAMLRequest values never panic, and an accepted
// one always names a request ID and the application's identifier.
func FuzzParseAuthnRequest(f *testing.F) {
	const good = `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r1" AssertionConsumerServiceURL="https://signin.aws.amazon.com/saml"><saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">https://signin.aws.amazon.com/saml</saml:Issuer></samlp:AuthnRequest>`
	var deflated bytes.Buffer
	w, _ := flate.NewWriter(&deflated, flate.BestCompression)
	w.Write([]byte(good))
	w.Close()
	f.Add(base64.StdEncoding.EncodeToString([]byte(good)), false)
	f.Add(base64.StdEncoding.EncodeToString(deflated.Bytes()), true)
	f.Add(base64.StdEncoding.EncodeToString([]byte(`<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>`)), false)
	f.Add(strings.Repeat("A", 100), true)
	idp := &IdP{Audience: "https://signin.aws.amazon.com/saml", ACS: "https://signin.aws.amazon.com/saml"}
	f.Fuzz(func(t *testing.T, value string, isDeflated bool) {
		id, err := idp.parseAuthnRequest(value, isDeflated)
		if err != nil {
			if id != "" || !strings.HasPrefix(err.Error(), "samltest: ") {
				t.Fatalf("id %q with error %v", id, err)
			}
			return
		}
		if id == "" {
			t.Fatal("accepted a request without an ID")
		}
	})
}

package saml

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/samlaws/samlaws/internal/peers"
)

// TestXMLSec1Agrees holds the verifier's signature checks (internal/c14n and
// the parser included) to xmlsec1: every response Verify accepts verifies
// with xmlsec1 and the same pinned certificate, and the responses whose
// cryptography was broken are rejected by both.
func TestXMLSec1Agrees(t *testing.T) {
	if testing.Short() {
		t.Skip("xmlsec1 runs are slow")
	}
	peers.Require(t, peers.XMLSec1)
	certPEM, err := os.ReadFile(filepath.Join("testdata", "idp.crt.pem"))
	if err != nil {
		t.Fatal(err)
	}
	const name = "victim@contoso.example.attacker.invalid"
	accepted := map[string][]byte{
		"C3.1_sign_assertion": vMint(t, nil).XML,
		"C3.1_sign_response":  vMint(t, func(s *ResponseSpec) { s.Signing = SignResponse }).XML,
		"C3.1_sign_both":      vMint(t, func(s *ResponseSpec) { s.Signing = SignBoth }).XML,
		"threat5_comment_split": replace(name+"</NameID>", "victim@contoso.example<!---->.attacker.invalid</NameID>")(t,
			vMint(t, func(s *ResponseSpec) { s.NameID = name }).XML),
		"threat5_cdata_split": replace(name+"</NameID>", "victim@contoso.example<![CDATA[.attacker.invalid]]></NameID>")(t,
			vMint(t, func(s *ResponseSpec) { s.NameID = name }).XML),
	}
	other := mintLoadKeyPair(t, "other")
	broken := map[string][]byte{
		"D4.8_modified_after_signing": vMint(t, func(s *ResponseSpec) { s.Tamper.ModifyAfterSigning = true }).XML,
		"D4.6_signed_by_other_key":    vMint(t, func(s *ResponseSpec) { s.Tamper.SignWith = other.key }).XML,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for name, xml := range accepted {
		t.Run(name, func(t *testing.T) {
			if _, err := vVerify(t, vVerifier(t, nil), xml); err != nil {
				t.Fatalf("Verify rejects: %v", err)
			}
			v, err := peers.XMLSec1VerifyAll(ctx, xml, certPEM)
			if err != nil {
				t.Fatal(err)
			}
			if !v.Accepted {
				t.Fatalf("Verify accepts, xmlsec1 rejects: %s", v.Reason)
			}
		})
	}
	for name, xml := range broken {
		t.Run(name, func(t *testing.T) {
			_, err := vVerify(t, vVerifier(t, nil), xml)
			vExpect(t, err, ErrSignature)
			v, err := peers.XMLSec1VerifyAll(ctx, xml, certPEM)
			if err != nil {
				t.Fatal(err)
			}
			if v.Accepted {
				t.Fatal("xmlsec1 accepts a broken signature")
			}
		})
	}
}

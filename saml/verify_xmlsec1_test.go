package saml

import (
	"context"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/samlaws/samlaws/internal/peers"

	"github.com/samlaws/samlaws/internal/mint/minttest"
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
	other := minttest.LoadKeyPair(t, "other")
	broken := map[string][]byte{
		"D4.8_modified_after_signing": vMint(t, func(s *ResponseSpec) { s.Tamper.ModifyAfterSigning = true }).XML,
		"D4.6_signed_by_other_key":    vMint(t, func(s *ResponseSpec) { s.Tamper.SignWith = other.Key }).XML,
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

// xmlsec1Agrees holds an accepted response to xmlsec1 (libxml2's parser and
// exclusive c14n, an implementation independent of this package and of
// goxmldsig): every signature Verify relied on must verify with xmlsec1 and
// the certificate Verify used. An encrypted assertion is decrypted by xmlsec1
// with the test SP key first. oraclesAgree calls it, so it runs on every
// accepted test variant, peer-minted response and fuzz input Verify accepts.
// Without xmlsec1 it only logs, except under CI=true, where it fails.
func xmlsec1Agrees(t testing.TB, raw []byte, a *Assertion) {
	t.Helper()
	ctx := context.Background()
	if err := peers.Available(ctx, peers.XMLSec1); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%v (CI=true: xmlsec1 must be installed)", err)
		}
		t.Logf("xmlsec1 differential not run: %v", err)
		return
	}
	data, e := (&checker{v: &Verifier{}}).decode(raw)
	if e != nil {
		t.Fatalf("accepted input does not decode: %v", e)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: a.Certificate.Raw})
	verify := func(doc []byte, xpath, what string) {
		t.Helper()
		v, err := peers.XMLSec1VerifyNode(ctx, doc, certPEM, xpath)
		if err != nil {
			t.Fatalf("xmlsec1: %v", err)
		}
		if !v.Accepted {
			t.Fatalf("Verify accepted the %s signature, xmlsec1 rejects it: %s", what, v.Reason)
		}
	}
	const (
		respSig = "/*/*[local-name()='Signature' and namespace-uri()='http://www.w3.org/2000/09/xmldsig#']"
		asrSig  = "/*/*[local-name()='Assertion' or local-name()='EncryptedAssertion']/descendant-or-self::*[local-name()='Assertion']/*[local-name()='Signature' and namespace-uri()='http://www.w3.org/2000/09/xmldsig#']"
	)
	if a.SignedResponse {
		verify(data, respSig, "Response")
	}
	if !a.SignedAssertion {
		return
	}
	if a.Encrypted {
		keyPEM, err := os.ReadFile(filepath.Join("testdata", "sp.key.pem"))
		if err != nil {
			t.Fatal(err)
		}
		data, err = peers.XMLSec1Decrypt(ctx, data, keyPEM)
		if err != nil {
			t.Fatalf("Verify decrypted the assertion, xmlsec1 cannot: %v", err)
		}
	}
	verify(data, asrSig, "Assertion")
}

package peers_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/samlaws/samlaws/internal/peers"
)

// now is the fixed clock of these tests.
var now = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

const (
	issuer   = "https://sts.windows.net/aaaabbbb-0000-cccc-1111-dddd2222eeee/"
	nameID   = "b.simon@contoso.com"
	attrRole = "https://aws.amazon.com/SAML/Attributes/Role"
	attrRSN  = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
	roleA    = "arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/Entra"
	roleB    = "arn:aws:iam::123456789012:role/ReadOnly,arn:aws:iam::123456789012:saml-provider/Entra"
)

type keyPair struct {
	keyPEM, certPEM []byte
}

// newKeyPair makes a throw-away RSA-2048 key and self-signed certificate valid from a
// year before now to ten years after (back-dated so every peer's date checks pass).
func newKeyPair(t testing.TB, cn string) keyPair {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             now.AddDate(-1, 0, 0),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return keyPair{
		keyPEM:  pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}),
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
	}
}

func metadataFor(t testing.TB, certs ...[]byte) []byte {
	t.Helper()
	md, err := peers.MetadataXML(issuer, "https://login.microsoftonline.com/aaaabbbb-0000-cccc-1111-dddd2222eeee/saml2", certs...)
	if err != nil {
		t.Fatal(err)
	}
	return md
}

func mintInput(kp keyPair) peers.MintInput {
	return peers.MintInput{
		KeyPEM: kp.keyPEM, CertPEM: kp.certPEM, Issuer: issuer, NameID: nameID,
		Attributes: map[string][]string{attrRole: {roleA, roleB}, attrRSN: {nameID}},
		Now:        now, Lifetime: 10 * time.Minute,
	}
}

type spVerifier struct {
	name string
	all  func(context.Context, []peers.SPInput) ([]peers.Verdict, error)
}

func spVerifiers() []spVerifier {
	return []spVerifier{
		{peers.PySAML2, peers.PySAML2VerifyAll},
		{peers.OneLogin, peers.OneLoginVerifyAll},
		{peers.NodeSAML, peers.NodeSAMLVerifyAll},
	}
}

// tamperCase is one response with the verdict each peer must give.
type tamperCase struct {
	name   string
	xml    []byte
	now    time.Time
	accept map[string]bool // by peer name; xmlsec1 included
	// wantResponse and wantAssertion set SPInput.WantResponseSigned/WantAssertionSigned.
	wantResponse, wantAssertion bool
}

func TestHarnessPeersAgree(t *testing.T) {
	for _, p := range []string{peers.XMLSec1, peers.PySAML2, peers.OneLogin, peers.NodeSAML, peers.NpmSAML} {
		peers.Require(t, p)
	}
	ctx := context.Background()
	idp := newKeyPair(t, "harness idp")
	other := newKeyPair(t, "another idp")
	md := metadataFor(t, idp.certPEM)

	wrongAud := mintInput(idp)
	wrongAud.Audience = "https://signin.aws.amazon.com/saml#2"
	respSigned := mintInput(idp)
	respSigned.SignResponse, respSigned.SignAssertion = true, false
	py, err := peers.PySAML2MintAll(ctx, []peers.MintInput{mintInput(idp), wrongAud, mintInput(other), respSigned})
	if err != nil {
		t.Fatalf("PySAML2MintAll: %v", err)
	}
	pyMinted, pyWrongAud, otherKey, pyRespSigned := py[0], py[1], py[2], py[3]
	for i, x := range py { // the fake clock is frozen at MintInput.Now
		if want := `IssueInstant="` + now.Format("2006-01-02T15:04:05Z") + `"`; !bytes.Contains(x, []byte(want)) {
			t.Fatalf("pysaml2 mint %d: no %s", i, want)
		}
	}
	npmMinted, err := peers.NpmSAMLMint(ctx, mintInput(idp))
	if err != nil {
		t.Fatalf("NpmSAMLMint: %v", err)
	}
	for name, x := range map[string][]byte{"pysaml2 assertion": pyMinted, "pysaml2 response": pyRespSigned, "npm": npmMinted} {
		if n := bytes.Count(x, []byte("SignatureValue>")); n != 2 { // open and close tag
			t.Fatalf("%s: %d SignatureValue tags, want one signature", name, n/2)
		}
	}
	if !bytes.Contains(pyRespSigned, []byte(`Response xmlns`)) || bytes.Index(pyRespSigned, []byte("Signature")) > bytes.Index(pyRespSigned, []byte("Assertion ")) {
		t.Fatal("pysaml2 response-signed: the signature is not the Response's")
	}

	all := map[string]bool{peers.XMLSec1: true, peers.PySAML2: true, peers.OneLogin: true, peers.NodeSAML: true}
	none := map[string]bool{}
	sigOnly := map[string]bool{peers.XMLSec1: true}
	cases := []tamperCase{
		{"pysaml2 minted, assertion signed", pyMinted, now, all, false, false},
		{"pysaml2 minted, response signed", pyRespSigned, now, all, false, false},
		{"npm saml minted, assertion signed", npmMinted, now, all, false, false},
		{"D4 attribute value changed after signing", bytes.Replace(pyMinted, []byte("role/ReadOnly"), []byte("role/Hacked1"), 1), now, none, false, false},
		{"D4 npm attribute value changed after signing", bytes.Replace(npmMinted, []byte("role/ReadOnly"), []byte("role/Hacked1"), 1), now, none, false, false},
		{"D4.6 signed by a key not in metadata", otherKey, now, none, false, false},
		{"D2.3 wrong audience", pyWrongAud, now, sigOnly, false, false},
		{"D2.2 expired (now after NotOnOrAfter)", pyMinted, now.Add(2 * time.Hour), sigOnly, false, false},
		{"D2.2 not yet valid (now before NotBefore)", pyMinted, now.Add(-2 * time.Hour), sigOnly, false, false},
		{"D4.7 assertion-only signature, SP wants the Response signed", npmMinted, now, sigOnly, true, false},
		{"D4.7 response-only signature, SP wants the Assertion signed", pyRespSigned, now, sigOnly, false, true},
		{"D4.7 response-only signature, SP wants the Response signed", pyRespSigned, now, all, true, false},
		{"D4.7 assertion-only signature, SP wants the Assertion signed", npmMinted, now, all, false, true},
	}
	for _, c := range cases {
		if bytes.Equal(c.xml, pyMinted) && c.name != cases[0].name && c.now.Equal(now) && !c.wantResponse && !c.wantAssertion {
			t.Fatalf("%s: tamper did not change the document", c.name)
		}
	}

	ins := make([]peers.SPInput, len(cases))
	for i, c := range cases {
		ins[i] = peers.SPInput{ResponseXML: c.xml, IdPMetadata: md, Now: c.now,
			WantResponseSigned: c.wantResponse, WantAssertionSigned: c.wantAssertion}
	}
	got := map[string][]peers.Verdict{}
	for _, v := range spVerifiers() {
		vs, err := v.all(ctx, ins)
		if err != nil {
			t.Fatalf("%s: %v", v.name, err)
		}
		got[v.name] = vs
	}
	for _, c := range cases {
		v, err := peers.XMLSec1VerifyAll(ctx, c.xml, idp.certPEM)
		if err != nil {
			t.Fatalf("xmlsec1: %v", err)
		}
		got[peers.XMLSec1] = append(got[peers.XMLSec1], v)
	}
	for i, c := range cases {
		for _, p := range []string{peers.XMLSec1, peers.PySAML2, peers.OneLogin, peers.NodeSAML} {
			v := got[p][i]
			t.Logf("%-45s %-13s %s", c.name, p, v)
			if v.Accepted != c.accept[p] {
				t.Errorf("%s: %s gave %s, want accepted=%v", c.name, p, v, c.accept[p])
				continue
			}
			if v.Accepted && p != peers.XMLSec1 {
				if v.Issuer != issuer || v.NameID != nameID {
					t.Errorf("%s: %s extracted issuer %q name ID %q", c.name, p, v.Issuer, v.NameID)
				}
				if r := v.Attributes[attrRole]; len(r) != 2 || r[0] != roleA || r[1] != roleB {
					t.Errorf("%s: %s extracted Role %q", c.name, p, r)
				}
				if r := v.Attributes[attrRSN]; len(r) != 1 || r[0] != nameID {
					t.Errorf("%s: %s extracted RoleSessionName %q", c.name, p, r)
				}
			}
		}
	}
}

func TestRequireUnknownPeer(t *testing.T) {
	err := peers.Available(context.Background(), "no-such-peer")
	if err == nil || !strings.Contains(err.Error(), "unknown peer") {
		t.Fatalf("Available(no-such-peer) = %v", err)
	}
}

package xmlsign

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/samlaws/samlaws/internal/c14n"
)

func loadKey(t *testing.T) (*rsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	kb, err := os.ReadFile("testdata/idp.key.pem")
	if err != nil {
		t.Fatal(err)
	}
	cb, err := os.ReadFile("testdata/idp.crt.pem")
	if err != nil {
		t.Fatal(err)
	}
	kp, _ := pem.Decode(kb)
	cp, _ := pem.Decode(cb)
	k, err := x509.ParsePKCS8PrivateKey(kp.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(cp.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return k.(*rsa.PrivateKey), c
}

const metadataXML = `<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" ID="_abc" entityID="https://sts.windows.net/t/"><RoleDescriptor/><IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/></EntityDescriptor>`

const assertionXML = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r"><Assertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a" Version="2.0"><Issuer>https://sts.windows.net/t/</Issuer><Subject><NameID>u@x</NameID></Subject></Assertion></samlp:Response>`

func parse(t *testing.T, s string) *etree.Document {
	t.Helper()
	d := etree.NewDocument()
	if err := d.ReadFromString(s); err != nil {
		t.Fatal(err)
	}
	return d
}

func verify(t *testing.T, el *etree.Element, cert *x509.Certificate) {
	t.Helper()
	vc := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{cert}})
	vc.Clock = dsig.NewFakeClockAt(cert.NotBefore.AddDate(1, 0, 0))
	if _, err := vc.Validate(el); err != nil {
		t.Fatalf("goxmldsig rejects the signature: %v", err)
	}
}

func TestSignEnvelopedPlacement(t *testing.T) {
	key, cert := loadKey(t)
	for _, tc := range []struct {
		name, xml, path, after, prefix string
		hash                           crypto.Hash
		wantIndex                      int
	}{
		{"C1.4/metadata-first-child", metadataXML, "", "", "", 0, 0},
		{"C2.3/assertion-after-issuer", assertionXML, "Assertion", "Issuer", "", 0, 1},
		{"C3.1/assertion-after-issuer-sha1-ds-prefix", assertionXML, "Assertion", "Issuer", "ds", crypto.SHA1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := parse(t, tc.xml)
			el := doc.Root()
			if tc.path != "" {
				el = el.FindElement(tc.path)
			}
			err := SignEnveloped(el, Options{Signer: key, Certificates: []*x509.Certificate{cert, cert}, OnlyLeaf: true, After: tc.after, Prefix: tc.prefix, Hash: tc.hash})
			if err != nil {
				t.Fatal(err)
			}
			kids := el.ChildElements()
			sig := kids[tc.wantIndex]
			if sig.Tag != "Signature" || sig.Space != tc.prefix || sig.NamespaceURI() != dsig.Namespace {
				t.Fatalf("child %d is %s:%s, want the Signature", tc.wantIndex, sig.Space, sig.Tag)
			}
			if n := len(sig.FindElements("./KeyInfo/X509Data/X509Certificate")); n != 1 {
				t.Errorf("OnlyLeaf: %d certificates in KeyInfo, want 1", n)
			}
			refs := sig.FindElements("./SignedInfo/Reference")
			if len(refs) != 1 || refs[0].SelectAttrValue("URI", "") != "#"+el.SelectAttrValue("ID", "") {
				t.Errorf("D4.2: want exactly one Reference to #ID")
			}
			wantAlg := dsig.RSASHA256SignatureMethod
			if tc.hash == crypto.SHA1 {
				wantAlg = dsig.RSASHA1SignatureMethod
			}
			if got := sig.FindElement("./SignedInfo/SignatureMethod").SelectAttrValue("Algorithm", ""); got != wantAlg {
				t.Errorf("SignatureMethod = %s, want %s", got, wantAlg)
			}
			if got := sig.FindElement("./SignedInfo/CanonicalizationMethod").SelectAttrValue("Algorithm", ""); got != "http://www.w3.org/2001/10/xml-exc-c14n#" {
				t.Errorf("D4.4: CanonicalizationMethod = %s", got)
			}
			// Round trip through text, as a consumer would see it.
			s, err := doc.WriteToString()
			if err != nil {
				t.Fatal(err)
			}
			d2 := parse(t, s)
			el2 := d2.Root()
			if tc.path != "" {
				el2 = el2.FindElement(tc.path)
			}
			verify(t, el2, cert)
			// Tampering breaks it.
			d3 := parse(t, strings.Replace(s, "https://sts.windows.net/t/", "https://sts.windows.net/evil/", 1))
			el3 := d3.Root()
			if tc.path != "" {
				el3 = el3.FindElement(tc.path)
			}
			vc := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{cert}})
			vc.Clock = dsig.NewFakeClockAt(cert.NotBefore.AddDate(1, 0, 0))
			if _, err := vc.Validate(el3); err == nil {
				t.Error("a modified document still verifies")
			}
		})
	}
}

func TestSignEnvelopedErrors(t *testing.T) {
	key, cert := loadKey(t)
	certs := []*x509.Certificate{cert}
	for _, tc := range []struct {
		name string
		xml  string
		opts Options
	}{
		{"nil-signer", metadataXML, Options{Certificates: certs}},
		{"D4.2/no-ID", `<a/>`, Options{Signer: key, Certificates: certs}},
		{"already-signed", `<a ID="x"><Signature xmlns="http://www.w3.org/2000/09/xmldsig#"/></a>`, Options{Signer: key, Certificates: certs}},
		{"nil-certificate", metadataXML, Options{Signer: key, Certificates: []*x509.Certificate{nil}}},
		{"unsupported-hash", metadataXML, Options{Signer: key, Certificates: certs, Hash: crypto.MD5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := SignEnveloped(parse(t, tc.xml).Root(), tc.opts)
			if !errors.Is(err, ErrSign) {
				t.Fatalf("err = %v, want ErrSign", err)
			}
		})
	}
	if err := SignEnveloped(nil, Options{Signer: key}); !errors.Is(err, ErrSign) {
		t.Errorf("nil element: err = %v", err)
	}
}

// TestSignEnvelopedLeavesTreeAlone: signing computes the digest over a
// detached, canonicalised copy, so the caller's element keeps its attribute
// order, its namespace declarations (including ones used only inside
// attribute values, such as xsi:type="xs:string") and its comments; the only
// change is the inserted Signature. It also checks the canonical form takes
// the ancestors' namespace declarations into account (exc-c14n, D4.3): an
// element that inherits its default namespace or uses a prefix declared on
// an ancestor gets a signature goxmldsig verifies.
func TestSignEnvelopedLeavesTreeAlone(t *testing.T) {
	key, cert := loadKey(t)
	for _, tc := range []struct {
		name, xml, path string
	}{
		{"C2.3/attribute-order-and-unused-declarations",
			`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r"><Assertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" Version="2.0" IssueInstant="2026-01-01T00:00:00Z" ID="_a"><Issuer>https://sts.windows.net/t/</Issuer><!-- a comment --><AttributeStatement><Attribute Name="n"><AttributeValue xsi:type="xs:string">v</AttributeValue></Attribute></AttributeStatement></Assertion></samlp:Response>`,
			"Assertion"},
		{"D4.3/inherited-default-namespace",
			`<Response xmlns="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r"><Other ID="_o" Version="2.0"><Child>text</Child></Other></Response>`,
			"Other"},
		{"D4.3/prefix-declared-on-ancestor",
			`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r"><saml:Assertion Version="2.0" ID="_a"><saml:Issuer>https://sts.windows.net/t/</saml:Issuer></saml:Assertion></samlp:Response>`,
			"Assertion"},
		{"C1.4/metadata-root-attribute-order",
			`<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://sts.windows.net/t/" ID="_abc"><RoleDescriptor xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706" xsi:type="fed:SecurityTokenServiceType"/></EntityDescriptor>`,
			""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := parse(t, tc.xml)
			el := doc.Root()
			if tc.path != "" {
				el = el.FindElement(tc.path)
			}
			before, err := doc.WriteToString()
			if err != nil {
				t.Fatal(err)
			}
			if err := SignEnveloped(el, Options{Signer: key, Certificates: []*x509.Certificate{cert}, After: "Issuer"}); err != nil {
				t.Fatal(err)
			}
			var sig *etree.Element
			for _, c := range el.ChildElements() {
				if c.Tag == "Signature" {
					sig = c
				}
			}
			if sig == nil {
				t.Fatal("no Signature inserted")
			}
			// Without the Signature, the document is exactly what it was.
			d2 := doc.Copy()
			el2 := d2.Root()
			if tc.path != "" {
				el2 = el2.FindElement(tc.path)
			}
			for _, c := range el2.ChildElements() {
				if c.Tag == "Signature" {
					el2.RemoveChild(c)
				}
			}
			after, err := d2.WriteToString()
			if err != nil {
				t.Fatal(err)
			}
			if after != before {
				t.Errorf("signing changed the caller's tree:\nbefore %s\n after %s", before, after)
			}
			s, err := doc.WriteToString()
			if err != nil {
				t.Fatal(err)
			}
			d3 := parse(t, s)
			el3 := d3.Root()
			if tc.path != "" {
				el3 = el3.FindElement(tc.path)
			}
			verifyInContext(t, el3, cert)
		})
	}
}

// verifyInContext checks el's enveloped RSA-SHA256 signature where el sits
// in its document, with the project's own exclusive canonicaliser
// (internal/c14n, held to xmlsec1), which resolves namespaces from the
// ancestors as exc-c14n requires.
func verifyInContext(t *testing.T, el *etree.Element, cert *x509.Certificate) {
	t.Helper()
	var sig *etree.Element
	for _, c := range el.ChildElements() {
		if c.Tag == "Signature" {
			sig = c
		}
	}
	body, err := c14n.Canonicalize(el, c14n.Options{Skip: sig}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	if got := sig.FindElement("./SignedInfo/Reference/DigestValue").Text(); got != base64.StdEncoding.EncodeToString(sum[:]) {
		t.Fatalf("D4.3: DigestValue %s is not the digest of the canonical element in context", got)
	}
	si, err := c14n.Canonicalize(sig.SelectElement("SignedInfo"), c14n.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sv, err := base64.StdEncoding.DecodeString(sig.SelectElement("SignatureValue").Text())
	if err != nil {
		t.Fatal(err)
	}
	siSum := sha256.Sum256(si)
	if err := rsa.VerifyPKCS1v15(cert.PublicKey.(*rsa.PublicKey), crypto.SHA256, siSum[:], sv); err != nil {
		t.Fatalf("SignatureValue does not verify: %v", err)
	}
}

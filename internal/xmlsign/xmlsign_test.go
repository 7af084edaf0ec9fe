package xmlsign

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
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

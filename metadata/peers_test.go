package metadata_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"testing"
	"time"

	"github.com/samlaws/samlaws/internal/peers"
	"github.com/samlaws/samlaws/internal/xmlread"
	"github.com/samlaws/samlaws/metadata"
)

func certPEM(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// TestVerifyAgreesWithXMLSec1 holds Document.Verify to xmlsec1 on the real
// fixtures, their tampered versions and generated, signed metadata: both
// accept exactly the same documents (D4).
func TestVerifyAgreesWithXMLSec1(t *testing.T) {
	peers.Require(t, peers.XMLSec1)
	ctx := context.Background()

	type doc struct {
		name string
		data []byte
		sha1 bool
	}
	var docs []doc
	for _, f := range []string{"entra-tenant-8b966979.xml", "entra-common-tenantid.xml", "entra-app-61318f71.xml", "entra-app-61318f71-edited.xml",
		"entra-app-a15b04fc-reformatted.xml", "adfs-maybank.xml", "adfs-dtu-ait.xml", "okta-wsfed-dev-11721018.xml", "spid-idps-aggregate.xml"} {
		b, err := os.ReadFile("testdata/" + f)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, doc{f, b, f == "okta-wsfed-dev-11721018.xml"})
	}

	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	// Fixed validity covering every date the suite may run on (docs/design.md,
	// "Tests on any date"): xmlsec1 reads the real clock.
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "generated"},
		NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2099, 12, 31, 0, 0, 0, 0, time.UTC)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	ep := "https://login.microsoftonline.com/00000000-0000-0000-0000-0000000000aa/saml2"
	opts := metadata.IDPMetadataOptions{
		EntityID: "https://sts.windows.net/00000000-0000-0000-0000-0000000000aa/", ID: "_gen",
		SigningCertificates:  []*x509.Certificate{cert},
		SingleSignOnServices: []metadata.Endpoint{{Binding: metadata.BindingHTTPRedirect, Location: ep}, {Binding: metadata.BindingHTTPPOST, Location: ep}},
		SingleLogoutServices: []metadata.Endpoint{{Binding: metadata.BindingHTTPRedirect, Location: ep}},
		SigningKey:           key, SigningKeyCertificate: cert,
	}
	gen, err := metadata.NewIDPMetadata(opts)
	if err != nil {
		t.Fatal(err)
	}
	docs = append(docs, doc{"generated", gen, false}, doc{"generated-tampered", bytes.Replace(gen, []byte("/saml2"), []byte("/saml3"), 1), false})
	// Comments are outside a same-document Reference's node-set and
	// outside SignedInfo's exclusive c14n (XML-DSig 4.4.3.3), and white
	// space inside a tag is not in the canonical form: still valid. A
	// changed attribute of SignedInfo or of the signed content is not.
	docs = append(docs,
		doc{"generated-comments", bytes.Replace(bytes.Replace(gen, []byte("<md:IDPSSODescriptor"), []byte("<!-- c --><md:IDPSSODescriptor"), 1), []byte("<ds:SignatureMethod"), []byte("<!-- c --><ds:SignatureMethod"), 1), false},
		doc{"generated-signedinfo-tag-space", bytes.Replace(gen, []byte(`<ds:SignatureMethod `), []byte(`<ds:SignatureMethod  `), 1), false},
		doc{"generated-signedinfo-edited", bytes.Replace(gen, []byte(`<ds:Reference URI="#_gen"`), []byte(`<ds:Reference Id="r" URI="#_gen"`), 1), false},
		doc{"generated-attribute-order", bytes.Replace(gen, []byte(`Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location=`), []byte(`Location=`), 1), false},
		doc{"generated-nested-ns", bytes.Replace(gen, []byte("<md:IDPSSODescriptor"), []byte(`<md:Extensions xmlns:q="urn:q"><q:x xmlns:r="urn:r"><r:y/></q:x></md:Extensions><md:IDPSSODescriptor`), 1), false},
	)

	for _, d := range docs {
		t.Run("D4_"+d.name, func(t *testing.T) {
			if d.name != "generated" && bytes.Equal(d.data, gen) {
				t.Fatal("the variant did not change the document")
			}
			parsed, err := metadata.Parse(d.data, metadata.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			// The root signature's KeyInfo certificate, from the inventory
			// (an aggregate's own signature has Location.EntityID "").
			rootID, signed := "", parsed.Aggregate != nil && parsed.Aggregate.Signed
			if parsed.Entity != nil {
				rootID, signed = parsed.Entity.EntityID, parsed.Entity.Signed
			}
			var signer []byte
			for _, c := range parsed.Certificates() {
				for _, l := range c.Locations {
					if l.Element == "Signature" && l.EntityID == rootID && signer == nil {
						signer = c.DER
					}
				}
			}
			if !signed || signer == nil {
				t.Fatal("no signature certificate")
			}
			tp := metadata.NewCertificate(signer).SHA256
			_, ours := parsed.Verify(metadata.VerifyOptions{Thumbprints: []string{tp}, AllowSHA1: d.sha1})
			v, err := peers.XMLSec1Verify(ctx, xmlread.TrimBOM(d.data), certPEM(signer))
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("ours: %v; xmlsec1 accepted: %v", ours, v.Accepted)
			if (ours == nil) != v.Accepted {
				t.Errorf("disagreement: ours err=%v, xmlsec1 accepted=%v (%s)", ours, v.Accepted, v.Reason)
			}
		})
	}
}

package c14n

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"

	"github.com/samlaws/samlaws/internal/peers"
)

// TestXMLSec1VerifiesOurDigests holds Canonicalize to xmlsec1 (libxml2's
// exclusive c14n): each document is signed with an enveloped signature whose
// digest and SignedInfo bytes come from Canonicalize, then xmlsec1 verifies
// it. This covers the spots where goxmldsig departs from the recommendation
// (see divergent), which the goxmldsig comparison skips.
func TestXMLSec1VerifiesOurDigests(t *testing.T) {
	peers.Require(t, peers.XMLSec1)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	// Fixed validity covering every date the suite may run on (docs/design.md,
	// "Tests on any date"): xmlsec1 reads the real clock, and an xmlsec1 that
	// checks the key certificate's dates would judge them at the real time.
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "c14n test"},
		NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2099, 12, 31, 0, 0, 0, 0, time.UTC)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})

	docs := map[string][]byte{}
	for i, s := range handmade {
		docs["handmade_"+string(rune('a'+i))] = []byte(s)
	}
	docs["default_undeclared"] = []byte(`<x:a xmlns:x="urn:x" xmlns="urn:d"><x:b/><c/><e xmlns=""><f/></e></x:a>`)
	docs["xml_lang_and_prefixes"] = []byte(`<a xml:lang="en" xmlns:p="urn:p" xmlns:q="urn:a" p:z="1" q:a="2" b="3"/>`)
	files, _ := filepath.Glob("testdata/*.xml")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs[filepath.Base(f)] = b
	}
	// The committed fuzz corpus too (inputs FuzzCanonicalize found), as far
	// as Canonicalize takes them: it refuses directives and xmlns:p=""
	// by design, and xmlsec1 has nothing to compare then.
	corpus, _ := filepath.Glob("testdata/fuzz/FuzzCanonicalize/*")
	for _, f := range corpus {
		data := readCorpusBytes(t, f)
		doc := etree.NewDocument()
		if doc.ReadFromBytes(data) != nil || doc.Root() == nil {
			continue
		}
		if _, err := Canonicalize(doc.Root(), Options{}, nil); err != nil {
			t.Logf("corpus %s: Canonicalize refuses it (%v); nothing for xmlsec1 to compare", filepath.Base(f), err)
			continue
		}
		docs["corpus_"+filepath.Base(f)] = data
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for name, data := range docs {
		t.Run(name, func(t *testing.T) {
			signed, idAttr := signWithOurC14N(t, data, key)
			v, err := peers.XMLSec1Verify(ctx, signed, certPEM, idAttr)
			if err != nil {
				t.Fatal(err)
			}
			if !v.Accepted {
				t.Fatalf("xmlsec1 rejects a signature made over our canonical form: %s", v.Reason)
			}
		})
	}
}

// signWithOurC14N gives the root element ID="c14n-test", removes existing
// signatures, and appends an enveloped RSA-SHA256 signature computed over
// Canonicalize's output. It returns the document and xmlsec1's --id-attr
// node name for the root.
func signWithOurC14N(t *testing.T, data []byte, key *rsa.PrivateKey) ([]byte, string) {
	t.Helper()
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(data); err != nil {
		t.Fatal(err)
	}
	root := doc.Root()
	var strip func(e *etree.Element)
	strip = func(e *etree.Element) {
		for _, ch := range e.ChildElements() {
			if ch.Tag == "Signature" && ch.NamespaceURI() == "http://www.w3.org/2000/09/xmldsig#" {
				e.RemoveChild(ch)
				continue
			}
			strip(ch)
		}
	}
	strip(root)
	root.RemoveAttr("ID")
	root.CreateAttr("ID", "c14n-test")
	body, err := Canonicalize(root, Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	const ds = "http://www.w3.org/2000/09/xmldsig#"
	sig := root.CreateElement("Signature")
	sig.Space = "dsx"
	sig.CreateAttr("xmlns:dsx", ds)
	add := func(parent *etree.Element, tag string, attrs ...string) *etree.Element {
		e := parent.CreateElement(tag)
		e.Space = "dsx"
		for i := 0; i+1 < len(attrs); i += 2 {
			e.CreateAttr(attrs[i], attrs[i+1])
		}
		return e
	}
	si := add(sig, "SignedInfo")
	add(si, "CanonicalizationMethod", "Algorithm", "http://www.w3.org/2001/10/xml-exc-c14n#")
	add(si, "SignatureMethod", "Algorithm", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256")
	ref := add(si, "Reference", "URI", "#c14n-test")
	tr := add(ref, "Transforms")
	add(tr, "Transform", "Algorithm", "http://www.w3.org/2000/09/xmldsig#enveloped-signature")
	add(tr, "Transform", "Algorithm", "http://www.w3.org/2001/10/xml-exc-c14n#")
	add(ref, "DigestMethod", "Algorithm", "http://www.w3.org/2001/04/xmlenc#sha256")
	add(ref, "DigestValue").SetText(base64.StdEncoding.EncodeToString(sum[:]))
	siBytes, err := Canonicalize(si, Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(siBytes)
	s, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, h[:])
	if err != nil {
		t.Fatal(err)
	}
	add(sig, "SignatureValue").SetText(base64.StdEncoding.EncodeToString(s))
	// Escape tabs, line breaks and carriage returns so that xmlsec1's parser
	// sees the same characters as our tree (else attribute-value and
	// end-of-line normalization change them).
	doc.WriteSettings = etree.WriteSettings{CanonicalAttrVal: true, CanonicalText: true, CanonicalEndTags: true}
	out, err := doc.WriteToBytes()
	if err != nil {
		t.Fatal(err)
	}
	idAttr := root.Tag
	if ns := root.NamespaceURI(); ns != "" {
		idAttr = ns + ":" + root.Tag
	}
	return out, idAttr
}

// readCorpusBytes reads a "go test fuzz v1" file holding one []byte value.
func readCorpusBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "\n")
	rest = strings.TrimSpace(rest)
	if !ok || !strings.HasPrefix(rest, "[]byte(") || !strings.HasSuffix(rest, ")") {
		t.Fatalf("%s: not a one-value []byte corpus file", path)
	}
	v, err := strconv.Unquote(rest[len("[]byte(") : len(rest)-1])
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return []byte(v)
}

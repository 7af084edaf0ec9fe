package metadata

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"

	"github.com/samlaws/samlaws/internal/c14n"
	"github.com/samlaws/samlaws/internal/xmltest"
)

// The hostile shapes of issue 9 (saml/hostile_test.go has the verifier's)
// inserted into a real signed Entra document, before its end tag: Parse
// skips what it does not read, and the signature check, whose SignedInfo
// still verifies, canonicalizes and digests the whole document before the
// digest refuses it. Before the check moved onto internal/xmlread and
// internal/c14n, goxmldsig took 2 s on deep-ns-leaves at 133 KB and 8 s at
// 1 MB.
var metadataShapes = []struct {
	name  string
	build func(n int) string
}{
	{"deep-ns-leaves", func(n int) string { return xmltest.NestedNS(25, xmltest.Fill(n, `<p0_0:x/>`)) }},
	{"many-ns-decls", func(n int) string { return xmltest.Fill(n, `<x`+xmltest.NSDecls("b", 31)+`/>`) }},
	{"tiny-elements", func(n int) string { return xmltest.Fill(n, `<a/>`) }},
	{"comments", func(n int) string { return `<x>` + xmltest.Fill(n, `<!---->`) + `</x>` }},
	{"charrefs", func(n int) string { return `<x>` + xmltest.Fill(n, `&#x41;&amp;`) + `</x>` }},
	{"many-attributes", func(n int) string {
		var b strings.Builder
		for b.Len() < n {
			b.WriteString(`<x xmlns:q="urn:q"`)
			for j := 0; j < 30; j++ {
				fmt.Fprintf(&b, ` q:a%d="v"`, j)
			}
			b.WriteString(`/>`)
		}
		return b.String()
	}},
}

// hostileMetadata returns the signed fixture with shape built to about n
// bytes inserted, and with the Reference's c14n transform naming every
// prefix the shapes declare when prefixList is set (at most 32 are allowed).
// attacker, when not nil, is the key that re-signs it (see attackerSigned).
func hostileMetadata(t testing.TB, shape func(int) string, n int, attacker *testKey) []byte {
	t.Helper()
	base := string(readFixture(t, "entra-app-61318f71.xml"))
	doc := strings.Replace(base, `</EntityDescriptor>`, shape(n)+`</EntityDescriptor>`, 1)
	if attacker != nil {
		var pl strings.Builder
		for i := 0; i < 32; i++ {
			fmt.Fprintf(&pl, "p%d_%d ", i%25, i%30)
		}
		doc = strings.Replace(doc, `<Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>`,
			`<Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"><InclusiveNamespaces xmlns="http://www.w3.org/2001/10/xml-exc-c14n#" PrefixList="`+pl.String()+`"/></Transform>`, 1)
		doc = attackerSigned(t, doc, *attacker)
	}
	return []byte(doc)
}

// newAttackerKey makes the attacker's key and self-signed certificate.
func newAttackerKey(t testing.TB) testKey {
	return newTestKey(t, 2048, "attacker", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC))
}

// attackerSigned re-signs doc's (edited) SignedInfo with a key of its own
// and puts that key's certificate in the Signature's KeyInfo: the signature
// value then verifies (InspectSignature and Verify take the KeyInfo
// certificate as the candidate signer), so the check goes on to
// canonicalize the whole document, as for an attacker who signs what he
// sends.
func attackerSigned(t testing.TB, doc string, k testKey) string {
	t.Helper()
	root, err := sigTree([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	var si, cm *etree.Element
	for _, c := range root.ChildElements() {
		if c.Tag == "Signature" {
			si = c.ChildElements()[0]
			cm = si.ChildElements()[0]
		}
	}
	opts, err := c14nOptions(cm)
	if err != nil {
		t.Fatal(err)
	}
	canon, err := c14n.Canonicalize(si, opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(canon)
	sv, err := rsa.SignPKCS1v15(nil, k.key, crypto.SHA256, h[:])
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(doc, "<SignatureValue>") + len("<SignatureValue>")
	j := strings.Index(doc, "</SignatureValue>")
	doc = doc[:i] + encodeB64(sv) + doc[j:]
	i = strings.Index(doc, "<X509Certificate>") + len("<X509Certificate>")
	j = strings.Index(doc, "</X509Certificate>")
	return doc[:i] + encodeB64(k.cert.Raw) + doc[j:]
}

// metadataCost parses doc and checks its signature, returning the bytes
// allocated (the proxy for work that tests pin; docs/benchmarks.md has
// callgrind instruction counts).
func metadataCost(t testing.TB, doc []byte) (alloc uint64, res *SignatureResult) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	d, err := Parse(doc, Limits{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	res = d.InspectSignature(VerifyOptions{})
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, res
}

// TestVerifyHostileLinear pins the cost of Parse plus the signature check
// on hostile documents without timing: the bytes allocated per input byte
// stay within 8x those of the valid document they were made from (a tree of
// 4-byte elements is mostly node headers: 5.5-6.2x, while its instruction
// count per byte is 4.2x the valid document's, docs/benchmarks.md), and do
// not grow from 100 KB to 400 KB (a quadratic cost would quadruple them).
func TestVerifyHostileLinear(t *testing.T) {
	valid := readFixture(t, "entra-app-61318f71.xml")
	va, vres := metadataCost(t, valid)
	if !vres.Valid {
		t.Fatalf("valid fixture: %+v", vres)
	}
	validPer := float64(va) / float64(len(valid))
	attacker := newAttackerKey(t)
	t.Logf("valid %d bytes: %.1f bytes allocated per byte", len(valid), validPer)
	for _, sh := range metadataShapes {
		for _, pl := range []bool{false, true} {
			per := map[int]float64{}
			for _, n := range []int{100000, 400000} {
				var signer *testKey
				if pl {
					signer = &attacker
				}
				doc := hostileMetadata(t, sh.build, n, signer)
				a, res := metadataCost(t, doc)
				if res.Valid {
					t.Fatalf("%s: altered document verified", sh.name)
				}
				per[n] = float64(a) / float64(len(doc))
				t.Logf("%-16s prefixlist=%-5v %7d bytes: %.1f bytes allocated per byte (%.2fx valid): %s", sh.name, pl, len(doc), per[n], per[n]/validPer, res.Problem)
				if per[n] > 8*validPer {
					t.Errorf("%s at %d bytes: %.1f bytes allocated per byte, more than 8x the valid document's %.1f", sh.name, len(doc), per[n], validPer)
				}
			}
			if per[400000] > 1.25*per[100000]+2 {
				t.Errorf("%s: allocation per byte grows with the size: %.1f -> %.1f", sh.name, per[100000], per[400000])
			}
		}
	}
}

// TestMetadataCallgrind is a harness for instruction counts (see
// saml.TestHostileCallgrind for the valgrind settings): with
// SAMLAWS_CG_SHAPE ("valid" or a shape name), SAMLAWS_CG_SIZE and
// SAMLAWS_CG_N set, callgrind counts cgMetadataOne, one Parse plus
// InspectSignature:
//
//	go test -c -o /tmp/metadata.test ./metadata
//	cd metadata && GOGC=off GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off \
//	SAMLAWS_CG_SHAPE=tiny-elements SAMLAWS_CG_SIZE=100000 SAMLAWS_CG_N=5 \
//	  valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*metadata.cgMetadataOne' \
//	  /tmp/metadata.test -test.run TestMetadataCallgrind
func TestMetadataCallgrind(t *testing.T) {
	name := os.Getenv("SAMLAWS_CG_SHAPE")
	if name == "" {
		t.Skip("SAMLAWS_CG_SHAPE not set (a harness for valgrind, see the comment)")
	}
	size, _ := strconv.Atoi(os.Getenv("SAMLAWS_CG_SIZE"))
	n, _ := strconv.Atoi(os.Getenv("SAMLAWS_CG_N"))
	doc := readFixture(t, "entra-app-61318f71.xml")
	if name != "valid" {
		found := false
		for _, sh := range metadataShapes {
			if sh.name == name {
				var signer *testKey
				if os.Getenv("SAMLAWS_CG_PREFIXLIST") != "" {
					k := newAttackerKey(t)
					signer = &k
				}
				doc, found = hostileMetadata(t, sh.build, size, signer), true
			}
		}
		if !found {
			t.Fatalf("no shape %q", name)
		}
	}
	for i := 0; i < n; i++ {
		cgMetadataOne(doc)
	}
}

//go:noinline
func cgMetadataOne(doc []byte) {
	if d, err := Parse(doc, Limits{}); err == nil {
		d.InspectSignature(VerifyOptions{})
	}
}

// BenchmarkVerifyEntraApp is Document.Verify of a real signed Entra
// document (14 KB), pinned by thumbprint: the honest cost of the signature
// check (docs/benchmarks.md compares it with goxmldsig's, used before).
func BenchmarkVerifyEntraApp(b *testing.B) {
	d := mustParse(b, readFixture(b, "entra-app-61318f71.xml"))
	opts := VerifyOptions{Thumbprints: []string{realSigned[2].signer}, Now: func() time.Time { return fixtureNow }}
	for b.Loop() {
		if _, err := d.Verify(opts); err != nil {
			b.Fatal(err)
		}
	}
}

// TestVerifyEnvelopedOnTheTree checks the structure verifyEnveloped reads
// from the tree it digests, independently of checkProfile's reading of the
// parser's facts (defense in depth): the real signature verifies, and a
// Reference to another element, a foreign element in Signature or an
// Object are refused.
func TestVerifyEnvelopedOnTheTree(t *testing.T) {
	raw := readFixture(t, "entra-app-61318f71.xml")
	d := mustParse(t, raw)
	cert := certFromFixture(t, "entra-app-61318f71.xml", 0)
	for _, tc := range []struct {
		name string
		edit func(root, sig *etree.Element)
		want string // "" for success, else a part of the error
	}{
		{"D4_valid", func(_, _ *etree.Element) {}, ""},
		{"D4.2_reference_elsewhere", func(_, sig *etree.Element) {
			sig.ChildElements()[0].ChildElements()[2].CreateAttr("URI", "#other")
		}, "does not point at the signed element"},
		{"D4.2_reference_without_id", func(root, _ *etree.Element) { root.RemoveAttr("ID") }, "does not point at the signed element"},
		{"D4.1_foreign_element", func(_, sig *etree.Element) {
			sig.CreateAttr("xmlns:q", "urn:q")
			sig.CreateElement("q:x")
		}, "foreign elements"},
		{"D4.1_object", func(_, sig *etree.Element) { sig.CreateElement("Object") }, "SignedInfo, SignatureValue and an optional KeyInfo"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root, err := sigTree(d.Raw())
			if err != nil {
				t.Fatal(err)
			}
			sig := root.ChildElements()[0]
			tc.edit(root, sig)
			err = verifyEnveloped(root, sig, cert, d.c14nBudget())
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

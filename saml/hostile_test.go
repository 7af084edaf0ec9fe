package saml

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/samlaws/samlaws/internal/mint/minttest"
	"github.com/samlaws/samlaws/internal/xmltest"
)

// The adversarial generator of issue 9: the shapes of XML that make a
// verifier do the most work per input byte, each built to a given size (in
// base64 characters, the unit of STS's 100,000-character limit, A6.1).
// Unsigned shapes need nothing but network access to a service built on
// the verifier; "replayed" shapes keep the SignedInfo and SignatureValue of
// a valid response (any user of the IdP holds one), so that the work behind
// the RSA check (canonicalizing and digesting the assertion) is reached too.

// hostileShape builds one shape at about size base64 characters.
type hostileShape struct {
	name     string
	replayed bool // keeps a valid SignedInfo: the digest work is reached
	build    func(valid string, xmlBytes int) string
}

// unsignedSkeleton is a small Response with an assertion signature whose
// SignedInfo is well-formed but whose value is garbage; body goes inside
// the Assertion, signedInfo inside the SignedInfo, rootAttrs on the root.
func unsignedSkeleton(rootAttrs, signedInfo, body string) string {
	return `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r" Version="2.0" IssueInstant="2026-01-01T00:00:00.000Z"` + rootAttrs + `>` +
		`<Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">` + minttest.Issuer + `</Issuer>` +
		`<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
		`<Assertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a" Version="2.0" IssueInstant="2026-01-01T00:00:00.000Z">` +
		`<Issuer>` + minttest.Issuer + `</Issuer>` +
		`<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>` +
		`<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>` +
		`<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>` +
		`<ds:Reference URI="#_a"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>` +
		`<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>` +
		`<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>cZUfGAX9Z7BcTAL5E+XgCBLQ4TyelYtbapU8YlxkcqM=</ds:DigestValue></ds:Reference>` +
		signedInfo + `</ds:SignedInfo><ds:SignatureValue>` + strings.Repeat("QUJD", 86) + `</ds:SignatureValue></ds:Signature>` +
		body + `</Assertion></samlp:Response>`
}

// replaceOnce replaces the first old in s, failing loudly when it is absent.
func replaceOnce(s, old, new string) string {
	if !strings.Contains(s, old) {
		panic("hostile generator: " + old + " not found")
	}
	return strings.Replace(s, old, new, 1)
}

var hostileShapes = []hostileShape{
	// The reported 20-second shape: many namespace declarations in scope of
	// SignedInfo and a PrefixList naming them all (work of the old
	// canonicalizer: declarations x prefixes x elements).
	{name: "prefixlist-x-ns", build: func(_ string, n int) string {
		var pl strings.Builder
		for i := 0; pl.Len() < n/3; i++ {
			fmt.Fprintf(&pl, "p%d_%d ", i%24, i%30)
		}
		inner := xmltest.Fill(n/3, `<pa_0:x/>`)
		si := xmltest.NestedNS(min(24, n/1500), inner)
		s := unsignedSkeleton(xmltest.NSDecls("a", 28), si, "")
		return replaceOnce(s, `<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>`,
			`<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"><ec:InclusiveNamespaces xmlns:ec="http://www.w3.org/2001/10/xml-exc-c14n#" PrefixList="`+pl.String()+`"/></ds:CanonicalizationMethod>`)
	}},
	// The same with the longest PrefixList allowed (32 prefixes, all in
	// scope), so that SignedInfo is canonicalized with it.
	{name: "prefixlist32-x-ns", build: func(_ string, n int) string {
		var pl strings.Builder
		for i := 0; i < 32; i++ {
			fmt.Fprintf(&pl, "p%d_%d ", i%24, i)
		}
		inner := xmltest.Fill(n/2, `<pa_0:x/>`)
		si := xmltest.NestedNS(min(24, n/1500), inner)
		s := unsignedSkeleton(xmltest.NSDecls("a", 28), si, "")
		return replaceOnce(s, `<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>`,
			`<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"><ec:InclusiveNamespaces xmlns:ec="http://www.w3.org/2001/10/xml-exc-c14n#" PrefixList="`+pl.String()+`"/></ds:CanonicalizationMethod>`)
	}},
	// Deep nesting, each level declaring 30 prefixes, and many leaves using
	// the outermost one (worst for a namespace lookup walking up the tree).
	{name: "deep-ns-leaves", build: func(_ string, n int) string {
		return unsignedSkeleton("", "", xmltest.NestedNS(min(27, n/1200), xmltest.Fill(n/2, `<p0_0:x/>`)))
	}},
	// Many elements in SignedInfo (canonicalized before the RSA check).
	{name: "wide-signedinfo", build: func(_ string, n int) string {
		return unsignedSkeleton("", xmltest.Fill(n, `<ds:x/>`), "")
	}},
	// Many References.
	{name: "many-references", build: func(_ string, n int) string {
		ref := `<ds:Reference URI="#_a"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>AAAA</ds:DigestValue></ds:Reference>`
		return unsignedSkeleton("", xmltest.Fill(n, ref), "")
	}},
	// Elements carrying the most attributes, all namespaced (attribute
	// uniqueness by expanded name is quadratic per element if done naively).
	{name: "many-attributes", build: func(_ string, n int) string {
		var b strings.Builder
		for i := 0; b.Len() < n; i++ {
			b.WriteString(`<x`)
			for j := 0; j < 31; j++ {
				fmt.Fprintf(&b, ` pa_%d:a%d="v"`, j%28, j)
			}
			b.WriteString(`/>`)
		}
		return unsignedSkeleton(xmltest.NSDecls("a", 28), "", b.String())
	}},
	// Every element declaring 31 namespaces.
	{name: "many-ns-decls", build: func(_ string, n int) string {
		return unsignedSkeleton("", "", xmltest.Fill(n, `<x`+xmltest.NSDecls("b", 31)+`/>`))
	}},
	// One long text node full of character references.
	{name: "charrefs", build: func(_ string, n int) string {
		return unsignedSkeleton("", "", `<x>`+xmltest.Fill(n, `&#x41;&amp;`)+`</x>`)
	}},
	// Many comments.
	{name: "comments", build: func(_ string, n int) string {
		return unsignedSkeleton("", "", xmltest.Fill(n, `<!---->`))
	}},
	// Many tiny elements (the most tokens per byte).
	{name: "tiny-elements", build: func(_ string, n int) string {
		return unsignedSkeleton("", "", xmltest.Fill(n, `<a/>`))
	}},
	// Chains of elements as deep as the budget allows, one after another.
	{name: "deep-chains", build: func(_ string, n int) string {
		chain := strings.Repeat(`<d>`, 28) + strings.Repeat(`</d>`, 28)
		return unsignedSkeleton("", "", xmltest.Fill(n, chain))
	}},
	// One long text node, and one long attribute value.
	{name: "long-text", build: func(_ string, n int) string {
		return unsignedSkeleton("", "", `<x>`+strings.Repeat("A", n-2000)+`</x>`)
	}},
	{name: "long-attribute", build: func(_ string, n int) string {
		return unsignedSkeleton(` xmlns:z="urn:z" z:a="`+strings.Repeat("A", n-2000)+`"`, "", "")
	}},
	// Entity and character references in an attribute value.
	{name: "attr-entities", build: func(_ string, n int) string {
		return unsignedSkeleton(` xmlns:z="urn:z" z:a="`+xmltest.Fill(n-2000, `&lt;&#x41;&amp;&#65;`)+`"`, "", "")
	}},
	// A valid response of the same size, the last group value altered after
	// signing: the whole of the honest work (parse, schema, canonicalization
	// of the assertion, its digest) is done before the refusal.
	{name: "replayed-altered", replayed: true, build: func(valid string, n int) string {
		return "" // built by buildHostile from validOfSize
	}},
	// A valid signature replayed over an assertion stuffed with elements that
	// use a prefix declared, with a long URI, only on the Response: exclusive
	// c14n renders the declaration again on every one of them.
	{name: "replayed-ns-amplify", replayed: true, build: func(valid string, n int) string {
		uri := "urn:" + strings.Repeat("u", 2000)
		s := replaceOnce(valid, `<samlp:Response `, `<samlp:Response xmlns:q="`+uri+`" `)
		pad := n - len(s) - 40
		return replaceOnce(s, `<Subject>`, `<Subject>`+xmltest.Fill(pad, `<q:x/>`))
	}},
	// A valid signature replayed over an assertion with deep namespace
	// nesting and many leaves.
	{name: "replayed-deep-ns", replayed: true, build: func(valid string, n int) string {
		depth := min(25, (n-len(valid))/1500)
		pad := n - len(valid) - depth*1000
		return replaceOnce(valid, `<Subject>`, `<Subject>`+xmltest.NestedNS(depth, xmltest.Fill(pad, `<p0_0:x/>`)))
	}},
}

// hostileSizes are the sizes of the table, in base64 characters. A
// replayed shape starts from a valid response of about 10,300 characters,
// so its smallest size is 12,000.
var hostileSizes = []int{10000, 50000, 100000}

func shapeSize(sh hostileShape, size int) int {
	if sh.replayed && size < 12000 {
		return 12000
	}
	return size
}

// buildHostile returns the shape at about size base64 characters, as the
// base64 form value, never above STS's limit.
func buildHostile(t testing.TB, sh hostileShape, valid string, size int) []byte {
	t.Helper()
	size = shapeSize(sh, size)
	xmlBytes := size / 4 * 3
	if sh.name == "replayed-altered" {
		x := string(validOfSize(t, size).XML)
		i := strings.LastIndex(x, "-1111-4222-8333-")
		if i < 0 {
			t.Fatal("replayed-altered: no group value")
		}
		return []byte(base64.StdEncoding.EncodeToString([]byte(x[:i] + "-2222-" + x[i+6:])))
	}
	var x string
	for budget := xmlBytes; ; budget -= budget / 50 {
		x = sh.build(valid, budget)
		if len(x) <= xmlBytes || budget < 100 {
			break
		}
	}
	b := []byte(base64.StdEncoding.EncodeToString([]byte(x)))
	if len(b) > MaxResponseChars {
		t.Fatalf("%s at %d: %d base64 characters, over the STS limit", sh.name, size, len(b))
	}
	return b
}

// validOfSize mints a valid response of about size base64 characters (at
// least the default one's): the default response with a groups claim of as
// many object IDs as fit, the honest way a response grows (Entra writes up
// to 150 groups in SAML; a directory extension or a long role list grows it
// the same way, element after element). It is what the hostile shapes are
// compared with at the same size.
func validOfSize(t testing.TB, size int) *Minted {
	t.Helper()
	m := vMint(t, nil)
	if size <= len(m.Base64()) {
		return m
	}
	// One group value is an <AttributeValue> of a GUID, 68 bytes of XML.
	n := (size/4*3 - len(m.XML)) / 68
	for {
		groups := make([]string, n)
		for i := range groups {
			groups[i] = fmt.Sprintf("%08x-1111-4222-8333-%012x", i, i)
		}
		m = vMint(t, func(s *ResponseSpec) { s.User.Groups = groups })
		if len(m.Base64()) <= size || n == 0 {
			return m
		}
		n -= n/100 + 1
	}
}

// TestHostileShapesRefused checks that every shape is refused, with a
// typed error, at every size.
func TestHostileShapesRefused(t *testing.T) {
	valid := string(vMint(t, nil).XML)
	v := vVerifier(t, func(c *VerifierConfig) { c.SkipReplayCheck = true })
	for _, sh := range hostileShapes {
		for _, size := range hostileSizes {
			in := buildHostile(t, sh, valid, size)
			t0 := time.Now()
			_, err := v.Verify(context.Background(), in)
			t.Logf("%-22s %6d chars: %v in %v", sh.name, len(in), err, time.Since(t0))
			if err == nil {
				t.Fatalf("%s accepted", sh.name)
			}
		}
	}
}

// hostileWork runs the checks of Verify (or of Diagnose, with all) on in
// and returns the units of work counted by the reader and the
// canonicalizer, and the bytes allocated.
func hostileWork(t testing.TB, v *Verifier, in []byte, all bool) (work int, alloc uint64) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	c := &checker{v: v, now: vNow, all: all}
	c.run(in)
	runtime.ReadMemStats(&after)
	if len(c.problems) == 0 {
		t.Fatal("accepted")
	}
	return c.work, after.TotalAlloc - before.TotalAlloc
}

// TestHostileWorkLinear pins the cost bound of issue 9 without timing, for
// Verify and for Diagnose (which goes on after a problem), with two proxies:
// the units of work the reader and the canonicalizer count (bytes scanned,
// attributes, names resolved, bytes written), and the bytes allocated. For
// every shape:
//   - each proxy per input byte is at most a small multiple of that of a
//     valid response of the same size: 2x for the counted work, 4x for the
//     bytes allocated (a tree of 4-byte elements is mostly node headers);
//   - doubling the input from 50,000 to 100,000 characters at most doubles
//     the cost per byte plus a margin, that is, the cost grows linearly: a
//     quadratic shape would double its cost per byte.
//
// (Instruction counts by callgrind, in docs/benchmarks.md, are the measure
// of time; BenchmarkHostile the wall-clock side by side.)
func TestHostileWorkLinear(t *testing.T) {
	v := vVerifier(t, func(c *VerifierConfig) { c.SkipReplayCheck = true })
	type cost struct{ work, alloc float64 }
	validCost := map[int]cost{}
	for _, size := range hostileSizes {
		m := validOfSize(t, size)
		c := &checker{v: v, now: vNow}
		if c.run([]byte(m.Base64())) == nil {
			t.Fatalf("valid response of %d characters refused: %v", size, c.problems)
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		c = &checker{v: v, now: vNow}
		c.run([]byte(m.Base64()))
		runtime.ReadMemStats(&after)
		n := float64(len(m.XML))
		validCost[size] = cost{float64(c.work) / n, float64(after.TotalAlloc-before.TotalAlloc) / n}
		t.Logf("valid %6d chars: %.2f units, %.1f bytes allocated per byte", len(m.Base64()), validCost[size].work, validCost[size].alloc)
	}
	valid := string(vMint(t, nil).XML)
	for _, all := range []bool{false, true} {
		mode := map[bool]string{false: "Verify", true: "Diagnose"}[all]
		for _, sh := range hostileShapes {
			per := map[int]cost{}
			for _, size := range hostileSizes {
				in := buildHostile(t, sh, valid, size)
				w, a := hostileWork(t, v, in, all)
				n := float64(len(in) / 4 * 3)
				per[size] = cost{float64(w) / n, float64(a) / n}
				vc := validCost[size]
				t.Logf("%-8s %-20s %6d chars: %.2f units/byte (%.2fx valid), %.1f allocated bytes/byte (%.2fx valid)",
					mode, sh.name, len(in), per[size].work, per[size].work/vc.work, per[size].alloc, per[size].alloc/vc.alloc)
				if per[size].work > 2*vc.work {
					t.Errorf("%s %s at %d characters: %.2f units of work per byte, more than 2x a valid response's %.2f", mode, sh.name, len(in), per[size].work, vc.work)
				}
				if per[size].alloc > 4*vc.alloc {
					t.Errorf("%s %s at %d characters: %.1f bytes allocated per byte, more than 4x a valid response's %.1f", mode, sh.name, len(in), per[size].alloc, vc.alloc)
				}
			}
			// Linear: the cost per byte does not grow with the size. (It may
			// fall: a budget stops a shape early, or fixed costs spread out.)
			p50, p100 := per[50000], per[100000]
			if p100.work > 1.25*p50.work+0.1 || p100.alloc > 1.25*p50.alloc+2 {
				t.Errorf("%s %s: cost per byte grows with the size: work %.2f -> %.2f, allocated %.1f -> %.1f (50,000 -> 100,000 characters)",
					mode, sh.name, p50.work, p100.work, p50.alloc, p100.alloc)
			}
		}
	}
}

// BenchmarkHostile times every shape at every size interleaved with a valid
// response, in the same loop (robust against load on a shared machine),
// and reports the ratio x-valid: hostile time over valid time.
func BenchmarkHostile(b *testing.B) {
	m := vMint(b, nil)
	valid := []byte(m.Base64())
	v := vVerifier(b, func(c *VerifierConfig) { c.SkipReplayCheck = true })
	ctx := context.Background()
	for _, sh := range hostileShapes {
		for _, size := range hostileSizes {
			in := buildHostile(b, sh, string(m.XML), size)
			b.Run(fmt.Sprintf("%s/%dk", sh.name, shapeSize(sh, size)/1000), func(b *testing.B) {
				var hostile, ok time.Duration
				for b.Loop() {
					t0 := time.Now()
					if _, err := v.Verify(ctx, in); err == nil {
						b.Fatal("accepted")
					}
					t1 := time.Now()
					if _, err := v.Verify(ctx, valid); err != nil {
						b.Fatal(err)
					}
					t2 := time.Now()
					hostile += t1.Sub(t0)
					ok += t2.Sub(t1)
				}
				b.ReportMetric(float64(hostile.Nanoseconds())/float64(b.N), "hostile-ns/op")
				b.ReportMetric(float64(ok.Nanoseconds())/float64(b.N), "valid-ns/op")
				b.ReportMetric(float64(hostile)/float64(ok), "x-valid")
			})
		}
	}
}

// TestHostileCallgrind is a harness for instruction counts, which stay
// repeatable on a loaded machine: with SAMLAWS_CG_SHAPE set ("valid" or a
// shape name), SAMLAWS_CG_SIZE and SAMLAWS_CG_N, it verifies that input N
// times (Diagnose instead of Verify with SAMLAWS_CG_MODE=diagnose), and callgrind counts only cgOne (one Verify each; the floor is
// cgLoopFloor). valgrind 3.19 needs Go's asynchronous preemption off (its
// signals trip callgrind) and RDTSCP off (it cannot decode it); one
// processor keeps the counts repeatable:
//
//	go test -c -o /tmp/saml.test ./saml
//	GOGC=off GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off \
//	SAMLAWS_CG_SHAPE=comments SAMLAWS_CG_SIZE=100000 SAMLAWS_CG_N=10 \
//	  valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*saml.cgOne' \
//	  /tmp/saml.test -test.run TestHostileCallgrind
//
// (docs/benchmarks.md reports instructions per Verify from it).
func TestHostileCallgrind(t *testing.T) {
	name := os.Getenv("SAMLAWS_CG_SHAPE")
	if name == "" {
		t.Skip("SAMLAWS_CG_SHAPE not set (a harness for valgrind, see the comment)")
	}
	size, _ := strconv.Atoi(os.Getenv("SAMLAWS_CG_SIZE"))
	n, _ := strconv.Atoi(os.Getenv("SAMLAWS_CG_N"))
	m := vMint(t, nil)
	if name == "valid" {
		m = validOfSize(t, size)
	}
	in := []byte(m.Base64())
	if name == "floor" {
		// The floor of BenchmarkVerifyVsFloor: base64 decode + SHA-256 of
		// the document + one RSA-2048 verify.
		idp := minttest.LoadKeyPair(t, "idp")
		sum := sha256.Sum256(m.XML)
		sig, err := rsa.SignPKCS1v15(nil, idp.Key, crypto.SHA256, sum[:])
		if err != nil {
			t.Fatal(err)
		}
		cgFloor(&idp.Key.PublicKey, in, sig, n)
		return
	}
	if name != "valid" {
		found := false
		for _, sh := range hostileShapes {
			if sh.name == name {
				in, found = buildHostile(t, sh, string(m.XML), size), true
			}
		}
		if !found {
			t.Fatalf("no shape %q", name)
		}
	}
	v := vVerifier(t, func(c *VerifierConfig) { c.SkipReplayCheck = true })
	_, err := v.Verify(context.Background(), in)
	if (err == nil) != (name == "valid") {
		t.Fatalf("%s: %v", name, err)
	}
	cgLoop(v, in, n, os.Getenv("SAMLAWS_CG_MODE") == "diagnose")
}

// cgLoop verifies in n times; run with GOGC=off, so that no collection
// cycle falls inside a counted cgOne (with the collector running, counts
// vary by 3x from run to run, depending on where its cycles fall).
func cgLoop(v *Verifier, in []byte, n int, diagnose bool) {
	for i := 0; i < n; i++ {
		cgOne(v, in, diagnose)
	}
}

//go:noinline
func cgOne(v *Verifier, in []byte, diagnose bool) {
	if diagnose {
		v.Diagnose(context.Background(), in)
		return
	}
	v.Verify(context.Background(), in)
}

//go:noinline
func cgFloor(pub *rsa.PublicKey, in, sig []byte, n int) {
	buf := make([]byte, base64.StdEncoding.DecodedLen(len(in)))
	for i := 0; i < n; i++ {
		cgLoopFloor(pub, in, sig, buf)
	}
}

//go:noinline
func cgLoopFloor(pub *rsa.PublicKey, in, sig, buf []byte) {
	k, _ := base64.StdEncoding.Decode(buf, in)
	h := sha256.Sum256(buf[:k])
	if rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], sig) != nil {
		panic("floor")
	}
}

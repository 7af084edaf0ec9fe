package saml

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/beevik/etree"

	"github.com/samlaws/samlaws/internal/mint/minttest"
)

// signedPrefixListResponse is issue 17's costly signed shape, built to about
// size base64 characters: a response whose assertion is validly signed by
// the trusted IdP key (any tenant of a multi-tenant service holds one) with
// the longest PrefixList the verifier allows (32 prefixes, D4.4) on the
// Reference's exclusive c14n transform, and namespace-heavy content: Group
// AttributeValues that each declare 28 of those prefixes with values of
// their own, so that the canonicalizer has to render them at every one.
// (The old canonicalizer's work was declarations x prefixes x elements:
// tens of seconds for such a response.)
func signedPrefixListResponse(t testing.TB, size int) []byte {
	t.Helper()
	m := validOfSize(t, size/3)
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(m.XML); err != nil {
		t.Fatal(err)
	}
	a := aAssertion(doc)
	prefixes := make([]string, 32)
	for i := range prefixes {
		prefixes[i] = fmt.Sprintf("p%d", i)
	}
	target := (size - 1500) / 4 * 3 // room for the signature and base64 rounding
	added := len(m.XML)
	values := a.FindElements(".//AttributeValue")
	for i, av := range values {
		if added >= target {
			break
		}
		for j := 0; j < 28; j++ {
			name, val := "xmlns:"+prefixes[j], fmt.Sprintf("urn:x:%d:%d", i, j)
			av.CreateAttr(name, val)
			added += len(name) + len(val) + 4
		}
	}
	if added < target {
		t.Fatalf("signedPrefixListResponse: %d values give %d bytes, want %d", len(values), added, target)
	}
	aResignPrefixList(t, a, a, minttest.LoadKeyPair(t, "idp").Key, strings.Join(prefixes, " "))
	b, err := doc.WriteToBytes()
	if err != nil {
		t.Fatal(err)
	}
	return []byte(base64.StdEncoding.EncodeToString(b))
}

// TestSignedPrefixListWorkBounded pins issue 17's cost bound for signed
// content without timing: a validly signed response with a 32-prefix
// PrefixList and namespace-heavy content is accepted (and xmlsec1 agrees
// that its signature is valid), and the work the reader and canonicalizer
// count, per input byte, is at most 2x that of an ordinary valid response
// of the same size and does not grow with the size (50,000 -> 100,000
// characters), as TestHostileWorkLinear holds refused shapes to.
func TestSignedPrefixListWorkBounded(t *testing.T) {
	v := vVerifier(t, func(c *VerifierConfig) { c.SkipReplayCheck = true })
	perByte := map[int]float64{}
	for _, size := range hostileSizes {
		valid := []byte(validOfSize(t, size).Base64())
		cv := &checker{v: v, now: vNow}
		if cv.run(valid) == nil {
			t.Fatalf("valid response of %d characters refused: %v", size, cv.problems)
		}
		validPer := float64(cv.work) / float64(len(valid)/4*3)

		raw := signedPrefixListResponse(t, size)
		c := &checker{v: v, now: vNow}
		a := c.run(raw)
		if a == nil {
			t.Fatalf("%d characters: the validly signed PrefixList response was refused: %v", len(raw), c.problems)
		}
		// Accepted means our canonicalizer rendered the 28 declarations at
		// every value as goxmldsig's did when signing (exclusive c14n drops
		// them without the PrefixList); xmlsec1 is the third opinion.
		if size == hostileSizes[0] {
			xmlsec1Agrees(t, raw, a)
		}
		perByte[size] = float64(c.work) / float64(len(raw)/4*3)
		t.Logf("%6d chars: %.2f units/byte (valid %.2f, %.2fx)", len(raw), perByte[size], validPer, perByte[size]/validPer)
		if perByte[size] > 2*validPer {
			t.Errorf("%d characters: %.2f units of work per byte, more than 2x a valid response's %.2f", len(raw), perByte[size], validPer)
		}
	}
	if p50, p100 := perByte[50000], perByte[100000]; p100 > 1.25*p50+0.1 {
		t.Errorf("cost per byte grows with the size: %.2f -> %.2f (50,000 -> 100,000 characters)", p50, p100)
	}
}

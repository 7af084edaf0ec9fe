package saml

import (
	"crypto/sha256"
	"errors"
	"flag"
	"os"
	"testing"

	"github.com/beevik/etree"

	"github.com/samlaws/samlaws/internal/mint/minttest"
)

// FuzzSchemaResigned is the re-signing fuzz mode of issue 17: ops mutates the
// structure of a valid response (duplicate, remove, move, swap elements, add
// foreign, unqualified or SAML elements, text and attributes anywhere in the
// Response, the Assertion or its Signature), then the Assertion (and, for
// odd seeds' first op byte, the Response) is signed again with the IdP key,
// as a compromised or buggy IdP would. Only the structure checks can refuse
// what comes out, so that they, not the signature, are exercised.
//
// Invariants: every refusal is a *ValidationError; Verify and Diagnose agree;
// whatever Verify accepts, libxml2's XSD validator finds schema-valid and
// xmlsec1 and goxmldsig verify (every accepted seed in "go test"; a
// deterministic sixty-fourth while fuzzing).
func FuzzSchemaResigned(f *testing.F) {
	for _, seed := range [][]byte{
		{},
		{0, 1, 0},           // duplicate an element
		{0, 3, 1},           // remove one
		{0, 9, 2},           // move one before its previous sibling
		{0, 14, 3},          // foreign child
		{0, 20, 4},          // unqualified child
		{0, 5, 5},           // text
		{0, 7, 6},           // attribute
		{0, 11, 7},          // swap with the next sibling
		{1, 2, 8},           // SAML element child, response re-signed
		{1, 30, 0, 30, 1},   // two ops
		{0, 40, 9, 41, 10},  // xsi:type, comment
		{1, 0, 11, 17, 0},   // qualified attribute
		{0, 25, 0, 25, 0},   // duplicate twice
		{0, 33, 3, 6, 2},    // remove and move
		{1, 12, 12, 13, 12}, // whitespace text (allowed)
	} {
		f.Add(seed)
	}
	idpKey := minttest.LoadKeyPair(f, "idp").Key
	v := vVerifier(f, func(c *VerifierConfig) { c.SkipReplayCheck = true })
	base := map[bool][]byte{
		false: vMint(f, nil).XML,
		true:  vMint(f, func(s *ResponseSpec) { s.Signing = SignBoth }).XML,
	}
	fuzzing := false
	if fl := flag.Lookup("test.fuzz"); fl != nil && fl.Value.String() != "" {
		fuzzing = true
	}
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 64 {
			return
		}
		signResp := len(ops) > 0 && ops[0]&1 == 1
		d := vDoc(t, base[signResp])
		if len(ops) > 0 {
			ops = ops[1:]
		}
		for i := 0; i+1 < len(ops); i += 2 {
			mutateStructure(d.Root(), int(ops[i]), ops[i+1])
		}
		// Re-sign what can be re-signed (the mutations may have removed a
		// part of a Signature; such a document is sent as it is).
		a := aAssertion(d)
		if a != nil && resignable(a) {
			aResign(t, a, a, idpKey)
		}
		if signResp && resignable(d.Root()) {
			aResign(t, d.Root(), d.Root(), idpKey)
		}
		raw := vBytes(t, d)
		got, err := v.Verify(t.Context(), raw)
		r := v.Diagnose(t.Context(), raw)
		if (err == nil) != r.Accepted {
			t.Fatalf("Verify err=%v but Diagnose accepted=%v", err, r.Accepted)
		}
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("refusal %v is not a *ValidationError", err)
			}
			return
		}
		goxmldsigAgrees(t, raw, got)
		if !fuzzing || os.Getenv("SAMLAWS_FUZZ_XMLSEC1") == "all" || sha256.Sum256(raw)[0] < 4 {
			xmlsec1Agrees(t, raw, got)
			if vs := xsdValidate(t, raw); vs != nil && !vs[0].Valid {
				t.Fatalf("Verify accepted a schema-invalid response (libxml2: %s)", vs[0].Error)
			}
		}
	})
}

// resignable reports whether el's Signature still has the parts aResign
// writes.
func resignable(el *etree.Element) bool {
	s := aSigOf(el)
	if s == nil || s.SelectElement("SignatureValue") == nil {
		return false
	}
	si := s.SelectElement("SignedInfo")
	return si != nil && si.SelectElement("Reference") != nil && si.SelectElement("Reference").SelectElement("DigestValue") != nil
}

// mutateStructure applies structure operation op to the n-th element (in
// document order, modulo the count) under root.
func mutateStructure(root *etree.Element, n int, op byte) {
	var all []*etree.Element
	var collect func(el *etree.Element)
	collect = func(el *etree.Element) {
		all = append(all, el)
		for _, ch := range el.ChildElements() {
			collect(ch)
		}
	}
	collect(root)
	el := all[n%len(all)]
	parent := el.Parent()
	if el == root {
		parent = nil // the document keeps its root
	}
	switch op % 13 {
	case 0: // duplicate after itself
		if parent != nil {
			parent.InsertChildAt(el.Index()+1, el.Copy())
		}
	case 1, 3: // remove
		if parent != nil {
			parent.RemoveChild(el)
		}
	case 2: // move before the previous sibling element
		if parent != nil {
			sibs := parent.ChildElements()
			for i, s := range sibs {
				if s == el && i > 0 {
					parent.RemoveChild(el)
					parent.InsertChildAt(sibs[i-1].Index(), el)
				}
			}
		}
	case 4: // foreign child
		x := etree.NewElement("x:Foreign")
		x.CreateAttr("xmlns:x", "urn:example:fuzz")
		el.AddChild(x)
	case 5: // unqualified child (xmlns="" so that no default namespace applies)
		x := etree.NewElement("plain")
		x.CreateAttr("xmlns", "")
		el.AddChild(x)
	case 6: // text
		el.CreateText("x")
	case 7: // unqualified attribute
		if el.SelectAttr("Fuzz") == nil {
			el.CreateAttr("Fuzz", "1")
		}
	case 8: // a SAML assertion element as child
		x := etree.NewElement("s:Audience")
		x.CreateAttr("xmlns:s", nsAssertion)
		x.SetText("https://signin.aws.amazon.com/saml")
		el.AddChild(x)
	case 9: // xsi:type with an undeclared prefix
		if el.SelectAttr("xsi:type") == nil {
			el.CreateAttr("xmlns:xsi", nsXSI)
			el.CreateAttr("xsi:type", "nope:string")
		}
	case 10: // comment (allowed anywhere)
		el.CreateComment("c")
	case 11: // qualified attribute
		if el.SelectAttr("q:a") == nil {
			el.CreateAttr("xmlns:q", "urn:example:q")
			el.CreateAttr("q:a", "1")
		}
	case 12: // white space (allowed between elements)
		el.CreateText("\n ")
	}
}

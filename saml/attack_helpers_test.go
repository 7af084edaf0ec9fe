package saml

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"testing"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/russellhaering/goxmldsig/etreeutils"
)

// aResign recomputes the digest and signature of the enveloped Signature of
// el with key, as an IdP holding key would: it makes "validly signed but
// policy-breaking" variants (foreign transforms, unknown conditions, ...).
// digestTarget is the element the Reference digests (normally el).
func aResign(t testing.TB, el, digestTarget *etree.Element, key *rsa.PrivateKey) {
	t.Helper()
	aResignPrefixList(t, el, digestTarget, key, "")
}

// aResignPrefixList is aResign with an InclusiveNamespaces PrefixList on the
// Reference's exclusive c14n transform (added when prefixList is not empty)
// and used for the digest, as an IdP that signs with one would.
func aResignPrefixList(t testing.TB, el, digestTarget *etree.Element, key *rsa.PrivateKey, prefixList string) {
	t.Helper()
	// The first Signature child, as resignable checks (a mutated document
	// may hold two, the second without a SignedInfo).
	sig := aSigOf(el)
	if sig == nil {
		t.Fatal("aResign: no Signature")
	}
	// Digest: digestTarget without the Signature, exclusive c14n.
	ctx, err := etreeutils.NSBuildParentContext(digestTarget)
	if err != nil {
		t.Fatal(err)
	}
	cp, err := etreeutils.NSDetatch(ctx, digestTarget)
	if err != nil {
		t.Fatal(err)
	}
	for i, ch := range cp.Child {
		if e, ok := ch.(*etree.Element); ok && e.Tag == "Signature" {
			cp.RemoveChildAt(i)
			break
		}
	}
	b, err := dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList(prefixList).Canonicalize(cp)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	si := sig.SelectElement("SignedInfo")
	ref := si.SelectElement("Reference")
	if prefixList != "" {
		var excC14N *etree.Element
		for _, tr := range ref.SelectElement("Transforms").SelectElements("Transform") {
			if tr.SelectAttrValue("Algorithm", "") == "http://www.w3.org/2001/10/xml-exc-c14n#" {
				excC14N = tr
			}
		}
		if excC14N == nil {
			t.Fatal("aResignPrefixList: no exclusive c14n transform")
		}
		in := excC14N.CreateElement("ec:InclusiveNamespaces")
		in.CreateAttr("xmlns:ec", "http://www.w3.org/2001/10/xml-exc-c14n#")
		in.CreateAttr("PrefixList", prefixList)
	}
	ref.SelectElement("DigestValue").SetText(base64.StdEncoding.EncodeToString(sum[:]))
	// Signature over the canonical SignedInfo.
	sctx, err := etreeutils.NSBuildParentContext(si)
	if err != nil {
		t.Fatal(err)
	}
	dsi, err := etreeutils.NSDetatch(sctx, si)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("").Canonicalize(dsi)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(sb)
	s, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, h[:])
	if err != nil {
		t.Fatal(err)
	}
	sig.SelectElement("SignatureValue").SetText(base64.StdEncoding.EncodeToString(s))
}

// aSigOf returns the direct Signature child of el.
func aSigOf(el *etree.Element) *etree.Element {
	for _, ch := range el.ChildElements() {
		if ch.Tag == "Signature" {
			return ch
		}
	}
	return nil
}

// aAssertion returns the Assertion child of the Response root.
func aAssertion(d *etree.Document) *etree.Element {
	for _, ch := range d.Root().ChildElements() {
		if ch.Tag == "Assertion" {
			return ch
		}
	}
	return nil
}

// aEvil turns el (a copy) into an attacker's version: new ID, NameID and
// RoleSessionName changed, signature removed.
func aEvil(el *etree.Element) *etree.Element {
	ev := el.Copy()
	if a := ev.SelectAttr("ID"); a != nil {
		a.Value = "_evil" + a.Value
	}
	if s := aSigOf(ev); s != nil {
		ev.RemoveChild(s)
	}
	if n := vFind(ev, "NameID"); n != nil {
		n.SetText("attacker@evil.invalid")
	}
	return ev
}

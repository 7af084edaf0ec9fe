package metadata

import (
	"encoding/base64"
	"strings"

	"github.com/beevik/etree"
)

// EntitySignatures checks the enveloped signature of every EntityDescriptor
// in the document, in document order (SignatureResult.EntityID says whose;
// Present is false for an entity without its own ds:Signature), the way [Document.InspectSignature]
// checks the root's: each against its own KeyInfo certificate (trust on
// first use), and Trusted when that certificate is pinned in opts. For a
// single-entity document it returns the root's result.
//
// In an aggregate, an entity's signature covers only that EntityDescriptor.
// Registries often re-indent or edit entities after their publishers signed
// them (the SPID registry's aggregate carries two entity signatures that still
// verify and two that do not), so the aggregate's own signature
// ([Document.Verify]) is what establishes the whole document; these results
// say which entities are still exactly as their publishers signed them.
func (d *Document) EntitySignatures(opts VerifyOptions) []*SignatureResult {
	if d.Entity != nil {
		r := d.InspectSignature(opts)
		r.EntityID = d.Entity.EntityID
		return []*SignatureResult{r}
	}
	if d.Aggregate == nil {
		return nil
	}
	byID := map[string]*EntityDescriptor{}
	for _, e := range d.Entities() {
		if byID[e.EntityID] == nil {
			byID[e.EntityID] = e
		}
	}
	root, err := d.etreeRoot()
	if err != nil {
		// Parse accepted the document, so etree should too; report rather
		// than guess.
		var out []*SignatureResult
		for _, e := range d.Entities() {
			r := &SignatureResult{EntityID: e.EntityID, Present: e.signature != nil}
			if r.Present {
				r.Problem = err.Error()
			} else {
				r.Problem = "entity is not signed"
			}
			out = append(out, r)
		}
		return out
	}
	var out []*SignatureResult
	var walk func(el *etree.Element)
	walk = func(el *etree.Element) {
		for _, c := range el.ChildElements() {
			if c.NamespaceURI() != nsMetadata {
				continue
			}
			switch c.Tag {
			case "EntitiesDescriptor":
				walk(c)
			case "EntityDescriptor":
				out = append(out, entitySignature(c, byID, d.c14nBudget(), opts))
			}
		}
	}
	walk(root)
	return out
}

func entitySignature(el *etree.Element, byID map[string]*EntityDescriptor, budget int, opts VerifyOptions) *SignatureResult {
	id := el.SelectAttrValue("entityID", "")
	var sig *etree.Element
	for _, c := range el.ChildElements() {
		if c.Tag == "Signature" && c.NamespaceURI() == nsDSig {
			sig = c
			break
		}
	}
	if sig == nil {
		return &SignatureResult{EntityID: id, Problem: "entity is not signed"}
	}
	var pool [][]byte
	if e := byID[id]; e != nil && len(opts.Thumbprints) > 0 {
		for _, c := range e.Certificates() {
			pool = append(pool, c.DER)
		}
	}
	// Canonicalized in place: exclusive c14n renders the namespaces the
	// entity uses, wherever they are declared.
	inPlace := func() (*etree.Element, error) { return el, nil }
	r := checkSignature(sigInfo(sig), el.SelectAttrValue("ID", ""), false, pool, inPlace, budget, opts)
	r.EntityID = id
	return r
}

// sigInfo reads what a ds:Signature element says about itself, like the
// parser's detailed signature facts.
func sigInfo(sig *etree.Element) *signatureInfo {
	s := &signatureInfo{}
	dsChildren := func(el *etree.Element, tag string) []*etree.Element {
		var out []*etree.Element
		for _, c := range el.ChildElements() {
			if c.Tag == tag && c.NamespaceURI() == nsDSig {
				out = append(out, c)
			}
		}
		return out
	}
	for _, si := range dsChildren(sig, "SignedInfo") {
		for _, c := range si.ChildElements() {
			if c.NamespaceURI() != nsDSig {
				continue
			}
			switch c.Tag {
			case "CanonicalizationMethod":
				s.CanonicalizationMethod = c.SelectAttrValue("Algorithm", "")
			case "SignatureMethod":
				s.SignatureMethod = c.SelectAttrValue("Algorithm", "")
			case "Reference":
				ref := referenceInfo{URI: c.SelectAttrValue("URI", "")}
				for _, trs := range dsChildren(c, "Transforms") {
					for _, tr := range dsChildren(trs, "Transform") {
						ref.Transforms = append(ref.Transforms, tr.SelectAttrValue("Algorithm", ""))
					}
				}
				for _, dm := range dsChildren(c, "DigestMethod") {
					ref.DigestMethod = dm.SelectAttrValue("Algorithm", "")
				}
				s.References = append(s.References, ref)
			}
		}
	}
	for _, ki := range dsChildren(sig, "KeyInfo") {
		for _, xd := range dsChildren(ki, "X509Data") {
			for _, xc := range dsChildren(xd, "X509Certificate") {
				der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(xc.Text()), ""))
				if err == nil && len(der) > 0 {
					s.Certificates = append(s.Certificates, der)
				}
			}
		}
	}
	return s
}

package saml

import (
	"bytes"
	"errors"

	"github.com/beevik/etree"

	"github.com/samlaws/samlaws/internal/xmlread"

	"github.com/samlaws/samlaws/awsrole"
)

// This file builds the verifier's tree from internal/xmlread, the project's
// one strict XML reader: a single pass that enforces the structural budgets
// (A6.1), rejects DTDs, entity declarations, directives and processing
// instructions (D4.8), checks well-formedness and namespace
// well-formedness, and gathers what the checks need about the whole tree
// (IDs, Assertions, Signatures) while building the etree the checks and the
// canonicalizer (internal/c14n) work on. There is no second pass.
//
// Why not encoding/xml: it is the dominant cost of verification, and its
// round-trip instability is a known hazard (CVE-2020-29509/29510/29511).
// Soundness does not rest on this reader agreeing with the IdP's: the
// signature covers the exclusive canonical form of the tree built here, and
// values are read from that same tree, so a parse that differs from what the
// IdP signed fails the digest. The tests hold this tree to encoding/xml
// (etree's reader) and mattermost's round-trip validator (same canonical
// form, never more permissive) on every test and fuzz input.
//
// What is refused that XML allows, and why no real producer is hit
// (TestVerifyProducerShapes signs each shape with xmlsec1 and checks the
// verdict; pretty-printed and CRLF responses, an XML declaration, comments
// before the root or inside the signed assertion, and escaped &#10;/&#9; in
// attribute values are all accepted):
//
//   - a literal tab or line break inside an attribute value: XML reads it as
//     a space (so do xmlsec1, .NET and Java), encoding/xml and goxmldsig keep
//     it, so one signature would mean two documents. Serializers of the IdPs
//     in scope (Entra/.NET, AD FS, pysaml2's ElementTree, xmldom for the npm
//     saml package, libxml2) escape these characters, and SAML's attribute
//     values (IDs, URIs, times, names) never contain them;
//   - processing instructions and directives other than the XML declaration:
//     SAML schemas allow none in a message, and no IdP emits one;
//   - an empty CDATA section: encoding/xml does not round-trip it; no IdP
//     emits one (it carries nothing);
//   - names outside ASCII, xmlns:p="" and an XML declaration naming an
//     encoding other than UTF-8 (see internal/xmlread).
//
// The checks (verify_checks.go) also refuse an Assertion child other than
// Issuer, Signature, Subject, Conditions, AuthnStatement and
// AttributeStatement: in particular Advice, which may carry further
// Assertions (signature-wrapping ground) and which Entra, AD FS, pysaml2's
// IdP, crewjam/saml's IdP and the npm saml package do not emit.

// parseErr is a parse failure: the category (ErrMalformed or errTooLarge),
// the rule, a content-free reason and a hint.
type parseErr struct {
	cat    error
	rule   string
	reason string
	hint   string
	// valueName and value, when set, name what the reason is about (an
	// undeclared prefix's element or attribute).
	valueName, value string
}

type parseLimits struct {
	maxBytes, maxDepth, maxTokens, maxAttrs int
}

var defaultParseLimits = parseLimits{
	maxBytes: awsrole.MaxAssertionChars / 4 * 3,
	maxDepth: 32,
	// Start and end tags, text runs and comments. A response within STS's
	// limit (75,000 bytes of XML) that a real IdP writes spends at least
	// about 11 bytes per token (<AttributeValue>x</AttributeValue> is 34
	// bytes in 3 tokens), so it has fewer than 7,000; hostile shapes of
	// 4-byte elements stop here, which bounds the work per input byte.
	maxTokens: 12000,
	maxAttrs:  32,
}

// treeFacts are what the parse learns about the whole tree.
type treeFacts struct {
	ids        map[string]int
	assertions int  // elements named Assertion or EncryptedAssertion, any namespace
	strayDSig  bool // a ds:Signature outside a Response or Assertion
	work       int  // units of work of the parse (tests pin it linear)
}

// parseDocument parses data (UTF-8, BOM already removed) into a document
// with exactly one root element, and checks every element on the way: no
// XInclude, unique IDs (D1.3), Signatures only where SAML puts them (D4.1).
//
// Allocation is batched: elements, attributes, text and child lists come
// from slabs, and names, values and text that need no decoding are
// substrings of one copy of the document.
func parseDocument(data []byte, lim parseLimits) (*etree.Document, *treeFacts, *parseErr) {
	t := xmlread.NewTokenizer(data, nil,
		xmlread.Limits{MaxBytes: int64(lim.maxBytes), MaxDepth: lim.maxDepth, MaxTokens: lim.maxTokens, MaxAttrs: lim.maxAttrs},
		xmlread.Options{NoProcInst: true, NoAttrWhitespace: true, NoEmptyCDATA: true})
	doc := etree.NewDocument()
	f := &treeFacts{}
	src := string(data)
	str := func(b []byte) string {
		if off, ok := t.RawOffset(b); ok {
			return src[off : off+int64(len(b))]
		}
		return string(b)
	}
	// Slabs sized from the markup count (each element has at least one '<'
	// and each attribute one '='); they grow when the guess is short.
	lt, eq := bytes.Count(data, []byte("<")), bytes.Count(data, []byte("="))
	ar := arena{
		els: make([]etree.Element, 0, lt/2+1),
		ats: make([]etree.Attr, 0, eq+1),
		cds: make([]etree.CharData, 0, lt/2+1),
		n:   32,
	}
	type open struct {
		el    *etree.Element
		space string
	}
	stack := make([]open, 0, 16)
	cur := &doc.Element
	for {
		k, err := t.Next()
		if err != nil {
			f.work = t.Work()
			return nil, f, fromReader(err)
		}
		switch k {
		case xmlread.EOF:
			f.work = t.Work()
			return doc, f, nil
		case xmlread.StartElement:
			el := ar.element()
			el.Space, el.Tag = str(t.Prefix), str(t.Local)
			el.Attr = ar.attrs(len(t.Attrs))
			if cap(cur.Child) == 0 {
				cur.Child = ar.tokens() // a child list only for elements that have children
			}
			cur.AddChild(el)
			for i := range t.Attrs {
				a := &t.Attrs[i]
				// Appended, not CreateAttr: the reader has already refused a
				// repeated name (CreateAttr's search for one made an element of
				// n attributes cost n²/2 comparisons). An Attr made here has no
				// back pointer to its element, so attribute namespaces are
				// resolved with attrNS, not Attr.NamespaceURI.
				var attr etree.Attr
				if a.Prefix != nil {
					attr = etree.Attr{Space: str(a.Prefix), Key: str(a.Local), Value: str(a.Value)}
				} else {
					attr = etree.Attr{Key: str(a.Local), Value: str(a.Value)}
				}
				el.Attr = append(el.Attr, attr)
				if a.Prefix == nil && attr.Key == "ID" {
					if f.ids == nil {
						f.ids = make(map[string]int, 4)
					}
					f.ids[attr.Value]++
					if f.ids[attr.Value] > 1 {
						f.work = t.Work()
						return nil, f, &parseErr{cat: ErrMalformed, rule: "D1.3", reason: "has two elements with the same ID", hint: "duplicate IDs make signature references ambiguous (signature wrapping)"}
					}
				}
			}
			switch {
			case t.Space == nsXInclude:
				f.work = t.Work()
				return nil, f, &parseErr{cat: ErrMalformed, rule: "D4.8", reason: "contains an XInclude element"}
			case el.Tag == "Assertion" || el.Tag == "EncryptedAssertion":
				f.assertions++
			case el.Tag == "Signature" && t.Space == nsDSig:
				ok := false
				if n := len(stack); n > 0 {
					p := stack[n-1]
					ok = p.space == nsProtocol && p.el.Tag == "Response" || p.space == nsAssertion && p.el.Tag == "Assertion"
				}
				if !ok {
					f.strayDSig = true
				}
			}
			stack = append(stack, open{el, t.Space})
			cur = el
		case xmlread.EndElement:
			stack = stack[:len(stack)-1]
			cur = cur.Parent()
		case xmlread.Text:
			if len(stack) > 0 {
				cd := ar.charData()
				cd.Data = str(t.Text())
				if cap(cur.Child) == 0 {
					cur.Child = ar.tokens()
				}
				cur.AddChild(cd)
			}
		case xmlread.Comment:
			if len(stack) > 0 {
				cm := ar.comment()
				cm.Data = str(t.Text())
				cur.AddChild(cm)
			}
		}
	}
}

// arena hands out tree nodes from slabs, so that a tree of n nodes costs
// O(n/slab) allocations instead of several per node.
type arena struct {
	els  []etree.Element
	ats  []etree.Attr
	toks []etree.Token
	cds  []etree.CharData
	cms  []etree.Comment
	n    int // slab size, doubling up to 256
}

func (a *arena) slab() int {
	a.n = min(max(2*a.n, 32), 256)
	return a.n
}

func (a *arena) element() *etree.Element {
	if len(a.els) == cap(a.els) {
		a.els = make([]etree.Element, 0, a.slab())
	}
	a.els = a.els[:len(a.els)+1]
	return &a.els[len(a.els)-1]
}

// attrs returns an empty slice with room for n attributes.
func (a *arena) attrs(n int) []etree.Attr {
	if n == 0 {
		return nil
	}
	if cap(a.ats)-len(a.ats) < n {
		a.ats = make([]etree.Attr, 0, max(n, 2*a.slab()))
	}
	l := len(a.ats)
	a.ats = a.ats[:l+n]
	return a.ats[l : l : l+n]
}

// tokens returns an empty child list with room for 4 children (appending
// more reallocates it, as usual).
func (a *arena) tokens() []etree.Token {
	if cap(a.toks)-len(a.toks) < 4 {
		a.toks = make([]etree.Token, 0, 4*max(a.slab(), cap(a.els)))
	}
	l := len(a.toks)
	a.toks = a.toks[:l+4]
	return a.toks[l : l : l+4]
}

func (a *arena) charData() *etree.CharData {
	if len(a.cds) == cap(a.cds) {
		a.cds = make([]etree.CharData, 0, a.slab())
	}
	a.cds = a.cds[:len(a.cds)+1]
	return &a.cds[len(a.cds)-1]
}

func (a *arena) comment() *etree.Comment {
	if len(a.cms) == cap(a.cms) {
		a.cms = make([]etree.Comment, 0, 16)
	}
	a.cms = a.cms[:len(a.cms)+1]
	return &a.cms[len(a.cms)-1]
}

// fromReader maps an xmlread error onto the package's categories.
func fromReader(err error) *parseErr {
	var xe *xmlread.Error
	if !errors.As(err, &xe) {
		return &parseErr{cat: ErrMalformed, rule: "D1.1", reason: "cannot be read", hint: ""}
	}
	switch {
	case errors.Is(err, xmlread.ErrDTD):
		return &parseErr{cat: ErrMalformed, rule: "D4.8", reason: "contains a DOCTYPE or entity declaration", hint: "a SAML response never has a DTD; this looks like an XXE or entity-expansion attempt"}
	case xe.Name != "" && xe.Attr:
		return &parseErr{cat: ErrMalformed, rule: "D4.8", reason: "uses an undeclared attribute namespace prefix", valueName: "attribute", value: xe.Name}
	case xe.Name != "":
		return &parseErr{cat: ErrMalformed, rule: "D4.8", reason: "uses an undeclared namespace prefix",
			hint: "declare the prefix (xmlns:prefix=\"...\") on the element or an ancestor; AWS cannot read the element otherwise", valueName: "element", value: xe.Name}
	case errors.Is(err, xmlread.ErrForbidden):
		return &parseErr{cat: ErrMalformed, rule: "D4.8", reason: "has a forbidden construct: " + xe.Detail}
	case errors.Is(err, xmlread.ErrTooDeep):
		return &parseErr{cat: errTooLarge, rule: "A6.1", reason: "exceeds the depth budget", hint: ""}
	case errors.Is(err, xmlread.ErrTooManyTokens):
		return &parseErr{cat: errTooLarge, rule: "A6.1", reason: "exceeds the token budget", hint: ""}
	case errors.Is(err, xmlread.ErrTooManyAttrs):
		return &parseErr{cat: errTooLarge, rule: "A6.1", reason: "exceeds the attribute budget", hint: ""}
	case errors.Is(err, xmlread.ErrTooLarge):
		return &parseErr{cat: errTooLarge, rule: "A6.1", reason: "exceeds the size budget", hint: ""}
	}
	return &parseErr{cat: ErrMalformed, rule: "D1.1", reason: "is not well-formed XML: " + xe.Detail, hint: ""}
}

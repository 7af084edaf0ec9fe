package saml

import (
	"errors"

	"github.com/beevik/etree"

	"github.com/samlaws/samlaws/internal/xmlread"
	"github.com/samlaws/samlaws/internal/xmltree"

	"github.com/samlaws/samlaws/internal/awslimits"
)

// This file builds the verifier's tree from internal/xmlread, the project's
// one strict XML reader: a single pass that enforces the structural budgets
// (A6.1), rejects DTDs, entity declarations, directives and processing
// instructions (D4.8), checks well-formedness and namespace
// well-formedness, and gathers what the checks need about the whole tree
// (IDs, Assertions, Signatures) while internal/xmltree builds the etree the
// checks and the canonicalizer (internal/c14n) work on. There is no second
// pass.
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

// Error makes a parseErr returnable from xmltree's Start callback.
func (e *parseErr) Error() string { return e.reason }

type parseLimits struct {
	maxBytes, maxDepth, maxTokens, maxAttrs int
}

var defaultParseLimits = parseLimits{
	maxBytes: awslimits.MaxAssertionChars / 4 * 3,
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
	stop       int  // bytes of the input read: where a failed parse stopped, or all of it
}

// parseDocument parses data (UTF-8, BOM already removed) into a document
// with exactly one root element, and checks every element on the way: no
// XInclude, unique IDs (D1.3), Signatures only where SAML puts them (D4.1).
//
// The tree is built by internal/xmltree (the same builder metadata's
// signature check uses); this function adds the checks above as each
// element starts.
func parseDocument(data []byte, lim parseLimits) (*etree.Document, *treeFacts, *parseErr) {
	doc, f, err := parseDocumentOn(nil, data, "", lim)
	if err != nil {
		if pe, ok := err.(*parseErr); ok {
			return nil, f, pe
		}
		return nil, f, fromReader(err)
	}
	return doc, f, nil
}

// parseDocumentOn is parseDocument building on the slabs sl (a new set when
// nil; src, when not empty, is string(data): see xmltree.Slabs.Build), with
// the failure as it came: a *parseErr or the reader's error, not mapped
// onto the package's categories (decrypt.go needs only whether it failed,
// and where).
func parseDocumentOn(sl *xmltree.Slabs, data []byte, src string, lim parseLimits) (*etree.Document, *treeFacts, error) {
	if sl == nil {
		sl = new(xmltree.Slabs)
	}
	f := &treeFacts{}
	start := func(el *etree.Element, space string, parent *etree.Element, parentSpace string) error {
		for _, a := range el.Attr {
			if a.Space == "" && a.Key == "ID" {
				if f.ids == nil {
					f.ids = make(map[string]int, 4)
				}
				f.ids[a.Value]++
				if f.ids[a.Value] > 1 {
					return &parseErr{cat: ErrMalformed, rule: "D1.3", reason: "has two elements with the same ID", hint: "duplicate IDs make signature references ambiguous (signature wrapping)"}
				}
			}
		}
		switch {
		case space == nsXInclude:
			return &parseErr{cat: ErrMalformed, rule: "D4.8", reason: "contains an XInclude element"}
		case el.Tag == "Assertion" || el.Tag == "EncryptedAssertion":
			f.assertions++
		case el.Tag == "Signature" && space == nsDSig:
			ok := parent != nil && (parentSpace == nsProtocol && parent.Tag == "Response" || parentSpace == nsAssertion && parent.Tag == "Assertion")
			if !ok {
				f.strayDSig = true
			}
		}
		return nil
	}
	doc, work, err := sl.Build(data, src,
		xmlread.Limits{MaxBytes: int64(lim.maxBytes), MaxDepth: lim.maxDepth, MaxTokens: lim.maxTokens, MaxAttrs: lim.maxAttrs},
		xmlread.Options{NoProcInst: true, NoAttrWhitespace: true, NoEmptyCDATA: true}, start)
	f.work, f.stop = work, len(data)
	if err != nil {
		// How far the reader got: the error's offset (the start of a
		// refused tag), or its work count (the bytes it scanned, plus a few
		// units for namespace declarations and attribute comparisons) when
		// that is further, as at an unexpected end.
		f.stop = min(work, len(data))
		if xe := (*xmlread.Error)(nil); errors.As(err, &xe) {
			f.stop = max(f.stop, int(xe.Offset))
		}
		return nil, f, err
	}
	return doc, f, nil
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

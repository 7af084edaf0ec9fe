package saml

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"io"
	"strings"
	"time"

	"github.com/beevik/etree"

	"github.com/samlaws/samlaws/internal/xmlguard"
)

// SAML namespaces.
const (
	nsProtocol  = "urn:oasis:names:tc:SAML:2.0:protocol"
	nsAssertion = "urn:oasis:names:tc:SAML:2.0:assertion"
	nsXInclude  = "http://www.w3.org/2001/XInclude"
)

// maxRawInput bounds the raw input (base64 with line breaks, or XML) before
// it is even scanned.
const maxRawInput = 2 * MaxResponseChars

// decode turns the raw input (base64 form value or XML) into XML bytes,
// enforcing A6.1 and D1.1.
func (c *checker) decode(raw []byte) ([]byte, *ValidationError) {
	if len(raw) > maxRawInput {
		return nil, newErr(ErrTooLarge, "A6.1", "input is larger than any response STS accepts (100,000 base64 characters)", "keep group claims and other large attributes out of the AWS app (A6.2)")
	}
	in := bytes.TrimSpace(raw)
	if len(in) == 0 {
		return nil, newErr(ErrMalformed, "A6.1", "empty input", "pass the SAMLResponse form value or the Response XML")
	}
	if in[0] == '<' || xmlguard.HasBOM(in) {
		// XML: STS would receive its base64 form.
		if n := base64.StdEncoding.EncodedLen(len(in)); n > MaxResponseChars {
			return nil, newErr(ErrTooLarge, "A6.1", "response is larger than STS's limit of 100,000 base64 characters", "keep group claims and other large attributes out of the AWS app (A6.2)")
		}
		return xmlguard.TrimBOM(in), nil
	}
	// Base64, possibly wrapped in lines (the HTTP-POST binding allows it).
	compact := in
	if bytes.ContainsAny(in, " \t\r\n") {
		compact = make([]byte, 0, len(in))
		for _, b := range in {
			switch b {
			case ' ', '\t', '\r', '\n':
			default:
				compact = append(compact, b)
			}
		}
	}
	if len(compact) > MaxResponseChars {
		return nil, newErr(ErrTooLarge, "A6.1", "response is larger than STS's limit of 100,000 base64 characters", "keep group claims and other large attributes out of the AWS app (A6.2)")
	}
	if len(compact) < 4 {
		return nil, newErr(ErrMalformed, "A6.1", "response is shorter than STS's minimum of 4 characters", "")
	}
	dec := make([]byte, base64.StdEncoding.DecodedLen(len(compact)))
	n, err := base64.StdEncoding.Decode(dec, compact)
	if err != nil {
		hint := "pass the SAMLResponse form value exactly as posted (standard base64)"
		if bytes.IndexByte(compact, '%') >= 0 {
			hint = "the value looks URL-encoded: URL-decode the form field first"
		} else if bytes.ContainsAny(compact, "-_") {
			hint = "the value looks like URL-safe base64: the HTTP-POST binding uses standard base64 (D1.1)"
		}
		return nil, newErr(ErrMalformed, "D1.1", "SAMLResponse is not valid base64", hint)
	}
	dec = dec[:n]
	t := xmlguard.TrimBOM(bytes.TrimLeft(dec, " \t\r\n"))
	if len(t) == 0 || t[0] != '<' {
		if looksDeflated(dec) {
			return nil, newErr(ErrMalformed, "D1.1", "SAMLResponse is DEFLATE-compressed (HTTP-Redirect encoding); the HTTP-POST binding never compresses",
				"post the base64 of the plain Response XML")
		}
		return nil, newErr(ErrMalformed, "D1.1", "SAMLResponse does not decode to XML", "")
	}
	return t, nil
}

// looksDeflated reports whether b inflates (a bounded prefix) to something
// starting with '<'. It reads at most 64 bytes: no decompression bomb.
func looksDeflated(b []byte) bool {
	r := flate.NewReader(bytes.NewReader(b))
	defer r.Close()
	buf := make([]byte, 64)
	n, _ := io.ReadFull(r, buf)
	t := bytes.TrimLeft(buf[:n], " \t\r\n")
	return len(t) > 0 && t[0] == '<'
}

// parseXML applies the budgets and the DTD ban and parses data into a tree
// (see verify_parse.go).
func parseXML(data []byte, what string) (*etree.Document, *ValidationError) {
	doc, pe := parseDocument(data, defaultParseLimits)
	if pe != nil {
		hint := ""
		if pe.cat == ErrMalformed && pe.rule == "D4.8" && strings.Contains(pe.reason, "DOCTYPE") {
			hint = "a SAML response never has a DTD; this looks like an XXE or entity-expansion attempt"
		}
		return nil, newErr(pe.cat, pe.rule, what+" "+pe.reason, hint)
	}
	return doc, nil
}

// treeFacts are what one walk over the whole tree learns.
type treeFacts struct {
	ids        map[string]int
	assertions int // elements named Assertion or EncryptedAssertion, any namespace
}

// walk checks every element of the tree rooted at root: no duplicate
// attributes, resolvable prefixes, no processing instructions or directives,
// no XInclude, unique IDs (D1.3), Signatures only where SAML puts them (D4.1).
//
// It is also this package's defence against Go encoding/xml round-trip
// instability (CVE-2020-29509, -29510, -29511): every element and attribute
// name and prefix must be an NCName, the reserved prefixes xml and xmlns
// must keep their meaning, and directives, processing instructions and
// comments containing "--" are rejected. These are exactly the token shapes
// that do not survive an encode/decode round trip; the tests hold the
// verifier to mattermost/xml-roundtrip-validator on every accepted input
// (the validator itself costs more than the rest of Verify together, so it
// is not run here).
func walk(root *etree.Element, what string) (*treeFacts, *ValidationError) {
	f := &treeFacts{ids: map[string]int{}}
	var visit func(el *etree.Element, parentIsSigned bool) *ValidationError
	visit = func(el *etree.Element, sigAllowed bool) *ValidationError {
		if !isNCName(el.Tag) || el.Space != "" && !isNCName(el.Space) {
			return newErr(ErrMalformed, "D4.8", what+" has an element with an invalid name", "")
		}
		ns := nsOf(el)
		if el.Space != "" && ns == "" {
			return newErr(ErrMalformed, "D4.8", what+" uses an undeclared namespace prefix", "declare the prefix (xmlns:prefix=\"...\") on the element or an ancestor; AWS cannot read the element otherwise").withValue("element", prefixedName(el))
		}
		if ns == nsXInclude {
			return newErr(ErrMalformed, "D4.8", what+" contains an XInclude element", "")
		}
		for i := range el.Attr {
			a := &el.Attr[i]
			if !isNCName(a.Key) || a.Space != "" && !isNCName(a.Space) {
				return newErr(ErrMalformed, "D4.8", what+" has an attribute with an invalid name", "")
			}
			for j := i + 1; j < len(el.Attr); j++ {
				if el.Attr[j].Space == a.Space && el.Attr[j].Key == a.Key {
					return newErr(ErrMalformed, "D4.8", what+" has an element with a repeated attribute", "")
				}
			}
			if a.Space == "" && a.Key == "ID" {
				f.ids[a.Value]++
				if f.ids[a.Value] > 1 {
					return newErr(ErrMalformed, "D1.3", what+" has two elements with the same ID", "duplicate IDs make signature references ambiguous (signature wrapping)")
				}
			}
			if a.Space == "xmlns" && (a.Key == "xmlns" || a.Key == "xml" && a.Value != "http://www.w3.org/XML/1998/namespace") ||
				a.Space == "" && a.Key == "xmlns" && (a.Value == "http://www.w3.org/XML/1998/namespace" || a.Value == "http://www.w3.org/2000/xmlns/") {
				return newErr(ErrMalformed, "D4.8", what+" redeclares a reserved namespace prefix", "")
			}
			if a.Space != "" && a.Space != "xmlns" && a.Space != "xml" && a.NamespaceURI() == "" {
				return newErr(ErrMalformed, "D4.8", what+" uses an undeclared attribute namespace prefix", "").withValue("attribute", a.Space+":"+a.Key)
			}
		}
		if el.Tag == "Assertion" || el.Tag == "EncryptedAssertion" {
			f.assertions++
		}
		if el.Tag == "Signature" && ns == nsDSig && !sigAllowed {
			return newErr(ErrSignature, "D4.1", what+" has a Signature outside the Response or Assertion it could sign", "only enveloped signatures directly inside the Response or the Assertion are allowed")
		}
		for _, t := range el.Child {
			switch t := t.(type) {
			case *etree.Element:
				allowed := (t.Tag == "Signature") && (ns == nsProtocol && el.Tag == "Response" || ns == nsAssertion && el.Tag == "Assertion")
				if err := visit(t, allowed); err != nil {
					return err
				}
			case *etree.ProcInst:
				return newErr(ErrMalformed, "D4.8", what+" has a processing instruction", "")
			case *etree.Comment:
				if strings.Contains(t.Data, "--") || strings.HasSuffix(t.Data, "-") {
					return newErr(ErrMalformed, "D4.8", what+" has a comment containing \"--\"", "")
				}
			case *etree.Directive:
				return newErr(ErrMalformed, "D4.8", what+" has a directive", "")
			}
		}
		return nil
	}
	if err := visit(root, false); err != nil {
		return nil, err
	}
	return f, nil
}

// nsOf returns the namespace URI of el.
func nsOf(el *etree.Element) string { return el.NamespaceURI() }

// is reports whether el is ns:tag.
func is(el *etree.Element, ns, tag string) bool { return el.Tag == tag && nsOf(el) == ns }

// childNS returns the first child element ns:tag, or nil.
func childNS(el *etree.Element, ns, tag string) *etree.Element {
	for _, t := range el.Child {
		if ch, ok := t.(*etree.Element); ok && ch.Tag == tag && nsOf(ch) == ns {
			return ch
		}
	}
	return nil
}

// childrenNS returns the child elements ns:tag; all child elements when tag
// is empty.
func childrenNS(el *etree.Element, ns, tag string) []*etree.Element {
	var out []*etree.Element
	for _, t := range el.Child {
		if ch, ok := t.(*etree.Element); ok && (tag == "" || ch.Tag == tag && nsOf(ch) == ns) {
			out = append(out, ch)
		}
	}
	return out
}

// textOf returns all character data of el (text and CDATA, joined across
// comments: CVE-2017-11427 class), and false when el has child elements.
func textOf(el *etree.Element) (string, bool) {
	var parts []string
	for _, t := range el.Child {
		switch t := t.(type) {
		case *etree.CharData:
			parts = append(parts, t.Data)
		case *etree.Element:
			return "", false
		}
	}
	switch len(parts) {
	case 0:
		return "", true
	case 1:
		return parts[0], true
	}
	return strings.Join(parts, ""), true
}

// attrValue returns the value of el's un-namespaced attribute key.
func attrValue(el *etree.Element, key string) (string, bool) {
	for _, a := range el.Attr {
		if a.Space == "" && a.Key == key {
			return a.Value, true
		}
	}
	return "", false
}

// parseTime parses an xs:dateTime in UTC ("Z"), as SAML requires (D1.4).
func parseTime(s string) (time.Time, bool) {
	if len(s) < 20 || s[len(s)-1] != 'Z' || s[10] != 'T' {
		return time.Time{}, false
	}
	t, err := time.Parse("2006-01-02T15:04:05.999999999Z", s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// attrOr returns the value of el's un-namespaced attribute key, or "".
func attrOr(el *etree.Element, key string) string {
	v, _ := attrValue(el, key)
	return v
}

// isNCName reports whether s is a plausible XML NCName: non-empty, no colon,
// not starting with a digit, '-' or '.', and no characters that cannot
// appear in a name. (encoding/xml accepts some names the XML namespaces
// recommendation forbids; such names are a round-trip hazard.)
func isNCName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == ':' || r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '<' || r == '>' || r == '&' || r == '"' || r == '\'' || r == '=' || r == '/':
			return false
		case i == 0 && (r == '-' || r == '.' || (r >= '0' && r <= '9')):
			return false
		}
	}
	return true
}

package saml

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"io"
	"strings"
	"time"

	"github.com/beevik/etree"

	"github.com/samlaws/samlaws/internal/awslimits"
	"github.com/samlaws/samlaws/internal/xmltree"
)

// SAML namespaces.
const (
	nsProtocol  = "urn:oasis:names:tc:SAML:2.0:protocol"
	nsAssertion = "urn:oasis:names:tc:SAML:2.0:assertion"
	nsXInclude  = "http://www.w3.org/2001/XInclude"
)

// maxRawInput bounds the raw input (base64 with line breaks, or XML) before
// it is even scanned.
const maxRawInput = 2 * awslimits.MaxAssertionChars

// decode turns the raw input (base64 form value or XML) into XML bytes,
// enforcing A6.1 and D1.1.
func (c *checker) decode(raw []byte) ([]byte, *ValidationError) {
	if len(raw) > maxRawInput {
		return nil, newErr(errTooLarge, "A6.1", "input is larger than any response STS accepts (100,000 base64 characters)", "keep group claims and other large attributes out of the AWS app (A6.2)")
	}
	in := bytes.TrimSpace(raw)
	if len(in) == 0 {
		return nil, newErr(ErrMalformed, "A6.1", "empty input", "pass the SAMLResponse form value or the Response XML")
	}
	if in[0] == '<' || hasBOM(in) {
		// XML: STS would receive its base64 form. Leading white space stays:
		// XML allows it before the root element, not before an XML
		// declaration (the reader decides).
		x := trimBOM(bytes.TrimRight(raw, " \t\r\n"))
		if n := base64.StdEncoding.EncodedLen(len(x)); n > awslimits.MaxAssertionChars {
			return nil, newErr(errTooLarge, "A6.1", "response is larger than STS's limit of 100,000 base64 characters", "keep group claims and other large attributes out of the AWS app (A6.2)")
		}
		return x, nil
	}
	// Base64, possibly wrapped in lines (the HTTP-POST binding allows it).
	// base64.Decode skips CR and LF itself; the copy without white space is
	// made only when spaces or tabs are there, or when the exact count of
	// base64 characters matters (near the limits).
	compact := in
	if len(in) > awslimits.MaxAssertionChars || len(in) < 64 || bytes.IndexByte(in, ' ') >= 0 || bytes.IndexByte(in, '\t') >= 0 {
		compact = make([]byte, 0, len(in))
		for _, b := range in {
			switch b {
			case ' ', '\t', '\r', '\n':
			default:
				compact = append(compact, b)
			}
		}
	}
	if len(compact) > awslimits.MaxAssertionChars {
		return nil, newErr(errTooLarge, "A6.1", "response is larger than STS's limit of 100,000 base64 characters", "keep group claims and other large attributes out of the AWS app (A6.2)")
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
	t := trimBOM(dec)
	if s := bytes.TrimLeft(t, " \t\r\n"); len(s) == 0 || s[0] != '<' {
		if looksDeflated(dec) {
			return nil, newErr(ErrMalformed, "D1.1", "SAMLResponse is DEFLATE-compressed (HTTP-Redirect encoding); the HTTP-POST binding never compresses",
				"post the base64 of the plain Response XML")
		}
		return nil, newErr(ErrMalformed, "D1.1", "SAMLResponse does not decode to XML", "")
	}
	return t, nil
}

var bom = []byte{0xEF, 0xBB, 0xBF}

// hasBOM reports whether b starts with a UTF-8 byte order mark.
func hasBOM(b []byte) bool { return bytes.HasPrefix(b, bom) }

// trimBOM returns b without a leading UTF-8 byte order mark (not a copy).
func trimBOM(b []byte) []byte { return bytes.TrimPrefix(b, bom) }

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
// (see verify_parse.go), with what the parse learned about it (also on
// failure, so that the work of a refused parse is counted).
func parseXML(data []byte, what string) (*etree.Document, *treeFacts, *ValidationError) {
	doc, facts, pe := parseDocument(data, defaultParseLimits)
	if pe != nil {
		e := newErr(pe.cat, pe.rule, what+" "+pe.reason, pe.hint)
		if pe.valueName != "" {
			e = e.withValue(pe.valueName, pe.value)
		}
		return nil, facts, e
	}
	if facts.strayDSig {
		return nil, facts, newErr(ErrSignature, "D4.1", what+" has a Signature outside the Response or Assertion it could sign", "only enveloped signatures directly inside the Response or the Assertion are allowed")
	}
	return doc, facts, nil
}

// nsOf returns the namespace URI of el.
func nsOf(el *etree.Element) string { return el.NamespaceURI() }

// attrNS returns the namespace URI bound to prefix at el (attributes of
// the tree carry no pointer back to their element: see internal/xmltree).
func attrNS(el *etree.Element, prefix string) string { return xmltree.AttrNS(el, prefix) }

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

// parseTime parses an xs:dateTime in UTC ("Z"), as SAML requires (D1.4),
// in exactly the lexical form of XML Schema 1.0 part 2, 3.2.7.1:
// yyyy-mm-ddThh:mm:ss, an optional "." and one or more fraction digits, then
// "Z". Nothing else Go's time.Parse happens to take (a comma as the fraction
// separator, for one) is accepted. Deliberately narrower than the schema:
// years 0001-9999 only (no sign, no 5-digit years) and no "24:00:00".
// Fraction digits beyond nanoseconds are truncated.
func parseTime(s string) (time.Time, bool) {
	if len(s) < 20 || len(s) > 64 || s[len(s)-1] != 'Z' {
		return time.Time{}, false
	}
	for i := 0; i < 19; i++ {
		c := s[i]
		switch i {
		case 4, 7:
			if c != '-' {
				return time.Time{}, false
			}
		case 10:
			if c != 'T' {
				return time.Time{}, false
			}
		case 13, 16:
			if c != ':' {
				return time.Time{}, false
			}
		default:
			if c < '0' || c > '9' {
				return time.Time{}, false
			}
		}
	}
	if s[:4] == "0000" {
		return time.Time{}, false
	}
	frac := s[19 : len(s)-1]
	var nanos time.Duration
	if frac != "" {
		if frac[0] != '.' || len(frac) < 2 {
			return time.Time{}, false
		}
		scale := time.Duration(100000000)
		for i := 1; i < len(frac); i++ {
			c := frac[i]
			if c < '0' || c > '9' {
				return time.Time{}, false
			}
			nanos += time.Duration(c-'0') * scale
			scale /= 10
		}
	}
	t, err := time.Parse("2006-01-02T15:04:05Z", s[:19]+"Z")
	if err != nil {
		return time.Time{}, false
	}
	return t.Add(nanos), true
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

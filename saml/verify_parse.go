package saml

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/beevik/etree"
)

// This file is the verifier's XML parser: one strict pass over the bytes that
// enforces the structural budgets (A6.1), rejects DTDs, entity declarations,
// directives and processing instructions (D4.8), checks well-formedness and
// namespace well-formedness, and builds the etree the checks and the
// canonicalizer (internal/c14n) work on.
//
// Why not encoding/xml: it is the dominant cost of verification (two passes,
// xmlguard.Check and etree's reader, took half of Verify), and its round-trip
// instability is a known hazard (CVE-2020-29509/29510/29511). Soundness does
// not rest on this parser agreeing with the IdP's: the signature covers the
// exclusive canonical form of the tree built here, and values are read from
// that same tree, so a parse that differs from what the IdP signed fails the
// digest. The tests hold this parser to xmlguard.Check + etree (same canonical
// form, never more permissive) on every test and fuzz input.
//
// What the parser refuses that XML allows, and why no real producer is hit
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
//   - xmlns:p="": an undeclaration only XML 1.1 allows; not namespace
//     well-formed XML 1.0;
//   - an XML declaration naming an encoding other than UTF-8, or whose
//     version is written with white space around "=" (no producer does; the
//     form value is UTF-8).
//
// The checks (verify_checks.go) also refuse an Assertion child other than
// Issuer, Signature, Subject, Conditions, AuthnStatement and
// AttributeStatement: in particular Advice, which may carry further
// Assertions (signature-wrapping ground) and which Entra, AD FS, pysaml2's
// IdP, crewjam/saml's IdP and the npm saml package do not emit.

// parseErr is a parse failure: the category (ErrMalformed or ErrTooLarge),
// the rule and a content-free reason.
type parseErr struct {
	cat    error
	rule   string
	reason string
}

type xmlParser struct {
	data   []byte
	pos    int
	lim    parseLimits
	tokens int
	depth  int
	err    *parseErr
	// scratch buffers
	buf []byte
}

type parseLimits struct {
	maxBytes, maxDepth, maxTokens, maxAttrs int
}

var defaultParseLimits = parseLimits{
	maxBytes:  MaxResponseChars / 4 * 3,
	maxDepth:  32,
	maxTokens: 20000,
	maxAttrs:  32,
}

func (p *xmlParser) fail(cat error, rule, reason string) {
	if p.err == nil {
		p.err = &parseErr{cat: cat, rule: rule, reason: reason}
	}
}

func (p *xmlParser) malformed(reason string) { p.fail(ErrMalformed, "D1.1", reason) }

// parseDocument parses data (UTF-8, BOM already removed) into a document
// with exactly one root element.
func parseDocument(data []byte, lim parseLimits) (*etree.Document, *parseErr) {
	p := &xmlParser{data: data, lim: lim}
	if len(data) > lim.maxBytes {
		return nil, &parseErr{ErrTooLarge, "A6.1", "exceeds the size budget"}
	}
	if !utf8.Valid(data) {
		return nil, &parseErr{ErrMalformed, "D1.1", "is not valid UTF-8"}
	}
	doc := etree.NewDocument()
	// XML declaration, only at the very start.
	if bytes.HasPrefix(data, []byte("<?xml")) && len(data) > 5 && isSpace(data[5]) {
		end := bytes.Index(data, []byte("?>"))
		if end < 0 {
			return nil, &parseErr{ErrMalformed, "D1.1", "has an unterminated XML declaration"}
		}
		decl := string(data[5:end])
		if strings.ContainsAny(decl, "<>") || !strings.Contains(decl, `version="1.0"`) && !strings.Contains(decl, `version='1.0'`) {
			return nil, &parseErr{ErrMalformed, "D1.1", "has a bad XML declaration"}
		}
		if i := strings.Index(decl, "encoding"); i >= 0 {
			enc := strings.ToLower(decl[i:])
			if !strings.Contains(enc, `"utf-8"`) && !strings.Contains(enc, `'utf-8'`) {
				return nil, &parseErr{ErrMalformed, "D1.1", "declares an encoding other than UTF-8"}
			}
		}
		p.pos = end + 2
	}
	var root *etree.Element
	for p.err == nil {
		p.skipSpace()
		if p.pos >= len(data) {
			break
		}
		if data[p.pos] != '<' {
			p.malformed("has text outside the root element")
			break
		}
		switch {
		case p.has("<!--"):
			p.comment(nil)
		case p.has("<!DOCTYPE"), p.has("<!ENTITY"), p.has("<!ATTLIST"), p.has("<!ELEMENT"), p.has("<!NOTATION"):
			p.fail(ErrMalformed, "D4.8", "contains a DOCTYPE or entity declaration")
		case p.has("<!"), p.has("<?"):
			p.fail(ErrMalformed, "D4.8", "has a processing instruction or directive")
		default:
			if root != nil {
				p.malformed("has more than one root element")
				break
			}
			root = p.element(&doc.Element, nil)
		}
	}
	if p.err != nil {
		return nil, p.err
	}
	if root == nil {
		return nil, &parseErr{ErrMalformed, "D1.1", "has no root element"}
	}
	return doc, nil
}

func (p *xmlParser) has(s string) bool {
	return len(p.data)-p.pos >= len(s) && string(p.data[p.pos:p.pos+len(s)]) == s
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (p *xmlParser) skipSpace() {
	for p.pos < len(p.data) && isSpace(p.data[p.pos]) {
		p.pos++
	}
}

func (p *xmlParser) token() bool {
	p.tokens++
	if p.tokens > p.lim.maxTokens {
		p.fail(ErrTooLarge, "A6.1", "exceeds the token budget")
		return false
	}
	return true
}

// name reads an XML Name (possibly prefixed) and splits it.
func (p *xmlParser) name() (space, local string, ok bool) {
	start := p.pos
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		if c < utf8.RuneSelf {
			if c == ':' || c == '_' || c == '-' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
				p.pos++
				continue
			}
			break
		}
		r, n := utf8.DecodeRune(p.data[p.pos:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) && !unicode.Is(unicode.Mc, r) && r != '\u00B7' {
			break
		}
		p.pos += n
	}
	raw := p.data[start:p.pos]
	if n, ok := knownNames[string(raw)]; ok { // no allocation for the common names
		return n.space, n.local, true
	}
	full := string(raw)
	space, local, found := strings.Cut(full, ":")
	if !found {
		space, local = "", full
	}
	if !isNCName(local) || found && !isNCName(space) {
		return "", "", false
	}
	return space, local, true
}

type rawAttr struct{ space, key, value string }

type qname struct{ space, local string }

// knownNames interns the element and attribute names of Entra-shaped
// responses (read-only after init).
var knownNames = func() map[string]qname {
	m := map[string]qname{}
	for _, n := range []string{
		"Response", "Assertion", "Issuer", "Status", "StatusCode", "StatusMessage", "Signature", "SignedInfo",
		"CanonicalizationMethod", "SignatureMethod", "Reference", "Transforms", "Transform", "DigestMethod",
		"DigestValue", "SignatureValue", "KeyInfo", "X509Data", "X509Certificate", "Subject", "NameID",
		"SubjectConfirmation", "SubjectConfirmationData", "Conditions", "AudienceRestriction", "Audience",
		"AttributeStatement", "Attribute", "AttributeValue", "AuthnStatement", "AuthnContext",
		"AuthnContextClassRef", "EncryptedAssertion", "EncryptedData", "EncryptionMethod", "EncryptedKey",
		"CipherData", "CipherValue", "InclusiveNamespaces",
		"ID", "Version", "IssueInstant", "Destination", "InResponseTo", "Value", "Algorithm", "URI", "Format",
		"Method", "NotBefore", "NotOnOrAfter", "Recipient", "Name", "NameFormat", "AuthnInstant",
		"SessionIndex", "SessionNotOnOrAfter", "PrefixList", "Type", "Id", "xmlns",
	} {
		m[n] = qname{"", n}
		for _, p := range []string{"samlp", "saml", "saml2", "saml2p", "ds", "xenc", "ec", "xmlns", "xsi", "xs"} {
			m[p+":"+n] = qname{p, n}
		}
	}
	for _, p := range []string{"samlp", "saml", "saml2", "saml2p", "ds", "xenc", "ec", "xsi", "xs"} {
		m["xmlns:"+p] = qname{"xmlns", p}
	}
	m["xsi:type"] = qname{"xsi", "type"}
	return m
}()

// element parses one element (p.pos at '<') and appends it to parent. scope
// is the parent's namespace scope.
func (p *xmlParser) element(parent *etree.Element, scope *nsScope) *etree.Element {
	if !p.token() {
		return nil
	}
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > p.lim.maxDepth {
		p.fail(ErrTooLarge, "A6.1", "exceeds the depth budget")
		return nil
	}
	p.pos++ // '<'
	space, local, ok := p.name()
	if !ok {
		p.malformed("has an invalid element name")
		return nil
	}
	var attrs []rawAttr
	for {
		sp := p.pos
		p.skipSpace()
		if p.pos >= len(p.data) {
			p.malformed("ends inside a start tag")
			return nil
		}
		c := p.data[p.pos]
		if c == '>' || c == '/' {
			break
		}
		if p.pos == sp {
			p.malformed("has attributes not separated by white space")
			return nil
		}
		as, ak, ok := p.name()
		if !ok {
			p.malformed("has an invalid attribute name")
			return nil
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != '=' {
			p.malformed("has an attribute without a value")
			return nil
		}
		p.pos++
		p.skipSpace()
		v, ok := p.attrValue()
		if !ok {
			return nil
		}
		for _, a := range attrs {
			if a.space == as && a.key == ak {
				p.fail(ErrMalformed, "D4.8", "has an element with a repeated attribute")
				return nil
			}
		}
		attrs = append(attrs, rawAttr{as, ak, v})
		if len(attrs) > p.lim.maxAttrs {
			p.fail(ErrTooLarge, "A6.1", "exceeds the attribute budget")
			return nil
		}
	}
	// Namespace scope of this element.
	sc := scope
	for _, a := range attrs {
		switch {
		case a.space == "xmlns":
			if a.value == "" || a.key == "xmlns" || a.key == "xml" && a.value != nsXMLNS || a.key != "xml" && (a.value == nsXMLNS || a.value == nsXMLNSNS) {
				p.fail(ErrMalformed, "D4.8", "has an invalid namespace declaration")
				return nil
			}
			sc = &nsScope{prefix: a.key, uri: a.value, up: sc}
		case a.space == "" && a.key == "xmlns":
			if a.value == nsXMLNS || a.value == nsXMLNSNS {
				p.fail(ErrMalformed, "D4.8", "has an invalid namespace declaration")
				return nil
			}
			sc = &nsScope{prefix: "", uri: a.value, up: sc}
		}
	}
	if space != "" && space != "xml" && sc.lookup(space) == "" || space == "xmlns" {
		p.fail(ErrMalformed, "D4.8", "uses an undeclared namespace prefix")
		return nil
	}
	for i, a := range attrs {
		if a.space != "" && a.space != "xmlns" && a.space != "xml" && sc.lookup(a.space) == "" {
			p.fail(ErrMalformed, "D4.8", "uses an undeclared attribute namespace prefix")
			return nil
		}
		// Namespace well-formedness: no two attributes with the same
		// expanded name.
		if a.space != "" && a.space != "xmlns" {
			for _, b := range attrs[:i] {
				if b.space != "" && b.space != "xmlns" && b.key == a.key && sc.lookup(b.space) == sc.lookup(a.space) {
					p.fail(ErrMalformed, "D4.8", "has an element with a repeated attribute")
					return nil
				}
			}
		}
	}
	el := parent.CreateElement(local)
	el.Space = space
	for _, a := range attrs {
		key := a.key
		if a.space != "" {
			key = a.space + ":" + a.key // CreateAttr matches space and key together
		}
		el.CreateAttr(key, a.value)
	}
	if p.data[p.pos] == '/' {
		if !p.has("/>") {
			p.malformed("has a bad empty-element tag")
			return nil
		}
		p.pos += 2
		return el
	}
	p.pos++ // '>'
	p.content(el, sc)
	if p.err != nil {
		return nil
	}
	// End tag.
	p.pos += 2 // "</"
	es, el2, ok := p.name()
	if !ok || es != space || el2 != local {
		p.malformed("has mismatched start and end tags")
		return nil
	}
	p.skipSpace()
	if p.pos >= len(p.data) || p.data[p.pos] != '>' {
		p.malformed("has a bad end tag")
		return nil
	}
	p.pos++
	return el
}

const (
	nsXMLNS   = "http://www.w3.org/XML/1998/namespace"
	nsXMLNSNS = "http://www.w3.org/2000/xmlns/"
)

type nsScope struct {
	prefix, uri string
	up          *nsScope
}

func (s *nsScope) lookup(prefix string) string {
	for ; s != nil; s = s.up {
		if s.prefix == prefix {
			return s.uri
		}
	}
	return ""
}

// content parses the content of el up to (not including) its end tag.
func (p *xmlParser) content(el *etree.Element, sc *nsScope) {
	for p.err == nil {
		if p.pos >= len(p.data) {
			p.malformed("ends inside an element")
			return
		}
		if p.data[p.pos] != '<' {
			p.text(el)
			continue
		}
		switch {
		case p.has("</"):
			return
		case p.has("<!--"):
			p.comment(el)
		case p.has("<![CDATA["):
			if !p.token() {
				return
			}
			start := p.pos + 9
			end := bytes.Index(p.data[start:], []byte("]]>"))
			if end < 0 {
				p.malformed("has an unterminated CDATA section")
				return
			}
			if end == 0 {
				// Go's encoding/xml does not round-trip an empty CDATA
				// section; nothing needs one.
				p.malformed("has an empty CDATA section")
				return
			}
			s, ok := p.chars(p.data[start:start+end], false)
			if !ok {
				return
			}
			el.CreateText(s)
			p.pos = start + end + 3
		case p.has("<!DOCTYPE"), p.has("<!ENTITY"), p.has("<!ATTLIST"), p.has("<!ELEMENT"), p.has("<!NOTATION"):
			p.fail(ErrMalformed, "D4.8", "contains a DOCTYPE or entity declaration")
		case p.has("<!"), p.has("<?"):
			p.fail(ErrMalformed, "D4.8", "has a processing instruction or directive")
		default:
			p.element(el, sc)
		}
	}
}

func (p *xmlParser) comment(el *etree.Element) {
	if !p.token() {
		return
	}
	start := p.pos + 4
	end := bytes.Index(p.data[start:], []byte("--"))
	if end < 0 || start+end+2 >= len(p.data) || p.data[start+end+2] != '>' {
		p.fail(ErrMalformed, "D4.8", "has a comment containing \"--\" or an unterminated comment")
		return
	}
	s, ok := p.chars(p.data[start:start+end], false)
	if !ok {
		return
	}
	if strings.HasSuffix(s, "-") {
		p.fail(ErrMalformed, "D4.8", "has a comment ending in \"-\"")
		return
	}
	if el != nil {
		el.CreateComment(s)
	}
	p.pos = start + end + 3
}

// text parses character data up to the next '<'.
func (p *xmlParser) text(el *etree.Element) {
	if !p.token() {
		return
	}
	start := p.pos
	end := bytes.IndexByte(p.data[start:], '<')
	if end < 0 {
		p.malformed("ends inside an element")
		return
	}
	raw := p.data[start : start+end]
	if bytes.Contains(raw, []byte("]]>")) {
		p.malformed("has \"]]>\" in text")
		return
	}
	s, ok := p.chars(raw, true)
	if !ok {
		return
	}
	el.CreateText(s)
	p.pos = start + end
}

// attrValue parses a quoted attribute value with entity references and
// attribute-value normalization (white space characters become spaces).
func (p *xmlParser) attrValue() (string, bool) {
	if p.pos >= len(p.data) || p.data[p.pos] != '"' && p.data[p.pos] != '\'' {
		p.malformed("has an unquoted attribute value")
		return "", false
	}
	q := p.data[p.pos]
	start := p.pos + 1
	end := bytes.IndexByte(p.data[start:], q)
	if end < 0 {
		p.malformed("has an unterminated attribute value")
		return "", false
	}
	raw := p.data[start : start+end]
	if bytes.IndexByte(raw, '<') >= 0 {
		p.malformed("has '<' in an attribute value")
		return "", false
	}
	// XML 1.0 §3.3.3 turns a literal tab or line break in an attribute value
	// into a space; encoding/xml (and so goxmldsig) keeps it. Signers
	// disagree on it, and no SAML value needs it: reject (fail closed).
	if bytes.ContainsAny(raw, "\t\r\n") {
		p.malformed("has a literal tab or line break in an attribute value")
		return "", false
	}
	p.pos = start + end + 1
	return p.decode(raw, true, true)
}

// chars validates and decodes character data (entities when refs is true),
// with end-of-line normalization.
func (p *xmlParser) chars(raw []byte, refs bool) (string, bool) {
	return p.decode(raw, refs, false)
}

func (p *xmlParser) decode(raw []byte, refs, attr bool) (string, bool) {
	simple := true
	for _, c := range raw {
		if c < 0x20 || c == '&' || c >= utf8.RuneSelf {
			simple = false
			break
		}
	}
	if simple {
		return string(raw), true
	}
	b := p.buf[:0]
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case c == '\r':
			if attr {
				b = append(b, ' ')
			} else {
				b = append(b, '\n')
			}
			i++
			if i < len(raw) && raw[i] == '\n' {
				i++
			}
		case c == '\n' || c == '\t':
			if attr {
				b = append(b, ' ')
			} else {
				b = append(b, c)
			}
			i++
		case c < 0x20:
			p.malformed("has a control character")
			return "", false
		case c == '&' && refs:
			semi := bytes.IndexByte(raw[i:], ';')
			if semi < 0 {
				p.malformed("has a bad entity reference")
				return "", false
			}
			ref := string(raw[i+1 : i+semi])
			i += semi + 1
			switch ref {
			case "lt":
				b = append(b, '<')
			case "gt":
				b = append(b, '>')
			case "amp":
				b = append(b, '&')
			case "apos":
				b = append(b, '\'')
			case "quot":
				b = append(b, '"')
			default:
				r, ok := charRef(ref)
				if !ok {
					p.fail(ErrMalformed, "D4.8", "has an undefined entity or bad character reference")
					return "", false
				}
				b = utf8.AppendRune(b, r)
			}
		case c == '&':
			// Only in CDATA and comments, where '&' is literal.
			b = append(b, c)
			i++
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, n := utf8.DecodeRune(raw[i:])
			if !isXMLChar(r) {
				p.malformed("has a character XML does not allow")
				return "", false
			}
			b = append(b, raw[i:i+n]...)
			i += n
		}
	}
	p.buf = b
	return string(b), true
}

func charRef(ref string) (rune, bool) {
	if len(ref) < 2 || ref[0] != '#' {
		return 0, false
	}
	base, digits := 10, ref[1:]
	if digits[0] == 'x' {
		base, digits = 16, digits[1:]
	}
	if digits == "" || len(digits) > 8 {
		return 0, false
	}
	var r rune
	for _, c := range digits {
		var d rune
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case base == 16 && c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case base == 16 && c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		r = r*rune(base) + d
	}
	return r, isXMLChar(r)
}

// isXMLChar reports whether r is a Char of XML 1.0 (§2.2).
func isXMLChar(r rune) bool {
	return r == 0x9 || r == 0xA || r == 0xD ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

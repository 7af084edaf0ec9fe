package main

import (
	"strconv"
	"strings"

	"github.com/samlaws/samlaws/internal/textclip"
)

// decodeUnread is a part of the response decode cannot read, and so does not
// show as what it claims to be: where (an element path and line) and why.
// decode lists every one, in text and JSON, so that it never hides what
// "samlaws check" rejects (issue 16: an Attribute with an undeclared prefix
// was silently dropped).
type decodeUnread struct {
	Path   string `json:"path"`
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// decodeMaxUnread bounds the list; the count of the rest is reported.
const decodeMaxUnread = 50

// decodeFindUnread walks the response and lists what decode cannot read:
// names whose namespace prefix is undeclared, elements where SAML allows
// none (or in a namespace SAML does not use there), and AttributeValues with
// child elements (whose text alone is shown). It returns at most
// decodeMaxUnread items and how many more there were.
func decodeFindUnread(root *decodeNode) ([]decodeUnread, int) {
	var out []decodeUnread
	more := 0
	add := func(n *decodeNode, reason string) {
		if len(out) == decodeMaxUnread {
			more++
			return
		}
		out = append(out, decodeUnread{Path: decodePath(n), Line: n.line, Reason: reason})
	}
	var walk func(n *decodeNode)
	walk = func(n *decodeNode) {
		if n.undeclared != "" {
			add(n, "namespace prefix "+strconv.QuoteToASCII(n.undeclared)+" is not declared (no xmlns:"+safeText(n.undeclared)+
				" on it or an ancestor), so its namespace is unknown: decode cannot read it as SAML, and AWS rejects the response (D4.8)")
		}
		for _, pi := range n.pis {
			add(n, "a processing instruction <?"+safeText(pi)+" ...?> inside it: decode skips it, and AWS rejects the response (D4.8)")
		}
		for _, a := range n.badAttrs {
			add(n, "attribute "+strconv.QuoteToASCII(a)+" has an undeclared namespace prefix; AWS rejects the response (D4.8)")
		}
		if n.undeclared == "" {
			if why := decodeUnexpectedChildren(n); why != nil {
				for _, c := range why {
					add(c.node, c.reason)
				}
			}
		}
		for _, c := range n.children {
			walk(c)
		}
	}
	walk(root)
	return out, more
}

type decodeChildProblem struct {
	node   *decodeNode
	reason string
}

// decodeKnownChildren lists, for the SAML elements whose content decode
// shows, the child elements it reads (namespace, local name).
var decodeKnownChildren = map[[2]string][][2]string{
	{nsProtocol, "Response"}: {{nsAssertion, "Issuer"}, {nsDSig, "Signature"}, {nsProtocol, "Extensions"}, {nsProtocol, "Status"},
		{nsAssertion, "Assertion"}, {nsAssertion, "EncryptedAssertion"}},
	{nsAssertion, "Assertion"}: {{nsAssertion, "Issuer"}, {nsDSig, "Signature"}, {nsAssertion, "Subject"}, {nsAssertion, "Conditions"},
		{nsAssertion, "Advice"}, {nsAssertion, "AuthnStatement"}, {nsAssertion, "AttributeStatement"}, {nsAssertion, "Statement"}, {nsAssertion, "AuthzDecisionStatement"}},
	{nsAssertion, "AttributeStatement"}: {{nsAssertion, "Attribute"}},
	{nsAssertion, "Attribute"}:          {{nsAssertion, "AttributeValue"}},
	{nsAssertion, "Subject"}:            {{nsAssertion, "NameID"}, {nsAssertion, "BaseID"}, {nsAssertion, "EncryptedID"}, {nsAssertion, "SubjectConfirmation"}},
	{nsAssertion, "SubjectConfirmation"}: {{nsAssertion, "NameID"}, {nsAssertion, "BaseID"}, {nsAssertion, "EncryptedID"},
		{nsAssertion, "SubjectConfirmationData"}},
	{nsAssertion, "AudienceRestriction"}: {{nsAssertion, "Audience"}},
	{nsAssertion, "AuthnStatement"}:      {{nsAssertion, "SubjectLocality"}, {nsAssertion, "AuthnContext"}},
	{nsAssertion, "AuthnContext"}: {{nsAssertion, "AuthnContextClassRef"}, {nsAssertion, "AuthnContextDecl"},
		{nsAssertion, "AuthnContextDeclRef"}, {nsAssertion, "AuthenticatingAuthority"}},
	{nsProtocol, "Status"}: {{nsProtocol, "StatusCode"}, {nsProtocol, "StatusMessage"}, {nsProtocol, "StatusDetail"}},
}

// decodeUnexpectedChildren reports the children of n that decode does not
// read where it shows n's content.
func decodeUnexpectedChildren(n *decodeNode) []decodeChildProblem {
	var out []decodeChildProblem
	if n.name.Space == nsAssertion && n.name.Local == "AttributeValue" {
		for _, c := range n.children {
			out = append(out, decodeChildProblem{c, "an AttributeValue with a child element: decode shows only the text, and AWS reads no value from it (A3.1)"})
		}
		return out
	}
	known, ok := decodeKnownChildren[[2]string{n.name.Space, n.name.Local}]
	if !ok {
		return nil
	}
	for _, c := range n.children {
		if c.undeclared != "" {
			continue // reported for its prefix
		}
		found := false
		for _, k := range known {
			if c.name.Space == k[0] && c.name.Local == k[1] {
				found = true
				break
			}
		}
		if !found {
			reason := "not an element SAML allows in " + decodeQName(n.name) + ": decode does not show it, and AWS rejects the response"
			if c.name.Local == "Attribute" || c.name.Local == "AttributeValue" || c.name.Local == "Assertion" {
				reason = "a " + safeText(c.name.Local) + " in namespace " + strconv.QuoteToASCII(clip(c.name.Space)) + ", not SAML's " + nsAssertion +
					": decode does not show it as one, and AWS does not read it"
			}
			out = append(out, decodeChildProblem{c, reason})
		}
	}
	return out
}

// decodePath names an element by its ancestors' names and its position
// among same-named siblings: Response/Assertion/AttributeStatement/saml2:Attribute[3].
func decodePath(n *decodeNode) string {
	var parts []string
	for cur := n; cur != nil; cur = cur.parent {
		name := safeText(cur.name.Local)
		if cur.undeclared != "" {
			name = safeText(cur.undeclared) + ":" + name
		}
		if p := cur.parent; p != nil {
			i, same := 0, 0
			for _, s := range p.children {
				if s.name == cur.name {
					same++
					if s == cur {
						i = same
					}
				}
			}
			if same > 1 {
				name += "[" + strconv.Itoa(i) + "]"
			}
		}
		parts = append(parts, name)
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	p := strings.Join(parts, "/")
	if len(p) > 300 {
		p = "..." + p[len(p)-300:]
	}
	return p
}

// safeText escapes anything but printable ASCII in a name read from a
// response, without quotes.
func safeText(s string) string {
	q := strconv.QuoteToASCII(textclip.Prefix(s, 80))
	return q[1 : len(q)-1]
}

// printUnread writes decode's text report of what it could not read.
func (p *decodePrinter) printUnread(items []decodeUnread, more int) {
	if len(items) == 0 {
		return
	}
	p.printf("\nNOT SHOWN: decode could not read %d part(s) of this response; \"samlaws check\" rejects it:\n", len(items)+more)
	for _, u := range items {
		p.printf("  line %d: %s\n    %s\n", u.Line, u.Path, u.Reason)
	}
	if more > 0 {
		p.printf("  ... and %d more\n", more)
	}
}

// decodeShown returns a value read from the response for the text output:
// as it is when it is plain, else quoted with white space around it,
// control, bidi, zero-width and invalid characters made visible, so that no
// value can break, forge or reorder a line of the output (issue 19).
func decodeShown(v string) string {
	if v == "" {
		return v
	}
	plain := strings.Trim(v, xmlSpace) == v
	for _, r := range v {
		if r < 0x20 || r == 0x7f || r == 0xfffd || (r >= 0x80 && r < 0xa0) || isFormatChar(r) {
			plain = false
			break
		}
	}
	if plain {
		return v
	}
	return visibleQuote(v, 1024)
}

// isFormatChar reports the invisible format characters: bidi controls,
// zero-width characters and the BOM.
func isFormatChar(r rune) bool {
	switch {
	case r == 0x061c, r == 0x00ad, r == 0xfeff:
		return true
	case r >= 0x200b && r <= 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2060 && r <= 0x2069:
		return true
	}
	return false
}

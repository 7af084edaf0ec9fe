package main

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
)

// readResponseInput reads a response file, or standard input for "-", up to
// max+1 bytes: one more than allowed, so that the verifier can tell the input
// is too large without the whole of an arbitrarily large file being read.
func readResponseInput(name string, stdin io.Reader, max int64) ([]byte, error) {
	var r io.Reader
	if name == "-" {
		if stdin == nil {
			return nil, usagef("-", "no standard input")
		}
		r = stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, usagef("", "cannot read %q: %v", fileArg(name), pathlessError(err))
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, usagef("", "cannot read %q: %v", fileArg(name), pathlessError(err))
	}
	if int64(len(data)) > max {
		return data, nil // the verifier says it is too large
	}
	if p := responseInputProblem(data); p != "" {
		return nil, usagef("", "%s %s", inputName(name), p)
	}
	if recognise(data) == kindHTML {
		if v, ok := responseFromHTML(data); ok {
			return v, nil
		}
	}
	return data, nil
}

// normalizeFormValue turns what users paste into what the verifier takes:
// a leading UTF-8 BOM and surrounding whitespace go; a form body
// ("SAMLResponse=...&RelayState=...") gives its SAMLResponse field; a
// URL-encoded base64 value (%2B, %2F, %3D) is unescaped. XML and plain base64
// (line breaks included) pass unchanged.
func normalizeFormValue(data []byte) []byte {
	d := bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	d = bytes.TrimSpace(d)
	if len(d) == 0 || d[0] == '<' {
		return d
	}
	s := string(d)
	if strings.HasPrefix(s, "SAMLResponse=") || strings.Contains(s, "&SAMLResponse=") {
		for _, field := range strings.Split(s, "&") {
			if v, ok := strings.CutPrefix(field, "SAMLResponse="); ok {
				s = v
				break
			}
		}
		if u, err := url.PathUnescape(s); err == nil {
			s = u
		}
		return []byte(strings.TrimSpace(s))
	}
	if strings.Contains(s, "%") {
		if u, err := url.PathUnescape(s); err == nil {
			return []byte(strings.TrimSpace(u))
		}
	}
	return d
}

// decodeEncoding says how the response was delivered.
type decodeEncoding int

const (
	encodingXML     decodeEncoding = iota // raw XML
	encodingBase64                        // base64 of the XML: the HTTP-POST form value
	encodingDeflate                       // base64 of DEFLATE: the HTTP-Redirect encoding
)

// decodeMaxInflated bounds the XML inflated from a DEFLATE-compressed value.
const decodeMaxInflated = 1 << 20

// decodeResponseBytes returns the XML of a response given as XML or base64 (or,
// to say what it is, base64 of DEFLATE, which AWS rejects), how it was encoded
// and, for base64, its length in characters without line breaks.
func decodeResponseBytes(data []byte) ([]byte, decodeEncoding, int, error) {
	d := normalizeFormValue(data)
	if len(d) == 0 {
		return nil, 0, 0, errors.New("the input is empty")
	}
	if d[0] == '<' {
		return d, encodingXML, 0, nil
	}
	compact := make([]byte, 0, len(d))
	for _, c := range d {
		switch c {
		case ' ', '\t', '\r', '\n':
		default:
			compact = append(compact, c)
		}
	}
	raw, err := base64.StdEncoding.DecodeString(string(compact))
	if err != nil {
		raw, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(string(compact), "="))
	}
	if err != nil {
		return nil, 0, 0, errors.New("the input is neither XML nor base64")
	}
	if x := bytes.TrimSpace(bytes.TrimPrefix(raw, []byte("\xEF\xBB\xBF"))); len(x) > 0 && x[0] == '<' {
		return x, encodingBase64, len(compact), nil
	}
	inflated, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(raw)), decodeMaxInflated+1))
	if err == nil && len(inflated) <= decodeMaxInflated {
		if x := bytes.TrimSpace(inflated); len(x) > 0 && x[0] == '<' {
			return x, encodingDeflate, len(compact), nil
		}
	}
	return nil, 0, 0, errors.New("the input is base64, but what it encodes is not XML")
}

// decodeNode is one element of a parsed response.
type decodeNode struct {
	name     xml.Name
	attrs    []xml.Attr
	children []*decodeNode
	parent   *decodeNode
	text     strings.Builder // character data directly inside, CDATA included
	line     int             // line of the start tag
	// undeclared is the element's namespace prefix when no xmlns declares
	// it; badAttrs are its attributes whose prefix is undeclared.
	undeclared string
	badAttrs   []string
	// pis are the targets of processing instructions inside the element,
	// which decode skips and the verifier refuses.
	pis []string
}

// attr returns the value of the unqualified attribute local.
func (n *decodeNode) attr(local string) (string, bool) {
	for _, a := range n.attrs {
		if a.Name.Space == "" && a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// child returns the first child element with the given namespace and name.
func (n *decodeNode) child(space, local string) *decodeNode {
	for _, c := range n.children {
		if c.name.Space == space && c.name.Local == local {
			return c
		}
	}
	return nil
}

// all returns the child elements with the given namespace and name.
func (n *decodeNode) all(space, local string) []*decodeNode {
	var out []*decodeNode
	for _, c := range n.children {
		if c.name.Space == space && c.name.Local == local {
			out = append(out, c)
		}
	}
	return out
}

// path follows child elements by (namespace, name) pairs.
func (n *decodeNode) path(steps ...[2]string) *decodeNode {
	cur := n
	for _, s := range steps {
		if cur == nil {
			return nil
		}
		cur = cur.child(s[0], s[1])
	}
	return cur
}

// raw is the text content exactly, white space included ("" for nil).
func (n *decodeNode) raw() string {
	if n == nil {
		return ""
	}
	return n.text.String()
}

// value is the trimmed text content.
func (n *decodeNode) value() string {
	if n == nil {
		return ""
	}
	return strings.TrimSpace(n.text.String())
}

// Parse budgets of decode, for hostile input.
const (
	decodeMaxDepth  = 64
	decodeMaxTokens = 200000
)

// decodeParseXML parses a response into a tree with encoding/xml (namespaces
// resolved), rejecting DOCTYPE and entity declarations and bounding depth and
// token count. Comments and processing instructions are skipped, so text split
// by a comment reads whole.
func decodeParseXML(data []byte) (*decodeNode, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	var root, cur *decodeNode
	tokens, depth := 0, 0
	// scopes holds the namespace URIs bound at each open element, to tell a
	// resolved name from one whose prefix no xmlns declares (encoding/xml
	// then leaves the prefix in Name.Space).
	var scopes [][]string
	bound := func(space string) bool {
		for _, sc := range scopes {
			for _, u := range sc {
				if u == space {
					return true
				}
			}
		}
		return false
	}
	for {
		tok, err := dec.Token()
		line, _ := dec.InputPos()
		if err == io.EOF {
			break
		}
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(err.Error(), "unexpected EOF") {
				return nil, fmt.Errorf("truncated: the XML ends before its root element closes (line %d)", line)
			}
			return nil, fmt.Errorf("not well-formed XML (line %d)", line)
		}
		tokens++
		if tokens > decodeMaxTokens {
			return nil, fmt.Errorf("more than %d XML tokens", decodeMaxTokens)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > decodeMaxDepth {
				return nil, fmt.Errorf("elements nested deeper than %d", decodeMaxDepth)
			}
			n := &decodeNode{name: t.Name, attrs: t.Copy().Attr, parent: cur, line: line}
			var decl []string
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns" {
					decl = append(decl, a.Value)
				}
			}
			scopes = append(scopes, decl)
			if t.Name.Space != "" && !bound(t.Name.Space) {
				n.undeclared = t.Name.Space
			}
			for _, a := range t.Attr {
				if a.Name.Space != "" && a.Name.Space != "xmlns" && a.Name.Space != "http://www.w3.org/XML/1998/namespace" && !bound(a.Name.Space) {
					n.badAttrs = append(n.badAttrs, a.Name.Space+":"+a.Name.Local)
				}
			}
			if cur == nil {
				if root != nil {
					return nil, errors.New("more than one root element")
				}
				root = n
			} else {
				cur.children = append(cur.children, n)
			}
			cur = n
		case xml.EndElement:
			depth--
			cur = cur.parent
			scopes = scopes[:len(scopes)-1]
		case xml.CharData:
			if cur != nil {
				cur.text.Write(t)
			} else if len(bytes.TrimSpace(t)) > 0 {
				return nil, errors.New("text outside the root element")
			}
		case xml.Directive:
			return nil, errors.New("the XML carries a DOCTYPE or other declaration, which SAML forbids and AWS rejects (D4.8)")
		case xml.ProcInst:
			if cur != nil && len(cur.pis) < 8 {
				cur.pis = append(cur.pis, t.Target)
			}
		}
	}
	if root == nil {
		return nil, errors.New("no XML element found")
	}
	return root, nil
}

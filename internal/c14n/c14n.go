// Package c14n is an Exclusive XML Canonicalization 1.0 writer
// (https://www.w3.org/TR/xml-exc-c14n/) specialised to what SAML signature
// verification needs: the canonical form of one element subtree of a parsed
// beevik/etree tree, in the context of its ancestors' namespace declarations,
// minus one enveloped child (the ds:Signature), with or without comments, with
// an optional InclusiveNamespaces PrefixList.
//
// Unlike goxmldsig's general path it neither copies nor mutates the tree: it
// writes the canonical bytes straight from the elements. Its output is held to
// goxmldsig's canonicalizer (and to xmlsec1 where installed) by differential
// tests on every test and fuzz input.
//
// Only element, attribute, text (CharData, CDATA included), comment and
// processing-instruction nodes are written; directives are an error (a SAML
// verifier rejects them earlier anyway).
package c14n

import (
	"errors"
	"slices"
	"strings"

	"github.com/beevik/etree"
)

// Errors.
var (
	// ErrUndeclaredPrefix: an element or attribute uses a prefix that no
	// ancestor declares.
	ErrUndeclaredPrefix = errors.New("c14n: undeclared namespace prefix")
	// ErrUnsupported: the subtree holds a node kind exclusive c14n cannot
	// render here (a directive).
	ErrUnsupported = errors.New("c14n: unsupported node")
)

const (
	nsXML = "http://www.w3.org/XML/1998/namespace"
)

// Options select the variant.
type Options struct {
	// WithComments keeps comments (xml-exc-c14n#WithComments).
	WithComments bool
	// InclusivePrefixes is the InclusiveNamespaces PrefixList, already split;
	// "#default" names the default namespace.
	InclusivePrefixes []string
	// Skip, when not nil, is a child element of the canonicalized element that
	// is left out with its subtree (the enveloped-signature transform).
	Skip *etree.Element
}

// binding is one namespace declaration in scope.
type binding struct{ prefix, uri string }

// writer holds the state of one canonicalization.
type writer struct {
	b        []byte
	opts     Options
	incl     map[string]bool
	scope    []binding // in-scope declarations, innermost last
	rendered []binding // declarations rendered in the output, innermost last
	marks    []int     // rendered length at each open element
}

// Canonicalize returns the exclusive canonical form of el. buf, if not nil,
// is reused for the output.
func Canonicalize(el *etree.Element, opts Options, buf []byte) ([]byte, error) {
	w := &writer{b: buf[:0], opts: opts}
	if len(opts.InclusivePrefixes) > 0 {
		w.incl = make(map[string]bool, len(opts.InclusivePrefixes))
		for _, p := range opts.InclusivePrefixes {
			if p == "#default" {
				p = ""
			}
			w.incl[p] = true
		}
	}
	// Namespace context from the ancestors, outermost first.
	var anc []*etree.Element
	for p := el.Parent(); p != nil; p = p.Parent() {
		anc = append(anc, p)
	}
	for i := len(anc) - 1; i >= 0; i-- {
		w.declare(anc[i])
	}
	if err := w.element(el); err != nil {
		return nil, err
	}
	return w.b, nil
}

// declare pushes the namespace declarations of el onto the scope.
func (w *writer) declare(el *etree.Element) {
	for _, a := range el.Attr {
		switch {
		case a.Space == "xmlns":
			w.scope = append(w.scope, binding{a.Key, a.Value})
		case a.Space == "" && a.Key == "xmlns":
			w.scope = append(w.scope, binding{"", a.Value})
		}
	}
}

func lookup(bs []binding, prefix string) (string, bool) {
	for i := len(bs) - 1; i >= 0; i-- {
		if bs[i].prefix == prefix {
			return bs[i].uri, true
		}
	}
	return "", false
}

type attr struct {
	uri, local string
	a          *etree.Attr
}

func (w *writer) element(el *etree.Element) error {
	scopeMark := len(w.scope)
	w.declare(el)
	renderedMark := len(w.rendered)

	// Visibly utilized prefixes: the element's own and those of its
	// attributes (xml: excepted), plus the inclusive prefix list.
	used := make([]string, 0, 4)
	used = append(used, el.Space)
	var attrs []attr
	for i := range el.Attr {
		a := &el.Attr[i]
		if a.Space == "xmlns" || a.Space == "" && a.Key == "xmlns" {
			continue
		}
		at := attr{local: a.Key, a: a}
		switch a.Space {
		case "":
		case "xml":
			at.uri = nsXML
		default:
			uri, ok := lookup(w.scope, a.Space)
			if !ok || uri == "" {
				return ErrUndeclaredPrefix
			}
			at.uri = uri
			if !slices.Contains(used, a.Space) {
				used = append(used, a.Space)
			}
		}
		attrs = append(attrs, at)
	}
	for p := range w.incl {
		if !slices.Contains(used, p) {
			if _, ok := lookup(w.scope, p); ok {
				used = append(used, p)
			}
		}
	}
	// Namespace declarations to render: those whose in-scope value differs
	// from the nearest rendered one.
	var decls []binding
	for _, p := range used {
		uri, ok := lookup(w.scope, p)
		if !ok {
			if p != "" {
				return ErrUndeclaredPrefix
			}
			uri = "" // no default namespace in scope
		}
		if p != "" && uri == "" {
			return ErrUndeclaredPrefix
		}
		prev, had := lookup(w.rendered, p)
		if p == "" && !had {
			// An empty default namespace needs no declaration unless a
			// non-empty one was rendered above.
			prev, had = "", true
		}
		if had && prev == uri {
			continue
		}
		decls = append(decls, binding{p, uri})
	}
	slices.SortFunc(decls, func(a, b binding) int { return strings.Compare(a.prefix, b.prefix) })
	slices.SortFunc(attrs, func(a, b attr) int {
		if c := strings.Compare(a.uri, b.uri); c != 0 {
			return c
		}
		return strings.Compare(a.local, b.local)
	})

	w.b = append(w.b, '<')
	w.name(el.Space, el.Tag)
	for _, d := range decls {
		if d.prefix == "" {
			w.b = append(w.b, ` xmlns="`...)
		} else {
			w.b = append(w.b, ` xmlns:`...)
			w.b = append(w.b, d.prefix...)
			w.b = append(w.b, `="`...)
		}
		w.attrValue(d.uri)
		w.b = append(w.b, '"')
		w.rendered = append(w.rendered, d)
	}
	for _, at := range attrs {
		w.b = append(w.b, ' ')
		w.name(at.a.Space, at.a.Key)
		w.b = append(w.b, `="`...)
		w.attrValue(at.a.Value)
		w.b = append(w.b, '"')
	}
	w.b = append(w.b, '>')

	for _, t := range el.Child {
		switch t := t.(type) {
		case *etree.Element:
			if t == w.opts.Skip && t.Parent() == el {
				continue
			}
			if err := w.element(t); err != nil {
				return err
			}
		case *etree.CharData:
			w.text(t.Data)
		case *etree.Comment:
			if w.opts.WithComments {
				w.b = append(w.b, "<!--"...)
				w.b = append(w.b, t.Data...)
				w.b = append(w.b, "-->"...)
			}
		case *etree.ProcInst:
			w.b = append(w.b, "<?"...)
			w.b = append(w.b, t.Target...)
			if t.Inst != "" {
				w.b = append(w.b, ' ')
				w.b = append(w.b, t.Inst...)
			}
			w.b = append(w.b, "?>"...)
		default:
			return ErrUnsupported
		}
	}
	w.b = append(w.b, "</"...)
	w.name(el.Space, el.Tag)
	w.b = append(w.b, '>')
	w.scope = w.scope[:scopeMark]
	w.rendered = w.rendered[:renderedMark]
	return nil
}

func (w *writer) name(space, local string) {
	if space != "" {
		w.b = append(w.b, space...)
		w.b = append(w.b, ':')
	}
	w.b = append(w.b, local...)
}

// attrValue escapes an attribute value (C14N 1.0 §2.3).
func (w *writer) attrValue(s string) { w.b = AppendAttrValue(w.b, s) }

// AppendAttrValue appends s escaped as canonical XML writes an attribute
// value (C14N 1.0 §2.3: &, <, " and the whitespace characters TAB, LF, CR as
// character references). The minter uses it to emit canonical bytes directly.
func AppendAttrValue(dst []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '"':
			esc = "&quot;"
		case '\t':
			esc = "&#x9;"
		case '\n':
			esc = "&#xA;"
		case '\r':
			esc = "&#xD;"
		default:
			continue
		}
		dst = append(dst, s[last:i]...)
		dst = append(dst, esc...)
		last = i + 1
	}
	return append(dst, s[last:]...)
}

// text escapes character data (C14N 1.0 §2.3).
func (w *writer) text(s string) { w.b = AppendText(w.b, s) }

// AppendText appends s escaped as canonical XML writes a text node (C14N 1.0
// §2.3: &, <, > and CR as references).
func AppendText(dst []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\r':
			esc = "&#xD;"
		default:
			continue
		}
		dst = append(dst, s[last:i]...)
		dst = append(dst, esc...)
		last = i + 1
	}
	return append(dst, s[last:]...)
}

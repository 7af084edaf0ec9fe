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
	// ErrTooLarge: the canonical form would exceed Options.MaxBytes.
	ErrTooLarge = errors.New("c14n: canonical form exceeds its budget")
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
	// MaxBytes, when positive, bounds the canonical form: exclusive c14n
	// re-renders a namespace declaration on every element that uses it below
	// an element that does not, so the output of a hostile tree can grow
	// with (elements x namespace URI length). Canonicalize stops with
	// ErrTooLarge as soon as the output exceeds MaxBytes.
	MaxBytes int
	// Work, when not nil, is incremented by the units of work done (tests
	// pin that canonicalization is linear in the size of the tree).
	Work *int
	// Extra are elements canonicalized as if they were further children of
	// el, after its own, in el's namespace context (their own ancestors are
	// not looked at; Skip applies to el's children only). saml's decryption
	// digests a decoy Assertion grown by such elements in one call, as it
	// digests a decrypted Assertion of that size.
	Extra []*etree.Element
}

// binding is one namespace declaration.
type binding struct{ prefix, uri string }

// undo restores one entry of a namespace map when an element closes.
type undo struct {
	rendered bool // which map: rendered or scope
	had      bool
	prefix   string
	old      string
}

// writer holds the state of one canonicalization. Every lookup is a map
// access, and an element costs time in its own attributes and declarations
// only (the PrefixList is looked at once, at the apex, and then only for
// the prefixes an element declares): the whole canonicalization is linear
// in the size of the tree plus the output.
type writer struct {
	b        []byte
	opts     Options
	incl     map[string]bool
	scope    map[string]string // in-scope declarations
	rendered map[string]string // declarations in effect in the output
	log      []undo
	used     []string
	decls    []binding
	attrs    []attr
	anc      []*etree.Element
	work     int // units of work, for the tests that pin linearity
}

// Canonicalize returns the exclusive canonical form of el. buf, if not nil,
// is reused for the output.
func Canonicalize(el *etree.Element, opts Options, buf []byte) ([]byte, error) {
	out, work, err := canonicalize(el, opts, buf)
	if opts.Work != nil {
		*opts.Work += work
	}
	return out, err
}

func canonicalize(el *etree.Element, opts Options, buf []byte) ([]byte, int, error) {
	w := &writer{b: buf[:0], opts: opts, scope: make(map[string]string, 8), rendered: make(map[string]string, 8)}
	if len(opts.InclusivePrefixes) > 0 {
		w.incl = make(map[string]bool, len(opts.InclusivePrefixes))
		for _, p := range opts.InclusivePrefixes {
			if p == "#default" {
				p = ""
			}
			w.incl[p] = true
			w.work++
		}
	}
	w.context(el)
	w.log = w.log[:0]
	err := w.element(el, true)
	w.work += len(w.b)
	if err != nil {
		return nil, w.work, err
	}
	return w.b, w.work, nil
}

// context puts the namespace declarations of el's ancestors in scope,
// outermost first.
func (w *writer) context(el *etree.Element) {
	anc := w.anc[:0]
	for p := el.Parent(); p != nil; p = p.Parent() {
		anc = append(anc, p)
	}
	w.anc = anc
	for i := len(anc) - 1; i >= 0; i-- {
		for _, a := range anc[i].Attr {
			w.work++
			if p, ok := declared(&a); ok {
				w.scope[p] = a.Value
			}
		}
	}
}

// declared returns the prefix a namespace declaration attribute declares.
func declared(a *etree.Attr) (string, bool) {
	switch {
	case a.Space == "xmlns":
		return a.Key, true
	case a.Space == "" && a.Key == "xmlns":
		return "", true
	}
	return "", false
}

func (w *writer) set(rendered bool, prefix, uri string) {
	m := w.scope
	if rendered {
		m = w.rendered
	}
	old, had := m[prefix]
	w.log = append(w.log, undo{rendered: rendered, had: had, prefix: prefix, old: old})
	m[prefix] = uri
}

func (w *writer) restore(mark int) {
	for i := len(w.log) - 1; i >= mark; i-- {
		u := w.log[i]
		m := w.scope
		if u.rendered {
			m = w.rendered
		}
		if u.had {
			m[u.prefix] = u.old
		} else {
			delete(m, u.prefix)
		}
	}
	w.log = w.log[:mark]
}

type attr struct {
	uri, local string
	a          *etree.Attr
}

func (w *writer) element(el *etree.Element, apex bool) error {
	mark := len(w.log)
	// Visibly utilized prefixes: the element's own and those of its
	// attributes (xml: excepted), plus the inclusive prefixes: all those in
	// scope at the apex, and below it those this element redeclares (an
	// inclusive prefix it does not redeclare has the value its output parent
	// rendered).
	used := append(w.used[:0], el.Space)
	for i := range el.Attr {
		a := &el.Attr[i]
		w.work++
		if p, ok := declared(a); ok {
			w.set(false, p, a.Value)
			if !apex && w.incl[p] {
				used = append(used, p)
			}
		}
	}
	if apex {
		for p := range w.incl {
			w.work++
			if _, ok := w.scope[p]; ok {
				used = append(used, p)
			}
		}
	}
	attrs := w.attrs[:0]
	for i := range el.Attr {
		a := &el.Attr[i]
		if _, ok := declared(a); ok {
			continue
		}
		at := attr{local: a.Key, a: a}
		switch a.Space {
		case "":
		case "xml":
			at.uri = nsXML
		default:
			uri := w.scope[a.Space]
			if uri == "" {
				return ErrUndeclaredPrefix
			}
			at.uri = uri
			used = append(used, a.Space)
		}
		attrs = append(attrs, at)
	}
	if len(used) > 1 {
		slices.Sort(used)
		used = slices.Compact(used)
	}
	w.work += len(used)
	// Namespace declarations to render: those whose in-scope value differs
	// from the one in effect in the output (sorted by prefix, as used is).
	decls := w.decls[:0]
	for _, p := range used {
		uri, ok := w.scope[p]
		if !ok && p != "" {
			return ErrUndeclaredPrefix
		}
		if p != "" && uri == "" {
			return ErrUndeclaredPrefix
		}
		prev, had := w.rendered[p]
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
	if len(attrs) > 1 {
		slices.SortFunc(attrs, func(a, b attr) int {
			if c := strings.Compare(a.uri, b.uri); c != 0 {
				return c
			}
			return strings.Compare(a.local, b.local)
		})
	}

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
		w.set(true, d.prefix, d.uri)
	}
	for _, at := range attrs {
		w.b = append(w.b, ' ')
		w.name(at.a.Space, at.a.Key)
		w.b = append(w.b, `="`...)
		w.attrValue(at.a.Value)
		w.b = append(w.b, '"')
	}
	w.b = append(w.b, '>')
	if w.opts.MaxBytes > 0 && len(w.b) > w.opts.MaxBytes {
		return ErrTooLarge
	}
	// The scratch slices are free again for the children.
	w.used, w.decls, w.attrs = used, decls, attrs

	for _, t := range el.Child {
		w.work++
		switch t := t.(type) {
		case *etree.Element:
			if t == w.opts.Skip && t.Parent() == el {
				continue
			}
			if err := w.element(t, false); err != nil {
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
	if apex {
		for _, x := range w.opts.Extra {
			w.work++
			if err := w.element(x, false); err != nil {
				return err
			}
		}
	}
	w.b = append(w.b, "</"...)
	w.name(el.Space, el.Tag)
	w.b = append(w.b, '>')
	if w.opts.MaxBytes > 0 && len(w.b) > w.opts.MaxBytes {
		return ErrTooLarge
	}
	w.restore(mark)
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

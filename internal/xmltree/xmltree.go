// Package xmltree builds a beevik/etree tree from internal/xmlread, the
// project's one strict XML reader, in one pass: the reader enforces the
// budgets, the DTD ban and well-formedness (namespaces included); this
// package only links the nodes. saml's verifier and metadata's signature
// check both work on trees built here, and internal/c14n canonicalizes them.
//
// The cost is linear in the input: attributes are appended (the reader has
// already refused a repeated name), nodes come from slabs, and names,
// values and text that need no decoding are substrings of one copy of the
// document. Attributes built here carry no pointer back to their element,
// so etree's Attr.NamespaceURI cannot be used on them: resolve a prefix
// with AttrNS.
package xmltree

import (
	"bytes"

	"github.com/beevik/etree"

	"github.com/samlaws/samlaws/internal/xmlread"
)

// Start is called for every start tag once its element is built and linked
// to its parent: el, its namespace URI and its parent (nil for the root)
// with the parent's namespace URI. A non-nil error stops the build and is
// returned as is.
type Start func(el *etree.Element, space string, parent *etree.Element, parentSpace string) error

// Build parses data (UTF-8, BOM already removed) into a document. It
// returns the units of work the reader counted (tests pin them linear),
// also on failure; err is the reader's *xmlread.Error or what start
// returned.
func Build(data []byte, lim xmlread.Limits, opt xmlread.Options, start Start) (doc *etree.Document, work int, err error) {
	return new(Slabs).Build(data, "", lim, opt, start)
}

// Slabs are the slabs a build takes its tree nodes from, kept so that a
// later build goes on taking nodes where an earlier one left off. saml's
// decryption tops up a parse that stopped early with a parse of decoy text
// on the same slabs, so that the memory the two parses allocate does not
// depend on where the first one stopped. The zero value is ready: the first
// build sizes the slabs from its input. Not safe for concurrent use.
type Slabs struct {
	ar    arena
	sized bool
}

// MarkupCount returns the number of '<' and of '=' in data: each element
// has at least one '<' and each attribute one '='.
func MarkupCount(data []byte) (lt, eq int) {
	return bytes.Count(data, []byte("<")), bytes.Count(data, []byte("="))
}

// Reserve sizes the slabs for lt '<' and eq '=' of input (MarkupCount; the
// slabs grow when the guess is short). Sized for two texts together, they
// do not outgrow builds that each read a part of one of them. A first
// build on slabs not sized yet sizes them for its own input.
func (s *Slabs) Reserve(lt, eq int) {
	s.ar = arena{
		els: make([]etree.Element, 0, lt/2+1),
		ats: make([]etree.Attr, 0, eq+1),
		cds: make([]etree.CharData, 0, lt/2+1),
		n:   32,
	}
	s.sized = true
}

// Build is Build on the slabs s. src, when not empty, must be string(data):
// names, values and text are then substrings of src, and data is not copied
// (a caller that parses the same constant text again passes it).
func (s *Slabs) Build(data []byte, src string, lim xmlread.Limits, opt xmlread.Options, start Start) (doc *etree.Document, work int, err error) {
	t := xmlread.NewTokenizer(data, nil, lim, opt)
	doc = etree.NewDocument()
	if len(src) != len(data) {
		src = string(data)
	}
	str := func(b []byte) string {
		if off, ok := t.RawOffset(b); ok {
			return src[off : off+int64(len(b))]
		}
		return string(b)
	}
	if !s.sized {
		s.Reserve(MarkupCount(data))
	}
	ar := &s.ar
	type open struct {
		el    *etree.Element
		space string
	}
	stack := make([]open, 0, 16)
	cur := &doc.Element
	for {
		k, err := t.Next()
		if err != nil {
			return nil, t.Work(), err
		}
		switch k {
		case xmlread.EOF:
			return doc, t.Work(), nil
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
				// repeated name (CreateAttr's search for one made an element
				// of n attributes cost n²/2 comparisons).
				if a.Prefix != nil {
					el.Attr = append(el.Attr, etree.Attr{Space: str(a.Prefix), Key: str(a.Local), Value: str(a.Value)})
				} else {
					el.Attr = append(el.Attr, etree.Attr{Key: str(a.Local), Value: str(a.Value)})
				}
			}
			if start != nil {
				var parent *etree.Element
				parentSpace := ""
				if n := len(stack); n > 0 {
					parent, parentSpace = stack[n-1].el, stack[n-1].space
				}
				if err := start(el, t.Space, parent, parentSpace); err != nil {
					return nil, t.Work(), err
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
				if cap(cur.Child) == 0 {
					cur.Child = ar.tokens()
				}
				cur.AddChild(cm)
			}
		}
	}
}

// AttrNS returns the namespace URI bound to prefix at el (the namespace of
// an attribute of el written with that prefix), or "".
func AttrNS(el *etree.Element, prefix string) string {
	for e := el; e != nil; e = e.Parent() {
		for _, a := range e.Attr {
			if a.Space == "xmlns" && a.Key == prefix {
				return a.Value
			}
		}
	}
	return ""
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

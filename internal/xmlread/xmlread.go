// Package xmlread is samlaws' one strict XML reader: a tokenizer with
// namespace resolution and budgets, on which package saml builds its tree
// ([Parse]) and package metadata its streaming walk ([Tokenizer]). Every XML
// rule of the project lives here, once.
//
// It reads a subset of XML 1.0 (Fifth Edition) with Namespaces, and nothing
// outside XML 1.0: what libxml2 (xmlsec1), Xerces or encoding/xml reject, it
// rejects; what it accepts, encoding/xml reads the same way (the tests hold
// it to both). On top of the grammar it refuses, by design:
//
//   - any DTD or markup declaration (<!DOCTYPE, <!ENTITY, ...) and any entity
//     reference but the five predefined ones and character references (no
//     XXE, no entity expansion);
//   - names outside ASCII: element, attribute and processing-instruction
//     names are ASCII NCNames (NameStartChar [A-Za-z_], then also [0-9.-];
//     one colon separates a prefix). Every such name is an XML 1.0 Name; no
//     SAML or metadata producer uses others, and encoding/xml's name tables
//     (XML 1.0 Second Edition) differ from the Fifth Edition's outside ASCII;
//   - an XML declaration that is not exactly the grammar's (version 1.0;
//     encoding, if given, UTF-8; standalone yes or no; in this order; at the
//     very first byte), and any other processing instruction named xml;
//   - xmlns:p="" (an XML 1.1 undeclaration), and the reserved prefixes and
//     namespace names used otherwise than the Namespaces recommendation says.
//
// Options add the stricter rules of the SAML verifier (no processing
// instructions, no literal white space characters other than the space in
// attribute values, no empty CDATA sections).
//
// Cost: the tokenizer is a single forward pass; every namespace lookup is a
// map access; a start tag costs time linear in its size plus the square of
// its attribute count (bounded by Limits.MaxAttrs). The work counter
// ([Tokenizer.Work]) lets tests pin that a whole parse is linear.
package xmlread

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// Limits are the budgets of one document. Zero or negative fields are
// invalid for [NewTokenizer] (callers fill in their defaults).
type Limits struct {
	MaxBytes  int64 // input size
	MaxDepth  int   // element nesting (the root is depth 1)
	MaxTokens int   // tokens: start and end tags, text runs, comments, PIs
	MaxAttrs  int   // attributes (namespace declarations included) on one element
}

// Options are rules stricter than XML's, per caller.
type Options struct {
	// NoProcInst refuses processing instructions (the XML declaration
	// excepted).
	NoProcInst bool
	// NoAttrWhitespace refuses a literal tab, line feed or carriage return in
	// an attribute value: XML turns each into a space, encoding/xml (and so
	// goxmldsig) keeps it, so one signature would mean two documents.
	NoAttrWhitespace bool
	// NoEmptyCDATA refuses <![CDATA[]]> (encoding/xml does not round-trip it).
	NoEmptyCDATA bool
}

// Error categories, for errors.Is on an [*Error].
var (
	ErrMalformed     = errors.New("xmlread: not well-formed XML")
	ErrForbidden     = errors.New("xmlread: forbidden XML construct") // DTD, entity, PI, reserved namespace misuse
	ErrTooLarge      = errors.New("xmlread: document too large")
	ErrTooDeep       = errors.New("xmlread: elements nested too deeply")
	ErrTooManyTokens = errors.New("xmlread: too many XML tokens")
	ErrTooManyAttrs  = errors.New("xmlread: too many attributes on one element")
)

// ErrDTD is the detail of a refused DTD or entity declaration; errors.Is
// matches it as well as ErrForbidden.
var ErrDTD = errors.New("xmlread: DTD or entity declaration")

// Error is the typed error of the package. Its text never quotes document
// content.
type Error struct {
	Kind   error  // one of the Err* categories
	DTD    bool   // a DTD or markup declaration
	Offset int64  // byte offset where the problem was found
	Detail string // content-free description
	// Name is, for an undeclared namespace prefix, the qualified name that
	// uses it (as written; callers quote it with care).
	Name string
	// Attr tells that Name is an attribute's.
	Attr bool
}

func (e *Error) Error() string {
	return fmt.Sprintf("%v: %s (at byte %d)", e.Kind, e.Detail, e.Offset)
}

// Unwrap returns the category (and ErrDTD for a DTD).
func (e *Error) Unwrap() []error {
	if e.DTD {
		return []error{e.Kind, ErrDTD}
	}
	return []error{e.Kind}
}

var bom = []byte{0xEF, 0xBB, 0xBF}

// HasBOM reports whether data starts with a UTF-8 byte order mark.
func HasBOM(data []byte) bool { return bytes.HasPrefix(data, bom) }

// TrimBOM returns data without a leading UTF-8 byte order mark (C1.3). It
// does not copy.
func TrimBOM(data []byte) []byte { return bytes.TrimPrefix(data, bom) }

// Kind is the kind of a token.
type Kind uint8

// Token kinds.
const (
	None Kind = iota
	StartElement
	EndElement
	Text // character data, CDATA sections included (Tokenizer.CDATA tells)
	Comment
	ProcInst
	EOF
)

// Attr is one attribute of a start tag. For a namespace declaration
// (xmlns="..." or xmlns:p="...") Space is "xmlns" and Prefix/Local are as
// written; otherwise Space is the namespace URI of its prefix ("" without
// one, as in encoding/xml).
type Attr struct {
	Prefix, Local []byte
	Space         string
	Value         []byte
	voff          [2]int
}

// NSDecl reports whether a is a namespace declaration, and the prefix it
// declares ("" for the default namespace).
func (a *Attr) NSDecl() (prefix []byte, ok bool) {
	if a.Prefix == nil {
		return nil, string(a.Local) == "xmlns"
	}
	if string(a.Prefix) == "xmlns" {
		return a.Local, true
	}
	return nil, false
}

const (
	// NSXML is the namespace of the xml prefix.
	NSXML = "http://www.w3.org/XML/1998/namespace"
	// NSXMLNS is the namespace of the xmlns prefix (never declarable).
	NSXMLNS = "http://www.w3.org/2000/xmlns/"
)

type nsUndo struct {
	prefix, old string
	had         bool
}

// Tokenizer reads one document. Token data (names, values, text) refers to
// internal buffers and stays valid until the next call to Next.
type Tokenizer struct {
	r   io.Reader // nil when the whole input is in buf
	buf []byte
	pos int   // next unread byte in buf
	off int64 // input offset of buf[0]
	eof bool

	lim    Limits
	opt    Options
	tokens int
	roots  int
	work   int

	// current token
	kind           Kind
	Space          string // start/end tag: namespace URI
	Prefix, Local  []byte // start/end tag: the name as written
	Attrs          []Attr // start tag
	text           []byte // text, comment or PI body
	piTarget       []byte
	cdata, selfEnd bool
	decl           bool // the document has an XML declaration

	scratch  []byte
	names    []byte // arena of open element qnames
	nameEnds []int
	spaces   []string // namespace URI of each open element
	ns       map[string]string
	nsLog    []nsUndo
	nsMarks  []int

	// Initial storage of the stacks above and of Attrs, in the Tokenizer
	// itself: a document up to 16 levels deep with up to 8 attributes on
	// an element allocates nothing for them as it is read (so that what a
	// read allocates does not grow with how far it got into an ordinary
	// document; saml's decryption relies on that, issue 19).
	namesArr    [256]byte
	nameEndsArr [16]int
	spacesArr   [16]string
	nsLogArr    [16]nsUndo
	nsMarksArr  [16]int
	attrsArr    [8]Attr
}

var errNeedMore = errors.New("need more input")

// NewTokenizer returns a tokenizer over data (the whole document, BOM
// removed) or, when r is not nil, over r read in chunks.
func NewTokenizer(data []byte, r io.Reader, lim Limits, opt Options) *Tokenizer {
	t := &Tokenizer{buf: data, r: r, lim: lim, opt: opt, eof: r == nil, ns: make(map[string]string, 8)}
	t.names, t.nameEnds, t.spaces = t.namesArr[:0], t.nameEndsArr[:0], t.spacesArr[:0]
	t.nsLog, t.nsMarks, t.Attrs = t.nsLogArr[:0], t.nsMarksArr[:0], t.attrsArr[:0]
	if r != nil && t.buf == nil {
		t.buf = make([]byte, 0, 64<<10)
	}
	return t
}

// Check reads the whole of data (BOM removed) and returns nil when it is
// one well-formed element within lim under this package's rules, else an
// [*Error].
func Check(data []byte, lim Limits, opt Options) error {
	t := NewTokenizer(data, nil, lim, opt)
	for {
		k, err := t.Next()
		if err != nil || k == EOF {
			return err
		}
	}
}

// Work returns the units of work done so far (bytes scanned, attribute
// comparisons, namespace operations), for tests that pin linearity.
func (t *Tokenizer) Work() int { return t.work + t.pos }

// Offset returns the input offset of the next unread byte.
func (t *Tokenizer) Offset() int64 { return t.off + int64(t.pos) }

// Depth returns the number of open elements (after a start tag, including it).
func (t *Tokenizer) Depth() int { return len(t.nameEnds) }

// RawOffset returns the input offset of b when b is a slice of the input
// itself (a name, or a value or text that needed no decoding), so that a
// caller holding the input as one string can take substrings of it instead
// of copying. It reports false for decoded data.
func (t *Tokenizer) RawOffset(b []byte) (int64, bool) {
	if len(b) == 0 || cap(b) > cap(t.buf) {
		return 0, false
	}
	full := t.buf[:cap(t.buf)]
	i := cap(full) - cap(b)
	if &full[i] != &b[0] {
		return 0, false
	}
	return t.off + int64(i), true
}

// Text returns the decoded character data, comment or PI body.
func (t *Tokenizer) Text() []byte { return t.text }

// CDATA reports whether the current Text token was a CDATA section.
func (t *Tokenizer) CDATA() bool { return t.cdata }

// PITarget returns the target of the current ProcInst token.
func (t *Tokenizer) PITarget() []byte { return t.piTarget }

// SelfClosing reports whether the current start tag was written <x/>.
func (t *Tokenizer) SelfClosing() bool { return t.selfEnd }

// XMLDecl reports whether the document began with an XML declaration.
func (t *Tokenizer) XMLDecl() bool { return t.decl }

// LookupNS returns the namespace URI bound to prefix in the current scope
// ("" prefix: the default namespace, "" when none).
func (t *Tokenizer) LookupNS(prefix []byte) (string, bool) {
	if string(prefix) == "xml" {
		return NSXML, true
	}
	uri, ok := t.ns[string(prefix)]
	if len(prefix) == 0 {
		return uri, true
	}
	return uri, ok && uri != ""
}

func (t *Tokenizer) fail(kind error, detail string) error {
	return &Error{Kind: kind, Offset: t.Offset(), Detail: detail}
}

func (t *Tokenizer) malformed(detail string) error { return t.fail(ErrMalformed, detail) }

func (t *Tokenizer) dtd() error {
	return &Error{Kind: ErrForbidden, DTD: true, Offset: t.Offset(), Detail: "DTD or markup declaration"}
}

// more reads more input, keeping buf[keep:]; it returns false at EOF.
func (t *Tokenizer) more(keep int) error {
	if keep > 0 {
		n := copy(t.buf, t.buf[keep:])
		t.buf = t.buf[:n]
		t.off += int64(keep)
		t.pos -= keep
	}
	if len(t.buf) == cap(t.buf) {
		if int64(cap(t.buf)) > t.lim.MaxBytes {
			return t.fail(ErrTooLarge, fmt.Sprintf("token larger than %d bytes", t.lim.MaxBytes))
		}
		nb := make([]byte, len(t.buf), 2*cap(t.buf))
		copy(nb, t.buf)
		t.buf = nb
	}
	// Fill the buffer completely, so that a token spanning many reads is
	// rescanned only O(log size) times (the buffer doubles when full).
	n, err := io.ReadFull(t.r, t.buf[len(t.buf):cap(t.buf)])
	t.work += n
	if err == io.ErrUnexpectedEOF {
		err = io.EOF
	}
	t.buf = t.buf[:len(t.buf)+n]
	if t.off+int64(len(t.buf)) > t.lim.MaxBytes {
		return t.fail(ErrTooLarge, fmt.Sprintf("document larger than %d bytes", t.lim.MaxBytes))
	}
	if err == io.EOF {
		t.eof = true
	} else if err != nil {
		return fmt.Errorf("xmlread: reading input: %w", err)
	}
	return nil
}

// Next advances to the next token.
func (t *Tokenizer) Next() (Kind, error) {
	if t.selfEnd {
		t.selfEnd = false
		t.tokens++
		return t.emitEnd()
	}
	if t.kind == None && t.off == 0 && t.pos == 0 {
		if int64(len(t.buf)) > t.lim.MaxBytes {
			return None, t.fail(ErrTooLarge, fmt.Sprintf("document larger than %d bytes", t.lim.MaxBytes))
		}
	}
	for {
		start := t.pos
		k, err := t.scan()
		if err == errNeedMore || (err == nil && k == None) {
			t.pos = start
			if t.eof {
				if k == None && err == nil && t.pos == len(t.buf) {
					return t.atEOF()
				}
				return None, t.malformed("unexpected end of input")
			}
			if merr := t.more(start); merr != nil {
				return None, merr
			}
			continue
		}
		if err != nil {
			return None, err
		}
		t.tokens++
		if t.tokens > t.lim.MaxTokens {
			return None, t.fail(ErrTooManyTokens, fmt.Sprintf("more than %d tokens", t.lim.MaxTokens))
		}
		if t.Offset() > t.lim.MaxBytes {
			return None, t.fail(ErrTooLarge, fmt.Sprintf("document larger than %d bytes", t.lim.MaxBytes))
		}
		if k == EndElement {
			return t.emitEnd()
		}
		t.kind = k
		return k, nil
	}
}

func (t *Tokenizer) atEOF() (Kind, error) {
	if len(t.nameEnds) > 0 {
		return None, t.malformed("unexpected end of input inside an element")
	}
	if t.roots == 0 {
		return None, t.malformed("no root element")
	}
	t.kind = EOF
	return EOF, nil
}

// emitEnd pops the element stack and its namespace declarations.
func (t *Tokenizer) emitEnd() (Kind, error) {
	depth := len(t.nameEnds)
	from := 0
	if depth > 1 {
		from = t.nameEnds[depth-2]
	}
	// The end token names the element it closes (valid until the next call).
	t.Prefix, t.Local = splitQName(t.names[from:t.nameEnds[depth-1]])
	t.Space = t.spaces[depth-1]
	mark := t.nsMarks[depth-1]
	for i := len(t.nsLog) - 1; i >= mark; i-- {
		u := t.nsLog[i]
		if u.had {
			t.ns[u.prefix] = u.old
		} else {
			delete(t.ns, u.prefix)
		}
		t.work++
	}
	t.nsLog = t.nsLog[:mark]
	t.nsMarks = t.nsMarks[:depth-1]
	t.spaces = t.spaces[:depth-1]
	t.nameEnds = t.nameEnds[:depth-1]
	t.names = t.names[:from]
	t.kind = EndElement
	return EndElement, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// isNameStart and isNameByte are the ASCII part of XML 1.0's NameStartChar
// and NameChar (the colon handled apart, as the Namespaces recommendation's
// NCName does).
func isNameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

func isNameByte(c byte) bool {
	return isNameStart(c) || c >= '0' && c <= '9' || c == '-' || c == '.'
}

// scan scans one token starting at t.pos. It returns errNeedMore when the
// buffer ends inside the token, None at a clean end of buffer.
func (t *Tokenizer) scan() (Kind, error) {
	b := t.buf
	if t.pos >= len(b) {
		return None, nil
	}
	if b[t.pos] != '<' {
		return t.scanText()
	}
	if t.pos+1 >= len(b) {
		return None, errNeedMore
	}
	switch c := b[t.pos+1]; {
	case c == '/':
		return t.scanEndTag()
	case c == '?':
		return t.scanPI()
	case c == '!':
		if t.pos+4 > len(b) {
			return None, errNeedMore
		}
		if bytes.HasPrefix(b[t.pos:], []byte("<!--")) {
			return t.scanComment()
		}
		if t.pos+9 > len(b) && bytes.HasPrefix([]byte("<![CDATA["), b[t.pos:]) {
			return None, errNeedMore
		}
		if bytes.HasPrefix(b[t.pos:], []byte("<![CDATA[")) {
			if len(t.nameEnds) == 0 {
				return None, t.malformed("CDATA outside the root element")
			}
			return t.scanCDATA()
		}
		return None, t.dtd()
	default:
		return t.scanStartTag()
	}
}

// scanQName reads a qualified name at i (an NCName, or two joined by one
// colon); it returns the end index.
func (t *Tokenizer) scanQName(i int) (int, error) {
	b := t.buf
	if i >= len(b) {
		return 0, errNeedMore
	}
	if !isNameStart(b[i]) {
		if b[i] >= utf8.RuneSelf {
			return 0, t.malformed("name outside ASCII")
		}
		return 0, t.malformed("invalid name")
	}
	start, colon := i, -1
	for ; i < len(b); i++ {
		c := b[i]
		if isNameByte(c) {
			continue
		}
		if c == ':' && colon < 0 {
			if i+1 >= len(b) {
				return 0, errNeedMore
			}
			if isNameStart(b[i+1]) {
				colon = i
				continue
			}
		}
		break
	}
	if i >= len(b) {
		return 0, errNeedMore
	}
	switch c := b[i]; {
	case c >= utf8.RuneSelf:
		return 0, t.malformed("name outside ASCII")
	case c == ':':
		return 0, t.malformed("invalid qualified name")
	}
	_ = start
	return i, nil
}

// isDecl reports whether a (resolved) is a namespace declaration.
func isDecl(a *Attr) bool {
	return a.Space == "xmlns" && (a.Prefix == nil || string(a.Prefix) == "xmlns")
}

// hasLiteralBreak reports whether b holds a tab, line feed or carriage return.
func hasLiteralBreak(b []byte) bool {
	for _, c := range b {
		if c < 0x20 && (c == '\t' || c == '\n' || c == '\r') {
			return true
		}
	}
	return false
}

func splitQName(q []byte) (prefix, local []byte) {
	if i := bytes.IndexByte(q, ':'); i >= 0 {
		return q[:i], q[i+1:]
	}
	return nil, q
}

func (t *Tokenizer) declare(prefix string, uri string) {
	old, had := t.ns[prefix]
	t.nsLog = append(t.nsLog, nsUndo{prefix: prefix, old: old, had: had})
	t.ns[prefix] = uri
	t.work++
}

func (t *Tokenizer) scanStartTag() (Kind, error) {
	b := t.buf
	i, err := t.scanQName(t.pos + 1)
	if err != nil {
		return None, err
	}
	qname := b[t.pos+1 : i]
	attrs := t.Attrs[:0]
	t.scratch = t.scratch[:0]
	selfClose := false
	for {
		sp := i
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		if i >= len(b) {
			return None, errNeedMore
		}
		if b[i] == '>' {
			i++
			break
		}
		if b[i] == '/' {
			if i+1 >= len(b) {
				return None, errNeedMore
			}
			if b[i+1] != '>' {
				return None, t.malformed("expected /> in a start tag")
			}
			selfClose = true
			i += 2
			break
		}
		if i == sp {
			return None, t.malformed("attributes not separated by white space")
		}
		ne, err := t.scanQName(i)
		if err != nil {
			return None, err
		}
		var a Attr
		a.Prefix, a.Local = splitQName(b[i:ne])
		i = ne
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		if i >= len(b) {
			return None, errNeedMore
		}
		if b[i] != '=' {
			return None, t.malformed("attribute without a value")
		}
		i++
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		if i >= len(b) {
			return None, errNeedMore
		}
		q := b[i]
		if q != '"' && q != '\'' {
			return None, t.malformed("unquoted attribute value")
		}
		i++
		j := bytes.IndexByte(b[i:], q)
		if j < 0 {
			return None, errNeedMore
		}
		raw := b[i : i+j]
		i += j + 1
		if bytes.IndexByte(raw, '<') >= 0 {
			return None, t.malformed("'<' in an attribute value")
		}
		if t.opt.NoAttrWhitespace && hasLiteralBreak(raw) {
			return None, t.malformed("literal tab or line break in an attribute value")
		}
		val, off, err := t.decode(raw, true)
		if err != nil {
			return None, err
		}
		a.Value, a.voff = val, off
		attrs = append(attrs, a)
		if len(attrs) > t.lim.MaxAttrs {
			return None, t.fail(ErrTooManyAttrs, fmt.Sprintf("more than %d attributes on one element", t.lim.MaxAttrs))
		}
	}
	// The whole tag is in the buffer: commit.
	t.pos = i
	t.Attrs = attrs
	if len(t.nameEnds) == 0 {
		t.roots++
		if t.roots > 1 {
			return None, t.malformed("more than one root element")
		}
	}
	if len(t.nameEnds) >= t.lim.MaxDepth {
		return None, t.fail(ErrTooDeep, fmt.Sprintf("elements nested deeper than %d", t.lim.MaxDepth))
	}
	t.nsMarks = append(t.nsMarks, len(t.nsLog))
	t.names = append(t.names, qname...)
	t.nameEnds = append(t.nameEnds, len(t.names))
	// Values decoded into scratch are re-sliced now that scratch is final.
	for k := range attrs {
		if attrs[k].voff[0] >= 0 {
			attrs[k].Value = t.scratch[attrs[k].voff[0]:attrs[k].voff[1]]
		}
	}
	// Namespace declarations first (Namespaces in XML 1.0, section 3).
	for k := range attrs {
		a := &attrs[k]
		p, ok := a.NSDecl()
		if !ok {
			continue
		}
		a.Space = "xmlns"
		v := string(a.Value)
		switch {
		case p == nil && (v == NSXML || v == NSXMLNS):
			return None, t.fail(ErrForbidden, "reserved namespace bound to the default namespace")
		case p == nil:
			t.declare("", v)
		case len(v) == 0:
			return None, t.fail(ErrForbidden, "empty namespace name for a prefix")
		case string(p) == "xmlns":
			return None, t.fail(ErrForbidden, "declaration of the xmlns prefix")
		case string(p) == "xml" && v != NSXML, string(p) != "xml" && (v == NSXML || v == NSXMLNS):
			return None, t.fail(ErrForbidden, "reserved namespace prefix or name misused")
		default:
			t.declare(string(p), v)
		}
	}
	for k := range attrs {
		a := &attrs[k]
		if a.Prefix == nil || a.Space == "xmlns" {
			continue
		}
		uri, ok := t.LookupNS(a.Prefix)
		if !ok {
			return None, &Error{Kind: ErrForbidden, Offset: t.Offset(), Detail: "undeclared namespace prefix on an attribute",
				Name: string(a.Prefix) + ":" + string(a.Local), Attr: true}
		}
		a.Space = uri
	}
	// No two attributes with the same name, nor (Namespaces in XML, 6.3)
	// the same expanded name: one pass over the resolved names covers both
	// (a namespace declaration is {xmlns}prefix, xmlns="" {xmlns}xmlns).
	for k := 1; k < len(attrs); k++ {
		a := &attrs[k]
		for m := 0; m < k; m++ {
			t.work++
			o := &attrs[m]
			if len(o.Local) == len(a.Local) && o.Space == a.Space && string(o.Local) == string(a.Local) && isDecl(o) == isDecl(a) {
				return None, t.fail(ErrForbidden, "repeated attribute")
			}
		}
	}
	prefix, local := splitQName(qname)
	if string(prefix) == "xmlns" {
		return None, t.fail(ErrForbidden, "element in the xmlns namespace")
	}
	uri, ok := t.LookupNS(prefix)
	if !ok {
		return None, &Error{Kind: ErrForbidden, Offset: t.Offset(), Detail: "undeclared namespace prefix on an element", Name: string(qname)}
	}
	t.spaces = append(t.spaces, uri)
	t.Space, t.Prefix, t.Local = uri, prefix, local
	t.selfEnd = selfClose
	return StartElement, nil
}

func (t *Tokenizer) scanEndTag() (Kind, error) {
	b := t.buf
	i, err := t.scanQName(t.pos + 2)
	if err != nil {
		return None, err
	}
	qname := b[t.pos+2 : i]
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	if i >= len(b) {
		return None, errNeedMore
	}
	if b[i] != '>' {
		return None, t.malformed("invalid end tag")
	}
	depth := len(t.nameEnds)
	if depth == 0 {
		return None, t.malformed("end tag outside the root element")
	}
	from := 0
	if depth > 1 {
		from = t.nameEnds[depth-2]
	}
	if !bytes.Equal(t.names[from:], qname) {
		return None, t.malformed("element closed by a different end tag")
	}
	t.pos = i + 1
	return EndElement, nil
}

func (t *Tokenizer) scanComment() (Kind, error) {
	b := t.buf
	body := t.pos + 4
	j := bytes.Index(b[body:], []byte("--"))
	if j < 0 || body+j+2 >= len(b) {
		return None, errNeedMore
	}
	if b[body+j+2] != '>' {
		return None, t.fail(ErrMalformed, `"--" inside a comment or a comment ending in "-"`)
	}
	// Line ends are normalized in comments too (XML 1.0 section 2.11).
	t.scratch = t.scratch[:0]
	val, _, err := t.normalize(b[body : body+j])
	if err != nil {
		return None, err
	}
	t.text = val
	t.pos = body + j + 3
	return Comment, nil
}

func (t *Tokenizer) scanPI() (Kind, error) {
	b := t.buf
	i, err := t.scanQName(t.pos + 2)
	if err != nil {
		return None, err
	}
	target := b[t.pos+2 : i]
	if bytes.IndexByte(target, ':') >= 0 {
		return None, t.malformed("processing instruction target with a colon")
	}
	j := bytes.Index(b[i:], []byte("?>"))
	if j < 0 {
		return None, errNeedMore
	}
	body := b[i : i+j]
	if len(body) > 0 && !isSpace(body[0]) {
		return None, t.malformed("processing instruction target not followed by white space")
	}
	if err := t.checkChars(body); err != nil {
		return None, err
	}
	switch {
	case string(target) == "xml":
		if t.Offset() != 0 {
			return None, t.malformed("XML declaration not at the very start of the document")
		}
		if err := xmlDecl(body); err != "" {
			return None, t.malformed(err)
		}
		t.decl = true
	case len(target) == 3 && (target[0]|0x20) == 'x' && (target[1]|0x20) == 'm' && (target[2]|0x20) == 'l':
		return None, t.malformed("reserved processing instruction target")
	case t.opt.NoProcInst:
		return None, t.fail(ErrForbidden, "processing instruction")
	}
	t.piTarget, t.text = target, body
	t.pos = i + j + 2
	return ProcInst, nil
}

// xmlDecl checks the body of an XML declaration (after "<?xml", before
// "?>") against XML 1.0's grammar:
//
//	XMLDecl      ::= '<?xml' VersionInfo EncodingDecl? SDDecl? S? '?>'
//	VersionInfo  ::= S 'version' Eq ("'" VersionNum "'" | '"' VersionNum '"')
//	EncodingDecl ::= S 'encoding' Eq ('"' EncName '"' | "'" EncName "'" )
//	SDDecl       ::= S 'standalone' Eq (("'" ('yes' | 'no') "'") | ('"' ('yes' | 'no') '"'))
//	Eq           ::= S? '=' S?
//
// with VersionNum 1.0 and EncName UTF-8 (any case) as the only values
// accepted. It returns a content-free reason, or "".
func xmlDecl(body []byte) string {
	s := body
	pseudo := func(name string) (val []byte, present bool, bad string) {
		k := 0
		for k < len(s) && isSpace(s[k]) {
			k++
		}
		if k == 0 || !bytes.HasPrefix(s[k:], []byte(name)) {
			return nil, false, ""
		}
		r := s[k+len(name):]
		for len(r) > 0 && isSpace(r[0]) {
			r = r[1:]
		}
		if len(r) == 0 || r[0] != '=' {
			return nil, false, "XML declaration pseudo-attribute without '='"
		}
		r = r[1:]
		for len(r) > 0 && isSpace(r[0]) {
			r = r[1:]
		}
		if len(r) == 0 || r[0] != '"' && r[0] != '\'' {
			return nil, false, "XML declaration pseudo-attribute value not quoted"
		}
		end := bytes.IndexByte(r[1:], r[0])
		if end < 0 {
			return nil, false, "XML declaration pseudo-attribute value not terminated"
		}
		val = r[1 : 1+end]
		s = r[2+end:]
		return val, true, ""
	}
	v, ok, bad := pseudo("version")
	if bad != "" {
		return bad
	}
	if !ok {
		return "XML declaration without a version"
	}
	if string(v) != "1.0" {
		return "XML declaration with a version other than 1.0"
	}
	if e, ok, bad := pseudo("encoding"); bad != "" {
		return bad
	} else if ok && !bytes.EqualFold(e, []byte("utf-8")) {
		return "XML declaration with an encoding other than UTF-8"
	}
	if sd, ok, bad := pseudo("standalone"); bad != "" {
		return bad
	} else if ok && string(sd) != "yes" && string(sd) != "no" {
		return "XML declaration with a standalone value other than yes or no"
	}
	for _, c := range s {
		if !isSpace(c) {
			return "XML declaration with unexpected content"
		}
	}
	return ""
}

func (t *Tokenizer) scanCDATA() (Kind, error) {
	b := t.buf
	body := t.pos + 9
	j := bytes.Index(b[body:], []byte("]]>"))
	if j < 0 {
		return None, errNeedMore
	}
	if j == 0 && t.opt.NoEmptyCDATA {
		return None, t.malformed("empty CDATA section")
	}
	t.scratch = t.scratch[:0]
	val, _, err := t.normalize(b[body : body+j])
	if err != nil {
		return None, err
	}
	t.text, t.cdata = val, true
	t.pos = body + j + 3
	return Text, nil
}

func (t *Tokenizer) scanText() (Kind, error) {
	b := t.buf
	j := bytes.IndexByte(b[t.pos:], '<')
	if j < 0 {
		if !t.eof {
			return None, errNeedMore
		}
		j = len(b) - t.pos
	}
	raw := b[t.pos : t.pos+j]
	if len(t.nameEnds) == 0 {
		for _, c := range raw {
			if !isSpace(c) {
				return None, t.malformed("text outside the root element")
			}
		}
	}
	if bytes.Contains(raw, []byte("]]>")) {
		return None, t.malformed(`"]]>" in text`)
	}
	t.scratch = t.scratch[:0]
	val, _, err := t.decode(raw, false)
	if err != nil {
		return None, err
	}
	t.text, t.cdata = val, false
	t.pos += j
	return Text, nil
}

// checkChars validates UTF-8 and XML 1.0's Char production.
func (t *Tokenizer) checkChars(p []byte) error {
	for i := 0; i < len(p); {
		// Eight bytes at a time while they are all printable ASCII (no
		// byte below 0x20, none with the high bit).
		for i+8 <= len(p) {
			x := binary.LittleEndian.Uint64(p[i:])
			if (x-0x2020202020202020)&^x&0x8080808080808080 != 0 || x&0x8080808080808080 != 0 {
				break
			}
			i += 8
		}
		if i >= len(p) {
			break
		}
		c := p[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return t.malformed("control character")
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(p[i:])
		if r == utf8.RuneError && size == 1 {
			return t.malformed("invalid UTF-8")
		}
		if !IsChar(r) {
			return t.malformed("character XML does not allow")
		}
		i += size
	}
	return nil
}

// IsChar reports whether r is a Char of XML 1.0 (section 2.2).
func IsChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// normalize validates characters and turns CR LF and lone CR into LF. It
// returns raw itself when nothing changes, otherwise a slice of scratch (off
// gives its bounds).
func (t *Tokenizer) normalize(raw []byte) ([]byte, [2]int, error) {
	if err := t.checkChars(raw); err != nil {
		return nil, [2]int{}, err
	}
	if bytes.IndexByte(raw, '\r') < 0 {
		return raw, [2]int{-1, -1}, nil
	}
	start := len(t.scratch)
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c == '\r' {
			t.scratch = append(t.scratch, '\n')
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
			continue
		}
		t.scratch = append(t.scratch, c)
	}
	return t.scratch[start:], [2]int{start, len(t.scratch)}, nil
}

// decode validates characters, resolves the predefined entities and
// character references and normalizes line ends.
func (t *Tokenizer) decode(raw []byte, attr bool) ([]byte, [2]int, error) {
	if bytes.IndexByte(raw, '&') < 0 {
		return t.normalize(raw)
	}
	if err := t.checkChars(raw); err != nil {
		return nil, [2]int{}, err
	}
	start := len(t.scratch)
	for i := 0; i < len(raw); {
		c := raw[i]
		switch c {
		case '\r':
			t.scratch = append(t.scratch, '\n')
			i++
			if i < len(raw) && raw[i] == '\n' {
				i++
			}
			continue
		case '&':
		default:
			t.scratch = append(t.scratch, c)
			i++
			continue
		}
		end := bytes.IndexByte(raw[i:], ';')
		if end < 0 {
			return nil, [2]int{}, t.malformed("unterminated entity reference")
		}
		ref := raw[i+1 : i+end]
		i += end + 1
		switch string(ref) {
		case "lt":
			t.scratch = append(t.scratch, '<')
		case "gt":
			t.scratch = append(t.scratch, '>')
		case "amp":
			t.scratch = append(t.scratch, '&')
		case "apos":
			t.scratch = append(t.scratch, '\'')
		case "quot":
			t.scratch = append(t.scratch, '"')
		default:
			r, ok := charRef(ref)
			if !ok {
				if len(ref) > 0 && ref[0] == '#' {
					return nil, [2]int{}, t.malformed("invalid character reference")
				}
				return nil, [2]int{}, &Error{Kind: ErrForbidden, DTD: true, Offset: t.Offset(), Detail: "entity reference other than the predefined ones"}
			}
			t.scratch = utf8.AppendRune(t.scratch, r)
		}
	}
	_ = attr
	return t.scratch[start:], [2]int{start, len(t.scratch)}, nil
}

// charRef decodes the body of a character reference ("#65", "#x41").
func charRef(ref []byte) (rune, bool) {
	if len(ref) < 2 || ref[0] != '#' {
		return 0, false
	}
	base, digits := 10, ref[1:]
	if digits[0] == 'x' {
		base, digits = 16, digits[1:]
	}
	if len(digits) == 0 || len(digits) > 8 {
		return 0, false
	}
	var n rune
	for _, d := range digits {
		var v rune
		switch {
		case d >= '0' && d <= '9':
			v = rune(d - '0')
		case base == 16 && d >= 'a' && d <= 'f':
			v = rune(d-'a') + 10
		case base == 16 && d >= 'A' && d <= 'F':
			v = rune(d-'A') + 10
		default:
			return 0, false
		}
		n = n*rune(base) + v
	}
	return n, IsChar(n)
}

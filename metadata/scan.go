package metadata

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/samlaws/samlaws/internal/xmlguard"
)

// scanner is a strict, allocation-light XML tokenizer used by the metadata
// parser. It accepts a subset of XML 1.0 that is well-formed for
// encoding/xml too (see FuzzScannerMatchesEncodingXML): no DTD or other
// markup declarations, only the five predefined entities and character
// references, ASCII names with at most one colon, declared namespace
// prefixes, unique attributes, valid UTF-8 and XML characters. It resolves
// namespaces and enforces the xmlguard budgets as it goes.
//
// Token data (names, attribute values, text) refers to internal buffers and is
// valid only until the next call to next.
type scanner struct {
	r   io.Reader // nil when the whole input is in buf
	buf []byte
	pos int   // next unread byte in buf
	off int64 // input offset of buf[0]
	eof bool  // r is exhausted

	lim    xmlguard.Limits
	tokens int
	roots  int

	// current token
	kind    tokKind
	tag     startTag
	text    []byte // text, comment or PI body (decoded for text)
	piName  []byte
	selfEnd bool // current start tag was <x/>; an end token follows

	attrBuf  []rawAttr
	scratch  []byte
	names    []byte // arena of open element qnames
	nameEnds []int
	ns       []nsDecl
}

type tokKind int

const (
	tokNone tokKind = iota
	tokStart
	tokEnd
	tokText
	tokComment
	tokPI
	tokEOF
)

type nsDecl struct {
	prefix string
	uri    string
	depth  int
}

// startTag is a start element with namespace-resolved names.
type startTag struct {
	space string // namespace URI ("" if none)
	local []byte
	attrs []rawAttr
}

// rawAttr is one attribute; space is the resolved namespace URI of its
// prefix ("" for unprefixed attributes, as in encoding/xml), or "xmlns" for
// namespace declarations.
type rawAttr struct {
	space string
	local []byte
	value []byte
	qname []byte
	voff  [2]int // value bounds in scratch when decoded (-1 when raw)
}

const nsXML = "http://www.w3.org/XML/1998/namespace"

var errNeedMore = fmt.Errorf("need more input")

func newScanner(data []byte, r io.Reader, lim xmlguard.Limits) *scanner {
	s := &scanner{buf: data, r: r, lim: lim, eof: r == nil}
	if r != nil && s.buf == nil {
		s.buf = make([]byte, 0, 64<<10)
	}
	return s
}

func (s *scanner) offset() int64 { return s.off + int64(s.pos) }

func (s *scanner) malformed(detail string) error {
	return newErr(ErrMalformed, "", fmt.Sprintf("not well-formed XML: %s (at byte %d)", detail, s.offset()), nil)
}

func (s *scanner) hostile(kind error, detail string) error {
	return newErr(ErrHostile, "D4.8", fmt.Sprintf("rejected by XML hardening: %s (at byte %d)", detail, s.offset()), kind)
}

// more reads more input, keeping buf[keep:]; it returns false at EOF.
func (s *scanner) more(keep int) (bool, error) {
	if s.eof {
		return false, nil
	}
	// Compact.
	if keep > 0 {
		n := copy(s.buf, s.buf[keep:])
		s.buf = s.buf[:n]
		s.off += int64(keep)
		s.pos -= keep
	}
	if len(s.buf) == cap(s.buf) {
		if int64(cap(s.buf)) > s.lim.MaxBytes {
			return false, s.hostile(xmlguard.ErrTooLarge, fmt.Sprintf("token larger than %d bytes", s.lim.MaxBytes))
		}
		nb := make([]byte, len(s.buf), 2*cap(s.buf))
		copy(nb, s.buf)
		s.buf = nb
	}
	// Fill the buffer completely, so that a token spanning many reads is
	// rescanned only O(log size) times (the buffer doubles when full).
	n, err := io.ReadFull(s.r, s.buf[len(s.buf):cap(s.buf)])
	if err == io.ErrUnexpectedEOF {
		err = io.EOF
	}
	s.buf = s.buf[:len(s.buf)+n]
	if s.off+int64(len(s.buf)) > s.lim.MaxBytes {
		return false, s.hostile(xmlguard.ErrTooLarge, fmt.Sprintf("document larger than %d bytes", s.lim.MaxBytes))
	}
	if err == io.EOF {
		s.eof = true
	} else if err != nil {
		return false, newErr(ErrFetch, "", "reading input", err)
	}
	return n > 0 || !s.eof, nil
}

// next advances to the next token.
func (s *scanner) next() (tokKind, error) {
	if s.selfEnd {
		s.selfEnd = false
		return s.emitEnd()
	}
	for {
		start := s.pos
		k, err := s.scan()
		if err == errNeedMore || (err == nil && k == tokNone) {
			s.pos = start
			if s.eof {
				if k == tokNone && err == nil && s.pos == len(s.buf) {
					return s.atEOF()
				}
				return tokNone, s.malformed("unexpected end of input")
			}
			if _, merr := s.more(start); merr != nil {
				return tokNone, merr
			}
			continue
		}
		if err != nil {
			return tokNone, err
		}
		s.tokens++
		if s.tokens > s.lim.MaxTokens {
			return tokNone, s.hostile(xmlguard.ErrTooManyTokens, fmt.Sprintf("more than %d tokens", s.lim.MaxTokens))
		}
		if s.offset() > s.lim.MaxBytes {
			return tokNone, s.hostile(xmlguard.ErrTooLarge, fmt.Sprintf("document larger than %d bytes", s.lim.MaxBytes))
		}
		if k == tokEnd {
			return s.emitEnd()
		}
		return k, nil
	}
}

func (s *scanner) atEOF() (tokKind, error) {
	if len(s.nameEnds) > 0 {
		return tokNone, s.malformed("unexpected end of input inside an element")
	}
	if s.roots == 0 {
		return tokNone, s.malformed("no root element")
	}
	s.kind = tokEOF
	return tokEOF, nil
}

// emitEnd pops the element stack and its namespace declarations.
func (s *scanner) emitEnd() (tokKind, error) {
	depth := len(s.nameEnds)
	for len(s.ns) > 0 && s.ns[len(s.ns)-1].depth >= depth {
		s.ns = s.ns[:len(s.ns)-1]
	}
	s.nameEnds = s.nameEnds[:depth-1]
	if depth > 1 {
		s.names = s.names[:s.nameEnds[depth-2]]
	} else {
		s.names = s.names[:0]
	}
	s.kind = tokEnd
	return tokEnd, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isNameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

func isNameByte(c byte) bool {
	return isNameStart(c) || c >= '0' && c <= '9' || c == '-' || c == '.' || c == ':'
}

// scan scans one token starting at s.pos. It returns errNeedMore when the
// buffer ends inside the token, tokNone at a clean end of buffer.
func (s *scanner) scan() (tokKind, error) {
	b := s.buf
	if s.pos >= len(b) {
		return tokNone, nil
	}
	if b[s.pos] != '<' {
		return s.scanText()
	}
	if s.pos+1 >= len(b) {
		return tokNone, errNeedMore
	}
	switch c := b[s.pos+1]; {
	case c == '/':
		return s.scanEndTag()
	case c == '?':
		return s.scanPI()
	case c == '!':
		if s.pos+4 > len(b) {
			return tokNone, errNeedMore
		}
		if bytes.HasPrefix(b[s.pos:], []byte("<!--")) {
			return s.scanComment()
		}
		if s.pos+9 > len(b) {
			return tokNone, errNeedMore
		}
		if bytes.HasPrefix(b[s.pos:], []byte("<![CDATA[")) {
			if len(s.nameEnds) == 0 {
				return tokNone, s.malformed("CDATA outside the root element")
			}
			return s.scanCDATA()
		}
		return tokNone, s.hostile(xmlguard.ErrDTD, "DTD or entity declaration not allowed")
	default:
		return s.scanStartTag()
	}
}

// scanName reads an ASCII qname at i; it returns the end index.
func (s *scanner) scanName(i int) (int, error) {
	b := s.buf
	if i >= len(b) {
		return 0, errNeedMore
	}
	if !isNameStart(b[i]) {
		return 0, s.malformed("invalid name")
	}
	start := i
	colons := 0
	for ; i < len(b) && isNameByte(b[i]); i++ {
		if b[i] == ':' {
			colons++
		}
	}
	if i >= len(b) {
		return 0, errNeedMore
	}
	if b[i] >= utf8.RuneSelf {
		return 0, s.malformed("non-ASCII name")
	}
	if colons > 1 || b[i-1] == ':' {
		return 0, s.malformed("invalid qualified name")
	}
	_ = start
	return i, nil
}

func splitQName(q []byte) (prefix, local []byte) {
	if i := bytes.IndexByte(q, ':'); i >= 0 {
		return q[:i], q[i+1:]
	}
	return nil, q
}

func (s *scanner) lookupNS(prefix []byte) (string, bool) {
	if string(prefix) == "xml" {
		return nsXML, true
	}
	for i := len(s.ns) - 1; i >= 0; i-- {
		if s.ns[i].prefix == string(prefix) {
			return s.ns[i].uri, true
		}
	}
	if len(prefix) == 0 {
		return "", true
	}
	return "", false
}

func (s *scanner) scanStartTag() (tokKind, error) {
	b := s.buf
	i, err := s.scanName(s.pos + 1)
	if err != nil {
		return tokNone, err
	}
	qname := b[s.pos+1 : i]
	attrs := s.attrBuf[:0]
	s.scratch = s.scratch[:0]
	selfClose := false
	for {
		// white space, then '>' or '/>' or an attribute
		sp := i
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		if i >= len(b) {
			return tokNone, errNeedMore
		}
		if b[i] == '>' {
			i++
			break
		}
		if b[i] == '/' {
			if i+1 >= len(b) {
				return tokNone, errNeedMore
			}
			if b[i+1] != '>' {
				return tokNone, s.malformed("expected /> in element")
			}
			selfClose = true
			i += 2
			break
		}
		if i == sp {
			return tokNone, s.malformed("expected space before attribute")
		}
		ne, err := s.scanName(i)
		if err != nil {
			return tokNone, err
		}
		a := rawAttr{qname: b[i:ne], voff: [2]int{-1, -1}}
		i = ne
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		if i >= len(b) {
			return tokNone, errNeedMore
		}
		if b[i] != '=' {
			return tokNone, s.malformed("attribute without value")
		}
		i++
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		if i >= len(b) {
			return tokNone, errNeedMore
		}
		q := b[i]
		if q != '"' && q != '\'' {
			return tokNone, s.malformed("unquoted attribute value")
		}
		i++
		vs := i
		j := bytes.IndexByte(b[vs:], q)
		if j < 0 {
			return tokNone, errNeedMore
		}
		raw := b[vs : vs+j]
		i = vs + j + 1
		if bytes.IndexByte(raw, '<') >= 0 {
			return tokNone, s.malformed("unescaped < in attribute value")
		}
		val, off, err := s.decode(raw, false)
		if err != nil {
			return tokNone, err
		}
		a.value, a.voff = val, off
		for _, o := range attrs {
			if bytes.Equal(o.qname, a.qname) {
				return tokNone, s.malformed("duplicate attribute")
			}
		}
		attrs = append(attrs, a)
		if len(attrs) > s.lim.MaxAttrs {
			return tokNone, s.hostile(xmlguard.ErrTooManyAttrs, fmt.Sprintf("more than %d attributes on one element", s.lim.MaxAttrs))
		}
	}
	// The whole tag is in the buffer: commit.
	s.pos = i
	s.attrBuf = attrs
	if len(s.nameEnds) == 0 {
		s.roots++
		if s.roots > 1 {
			return tokNone, s.malformed("more than one root element")
		}
	}
	if len(s.nameEnds) >= s.lim.MaxDepth {
		return tokNone, s.hostile(xmlguard.ErrTooDeep, fmt.Sprintf("elements nested deeper than %d", s.lim.MaxDepth))
	}
	s.names = append(s.names, qname...)
	s.nameEnds = append(s.nameEnds, len(s.names))
	depth := len(s.nameEnds)
	// Values decoded into scratch are re-sliced now that scratch is final.
	for k := range attrs {
		if attrs[k].voff[0] >= 0 {
			attrs[k].value = s.scratch[attrs[k].voff[0]:attrs[k].voff[1]]
		}
	}
	// Namespace declarations first.
	for k := range attrs {
		a := &attrs[k]
		prefix, local := splitQName(a.qname)
		switch {
		case prefix == nil && string(local) == "xmlns":
			s.ns = append(s.ns, nsDecl{prefix: "", uri: string(a.value), depth: depth})
			a.space, a.local = "", local
		case string(prefix) == "xmlns":
			if len(a.value) == 0 {
				return tokNone, s.malformed("empty namespace for a prefix")
			}
			if string(local) == "xmlns" || string(local) == "xml" {
				return tokNone, s.malformed("reserved namespace prefix")
			}
			s.ns = append(s.ns, nsDecl{prefix: string(local), uri: string(a.value), depth: depth})
			a.space, a.local = "xmlns", local
		}
	}
	for k := range attrs {
		a := &attrs[k]
		prefix, local := splitQName(a.qname)
		if prefix == nil || string(prefix) == "xmlns" {
			if prefix == nil && string(local) != "xmlns" {
				a.space, a.local = "", local
			}
			continue
		}
		uri, ok := s.lookupNS(prefix)
		if !ok {
			return tokNone, s.malformed("undeclared namespace prefix on attribute")
		}
		a.space, a.local = uri, local
	}
	prefix, local := splitQName(qname)
	if string(prefix) == "xmlns" {
		return tokNone, s.malformed("element in the xmlns namespace")
	}
	uri, ok := s.lookupNS(prefix)
	if !ok {
		return tokNone, s.malformed("undeclared namespace prefix on element")
	}
	s.tag = startTag{space: uri, local: local, attrs: attrs}
	s.selfEnd = selfClose
	s.kind = tokStart
	return tokStart, nil
}

func (s *scanner) scanEndTag() (tokKind, error) {
	b := s.buf
	i, err := s.scanName(s.pos + 2)
	if err != nil {
		return tokNone, err
	}
	qname := b[s.pos+2 : i]
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	if i >= len(b) {
		return tokNone, errNeedMore
	}
	if b[i] != '>' {
		return tokNone, s.malformed("invalid end tag")
	}
	depth := len(s.nameEnds)
	if depth == 0 {
		return tokNone, s.malformed("unexpected end element")
	}
	from := 0
	if depth > 1 {
		from = s.nameEnds[depth-2]
	}
	if !bytes.Equal(s.names[from:], qname) {
		return tokNone, s.malformed("element closed by a different end tag")
	}
	s.pos = i + 1
	return tokEnd, nil
}

func (s *scanner) scanComment() (tokKind, error) {
	b := s.buf
	body := s.pos + 4
	j := bytes.Index(b[body:], []byte("--"))
	for {
		if j < 0 || body+j+2 >= len(b) {
			return tokNone, errNeedMore
		}
		if b[body+j+2] != '>' {
			return tokNone, s.malformed(`"--" in a comment`)
		}
		break
	}
	if err := checkChars(b[body : body+j]); err != nil {
		return tokNone, s.malformed(err.Error())
	}
	s.text = b[body : body+j]
	s.pos = body + j + 3
	s.kind = tokComment
	return tokComment, nil
}

func (s *scanner) scanPI() (tokKind, error) {
	b := s.buf
	i, err := s.scanName(s.pos + 2)
	if err != nil {
		return tokNone, err
	}
	target := b[s.pos+2 : i]
	if bytes.IndexByte(target, ':') >= 0 {
		return tokNone, s.malformed("invalid processing instruction target")
	}
	j := bytes.Index(b[i:], []byte("?>"))
	if j < 0 {
		return tokNone, errNeedMore
	}
	body := b[i : i+j]
	if len(body) > 0 && !isSpace(body[0]) {
		return tokNone, s.malformed("invalid processing instruction")
	}
	if err := checkChars(body); err != nil {
		return tokNone, s.malformed(err.Error())
	}
	if string(target) == "xml" {
		if len(s.nameEnds) > 0 || s.roots > 0 || s.tokens > 0 || s.offset() != 0 {
			return tokNone, s.malformed("XML declaration not at the start")
		}
		if enc := procInstParam("encoding", string(body)); enc != "" && !equalFoldASCII(enc, "utf-8") {
			return tokNone, s.malformed("encoding other than UTF-8 declared")
		}
		if v := procInstParam("version", string(body)); v != "1.0" {
			return tokNone, s.malformed("XML declaration without version 1.0")
		}
		// encoding/xml finds param="value" anywhere in the declaration; reject
		// whatever it could read differently.
		if !allQuotedParams(string(body), "encoding=", func(v string) bool { return equalFoldASCII(v, "utf-8") }) ||
			!allQuotedParams(string(body), "version=", func(v string) bool { return v == "1.0" }) {
			return tokNone, s.malformed("unsupported XML declaration")
		}
	} else if equalFoldASCII(string(target), "xml") {
		return tokNone, s.malformed("reserved processing instruction target")
	}
	s.piName, s.text = target, body
	s.pos = i + j + 2
	s.kind = tokPI
	return tokPI, nil
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// procInstParam extracts param="value" from an XML declaration body.
func procInstParam(param, s string) string {
	for {
		i := indexWord(s, param)
		if i < 0 {
			return ""
		}
		rest := s[i+len(param):]
		for len(rest) > 0 && isSpace(rest[0]) {
			rest = rest[1:]
		}
		if len(rest) == 0 || rest[0] != '=' {
			s = s[i+len(param):]
			continue
		}
		rest = rest[1:]
		for len(rest) > 0 && isSpace(rest[0]) {
			rest = rest[1:]
		}
		if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
			return ""
		}
		q := rest[0]
		end := bytes.IndexByte([]byte(rest[1:]), q)
		if end < 0 {
			return ""
		}
		return rest[1 : 1+end]
	}
}

// allQuotedParams reports whether every quoted value following param (as in
// `encoding="utf-8"`) anywhere in s satisfies ok; an unterminated value fails.
func allQuotedParams(s, param string, ok func(string) bool) bool {
	for {
		k := strings.Index(s, param)
		if k < 0 {
			return true
		}
		s = s[k+len(param):]
		if len(s) == 0 || (s[0] != '"' && s[0] != '\'') {
			continue
		}
		end := strings.IndexByte(s[1:], s[0])
		if end < 0 || !ok(s[1:1+end]) {
			return false
		}
		s = s[1+end:]
	}
}

func indexWord(s, w string) int {
	for i := 0; i+len(w) <= len(s); i++ {
		if s[i:i+len(w)] == w && (i == 0 || isSpace(s[i-1])) {
			return i
		}
	}
	return -1
}

func (s *scanner) scanCDATA() (tokKind, error) {
	b := s.buf
	body := s.pos + 9
	j := bytes.Index(b[body:], []byte("]]>"))
	if j < 0 {
		return tokNone, errNeedMore
	}
	s.scratch = s.scratch[:0]
	val, _, err := s.normalize(b[body : body+j])
	if err != nil {
		return tokNone, err
	}
	s.text = val
	s.pos = body + j + 3
	s.kind = tokText
	return tokText, nil
}

func (s *scanner) scanText() (tokKind, error) {
	b := s.buf
	j := bytes.IndexByte(b[s.pos:], '<')
	if j < 0 {
		if !s.eof {
			return tokNone, errNeedMore
		}
		j = len(b) - s.pos
	}
	raw := b[s.pos : s.pos+j]
	if bytes.Contains(raw, []byte("]]>")) {
		return tokNone, s.malformed("unescaped ]]> in text")
	}
	if len(s.nameEnds) == 0 {
		for _, c := range raw {
			if !isSpace(c) {
				return tokNone, s.malformed("text outside the root element")
			}
		}
	}
	s.scratch = s.scratch[:0]
	val, _, err := s.decode(raw, true)
	if err != nil {
		return tokNone, err
	}
	s.text = val
	s.pos += j
	s.kind = tokText
	return tokText, nil
}

// checkChars validates UTF-8 and the XML Char production.
func checkChars(p []byte) error {
	for i := 0; i < len(p); {
		c := p[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return fmt.Errorf("illegal character code %U", rune(c))
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(p[i:])
		if r == utf8.RuneError && size == 1 {
			return fmt.Errorf("invalid UTF-8")
		}
		if !isXMLChar(r) {
			return fmt.Errorf("illegal character code %U", r)
		}
		i += size
	}
	return nil
}

func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// normalize validates characters and turns CR LF and lone CR into LF, as
// encoding/xml does. It returns raw itself when nothing changes, otherwise a
// slice of scratch (off gives its bounds).
func (s *scanner) normalize(raw []byte) ([]byte, [2]int, error) {
	if err := checkChars(raw); err != nil {
		return nil, [2]int{}, s.malformed(err.Error())
	}
	if bytes.IndexByte(raw, '\r') < 0 {
		return raw, [2]int{-1, -1}, nil
	}
	start := len(s.scratch)
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c == '\r' {
			s.scratch = append(s.scratch, '\n')
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
			continue
		}
		s.scratch = append(s.scratch, c)
	}
	return s.scratch[start:], [2]int{start, len(s.scratch)}, nil
}

// decode validates characters, resolves the predefined entities and
// character references and normalises line ends.
func (s *scanner) decode(raw []byte, text bool) ([]byte, [2]int, error) {
	if bytes.IndexByte(raw, '&') < 0 {
		return s.normalize(raw)
	}
	if err := checkChars(raw); err != nil {
		return nil, [2]int{}, s.malformed(err.Error())
	}
	start := len(s.scratch)
	for i := 0; i < len(raw); {
		c := raw[i]
		switch c {
		case '\r':
			s.scratch = append(s.scratch, '\n')
			i++
			if i < len(raw) && raw[i] == '\n' {
				i++
			}
			continue
		case '&':
		default:
			s.scratch = append(s.scratch, c)
			i++
			continue
		}
		end := bytes.IndexByte(raw[i:], ';')
		if end < 0 {
			return nil, [2]int{}, s.malformed("unterminated entity reference")
		}
		ref := raw[i+1 : i+end]
		i += end + 1
		switch string(ref) {
		case "lt":
			s.scratch = append(s.scratch, '<')
		case "gt":
			s.scratch = append(s.scratch, '>')
		case "amp":
			s.scratch = append(s.scratch, '&')
		case "apos":
			s.scratch = append(s.scratch, '\'')
		case "quot":
			s.scratch = append(s.scratch, '"')
		default:
			if len(ref) < 2 || ref[0] != '#' {
				return nil, [2]int{}, s.hostile(xmlguard.ErrDTD, "entity reference not allowed")
			}
			var n uint64
			digits := ref[1:]
			base := uint64(10)
			if digits[0] == 'x' {
				base, digits = 16, digits[1:]
			}
			if len(digits) == 0 || len(digits) > 8 {
				return nil, [2]int{}, s.malformed("invalid character reference")
			}
			for _, d := range digits {
				var v uint64
				switch {
				case d >= '0' && d <= '9':
					v = uint64(d - '0')
				case base == 16 && d >= 'a' && d <= 'f':
					v = uint64(d-'a') + 10
				case base == 16 && d >= 'A' && d <= 'F':
					v = uint64(d-'A') + 10
				default:
					return nil, [2]int{}, s.malformed("invalid character reference")
				}
				n = n*base + v
			}
			if n > 0x10FFFF || !isXMLChar(rune(n)) {
				return nil, [2]int{}, s.malformed("invalid character reference")
			}
			s.scratch = utf8.AppendRune(s.scratch, rune(n))
		}
	}
	return s.scratch[start:], [2]int{start, len(s.scratch)}, nil
}

package metadata

import (
	"errors"
	"fmt"
	"io"

	"github.com/samlaws/samlaws/internal/xmlread"
)

// scanner is the metadata parser's view of internal/xmlread, the project's
// one strict XML reader: the same subset of XML 1.0 as the verifier's
// (no DTD or markup declaration, the five predefined entities and character
// references only, ASCII NCNames, declared prefixes, unique attributes,
// valid UTF-8, an XML declaration exactly as XML's grammar writes it),
// namespaces resolved and the Limits enforced as it goes, from a byte slice
// or streamed from a reader. FuzzScannerMatchesEncodingXML holds it to
// encoding/xml, which etree and goxmldsig (signature verification) build on.
//
// Token data (names, attribute values, text) refers to internal buffers and is
// valid only until the next call to next.
type scanner struct {
	t *xmlread.Tokenizer

	// current token
	tag     startTag
	text    []byte // text, comment or PI body (decoded for text)
	piName  []byte
	attrBuf []rawAttr
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

// startTag is a start element with namespace-resolved names.
type startTag struct {
	space string // namespace URI ("" if none)
	local []byte
	attrs []rawAttr
}

// rawAttr is one attribute; space is the resolved namespace URI of its
// prefix ("" for unprefixed attributes, as in encoding/xml), or "xmlns" for
// prefixed namespace declarations (xmlns="..." is {""}xmlns, as in
// encoding/xml).
type rawAttr struct {
	space string
	local []byte
	value []byte
}

func newScanner(data []byte, r io.Reader, lim xmlread.Limits) *scanner {
	// Metadata keeps processing instructions (and ignores them) and reads
	// attribute values as encoding/xml does.
	return &scanner{t: xmlread.NewTokenizer(data, r, lim, xmlread.Options{})}
}

// next advances to the next token.
func (s *scanner) next() (tokKind, error) {
	k, err := s.t.Next()
	if err != nil {
		return tokNone, readErr(err)
	}
	switch k {
	case xmlread.StartElement:
		attrs := s.attrBuf[:0]
		for i := range s.t.Attrs {
			a := &s.t.Attrs[i]
			ra := rawAttr{space: a.Space, local: a.Local, value: a.Value}
			if a.Space == "xmlns" && a.Prefix == nil {
				ra.space = ""
			}
			attrs = append(attrs, ra)
		}
		s.attrBuf = attrs
		s.tag = startTag{space: s.t.Space, local: s.t.Local, attrs: attrs}
		return tokStart, nil
	case xmlread.EndElement:
		return tokEnd, nil
	case xmlread.Text:
		s.text = s.t.Text()
		return tokText, nil
	case xmlread.Comment:
		s.text = s.t.Text()
		return tokComment, nil
	case xmlread.ProcInst:
		s.piName, s.text = s.t.PITarget(), s.t.Text()
		return tokPI, nil
	case xmlread.EOF:
		return tokEOF, nil
	}
	return tokNone, newErr(errMalformed, "", "unexpected token", nil)
}

func (s *scanner) lookupNS(prefix []byte) (string, bool) { return s.t.LookupNS(prefix) }

// readErr maps a reader error onto the package's categories: a DTD, an
// entity or an exceeded budget is hostile (D4.8), anything else malformed.
func readErr(err error) error {
	var xe *xmlread.Error
	if !errors.As(err, &xe) {
		return newErr(ErrFetch, "", "reading input", errors.Unwrap(err))
	}
	switch {
	case errors.Is(err, xmlread.ErrDTD), errors.Is(err, xmlread.ErrTooLarge), errors.Is(err, xmlread.ErrTooDeep),
		errors.Is(err, xmlread.ErrTooManyTokens), errors.Is(err, xmlread.ErrTooManyAttrs):
		return newErr(errHostile, "D4.8", fmt.Sprintf("rejected by XML hardening: %s (at byte %d)", xe.Detail, xe.Offset), err)
	}
	return newErr(errMalformed, "", fmt.Sprintf("not well-formed XML: %s (at byte %d)", xe.Detail, xe.Offset), err)
}

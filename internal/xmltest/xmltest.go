// Package xmltest holds what the tests of the module's XML readers share:
// generators of hostile document shapes (many namespace declarations, deep
// nesting, long runs of small nodes) for the linear-cost tests (D4.8), and
// an encoding/xml oracle of document structure. The tests of internal/c14n,
// metadata and saml use it; only test files import it
// (TestTestSupportImports in the module root checks this). It imports the
// standard library only, so that packages' internal tests can use it.
package xmltest

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// NSDecls returns n namespace declarations of the prefixes p<tag>_0 ..
// p<tag>_<n-1>, each with a leading space, for one start tag.
func NSDecls(tag string, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, ` xmlns:p%s_%d="urn:x:%s:%d"`, tag, i, tag, i)
	}
	return b.String()
}

// Fill repeats unit until the result is at least n bytes; a unit that
// contains %d has it replaced by the repetition's number (0, 1, ...).
func Fill(n int, unit string) string {
	numbered := strings.Contains(unit, "%d")
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		if numbered {
			fmt.Fprintf(&b, unit, i)
		} else {
			b.WriteString(unit)
		}
	}
	return b.String()
}

// NestedNS opens depth elements n0, n1, ..., each declaring 30 prefixes
// (NSDecls), puts inner inside the deepest and closes them.
func NestedNS(depth int, inner string) string {
	var open, closing strings.Builder
	for d := 0; d < depth; d++ {
		fmt.Fprintf(&open, `<n%d%s>`, d, NSDecls(fmt.Sprint(d), 30))
		closing.WriteString(fmt.Sprintf(`</n%d>`, depth-1-d))
	}
	return open.String() + inner + closing.String()
}

// Structure checks with encoding/xml's raw tokens (strict) that data is
// exactly one root element, with no text but white space outside it and no
// directive (DTD): the oracle that replaced internal/xmlguard.Check in the
// parsers' tests. Raw tokens do not pair end tags with start tags, so
// <a></b> passes; the parsers under test check that themselves.
func Structure(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	depth, roots := 0, 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			if depth != 0 || roots != 1 {
				return fmt.Errorf("%d roots, depth %d at the end", roots, depth)
			}
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && len(bytes.TrimLeft(t, " \t\r\n")) != 0 {
				return errors.New("text outside the root element")
			}
		case xml.Directive:
			return errors.New("directive")
		}
	}
}

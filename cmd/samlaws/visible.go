package main

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/samlaws/samlaws/internal/textclip"
	"github.com/samlaws/samlaws/saml"
)

// checkMaxValue bounds each value of a response shown by check (text and
// JSON), so that the output stays proportional to what a reader can use
// whatever the input (issue 19).
const checkMaxValue = 256

// visibleQuote quotes s with every character but printable ASCII escaped:
// "\n", "\t", "\u202e" (bidi controls), "\u0430" (a Cyrillic lookalike of
// "a"), "\xff" (invalid UTF-8). Trailing spaces show inside the quotes.
// Values read from a response are printed only through it, so that none can
// add, break or reorder a line of a report.
func visibleQuote(s string, max int) string {
	cut := textclip.Prefix(s, max)
	q := strconv.QuoteToASCII(cut)
	if len(cut) < len(s) {
		q += fmt.Sprintf("... (%d more bytes)", len(s)-len(cut))
	}
	return q
}

// newCheckValue converts a value of saml.ValidationError for output.
func newCheckValue(v saml.Value) checkValue {
	cv := checkValue{Name: v.Name, Missing: v.Missing, Expected: v.Want}
	if !v.Missing {
		cv.Actual = textclip.Prefix(v.Got, checkMaxValue)
		cv.Truncated = len(cv.Actual) < len(v.Got)
		cv.Visible = visibleQuote(v.Got, checkMaxValue)
		cv.Note = valueNote(v.Got, v.Want)
	}
	return cv
}

// xmlSpace is XML's white space.
const xmlSpace = " \t\r\n"

// valueNote says how got differs from the expected values when the
// difference is easy to miss: only white space around it, only case, only a
// trailing slash, invisible or non-ASCII characters. "" when nothing such
// applies.
func valueNote(got string, want []string) string {
	var notes []string
	trimmed := strings.Trim(got, xmlSpace)
	for _, w := range want {
		switch {
		case got == w:
		case trimmed == w:
			notes = append(notes, "equal to the expected value except for white space around it ("+
				visibleSpace(got[:len(got)-len(strings.TrimLeft(got, xmlSpace))])+" before, "+
				visibleSpace(got[len(strings.TrimRight(got, xmlSpace)):])+" after); AWS compares exactly")
		case strings.EqualFold(got, w):
			notes = append(notes, "differs from the expected value only in upper/lower case; AWS compares exactly")
		case strings.TrimSuffix(got, "/") == strings.TrimSuffix(w, "/"):
			notes = append(notes, "differs from the expected value only by a trailing slash; AWS compares exactly")
		default:
			continue
		}
		break
	}
	if len(notes) == 0 && trimmed != got {
		notes = append(notes, "has white space around it ("+
			visibleSpace(got[:len(got)-len(strings.TrimLeft(got, xmlSpace))])+" before, "+
			visibleSpace(got[len(strings.TrimRight(got, xmlSpace)):])+" after), which AWS does not strip")
	}
	var odd []string
	for i, r := range got {
		if len(odd) == 4 {
			odd = append(odd, "...")
			break
		}
		switch {
		case r == utf8.RuneError:
			odd = append(odd, fmt.Sprintf("invalid UTF-8 at byte %d", i))
		case r >= 0x80:
			odd = append(odd, fmt.Sprintf("%U at byte %d", r, i))
		case r < 0x20 || r == 0x7f:
			if strings.ContainsRune(xmlSpace, r) && (i < len(got)-len(strings.TrimLeft(got, xmlSpace)) || i >= len(strings.TrimRight(got, xmlSpace))) {
				continue // around the value: said above, or visible in quotes
			}
			odd = append(odd, fmt.Sprintf("control character %U at byte %d", r, i))
		}
	}
	if len(odd) > 0 {
		notes = append(notes, "contains characters that look alike or do not show: "+strings.Join(odd, ", "))
	}
	return strings.Join(notes, "; ")
}

// visibleSpace names white space: "\n\t", or "nothing".
func visibleSpace(s string) string {
	if s == "" {
		return "nothing"
	}
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}

// jsonASCII rewrites JSON text so that every non-ASCII character is a \u
// escape: the same JSON value, but no bidi control (U+202E), zero-width or
// lookalike character from a response reaches a terminal raw when the JSON
// is read there.
func jsonASCII(b []byte) []byte {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return b
	}
	out := make([]byte, 0, len(b)+len(b)/4)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		switch {
		case r < 0x80:
			out = append(out, b[0])
		case r > 0xffff:
			r1, r2 := utf16.EncodeRune(r)
			out = fmt.Appendf(out, `\u%04x\u%04x`, r1, r2)
		default:
			out = fmt.Appendf(out, `\u%04x`, r)
		}
		b = b[n:]
	}
	return out
}

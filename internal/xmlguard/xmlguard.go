// Package xmlguard is the XML hardening plumbing shared by the samlaws parsers
// (federation metadata, SAML responses). It rejects hostile or oversized XML
// before (or while) a real parser looks at it.
//
// What it enforces (spec D4.8 and the threat catalogue, section 7):
//   - no DTD: any markup declaration ("<!DOCTYPE", "<!ENTITY", "<!ATTLIST",
//     "<!ELEMENT", "<!NOTATION") is rejected; encoding/xml in strict mode already
//     refuses undefined entity references;
//   - budgets: total bytes, element nesting depth, number of tokens and
//     attributes per element;
//   - well-formedness: matching start and end tags, exactly one root element,
//     no text other than white space outside the root.
//
// Two entry points share one implementation:
//
//   - [Check] scans a whole document with encoding/xml's RawToken (cheap, no
//     namespace processing) and is meant to run before etree or xml.Unmarshal;
//   - [Budget] is fed the tokens a caller's own streaming xml.Decoder produces, so a
//     streaming parser gets the same protection in a single pass.
//
// A leading UTF-8 byte order mark is tolerated by [Check] (it is not part of the
// document's content); use [TrimBOM] to remove it before handing bytes on.
package xmlguard

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
)

// Default budgets, used by [DefaultLimits]. They comfortably fit an Entra
// FederationMetadata.xml (~25 KB, depth 8) and a SAML response (< 100,000 base64
// characters, spec A6.1), and IAM's 10,000,000-character metadata limit (B1.1).
const (
	DefaultMaxBytes  = 10 << 20 // 10 MiB
	DefaultMaxDepth  = 64       // crewjam/saml stops at 64 too
	DefaultMaxTokens = 1 << 20  // tokens per document
	DefaultMaxAttrs  = 64       // attributes per element
)

// Limits are the budgets a document must stay within. A zero or negative field
// means "use the default" (DefaultMaxBytes etc.), never "unlimited".
type Limits struct {
	// MaxBytes is the largest accepted input, in bytes (BOM included).
	MaxBytes int64
	// MaxDepth is the deepest accepted element nesting; the root is depth 1.
	MaxDepth int
	// MaxTokens is the largest accepted number of tokens (elements, end tags,
	// text runs, comments, processing instructions).
	MaxTokens int
	// MaxAttrs is the largest accepted number of attributes (namespace
	// declarations included) on one element.
	MaxAttrs int
}

// DefaultLimits returns the default budgets.
func DefaultLimits() Limits {
	return Limits{MaxBytes: DefaultMaxBytes, MaxDepth: DefaultMaxDepth, MaxTokens: DefaultMaxTokens, MaxAttrs: DefaultMaxAttrs}
}

// withDefaults fills zero fields with the defaults.
func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxTokens <= 0 {
		l.MaxTokens = DefaultMaxTokens
	}
	if l.MaxAttrs <= 0 {
		l.MaxAttrs = DefaultMaxAttrs
	}
	return l
}

// Sentinel categories for errors.Is. Every error this package returns is an
// *Error whose Unwrap yields exactly one of these (plus the underlying
// encoding/xml error for ErrMalformed).
var (
	ErrMalformed     = errors.New("xmlguard: malformed XML")                         // not well-formed
	ErrDTD           = errors.New("xmlguard: DTD or entity declaration not allowed") // <!DOCTYPE>, <!ENTITY>, ...
	ErrTooLarge      = errors.New("xmlguard: document too large")                    // MaxBytes
	ErrTooDeep       = errors.New("xmlguard: elements nested too deeply")            // MaxDepth
	ErrTooManyTokens = errors.New("xmlguard: too many XML tokens")                   // MaxTokens
	ErrTooManyAttrs  = errors.New("xmlguard: too many attributes on one element")    // MaxAttrs
)

// Error is the typed error for errors.As. It never quotes document content
// beyond element names and a short description.
type Error struct {
	// Kind is one of the package's sentinel errors.
	Kind error
	// Offset is the byte offset in the input at which the problem was detected.
	Offset int64
	// Detail is a short human-readable explanation (may be empty).
	Detail string
	// Err is the underlying parser error, if any.
	Err error
}

// Error implements error.
func (e *Error) Error() string {
	msg := e.Kind.Error()
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	msg += fmt.Sprintf(" (at byte %d)", e.Offset)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the sentinel category and the underlying parser error.
func (e *Error) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Kind, e.Err}
	}
	return []error{e.Kind}
}

var bom = []byte{0xEF, 0xBB, 0xBF}

// HasBOM reports whether data starts with a UTF-8 byte order mark.
func HasBOM(data []byte) bool { return bytes.HasPrefix(data, bom) }

// TrimBOM returns data without a leading UTF-8 byte order mark (spec C1.3).
// It does not copy.
func TrimBOM(data []byte) []byte { return bytes.TrimPrefix(data, bom) }

// Check scans data with encoding/xml's RawToken and returns nil when it is a
// single well-formed element tree within lim and without DTD declarations. A
// leading UTF-8 BOM is allowed. The error is always an *Error.
func Check(data []byte, lim Limits) error {
	lim = lim.withDefaults()
	if int64(len(data)) > lim.MaxBytes {
		return &Error{Kind: ErrTooLarge, Detail: fmt.Sprintf("%d bytes, limit %d", len(data), lim.MaxBytes)}
	}
	body := TrimBOM(data)
	base := int64(len(data) - len(body))
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = true
	b := NewBudget(lim)
	b.base = base
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return b.End(d.InputOffset())
		}
		if err != nil {
			return &Error{Kind: ErrMalformed, Offset: base + d.InputOffset(), Err: err}
		}
		if err := b.Observe(tok, d.InputOffset()); err != nil {
			return err
		}
	}
}

// Budget enforces Limits and the structural rules token by token, for callers
// running their own xml.Decoder (Token or RawToken). A Budget is not safe for
// concurrent use. Create one per document with [NewBudget].
type Budget struct {
	lim    Limits
	tokens int
	stack  []xml.Name
	roots  int
	base   int64
}

// NewBudget returns a Budget for one document. Zero fields of lim take the
// defaults.
func NewBudget(lim Limits) *Budget {
	return &Budget{lim: lim.withDefaults(), stack: make([]xml.Name, 0, 16)}
}

// Depth returns the current element depth (0 outside the root).
func (b *Budget) Depth() int { return len(b.stack) }

// Observe checks one token; offset is the decoder's InputOffset after reading it
// (used only for error positions). End tags are matched against start tags, so
// tokens from RawToken are checked as strictly as those from Token.
func (b *Budget) Observe(tok xml.Token, offset int64) error {
	b.tokens++
	if b.tokens > b.lim.MaxTokens {
		return b.fail(ErrTooManyTokens, offset, fmt.Sprintf("limit %d", b.lim.MaxTokens))
	}
	if offset > b.lim.MaxBytes {
		return b.fail(ErrTooLarge, offset, fmt.Sprintf("limit %d bytes", b.lim.MaxBytes))
	}
	switch t := tok.(type) {
	case xml.StartElement:
		if len(b.stack) == 0 {
			b.roots++
			if b.roots > 1 {
				return b.fail(ErrMalformed, offset, "more than one root element")
			}
		}
		if len(t.Attr) > b.lim.MaxAttrs {
			return b.fail(ErrTooManyAttrs, offset, fmt.Sprintf("%d attributes on <%s>, limit %d", len(t.Attr), t.Name.Local, b.lim.MaxAttrs))
		}
		if len(b.stack) >= b.lim.MaxDepth {
			return b.fail(ErrTooDeep, offset, fmt.Sprintf("limit %d", b.lim.MaxDepth))
		}
		b.stack = append(b.stack, t.Name)
	case xml.EndElement:
		if len(b.stack) == 0 {
			return b.fail(ErrMalformed, offset, "unexpected end element")
		}
		top := b.stack[len(b.stack)-1]
		if top != t.Name {
			return b.fail(ErrMalformed, offset, fmt.Sprintf("element <%s> closed by </%s>", top.Local, t.Name.Local))
		}
		b.stack = b.stack[:len(b.stack)-1]
	case xml.CharData:
		if len(b.stack) == 0 && len(bytes.TrimLeft(t, " \t\r\n")) != 0 {
			return b.fail(ErrMalformed, offset, "text outside the root element")
		}
	case xml.Directive:
		return b.fail(ErrDTD, offset, "")
	case xml.ProcInst, xml.Comment:
		// Allowed; they carry no content the parsers read.
	}
	return nil
}

// End must be called at io.EOF: it reports an unclosed element or a missing
// root.
func (b *Budget) End(offset int64) error {
	if len(b.stack) != 0 {
		return b.fail(ErrMalformed, offset, fmt.Sprintf("unexpected end of input inside <%s>", b.stack[len(b.stack)-1].Local))
	}
	if b.roots == 0 {
		return b.fail(ErrMalformed, offset, "no root element")
	}
	return nil
}

func (b *Budget) fail(kind error, offset int64, detail string) error {
	return &Error{Kind: kind, Offset: b.base + offset, Detail: detail}
}

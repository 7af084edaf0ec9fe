package awsrole

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/samlaws/samlaws/internal/errkind"
)

// Sentinel categories. Every error returned by this package is an *AttributeError
// (or an errors.Join of them) whose Kind wraps exactly one of them; match them
// with errors.Is, and read the attribute, rule and reason from the
// *AttributeError (errors.As). Attribute says which value failed (empty for a
// value parsed on its own, as by ParseRoleARN, or for a request parameter such
// as DurationSeconds, whose Rule says which).
var (
	// ErrMissing: a required attribute (Role A3.1, RoleSessionName A3.4) is
	// absent or has no value: the IdP's claim mapping lacks it.
	ErrMissing = errors.New("awsrole: missing attribute")
	// ErrInvalid: a value is malformed or out of range: an ARN (B2.1, B2.2), a
	// Role pair (A3.1-A3.3), a RoleSessionName (A3.4), SessionDuration (A3.5),
	// SourceIdentity (A3.6), session tags (A3.7), TransitiveTagKeys (A3.8),
	// DurationSeconds (A4.2), MaxSessionDuration (B2.4) or a new provider name
	// (B1.1, B1.2).
	ErrInvalid = errors.New("awsrole: invalid value")
)

func invalid(msg string) error { return errkind.New("awsrole: "+msg, "", ErrInvalid) }

func missing(msg string) error { return errkind.New("awsrole: "+msg, "", ErrMissing) }

// The finer kinds (Kind) and details (Err) of AttributeError.
var (
	errInvalidARN                = invalid("invalid ARN")
	errMissingRole               = missing("missing Role attribute")
	errInvalidRole               = invalid("invalid Role attribute value")
	errMissingRoleSessionName    = missing("missing RoleSessionName attribute")
	errInvalidRoleSessionName    = invalid("invalid RoleSessionName")
	errInvalidSessionDuration    = invalid("invalid SessionDuration")
	errInvalidSourceIdentity     = invalid("invalid SourceIdentity")
	errInvalidTag                = invalid("invalid session tag")
	errDuplicateTag              = invalid("duplicate session tag key")
	errTooManyTags               = invalid("too many session tags")
	errInvalidTransitiveTagKeys  = invalid("invalid TransitiveTagKeys")
	errInvalidDurationSeconds    = invalid("invalid DurationSeconds")
	errInvalidMaxSessionDuration = invalid("invalid MaxSessionDuration")
	errInvalidProviderName       = invalid("invalid SAML provider name")

	// Details (Err) of an invalid ARN.
	errARNWildcard = invalid("wildcard in ARN")                                       // a Role names one concrete role, never a pattern
	errARNNotIAM   = invalid("not an IAM role or saml-provider ARN")                  // another service, or another IAM resource type
	errARNSpace    = invalid("whitespace or control character in ARN")                // or a non-ASCII character
	errARNMismatch = invalid("role and provider in different partitions or accounts") // A3.3
)

// AttributeError is the one typed error of this package, in the module's
// error shape (docs/design.md, Conventions): use errors.As to get the
// attribute, the rule and the reason of a failure. Its Error string is
//
//	awsrole: <Attribute>[<Index>]: <Reason> (rule <Rule>)
//
// without the attribute part when Attribute is empty. Reason never contains more
// than a bounded prefix of the offending value; the cause in Err is not
// printed (it can repeat the value), but errors.Is and errors.As reach it.
type AttributeError struct {
	// Kind is the sentinel category (errInvalidRole, errInvalidRoleSessionName, ...).
	Kind error
	// Rule is the rule id (docs/rules.md) the input breaks, such as "A3.4".
	Rule string
	// Reason says what is wrong, including the AWS error text where one is known.
	Reason string
	// Err is an optional finer cause or nil: a sentinel such as
	// errARNWildcard, or, for a Role value holding a malformed ARN, the ARN's own
	// *AttributeError (which wraps errInvalidARN).
	Err error
	// Attribute is the SAML attribute name (one of the Attr* constants, or a
	// PrincipalTag attribute name); empty when a value was parsed on its own, for
	// example by ParseRoleARN.
	Attribute string
	// Index is the position of the offending value among the attribute's values,
	// or -1 when the problem is not about one value (missing attribute, too many
	// values).
	Index int
}

// Error implements error.
func (e *AttributeError) Error() string {
	var b strings.Builder
	b.WriteString("awsrole: ")
	if e.Attribute != "" {
		b.WriteString(e.Attribute)
		if e.Index >= 0 {
			b.WriteString("[")
			b.WriteString(strconv.Itoa(e.Index))
			b.WriteString("]")
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	if e.Rule != "" {
		b.WriteString(" (rule ")
		b.WriteString(e.Rule)
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns the category and, when set, the finer cause, so that
// errors.Is matches either.
func (e *AttributeError) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Kind, e.Err}
	}
	return []error{e.Kind}
}

// maxEcho bounds how much of an offending value an error message repeats;
// maxEchoARN is the bound for ARNs and Role values, which are not secret.
const (
	maxEcho    = 72
	maxEchoARN = 256
)

// echo quotes at most maxEcho bytes of s (cut at a rune boundary) for an error
// message, marking a cut with "...".
func echo(s string) string {
	return echoN(s, maxEcho)
}

// echoARN is echo with the larger bound for ARNs and Role values.
func echoARN(s string) string {
	return echoN(s, maxEchoARN)
}

func echoN(s string, n int) string {
	if len(s) <= n {
		return strconv.Quote(s)
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "... (" + strconv.Itoa(len(s)) + " bytes)"
}

func newErr(attr string, index int, rule string, category, detail error, reason string) *AttributeError {
	return &AttributeError{Kind: category, Rule: rule, Reason: reason, Err: detail, Attribute: attr, Index: index}
}

package awsrole

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Sentinel categories. Every error returned by this package is an *AttributeError
// (or an errors.Join of them) that wraps exactly one of the categories below in
// Kind, and sometimes a finer sentinel or cause in Err; match them with errors.Is.
var (
	// ErrInvalidARN: an ARN does not have the syntax of an IAM role (B2.2) or
	// saml-provider (B2.1) ARN.
	ErrInvalidARN = errors.New("awsrole: invalid ARN")

	// ErrMissingRole: the Role attribute is absent or has no value (A3.1).
	ErrMissingRole = errors.New("awsrole: missing Role attribute")
	// ErrInvalidRole: a Role attribute value is not a valid role,provider pair
	// (A3.1-A3.3).
	ErrInvalidRole = errors.New("awsrole: invalid Role attribute value")

	// ErrMissingRoleSessionName: the RoleSessionName attribute is absent (A3.4).
	ErrMissingRoleSessionName = errors.New("awsrole: missing RoleSessionName attribute")
	// ErrInvalidRoleSessionName: the RoleSessionName is malformed or has more than
	// one value (A3.4).
	ErrInvalidRoleSessionName = errors.New("awsrole: invalid RoleSessionName")

	// ErrInvalidSessionDuration: the SessionDuration attribute is malformed or out
	// of range (A3.5).
	ErrInvalidSessionDuration = errors.New("awsrole: invalid SessionDuration")

	// ErrInvalidSourceIdentity: the SourceIdentity attribute is malformed (A3.6).
	ErrInvalidSourceIdentity = errors.New("awsrole: invalid SourceIdentity")

	// ErrInvalidTag: a PrincipalTag attribute has a bad key, a bad value or not
	// exactly one value (A3.7).
	ErrInvalidTag = errors.New("awsrole: invalid session tag")
	// ErrDuplicateTag: two session tag keys are equal ignoring case (A3.7).
	ErrDuplicateTag = errors.New("awsrole: duplicate session tag key")
	// ErrTooManyTags: more than 50 session tags (A3.7, B4.6).
	ErrTooManyTags = errors.New("awsrole: too many session tags")

	// ErrInvalidTransitiveTagKeys: the TransitiveTagKeys attribute has more than
	// 50 keys, a malformed key, or a key naming no session tag (A3.8).
	ErrInvalidTransitiveTagKeys = errors.New("awsrole: invalid TransitiveTagKeys")

	// ErrInvalidDurationSeconds: a DurationSeconds request is outside 900-43200
	// or exceeds the role's MaxSessionDuration (A4.2).
	ErrInvalidDurationSeconds = errors.New("awsrole: invalid DurationSeconds")
	// ErrInvalidMaxSessionDuration: a role MaxSessionDuration outside 3600-43200
	// (B2.4).
	ErrInvalidMaxSessionDuration = errors.New("awsrole: invalid MaxSessionDuration")

	// ErrInvalidProviderName: a name for a new SAML provider does not match
	// ^[\w._-]{1,128}$ (B1.1, B1.2).
	ErrInvalidProviderName = errors.New("awsrole: invalid SAML provider name")
)

// Finer sentinels, carried in AttributeError.Err next to a category.
var (
	// ErrARNWildcard: an ARN contains a wildcard ('*' or '?'); a Role names one
	// concrete role, never a pattern.
	ErrARNWildcard = errors.New("awsrole: wildcard in ARN")
	// ErrARNNotIAM: the ARN is well formed but belongs to another service (sts,
	// s3, ...) or is an IAM ARN of another resource type (user, policy, ...).
	ErrARNNotIAM = errors.New("awsrole: not an IAM role or saml-provider ARN")
	// ErrARNSpace: an ARN contains whitespace, a control character or a non-ASCII
	// character.
	ErrARNSpace = errors.New("awsrole: whitespace or control character in ARN")
	// ErrARNMismatch: the role and provider ARNs of one Role value are in
	// different partitions or accounts (A3.3).
	ErrARNMismatch = errors.New("awsrole: role and provider in different partitions or accounts")
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
	// Kind is the sentinel category (ErrInvalidRole, ErrInvalidRoleSessionName, ...).
	Kind error
	// Rule is the rule id (docs/rules.md) the input breaks, such as "A3.4".
	Rule string
	// Reason says what is wrong, including the AWS error text where one is known.
	Reason string
	// Err is an optional finer cause or nil: a sentinel such as
	// ErrARNWildcard, or, for a Role value holding a malformed ARN, the ARN's own
	// *AttributeError (which wraps ErrInvalidARN).
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

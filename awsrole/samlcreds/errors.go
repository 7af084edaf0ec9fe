package samlcreds

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/samlaws/samlaws/internal/awserr"
)

// Categories, for errors.Is. Invalid roles and DurationSeconds are reported
// with awsrole's category awsrole.ErrInvalid (an *awsrole.AttributeError).
var (
	// ErrAssertion: no usable assertion: the AssertionSource failed (its
	// error is the Error's Err), or the SAMLAssertion is empty, outside
	// 4-100000 characters (A6.1) or not the base64 of an XML document
	// (B4.1), checked before STS is called. The remedy is a fresh assertion
	// from the IdP.
	ErrAssertion = errors.New("samlcreds: no usable SAMLAssertion")
	// ErrInvalidConfig: the caller's configuration or request is wrong: a nil
	// client or assertion source, a Policy or PolicyARNs request parameter
	// outside what STS accepts (B4.1, checked before STS is called), or
	// credentials CredentialProcessJSON cannot print.
	ErrInvalidConfig = errors.New("samlcreds: invalid configuration")
	// ErrSTS: the AssumeRoleWithSAML call failed (a *RemoteError) or returned
	// an unusable answer (an *Error).
	ErrSTS = errors.New("samlcreds: AssumeRoleWithSAML failed")
)

// Error is this package's error for invalid input and unusable answers, in
// the module's one error shape (docs/design.md, Conventions). Its Error
// string is
//
//	samlcreds: <Reason> (rule <Rule>)[: <Err>]
//
// and never contains the assertion.
type Error struct {
	// Kind is the category, one of the Err* sentinels above.
	Kind error
	// Rule is the rule id broken, or "".
	Rule string
	// Reason says what is wrong.
	Reason string
	// Err is the underlying cause (an AssertionSource's or the file system's
	// error), or nil.
	Err error
}

// Error implements error.
func (e *Error) Error() string { return awserr.Local("samlcreds: ", e.Reason, e.Rule, e.Err) }

// Unwrap returns Kind and, when set, Err.
func (e *Error) Unwrap() []error { return awserr.Unwrap(e.Kind, e.Err) }

// RemoteError is an AssumeRoleWithSAML call that failed: what STS answered
// (or, when no answer arrived, the bounded text of the transport error in
// Message), the rule that explains it and a hint. Err is the client's error,
// so errors.As reaches *types.ExpiredTokenException, smithy.APIError and the
// rest, and errors.Is context.Canceled or context.DeadlineExceeded. Its Error
// string is
//
//	samlcreds: <Op>: <Code>: <Message> (HTTP <StatusCode>, request <RequestID>); <Hint> (rule <Rule>)
//
// with empty parts left out. It does not print Err, whose text could repeat
// the assertion (Message is withheld when it does).
type RemoteError struct {
	// Kind is the category, ErrSTS.
	Kind error
	// Op is the STS operation, "AssumeRoleWithSAML".
	Op string
	// StatusCode is the HTTP status, 0 when no answer arrived.
	StatusCode int
	// Code is STS's error code ("ExpiredTokenException"), or "".
	Code string
	// Message is STS's error message (bounded), or the transport error's text.
	Message string
	// RequestID is STS's request ID, for AWS support, or "".
	RequestID string
	// Err is the client's error.
	Err error
	// Rule is the rule id that explains the answer, such as "A4.4".
	Rule string
	// Hint says how to fix the problem, or "".
	Hint string
}

// Error implements error.
func (e *RemoteError) Error() string {
	var b strings.Builder
	b.WriteString(awserr.Remote("samlcreds: ", e.Op, awserr.Answer{StatusCode: e.StatusCode, Code: e.Code, Message: e.Message, RequestID: e.RequestID}))
	if e.Hint != "" {
		b.WriteString("; " + e.Hint)
	}
	if e.Rule != "" {
		b.WriteString(" (rule " + e.Rule + ")")
	}
	return b.String()
}

// Unwrap returns Kind and Err.
func (e *RemoteError) Unwrap() []error { return awserr.Unwrap(e.Kind, e.Err) }

func newErr(kind error, rule, reason string, cause error) *Error {
	return &Error{Kind: kind, Rule: rule, Reason: reason, Err: cause}
}

// quote quotes at most n bytes of s (cut at a rune boundary) for an error
// message, marking a cut with "...".
func quote(s string, n int) string {
	if len(s) <= n {
		return strconv.Quote(s)
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "... (" + strconv.Itoa(len(s)) + " bytes)"
}

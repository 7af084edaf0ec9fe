package awsrole

import (
	"errors"
	"strconv"
	"strings"

	"github.com/samlaws/samlaws/internal/errkind"
	"github.com/samlaws/samlaws/internal/textclip"
)

// Sentinel categories. Every error returned by this package is an *Error
// (or an errors.Join of them) whose Kind wraps exactly one of them; match them
// with errors.Is, and read the attribute, rule and reason from the
// *Error (errors.As). Attribute says which value failed (empty for a
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

// The finer kinds (Kind) and details (Err) of this package's *Error.
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

// Error is the error type of this package and of the packages built on it
// (awsrole/samlcreds, awsrole/iamsaml, awstest) for their own failures:
// invalid input, an unusable answer, a bad configuration. It has the module's
// one error shape (docs/design.md, Conventions); errors a remote service
// returned are a [RemoteError]. Its Error string is
//
//	<Package>: [<Attribute>[<Index>]: ]<Reason> (rule <Rule>)[: <Err>]
//
// with empty parts left out. Reason never contains more than a bounded prefix
// of an offending value, and never a secret or an assertion. The cause is
// printed except in errors of package awsrole, whose cause (a finer kind, or
// the ARN error inside a Role value) the Reason already states; errors.Is and
// errors.As reach it either way.
type Error struct {
	// Kind is the category: one of the Err* sentinels of the package that
	// returned the error (ErrInvalid, ErrMissing here; samlcreds.ErrSTS,
	// iamsaml.ErrIAM, awstest.ErrConfig, ...), or an unexported finer kind
	// wrapping one, so that errors.Is(err, pkg.ErrX) matches it.
	Kind error
	// Rule is the rule id (docs/rules.md) the input breaks, such as "A3.4",
	// or "".
	Rule string
	// Reason says what is wrong, including the AWS error text where one is
	// known, without the package prefix.
	Reason string
	// Err is the underlying cause, or nil: a finer sentinel such as the kind
	// of a malformed ARN, the ARN's own *Error for a Role value holding a
	// malformed ARN, an awsrole *Error inside an iamsaml one, a file system
	// error.
	Err error
	// Package names the package that returned the error ("awsrole",
	// "samlcreds", "iamsaml", "awstest"); the Error string begins with it.
	Package string
	// Attribute is the SAML attribute name (one of the Attr* constants, or a
	// PrincipalTag attribute name); empty when a value was parsed on its own,
	// for example by ParseRoleARN, and in the other packages' errors.
	Attribute string
	// Index is the position of the offending value among the attribute's
	// values, or -1 when the problem is not about one value (missing
	// attribute, too many values). It is read only when Attribute is set.
	Index int
}

// Error implements error.
func (e *Error) Error() string {
	body := e.Reason
	if e.Attribute != "" {
		where := e.Attribute
		if e.Index >= 0 {
			where += "[" + strconv.Itoa(e.Index) + "]"
		}
		body = where + ": " + body
	}
	var cause error
	if e.Package != pkgName {
		cause = e.Err
	}
	return errkind.Format(e.Package, body, e.Rule, cause)
}

// Unwrap returns the category and, when set, the cause, so that errors.Is
// matches either and errors.As reaches the cause.
func (e *Error) Unwrap() []error { return errkind.Unwrap(e.Kind, e.Err) }

// RemoteError is a call to a remote service (STS, IAM) that failed, like
// oauth2.RetrieveError: what the service answered (status, error code,
// message, request ID) when an answer arrived, and the client's error in Err,
// so that errors.As reaches smithy.APIError and the service's exception types
// (*types.ExpiredTokenException, ...), and errors.Is context.Canceled or
// context.DeadlineExceeded. awsrole/samlcreds and awsrole/iamsaml return it;
// a timeout is a RemoteError with StatusCode 0, never an *Error. Its Error
// string is
//
//	<Package>: <Op>: <Code>: <Message> (HTTP <StatusCode>, request <RequestID>); <Hint> (rule <Rule>)
//
// with empty parts left out. It does not print Err, whose text could repeat
// the request (an assertion); when no answer arrived, Message holds the
// bounded text of the transport error instead.
type RemoteError struct {
	// Kind is the category: samlcreds.ErrSTS or iamsaml.ErrIAM.
	Kind error
	// Op is the service operation, such as "AssumeRoleWithSAML" or
	// "ListRoles".
	Op string
	// StatusCode is the HTTP status, 0 when no answer arrived (timeout,
	// cancellation, DNS).
	StatusCode int
	// Code is the service's error code ("ExpiredTokenException",
	// "AccessDenied"), or "".
	Code string
	// Message is the service's error message (bounded), or the transport
	// error's text when no answer arrived; samlcreds withholds it when it
	// repeats the assertion.
	Message string
	// RequestID is the service's request ID, for AWS support, or "".
	RequestID string
	// Err is the client's error.
	Err error
	// Rule is the rule id (docs/rules.md) that explains the answer, such as
	// "A4.4", or "".
	Rule string
	// Hint says how to fix the problem, or "".
	Hint string
	// Package names the package that made the call ("samlcreds",
	// "iamsaml"); the Error string begins with it.
	Package string
}

// Error implements error.
func (e *RemoteError) Error() string {
	body := e.Op
	for _, s := range []string{e.Code, e.Message} {
		if s != "" {
			body += ": " + s
		}
	}
	var paren []string
	if e.StatusCode != 0 {
		paren = append(paren, "HTTP "+strconv.Itoa(e.StatusCode))
	}
	if e.RequestID != "" {
		paren = append(paren, "request "+e.RequestID)
	}
	if len(paren) > 0 {
		body += " (" + strings.Join(paren, ", ") + ")"
	}
	if e.Hint != "" {
		body += "; " + e.Hint
	}
	return errkind.Format(e.Package, body, e.Rule, nil)
}

// Unwrap returns the category and, when set, the client's error.
func (e *RemoteError) Unwrap() []error { return errkind.Unwrap(e.Kind, e.Err) }

// pkgName is this package's name, the Package of its errors.
const pkgName = "awsrole"

// maxEcho bounds how much of an offending value an error message repeats;
// maxEchoARN is the bound for ARNs and Role values, which are not secret.
const (
	maxEcho    = 72
	maxEchoARN = 256
)

// echo quotes at most maxEcho bytes of s (cut at a rune boundary) for an error
// message, marking a cut with "...".
func echo(s string) string {
	return textclip.Quote(s, maxEcho)
}

// echoARN is echo with the larger bound for ARNs and Role values.
func echoARN(s string) string {
	return textclip.Quote(s, maxEchoARN)
}

func newErr(attr string, index int, rule string, category, detail error, reason string) *Error {
	return &Error{Kind: category, Rule: rule, Reason: reason, Err: detail, Package: pkgName, Attribute: attr, Index: index}
}

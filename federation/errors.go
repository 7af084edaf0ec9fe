package federation

import (
	"errors"
	"strconv"

	"github.com/samlaws/samlaws/internal/errkind"
	"github.com/samlaws/samlaws/internal/textclip"
)

// Sentinel categories. Every error returned by this package is an *Error whose
// Kind wraps exactly one of these; match them with errors.Is. Which value or
// rule failed is in the *Error's Rule and Reason (errors.As).
var (
	// ErrInvalid: an input is malformed, names nothing AWS has, or is not
	// what AWS accepts: an Entra identifier or audience (A1.6, A1.7), a Reply
	// URL (A1.8), a URL that is not an AWS sign-in SAML endpoint (of the
	// expected partition: look-alike hosts, ports, user info, queries, other
	// paths and case variants, A1.1-A1.3, A1.8), a partition (B2.1) or region
	// (A1.2) with no known endpoint (A1.3-A1.5), a SAML provider ID (A1.4,
	// B1.4), a trust policy (B2.5, B3.1) or an appRoles document (C4.1-C4.4,
	// C4.6). Callers reject the value either way; the Kind's text (such as
	// "federation: audience mismatch") and Reason say which it was.
	ErrInvalid = errors.New("federation: invalid input")

	// ErrReplyURLInstance: a Reply URL (ACS URL, Recipient or Destination) ends in
	// an Entra instance suffix such as "#2". AWS answers HTTP 400; the suffix
	// belongs in the Identifier only (A1.6, A1.8, C2.1).
	ErrReplyURLInstance = errors.New("federation: Reply URL carries an instance suffix")

	// ErrNotImportable: the Entra AWS provisioning connector cannot import the
	// role (C4.5, C4.6).
	ErrNotImportable = errors.New("federation: role not importable by Entra")

	// ErrNotAuthorized: a role trust policy does not let this SAML request
	// assume the role ([TrustPolicy.Authorize]): no Allow statement covers the
	// provider, an action and the request's condition keys, or a Deny
	// statement does (B3.1-B3.3). STS answers AccessDenied "Not authorized to
	// perform sts:AssumeRoleWithSAML" (B4.4).
	ErrNotAuthorized = errors.New("federation: not authorized by the trust policy")
)

// kind returns a finer, unexported kind wrapping a category: the Kind of an
// Error, whose text names what is wrong in words.
func kind(msg string, category error) error {
	return errkind.New("federation: "+msg, "", category)
}

// The finer kinds.
var (
	errInvalidIdentifier  = kind("invalid identifier", ErrInvalid)
	errAudienceMismatch   = kind("audience mismatch", ErrInvalid)
	errInvalidReplyURL    = kind("invalid Reply URL", ErrInvalid)
	errNotSignInEndpoint  = kind("not an AWS sign-in SAML endpoint", ErrInvalid)
	errUnknownPartition   = kind("unknown partition", ErrInvalid)
	errInvalidRegion      = kind("invalid region", ErrInvalid)
	errNoEndpoint         = kind("no known endpoint", ErrInvalid)
	errInvalidProviderID  = kind("invalid SAML provider ID", ErrInvalid)
	errInvalidTrustPolicy = kind("invalid trust policy", ErrInvalid)
	errInvalidAppRoles    = kind("invalid appRoles", ErrInvalid)
)

// Error is the one typed error of this package: use errors.As to get the rule
// and the reason of a failure. Its Error string is
//
//	federation: <Reason> (rule <Rule>)[: <Err>]
//
// Unwrap returns Kind (one of the sentinels above) and, when present, Err (the
// underlying cause, for example an awsrole ARN error), so errors.Is matches
// both.
//
// Error strings never echo values that may come from a SAML assertion (an
// audience, a Recipient): they describe the problem instead. Configuration
// values (partitions, regions, Reply URLs, trust policy ARNs) are quoted and
// truncated.
type Error struct {
	// Rule is the id of the rule the input breaks, such as "A1.6" (docs/rules.md).
	Rule string
	// Kind is the sentinel category, such as errInvalidIdentifier.
	Kind error
	// Reason is a human-readable explanation, without the package prefix.
	Reason string
	// Err is the underlying cause, or nil.
	Err error
}

// Error implements the error interface.
func (e *Error) Error() string {
	return errkind.Format("federation", e.Reason, e.Rule, e.Err)
}

// Unwrap returns Kind and Err (when not nil), for errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	errs := make([]error, 0, 2)
	if e.Kind != nil {
		errs = append(errs, e.Kind)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

func newErr(rule string, kind error, cause error, reason string) *Error {
	return &Error{Rule: rule, Kind: kind, Reason: reason, Err: cause}
}

// quote returns s quoted with strconv.Quote, cut to at most n bytes of input
// (on a rune boundary) with "..." appended when cut. It is used only for
// configuration values, never for assertion contents.
func quote(s string, n int) string {
	if len(s) <= n {
		return strconv.Quote(s)
	}
	return strconv.Quote(textclip.Prefix(s, n)) + "..."
}

package federation

import (
	"errors"
	"strconv"
	"unicode/utf8"
)

// Sentinel categories. Every error returned by this package is an *Error that
// wraps exactly one of these in Kind; match them with errors.Is.
var (
	// ErrInvalidIdentifier: an Entra identifier or SAML audience is malformed:
	// empty, too long, not UTF-8, containing whitespace or control characters,
	// not an absolute URI, or carrying a fragment other than a plain instance
	// suffix "#N" (A1.6).
	ErrInvalidIdentifier = errors.New("federation: invalid identifier")

	// ErrAudienceMismatch: an audience is not the expected one, nor one AWS
	// accepts for the partition (A1.6, A1.7).
	ErrAudienceMismatch = errors.New("federation: audience mismatch")

	// ErrReplyURLInstance: a Reply URL (ACS URL, Recipient or Destination) ends in
	// an Entra instance suffix such as "#2". AWS answers HTTP 400; the suffix
	// belongs in the Identifier only (A1.6, A1.8, C2.1).
	ErrReplyURLInstance = errors.New("federation: Reply URL carries an instance suffix")

	// ErrInvalidReplyURL: a Reply URL is malformed or carries some other
	// fragment (A1.8).
	ErrInvalidReplyURL = errors.New("federation: invalid Reply URL")

	// ErrNotSignInEndpoint: a URL is not an AWS sign-in SAML endpoint of any
	// partition, or not one of the expected partition; look-alike hosts,
	// ports, user info, queries, other paths and case variants all land here
	// (A1.1-A1.3, A1.8).
	ErrNotSignInEndpoint = errors.New("federation: not an AWS sign-in SAML endpoint")

	// ErrUnknownPartition: a partition that is not one of the AWS partitions
	// awsrole knows (B2.1).
	ErrUnknownPartition = errors.New("federation: unknown partition")

	// ErrInvalidRegion: a region name that is malformed or belongs to another
	// partition (A1.2).
	ErrInvalidRegion = errors.New("federation: invalid region")

	// ErrNoEndpoint: no sign-in endpoint, metadata URL or SP entity ID is known
	// for the partition (or region), and this package does not guess one
	// (A1.3-A1.5).
	ErrNoEndpoint = errors.New("federation: no known endpoint")

	// ErrInvalidProviderID: an IAM SAML provider unique ID (SAMLProviderUUID) is
	// not 22-64 characters of [A-Z0-9] (A1.4, B1.4).
	ErrInvalidProviderID = errors.New("federation: invalid SAML provider ID")

	// ErrInvalidTrustPolicy: a trust policy document is malformed, too large, or
	// uses a construct this package refuses to interpret (B2.5, B3.1).
	ErrInvalidTrustPolicy = errors.New("federation: invalid trust policy")

	// ErrNotImportable: the Entra AWS provisioning connector cannot import the
	// role (C4.5, C4.6).
	ErrNotImportable = errors.New("federation: role not importable by Entra")

	// ErrInvalidAppRoles: a saved Microsoft Graph appRoles document cannot be
	// read, or a role cannot become an appRole (C4.1-C4.4, C4.6).
	ErrInvalidAppRoles = errors.New("federation: invalid appRoles")
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
	// Kind is the sentinel category, such as ErrInvalidIdentifier.
	Kind error
	// Reason is a human-readable explanation, without the package prefix.
	Reason string
	// Err is the underlying cause, or nil.
	Err error
}

// Error implements the error interface.
func (e *Error) Error() string {
	s := "federation: " + e.Reason
	if e.Rule != "" {
		s += " (rule " + e.Rule + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
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
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "..."
}

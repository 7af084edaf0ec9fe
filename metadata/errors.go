package metadata

import (
	"errors"

	"github.com/samlaws/samlaws/internal/errkind"
	"github.com/samlaws/samlaws/internal/xmlread"
)

// Sentinel categories for errors.Is, one per kind of failure a caller acts
// on. Every error the package returns wraps exactly one of them inside an
// [*Error]; Error.Rule says which rule failed (D4.8 for a hostile document,
// B1.1 or A5.4 for one IAM refuses, ...).
//   - ErrUnusable: the document is at fault; use another one.
//   - ErrSignature: the document is not authentic; do not trust it.
//   - ErrFetch: the download failed; retrying may help.
//   - ErrInvalidOption: the call is at fault.
var (
	// ErrUnusable: the document cannot serve its purpose: it is not
	// well-formed XML or not SAML metadata; it is hostile (a DTD or entity
	// declarations, or a size, depth, token or attribute budget exceeded,
	// rule D4.8); or it parses but is, for example, an IdP with no signing
	// certificate or no SingleSignOnService, past its validUntil, or a
	// document IAM's CreateSAMLProvider would refuse (rules B1.1, A5.4).
	ErrUnusable = errors.New("metadata: unusable document")
	// ErrSignature: the document's own signature is missing, malformed, uses a
	// disallowed algorithm, or does not verify against the pinned certificates.
	ErrSignature = errors.New("metadata: signature check failed")
	// ErrFetch: the document could not be fetched or read.
	ErrFetch = errors.New("metadata: fetch failed")
	// ErrInvalidOption: a caller-supplied option is invalid.
	ErrInvalidOption = errors.New("metadata: invalid option")
)

// Finer kinds, for the package's own tests: they wrap a category.
var (
	// errMalformed: not well-formed XML, or not SAML metadata.
	errMalformed = errkind.New("metadata: malformed document", "malformed", ErrUnusable)
	// errHostile: a DTD, an entity declaration or an exceeded budget (D4.8).
	errHostile = errkind.New("metadata: hostile document", "hostile", errMalformed)
	// errIAM: IAM's CreateSAMLProvider would refuse the document (B1.1, A5.4).
	errIAM = errkind.New("metadata: not acceptable to IAM", "iam", ErrUnusable)
)

// Error is the package's typed error for errors.As, in the module's error
// shape (docs/design.md, Conventions). Its Error string is
//
//	metadata: <Reason> (rule <Rule>)[: <Err>]
//
// and never contains document content other than element names, entity IDs
// and certificate thumbprints.
type Error struct {
	// Kind is the category (ErrUnusable, ErrSignature, ...), or a finer,
	// unexported kind that wraps it; match it with errors.Is.
	Kind error
	// Rule is the id of the rule in docs/rules.md the check implements ("C1.3",
	// "A5.4"), or "".
	Rule string
	// Reason is a short description of what is wrong.
	Reason string
	// Err is the underlying cause, if any.
	Err error
}

// Error implements error.
func (e *Error) Error() string {
	var cause error
	if e.Err != nil && !internalCause(e.Err) {
		cause = e.Err
	}
	return errkind.Format("metadata", e.Reason, e.Rule, cause)
}

// Unwrap returns the category and the cause, for errors.Is and errors.As.
func (e *Error) Unwrap() []error { return errkind.Unwrap(e.Kind, e.Err) }

func newErr(kind error, rule, reason string, cause error) *Error {
	return &Error{Kind: kind, Rule: rule, Reason: reason, Err: cause}
}

// internalCause reports whether err comes from the package's XML reader,
// whose text names an internal package ("xmlread: ...") and only repeats
// the Reason; errors.Is and errors.As still reach it through Unwrap.
func internalCause(err error) bool {
	var xe *xmlread.Error
	return errors.As(err, &xe)
}

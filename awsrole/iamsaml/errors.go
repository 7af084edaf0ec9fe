package iamsaml

import (
	"errors"

	"github.com/samlaws/samlaws/internal/awserr"
)

// Categories, for errors.Is.
var (
	// ErrIAM: an IAM call failed or IAM's answer is unusable (C4.5).
	ErrIAM = errors.New("iamsaml: IAM request failed")
	// ErrInvalidOptions: an input cannot be used, whatever IAM holds: the
	// client is nil, an option is out of range, the IdP metadata is one IAM
	// would refuse (B1.1), or ForEachAccount has no Config or its operation
	// panicked in an account.
	ErrInvalidOptions = errors.New("iamsaml: invalid options")
)

// Error is this package's error for invalid input and unusable answers, in
// the module's one error shape (docs/design.md, Conventions). Its Error
// string is
//
//	iamsaml: <Reason> (rule <Rule>)[: <Err>]
type Error struct {
	// Kind is the category: ErrIAM or ErrInvalidOptions.
	Kind error
	// Rule is the rule id broken, or "".
	Rule string
	// Reason says what is wrong.
	Reason string
	// Err is the underlying cause, or nil.
	Err error
}

// Error implements error.
func (e *Error) Error() string { return awserr.Local("iamsaml: ", e.Reason, e.Rule, e.Err) }

// Unwrap returns Kind and, when set, Err.
func (e *Error) Unwrap() []error { return awserr.Unwrap(e.Kind, e.Err) }

// RemoteError is an IAM call that failed: IAM's answer (status, error code,
// message, request ID) when one arrived, and the SDK's error in Err, so that
// errors.As reaches smithy.APIError and the service's exception types, and
// errors.Is context.Canceled or context.DeadlineExceeded. Its Error string is
//
//	iamsaml: <Op>: <Code>: <Message> (HTTP <StatusCode>, request <RequestID>)[: <Err>]
//
// with empty parts left out.
type RemoteError struct {
	// Kind is the category, ErrIAM.
	Kind error
	// Op is the IAM operation, such as "ListRoles".
	Op string
	// StatusCode is the HTTP status, 0 when no answer arrived.
	StatusCode int
	// Code is IAM's error code ("AccessDenied"), or "".
	Code string
	// Message is IAM's error message (bounded), or "".
	Message string
	// RequestID is IAM's request ID, or "".
	RequestID string
	// Err is the SDK's error.
	Err error
}

// Error implements error.
func (e *RemoteError) Error() string {
	s := awserr.Remote("iamsaml: ", e.Op, awserr.Answer{StatusCode: e.StatusCode, Code: e.Code, Message: e.Message, RequestID: e.RequestID})
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns Kind and Err.
func (e *RemoteError) Unwrap() []error { return awserr.Unwrap(e.Kind, e.Err) }

func newErr(kind error, rule, reason string, cause error) *Error {
	return &Error{Kind: kind, Rule: rule, Reason: reason, Err: cause}
}

func remoteErr(kind error, op string, err error) *RemoteError {
	a := awserr.Describe(err)
	return &RemoteError{Kind: kind, Op: op, StatusCode: a.StatusCode, Code: a.Code, Message: a.Message, RequestID: a.RequestID, Err: err}
}

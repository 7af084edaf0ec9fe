package iamsaml

import (
	"errors"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/internal/awserr"
)

// Categories, for errors.Is. This package's errors are an *awsrole.Error
// (invalid input, an unusable answer) or an *awsrole.RemoteError (an IAM call
// that failed: IAM's code, message, HTTP status and request ID, the SDK's
// error reachable with errors.As), with Package "iamsaml" and one of these as
// Kind (docs/design.md, Conventions).
var (
	// ErrIAM: an IAM call failed (*awsrole.RemoteError) or IAM's answer is
	// unusable (*awsrole.Error) (C4.5).
	ErrIAM = errors.New("iamsaml: IAM request failed")
	// ErrInvalidOptions: an input cannot be used, whatever IAM holds: the
	// client is nil, an option is out of range, the IdP metadata is one IAM
	// would refuse (B1.1), or ForEachAccount has no Config or its operation
	// panicked in an account.
	ErrInvalidOptions = errors.New("iamsaml: invalid options")
)

// pkgName is the Package of this package's errors.
const pkgName = "iamsaml"

func newErr(kind error, rule, reason string, cause error) *awsrole.Error {
	return &awsrole.Error{Kind: kind, Rule: rule, Reason: reason, Err: cause, Package: pkgName, Index: -1}
}

func remoteErr(kind error, op string, err error) *awsrole.RemoteError {
	return awserr.Remote(pkgName, kind, op, err)
}

package samlcreds

import (
	"errors"

	"github.com/samlaws/samlaws/awsrole"
)

// Categories, for errors.Is. This package's errors are an *awsrole.Error
// (invalid input, an unusable answer) or an *awsrole.RemoteError (a failed
// AssumeRoleWithSAML call, with the rule that explains it and a hint), with
// Package "samlcreds" and one of these as Kind (docs/design.md,
// Conventions); neither ever contains the assertion. Invalid roles and
// DurationSeconds are reported with awsrole's category awsrole.ErrInvalid
// (an *awsrole.Error of Package "awsrole").
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
	// ErrSTS: the AssumeRoleWithSAML call failed (an *awsrole.RemoteError)
	// or returned an unusable answer (an *awsrole.Error).
	ErrSTS = errors.New("samlcreds: AssumeRoleWithSAML failed")
)

// pkgName is the Package of this package's errors.
const pkgName = "samlcreds"

func newErr(kind error, rule, reason string, cause error) *awsrole.Error {
	return &awsrole.Error{Kind: kind, Rule: rule, Reason: reason, Err: cause, Package: pkgName, Index: -1}
}

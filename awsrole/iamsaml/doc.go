// Package iamsaml holds the IAM operations of SAML federation: the calls that
// need an IAM client, kept apart from the pure attribute model of
// [github.com/samlaws/samlaws/awsrole] and the pure rules of
// [github.com/samlaws/samlaws/federation], so that programs which only parse
// ARNs or metadata link no AWS service client (docs/design.md, Conventions).
//
// [ImportableRoles] lists the roles Entra's AWS provisioning connector could
// import, and with which saml-provider (C4.5, C4.6). The client is an
// interface that *iam.Client from aws-sdk-go-v2's service/iam satisfies.
//
// Errors: a failed call is an *[awsrole.RemoteError] (HTTP status, IAM error
// code, request ID; errors.As reaches the SDK's error types); invalid input
// and an unusable answer are an *[awsrole.Error]. Both have Package "iamsaml"
// and wrap a category for errors.Is: [ErrIAM], [ErrInvalidOptions],
// [ErrUnsafe] or [ErrChanged].
package iamsaml

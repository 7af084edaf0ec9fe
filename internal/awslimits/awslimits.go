// Package awslimits holds the AWS input limits that several packages of this
// module check or print (the verifier, the STS and IAM helpers, the fake AWS,
// the CLI). They are facts of the AWS APIs, not choices of this module; the
// public packages state them in their documentation and errors.
package awslimits

// The length of a SAMLAssertion (the base64 of the whole samlp:Response) STS
// accepts (A6.1).
const (
	// MinAssertionChars is the shortest SAMLAssertion STS accepts.
	MinAssertionChars = 4
	// MaxAssertionChars is the longest SAMLAssertion STS accepts: 100000
	// characters.
	MaxAssertionChars = 100000
)

// Session length limits, in seconds.
const (
	// MinSessionSeconds is the shortest SessionDuration or DurationSeconds (A3.5, A4.2).
	MinSessionSeconds = 900
	// MaxSessionSeconds is the longest SessionDuration or DurationSeconds (A3.5, A4.2).
	MaxSessionSeconds = 43200
)

// MaxPolicyDocumentLength is the largest AssumeRolePolicyDocument, in
// characters, that the IAM model allows (B2.5). Account quotas on trust
// policy length are lower (2,048 characters by default, per the IAM quotas
// page); nothing here checks them.
const MaxPolicyDocumentLength = 131072

// MaxImportPairLength bounds the role ARN and the saml-provider ARN of a role
// Entra's provisioning connector imports: their combined length, without the
// comma between them, must be under 240 (C4.6).
const MaxImportPairLength = 240

// Package awsrole models the AWS SAML attributes as Go types: IAM role and
// saml-provider ARNs for every AWS partition, the Role attribute (a role ARN paired
// with a provider ARN), RoleSessionName, SessionDuration, SourceIdentity, session
// tags (PrincipalTag:*) and TransitiveTagKeys.
//
// Every parser validates against the rules AWS applies (rule numbers such as A3.4 and
// B2.2 are defined in the repository's docs/rules.md), returns values whose String method gives
// the canonical form, and fails closed: bad input yields an *AttributeError that
// names the rule it breaks and wraps a sentinel category for errors.Is. Error
// messages repeat the text AWS itself answers where it is known, and never echo more
// than a bounded prefix of the offending value.
//
// [ParseAttributes] gathers all of the above from the attribute map of a SAML
// assertion and reports every problem at once (errors.Join); [Attributes.Values]
// is its inverse, for minting assertions. [EffectiveSession] computes how long a
// console or API session lasts and which bound decided it.
//
// [AssumeRoleWithSAML] and [SAMLRoleProvider] (an aws.CredentialsProvider, to be
// wrapped in aws.NewCredentialsCache) exchange a base64 SAMLResponse from an
// [AssertionSource] for temporary credentials through a narrow
// [AssumeRoleWithSAMLAPIClient] such as *sts.Client (B4). They reject locally
// what STS would reject anyway (A6.1, A3.3, A4.2, B4.1), pass STS errors through
// wrapped (errors.As finds *types.ExpiredTokenException and the others) with a
// hint, and never put the assertion or secrets in an error or log.
//
// Apart from that I/O (through the client and source the caller supplies, and
// AssertionFile reading its file), the package is pure: no clock, no
// package-level mutable state.
package awsrole

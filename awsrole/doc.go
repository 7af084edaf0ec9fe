// Package awsrole models the AWS SAML attributes as Go types: IAM role and
// saml-provider ARNs for every AWS partition, the Role attribute (a role ARN paired
// with a provider ARN), RoleSessionName, SessionDuration, SourceIdentity, session
// tags (PrincipalTag:*) and TransitiveTagKeys.
//
// Every parser validates against the rules AWS applies (rule numbers such as A3.4 and
// B2.2 are defined in the repository's docs/rules.md), returns values whose String method gives
// the canonical form, and fails closed: bad input yields an *Error that
// names the rule it breaks and wraps a sentinel category for errors.Is. Error
// messages repeat the text AWS itself answers where it is known, and never echo more
// than a bounded prefix of the offending value.
//
// [ParseAttributes] gathers all of the above from the attribute map of a SAML
// assertion and reports every problem at once (errors.Join); [Attributes.Values]
// is its inverse, for minting assertions. [EffectiveSession] computes how long a
// console or API session lasts and which bound decided it.
//
// The package is pure: no I/O, no clock, no package-level mutable state, and
// no AWS SDK dependency. Exchanging an assertion for credentials with STS
// (AssumeRoleWithSAML, an aws.CredentialsProvider) lives in
// [github.com/samlaws/samlaws/awsrole/samlcreds]; IAM operations (role import,
// SAML provider lifecycle) in [github.com/samlaws/samlaws/awsrole/iamsaml].
package awsrole

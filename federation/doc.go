// Package federation holds the identifiers, endpoints and trust rules that tie
// a Microsoft Entra ID enterprise application to AWS IAM SAML federation. All
// functions are pure: no I/O, no context, no clock, no package state. Listing
// the roles Entra's provisioning connector could import (C4.5, C4.6) needs an
// IAM client and lives in [github.com/samlaws/samlaws/awsrole/iamsaml].
//
// # Identifiers and audiences
//
// Entra insists that every enterprise application has a unique Identifier
// (Entity ID). A second AWS gallery app in the same tenant therefore uses
// "https://signin.aws.amazon.com/saml#2", a third "#3", and Entra strips the
// suffix before it writes <Audience> (rules A1.6, C2.1). [ParseIdentifier]
// splits such an identifier into its audience (the value without "#N") and
// instance number; two identifiers name the same audience when their Audience
// fields are equal. The rules are deliberately narrow: only one
// trailing "#N" with N = 1..9999, written without sign or leading
// zero, is removed; comparison is then an exact byte comparison. Prefixes,
// suffixes, case, ports (":443" too), user info, queries, trailing slashes,
// percent-encoding, whitespace and any other fragment never match.
//
//	id, _ := federation.ParseIdentifier("https://signin.aws.amazon.com/saml#2")
//	// id.Audience == "https://signin.aws.amazon.com/saml", id.Instance == 2
//
// The suffix belongs in the Identifier only. A Reply URL (ACS URL, and so the
// Response Destination and the Recipient) carrying "#N" makes AWS answer HTTP
// 400; [CheckReplyURL] detects this and says what to change.
//
// # Sign-in endpoints
//
// [SignInEndpoint] returns the SAML endpoint of AWS sign-in for a partition and
// region (A1.1-A1.3): https://signin.aws.amazon.com/saml, its regional forms
// https://{region}.signin.aws.amazon.com/saml (us-east-1 is the unprefixed
// host), and the aws-cn, aws-us-gov, aws-iso and aws-iso-b hosts. For aws-iso-e
// and aws-iso-f no endpoint is known and the functions return ErrInvalid
// rather than guess. The non-commercial hosts come from field reports (aws-cdk
// and federation CLIs), not from an AWS user guide.
//
// [ParseSignInEndpoint] goes the other way and rejects look-alike hosts; [CheckAudience] checks an
// assertion's Recipient and Audience against what AWS accepts for a partition
// (A1.7-A1.9). [MetadataURL] and [SPEntityID] give the
// AWS SP metadata locations and entity IDs (A1.4, A1.5).
//
// # Trust policies
//
// [NewTrustPolicy] writes the AssumeRolePolicyDocument of a role that SAML
// users may assume (B3.1, B3.2), as deterministic JSON. [ParseTrustPolicy]
// reads an existing one, in JSON or in the URL-encoded form IAM's GetRole and
// ListRoles return, and lists the saml-provider principals it trusts; it is
// strict (case-sensitive element names, no duplicate keys, size limit B2.5)
// and documents how it treats Deny and NotPrincipal. [ImportableProvider]
// says whether Entra's AWS provisioning connector can import a role (exactly
// one saml-provider and a role,provider pair shorter than 240 characters, C4.6)
// and, when it cannot, why.
//
// # STS-computed values
//
// [NameQualifier] computes the NameQualifier (saml:namequalifier) STS derives
// from the issuer, account and provider name (B3.4), and [SubjectType] the
// SubjectType (saml:sub_type) it derives from the NameID Format (B3.5).
//
// # Errors
//
// Every error is an [*Error] carrying the rule number it enforces and wrapping
// one sentinel category ([ErrInvalid], [ErrReplyURLInstance],
// [ErrNotImportable], [ErrNotAuthorized]), so callers can use errors.Is for the category and errors.As for the detail.
// Messages never repeat values that may come from an assertion.
//
// Rule numbers (A1.6, B3.4, C4.6, ...) are defined, with their sources in the
// AWS, Entra and SAML 2.0 documentation, in the repository's docs/rules.md.
package federation

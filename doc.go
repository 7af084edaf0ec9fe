// Package samlaws is a toolkit for SAML single sign-on between Microsoft Entra ID
// (the identity provider) and AWS (the relying party: IAM SAML providers, STS
// AssumeRoleWithSAML and the console sign-in endpoint
// https://signin.aws.amazon.com/saml).
//
// The root package holds no code; the work is done by its packages, which compose
// in the order a federation is set up and used:
//
//   - [github.com/samlaws/samlaws/awsrole]: the AWS SAML attributes as types (Role,
//     RoleSessionName, SessionDuration, SourceIdentity, PrincipalTag:*,
//     TransitiveTagKeys), IAM role and saml-provider ARNs for every partition.
//   - [github.com/samlaws/samlaws/federation]: Entra identifiers and audiences
//     (https://signin.aws.amazon.com/saml#2), AWS sign-in endpoints per partition and
//     region, trust policies for SAML roles, NameQualifier and SubjectType as STS
//     computes them.
//   - [github.com/samlaws/samlaws/metadata]: federation metadata: parse (BOM and all),
//     verify its signature, inventory its certificates, generate documents IAM accepts.
//   - [github.com/samlaws/samlaws/saml]: build, sign, encrypt, parse and verify SAML
//     responses; [github.com/samlaws/samlaws/saml/samltest] is a test IdP that mints
//     Entra-shaped responses, in the spirit of net/http/httptest.
//   - [github.com/samlaws/samlaws/awstest]: an in-process fake of the IAM and STS
//     query APIs that real AWS SDK clients talk to.
//
// The rule numbers cited in comments, tests and CLI output (A3.4, B2.1, C1.3, D4.2,
// ...) are the rules of AWS, Entra and SAML 2.0 that the project implements; each is
// defined, with its source, in docs/rules.md (package [github.com/samlaws/samlaws/docs]
// embeds it, and "samlaws explain A3.4" prints one).
package samlaws

// Package samlcreds exchanges a SAML assertion for temporary AWS credentials
// with STS AssumeRoleWithSAML (B4), in the style of aws-sdk-go-v2's
// credentials/stscreds: [AssumeRoleWithSAML] for one call, and [Provider] (from
// [NewProvider]), an aws.CredentialsProvider to wrap in
// aws.NewCredentialsCache, fed by an [AssertionSource] (any function, or [AssertionFile])
// through a narrow [APIClient] such as *sts.Client.
// [CredentialProcessJSON] writes credentials as the credential_process
// command of an AWS CLI or SDK profile prints them.
//
// It rejects locally what STS would reject anyway (A6.1, A3.3, A4.2, B4.1),
// and reports a failed call as an *[awsrole.RemoteError] (STS's code, message, HTTP
// status and request ID, the rule that explains it and a hint; errors.As
// reaches *types.ExpiredTokenException and the other SDK types). The assertion
// and the secrets of the credentials never appear in an error or log.
//
// The attribute model it builds on ([github.com/samlaws/samlaws/awsrole]) links
// no AWS SDK code; this package is where the STS client comes in.
package samlcreds

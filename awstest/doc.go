// Package awstest is an in-process IAM and STS that checks SAML the way AWS
// does, in the spirit of net/http/httptest. Real clients (aws-sdk-go-v2's iam
// and sts, the AWS CLI, boto3) talk to it over loopback HTTP in the AWS query
// protocol, and it answers with the XML, error codes and HTTP statuses of the
// real services, so that the SDK's typed errors come out of errors.As.
//
// Unlike general AWS emulators, which hand out credentials for any
// assertion, AssumeRoleWithSAML validates the assertion with this project's
// verifier (package saml, AWS-compatible mode) against the metadata stored
// for the PrincipalArn, then applies what STS applies: the Role attribute
// pairing, the role's trust policy (federation.TrustPolicy.Authorize),
// DurationSeconds against MaxSessionDuration, SessionNotOnOrAfter, session
// tags and size limits (rules A and B1-B4 of docs/rules.md).
//
//	srv, err := awstest.NewServer(awstest.Config{Now: clock}) // Close it (t.Cleanup in tests)
//	cfg := srv.AWSConfig("")                 // BaseEndpoint, region, static credentials
//	iamc, stsc := iam.NewFromConfig(cfg), sts.NewFromConfig(cfg)
//	iamc.CreateSAMLProvider(ctx, ...)         // metadata from samltest
//	iamc.CreateRole(ctx, ...)                 // trust policy from federation.NewTrustPolicy
//	out, err := stsc.AssumeRoleWithSAML(ctx, ...) // err: *types.InvalidIdentityTokenException, ...
//
// The server holds several accounts, told apart by the caller's access key;
// credentials it issues work against it (GetCallerIdentity answers with the
// assumed-role ARN). AssumeRole takes such a role session into a role of any
// of its accounts, as STS does: the account root keys are refused, the
// role's trust policy must name the caller (its account, its role or its
// session) for sts:AssumeRole (and sts:TagSession, sts:SetSourceIdentity
// when used), and a chained session lasts at most an hour (A4.3); the
// credentials it issues act in the role's account. State can be inspected (Providers, Roles, Calls) and
// faults injected (latency, throttling, one-off errors for an operation).
// The same NewServer runs a server outside of tests, as `samlaws fake-aws`
// does. The server listens on loopback addresses only.
//
// What AWS does not document (the code of some errors, the packed-size
// algorithm, clock skew) is chosen as docs/design.md ("awstest") records.
package awstest

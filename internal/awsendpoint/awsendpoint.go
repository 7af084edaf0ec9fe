// Package awsendpoint holds the aws partition's sign-in endpoint and SP
// entityID as constants, for this module's defaults (the verifier, the test
// IdP, the minter, the CLI) and tests. They are facts of AWS, declared once
// here; users get them from federation.SignInEndpoint(awsrole.PartitionAWS, "")
// and federation.SPEntityID(awsrole.PartitionAWS), whose documentation states
// the values.
package awsendpoint

const (
	// GlobalSignIn is the AWS console SAML endpoint (ACS) of the aws
	// partition, and the Identifier and Reply URL of the Entra AWS gallery app
	// (A1.1, C2.1). It is served from us-east-1.
	GlobalSignIn = "https://signin.aws.amazon.com/saml"
	// GlobalStaticSignIn is the alternative ACS path the 2023 IAM user guide
	// also allows on the global host (A1.1).
	GlobalStaticSignIn = "https://signin.aws.amazon.com/static/saml"
	// SPEntityID is the entityID of the aws partition's SP metadata (A1.5).
	SPEntityID = "urn:amazon:webservices"
)

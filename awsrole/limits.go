package awsrole

// The length of a SAMLAssertion (the base64 of the whole samlp:Response) STS
// accepts (A6.1). The verifier and awsrole/samlcreds both use them.
const (
	// MinAssertionChars is the shortest SAMLAssertion STS accepts.
	MinAssertionChars = 4
	// MaxAssertionChars is the longest SAMLAssertion STS accepts: 100000
	// characters.
	MaxAssertionChars = 100000
)

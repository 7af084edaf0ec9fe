// Package trustreq builds the federation.SAMLRequest that a verified
// assertion makes, so that awstest's STS and "samlaws check --trust-policy"
// hand a role trust policy the same request (B3.3), and a value added to the
// request is added for both.
package trustreq

import (
	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/saml"
)

// FromAssertion returns the request an sts:AssumeRoleWithSAML call with the
// verified assertion a and PrincipalArn provider makes, as the role's trust
// policy sees it.
func FromAssertion(a *saml.Assertion, provider awsrole.ProviderARN) federation.SAMLRequest {
	return federation.SAMLRequest{
		Provider:          provider,
		Issuer:            a.Issuer,
		Recipient:         a.Recipient,
		NameID:            a.NameID,
		NameIDFormat:      a.NameIDFormat,
		Attributes:        a.Claims,
		SourceIdentity:    string(a.SourceIdentity),
		Tags:              a.Tags,
		TransitiveTagKeys: a.TransitiveTagKeys,
	}
}

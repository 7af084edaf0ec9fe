package federation_test

import (
	"errors"
	"fmt"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/federation"
)

// ExampleTrustPolicy_Authorize decides, as IAM would, whether a role's trust
// policy lets a SAML request assume the role (B3.1-B3.3).
func ExampleTrustPolicy_Authorize() {
	tp, err := federation.ParseTrustPolicy(`{
	  "Version": "2012-10-17",
	  "Statement": [{
	    "Effect": "Allow",
	    "Principal": {"Federated": "arn:aws:iam::123456789012:saml-provider/EntraID"},
	    "Action": "sts:AssumeRoleWithSAML",
	    "Condition": {
	      "StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"},
	      "StringLike": {"SAML:sub": "*@contoso.example"}
	    }
	  }]
	}`)
	if err != nil {
		fmt.Println(err)
		return
	}
	provider, _ := awsrole.ParseProviderARN("arn:aws:iam::123456789012:saml-provider/EntraID")
	req := federation.SAMLRequest{
		Provider:  provider,
		Issuer:    "https://sts.windows.net/8b966979-5d4b-4e1b-9c3b-6d2f4e2a1f00/",
		Recipient: "https://signin.aws.amazon.com/saml",
		NameID:    "b.simon@contoso.example",
	}
	fmt.Println(tp.Authorize(req))

	// Session tags also need sts:TagSession (B3.2).
	req.Tags = []awsrole.Tag{{Key: "Project", Value: "blue"}}
	err = tp.Authorize(req)
	fmt.Println(errors.Is(err, federation.ErrNotAuthorized))
	fmt.Println(err)
	// Output:
	// <nil>
	// true
	// federation: no statement allows sts:TagSession for provider "arn:aws:iam::123456789012:saml-provider/EntraID"; add sts:TagSession to the statement that allows sts:AssumeRoleWithSAML (rule B3.2)
}

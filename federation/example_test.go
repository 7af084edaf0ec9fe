package federation_test

import (
	"errors"
	"fmt"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/federation"
)

func ExampleParseIdentifier() {
	// The Identifier of the second AWS gallery app in an Entra tenant.
	id, err := federation.ParseIdentifier("https://signin.aws.amazon.com/saml#2")
	if err != nil {
		panic(err)
	}
	fmt.Println(id.Audience, id.Instance)

	// Only a plain #N is normalized; everything else is kept or refused. Two
	// identifiers name the same audience when their Audience fields are equal.
	for _, s := range []string{
		"https://signin.aws.amazon.com/saml#2",
		"https://signin.aws.amazon.com:443/saml",
		"https://signin.aws.amazon.com/saml#02",
		"https://signin.aws.amazon.com/saml/",
	} {
		got, err := federation.ParseIdentifier(s)
		fmt.Println(err == nil && got.Audience == id.Audience)
	}
	// Output:
	// https://signin.aws.amazon.com/saml 2
	// true
	// false
	// false
	// false
}

func ExampleCheckReplyURL() {
	err := federation.CheckReplyURL("https://signin.aws.amazon.com/saml#2")
	fmt.Println(errors.Is(err, federation.ErrReplyURLInstance))
	fmt.Println(err)
	// Output:
	// true
	// federation: Reply URL ends in the Entra instance suffix "#2"; AWS rejects a Recipient or Destination that carries it (HTTP 400): remove "#2" from the Reply URL (Assertion Consumer Service URL) and keep it only in the Identifier (Entity ID) (rule C2.1)
}

func ExampleSignInEndpoint() {
	for _, c := range []struct {
		p awsrole.Partition
		r string
	}{
		{awsrole.PartitionAWS, ""},
		{awsrole.PartitionAWS, "us-east-1"},
		{awsrole.PartitionAWS, "eu-west-1"},
		{awsrole.PartitionAWSUSGov, "us-gov-east-1"},
		{awsrole.PartitionAWSCN, ""},
	} {
		u, _ := federation.SignInEndpoint(c.p, c.r)
		fmt.Println(u)
	}
	_, err := federation.SignInEndpoint(awsrole.PartitionAWSISOE, "")
	fmt.Println(errors.Is(err, federation.ErrInvalid))
	// Output:
	// https://signin.aws.amazon.com/saml
	// https://signin.aws.amazon.com/saml
	// https://eu-west-1.signin.aws.amazon.com/saml
	// https://us-gov-east-1.signin.amazonaws-us-gov.com/saml
	// https://signin.amazonaws.cn/saml
	// true
}

func ExampleParseSignInEndpoint() {
	ep, err := federation.ParseSignInEndpoint("https://ap-southeast-2.signin.aws.amazon.com/saml")
	fmt.Println(ep.Partition, ep.Region, err)

	_, err = federation.ParseSignInEndpoint("https://signin.aws.amazon.com.example.net/saml")
	fmt.Println(errors.Is(err, federation.ErrInvalid))
	// Output:
	// aws ap-southeast-2 <nil>
	// true
}

func ExampleMetadataURL() {
	u, _ := federation.MetadataURL(awsrole.PartitionAWS, "eu-west-1", "")
	fmt.Println(u)
	// A provider that requires encrypted assertions has its own URL (A1.4).
	u, _ = federation.MetadataURL(awsrole.PartitionAWS, "eu-west-1", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
	fmt.Println(u)
	// Output:
	// https://eu-west-1.signin.aws.amazon.com/static/saml-metadata.xml
	// https://eu-west-1.signin.aws.amazon.com/static/saml/ABCDEFGHIJKLMNOPQRSTUVWXYZ/saml-metadata.xml
}

func ExampleNewTrustPolicy() {
	provider, err := awsrole.ParseProviderARN("arn:aws:iam::123456789012:saml-provider/EntraID")
	if err != nil {
		panic(err)
	}
	doc, err := federation.NewTrustPolicy(federation.TrustPolicyOptions{
		Providers:        []awsrole.ProviderARN{provider},
		RegionalAudience: true,
		TagSession:       true,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(string(doc))
	// Output:
	// {
	//   "Version": "2012-10-17",
	//   "Statement": [
	//     {
	//       "Effect": "Allow",
	//       "Principal": {
	//         "Federated": "arn:aws:iam::123456789012:saml-provider/EntraID"
	//       },
	//       "Action": [
	//         "sts:AssumeRoleWithSAML",
	//         "sts:TagSession"
	//       ],
	//       "Condition": {
	//         "StringLike": {
	//           "SAML:aud": [
	//             "https://signin.aws.amazon.com/saml",
	//             "https://*.signin.aws.amazon.com/saml"
	//           ]
	//         }
	//       }
	//     }
	//   ]
	// }
}

func ExampleParseTrustPolicy() {
	// AssumeRolePolicyDocument as IAM's GetRole returns it: URL-encoded.
	const fromIAM = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C" +
		"%22Principal%22%3A%7B%22Federated%22%3A%22arn%3Aaws%3Aiam%3A%3A123456789012%3Asaml-provider%2FEntraID%22%7D%2C" +
		"%22Action%22%3A%22sts%3AAssumeRoleWithSAML%22%7D%5D%7D"
	tp, err := federation.ParseTrustPolicy(fromIAM)
	if err != nil {
		panic(err)
	}
	fmt.Println(tp.Providers)

	role, _ := awsrole.ParseRoleARN("arn:aws:iam::123456789012:role/Admins")
	p, err := tp.ImportableProvider(role)
	fmt.Println(p, err)
	// Output:
	// [arn:aws:iam::123456789012:saml-provider/EntraID]
	// arn:aws:iam::123456789012:saml-provider/EntraID <nil>
}

func ExampleTrustPolicy_ImportableProvider() {
	role, _ := awsrole.ParseRoleARN("arn:aws:iam::123456789012:role/Admins")
	twoProviders := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Principal":{"Federated":["arn:aws:iam::123456789012:saml-provider/EntraID",
		                          "arn:aws:iam::123456789012:saml-provider/Okta"]},
		"Action":"sts:AssumeRoleWithSAML"}]}`
	tp, err := federation.ParseTrustPolicy(twoProviders)
	if err != nil {
		panic(err)
	}
	_, err = tp.ImportableProvider(role)
	fmt.Println(errors.Is(err, federation.ErrNotImportable))
	fmt.Println(err)
	// Output:
	// true
	// federation: role cannot be imported by Entra: the trust policy trusts 2 saml-providers; Entra imports only roles that trust exactly one (rule C4.6)
}

func ExampleNameQualifier() {
	// The documented example: Base64(SHA1("https://example.com/saml" + "123456789012" + "/MySAMLIdP")).
	fmt.Println(federation.NameQualifier("https://example.com/saml", "123456789012", "MySAMLIdP"))
	// Output:
	// 1uAJanUnBc2XeUkHURMht+xam2c=
}

func ExampleSubjectType() {
	fmt.Println(federation.SubjectType("urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"))
	fmt.Println(federation.SubjectType("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"))
	// Output:
	// persistent
	// urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress
}

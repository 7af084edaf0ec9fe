package samlcreds_test

import (
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/samlaws/samlaws/awsrole/samlcreds"
)

// A command named by credential_process in ~/.aws/config prints the
// credentials it got (here fixed; in production Result.Credentials from
// AssumeRoleWithSAML, or Provider.Retrieve) and exits 0:
//
//	[profile entra]
//	credential_process = /usr/local/bin/my-saml-login --role arn:aws:iam::123456789012:role/EntraAdmin
func ExampleCredentialProcessJSON() {
	creds := aws.Credentials{
		AccessKeyID:     "ASIAEXAMPLE123456789",
		SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		SessionToken:    "FwoGZXIvYXdzEXAMPLETOKEN",
		CanExpire:       true,
		Expires:         time.Date(2027, 6, 1, 11, 0, 0, 0, time.UTC),
		AccountID:       "123456789012",
	}
	out, err := samlcreds.CredentialProcessJSON(creds)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Stdout.Write(out)
	// Output:
	// {"Version":1,"AccessKeyId":"ASIAEXAMPLE123456789","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY","SessionToken":"FwoGZXIvYXdzEXAMPLETOKEN","Expiration":"2027-06-01T11:00:00Z","AccountId":"123456789012"}
}

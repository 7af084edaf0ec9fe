// Command saml-credentials turns a SAMLResponse captured from the browser (the
// form value POSTed to https://signin.aws.amazon.com/saml, see the README)
// into AWS credentials and uses them: an aws.Config whose Credentials are a
// samlcreds.Provider (AssumeRoleWithSAML) behind aws.NewCredentialsCache,
// like stscreds for other kinds of sign-in.
//
//	go run ./examples/saml-credentials -assertion response.b64 \
//	    -role arn:aws:iam::123456789012:role/EntraAdmin \
//	    -provider arn:aws:iam::123456789012:saml-provider/EntraID
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awsrole/samlcreds"
)

func main() {
	file := flag.String("assertion", "", "file holding the base64 SAMLResponse")
	role := flag.String("role", "", "role ARN")
	provider := flag.String("provider", "", "IAM SAML provider ARN")
	flag.Parse()
	r, err := awsrole.ParseRole(*role + "," + *provider)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("us-east-1"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if err := run(context.Background(), os.Stdout, cfg, r, samlcreds.AssertionFile(*file)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run makes cfg use the SAML credentials and calls STS GetCallerIdentity
// with them. STS's own errors (an expired or tampered response) reach the
// caller as the SDK's types, inside an *awsrole.RemoteError.
func run(ctx context.Context, w io.Writer, cfg aws.Config, role awsrole.Role, src samlcreds.AssertionSource) error {
	provider := samlcreds.NewProvider(sts.NewFromConfig(cfg), role, src, samlcreds.Options{DurationSeconds: 3600})
	cfg.Credentials = aws.NewCredentialsCache(provider) // the provider itself never caches
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return err
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "signed in as %s until %s\n", aws.ToString(id.Arn), creds.Expires.UTC().Format("2006-01-02T15:04:05Z"))
	return nil
}

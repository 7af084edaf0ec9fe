// Command rotate-certificate moves an IAM SAML provider one step through
// Entra's zero-downtime signing-certificate rollover (C3.4) and says what to
// do next. Run it after each change on the Entra side:
//
//  1. New certificate created in Entra (inactive): it publishes it to AWS
//     next to the current one.
//
//  2. Certificate made active in Entra: nothing to upload; remove the old
//     certificate in Entra once sign-in works.
//
//  3. Old certificate removed in Entra: it removes it from AWS, but only
//     when told which certificate Entra signs with now (-active), so that an
//     upload can never cut off sign-in.
//
//     go run ./examples/rotate-certificate -metadata FederationMetadata.xml [-active THUMBPRINT]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awsrole/iamsaml"
)

func main() {
	mdFile := flag.String("metadata", "", "Entra's current federation metadata")
	provider := flag.String("provider-arn", "", "arn:aws:iam::ACCOUNT:saml-provider/NAME")
	active := flag.String("active", "", "thumbprint of the certificate Entra signs with now")
	endpoint := flag.String("endpoint", "", "IAM endpoint (samlaws fake-aws, moto); empty for AWS")
	flag.Parse()
	md, err := os.ReadFile(*mdFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	arn, err := awsrole.ParseProviderARN(*provider)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if *endpoint != "" {
		cfg.BaseEndpoint = aws.String(*endpoint)
	}
	if _, err := step(context.Background(), os.Stdout, iam.NewFromConfig(cfg), arn, md, *active, time.Now); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// step runs one rollover step and reports it; now judges certificate
// validity.
func step(ctx context.Context, w io.Writer, client iamsaml.APIClient, arn awsrole.ProviderARN, md []byte, active string, now func() time.Time) (string, error) {
	st, err := iamsaml.Rollover(ctx, client, arn, md, iamsaml.ProviderOptions{ActiveSigner: active, Now: now})
	if st != nil {
		fmt.Fprintf(w, "step %s: uploaded %v, +%d -%d certificate(s)\nnext: %s\n", st.Step, st.Applied,
			len(st.Plan.Certificates.Added), len(st.Plan.Certificates.Removed), st.Next)
	}
	if errors.Is(err, iamsaml.ErrUnsafe) {
		return "", fmt.Errorf("not uploaded: %w (pass -active with the thumbprint of the certificate Entra signs with now)", err)
	}
	if err != nil {
		return "", err
	}
	return st.Step, nil
}

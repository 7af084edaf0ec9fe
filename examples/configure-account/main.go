// Command configure-account does the AWS half of Entra ID single sign-on in one
// account: it creates (or brings up to date) the IAM SAML provider from the
// Entra app's federation metadata and a role that trusts it, then lists the
// roles Entra's provisioning connector may import. Run it again at any time:
// nothing changes when nothing has to.
//
//	go run ./examples/configure-account -metadata FederationMetadata.xml -role EntraAdmin
//
// Credentials and region come from the AWS SDK's default chain (environment,
// profile, SSO); -endpoint points it at samlaws fake-aws or moto instead.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awsrole/iamsaml"
	"github.com/samlaws/samlaws/federation"
)

func main() {
	mdFile := flag.String("metadata", "", "Entra federation metadata file (BOM and all)")
	provider := flag.String("provider", "EntraID", "IAM SAML provider name")
	role := flag.String("role", "EntraAdmin", "role to create")
	endpoint := flag.String("endpoint", "", "IAM/STS endpoint (samlaws fake-aws, moto); empty for AWS")
	flag.Parse()
	md, err := os.ReadFile(*mdFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if *endpoint != "" {
		cfg.BaseEndpoint = aws.String(*endpoint)
	}
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := run(ctx, os.Stdout, iam.NewFromConfig(cfg), aws.ToString(id.Account), *provider, *role, md); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer, client iamsaml.APIClient, account, providerName, roleName string, md []byte) error {
	arn := awsrole.ProviderARN{Partition: awsrole.PartitionAWS, AccountID: account, Name: providerName}
	plan, err := iamsaml.PlanProvider(ctx, client, arn, md, iamsaml.ProviderOptions{})
	if err == nil {
		err = iamsaml.ApplyProvider(ctx, client, plan, iamsaml.ProviderOptions{}) // nothing is written when plan.Action is "none"
	}
	if err != nil {
		return fmt.Errorf("provider: %w", err)
	}
	fmt.Fprintf(w, "provider %s: %s (%d certificate(s) added, %d removed)\n", arn, plan.Action, len(plan.Certificates.Added), len(plan.Certificates.Removed))
	res, err := iamsaml.EnsureRole(ctx, client, iamsaml.RoleConfig{
		Name:  roleName,
		Trust: federation.TrustPolicyOptions{Providers: []awsrole.ProviderARN{arn}},
	})
	if err != nil {
		return fmt.Errorf("role: %w", err)
	}
	fmt.Fprintf(w, "role %s: %s\n", res.ARN, res.Action)
	rep, err := iamsaml.ImportableRoles(ctx, client, iamsaml.ImportOptions{})
	if err != nil {
		return fmt.Errorf("discovery: %w", err)
	}
	for _, ri := range rep.Roles {
		if ri.Err != nil {
			continue // not importable
		}
		fmt.Fprintf(w, "importable by Entra: %s\n", ri.Value)
	}
	return nil
}

package awstest_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithy "github.com/aws/smithy-go"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awstest"
	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/saml/samltest"
)

// ExampleServer_assumeRole is `samlaws --accounts` in miniature: a role
// session of the management account (from a SAML sign-in) assumes the role a
// member account's trust policy opens to the management account, and acts in
// the member account; the account's own root keys may not assume roles.
func ExampleServer_assumeRole() {
	ctx := context.Background()
	now := time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)
	clock := func() time.Time { return now }
	const mgmt, member = "123456789012", "222222222222"
	srv, err := awstest.NewServer(awstest.Config{Now: clock, Accounts: []awstest.Account{{ID: mgmt}, {ID: member}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	idp, err := samltest.New(samltest.IdPConfig{Now: clock, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}

	// The management account: the Entra provider and a role trusting it.
	root := srv.AWSConfig(mgmt)
	p, _ := awsrole.ParseProviderARN("arn:aws:iam::123456789012:saml-provider/EntraID")
	trust, _ := federation.NewTrustPolicy(federation.TrustPolicyOptions{Providers: []awsrole.ProviderARN{p}})
	if _, err := iam.NewFromConfig(root).CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("EntraID"), SAMLMetadataDocument: aws.String(string(idp.Metadata()))}); err != nil {
		fmt.Println(err)
		return
	}
	if _, err := iam.NewFromConfig(root).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("EntraAdmin"), AssumeRolePolicyDocument: aws.String(string(trust))}); err != nil {
		fmt.Println(err)
		return
	}
	// The member account: a role its trust policy opens to the management account.
	memberRole, err := iam.NewFromConfig(srv.AWSConfig(member)).CreateRole(ctx, &iam.CreateRoleInput{
		RoleName:                 aws.String("OrganizationAccountAccessRole"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + mgmt + `:root"},"Action":"sts:AssumeRole"}]}`),
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	// Sign in through SAML, then assume the member role with that session.
	m, err := idp.Mint(samltest.DefaultUser(), samltest.ResponseOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	signIn, err := sts.NewFromConfig(root).AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{
		RoleArn: aws.String("arn:aws:iam::" + mgmt + ":role/EntraAdmin"), PrincipalArn: aws.String(p.String()), SAMLAssertion: aws.String(m.Base64()),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	session := root.Copy()
	c := signIn.Credentials
	session.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	in := &sts.AssumeRoleInput{RoleArn: memberRole.Role.Arn, RoleSessionName: aws.String("samlaws")}
	out, err := sts.NewFromConfig(session).AssumeRole(ctx, in)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(aws.ToString(out.AssumedRoleUser.Arn), "until", aws.ToTime(out.Credentials.Expiration).Format(time.RFC3339))

	// The root keys of the management account are refused.
	_, err = sts.NewFromConfig(root).AssumeRole(ctx, in)
	var ae smithy.APIError
	if errors.As(err, &ae) {
		fmt.Println("root keys:", ae.ErrorCode(), ae.ErrorMessage())
	}
	// Output:
	// arn:aws:sts::222222222222:assumed-role/OrganizationAccountAccessRole/samlaws until 2026-03-14T10:26:53Z
	// root keys: AccessDenied Roles may not be assumed by root accounts.
}

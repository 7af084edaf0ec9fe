package iamsaml_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awsrole/iamsaml"
	"github.com/samlaws/samlaws/awstest"
	"github.com/samlaws/samlaws/federation"
)

// pagedRoles is an iamsaml.APIClient serving fixed ListRoles pages, chained by
// Marker; ImportableRoles makes no other call. In production, pass an
// *iam.Client built from aws-sdk-go-v2's config.
type pagedRoles struct {
	iamsaml.APIClient // nil: the calls ImportableRoles does not make
	pages             []*iam.ListRolesOutput
}

func (c pagedRoles) ListRoles(_ context.Context, in *iam.ListRolesInput, _ ...func(*iam.Options)) (*iam.ListRolesOutput, error) {
	p := c.pages
	if in.Marker == nil {
		return p[0], nil
	}
	for i, page := range p[:len(p)-1] {
		if aws.ToString(page.Marker) == *in.Marker {
			return p[i+1], nil
		}
	}
	return nil, errors.New("unknown marker")
}

func ExampleImportableRoles() {
	// IAM returns each AssumeRolePolicyDocument URL-encoded (RFC 3986).
	encoded := func(providers ...string) *string {
		var ps []awsrole.ProviderARN
		for _, s := range providers {
			p, err := awsrole.ParseProviderARN(s)
			if err != nil {
				panic(err)
			}
			ps = append(ps, p)
		}
		doc, err := federation.NewTrustPolicy(federation.TrustPolicyOptions{Providers: ps})
		if err != nil {
			panic(err)
		}
		return aws.String(strings.ReplaceAll(url.QueryEscape(string(doc)), "+", "%20"))
	}
	const (
		entra = "arn:aws:iam::123456789012:saml-provider/EntraID"
		okta  = "arn:aws:iam::123456789012:saml-provider/Okta"
	)
	role := func(arn string, doc *string) types.Role {
		return types.Role{Arn: aws.String(arn), RoleName: aws.String(arn[strings.LastIndexByte(arn, '/')+1:]), AssumeRolePolicyDocument: doc}
	}
	client := pagedRoles{pages: []*iam.ListRolesOutput{
		{
			IsTruncated: true,
			Marker:      aws.String("next"),
			Roles: []types.Role{
				role("arn:aws:iam::123456789012:role/AWS-Admin", encoded(entra)),
				role("arn:aws:iam::123456789012:role/Shared", encoded(entra, okta)),
			},
		},
		{
			Roles: []types.Role{
				role("arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef", encoded(entra)),
				role("arn:aws:iam::123456789012:role/dev/ReadOnly", encoded(entra)),
			},
		},
	}}

	report, err := iamsaml.ImportableRoles(context.Background(), client, iamsaml.ImportOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Println("pages:", report.Pages)
	for _, r := range report.Roles {
		if r.Err == nil {
			fmt.Println("import", r.Value)
			continue
		}
		var fe *federation.Error
		errors.As(r.Err, &fe)
		fmt.Println("skip  ", r.RoleName, "rule", fe.Rule)
	}
	// Output:
	// pages: 2
	// import arn:aws:iam::123456789012:role/AWS-Admin,arn:aws:iam::123456789012:saml-provider/EntraID
	// skip   Shared rule C4.6
	// skip   AWSReservedSSO_Admin_0123456789abcdef rule B2.7
	// import arn:aws:iam::123456789012:role/dev/ReadOnly,arn:aws:iam::123456789012:saml-provider/EntraID
}

// ExampleApplyProvider creates an IAM SAML provider from Entra's federation
// metadata (plan, then apply the plan), then finds nothing to change on a
// rerun. awstest stands in for IAM; in production pass
// iam.NewFromConfig(cfg).
func ExampleApplyProvider() {
	srv, err := awstest.NewServer(awstest.Config{})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	client := iam.NewFromConfig(srv.AWSConfig(""))
	doc, err := os.ReadFile("testdata/entra-app-61318f71.xml")
	if err != nil {
		panic(err)
	}
	arn, _ := awsrole.ParseProviderARN("arn:aws:iam::123456789012:saml-provider/EntraID")
	ctx := context.Background()
	for range 2 {
		opts := iamsaml.ProviderOptions{}
		plan, err := iamsaml.PlanProvider(ctx, client, arn, doc, opts)
		if err == nil {
			err = iamsaml.ApplyProvider(ctx, client, plan, opts) // writes nothing when plan.Action is "none"
		}
		if err != nil {
			panic(err)
		}
		fmt.Println(plan.Action, "certificates added:", len(plan.Certificates.Added))
	}
	// Output:
	// create certificates added: 1
	// none certificates added: 0
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awsrole/iamsaml"
	"github.com/samlaws/samlaws/awstest"
	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/awstesthelp"
	"github.com/samlaws/samlaws/internal/samltesthelp"
	"github.com/samlaws/samlaws/saml/samltest"
)

// TestRun merges three awstest accounts' roles into one appRoles array; the
// account whose discovery fails keeps its existing appRole untouched.
func TestRun(t *testing.T) {
	now := time.Date(2029, 1, 1, 0, 0, 0, 0, time.UTC)
	ids := []string{"111111111111", "222222222222", "333333333333"}
	var accts []awstest.Account
	for _, id := range ids {
		accts = append(accts, awstest.Account{ID: id})
	}
	srv := awstesthelp.NewServer(t, awstest.Config{Accounts: accts, Now: func() time.Time { return now }})
	md := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return now }}).Metadata()
	ctx := context.Background()
	for i, id := range ids[:2] {
		c := iam.NewFromConfig(srv.AWSConfig(id))
		p := awsrole.ProviderARN{Partition: awsrole.PartitionAWS, AccountID: id, Name: "EntraID"}
		opts := iamsaml.ProviderOptions{Now: func() time.Time { return now }}
		plan, err := iamsaml.PlanProvider(ctx, c, p, md, opts)
		if err == nil {
			err = iamsaml.ApplyProvider(ctx, c, plan, opts)
		}
		if err != nil {
			t.Fatal(err)
		}
		for j := 0; j <= i; j++ {
			if _, err := iamsaml.EnsureRole(ctx, c, iamsaml.RoleConfig{Name: fmt.Sprintf("Role%d", j), Trust: federation.TrustPolicyOptions{Providers: []awsrole.ProviderARN{p}}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	kept := "arn:aws:iam::333333333333:role/Kept,arn:aws:iam::333333333333:saml-provider/EntraID"
	current := `{"appRoles":[{"allowedMemberTypes":["User"],"description":"msiam_access","displayName":"msiam_access","id":"7dfd756e-8c27-4472-b2b7-38c17fc5de5e","isEnabled":true,"value":null},` +
		`{"allowedMemberTypes":["User"],"description":"k","displayName":"k","id":"33333333-0000-4000-8000-000000000001","isEnabled":true,"value":"` + kept + `"}]}`
	configFor := func(_ context.Context, id string) (aws.Config, error) {
		if id == "333333333333" {
			return aws.Config{}, fmt.Errorf("cannot assume a role in %s", id)
		}
		return srv.AWSConfig(id), nil
	}
	var out, log bytes.Buffer
	if err := run(ctx, &out, &log, []byte(current), ids, configFor); err != nil {
		t.Fatal(err)
	}
	var body struct{ AppRoles []struct{ Value *string } }
	if err := json.Unmarshal(out.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	var values []string
	for _, r := range body.AppRoles {
		if r.Value != nil {
			values = append(values, *r.Value)
		}
	}
	want := []string{kept,
		"arn:aws:iam::111111111111:role/Role0,arn:aws:iam::111111111111:saml-provider/EntraID",
		"arn:aws:iam::222222222222:role/Role0,arn:aws:iam::222222222222:saml-provider/EntraID",
		"arn:aws:iam::222222222222:role/Role1,arn:aws:iam::222222222222:saml-provider/EntraID"}
	if fmt.Sprint(values) != fmt.Sprint(want) {
		t.Errorf("appRole values = %v\nwant %v", values, want)
	}
	if !strings.Contains(log.String(), "333333333333 skipped") || strings.Count(log.String(), "add ") != 3 {
		t.Errorf("log:\n%s", log.String())
	}
}

// TestRunThroughAssumeRole runs the program's own account access: a SAML
// sign-in to a management account (AssumeRoleWithSAML), then sts:AssumeRole
// into the role accounts.txt names in each member account (awstest checks
// each role's trust policy as STS does). The member whose role does not
// trust the management account is skipped, the others are merged.
func TestRunThroughAssumeRole(t *testing.T) {
	ctx := context.Background()
	mgmt, members := "123456789012", []string{"111111111111", "222222222222", "333333333333"}
	accts := []awstest.Account{{ID: mgmt}}
	for _, id := range members {
		accts = append(accts, awstest.Account{ID: id})
	}
	srv := awstesthelp.NewServer(t, awstest.Config{Accounts: accts}) // wall clock, as the IdP's
	idp := samltest.NewIdP(t, samltest.IdPConfig{})
	for _, id := range append([]string{mgmt}, members...) {
		c := iam.NewFromConfig(srv.AWSConfig(id))
		p := awsrole.ProviderARN{Partition: awsrole.PartitionAWS, AccountID: id, Name: "EntraID"}
		plan, err := iamsaml.PlanProvider(ctx, c, p, idp.Metadata(), iamsaml.ProviderOptions{})
		if err == nil {
			err = iamsaml.ApplyProvider(ctx, c, plan, iamsaml.ProviderOptions{})
		}
		if err != nil {
			t.Fatal(err)
		}
		name := "EntraAdmin"
		if id != mgmt {
			name = "Admin" + id[:1]
		}
		if _, err := iamsaml.EnsureRole(ctx, c, iamsaml.RoleConfig{Name: name, Trust: federation.TrustPolicyOptions{Providers: []awsrole.ProviderARN{p}}}); err != nil {
			t.Fatal(err)
		}
		if id == mgmt {
			continue
		}
		trusted := mgmt
		if id == "333333333333" {
			trusted = "999999999999"
		}
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + trusted + `:root"},"Action":"sts:AssumeRole"}]}`
		if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("AppRolesReader"), AssumeRolePolicyDocument: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
	}
	signIn, err := sts.NewFromConfig(srv.AWSConfig(mgmt)).AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{
		RoleArn: aws.String("arn:aws:iam::" + mgmt + ":role/EntraAdmin"), PrincipalArn: aws.String("arn:aws:iam::123456789012:saml-provider/EntraID"),
		SAMLAssertion: aws.String(samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{}).Base64()),
	})
	if err != nil {
		t.Fatal(err)
	}
	base := srv.AWSConfig(mgmt)
	c := signIn.Credentials
	base.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))

	file := filepath.Join(t.TempDir(), "accounts.txt")
	var lines string
	for _, id := range members {
		lines += id + " arn:aws:iam::" + id + ":role/AppRolesReader\n"
	}
	if err := os.WriteFile(file, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	ids, roles, err := readAccounts(file)
	if err != nil {
		t.Fatal(err)
	}
	var out, log bytes.Buffer
	if err := run(ctx, &out, &log, []byte(`{"appRoles":[]}`), ids, assumeInto(base, roles)); err != nil {
		t.Fatal(err)
	}
	var body struct{ AppRoles []struct{ Value *string } }
	if err := json.Unmarshal(out.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	var values []string
	for _, r := range body.AppRoles {
		values = append(values, aws.ToString(r.Value))
	}
	want := []string{
		"arn:aws:iam::111111111111:role/Admin1,arn:aws:iam::111111111111:saml-provider/EntraID",
		"arn:aws:iam::222222222222:role/Admin2,arn:aws:iam::222222222222:saml-provider/EntraID",
	}
	if fmt.Sprint(values) != fmt.Sprint(want) {
		t.Errorf("appRole values = %v\nwant %v\nlog:\n%s", values, want, log.String())
	}
	if !strings.Contains(log.String(), "333333333333 skipped") || !strings.Contains(log.String(), "AccessDenied") {
		t.Errorf("the member whose role does not trust us is not reported skipped with STS's answer:\n%s", log.String())
	}
}

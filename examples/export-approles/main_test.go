package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awsrole/iamsaml"
	"github.com/samlaws/samlaws/awstest"
	"github.com/samlaws/samlaws/federation"
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
	srv := awstest.NewServer(t, awstest.Config{Accounts: accts, Now: func() time.Time { return now }})
	md := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return now }}).Metadata()
	ctx := context.Background()
	for i, id := range ids[:2] {
		c := iam.NewFromConfig(srv.AWSConfig(id))
		p := awsrole.ProviderARN{Partition: awsrole.PartitionAWS, AccountID: id, Name: "EntraID"}
		if _, err := iamsaml.EnsureProvider(ctx, c, p, md, iamsaml.ProviderOptions{Now: func() time.Time { return now }}); err != nil {
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

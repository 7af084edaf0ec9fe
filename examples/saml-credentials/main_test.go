package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awsrole/iamsaml"
	"github.com/samlaws/samlaws/awsrole/samlcreds"
	"github.com/samlaws/samlaws/awstest"
	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/awstesthelp"
	"github.com/samlaws/samlaws/internal/samltesthelp"
	"github.com/samlaws/samlaws/saml/samltest"
)

func TestRun(t *testing.T) {
	now := time.Date(2030, 12, 31, 8, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	srv := awstesthelp.NewServer(t, awstest.Config{Now: clock})
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: clock})
	cfg := srv.AWSConfig("")
	ctx := context.Background()
	arn, _ := awsrole.ParseProviderARN("arn:aws:iam::123456789012:saml-provider/EntraID")
	plan, err := iamsaml.PlanProvider(ctx, iam.NewFromConfig(cfg), arn, idp.Metadata(), iamsaml.ProviderOptions{Now: clock})
	if err == nil {
		err = iamsaml.ApplyProvider(ctx, iam.NewFromConfig(cfg), plan, iamsaml.ProviderOptions{Now: clock})
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := iamsaml.EnsureRole(ctx, iam.NewFromConfig(cfg), iamsaml.RoleConfig{Name: "EntraAdmin", Trust: federation.TrustPolicyOptions{Providers: []awsrole.ProviderARN{arn}}}); err != nil {
		t.Fatal(err)
	}
	role, _ := awsrole.ParseRole("arn:aws:iam::123456789012:role/EntraAdmin,arn:aws:iam::123456789012:saml-provider/EntraID")
	file := filepath.Join(t.TempDir(), "response.b64")
	if err := os.WriteFile(file, []byte(samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{}).Base64()), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(ctx, &out, cfg, role, samlcreds.AssertionFile(file)); err != nil {
		t.Fatal(err)
	}
	want := "signed in as arn:aws:sts::123456789012:assumed-role/EntraAdmin/" + samltest.DefaultUser().UPN + " until 2030-12-31T09:00:00Z"
	if strings.TrimSpace(out.String()) != want {
		t.Errorf("got %q\nwant %q", out.String(), want)
	}
	// A response that expired: STS's ExpiredTokenException reaches the caller.
	now = now.Add(2 * time.Hour)
	stale := samlcreds.AssertionSource(func(context.Context) ([]byte, error) {
		return []byte(samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{Tamper: []string{"expired"}}).Base64()), nil
	})
	cfg2 := srv.AWSConfig("")
	err = run(ctx, &out, cfg2, role, stale)
	var exp *ststypes.ExpiredTokenException
	var inv *ststypes.InvalidIdentityTokenException
	if !errors.As(err, &exp) && !errors.As(err, &inv) {
		t.Fatalf("expired response: err = %v, want STS's ExpiredTokenException or InvalidIdentityTokenException", err)
	}
	_ = aws.String
}

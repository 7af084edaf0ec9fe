package main

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awsrole/iamsaml"
	"github.com/samlaws/samlaws/awstest"
	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/awstesthelp"
	"github.com/samlaws/samlaws/internal/samltesthelp"
	"github.com/samlaws/samlaws/metadata"
	"github.com/samlaws/samlaws/saml/samltest"
)

// TestRotation walks the whole rollover against awstest, signing in through
// its STS after every step: sign-in never breaks, and the premature removal is
// refused.
func TestRotation(t *testing.T) {
	now := time.Date(2028, 2, 29, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	srv := awstesthelp.NewServer(t, awstest.Config{Now: clock})
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: clock})
	cfg := srv.AWSConfig("")
	client, stsc := iam.NewFromConfig(cfg), sts.NewFromConfig(cfg)
	arn, _ := awsrole.ParseProviderARN("arn:aws:iam::123456789012:saml-provider/EntraID")
	ctx := context.Background()
	if _, err := step(ctx, io.Discard, client, arn, idp.Metadata(), "", clock); err != nil {
		t.Fatal(err)
	}
	if _, err := iamsaml.EnsureRole(ctx, client, iamsaml.RoleConfig{Name: "EntraAdmin", Trust: federation.TrustPolicyOptions{Providers: []awsrole.ProviderARN{arn}}}); err != nil {
		t.Fatal(err)
	}
	signIn := func(when string) {
		t.Helper()
		_, err := stsc.AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{
			RoleArn: aws.String("arn:aws:iam::123456789012:role/EntraAdmin"), PrincipalArn: aws.String(arn.String()),
			SAMLAssertion: aws.String(samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{}).Base64())})
		if err != nil {
			t.Fatalf("sign-in %s: %v", when, err)
		}
	}
	signIn("before")
	next := idp.AddNextCertificate()
	if s, err := step(ctx, io.Discard, client, arn, idp.Metadata(), "", clock); err != nil || s != "publish" {
		t.Fatalf("publish: %s %v", s, err)
	}
	signIn("after publish")
	idp.ActivateNextCertificate()
	signIn("after activation in Entra")
	idp.RemoveInactiveCertificates()
	if _, err := step(ctx, io.Discard, client, arn, idp.Metadata(), "", clock); !errors.Is(err, iamsaml.ErrUnsafe) {
		t.Fatalf("retire without -active: %v, want ErrUnsafe", err)
	}
	if s, err := step(ctx, io.Discard, client, arn, idp.Metadata(), metadata.NewCertificate(next.Raw).SHA1, clock); err != nil || s != "retire" {
		t.Fatalf("retire: %s %v", s, err)
	}
	signIn("after retire")
	if s, err := step(ctx, io.Discard, client, arn, idp.Metadata(), "", clock); err != nil || s != "done" {
		t.Fatalf("done: %s %v", s, err)
	}
}

package awstest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	smithy "github.com/aws/smithy-go"

	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/samltesthelp"
	"github.com/samlaws/samlaws/saml/samltest"
)

// TestAssumeRoleWithSAML: a samltest assertion for a provider made from
// samltest metadata and a role with a NewTrustPolicy trust policy gives
// credentials with every field STS returns (B4.2), and those credentials
// work against the server (GetCallerIdentity, B2.6).
func TestAssumeRoleWithSAML(t *testing.T) {
	t.Parallel()
	w := newWorld(t, federation.TrustPolicyOptions{})
	out, err := w.assume(t, samltest.ResponseOptions{})
	if err != nil {
		t.Fatalf("AssumeRoleWithSAML: %v", err)
	}
	c := out.Credentials
	if c == nil || !strings.HasPrefix(aws.ToString(c.AccessKeyId), "ASIA") || len(aws.ToString(c.AccessKeyId)) != 20 ||
		len(aws.ToString(c.SecretAccessKey)) != 40 || aws.ToString(c.SessionToken) == "" {
		t.Fatalf("credentials = %+v", c)
	}
	if got, want := aws.ToTime(c.Expiration), testNow.Add(time.Hour); !got.Equal(want) {
		t.Errorf("Expiration = %v, want %v (default 3600 s, A4.1)", got, want)
	}
	wantARN := "arn:aws:sts::123456789012:assumed-role/EntraAdmin/" + samltest.DefaultUser().UPN
	if got := aws.ToString(out.AssumedRoleUser.Arn); got != wantARN {
		t.Errorf("AssumedRoleUser.Arn = %q, want %q", got, wantARN)
	}
	if id := aws.ToString(out.AssumedRoleUser.AssumedRoleId); !strings.HasPrefix(id, "AROA") || !strings.HasSuffix(id, ":"+samltest.DefaultUser().UPN) {
		t.Errorf("AssumedRoleId = %q", id)
	}
	for name, got := range map[string][2]string{
		"Subject":       {aws.ToString(out.Subject), samltest.DefaultUser().UPN},
		"SubjectType":   {aws.ToString(out.SubjectType), federation.NameIDFormatEmail},
		"Issuer":        {aws.ToString(out.Issuer), w.idp.EntityID},
		"Audience":      {aws.ToString(out.Audience), "https://signin.aws.amazon.com/saml"},
		"NameQualifier": {aws.ToString(out.NameQualifier), federation.NameQualifier(w.idp.EntityID, "123456789012", "EntraID")},
	} {
		if got[0] != got[1] {
			t.Errorf("%s = %q, want %q", name, got[0], got[1])
		}
	}
	if out.PackedPolicySize != nil || out.SourceIdentity != nil {
		t.Errorf("PackedPolicySize/SourceIdentity sent without tags or source identity: %v %v", out.PackedPolicySize, out.SourceIdentity)
	}

	// The issued credentials are usable against the server.
	cfg := w.srv.AWSConfig("")
	cfg.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity with assumed credentials: %v", err)
	}
	if aws.ToString(id.Arn) != wantARN || aws.ToString(id.Account) != "123456789012" || aws.ToString(id.UserId) != aws.ToString(out.AssumedRoleUser.AssumedRoleId) {
		t.Errorf("GetCallerIdentity = %s %s %s", aws.ToString(id.Arn), aws.ToString(id.Account), aws.ToString(id.UserId))
	}
	// Root credentials.
	id, err = w.sts.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != "arn:aws:iam::123456789012:root" {
		t.Errorf("GetCallerIdentity (account keys) = %v, %v", id, err)
	}
	// A session token that is not the one issued is refused.
	cfg.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), "forged")
	_, err = sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	wantAPIError(t, err, "InvalidClientTokenId", 403)
	// So is a wrong secret (SigV4 is checked).
	cfg.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), "wrong"+aws.ToString(c.SecretAccessKey)[5:], aws.ToString(c.SessionToken))
	_, err = sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	wantAPIError(t, err, "SignatureDoesNotMatch", 403)
	// After Expiration the credentials are expired (server clock).
	*w.now = testNow.Add(time.Hour)
	cfg.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	_, err = sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	wantAPIError(t, err, "ExpiredToken", 403)
}

// wantAPIError checks the error code and HTTP status of an SDK error.
func wantAPIError(t *testing.T, err error, code string, status int) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code {
		t.Fatalf("error = %v, want API error %s", err, code)
	}
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) && re.HTTPStatusCode() != status {
		t.Errorf("%s: HTTP status %d, want %d", code, re.HTTPStatusCode(), status)
	}
}

// TestAssumeRoleWithSAMLErrors: each way STS refuses, with the SDK's typed
// error where the STS model has one (B4.3) and the code of B4.4 where not.
func TestAssumeRoleWithSAMLErrors(t *testing.T) {
	t.Parallel()
	w := newWorld(t, federation.TrustPolicyOptions{})
	ctx := context.Background()
	if _, err := w.iam.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("EntraReadOnly"), MaxSessionDuration: aws.Int32(7200)}); err != nil {
		t.Fatal(err)
	}
	var invalid *types.InvalidIdentityTokenException
	var expired *types.ExpiredTokenException
	var malformed *types.MalformedPolicyDocumentException
	var packed *types.PackedPolicyTooLargeException

	// A5.1: a signature that does not verify.
	_, err := w.assume(t, samltest.ResponseOptions{Tamper: []string{"modified-after-signing"}})
	if !errors.As(err, &invalid) || invalid.ErrorMessage() != "Response signature invalid" {
		t.Errorf("tampered: %v, want InvalidIdentityToken Response signature invalid", err)
	}
	_, err = w.assume(t, samltest.ResponseOptions{Tamper: []string{"other-key"}})
	if !errors.As(err, &invalid) {
		t.Errorf("other key: %v, want InvalidIdentityToken", err)
	}
	_, err = w.assume(t, samltest.ResponseOptions{Tamper: []string{"unsigned"}})
	if !errors.As(err, &invalid) {
		t.Errorf("unsigned: %v, want InvalidIdentityToken", err)
	}
	// D1.7, issue 14 item 1: the real wire shape of an issuer mismatch.
	_, err = w.assume(t, samltest.ResponseOptions{Tamper: []string{"wrong-issuer"}})
	if !errors.As(err, &invalid) || !strings.HasPrefix(invalid.ErrorMessage(), "Issuer not present in specified provider (Service: AWSOpenIdDiscoveryService; Status Code: 400; Error Code: AuthSamlInvalidSamlResponseException; Request ID: ") {
		t.Errorf("wrong issuer: %v", err)
	}
	// A4.4: expired and stale.
	_, err = w.assume(t, samltest.ResponseOptions{Tamper: []string{"expired"}})
	if !errors.As(err, &expired) {
		t.Errorf("expired: %v, want ExpiredTokenException", err)
	}
	m := samltesthelp.MustMint(t, w.idp, samltest.DefaultUser(), samltest.ResponseOptions{}).Base64()
	*w.now = testNow.Add(6 * time.Minute)
	_, err = w.assumeWith(t, &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String(adminRole), SAMLAssertion: aws.String(m)}, samltest.DefaultUser(), samltest.ResponseOptions{})
	if !errors.As(err, &expired) || expired.ErrorMessage() != "Token must be redeemed within 5 minutes of issuance" && expired.ErrorMessage() != "Response has expired" {
		t.Errorf("stale: %v, want ExpiredTokenException", err)
	}
	*w.now = testNow
	// A4.6: the same assertion twice is accepted (STS has no replay check).
	for i := 0; i < 2; i++ {
		if _, err := w.assumeWith(t, &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String(adminRole), SAMLAssertion: aws.String(m)}, samltest.DefaultUser(), samltest.ResponseOptions{}); err != nil {
			t.Errorf("reuse %d: %v", i, err)
		}
	}
	// A3.4: RoleSessionName problems.
	_, err = w.assume(t, samltest.ResponseOptions{Tamper: []string{"missing-session-name"}})
	if !errors.As(err, &invalid) || invalid.ErrorMessage() != "RoleSessionName is required in AuthnResponse" {
		t.Errorf("missing RoleSessionName: %v", err)
	}
	// A2.1: no NameID -> AccessDenied.
	_, err = w.assume(t, samltest.ResponseOptions{Tamper: []string{"missing-nameid"}})
	wantAPIError(t, err, "AccessDenied", 403)
	// A1.9, B3.1: a Recipient that is not an AWS endpoint.
	_, err = w.assume(t, samltest.ResponseOptions{Tamper: []string{"wrong-recipient"}})
	if !errors.As(err, &invalid) {
		t.Errorf("wrong recipient: %v", err)
	}
	// A3.1: the Role attribute does not pair RoleArn with PrincipalArn.
	u := samltest.DefaultUser()
	u.Roles = []string{samltest.DefaultUser().Roles[1]}
	_, err = w.assumeWith(t, &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String(adminRole)}, u, samltest.ResponseOptions{})
	wantAPIError(t, err, "AccessDenied", 403)
	// B2.3: a role that does not exist (listed in the assertion).
	u.Roles = []string{"arn:aws:iam::123456789012:role/Missing," + providerARN}
	_, err = w.assumeWith(t, &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/Missing")}, u, samltest.ResponseOptions{})
	wantAPIError(t, err, "AccessDenied", 403)
	// B4.4: the provider does not exist.
	_, err = w.assumeWith(t, &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String(adminRole), PrincipalArn: aws.String("arn:aws:iam::123456789012:saml-provider/Nope")}, samltest.DefaultUser(), samltest.ResponseOptions{})
	if !errors.As(err, &invalid) || invalid.ErrorMessage() != "Specified provider doesn't exist" {
		t.Errorf("no provider: %v", err)
	}
	// A4.2: DurationSeconds above MaxSessionDuration.
	_, err = w.assumeWith(t, &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String(adminRole), DurationSeconds: aws.Int32(7200)}, samltest.DefaultUser(), samltest.ResponseOptions{})
	wantAPIError(t, err, "ValidationError", 400)
	out, err := w.assumeWith(t, &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String(readOnly), DurationSeconds: aws.Int32(7200)}, samltest.DefaultUser(), samltest.ResponseOptions{})
	if err != nil || !aws.ToTime(out.Credentials.Expiration).Equal(testNow.Add(2*time.Hour)) {
		t.Errorf("7200 s on a 7200 s role: %v", err)
	}
	// B4.1: parameter constraints.
	_, err = w.assumeWith(t, &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String(adminRole), DurationSeconds: aws.Int32(899)}, samltest.DefaultUser(), samltest.ResponseOptions{})
	wantAPIError(t, err, "ValidationError", 400)
	_, err = w.assumeWith(t, &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String(adminRole), SAMLAssertion: aws.String(strings.Repeat("A", 100004))}, samltest.DefaultUser(), samltest.ResponseOptions{})
	wantAPIError(t, err, "ValidationError", 400)
	_, err = w.assumeWith(t, &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String(adminRole), SAMLAssertion: aws.String("<samlp:Response/>")}, samltest.DefaultUser(), samltest.ResponseOptions{})
	if !errors.As(err, &invalid) {
		t.Errorf("raw XML: %v", err)
	}
	_, err = w.assumeWith(t, &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String(adminRole), Policy: aws.String("{not json")}, samltest.DefaultUser(), samltest.ResponseOptions{})
	if !errors.As(err, &malformed) {
		t.Errorf("bad policy: %v", err)
	}
	_, err = w.assumeWith(t, &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String(adminRole), Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"` + strings.Repeat("x", 1900) + `"}]}`)}, samltest.DefaultUser(), samltest.ResponseOptions{})
	if err != nil {
		t.Errorf("large policy: %v", err)
	}
	// A3.7, B3.2: session tags need sts:TagSession.
	u = samltest.DefaultUser()
	u.Tags = map[string]string{"Project": "blue"}
	_, err = w.assumeWith(t, &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String(adminRole)}, u, samltest.ResponseOptions{})
	wantAPIError(t, err, "AccessDenied", 403)
	_ = packed
}

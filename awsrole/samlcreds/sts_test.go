package samlcreds_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	smithy "github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awsrole/samlcreds"
	"github.com/samlaws/samlaws/internal/awslimits"
)

func mustRole(t testing.TB, s string) awsrole.Role {
	t.Helper()
	r, err := awsrole.ParseRole(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// errRule is the rule of err: an *awsrole.Error (this package's, or
// awsrole's for an invalid role) or an *awsrole.RemoteError.
func errRule(err error) string {
	var le *awsrole.Error
	var re *awsrole.RemoteError
	switch {
	case errors.As(err, &le):
		return le.Rule
	case errors.As(err, &re):
		return re.Rule
	}
	return ""
}

// assumeInput gathers the arguments of one AssumeRoleWithSAML call, for table
// tests.
type assumeInput struct {
	Role            awsrole.Role
	SAMLAssertion   []byte
	DurationSeconds int
	Policy          string
	PolicyARNs      []string
}

// assume calls samlcreds.AssumeRoleWithSAML with in.
func assume(ctx context.Context, client samlcreds.APIClient, in assumeInput) (*samlcreds.Result, error) {
	return samlcreds.AssumeRoleWithSAML(ctx, client, in.Role, in.SAMLAssertion, samlcreds.Options{
		DurationSeconds: in.DurationSeconds, Policy: in.Policy, PolicyARNs: in.PolicyARNs,
	})
}

func testRole(t testing.TB) awsrole.Role { return mustRole(t, testRoleARN+","+testProvider) }

// TestAssumeRoleWithSAMLRequest checks that a real sts.Client sends exactly the
// B4.1 parameters, unsigned, and nothing else.
func TestAssumeRoleWithSAMLRequest(t *testing.T) {
	t.Parallel()
	assertion := testAssertion(0)
	tests := []struct {
		name string
		in   assumeInput
		want url.Values
	}{
		{
			name: "B4.1 required parameters only, DurationSeconds omitted (A4.1 default)",
			in:   assumeInput{Role: testRole(t), SAMLAssertion: assertion},
			want: url.Values{
				"Action":        {"AssumeRoleWithSAML"},
				"Version":       {"2011-06-15"},
				"RoleArn":       {testRoleARN},
				"PrincipalArn":  {testProvider},
				"SAMLAssertion": {string(assertion)},
			},
		},
		{
			name: "B4.1 all optional parameters",
			in: assumeInput{Role: testRole(t), SAMLAssertion: assertion, DurationSeconds: 900,
				Policy:     `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`,
				PolicyARNs: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::123456789012:policy/Extra"}},
			want: url.Values{
				"Action":                  {"AssumeRoleWithSAML"},
				"Version":                 {"2011-06-15"},
				"RoleArn":                 {testRoleARN},
				"PrincipalArn":            {testProvider},
				"SAMLAssertion":           {string(assertion)},
				"DurationSeconds":         {"900"},
				"Policy":                  {`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`},
				"PolicyArns.member.1.arn": {"arn:aws:iam::aws:policy/ReadOnlyAccess"},
				"PolicyArns.member.2.arn": {"arn:aws:iam::123456789012:policy/Extra"},
			},
		},
		{
			name: "A3.2 provider-first Role value is sent role first",
			in:   assumeInput{Role: mustRole(t, testProvider+","+testRoleARN), SAMLAssertion: assertion, DurationSeconds: 3600},
			want: url.Values{
				"Action":          {"AssumeRoleWithSAML"},
				"Version":         {"2011-06-15"},
				"RoleArn":         {testRoleARN},
				"PrincipalArn":    {testProvider},
				"SAMLAssertion":   {string(assertion)},
				"DurationSeconds": {"3600"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := &fakeSTS{}
			client := newFakeSTSServer(t, f)
			if _, err := assume(context.Background(), client, tt.in); err != nil {
				t.Fatal(err)
			}
			reqs := f.Requests()
			if len(reqs) != 1 {
				t.Fatalf("server saw %d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Method != "POST" || r.Path != "/" || !strings.HasPrefix(r.ContentType, "application/x-www-form-urlencoded") {
				t.Errorf("request %s %s %q, want POST / form", r.Method, r.Path, r.ContentType)
			}
			if r.Auth != "" {
				t.Errorf("request is signed (Authorization %q); AssumeRoleWithSAML is unsigned (B4.1)", r.Auth)
			}
			if diff := cmp.Diff(tt.want, r.Form); diff != "" {
				t.Errorf("form (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAssumeRoleWithSAMLResult checks that the whole B4.2 answer is parsed.
func TestAssumeRoleWithSAMLResult(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	f := &fakeSTS{Now: func() time.Time { return now }, MaxSessionDuration: 43200}
	client := newFakeSTSServer(t, f)
	res, err := assume(context.Background(), client,
		assumeInput{Role: testRole(t), SAMLAssertion: testAssertion(0), DurationSeconds: 43200})
	if err != nil {
		t.Fatal(err)
	}
	want := &samlcreds.Result{
		Credentials: aws.Credentials{
			AccessKeyID:     "ASIAFAKE000000000001",
			SecretAccessKey: "fakeSecret1/wJalrXUtnFEMI",
			SessionToken:    "FakeSessionToken1//////////wEaCXVzLWVhc3QtMQ==",
			Source:          samlcreds.ProviderName,
			CanExpire:       true,
			Expires:         now.Add(12 * time.Hour),
			AccountID:       testAccount,
		},
		AssumedRoleARN:   "arn:aws:sts::123456789012:assumed-role/EntraAdmin/" + testSubject, // B2.6: no path
		AssumedRoleID:    "AROAFAKEROLEID1234567:" + testSubject,
		RoleSessionName:  testSubject, // B2.6: the last segment of AssumedRoleARN
		Subject:          testSubject,
		SubjectType:      "persistent", // B3.5
		Issuer:           testIssuer,
		Audience:         "https://signin.aws.amazon.com/saml",
		NameQualifier:    nameQualifier(testIssuer, testAccount, "EntraID"),
		PackedPolicySize: 6,
		SessionTokenSize: 41,
		RequestID:        "c6104cbe-af31-11e0-8154-cbc7ccf896c7-1",
	}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	// Expiry is judged against the test's own clock, never the wall clock
	// (aws.Credentials.Expired reads time.Now).
	if !res.Credentials.Expires.After(now) {
		t.Errorf("credentials expire at %v, not after the test's now %v", res.Credentials.Expires, now)
	}
}

// TestAssumeRoleWithSAMLErrors checks that every STS error reaches the caller
// as the SDK's type (errors.As), inside ErrSTS, with the rule and hint.
func TestAssumeRoleWithSAMLErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		fault    *stsFault
		duration int // DurationSeconds to request; the fake's role allows 3600
		as       func(error) bool
		code     string
		rule     string
		hint     string
	}{
		{name: "A4.4 ExpiredTokenException 5 minutes",
			fault: &stsFault{400, "Sender", "ExpiredTokenException", "Token must be redeemed within 5 minutes of issuance"},
			as:    asType[*types.ExpiredTokenException], code: "ExpiredTokenException", rule: "A4.4", hint: "fetch a fresh SAMLResponse"},
		{name: "A4.4 ExpiredTokenException response has expired",
			fault: &stsFault{400, "Sender", "ExpiredTokenException", "Response has expired"},
			as:    asType[*types.ExpiredTokenException], code: "ExpiredTokenException", rule: "A4.4", hint: "NotOnOrAfter has passed"},
		{name: "A5.1 InvalidIdentityToken signature",
			fault: &stsFault{400, "Sender", "InvalidIdentityToken", "Response signature invalid"},
			as:    asType[*types.InvalidIdentityTokenException], code: "InvalidIdentityToken", rule: "A5.1", hint: "UpdateSAMLProvider"},
		{name: "A3.4 InvalidIdentityToken RoleSessionName",
			fault: &stsFault{400, "Sender", "InvalidIdentityToken", "RoleSessionName is required in AuthnResponse"},
			as:    asType[*types.InvalidIdentityTokenException], code: "InvalidIdentityToken", rule: "A3.4", hint: "RoleSessionName attribute"},
		{name: "B4.3 IDPRejectedClaim",
			fault: &stsFault{403, "Sender", "IDPRejectedClaim", "Claim rejected"},
			as:    asType[*types.IDPRejectedClaimException], code: "IDPRejectedClaim", rule: "B4.3", hint: "was rejected"},
		{name: "B4.3 PackedPolicyTooLarge",
			fault: &stsFault{400, "Sender", "PackedPolicyTooLarge", "Serialized token too large for session"},
			as:    asType[*types.PackedPolicyTooLargeException], code: "PackedPolicyTooLarge", rule: "B4.3", hint: "fewer PrincipalTag"},
		{name: "B4.3 MalformedPolicyDocument",
			fault: &stsFault{400, "Sender", "MalformedPolicyDocument", "Syntax errors in policy."},
			as:    asType[*types.MalformedPolicyDocumentException], code: "MalformedPolicyDocument", rule: "B4.3", hint: "malformed"},
		{name: "B4.3 RegionDisabledException",
			fault: &stsFault{403, "Sender", "RegionDisabledException", "STS is not activated in this region for account:123456789012."},
			as:    asType[*types.RegionDisabledException], code: "RegionDisabledException", rule: "B4.3", hint: "activate the region"},
		{name: "B4.4 AccessDenied",
			fault: &stsFault{403, "Sender", "AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML"},
			as:    apiCode("AccessDenied"), code: "AccessDenied", rule: "B4.4", hint: "sts:TagSession"},
		{name: "B4.4 AccessDenied names the role-not-listed case as inferred",
			fault: &stsFault{403, "Sender", "AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML"},
			as:    apiCode("AccessDenied"), code: "AccessDenied", rule: "B4.4", hint: "does not list this role and provider pair may also end here (inferred"},
		// B4.4 issuer mismatch, in the shape STS sends it (SDK trace in
		// dbeaver/cloudbeaver#3112): code InvalidIdentityToken, the inner
		// service's code only inside the message.
		{name: "B4.4 InvalidIdentityToken issuer not present",
			fault: &stsFault{400, "Sender", "InvalidIdentityToken", "Issuer not present in specified provider (Service: AWSOpenIdDiscoveryService; Status Code: 400; Error Code: AuthSamlInvalidSamlResponseException; Request ID: 0e8d1248-1b43-4ff5-8a45-2ae4c96a4d27; Proxy: null)"},
			as:    asType[*types.InvalidIdentityTokenException], code: "InvalidIdentityToken", rule: "B4.4", hint: "entityID"},
		// A client that surfaces the inner code still gets the issuer hint.
		{name: "B4.4 AuthSamlInvalidSamlResponseException issuer",
			fault: &stsFault{400, "Sender", "AuthSamlInvalidSamlResponseException", "Failed to assume role: Issuer not present in specified provider"},
			as:    apiCode("AuthSamlInvalidSamlResponseException"), code: "AuthSamlInvalidSamlResponseException", rule: "B4.4", hint: "entityID"},
		// A3.6: IAM-UG troubleshoot_saml documents this message for a
		// malformed value (length, characters), not a mismatch.
		{name: "A3.6 InvalidIdentityToken source identity",
			fault: &stsFault{400, "Sender", "InvalidIdentityToken", `Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with "aws:"`},
			as:    asType[*types.InvalidIdentityTokenException], code: "InvalidIdentityToken", rule: "A3.6", hint: "2-64 characters"},
		{name: "A4.2 ValidationError DurationSeconds above MaxSessionDuration (fake applies the role's 3600)",
			duration: 7200,
			as:       apiCode("ValidationError"), code: "ValidationError", rule: "A4.2", hint: "raise MaxSessionDuration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := &fakeSTS{Fault: tt.fault}
			client := newFakeSTSServer(t, f)
			assertion := testAssertion(0)
			res, err := assume(context.Background(), client,
				assumeInput{Role: testRole(t), SAMLAssertion: assertion, DurationSeconds: tt.duration})
			if err == nil {
				t.Fatalf("no error; result %v", res)
			}
			if f.Count() != 1 {
				t.Errorf("server saw %d requests, want 1", f.Count())
			}
			if !tt.as(err) {
				t.Errorf("errors.As did not find the SDK error for %s in %v", tt.code, err)
			}
			var apiErr smithy.APIError
			if !errors.As(err, &apiErr) || apiErr.ErrorCode() != tt.code {
				t.Errorf("smithy.APIError code = %v, want %s", apiErr, tt.code)
			}
			if !errors.Is(err, samlcreds.ErrSTS) {
				t.Errorf("errors.Is(err, ErrSTS) = false: %v", err)
			}
			var re *awsrole.RemoteError
			if !errors.As(err, &re) || re.Rule != tt.rule || re.Code != tt.code || re.StatusCode < 400 || re.StatusCode > 499 || re.RequestID == "" || re.Op != "AssumeRoleWithSAML" {
				t.Errorf("remote error = %+v, want rule %s, code %s, HTTP 4xx and a request ID", re, tt.rule, tt.code)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "samlcreds: AssumeRoleWithSAML: "+tt.code) {
				t.Errorf("message %q lacks the package prefix and code", msg)
			}
			if !strings.Contains(msg, tt.hint) {
				t.Errorf("message %q lacks hint %q", msg, tt.hint)
			}
			if strings.Contains(msg, string(assertion[:32])) {
				t.Errorf("message repeats the assertion: %q", msg)
			}
		})
	}
}

func asType[T error](err error) bool {
	var target T
	return errors.As(err, &target)
}

func apiCode(code string) func(error) bool {
	return func(err error) bool {
		var apiErr smithy.APIError
		return errors.As(err, &apiErr) && apiErr.ErrorCode() == code
	}
}

// TestAssumeRoleWithSAMLValidation checks that what STS would reject anyway is
// rejected before any HTTP request, and that the boundaries still go out.
func TestAssumeRoleWithSAMLValidation(t *testing.T) {
	t.Parallel()
	valid := testAssertion(0)
	b64 := func(s string) []byte { return []byte(base64.StdEncoding.EncodeToString([]byte(s))) }
	// A4.1/A6.1 boundary: exactly 100000 characters of base64.
	base := testAssertion(0)
	decLen := len(base) / 4 * 3
	at100k := testAssertion(75000 - decLen)
	over100k := testAssertion(75000 - decLen + 3)
	if len(at100k) != awslimits.MaxAssertionChars || len(over100k) != awslimits.MaxAssertionChars+4 {
		t.Fatalf("boundary assertions are %d and %d characters", len(at100k), len(over100k))
	}
	otherAccount := testRole(t)
	otherAccount.ProviderARN.AccountID = "210987654321"
	otherPartition := testRole(t)
	otherPartition.ProviderARN.Partition = awsrole.PartitionAWSCN
	longPolicy := `{"x":"` + strings.Repeat("a", 2048) + `"}`
	elevenARNs := make([]string, 11)
	for i := range elevenARNs {
		elevenARNs[i] = fmt.Sprintf("arn:aws:iam::123456789012:policy/P%d", i)
	}

	tests := []struct {
		name     string
		in       assumeInput
		nilCli   bool
		category error  // nil: must reach the server
		detail   error  // optional finer sentinel
		rule     string // for rejections
	}{
		{name: "A6.1 empty assertion", in: assumeInput{Role: testRole(t)}, category: samlcreds.ErrAssertion, rule: "A6.1"},
		{name: "A6.1 three characters", in: assumeInput{Role: testRole(t), SAMLAssertion: []byte("PA=")}, category: samlcreds.ErrAssertion, rule: "A6.1"},
		{name: "A6.1 four characters reach STS", in: assumeInput{Role: testRole(t), SAMLAssertion: b64("<")}},
		{name: "A6.1 100000 characters reach STS", in: assumeInput{Role: testRole(t), SAMLAssertion: at100k}},
		{name: "A6.1 100004 characters", in: assumeInput{Role: testRole(t), SAMLAssertion: over100k}, category: samlcreds.ErrAssertion, rule: "A6.1"},
		{name: "B4.1 raw XML instead of base64", in: assumeInput{Role: testRole(t), SAMLAssertion: []byte(`<samlp:Response/>`)}, category: samlcreds.ErrAssertion, rule: "B4.1"},
		{name: "B4.1 URL-safe base64", in: assumeInput{Role: testRole(t), SAMLAssertion: []byte(base64.URLEncoding.EncodeToString([]byte("<a>\xfb\xff</a>")))}, category: samlcreds.ErrAssertion, rule: "B4.1"},
		{name: "B4.1 base64 of non-XML", in: assumeInput{Role: testRole(t), SAMLAssertion: b64("hello world")}, category: samlcreds.ErrAssertion, rule: "B4.1"},
		{name: "B4.1 line-wrapped base64 reaches STS", in: assumeInput{Role: testRole(t), SAMLAssertion: append(append(append([]byte{}, valid[:76]...), "\r\n"...), valid[76:]...)}},
		{name: "A3.3 role and provider in different accounts", in: assumeInput{Role: otherAccount, SAMLAssertion: valid}, category: awsrole.ErrInvalid, rule: "A3.3"},
		{name: "A3.3 role and provider in different partitions", in: assumeInput{Role: otherPartition, SAMLAssertion: valid}, category: awsrole.ErrInvalid, rule: "A3.3"},
		{name: "A3.1 zero Role", in: assumeInput{SAMLAssertion: valid}, category: awsrole.ErrInvalid, rule: "A3.1"},
		{name: "A4.2 DurationSeconds 899", in: assumeInput{Role: testRole(t), SAMLAssertion: valid, DurationSeconds: 899}, category: awsrole.ErrInvalid, rule: "A4.2"},
		{name: "A4.2 DurationSeconds 43201", in: assumeInput{Role: testRole(t), SAMLAssertion: valid, DurationSeconds: 43201}, category: awsrole.ErrInvalid, rule: "A4.2"},
		{name: "A4.2 DurationSeconds negative", in: assumeInput{Role: testRole(t), SAMLAssertion: valid, DurationSeconds: -1}, category: awsrole.ErrInvalid, rule: "A4.2"},
		{name: "A4.2 DurationSeconds 900 reaches STS", in: assumeInput{Role: testRole(t), SAMLAssertion: valid, DurationSeconds: 900}},
		{name: "B4.1 Policy of 2055 characters", in: assumeInput{Role: testRole(t), SAMLAssertion: valid, Policy: longPolicy}, category: samlcreds.ErrInvalidConfig, rule: "B4.1"},
		{name: "B4.1 Policy with a character above U+00FF", in: assumeInput{Role: testRole(t), SAMLAssertion: valid, Policy: `{"Sid":"☃"}`}, category: samlcreds.ErrInvalidConfig, rule: "B4.1"},
		{name: "B4.1 Policy with Latin-1 reaches STS", in: assumeInput{Role: testRole(t), SAMLAssertion: valid, Policy: `{"Sid":"é"}`}},
		{name: "B4.1 eleven PolicyARNs", in: assumeInput{Role: testRole(t), SAMLAssertion: valid, PolicyARNs: elevenARNs}, category: samlcreds.ErrInvalidConfig, rule: "B4.1"},
		{name: "B4.1 ten PolicyARNs reach STS", in: assumeInput{Role: testRole(t), SAMLAssertion: valid, PolicyARNs: elevenARNs[:10]}},
		{name: "B4.1 PolicyARN not an ARN", in: assumeInput{Role: testRole(t), SAMLAssertion: valid, PolicyARNs: []string{"ReadOnlyAccess"}}, category: samlcreds.ErrInvalidConfig, rule: "B4.1"},
		{name: "B4.1 nil client", nilCli: true, in: assumeInput{Role: testRole(t), SAMLAssertion: valid}, category: samlcreds.ErrInvalidConfig, rule: "B4.1"},
	}
	t.Run("B4.1 typed nil *sts.Client", func(t *testing.T) {
		t.Parallel()
		_, err := assume(context.Background(), (*sts.Client)(nil), assumeInput{Role: testRole(t), SAMLAssertion: valid})
		if !errors.Is(err, samlcreds.ErrInvalidConfig) {
			t.Fatalf("err = %v, want ErrInvalidConfig", err)
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := &fakeSTS{}
			var client samlcreds.APIClient = newFakeSTSServer(t, f)
			if tt.nilCli {
				client = nil
			}
			_, err := assume(context.Background(), client, tt.in)
			if tt.category == nil {
				if f.Count() != 1 {
					t.Fatalf("server saw %d requests, want 1 (err %v)", f.Count(), err)
				}
				// The fake answers; whether it accepts is not the point here.
				return
			}
			if f.Count() != 0 {
				t.Errorf("server saw %d requests; validation must fail before any HTTP call", f.Count())
			}
			if !errors.Is(err, tt.category) {
				t.Fatalf("err = %v, want category %v", err, tt.category)
			}
			if tt.detail != nil && !errors.Is(err, tt.detail) {
				t.Errorf("err = %v, want detail %v", err, tt.detail)
			}
			if got := errRule(err); got != tt.rule {
				t.Errorf("err %v: rule %q, want %s", err, got, tt.rule)
			}
			if !strings.HasPrefix(err.Error(), "samlcreds: ") && !strings.HasPrefix(err.Error(), "awsrole: ") {
				t.Errorf("message %q lacks the package prefix", err)
			}
			if len(tt.in.SAMLAssertion) >= 8 && strings.Contains(err.Error(), string(tt.in.SAMLAssertion[:8])) {
				t.Errorf("message %q repeats the assertion", err)
			}
		})
	}
}

// TestAssumeRoleWithSAMLUnusableAnswer checks that an answer STS would never
// give is refused (B4.2, B2.6).
func TestAssumeRoleWithSAMLUnusableAnswer(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		f    *fakeSTS
		rule string
	}{
		{"B4.2 no Credentials", &fakeSTS{OmitCredentials: true}, "B4.2"},
		{"B2.6 assumed-role ARN of another role", &fakeSTS{WrongRole: true}, "B2.6"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			client := newFakeSTSServer(t, tt.f)
			res, err := assume(context.Background(), client, assumeInput{Role: testRole(t), SAMLAssertion: testAssertion(0)})
			var se *awsrole.Error
			if !errors.Is(err, samlcreds.ErrSTS) || !errors.As(err, &se) || se.Rule != tt.rule {
				t.Fatalf("res %v, err %v; want ErrSTS rule %s", res, err, tt.rule)
			}
		})
	}
}

// TestAssumeRoleWithSAMLSecrets checks that neither the assertion nor the
// credentials' secrets appear in error strings, String, %#v, %+v or slog.
func TestAssumeRoleWithSAMLSecrets(t *testing.T) {
	t.Parallel()
	assertion := testAssertion(0)
	t.Run("A6.1 error echoing the assertion is withheld", func(t *testing.T) {
		t.Parallel()
		client := newFakeSTSServer(t, &fakeSTS{EchoAssertion: true})
		_, err := assume(context.Background(), client, assumeInput{Role: testRole(t), SAMLAssertion: assertion})
		if err == nil {
			t.Fatal("no error")
		}
		if !asType[*types.InvalidIdentityTokenException](err) {
			t.Errorf("SDK error not passed through: %v", err)
		}
		// The SDK's own error holds the echo; ours must not.
		for off := 0; off+16 <= len(assertion); off += 16 {
			if strings.Contains(err.Error(), string(assertion[off:off+16])) {
				t.Fatalf("error repeats the assertion: %q", err)
			}
		}
	})
	t.Run("B4.2 result printing redacts secrets", func(t *testing.T) {
		t.Parallel()
		client := newFakeSTSServer(t, &fakeSTS{})
		res, err := assume(context.Background(), client, assumeInput{Role: testRole(t), SAMLAssertion: assertion})
		if err != nil {
			t.Fatal(err)
		}
		var logged, loggedValue, loggedJSON strings.Builder
		slog.New(slog.NewTextHandler(&logged, nil)).Info("assumed", "result", res)
		slog.New(slog.NewTextHandler(&loggedValue, nil)).Info("assumed", "result", *res)
		slog.New(slog.NewJSONHandler(&loggedJSON, nil)).Info("assumed", "result", res)
		type wrapper struct{ R samlcreds.Result }
		outs := map[string]string{
			"String": res.String(), "%v": fmt.Sprintf("%v", res), "%+v": fmt.Sprintf("%+v", res),
			"%#v": fmt.Sprintf("%#v", res), "%s": fmt.Sprintf("%s", res),
			"value %v": fmt.Sprintf("%v", *res), "value %#v": fmt.Sprintf("%#v", *res),
			"nested %+v": fmt.Sprintf("%+v", wrapper{*res}),
			"slog":       logged.String(), "slog value": loggedValue.String(), "slog JSON": loggedJSON.String(),
		}
		for how, out := range outs {
			if strings.Contains(out, res.Credentials.SecretAccessKey) || strings.Contains(out, res.Credentials.SessionToken) {
				t.Errorf("%s leaks a secret: %s", how, out)
			}
			if !strings.Contains(out, res.Credentials.AccessKeyID) || !strings.Contains(out, "REDACTED") {
				t.Errorf("%s lacks the access key ID or the redaction mark: %s", how, out)
			}
		}
	})
}

// TestAssumeRoleWithSAMLContext checks that a cancelled context comes back as
// context.Canceled inside ErrSTS.
func TestAssumeRoleWithSAMLContext(t *testing.T) {
	t.Parallel()
	client := newFakeSTSServer(t, &fakeSTS{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := assume(ctx, client, assumeInput{Role: testRole(t), SAMLAssertion: testAssertion(0)})
	if !errors.Is(err, context.Canceled) || !errors.Is(err, samlcreds.ErrSTS) {
		t.Fatalf("err = %v, want context.Canceled inside ErrSTS", err)
	}
}

// TestSTSClientSatisfiesInterface pins that the SDK client is accepted.
func TestSTSClientSatisfiesInterface(t *testing.T) {
	var _ samlcreds.APIClient = (*sts.Client)(nil)
}

// FuzzValidateAssertion: arbitrary input never panics, and an accepted one is
// 4-100000 characters of base64 decoding to something that starts with '<'.
func FuzzValidateAssertion(f *testing.F) {
	f.Add([]byte("PA=="))
	f.Add(testAssertion(0))
	f.Add([]byte("<x/>"))
	f.Add([]byte("PHg+\r\nPC94Pg=="))
	f.Add([]byte("77u/PHg+"))
	f.Fuzz(func(t *testing.T, b []byte) {
		err := samlcreds.ValidateAssertion(b)
		if err != nil {
			if !errors.Is(err, samlcreds.ErrAssertion) {
				t.Fatalf("error outside ErrAssertion: %v", err)
			}
			return
		}
		dec, derr := base64.StdEncoding.DecodeString(string(b))
		if derr != nil {
			t.Fatalf("accepted non-base64 %q: %v", b, derr)
		}
		dec = []byte(strings.TrimLeft(strings.TrimPrefix(string(dec), "\xEF\xBB\xBF"), " \t\r\n"))
		if len(dec) == 0 || dec[0] != '<' {
			t.Fatalf("accepted %q decoding to %q", b, dec)
		}
	})
}

// errClient is an AssumeRoleWithSAMLAPIClient that fails with a given API error.
type errClient struct{ err error }

func (c errClient) AssumeRoleWithSAML(context.Context, *sts.AssumeRoleWithSAMLInput, ...func(*sts.Options)) (*sts.AssumeRoleWithSAMLOutput, error) {
	return nil, c.err
}

// FuzzSTSErrorMessage: whatever code and message an endpoint answers, the
// error is ErrSTS with the package prefix, keeps the API error for errors.As,
// and never repeats the assertion (A6.1: it is sensitive) when the message
// does.
func FuzzSTSErrorMessage(f *testing.F) {
	f.Add("ExpiredTokenException", "Token must be redeemed within 5 minutes of issuance", false)
	f.Add("InvalidIdentityToken", "Response signature invalid", true)
	f.Add("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", false)
	f.Add("AccessDenied", "", true)
	assertion := testAssertion(0)
	f.Fuzz(func(t *testing.T, code, msg string, echo bool) {
		if echo {
			msg += string(assertion)
		}
		apiErr := &smithy.GenericAPIError{Code: code, Message: msg}
		_, err := assume(context.Background(), errClient{apiErr},
			assumeInput{Role: testRole(t), SAMLAssertion: assertion})
		var re *awsrole.RemoteError
		if !errors.Is(err, samlcreds.ErrSTS) || !errors.As(err, &re) || !strings.HasPrefix(err.Error(), "samlcreds: AssumeRoleWithSAML") {
			t.Fatalf("err = %v", err)
		}
		var got *smithy.GenericAPIError
		if !errors.As(err, &got) || got != apiErr {
			t.Fatalf("API error not passed through: %v", err)
		}
		if echo && strings.Contains(err.Error(), string(assertion[16:48])) {
			t.Fatalf("error repeats the assertion: %q", err)
		}
	})
}

// BenchmarkValidateAssertion measures the pre-flight check on a 100000-character
// assertion (A6.1), the largest STS accepts.
func BenchmarkValidateAssertion(b *testing.B) {
	base := testAssertion(0)
	a := testAssertion(75000 - len(base)/4*3)
	b.SetBytes(int64(len(a)))
	b.ReportAllocs()
	for b.Loop() {
		if err := samlcreds.ValidateAssertion(a); err != nil {
			b.Fatal(err)
		}
	}
}

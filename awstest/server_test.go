package awstest_test

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awstest"
	"github.com/samlaws/samlaws/internal/awstesthelp"
	"github.com/samlaws/samlaws/saml/samltest"
)

type errorResponse struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Type    string   `xml:"Error>Type"`
	Code    string   `xml:"Error>Code"`
	Message string   `xml:"Error>Message"`
	ReqID   string   `xml:"RequestId"`
}

// TestBadRequests: what AWS answers to requests the SDK would never send
// (missing or malformed parameters, unknown actions, wrong protocol version,
// no signature): an ErrorResponse with a code, never a panic or a Go error.
func TestBadRequests(t *testing.T) {
	t.Parallel()
	srv := awstesthelp.NewServer(t, awstest.Config{})
	for _, tc := range []struct {
		name, method, body string
		status             int
		code               string
	}{
		{"unknown STS action", "POST", "Action=GetSessionToken&Version=2011-06-15", 403, "MissingAuthenticationToken"},
		{"unknown STS action unsigned", "POST", "Action=Frobnicate&Version=2011-06-15", 403, "MissingAuthenticationToken"},
		{"wrong version", "POST", "Action=AssumeRoleWithSAML&Version=2099-01-01", 400, "InvalidAction"},
		{"no version", "POST", "Action=AssumeRoleWithSAML", 400, "MissingParameter"},
		{"no action", "POST", "Version=2011-06-15", 400, "MissingAction"},
		{"missing RoleArn", "POST", "Action=AssumeRoleWithSAML&Version=2011-06-15&PrincipalArn=arn:aws:iam::123456789012:saml-provider/X&SAMLAssertion=QUJDRA==", 400, "ValidationError"},
		{"short RoleArn", "POST", "Action=AssumeRoleWithSAML&Version=2011-06-15&RoleArn=x&PrincipalArn=arn:aws:iam::123456789012:saml-provider/X&SAMLAssertion=QUJDRA==", 400, "ValidationError"},
		{"bad duration", "POST", "Action=AssumeRoleWithSAML&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/R&PrincipalArn=arn:aws:iam::123456789012:saml-provider/X&SAMLAssertion=QUJDRA==&DurationSeconds=abc", 400, "ValidationError"},
		{"bad ARN", "POST", "Action=AssumeRoleWithSAML&Version=2011-06-15&RoleArn=arn:aws:s3:::bucket/abcdefgh&PrincipalArn=arn:aws:iam::123456789012:saml-provider/X&SAMLAssertion=QUJDRA==", 400, "ValidationError"},
		{"garbage assertion", "POST", "Action=AssumeRoleWithSAML&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/R&PrincipalArn=arn:aws:iam::123456789012:saml-provider/X&SAMLAssertion=!!!!", 400, "InvalidIdentityToken"},
		{"bad percent", "POST", "Action=AssumeRoleWithSAML&Version=2011-06-15&RoleArn=%zz", 400, "MalformedQueryString"},
		{"IAM unsigned", "POST", "Action=ListRoles&Version=2010-05-08", 403, "MissingAuthenticationToken"},
		{"PUT", "PUT", "Action=ListRoles&Version=2010-05-08", 405, "InvalidAction"},
		{"GET query", "GET", "Action=Frobnicate&Version=2099-01-01", 400, "InvalidAction"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := srv.URL + "/"
			var body io.Reader = strings.NewReader(tc.body)
			if tc.method == "GET" {
				u += "?" + tc.body
				body = nil
			}
			req, _ := http.NewRequest(tc.method, u, body)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			var er errorResponse
			if err := xml.Unmarshal(raw, &er); err != nil {
				t.Fatalf("not an ErrorResponse: %s", raw)
			}
			if resp.StatusCode != tc.status || er.Code != tc.code || er.Message == "" || er.ReqID == "" ||
				resp.Header.Get("X-Amzn-Requestid") != er.ReqID || (er.Type != "Sender" && er.Type != "Receiver") {
				t.Errorf("HTTP %d %+v, want %d %s", resp.StatusCode, er, tc.status, tc.code)
			}
			if strings.Contains(string(raw), "goroutine") || strings.Contains(string(raw), "panic") {
				t.Errorf("Go internals on the wire: %s", raw)
			}
		})
	}
}

// TestUnknownActionSigned: a signed call of an operation the server does not
// implement gets InvalidAction through the SDK.
func TestUnknownActionSigned(t *testing.T) {
	t.Parallel()
	srv := awstesthelp.NewServer(t, awstest.Config{})
	cfg := srv.AWSConfig("")
	cfg.RetryMaxAttempts = 1
	_, err := iam.NewFromConfig(cfg).ListUsers(context.Background(), &iam.ListUsersInput{})
	wantAPIError(t, err, "InvalidAction", 400)
	_, err = sts.NewFromConfig(cfg).GetSessionToken(context.Background(), &sts.GetSessionTokenInput{})
	wantAPIError(t, err, "InvalidAction", 400)
}

// TestFaults: latency, throttling the SDK retries, one-off errors for a named
// operation, and the record of calls.
func TestFaults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := awstesthelp.NewServer(t, awstest.Config{})
	cfg := srv.AWSConfig("")
	c := sts.NewFromConfig(cfg) // default retryer: 3 attempts

	srv.InjectFault(awstest.Fault{Action: "GetCallerIdentity", Code: "Throttling", Times: 2})
	if _, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("throttled twice, third attempt: %v", err)
	}
	var codes []string
	for _, call := range srv.Calls() {
		codes = append(codes, call.Code)
		if call.Action != "GetCallerIdentity" || call.AccountID != "123456789012" || call.Service != "sts" {
			t.Errorf("call %+v", call)
		}
	}
	if strings.Join(codes, ",") != "Throttling,Throttling," {
		t.Errorf("codes %v, want two throttles then success", codes)
	}

	one := cfg.Copy()
	one.RetryMaxAttempts = 1
	ic := iam.NewFromConfig(one)
	srv.InjectFault(awstest.Fault{Action: "ListRoles", Code: "ServiceFailure", Message: "injected"})
	_, err := ic.ListRoles(ctx, &iam.ListRolesInput{})
	var sf *iamtypes.ServiceFailureException
	if !errors.As(err, &sf) || sf.ErrorMessage() != "injected" {
		t.Fatalf("injected ServiceFailure: %v", err)
	}
	if _, err := ic.ListRoles(ctx, &iam.ListRolesInput{}); err != nil {
		t.Fatalf("one-off fault still active: %v", err)
	}
	// A fault for another action does not fire.
	removeDelete := srv.InjectFault(awstest.Fault{Action: "DeleteRole", Code: "ServiceFailure"})
	if _, err := ic.ListRoles(ctx, &iam.ListRolesInput{}); err != nil {
		t.Fatalf("fault for DeleteRole fired on ListRoles: %v", err)
	}
	removeDelete()
	if _, err := ic.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("none")}); errors.As(err, &sf) {
		t.Fatalf("removed fault still fired: %v", err)
	}

	removeLatency := srv.InjectFault(awstest.Fault{Latency: 2 * time.Second, Times: -1})
	tctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if _, err := ic.ListRoles(tctx, &iam.ListRolesInput{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("latency beyond the deadline: %v", err)
	}
	removeLatency()
	removeLatency() // a second call is a no-op
	if _, err := ic.ListRoles(ctx, &iam.ListRolesInput{}); err != nil {
		t.Fatal(err)
	}
}

// TestAccounts: several accounts in one server, told apart by access key.
func TestAccounts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := awstesthelp.NewServer(t, awstest.Config{Accounts: []awstest.Account{{ID: "111111111111"}, {ID: "222222222222", Alias: "prod"}}})
	a, b := iam.NewFromConfig(srv.AWSConfig("111111111111")), iam.NewFromConfig(srv.AWSConfig("222222222222"))
	idp := samltest.NewIdP(t, samltest.IdPConfig{})
	if _, err := a.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("EntraID"), SAMLMetadataDocument: aws.String(string(idp.Metadata()))}); err != nil {
		t.Fatal(err)
	}
	la, _ := a.ListSAMLProviders(ctx, &iam.ListSAMLProvidersInput{})
	lb, _ := b.ListSAMLProviders(ctx, &iam.ListSAMLProvidersInput{})
	if len(la.SAMLProviderList) != 1 || len(lb.SAMLProviderList) != 0 ||
		aws.ToString(la.SAMLProviderList[0].Arn) != "arn:aws:iam::111111111111:saml-provider/EntraID" {
		t.Errorf("providers a=%v b=%v", la.SAMLProviderList, lb.SAMLProviderList)
	}
	_, err := b.GetSAMLProvider(ctx, &iam.GetSAMLProviderInput{SAMLProviderArn: aws.String("arn:aws:iam::111111111111:saml-provider/EntraID")})
	var noSuch *iamtypes.NoSuchEntityException
	if !errors.As(err, &noSuch) {
		t.Errorf("other account's provider: %v", err)
	}
	al, err := b.ListAccountAliases(ctx, &iam.ListAccountAliasesInput{})
	if err != nil || len(al.AccountAliases) != 1 || al.AccountAliases[0] != "prod" {
		t.Errorf("aliases = %v, %v", al, err)
	}
	id, err := sts.NewFromConfig(srv.AWSConfig("222222222222")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Account) != "222222222222" {
		t.Errorf("GetCallerIdentity = %v, %v", id, err)
	}
	_, err = iam.NewFromConfig(srv.AWSConfig("333333333333"), func(o *iam.Options) { o.RetryMaxAttempts = 1 }).ListRoles(ctx, &iam.ListRolesInput{})
	wantAPIError(t, err, "InvalidClientTokenId", 403)
	if _, ok := srv.Account("222222222222"); !ok {
		t.Errorf("Account(222222222222) missing")
	}
}

// TestNewServerConfig: only loopback listeners; bad accounts refused, with
// an *awsrole.Error of Package awstest and Kind ErrConfig.
func TestNewServerConfig(t *testing.T) {
	t.Parallel()
	for _, cfg := range []awstest.Config{
		{Addr: "0.0.0.0:0"},
		{Addr: "192.0.2.1:0"},
		{Addr: "example.com:0"},
		{Addr: "no-port"},
		{Accounts: []awstest.Account{{ID: "12345"}}},
		{Accounts: []awstest.Account{{ID: "111111111111"}, {ID: "111111111111"}}},
	} {
		s, err := awstest.NewServer(cfg)
		if err == nil {
			s.Close()
			t.Errorf("NewServer(%+v) accepted", cfg)
			continue
		}
		var ae *awsrole.Error
		if !errors.As(err, &ae) || !errors.Is(err, awstest.ErrConfig) || ae.Package != "awstest" || !strings.HasPrefix(err.Error(), "awstest: ") {
			t.Errorf("NewServer(%+v) = %v, want an *awsrole.Error of awstest, ErrConfig", cfg, err)
		}
	}
	s, err := awstest.NewServer(awstest.Config{Addr: "localhost:0"})
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := url.Parse(s.URL); u.Hostname() != "127.0.0.1" && u.Hostname() != "::1" {
		t.Errorf("URL %s", s.URL)
	}
	if err := s.Close(); err != nil {
		t.Error(err)
	}
	if err := s.Close(); err != nil {
		t.Error("second Close:", err)
	}
}

package samlcreds_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	smithy "github.com/aws/smithy-go"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awsrole/samlcreds"
	"github.com/samlaws/samlaws/awstest"
	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/awstesthelp"
	"github.com/samlaws/samlaws/internal/samltesthelp"
	"github.com/samlaws/samlaws/saml/samltest"
)

// awstestSTS starts awstest (the in-process IAM and STS that validates as AWS
// does) with the clock now, the samltest tenant's metadata as provider
// EntraID, and the roles EntraAdmin and EntraReadOnly trusting it.
func awstestSTS(t *testing.T, idp *samltest.IdP, now func() time.Time) *awstest.Server {
	t.Helper()
	srv := awstesthelp.NewServer(t, awstest.Config{Now: now})
	ctx := context.Background()
	ic := iam.NewFromConfig(srv.AWSConfig(""))
	if _, err := ic.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("EntraID"), SAMLMetadataDocument: aws.String(string(idp.Metadata()))}); err != nil {
		t.Fatal(err)
	}
	p, _ := awsrole.ParseProviderARN("arn:aws:iam::123456789012:saml-provider/EntraID")
	trust, err := federation.NewTrustPolicy(federation.TrustPolicyOptions{Providers: []awsrole.ProviderARN{p}})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"EntraAdmin", "EntraReadOnly"} {
		if _, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(string(trust))}); err != nil {
			t.Fatal(err)
		}
	}
	return srv
}

// TestSAMLRoleProviderWithEntraResponse runs signed, Entra-shaped responses
// from the samltest IdP through the provider and awstest, which checks them
// as STS does (signature, Role pairing, trust policy, freshness).
func TestSAMLRoleProviderWithEntraResponse(t *testing.T) {
	t.Parallel()
	issued := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return issued }})
	b64 := []byte(samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{}).Base64())
	client := func(t *testing.T, at time.Duration) *sts.Client {
		now := issued.Add(at)
		cfg := awstestSTS(t, idp, func() time.Time { return now }).AWSConfig("")
		cfg.RetryMaxAttempts = 1
		return sts.NewFromConfig(cfg)
	}

	t.Run("B4.2 admin role, fresh assertion", func(t *testing.T) {
		t.Parallel()
		// The whole answer: what a Provider's Retrieve calls.
		res, err := samlcreds.AssumeRoleWithSAML(context.Background(), client(t, time.Minute), mustRole(t, samltest.DefaultUser().Roles[0]), b64, samlcreds.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Subject != samltest.DefaultUser().UPN || res.Issuer != idp.EntityID || res.Audience != "https://signin.aws.amazon.com/saml" {
			t.Errorf("Subject %q Issuer %q Audience %q; want %q %q AWS sign-in", res.Subject, res.Issuer, res.Audience, samltest.DefaultUser().UPN, idp.EntityID)
		}
		if res.AssumedRoleARN != "arn:aws:sts::123456789012:assumed-role/EntraAdmin/"+samltest.DefaultUser().UPN || string(res.RoleSessionName) != samltest.DefaultUser().UPN {
			t.Errorf("AssumedRoleARN %q RoleSessionName %q", res.AssumedRoleARN, res.RoleSessionName)
		}
		if res.NameQualifier != nameQualifier(idp.EntityID, "123456789012", "EntraID") {
			t.Errorf("NameQualifier %q", res.NameQualifier)
		}
		if !res.Credentials.Expires.Equal(issued.Add(time.Minute + time.Hour)) {
			t.Errorf("Expires %v, want default 3600 s after the call (A4.1)", res.Credentials.Expires)
		}
		if res.RequestID == "" {
			t.Errorf("no RequestID")
		}
	})
	t.Run("B4.4 role not in the assertion: AccessDenied", func(t *testing.T) {
		t.Parallel()
		other := mustRole(t, "arn:aws:iam::123456789012:role/NotGranted,arn:aws:iam::123456789012:saml-provider/EntraID")
		_, err := samlcreds.NewProvider(client(t, time.Minute), other, staticSource(b64), samlcreds.Options{}).Retrieve(context.Background())
		var apiErr smithy.APIError
		if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "AccessDenied" || !errors.Is(err, samlcreds.ErrSTS) {
			t.Fatalf("err = %v, want AccessDenied inside ErrSTS", err)
		}
	})
	t.Run("A4.4 six minutes later: ExpiredTokenException", func(t *testing.T) {
		t.Parallel()
		_, err := samlcreds.NewProvider(client(t, 6*time.Minute), mustRole(t, samltest.DefaultUser().Roles[1]), staticSource(b64), samlcreds.Options{}).Retrieve(context.Background())
		var expired *types.ExpiredTokenException
		if !errors.As(err, &expired) || !strings.Contains(err.Error(), "fetch a fresh SAMLResponse") {
			t.Fatalf("err = %v, want ExpiredTokenException with the A4.4 hint", err)
		}
	})
	t.Run("A5.1 tampered: InvalidIdentityToken", func(t *testing.T) {
		t.Parallel()
		bad := []byte(samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{Tamper: []string{"modified-after-signing"}}).Base64())
		_, err := samlcreds.NewProvider(client(t, time.Minute), mustRole(t, samltest.DefaultUser().Roles[0]), staticSource(bad), samlcreds.Options{}).Retrieve(context.Background())
		var invalid *types.InvalidIdentityTokenException
		if !errors.As(err, &invalid) || !errors.Is(err, samlcreds.ErrSTS) {
			t.Fatalf("err = %v, want InvalidIdentityToken inside ErrSTS", err)
		}
	})
	t.Run("D1.7 wrong issuer: the issuer hint from the real wire shape", func(t *testing.T) {
		t.Parallel()
		bad := []byte(samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{Tamper: []string{"wrong-issuer"}}).Base64())
		_, err := samlcreds.NewProvider(client(t, time.Minute), mustRole(t, samltest.DefaultUser().Roles[0]), staticSource(bad), samlcreds.Options{}).Retrieve(context.Background())
		var invalid *types.InvalidIdentityTokenException
		var re *awsrole.RemoteError
		if !errors.As(err, &invalid) || !errors.As(err, &re) || re.Rule != "B4.4" {
			t.Fatalf("err = %v, want InvalidIdentityToken recognised as the issuer case (rule B4.4)", err)
		}
	})
}

// TestSAMLRoleProviderWithLoadDefaultConfig wires the provider the way an
// application does: config.LoadDefaultConfig, sts.NewFromConfig for the
// unsigned AssumeRoleWithSAML, then cfg.Credentials = aws.NewCredentialsCache(p)
// for every other client. A GetCallerIdentity signed with the federated
// credentials must reach awstest, which checks the SigV4 signature and the
// session token of the credentials it issued, as the assumed role (B2.6).
func TestSAMLRoleProviderWithLoadDefaultConfig(t *testing.T) {
	// Keep the developer's AWS environment out (t.Setenv: not parallel).
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
		"AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
		"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE"} {
		t.Setenv(k, "")
	}
	// Wall clocks (the server's a set offset ahead): aws.CredentialsCache
	// judges expiry with time.Now, so the issued credentials must expire
	// after the real now. Nothing compares a fixed date with the wall clock.
	idp := samltest.NewIdP(t, samltest.IdPConfig{})
	b64 := []byte(samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{}).Base64())
	var mu sync.Mutex
	ahead := time.Minute
	srv := awstestSTS(t, idp, func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return time.Now().Add(ahead)
	})
	ctx := context.Background()
	load := func(url string) aws.Config {
		cfg, err := config.LoadDefaultConfig(ctx,
			config.WithRegion("eu-west-1"),
			config.WithBaseEndpoint(url),
			config.WithSharedConfigFiles([]string{}),
			config.WithSharedCredentialsFiles([]string{}),
			config.WithCredentialsProvider(aws.AnonymousCredentials{}),
		)
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	admin := mustRole(t, samltest.DefaultUser().Roles[0])
	cfg := load(srv.URL)
	p := samlcreds.NewProvider(sts.NewFromConfig(cfg), admin, staticSource(b64), samlcreds.Options{})
	// aws.CredentialsCache judges expiry by the wall clock (the SDK takes no clock):
	// to it these credentials, issued at the fixed 2026-11-28 clock, are already
	// stale, so it would fetch afresh for every signed call. One signed call per
	// cache keeps the call log below the same on any date (docs/design.md).
	cfg.Credentials = aws.NewCredentialsCache(p)

	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(id.Arn), "arn:aws:sts::123456789012:assumed-role/EntraAdmin/"+samltest.DefaultUser().UPN; got != want {
		t.Errorf("caller %q, want %q", got, want)
	}
	calls := srv.Calls()
	if len(calls) < 2 || calls[len(calls)-2].Action != "AssumeRoleWithSAML" || calls[len(calls)-2].AccessKeyID != "" ||
		calls[len(calls)-1].Action != "GetCallerIdentity" || !strings.HasPrefix(calls[len(calls)-1].AccessKeyID, "ASIA") {
		t.Fatalf("calls %+v; want an unsigned AssumeRoleWithSAML, then GetCallerIdentity signed with the federated key", calls)
	}

	// A4.4: a stale assertion fails the signed call, and the STS type and our
	// category survive the SDK's signing-error wrapping.
	mu.Lock()
	ahead = 6 * time.Minute
	mu.Unlock()
	cfg2 := load(srv.URL)
	p2 := samlcreds.NewProvider(sts.NewFromConfig(cfg2), admin, staticSource(b64), samlcreds.Options{})
	cfg2.Credentials = aws.NewCredentialsCache(p2)
	before := len(srv.Calls())
	_, err = sts.NewFromConfig(cfg2).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	var expired *types.ExpiredTokenException
	if !errors.As(err, &expired) || !errors.Is(err, samlcreds.ErrSTS) {
		t.Fatalf("err = %v, want ExpiredTokenException and ErrSTS through the SDK", err)
	}
	for _, c := range srv.Calls()[before:] {
		if c.Action != "AssumeRoleWithSAML" {
			t.Errorf("call %+v; the signed call must not be sent without credentials", c)
		}
	}
}

// TestSAMLRoleProviderConcurrent: the provider is safe for concurrent use
// against awstest (which verifies every call), and behind
// aws.CredentialsCache concurrent callers share one STS call.
func TestSAMLRoleProviderConcurrent(t *testing.T) {
	t.Parallel()
	// Wall clocks on both sides: aws.CredentialsCache judges expiry with
	// time.Now, so the credentials must expire an hour after the real now.
	// Nothing here compares a fixed date with the wall clock.
	idp := samltest.NewIdP(t, samltest.IdPConfig{})
	b64 := []byte(samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{}).Base64())
	srv := awstestSTS(t, idp, time.Now)
	assumes := func() int {
		n := 0
		for _, c := range srv.Calls() {
			if c.Action == "AssumeRoleWithSAML" && c.Status == 200 {
				n++
			}
		}
		return n
	}
	p := samlcreds.NewProvider(sts.NewFromConfig(srv.AWSConfig("")), mustRole(t, samltest.DefaultUser().Roles[0]), staticSource(b64), samlcreds.Options{})
	const n = 16
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	direct := make(chan string, n)
	for range n {
		wg.Go(func() {
			c, err := p.Retrieve(context.Background())
			errs <- err
			direct <- c.AccessKeyID
		})
	}
	wg.Wait()
	close(direct)
	if got := assumes(); got != n {
		t.Errorf("%d direct Retrieves made %d STS calls, want %d", n, got, n)
	}
	seen := map[string]bool{}
	for k := range direct {
		seen[k] = true
	}
	if len(seen) != n {
		t.Errorf("%d direct Retrieves gave %d distinct keys, want %d", n, len(seen), n)
	}
	cache := aws.NewCredentialsCache(p)
	keys := make(chan string, n)
	for range n {
		wg.Go(func() {
			c, err := cache.Retrieve(context.Background())
			errs <- err
			keys <- c.AccessKeyID
		})
	}
	wg.Wait()
	close(errs)
	close(keys)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := assumes(); got != n+1 {
		t.Errorf("%d cached Retrieves made %d STS calls, want 1", n, got-n)
	}
	var first string
	for k := range keys {
		if first == "" {
			first = k
		}
		if k != first || !strings.HasPrefix(k, "ASIA") || seen[k] {
			t.Errorf("cached key %s (first %s)", k, first)
		}
	}
}

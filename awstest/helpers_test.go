package awstest_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awstest"
	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/awstesthelp"
	"github.com/samlaws/samlaws/internal/samltesthelp"
	"github.com/samlaws/samlaws/saml/samltest"
)

// testNow is the fixed instant of the tests: the IdP mints at it and the
// server judges at it (never the wall clock).
var testNow = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

const (
	providerARN = "arn:aws:iam::123456789012:saml-provider/EntraID" // the provider of samltest.DefaultUser's roles
	adminRole   = "arn:aws:iam::123456789012:role/EntraAdmin"
	readOnly    = "arn:aws:iam::123456789012:role/EntraReadOnly"
)

// world is a server with the samltest tenant's provider and its two roles.
type world struct {
	srv *awstest.Server
	idp *samltest.IdP
	iam *iam.Client
	sts *sts.Client
	now *time.Time
}

func (w *world) clock() time.Time { return *w.now }

// newWorld starts a server whose clock is shared with a samltest IdP,
// creates the provider EntraID from the IdP's metadata and the roles
// EntraAdmin (trust policy from federation.NewTrustPolicy with opts) and
// EntraReadOnly (plain).
func newWorld(t testing.TB, opts federation.TrustPolicyOptions) *world {
	t.Helper()
	now := testNow
	w := &world{now: &now}
	w.idp = samltest.NewIdP(t, samltest.IdPConfig{Now: w.clock})
	w.srv = awstesthelp.NewServer(t, awstest.Config{Now: w.clock})
	cfg := w.srv.AWSConfig("")
	cfg.RetryMaxAttempts = 1
	w.iam, w.sts = iam.NewFromConfig(cfg), sts.NewFromConfig(cfg)
	ctx := context.Background()
	if _, err := w.iam.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{
		Name: aws.String("EntraID"), SAMLMetadataDocument: aws.String(string(w.idp.Metadata())),
	}); err != nil {
		t.Fatalf("CreateSAMLProvider: %v", err)
	}
	p, _ := awsrole.ParseProviderARN(providerARN)
	opts.Providers = []awsrole.ProviderARN{p}
	doc, err := federation.NewTrustPolicy(opts)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := federation.NewTrustPolicy(federation.TrustPolicyOptions{Providers: opts.Providers})
	for _, r := range []struct{ name, doc string }{{"EntraAdmin", string(doc)}, {"EntraReadOnly", string(plain)}} {
		if _, err := w.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(r.name), AssumeRolePolicyDocument: aws.String(r.doc)}); err != nil {
			t.Fatalf("CreateRole %s: %v", r.name, err)
		}
	}
	return w
}

// assume calls AssumeRoleWithSAML for EntraAdmin with a response minted for
// the default user with opts.
func (w *world) assume(t *testing.T, opts samltest.ResponseOptions) (*sts.AssumeRoleWithSAMLOutput, error) {
	t.Helper()
	return w.assumeWith(t, &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String(adminRole)}, samltest.DefaultUser(), opts)
}

func (w *world) assumeWith(t *testing.T, in *sts.AssumeRoleWithSAMLInput, u samltest.User, opts samltest.ResponseOptions) (*sts.AssumeRoleWithSAMLOutput, error) {
	t.Helper()
	if in.PrincipalArn == nil {
		in.PrincipalArn = aws.String(providerARN)
	}
	if in.SAMLAssertion == nil {
		in.SAMLAssertion = aws.String(samltesthelp.MustMint(t, w.idp, u, opts).Base64())
	}
	return w.sts.AssumeRoleWithSAML(context.Background(), in)
}

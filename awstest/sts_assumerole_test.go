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
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	smithy "github.com/aws/smithy-go"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awstest"
	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/awstesthelp"
	"github.com/samlaws/samlaws/internal/samltesthelp"
	"github.com/samlaws/samlaws/saml/samltest"
)

const (
	memberA = "222222222222"
	memberB = "333333333333"
	// bSimon is the assumed-role ARN of the samltest user in EntraAdmin.
	bSimon = "arn:aws:sts::123456789012:assumed-role/EntraAdmin/B.Simon@contoso.com"
)

// orgWorld is a management account (123456789012, the samltest tenant's
// provider and EntraAdmin role) and two member accounts.
type orgWorld struct {
	srv  *awstest.Server
	idp  *samltest.IdP
	now  *time.Time
	root aws.Config // the management account's root keys
}

func newOrgWorld(t *testing.T) *orgWorld {
	t.Helper()
	now := testNow
	w := &orgWorld{now: &now}
	clock := func() time.Time { return *w.now }
	w.idp = samltest.NewIdP(t, samltest.IdPConfig{Now: clock})
	w.srv = awstesthelp.NewServer(t, awstest.Config{Now: clock, Accounts: []awstest.Account{{ID: "123456789012"}, {ID: memberA}, {ID: memberB}}})
	w.root = w.srv.AWSConfig("123456789012")
	w.root.RetryMaxAttempts = 1
	ctx := context.Background()
	ic := iam.NewFromConfig(w.root)
	if _, err := ic.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("EntraID"), SAMLMetadataDocument: aws.String(string(w.idp.Metadata()))}); err != nil {
		t.Fatal(err)
	}
	p, _ := awsrole.ParseProviderARN(providerARN)
	doc, _ := federation.NewTrustPolicy(federation.TrustPolicyOptions{Providers: []awsrole.ProviderARN{p}})
	if _, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("EntraAdmin"), AssumeRolePolicyDocument: aws.String(string(doc))}); err != nil {
		t.Fatal(err)
	}
	return w
}

// role creates a role with a trust policy in account.
func (w *orgWorld) role(t *testing.T, account, name, trust string, maxSession int32) string {
	t.Helper()
	cfg := w.srv.AWSConfig(account)
	in := &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)}
	if maxSession > 0 {
		in.MaxSessionDuration = aws.Int32(maxSession)
	}
	out, err := iam.NewFromConfig(cfg).CreateRole(context.Background(), in)
	if err != nil {
		t.Fatalf("CreateRole %s in %s: %v", name, account, err)
	}
	return aws.ToString(out.Role.Arn)
}

// signIn is B.Simon's EntraAdmin session (AssumeRoleWithSAML), as an
// aws.Config.
func (w *orgWorld) signIn(t *testing.T) aws.Config {
	t.Helper()
	out, err := sts.NewFromConfig(w.root).AssumeRoleWithSAML(context.Background(), &sts.AssumeRoleWithSAMLInput{
		RoleArn: aws.String(adminRole), PrincipalArn: aws.String(providerARN),
		SAMLAssertion: aws.String(samltesthelp.MustMint(t, w.idp, samltest.DefaultUser(), samltest.ResponseOptions{}).Base64()),
	})
	if err != nil {
		t.Fatalf("AssumeRoleWithSAML: %v", err)
	}
	return withCreds(w.root, out.Credentials)
}

func withCreds(base aws.Config, c *ststypes.Credentials) aws.Config {
	cfg := base.Copy()
	cfg.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	return cfg
}

func trustDoc(statements ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
}

const trustMgmtRoot = `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}`

// TestAssumeRole: a role session of the management account assumes a role
// in a member account whose trust policy names the management account; the
// credentials act in the member account, and GetCallerIdentity answers the
// assumed-role ARN (A4.3 for the chained session's cap).
func TestAssumeRole(t *testing.T) {
	t.Parallel()
	w := newOrgWorld(t)
	target := w.role(t, memberA, "OrganizationAccountAccessRole", trustDoc(trustMgmtRoot), 0)
	w.role(t, memberA, "Other", trustDoc(trustMgmtRoot), 0)
	ctx := context.Background()
	session := w.signIn(t)

	out, err := sts.NewFromConfig(session).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(target), RoleSessionName: aws.String("samlaws")})
	if err != nil {
		t.Fatalf("AssumeRole: %v", err)
	}
	c := out.Credentials
	if !strings.HasPrefix(aws.ToString(c.AccessKeyId), "ASIA") || len(aws.ToString(c.AccessKeyId)) != 20 || len(aws.ToString(c.SecretAccessKey)) != 40 || aws.ToString(c.SessionToken) == "" {
		t.Fatalf("credentials = %+v", c)
	}
	if got, want := aws.ToTime(c.Expiration), testNow.Add(time.Hour); !got.Equal(want) {
		t.Errorf("Expiration = %v, want %v (default 3600 s)", got, want)
	}
	wantARN := "arn:aws:sts::" + memberA + ":assumed-role/OrganizationAccountAccessRole/samlaws"
	if got := aws.ToString(out.AssumedRoleUser.Arn); got != wantARN {
		t.Errorf("AssumedRoleUser.Arn = %q, want %q", got, wantARN)
	}
	if id := aws.ToString(out.AssumedRoleUser.AssumedRoleId); !strings.HasPrefix(id, "AROA") || !strings.HasSuffix(id, ":samlaws") {
		t.Errorf("AssumedRoleId = %q", id)
	}
	if out.PackedPolicySize != nil || out.SourceIdentity != nil {
		t.Errorf("PackedPolicySize/SourceIdentity without a session policy, tags or source identity: %v %v", out.PackedPolicySize, out.SourceIdentity)
	}

	member := withCreds(w.root, c)
	id, err := sts.NewFromConfig(member).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != wantARN || aws.ToString(id.Account) != memberA || aws.ToString(id.UserId) != aws.ToString(out.AssumedRoleUser.AssumedRoleId) {
		t.Fatalf("GetCallerIdentity with the member credentials = %+v, %v", id, err)
	}
	// They act in the member account: its roles, not the management's.
	lr, err := iam.NewFromConfig(member).ListRoles(ctx, &iam.ListRolesInput{})
	if err != nil || len(lr.Roles) != 2 || !strings.Contains(aws.ToString(lr.Roles[0].Arn), ":"+memberA+":") {
		t.Fatalf("ListRoles in the member account = %+v, %v", lr, err)
	}
	// And they expire by the server clock.
	*w.now = testNow.Add(time.Hour)
	_, err = sts.NewFromConfig(member).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantAPIError(t, err, "ExpiredToken", 403)
}

// TestAssumeRoleRefusals: each way STS refuses AssumeRole, with its code,
// HTTP status and message.
func TestAssumeRoleRefusals(t *testing.T) {
	t.Parallel()
	w := newOrgWorld(t)
	ctx := context.Background()
	open := w.role(t, memberA, "Open", trustDoc(trustMgmtRoot), 7200)
	foreign := w.role(t, memberA, "Foreign", trustDoc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444444444444:root"},"Action":"sts:AssumeRole"}`), 0)
	service := w.role(t, memberA, "Service", trustDoc(`{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}`), 0)
	samlOnly := w.role(t, memberA, "SAMLOnly", trustDoc(`{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRoleWithSAML"}`), 0)
	denied := w.role(t, memberA, "Denied", trustDoc(trustMgmtRoot,
		`{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::123456789012:role/EntraAdmin"},"Action":"sts:*"}`), 0)
	unknownCond := w.role(t, memberA, "UnknownCondition", trustDoc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}`), 0)
	unknownDeny := w.role(t, memberA, "UnknownDeny", trustDoc(trustMgmtRoot, `{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`), 0)
	external := w.role(t, memberA, "External", trustDoc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"ticket-42"}}}`), 0)
	tagging := w.role(t, memberA, "Tagging", trustDoc(`{"Effect":"Allow","Principal":{"AWS":"`+adminRole+`"},"Action":["sts:AssumeRole","sts:TagSession"]}`), 0)
	bySession := w.role(t, memberB, "BySession", trustDoc(`{"Effect":"Allow","Principal":{"AWS":"`+bSimon+`"},"Action":"sts:AssumeRole"}`), 0)

	session := sts.NewFromConfig(w.signIn(t))
	assume := func(in *sts.AssumeRoleInput) (*sts.AssumeRoleOutput, error) {
		if in.RoleSessionName == nil {
			in.RoleSessionName = aws.String("samlaws")
		}
		return session.AssumeRole(ctx, in)
	}
	notAuthorized := func(what string, err error, role string) {
		t.Helper()
		wantAPIError(t, err, "AccessDenied", 403)
		var ae smithy.APIError
		if want := "User: " + bSimon + " is not authorized to perform: sts:AssumeRole on resource: " + role; err != nil && (!errors.As(err, &ae) || ae.ErrorMessage() != want) {
			t.Errorf("%s: message %q, want %q", what, ae.ErrorMessage(), want)
		}
	}

	// The root user may not assume a role.
	_, err := sts.NewFromConfig(w.root).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(open), RoleSessionName: aws.String("root")})
	wantAPIError(t, err, "AccessDenied", 403)
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorMessage() != "Roles may not be assumed by root accounts." {
		t.Errorf("root: %q", ae.ErrorMessage())
	}
	// The trust policy decides.
	_, err = assume(&sts.AssumeRoleInput{RoleArn: aws.String(foreign)})
	notAuthorized("another account trusted", err, foreign)
	_, err = assume(&sts.AssumeRoleInput{RoleArn: aws.String(service)})
	notAuthorized("a service principal", err, service)
	_, err = assume(&sts.AssumeRoleInput{RoleArn: aws.String(samlOnly)})
	notAuthorized("another action", err, samlOnly)
	_, err = assume(&sts.AssumeRoleInput{RoleArn: aws.String(denied)})
	notAuthorized("an explicit Deny", err, denied)
	_, err = assume(&sts.AssumeRoleInput{RoleArn: aws.String(unknownCond)})
	notAuthorized("an Allow with a condition not evaluated", err, unknownCond)
	_, err = assume(&sts.AssumeRoleInput{RoleArn: aws.String(unknownDeny)})
	notAuthorized("a Deny with a condition not evaluated", err, unknownDeny)
	// The same answer for a role that does not exist, in an account the
	// server has or not.
	missing := "arn:aws:iam::" + memberA + ":role/Missing"
	_, err = assume(&sts.AssumeRoleInput{RoleArn: aws.String(missing)})
	notAuthorized("a missing role", err, missing)
	elsewhere := "arn:aws:iam::555555555555:role/Open"
	_, err = assume(&sts.AssumeRoleInput{RoleArn: aws.String(elsewhere)})
	notAuthorized("an unknown account", err, elsewhere)

	// Conditions: sts:ExternalId.
	_, err = assume(&sts.AssumeRoleInput{RoleArn: aws.String(external)})
	notAuthorized("no ExternalId", err, external)
	_, err = assume(&sts.AssumeRoleInput{RoleArn: aws.String(external), ExternalId: aws.String("ticket-43")})
	notAuthorized("a wrong ExternalId", err, external)
	if _, err := assume(&sts.AssumeRoleInput{RoleArn: aws.String(external), ExternalId: aws.String("ticket-42")}); err != nil {
		t.Errorf("the right ExternalId: %v", err)
	}
	// Session tags need sts:TagSession (B3.2), granted to the caller's role.
	tags := []ststypes.Tag{{Key: aws.String("Project"), Value: aws.String("blue")}}
	_, err = assume(&sts.AssumeRoleInput{RoleArn: aws.String(open), Tags: tags})
	notAuthorized("tags without sts:TagSession", err, open)
	out, err := assume(&sts.AssumeRoleInput{RoleArn: aws.String(tagging), Tags: tags})
	if err != nil || out.PackedPolicySize == nil {
		t.Errorf("tags with sts:TagSession: %v (PackedPolicySize %v)", err, out)
	}
	// A principal naming the caller's own session.
	if _, err := assume(&sts.AssumeRoleInput{RoleArn: aws.String(bySession)}); err != nil {
		t.Errorf("principal = the caller's assumed-role ARN: %v", err)
	}

	// Session length: 900..43200, and 1 hour when chaining (A4.3) even on
	// a 2-hour role.
	for _, d := range []int32{899, 43201} {
		_, err = assume(&sts.AssumeRoleInput{RoleArn: aws.String(open), DurationSeconds: aws.Int32(d)})
		wantAPIError(t, err, "ValidationError", 400)
	}
	_, err = assume(&sts.AssumeRoleInput{RoleArn: aws.String(open), DurationSeconds: aws.Int32(7200)})
	wantAPIError(t, err, "ValidationError", 400)
	if errors.As(err, &ae) && ae.ErrorMessage() != "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining." {
		t.Errorf("chained 7200 s: %q", ae.ErrorMessage())
	}
	out, err = assume(&sts.AssumeRoleInput{RoleArn: aws.String(open), DurationSeconds: aws.Int32(900)})
	if err != nil || !aws.ToTime(out.Credentials.Expiration).Equal(testNow.Add(15*time.Minute)) {
		t.Errorf("900 s: %v", err)
	}
	// Request constraints.
	for _, name := range []string{"a", "has space", strings.Repeat("x", 65)} {
		_, err = assume(&sts.AssumeRoleInput{RoleArn: aws.String(open), RoleSessionName: aws.String(name)})
		wantAPIError(t, err, "ValidationError", 400)
	}
	_, err = assume(&sts.AssumeRoleInput{RoleArn: aws.String(open), ExternalId: aws.String("bad id!")})
	wantAPIError(t, err, "ValidationError", 400)
	_, err = assume(&sts.AssumeRoleInput{RoleArn: aws.String(open), Policy: aws.String("{not json")})
	var malformed *ststypes.MalformedPolicyDocumentException
	if !errors.As(err, &malformed) {
		t.Errorf("bad session policy: %v", err)
	}
}

// TestAssumeRoleChain: credentials from AssumeRole assume a role trusting
// that role, two hops from the SAML sign-in.
func TestAssumeRoleChain(t *testing.T) {
	t.Parallel()
	w := newOrgWorld(t)
	ctx := context.Background()
	hop1 := w.role(t, memberA, "Hop1", trustDoc(trustMgmtRoot), 0)
	hop2 := w.role(t, memberB, "Hop2", trustDoc(`{"Effect":"Allow","Principal":{"AWS":"`+hop1+`"},"Action":"sts:AssumeRole"}`), 0)
	out, err := sts.NewFromConfig(w.signIn(t)).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(hop1), RoleSessionName: aws.String("one")})
	if err != nil {
		t.Fatal(err)
	}
	out2, err := sts.NewFromConfig(withCreds(w.root, out.Credentials)).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(hop2), RoleSessionName: aws.String("two")})
	if err != nil {
		t.Fatalf("second hop: %v", err)
	}
	if got := aws.ToString(out2.AssumedRoleUser.Arn); got != "arn:aws:sts::"+memberB+":assumed-role/Hop2/two" {
		t.Errorf("second hop ARN %q", got)
	}
	// The management session is not Hop1: refused.
	_, err = sts.NewFromConfig(w.signIn(t)).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(hop2), RoleSessionName: aws.String("two")})
	wantAPIError(t, err, "AccessDenied", 403)
}

package iamsaml_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awsrole/iamsaml"
	"github.com/samlaws/samlaws/awstest"
	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/awstesthelp"
	"github.com/samlaws/samlaws/internal/samltesthelp"
	"github.com/samlaws/samlaws/metadata"
	"github.com/samlaws/samlaws/saml/samltest"
)

// provNow is the fixed instant of these tests: the IdP mints and the server
// judges at it, never at the wall clock.
var provNow = time.Date(2027, 6, 1, 10, 0, 0, 0, time.UTC)

// tenant is an awstest account and a samltest IdP sharing one clock.
type tenant struct {
	srv  *awstest.Server
	idp  *samltest.IdP
	iam  *iam.Client
	sts  *sts.Client
	arn  awsrole.ProviderARN
	opts iamsaml.ProviderOptions
}

func newTenant(t *testing.T) *tenant {
	t.Helper()
	clock := func() time.Time { return provNow }
	tn := &tenant{
		idp: samltest.NewIdP(t, samltest.IdPConfig{Now: clock}),
		srv: awstesthelp.NewServer(t, awstest.Config{Now: clock}),
	}
	// The SDK's default retryer stays on: it retries the "use of closed
	// network connection" reads that aws-sdk-go-v2 clients see now and then
	// on loopback (aws/aws-sdk-go-v2#2737), as it does in production.
	cfg := tn.srv.AWSConfig("")
	tn.iam, tn.sts = iam.NewFromConfig(cfg), sts.NewFromConfig(cfg)
	var err error
	if tn.arn, err = awsrole.ParseProviderARN("arn:aws:iam::123456789012:saml-provider/EntraID"); err != nil {
		t.Fatal(err)
	}
	tn.opts = iamsaml.ProviderOptions{Now: clock}
	return tn
}

// held returns the metadata the server holds for the provider.
func (tn *tenant) held(t *testing.T) string {
	t.Helper()
	for _, p := range tn.srv.Providers("") {
		if p.ARN == tn.arn.String() {
			return p.Metadata
		}
	}
	return ""
}

// writes counts the IAM calls that change providers.
func (tn *tenant) writes() int {
	n := 0
	for _, c := range tn.srv.Calls() {
		if c.Action == "CreateSAMLProvider" || c.Action == "UpdateSAMLProvider" {
			n++
		}
	}
	return n
}

// assume signs in through STS with a response the IdP signs now, for a role
// that trusts the provider.
func (tn *tenant) assume(t *testing.T) error {
	t.Helper()
	ctx := context.Background()
	if _, err := tn.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("EntraAdmin")}); err != nil {
		doc, err := federation.NewTrustPolicy(federation.TrustPolicyOptions{Providers: []awsrole.ProviderARN{tn.arn}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tn.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("EntraAdmin"), AssumeRolePolicyDocument: aws.String(string(doc))}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := tn.sts.AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{
		RoleArn:       aws.String("arn:aws:iam::123456789012:role/EntraAdmin"),
		PrincipalArn:  aws.String(tn.arn.String()),
		SAMLAssertion: aws.String(samltesthelp.MustMint(t, tn.idp, samltest.DefaultUser(), samltest.ResponseOptions{}).Base64()),
	})
	return err
}

func TestPlanApplyCreateThenNothing(t *testing.T) {
	t.Parallel()
	tn := newTenant(t)
	ctx := context.Background()
	withBOM := append([]byte("\ufeff"), tn.idp.Metadata()...)
	plan, err := ensureProvider(ctx, tn.iam, tn.arn, withBOM, tn.opts)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Action != "create" || plan.Current != "" || len(plan.Certificates.Added) != 1 {
		t.Fatalf("plan = %s current %q added %d; want create of 1 certificate", plan.Action, plan.Current, len(plan.Certificates.Added))
	}
	got := tn.held(t)
	if strings.HasPrefix(got, "\ufeff") || got != string(tn.idp.Metadata()) {
		t.Fatalf("IAM holds %d bytes (BOM %v), want the IdP's document without BOM (C1.3)", len(got), strings.HasPrefix(got, "\ufeff"))
	}
	if err := tn.assume(t); err != nil {
		t.Fatalf("sign-in after create: %v", err)
	}
	before := tn.writes()
	plan, err = ensureProvider(ctx, tn.iam, tn.arn, withBOM, tn.opts)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Action != "none" || plan.Breaks {
		t.Errorf("second ensure: action %s breaks %v, want none", plan.Action, plan.Breaks)
	}
	if tn.writes() != before {
		t.Errorf("an equal document was written again (%d writes, want %d)", tn.writes(), before)
	}
}

func TestPlanProviderRefusesWhatIAMRefuses(t *testing.T) {
	t.Parallel()
	tn := newTenant(t)
	for name, doc := range map[string][]byte{
		"empty":     nil,
		"not XML":   []byte("<html><body>Sign in to your account</body></html>"),
		"aggregate": []byte(`<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"/>`),
	} {
		_, err := iamsaml.PlanProvider(context.Background(), tn.iam, tn.arn, doc, tn.opts)
		if !errors.Is(err, iamsaml.ErrInvalidOptions) || !strings.Contains(err.Error(), "cannot be uploaded to IAM") {
			t.Errorf("%s: err = %v, want ErrInvalidOptions: metadata IAM would refuse", name, err)
		}
	}
	bad := tn.arn
	bad.Name = "Entra ID"
	if _, err := iamsaml.PlanProvider(context.Background(), tn.iam, bad, tn.idp.Metadata(), tn.opts); !errors.Is(err, iamsaml.ErrInvalidOptions) {
		t.Errorf("name with a space: err = %v, want ErrInvalidOptions (B1.2)", err)
	}
	if tn.writes() != 0 {
		t.Errorf("%d writes for refused input", tn.writes())
	}
}

// TestApplyProviderRefusesAfterConcurrentChange plans, lets another writer
// change the provider, and checks that apply writes nothing.
func TestApplyProviderRefusesAfterConcurrentChange(t *testing.T) {
	t.Parallel()
	tn := newTenant(t)
	ctx := context.Background()
	if _, err := ensureProvider(ctx, tn.iam, tn.arn, tn.idp.Metadata(), tn.opts); err != nil {
		t.Fatal(err)
	}
	tn.idp.AddNextCertificate()
	plan, err := iamsaml.PlanProvider(ctx, tn.iam, tn.arn, tn.idp.Metadata(), tn.opts)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Action != "update" || len(plan.Certificates.Added) != 1 || len(plan.Certificates.Removed) != 0 || plan.Breaks {
		t.Fatalf("plan = %s added %d removed %d breaks %v; want a safe update adding one", plan.Action, len(plan.Certificates.Added), len(plan.Certificates.Removed), plan.Breaks)
	}
	// Someone else uploads another document in between.
	other := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return provNow }, KeyIndex: 3}).Metadata()
	if _, err := tn.iam.UpdateSAMLProvider(ctx, &iam.UpdateSAMLProviderInput{SAMLProviderArn: aws.String(tn.arn.String()), SAMLMetadataDocument: aws.String(string(other))}); err != nil {
		t.Fatal(err)
	}
	err = iamsaml.ApplyProvider(ctx, tn.iam, plan, tn.opts)
	if !errors.Is(err, iamsaml.ErrChanged) {
		t.Fatalf("apply after a concurrent change: err = %v, want ErrChanged", err)
	}
	if tn.held(t) != string(other) {
		t.Error("apply overwrote the other writer's document")
	}

	// A create planned while another creates the provider.
	tn2 := newTenant(t)
	plan, err = iamsaml.PlanProvider(ctx, tn2.iam, tn2.arn, tn2.idp.Metadata(), tn2.opts)
	if err != nil || plan.Action != "create" {
		t.Fatalf("plan = %v, %v", plan, err)
	}
	if _, err := tn2.iam.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String(tn2.arn.Name), SAMLMetadataDocument: aws.String(string(other))}); err != nil {
		t.Fatal(err)
	}
	if err := iamsaml.ApplyProvider(ctx, tn2.iam, plan, tn2.opts); !errors.Is(err, iamsaml.ErrChanged) {
		t.Fatalf("create after a concurrent create: err = %v, want ErrChanged", err)
	}
}

// TestRolloverC3_4 walks the zero-downtime rollover with real sign-ins
// through awstest's STS at each step, and checks the unsafe shortcut is
// refused.
func TestRolloverC3_4(t *testing.T) {
	t.Parallel()
	tn := newTenant(t)
	ctx := context.Background()
	step := func(want string, opts iamsaml.ProviderOptions) *iamsaml.RolloverStatus {
		t.Helper()
		st, err := iamsaml.Rollover(ctx, tn.iam, tn.arn, tn.idp.Metadata(), opts)
		if err != nil {
			t.Fatalf("step %s: %v", want, err)
		}
		if st.Step != want {
			t.Fatalf("step = %s, want %s (next: %s)", st.Step, want, st.Next)
		}
		return st
	}
	if st := step("publish", tn.opts); !st.Applied || st.Plan.Action != "create" {
		t.Fatalf("initial publish: applied %v action %s", st.Applied, st.Plan.Action)
	}
	step("done", tn.opts)
	if err := tn.assume(t); err != nil {
		t.Fatal(err)
	}
	oldCert := tn.idp.Certificate()

	// 1. Entra publishes a new, inactive certificate.
	newCert := tn.idp.AddNextCertificate()
	if st := step("publish", tn.opts); !st.Applied || len(st.Plan.Certificates.Added) != 1 {
		t.Fatalf("publish: applied %v added %d", st.Applied, len(st.Plan.Certificates.Added))
	}
	// 2. Activated in Entra: responses are now signed with the new one, and
	// AWS already trusts it.
	tn.idp.ActivateNextCertificate()
	// The document changed (Entra re-signs its metadata with the active
	// certificate), the certificates did not: the upload is safe.
	if st := step("activate", tn.opts); len(st.Plan.Certificates.Added)+len(st.Plan.Certificates.Removed) != 0 || st.Plan.Breaks {
		t.Fatalf("activate: added %d removed %d breaks %v, want the same certificates", len(st.Plan.Certificates.Added), len(st.Plan.Certificates.Removed), st.Plan.Breaks)
	}
	before := tn.writes()
	if st := step("activate", tn.opts); st.Applied || st.Plan.Action != "none" {
		t.Fatalf("activate again: applied %v action %s, want nothing written", st.Applied, st.Plan.Action)
	}
	if tn.writes() != before {
		t.Fatal("a repeated activate step wrote to IAM")
	}
	if err := tn.assume(t); err != nil {
		t.Fatalf("sign-in with the new certificate after publish: %v", err)
	}
	// 3. The old certificate is removed in Entra. Without knowing which
	// certificate Entra signs with, dropping one from IAM is refused.
	tn.idp.RemoveInactiveCertificates()
	held := tn.held(t)
	st, err := iamsaml.Rollover(ctx, tn.iam, tn.arn, tn.idp.Metadata(), tn.opts)
	if !errors.Is(err, iamsaml.ErrUnsafe) || st == nil || st.Step != "retire" || st.Applied {
		t.Fatalf("retire without ActiveSigner: status %+v err %v, want ErrUnsafe", st, err)
	}
	if tn.held(t) != held {
		t.Fatal("a refused retire changed IAM")
	}
	// Naming the old certificate as the active one is refused too: it is not
	// in the new document.
	opts := tn.opts
	opts.ActiveSigner = metadata.NewCertificate(oldCert.Raw).SHA1
	if _, err := iamsaml.Rollover(ctx, tn.iam, tn.arn, tn.idp.Metadata(), opts); !errors.Is(err, iamsaml.ErrUnsafe) {
		t.Fatalf("retire while the old certificate signs: err = %v, want ErrUnsafe", err)
	} else if msg := err.Error(); !strings.Contains(msg, "is not in the new document (rule C3.4)") || strings.Count(msg, "C3.4") != 1 {
		t.Errorf("the refusal cites C3.4 other than once, at its end: %q", msg)
	}
	// A dry run with the right signer says what it would do and writes nothing.
	opts.ActiveSigner = metadata.NewCertificate(newCert.Raw).SHA256
	opts.DryRun = true
	if st := step("retire", opts); st.Applied || len(st.Plan.Certificates.Removed) != 1 {
		t.Fatalf("dry run: applied %v removed %d", st.Applied, len(st.Plan.Certificates.Removed))
	}
	if tn.held(t) != held {
		t.Fatal("a dry run changed IAM")
	}
	opts.DryRun = false
	if st := step("retire", opts); !st.Applied {
		t.Fatal("retire with the active signer known was not applied")
	}
	step("done", opts)
	if err := tn.assume(t); err != nil {
		t.Fatalf("sign-in after the rollover: %v", err)
	}
}

// TestProviderForceAndBreaking: the IdP switched certificates in one go (new
// active, old removed) before AWS was told. Uploading without knowing the
// signer is refused; Force uploads and the plan still says why.
func TestProviderForceAndBreaking(t *testing.T) {
	t.Parallel()
	tn := newTenant(t)
	ctx := context.Background()
	if _, err := ensureProvider(ctx, tn.iam, tn.arn, tn.idp.Metadata(), tn.opts); err != nil {
		t.Fatal(err)
	}
	tn.idp.AddNextCertificate()
	tn.idp.ActivateNextCertificate()
	tn.idp.RemoveInactiveCertificates()
	var ste *ststypes.InvalidIdentityTokenException
	if err := tn.assume(t); !errors.As(err, &ste) {
		t.Fatalf("sign-in before the upload: err = %v, want InvalidIdentityToken (A5.1)", err)
	}
	plan, err := ensureProvider(ctx, tn.iam, tn.arn, tn.idp.Metadata(), tn.opts)
	if !errors.Is(err, iamsaml.ErrUnsafe) || plan == nil || !plan.Breaks || len(plan.Reasons) == 0 {
		t.Fatalf("err = %v plan %+v, want ErrUnsafe with reasons", err, plan)
	}
	opts := tn.opts
	opts.Force = true
	if _, err := ensureProvider(ctx, tn.iam, tn.arn, tn.idp.Metadata(), opts); err != nil {
		t.Fatal(err)
	}
	if err := tn.assume(t); err != nil {
		t.Fatalf("sign-in after the forced upload: %v", err)
	}
}

func TestProviderIAMFailures(t *testing.T) {
	t.Parallel()
	tn := newTenant(t)
	ctx := context.Background()
	tn.srv.InjectFault(awstest.Fault{Action: "GetSAMLProvider", Code: "AccessDenied", Message: "not authorized to perform iam:GetSAMLProvider", Status: 403})
	_, err := ensureProvider(ctx, tn.iam, tn.arn, tn.idp.Metadata(), tn.opts)
	var re *awsrole.RemoteError
	if !errors.As(err, &re) || re.Op != "GetSAMLProvider" || re.Code != "AccessDenied" || re.StatusCode != 403 || !errors.Is(err, iamsaml.ErrIAM) {
		t.Fatalf("err = %v, want a RemoteError for GetSAMLProvider AccessDenied 403", err)
	}
	tn.srv.InjectFault(awstest.Fault{Action: "CreateSAMLProvider", Code: "LimitExceeded", Message: "quota", Status: 409})
	_, err = ensureProvider(ctx, tn.iam, tn.arn, tn.idp.Metadata(), tn.opts)
	if !errors.As(err, &re) || re.Op != "CreateSAMLProvider" || re.Code != "LimitExceeded" {
		t.Fatalf("err = %v, want a RemoteError for CreateSAMLProvider LimitExceeded", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := ensureProvider(cctx, tn.iam, tn.arn, tn.idp.Metadata(), tn.opts); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: err = %v, want context.Canceled", err)
	}
	if tn.held(t) != "" {
		t.Error("a failed ensure left a provider behind")
	}
}

func TestEncryptionKeyRotation(t *testing.T) {
	t.Parallel()
	tn := newTenant(t)
	ctx := context.Background()
	if _, err := ensureProvider(ctx, tn.iam, tn.arn, tn.idp.Metadata(), tn.opts); err != nil {
		t.Fatal(err)
	}
	keyA := samltesthelp.KeyPEM(t, 4)
	keyB := samltesthelp.KeyPEM(t, 5)
	keyC := samltesthelp.KeyPEM(t, 6)
	idA, err := iamsaml.AddEncryptionKey(ctx, tn.iam, tn.arn, keyA)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tn.iam.UpdateSAMLProvider(ctx, &iam.UpdateSAMLProviderInput{SAMLProviderArn: aws.String(tn.arn.String()), AssertionEncryptionMode: "Required"}); err != nil {
		t.Fatal(err)
	}
	// The last key of a Required provider is not removed.
	if err := iamsaml.RemoveEncryptionKey(ctx, tn.iam, tn.arn, idA); !errors.Is(err, iamsaml.ErrUnsafe) {
		t.Fatalf("removing the only key: err = %v, want ErrUnsafe (A5.6)", err)
	}
	idB, err := iamsaml.AddEncryptionKey(ctx, tn.iam, tn.arn, keyB)
	if err != nil || idB == idA || idB == "" {
		t.Fatalf("second key: id %q (first %q), err %v", idB, idA, err)
	}
	before := tn.writes()
	_, err = iamsaml.AddEncryptionKey(ctx, tn.iam, tn.arn, keyC)
	var ie *awsrole.Error
	if !errors.As(err, &ie) || ie.Rule != "A5.8" {
		t.Fatalf("third key: err = %v, want rule A5.8", err)
	}
	if tn.writes() != before {
		t.Error("the refused third key was sent to IAM")
	}
	if strings.Contains(err.Error(), "PRIVATE KEY") {
		t.Error("an error quotes the private key")
	}
	if err := iamsaml.RemoveEncryptionKey(ctx, tn.iam, tn.arn, "NOSUCHKEYID0000000000000"); err == nil {
		t.Fatal("removing an unknown KeyId succeeded")
	}
	if err := iamsaml.RemoveEncryptionKey(ctx, tn.iam, tn.arn, idA); err != nil {
		t.Fatal(err)
	}
	for _, p := range tn.srv.Providers("") {
		if len(p.PrivateKeyIDs) != 1 || p.PrivateKeyIDs[0] != idB {
			t.Errorf("keys after rotation = %v, want only %s", p.PrivateKeyIDs, idB)
		}
	}
	// Every key change went in a call of its own (A5.9): awstest refuses
	// add and remove together, so the calls above passing shows it too.
}

// TestProviderAggregate: IAM holds up to 10 IdPs per provider (B1.8), and
// awstest takes an aggregate as IAM does; a plan that moves from an
// aggregate to one entity drops certificates whose signer is unknown and is
// refused, and one that keeps the member Entra signs with is applied and
// sign-in keeps working.
func TestProviderAggregate(t *testing.T) {
	t.Parallel()
	tn := newTenant(t)
	ctx := context.Background()
	agg, err := os.ReadFile("testdata/spid-idps-aggregate.xml")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := ensureProvider(ctx, tn.iam, tn.arn, agg, tn.opts)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Action != "create" || len(plan.Certificates.Added) < 2 {
		t.Fatalf("aggregate: action %s, %d certificates; want create of several", plan.Action, len(plan.Certificates.Added))
	}
	if tn.held(t) != string(agg) {
		t.Fatal("IAM does not hold the aggregate as uploaded")
	}
	before := tn.writes()
	if plan, err = ensureProvider(ctx, tn.iam, tn.arn, agg, tn.opts); err != nil || plan.Action != "none" {
		t.Fatalf("aggregate again: %v %v", plan, err)
	}
	if tn.writes() != before {
		t.Error("an equal aggregate was written again")
	}
	plan, err = ensureProvider(ctx, tn.iam, tn.arn, tn.idp.Metadata(), tn.opts)
	if !errors.Is(err, iamsaml.ErrUnsafe) || plan == nil || len(plan.Certificates.Removed) == 0 {
		t.Fatalf("aggregate to one entity: err %v, plan %+v; want ErrUnsafe with removed certificates", err, plan)
	}
	if tn.held(t) != string(agg) {
		t.Error("a refused plan changed IAM")
	}

	// An aggregate holding the tenant's IdP and another: adding the other
	// member is safe; sign-in through the tenant's entity works; dropping
	// the other member again is allowed once the active signer is named.
	other := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return provNow }, TenantID: "0f0f0f0f-1111-4111-8111-0f0f0f0f0f0f", KeyIndex: 3})
	opts := tn.opts
	opts.Force = true // replaces the SPID aggregate
	if _, err := ensureProvider(ctx, tn.iam, tn.arn, tn.idp.Metadata(), opts); err != nil {
		t.Fatal(err)
	}
	both := aggregateOf(tn.idp.Metadata(), other.Metadata())
	plan, err = ensureProvider(ctx, tn.iam, tn.arn, both, tn.opts)
	if err != nil || plan.Action != "update" || len(plan.Certificates.Added) != 1 || len(plan.Certificates.Removed) != 0 {
		t.Fatalf("one entity to an aggregate of two: %+v %v; want a safe update adding one certificate", plan, err)
	}
	if err := tn.assume(t); err != nil {
		t.Fatalf("sign-in through a member of the aggregate: %v", err)
	}
	opts = tn.opts
	opts.ActiveSigner = metadata.NewCertificate(tn.idp.Certificate().Raw).SHA256
	if plan, err = ensureProvider(ctx, tn.iam, tn.arn, tn.idp.Metadata(), opts); err != nil || len(plan.Certificates.Removed) != 1 {
		t.Fatalf("aggregate back to the tenant's entity with ActiveSigner: %+v %v", plan, err)
	}
	if err := tn.assume(t); err != nil {
		t.Fatalf("sign-in after dropping the other member: %v", err)
	}
}

// aggregateOf wraps IdP metadata documents in one EntitiesDescriptor.
func aggregateOf(docs ...[]byte) []byte {
	var b strings.Builder
	b.WriteString(`<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">`)
	for _, d := range docs {
		s := string(d)
		if strings.HasPrefix(s, "<?xml") {
			s = s[strings.Index(s, "?>")+2:]
		}
		b.WriteString(strings.TrimSpace(s))
	}
	b.WriteString("</md:EntitiesDescriptor>")
	return []byte(b.String())
}

// ensureProvider is PlanProvider then ApplyProvider with the same options, as
// a caller writes it: the plan it applied (Action "none" when nothing was
// written), or the plan and the reason it was not applied.
func ensureProvider(ctx context.Context, client iamsaml.APIClient, arn awsrole.ProviderARN, idpMetadata []byte, opts iamsaml.ProviderOptions) (*iamsaml.ProviderPlan, error) {
	plan, err := iamsaml.PlanProvider(ctx, client, arn, idpMetadata, opts)
	if err != nil {
		return nil, err
	}
	return plan, iamsaml.ApplyProvider(ctx, client, plan, opts)
}

// TestAddEncryptionKeyEchoWithheld: an IAM error that echoes the private key
// (a broken or hostile endpoint) does not put it in the error string; the
// RemoteError keeps the status and the SDK error.
func TestAddEncryptionKeyEchoWithheld(t *testing.T) {
	t.Parallel()
	tn := newTenant(t)
	ctx := context.Background()
	if _, err := ensureProvider(ctx, tn.iam, tn.arn, tn.idp.Metadata(), tn.opts); err != nil {
		t.Fatal(err)
	}
	key := samltesthelp.KeyPEM(t, 4)
	echo := key[100:180]
	tn.srv.InjectFault(awstest.Fault{Action: "UpdateSAMLProvider", Code: "InvalidInput", Message: "cannot parse " + echo, Status: 400})
	_, err := iamsaml.AddEncryptionKey(ctx, tn.iam, tn.arn, key)
	var re *awsrole.RemoteError
	if !errors.As(err, &re) || re.StatusCode != 400 || !errors.Is(err, iamsaml.ErrIAM) {
		t.Fatalf("err = %v, want an *awsrole.RemoteError of ErrIAM, HTTP 400", err)
	}
	if strings.Contains(err.Error(), echo[:31]) || re.Code != "" || !strings.Contains(re.Message, "withheld") {
		t.Errorf("the private key's text reached the error: %q", err)
	}
}

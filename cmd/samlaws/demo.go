package main

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awsrole/iamsaml"
	"github.com/samlaws/samlaws/awsrole/samlcreds"
	"github.com/samlaws/samlaws/awstest"
	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/awsendpoint"
	"github.com/samlaws/samlaws/internal/awslimits"
	"github.com/samlaws/samlaws/metadata"
	"github.com/samlaws/samlaws/saml"
	"github.com/samlaws/samlaws/saml/samltest"
)

const demoHelp = `usage: samlaws demo

Run an offline Microsoft Entra ID -> AWS federation and explain each step: a
test Entra tenant (the same as package samltest makes); an AWS account in an
in-process IAM and STS (package awstest) where the IAM SAML provider and two
roles are created through the AWS SDK; the roles Entra may import and the
appRoles PATCH body; B.Simon's signed SAML response, checked as AWS would,
step by step; credentials from AssumeRoleWithSAML through the SDK and
GetCallerIdentity with them. Then two common misconfigurations are caught,
each with its fix: a "#2" copied from the Identifier into the Reply URL, and a
certificate rollover in Entra that the IAM SAML provider's metadata has not
caught up with, repaired with the rollover helper (which refuses the unsafe
upload).

Nothing leaves the machine (the AWS endpoint is a loopback listener): the keys
are public test keys, the clock is fixed and the fake's randomness seeded, so
the output is the same on every run.

Exit status: 0 the demo ran as described, 1 it did not (a bug), 2 usage error.

Examples:
  samlaws demo
  go run ./cmd/samlaws demo | less
`

// The demo's fixed inputs. With them, every byte of the output is reproducible.
var demoNow = time.Date(2026, time.November, 28, 13, 0, 0, 0, time.UTC)

const (
	// demoDelay is how long after Entra issued the response AWS checks it:
	// the browser's auto-submit.
	demoDelay = 2 * time.Second
	// demoSeed seeds the test tenant's random choices (tenant, IDs, serial
	// numbers).
	demoSeed = 20261128
	// demoIdentifier is the Entra app's Identifier: the second AWS app in the
	// tenant, so it carries the instance suffix "#2" (A1.6).
	demoIdentifier = "https://signin.aws.amazon.com/saml#2"
	// demoSessionDuration is the SessionDuration claim (user.sessionduration).
	demoSessionDuration = 2 * time.Hour
	// demoWidth is where long explanations wrap.
	demoWidth = 100
)

// runDemo is "samlaws demo".
func runDemo(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	if len(args) > 0 {
		if isHelp(args[0]) {
			fmt.Fprint(stdout, demoHelp)
			return exitOK
		}
		if strings.HasPrefix(args[0], "-") {
			fmt.Fprintf(stderr, "samlaws demo: %s: unknown flag (demo takes none)\nRun \"samlaws demo -h\" for usage.\n", clip(args[0]))
			return exitUsage
		}
		fmt.Fprintf(stderr, "samlaws demo: unexpected argument %q (demo takes none)\nRun \"samlaws demo -h\" for usage.\n", clip(args[0]))
		return exitUsage
	}
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "samlaws demo: unexpected failure\n")
			code = exitRejected
		}
	}()
	d := &demo{ctx: ctx}
	err := d.run()
	if _, werr := io.WriteString(stdout, d.out.String()); werr != nil && err == nil {
		err = werr
	}
	if err != nil {
		fmt.Fprintf(stderr, "samlaws demo: %v\n", err)
		return exitRejected
	}
	return exitOK
}

// demo holds the state of one run and its output.
type demo struct {
	ctx context.Context
	out strings.Builder

	idp     *samltest.IdP
	now     time.Time // when AWS checks
	trust   *checkTrust
	oldCert string // thumbprint of the certificate in the uploaded metadata
	// policyAud is the SAML:aud condition of the roles' trust policy.
	policyAud string

	// aws is the in-process IAM and STS; iamc and stsc talk to it through
	// the SDK, as the account's administrator would.
	aws     *awstest.Server
	iamc    *iam.Client
	stsc    *sts.Client
	provARN awsrole.ProviderARN
	firstMD []byte // the metadata first uploaded (old certificate only)
}

func (d *demo) printf(format string, a ...any) { fmt.Fprintf(&d.out, format, a...) }

// title starts a section.
func (d *demo) title(s string) {
	d.printf("\n%s\n%s\n", s, strings.Repeat("-", len(s)))
}

// row prints "  label   value", wrapping a long value under itself.
func (d *demo) row(label, value string) {
	d.printf("  %-22s %s\n", label, demoWrap(value, 25))
}

// check prints one step of AWS's verdict.
func (d *demo) check(label, value string) {
	d.printf("  ok  %-18s %s\n", label, demoWrap(value, 25))
}

// demoWrap wraps s at demoWidth columns; continuation lines are indented by
// indent spaces.
func demoWrap(s string, indent int) string {
	words := strings.Fields(s)
	var b strings.Builder
	col := indent
	for i, w := range words {
		if i > 0 {
			if col+1+len(w) > demoWidth {
				b.WriteString("\n")
				b.WriteString(strings.Repeat(" ", indent))
				col = indent
			} else {
				b.WriteString(" ")
				col++
			}
		}
		b.WriteString(w)
		col += len(w)
	}
	return b.String()
}

// verifier returns a verifier configured as the IAM SAML provider "EntraID"
// with the given metadata uploaded, checking at d.now.
func (d *demo) verifier(md []byte) (*saml.Verifier, *checkTrust, error) {
	t, err := checkTrustFromMetadata(md)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the test tenant's metadata: %w", err)
	}
	now := d.now
	v, err := saml.NewVerifier(saml.VerifierConfig{
		IdPEntityID:   t.entityID,
		Certificates:  t.certs,
		Audiences:     []string{demoIdentifier},
		Recipients:    []string{awsendpoint.GlobalSignIn},
		Now:           func() time.Time { return now },
		AWSCompatible: true,
	})
	if err != nil {
		return nil, nil, err
	}
	return v, t, nil
}

// user is B.Simon with two roles of account 123456789012, a RoleSessionName and
// a SessionDuration.
func (d *demo) user() samltest.User {
	u := samltest.DefaultUser()
	u.SessionName = u.UPN
	u.SessionDuration = demoSessionDuration
	return u
}

func (d *demo) run() error {
	d.now = demoNow.Add(demoDelay)
	id, err := federation.ParseIdentifier(demoIdentifier)
	if err != nil {
		return err
	}
	audience := id.Audience
	d.idp, err = samltest.New(samltest.IdPConfig{
		Now:      func() time.Time { return demoNow },
		Seed:     demoSeed,
		Audience: audience,
		ACS:      awsendpoint.GlobalSignIn,
	})
	if err != nil {
		return err
	}

	var seed [32]byte
	copy(seed[:], "samlaws demo 2026-11-28 awstest")
	srv, err := awstest.NewServer(awstest.Config{
		Now:  func() time.Time { return d.now },
		Rand: rand.NewChaCha8(seed),
	})
	if err != nil {
		return err
	}
	defer srv.Close()
	d.aws = srv
	// The account and SAML provider of the test user's roles.
	admin, err := awsrole.ParseRole(samltest.DefaultUser().Roles[0])
	if err != nil {
		return err
	}
	d.provARN = admin.ProviderARN
	cfg := srv.AWSConfig(d.provARN.AccountID)
	d.iamc, d.stsc = iam.NewFromConfig(cfg), sts.NewFromConfig(cfg)

	d.printf("samlaws demo: Microsoft Entra ID -> AWS console sign-in, checked as AWS checks it\n")
	d.printf("Offline: a test Entra tenant, public test keys, the clock fixed at %s,\n", demoNow.Format(time.RFC3339))
	d.printf("and an in-process IAM and STS (awstest) that the AWS SDK talks to on loopback.\n")

	if err := d.entra(); err != nil {
		return err
	}
	v, err := d.provider()
	if err != nil {
		return err
	}
	if err := d.appRoles(); err != nil {
		return err
	}
	if err := d.signIn(v); err != nil {
		return err
	}
	if err := d.replyURLMistake(v); err != nil {
		return err
	}
	if err := d.rollover(v); err != nil {
		return err
	}
	d.printf("\nTry it on your own responses: samlaws check --metadata <Entra app metadata URL or file> <response>\n")
	d.printf("Look up a rule cited above, such as A1.8: samlaws explain A1.8 (all rules: docs/rules.md)\n")
	return nil
}

// entra shows the IdP side: the tenant and the AWS gallery app.
func (d *demo) entra() error {
	idp := d.idp
	d.title("1. Entra ID: the AWS Single-Account Access app in a test tenant")
	d.row("tenant", idp.TenantID)
	d.row("issuer (entityID)", idp.EntityID)
	d.row("Identifier", demoIdentifier+" (a second AWS app in this tenant, so Entra adds \"#2\"; it drops it again in the Audience it sends, A1.6)")
	if err := federation.CheckReplyURL(idp.ACS); err != nil {
		return fmt.Errorf("the demo's Reply URL: %w", err)
	}
	d.row("Reply URL", idp.ACS+" (checked: no \"#N\", C2.1)")
	cert := idp.Certificate()
	d.row("signing certificate", fmt.Sprintf("%s, SHA-1 thumbprint %s, valid to %s", cert.Subject.CommonName, sha1Thumbprint(cert), cert.NotAfter.UTC().Format("2006-01-02")))
	d.oldCert = sha1Thumbprint(cert)
	return nil
}

// provider shows the AWS side: the IAM SAML provider made from the metadata.
func (d *demo) provider() (*saml.Verifier, error) {
	md := d.idp.Metadata()
	d.title("2. AWS: IAM SAML provider EntraID, created from the app's federation metadata")
	if probs := metadata.CheckIAM(md); len(probs) > 0 {
		return nil, fmt.Errorf("IAM would reject the test metadata: %v", probs[0])
	}
	d.row("metadata", fmt.Sprintf("%d bytes, UTF-8 without BOM: CreateSAMLProvider accepts it (A5.4, B1.1)", len(md)))
	popts := iamsaml.ProviderOptions{Now: func() time.Time { return d.now }}
	plan, err := iamsaml.PlanProvider(d.ctx, d.iamc, d.provARN, md, popts)
	if err == nil {
		err = iamsaml.ApplyProvider(d.ctx, d.iamc, plan, popts)
	}
	if err != nil {
		return nil, fmt.Errorf("creating the provider in awstest: %w", err)
	}
	d.firstMD = md
	d.row("through the SDK", fmt.Sprintf("iamsaml.PlanProvider: GetSAMLProvider (none yet); ApplyProvider: CreateSAMLProvider: %s; a rerun finds nothing to change", plan.Action))
	again, err := iamsaml.PlanProvider(d.ctx, d.iamc, d.provARN, md, iamsaml.ProviderOptions{Now: func() time.Time { return d.now }})
	if err != nil || again.Action != "none" {
		return nil, fmt.Errorf("the provider is not idempotent: %v %v", again, err)
	}
	d.row("provider ARN", d.provARN.String())
	v, t, err := d.verifier(md)
	if err != nil {
		return nil, err
	}
	d.trust = t
	d.row("trusted issuer", t.entityID)
	d.row("trusted certificates", demoThumbprints(t))
	policy, err := federation.NewTrustPolicy(federation.TrustPolicyOptions{Providers: []awsrole.ProviderARN{d.provARN}})
	if err != nil {
		return nil, err
	}
	aud, err := demoPolicyAudience(policy)
	if err != nil {
		return nil, err
	}
	d.policyAud = aud
	for _, name := range []string{"EntraAdmin", "EntraReadOnly"} {
		if _, err := iamsaml.EnsureRole(d.ctx, d.iamc, iamsaml.RoleConfig{Name: name, Trust: federation.TrustPolicyOptions{Providers: []awsrole.ProviderARN{d.provARN}}}); err != nil {
			return nil, fmt.Errorf("creating role %s in awstest: %w", name, err)
		}
	}
	d.row("roles trusting it", "EntraAdmin and EntraReadOnly in account "+d.provARN.AccountID+", created with iamsaml.EnsureRole (CreateRole), each with this trust policy (B3.1):")
	for _, line := range strings.Split(string(policy), "\n") {
		d.printf("    %s\n", line)
	}
	return v, nil
}

// appRoles lists the roles Entra's provisioning connector may import and the
// appRoles PATCH body that merges them into the AWS app (C4.5-C4.7).
func (d *demo) appRoles() error {
	d.title("2b. Entra: the roles it may import, and the appRoles PATCH of the AWS app")
	rep, err := iamsaml.ImportableRoles(d.ctx, d.iamc, iamsaml.ImportOptions{})
	if err != nil {
		return fmt.Errorf("listing roles in awstest: %w", err)
	}
	for i, r := range rep.Roles {
		label := ""
		if i == 0 {
			label = "importable (C4.6)"
		}
		if r.Err != nil {
			return fmt.Errorf("role %s is not importable: %v", r.ARN, r.Err)
		}
		d.row(label, r.Value)
	}
	current, err := federation.ParseAppRoles([]byte(demoAppRolesDoc))
	if err != nil {
		return err
	}
	var roles []awsrole.Role
	for _, ri := range rep.Roles {
		if ri.Err != nil {
			continue // not importable
		}
		r, err := awsrole.ParseRole(ri.Value)
		if err != nil {
			return err
		}
		roles = append(roles, r)
	}
	plan, err := federation.PlanAppRoles(current, roles, nil)
	if err != nil {
		return err
	}
	d.row("appRoles now", "msiam_access only (the app as added from the gallery)")
	for i, c := range plan.Changes {
		label := ""
		if i == 0 {
			label = "PATCH changes (C4.4)"
		}
		d.row(label, fmt.Sprintf("%s %s, id %s (derived from the value: reruns keep it)", c.Action, c.Value, c.ID))
	}
	body, err := plan.PatchBody()
	if err != nil {
		return err
	}
	d.row("PATCH body", fmt.Sprintf("%d bytes for PATCH https://graph.microsoft.com/v1.0/servicePrincipals/{id}: all %d appRoles, msiam_access kept (samlaws approles writes it)", len(body), len(plan.AppRoles)))
	return nil
}

// demoAppRolesDoc is the AWS app's service principal as Graph returns it
// right after it is added from the gallery: msiam_access only.
const demoAppRolesDoc = `{"appRoles":[{"allowedMemberTypes":["User"],"description":"msiam_access","displayName":"msiam_access","id":"7dfd756e-8c27-4472-b2b7-38c17fc5de5e","isEnabled":true,"origin":"Application","value":null}]}`

// credentials calls AssumeRoleWithSAML through the SDK with the response and
// GetCallerIdentity with the credentials it returns.
func (d *demo) credentials(m *samltest.Minted, role awsrole.Role) error {
	res, err := samlcreds.AssumeRoleWithSAML(d.ctx, d.stsc, role, []byte(m.Base64()), samlcreds.Options{})
	if err != nil {
		return fmt.Errorf("AssumeRoleWithSAML in awstest: %w", err)
	}
	c := res.Credentials
	d.row("AssumeRoleWithSAML", fmt.Sprintf("through the SDK (sts.AssumeRoleWithSAML, unsigned): %s, temporary key %s, expires %s (1h: no DurationSeconds, A4.1)",
		res.AssumedRoleARN, c.AccessKeyID, c.Expires.UTC().Format("15:04:05Z")))
	cfg := d.aws.AWSConfig(d.provARN.AccountID)
	cfg.Credentials = credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken)
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(d.ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return fmt.Errorf("GetCallerIdentity with the issued credentials: %w", err)
	}
	d.row("GetCallerIdentity", "with those credentials: "+aws.ToString(id.Arn))
	return nil
}

// demoPolicyAudience reads the SAML:aud condition of a trust policy written by
// federation.NewTrustPolicy.
func demoPolicyAudience(policy []byte) (string, error) {
	tp, err := federation.ParseTrustPolicy(string(policy))
	if err != nil {
		return "", fmt.Errorf("reading the trust policy: %w", err)
	}
	for _, st := range tp.Statements {
		if len(st.Audiences) > 0 {
			return st.Audiences[0], nil
		}
	}
	return "", errors.New("the trust policy has no SAML:aud condition")
}

func demoThumbprints(t *checkTrust) string {
	var tps []string
	for _, c := range t.certs {
		tps = append(tps, sha1Thumbprint(c))
	}
	return strings.Join(tps, ", ")
}

// signIn mints B.Simon's response and shows AWS's verdict step by step.
func (d *demo) signIn(v *saml.Verifier) error {
	u := d.user()
	m, err := d.idp.Mint(u, samltest.ResponseOptions{})
	if err != nil {
		return err
	}
	d.title("3. B.Simon signs in: Entra posts a SAMLResponse to " + m.Destination)
	d.row("user", u.UPN)
	d.row("response", fmt.Sprintf("%d bytes of XML; the form value has %d base64 characters (STS takes up to %d, A6.1)", len(m.XML), len(m.Base64()), awslimits.MaxAssertionChars))
	d.row("signed", "the Assertion, RSA-SHA256 (Entra's default, C3.1)")
	for i, r := range u.Roles {
		label := ""
		if i == 0 {
			label = "Role"
		}
		d.row(label, r)
	}
	d.row("RoleSessionName", u.SessionName)
	d.row("SessionDuration", fmt.Sprintf("%d", int(u.SessionDuration.Seconds())))

	d.title(fmt.Sprintf("4. AWS checks it (at %s, %s after it was issued)", d.now.Format("15:04:05Z"), demoDelay))
	a, err := v.Verify(d.ctx, []byte(m.Base64()))
	if err != nil {
		return fmt.Errorf("the demo response was rejected: %w", err)
	}
	d.check("issuer", a.Issuer+" is the provider's entityID (D1.7)")
	where := "Assertion"
	if a.SignedResponse && !a.SignedAssertion {
		where = "Response"
	}
	d.check("signature", fmt.Sprintf("the %s is signed (%s, exclusive c14n, one Reference to its ID) by certificate %s, which is in the provider's metadata; the certificate in KeyInfo is not trusted by itself (A5.1, D4)",
		where, decodeAlgName(a.SignatureAlgorithm), sha1Thumbprint(a.Certificate)))
	d.check("destination", a.Destination+" is the AWS sign-in endpoint (D1.2)")
	d.check("recipient", a.Recipient+", in the one bearer SubjectConfirmation (A1.8)")
	if a.Recipient != d.policyAud {
		return fmt.Errorf("the trust policy's SAML:aud %s is not the Recipient", d.policyAud)
	}
	d.check("trust policy", "SAML:aud is taken from the Recipient (A1.9) and equals the roles' condition "+d.policyAud+" (B3.1)")
	var auds []string
	for _, ar := range a.Audiences {
		auds = append(auds, strings.Join(ar, " or "))
	}
	d.check("audience", fmt.Sprintf("%s matches the provider's expected audience, configured as the Entra Identifier %s: the instance suffix \"#2\" is dropped before comparing (A1.6, A1.7)", strings.Join(auds, "; "), demoIdentifier))
	d.check("times", fmt.Sprintf("issued %s ago, within STS's 5 minutes (A4.4); Conditions %s to %s; deliver by %s; 5m clock skew allowed (D2.2, D3.2, D5.4)",
		d.now.Sub(a.IssueInstant), a.NotBefore.Format("15:04:05Z"), a.NotOnOrAfter.Format("15:04:05Z"), a.SubjectNotOnOrAfter.Format("15:04:05Z")))
	var roles []string
	for _, r := range a.Roles {
		roles = append(roles, r.RoleARN.Name)
	}
	d.check("attributes", fmt.Sprintf("Role: %d roles (%s), each with its SAML provider, so the console shows a role picker (A3.1-A3.3); RoleSessionName %s (A3.4); SessionDuration %s s (A3.5)",
		len(a.Roles), strings.Join(roles, ", "), a.RoleSessionName, a.SessionDuration))
	d.check("replay", "assertion "+a.ID+" is used for the first time (D5.3)")
	d.row("verdict", "ACCEPTED")

	console, err := awsrole.EffectiveSession(awsrole.SessionInput{
		SessionDuration:     a.SessionDuration,
		SessionNotOnOrAfter: a.SessionNotOnOrAfter,
		Now:                 d.now,
	})
	if err != nil {
		return err
	}
	api, err := awsrole.EffectiveSession(awsrole.SessionInput{
		API:                 true,
		SessionDuration:     a.SessionDuration,
		SessionNotOnOrAfter: a.SessionNotOnOrAfter,
		Now:                 d.now,
	})
	if err != nil {
		return err
	}
	d.row("session length", console.Explanation)
	d.row("", api.Explanation)
	if len(a.Roles) > 0 {
		d.row("signed in as", a.Roles[0].RoleARN.AssumedRoleARN(a.RoleSessionName)+" (after picking "+a.Roles[0].RoleARN.Name+")")
		if err := d.credentials(m, a.Roles[0]); err != nil {
			return err
		}
	}
	return nil
}

// problems prints a Diagnose report: every problem, AWS's answer and the fix.
func (d *demo) problems(v *saml.Verifier, m *samltest.Minted) error {
	rep := v.Diagnose(d.ctx, []byte(base64.StdEncoding.EncodeToString(m.XML)))
	if rep.Accepted {
		return errors.New("the misconfigured response was accepted")
	}
	d.row("verdict", fmt.Sprintf("REJECTED, %d problem(s):", len(rep.Problems)))
	for i, p := range rep.Problems {
		d.printf("  %d. %s\n", i+1, demoWrap(fmt.Sprintf("%s [rule %s]", p.Reason, p.Rule), 5))
		if p.AWSCode != "" || p.AWSMessage != "" || p.AWSConsole != "" {
			label := "AWS answers: "
			if p.AWSInferred {
				label = "AWS answers (inferred): "
			}
			d.printf("     %s\n", demoWrap(label+checkAWSText(&checkAWSErr{Code: p.AWSCode, Message: p.AWSMessage, Console: p.AWSConsole}, ""), 5))
		}
		if p.Hint != "" {
			d.printf("     %s\n", demoWrap("fix: "+p.Hint, 5))
		}
	}
	return nil
}

// replyURLMistake: the Identifier's "#2" copied into the Reply URL.
func (d *demo) replyURLMistake(v *saml.Verifier) error {
	bad := demoIdentifier
	d.title("5. Misconfiguration: the Reply URL carries the Identifier's \"#2\"")
	d.row("Reply URL", bad+" (the admin copied the Identifier into the Reply URL too)")
	err := federation.CheckReplyURL(bad)
	if !errors.Is(err, federation.ErrReplyURLInstance) {
		return fmt.Errorf("federation.CheckReplyURL accepted %s", bad)
	}
	d.row("Entra config check", err.Error())
	m, err := d.idp.Mint(d.user(), samltest.ResponseOptions{Recipient: bad})
	if err != nil {
		return err
	}
	d.row("response", "Destination and Recipient are now "+m.Destination)
	if err := d.problems(v, m); err != nil {
		return err
	}
	d.row("the fix", "in Entra, Basic SAML Configuration: Reply URL "+awsendpoint.GlobalSignIn+"; keep \"#2\" only in the Identifier")
	return nil
}

// rollover: Entra signs with a new certificate the provider does not know.
func (d *demo) rollover(v *saml.Verifier) error {
	d.title("6. Misconfiguration: Entra rolled its signing certificate; AWS has the old metadata")
	d.idp.AddNextCertificate()
	d.idp.ActivateNextCertificate()
	cert := d.idp.Certificate()
	d.row("in Entra", fmt.Sprintf("new certificate %s made active (\"Make certificate active\", C3.2)", sha1Thumbprint(cert)))
	d.row("AWS provider trusts", demoThumbprints(d.trust)+" only")
	m, err := d.idp.Mint(d.user(), samltest.ResponseOptions{})
	if err != nil {
		return err
	}
	if err := d.problems(v, m); err != nil {
		return err
	}
	md := d.idp.Metadata()
	fixed, t, err := d.verifier(md)
	if err != nil {
		return err
	}
	admin, err := awsrole.ParseRole(samltest.DefaultUser().Roles[0])
	if err != nil {
		return err
	}
	_, stsErr := samlcreds.AssumeRoleWithSAML(d.ctx, d.stsc, admin, []byte(m.Base64()), samlcreds.Options{})
	var re *awsrole.RemoteError
	if !errors.As(stsErr, &re) || re.Code != "InvalidIdentityToken" {
		return fmt.Errorf("awstest's STS accepted a response signed with an unknown certificate: %v", stsErr)
	}
	d.row("STS (awstest) says", fmt.Sprintf("%s %q (HTTP %d)", re.Code, re.Message, re.StatusCode))
	d.row("the fix", "download the app's current federation metadata from Entra and upload it with the rollover helper (samlaws provider rollover, iamsaml.Rollover, C3.4)")
	now := func() time.Time { return d.now }
	st, err := iamsaml.Rollover(d.ctx, d.iamc, d.provARN, md, iamsaml.ProviderOptions{Now: now})
	if err != nil || !st.Applied {
		return fmt.Errorf("the rollover helper did not publish the new certificate: %v", err)
	}
	d.row("rollover step", fmt.Sprintf("%s: %d certificate added, %d removed; UpdateSAMLProvider applied", st.Step, len(st.Plan.Certificates.Added), len(st.Plan.Certificates.Removed)))
	d.row("after the fix", "the provider trusts "+demoThumbprints(t))
	if _, err := fixed.Verify(d.ctx, m.XML); err != nil {
		return fmt.Errorf("the rolled-over response was rejected after the metadata update: %w", err)
	}
	d.row("verdict", "ACCEPTED: the same response now verifies")
	if err := d.credentials(m, admin); err != nil {
		return err
	}
	// The unsafe upload: someone re-uploads the old file while Entra signs
	// with the new certificate (known from the verified response).
	active := sha1Thumbprint(cert)
	_, err = iamsaml.Rollover(d.ctx, d.iamc, d.provARN, d.firstMD, iamsaml.ProviderOptions{Now: now, ActiveSigner: active})
	if !errors.Is(err, iamsaml.ErrUnsafe) {
		return fmt.Errorf("re-uploading the old metadata was not refused: %v", err)
	}
	d.row("unsafe upload", "re-uploading the first metadata file (old certificate only) is refused: "+err.Error())
	d.row("next time", "upload the metadata with the new certificate before making it active in Entra, so sign-in never breaks (C3.4)")
	return nil
}

package main

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/samlaws/samlaws/awstest"
	"github.com/samlaws/samlaws/internal/awstesthelp"
	"github.com/samlaws/samlaws/internal/samltesthelp"
	"github.com/samlaws/samlaws/saml/samltest"
)

// TestCheckTrustPolicy (issue 18): with --trust-policy, an accepted response
// is also evaluated against the role's trust policy as STS does: session tags
// need sts:TagSession (B3.2) and SAML:aud is compared with the Recipient
// (A1.9), so a response check used to pass while STS answered AccessDenied
// is now refused, with the answer STS gives.
func TestCheckTrustPolicy(t *testing.T) {
	f := newCheckFixture(t)
	prov := defaultProviderARN
	admin := strings.SplitN(samltest.DefaultUser().Roles[0], ",", 2)[0]
	policy := func(actions, cond string) string {
		return writeFile(t, "trust.json", []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"`+
			prov+`"},"Action":`+actions+cond+`}]}`))
	}
	globalAud := `,"Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}`
	tagged := func(opts samltest.ResponseOptions) string {
		u := samltest.DefaultUser()
		u.SessionDuration = 2 * time.Hour
		u.Roles = u.Roles[:1]
		u.Tags = map[string]string{"Project": "apollo"}
		return writeFile(t, "tagged.xml", samltesthelp.MustMint(t, f.idp, u, opts).XML)
	}

	// B3.2: tags without sts:TagSession -> AccessDenied.
	r := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, "--trust-policy", policy(`"sts:AssumeRoleWithSAML"`, globalAud), "--json", tagged(samltest.ResponseOptions{}))
	if r.code != exitRejected || !contains(errorCodes(t, jsonLines(t, r.stdout)[0]), "trust_policy") ||
		!strings.Contains(r.stdout, `"rule":"B3.2"`) || !strings.Contains(r.stdout, `"code":"AccessDenied"`) {
		t.Errorf("B3.2 tags without sts:TagSession: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	withTags := policy(`["sts:AssumeRoleWithSAML","sts:TagSession"]`, globalAud)
	r = runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, "--trust-policy", withTags, tagged(samltest.ResponseOptions{}))
	if r.code != exitOK || !strings.Contains(r.stdout, "evaluated as STS does") {
		t.Errorf("B3.2 with sts:TagSession: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// A1.9: SAML:aud is the Recipient; a regional Recipient fails a global
	// StringEquals condition.
	regional := tagged(samltest.ResponseOptions{Recipient: "https://eu-west-1.signin.aws.amazon.com/saml"})
	r = runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, "--trust-policy", withTags, regional)
	if r.code != exitRejected || !strings.Contains(r.stdout, "SAML:aud is the Recipient") {
		t.Errorf("A1.9 regional Recipient, global SAML:aud: exit %d\n%s", r.code, r.stdout)
	}
	like := policy(`["sts:AssumeRoleWithSAML","sts:TagSession"]`,
		`,"Condition":{"StringLike":{"SAML:aud":["https://signin.aws.amazon.com/saml","https://*.signin.aws.amazon.com/saml"]}}`)
	if r := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, "--trust-policy", like, regional); r.code != exitOK {
		t.Errorf("A1.9 regional SAML:aud: exit %d\n%s", r.code, r.stdout)
	}

	// The URL-encoded form "aws iam get-role" prints is read too.
	enc := writeFile(t, "trust.txt", []byte(url.PathEscape(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Federated":"`+prov+`"},"Action":["sts:AssumeRoleWithSAML","sts:TagSession"]}}`)))
	if r := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, "--trust-policy", enc, tagged(samltest.ResponseOptions{})); r.code != exitOK {
		t.Errorf("URL-encoded policy: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// Two roles: --role picks the one the policy belongs to.
	two := f.response(t, samltest.ResponseOptions{})
	plain := policy(`"sts:AssumeRoleWithSAML"`, "")
	r = runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, "--trust-policy", plain, "--json", two)
	if r.code != exitRejected || !strings.Contains(r.stdout, "--role") {
		t.Errorf("two roles without --role: exit %d\n%s", r.code, r.stdout)
	}
	if r := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, "--trust-policy", plain, "--role", admin, two); r.code != exitOK {
		t.Errorf("--role %s: exit %d\n%s%s", admin, r.code, r.stdout, r.stderr)
	}
	// Another provider in the policy: the role's provider is not trusted.
	other := writeFile(t, "other.json", []byte(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:saml-provider/Okta"},"Action":"sts:AssumeRoleWithSAML"}}`))
	if r := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, "--trust-policy", other, "--role", admin, two); r.code != exitRejected {
		t.Errorf("other provider: exit %d\n%s", r.code, r.stdout)
	}
	if r := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, "--role", admin, two); r.code != exitUsage {
		t.Errorf("--role without --trust-policy: exit %d", r.code)
	}
	if r := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, "--trust-policy", writeFile(t, "bad.json", []byte(`{"Statement":`)), two); r.code != exitUsage {
		t.Errorf("unreadable policy: exit %d", r.code)
	}
}

// TestCheckTrustPolicyFromIAM: --trust-policy-from-iam reads the role's trust
// policy with IAM GetRole through the SDK's default configuration, here
// pointed at awstest (the in-process IAM) with AWS_ENDPOINT_URL, and
// evaluates it like --trust-policy: sts:TagSession missing -> AccessDenied.
func TestCheckTrustPolicyFromIAM(t *testing.T) {
	f := newCheckFixture(t)
	ctx := context.Background()
	srv := awstesthelp.NewServer(t, awstest.Config{Now: func() time.Time { return checkNow }})
	cfg := srv.AWSConfig("")
	cfg.RetryMaxAttempts = 1
	c := iam.NewFromConfig(cfg)
	if _, err := c.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("EntraID"), SAMLMetadataDocument: aws.String(string(f.idp.Metadata()))}); err != nil {
		t.Fatal(err)
	}
	mk := func(name, actions string) string {
		doc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Federated":"` + defaultProviderARN + `"},"Action":` + actions + `}}`
		out, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(doc)})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.Role.Arn)
	}
	plain := mk("Plain", `"sts:AssumeRoleWithSAML"`)
	tagging := mk("Tagging", `["sts:AssumeRoleWithSAML","sts:TagSession"]`)
	acct, _ := srv.Account("")
	env := append(os.Environ(), "AWS_ENDPOINT_URL="+srv.URL, "AWS_ACCESS_KEY_ID="+acct.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY="+acct.SecretAccessKey, "AWS_REGION=us-east-1", "AWS_PROFILE=",
		"AWS_CONFIG_FILE="+os.DevNull, "AWS_SHARED_CREDENTIALS_FILE="+os.DevNull, "AWS_EC2_METADATA_DISABLED=true")
	run := func(args ...string) cliResult {
		cmd := exec.Command(samlawsBin(t), args...)
		cmd.Env = env
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		code := 0
		if err := cmd.Run(); err != nil {
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				t.Fatal(err)
			}
			code = ee.ExitCode()
		}
		return cliResult{code: code, stdout: out.String(), stderr: errb.String()}
	}
	response := func(role string) string {
		u := samltest.DefaultUser()
		u.Roles = []string{role + "," + defaultProviderARN}
		u.Tags = map[string]string{"Project": "apollo"}
		return writeFile(t, "r.xml", samltesthelp.MustMint(t, f.idp, u, samltest.ResponseOptions{}).XML)
	}
	if r := run("check", "--metadata", f.md, "--now", checkAt, "--role", plain, "--trust-policy-from-iam", "--json", response(plain)); r.code != exitRejected ||
		!strings.Contains(r.stdout, `"rule":"B3.2"`) {
		t.Errorf("B3.2 via GetRole, no sts:TagSession: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run("check", "--metadata", f.md, "--now", checkAt, "--role", tagging, "--trust-policy-from-iam", response(tagging)); r.code != exitOK ||
		!strings.Contains(r.stdout, "from IAM GetRole") {
		t.Errorf("via GetRole with sts:TagSession: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	missing := "arn:aws:iam::123456789012:role/Missing"
	if r := run("check", "--metadata", f.md, "--now", checkAt, "--role", missing, "--trust-policy-from-iam", response(missing)); r.code != exitUsage ||
		!strings.Contains(r.stderr, "GetRole") {
		t.Errorf("missing role: exit %d\n%s", r.code, r.stderr)
	}
	if len(srv.Calls()) == 0 {
		t.Error("awstest saw no call")
	}
}

package main

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/samlaws/samlaws/saml/samltest"
)

// TestCheckTrustPolicy (issue 18): with --trust-policy, an accepted response
// is also evaluated against the role's trust policy as STS does: session tags
// need sts:TagSession (B3.2) and SAML:aud is compared with the Recipient
// (A1.9), so a response check used to pass while STS answered AccessDenied
// is now refused, with the answer STS gives.
func TestCheckTrustPolicy(t *testing.T) {
	f := newCheckFixture(t)
	prov := samltest.DefaultProviderARN
	admin := strings.SplitN(samltest.DefaultAdminRole, ",", 2)[0]
	policy := func(actions, cond string) string {
		return writeFile(t, "trust.json", []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"`+
			prov+`"},"Action":`+actions+cond+`}]}`))
	}
	globalAud := `,"Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}`
	tagged := func(opts ...samltest.ResponseOption) string {
		u := samltest.DefaultUser()
		u.SessionDuration = 2 * time.Hour
		u.Roles = u.Roles[:1]
		u.Tags = map[string]string{"Project": "apollo"}
		return writeFile(t, "tagged.xml", f.idp.Response(t, u, opts...).XML)
	}

	// B3.2: tags without sts:TagSession -> AccessDenied.
	r := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, "--trust-policy", policy(`"sts:AssumeRoleWithSAML"`, globalAud), "--json", tagged())
	if r.code != exitRejected || !contains(errorCodes(t, jsonLines(t, r.stdout)[0]), "trust_policy") ||
		!strings.Contains(r.stdout, `"rule":"B3.2"`) || !strings.Contains(r.stdout, `"code":"AccessDenied"`) {
		t.Errorf("B3.2 tags without sts:TagSession: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	withTags := policy(`["sts:AssumeRoleWithSAML","sts:TagSession"]`, globalAud)
	r = runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, "--trust-policy", withTags, tagged())
	if r.code != exitOK || !strings.Contains(r.stdout, "evaluated as STS does") {
		t.Errorf("B3.2 with sts:TagSession: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// A1.9: SAML:aud is the Recipient; a regional Recipient fails a global
	// StringEquals condition.
	regional := tagged(samltest.Recipient("https://eu-west-1.signin.aws.amazon.com/saml"))
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
	if r := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, "--trust-policy", enc, tagged()); r.code != exitOK {
		t.Errorf("URL-encoded policy: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// Two roles: --role picks the one the policy belongs to.
	two := f.response(t)
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

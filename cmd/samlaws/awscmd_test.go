package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/samlaws/samlaws/awstest"
	"github.com/samlaws/samlaws/internal/awstesthelp"
	"github.com/samlaws/samlaws/internal/peers"
	"github.com/samlaws/samlaws/internal/samltesthelp"
	"github.com/samlaws/samlaws/metadata"
	"github.com/samlaws/samlaws/saml/samltest"
)

// awsCLI runs the built binary against an AWS endpoint with the given keys
// and no shared config or credentials files (HOME is a fresh directory).
type awsCLI struct {
	t        *testing.T
	endpoint string
	env      []string
	dir      string
}

func newAWSCLI(t *testing.T, endpoint, akid, secret string) *awsCLI {
	dir := t.TempDir()
	return &awsCLI{t: t, endpoint: endpoint, dir: dir, env: append([]string{
		"HOME=" + dir, "PATH=" + os.Getenv("PATH"),
		"AWS_ACCESS_KEY_ID=" + akid, "AWS_SECRET_ACCESS_KEY=" + secret, "AWS_REGION=us-east-1",
		"AWS_CONFIG_FILE=" + filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
	}, datecheckEnv()...)}
}

// datecheckEnv returns the variables by which .ci/datecheck moves the clock
// (issue 8; docs/design.md, "Tests on any date"), so that a binary run with a
// scrubbed environment reads the same wall clock as the test that started it:
// without them, samltest's certificates (minted at the moved clock) were "not
// valid now" to the binary at every date but today.
func datecheckEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "SAMLAWS_FAKE_CLOCK_OFFSET", "SAMLAWS_DATECHECK_DATE", "FAKETIME",
			"FAKETIME_DONT_FAKE_MONOTONIC", "NO_FAKE_STAT", "LD_PRELOAD":
			env = append(env, kv)
		}
	}
	return env
}

func (c *awsCLI) run(stdin string, args ...string) cliResult {
	c.t.Helper()
	if c.endpoint != "" {
		args = append(args, "--endpoint-url", c.endpoint)
	}
	return c.local(stdin, args...)
}

// local runs a command that calls no AWS service (no --endpoint-url).
func (c *awsCLI) local(stdin string, args ...string) cliResult {
	c.t.Helper()
	cmd := exec.Command(samlawsBin(c.t), args...)
	cmd.Env = c.env
	cmd.Dir = c.dir
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		c.t.Fatalf("running samlaws %v: %v", args, err)
	}
	return cliResult{code: code, stdout: out.String(), stderr: errb.String()}
}

func (c *awsCLI) file(name string, data []byte) string {
	c.t.Helper()
	p := filepath.Join(c.dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		c.t.Fatal(err)
	}
	return p
}

func wantCode(t *testing.T, r cliResult, code int, what string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", what, r.code, code, r.stdout, r.stderr)
	}
}

// TestAWSCommandsAgainstAwstest drives provider, roles, approles,
// trust-policy and login through the built binary against awstest, as a
// user would at a terminal, checking exit codes, the JSON and the server's
// state.
func TestAWSCommandsAgainstAwstest(t *testing.T) {
	t.Parallel()
	srv := awstesthelp.NewServer(t, awstest.Config{}) // wall clock: the IdP below mints with it too
	acct, _ := srv.Account("")
	c := newAWSCLI(t, srv.URL, acct.AccessKeyID, acct.SecretAccessKey)
	idp := samltest.NewIdP(t, samltest.IdPConfig{})
	md := c.file("entra.xml", append([]byte("\ufeff"), idp.Metadata()...))

	// provider plan (JSON), then apply exactly the saved plan.
	r := c.run("", "provider", "plan", "--metadata", md, "--json")
	wantCode(t, r, 0, "provider plan")
	var po providerOut
	if err := json.Unmarshal([]byte(r.stdout), &po); err != nil || po.Action != "create" || len(po.Added) != 1 || po.Provider != defaultProviderARN {
		t.Fatalf("plan JSON = %+v (%v)\n%s", po, err, r.stdout)
	}
	if len(srv.Providers("")) != 0 {
		t.Fatal("plan wrote to IAM")
	}
	planFile := filepath.Join(c.dir, "plan.json")
	wantCode(t, c.run("", "provider", "plan", "--metadata", md, "--out", planFile), 0, "plan --out")
	r = c.run("", "provider", "apply", "--plan", planFile)
	wantCode(t, r, 0, "apply --plan")
	if ps := srv.Providers(""); len(ps) != 1 || ps[0].Metadata != string(idp.Metadata()) {
		t.Fatalf("IAM holds %+v after apply; want the metadata without BOM", ps)
	}
	// The same plan again: the provider changed since (it was created).
	r = c.run("", "provider", "apply", "--plan", planFile)
	wantCode(t, r, 1, "stale plan")
	if !strings.Contains(r.stdout, "plan again") && !strings.Contains(r.stdout, "since the plan") {
		t.Errorf("stale plan output does not say why:\n%s", r.stdout)
	}

	// roles create, then discover (JSON) and approles from it.
	wantCode(t, c.run("", "roles", "create", "--name", "EntraAdmin", "--path", "/entra/", "--max-session", "2h", "--tag", "team=platform"), 0, "roles create")
	if rs := srv.Roles(""); len(rs) != 1 || rs[0].MaxSessionDuration != 7200 || rs[0].Tags["team"] != "platform" {
		t.Fatalf("roles after create: %+v", rs)
	}
	r = c.run("", "roles", "create", "--name", "EntraAdmin", "--path", "/entra/", "--max-session", "2h", "--tag", "team=platform", "--json")
	wantCode(t, r, 0, "roles create again")
	if !strings.Contains(r.stdout, `"action": "none"`) {
		t.Errorf("rerun is not idempotent:\n%s", r.stdout)
	}
	r = c.run("", "roles", "discover", "--json")
	wantCode(t, r, 0, "roles discover")
	value := "arn:aws:iam::123456789012:role/entra/EntraAdmin," + defaultProviderARN
	if !strings.Contains(r.stdout, value) {
		t.Fatalf("discover does not list %s:\n%s", value, r.stdout)
	}
	rolesFile := c.file("roles.json", []byte(r.stdout))
	cur := c.file("current.json", []byte(`{"appRoles":[{"allowedMemberTypes":["User"],"description":"msiam_access","displayName":"msiam_access","id":"7dfd756e-8c27-4472-b2b7-38c17fc5de5e","isEnabled":true,"origin":"Application","value":null}]}`))
	r = c.local("", "approles", "--current", cur, "--roles", rolesFile)
	wantCode(t, r, 0, "approles")
	var body struct {
		AppRoles []struct {
			ID    string
			Value *string
		} `json:"appRoles"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &body); err != nil || len(body.AppRoles) != 2 || body.AppRoles[0].Value != nil || *body.AppRoles[1].Value != value {
		t.Fatalf("PATCH body = %+v (%v)\n%s", body, err, r.stdout)
	}
	if !strings.Contains(r.stderr, "add") {
		t.Errorf("approles summary does not list the addition:\n%s", r.stderr)
	}

	// trust-policy: a document that parses, and the C4.8 warning.
	r = c.local("", "trust-policy", "--provider", defaultProviderARN, "--tag-session")
	wantCode(t, r, 0, "trust-policy")
	if !json.Valid([]byte(r.stdout)) || !strings.Contains(r.stderr, "C4.8") {
		t.Errorf("trust-policy: stdout %q stderr %q", r.stdout, r.stderr)
	}

}

// TestLoginAgainstAwstest: credentials from a samltest response through the
// built binary, in each output format.
func TestLoginAgainstAwstest(t *testing.T) {
	t.Parallel()
	srv := awstesthelp.NewServer(t, awstest.Config{})
	acct, _ := srv.Account("")
	c := newAWSCLI(t, srv.URL, acct.AccessKeyID, acct.SecretAccessKey)
	idp := samltest.NewIdP(t, samltest.IdPConfig{})
	wantCode(t, c.run("", "provider", "apply", "--metadata", c.file("md.xml", idp.Metadata())), 0, "provider apply")
	wantCode(t, c.run("", "roles", "create", "--name", "EntraAdmin"), 0, "roles create")
	resp := c.file("response.b64", []byte(samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{}).Base64()))

	// The samltest user is offered two roles: one must be chosen.
	r := c.run("", "credential-process", "--assertion", resp)
	wantCode(t, r, 2, "two roles offered")
	if !strings.Contains(r.stderr, "--role arn:aws:iam::123456789012:role/EntraReadOnly") {
		t.Errorf("the choices are not listed:\n%s", r.stderr)
	}
	admin := "arn:aws:iam::123456789012:role/EntraAdmin"
	r = c.run("", "credential-process", "--assertion", resp, "--role", admin)
	wantCode(t, r, 0, "credential-process")
	var cp credentialProcessOut
	if err := json.Unmarshal([]byte(r.stdout), &cp); err != nil || cp.Version != 1 || !strings.HasPrefix(cp.AccessKeyID, "ASIA") || cp.SessionToken == "" || cp.Expiration == "" || cp.AccountID != "123456789012" {
		t.Fatalf("credential_process JSON = %+v (%v)", cp, err)
	}
	if strings.Contains(r.stderr, cp.SecretAccessKey) {
		t.Error("the secret reached stderr")
	}
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider(cp.AccessKeyID, cp.SecretAccessKey, cp.SessionToken)}
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != "arn:aws:sts::123456789012:assumed-role/EntraAdmin/"+samltest.DefaultUser().UPN {
		t.Fatalf("GetCallerIdentity with the issued keys: %v, %v", id, err)
	}

	// env, from standard input.
	r = c.run(samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{}).Base64(), "login", "--assertion", "-", "--role", admin)
	wantCode(t, r, 0, "login env")
	if !strings.Contains(r.stdout, "export AWS_SESSION_TOKEN='") {
		t.Errorf("env output:\n%s", r.stdout)
	}

	// profile: another profile of the file is kept; the same name is only
	// replaced with --overwrite.
	creds := c.file("credentials-out", []byte("[default]\naws_access_key_id = AKIAKEEP\n\n[entra]\naws_access_key_id = OLD\n"))
	r = c.run("", "login", "--assertion", resp, "--format", "profile", "--profile-file", creds, "--profile-name", "entra", "--role", admin)
	wantCode(t, r, 2, "profile exists")
	if b, _ := os.ReadFile(creds); !strings.Contains(string(b), "OLD") {
		t.Fatal("the refused login changed the file")
	}
	r = c.run("", "login", "--assertion", resp, "--format", "profile", "--profile-file", creds, "--profile-name", "entra", "--overwrite", "--role", admin)
	wantCode(t, r, 0, "profile overwrite")
	b, _ := os.ReadFile(creds)
	if !strings.Contains(string(b), "AKIAKEEP") || strings.Contains(string(b), "OLD") || strings.Count(string(b), "[entra]") != 1 || !strings.Contains(string(b), "aws_session_token = ") {
		t.Fatalf("credentials file after overwrite:\n%s", b)
	}
	if st, _ := os.Stat(creds); st.Mode().Perm() != 0o600 {
		t.Errorf("credentials file mode %v, want 0600", st.Mode().Perm())
	}
	// A credentials file reached through a symbolic link: the link stays and
	// its target gets the profile.
	link := filepath.Join(c.dir, "credentials-link")
	if err := os.Symlink(creds, link); err != nil {
		t.Fatal(err)
	}
	r = c.run("", "login", "--assertion", resp, "--format", "profile", "--profile-file", link, "--profile-name", "second", "--role", admin)
	wantCode(t, r, 0, "profile through a symlink")
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symbolic link was replaced: %v %v", st, err)
	}
	if b, _ := os.ReadFile(creds); !strings.Contains(string(b), "[second]") || !strings.Contains(string(b), "[entra]") || !strings.Contains(string(b), "AKIAKEEP") {
		t.Errorf("the link's target after login:\n%s", b)
	}

	// A tampered response: STS's refusal, exit 1.
	bad := c.file("bad.b64", []byte(samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{Tamper: []string{"modified-after-signing"}}).Base64()))
	r = c.run("", "login", "--assertion", bad, "--role", admin)
	wantCode(t, r, 1, "tampered")
	if !strings.Contains(r.stderr, "InvalidIdentityToken") {
		t.Errorf("tampered: stderr %q", r.stderr)
	}
	// A role the response does not offer.
	r = c.run("", "login", "--assertion", resp, "--role", "arn:aws:iam::123456789012:role/Other")
	wantCode(t, r, 2, "role not offered")
	if !strings.Contains(r.stderr, "--role") {
		t.Errorf("role not offered: %q", r.stderr)
	}
}

// TestProviderRolloverCommand: a rollover through the CLI refuses to drop the
// old certificate until the active one is named.
func TestProviderRolloverCommand(t *testing.T) {
	t.Parallel()
	srv := awstesthelp.NewServer(t, awstest.Config{})
	acct, _ := srv.Account("")
	c := newAWSCLI(t, srv.URL, acct.AccessKeyID, acct.SecretAccessKey)
	idp := samltest.NewIdP(t, samltest.IdPConfig{})
	wantCode(t, c.run("", "provider", "rollover", "--metadata", c.file("md1.xml", idp.Metadata())), 0, "initial publish")
	next := idp.AddNextCertificate()
	r := c.run("", "provider", "rollover", "--metadata", c.file("md2.xml", idp.Metadata()))
	wantCode(t, r, 0, "publish")
	if !strings.Contains(r.stdout, "rollover step: publish") || !strings.Contains(r.stdout, "+ certificate") {
		t.Errorf("publish output:\n%s", r.stdout)
	}
	idp.ActivateNextCertificate()
	idp.RemoveInactiveCertificates()
	md3 := c.file("md3.xml", idp.Metadata())
	r = c.run("", "provider", "rollover", "--metadata", md3)
	wantCode(t, r, 1, "retire without the active signer")
	if !strings.Contains(r.stdout, "WARNING") || !strings.Contains(r.stdout, "retire") {
		t.Errorf("refused retire output:\n%s", r.stdout)
	}
	held := srv.Providers("")[0].Metadata
	if held == string(idp.Metadata()) {
		t.Fatal("the refused retire uploaded")
	}
	tp := sha1Hex(next.Raw)
	r = c.run("", "provider", "rollover", "--metadata", md3, "--active-signer", tp)
	wantCode(t, r, 0, "retire")
	if srv.Providers("")[0].Metadata != string(idp.Metadata()) {
		t.Fatal("retire did not upload")
	}
}

// TestAWSCommandsAgainstMoto runs provider and roles once against
// moto_server, an IAM nobody here wrote.
func TestAWSCommandsAgainstMoto(t *testing.T) {
	t.Parallel()
	url := peers.StartMoto(t)
	c := newAWSCLI(t, url, "AKIAMOTO", "moto")
	idp := samltest.NewIdP(t, samltest.IdPConfig{})
	md := c.file("md.xml", idp.Metadata())
	wantCode(t, c.run("", "provider", "apply", "--metadata", md), 0, "moto provider apply")
	r := c.run("", "provider", "plan", "--metadata", md, "--json")
	wantCode(t, r, 0, "moto plan")
	if !strings.Contains(r.stdout, `"action": "none"`) {
		t.Errorf("moto: plan after apply is not none:\n%s", r.stdout)
	}
	wantCode(t, c.run("", "roles", "create", "--name", "EntraAdmin"), 0, "moto roles create")
	r = c.run("", "roles", "discover", "--json")
	wantCode(t, r, 0, "moto discover")
	if !strings.Contains(r.stdout, "role/EntraAdmin,"+defaultProviderARN) {
		t.Errorf("moto discover:\n%s", r.stdout)
	}
}

func TestAWSCommandsUsage(t *testing.T) {
	t.Parallel()
	c := newAWSCLI(t, "", "x", "y")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"provider"}, "name a subcommand"},
		{[]string{"provider", "plna"}, "did you mean plan"},
		{[]string{"provider", "plan"}, "--metadata: required"},
		{[]string{"provider", "plan", "--metdata", "x"}, "did you mean --metadata"},
		{[]string{"roles", "create"}, "--name: required"},
		{[]string{"roles", "create", "--name", "x", "--audience", "eu"}, "--audience"},
		{[]string{"approles", "--roles", "x"}, "--current"},
		{[]string{"trust-policy"}, "--provider"},
		{[]string{"trust-policy", "--provider", "arn:aws:iam::1:role/x"}, "--provider"},
		{[]string{"login"}, "--assertion"},
		{[]string{"login", "--assertion", "nonexistent.b64"}, "nonexistent.b64"},
		{[]string{"login", "--assertion", "-", "--format", "yaml"}, "--format"},
		{[]string{"login", "--assertion", "-", "--duration", "10m"}, "--duration"},
	} {
		r := c.run("", tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("samlaws %v: exit %d, stderr %q; want 2 and %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
	for _, cmd := range []string{"provider", "roles", "approles", "trust-policy", "login", "credential-process", "version"} {
		r := c.local("", "help", cmd)
		if r.code != 0 || !strings.Contains(r.stdout, "usage: samlaws") {
			t.Errorf("help %s: exit %d\n%s", cmd, r.code, r.stdout)
		}
	}
	if r := c.local("", "version"); r.code != 0 || !strings.HasPrefix(r.stdout, "samlaws ") {
		t.Errorf("version: %d %q", r.code, r.stdout)
	}
}

func sha1Hex(der []byte) string { return metadata.NewCertificate(der).SHA1 }

// credentialProcessOut is the credential_process JSON (Version 1) that
// samlcreds.CredentialProcessJSON writes for the command.
type credentialProcessOut struct {
	Version         int    `json:"Version"`
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	SessionToken    string `json:"SessionToken"`
	Expiration      string `json:"Expiration"`
	AccountID       string `json:"AccountId"`
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awstest"
	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/awstesthelp"
	"github.com/samlaws/samlaws/internal/peers"
	"github.com/samlaws/samlaws/internal/samltesthelp"
	"github.com/samlaws/samlaws/saml/samltest"
)

// The organisation of the --accounts tests: a management account where
// B.Simon signs in through SAML, two member accounts whose
// OrganizationAccountAccessRole trusts it (as AWS Organizations creates that
// role), and one whose role trusts another organisation's management
// account.
const (
	mgmtAccount  = defaultAccountID
	memberOne    = "222222222222"
	memberTwo    = "333333333333"
	strayAccount = "444444444444"
)

func orgRole(account string) string {
	return "arn:aws:iam::" + account + ":role/OrganizationAccountAccessRole"
}

// newOrgCLI starts awstest with the four accounts, signs B.Simon in to the
// management account's EntraAdmin role (AssumeRoleWithSAML through the SDK)
// and returns a CLI runner with those session credentials in its
// environment, as after "eval $(samlaws login ...)".
func newOrgCLI(t *testing.T) (*awstest.Server, *samltest.IdP, *awsCLI) {
	t.Helper()
	ctx := context.Background()
	srv := awstesthelp.NewServer(t, awstest.Config{Accounts: []awstest.Account{{ID: mgmtAccount}, {ID: memberOne}, {ID: memberTwo}, {ID: strayAccount}}})
	idp := samltest.NewIdP(t, samltest.IdPConfig{}) // wall clock: the server judges with the same one
	mgmt := iam.NewFromConfig(srv.AWSConfig(mgmtAccount))
	if _, err := mgmt.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("EntraID"), SAMLMetadataDocument: aws.String(string(idp.Metadata()))}); err != nil {
		t.Fatal(err)
	}
	p, _ := awsrole.ParseProviderARN(defaultProviderARN)
	trust, _ := federation.NewTrustPolicy(federation.TrustPolicyOptions{Providers: []awsrole.ProviderARN{p}})
	if _, err := mgmt.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("EntraAdmin"), AssumeRolePolicyDocument: aws.String(string(trust))}); err != nil {
		t.Fatal(err)
	}
	for id, trusted := range map[string]string{memberOne: mgmtAccount, memberTwo: mgmtAccount, strayAccount: "555555555555"} {
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + trusted + `:root"},"Action":"sts:AssumeRole"}]}`
		if _, err := iam.NewFromConfig(srv.AWSConfig(id)).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("OrganizationAccountAccessRole"), AssumeRolePolicyDocument: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
	}
	out, err := sts.NewFromConfig(srv.AWSConfig(mgmtAccount)).AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{
		RoleArn:       aws.String("arn:aws:iam::" + mgmtAccount + ":role/EntraAdmin"),
		PrincipalArn:  aws.String(defaultProviderARN),
		SAMLAssertion: aws.String(samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{}).Base64()),
	})
	if err != nil {
		t.Fatalf("sign-in: %v", err)
	}
	c := newAWSCLI(t, srv.URL, aws.ToString(out.Credentials.AccessKeyId), aws.ToString(out.Credentials.SecretAccessKey))
	c.env = append(c.env, "AWS_SESSION_TOKEN="+aws.ToString(out.Credentials.SessionToken))
	return srv, idp, c
}

// runTTY runs the binary with its standard error on a pseudo-terminal and
// returns what it wrote to standard output and to the terminal.
func (c *awsCLI) runTTY(args ...string) (code int, stdout, terminal string) {
	c.t.Helper()
	pty, tty, err := openPTY()
	if err != nil {
		c.t.Fatalf("no pseudo-terminal for the progress test: %v", err)
	}
	defer pty.Close()
	cmd := exec.Command(samlawsBin(c.t), append(args, "--endpoint-url", c.endpoint)...)
	cmd.Env, cmd.Dir = c.env, c.dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, tty
	read := make(chan string, 1)
	go func() {
		var b bytes.Buffer
		_, _ = io.Copy(&b, pty) // ends with EIO once the last tty descriptor is closed
		read <- b.String()
	}()
	err = cmd.Run()
	tty.Close()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		c.t.Fatalf("running samlaws %v: %v", args, err)
	}
	return code, out.String(), strings.ReplaceAll(<-read, "\r\n", "\n")
}

// decodeAll reads a stream of JSON objects, one per account.
func decodeAll[T any](t *testing.T, s string) []T {
	t.Helper()
	var out []T
	dec := json.NewDecoder(strings.NewReader(s))
	for dec.More() {
		var v T
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("not a stream of JSON objects: %v\n%s", err, s)
		}
		out = append(out, v)
	}
	return out
}

var progressLine = regexp.MustCompile(`(?m)^\[(\d)/3\] (\d{12}) (ok|failed)$`)

// TestAccountsAgainstAwstest drives provider plan/apply and roles
// create/discover with --accounts through the built binary: AssumeRole into
// each listed account with the signed-in session, one result per account in
// the file's order, one account failing (its role does not trust us) without
// stopping the others, exit 1 for it, apply doing what plan showed, and a
// progress line per account on a terminal only.
func TestAccountsAgainstAwstest(t *testing.T) {
	t.Parallel()
	srv, idp, c := newOrgCLI(t)
	accounts := c.file("accounts.txt", []byte("# member accounts\n"+
		memberOne+" "+orgRole(memberOne)+"\n"+
		memberTwo+"   "+orgRole(memberTwo)+"  # second\n\n"+
		strayAccount+" "+orgRole(strayAccount)+"\n"))
	md := c.file("entra.xml", append([]byte("\ufeff"), idp.Metadata()...))
	ids := []string{memberOne, memberTwo, strayAccount}

	// plan, JSON, not on a terminal: no progress lines, nothing written.
	r := c.run("", "provider", "plan", "--metadata", md, "--accounts", accounts, "--json")
	wantCode(t, r, 1, "plan with one failing account")
	plans := decodeAll[providerOut](t, r.stdout)
	if len(plans) != 3 {
		t.Fatalf("%d results, want one per account:\n%s", len(plans), r.stdout)
	}
	for i, o := range plans {
		if o.Account != ids[i] {
			t.Errorf("result %d is for %s, want %s (the file's order)", i, o.Account, ids[i])
		}
	}
	for _, o := range plans[:2] {
		if o.Error != "" || o.Action != "create" || len(o.Added) != 1 || o.Provider != "arn:aws:iam::"+o.Account+":saml-provider/EntraID" {
			t.Errorf("plan for %s = %+v", o.Account, o)
		}
	}
	if e := plans[2].Error; !strings.Contains(e, "AccessDenied") || !strings.Contains(e, "not authorized to perform: sts:AssumeRole on resource: "+orgRole(strayAccount)) || plans[2].Action != "" {
		t.Errorf("the stray account's result = %+v, want STS's AccessDenied", plans[2])
	}
	if progressLine.MatchString(r.stderr) {
		t.Errorf("progress lines on a non-terminal stderr:\n%s", r.stderr)
	}
	for _, id := range ids {
		if len(srv.Providers(id)) != 0 {
			t.Fatalf("plan wrote a provider in %s", id)
		}
	}

	// plan, human output, standard error on a terminal: one progress line
	// per account, counting to 3, saying which failed.
	code, stdout, terminal := c.runTTY("provider", "plan", "--metadata", md, "--accounts", accounts)
	if code != 1 {
		t.Errorf("plan on a terminal: exit %d, want 1", code)
	}
	lines := progressLine.FindAllStringSubmatch(terminal, -1)
	if len(lines) != 3 {
		t.Fatalf("terminal shows %d progress lines, want 3:\n%q", len(lines), terminal)
	}
	seen := map[string]string{}
	for i, m := range lines {
		if m[1] != string(rune('1'+i)) {
			t.Errorf("progress line %d counts %s", i+1, m[1])
		}
		seen[m[2]] = m[3]
	}
	if seen[memberOne] != "ok" || seen[memberTwo] != "ok" || seen[strayAccount] != "failed" {
		t.Errorf("progress by account = %v", seen)
	}
	for _, want := range []string{
		memberOne + ": arn:aws:iam::" + memberOne + ":saml-provider/EntraID\n  would: create the provider\n  + certificate ",
		memberTwo + ": arn:aws:iam::" + memberTwo + ":saml-provider/EntraID\n  would: create the provider\n",
		strayAccount + ": arn:aws:iam::" + strayAccount + ":saml-provider/EntraID\n  FAILED: ",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("human plan output lacks %q:\n%s", want, stdout)
		}
	}

	// apply: the two member accounts get exactly what plan showed.
	r = c.run("", "provider", "apply", "--metadata", md, "--accounts", accounts, "--json")
	wantCode(t, r, 1, "apply with one failing account")
	applied := decodeAll[providerOut](t, r.stdout)
	if len(applied) != 3 {
		t.Fatalf("%d apply results:\n%s", len(applied), r.stdout)
	}
	for i, o := range applied[:2] {
		if !o.Applied || o.Action != plans[i].Action || len(o.Added) != 1 || o.Added[0].SHA256 != plans[i].Added[0].SHA256 {
			t.Errorf("apply in %s = %+v; plan was %+v", o.Account, o, plans[i])
		}
		ps := srv.Providers(o.Account)
		if len(ps) != 1 || ps[0].Metadata != string(idp.Metadata()) {
			t.Errorf("IAM in %s holds %d providers after apply", o.Account, len(ps))
		}
	}
	if applied[2].Applied || applied[2].Error == "" || len(srv.Providers(strayAccount)) != 0 {
		t.Errorf("the stray account: %+v", applied[2])
	}
	if len(srv.Providers(mgmtAccount)) != 1 {
		t.Error("--accounts touched the management account's providers")
	}

	// roles create, then discover: each member account's own role, ready
	// for approles.
	r = c.run("", "roles", "create", "--name", "EntraAdmin", "--accounts", accounts, "--json")
	wantCode(t, r, 1, "roles create")
	r = c.run("", "roles", "discover", "--accounts", accounts, "--json")
	wantCode(t, r, 1, "roles discover")
	found := decodeAll[discovered](t, r.stdout)
	if len(found) != 3 {
		t.Fatalf("%d discover results:\n%s", len(found), r.stdout)
	}
	for _, d := range found[:2] {
		want := "arn:aws:iam::" + d.Account + ":role/EntraAdmin,arn:aws:iam::" + d.Account + ":saml-provider/EntraID"
		if d.Error != "" || len(d.Importable) != 1 || d.Importable[0] != want {
			t.Errorf("discover in %s = %+v, want only %s", d.Account, d, want)
		}
		if len(d.Skipped) != 1 || d.Skipped[0].ARN != orgRole(d.Account) {
			t.Errorf("discover in %s: OrganizationAccountAccessRole is not reported as not importable: %+v", d.Account, d.Skipped)
		}
	}
	if found[2].Error == "" || len(found[2].Importable) != 0 {
		t.Errorf("discover in the stray account: %+v", found[2])
	}
	if progressLine.MatchString(r.stderr) {
		t.Errorf("roles discover: progress lines on a non-terminal stderr:\n%s", r.stderr)
	}
	rolesFile := c.file("roles.json", []byte(r.stdout))
	code, stdout, terminal = c.runTTY("roles", "discover", "--accounts", accounts)
	if lines := progressLine.FindAllStringSubmatch(terminal, -1); code != 1 || len(lines) != 3 || !strings.Contains(stdout, "  importable (1):\n    arn:aws:iam::"+memberOne+":role/EntraAdmin,") {
		t.Errorf("roles discover on a terminal: exit %d, %d progress lines\n%s\nstdout:\n%s", code, len(lines), terminal, stdout)
	}
	cur := c.file("current.json", []byte(`{"appRoles":[]}`))
	r = c.local("", "approles", "--current", cur, "--roles", rolesFile)
	wantCode(t, r, 1, "approles from a discovery with a failed account") // the body is written, but partial
	if !strings.Contains(r.stderr, "account "+strayAccount+" is left as it is") || !strings.Contains(r.stdout, `"appRoles"`) {
		t.Errorf("approles with a failed account: stdout %q stderr %q", r.stdout, r.stderr)
	}

	// Only the accounts that trust us: every account succeeds, exit 0, and
	// a plan after apply has nothing to do.
	good := c.file("good.txt", []byte(memberOne+" "+orgRole(memberOne)+"\n"+memberTwo+" "+orgRole(memberTwo)+"\n"))
	r = c.run("", "provider", "plan", "--metadata", md, "--accounts", good, "--json")
	wantCode(t, r, 0, "plan in the good accounts")
	for _, o := range decodeAll[providerOut](t, r.stdout) {
		if o.Action != "none" || o.Error != "" {
			t.Errorf("plan after apply in %s = %+v", o.Account, o)
		}
	}
	r = c.run("", "roles", "discover", "--accounts", good, "--json")
	wantCode(t, r, 0, "discover in the good accounts")
	r = c.local("", "approles", "--current", cur, "--roles", c.file("roles-good.json", []byte(r.stdout)))
	wantCode(t, r, 0, "approles from two accounts")
	var body struct {
		AppRoles []struct{ Value *string } `json:"appRoles"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &body); err != nil || len(body.AppRoles) != 2 {
		t.Errorf("PATCH body from two accounts = %+v (%v)\n%s", body, err, r.stdout)
	}

	// The account's root keys cannot assume roles: every account fails.
	acct, _ := srv.Account(mgmtAccount)
	root := newAWSCLI(t, srv.URL, acct.AccessKeyID, acct.SecretAccessKey)
	r = root.run("", "roles", "discover", "--accounts", root.file("good.txt", []byte(memberOne+" "+orgRole(memberOne)+"\n")))
	wantCode(t, r, 1, "root keys")
	if !strings.Contains(r.stdout, "FAILED: ") || !strings.Contains(r.stdout, "Roles may not be assumed by root accounts.") {
		t.Errorf("root keys output:\n%s", r.stdout)
	}
}

// TestAccountsFileUsage: a bad --accounts file is a usage error (exit 2)
// naming the flag, the file and the line, before any AWS call.
func TestAccountsFileUsage(t *testing.T) {
	t.Parallel()
	c := newAWSCLI(t, "http://127.0.0.1:1", "AKIAUNUSED0000000000", "unused")
	md := c.file("entra.xml", samltest.NewIdP(t, samltest.IdPConfig{}).Metadata())
	for _, tc := range []struct {
		name, content, want string
	}{
		{"mismatch.txt", memberOne + " " + orgRole(memberTwo) + "\n", "mismatch.txt line 1: the role is in account " + memberTwo + ", not " + memberOne},
		{"notarole.txt", "# x\n" + memberOne + " arn:aws:iam::" + memberOne + ":user/admin\n", "notarole.txt line 2: "},
		{"short.txt", "12345 " + orgRole(memberOne) + "\n", "short.txt line 1: want \"ACCOUNT_ID ROLE_ARN\""},
		{"twice.txt", memberOne + " " + orgRole(memberOne) + "\n" + memberOne + " " + orgRole(memberOne) + "\n", "line 2: account " + memberOne + " listed twice"},
		{"empty.txt", "# nothing\n\n", "empty.txt lists no account"},
	} {
		f := c.file(tc.name, []byte(tc.content))
		for _, args := range [][]string{{"provider", "plan", "--metadata", md}, {"roles", "discover"}} {
			r := c.run("", append(args, "--accounts", f)...)
			if r.code != 2 || !strings.Contains(r.stderr, "--accounts") || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("%v with %s: exit %d, stderr %q; want 2 and %q", args, tc.name, r.code, r.stderr, tc.want)
			}
		}
	}
	r := c.run("", "roles", "discover", "--accounts", "missing.txt")
	if r.code != 2 || !strings.Contains(r.stderr, "--accounts") || !strings.Contains(r.stderr, "missing.txt") {
		t.Errorf("missing file: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestAccountsAgainstMoto: --accounts with moto_server, whose AssumeRole
// (it checks no trust policy) gives credentials that act in the role's
// account: the provider lands in each listed account.
func TestAccountsAgainstMoto(t *testing.T) {
	t.Parallel()
	url := peers.StartMoto(t)
	c := newAWSCLI(t, url, "AKIAMOTO", "moto")
	idp := samltest.NewIdP(t, samltest.IdPConfig{})
	accounts := c.file("accounts.txt", []byte(memberOne+" "+orgRole(memberOne)+"\n"+memberTwo+" "+orgRole(memberTwo)+"\n"))
	r := c.run("", "provider", "apply", "--metadata", c.file("md.xml", idp.Metadata()), "--accounts", accounts, "--json")
	wantCode(t, r, 0, "moto apply --accounts")
	for _, o := range decodeAll[providerOut](t, r.stdout) {
		if !o.Applied || o.Provider != "arn:aws:iam::"+o.Account+":saml-provider/EntraID" {
			t.Errorf("moto apply in %s = %+v", o.Account, o)
		}
	}
	wantCode(t, c.run("", "roles", "create", "--name", "EntraAdmin", "--accounts", accounts), 0, "moto roles create --accounts")
	r = c.run("", "roles", "discover", "--accounts", accounts, "--json")
	wantCode(t, r, 0, "moto discover --accounts")
	found := decodeAll[discovered](t, r.stdout)
	if len(found) != 2 {
		t.Fatalf("moto discover: %d results\n%s", len(found), r.stdout)
	}
	for _, d := range found {
		want := "arn:aws:iam::" + d.Account + ":role/EntraAdmin,arn:aws:iam::" + d.Account + ":saml-provider/EntraID"
		if len(d.Importable) != 1 || d.Importable[0] != want {
			t.Errorf("moto discover in %s = %+v, want %s", d.Account, d.Importable, want)
		}
	}
}

// TestIsTerminal: a pseudo-terminal is a terminal; /dev/null (a character
// device), a pipe and a regular file are not.
func TestIsTerminal(t *testing.T) {
	pty, tty, err := openPTY()
	if err != nil {
		if runtime.GOOS == "linux" {
			t.Fatalf("no pseudo-terminal: %v", err)
		}
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer pty.Close()
	defer tty.Close()
	if !isTerminal(tty) {
		t.Error("a pseudo-terminal is not taken for a terminal")
	}
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for name, file := range map[string]*os.File{"/dev/null": null, "a pipe": w, "a file": f} {
		if isTerminal(file) {
			t.Errorf("%s is taken for a terminal", name)
		}
	}
	if isTerminal(&bytes.Buffer{}) {
		t.Error("a buffer is taken for a terminal")
	}
}

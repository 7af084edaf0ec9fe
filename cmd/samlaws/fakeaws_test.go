package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/samltesthelp"
	"github.com/samlaws/samlaws/saml/samltest"
)

// startFakeAWS runs "samlaws fake-aws" in-process (the same code path as the
// binary) and returns the environment it printed.
func startFakeAWS(t *testing.T, args ...string) map[string]string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	var stderr bytes.Buffer
	go func() {
		done <- run(ctx, append([]string{"fake-aws"}, args...), nil, pw, &stderr)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("fake-aws did not stop after cancellation")
		}
	})
	env := map[string]string{}
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		line := sc.Text()
		if line == "ready" {
			go io.Copy(io.Discard, pr) //nolint:errcheck // drain
			return env
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("fake-aws printed %q", line)
		}
		env[k] = v
	}
	t.Fatalf("fake-aws stopped before ready: %s", stderr.String())
	return nil
}

// fakeAWSScenario writes what the AWS CLI and boto3 scenarios need: samltest
// metadata, a trust policy, a valid and a tampered assertion.
type fakeAWSScenario struct {
	dir                           string
	metadata, trust, good, bad    string // file paths
	providerARN, roleARN, wantARN string
}

func newFakeAWSScenario(t *testing.T) fakeAWSScenario {
	t.Helper()
	dir := t.TempDir()
	idp := samltest.NewIdP(t, samltest.IdPConfig{}) // wall clock: the server judges with the same clock
	p, _ := awsrole.ParseProviderARN(defaultProviderARN)
	trust, err := federation.NewTrustPolicy(federation.TrustPolicyOptions{Providers: []awsrole.ProviderARN{p}})
	if err != nil {
		t.Fatal(err)
	}
	s := fakeAWSScenario{dir: dir, providerARN: defaultProviderARN,
		roleARN: "arn:aws:iam::123456789012:role/EntraAdmin",
		wantARN: "arn:aws:sts::123456789012:assumed-role/EntraAdmin/" + samltest.DefaultUser().UPN}
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	s.metadata = write("idp.xml", idp.Metadata())
	s.trust = write("trust.json", trust)
	s.good = write("good.b64", []byte(samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{}).Base64()))
	s.bad = write("bad.b64", []byte(samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{Tamper: []string{"modified-after-signing"}}).Base64()))
	return s
}

func requireAWSCLI(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("aws")
	if err == nil {
		return p
	}
	msg := "AWS CLI unavailable (install: apt-get install -y awscli)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (CI=true: .ci/run installs it)")
	}
	t.Skip("skipping: " + msg)
	return ""
}

// TestFakeAWSWithAWSCLI drives "samlaws fake-aws" with the AWS CLI: create a
// provider from samltest metadata, create a role, assume it with a samltest
// assertion, use the credentials, and see a tampered assertion refused with
// InvalidIdentityToken (A5.1).
func TestFakeAWSWithAWSCLI(t *testing.T) {
	aws := requireAWSCLI(t)
	env := startFakeAWS(t)
	s := newFakeAWSScenario(t)
	base := []string{"HOME=" + s.dir, "AWS_CONFIG_FILE=" + filepath.Join(s.dir, "none"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(s.dir, "none"),
		"AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER=", "PATH=" + os.Getenv("PATH"), "AWS_DEFAULT_REGION=" + env["AWS_DEFAULT_REGION"]}
	creds := []string{"AWS_ACCESS_KEY_ID=" + env["AWS_ACCESS_KEY_ID"], "AWS_SECRET_ACCESS_KEY=" + env["AWS_SECRET_ACCESS_KEY"]}
	cli := func(extraEnv []string, args ...string) (string, string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, aws, append([]string{"--endpoint-url", env["AWS_ENDPOINT_URL"], "--output", "json"}, args...)...)
		cmd.Env = append(append([]string{}, base...), extraEnv...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		return out.String(), errb.String(), err
	}
	mustJSON := func(extraEnv []string, v any, args ...string) {
		t.Helper()
		out, stderr, err := cli(extraEnv, args...)
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args[:2], " "), err, stderr)
		}
		if v != nil {
			if err := json.Unmarshal([]byte(out), v); err != nil {
				t.Fatalf("aws %s: output %q: %v", strings.Join(args[:2], " "), out, err)
			}
		}
	}

	var prov struct{ SAMLProviderArn string }
	mustJSON(creds, &prov, "iam", "create-saml-provider", "--name", "EntraID", "--saml-metadata-document", "file://"+s.metadata)
	if prov.SAMLProviderArn != s.providerARN {
		t.Fatalf("create-saml-provider: %q", prov.SAMLProviderArn)
	}
	var role struct{ Role struct{ Arn string } }
	mustJSON(creds, &role, "iam", "create-role", "--role-name", "EntraAdmin", "--assume-role-policy-document", "file://"+s.trust)
	if role.Role.Arn != s.roleARN {
		t.Fatalf("create-role: %q", role.Role.Arn)
	}
	var assumed struct {
		Credentials     struct{ AccessKeyId, SecretAccessKey, SessionToken, Expiration string }
		AssumedRoleUser struct{ Arn string }
		Subject, Issuer string
	}
	mustJSON(nil, &assumed, "sts", "assume-role-with-saml", "--role-arn", s.roleARN, "--principal-arn", s.providerARN, "--saml-assertion", "file://"+s.good)
	if assumed.AssumedRoleUser.Arn != s.wantARN || assumed.Subject != samltest.DefaultUser().UPN || assumed.Credentials.SessionToken == "" {
		t.Fatalf("assume-role-with-saml: %+v", assumed)
	}
	var who struct{ Arn string }
	mustJSON([]string{"AWS_ACCESS_KEY_ID=" + assumed.Credentials.AccessKeyId, "AWS_SECRET_ACCESS_KEY=" + assumed.Credentials.SecretAccessKey,
		"AWS_SESSION_TOKEN=" + assumed.Credentials.SessionToken}, &who, "sts", "get-caller-identity")
	if who.Arn != s.wantARN {
		t.Errorf("get-caller-identity with the assumed credentials: %q", who.Arn)
	}
	// sts assume-role (role chaining, as --accounts does): the SAML session
	// into a role that trusts the account; botocore parses the answer.
	session := []string{"AWS_ACCESS_KEY_ID=" + assumed.Credentials.AccessKeyId, "AWS_SECRET_ACCESS_KEY=" + assumed.Credentials.SecretAccessKey,
		"AWS_SESSION_TOKEN=" + assumed.Credentials.SessionToken}
	var member struct{ Role struct{ Arn string } }
	mustJSON(creds, &member, "iam", "create-role", "--role-name", "Member", "--assume-role-policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`)
	var chained struct {
		Credentials     struct{ AccessKeyId, SecretAccessKey, SessionToken, Expiration string }
		AssumedRoleUser struct{ Arn, AssumedRoleId string }
	}
	mustJSON(session, &chained, "sts", "assume-role", "--role-arn", member.Role.Arn, "--role-session-name", "cli")
	if chained.AssumedRoleUser.Arn != "arn:aws:sts::123456789012:assumed-role/Member/cli" || !strings.HasPrefix(chained.Credentials.AccessKeyId, "ASIA") ||
		!strings.HasSuffix(chained.AssumedRoleUser.AssumedRoleId, ":cli") || chained.Credentials.Expiration == "" {
		t.Errorf("assume-role: %+v", chained)
	}
	mustJSON([]string{"AWS_ACCESS_KEY_ID=" + chained.Credentials.AccessKeyId, "AWS_SECRET_ACCESS_KEY=" + chained.Credentials.SecretAccessKey,
		"AWS_SESSION_TOKEN=" + chained.Credentials.SessionToken}, &who, "sts", "get-caller-identity")
	if who.Arn != chained.AssumedRoleUser.Arn {
		t.Errorf("get-caller-identity after assume-role: %q", who.Arn)
	}
	_, stderr, err := cli(creds, "sts", "assume-role", "--role-arn", member.Role.Arn, "--role-session-name", "root")
	if err == nil || !strings.Contains(stderr, "(AccessDenied)") || !strings.Contains(stderr, "Roles may not be assumed by root accounts.") {
		t.Errorf("assume-role with the root keys: err=%v stderr=%s", err, stderr)
	}

	_, stderr, err = cli(nil, "sts", "assume-role-with-saml", "--role-arn", s.roleARN, "--principal-arn", s.providerARN, "--saml-assertion", "file://"+s.bad)
	if err == nil || !strings.Contains(stderr, "(InvalidIdentityToken)") || !strings.Contains(stderr, "Response signature invalid") {
		t.Errorf("tampered assertion: err=%v stderr=%s", err, stderr)
	}
}

// fakeAWSBoto3 is the same scenario with boto3.
const fakeAWSBoto3 = `
import json, sys, os
import boto3
from botocore.exceptions import ClientError
from botocore.config import Config

a = json.load(sys.stdin)
cfg = Config(retries={"total_max_attempts": 1})
kw = dict(endpoint_url=a["url"], region_name=a["region"], aws_access_key_id=a["akid"], aws_secret_access_key=a["secret"], config=cfg)
iam, sts = boto3.client("iam", **kw), boto3.client("sts", **kw)
out = {}
out["provider"] = iam.create_saml_provider(Name="EntraID", SAMLMetadataDocument=open(a["metadata"]).read())["SAMLProviderArn"]
out["role"] = iam.create_role(RoleName="EntraAdmin", AssumeRolePolicyDocument=open(a["trust"]).read())["Role"]["Arn"]
r = sts.assume_role_with_saml(RoleArn=out["role"], PrincipalArn=out["provider"], SAMLAssertion=open(a["good"]).read())
out["assumed"] = r["AssumedRoleUser"]["Arn"]
out["subject"] = r["Subject"]
c = r["Credentials"]
who = boto3.client("sts", endpoint_url=a["url"], region_name=a["region"], aws_access_key_id=c["AccessKeyId"],
                   aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"], config=cfg).get_caller_identity()
out["who"] = who["Arn"]
try:
    sts.assume_role_with_saml(RoleArn=out["role"], PrincipalArn=out["provider"], SAMLAssertion=open(a["bad"]).read())
    out["tampered"] = "accepted"
except ClientError as e:
    out["tampered"] = e.response["Error"]["Code"] + ": " + e.response["Error"].get("Message", "")
try:
    iam.create_saml_provider(Name="EntraID", SAMLMetadataDocument=open(a["metadata"]).read())
    out["duplicate"] = "accepted"
except iam.exceptions.EntityAlreadyExistsException as e:
    out["duplicate"] = "EntityAlreadyExists"
json.dump(out, sys.stdout)
`

// TestFakeAWSWithBoto3 drives "samlaws fake-aws" with boto3 (Debian
// python3-boto3): the scenario of TestFakeAWSWithAWSCLI, plus a modelled IAM
// error arriving as boto3's typed exception.
func TestFakeAWSWithBoto3(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import boto3").Run(); err != nil {
		msg := "boto3 unavailable (" + err.Error() + "; install: apt-get install -y python3-boto3)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + " (CI=true: .ci/run installs it)")
		}
		t.Skip("skipping: " + msg)
	}
	env := startFakeAWS(t)
	s := newFakeAWSScenario(t)
	in, _ := json.Marshal(map[string]string{"url": env["AWS_ENDPOINT_URL"], "region": env["AWS_DEFAULT_REGION"],
		"akid": env["AWS_ACCESS_KEY_ID"], "secret": env["AWS_SECRET_ACCESS_KEY"],
		"metadata": s.metadata, "trust": s.trust, "good": s.good, "bad": s.bad})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, "-c", fakeAWSBoto3)
	cmd.Env = []string{"HOME=" + s.dir, "AWS_CONFIG_FILE=" + filepath.Join(s.dir, "none"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(s.dir, "none"), "AWS_EC2_METADATA_DISABLED=true"}
	cmd.Stdin = bytes.NewReader(in)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("boto3 scenario: %v\n%s", err, errb.String())
	}
	var got map[string]string
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("boto3 output %q: %v", out.String(), err)
	}
	want := map[string]string{"provider": s.providerARN, "role": s.roleARN, "assumed": s.wantARN, "subject": samltest.DefaultUser().UPN,
		"who": s.wantARN, "tampered": "InvalidIdentityToken: Response signature invalid", "duplicate": "EntityAlreadyExists"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

// TestFakeAWSUsage: bad flags and a non-loopback address are usage errors.
func TestFakeAWSUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // the flag the error names
	}{
		{[]string{"--listen", "0.0.0.0:0"}, "--listen: "},
		{[]string{"--listen", "nonsense"}, "--listen: "},
		{[]string{"--nope"}, "--nope"},
		{[]string{"extra"}, "extra"},
		{[]string{"--account", "12"}, "--account: "},
		{[]string{"--account", "111111111111", "--account", "111111111111=twice"}, "--account: "},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), append([]string{"fake-aws"}, tc.args...), nil, &stdout, &stderr); code != exitUsage || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("fake-aws %v: exit %d, stderr %q; want 2 naming %q", tc.args, code, stderr.String(), tc.want)
		}
	}
	var stdout bytes.Buffer
	if code := run(context.Background(), []string{"fake-aws", "-h"}, nil, &stdout, io.Discard); code != exitOK || !strings.Contains(stdout.String(), "AWS_ENDPOINT_URL") {
		t.Errorf("fake-aws -h: exit %d", code)
	}
}

// TestFakeAWSAccounts: --account adds accounts, each with its own keys
// printed; --region sets the region printed; a misspelt flag gets a
// did-you-mean.
func TestFakeAWSAccounts(t *testing.T) {
	env := startFakeAWS(t, "--account", "111111111111=prod", "--account", "222222222222", "--region", "eu-west-1")
	for _, k := range []string{"AWS_ACCESS_KEY_ID_111111111111", "AWS_SECRET_ACCESS_KEY_111111111111",
		"AWS_ACCESS_KEY_ID_222222222222", "AWS_SECRET_ACCESS_KEY_222222222222"} {
		if env[k] == "" {
			t.Errorf("%s not printed: %v", k, env)
		}
	}
	if env["AWS_ACCESS_KEY_ID"] != env["AWS_ACCESS_KEY_ID_111111111111"] || env["AWS_DEFAULT_REGION"] != "eu-west-1" ||
		!strings.HasPrefix(env["AWS_ENDPOINT_URL"], "http://127.0.0.1:") {
		t.Errorf("env = %v", env)
	}
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"fake-aws", "--acount", "1"}, nil, io.Discard, &stderr); code != exitUsage ||
		!strings.Contains(stderr.String(), "--account") {
		t.Errorf("misspelt flag: exit %d, stderr %q (want a did-you-mean --account)", code, stderr.String())
	}
}

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
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awstest"
	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/awstesthelp"
	"github.com/samlaws/samlaws/internal/samltesthelp"
	"github.com/samlaws/samlaws/saml/samltest"
)

// TestConfigChainAndCredentialProcess: the AWS commands take their
// credentials and endpoint from the SDK's shared config and credentials
// files (--profile, AWS_PROFILE, endpoint_url), as on a workstation, and
// "samlaws credential-process" works as the credential_process of a profile
// for aws-sdk-go-v2, for samlaws itself and for the AWS CLI.
func TestConfigChainAndCredentialProcess(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := awstesthelp.NewServer(t, awstest.Config{}) // wall clock, as the IdP's
	idp := samltest.NewIdP(t, samltest.IdPConfig{})
	root := srv.AWSConfig("")
	ic := iam.NewFromConfig(root)
	if _, err := ic.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("EntraID"), SAMLMetadataDocument: aws.String(string(idp.Metadata()))}); err != nil {
		t.Fatal(err)
	}
	p, _ := awsrole.ParseProviderARN(defaultProviderARN)
	trust, _ := federation.NewTrustPolicy(federation.TrustPolicyOptions{Providers: []awsrole.ProviderARN{p}})
	if _, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("EntraAdmin"), AssumeRolePolicyDocument: aws.String(string(trust))}); err != nil {
		t.Fatal(err)
	}
	acct, _ := srv.Account("")
	admin := "arn:aws:iam::" + acct.ID + ":role/EntraAdmin"
	wantARN := "arn:aws:sts::" + acct.ID + ":assumed-role/EntraAdmin/" + samltest.DefaultUser().UPN

	home := t.TempDir()
	resp := filepath.Join(home, "response.b64")
	if err := os.WriteFile(resp, []byte(samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{}).Base64()), 0o600); err != nil {
		t.Fatal(err)
	}
	awsDir := filepath.Join(home, ".aws")
	if err := os.Mkdir(awsDir, 0o700); err != nil {
		t.Fatal(err)
	}
	configFile, credsFile := filepath.Join(awsDir, "config"), filepath.Join(awsDir, "credentials")
	conf := "[profile fake]\nregion = us-east-1\nendpoint_url = " + srv.URL + "\n\n" +
		"[profile entra]\nregion = us-east-1\nendpoint_url = " + srv.URL + "\n" +
		"credential_process = " + samlawsBin(t) + " credential-process --assertion " + resp + " --role " + admin + " --endpoint-url " + srv.URL + "\n"
	if err := os.WriteFile(configFile, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(credsFile, []byte("[fake]\naws_access_key_id = "+acct.AccessKeyID+"\naws_secret_access_key = "+acct.SecretAccessKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// No AWS_* keys, region or endpoint in the environment: only the files.
	env := []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER="}
	runBin := func(extra []string, args ...string) cliResult {
		t.Helper()
		cmd := exec.Command(samlawsBin(t), args...)
		cmd.Env, cmd.Dir = append(append([]string{}, env...), extra...), home
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return cliResult{code: code, stdout: out.String(), stderr: errb.String()}
	}
	discovers := func(r cliResult, what string) {
		t.Helper()
		wantCode(t, r, 0, what)
		var d discovered
		if err := json.Unmarshal([]byte(r.stdout), &d); err != nil || d.Account != acct.ID || len(d.Importable) != 1 || !strings.HasPrefix(d.Importable[0], admin+",") {
			t.Errorf("%s: %+v (%v)\n%s", what, d, err, r.stdout)
		}
	}

	// --profile and AWS_PROFILE: keys from the credentials file, endpoint
	// and region from the config file.
	discovers(runBin(nil, "roles", "discover", "--profile", "fake", "--json"), "--profile fake")
	discovers(runBin([]string{"AWS_PROFILE=fake"}, "roles", "discover", "--json"), "AWS_PROFILE=fake")
	r := runBin(nil, "roles", "discover", "--profile", "nosuch")
	if r.code != 2 || !strings.Contains(r.stderr, "--profile") {
		t.Errorf("an unknown profile: exit %d, stderr %q; want 2 naming --profile", r.code, r.stderr)
	}

	// credential_process, read by aws-sdk-go-v2 (processcreds).
	cfg, err := config.LoadDefaultConfig(ctx, config.WithSharedConfigFiles([]string{configFile}), config.WithSharedCredentialsFiles([]string{credsFile}), config.WithSharedConfigProfile("entra"))
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(cctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != wantARN {
		t.Fatalf("GetCallerIdentity through credential_process: %v, %v", id, err)
	}
	// by samlaws itself: the role's session lists the account's roles.
	discovers(runBin(nil, "roles", "discover", "--profile", "entra", "--json"), "--profile entra (credential_process)")
	// and by the AWS CLI.
	cli := requireAWSCLI(t)
	cmd := exec.Command(cli, "sts", "get-caller-identity", "--profile", "entra", "--output", "json")
	cmd.Env = env
	out, err := cmd.Output()
	var who struct{ Arn string }
	if err != nil || json.Unmarshal(out, &who) != nil || who.Arn != wantARN {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Errorf("aws sts get-caller-identity --profile entra: %q, %v %s", out, err, stderr)
	}
}

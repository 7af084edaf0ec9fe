package samlcreds_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/processcreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awsrole/samlcreds"
	"github.com/samlaws/samlaws/internal/samltesthelp"
	"github.com/samlaws/samlaws/saml/samltest"
)

func TestCredentialProcessJSON(t *testing.T) {
	t.Parallel()
	exp := time.Date(2027, 6, 1, 12, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	for _, c := range []struct {
		name  string
		creds aws.Credentials
		want  string
	}{
		{"session", aws.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "s/e+c=r\"e<t", SessionToken: "tok", CanExpire: true, Expires: exp.Add(999 * time.Millisecond), AccountID: "123456789012"},
			`{"Version":1,"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"s/e+c=r\"e\u003ct","SessionToken":"tok","Expiration":"2027-06-01T10:00:00Z","AccountId":"123456789012"}` + "\n"},
		{"long-term keys", aws.Credentials{AccessKeyID: "AKIAEXAMPLE", SecretAccessKey: "secret"},
			`{"Version":1,"AccessKeyId":"AKIAEXAMPLE","SecretAccessKey":"secret"}` + "\n"},
	} {
		got, err := samlcreds.CredentialProcessJSON(c.creds)
		if err != nil || string(got) != c.want {
			t.Errorf("%s:\n got %s (%v)\nwant %s", c.name, got, err, c.want)
		}
	}
	for _, bad := range []aws.Credentials{
		{SecretAccessKey: "hunter2-secret"},
		{AccessKeyID: "ASIAEXAMPLE"},
		{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "hunter2-secret", CanExpire: true},
	} {
		out, err := samlcreds.CredentialProcessJSON(bad)
		if !errors.Is(err, samlcreds.ErrInvalidConfig) || out != nil {
			t.Errorf("%+v: %s, %v; want ErrInvalidConfig", bad.AccessKeyID, out, err)
		} else if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("the error quotes the secret: %v", err)
		}
	}
}

// TestCredentialProcessJSONReadBySDKs signs in through awstest's STS, writes
// the credentials with CredentialProcessJSON, and has software nobody here
// wrote run it as a credential_process: aws-sdk-go-v2's processcreds provider
// and botocore (boto3). Both must read back exactly the credentials and
// expiry STS issued, and the SDK's credentials must sign a request awstest
// accepts as the assumed role.
func TestCredentialProcessJSONReadBySDKs(t *testing.T) {
	t.Parallel()
	issued := time.Date(2027, 6, 1, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { return issued }
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return issued }})
	srv := awstestSTS(t, idp, now)
	role, err := awsrole.ParseRole("arn:aws:iam::123456789012:role/EntraAdmin,arn:aws:iam::123456789012:saml-provider/EntraID")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	res, err := samlcreds.AssumeRoleWithSAML(ctx, sts.NewFromConfig(srv.AWSConfig("")), role, []byte(samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{}).Base64()), samlcreds.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := samlcreds.CredentialProcessJSON(res.Credentials)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "creds.json")
	if err := os.WriteFile(file, out, 0o600); err != nil {
		t.Fatal(err)
	}
	// The command a profile's credential_process would name; it prints the
	// bytes CredentialProcessJSON returned, unchanged.
	command := "cat '" + file + "'"
	want := res.Credentials

	t.Run("aws-sdk-go-v2 processcreds", func(t *testing.T) {
		got, err := processcreds.NewProvider(command).Retrieve(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got.AccessKeyID != want.AccessKeyID || got.SecretAccessKey != want.SecretAccessKey || got.SessionToken != want.SessionToken ||
			!got.CanExpire || !got.Expires.Equal(want.Expires) || got.AccountID != "123456789012" {
			t.Fatalf("processcreds read key %s expires %v (can expire %v) account %q; want key %s expires %v account 123456789012",
				got.AccessKeyID, got.Expires, got.CanExpire, got.AccountID, want.AccessKeyID, want.Expires)
		}
		// The credentials, as the SDK read them, sign requests as the role.
		// (aws.CredentialsCache judges expiry by the wall clock, but returns
		// what the provider gives even when it looks expired, and awstest
		// judges the session by its own clock: no date dependence.)
		cfg := srv.AWSConfig("")
		cfg.Credentials = aws.NewCredentialsCache(processcreds.NewProvider(command))
		id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatal(err)
		}
		if arn := aws.ToString(id.Arn); arn != res.AssumedRoleARN {
			t.Fatalf("GetCallerIdentity with the processcreds credentials = %s, want %s", arn, res.AssumedRoleARN)
		}
	})

	t.Run("botocore", func(t *testing.T) {
		py := requireBoto3(t)
		config := filepath.Join(dir, "config")
		if err := os.WriteFile(config, []byte("[profile entra]\ncredential_process = "+command+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		// botocore refreshes credentials it judges expired by the wall clock
		// (no clock can be injected), so the driver reads what its
		// ProcessProvider parsed without asking for a refresh: the fields of
		// the RefreshableCredentials that load() returns.
		cmd := exec.Command(py, "-c", `
import json, boto3
from botocore.credentials import ProcessProvider
s = boto3.Session(profile_name="entra")
c = ProcessProvider("entra", lambda: s._session.full_config).load()
print(json.dumps({"method": c.method, "AccessKeyId": c._access_key, "SecretAccessKey": c._secret_key,
                  "SessionToken": c._token, "Expiration": c._expiry_time.strftime("%Y-%m-%dT%H:%M:%SZ")}))
`)
		cmd.Env = append(os.Environ(), "AWS_CONFIG_FILE="+config, "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "none"),
			"AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=", "AWS_SESSION_TOKEN=", "AWS_PROFILE=")
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("boto3: %v\n%s", err, b)
		}
		var got struct{ Method, AccessKeyId, SecretAccessKey, SessionToken, Expiration string }
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("boto3 printed %q: %v", b, err)
		}
		if got.Method != "custom-process" || got.AccessKeyId != want.AccessKeyID || got.SecretAccessKey != want.SecretAccessKey ||
			got.SessionToken != want.SessionToken || got.Expiration != want.Expires.UTC().Format(time.RFC3339) {
			t.Fatalf("botocore read method %s key %s expiry %s; want custom-process, key %s, expiry %s",
				got.Method, got.AccessKeyId, got.Expiration, want.AccessKeyID, want.Expires.UTC().Format(time.RFC3339))
		}
	})
}

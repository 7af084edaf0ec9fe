package samlcreds_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"os/exec"
	"testing"
	"time"

	smithy "github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
)

// boto3Driver calls AssumeRoleWithSAML with botocore (an independent AWS client,
// installed by .ci/run as python3-boto3) and prints what botocore parsed.
const boto3Driver = `
import json, sys
import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

def call(inp):
    c = boto3.client("sts", region_name="us-east-1", endpoint_url=inp["url"],
                     config=Config(signature_version=UNSIGNED, retries={"total_max_attempts": 1}))
    kw = dict(RoleArn=inp["role"], PrincipalArn=inp["provider"], SAMLAssertion=inp["assertion"])
    if inp.get("duration"):
        kw["DurationSeconds"] = inp["duration"]
    try:
        r = c.assume_role_with_saml(**kw)
    except ClientError as e:
        return {"code": e.response["Error"]["Code"], "message": e.response["Error"].get("Message", "")}
    cr = r["Credentials"]
    return {
        "AccessKeyID": cr["AccessKeyId"], "SecretAccessKey": cr["SecretAccessKey"], "SessionToken": cr["SessionToken"],
        "Expires": cr["Expiration"].strftime("%Y-%m-%dT%H:%M:%SZ"),
        "AssumedRoleARN": r["AssumedRoleUser"]["Arn"], "AssumedRoleID": r["AssumedRoleUser"]["AssumedRoleId"],
        "Subject": r.get("Subject", ""), "SubjectType": r.get("SubjectType", ""), "Issuer": r.get("Issuer", ""),
        "Audience": r.get("Audience", ""), "NameQualifier": r.get("NameQualifier", ""),
        "PackedPolicySize": r.get("PackedPolicySize", 0), "RequestID": r["ResponseMetadata"].get("RequestId", ""),
    }

json.dump([call(i) for i in json.load(sys.stdin)], sys.stdout)
`

type boto3Out struct {
	Code, Message                                       string
	AccessKeyID, SecretAccessKey, SessionToken, Expires string
	AssumedRoleARN, AssumedRoleID, Subject, SubjectType string
	Issuer, Audience, NameQualifier, RequestID          string
	PackedPolicySize                                    int
}

func requireBoto3(t *testing.T) string {
	t.Helper()
	py := os.Getenv("SAMLAWS_PEERS_PYTHON")
	if py == "" {
		py = "/usr/bin/python3"
	}
	err := exec.Command(py, "-c", "import boto3").Run()
	if err == nil {
		return py
	}
	msg := "boto3 peer unavailable (" + py + " -c 'import boto3': " + err.Error() + "; install: apt-get install -y python3-boto3)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (CI=true: .ci/run installs it)")
	}
	t.Skip("skipping: " + msg)
	return ""
}

type boto3Call struct {
	URL string
	In  assumeInput
}

// runBoto3 makes every call in one Python process (importing boto3 takes a
// good part of a second).
func runBoto3(t *testing.T, py string, calls []boto3Call) []boto3Out {
	t.Helper()
	var in []map[string]any
	for _, c := range calls {
		in = append(in, map[string]any{
			"url": c.URL, "role": c.In.Role.RoleARN.String(), "provider": c.In.Role.ProviderARN.String(),
			"assertion": string(c.In.SAMLAssertion), "duration": c.In.DurationSeconds,
		})
	}
	body, _ := json.Marshal(in)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, "-c", boto3Driver)
	cmd.Env = append(os.Environ(), "AWS_EC2_METADATA_DISABLED=true", "AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null", "NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost")
	cmd.Stdin = bytes.NewReader(body)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("boto3 driver: %v\n%s", err, stderr.String())
	}
	var out []boto3Out
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil || len(out) != len(calls) {
		t.Fatalf("boto3 driver output %q: %v", stdout.String(), err)
	}
	return out
}

// TestAssumeRoleWithSAMLMatchesBoto3 holds the in-test STS and this package to
// an independent client: botocore must send the same form (B4.1) as the Go SDK
// does through AssumeRoleWithSAML, parse the same answer (B4.2), and see the
// same error codes (B4.3, B4.4, A4.2). This checks that the fake speaks the
// protocol real clients speak, so the other tests mean what they say.
func TestAssumeRoleWithSAMLMatchesBoto3(t *testing.T) {
	t.Parallel()
	py := requireBoto3(t)
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	in := assumeInput{Role: testRole(t), SAMLAssertion: testAssertion(0), DurationSeconds: 900}

	faults := []struct {
		name     string
		fault    *stsFault
		duration int
	}{
		{name: "A4.4 ExpiredTokenException", fault: &stsFault{400, "Sender", "ExpiredTokenException", "Token must be redeemed within 5 minutes of issuance"}},
		{name: "B4.3 InvalidIdentityToken", fault: &stsFault{400, "Sender", "InvalidIdentityToken", "Response signature invalid"}},
		{name: "B4.3 IDPRejectedClaim", fault: &stsFault{403, "Sender", "IDPRejectedClaim", "Claim rejected"}},
		{name: "B4.3 PackedPolicyTooLarge", fault: &stsFault{400, "Sender", "PackedPolicyTooLarge", "Serialized token too large for session"}},
		{name: "B4.3 RegionDisabledException", fault: &stsFault{403, "Sender", "RegionDisabledException", "STS is not activated"}},
		{name: "B4.4 AccessDenied", fault: &stsFault{403, "Sender", "AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML"}},
		{name: "A4.2 ValidationError", duration: 7200},
	}

	// Go side first.
	goFake := &fakeSTS{Now: func() time.Time { return now }}
	res, err := assume(context.Background(), newFakeSTSServer(t, goFake), in)
	if err != nil {
		t.Fatal(err)
	}
	goErrs := make([]smithy.APIError, len(faults))
	for i, tt := range faults {
		fin := in
		fin.DurationSeconds = tt.duration
		_, err := assume(context.Background(), newFakeSTSServer(t, &fakeSTS{Fault: tt.fault}), fin)
		if !errors.As(err, &goErrs[i]) {
			t.Fatalf("%s: Go: %v is not an API error", tt.name, err)
		}
	}

	// Then botocore, against fresh fakes, in one process.
	pyFake := &fakeSTS{Now: func() time.Time { return now }}
	srv := httptest.NewServer(pyFake)
	defer srv.Close()
	calls := []boto3Call{{srv.URL, in}}
	for _, tt := range faults {
		fsrv := httptest.NewServer(&fakeSTS{Fault: tt.fault})
		defer fsrv.Close()
		fin := in
		fin.DurationSeconds = tt.duration
		calls = append(calls, boto3Call{fsrv.URL, fin})
	}
	outs := runBoto3(t, py, calls)

	t.Run("B4.1 B4.2 request and answer", func(t *testing.T) {
		got := outs[0]
		if got.Code != "" {
			t.Fatalf("boto3 got error %s: %s", got.Code, got.Message)
		}
		if len(goFake.Requests()) != 1 || len(pyFake.Requests()) != 1 {
			t.Fatalf("requests: Go %d, boto3 %d", len(goFake.Requests()), len(pyFake.Requests()))
		}
		if diff := cmp.Diff(pyFake.Requests()[0].Form, goFake.Requests()[0].Form); diff != "" {
			t.Errorf("form (-boto3 +Go):\n%s", diff)
		}
		want := boto3Out{
			AccessKeyID: res.Credentials.AccessKeyID, SecretAccessKey: res.Credentials.SecretAccessKey,
			SessionToken: res.Credentials.SessionToken, Expires: res.Credentials.Expires.UTC().Format(time.RFC3339),
			AssumedRoleARN: res.AssumedRoleARN, AssumedRoleID: res.AssumedRoleID, Subject: res.Subject,
			SubjectType: res.SubjectType, Issuer: res.Issuer, Audience: res.Audience,
			NameQualifier: res.NameQualifier, RequestID: res.RequestID, PackedPolicySize: res.PackedPolicySize,
		}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("parsed answer (-boto3 +Go):\n%s", diff)
		}
	})
	for i, tt := range faults {
		t.Run(tt.name, func(t *testing.T) {
			got, goErr := outs[i+1], goErrs[i]
			if got.Code == "" || got.Code != goErr.ErrorCode() || got.Message != goErr.ErrorMessage() {
				t.Errorf("boto3 %s %q, Go %s %q", got.Code, got.Message, goErr.ErrorCode(), goErr.ErrorMessage())
			}
		})
	}
}

package awstest_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/samlaws/samlaws/federation"
)

// FuzzServer sends arbitrary signed IAM and STS query requests to a server
// holding a provider and roles: whatever the parameters, the answer is a
// well-formed XML document with a 2xx/4xx status, never a panic or a 500
// (issue 10: bad requests get what AWS answers).
func FuzzServer(f *testing.F) {
	for _, seed := range []struct {
		sts           bool
		action, extra string
	}{
		{false, "CreateSAMLProvider", "Name=X&SAMLMetadataDocument=%3Cx%2F%3E"},
		{false, "UpdateSAMLProvider", "SAMLProviderArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Asaml-provider%2FEntraID&AddPrivateKey=-----BEGIN"},
		{false, "CreateRole", "RoleName=R&AssumeRolePolicyDocument=%7B%7D&Tags.member.1.Key=aws%3Ax"},
		{false, "ListRoles", "MaxItems=0&Marker=awstest-99"},
		{false, "TagRole", "RoleName=EntraAdmin&Tags.member.1.Value=v"},
		{false, "UpdateAssumeRolePolicy", "RoleName=EntraAdmin&PolicyDocument=%7B%22Statement%22%3A%5B%5D%7D"},
		{true, "AssumeRoleWithSAML", "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FEntraAdmin&PrincipalArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Asaml-provider%2FEntraID&SAMLAssertion=PHg%2B&DurationSeconds=99999999999"},
		{true, "AssumeRoleWithSAML", "PolicyArns.member.1.arn=x&Policy=%00"},
		{true, "GetCallerIdentity", ""},
	} {
		f.Add(seed.sts, seed.action, seed.extra)
	}
	w := newWorld(f, federation.TrustPolicyOptions{})
	acct, _ := w.srv.Account("")
	signer := v4.NewSigner()
	creds := aws.Credentials{AccessKeyID: acct.AccessKeyID, SecretAccessKey: acct.SecretAccessKey}
	f.Fuzz(func(t *testing.T, isSTS bool, action, extra string) {
		version, service := "2010-05-08", "iam"
		if isSTS {
			version, service = "2011-06-15", "sts"
		}
		body := "Action=" + action + "&Version=" + version + "&" + extra
		req := httptest.NewRequest(http.MethodPost, "http://awstest.local/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		sum := sha256.Sum256([]byte(body))
		if err := signer.SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()); err != nil {
			t.Skip(err)
		}
		rec := httptest.NewRecorder()
		w.srv.ServeHTTP(rec, req)
		if rec.Code >= 500 || rec.Code < 200 {
			t.Fatalf("HTTP %d for %q: %s", rec.Code, body, rec.Body)
		}
		dec := xml.NewDecoder(bytes.NewReader(rec.Body.Bytes()))
		for {
			_, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("answer is not well-formed XML (%v): %s", err, rec.Body)
			}
		}
		if rec.Code >= 300 && !strings.Contains(rec.Body.String(), "<ErrorResponse") {
			t.Fatalf("HTTP %d without an ErrorResponse: %s", rec.Code, rec.Body)
		}
		// The request is signed correctly, so it reaches the operation.
		if strings.Contains(rec.Body.String(), "<Code>SignatureDoesNotMatch</Code>") {
			t.Fatalf("signed request refused: %s", rec.Body)
		}
	})
}

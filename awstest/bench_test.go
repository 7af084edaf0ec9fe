package awstest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/samltesthelp"
	"github.com/samlaws/samlaws/saml"
	"github.com/samlaws/samlaws/saml/samltest"
)

// cannedAssume is a fixed AssumeRoleWithSAML answer, for the loopback floor.
const cannedAssume = `<AssumeRoleWithSAMLResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithSAMLResult>` +
	`<Credentials><AccessKeyId>ASIAAAAAAAAAAAAAAAAA</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken>` +
	`<Expiration>2026-03-14T10:26:53Z</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROAAAAAAAAAAAAAAAAAA:x</AssumedRoleId>` +
	`<Arn>arn:aws:sts::123456789012:assumed-role/EntraAdmin/x</Arn></AssumedRoleUser></AssumeRoleWithSAMLResult>` +
	`<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleWithSAMLResponse>`

// BenchmarkAssumeRoleWithSAML measures, interleaved in one loop so that
// machine load hits all three alike, per call:
//
//   - verify: saml.Verifier.Verify alone, configured as awstest configures
//     it for a provider (AWS-compatible, no replay check);
//
//   - loopback: the same SDK AssumeRoleWithSAML call against an httptest
//     server that answers a canned response without reading the assertion
//     (the SDK's serialization and one loopback round trip);
//
//   - awstest: the SDK call against awstest, which verifies and answers.
//
//   - handler: awstest's ServeHTTP called in-process with the same form (no
//     SDK, no socket): the fake's own cost, the least noisy figure.
//
// It reports each as ns/op-like metrics, "ratio" = awstest / (2 x verify +
// loopback), whose target is < 1 (issue 10), and "handler/verify".
func BenchmarkAssumeRoleWithSAML(b *testing.B) {
	w := newWorld(b, federation.TrustPolicyOptions{})
	idp := w.idp
	cfg := w.srv.AWSConfig("")
	cfg.RetryMaxAttempts = 1
	real := sts.NewFromConfig(cfg)

	canned := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "text/xml")
		_, _ = w.Write([]byte(cannedAssume))
	}))
	b.Cleanup(canned.Close)
	ccfg := cfg.Copy()
	ccfg.BaseEndpoint = aws.String(canned.URL)
	floor := sts.NewFromConfig(ccfg)

	vcfg := idp.VerifierConfig()
	vcfg.AWSCompatible, vcfg.SkipReplayCheck = true, true
	v, err := saml.NewVerifier(vcfg)
	if err != nil {
		b.Fatal(err)
	}
	assertion := samltesthelp.MustMint(b, idp, samltest.DefaultUser(), samltest.ResponseOptions{}).Base64()
	in := &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String(adminRole), PrincipalArn: aws.String(providerARN), SAMLAssertion: aws.String(assertion)}
	ctx := context.Background()
	if _, err := real.AssumeRoleWithSAML(ctx, in); err != nil {
		b.Fatal(err)
	}
	form := url.Values{"Action": {"AssumeRoleWithSAML"}, "Version": {"2011-06-15"}, "RoleArn": {adminRole},
		"PrincipalArn": {providerARN}, "SAMLAssertion": {assertion}}.Encode()
	var tv, tl, ta, th time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		th0 := time.Now()
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		w.srv.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("in-process AssumeRoleWithSAML: %d %s", rec.Code, rec.Body)
		}
		th += time.Since(th0)
		t0 := time.Now()
		if _, err := v.Verify(ctx, []byte(assertion)); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := floor.AssumeRoleWithSAML(ctx, in); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		if _, err := real.AssumeRoleWithSAML(ctx, in); err != nil {
			b.Fatal(err)
		}
		t3 := time.Now()
		tv, tl, ta = tv+t1.Sub(t0), tl+t2.Sub(t1), ta+t3.Sub(t2)
	}
	n := float64(b.N)
	b.ReportMetric(float64(tv.Nanoseconds())/n, "verify-ns/op")
	b.ReportMetric(float64(tl.Nanoseconds())/n, "loopback-ns/op")
	b.ReportMetric(float64(ta.Nanoseconds())/n, "awstest-ns/op")
	b.ReportMetric(float64(th.Nanoseconds())/n, "handler-ns/op")
	b.ReportMetric(float64(ta)/float64(2*tv+tl), "ratio")
	b.ReportMetric(float64(th)/float64(tv), "handler/verify")
}

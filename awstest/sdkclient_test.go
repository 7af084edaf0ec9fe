package awstest_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/samlaws/samlaws/awstest"
	"github.com/samlaws/samlaws/internal/awstesthelp"
	"github.com/samlaws/samlaws/saml/samltest"
)

// recordingClient keeps the request it is asked to send.
type recordingClient struct{ got *http.Request }

func (c *recordingClient) Do(req *http.Request) (*http.Response, error) {
	c.got = req
	return nil, errors.New("not sent")
}

// TestHTTPClientBodyAfterClose holds the step HTTPClient changes: net/http
// copies what is left of a request body to io.Discard after Content-Length
// bytes, and the SDK may have closed the body by then. Through HTTPClient
// that copy must end cleanly (nil error), not with the io.EOF that makes the
// Transport close the connection under a response still being read.
func TestHTTPClientBodyAfterClose(t *testing.T) {
	sr, err := smithyhttp.NewStackRequest().(*smithyhttp.Request).SetStream(bytes.NewReader([]byte("Action=GetSAMLProvider&Version=2010-05-08")))
	if err != nil {
		t.Fatal(err)
	}
	sr.URL = &url.URL{Scheme: "http", Host: "127.0.0.1:9"}
	built := sr.Build(context.Background()) // the body as smithy-go hands it to the HTTP client

	rec := &recordingClient{}
	_, _ = awstest.HTTPClient(rec).Do(built)
	if rec.got == nil || rec.got.Body == nil {
		t.Fatal("HTTPClient did not pass the request and its body on")
	}
	if _, ok := rec.got.Body.(io.WriterTo); ok {
		t.Fatalf("the body sent (%T) still implements io.WriterTo", rec.got.Body)
	}
	if err := built.Body.Close(); err != nil { // what smithy-go's ClientHandler does when Do returns
		t.Fatal(err)
	}
	if n, err := io.Copy(io.Discard, rec.got.Body); n != 0 || err != nil {
		t.Errorf("copying the closed body through HTTPClient: n=%d err=%v, want 0 <nil>", n, err)
	}
	// The SDK's own body, for the record: when this stops answering
	// io.EOF, smithy-go has fixed the race and HTTPClient may go.
	if _, err := io.Copy(io.Discard, built.Body); err != nil {
		t.Logf("smithy-go's closed request body still fails io.Copy with %v (the race HTTPClient avoids)", err)
	}
}

// TestSDKCallsOneAttempt makes many calls through AWSConfig with one attempt
// each, the setting the package's tests use to count calls exactly. Without
// HTTPClient about one run of this test in six failed with "use of closed
// network connection" on a 200 response (see HTTPClient).
func TestSDKCallsOneAttempt(t *testing.T) {
	srv := awstesthelp.NewServer(t, awstest.Config{Now: func() time.Time { return testNow }})
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return testNow }})
	cfg := srv.AWSConfig("")
	cfg.RetryMaxAttempts = 1
	c := iam.NewFromConfig(cfg)
	ctx := context.Background()
	md := aws.String(string(idp.Metadata()))
	out, err := c.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("EntraID"), SAMLMetadataDocument: md})
	if err != nil {
		t.Fatal(err)
	}
	const n = 150
	for i := 0; i < n; i++ {
		if _, err := c.UpdateSAMLProvider(ctx, &iam.UpdateSAMLProviderInput{SAMLProviderArn: out.SAMLProviderArn, SAMLMetadataDocument: md}); err != nil {
			t.Fatalf("UpdateSAMLProvider %d: %v", i, err)
		}
		if _, err := c.GetSAMLProvider(ctx, &iam.GetSAMLProviderInput{SAMLProviderArn: out.SAMLProviderArn}); err != nil {
			t.Fatalf("GetSAMLProvider %d: %v", i, err)
		}
	}
	if got := len(srv.Calls()); got != 1+2*n {
		t.Errorf("server saw %d calls, want %d (one attempt each)", got, 1+2*n)
	}
}

package awstest

import (
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// HTTPClient returns an aws.HTTPClient for the SDK's iam and sts clients that
// avoids a client-side race of aws-sdk-go-v2 with net/http which otherwise
// makes about one call in several hundred fail against a fast local server
// (this one, moto_server, an httptest server) with
//
//	https response error StatusCode: 200, ..., deserialization failed,
//	read tcp 127.0.0.1:A->127.0.0.1:B: use of closed network connection
//
// next is the client to send with; nil means the SDK's default
// (awshttp.NewBuildableClient). AWSConfig sets it; a test that builds its own
// aws.Config or sts.Options for a local server should set HTTPClient to it.
//
// The race, as traced with a logging net.Conn (the client's own writeLoop
// closes the connection; no RST or FIN from the server is involved):
//
//  1. net/http's Transport writes the request body and, after the
//     Content-Length bytes, copies the rest of the body to io.Discard to
//     check that there is nothing more. The server already has the whole
//     request and may have answered.
//  2. smithy-go's ClientHandler closes the request body as soon as
//     Client.Do returns, i.e. possibly between the body bytes and that
//     check. Its body (safeReadCloser) then answers WriteTo with
//     (0, io.EOF); io.Copy passes an error from WriteTo on unchanged, so
//     the Transport takes io.EOF for a failed write and closes the
//     connection (persistConn.writeLoop -> pc.close).
//  3. That close lands while the SDK is still reading the 200 response
//     body: "use of closed network connection". aws-sdk-go-v2's retryer
//     counts it as retryable (aws/retry, citing aws/aws-sdk-go-v2#2737),
//     so with RetryMaxAttempts = 1 the call fails.
//
// The client hides WriteTo from the request body, so the Transport's check
// uses Read, which answers (0, io.EOF) after Close: the end of the body, not
// an error. Nothing else changes: a body shorter than its Content-Length
// still fails the request, and tests keep their exact attempt counts, which
// a retryer would blur (a retried CreateSAMLProvider would meet its own
// EntityAlreadyExists).
func HTTPClient(next aws.HTTPClient) aws.HTTPClient {
	if next == nil {
		next = awshttp.NewBuildableClient()
	}
	return readOnlyBodyClient{next}
}

type readOnlyBodyClient struct{ next aws.HTTPClient }

// Do sends req with its body behind readOnlyBody.
func (c readOnlyBodyClient) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody {
		r := req.Clone(req.Context())
		r.Body = readOnlyBody{req.Body}
		req = r
	}
	return c.next.Do(req)
}

// readOnlyBody is an io.ReadCloser and nothing else (no io.WriterTo).
type readOnlyBody struct{ rc io.ReadCloser }

func (b readOnlyBody) Read(p []byte) (int, error) { return b.rc.Read(p) }
func (b readOnlyBody) Close() error               { return b.rc.Close() }

package awserr

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/smithy-go"
)

// answered is an SDK-like error chain carrying an HTTP status and a request
// ID around a smithy.APIError.
type answered struct {
	status int
	id     string
	err    error
}

func (a *answered) Error() string {
	return fmt.Sprintf("https response error StatusCode: %d: %v", a.status, a.err)
}
func (a *answered) Unwrap() error            { return a.err }
func (a *answered) HTTPStatusCode() int      { return a.status }
func (a *answered) ServiceRequestID() string { return a.id }

// TestRemote: the service's answer is read from the SDK error chain, a
// transport failure's text lands in Message (bounded), and the category and
// the SDK error stay reachable.
func TestRemote(t *testing.T) {
	kind := errors.New("kind")
	api := &smithy.GenericAPIError{Code: "AccessDenied", Message: "no"}
	e := Remote("iamsaml", kind, "ListRoles", &answered{status: 403, id: "r1", err: api})
	if got, want := e.Error(), "iamsaml: ListRoles: AccessDenied: no (HTTP 403, request r1)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var ae smithy.APIError
	if !errors.Is(e, kind) || !errors.As(e, &ae) || ae.ErrorCode() != "AccessDenied" {
		t.Errorf("errors.Is(kind) or errors.As(smithy.APIError) fails on %v", e)
	}

	cause := fmt.Errorf("operation error IAM: ListRoles: %w", context.DeadlineExceeded)
	e = Remote("iamsaml", kind, "ListRoles", cause)
	if e.StatusCode != 0 || e.Code != "" || e.Message != cause.Error() || !errors.Is(e, context.DeadlineExceeded) {
		t.Errorf("transport failure: %+v", e)
	}
	long := errors.New(strings.Repeat("x", 2*MaxMessage))
	if e := Remote("p", kind, "Op", long); len(e.Message) != MaxMessage+len("...") {
		t.Errorf("Message not bounded: %d bytes", len(e.Message))
	}
	if got := Clip("héllo", 2); got != "h..." {
		t.Errorf("Clip = %q", got)
	}
}

// TestWithhold: an error text that repeats any 31 bytes of the secret loses
// its Code and Message; one that does not is left alone.
func TestWithhold(t *testing.T) {
	secret := []byte("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n")
	for i := 0; i+31 <= len(secret); i += 7 {
		e := Remote("iamsaml", errors.New("kind"), "UpdateSAMLProvider", &smithy.GenericAPIError{Code: "InvalidInput", Message: "bad key " + string(secret[i:i+31])})
		Withhold(e, secret, "private key")
		if e.Code != "" || strings.Contains(e.Error(), string(secret[i:i+31])) || !strings.Contains(e.Message, "private key") {
			t.Fatalf("echo at %d not withheld: %q", i, e.Error())
		}
	}
	e := Remote("iamsaml", errors.New("kind"), "UpdateSAMLProvider", &smithy.GenericAPIError{Code: "InvalidInput", Message: "the key is malformed"})
	Withhold(e, secret, "private key")
	if e.Code != "InvalidInput" || e.Message != "the key is malformed" {
		t.Errorf("an error that does not echo the secret was changed: %+v", e)
	}
}

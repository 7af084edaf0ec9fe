// Package awserr builds the *awsrole.RemoteError of a failed AWS SDK call
// (HTTP status, error code and message, request ID) for awsrole/samlcreds
// and awsrole/iamsaml (docs/design.md, Conventions). It reads smithy's
// error interfaces, which is why it is not part of the pure awsrole package.
package awserr

import (
	"errors"
	"strings"

	"github.com/aws/smithy-go"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/internal/textclip"
)

// MaxMessage bounds the service message (or transport error text) a
// RemoteError repeats.
const MaxMessage = 300

// Remote describes err, the error of the SDK call op made by package pkg, as
// an *awsrole.RemoteError of category kind: the service's answer as far as
// err carries it, or, when no answer arrived (timeout, cancellation, DNS
// failure), the bounded text of err in Message. The caller may add a Rule and
// a Hint, or withhold Code and Message.
func Remote(pkg string, kind error, op string, err error) *awsrole.RemoteError {
	e := &awsrole.RemoteError{Kind: kind, Op: op, Err: err, Package: pkg}
	var status interface{ HTTPStatusCode() int }
	if errors.As(err, &status) {
		e.StatusCode = status.HTTPStatusCode()
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		e.Code = Clip(api.ErrorCode(), 128)
		e.Message = Clip(api.ErrorMessage(), MaxMessage)
	} else if err != nil {
		e.Message = Clip(err.Error(), MaxMessage)
	}
	var rid interface{ ServiceRequestID() string }
	if errors.As(err, &rid) {
		e.RequestID = Clip(rid.ServiceRequestID(), 128)
	}
	return e
}

// Withhold clears e's Code and Message when either repeats a recognisable
// part of secret, a value of the request (an assertion, a private key) that a
// hostile or broken endpoint may echo; what names it in the Message left
// instead. Err, which errors.As still reaches, is never printed.
func Withhold(e *awsrole.RemoteError, secret []byte, what string) {
	if repeats(e.Message, secret) || repeats(e.Code, secret) {
		e.Code, e.Message = "", "the error text repeated the "+what+" and was withheld"
	}
}

// repeats reports whether text contains secret or one of its 16-byte pieces
// at a multiple of 16 (so any echo of 31 bytes or more is caught).
func repeats(text string, secret []byte) bool {
	const probe = 16
	if len(secret) < probe {
		return len(secret) > 0 && strings.Contains(text, string(secret))
	}
	for off := 0; off+probe <= len(secret); off += probe {
		if strings.Contains(text, string(secret[off:off+probe])) {
			return true
		}
	}
	return false
}

// Clip cuts s to at most n bytes on a rune boundary, marking a cut with "...".
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return textclip.Prefix(s, n) + "..."
}

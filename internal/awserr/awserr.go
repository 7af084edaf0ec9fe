// Package awserr builds the *awsrole.RemoteError of a failed AWS SDK call
// (HTTP status, error code and message, request ID) for awsrole/samlcreds
// and awsrole/iamsaml (docs/design.md, Conventions). It reads smithy's
// error interfaces, which is why it is not part of the pure awsrole package.
package awserr

import (
	"errors"
	"unicode/utf8"

	"github.com/aws/smithy-go"

	"github.com/samlaws/samlaws/awsrole"
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

// Clip cuts s to at most n bytes on a rune boundary, marking a cut with "...".
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

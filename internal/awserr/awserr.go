// Package awserr reads what an AWS SDK error says about the service's answer
// (HTTP status, error code and message, request ID), for the RemoteError types
// of awsrole/samlcreds and awsrole/iamsaml (docs/design.md, Conventions).
package awserr

import (
	"errors"
	"unicode/utf8"

	"github.com/aws/smithy-go"
)

// maxMessage bounds the service message a RemoteError repeats.
const maxMessage = 300

// Answer is what the service answered, as far as err carries it. Fields are
// zero when no answer arrived (timeout, cancellation, DNS failure).
type Answer struct {
	StatusCode int
	Code       string
	Message    string
	RequestID  string
}

// Describe extracts the service's answer from an SDK error chain.
func Describe(err error) Answer {
	var a Answer
	var status interface{ HTTPStatusCode() int }
	if errors.As(err, &status) {
		a.StatusCode = status.HTTPStatusCode()
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		a.Code = api.ErrorCode()
		a.Message = Clip(api.ErrorMessage(), maxMessage)
	}
	var rid interface{ ServiceRequestID() string }
	if errors.As(err, &rid) {
		a.RequestID = Clip(rid.ServiceRequestID(), 128)
	}
	return a
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

// Package awserr reads what an AWS SDK error says about the service's answer
// (HTTP status, error code and message, request ID), for the RemoteError types
// of awsrole/samlcreds and awsrole/iamsaml (docs/design.md, Conventions).
package awserr

import (
	"errors"
	"strconv"
	"strings"
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

// Local formats the Error string of a package's own error in the module's one
// shape: "<pkg>: <reason> (rule <rule>)[: <cause>]", empty parts left out.
// prefix is "<pkg>: ".
func Local(prefix, reason, rule string, cause error) string {
	var b strings.Builder
	b.WriteString(prefix)
	b.WriteString(reason)
	if rule != "" {
		b.WriteString(" (rule " + rule + ")")
	}
	if cause != nil {
		b.WriteString(": " + cause.Error())
	}
	return b.String()
}

// Remote formats the head of a RemoteError string:
// "<pkg>: <op>: <code>: <message> (HTTP <status>, request <id>)", empty parts
// left out. The caller appends what its RemoteError adds (a cause, a hint).
func Remote(prefix, op string, a Answer) string {
	var b strings.Builder
	b.WriteString(prefix)
	b.WriteString(op)
	for _, s := range []string{a.Code, a.Message} {
		if s != "" {
			b.WriteString(": " + s)
		}
	}
	var paren []string
	if a.StatusCode != 0 {
		paren = append(paren, "HTTP "+strconv.Itoa(a.StatusCode))
	}
	if a.RequestID != "" {
		paren = append(paren, "request "+a.RequestID)
	}
	if len(paren) > 0 {
		b.WriteString(" (" + strings.Join(paren, ", ") + ")")
	}
	return b.String()
}

// Unwrap is the Unwrap of the module's error types: the category, then the
// cause when there is one.
func Unwrap(kind, cause error) []error {
	if cause != nil {
		return []error{kind, cause}
	}
	return []error{kind}
}

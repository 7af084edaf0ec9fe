// Package errkind is the finer, unexported kind of failure the module's
// packages put in their error types' Kind field (docs/design.md, Conventions):
// a sentinel whose text names the kind and which wraps the exported category
// a caller matches with errors.Is. It also lays out those error types' strings
// ([Format]) and unwraps them ([Unwrap]), so that every package prints the
// one shape the same way.
package errkind

import "strings"

// Kind is a finer kind of failure. Compare it by identity; errors.Is reaches
// its category through Unwrap.
type Kind struct {
	msg      string
	code     string
	category error
}

// New returns a kind with message msg (the package prefix included), a
// stable snake_case code (or "") and the category it wraps.
func New(msg, code string, category error) *Kind {
	return &Kind{msg: msg, code: code, category: category}
}

// Error returns the kind's message.
func (k *Kind) Error() string { return k.msg }

// Unwrap returns the kind's category.
func (k *Kind) Unwrap() error { return k.category }

// Code returns the kind's stable code, or "".
func (k *Kind) Code() string { return k.code }

// Format lays out an error string in the module's one error shape
// (docs/design.md, Conventions):
//
//	<pkg>: <body> (rule <rule>): <cause>
//
// leaving out "<pkg>: " when pkg is "", " (rule <rule>)" when rule is "" and
// ": <cause>" when cause is nil. The caller puts in body what precedes the
// rule (its Reason, with the attribute, field or operation before it and any
// hint after it) and passes a nil cause when its cause must not be printed.
func Format(pkg, body, rule string, cause error) string {
	var b strings.Builder
	if pkg != "" {
		b.WriteString(pkg)
		b.WriteString(": ")
	}
	b.WriteString(body)
	if rule != "" {
		b.WriteString(" (rule ")
		b.WriteString(rule)
		b.WriteString(")")
	}
	if cause != nil {
		b.WriteString(": ")
		b.WriteString(cause.Error())
	}
	return b.String()
}

// Unwrap is the Unwrap of an error type with a category and an optional
// cause: kind, then cause when it is not nil, so that errors.Is matches
// either and errors.As reaches the cause.
func Unwrap(kind, cause error) []error {
	if cause != nil {
		return []error{kind, cause}
	}
	return []error{kind}
}

// Package errkind is the finer, unexported kind of failure the module's
// packages put in their error types' Kind field (docs/design.md, Conventions):
// a sentinel whose text names the kind and which wraps the exported category
// a caller matches with errors.Is.
package errkind

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

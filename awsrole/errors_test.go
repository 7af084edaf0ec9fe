package awsrole

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestErrorLayout pins the module's one error layout (docs/design.md,
// Conventions) for every package that uses Error and RemoteError: the
// package first, empty parts left out, awsrole's own cause not repeated,
// the other packages' causes printed, RemoteError's Err never printed.
func TestErrorLayout(t *testing.T) {
	cause := errors.New("open x.b64: no such file")
	kind := errors.New("kind")
	for _, c := range []struct {
		err  error
		want string
	}{
		{&Error{Kind: kind, Reason: "bad", Package: "iamsaml"}, "iamsaml: bad"},
		{&Error{Kind: kind, Rule: "B4.1", Reason: "reading failed", Err: cause, Package: "samlcreds"}, "samlcreds: reading failed (rule B4.1): open x.b64: no such file"},
		{&Error{Kind: kind, Reason: "bad", Err: cause, Package: "awstest"}, "awstest: bad: open x.b64: no such file"},
		{&Error{Kind: ErrInvalid, Rule: "A3.4", Reason: "too short", Err: errInvalidRoleSessionName, Package: pkgName, Attribute: AttrRoleSessionName, Index: 0},
			"awsrole: " + AttrRoleSessionName + "[0]: too short (rule A3.4)"},
		{&Error{Kind: ErrMissing, Reason: "absent", Package: pkgName, Attribute: AttrRole, Index: -1}, "awsrole: " + AttrRole + ": absent"},
		{&RemoteError{Kind: kind, Op: "ListRoles", Package: "iamsaml", Err: cause}, "iamsaml: ListRoles"},
		{&RemoteError{Kind: kind, Op: "ListRoles", StatusCode: 403, Code: "AccessDenied", Message: "no", RequestID: "r1", Package: "iamsaml", Err: cause},
			"iamsaml: ListRoles: AccessDenied: no (HTTP 403, request r1)"},
		{&RemoteError{Kind: kind, Op: "AssumeRoleWithSAML", Code: "ExpiredTokenException", Message: "expired", RequestID: "r2", Rule: "A4.4", Hint: "fetch a fresh one", Package: "samlcreds"},
			"samlcreds: AssumeRoleWithSAML: ExpiredTokenException: expired (request r2); fetch a fresh one (rule A4.4)"},
	} {
		if got := c.err.Error(); got != c.want {
			t.Errorf("got  %q\nwant %q", got, c.want)
		}
	}
}

// TestErrorUnwrap: errors.Is reaches the category and the cause, errors.As
// the cause's type, through both types.
func TestErrorUnwrap(t *testing.T) {
	kind := errors.New("kind")
	deadline := fmt.Errorf("operation error STS: %w", context.DeadlineExceeded)
	for _, err := range []error{
		&Error{Kind: kind, Err: deadline, Package: "samlcreds"},
		&RemoteError{Kind: kind, Op: "AssumeRoleWithSAML", Err: deadline, Package: "samlcreds"},
	} {
		if !errors.Is(err, kind) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%T: errors.Is misses the category or the cause", err)
		}
	}
	if u := (&Error{Kind: kind}).Unwrap(); len(u) != 1 || u[0] != kind {
		t.Errorf("Unwrap without a cause = %v, want [kind]", u)
	}
	var inner *Error
	_, err := ParseRole("arn:aws:iam::123456789012:role/*,arn:aws:iam::123456789012:saml-provider/P")
	if !errors.As(err, &inner) || !errors.Is(err, errARNWildcard) || !errors.Is(err, ErrInvalid) {
		t.Fatalf("ParseRole: %v: want an *Error reaching errARNWildcard and ErrInvalid", err)
	}
	if got := err.Error(); strings.Count(got, "awsrole: ") != 1 || !strings.HasSuffix(got, inner.Reason+" (rule "+inner.Rule+")") {
		t.Errorf("awsrole repeats its cause: %q", got)
	}
}

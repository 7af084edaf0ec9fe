package awserr

import (
	"errors"
	"testing"
)

// TestFormat pins the module's error layout (docs/design.md, Conventions)
// that iamsaml and samlcreds share: empty parts are left out.
func TestFormat(t *testing.T) {
	cause := errors.New("boom")
	for _, c := range []struct{ got, want string }{
		{Local("p: ", "bad", "", nil), "p: bad"},
		{Local("p: ", "bad", "A4.2", cause), "p: bad (rule A4.2): boom"},
		{Remote("p: ", "ListRoles", Answer{}), "p: ListRoles"},
		{Remote("p: ", "ListRoles", Answer{StatusCode: 403, Code: "AccessDenied", Message: "no", RequestID: "r1"}), "p: ListRoles: AccessDenied: no (HTTP 403, request r1)"},
		{Remote("p: ", "Op", Answer{RequestID: "r1"}), "p: Op (request r1)"},
		{Clip("héllo", 2), "h..."},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	kind := errors.New("kind")
	if u := Unwrap(kind, nil); len(u) != 1 || u[0] != kind {
		t.Errorf("Unwrap(kind, nil) = %v", u)
	}
	if u := Unwrap(kind, cause); len(u) != 2 || u[1] != cause {
		t.Errorf("Unwrap(kind, cause) = %v", u)
	}
}

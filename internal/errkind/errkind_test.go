package errkind

import (
	"errors"
	"fmt"
	"testing"
)

func TestKind(t *testing.T) {
	cat := errors.New("pkg: invalid input")
	k := New("pkg: invalid region", "region", cat)
	err := fmt.Errorf("wrapped: %w", k)
	if !errors.Is(err, cat) || !errors.Is(err, k) || k.Error() != "pkg: invalid region" || k.Code() != "region" {
		t.Errorf("kind %v: Is category %v, Is kind %v, code %q", k, errors.Is(err, cat), errors.Is(err, k), k.Code())
	}
	if other := New("pkg: invalid region", "region", cat); errors.Is(other, k) {
		t.Error("two kinds with the same text match each other; kinds compare by identity")
	}
}

func TestFormat(t *testing.T) {
	cause := errors.New("open x: no such file")
	for _, c := range []struct {
		pkg, body, rule string
		cause           error
		want            string
	}{
		{"pkg", "bad value", "A3.4", cause, "pkg: bad value (rule A3.4): open x: no such file"},
		{"pkg", "bad value", "", cause, "pkg: bad value: open x: no such file"},
		{"pkg", "bad value", "A3.4", nil, "pkg: bad value (rule A3.4)"},
		{"", "bad value", "", nil, "bad value"},
		{"", "Op: Code (HTTP 400); hint", "A4.4", nil, "Op: Code (HTTP 400); hint (rule A4.4)"},
	} {
		if got := Format(c.pkg, c.body, c.rule, c.cause); got != c.want {
			t.Errorf("Format(%q, %q, %q, %v) = %q, want %q", c.pkg, c.body, c.rule, c.cause, got, c.want)
		}
	}
}

func TestUnwrap(t *testing.T) {
	kind, cause := errors.New("kind"), errors.New("cause")
	if u := Unwrap(kind, nil); len(u) != 1 || u[0] != kind {
		t.Errorf("Unwrap(kind, nil) = %v, want [kind]", u)
	}
	if u := Unwrap(kind, cause); len(u) != 2 || u[0] != kind || u[1] != cause {
		t.Errorf("Unwrap(kind, cause) = %v, want [kind cause]", u)
	}
}

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

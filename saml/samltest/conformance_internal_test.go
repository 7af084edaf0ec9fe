package samltest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// countingTB counts Errorf calls instead of failing.
type countingTB struct {
	testing.TB
	errors []string
}

func (c *countingTB) Errorf(format string, a ...any) {
	c.errors = append(c.errors, fmt.Sprintf(format, a...))
}

// The suite catches consumers that accept everything and consumers that
// reject everything: it is not vacuous.
func TestCheckConformanceDetectsWrongDecisions(t *testing.T) {
	t.Parallel()
	idp := NewIdP(t, WithNow(time.Date(2026, 11, 28, 13, 0, 0, 0, time.UTC)))
	acceptAll := func(context.Context, []byte) error { return nil }
	rejectAll := func(context.Context, []byte) error { return errors.New("no") }
	cases := ConformanceCases()
	valid := 0
	for _, c := range cases {
		if c.Accept {
			valid++
		}
	}
	if valid != 3 || len(cases) != valid+len(TamperCases()) {
		t.Fatalf("%d cases, %d valid", len(cases), valid)
	}
	for _, tc := range []struct {
		name   string
		verify VerifyFunc
		want   int
	}{
		{"accept-all", acceptAll, len(cases) - valid},
		{"reject-all", rejectAll, valid},
	} {
		ct := &countingTB{TB: t}
		for _, c := range cases {
			checkConformance(ct, idp, tc.verify, c)
		}
		if len(ct.errors) != tc.want {
			t.Errorf("%s: %d failures reported, want %d: %q", tc.name, len(ct.errors), tc.want, ct.errors)
		}
	}
}

package samltest

import (
	"context"
	"errors"
	"fmt"
	"strings"
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
	idp := NewIdP(t, IdPConfig{Now: func() time.Time { return time.Date(2026, 11, 28, 13, 0, 0, 0, time.UTC) }})
	acceptAll := func(context.Context, []byte) error { return nil }
	rejectAll := func(context.Context, []byte) error { return errors.New("no") }
	cases := conformanceCases()
	valid := 0
	for _, c := range cases {
		if c.Accept {
			valid++
		}
	}
	if valid != 3 || len(cases) != valid+len(Knobs()) {
		t.Fatalf("%d cases, %d valid", len(cases), valid)
	}
	for _, tc := range []struct {
		name   string
		verify func(context.Context, []byte) error
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

// fatalTB records Fatalf and stops the caller, as testing.T does.
type fatalTB struct {
	testing.TB
	msg string
}

type fatalStop struct{}

func (f *fatalTB) Helper() {}

func (f *fatalTB) Fatalf(format string, a ...any) {
	f.msg = fmt.Sprintf(format, a...)
	panic(fatalStop{})
}

// An unknown knob name fails the test rather than minting an untampered
// response (Mint's error, reported through the TB).
func TestTamperUnknownNameFails(t *testing.T) {
	t.Parallel()
	idp := NewIdP(t, IdPConfig{Now: func() time.Time { return time.Date(2026, 11, 28, 13, 0, 0, 0, time.UTC) }})
	ft := &fatalTB{TB: t}
	func() {
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(fatalStop); !ok {
					panic(r)
				}
			}
		}()
		checkConformance(ft, idp, func(context.Context, []byte) error { return nil }, conformanceCase{Options: ResponseOptions{Tamper: []string{"expried"}}})
		t.Error("checkConformance returned for an unknown knob")
	}()
	if !strings.Contains(ft.msg, `unknown tamper knob "expried"`) {
		t.Errorf("Fatalf message = %q", ft.msg)
	}
}

package main

import (
	"fmt"
	"testing"
)

// demoTB lets the demo use samltest, the test Entra tenant, outside a test.
// samltest reports failures through a testing.TB and calls only Helper,
// Cleanup, Errorf, Fatalf and FailNow on it; those are implemented here. The embedded
// interface is nil, so any other method would panic, and runDemo turns a panic
// into an error message.
type demoTB struct {
	testing.TB
	cleanups []func()
	failure  string
}

// demoFatal is the panic value of demoTB.Fatalf: samltest gave up.
type demoFatal struct{ msg string }

func (t *demoTB) Helper() {}

func (t *demoTB) Cleanup(f func()) { t.cleanups = append(t.cleanups, f) }

func (t *demoTB) Errorf(format string, args ...any) {
	if t.failure == "" {
		t.failure = fmt.Sprintf(format, args...)
	}
}

func (t *demoTB) Fatalf(format string, args ...any) {
	t.Errorf(format, args...)
	panic(demoFatal{msg: t.failure})
}

func (t *demoTB) Fatal(args ...any) { t.Fatalf("%s", fmt.Sprint(args...)) }

// FailNow stops the demo with the failure reported so far (samltest calls it
// after an Errorf, e.g. when an IdP is used after its cleanup).
func (t *demoTB) FailNow() {
	if t.failure == "" {
		t.failure = "samltest gave up"
	}
	panic(demoFatal{msg: t.failure})
}

func (t *demoTB) Error(args ...any) { t.Errorf("%s", fmt.Sprint(args...)) }

func (t *demoTB) Log(args ...any) {}

func (t *demoTB) Logf(format string, args ...any) {}

func (t *demoTB) Failed() bool { return t.failure != "" }

func (t *demoTB) Name() string { return "samlaws-demo" }

// cleanup runs the registered cleanups, last first, as testing does.
func (t *demoTB) cleanup() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
	t.cleanups = nil
}

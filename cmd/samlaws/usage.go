package main

import (
	"fmt"
	"strings"
)

// usageError is a problem with the command line of any subcommand; it names
// the flag or argument at fault. Subcommands turn it into exit code 2.
type usageError struct {
	flag string // "--key"; empty when not about one flag
	msg  string
}

func (e *usageError) Error() string {
	if e.flag == "" {
		return e.msg
	}
	return e.flag + ": " + e.msg
}

// usagef builds a *usageError about flag ("" for none).
func usagef(flag, format string, a ...any) error {
	return &usageError{flag: flag, msg: fmt.Sprintf(format, a...)}
}

// flagError rewrites the flag package's message so that it names the flag with
// the double dash the commands document: "invalid value "x" for flag -role: ...",
// "flag needs an argument: -key", "flag provided but not defined: -x".
func flagError(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, " for flag -"); i >= 0 && strings.HasPrefix(msg, "invalid ") {
		name, detail, _ := strings.Cut(msg[i+len(" for flag -"):], ": ")
		return "--" + name + ": invalid value: " + detail
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return "--" + strings.TrimPrefix(name, "-") + ": needs a value"
	}
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		return "--" + strings.TrimPrefix(name, "-") + ": unknown flag"
	}
	return msg
}

// clip bounds a user-supplied value echoed in a message.
func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}

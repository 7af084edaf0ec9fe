// Package textclip bounds how much of a value the module's messages and reports
// repeat: a prefix of at most n bytes that never splits a UTF-8 sequence
// ([Prefix]), and a quoted form that says how long the value was ([Quote]).
// Every package that echoes a value of unbounded size (an ARN, a tag key, an
// entityID, a service's error message, a response's value) cuts it here, so
// that the output stays proportional to what a reader can use whatever the
// input.
package textclip

import (
	"strconv"
	"unicode/utf8"
)

// Prefix returns s when it is at most n bytes long, and otherwise its longest
// prefix of at most n bytes that ends on a rune boundary (a UTF-8 sequence is
// never split; invalid bytes count as runes of one byte).
func Prefix(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := max(n, 0)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// Quote quotes s with strconv.Quote when it is at most n bytes long, and
// otherwise quotes its Prefix of n bytes followed by `... (<len(s)> bytes)`.
func Quote(s string, n int) string {
	if len(s) <= n {
		return strconv.Quote(s)
	}
	return strconv.Quote(Prefix(s, n)) + "... (" + strconv.Itoa(len(s)) + " bytes)"
}

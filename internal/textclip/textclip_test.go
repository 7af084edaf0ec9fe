package textclip

import (
	"strings"
	"testing"
)

func TestPrefix(t *testing.T) {
	for _, c := range []struct {
		s    string
		n    int
		want string
	}{
		{"abc", 3, "abc"},
		{"abc", 5, "abc"},
		{"abcdef", 4, "abcd"},
		{"ab\u00e9cd", 3, "ab"},       // é is 2 bytes at 2..3: not split
		{"ab\u00e9cd", 4, "ab\u00e9"}, // ends right after é
		{"\u20ac\u20ac", 4, "\u20ac"}, // € is 3 bytes
		{"\u20ac", 2, ""},             // nothing fits
		{"a\xffb", 2, "a\xff"},        // an invalid byte is a rune of its own
		{"abc", 0, ""},
		{"abc", -1, ""},
	} {
		if got := Prefix(c.s, c.n); got != c.want {
			t.Errorf("Prefix(%q, %d) = %q, want %q", c.s, c.n, got, c.want)
		}
	}
}

func TestQuote(t *testing.T) {
	if got, want := Quote("a\"b", 8), `"a\"b"`; got != want {
		t.Errorf("short: %s, want %s", got, want)
	}
	long := strings.Repeat("x", 10) + "\u00e9"
	if got, want := Quote(long, 11), `"xxxxxxxxxx"... (12 bytes)`; got != want {
		t.Errorf("long: %s, want %s", got, want)
	}
}

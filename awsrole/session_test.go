package awsrole

import (
	"strings"
	"testing"
)

func TestRoleSessionNameValidate(t *testing.T) {
	for name, ok := range map[string]string{
		"A3.4/upn":     "alice@example.com",
		"A3.4/min-2":   "ab",
		"A3.4/max-64":  strings.Repeat("a", 64),
		"A3.4/charset": "aZ09_+=,.@-",
	} {
		if err := RoleSessionName(ok).Validate(); err != nil {
			t.Errorf("%s: RoleSessionName(%q).Validate() = %v", name, ok, err)
		}
	}
	tests := []struct {
		name string
		in   string
		cat  error
		msg  string
	}{
		{"A3.4/empty", "", errMissingRoleSessionName, "RoleSessionName is required in AuthnResponse"},
		{"A3.4/one-char", "a", errInvalidRoleSessionName, "value has 1 characters"},
		{"A3.4/65", strings.Repeat("a", 65), errInvalidRoleSessionName, "value has 65 characters"},
		{"A3.4/space", "alice smith", errInvalidRoleSessionName, "character U+0020 at byte 5"},
		{"A3.4/leading-space", " alice", errInvalidRoleSessionName, "character U+0020 at byte 0"},
		{"C2.8/apostrophe", "o'brien@example.com", errInvalidRoleSessionName, "U+0027"},
		{"C2.8/bang", "a!b@example.com", errInvalidRoleSessionName, "U+0021"},
		{"C2.8/hash", "a#b", errInvalidRoleSessionName, "U+0023"},
		{"C2.8/caret", "a^b", errInvalidRoleSessionName, "U+005E"},
		{"C2.8/tilde", "a~b", errInvalidRoleSessionName, "U+007E"},
		{"A3.4/colon", "aws:x", errInvalidRoleSessionName, "U+003A"},
		{"A3.4/non-ascii", "jürgen", errInvalidRoleSessionName, "U+00FC"},
		{"A3.4/bad-utf8", "ab\xff", errInvalidRoleSessionName, "invalid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := RoleSessionName(tt.in).Validate()
			if err == nil {
				t.Fatalf("RoleSessionName(%q).Validate() succeeded", tt.in)
			}
			checkAttrErr(t, err, AttrRoleSessionName, tt.cat, nil, tt.msg)
			if tt.cat == errInvalidRoleSessionName && !strings.Contains(err.Error(), "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}") {
				t.Errorf("missing the STS text: %v", err)
			}
			if len(tt.in) > 3 && strings.Contains(err.Error(), tt.in) {
				t.Errorf("error echoes the value: %v", err)
			}
		})
	}
}

func TestSessionNameFrom(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"C2.8/valid-unchanged", "alice@example.com", "alice@example.com"},
		{"C2.8/valid-64-unchanged", strings.Repeat("a", 64), strings.Repeat("a", 64)},
		// Replaced runes become '_' and a hash of the original is appended.
		{"C2.8/apostrophe", "o'brien@example.com", "o_brien@example.com-" + hashHex("o'brien@example.com")},
		{"C2.8/bang", "o!brien@example.com", "o_brien@example.com-" + hashHex("o!brien@example.com")},
		{"C2.8/space", "Alice Smith", "Alice_Smith-" + hashHex("Alice Smith")},
		{"C2.8/non-ascii-one-rune-one-underscore", "jürgen@example.de", "j_rgen@example.de-" + hashHex("jürgen@example.de")},
		{"C2.8/bad-utf8", "a\xffb", "a_b-" + hashHex("a\xffb")},
		{"A3.4/too-short", "a", "a-ca978112ca"}, // SHA-256("a") = ca978112ca1b...
		{"A3.4/empty", "", "e3b0c44298"},        // SHA-256("") = e3b0c44298fc...
		{"A3.4/too-long", strings.Repeat("b", 65), strings.Repeat("b", 53) + "-" + hashHex(strings.Repeat("b", 65))},
		{"C2.8/too-long-and-bad", strings.Repeat("#", 100), strings.Repeat("_", 53) + "-" + hashHex(strings.Repeat("#", 100))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SessionNameFrom(tt.in)
			if string(got) != tt.want {
				t.Errorf("SessionNameFrom(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("result invalid: %v", err)
			}
			if SessionNameFrom(tt.in) != got {
				t.Error("not deterministic")
			}
		})
	}
	if SessionNameFrom("o'brien@example.com") == SessionNameFrom("o!brien@example.com") {
		t.Error("C2.8: names that sanitize alike must stay distinct")
	}
	long1, long2 := strings.Repeat("x", 70)+"1", strings.Repeat("x", 70)+"2"
	if SessionNameFrom(long1) == SessionNameFrom(long2) {
		t.Error("C2.8: names that truncate alike must stay distinct")
	}
}

// hashHex is an independent statement of the documented suffix: the first 10 hex
// digits of SHA-256 of the input, computed with the standard library.
func hashHex(s string) string { return sha256Hex(s)[:10] }

func TestSourceIdentityValidate(t *testing.T) {
	for _, ok := range []string{"alice", "ab", strings.Repeat("z", 64), "a_b+c=d,e.f@g-h"} {
		if err := SourceIdentity(ok).Validate(); err != nil {
			t.Errorf("A3.6/ok %q: %v", ok, err)
		}
	}
	for name, bad := range map[string]string{
		"A3.6/empty":      "",
		"A3.6/one":        "a",
		"A3.6/65":         strings.Repeat("z", 65),
		"A3.6/aws-prefix": "aws:alice",
		"A3.6/AWS-prefix": "AWS:alice",
		"A3.6/space":      "al ice",
		"A3.6/slash":      "a/b",
	} {
		err := SourceIdentity(bad).Validate()
		if err == nil {
			t.Errorf("%s: SourceIdentity(%q).Validate() succeeded", name, bad)
			continue
		}
		checkAttrErr(t, err, AttrSourceIdentity, errInvalidSourceIdentity, nil,
			`Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with "aws:"`)
	}
}

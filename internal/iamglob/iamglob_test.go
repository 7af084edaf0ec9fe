package iamglob

import (
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "sts:assumerolewithsaml", true},
		{"*", "", true},
		{"", "", true},
		{"sts:*", "sts:assumerolewithsaml", true},
		{"sts:assume*saml", "sts:assumerolewithsaml", true},
		{"sts:*with*", "sts:assumerolewithsaml", true},
		{"sts:assumerole", "sts:assumerolewithsaml", false},
		{"sts:assumerolewithsaml*", "sts:assumerolewithsaml", true},
		{"sts:assumerolewithsam?", "sts:assumerolewithsaml", true},
		{"sts:assumerolewithsaml?", "sts:assumerolewithsaml", false},
		{"iam:*", "sts:assumerolewithsaml", false},
		{"", "sts:assumerolewithsaml", false},
		{"**a*b*c**", "xaxbxc", true},
		{"a*b*c", "acb", false},
		{"a*b*c", "aXbYbc", true},
		// A '*' in s is an ordinary character to a '*' in the pattern.
		{"*", "*abc", true},
		{"a*", "a*b", true},
		{"*c", "**c", true},
		// '?' is one character, not one byte.
		{"a?c", "a\u00e9c", true},
		{"a??c", "a\u00e9c", false},
		{"a?c", "ac", false},
		{"**a", "a", true},
		{"a*", "b", false},
		// No wildcard: plain comparison, also of bytes that are not UTF-8.
		{"a\xffb", "a\xffb", true},
		{"a?\xff", "ab\xff", false},
		// StringLike is case-sensitive (the audience condition, A1.6).
		{"https://signin.aws.amazon.com/saml", "https://SIGNIN.aws.amazon.com/saml", false},
		{"https://*.signin.aws.amazon.com/saml", "https://us-east-1.signin.aws.amazon.com/saml", true},
	}
	for _, tc := range tests {
		if got := Match(tc.pattern, tc.s); got != tc.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}

func TestMatchAction(t *testing.T) {
	t.Parallel()
	if !MatchAction([]string{"iam:PassRole", "STS:AssumeRoleWith*"}, "sts:AssumeRoleWithSAML") {
		t.Error("B3.1: action names compare case-insensitively")
	}
	if MatchAction([]string{"sts:AssumeRole"}, "sts:AssumeRoleWithSAML") {
		t.Error("sts:AssumeRole must not match sts:AssumeRoleWithSAML")
	}
	if MatchAction(nil, "sts:AssumeRoleWithSAML") {
		t.Error("no pattern matches nothing")
	}
}

// TestMatchCostBounded counts the steps of near misses with many stars: at
// most len(pattern)*len(s) plus both lengths, as Match's comment says.
func TestMatchCostBounded(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ pattern, s string }{
		{strings.Repeat("*a", 10) + "b", strings.Repeat("a", 40)},
		{strings.Repeat("*a", 1000) + "b", strings.Repeat("a", 4000)},
		// The quadratic case: one star, then a long literal that almost
		// matches at every position.
		{"*" + strings.Repeat("a", 100) + "b", strings.Repeat("a", 400)},
		{"*" + strings.Repeat("a", 1000) + "b", strings.Repeat("a", 4000)},
	} {
		pattern, s := c.pattern, c.s
		ok, steps := match(pattern, s)
		if ok {
			t.Fatal("no b in s: must not match")
		}
		if bound := len(pattern)*len(s) + len(pattern) + len(s); steps > bound {
			t.Errorf("%d steps for |pattern| %d, |s| %d: more than %d", steps, len(pattern), len(s), bound)
		}
		t.Logf("%d steps for |pattern| %d, |s| %d", steps, len(pattern), len(s))
	}
}

// Package iamglob matches IAM policy wildcards, for the two places in this
// module that read trust policies: federation (which roles Entra may import,
// B3.1, C4.6) and awstest (the fake STS that evaluates a role's trust policy
// as AWS would).
package iamglob

import (
	"strings"
	"unicode/utf8"
)

// Match reports whether s matches the IAM pattern, where '*' matches any run
// of characters (also none) and '?' exactly one character; everything else
// matches itself, case-sensitively (as StringLike does). Invalid UTF-8 in
// either matches nothing, unless the pattern has no wildcard and the two are
// equal. The cost is at most len(pattern)*len(s) steps (the greedy algorithm
// with one backtrack point, the last '*'), without allocation.
func Match(pattern, s string) bool {
	ok, _ := match(pattern, s)
	return ok
}

// match is Match, also returning the number of steps it took.
func match(pattern, s string) (ok bool, steps int) {
	if !strings.ContainsAny(pattern, "*?") {
		return pattern == s, 0
	}
	if !utf8.ValidString(pattern) || !utf8.ValidString(s) {
		return false, 0
	}
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		steps++
		r, n := utf8.DecodeRuneInString(s[i:])
		if p < len(pattern) {
			switch pr, pn := utf8.DecodeRuneInString(pattern[p:]); {
			case pr == '*':
				star, mark = p, i
				p += pn
				continue
			case pr == '?' || pr == r:
				p += pn
				i += n
				continue
			}
		}
		if star < 0 {
			return false, steps
		}
		// Let the last '*' take one more character and try again.
		p = star + 1
		_, mn := utf8.DecodeRuneInString(s[mark:])
		mark += mn
		i = mark
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
		steps++
	}
	return p == len(pattern), steps
}

// MatchAction reports whether one of the Action patterns of a policy
// statement matches action. IAM compares action names case-insensitively.
func MatchAction(patterns []string, action string) bool {
	action = strings.ToLower(action)
	for _, p := range patterns {
		if Match(strings.ToLower(p), action) {
			return true
		}
	}
	return false
}

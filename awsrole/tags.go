package awsrole

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/samlaws/samlaws/internal/textclip"
)

// Session tag limits (A3.7, A3.8, B4.6).
const (
	// maxTags is the most session tags one assertion may carry.
	maxTags = 50
	// maxTransitiveTagKeys is the most keys TransitiveTagKeys may list.
	maxTransitiveTagKeys = 50
	// maxTagKeyLen is the longest tag key, in characters.
	maxTagKeyLen = 128
	// maxTagValueLen is the longest tag value, in characters.
	maxTagValueLen = 256
)

// Tag is a session tag, carried in a PrincipalTag attribute (A3.7): the attribute
// AttrPrincipalTagPrefix+Key with exactly one value, Value.
type Tag struct {
	// Key is 1-128 characters of [\p{L}\p{Z}\p{N}_.:/=+\-@], not starting with
	// "aws:" in any case. Case is preserved but keys that differ only in case
	// collide.
	Key string
	// Value is 0-256 characters of the same set, not starting with "aws:".
	Value string
}

// Validate checks t's key, then its value (A3.7): the key 1-128 and the value
// 0-256 characters matching [\p{L}\p{Z}\p{N}_.:/=+\-@], neither starting
// with "aws:" (case-insensitively). Lengths are counted in UTF-16 code units,
// as AWS's Java services count them. To check a key alone, validate a Tag
// with an empty Value.
func (t Tag) Validate() error {
	if err := validateTagKey(t.Key); err != nil {
		return err
	}
	return validateTagValue(t.Key, t.Value)
}

// validateTagKey checks a session tag key (A3.7): 1-128 characters matching
// ^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$, not starting with "aws:" (case-insensitively).
// Lengths are counted in UTF-16 code units, as AWS's Java services count them,
// so a character outside the Basic Multilingual Plane counts twice.
func validateTagKey(key string) error {
	attr := tagAttrName(key)
	if key == "" {
		return newErr(attr, -1, "A3.7", errInvalidTag, nil, "tag key is empty (PrincipalTag: with nothing after the colon)")
	}
	if reason := checkTagText(key, maxTagKeyLen); reason != "" {
		return newErr(attr, -1, "A3.7", errInvalidTag, nil, "tag key "+reason+"; keys match [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{1,128}")
	}
	if hasAWSPrefix(key) {
		return newErr(attr, -1, "A3.7", errInvalidTag, nil, "tag key starts with \"aws:\", which AWS reserves")
	}
	return nil
}

// validateTagValue checks the value of the session tag key (A3.7): 0-256
// characters matching ^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$, not starting with "aws:"
// (case-insensitively). The key only labels the error.
func validateTagValue(key, value string) error {
	attr := tagAttrName(key)
	if value == "" {
		return nil
	}
	if reason := checkTagText(value, maxTagValueLen); reason != "" {
		return newErr(attr, -1, "A3.7", errInvalidTag, nil, "tag value "+reason+"; values match [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{0,256}")
	}
	if hasAWSPrefix(value) {
		return newErr(attr, -1, "A3.7", errInvalidTag, nil, "tag value starts with \"aws:\", which AWS reserves")
	}
	return nil
}

func hasAWSPrefix(s string) bool {
	return len(s) >= 4 && strings.EqualFold(s[:4], "aws:")
}

// checkTagText returns "" when s is at most max UTF-16 code units of the tag
// character set, otherwise the first problem, without echoing s.
func checkTagText(s string, max int) string {
	n := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return fmt.Sprintf("has invalid UTF-8 at byte %d", i)
		}
		if !isTagRune(r) {
			return fmt.Sprintf("has character %U at byte %d, which is not allowed", r, i)
		}
		n += utf16.RuneLen(r)
		i += size
	}
	if n > max {
		return fmt.Sprintf("is %d characters long, more than %d", n, max)
	}
	return ""
}

func isTagRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.Is(unicode.Z, r) || unicode.IsNumber(r) ||
		strings.ContainsRune("_.:/=+-@", r)
}

// foldKey maps s to a canonical form under Unicode simple case folding, so that
// foldKey(a) == foldKey(b) exactly when strings.EqualFold(a, b).
func foldKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		min := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f < min {
				min = f
			}
		}
		b.WriteRune(min)
	}
	return b.String()
}

// tagAttrName is the attribute name for key, for error messages: a key longer
// than the longest valid one is cut at a rune boundary and marked with "...".
func tagAttrName(key string) string {
	const limit = 4 * maxTagKeyLen
	if len(key) <= limit {
		return AttrPrincipalTagPrefix + key
	}
	return AttrPrincipalTagPrefix + textclip.Prefix(key, limit) + "..."
}

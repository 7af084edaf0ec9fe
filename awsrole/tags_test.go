package awsrole

import (
	"strings"
	"testing"
)

func TestValidateTagKey(t *testing.T) {
	for name, ok := range map[string]string{
		"A3.7/ascii":             "CostCenter",
		"A3.7/punct":             "a_b.c:d/e=f+g-h@i",
		"A3.7/space-is-Z":        "Cost Center",
		"A3.7/letters-L":         "Kostenstelle-Öffentlich",
		"A3.7/cjk":               "部門",
		"A3.7/numbers-N":         "٣٦Ⅻ",
		"A3.7/128":               strings.Repeat("k", 128),
		"A3.7/awsx-not-prefix":   "awsx:thing",
		"A3.7/aws-not-at-start":  "my-aws:thing",
		"A3.7/aws-without-colon": "aws",
	} {
		if err := validateTagKey(ok); err != nil {
			t.Errorf("%s: validateTagKey(%q): %v", name, ok, err)
		}
	}
	tests := []struct{ name, key, msg string }{
		{"A3.7/empty", "", "tag key is empty"},
		{"A3.7/129", strings.Repeat("k", 129), "129 characters long, more than 128"},
		{"A3.7/utf16-length", strings.Repeat("𝐀", 65), "130 characters long"},
		{"A3.7/aws-prefix", "aws:foo", `starts with "aws:"`},
		{"A3.7/AWS-prefix-case-insensitive", "AwS:foo", `starts with "aws:"`},
		{"A3.7/comma", "a,b", "U+002C"},
		{"A3.7/hash", "a#b", "U+0023"},
		{"A3.7/star", "a*", "U+002A"},
		{"A3.7/tab-not-Z", "a\tb", "U+0009"},
		{"A3.7/newline", "a\nb", "U+000A"},
		{"A3.7/emoji", "a😀", "U+1F600"},
		{"A3.7/bad-utf8", "a\xff", "invalid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := validateTagKey(tt.key)
			if err == nil {
				t.Fatalf("validateTagKey(%q) = nil", tt.key)
			}
			checkAttrErr(t, err, AttrPrincipalTagPrefix+tt.key, errInvalidTag, nil, tt.msg)
		})
	}
	// A key far longer than the limit is cut in the attribute name.
	err := validateTagKey(strings.Repeat("k", 10000))
	if err == nil || len(err.Error()) > 800 {
		t.Errorf("A3.7/huge-key: error not bounded: %d bytes", len(err.Error()))
	}
}

func TestValidateTagValue(t *testing.T) {
	for name, ok := range map[string]string{
		"A3.7/empty-value": "",
		"A3.7/ascii":       "1234-abc",
		"A3.7/space":       "Team A",
		"A3.7/256":         strings.Repeat("v", 256),
		"A3.7/unicode":     "Zürich/Genève",
	} {
		if err := validateTagValue("k", ok); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	for name, tt := range map[string]struct{ v, msg string }{
		"A3.7/257":        {strings.Repeat("v", 257), "257 characters long, more than 256"},
		"A3.7/aws-prefix": {"aws:x", `tag value starts with "aws:"`},
		"A3.7/AWS-prefix": {"AWS:x", `tag value starts with "aws:"`},
		"A3.7/semicolon":  {"a;b", "U+003B"},
		"A3.7/control":    {"a\x00", "U+0000"},
	} {
		err := validateTagValue("k", tt.v)
		if err == nil {
			t.Errorf("%s: validateTagValue(%q) = nil", name, tt.v)
			continue
		}
		checkAttrErr(t, err, AttrPrincipalTagPrefix+"k", errInvalidTag, nil, tt.msg)
		if len(tt.v) > 8 && strings.Contains(err.Error(), tt.v) {
			t.Errorf("%s: error echoes the value", name)
		}
	}
	tag := Tag{Key: "Dept", Value: "Ops"}
	if tag.Validate() != nil {
		t.Errorf("Tag %v: validate %v", tag, tag.Validate())
	}
	if (Tag{Key: "aws:x"}).Validate() == nil || (Tag{Key: "x", Value: "aws:y"}).Validate() == nil {
		t.Error("A3.7: Tag.Validate accepted an aws: prefix")
	}
}

func TestFoldKey(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		same bool
	}{
		{"Dept", "dept", true},
		{"DEPT", "dePt", true},
		{"Straße", "STRASSE", false}, // simple folding only, like strings.EqualFold
		{"Kelvin", "\u212Aelvin", true},
		{"Σίσυφος", "ΣΊΣΥΦΟΣ", true},
		{"a", "b", false},
	} {
		if got := foldKey(tt.a) == foldKey(tt.b); got != tt.same || got != strings.EqualFold(tt.a, tt.b) {
			t.Errorf("A3.7: foldKey(%q)==foldKey(%q) is %v, want %v", tt.a, tt.b, got, tt.same)
		}
	}
}

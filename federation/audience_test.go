package federation

import (
	"errors"
	"strings"
	"testing"
)

const canon = "https://signin.aws.amazon.com/saml"

func TestParseIdentifier(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		in       string
		wantAud  string
		wantInst int
		wantErr  bool
	}{
		{name: "A1.6/plain", in: canon, wantAud: canon},
		{name: "A1.6/instance_1", in: canon + "#1", wantAud: canon, wantInst: 1},
		{name: "A1.6/instance_2", in: canon + "#2", wantAud: canon, wantInst: 2},
		{name: "A1.6/instance_10", in: canon + "#10", wantAud: canon, wantInst: 10},
		{name: "A1.6/instance_max_9999", in: canon + "#9999", wantAud: canon, wantInst: 9999},
		{name: "A1.6/urn_entity_id", in: "urn:amazon:webservices", wantAud: "urn:amazon:webservices"},
		{name: "A1.6/urn_entity_id_instance", in: "urn:amazon:webservices#3", wantAud: "urn:amazon:webservices", wantInst: 3},
		// Kept verbatim (not normalized): they parse, but are different audiences.
		{name: "A1.6/port_kept_verbatim", in: "https://signin.aws.amazon.com:443/saml", wantAud: "https://signin.aws.amazon.com:443/saml"},
		{name: "A1.6/case_kept_verbatim", in: "HTTPS://SIGNIN.AWS.AMAZON.COM/SAML#2", wantAud: "HTTPS://SIGNIN.AWS.AMAZON.COM/SAML", wantInst: 2},
		{name: "A1.6/percent_encoded_hash_is_not_a_fragment", in: canon + "%232", wantAud: canon + "%232"},
		{name: "A1.6/query_kept_verbatim", in: canon + "?x=1", wantAud: canon + "?x=1"},

		{name: "A1.6/reject_empty", in: "", wantErr: true},
		{name: "A1.6/reject_empty_fragment", in: canon + "#", wantErr: true},
		{name: "A1.6/reject_instance_0", in: canon + "#0", wantErr: true},
		{name: "A1.6/reject_leading_zero", in: canon + "#02", wantErr: true},
		{name: "A1.6/reject_plus_sign", in: canon + "#+2", wantErr: true},
		{name: "A1.6/reject_minus_sign", in: canon + "#-2", wantErr: true},
		{name: "A1.6/reject_five_digits", in: canon + "#10000", wantErr: true},
		{name: "A1.6/reject_long_digits", in: canon + "#" + strings.Repeat("9", 40), wantErr: true},
		{name: "A1.6/reject_letter_fragment", in: canon + "#a", wantErr: true},
		{name: "A1.6/reject_hex_fragment", in: canon + "#0x2", wantErr: true},
		{name: "A1.6/reject_double_hash", in: canon + "##2", wantErr: true},
		{name: "A1.6/reject_two_suffixes", in: canon + "#1#2", wantErr: true},
		{name: "A1.6/reject_hash_in_middle", in: "https://signin.aws.amazon.com#2/saml", wantErr: true},
		{name: "A1.6/reject_trailing_space_after_instance", in: canon + "#2 ", wantErr: true},
		{name: "A1.6/reject_space_before_instance", in: canon + " #2", wantErr: true},
		{name: "A1.6/reject_leading_space", in: " " + canon, wantErr: true},
		{name: "A1.6/reject_trailing_newline", in: canon + "\n", wantErr: true},
		{name: "A1.6/reject_tab_inside", in: "https://signin.aws.amazon.com/\tsaml", wantErr: true},
		{name: "A1.6/reject_nbsp", in: canon + "\u00a0", wantErr: true},
		{name: "A1.6/reject_zero_width_space", in: canon + "\u200b#2", wantErr: true},
		{name: "A1.6/reject_bom", in: "\ufeff" + canon, wantErr: true},
		{name: "A1.6/reject_nul", in: canon + "\x00", wantErr: true},
		{name: "A1.6/reject_fullwidth_digit", in: canon + "#\uff12", wantErr: true},
		{name: "A1.6/reject_arabic_indic_digit", in: canon + "#\u0662", wantErr: true},
		{name: "A1.6/reject_cyrillic_homoglyph", in: "https://sign\u0456n.aws.amazon.com/saml", wantErr: true},
		{name: "A1.6/reject_invalid_utf8", in: canon + "\xff", wantErr: true},
		{name: "A1.6/reject_relative", in: "signin.aws.amazon.com/saml", wantErr: true},
		{name: "A1.6/reject_scheme_only", in: "https:", wantErr: true},
		{name: "A1.6/reject_digit_scheme", in: "1https://x", wantErr: true},
		{name: "A1.6/reject_only_fragment", in: "#2", wantErr: true},
		{name: "A1.6/reject_too_long", in: "https://x/" + strings.Repeat("a", maxIdentifierLength), wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseIdentifier(tc.in)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("ParseIdentifier(%q) = %+v, want error", tc.in, got)
				}
				if !errors.Is(err, errInvalidIdentifier) {
					t.Fatalf("error %v does not wrap errInvalidIdentifier", err)
				}
				var fe *Error
				if !errors.As(err, &fe) || fe.Rule != "A1.6" {
					t.Fatalf("error %v is not an *Error with rule A1.6", err)
				}
				if !strings.HasPrefix(err.Error(), "federation: ") {
					t.Fatalf("error %q lacks the package prefix", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseIdentifier(%q): %v", tc.in, err)
			}
			if got.Audience != tc.wantAud || got.Instance != tc.wantInst {
				t.Fatalf("ParseIdentifier(%q) = %+v, want {%q %d}", tc.in, got, tc.wantAud, tc.wantInst)
			}
			if got.String() != tc.in {
				t.Fatalf("String() = %q, want the input %q back", got.String(), tc.in)
			}
		})
	}
}

func TestParseIdentifierErrorDoesNotEchoInput(t *testing.T) {
	t.Parallel()
	secret := "https://sts.windows.net/SECRET-TENANT/#x"
	_, err := ParseIdentifier(secret)
	if err == nil {
		t.Fatal("want error")
	}
	if strings.Contains(err.Error(), "SECRET") {
		t.Fatalf("error echoes the input: %v", err)
	}
}

func TestNormalizeAudience(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
		wantErr        bool
	}{
		{name: "A1.6/canonical", in: canon, want: canon},
		{name: "A1.6/strip_instance_2", in: canon + "#2", want: canon},
		{name: "A1.6/strip_instance_42", in: canon + "#42", want: canon},
		{name: "A1.6/urn", in: "urn:amazon:webservices#7", want: "urn:amazon:webservices"},
		{name: "A1.6/regional_kept", in: "https://eu-west-1.signin.aws.amazon.com/saml#2", want: "https://eu-west-1.signin.aws.amazon.com/saml"},
		{name: "A1.6/bad_fragment_error", in: canon + "#foo", wantErr: true},
		{name: "A1.6/whitespace_error", in: canon + " ", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := normalizeAudience(tc.in)
			if tc.wantErr {
				if err == nil || got != "" {
					t.Fatalf("normalizeAudience(%q) = %q, %v; want \"\", error", tc.in, got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("normalizeAudience(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestAudienceMatches(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		expected, got string
		want          bool
	}{
		{"A1.6/exact", canon, canon, true},
		{"A1.6/instance_2", canon, canon + "#2", true},
		{"A1.6/instance_9999", canon, canon + "#9999", true},
		{"A1.6/both_instances_same_audience", canon + "#1", canon + "#2", true},
		{"A1.6/expected_with_instance", canon + "#3", canon, true},
		{"A1.7/urn_exact", "urn:amazon:webservices", "urn:amazon:webservices", true},

		{"A1.6/prefix", canon, "https://signin.aws.amazon.com/sam", false},
		{"A1.6/suffix", canon, canon + "l", false},
		{"A1.6/suffix_path", canon + "", canon + "/x", false},
		{"A1.6/contains", canon, "https://evil.example/" + canon, false},
		{"A1.6/host_suffix_lookalike", canon, "https://signin.aws.amazon.com.evil.example/saml", false},
		{"A1.6/case_scheme", canon, "HTTPS://signin.aws.amazon.com/saml", false},
		{"A1.6/case_host", canon, "https://Signin.aws.amazon.com/saml", false},
		{"A1.6/case_path", canon, "https://signin.aws.amazon.com/SAML", false},
		{"A1.6/port_443", canon, "https://signin.aws.amazon.com:443/saml", false},
		{"A1.6/port_8443", canon, "https://signin.aws.amazon.com:8443/saml", false},
		{"A1.6/userinfo", canon, "https://user@signin.aws.amazon.com/saml", false},
		{"A1.6/userinfo_host_confusion", canon, "https://signin.aws.amazon.com@evil.example/saml", false},
		{"A1.6/query", canon, canon + "?a=b", false},
		{"A1.6/empty_query", canon, canon + "?", false},
		{"A1.6/query_with_instance", canon, canon + "?#2", false},
		{"A1.6/trailing_slash", canon, canon + "/", false},
		{"A1.6/trailing_slash_instance", canon, canon + "/#2", false},
		{"A1.6/trailing_dot_host", canon, "https://signin.aws.amazon.com./saml", false},
		{"A1.6/percent_encoded_path", canon, "https://signin.aws.amazon.com/%73aml", false},
		{"A1.6/percent_encoded_hash", canon, canon + "%232", false},
		{"A1.6/http", canon, "http://signin.aws.amazon.com/saml", false},
		{"A1.6/leading_space", canon, " " + canon, false},
		{"A1.6/trailing_space", canon, canon + " ", false},
		{"A1.6/trailing_crlf", canon, canon + "\r\n", false},
		{"A1.6/fragment_text", canon, canon + "#two", false},
		{"A1.6/fragment_zero", canon, canon + "#0", false},
		{"A1.6/fragment_leading_zero", canon, canon + "#002", false},
		{"A1.6/fragment_five_digits", canon, canon + "#12345", false},
		{"A1.6/fragment_negative", canon, canon + "#-1", false},
		{"A1.6/fragment_empty", canon, canon + "#", false},
		{"A1.6/double_fragment", canon, canon + "#1#2", false},
		{"A1.6/dot_segment", canon, "https://signin.aws.amazon.com/x/../saml", false},
		{"A1.6/regional_is_other_audience", canon, "https://eu-west-1.signin.aws.amazon.com/saml", false},
		{"A1.6/empty_got", canon, "", false},
		{"A1.6/empty_expected", "", canon, false},
		{"A1.6/invalid_expected", canon + " ", canon, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := audienceMatches(tc.expected, tc.got); got != tc.want {
				t.Fatalf("audienceMatches(%q, %q) = %v, want %v", tc.expected, tc.got, got, tc.want)
			}
		})
	}
}

// TestIdentifierBuild: the identifier of instance n is built as
// Identifier{Audience, Instance: n}.String() and checked with the round trip
// through ParseIdentifier (it must give the same Identifier back).
func TestIdentifierBuild(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		audience string
		n        int
		want     string
		wantErr  bool
	}{
		{"C2.1/instance_0_is_plain", canon, 0, canon, false},
		{"C2.1/instance_2", canon, 2, canon + "#2", false},
		{"C2.1/instance_max", canon, maxInstance, canon + "#9999", false},
		{"C2.1/reject_negative", canon, -1, "", true},
		{"C2.1/reject_over_max", canon, maxInstance + 1, "", true},
		{"C2.1/reject_audience_with_instance", canon + "#1", 2, "", true},
		{"C2.1/reject_bad_audience", "not a uri", 2, "", true},
		{"C2.1/reject_too_long_with_suffix", "https://x/" + strings.Repeat("a", maxIdentifierLength-10), 2, "", true},
		{"A1.6/reject_empty", "", 0, "", true},
		{"A1.6/reject_suffix_in_audience", canon + "#1", 0, "", true},
		{"A1.6/reject_space", "x y", 0, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			id := Identifier{Audience: tc.audience, Instance: tc.n}
			back, err := ParseIdentifier(id.String())
			if tc.wantErr {
				if err == nil && back == id {
					t.Fatalf("%+v survives the round trip as %q", id, id.String())
				}
				if err != nil && !errors.Is(err, errInvalidIdentifier) {
					t.Fatalf("ParseIdentifier(%q) = %v; want errInvalidIdentifier", id.String(), err)
				}
				return
			}
			if id.String() != tc.want || err != nil || back != id {
				t.Fatalf("%+v: String %q, round trip %+v, %v; want %q", id, id.String(), back, err, tc.want)
			}
		})
	}
}

func TestCheckReplyURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		wantErr error
	}{
		{"A1.8/global", canon, nil},
		{"A1.8/regional", "https://eu-west-1.signin.aws.amazon.com/saml", nil},
		{"A1.8/any_https_url", "https://sp.example.com/acs", nil},
		{"C2.1/instance_2_in_reply_url", canon + "#2", ErrReplyURLInstance},
		{"C2.1/instance_1_in_reply_url", canon + "#1", ErrReplyURLInstance},
		{"C2.1/instance_9999_in_reply_url", canon + "#9999", ErrReplyURLInstance},
		{"A1.8/other_fragment", canon + "#top", errInvalidReplyURL},
		{"A1.8/empty_fragment", canon + "#", errInvalidReplyURL},
		{"A1.8/zero_fragment", canon + "#0", errInvalidReplyURL},
		{"A1.8/http", "http://signin.aws.amazon.com/saml", errInvalidReplyURL},
		{"A1.8/no_host", "https:///saml", errInvalidReplyURL},
		{"A1.8/empty", "", errInvalidReplyURL},
		{"A1.8/whitespace", canon + " ", errInvalidReplyURL},
		{"A1.8/control", canon + "\x7f", errInvalidReplyURL},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := CheckReplyURL(tc.in)
			if tc.wantErr == nil {
				if err != nil {
					t.Fatalf("CheckReplyURL(%q): %v", tc.in, err)
				}
				return
			}
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("CheckReplyURL(%q) = %v, want %v", tc.in, err, tc.wantErr)
			}
		})
	}
}

func TestCheckReplyURLMessageSaysWhatToFix(t *testing.T) {
	t.Parallel()
	err := CheckReplyURL(canon + "#2")
	var fe *Error
	if !errors.As(err, &fe) {
		t.Fatalf("want *Error, got %T %v", err, err)
	}
	if fe.Rule != "C2.1" || fe.Kind != ErrReplyURLInstance {
		t.Fatalf("got rule %q kind %v", fe.Rule, fe.Kind)
	}
	msg := err.Error()
	for _, want := range []string{`remove "#2" from the Reply URL`, "only in the Identifier", "HTTP 400"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
}

package awsrole

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestPartitions(t *testing.T) {
	want := []string{"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f"}
	got := Partitions()
	if len(got) != len(want) {
		t.Fatalf("Partitions() = %v, want %v", got, want)
	}
	for i, p := range got {
		if string(p) != want[i] {
			t.Errorf("Partitions()[%d] = %q, want %q", i, p, want[i])
		}
	}
	got[0] = "mutated"
	if Partitions()[0] != PartitionAWS {
		t.Error("Partitions returns shared state")
	}
	for _, bad := range []Partition{"", "AWS", "aws-iso-c", "aws-cn ", "aws-eusc"} {
		if _, err := ParseProviderARN("arn:" + string(bad) + ":iam::123456789012:saml-provider/P"); err == nil {
			t.Errorf("B2.1: partition %q accepted", bad)
		}
	}
}

const acct = "123456789012"

func TestParseRoleARN(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want RoleARN
	}{
		{"B2.2/no-path", "arn:aws:iam::123456789012:role/Admin", RoleARN{PartitionAWS, acct, "/", "Admin"}},
		{"B2.2/path", "arn:aws:iam::123456789012:role/application_abc/component_xyz/RDSAccess", RoleARN{PartitionAWS, acct, "/application_abc/component_xyz/", "RDSAccess"}},
		{"B2.2/one-segment-path", "arn:aws:iam::123456789012:role/ops/Admin", RoleARN{PartitionAWS, acct, "/ops/", "Admin"}},
		{"B2.3/path-printable-ascii", "arn:aws:iam::123456789012:role/a!\"#$%&'()/Admin", RoleARN{PartitionAWS, acct, "/a!\"#$%&'()/", "Admin"}},
		{"B2.3/path-triple-slash", "arn:aws:iam::123456789012:role///Admin", RoleARN{PartitionAWS, acct, "///", "Admin"}},
		{"B2.3/name-charset", "arn:aws:iam::123456789012:role/a_Z0+=,.@-", RoleARN{PartitionAWS, acct, "/", "a_Z0+=,.@-"}},
		{"B2.3/name-1-char", "arn:aws:iam::123456789012:role/R", RoleARN{PartitionAWS, acct, "/", "R"}},
		{"B2.3/name-64", "arn:aws:iam::123456789012:role/" + strings.Repeat("n", 64), RoleARN{PartitionAWS, acct, "/", strings.Repeat("n", 64)}},
		{"B2.3/path-512", "arn:aws:iam::123456789012:role/" + strings.Repeat("p", 510) + "/R", RoleARN{PartitionAWS, acct, "/" + strings.Repeat("p", 510) + "/", "R"}},
		{"B2.2/aws-cn", "arn:aws-cn:iam::123456789012:role/R", RoleARN{PartitionAWSCN, acct, "/", "R"}},
		{"B2.2/aws-us-gov", "arn:aws-us-gov:iam::123456789012:role/R", RoleARN{PartitionAWSUSGov, acct, "/", "R"}},
		{"B2.2/aws-iso", "arn:aws-iso:iam::123456789012:role/R", RoleARN{PartitionAWSISO, acct, "/", "R"}},
		{"B2.2/aws-iso-b", "arn:aws-iso-b:iam::123456789012:role/R", RoleARN{PartitionAWSISOB, acct, "/", "R"}},
		{"B2.2/aws-iso-e", "arn:aws-iso-e:iam::123456789012:role/R", RoleARN{PartitionAWSISOE, acct, "/", "R"}},
		{"B2.2/aws-iso-f", "arn:aws-iso-f:iam::123456789012:role/R", RoleARN{PartitionAWSISOF, acct, "/", "R"}},
		{"B2.2/reserved-sso-role-still-an-arn", "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_X_1", RoleARN{PartitionAWS, acct, "/aws-reserved/sso.amazonaws.com/", "AWSReservedSSO_X_1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRoleARN(tt.in)
			if err != nil {
				t.Fatalf("ParseRoleARN(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Fatalf("ParseRoleARN(%q) = %#v, want %#v", tt.in, got, tt.want)
			}
			if got.String() != tt.in {
				t.Errorf("String() = %q, want %q", got.String(), tt.in)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
		})
	}
}

func TestParseRoleARNErrors(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		detail error  // finer sentinel, or nil
		msg    string // substring of the message
	}{
		{"B2.2/empty", "", nil, "ARN is empty"},
		{"B4.1/too-long", "arn:aws:iam::123456789012:role/" + strings.Repeat("p/", 1100) + "R", nil, "longer than 2048"},
		{"B2.2/not-arn", "role/Admin", nil, `does not start with "arn:"`},
		{"B2.2/ARN-uppercase-prefix", "ARN:aws:iam::123456789012:role/R", nil, `does not start with "arn:"`},
		{"B2.2/too-few-fields", "arn:aws:iam:123456789012:role/R", nil, "5 colon-separated fields"},
		{"B2.2/unknown-partition", "arn:aws-xx:iam::123456789012:role/R", nil, "unknown partition"},
		{"B2.2/partition-case", "arn:AWS:iam::123456789012:role/R", nil, "unknown partition"},
		{"B2.2/not-iam", "arn:aws:sts::123456789012:assumed-role/R/sess", errARNNotIAM, `service "sts"`},
		{"B2.2/s3", "arn:aws:s3:::bucket/key", errARNNotIAM, `service "s3"`},
		{"B2.2/iam-user", "arn:aws:iam::123456789012:user/alice", errARNNotIAM, `resource type "user"`},
		{"B2.2/region", "arn:aws:iam:us-east-1:123456789012:role/R", nil, "no region"},
		{"B2.2/account-short", "arn:aws:iam::12345678901:role/R", nil, "not 12 digits"},
		{"B2.2/account-letters", "arn:aws:iam::12345678901a:role/R", nil, "not 12 digits"},
		{"B2.2/account-empty", "arn:aws:iam:::role/R", nil, "not 12 digits"},
		{"B2.2/provider-not-role", "arn:aws:iam::123456789012:saml-provider/P", nil, "not a role ARN"},
		{"B2.2/role-no-slash", "arn:aws:iam::123456789012:role", nil, `no name after "role"`},
		{"B2.2/role-empty-name", "arn:aws:iam::123456789012:role/", nil, "role name is empty"},
		{"B2.2/role-trailing-slash", "arn:aws:iam::123456789012:role/ops/", nil, "role name is empty"},
		{"B2.3/name-65", "arn:aws:iam::123456789012:role/" + strings.Repeat("n", 65), nil, "longer than 64"},
		{"B2.3/name-bad-char", "arn:aws:iam::123456789012:role/a#b", nil, "role name has '#'"},
		{"B2.3/name-colon", "arn:aws:iam::123456789012:role/a:b", nil, "role name has ':'"},
		{"B2.3/path-513", "arn:aws:iam::123456789012:role/" + strings.Repeat("p", 511) + "/R", nil, "longer than 512"},
		{"B2.3/path-double-slash", "arn:aws:iam::123456789012:role//R", nil, `role path "//"`},
		{"B2.2/wildcard-star", "arn:aws:iam::123456789012:role/*", errARNWildcard, "wildcard '*'"},
		{"B2.2/wildcard-question", "arn:aws:iam::123456789012:role/Adm?n", errARNWildcard, "wildcard '?'"},
		{"B2.2/wildcard-account", "arn:aws:iam::*:role/R", errARNWildcard, "wildcard"},
		{"B2.2/space-inside", "arn:aws:iam::123456789012:role/My Role", errARNSpace, "whitespace U+0020"},
		{"B2.2/leading-space", " arn:aws:iam::123456789012:role/R", errARNSpace, "whitespace U+0020 at byte 0"},
		{"B2.2/tab", "arn:aws:iam::123456789012:role/R\t", errARNSpace, "whitespace U+0009"},
		{"B2.2/nbsp", "arn:aws:iam::123456789012:role/R\u00a0", errARNSpace, "whitespace U+00A0"},
		{"B2.2/nul", "arn:aws:iam::123456789012:role/R\x00", errARNSpace, "control character U+0000"},
		{"B2.2/del", "arn:aws:iam::123456789012:role/R\x7f", errARNSpace, "control character U+007F"},
		{"B2.2/zero-width", "arn:aws:iam::123456789012:role/R\u200b", errARNSpace, "control character U+200B"},
		{"B2.2/non-ascii", "arn:aws:iam::123456789012:role/Rölle", errARNSpace, "non-ASCII character U+00F6"},
		{"B2.2/bad-utf8", "arn:aws:iam::123456789012:role/R\xff", errARNSpace, "invalid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRoleARN(tt.in)
			if err == nil {
				t.Fatalf("ParseRoleARN(%q) = %v, want error", tt.in, got)
			}
			if got != (RoleARN{}) {
				t.Errorf("got non-zero value %#v with error", got)
			}
			checkAttrErr(t, err, "", errInvalidARN, tt.detail, tt.msg)
			if len(err.Error()) > 600 {
				t.Errorf("error message is %d bytes, not bounded", len(err.Error()))
			}
		})
	}
}

// checkAttrErr asserts err is an *Error for attr, matching category
// and detail with errors.Is, with msg in its text and the package prefix.
func checkAttrErr(t *testing.T, err error, attr string, category, detail error, msg string) *Error {
	t.Helper()
	var ae *Error
	if !errors.As(err, &ae) {
		t.Fatalf("error %v (%T) is not an *Error", err, err)
	}
	if ae.Attribute != attr {
		t.Errorf("Attribute = %q, want %q", ae.Attribute, attr)
	}
	if ae.Rule == "" {
		t.Errorf("error %q has no rule", err)
	}
	if !errors.Is(err, category) {
		t.Errorf("error %q is not %v", err, category)
	}
	if detail != nil && !errors.Is(err, detail) {
		t.Errorf("error %q is not %v", err, detail)
	}
	if !strings.HasPrefix(err.Error(), "awsrole: ") {
		t.Errorf("error %q lacks the package prefix", err)
	}
	if !strings.Contains(err.Error(), msg) {
		t.Errorf("error %q does not contain %q", err, msg)
	}
	return ae
}

func TestParseProviderARN(t *testing.T) {
	good := []struct {
		name string
		in   string
		want ProviderARN
	}{
		{"B2.1/entra", "arn:aws:iam::123456789012:saml-provider/EntraID", ProviderARN{PartitionAWS, acct, "EntraID"}},
		{"B2.1/B1.2/doc-charset", "arn:aws:iam::123456789012:saml-provider/a_Z0+=,.@-", ProviderARN{PartitionAWS, acct, "a_Z0+=,.@-"}},
		{"B2.1/128", "arn:aws:iam::123456789012:saml-provider/" + strings.Repeat("p", 128), ProviderARN{PartitionAWS, acct, strings.Repeat("p", 128)}},
		{"B2.1/aws-us-gov", "arn:aws-us-gov:iam::123456789012:saml-provider/P", ProviderARN{PartitionAWSUSGov, acct, "P"}},
		{"B2.1/aws-iso-f", "arn:aws-iso-f:iam::123456789012:saml-provider/P", ProviderARN{PartitionAWSISOF, acct, "P"}},
	}
	for _, tt := range good {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseProviderARN(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want || got.String() != tt.in {
				t.Fatalf("ParseProviderARN(%q) = %#v (%q), want %#v", tt.in, got, got, tt.want)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
		})
	}
	bad := []struct {
		name   string
		in     string
		detail error
		msg    string
	}{
		{"B2.1/role-not-provider", "arn:aws:iam::123456789012:role/R", nil, "not a saml-provider ARN"},
		{"B2.1/empty-name", "arn:aws:iam::123456789012:saml-provider/", nil, "name is empty"},
		{"B2.1/no-slash", "arn:aws:iam::123456789012:saml-provider", nil, `no name after "saml-provider"`},
		{"B2.1/129", "arn:aws:iam::123456789012:saml-provider/" + strings.Repeat("p", 129), nil, "longer than 128"},
		{"B2.1/path", "arn:aws:iam::123456789012:saml-provider/a/b", nil, "have no path"},
		{"B2.1/bad-char", "arn:aws:iam::123456789012:saml-provider/a#b", nil, "name has '#'"},
		{"B2.1/oidc-provider", "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com", errARNNotIAM, "oidc-provider"},
		{"B2.1/wildcard", "arn:aws:iam::123456789012:saml-provider/*", errARNWildcard, "wildcard"},
		{"B2.1/region", "arn:aws:iam:eu-west-1:123456789012:saml-provider/P", nil, "no region"},
		{"B2.1/partition", "arn:aws-eusc:iam::123456789012:saml-provider/P", nil, "unknown partition"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseProviderARN(tt.in)
			if err == nil {
				t.Fatalf("ParseProviderARN(%q) succeeded", tt.in)
			}
			checkAttrErr(t, err, "", errInvalidARN, tt.detail, tt.msg)
		})
	}
}

func TestARNValidateAndText(t *testing.T) {
	r := RoleARN{Partition: PartitionAWS, AccountID: acct, Name: "R"} // empty Path means "/"
	if r.String() != "arn:aws:iam::123456789012:role/R" {
		t.Errorf("String() = %q", r)
	}
	if err := r.Validate(); err != nil {
		t.Errorf("B2.3/empty-path-is-slash: %v", err)
	}
	if (RoleARN{}).String() != "" || (ProviderARN{}).String() != "" || (Role{}).String() != "" {
		t.Error("zero values must print as empty strings")
	}
	for name, bad := range map[string]RoleARN{
		"B2.2/zero":           {},
		"B2.2/name-has-slash": {PartitionAWS, acct, "/", "a/b"},
		"B2.3/path-no-slash":  {PartitionAWS, acct, "ops", "R"},
		"B2.2/bad-partition":  {"aws-moon", acct, "/", "R"},
	} {
		if err := bad.Validate(); err == nil {
			t.Errorf("%s: Validate(%#v) = nil", name, bad)
		} else if !errors.Is(err, errInvalidARN) {
			t.Errorf("%s: error %v is not errInvalidARN", name, err)
		}
		if _, err := bad.MarshalText(); err == nil {
			t.Errorf("%s: MarshalText succeeded", name)
		}
	}
	for name, bad := range map[string]ProviderARN{
		"B2.1/zero":           {},
		"B2.1/name-has-slash": {PartitionAWS, acct, "a/b"},
		"B2.1/short-account":  {PartitionAWS, "1", "P"},
	} {
		if err := bad.Validate(); err == nil {
			t.Errorf("%s: Validate(%#v) = nil", name, bad)
		}
		if _, err := bad.MarshalText(); err == nil {
			t.Errorf("%s: MarshalText succeeded", name)
		}
	}

	// JSON goes through MarshalText / UnmarshalText.
	type doc struct {
		Role     RoleARN
		Provider ProviderARN
		Pair     Role
	}
	in := doc{
		Role:     RoleARN{PartitionAWSCN, acct, "/x/", "R"},
		Provider: ProviderARN{PartitionAWSCN, acct, "P"},
	}
	in.Pair = Role{in.Role, in.Provider}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Role":"arn:aws-cn:iam::123456789012:role/x/R","Provider":"arn:aws-cn:iam::123456789012:saml-provider/P","Pair":"arn:aws-cn:iam::123456789012:role/x/R,arn:aws-cn:iam::123456789012:saml-provider/P"}`
	if string(b) != want {
		t.Errorf("json = %s\nwant   %s", b, want)
	}
	var out doc
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out != in {
		t.Errorf("round trip = %#v, want %#v", out, in)
	}
	for _, bad := range []string{`{"Role":"arn:aws:iam::1:role/R"}`, `{"Provider":"arn:aws:iam::123456789012:role/R"}`, `{"Pair":"x"}`} {
		if err := json.Unmarshal([]byte(bad), &out); err == nil {
			t.Errorf("json.Unmarshal(%s) succeeded", bad)
		}
	}
}

func TestValidateNewProviderName(t *testing.T) {
	for _, ok := range []string{"EntraID", "a", "a.b_c-d", strings.Repeat("x", 128), "Z9"} {
		if err := ValidateNewProviderName(ok); err != nil {
			t.Errorf("B1.2/ok %q: %v", ok, err)
		}
	}
	for name, bad := range map[string]string{
		"B1.2/empty":          "",
		"B1.2/129":            strings.Repeat("x", 129),
		"B1.2/plus-doc-only":  "a+b",
		"B1.2/at-doc-only":    "a@b",
		"B1.2/comma-doc-only": "a,b",
		"B1.2/equals":         "a=b",
		"B1.2/space":          "a b",
		"B1.2/slash":          "a/b",
		"B1.2/unicode":        "Éntra",
	} {
		err := ValidateNewProviderName(bad)
		if err == nil {
			t.Errorf("%s: ValidateNewProviderName(%q) = nil", name, bad)
			continue
		}
		checkAttrErr(t, err, "", errInvalidProviderName, nil, "SAML provider name")
	}
	// B1.2: such names are still accepted in existing ARNs.
	if _, err := ParseProviderARN("arn:aws:iam::123456789012:saml-provider/a+b@c,d=e"); err != nil {
		t.Errorf("B1.2/parse-existing-doc-charset: %v", err)
	}
}

func TestAssumedRoleARN(t *testing.T) {
	r, err := ParseRoleARN("arn:aws-us-gov:iam::123456789012:role/team/ops/Admin")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.AssumedRoleARN("alice@example.com"), "arn:aws-us-gov:sts::123456789012:assumed-role/Admin/alice@example.com"; got != want {
		t.Errorf("B2.6: AssumedRoleARN = %q, want %q", got, want)
	}
}

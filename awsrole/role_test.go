package awsrole

import (
	"errors"
	"strings"
	"testing"
)

const (
	roleA = "arn:aws:iam::123456789012:role/Admin"
	provA = "arn:aws:iam::123456789012:saml-provider/EntraID"
)

func TestParseRole(t *testing.T) {
	want := Role{
		RoleARN:     RoleARN{PartitionAWS, acct, "/", "Admin"},
		ProviderARN: ProviderARN{PartitionAWS, acct, "EntraID"},
	}
	tests := []struct {
		name string
		in   string
		want Role
	}{
		{"A3.1/role-first", roleA + "," + provA, want},
		{"A3.2/provider-first", provA + "," + roleA, want},
		{"A3.2/space-around-comma", roleA + " , " + provA, want},
		{"A3.2/surrounding-xml-whitespace", "\n\t  " + provA + ",\r\n" + roleA + "  \n", want},
		{"A3.1/path", "arn:aws:iam::123456789012:role/team/ops/Admin," + provA,
			Role{RoleARN{PartitionAWS, acct, "/team/ops/", "Admin"}, want.ProviderARN}},
		{"A3.3/aws-us-gov", "arn:aws-us-gov:iam::123456789012:role/R,arn:aws-us-gov:iam::123456789012:saml-provider/P",
			Role{RoleARN{PartitionAWSUSGov, acct, "/", "R"}, ProviderARN{PartitionAWSUSGov, acct, "P"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRole(tt.in)
			if err != nil {
				t.Fatalf("ParseRole(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Fatalf("ParseRole(%q) = %#v, want %#v", tt.in, got, tt.want)
			}
			// Canonical form: role first, no whitespace.
			wantS := tt.want.RoleARN.String() + "," + tt.want.ProviderARN.String()
			if got.String() != wantS {
				t.Errorf("String() = %q, want %q", got.String(), wantS)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
			again, err := ParseRole(got.String())
			if err != nil || again != got {
				t.Errorf("re-parse of String() = %v, %v", again, err)
			}
		})
	}
}

func TestParseRoleErrors(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		detail error
		msg    string
	}{
		{"A3.1/empty", "", nil, "value is empty"},
		{"A3.1/only-whitespace", " \t\n", nil, "value is only whitespace"},
		{"A3.1/one-arn", roleA, nil, "one part and no comma"},
		{"A3.3/trailing-comma", roleA + ",", nil, "part 2 of 2 is empty"},
		{"A3.3/leading-comma", "," + roleA, nil, "part 1 of 2 is empty"},
		{"A3.3/double-comma", roleA + ",," + provA, nil, "part 2 of 3 is empty"},
		{"A3.3/only-comma", ",", nil, "part 1 of 2 is empty"},
		{"A3.3/three-arns", roleA + "," + provA + "," + provA, nil, "has 3 ARNs; want exactly two"},
		{"A3.3/comma-in-name", "arn:aws:iam::123456789012:role/a,b," + provA, nil, "an ARN containing a comma cannot be used"},
		{"A3.2/two-roles", roleA + "," + roleA, nil, "two role ARNs and no saml-provider ARN"},
		{"A3.2/two-providers", provA + "," + provA, nil, "two saml-provider ARNs and no role ARN"},
		{"A3.3/not-an-arn", "Admin," + provA, nil, `first ARN: not an ARN`},
		{"A3.3/wildcard", "arn:aws:iam::123456789012:role/*," + provA, errARNWildcard, "first ARN: ARN contains wildcard"},
		{"A3.3/wildcard-provider", roleA + ",arn:aws:iam::123456789012:saml-provider/Entra*", errARNWildcard, "second ARN: ARN contains wildcard"},
		{"A3.3/non-iam-sts", "arn:aws:sts::123456789012:assumed-role/Admin/alice," + provA, errARNNotIAM, `service "sts"`},
		{"A3.3/non-iam-user", roleA + ",arn:aws:iam::123456789012:user/alice", errARNNotIAM, `resource type "user"`},
		{"A3.3/space-inside", "arn:aws:iam::123456789012:role/My Role," + provA, errARNSpace, "whitespace U+0020"},
		{"A3.3/control-inside", "arn:aws:iam::123456789012:role/R\x01," + provA, errARNSpace, "control character U+0001"},
		{"A3.3/newline-inside", "arn:aws:iam::123456789012:role/\nR," + provA, errARNSpace, "whitespace U+000A"},
		{"A3.3/nbsp-around-comma", roleA + "\u00a0," + provA, errARNSpace, "whitespace U+00A0"},
		{"A3.3/partition-mismatch", roleA + ",arn:aws-cn:iam::123456789012:saml-provider/P", errARNMismatch, `partition "aws" but saml-provider in "aws-cn"`},
		{"A3.3/account-mismatch", roleA + ",arn:aws:iam::210987654321:saml-provider/P", errARNMismatch, "account 123456789012 but saml-provider in account 210987654321"},
		{"A3.3/huge-value", strings.Repeat(",", 10000), nil, "longer than any valid role,provider pair"},
		{"B2.3/bad-role-name", "arn:aws:iam::123456789012:role/a#b," + provA, nil, "role name has '#'"},
	}
	msgs := map[string]string{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRole(tt.in)
			if err == nil {
				t.Fatalf("ParseRole(%q) = %v, want error", tt.in, got)
			}
			ae := checkAttrErr(t, err, AttrRole, errInvalidRole, tt.detail, tt.msg)
			// An ARN-level failure also matches errInvalidARN; pair-level ones do not.
			if arnLevel := strings.HasPrefix(ae.Reason, "first ARN: ") || strings.HasPrefix(ae.Reason, "second ARN: "); errors.Is(err, errInvalidARN) != arnLevel {
				t.Errorf("errors.Is(err, errInvalidARN) = %v, want %v", !arnLevel, arnLevel)
			}
			var inner *Error
			if errors.As(ae.Err, &inner) && inner.Attribute != "" {
				t.Errorf("inner ARN error names attribute %q", inner.Attribute)
			}
			if prev, dup := msgs[ae.Reason]; dup {
				t.Errorf("same message as case %s: %q", prev, ae.Reason)
			}
			msgs[ae.Reason] = tt.name
		})
	}
}

func TestParseRoleBoundedMessage(t *testing.T) {
	long := "arn:aws:iam::123456789012:role/" + strings.Repeat("p/", 900) + "R"
	_, err := ParseRole(long + "," + provA + "," + provA)
	if err == nil {
		t.Fatal("want error")
	}
	if n := len(err.Error()); n > 600 {
		t.Errorf("A3.3: message is %d bytes: not bounded", n)
	}
	_, err = ParseRole(strings.Repeat("x", 1<<20) + "," + provA)
	if err == nil || len(err.Error()) > 600 {
		t.Errorf("A3.3: 1 MiB part: err=%v (len %d)", err != nil, len(err.Error()))
	}
}

func TestRoleValidate(t *testing.T) {
	ok := Role{RoleARN{PartitionAWS, acct, "", "R"}, ProviderARN{PartitionAWS, acct, "P"}}
	if err := ok.Validate(); err != nil {
		t.Errorf("A3.3/empty-path: %v", err)
	}
	b, err := ok.MarshalText()
	if err != nil || string(b) != "arn:aws:iam::123456789012:role/R,arn:aws:iam::123456789012:saml-provider/P" {
		t.Errorf("MarshalText = %q, %v", b, err)
	}
	for name, bad := range map[string]Role{
		"A3.1/zero":             {},
		"A3.3/account-mismatch": {RoleARN{PartitionAWS, acct, "/", "R"}, ProviderARN{PartitionAWS, "210987654321", "P"}},
		"A3.3/comma-in-name":    {RoleARN{PartitionAWS, acct, "/", "a,b"}, ProviderARN{PartitionAWS, acct, "P"}},
		"A3.3/slash-in-name":    {RoleARN{PartitionAWS, acct, "/", "x/R"}, ProviderARN{PartitionAWS, acct, "P"}},
		"A3.3/missing-provider": {RoleARN: RoleARN{PartitionAWS, acct, "/", "R"}},
	} {
		err := bad.Validate()
		if err == nil {
			t.Errorf("%s: Validate(%v) = nil", name, bad)
			continue
		}
		if !errors.Is(err, errInvalidRole) {
			t.Errorf("%s: %v is not errInvalidRole", name, err)
		}
		if _, err := bad.MarshalText(); err == nil {
			t.Errorf("%s: MarshalText succeeded", name)
		}
	}
	var r Role
	if err := r.UnmarshalText([]byte(" " + provA + " , " + roleA)); err != nil || r.String() != roleA+","+provA {
		t.Errorf("UnmarshalText: %v %q", err, r)
	}
}

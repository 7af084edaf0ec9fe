package awsrole

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParseRoleARN(f *testing.F) {
	for _, s := range []string{
		roleA, provA, "arn:aws:iam::123456789012:role/a/b/c/R", "arn:aws-iso-b:iam::123456789012:role///R",
		"arn:aws:iam::123456789012:role//R", "arn:aws:iam::123456789012:role/", "arn:aws:sts::123456789012:assumed-role/R/s",
		"arn:aws:iam::123456789012:role/R*", "arn:aws:iam::123456789012:saml-provider/a+b", "", "arn:", ":::::",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if r, err := ParseRoleARN(s); err == nil {
			if r.String() != s {
				t.Fatalf("B2.2: String() = %q, input %q", r.String(), s)
			}
			if err := r.Validate(); err != nil {
				t.Fatalf("B2.2: accepted %q but Validate: %v", s, err)
			}
			if !slices.Contains(Partitions(), r.Partition) || len(r.AccountID) != 12 || !strings.HasPrefix(r.Path, "/") || !strings.HasSuffix(r.Path, "/") ||
				r.Name == "" || strings.Contains(r.Name, "/") {
				t.Fatalf("B2.2: accepted %q with fields %#v", s, r)
			}
		} else {
			checkFuzzErr(t, err, errInvalidARN)
		}
		if p, err := ParseProviderARN(s); err == nil {
			if p.String() != s {
				t.Fatalf("B2.1: String() = %q, input %q", p.String(), s)
			}
			if err := p.Validate(); err != nil {
				t.Fatalf("B2.1: accepted %q but Validate: %v", s, err)
			}
			if _, err := ParseRoleARN(s); err == nil {
				t.Fatalf("B2.1: %q is both a role and a provider ARN", s)
			}
		} else {
			checkFuzzErr(t, err, errInvalidARN)
		}
	})
}

// checkFuzzErr asserts the error contract: an *Error in the category,
// with a bounded message.
func checkFuzzErr(t *testing.T, err error, category error) {
	t.Helper()
	var ae *Error
	if !errors.As(err, &ae) || !errors.Is(err, category) {
		t.Fatalf("error %v (%T) is not an *Error of %v", err, err, category)
	}
	if ae.Rule == "" || !strings.HasPrefix(err.Error(), "awsrole: ") {
		t.Fatalf("error %q lacks rule or prefix", err)
	}
	if n := len(err.Error()); n > 1200 {
		t.Fatalf("error message is %d bytes", n)
	}
}

func FuzzParseRole(f *testing.F) {
	for _, s := range []string{
		roleA + "," + provA, provA + "," + roleA, " " + roleA + " ,\n" + provA + "\t", roleA + "," + provA + "," + provA,
		roleA + ",", ",", roleA + "," + roleA, roleA + ",arn:aws-cn:iam::123456789012:saml-provider/P",
		"arn:aws:iam::123456789012:role/a,b," + provA, "arn:aws:iam::123456789012:role/R\x00," + provA,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRole(s)
		if err != nil {
			checkFuzzErr(t, err, errInvalidRole)
			if r != (Role{}) {
				t.Fatalf("non-zero Role with error")
			}
			return
		}
		c := r.String()
		if strings.ContainsAny(c, " \t\r\n") || strings.Count(c, ",") != 1 || !strings.Contains(c, ":role/") {
			t.Fatalf("A3.2: canonical %q of %q", c, s)
		}
		again, err := ParseRole(c)
		if err != nil || again != r {
			t.Fatalf("A3.2: re-parse of %q = %v, %v; want %v", c, again, err, r)
		}
		if r.RoleARN.Partition != r.ProviderARN.Partition || r.RoleARN.AccountID != r.ProviderARN.AccountID {
			t.Fatalf("A3.3: accepted mismatched %q", s)
		}
		if err := r.Validate(); err != nil {
			t.Fatalf("Validate: %v", err)
		}
	})
}

func FuzzSessionNameFrom(f *testing.F) {
	for _, s := range []string{"alice@example.com", "o'brien@example.com", "", "a", strings.Repeat("ü", 70), "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := SessionNameFrom(s)
		if err := n.Validate(); err != nil {
			t.Fatalf("C2.8: SessionNameFrom(%q) = %q is invalid: %v", s, n, err)
		}
		if len(n) > 64 || !utf8.ValidString(string(n)) {
			t.Fatalf("C2.8: %q", n)
		}
		if RoleSessionName(s).Validate() == nil && string(n) != s {
			t.Fatalf("C2.8: valid %q changed to %q", s, n)
		}
		if SessionNameFrom(s) != n {
			t.Fatal("C2.8: not deterministic")
		}
	})
}

func FuzzParseAttributes(f *testing.F) {
	f.Add(roleA+","+provA, "alice@example.com", "3600", "alice", "Dept", "Ops", "dept")
	f.Add(provA+","+roleA, "ab", "", "", "", "", "")
	f.Add("x", "a b", "+1", "aws:x", "aws:k", "aws:v", "nope")
	f.Fuzz(func(t *testing.T, role, rsn, dur, src, key, val, trans string) {
		m := map[string][]string{AttrRole: {role}, AttrRoleSessionName: {rsn}}
		if dur != "" {
			m[AttrSessionDuration] = []string{dur}
		}
		if src != "" {
			m[AttrSourceIdentity] = []string{src}
		}
		if key != "" {
			m[AttrPrincipalTagPrefix+key] = []string{val}
		}
		if trans != "" {
			m[AttrTransitiveTagKeys] = strings.Split(trans, "|")
		}
		a, err := ParseAttributes(m)
		if err != nil {
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				var ae *Error
				if !errors.As(e, &ae) || ae.Rule == "" || len(ae.Error()) > 1200 {
					t.Fatalf("bad error %v", e)
				}
			}
			return
		}
		if err := a.Validate(); err != nil {
			t.Fatalf("accepted %v but Validate: %v", m, err)
		}
		b, err := ParseAttributes(a.Values())
		if err != nil || !reflect.DeepEqual(a, b) {
			t.Fatalf("round trip of %v: %v\n%#v\n%#v", m, err, a, b)
		}
	})
}

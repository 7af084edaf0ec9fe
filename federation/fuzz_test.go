package federation

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/samlaws/samlaws/awsrole"
)

var identifierSeeds = []string{
	canon, canon + "#2", canon + "#9999", canon + "#10000", canon + "#0", canon + "#02",
	canon + "#", canon + "##2", canon + "#1#2", canon + " #2", " " + canon, canon + "/",
	canon + "?x#2", "https://signin.aws.amazon.com:443/saml", "HTTPS://SIGNIN.AWS.AMAZON.COM/SAML",
	"urn:amazon:webservices", "urn:amazon:webservices#3", "#2", "", "https:", canon + "%232",
	canon + "#\uff12", "https://signin.aws.amazon.com.evil/saml#2",
}

// FuzzParseIdentifier checks, for any input, that ParseIdentifier never
// panics, and that a success splits the input exactly (A1.6): String gives the
// input back, the audience has no '#', the instance is in range.
func FuzzParseIdentifier(f *testing.F) {
	for _, s := range identifierSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseIdentifier(s)
		if err != nil {
			if id != (Identifier{}) {
				t.Fatalf("error with non-zero result %+v", id)
			}
			return
		}
		if strings.Contains(id.Audience, "#") {
			t.Fatalf("A1.6: audience %q contains '#'", id.Audience)
		}
		if id.Instance < 0 || id.Instance > maxInstance {
			t.Fatalf("A1.6: instance %d out of range", id.Instance)
		}
		if id.String() != s {
			t.Fatalf("A1.6: String() = %q, input %q", id.String(), s)
		}
		if id.Instance == 0 && strings.Contains(s, "#") {
			t.Fatalf("A1.6: %q has '#' but no instance", s)
		}
	})
}

// isCanonicalOrInstance reports whether s is canon or canon + "#N" with N a
// valid instance number, checked independently of parseInstance.
func isCanonicalOrInstance(s string) bool {
	if s == canon {
		return true
	}
	rest, ok := strings.CutPrefix(s, canon+"#")
	if !ok || rest == "" || len(rest) > 4 || rest[0] == '0' {
		return false
	}
	return strings.Trim(rest, "0123456789") == ""
}

// FuzzNormalizeAudience checks the normalization invariants (A1.6): no panic;
// the normalized output never contains '#'; and a value that matches the
// canonical audience after normalization is exactly canon or canon+"#digits".
func FuzzNormalizeAudience(f *testing.F) {
	for _, s := range identifierSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := normalizeAudience(s)
		if err != nil && n != "" {
			t.Fatalf("error with output %q", n)
		}
		if strings.Contains(n, "#") {
			t.Fatalf("A1.6: normalizeAudience(%q) = %q contains '#'", s, n)
		}
		matches := audienceMatches(canon, s)
		if matches != (err == nil && n == canon) {
			t.Fatalf("A1.6: audienceMatches(canon, %q) = %v, NormalizeAudience = %q, %v", s, matches, n, err)
		}
		if matches != isCanonicalOrInstance(s) {
			t.Fatalf("A1.6: audienceMatches(canon, %q) = %v, want %v", s, matches, !matches)
		}
		// CheckAudience for aws must accept every canonical match too.
		if matches && CheckAudience(awsrole.PartitionAWS, s) != nil {
			t.Fatalf("A1.7: CheckAudience rejects %q", s)
		}
	})
}

// FuzzParseSignInEndpoint checks that ParseSignInEndpoint never panics and
// only accepts plain https URLs whose partition and region it reports
// consistently (A1.1-A1.3, A1.8).
func FuzzParseSignInEndpoint(f *testing.F) {
	for _, s := range identifierSeeds {
		f.Add(s)
	}
	for _, s := range []string{
		"https://eu-west-1.signin.aws.amazon.com/saml", "https://signin.amazonaws.cn/saml",
		"https://us-gov-east-1.signin.amazonaws-us-gov.com/saml", "https://signin.aws.amazon.com/static/saml",
		"https://signin.aws.amazon.com/saml/acs/ABCDEFGHIJKLMNOPQRSTUV", "https://cn-north-1.signin.aws.amazon.com/saml",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ep, err := ParseSignInEndpoint(s)
		if err != nil {
			return
		}
		if ep.URL != s || !strings.HasPrefix(s, "https://") || strings.ContainsAny(s, "#?@ \t\r\n") ||
			strings.Count(s, ":") != 1 || s != strings.ToLower(s[:len(s)-len(ep.ProviderID)])+ep.ProviderID {
			t.Fatalf("A1.8: accepted %q as %+v", s, ep)
		}
		if !slices.Contains(awsrole.Partitions(), ep.Partition) {
			t.Fatalf("A1.8: partition %q", ep.Partition)
		}
		if ep.Region != "" {
			if p, err := PartitionForRegion(ep.Region); err != nil || p != ep.Partition {
				t.Fatalf("A1.2: region %q vs partition %q", ep.Region, ep.Partition)
			}
		}
		if err := checkRecipient(ep.Partition, s); err != nil {
			t.Fatalf("A1.8: CheckRecipient rejects parsed endpoint %q: %v", s, err)
		}
		if _, err := url.Parse(s); err != nil {
			t.Fatalf("accepted URL that net/url rejects: %q", s)
		}
	})
}

// FuzzParseTrustPolicy checks that ParseTrustPolicy never panics on hostile
// documents and that what it reports is self-consistent (B3.1, C4.6).
func FuzzParseTrustPolicy(f *testing.F) {
	seeds := []string{
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Federated":"` + provA + `"},"Action":"sts:AssumeRoleWithSAML"}}`,
		`{"Statement":[{"Effect":"Allow","Principal":{"Federated":["` + provA + `","` + provB + `"]},"Action":["sts:*"],"Condition":{"StringLike":{"SAML:aud":["a","b"]}}},{"Effect":"Deny","NotPrincipal":{"Federated":"` + provA + `"},"Action":"*"}]}`,
		`{"Statement":[],"Statement":[]}`,
		`{"Statement":{"Effect":"Allow","Principal":"*","NotAction":"sts:AssumeRole"}}`,
		`%7B%22Statement%22%3A%5B%5D%7D`,
		`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRoleWithSAML","Condition":{"Bool":{"x":[true,1,"s"]}}}]}`,
		`[[[[[[[[[[`, `{"a":` + strings.Repeat(`[`, 50), `null`, ``,
	}
	for _, s := range seeds {
		f.Add(s)
	}
	role, err := awsrole.ParseRoleARN(roleX)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tp, err := ParseTrustPolicy(s)
		if err != nil {
			if tp != nil {
				t.Fatal("non-nil result with error")
			}
			return
		}
		inStatements := map[awsrole.ProviderARN]bool{}
		for _, st := range tp.Statements {
			if len(st.Providers) == 0 {
				t.Fatalf("statement without providers: %+v", st)
			}
			for _, p := range st.Providers {
				inStatements[p] = true
			}
		}
		seen := map[awsrole.ProviderARN]bool{}
		for _, p := range append(append([]awsrole.ProviderARN(nil), tp.Providers...), tp.Denied...) {
			if err := p.Validate(); err != nil {
				t.Fatalf("B2.1: reported invalid provider %v: %v", p, err)
			}
			if seen[p] {
				t.Fatalf("provider %v reported twice (Providers+Denied)", p)
			}
			seen[p] = true
			if !inStatements[p] {
				t.Fatalf("provider %v not in any statement", p)
			}
		}
		if len(seen) != len(inStatements) {
			t.Fatalf("statements name %d providers, Providers+Denied hold %d", len(inStatements), len(seen))
		}
		// B2.5: the URL-encoded form IAM returns reads the same.
		if !strings.HasPrefix(strings.TrimLeft(s, " \t\r\n"), "%") {
			tp2, err := ParseTrustPolicy(url.PathEscape(s))
			if err != nil {
				t.Fatalf("B2.5: URL-encoded form rejected: %v", err)
			}
			if len(tp2.Providers) != len(tp.Providers) || len(tp2.Statements) != len(tp.Statements) ||
				tp2.AnyPrincipal != tp.AnyPrincipal || tp2.ConditionalDeny != tp.ConditionalDeny {
				t.Fatalf("B2.5: URL-encoded form reads differently: %+v vs %+v", tp2, tp)
			}
		}
		p, err := tp.ImportableProvider(role)
		if err == nil && (len(tp.Providers) != 1 || tp.AnyPrincipal || p != tp.Providers[0]) {
			t.Fatalf("C4.6: importable with %+v", tp)
		}
	})
}

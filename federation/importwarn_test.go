package federation

import (
	"strings"
	"testing"

	"github.com/samlaws/samlaws/awsrole"
)

// TestImportWarningsTagSession pins C4.8: a trust policy that lets the
// saml-provider call sts:TagSession is still importable (C4.6), but the import
// check warns that a 2020 report (MicrosoftDocs/azure-docs#51322) saw Entra's
// connector disable such a role, and says the report may be out of date.
func TestImportWarningsTagSession(t *testing.T) {
	t.Parallel()
	prov, err := awsrole.ParseProviderARN(provA)
	if err != nil {
		t.Fatal(err)
	}
	withTags, err := NewTrustPolicy(TrustPolicyOptions{Providers: []awsrole.ProviderARN{prov}, TagSession: true})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := NewTrustPolicy(TrustPolicyOptions{Providers: []awsrole.ProviderARN{prov}, SetSourceIdentity: true})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		doc  string
		warn bool
	}{
		{"C4.8/helper_tag_session", string(withTags), true},
		// The shape of the report: an Action list with both actions.
		{"C4.8/report_shape", doc(`{"Effect":"Allow","Principal":{"Federated":"` + provA + `"},"Action":["sts:AssumeRoleWithSAML","sts:TagSession"]}`), true},
		{"C4.8/wildcard_sts_star", doc(`{"Effect":"Allow","Principal":{"Federated":"` + provA + `"},"Action":"sts:*"}`), true},
		{"C4.8/no_tag_session", string(plain), false},
		{"C4.8/tag_session_for_another_principal_only", doc(`[{"Effect":"Allow","Principal":{"Federated":"` + provA + `"},"Action":"sts:AssumeRoleWithSAML"},{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:TagSession"}]`), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tp, err := ParseTrustPolicy(tc.doc)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tp.ImportableProvider(mustRole(t, roleX)); err != nil {
				t.Fatalf("not importable: %v", err)
			}
			w := tp.ImportWarnings()
			if !tc.warn {
				if len(w) != 0 {
					t.Fatalf("warnings %v, want none", w)
				}
				return
			}
			if len(w) != 1 || w[0].Rule != "C4.8" {
				t.Fatalf("warnings %v, want one C4.8", w)
			}
			for _, want := range []string{"sts:TagSession", "2020", "51322", "may since have been fixed"} {
				if !strings.Contains(w[0].Message, want) {
					t.Errorf("warning %q lacks %q", w[0], want)
				}
			}
		})
	}
}

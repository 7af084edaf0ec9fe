package federation

import (
	"errors"
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
			w := tp.ImportWarnings
			if !tc.warn {
				if len(w) != 0 {
					t.Fatalf("warnings %v, want none", w)
				}
				return
			}
			if len(w) != 1 || w[0].Rule != "C4.8" || !errors.Is(w[0], ErrNotImportable) {
				t.Fatalf("warnings %v, want one C4.8", w)
			}
			for _, want := range []string{"sts:TagSession", "2020", "51322", "may since have been fixed"} {
				if !strings.Contains(w[0].Reason, want) {
					t.Errorf("warning %q lacks %q", w[0], want)
				}
			}
		})
	}
}

// TestTrustPolicyProviderSpecificACS pins A1.4/A1.9 for issue 18: for a
// provider that requires encrypted assertions, SAML:aud (the Recipient) is
// the provider-specific ACS AWS documents, so NewTrustPolicy offers it, and
// the policy it writes lets a request with that Recipient through Authorize
// while a policy without it does not.
func TestTrustPolicyProviderSpecificACS(t *testing.T) {
	t.Parallel()
	const id = "SAMLSPD9IMTW2LM46J042K"
	prov, err := awsrole.ParseProviderARN(provA)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		regional bool
		want     []string
	}{
		{false, []string{`"StringEquals"`, `"https://signin.aws.amazon.com/saml"`, `"https://signin.aws.amazon.com/saml/acs/` + id + `"`}},
		{true, []string{`"StringLike"`, `"https://*.signin.aws.amazon.com/saml/acs/` + id + `"`, `"https://signin.aws.amazon.com/saml/acs/` + id + `"`}},
	} {
		doc, err := NewTrustPolicy(TrustPolicyOptions{Providers: []awsrole.ProviderARN{prov}, RegionalAudience: tc.regional, ProviderID: id})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tc.want {
			if !strings.Contains(string(doc), w) {
				t.Errorf("A1.4 regional %v: policy lacks %s:\n%s", tc.regional, w, doc)
			}
		}
		tp, err := ParseTrustPolicy(string(doc))
		if err != nil {
			t.Fatal(err)
		}
		if st := tp.Statements[0]; !strings.Contains(strings.Join(st.Audiences, " "), "/saml/acs/"+id) {
			t.Errorf("parsed audiences %v", st.Audiences)
		}
		recipient := "https://signin.aws.amazon.com/saml/acs/" + id
		if tc.regional {
			recipient = "https://eu-west-1.signin.aws.amazon.com/saml/acs/" + id
		}
		req := SAMLRequest{Provider: prov, Issuer: "https://sts.windows.net/t/", Recipient: recipient, NameID: "u"}
		if err := tp.Authorize(req); err != nil {
			t.Errorf("A1.9 regional %v: Recipient %s denied: %v", tc.regional, recipient, err)
		}
		plain, err := NewTrustPolicy(TrustPolicyOptions{Providers: []awsrole.ProviderARN{prov}, RegionalAudience: tc.regional})
		if err != nil {
			t.Fatal(err)
		}
		ptp, err := ParseTrustPolicy(string(plain))
		if err != nil {
			t.Fatal(err)
		}
		if err := ptp.Authorize(req); !errors.Is(err, ErrNotAuthorized) {
			t.Errorf("A1.9 regional %v without ProviderID: Recipient %s allowed: %v", tc.regional, recipient, err)
		}
	}
	if _, err := NewTrustPolicy(TrustPolicyOptions{Providers: []awsrole.ProviderARN{prov}, ProviderID: "bad id"}); !errors.Is(err, errInvalidProviderID) {
		t.Errorf("bad ProviderID: %v", err)
	}
	cn, _ := awsrole.ParseProviderARN("arn:aws-cn:iam::123456789012:saml-provider/EntraID")
	if _, err := NewTrustPolicy(TrustPolicyOptions{Providers: []awsrole.ProviderARN{cn}, ProviderID: id}); !errors.Is(err, errNoEndpoint) {
		t.Errorf("aws-cn ProviderID: %v", err)
	}
}

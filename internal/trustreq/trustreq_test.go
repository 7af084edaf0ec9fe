package trustreq

import (
	"reflect"
	"testing"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/saml"
)

// TestFromAssertion: every field of the request is filled from the assertion
// (a field added to federation.SAMLRequest and not set here fails), each from
// the right one.
func TestFromAssertion(t *testing.T) {
	prov, err := awsrole.ParseProviderARN("arn:aws:iam::123456789012:saml-provider/EntraID")
	if err != nil {
		t.Fatal(err)
	}
	a := &saml.Assertion{
		Issuer:       "https://sts.windows.net/tenant/",
		Recipient:    "https://signin.aws.amazon.com/saml",
		NameID:       "b.simon@contoso.example",
		NameIDFormat: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
		Claims:       map[string][]string{"mail": {"b.simon@contoso.example"}},
	}
	a.SourceIdentity = "bsimon"
	a.Tags = []awsrole.Tag{{Key: "Project", Value: "Atlas"}}
	a.TransitiveTagKeys = []string{"Project"}
	r := FromAssertion(a, prov)
	v := reflect.ValueOf(r)
	for i := range v.NumField() {
		if v.Field(i).IsZero() {
			t.Errorf("SAMLRequest.%s is not set from the assertion", v.Type().Field(i).Name)
		}
	}
	if r.Provider != prov || r.Issuer != a.Issuer || r.Recipient != a.Recipient || r.NameID != a.NameID ||
		r.NameIDFormat != a.NameIDFormat || r.SourceIdentity != "bsimon" ||
		!reflect.DeepEqual(r.Attributes, a.Claims) || !reflect.DeepEqual(r.Tags, a.Tags) || !reflect.DeepEqual(r.TransitiveTagKeys, a.TransitiveTagKeys) {
		t.Errorf("FromAssertion = %+v, from %+v", r, a)
	}
}

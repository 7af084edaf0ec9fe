package federation

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samlaws/samlaws/awsrole"
)

// fixtureResponse picks, by local name, the few fields of a SAML Response this
// package has opinions about. It is a test helper, not a SAML parser: the
// fixtures are unsigned or do not verify (see testdata provenance in the
// project's fixtures SOURCES.md: Versent/saml2aws testdata).
type fixtureResponse struct {
	Destination string `xml:"Destination,attr"`
	Assertion   struct {
		Subject struct {
			NameID struct {
				Format string `xml:"Format,attr"`
			} `xml:"NameID"`
			Confirmations []struct {
				Data struct {
					Recipient string `xml:"Recipient,attr"`
				} `xml:"SubjectConfirmationData"`
			} `xml:"SubjectConfirmation"`
		} `xml:"Subject"`
		Audiences  []string `xml:"Conditions>AudienceRestriction>Audience"`
		Attributes []struct {
			Name   string   `xml:"Name,attr"`
			Values []string `xml:"AttributeValue"`
		} `xml:"AttributeStatement>Attribute"`
	} `xml:"Assertion"`
}

func loadFixture(t *testing.T, name string) fixtureResponse {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var r fixtureResponse
	if err := xml.Unmarshal(b, &r); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return r
}

// TestRealResponses runs the endpoint, audience, SubjectType and trust-policy
// rules over real-world AWS SAML responses (an Entra one and an AD FS one from
// saml2aws's test data).
func TestRealResponses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file            string
		wantAudience    string
		wantSubjectType string
		wantRoles       int
	}{
		{"saml2aws_aad_SAMLResponse.xml", "https://signin.aws.amazon.com/saml", "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress", 2},
		{"saml2aws_assertion.xml", "urn:amazon:webservices", "persistent", 2},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			r := loadFixture(t, tc.file)

			// A1.8: Destination and Recipient are the global endpoint.
			ep, err := ParseSignInEndpoint(r.Destination)
			if err != nil || ep.Partition != awsrole.PartitionAWS || ep.Region != "us-east-1" {
				t.Fatalf("A1.8 Destination %q: %+v %v", r.Destination, ep, err)
			}
			if n := len(r.Assertion.Subject.Confirmations); n != 1 {
				t.Fatalf("A1.8: %d SubjectConfirmations", n)
			}
			if err := checkRecipient(awsrole.PartitionAWS, r.Assertion.Subject.Confirmations[0].Data.Recipient); err != nil {
				t.Fatalf("A1.8 Recipient: %v", err)
			}
			if err := checkRecipient(awsrole.PartitionAWSUSGov, r.Assertion.Subject.Confirmations[0].Data.Recipient); err == nil {
				t.Fatal("A1.8: aws Recipient accepted for aws-us-gov")
			}

			// A1.6, A1.7: the audience is accepted for aws, also as the #2 instance.
			if len(r.Assertion.Audiences) != 1 || r.Assertion.Audiences[0] != tc.wantAudience {
				t.Fatalf("audiences = %q", r.Assertion.Audiences)
			}
			aud := r.Assertion.Audiences[0]
			for _, a := range []string{aud, aud + "#2"} {
				if err := CheckAudience(awsrole.PartitionAWS, a); err != nil {
					t.Fatalf("A1.7 CheckAudience(%q): %v", a, err)
				}
				if !audienceMatches(tc.wantAudience, a) {
					t.Fatalf("A1.6 audienceMatches(%q)", a)
				}
			}
			if err := CheckAudience(awsrole.PartitionAWSUSGov, aud); err == nil {
				t.Fatal("A1.7: aws audience accepted for aws-us-gov")
			}

			// B3.5
			if got := SubjectType(r.Assertion.Subject.NameID.Format); got != tc.wantSubjectType {
				t.Fatalf("B3.5 SubjectType = %q, want %q", got, tc.wantSubjectType)
			}

			// B3.1, C4.6: a trust policy built for each Role value's provider
			// makes that role importable with that provider.
			var roles []string
			for _, a := range r.Assertion.Attributes {
				if a.Name == "https://aws.amazon.com/SAML/Attributes/Role" {
					roles = append(roles, a.Values...)
				}
			}
			if len(roles) != tc.wantRoles {
				t.Fatalf("%d Role values, want %d", len(roles), tc.wantRoles)
			}
			for _, v := range roles {
				role, err := awsrole.ParseRole(strings.TrimSpace(v))
				if err != nil {
					t.Fatalf("ParseRole(%q): %v", v, err)
				}
				doc, err := NewTrustPolicy(TrustPolicyOptions{Providers: []awsrole.ProviderARN{role.ProviderARN}})
				if err != nil {
					t.Fatal(err)
				}
				got, err := importableProvider(role.RoleARN, string(doc))
				if err != nil || got != role.ProviderARN {
					t.Fatalf("C4.6 ImportableProvider(%v) = %v, %v", role, got, err)
				}
			}
		})
	}
}

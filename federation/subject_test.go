package federation

import (
	"testing"

	"github.com/samlaws/samlaws/awsrole"
)

func TestNameQualifier(t *testing.T) {
	t.Parallel()
	// Expected values were computed outside Go, with
	//   printf '%s' '<input>' | openssl sha1 -binary | base64
	tests := []struct {
		name                      string
		issuer, account, provider string
		want                      string
	}{
		// B3.4: the documented example, Base64(SHA1("https://example.com/saml" +
		// "123456789012" + "/MySAMLIdP")).
		{"B3.4/doc_example", "https://example.com/saml", "123456789012", "MySAMLIdP", "1uAJanUnBc2XeUkHURMht+xam2c="},
		{"B3.4/entra_issuer_trailing_slash", "https://sts.windows.net/25f4519b-0000-0000-0000-000000000000/", "111122223333", "EntraID", "mmBTJVBIWphPs7QrA2v/bl4c8Fc="},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := NameQualifier(tc.issuer, tc.account, tc.provider); got != tc.want {
				t.Fatalf("NameQualifier(%q, %q, %q) = %q, want %q", tc.issuer, tc.account, tc.provider, got, tc.want)
			}
		})
	}
}

func TestNameQualifierDocConflict(t *testing.T) {
	t.Parallel()
	// B3.4 / open item 8: the "separated by '/'" reading gives a different
	// value (computed with openssl as above); we follow the pseudocode.
	const slashVariant = "ZJ7bLrcd9SJlBOE+5OiooapD4hQ="
	if got := NameQualifier("https://example.com/saml", "123456789012", "MySAMLIdP"); got == slashVariant {
		t.Fatalf("B3.4: NameQualifier follows the '/'-separated variant %q, want the pseudocode", got)
	}
}

// TestNameQualifierOfProviderARN: the documented recipe for a provider ARN,
// NameQualifier(issuer, p.AccountID, p.Name).
func TestNameQualifierOfProviderARN(t *testing.T) {
	t.Parallel()
	p, err := awsrole.ParseProviderARN("arn:aws:iam::123456789012:saml-provider/MySAMLIdP")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := NameQualifier("https://example.com/saml", p.AccountID, p.Name), "1uAJanUnBc2XeUkHURMht+xam2c="; got != want {
		t.Fatalf("B3.4: got %q, want %q", got, want)
	}
}

func TestSubjectType(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, format, want string }{
		{"B3.5/transient", "urn:oasis:names:tc:SAML:2.0:nameid-format:transient", "transient"},
		{"B3.5/persistent", "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent", "persistent"},
		{"B3.5/kerberos", "urn:oasis:names:tc:SAML:2.0:nameid-format:kerberos", "kerberos"},
		{"B3.5/entity", "urn:oasis:names:tc:SAML:2.0:nameid-format:entity", "entity"},
		{"B3.5/email_1.1_unchanged", "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress", "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"},
		{"B3.5/unspecified_1.1_unchanged", "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified", "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"},
		{"B3.5/x509_1.1_unchanged", "urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName", "urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName"},
		{"B3.5/case_differs_unchanged", "URN:oasis:names:tc:SAML:2.0:nameid-format:transient", "URN:oasis:names:tc:SAML:2.0:nameid-format:transient"},
		{"B3.5/custom_unchanged", "urn:example:format", "urn:example:format"},
		{"B3.5/empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := SubjectType(tc.format); got != tc.want {
				t.Fatalf("SubjectType(%q) = %q, want %q", tc.format, got, tc.want)
			}
		})
	}
}

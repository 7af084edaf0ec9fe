package main

import (
	"crypto/sha1"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samlaws/samlaws/saml/samltest"
)

// Real documents, copied byte for byte from /work/shared/fixtures/real (see
// its SOURCES.md): two Entra app-specific metadata documents (one with a BOM
// and CRLF line endings) and two responses for AWS from saml2aws's test data
// (scrubbed: their signatures do not verify).
func realFixture(name string) string { return filepath.Join("testdata", name) }

// TestCheckRealMetadata: real Entra metadata is usable trust (exit 1 with
// reasons, not a usage error), and a response from another tenant is rejected
// for its issuer (D1.7) and for its signing certificate, named by thumbprint
// (A5.1).
func TestCheckRealMetadata(t *testing.T) {
	f := newCheckFixture(t)
	resp := f.response(t, samltest.ResponseOptions{})
	tp := fmt.Sprintf("%X", sha1.Sum(f.idp.Certificate().Raw))
	cases := []struct{ file, issuer, trusted string }{
		{"entra-app-61318f71.xml", "https://sts.windows.net/61318f71-9c58-4f75-b8af-329e649fcd80/", "C147B5D6E9F6E44927F114B4D17C18674130007F"},
		{"entra-app-a15b04fc-reformatted.xml", "https://sts.windows.net/a15b04fc-6ff1-42a7-bb24-2e762259f5da/", "BEF6EE4FA1BB603AD3E04AC38987EBA36E6F1DF8"},
	}
	for _, tc := range cases {
		t.Run("C1.3/"+tc.file, func(t *testing.T) {
			r := runCLI(t, "", "check", "--metadata", realFixture(tc.file), "--now", checkAt, resp)
			if r.code != exitRejected {
				t.Fatalf("exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
			}
			for _, want := range []string{"Trusting issuer " + tc.issuer, tc.trusted, "[rule D1.7]", "[rule A5.1]", "thumbprint " + tp} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("output lacks %q:\n%s", want, r.stdout)
				}
			}
		})
	}
}

// TestDecodeRealResponses: real Entra and AD FS responses for AWS decode, with
// their roles understood in either pair order (A3.2).
func TestDecodeRealResponses(t *testing.T) {
	cases := []struct {
		file string
		want []string
	}{
		{"saml2aws_aad_SAMLResponse.xml", []string{
			"Issuer https://sts.windows.net/25f4519b-eca5-405d-b516-123af862c268/",
			"KeyInfo certificate CN=Microsoft Azure Federated SSO Certificate",
			"-> role example_role (path /) in account 012345678901, partition aws, via SAML provider EXAMPLE_PROVIDER",
			"Audience https://signin.aws.amazon.com/saml",
		}},
		{"saml2aws_assertion.xml", []string{
			"Issuer http://id.example.com/adfs/services/trust",
			"KeyInfo certificate: not base64",
			"Audience urn:amazon:webservices",
			"-> role AWS-Admin-CloudOPSBuild (path /) in account 123123123123, partition aws, via SAML provider ExampleADFS",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			r := runCLI(t, "", "decode", realFixture(tc.file))
			if r.code != exitOK {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			out := flatten(r.stdout)
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, r.stdout)
				}
			}
		})
	}
}

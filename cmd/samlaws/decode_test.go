package main

import (
	"bytes"
	"compress/flate"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/samlaws/samlaws/internal/awsendpoint"
	"github.com/samlaws/samlaws/internal/samltesthelp"
	"github.com/samlaws/samlaws/saml/samltest"
)

// flatten joins wrapped or indented output into single-spaced text.
func flatten(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestDecodeBase64(t *testing.T) {
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return checkNow }})
	u := samltest.DefaultUser()
	u.SessionDuration = 2 * time.Hour
	m := samltesthelp.MustMint(t, idp, u, samltest.ResponseOptions{})
	file := writeFile(t, "resp.b64", []byte(wrapBase64(m.Base64(), 76, "\r\n")))
	r := runCLI(t, "", "decode", file)
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	out := flatten(r.stdout)
	tp := fmt.Sprintf("%X", sha1.Sum(idp.Certificate().Raw))
	for _, want := range []string{
		"NOT VALIDATED",
		fmt.Sprintf("decoded from base64 (%d characters", len(m.Base64())),
		"ID " + m.ResponseID,
		"Destination " + awsendpoint.GlobalSignIn,
		"Issuer " + idp.EntityID,
		"Status Success",
		"InResponseTo (none: IdP-initiated)",
		"Reference #" + m.AssertionID + " = this Assertion",
		"SHA-1 thumbprint " + tp,
		"RSA-SHA256",
		"NameID " + samltest.DefaultUser().UPN,
		"Recipient " + awsendpoint.GlobalSignIn,
		"NotOnOrAfter " + m.NotOnOrAfter.Format("2006-01-02T15:04:05.000Z") + " (1h10m0s after NotBefore)",
		"Audience " + awsendpoint.GlobalSignIn,
		"-> role EntraAdmin (path /) in account 123456789012, partition aws, via SAML provider EntraID",
		"-> role EntraReadOnly (path /)",
		"SessionDuration 7200 -> console session of 2h0m0s",
		"http://schemas.microsoft.com/identity/claims/tenantid " + idp.TenantID,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
	// The Response itself is not signed (Entra's default signs the assertion).
	resp := r.stdout[strings.Index(r.stdout, "Response\n"):strings.Index(r.stdout, "Assertion 1 of 1")]
	if !strings.Contains(flatten(resp), "Signature none") {
		t.Errorf("the Response section should say it is unsigned:\n%s", resp)
	}
	// AWS attributes come first, then the other claims.
	aws, other := strings.Index(r.stdout, "AWS attributes"), strings.Index(r.stdout, "Other attributes")
	role, tenant := strings.Index(r.stdout, "    Role\n"), strings.Index(r.stdout, "claims/tenantid")
	if !(aws < role && role < other && other < tenant) {
		t.Errorf("attribute order: AWS %d, Role %d, other %d, tenantid %d", aws, role, other, tenant)
	}
}

func TestDecodeXMLStdinAndShapes(t *testing.T) {
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return checkNow }})
	u := samltest.DefaultUser()
	cases := []struct {
		name string
		opts samltest.ResponseOptions
		want []string
	}{
		{"C3.1/sign-both", samltest.ResponseOptions{Signing: samltest.SignBoth}, []string{"= this Response", "= this Assertion"}},
		{"C3.1/sha1", samltest.ResponseOptions{SHA1: true}, []string{"RSA-SHA1", "digest SHA-1"}},
		{"D4.2/empty-reference", samltest.ResponseOptions{Tamper: []string{"empty-reference-uri"}}, []string{"= the whole document"}},
		{"D4.2/injected-assertion", samltest.ResponseOptions{Tamper: []string{"injected-assertion"}}, []string{"2 assertions: AWS needs exactly one", "Assertion 2 of 2"}},
		{"A3.4/bad-session-name", samltest.ResponseOptions{Tamper: []string{"bad-session-name"}}, []string{"RoleSessionName bad session name! -> invalid:"}},
		{"D1.5/failed-status", samltest.ResponseOptions{Tamper: []string{"failed-status"}}, []string{"(not Success: AWS rejects it, D1.5)", "StatusMessage AADSTS"}},
		{"D1.6/in-response-to", samltest.ResponseOptions{InResponseTo: "_req1"}, []string{"InResponseTo _req1 (SP-initiated)"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := samltesthelp.MustMint(t, idp, u, tc.opts)
			r := runCLI(t, string(m.XML), "decode", "-")
			if r.code != exitOK {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			out := flatten(r.stdout)
			if !strings.Contains(out, "SAMLResponse given as XML") || !strings.Contains(out, "NOT VALIDATED") {
				t.Errorf("header missing:\n%s", r.stdout)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, r.stdout)
				}
			}
		})
	}
}

// testSPKey makes an SP encryption key and certificate (C3.5).
func testSPKey(t *testing.T) (*rsa.PrivateKey, *x509.Certificate, []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7),
		Subject:      pkix.Name{CommonName: "samlaws test SP"},
		NotBefore:    checkNow.Add(-time.Hour),
		NotAfter:     checkNow.Add(24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	p8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return key, cert, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8})
}

// TestEncrypted: decode describes an EncryptedAssertion without its content;
// check decrypts it with --decrypt-key and rejects it without (A5.6, A5.7).
func TestEncrypted(t *testing.T) {
	_, spCert, keyPEM := testSPKey(t)
	f := newCheckFixture(t)
	resp := f.response(t, samltest.ResponseOptions{EncryptFor: spCert})

	r := runCLI(t, "", "decode", resp)
	if r.code != exitOK {
		t.Fatalf("decode: exit %d\n%s", r.code, r.stderr)
	}
	out := flatten(r.stdout)
	for _, want := range []string{"EncryptedAssertion 1 of 1", "AES-256-GCM", "RSA-OAEP", fmt.Sprintf("%X", sha1.Sum(spCert.Raw))} {
		if !strings.Contains(out, want) {
			t.Errorf("decode lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(out, samltest.DefaultUser().UPN) {
		t.Error("decode shows content of the encrypted assertion")
	}

	if r := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, "--json", resp); r.code != exitRejected ||
		!contains(errorCodes(t, jsonLines(t, r.stdout)[0]), "encryption") {
		t.Errorf("A5.7 without a key: exit %d\n%s", r.code, r.stdout)
	}
	keyFile := writeFile(t, "sp.key", keyPEM)
	r = runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, "--decrypt-key", keyFile, "--json", resp)
	if r.code != exitOK {
		t.Fatalf("with --decrypt-key: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	a := jsonLines(t, r.stdout)[0]["assertion"].(map[string]any)
	if a["encrypted"] != true || a["name_id"] != samltest.DefaultUser().UPN {
		t.Errorf("assertion = %v", a)
	}
	if r := runCLI(t, "", "check", "--metadata", f.md, "--decrypt-key", f.md, resp); r.code != exitUsage || !strings.Contains(r.stderr, "--decrypt-key") {
		t.Errorf("bad key file: exit %d\n%s", r.code, r.stderr)
	}
}

// TestDecodeRejects: input that is not a SAML response is exit 1 with a reason;
// command-line mistakes are exit 2.
func TestDecodeRejects(t *testing.T) {
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return checkNow }})
	m := samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{})

	var deflated bytes.Buffer
	zw, _ := flate.NewWriter(&deflated, flate.BestCompression)
	zw.Write(m.XML)
	zw.Close()
	r := runCLI(t, base64.StdEncoding.EncodeToString(deflated.Bytes()), "decode", "-")
	if r.code != exitOK || !strings.Contains(flatten(r.stdout), "HTTP-Redirect encoding, which AWS rejects") {
		t.Errorf("D1.1 deflated: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	cases := []struct {
		name, input, want string
	}{
		{"not-base64", "this is not a response!", "neither XML nor base64"},
		{"base64-of-text", base64.StdEncoding.EncodeToString([]byte("hello world")), "not XML"},
		{"D4.8/doctype", `<!DOCTYPE r [<!ENTITY x "y">]><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&x;</samlp:Response>`, "DOCTYPE"},
		{"malformed", `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><a></samlp:Response>`, "not well-formed"},
		{"metadata", string(idp.Metadata()), "not a SAML 2.0 samlp:Response"},
		{"deep", strings.Repeat("<a>", 100) + strings.Repeat("</a>", 100), "nested deeper"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, tc.input, "decode", "-")
			if r.code != exitRejected {
				t.Fatalf("exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stderr, tc.want) {
				t.Errorf("stderr lacks %q: %s", tc.want, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout not empty: %s", r.stdout)
			}
		})
	}

	// Unreadable input (missing, empty) is exit 2 in every subcommand.
	if r := runCLI(t, "", "decode", "-"); r.code != exitUsage || !strings.Contains(r.stderr, "standard input is empty") {
		t.Errorf("empty: exit %d, want 2\n%s", r.code, r.stderr)
	}
	for _, args := range [][]string{{"decode"}, {"decode", "a", "b"}, {"decode", "--bogus", "-"}, {"decode", "/no/such/file"}} {
		if r := runCLI(t, "", args...); r.code != exitUsage {
			t.Errorf("%v: exit %d, want 2\n%s", args, r.code, r.stderr)
		}
	}
	if r := runCLI(t, "", "decode", "-h"); r.code != exitOK || !strings.Contains(r.stdout, "Nothing printed is verified") {
		t.Errorf("-h: exit %d\n%s", r.code, r.stdout)
	}
}

// FuzzDecode: decoding and printing untrusted input never panics and never
// loops; budgets hold.
func FuzzDecode(f *testing.F) {
	idp := samltest.NewIdP(f, samltest.IdPConfig{Now: func() time.Time { return checkNow }, Seed: 1})
	for _, opts := range []samltest.ResponseOptions{{}, {Signing: samltest.SignBoth}, {Tamper: []string{"injected-assertion"}}, {Tamper: []string{"failed-status"}}} {
		m := samltesthelp.MustMint(f, idp, samltest.DefaultUser(), opts)
		f.Add(m.XML)
		f.Add([]byte(m.Base64()))
	}
	f.Add([]byte(`<!DOCTYPE x><x/>`))
	f.Add([]byte("SAMLResponse=PHg%2BPC94Pg%3D%3D&RelayState=a"))
	f.Add([]byte(`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><Assertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion"><Signature xmlns="http://www.w3.org/2000/09/xmldsig#"/></Assertion></samlp:Response>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > checkMaxInput {
			return
		}
		if iss, ok := checkPeekIssuer(data); ok && !checkIsAbsoluteURI(iss) {
			t.Errorf("peeked issuer %q is not an absolute URI", iss)
		}
		x, enc, n, err := decodeResponseBytes(data)
		if err != nil {
			return
		}
		root, err := decodeParseXML(x)
		if err != nil {
			return
		}
		// Print whatever the root is: the printer must cope with any tree.
		p := &decodePrinter{w: io.Discard}
		p.response(root, enc, len(x), n)
		_ = decodeTo(io.Discard, data)
		// The JSON writer copes with any tree too, and writes valid JSON.
		var jb bytes.Buffer
		if err := decodeJSONTo(&jb, data); err == nil && !json.Valid(jb.Bytes()) {
			t.Errorf("decode --json wrote invalid JSON: %q", jb.String())
		}
	})
}

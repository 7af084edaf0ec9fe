package main

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/samlaws/samlaws/saml/samltest"
)

// utf16LE encodes s as UTF-16LE with a BOM, as Windows PowerShell's ">" writes.
func utf16LE(s string) []byte {
	out := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

// readTestdata reads a file of cmd/samlaws/testdata.
func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wrongInputs are the files users give in place of metadata or a response,
// each with the words the error must use.
type wrongInput struct {
	name string
	data []byte
	want string
}

func wrongInputs(t *testing.T) []wrongInput {
	t.Helper()
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return checkNow }})
	md := readTestdata(t, "entra-app-61318f71.xml")
	certDER, _ := pem.Decode(certPEM(idp))
	return []wrongInput{
		{"utf16.xml", utf16LE(string(md)), "UTF-16"},
		{"cert.pem", certPEM(idp), "PEM certificate"},
		{"cert.cer", certDER.Bytes, "DER"},
		{"key.pem", keyPEM(idp), "private key"},
		{"login.html", []byte("<!DOCTYPE html>\n<html><head><title>Sign in to your account</title></head><body><form></form></body></html>"), "HTML page"},
		{"half.xml", md[:len(md)/2], "truncated"},
		{"empty.xml", nil, "empty"},
	}
}

// Issue 16: a file that is not metadata is named for what it is, the file is
// named, and every subcommand exits 2 for it (unreadable input).
func TestMetadataWrongInputsNamed(t *testing.T) {
	md := filepath.Join("testdata", "entra-app-61318f71.xml")
	for _, w := range wrongInputs(t) {
		t.Run(w.name, func(t *testing.T) {
			p := writeFile(t, w.name, w.data)
			for _, args := range [][]string{
				{"metadata", "inspect", p},
				{"metadata", "for-iam", p},
				{"metadata", "diff", md, p},
				{"check", "--metadata", p, "--now", checkAt, md},
			} {
				r := runCLI(t, "", args...)
				if r.code != exitUsage {
					t.Errorf("%v: exit %d, want 2\n%s", args[:2], r.code, r.stderr)
				}
				if !strings.Contains(r.stderr, w.want) || !strings.Contains(r.stderr, w.name) {
					t.Errorf("%v: stderr lacks %q or the file name:\n%s", args[:2], w.want, r.stderr)
				}
				if args[0] == "check" && !strings.Contains(r.stderr, "--metadata") {
					t.Errorf("check does not name --metadata:\n%s", r.stderr)
				}
			}
		})
	}
}

// provider plan names a certificate given as --metadata before it talks to
// AWS.
func TestProviderMetadataWrongInput(t *testing.T) {
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return checkNow }})
	p := writeFile(t, "cert.pem", certPEM(idp))
	r := runCLI(t, "", "provider", "plan", "--metadata", p, "--name", "EntraID")
	if r.code != exitUsage || !strings.Contains(r.stderr, "--metadata") || !strings.Contains(r.stderr, "PEM certificate") {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}
}

// Issue 16: a missing file is exit 2 in every subcommand, naming the file or
// flag.
func TestUnreadableInputSameExitCode(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-file.xml")
	md := filepath.Join("testdata", "entra-app-61318f71.xml")
	for _, args := range [][]string{
		{"check", "--metadata", md, missing},
		{"check", "--metadata", missing, md},
		{"check", "--cert", missing, "--issuer", "https://sts.windows.net/x/", md},
		{"decode", missing},
		{"metadata", "inspect", missing},
		{"metadata", "for-iam", missing},
		{"metadata", "diff", md, missing},
		{"mint", "--key", missing, "--cert", missing, "--role", "arn:aws:iam::123456789012:role/R,arn:aws:iam::123456789012:saml-provider/P"},
	} {
		r := runCLI(t, "", args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, "no-such-file.xml") {
			t.Errorf("%v: exit %d, want 2 naming the file\n%s", args, r.code, r.stderr)
		}
	}
}

// Issue 16: key and certificate swapped, DER instead of PEM, metadata where
// a certificate belongs: each named, with the flag at fault.
func TestKeyAndCertificateMixUps(t *testing.T) {
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return checkNow }})
	key := writeFile(t, "key.pem", keyPEM(idp))
	cert := writeFile(t, "cert.pem", certPEM(idp))
	der, _ := pem.Decode(certPEM(idp))
	derFile := writeFile(t, "cert.cer", der.Bytes)
	truncated := writeFile(t, "cut.pem", certPEM(idp)[:200])
	md := filepath.Join("testdata", "entra-app-61318f71.xml")
	resp := filepath.Join("testdata", "saml2aws_assertion.xml")
	role := "arn:aws:iam::123456789012:role/R,arn:aws:iam::123456789012:saml-provider/P"
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"check", "--cert", key, "--issuer", "https://sts.windows.net/x/", resp}, []string{"--cert", "key.pem", "swapped"}},
		{[]string{"check", "--cert", derFile, "--issuer", "https://sts.windows.net/x/", resp}, []string{"--cert", "cert.cer", "DER"}},
		{[]string{"check", "--cert", truncated, "--issuer", "https://sts.windows.net/x/", resp}, []string{"--cert", "cut.pem", "truncated"}},
		{[]string{"check", "--cert", md, "--issuer", "https://sts.windows.net/x/", resp}, []string{"--cert", "--metadata"}},
		{[]string{"check", "--metadata", md, "--decrypt-key", cert, resp}, []string{"--decrypt-key", "cert.pem", "swapped"}},
		{[]string{"decode", "--decrypt-key", cert, resp}, []string{"--decrypt-key", "swapped"}},
		{[]string{"mint", "--key", cert, "--cert", key, "--role", role}, []string{"--key", "swapped"}},
		{[]string{"mint", "--key", key, "--cert", key, "--role", role}, []string{"--cert", "swapped"}},
	} {
		r := runCLI(t, "", tc.args...)
		if r.code != exitUsage {
			t.Errorf("%v: exit %d, want 2\n%s", tc.args, r.code, r.stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("%v: stderr lacks %q:\n%s", tc.args, w, r.stderr)
			}
		}
	}
}

// Issue 16: responses pasted wrongly: UTF-16, truncated base64 (say
// "truncated"), truncated XML, a certificate, the HTML page (whose
// SAMLResponse field is taken).
func TestResponseWrongInputs(t *testing.T) {
	xml := readTestdata(t, "saml2aws_aad_SAMLResponse.xml")
	b64 := base64.StdEncoding.EncodeToString(xml)
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return checkNow }})
	md := filepath.Join("testdata", "entra-app-61318f71.xml")
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"resp-utf16.xml", utf16LE(string(xml)), "UTF-16"},
		{"resp-cut.b64", []byte(b64[:4001]), "truncated"},
		{"resp-cut2.b64", []byte(base64.StdEncoding.EncodeToString(xml[:3000])), "truncated"},
		{"resp-cut.xml", xml[:3000], "truncated"},
		{"resp-cert.pem", certPEM(idp), "certificate"},
		{"page.html", []byte("<html><body>Sign in</body></html>"), "HTML page without a SAMLResponse"},
	}
	for _, tc := range cases {
		p := writeFile(t, tc.name, tc.data)
		for _, args := range [][]string{{"decode", p}, {"check", "--metadata", md, "--now", checkAt, p}} {
			r := runCLI(t, "", args...)
			if r.code != exitUsage || !strings.Contains(r.stderr, tc.want) || !strings.Contains(r.stderr, tc.name) {
				t.Errorf("%s %s: exit %d, want 2 with %q and the file name\n%s", args[0], tc.name, r.code, tc.want, r.stderr)
			}
		}
	}
	// The auto-submit page Entra serves: its SAMLResponse field is decoded.
	page := `<html><body onload="document.forms[0].submit()"><form method="POST" action="https://signin.aws.amazon.com/saml">` +
		`<input type="hidden" name="SAMLResponse" value="` + html.EscapeString(b64) + `" /></form></body></html>`
	r := runCLI(t, "", "decode", "--json", writeFile(t, "form.html", []byte(page)))
	var out struct {
		Response struct{ ID string } `json:"response"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); r.code != exitOK || err != nil || out.Response.ID != "_a80fa312-e5e3-43d2-bf81-ad745d5b4826" {
		t.Errorf("form page: exit %d, %v\n%s%s", r.code, err, r.stdout, r.stderr)
	}
}

// Issue 16: errors never name internal packages.
func TestNoInternalPackageInErrors(t *testing.T) {
	dtd := writeFile(t, "dtd.xml", []byte(`<!DOCTYPE x [<!ENTITY a "b">]><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x">&a;</md:EntityDescriptor>`))
	for _, args := range [][]string{{"metadata", "inspect", dtd}, {"check", "--metadata", dtd, dtd}} {
		r := runCLI(t, "", args...)
		if r.code == exitOK || strings.Contains(r.stderr+r.stdout, "xmlguard") || !strings.Contains(r.stderr, "dtd.xml") {
			t.Errorf("%v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
		}
	}
}

// Issue 16: "did you mean" for a mistyped flag in every subcommand, and
// "samlaws help CMD".
func TestDidYouMeanAndHelpCommand(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"check", "--metdata", "x", "y"}, "did you mean --metadata?"},
		{[]string{"decode", "--jsn", "x"}, "did you mean --json?"},
		{[]string{"mint", "--ky", "x"}, "did you mean --key?"},
		{[]string{"metadata", "inspect", "--warndays", "3", "x"}, "did you mean --warn-days?"},
		{[]string{"metadata", "for-iam", "--strcit", "x"}, "did you mean --strict?"},
		{[]string{"metadata", "diff", "--actve", "x", "a", "b"}, "did you mean --active?"},
		{[]string{"explain", "--lst"}, "did you mean --list?"},
		{[]string{"chek"}, "did you mean check?"},
		{[]string{"metadata", "inspct", "x"}, "did you mean inspect?"},
	} {
		r := runCLI(t, "", tc.args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr lacks %q:\n%s", tc.args, r.code, tc.want, r.stderr)
		}
	}
	if r := runCLI(t, "", "check", "--zzzzzz", "x"); strings.Contains(r.stderr, "did you mean") {
		t.Errorf("a far-off flag gets a suggestion: %s", r.stderr)
	}
	for _, c := range []struct{ cmd, want string }{
		{"check", "usage: samlaws check"}, {"decode", "usage: samlaws decode"}, {"metadata", "samlaws metadata inspect"}, {"mint", "--key"},
	} {
		r := runCLI(t, "", "help", c.cmd)
		if r.code != exitOK || !strings.Contains(r.stdout, c.want) {
			t.Errorf("help %s: exit %d\n%s%s", c.cmd, r.code, r.stdout, r.stderr)
		}
	}
	if r := runCLI(t, "", "help", "nope"); r.code != exitUsage {
		t.Errorf("help nope: exit %d", r.code)
	}
}

// TestRecogniseDERBinaryTail: a DER certificate is binary, and its last
// bytes (the signature) may be ones TrimSpace would cut; it is still told
// as DER. (TestMetadataWrongInputsNamed failed at random on this, about one
// run in 40, with a freshly generated certificate.)
func TestRecogniseDERBinaryTail(t *testing.T) {
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return checkNow }})
	block, _ := pem.Decode(certPEM(idp))
	for _, tail := range []string{" ", "\n", "\r", "\t", "\v", "\f", "\xc2\x85", "\xc2\xa0"} {
		der := append([]byte(nil), block.Bytes...)
		copy(der[len(der)-len(tail):], tail) // inside the signature value: still parses
		if _, err := x509.ParseCertificate(der); err != nil {
			t.Fatalf("test input: %v", err)
		}
		if k := recognise(der); k != kindDERCertificate {
			t.Errorf("DER certificate ending in %q: recognised as %v, want a DER certificate", tail, k)
		}
	}
}

package main

import (
	"bytes"
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samlaws/samlaws/internal/samltesthelp"
	"github.com/samlaws/samlaws/saml/samltest"
)

// The samlaws binary is built once, on first use, so that the CLI tests drive
// the command as a user does: arguments, stdin, stdout, stderr and the exit
// status. Building lazily keeps fuzz workers (which run no CLI test) fast.
// Other CLI tests may share it through runCLI.
var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// samlawsBin returns the path of the built binary.
func samlawsBin(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "samlaws-cli-test-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "samlaws")
		if runtime.GOOS == "windows" {
			binPath += ".exe"
		}
		goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
		if _, err := os.Stat(goTool); err != nil {
			goTool = "go"
		}
		build := exec.Command(goTool, "build", "-o", binPath, ".")
		var out bytes.Buffer
		build.Stdout, build.Stderr = &out, &out
		if err := build.Run(); err != nil {
			binErr = fmt.Errorf("building samlaws: %v\n%s", err, out.String())
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// cliResult is one run of the binary.
type cliResult struct {
	code           int
	stdout, stderr string
}

// runCLI runs the samlaws binary with args and stdin (may be empty).
func runCLI(t *testing.T, stdin string, args ...string) cliResult {
	t.Helper()
	cmd := exec.Command(samlawsBin(t), args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("running samlaws %v: %v", args, err)
		}
		code = ee.ExitCode()
	}
	return cliResult{code: code, stdout: out.String(), stderr: errb.String()}
}

// checkNow is the instant the tests' IdPs issue at; checkAt is one minute later,
// when "check --now" looks.
var checkNow = time.Date(2026, time.November, 28, 13, 0, 0, 0, time.UTC)

const checkAt = "2026-11-28T13:01:00Z"

// writeFile writes data into the test's temp dir and returns the path.
func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// checkFixture is a test tenant with its metadata in a file.
type checkFixture struct {
	idp *samltest.IdP
	md  string // metadata file
}

func newCheckFixture(t *testing.T) *checkFixture {
	t.Helper()
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return checkNow }})
	return &checkFixture{idp: idp, md: writeFile(t, "metadata.xml", idp.Metadata())}
}

// response mints a response for B.Simon (two roles, a 2 h SessionDuration)
// and writes its XML to a file.
func (f *checkFixture) response(t *testing.T, opts samltest.ResponseOptions) string {
	t.Helper()
	u := samltest.DefaultUser()
	u.SessionDuration = 2 * time.Hour
	return writeFile(t, "response.xml", samltesthelp.MustMint(t, f.idp, u, opts).XML)
}

// jsonLines decodes check --json output.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var res []map[string]any
	for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("not one JSON object per line: %v\n%s", err, line)
		}
		res = append(res, m)
	}
	return res
}

// errorCodes returns the "code" of each entry of a result's "errors".
func errorCodes(t *testing.T, r map[string]any) []string {
	t.Helper()
	errs, ok := r["errors"].([]any)
	if !ok {
		t.Fatalf("errors is not an array: %#v", r["errors"])
	}
	var codes []string
	for _, e := range errs {
		m := e.(map[string]any)
		for _, k := range []string{"code", "rule", "message", "hint"} {
			if _, ok := m[k].(string); !ok {
				t.Errorf("error entry lacks string %q: %v", k, m)
			}
		}
		codes = append(codes, m["code"].(string))
	}
	return codes
}

func TestCheckAcceptedJSON(t *testing.T) {
	f := newCheckFixture(t)
	resp := f.response(t, samltest.ResponseOptions{})
	r := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, "--json", resp)
	if r.code != exitOK {
		t.Fatalf("exit %d, want 0\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	lines := jsonLines(t, r.stdout)
	if len(lines) != 1 {
		t.Fatalf("%d JSON lines, want 1", len(lines))
	}
	got := lines[0]
	if got["file"] != resp || got["accepted"] != true {
		t.Errorf("file/accepted = %v/%v", got["file"], got["accepted"])
	}
	if codes := errorCodes(t, got); len(codes) != 0 {
		t.Errorf("errors = %v, want none", codes)
	}
	a, ok := got["assertion"].(map[string]any)
	if !ok {
		t.Fatalf("no assertion object: %v", got)
	}
	if a["issuer"] != f.idp.EntityID {
		t.Errorf("issuer = %v, want %s", a["issuer"], f.idp.EntityID)
	}
	if a["name_id"] != samltest.DefaultUser().UPN || a["role_session_name"] != samltest.DefaultUser().UPN {
		t.Errorf("name_id/role_session_name = %v/%v", a["name_id"], a["role_session_name"])
	}
	if a["session_duration"] != float64(7200) {
		t.Errorf("session_duration = %v, want 7200", a["session_duration"])
	}
	roles, _ := a["roles"].([]any)
	wantRoles := []string{"arn:aws:iam::123456789012:role/EntraAdmin", "arn:aws:iam::123456789012:role/EntraReadOnly"}
	if len(roles) != len(wantRoles) {
		t.Fatalf("roles = %v", a["roles"])
	}
	for i, r := range roles {
		m := r.(map[string]any)
		if m["role"] != wantRoles[i] || m["provider"] != defaultProviderARN {
			t.Errorf("roles[%d] = %v", i, m)
		}
	}
	attrs, _ := a["attributes"].(map[string]any)
	if v, _ := attrs["http://schemas.microsoft.com/identity/claims/tenantid"].([]any); len(v) != 1 || v[0] != f.idp.TenantID {
		t.Errorf("attributes lack the tenantid claim: %v", attrs)
	}
	for name := range attrs {
		if strings.HasPrefix(name, "https://aws.amazon.com/SAML/Attributes/") {
			t.Errorf("AWS attribute %s listed among the other attributes", name)
		}
	}
	if a["certificate_sha1"] == "" || a["signed_assertion"] != true {
		t.Errorf("signature facts missing: %v", a)
	}
}

func TestCheckAcceptedText(t *testing.T) {
	f := newCheckFixture(t)
	resp := f.response(t, samltest.ResponseOptions{})
	r := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, resp)
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"ACCEPTED",
		f.idp.EntityID,
		"role/EntraAdmin via " + defaultProviderARN,
		"2h0m0s",
		"AWS-compatible: IssueInstant at most 5m0s old (STS, A4.4)",
		"1 response checked: 1 accepted, 0 rejected",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
}

// TestCheckRejected: each tamper gives exit 1 and its error code, in text and
// JSON, without printing the response's content.
func TestCheckRejected(t *testing.T) {
	f := newCheckFixture(t)
	cases := []struct {
		name string
		opt  samltest.ResponseOptions
		code string
	}{
		{"A4.4-D2.2/expired", samltest.ResponseOptions{Tamper: []string{"expired"}}, "expired"},
		{"D2.2/not-yet-valid", samltest.ResponseOptions{Tamper: []string{"not-yet-valid"}}, "not_yet_valid"},
		{"A1.7/wrong-audience", samltest.ResponseOptions{Tamper: []string{"wrong-audience"}}, "audience"},
		{"A1.8/wrong-recipient", samltest.ResponseOptions{Tamper: []string{"wrong-recipient"}}, "recipient"},
		{"D1.2/wrong-destination", samltest.ResponseOptions{Tamper: []string{"wrong-destination"}}, "destination"},
		{"D1.7/wrong-issuer", samltest.ResponseOptions{Tamper: []string{"wrong-issuer"}}, "issuer"},
		{"A5.1/other-key", samltest.ResponseOptions{Tamper: []string{"other-key"}}, "signature"},
		{"D4.7/unsigned", samltest.ResponseOptions{Tamper: []string{"unsigned"}}, "signature"},
		{"D4/modified-after-signing", samltest.ResponseOptions{Tamper: []string{"modified-after-signing"}}, "signature"},
		{"A3.1/missing-role", samltest.ResponseOptions{Tamper: []string{"missing-role"}}, "attributes"},
		{"A3.4/bad-session-name", samltest.ResponseOptions{Tamper: []string{"bad-session-name"}}, "attributes"},
		{"D1.5/failed-status", samltest.ResponseOptions{Tamper: []string{"failed-status"}}, "status"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := f.response(t, tc.opt)
			r := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, "--json", resp)
			if r.code != exitRejected {
				t.Fatalf("exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
			}
			lines := jsonLines(t, r.stdout)
			if len(lines) != 1 || lines[0]["accepted"] != false {
				t.Fatalf("want one rejected result: %s", r.stdout)
			}
			if _, has := lines[0]["assertion"]; has {
				t.Error("a rejected result carries an assertion")
			}
			codes := errorCodes(t, lines[0])
			if !contains(codes, tc.code) {
				t.Errorf("codes %v lack %q", codes, tc.code)
			}

			txt := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, resp)
			if txt.code != exitRejected || !strings.Contains(txt.stdout, "REJECTED") || !strings.Contains(txt.stdout, "fix: ") {
				t.Errorf("text verdict: exit %d\n%s", txt.code, txt.stdout)
			}
			// Nor the assertion's values: the NameID (also the session
			// name), the role ARNs, base64 of the signature (the header's
			// trusted thumbprints come from the metadata, not the response).
			secrets := []string{"<Assertion", "<samlp:", "attacker@evil.invalid", "SignatureValue", "BEGIN",
				samltest.DefaultUser().UPN, ":role/EntraAdmin", ":role/EntraReadOnly"}
			if xml, err := os.ReadFile(resp); err == nil {
				if i := bytes.Index(xml, []byte("SignatureValue>")); i >= 0 && len(xml) > i+40 {
					secrets = append(secrets, string(xml[i+15:i+40]))
				}
			}
			for _, out := range []string{r.stdout, r.stderr, txt.stdout, txt.stderr} {
				for _, secret := range secrets {
					if strings.Contains(out, secret) {
						t.Errorf("output reveals %q:\n%s", secret, out)
					}
				}
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestCheckEveryProblem: diagnose mode lists all problems, not the first only.
func TestCheckEveryProblem(t *testing.T) {
	f := newCheckFixture(t)
	resp := f.response(t, samltest.ResponseOptions{Tamper: []string{"wrong-audience", "wrong-recipient", "missing-session-name"}})
	r := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, "--json", resp)
	if r.code != exitRejected {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	codes := errorCodes(t, jsonLines(t, r.stdout)[0])
	for _, want := range []string{"audience", "recipient", "attributes"} {
		if !contains(codes, want) {
			t.Errorf("codes %v lack %q (A1.7, A1.8, A3.4)", codes, want)
		}
	}
	txt := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, resp)
	if n := strings.Count(txt.stdout, "     fix: "); n < 3 {
		t.Errorf("text lists %d fixes, want at least 3:\n%s", n, txt.stdout)
	}
}

// TestCheckReplayAcrossFiles: one verifier, one replay cache (D5.3).
func TestCheckReplayAcrossFiles(t *testing.T) {
	f := newCheckFixture(t)
	a := f.response(t, samltest.ResponseOptions{})
	b := f.response(t, samltest.ResponseOptions{})
	r := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, "--json", a, b, a)
	if r.code != exitRejected {
		t.Fatalf("exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	lines := jsonLines(t, r.stdout)
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3", len(lines))
	}
	if lines[0]["accepted"] != true || lines[1]["accepted"] != true {
		t.Errorf("first two (distinct) responses not accepted: %s", r.stdout)
	}
	if lines[2]["accepted"] != false || !contains(errorCodes(t, lines[2]), "replay") || lines[2]["file"] != a {
		t.Errorf("third (a replay of the first) not rejected as replay: %v", lines[2])
	}
	txt := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, a, a)
	if txt.code != exitRejected || !strings.Contains(txt.stdout, "[rule D5.3]") || !strings.Contains(txt.stdout, "(A4.6)") {
		t.Errorf("text replay verdict: exit %d\n%s", txt.code, txt.stdout)
	}
	// Distinct responses only: every one accepted, exit 0.
	if r := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, a, b); r.code != exitOK {
		t.Errorf("two distinct responses: exit %d\n%s", r.code, r.stdout)
	}
}

// wrapBase64 breaks s into lines of n characters joined by sep.
func wrapBase64(s string, n int, sep string) string {
	var b strings.Builder
	for len(s) > n {
		b.WriteString(s[:n])
		b.WriteString(sep)
		s = s[n:]
	}
	b.WriteString(s)
	return b.String()
}

// TestCheckInputForms: stdin, base64 with line breaks (A6.1 counts the form
// value), a form body and a URL-encoded value are all read.
func TestCheckInputForms(t *testing.T) {
	f := newCheckFixture(t)
	u := samltest.DefaultUser()
	cases := []struct {
		name  string
		input func(b64 string) string
	}{
		{"plain", func(b string) string { return b }},
		{"LF-76", func(b string) string { return wrapBase64(b, 76, "\n") + "\n" }},
		{"CRLF-64", func(b string) string { return wrapBase64(b, 64, "\r\n") + "\r\n" }},
		{"form-body", func(b string) string {
			return "SAMLResponse=" + strings.NewReplacer("+", "%2B", "/", "%2F", "=", "%3D").Replace(b) + "&RelayState=x"
		}},
		{"url-encoded", func(b string) string {
			return strings.NewReplacer("+", "%2B", "/", "%2F", "=", "%3D").Replace(b)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.input(samltesthelp.MustMint(t, f.idp, u, samltest.ResponseOptions{}).Base64())
			r := runCLI(t, in, "check", "--metadata", f.md, "--now", checkAt, "--json", "-")
			if r.code != exitOK {
				t.Fatalf("stdin: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			if got := jsonLines(t, r.stdout)[0]["file"]; got != "-" {
				t.Errorf("file = %v, want -", got)
			}
			file := writeFile(t, "resp.b64", []byte(tc.input(samltesthelp.MustMint(t, f.idp, u, samltest.ResponseOptions{}).Base64())))
			if r := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, file); r.code != exitOK {
				t.Errorf("file: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
		})
	}
}

// TestCheckTooLarge: STS's 100,000-character limit (A6.1) is a rejection, not
// a crash, even for a far larger file.
func TestCheckTooLarge(t *testing.T) {
	f := newCheckFixture(t)
	big := writeFile(t, "big.b64", bytes.Repeat([]byte("QUFB"), 300000))
	r := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, "--json", big)
	if r.code != exitRejected {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if codes := errorCodes(t, jsonLines(t, r.stdout)[0]); !contains(codes, "too_large") {
		t.Errorf("codes = %v, want too_large", codes)
	}
	if !strings.Contains(r.stdout, `"inferred":true`) {
		t.Errorf("JSON does not mark the ValidationError wording as inferred (issue 14.3):\n%s", r.stdout)
	}
	// The wording of STS's ValidationError for a too-long SAMLAssertion is not
	// documented anywhere found (issue 14.3): the text output says so.
	r = runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, big)
	if r.code != exitRejected || !strings.Contains(r.stdout, "AWS answers (inferred): ValidationError") {
		t.Errorf("text output does not mark the inferred answer: exit %d\n%s", r.code, r.stdout)
	}
	junk := writeFile(t, "junk.txt", []byte("this is not a SAML response"))
	r = runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, "--json", junk)
	if r.code != exitRejected || !contains(errorCodes(t, jsonLines(t, r.stdout)[0]), "malformed") {
		t.Errorf("junk: exit %d\n%s", r.code, r.stdout)
	}
}

// TestCheckAudienceInstanceSuffix: an Identifier with "#2" is accepted as the
// audience it stands for (A1.6); another audience is not (A1.7).
func TestCheckAudienceInstanceSuffix(t *testing.T) {
	f := newCheckFixture(t)
	resp := f.response(t, samltest.ResponseOptions{})
	r := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, "--audience", "https://signin.aws.amazon.com/saml#2", resp)
	if r.code != exitOK {
		t.Errorf("A1.6 #2: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, "--audience", "https://app.example.com/saml", "--json", resp)
	if r.code != exitRejected || !contains(errorCodes(t, jsonLines(t, r.stdout)[0]), "audience") {
		t.Errorf("A1.7 other audience: exit %d\n%s", r.code, r.stdout)
	}
}

// TestCheckRecipientFlag: a regional Recipient is accepted by default, as AWS
// accepts it (A1.2, issue 18), and the header says so; --recipient replaces
// the accepted endpoints (A1.8).
func TestCheckRecipientFlag(t *testing.T) {
	f := newCheckFixture(t)
	regional := "https://eu-west-1.signin.aws.amazon.com/saml"
	resp := f.response(t, samltest.ResponseOptions{Recipient: regional})
	r := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, resp)
	if r.code != exitOK {
		t.Errorf("regional recipient refused by default: exit %d\n%s", r.code, r.stdout)
	}
	if !strings.Contains(r.stdout, "https://<region>.signin.aws.amazon.com/saml, as AWS accepts in the aws partition") {
		t.Errorf("header does not say regional endpoints are accepted:\n%s", r.stdout)
	}
	if r := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, "--recipient", regional, resp); r.code != exitOK {
		t.Errorf("--recipient %s: exit %d\n%s%s", regional, r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, "--recipient", "https://signin.aws.amazon.com/saml", resp)
	if r.code != exitRejected || !strings.Contains(r.stdout, "only https://signin.aws.amazon.com/saml (--recipient)") {
		t.Errorf("--recipient global: regional accepted or header wrong: exit %d\n%s", r.code, r.stdout)
	}
	lookalike := f.response(t, samltest.ResponseOptions{Recipient: "https://eu-west-1.signin.aws.amazon.com.example.net/saml"})
	if r := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, lookalike); r.code != exitRejected {
		t.Errorf("look-alike host accepted: exit %d", r.code)
	}
}

// TestCheckCertMode: --cert with --issuer trusts the PEM certificate, as
// Entra's "Certificate (Base64)" download.
func TestCheckCertMode(t *testing.T) {
	f := newCheckFixture(t)
	resp := f.response(t, samltest.ResponseOptions{})
	pem := writeFile(t, "entra.pem", certPEM(f.idp))
	r := runCLI(t, "", "check", "--cert", pem, "--issuer", f.idp.EntityID, "--now", checkAt, resp)
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, "", "check", "--cert", pem, "--issuer", "https://sts.windows.net/00000000-0000-0000-0000-000000000000/", "--now", checkAt, "--json", resp)
	if r.code != exitRejected || !contains(errorCodes(t, jsonLines(t, r.stdout)[0]), "issuer") {
		t.Errorf("D1.7 other issuer: exit %d\n%s", r.code, r.stdout)
	}

	// Without --issuer, the first response's Issuer is expected, and said so;
	// a response of another tenant signed with the same key is then rejected
	// for its issuer (D1.7), the signature still being checked against --cert.
	other := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return checkNow }})
	resp2 := writeFile(t, "other.xml", samltesthelp.MustMint(t, other, samltest.DefaultUser(), samltest.ResponseOptions{}).XML)
	r = runCLI(t, "", "check", "--cert", pem, "--now", checkAt, resp, resp2)
	if r.code != exitRejected || !strings.Contains(r.stdout, "note: issuer taken from "+resp) {
		t.Fatalf("no --issuer: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, "", "check", "--cert", pem, "--now", checkAt, "--json", resp, resp2)
	lines := jsonLines(t, r.stdout)
	if len(lines) != 2 || lines[0]["accepted"] != true || !contains(errorCodes(t, lines[1]), "issuer") {
		t.Errorf("no --issuer, JSON: %s", r.stdout)
	}
	if !strings.Contains(r.stderr, "note: issuer taken from") {
		t.Errorf("JSON mode: the note belongs on stderr: %q", r.stderr)
	}
}

// TestCheckMetadataURL: metadata fetched over HTTP from Entra's app-specific
// endpoint, which sends a UTF-8 BOM (C1.2, C1.3).
func TestCheckMetadataURL(t *testing.T) {
	srv := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return checkNow }}).Serve()
	u := samltest.DefaultUser()
	resp := writeFile(t, "r.xml", samltesthelp.MustMint(t, srv.IdP, u, samltest.ResponseOptions{}).XML)
	r := runCLI(t, "", "check", "--metadata", srv.AppMetadataURL, "--now", checkAt, resp)
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, "", "check", "--metadata", srv.URL+"/no/such/metadata.xml", "--now", checkAt, resp)
	if r.code != exitUsage || !strings.Contains(r.stderr, "--metadata") || !strings.Contains(r.stderr, "404") {
		t.Errorf("404 metadata: exit %d, stderr %s", r.code, r.stderr)
	}
}

// TestCheckRollover: a response signed by a next certificate fails until the
// metadata that publishes it is used (A5.1, C3.4), and the hint names the
// certificate's thumbprint.
func TestCheckRollover(t *testing.T) {
	f := newCheckFixture(t)
	old := f.md
	f.idp.AddNextCertificate()
	f.idp.ActivateNextCertificate()
	resp := f.response(t, samltest.ResponseOptions{})
	r := runCLI(t, "", "check", "--metadata", old, "--now", checkAt, resp)
	tp := fmt.Sprintf("%X", sha1.Sum(f.idp.Certificate().Raw))
	if r.code != exitRejected || !strings.Contains(r.stdout, tp) || !strings.Contains(r.stdout, "metadata") {
		t.Errorf("old metadata: exit %d, want the thumbprint %s in\n%s", r.code, tp, r.stdout)
	}
	cur := writeFile(t, "current.xml", f.idp.Metadata())
	if r := runCLI(t, "", "check", "--metadata", cur, "--now", checkAt, resp); r.code != exitOK {
		t.Errorf("current metadata: exit %d\n%s", r.code, r.stdout)
	}
}

// TestCheckUsage: exit 2 and a message naming the flag at fault.
func TestCheckUsage(t *testing.T) {
	f := newCheckFixture(t)
	resp := f.response(t, samltest.ResponseOptions{})
	notMD := writeFile(t, "not-metadata.xml", []byte("<html><body>sign in</body></html>"))
	noCert := writeFile(t, "empty.pem", []byte("nothing here\n"))
	goodCert := writeFile(t, "entra.pem", certPEM(f.idp))
	junk := writeFile(t, "junk.b64", []byte("bm90IGEgcmVzcG9uc2U="))
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no-trust", []string{"check", resp}, "--metadata"},
		{"both-trusts", []string{"check", "--metadata", f.md, "--cert", noCert, resp}, "--cert"},
		{"cert-without-issuer-unreadable", []string{"check", "--cert", goodCert, junk}, "--issuer"},
		{"issuer-with-metadata", []string{"check", "--metadata", f.md, "--issuer", "https://sts.windows.net/x/", resp}, "--issuer"},
		{"bad-now", []string{"check", "--metadata", f.md, "--now", "yesterday", resp}, "--now"},
		{"unknown-flag", []string{"check", "--metadata", f.md, "--bogus", resp}, "--bogus"},
		{"flag-needs-value", []string{"check", resp, "--metadata"}, "--metadata"},
		{"no-files", []string{"check", "--metadata", f.md}, "no response file"},
		{"missing-file", []string{"check", "--metadata", f.md, filepath.Join(t.TempDir(), "nope.xml")}, "cannot read"},
		{"missing-metadata", []string{"check", "--metadata", filepath.Join(t.TempDir(), "nope.xml"), resp}, "--metadata"},
		{"not-metadata", []string{"check", "--metadata", notMD, resp}, "--metadata"},
		{"no-certificate", []string{"check", "--cert", noCert, "--issuer", "https://sts.windows.net/x/", resp}, "--cert"},
		{"bad-audience", []string{"check", "--metadata", f.md, "--audience", "not a url", resp}, "--audience"},
		{"A1.8/recipient-with-#2", []string{"check", "--metadata", f.md, "--recipient", "https://signin.aws.amazon.com/saml#2", resp}, "--recipient"},
		{"stdin-twice", []string{"check", "--metadata", f.md, "-", "-"}, "standard input"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, "", tc.args...)
			if r.code != exitUsage {
				t.Fatalf("exit %d, want 2\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stderr, tc.want) {
				t.Errorf("stderr does not name %q:\n%s", tc.want, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout not empty on a usage error: %s", r.stdout)
			}
		})
	}
	if r := runCLI(t, "", "check", "-h"); r.code != exitOK || !strings.Contains(r.stdout, "usage: samlaws check") {
		t.Errorf("-h: exit %d\n%s", r.code, r.stdout)
	}
}

// TestCheckFlagsAfterFiles: flags may follow the files; "--" ends flags.
func TestCheckFlagsAfterFiles(t *testing.T) {
	f := newCheckFixture(t)
	resp := f.response(t, samltest.ResponseOptions{})
	if r := runCLI(t, "", "check", resp, "--metadata", f.md, "--now", checkAt); r.code != exitOK {
		t.Errorf("flags after the file: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, "--", "--json")
	if r.code != exitUsage || !strings.Contains(r.stderr, "cannot read") {
		t.Errorf("after --, --json is a file name: exit %d\n%s", r.code, r.stderr)
	}
}

// TestCheckAWSFreshness: check runs in AWS-compatible mode, so a response
// whose SAML windows are still open (an hour here) but that was issued more
// than 5 minutes ago is rejected as STS rejects it (A4.4), with no clock skew
// added to the 5 minutes.
func TestCheckAWSFreshness(t *testing.T) {
	f := newCheckFixture(t)
	resp := f.response(t, samltest.ResponseOptions{AssertionLifetime: time.Hour, ConfirmationLifetime: time.Hour})
	for _, tc := range []struct {
		now    time.Duration
		accept bool
	}{{4 * time.Minute, true}, {7 * time.Minute, false}} {
		at := checkNow.Add(tc.now).Format(time.RFC3339)
		r := runCLI(t, "", "check", "--metadata", f.md, "--now", at, "--json", resp)
		lines := jsonLines(t, r.stdout)
		if len(lines) != 1 || lines[0]["accepted"] != tc.accept {
			t.Fatalf("at +%s: exit %d, want accepted=%v\n%s%s", tc.now, r.code, tc.accept, r.stdout, r.stderr)
		}
		if tc.accept {
			continue
		}
		errs := lines[0]["errors"].([]any)
		first := errs[0].(map[string]any)
		aws, _ := first["aws"].(map[string]any)
		if first["code"] != "expired" || first["rule"] != "A4.4" || aws["message"] != "Token must be redeemed within 5 minutes of issuance" {
			t.Errorf("at +%s: first error %v", tc.now, first)
		}
	}
}

// TestCheckSPInitiated: an SP-initiated Entra response (InResponseTo on the
// Response and the SubjectConfirmationData) passes check as it passes STS,
// which keeps no request state (D1.6, issue 18); --request-id checks it
// against the AuthnRequest IDs given.
func TestCheckSPInitiated(t *testing.T) {
	f := newCheckFixture(t)
	resp := f.response(t, samltest.ResponseOptions{InResponseTo: "id6c2a0e1d-9f4b-4a57-8d0e-3b1f2a4c5d6e"})
	r := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, resp)
	if r.code != exitOK || !strings.Contains(r.stdout, "InResponseTo not checked: AWS keeps no request state") {
		t.Errorf("SP-initiated response: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, "--request-id", "id6c2a0e1d-9f4b-4a57-8d0e-3b1f2a4c5d6e", resp)
	if r.code != exitOK || !strings.Contains(r.stdout, "InResponseTo must answer request id6c2a0e1d-9f4b-4a57-8d0e-3b1f2a4c5d6e") {
		t.Errorf("--request-id matching: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, "--request-id", "id-of-another-request", "--json", resp)
	if r.code != exitRejected || !contains(errorCodes(t, jsonLines(t, r.stdout)[0]), "in_response_to") {
		t.Errorf("--request-id other: exit %d\n%s", r.code, r.stdout)
	}
	unsolicited := f.response(t, samltest.ResponseOptions{})
	r = runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, "--request-id", "id-of-a-request", unsolicited)
	if r.code != exitRejected {
		t.Errorf("--request-id with an unsolicited response: exit %d\n%s", r.code, r.stdout)
	}
	if r := runCLI(t, "", "check", "--metadata", f.md, "--request-id", "a b", resp); r.code != exitUsage {
		t.Errorf("--request-id with a space: exit %d", r.code)
	}
}

// TestCheckProviderID: with --provider-id, the provider-specific ACS of an
// encrypted provider (A1.4) is an accepted Recipient; without it, it is not.
func TestCheckProviderID(t *testing.T) {
	f := newCheckFixture(t)
	const id = "SAMLSPD9IMTW2LM46J042K"
	resp := f.response(t, samltest.ResponseOptions{Recipient: "https://eu-west-1.signin.aws.amazon.com/saml/acs/" + id})
	if r := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, resp); r.code != exitRejected {
		t.Errorf("provider-specific ACS accepted without --provider-id: exit %d", r.code)
	}
	if r := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, "--provider-id", id, resp); r.code != exitOK {
		t.Errorf("--provider-id: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, "--provider-id", "nope", resp); r.code != exitUsage {
		t.Errorf("bad --provider-id: exit %d", r.code)
	}
}

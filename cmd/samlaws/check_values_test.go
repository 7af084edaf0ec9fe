package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samlaws/samlaws/internal/samltesthelp"
	"github.com/samlaws/samlaws/saml/samltest"
)

// checkValues decodes the "values" of every error of one check --json line.
func checkValues(t *testing.T, line string) []checkProblem {
	t.Helper()
	var r checkResult
	if err := json.Unmarshal([]byte(line), &r); err != nil {
		t.Fatalf("%v\n%s", err, line)
	}
	return r.Errors
}

// noGoIdentifiers fails when output names Go identifiers or internal
// packages instead of flags and user actions (issue 16).
func noGoIdentifiers(t *testing.T, outs ...string) {
	t.Helper()
	for _, out := range outs {
		for _, bad := range []string{"VerifierConfig", "AllowSHA1", "IdPEntityID", "DecryptionKeys", "xmlguard", "internal/"} {
			if strings.Contains(out, bad) {
				t.Errorf("output names %q:\n%s", bad, out)
			}
		}
	}
}

// Issue 16: on the real saml2aws capture the Response Issuer differs from
// the Assertion Issuer only by a newline and a tab; check shows both values,
// with the invisible characters made visible, and says so (D1.7).
func TestCheckShowsIssuerValuesRealCapture(t *testing.T) {
	resp := filepath.Join("testdata", "saml2aws_aad_SAMLResponse.xml")
	md := filepath.Join("testdata", "entra-app-61318f71.xml")
	txt := runCLI(t, "", "check", "--metadata", md, "--now", "2020-01-01T00:01:00Z", resp)
	if txt.code != exitRejected {
		t.Fatalf("exit %d\n%s%s", txt.code, txt.stdout, txt.stderr)
	}
	for _, want := range []string{
		`Response Issuer: "https://sts.windows.net/25f4519b-eca5-405d-b516-123af862c268/\n\t"`,
		`Assertion Issuer: "https://sts.windows.net/25f4519b-eca5-405d-b516-123af862c268/"`,
		`expected: "https://sts.windows.net/61318f71-9c58-4f75-b8af-329e649fcd80/"`,
		`equal to the expected value except for white space around it (nothing before, \n\t after)`,
		`Conditions NotBefore: "2020-01-01T00:00:00.000Z"`,
		"--metadata",
	} {
		if !strings.Contains(txt.stdout, want) {
			t.Errorf("text lacks %s\n%s", want, txt.stdout)
		}
	}
	// The console's sentence is said once, not on every problem.
	console := "Your request included an invalid SAML response"
	if n := strings.Count(txt.stdout, console); n != 1 {
		t.Errorf("console sentence printed %d times:\n%s", n, txt.stdout)
	}
	noGoIdentifiers(t, txt.stdout, txt.stderr)

	js := runCLI(t, "", "check", "--json", "--metadata", md, "--now", "2020-01-01T00:01:00Z", resp)
	found := false
	for _, p := range checkValues(t, js.stdout) {
		for _, v := range p.Values {
			if v.Name == "Response Issuer" && p.Message == "Response Issuer differs from the Assertion Issuer" {
				found = true
				if v.Actual != "https://sts.windows.net/25f4519b-eca5-405d-b516-123af862c268/\n\t" ||
					len(v.Expected) != 1 || v.Expected[0] != "https://sts.windows.net/25f4519b-eca5-405d-b516-123af862c268/" ||
					!strings.Contains(v.Note, "white space") {
					t.Errorf("value %+v", v)
				}
			}
		}
		// Library messages stay free of the values (they are in "values").
		if strings.Contains(p.Message, "25f4519b") || strings.Contains(p.Hint, "25f4519b") {
			t.Errorf("message or hint carries the issuer: %+v", p)
		}
	}
	if !found {
		t.Errorf("no Response Issuer value in JSON:\n%s", js.stdout)
	}
}

// Issue 16: audience, recipient and destination mismatches and expiry show
// expected and actual values; hints name flags, not Go identifiers.
func TestCheckShowsEndpointAndTimeValues(t *testing.T) {
	f := newCheckFixture(t)
	resp := f.response(t, samltest.ResponseOptions{Audience: "https://signin.aws.amazon.com/saml-x", Recipient: "https://signin.aws.amazon.com/sam1"})
	r := runCLI(t, "", "check", "--metadata", f.md, "--now", "2026-11-28T15:00:00Z", resp)
	for _, want := range []string{
		`Audience: "https://signin.aws.amazon.com/saml-x"`,
		`expected: "https://signin.aws.amazon.com/saml"`,
		`or: "urn:amazon:webservices"`,
		`SubjectConfirmationData Recipient: "https://signin.aws.amazon.com/sam1"`,
		`Response Destination: "https://signin.aws.amazon.com/sam1"`,
		`Conditions NotOnOrAfter: "2026-11-28T14:10:00.000Z"`,
		// check runs in AWS-compatible mode: no grace after NotOnOrAfter
		// (A4.4, saml2aws#759).
		"expected: later than 2026-11-28T15:00:00Z",
		"--audience", "--recipient",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("text lacks %s\n%s", want, r.stdout)
		}
	}
	noGoIdentifiers(t, r.stdout, r.stderr)
}

// Issue 16: lookalike and invisible characters in a value are named.
func TestCheckShowsLookalikes(t *testing.T) {
	f := newCheckFixture(t)
	xml, err := os.ReadFile(f.response(t, samltest.ResponseOptions{}))
	if err != nil {
		t.Fatal(err)
	}
	// The Response Issuer is outside the assertion signature.
	iss := f.idp.VerifierConfig().IdPEntityID
	bad := strings.Replace(iss, "windows", "wіndows", 1) // U+0456
	i := bytes.Index(xml, []byte(iss))
	if i < 0 {
		t.Fatal("issuer not found")
	}
	xml = append(append(append([]byte(nil), xml[:i]...), bad...), xml[i+len(iss):]...)
	r := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, writeFile(t, "r.xml", xml))
	for _, want := range []string{`w\u0456ndows`, "U+0456 at byte"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("text lacks %s\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "і") {
		t.Errorf("the lookalike is printed raw:\n%s", r.stdout)
	}
}

// Issue 19 item 2: a StatusCode forging a report line ("response.xml:
// ACCEPTED") or reordering one with U+202E is shown escaped, never as a line.
func TestCheckForgedStatusLine(t *testing.T) {
	f := newCheckFixture(t)
	xml, err := os.ReadFile(f.response(t, samltest.ResponseOptions{Tamper: []string{"failed-status"}}))
	if err != nil {
		t.Fatal(err)
	}
	forged := `urn:oasis:names:tc:SAML:2.0:status:&#xA;response.xml: ACCEPTED: AWS would accept this response&#xA;  role ` + "\u202e" + `nimdA/elor:1234:mai:swa:nra`
	re := []byte(`Value="urn:oasis:names:tc:SAML:2.0:status:Requester"`)
	if !bytes.Contains(xml, re) {
		t.Fatalf("no Requester status in %s", xml)
	}
	xml = bytes.Replace(xml, re, []byte(`Value="`+forged+`"`), 1)
	for _, args := range [][]string{{}, {"--json"}} {
		r := runCLI(t, "", append([]string{"check", "--metadata", f.md, "--now", checkAt}, append(args, writeFile(t, "response.xml", xml))...)...)
		if r.code != exitRejected {
			t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		for _, line := range strings.Split(r.stdout, "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "response.xml: ACCEPTED") || strings.HasPrefix(strings.TrimSpace(line), "role ") {
				t.Errorf("forged line: %q\n%s", line, r.stdout)
			}
		}
		if strings.ContainsRune(r.stdout, '\u202e') {
			t.Errorf("U+202E printed raw:\n%s", r.stdout)
		}
		if len(args) == 0 && !strings.Contains(r.stdout, `\nresponse.xml: ACCEPTED`) {
			t.Errorf("the forged value is not shown escaped:\n%s", r.stdout)
		}
	}
}

// Issue 19 item 5: check's output is capped: at most
// 50 problems (saml.Report's cap), and how many more there were.
func TestCheckOutputCapped(t *testing.T) {
	f := newCheckFixture(t)
	xml, err := os.ReadFile(f.response(t, samltest.ResponseOptions{Tamper: []string{"unsigned"}}))
	if err != nil {
		t.Fatal(err)
	}
	strays := strings.Repeat("<Stray/>", 3000)
	xml = bytes.Replace(xml, []byte("</Assertion>"), []byte(strays+"</Assertion>"), 1)
	in := writeFile(t, "big.xml", xml)
	js := runCLI(t, "", "check", "--json", "--metadata", f.md, "--now", checkAt, in)
	var res checkResult
	if err := json.Unmarshal([]byte(js.stdout), &res); err != nil {
		t.Fatalf("%v\n%.2000s", err, js.stdout)
	}
	if len(res.Errors) > 50 || res.Omitted < 3000-50 {
		t.Errorf("%d errors listed, %d omitted", len(res.Errors), res.Omitted)
	}
	if len(js.stdout) > 2*len(xml) {
		t.Errorf("JSON output %d bytes for %d bytes of input", len(js.stdout), len(xml))
	}
	txt := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, in)
	if !strings.Contains(txt.stdout, "more problem(s) not listed") || len(txt.stdout) > 2*len(xml) {
		t.Errorf("text output %d bytes:\n%.3000s", len(txt.stdout), txt.stdout)
	}
}

// Issue 16: a response signed by an expired certificate is accepted (AWS
// does not check certificate dates) and check says so, as metadata inspect
// calls the certificate expired.
func TestCheckExpiredSigningCertificate(t *testing.T) {
	now := checkNow
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return now }})
	md := writeFile(t, "metadata.xml", idp.Metadata())
	now = checkNow.Add(4 * 365 * 24 * time.Hour) // past the 3-year certificate
	u := samltest.DefaultUser()
	resp := writeFile(t, "response.xml", samltesthelp.MustMint(t, idp, u, samltest.ResponseOptions{}).XML)
	at := now.Add(time.Minute).Format(time.RFC3339)
	r := runCLI(t, "", "check", "--metadata", md, "--now", at, resp)
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "expired at") || !strings.Contains(r.stdout, awsAcceptsExpired) {
		t.Errorf("no expiry note:\n%s", r.stdout)
	}
	js := runCLI(t, "", "check", "--json", "--metadata", md, "--now", at, resp)
	if !strings.Contains(js.stdout, `"certificate_expired":true`) {
		t.Errorf("JSON lacks certificate_expired:\n%s", js.stdout)
	}
	ins := runCLI(t, "", "metadata", "inspect", "--now", at, md)
	if !strings.Contains(ins.stdout, "expired") || !strings.Contains(ins.stdout, awsAcceptsExpired) {
		t.Errorf("metadata inspect does not say AWS still accepts it:\n%s", ins.stdout)
	}
}

// Issue 16: with the real app metadata whose only certificate expired on
// 2025-11-10, check's header says the certificate expired and that AWS still
// accepts its signatures, as metadata inspect does for the same file.
func TestCheckHeaderExpiredCertificateReal(t *testing.T) {
	md := filepath.Join("testdata", "entra-app-61318f71.xml")
	r := runCLI(t, "", "check", "--metadata", md, "--now", "2026-01-01T00:01:00Z", filepath.Join("testdata", "saml2aws_aad_SAMLResponse.xml"))
	want := "note: certificate C147B5D6E9F6E44927F114B4D17C18674130007F expired at 2025-11-10T06:22:45Z; " + awsAcceptsExpired
	if !strings.Contains(r.stdout, want) {
		t.Errorf("header lacks %q:\n%s", want, r.stdout)
	}
	ins := runCLI(t, "", "metadata", "inspect", md, "--now", "2026-01-01T00:01:00Z")
	if !strings.Contains(ins.stdout, "note: "+awsAcceptsExpired) {
		t.Errorf("inspect lacks the note:\n%s", ins.stdout)
	}
}

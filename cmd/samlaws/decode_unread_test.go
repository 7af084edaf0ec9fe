package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samlaws/samlaws/saml/samltest"
)

// Issue 16: on the real saml2aws capture decode used to drop the
// saml2:Attribute whose prefix is not declared; it now says, in text and
// JSON, what it cannot read, where (path and line) and why, and check
// rejects the same element (D4.8).
func TestDecodeReportsUnreadRealCapture(t *testing.T) {
	resp := filepath.Join("testdata", "saml2aws_assertion.xml")
	txt := runCLI(t, "", "decode", resp)
	if txt.code != exitOK {
		t.Fatalf("exit %d\n%s", txt.code, txt.stderr)
	}
	for _, want := range []string{"NOT SHOWN", "line 47: Response/Assertion/AttributeStatement/saml2:Attribute\n",
		`namespace prefix "saml2" is not declared`, "line 48: Response/Assertion/AttributeStatement/saml2:Attribute/saml2:AttributeValue"} {
		if !strings.Contains(txt.stdout, want) {
			t.Errorf("text lacks %q:\n%s", want, txt.stdout)
		}
	}
	js := runCLI(t, "", "decode", "--json", resp)
	var out decodeJSONOut
	if err := json.Unmarshal([]byte(js.stdout), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Unread) != 2 || out.Unread[0].Path != "Response/Assertion/AttributeStatement/saml2:Attribute" || out.Unread[0].Line != 47 ||
		!strings.Contains(out.Unread[0].Reason, "not declared") {
		t.Errorf("unread = %+v", out.Unread)
	}
	// A clean response has an empty list, in JSON too.
	clean := runCLI(t, "", "decode", "--json", filepath.Join("testdata", "saml2aws_aad_SAMLResponse.xml"))
	if !strings.Contains(clean.stdout, `"unread":[]`) {
		t.Errorf("clean response: %s", clean.stdout)
	}
	// check rejects what decode could not read, and names the element.
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return checkNow }})
	cert := writeFile(t, "idp.pem", certPEM(idp))
	chk := runCLI(t, "", "check", "--json", "--cert", cert, "--issuer", "http://id.example.com/adfs/services/trust", "--now", "2016-09-10T02:55:00Z", resp)
	if chk.code != exitRejected || !strings.Contains(chk.stdout, "undeclared namespace prefix") || !strings.Contains(chk.stdout, `"actual":"saml2:Attribute"`) {
		t.Errorf("check: exit %d\n%s%s", chk.code, chk.stdout, chk.stderr)
	}
}

// Issue 16: decode shows the white space around a value that AWS compares
// exactly (the real capture's Response Issuer ends in "\n\t"), in text and
// JSON.
func TestDecodeShowsIssuerWhitespace(t *testing.T) {
	resp := filepath.Join("testdata", "saml2aws_aad_SAMLResponse.xml")
	txt := runCLI(t, "", "decode", resp)
	if !strings.Contains(txt.stdout, `Issuer               "https://sts.windows.net/25f4519b-eca5-405d-b516-123af862c268/\n\t"`) {
		t.Errorf("text hides the white space:\n%s", txt.stdout)
	}
	js := runCLI(t, "", "decode", "--json", resp)
	var out decodeJSONOut
	if err := json.Unmarshal([]byte(js.stdout), &out); err != nil || out.Response.Issuer != "https://sts.windows.net/25f4519b-eca5-405d-b516-123af862c268/\n\t" {
		t.Errorf("JSON issuer %q (%v)", out.Response.Issuer, err)
	}
}

// Issue 16 and 19 item 2: other parts decode cannot read are listed, and no
// value can forge or reorder a line of decode's output.
func TestDecodeUnreadAndEscapes(t *testing.T) {
	f := newCheckFixture(t)
	xml, err := os.ReadFile(f.response(t, samltest.ResponseOptions{Tamper: []string{"unsigned"}}))
	if err != nil {
		t.Fatal(err)
	}
	// An AttributeValue with a child element, an Attribute in another
	// namespace, and a value forging a line and reordering one.
	extra := `<Attribute Name="x"><AttributeValue><b>hidden</b></AttributeValue></Attribute>` +
		`<a:Attribute xmlns:a="urn:oasis:names:tc:SAML:1.0:assertion" Name="https://aws.amazon.com/SAML/Attributes/Role"><a:AttributeValue>v</a:AttributeValue></a:Attribute>` +
		`<Attribute Name="forge"><AttributeValue>ok&#xA;response.xml: ACCEPTED ` + "\u202e" + `nimdA</AttributeValue></Attribute>`
	i := bytes.Index(xml, []byte("</AttributeStatement>"))
	if i < 0 {
		t.Fatal("no AttributeStatement")
	}
	xml = append(xml[:i:i], append([]byte(extra), xml[i:]...)...)
	p := writeFile(t, "r.xml", xml)
	r := runCLI(t, "", "decode", p)
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for _, want := range []string{"AttributeValue with a child element", "a Attribute in namespace \"urn:oasis:names:tc:SAML:1.0:assertion\"",
		`"ok\nresponse.xml: ACCEPTED \u202enimdA"`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("text lacks %q:\n%s", want, r.stdout)
		}
	}
	for _, line := range strings.Split(r.stdout, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "response.xml: ACCEPTED") {
			t.Errorf("forged line %q", line)
		}
	}
	if strings.ContainsRune(r.stdout, '\u202e') {
		t.Error("U+202E printed raw")
	}
	js := runCLI(t, "", "decode", "--json", p)
	if strings.ContainsRune(js.stdout, '\u202e') || !strings.Contains(js.stdout, `\u202e`) {
		t.Errorf("JSON does not escape U+202E:\n%s", js.stdout)
	}
	var out decodeJSONOut
	if err := json.Unmarshal([]byte(js.stdout), &out); err != nil || len(out.Unread) != 2 {
		t.Errorf("unread %+v (%v)", out.Unread, err)
	}
}

// A processing instruction, which the verifier refuses (D4.8), is listed
// too, not skipped silently.
func TestDecodeListsProcessingInstruction(t *testing.T) {
	f := newCheckFixture(t)
	xml, err := os.ReadFile(f.response(t, samltest.ResponseOptions{}))
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(xml, []byte("<Subject>"))
	if i < 0 {
		t.Fatalf("no Subject in %s", xml)
	}
	xml = append(xml[:i:i], append([]byte("<?pi data?>"), xml[i:]...)...)
	p := writeFile(t, "pi.xml", xml)
	r := runCLI(t, "", "decode", p)
	if r.code != exitOK || !strings.Contains(r.stdout, "processing instruction <?pi ...?>") || !strings.Contains(r.stdout, "Response/Assertion\n") {
		t.Errorf("exit %d\n%s", r.code, r.stdout)
	}
	c := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, p)
	if c.code != exitRejected || !strings.Contains(c.stdout, "processing instruction") {
		t.Errorf("check: exit %d\n%s", c.code, c.stdout)
	}
}

// An element SAML does not allow inside AudienceRestriction or Status is
// listed, not hidden.
func TestDecodeListsStrayInAudienceAndStatus(t *testing.T) {
	f := newCheckFixture(t)
	xml, err := os.ReadFile(f.response(t, samltest.ResponseOptions{}))
	if err != nil {
		t.Fatal(err)
	}
	for _, ins := range []struct{ before, add string }{
		{"</AudienceRestriction>", "<Decoy>https://signin.aws.amazon.com/saml</Decoy>"},
		{"</samlp:Status>", "<samlp:Other/>"},
	} {
		i := bytes.Index(xml, []byte(ins.before))
		if i < 0 {
			t.Fatalf("no %s", ins.before)
		}
		xml = append(xml[:i:i], append([]byte(ins.add), xml[i:]...)...)
	}
	r := runCLI(t, "", "decode", "--json", writeFile(t, "r.xml", xml))
	var out decodeJSONOut
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, u := range out.Unread {
		paths = append(paths, u.Path)
	}
	got := strings.Join(paths, "\n")
	if !strings.Contains(got, "AudienceRestriction/Decoy") || !strings.Contains(got, "Status/Other") {
		t.Errorf("unread paths:\n%s", got)
	}
}

package main

import (
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/internal/awsendpoint"
	"github.com/samlaws/samlaws/internal/mint"
	"github.com/samlaws/samlaws/internal/samltesthelp"
	"github.com/samlaws/samlaws/metadata"
	"github.com/samlaws/samlaws/saml/samltest"
)

// decodeJSONRun runs "samlaws decode --json" and decodes its one object.
func decodeJSONRun(t *testing.T, stdin string, args ...string) decodeJSONOut {
	t.Helper()
	r := runCLI(t, stdin, append([]string{"decode", "--json"}, args...)...)
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if strings.Count(strings.TrimRight(r.stdout, "\n"), "\n") != 0 {
		t.Fatalf("not one line of JSON:\n%s", r.stdout)
	}
	var out decodeJSONOut
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	return out
}

func TestDecodeJSON(t *testing.T) {
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return checkNow }})
	u := samltest.DefaultUser()
	u.SessionDuration = 2 * time.Hour
	m := samltesthelp.MustMint(t, idp, u, samltest.ResponseOptions{Signing: samltest.SignBoth})
	for _, in := range []struct {
		name, file, enc string
	}{
		{"base64", writeFile(t, "resp.b64", []byte(wrapBase64(m.Base64(), 76, "\r\n"))), "base64"},
		{"xml", writeFile(t, "resp.xml", m.XML), "xml"},
	} {
		t.Run(in.name, func(t *testing.T) {
			out := decodeJSONRun(t, "", in.file)
			if out.Validated || out.Encoding != in.enc || out.XMLBytes != len(m.XML) || out.Base64Chars != len(m.Base64()) {
				t.Errorf("header: %+v", out)
			}
			resp := out.Response
			if resp.ID != m.ResponseID || resp.Issuer != idp.EntityID || resp.Destination != awsendpoint.GlobalSignIn ||
				resp.StatusCode != mint.StatusSuccess || resp.InResponseTo != "" {
				t.Errorf("response: %+v", resp)
			}
			if len(resp.Signatures) != 1 || !resp.Signatures[0].ReferencesSelf || resp.Signatures[0].SignatureMethod != metadata.AlgRSASHA256 {
				t.Errorf("response signatures: %+v", resp.Signatures)
			}
			if len(out.Assertions) != 1 {
				t.Fatalf("assertions: %+v", out.Assertions)
			}
			a := out.Assertions[0]
			tp := fmt.Sprintf("%X", sha1.Sum(idp.Certificate().Raw))
			if a.Encrypted || a.ID != m.AssertionID || a.Issuer != idp.EntityID || a.NameID != samltest.DefaultUser().UPN ||
				len(a.Signatures) != 1 || !a.Signatures[0].ReferencesSelf || len(a.Signatures[0].KeyInfoSHA1) != 1 || a.Signatures[0].KeyInfoSHA1[0] != tp {
				t.Errorf("assertion: %+v", a)
			}
			if len(a.Confirmations) != 1 || a.Confirmations[0].Recipient != awsendpoint.GlobalSignIn || a.Confirmations[0].Method != "urn:oasis:names:tc:SAML:2.0:cm:bearer" {
				t.Errorf("confirmations: %+v", a.Confirmations)
			}
			if len(a.Audiences) != 1 || len(a.Audiences[0]) != 1 || a.Audiences[0][0] != awsendpoint.GlobalSignIn {
				t.Errorf("audiences: %v", a.Audiences)
			}
			if a.NotOnOrAfter != m.NotOnOrAfter.Format("2006-01-02T15:04:05.000Z") {
				t.Errorf("NotOnOrAfter %q", a.NotOnOrAfter)
			}
			vals := map[string][]string{}
			for _, at := range a.Attributes {
				vals[at.Name] = at.Values
			}
			if len(vals[awsrole.AttrRole]) != 2 || !strings.Contains(vals[awsrole.AttrRole][0], ":role/EntraAdmin") ||
				len(vals[awsrole.AttrSessionDuration]) != 1 || vals[awsrole.AttrSessionDuration][0] != "7200" ||
				len(vals["http://schemas.microsoft.com/identity/claims/tenantid"]) != 1 {
				t.Errorf("attributes: %v", vals)
			}
		})
	}
}

func TestDecodeJSONEncryptedAndBroken(t *testing.T) {
	_, spCert, _ := testSPKey(t)
	f := newCheckFixture(t)
	out := decodeJSONRun(t, "", f.response(t, samltest.ResponseOptions{EncryptFor: spCert}))
	if len(out.Assertions) != 1 || !out.Assertions[0].Encrypted || !strings.Contains(out.Assertions[0].ContentEncryption, "aes256") ||
		out.Assertions[0].NameID != "" || len(out.Assertions[0].Attributes) != 0 {
		t.Errorf("encrypted: %+v", out.Assertions)
	}
	// Not what it claims to be: decode still reports (validated false), and
	// a document that is not a Response is an error as in text mode.
	bad := f.response(t, samltest.ResponseOptions{Tamper: []string{"wrong-issuer"}})
	if out := decodeJSONRun(t, "", bad); out.Validated || out.Response.Issuer == f.idp.EntityID {
		t.Errorf("wrong issuer: %+v", out.Response)
	}
	r := runCLI(t, "<x/>", "decode", "--json", "-")
	if r.code != exitRejected || r.stdout != "" || !strings.Contains(r.stderr, "not a SAML 2.0 samlp:Response") {
		t.Errorf("not a response: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestDecodeDecryptKey: with the SP key, decode shows what an encrypted
// assertion says (text and JSON), still marked as not verified; with another
// key it says no key decrypts it, and shows nothing of the content.
func TestDecodeDecryptKey(t *testing.T) {
	_, spCert, keyPEM := testSPKey(t)
	_, _, otherPEM := testSPKey(t)
	f := newCheckFixture(t)
	resp := f.response(t, samltest.ResponseOptions{EncryptFor: spCert})
	keyFile := writeFile(t, "sp.key", keyPEM)
	otherFile := writeFile(t, "other.key", otherPEM)

	r := runCLI(t, "", "decode", "--decrypt-key", keyFile, resp)
	out := flatten(r.stdout)
	for _, want := range []string{"EncryptedAssertion 1 of 1", "Decrypted with --decrypt-key (NOT verified", "NameID " + samltest.DefaultUser().UPN,
		"Recipient " + awsendpoint.GlobalSignIn, "-> role EntraAdmin"} {
		if r.code != exitOK || !strings.Contains(out, want) {
			t.Errorf("exit %d, output lacks %q:\n%s%s", r.code, want, r.stdout, r.stderr)
		}
	}
	j := decodeJSONRun(t, "", "--decrypt-key", otherFile, "--decrypt-key", keyFile, resp)
	if len(j.Assertions) != 1 || !j.Assertions[0].Encrypted || !j.Assertions[0].Decrypted || j.Assertions[0].NameID != samltest.DefaultUser().UPN ||
		len(j.Assertions[0].Signatures) != 1 || len(j.Assertions[0].Attributes) == 0 {
		t.Errorf("JSON: %+v", j.Assertions)
	}

	r = runCLI(t, "", "decode", "--decrypt-key", otherFile, resp)
	if r.code != exitOK || !strings.Contains(flatten(r.stdout), "None of the 1 --decrypt-key keys decrypts it") || strings.Contains(r.stdout, samltest.DefaultUser().UPN) {
		t.Errorf("wrong key: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if j := decodeJSONRun(t, "", "--decrypt-key", otherFile, resp); j.Assertions[0].Decrypted || j.Assertions[0].NameID != "" {
		t.Errorf("wrong key, JSON: %+v", j.Assertions[0])
	}
	r = runCLI(t, "", "decode", "--decrypt-key", writeFile(t, "junk.pem", []byte("not a key")), resp)
	if r.code != exitUsage || !strings.Contains(r.stderr, "--decrypt-key") {
		t.Errorf("bad key file: exit %d\n%s", r.code, r.stderr)
	}
}

package saml

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/samlaws/samlaws/internal/mint/minttest"
)

// vDiagnose runs Diagnose on xml.
func vDiagnose(t *testing.T, v *Verifier, xml []byte) *Report {
	t.Helper()
	return v.Diagnose(context.Background(), xml)
}

// vProblem returns the first problem of category cat.
func vProblem(t *testing.T, r *Report, cat error) *ValidationError {
	t.Helper()
	for _, p := range r.Problems { // the exact kind first: ErrAudience also wraps errRecipient's problems
		if p.Kind == cat {
			return p
		}
	}
	for _, p := range r.Problems {
		if errors.Is(p, cat) {
			return p
		}
	}
	t.Fatalf("no %v problem in %v", cat, reportErr(r))
	return nil
}

// vValue returns the Value named name of p.
func vValue(t *testing.T, p *ValidationError, name string) Value {
	t.Helper()
	for _, v := range p.Values {
		if v.Name == name {
			return v
		}
	}
	t.Fatalf("%v: no Value %q in %+v", p, name, p.Values)
	return Value{}
}

// vNoContent fails when the error string, Reason or Hint of p contains s.
func vNoContent(t *testing.T, p *ValidationError, s string) {
	t.Helper()
	for _, field := range []string{p.Error(), p.Reason, p.Hint} {
		if strings.Contains(field, s) {
			t.Errorf("%q reaches the message: %q", s, field)
		}
	}
}

// Issue 16: a mismatch gives both values, the response's exactly (white
// space included), through Values and never through Error/Reason/Hint (D1.7).
func TestValuesIssuerMismatchWhitespace(t *testing.T) {
	m := vMint(t, nil)
	d := vDoc(t, m.XML)
	iss := d.Root().SelectElement("Issuer")
	iss.SetText("\n\t" + minttest.Issuer + "\t\n")
	r := vDiagnose(t, vVerifier(t, nil), vBytes(t, d))
	p := vProblem(t, r, errIssuer)
	if p.Setting != "IdPEntityID" {
		t.Errorf("Setting = %q, want IdPEntityID", p.Setting)
	}
	v := vValue(t, p, "Response Issuer")
	if v.Got != "\n\t"+minttest.Issuer+"\t\n" || !slices.Equal(v.Want, []string{minttest.Issuer}) {
		t.Errorf("Value = %+v", v)
	}
	vNoContent(t, p, minttest.Tenant)
	if strings.Contains(p.Hint, "VerifierConfig") {
		t.Errorf("hint names a Go identifier: %s", p.Hint)
	}
}

// Issue 16: audience, recipient, destination and times carry expected and
// actual values (A1.6, A1.8, D1.2, D2.2).
func TestValuesAudienceRecipientTimes(t *testing.T) {
	m := vMint(t, func(s *ResponseSpec) {
		s.Audience = "https://signin.aws.amazon.com/saml-typo"
		s.Recipient = "https://signin.aws.amazon.com/sam1"
	})
	later := vNow.Add(3 * time.Hour)
	v := vVerifier(t, func(c *VerifierConfig) { c.Now = func() time.Time { return later } })
	r := vDiagnose(t, v, m.XML)

	aud := vProblem(t, r, ErrAudience)
	av := vValue(t, aud, "Audience")
	if av.Got != "https://signin.aws.amazon.com/saml-typo" || !slices.Contains(av.Want, AWSSignInURL) || aud.Setting != "Audiences" {
		t.Errorf("audience: %+v, setting %q", av, aud.Setting)
	}
	vNoContent(t, aud, "saml-typo")

	rec := vProblem(t, r, errRecipient)
	if !errors.Is(rec, ErrAudience) || rec.Code() != "recipient" || aud.Code() != "audience" {
		t.Errorf("recipient problem: errors.Is ErrAudience %v, Code %q; audience Code %q", errors.Is(rec, ErrAudience), rec.Code(), aud.Code())
	}
	rv := vValue(t, rec, "SubjectConfirmationData Recipient")
	if rv.Got != "https://signin.aws.amazon.com/sam1" || !slices.Equal(rv.Want, []string{AWSSignInURL, "https://signin.aws.amazon.com/static/saml", "https://<region>.signin.aws.amazon.com/saml"}) {
		t.Errorf("recipient: %+v", rv)
	}
	dst := vProblem(t, r, errDestination)
	if dv := vValue(t, dst, "Response Destination"); dv.Got != "https://signin.aws.amazon.com/sam1" {
		t.Errorf("destination: %+v", dv)
	}

	exp := vProblem(t, r, ErrExpired)
	found := false
	for _, p := range r.Problems {
		for _, val := range p.Values {
			if val.Name == "Conditions NotOnOrAfter" {
				found = true
				if val.Got != m.NotOnOrAfter.UTC().Format("2006-01-02T15:04:05.000Z") || len(val.Want) != 1 ||
					!strings.Contains(val.Want[0], later.Add(-defaultClockSkew).UTC().Format(time.RFC3339)) {
					t.Errorf("NotOnOrAfter: %+v", val)
				}
			}
		}
	}
	if !found {
		t.Errorf("no Conditions NotOnOrAfter value; first expiry problem %v %+v", exp, exp.Values)
	}
}

// Issue 19 item 2: a StatusCode Value ending in a newline and text, or a
// nested one with U+202E, cannot forge lines of a report: nothing of it
// reaches the Hint or Reason; Values hold it for a caller to quote (D1.5).
func TestForgedStatusLineNotEchoed(t *testing.T) {
	m := vMint(t, nil)
	for _, forged := range []struct{ top, sub string }{
		{statusPrefix + "\nresponse.xml: ACCEPTED: AWS would accept this response", ""},
		{statusPrefix + "Requester", statusPrefix + "\u202eelor/nimdA:elor/1234:mai:swa:nra  elor\n"},
		{statusPrefix + "Req\u202euester", ""},
	} {
		d := vDoc(t, m.XML)
		sc := vFind(d.Root(), "StatusCode")
		sc.CreateAttr("Value", "TOP")
		if forged.sub != "" {
			sub := sc.CreateElement("samlp:StatusCode")
			sub.CreateAttr("Value", "SUB")
		}
		// Line breaks as character references: a literal one is normalised
		// to a space by XML (and refused by the verifier).
		ref := strings.NewReplacer("\n", "&#xA;", "\r", "&#xD;")
		in := bytes.Replace(vBytes(t, d), []byte(`"TOP"`), []byte(`"`+ref.Replace(forged.top)+`"`), 1)
		in = bytes.Replace(in, []byte(`"SUB"`), []byte(`"`+ref.Replace(forged.sub)+`"`), 1)
		r := vDiagnose(t, vVerifier(t, nil), in)
		p := vProblem(t, r, ErrStatus)
		for _, field := range []string{p.Error(), p.Reason, p.Hint} {
			if strings.ContainsAny(field, "\n\r\u202e") || strings.Contains(field, "ACCEPTED") || strings.Contains(field, "nimdA") {
				t.Errorf("forged status reaches a message: %q", field)
			}
		}
		if v := vValue(t, p, "StatusCode"); v.Got != forged.top {
			t.Errorf("StatusCode value = %q, want %q", v.Got, forged.top)
		}
		if !strings.Contains(p.Hint, "non-standard") {
			t.Errorf("hint %q does not say the status is non-standard", p.Hint)
		}
	}
	// A standard second-level code is still named.
	d := vDoc(t, m.XML)
	sc := vFind(d.Root(), "StatusCode")
	sc.CreateAttr("Value", statusPrefix+"Responder")
	sc.CreateElement("samlp:StatusCode").CreateAttr("Value", statusPrefix+"AuthnFailed")
	p := vProblem(t, vDiagnose(t, vVerifier(t, nil), vBytes(t, d)), ErrStatus)
	if !strings.Contains(p.Hint, "Responder / AuthnFailed") {
		t.Errorf("hint = %q", p.Hint)
	}
}

// Issue 19 item 2: an element name cut for a message never splits a UTF-8
// sequence, and non-ASCII in it is escaped.
func TestElementNameCutKeepsUTF8(t *testing.T) {
	// The copy-free path for plain ASCII names gives what quoting gives.
	for name, want := range map[string]string{
		"Assertion": "Assertion", "a\"b": `a\"b`, `a\b`: `a\\b`, "a\tb": `a\tb`, "a\x7fb": `a\x7fb`,
		strings.Repeat("n", 40): strings.Repeat("n", 40), strings.Repeat("n", 41): strings.Repeat("n", 40) + "...",
	} {
		if got := safeName(name); got != want {
			t.Errorf("safeName(%q) = %q, want %q", name, got, want)
		}
	}
	for _, name := range []string{strings.Repeat("é", 30), "a" + strings.Repeat("日", 20), "x\u202eevil"} {
		got := safeName(name)
		if !utf8.ValidString(got) {
			t.Errorf("safeName(%q) = %q: invalid UTF-8", name, got)
		}
		for _, r := range got {
			if r > 0x7e || r < 0x20 {
				t.Errorf("safeName(%q) = %q keeps %U", name, got, r)
			}
		}
	}
	m := vMint(t, nil)
	d := vDoc(t, m.XML)
	a := vFind(d.Root(), "Assertion")
	a.CreateElement(strings.Repeat("é", 30))
	r := vDiagnose(t, vVerifier(t, nil), vBytes(t, d))
	for _, p := range r.Problems {
		if !utf8.ValidString(p.Reason) {
			t.Errorf("reason is not valid UTF-8: %q", p.Reason)
		}
	}
	// The reader (internal/xmlread) admits ASCII names only, so such an
	// element never reaches a message: the response is refused as not
	// well-formed, and nothing of the name is echoed.
	p := vProblem(t, r, ErrMalformed)
	if p.Rule != "D1.1" || strings.Contains(p.Reason, "é") || len(p.Values) != 0 {
		t.Errorf("problem = %+v", p)
	}
}

// Issue 19 item 5: Diagnose lists at most maxDiagnoseProblems problems and
// counts the rest, so its output is bounded whatever the input.
func TestDiagnoseCapped(t *testing.T) {
	m := vMint(t, nil)
	d := vDoc(t, m.XML)
	a := vFind(d.Root(), "Assertion")
	const extra = 400
	for i := 0; i < extra; i++ {
		a.CreateElement("Stray")
	}
	in := vBytes(t, d)
	r := vDiagnose(t, vVerifier(t, nil), in)
	if len(r.Problems) != maxDiagnoseProblems {
		t.Fatalf("%d problems, want the cap %d", len(r.Problems), maxDiagnoseProblems)
	}
	if r.Omitted < extra-maxDiagnoseProblems {
		t.Errorf("Omitted = %d, want at least %d", r.Omitted, extra-maxDiagnoseProblems)
	}
	if r.Accepted {
		t.Error("accepted")
	}
	// Values per problem are bounded too: one restriction with many audiences.
	d = vDoc(t, m.XML)
	ar := vFind(d.Root(), "AudienceRestriction")
	for _, ch := range ar.ChildElements() {
		ar.RemoveChild(ch)
	}
	for i := 0; i < 500; i++ {
		ar.CreateElement("Audience").SetText("urn:x")
	}
	p := vProblem(t, vDiagnose(t, vVerifier(t, nil), vBytes(t, d)), ErrAudience)
	if len(p.Values) > maxValues {
		t.Errorf("%d values, want at most %d", len(p.Values), maxValues)
	}
	// A problem below the cap is unaffected.
	if r := vDiagnose(t, vVerifier(t, nil), m.XML); !r.Accepted || r.Omitted != 0 {
		t.Errorf("clean response: %+v", r)
	}
}

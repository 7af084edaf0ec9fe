package saml

import (
	"bytes"
	"encoding/base64"
	"slices"
	"strings"
	"testing"

	"github.com/beevik/etree"
)

// assertionContent returns strings of the response that must never appear in
// an error: every NameID and AttributeValue (and each ARN of a Role pair),
// and fragments of every base64 value (SignatureValue, DigestValue,
// X509Certificate, CipherValue) and, for base64 input, of the input itself.
// Strings shorter than 4 characters are left out: they would match ordinary
// words of a message.
func assertionContent(inputs ...[]byte) []string {
	var out []string
	add := func(s string) {
		s = strings.TrimSpace(s)
		if len(s) >= 4 {
			out = append(out, s)
		}
	}
	frag := func(b64 string) {
		b64 = stripSpace(b64)
		for i := 0; i+16 <= len(b64) && i < 16*8; i += 16 {
			out = append(out, b64[i:i+16])
		}
	}
	var walk func(el *etree.Element)
	walk = func(el *etree.Element) {
		switch el.Tag {
		case "NameID", "AttributeValue":
			t := textAll(el)
			add(t)
			for _, p := range strings.Split(t, ",") {
				add(p)
			}
		case "SignatureValue", "DigestValue", "X509Certificate", "CipherValue":
			frag(textAll(el))
		}
		for _, ch := range el.ChildElements() {
			walk(ch)
		}
	}
	for _, in := range inputs {
		in = bytes.TrimSpace(in)
		if len(in) > 0 && in[0] != '<' {
			frag(string(in[len(in)/2:]))
			if dec, err := base64.StdEncoding.DecodeString(stripSpace(string(in))); err == nil {
				in = dec
			}
		}
		doc := etree.NewDocument()
		if doc.ReadFromBytes(in) == nil && doc.Root() != nil {
			walk(doc.Root())
		}
	}
	return out
}

// textAll concatenates the text of el and its descendants.
func textAll(el *etree.Element) string {
	var b strings.Builder
	for _, t := range el.Child {
		switch t := t.(type) {
		case *etree.CharData:
			b.WriteString(t.Data)
		case *etree.Element:
			b.WriteString(textAll(t))
		}
	}
	return b.String()
}

// noContentLeak fails when a message of err or of the Diagnose report (reason,
// rule, hint, AWS answer) contains assertion content of the inputs.
func noContentLeak(t *testing.T, err error, r *Report, inputs ...[]byte) {
	t.Helper()
	var msgs []string
	addVE := func(ve *ValidationError) {
		msgs = append(msgs, ve.Error(), ve.Hint, ve.AWSCode, ve.AWSMessage, ve.AWSConsole)
	}
	if err != nil {
		msgs = append(msgs, err.Error())
		if ve, ok := err.(*ValidationError); ok {
			addVE(ve)
		}
	}
	if r != nil {
		for _, p := range r.Problems {
			addVE(p)
		}
		if rerr := reportErr(r); rerr != nil {
			msgs = append(msgs, rerr.Error())
		}
	}
	secrets := slices.Compact(slices.Sorted(slices.Values(assertionContent(inputs...))))
	if len(secrets) == 0 && len(inputs) > 0 && len(inputs[0]) > 200 {
		t.Fatal("noContentLeak: found no content to look for")
	}
	for _, m := range msgs {
		for _, s := range secrets {
			if strings.Contains(m, s) {
				t.Errorf("message leaks assertion content %q: %s", s, m)
				return
			}
		}
	}
}

// TestNoContentLeakCatches checks the checker itself on a message that does
// quote assertion content.
func TestNoContentLeakCatches(t *testing.T) {
	m := vMint(t, nil)
	secrets := assertionContent(m.XML, []byte(m.Base64()))
	for _, want := range []string{"jane.doe@contoso.example", "arn:aws:iam::123456789012:role/Admin"} {
		found := false
		for _, s := range secrets {
			found = found || s == want
		}
		if !found {
			t.Errorf("assertionContent misses %q", want)
		}
	}
	if len(secrets) < 10 {
		t.Errorf("only %d content strings found", len(secrets))
	}
}

package mint_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/beevik/etree"

	. "github.com/samlaws/samlaws/internal/mint"
	"github.com/samlaws/samlaws/internal/mint/minttest"
)

// FuzzBuild feeds arbitrary strings into the values a caller controls. Build
// must either refuse them with a *Error or emit well-formed XML that is
// in exclusive-canonical form (so its digest is right), whose assertion
// signature verifies, and which carries the values unchanged.
func FuzzBuild(f *testing.F) {
	f.Add("jane.doe@contoso.example", "Doe, Jane", "urn:x", "v", "https://signin.aws.amazon.com/saml")
	f.Add("a&b<c>\"d'", "\r\n\t", "n\"<&>\t", "\r\n\t<&>\"'", "x")
	f.Add("\x00", "\xff", "", "\uFFFE", "\ud7ff")
	f.Add("ü€𝄞", "]]>", "-->", "<!--", "<![CDATA[x]]>")
	f.Add("a\rb", "x", "y", "z", "w\r")
	b := minttest.Builder(f, minttest.FixedNow())
	idp := minttest.LoadKeyPair(f, "idp")
	f.Fuzz(func(t *testing.T, upn, display, attrName, attrValue, audience string) {
		spec := ResponseSpec{
			User:       User{UPN: upn, DisplayName: display},
			Audience:   audience,
			Attributes: []Attribute{{Name: attrName, Values: []string{attrValue}}},
		}
		m, err := b.Build(spec)
		if err != nil {
			var be *Error
			if !errors.As(err, &be) || !errors.Is(err, ErrResponseSpec) {
				t.Fatalf("error %v is not an ErrResponseSpec *Error", err)
			}
			return
		}
		d := etree.NewDocument()
		if err := d.ReadFromBytes(m.XML); err != nil {
			t.Fatalf("not well-formed: %v", err)
		}
		if c := mintCanon(t, d.Root()); !bytes.Equal(c, m.XML) {
			t.Fatalf("not canonical")
		}
		a := d.Root().SelectElement("Assertion")
		mintValidate(t, mintParse(t, mintCanon(t, a)), idp.Cert, minttest.FixedNow())
		if got := a.FindElement("./Subject/NameID").Text(); got != upn {
			t.Fatalf("NameID %q, want %q", got, upn)
		}
		if got := a.FindElement("./Conditions/AudienceRestriction/Audience").Text(); audience != "" && got != audience {
			t.Fatalf("Audience %q, want %q", got, audience)
		}
	})
}

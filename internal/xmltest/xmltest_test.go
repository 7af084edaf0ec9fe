package xmltest

import (
	"strings"
	"testing"
)

func TestGenerators(t *testing.T) {
	if got, want := NSDecls("b", 2), ` xmlns:pb_0="urn:x:b:0" xmlns:pb_1="urn:x:b:1"`; got != want {
		t.Errorf("NSDecls = %q, want %q", got, want)
	}
	if got := Fill(10, "<a/>"); got != "<a/><a/><a/>" {
		t.Errorf("Fill(10, <a/>) = %q", got)
	}
	if got := Fill(12, "<a%d/>"); got != "<a0/><a1/><a2/>" {
		t.Errorf("Fill(12, <a%%d/>) = %q", got)
	}
	doc := NestedNS(2, "<x/>")
	if !strings.HasPrefix(doc, `<n0 xmlns:p0_0=`) || !strings.HasSuffix(doc, `><x/></n1></n0>`) || strings.Count(doc, "xmlns:") != 60 {
		t.Errorf("NestedNS(2, <x/>) = %q", doc)
	}
	if err := Structure([]byte(doc)); err != nil {
		t.Errorf("Structure(NestedNS) = %v", err)
	}
}

func TestStructure(t *testing.T) {
	for _, ok := range []string{`<a/>`, " \n<a><b/>t</a>\n", `<?xml version="1.0"?><a/>`} {
		if err := Structure([]byte(ok)); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{``, `<a/><b/>`, `t<a/>`, `<!DOCTYPE a><a/>`, `<a>`} {
		if err := Structure([]byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestStructureRawTokens pins what the oracle leaves to the parsers under
// test: raw tokens do not pair end tags with start tags.
func TestStructureRawTokens(t *testing.T) {
	if err := Structure([]byte(`<a></b>`)); err != nil {
		t.Errorf("<a></b>: %v (the oracle now pairs tags; update its doc)", err)
	}
}

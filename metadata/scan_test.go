package metadata

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/samlaws/samlaws/internal/xmlread"
	"github.com/samlaws/samlaws/internal/xmltest"
)

var bigLimits = xmlread.Limits{MaxBytes: 1 << 30, MaxDepth: 1 << 20, MaxTokens: 1 << 30, MaxAttrs: 1 << 20}

// scanEvents tokenizes with our scanner into comparable events.
func scanEvents(data []byte, r io.Reader) ([]string, error) {
	s := newScanner(data, r, bigLimits)
	var ev []string
	var text []byte
	flush := func() {
		if len(text) > 0 {
			ev = append(ev, "T"+string(text))
			text = text[:0]
		}
	}
	for {
		k, err := s.next()
		if err != nil {
			return nil, err
		}
		switch k {
		case tokEOF:
			flush()
			return ev, nil
		case tokStart:
			flush()
			var attrs []string
			for _, a := range s.tag.attrs {
				attrs = append(attrs, fmt.Sprintf("{%s}%s=%q", a.space, a.local, a.value))
			}
			sort.Strings(attrs)
			ev = append(ev, fmt.Sprintf("S{%s}%s %s", s.tag.space, s.tag.local, strings.Join(attrs, " ")))
		case tokEnd:
			flush()
			ev = append(ev, "E")
		case tokText:
			text = append(text, s.text...)
		}
	}
}

// stdEvents does the same with encoding/xml.
func stdEvents(data []byte) ([]string, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	var ev []string
	var text []byte
	flush := func() {
		if len(text) > 0 {
			ev = append(ev, "T"+string(text))
			text = text[:0]
		}
	}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			flush()
			return ev, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			flush()
			var attrs []string
			for _, a := range t.Attr {
				attrs = append(attrs, fmt.Sprintf("{%s}%s=%q", a.Name.Space, a.Name.Local, a.Value))
			}
			sort.Strings(attrs)
			ev = append(ev, fmt.Sprintf("S{%s}%s %s", t.Name.Space, t.Name.Local, strings.Join(attrs, " ")))
		case xml.EndElement:
			flush()
			ev = append(ev, "E")
		case xml.CharData:
			text = append(text, t...)
		}
	}
}

func TestScannerMatchesEncodingXMLOnFixtures(t *testing.T) {
	for _, name := range []string{"entra-tenant-8b966979.xml", "entra-app-a15b04fc-reformatted.xml", "adfs-maybank.xml", "okta-wsfed-dev-11721018.xml", "google-workspace-C019px6f1.xml", "spid-idps-aggregate.xml"} {
		data := xmlread.TrimBOM(readFixture(t, name))
		got, err := scanEvents(data, nil)
		if err != nil {
			t.Fatalf("%s: scanner: %v", name, err)
		}
		want, err := stdEvents(data)
		if err != nil {
			t.Fatalf("%s: encoding/xml: %v", name, err)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: token streams differ", name)
		}
		// Reading through a reader in tiny pieces gives the same result.
		got2, err := scanEvents(nil, iotest.OneByteReader(bytes.NewReader(data)))
		if err != nil || strings.Join(got2, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: one-byte reader differs: %v", name, err)
		}
	}
}

func TestScannerRejects(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     error
	}{
		{"D4.8_doctype", `<!DOCTYPE a><a/>`, errHostile},
		{"D4.8_entity_ref", `<a>&x;</a>`, errHostile},
		{"D4.8_doctype_inside", `<a><!ELEMENT x ANY></a>`, errHostile},
		{"undeclared_prefix", `<x:a/>`, errMalformed},
		{"undeclared_attr_prefix", `<a x:b="1"/>`, errMalformed},
		{"duplicate_attr", `<a b="1" b="2"/>`, errMalformed},
		{"unquoted", `<a b=1/>`, errMalformed},
		{"lt_in_attr", `<a b="<"/>`, errMalformed},
		{"mismatch", `<a></b>`, errMalformed},
		{"prefix_mismatch", `<x:a xmlns:x="u" xmlns:y="u"></y:a>`, errMalformed},
		{"two_roots", `<a/><b/>`, errMalformed},
		{"text_outside", `x<a/>`, errMalformed},
		{"cdata_end_in_text", `<a>]]></a>`, errMalformed},
		{"bad_char", "<a>\x01</a>", errMalformed},
		{"bad_utf8", "<a>\xff</a>", errMalformed},
		{"bad_char_ref", `<a>&#0;</a>`, errMalformed},
		{"double_dash_comment", `<a><!-- a -- b --></a>`, errMalformed},
		{"non_ascii_name", "<\u00e9/>", errMalformed},
		{"two_colons", `<a:b:c/>`, errMalformed},
		{"decl_not_first", `<a/><?xml version="1.0"?>`, errMalformed},
		{"utf16", `<?xml version="1.0" encoding="UTF-16"?><a/>`, errMalformed},
		{"unclosed", `<a><b>`, errMalformed},
		{"empty", ``, errMalformed},
		{"no_space_between_attrs", `<a b="1"c="2"/>`, errMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := scanEvents([]byte(tc.in), nil)
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

// FuzzScannerMatchesEncodingXML: whatever the scanner accepts, encoding/xml
// (which etree and goxmldsig build on) accepts too, as exactly one root
// element without directives or text around it (stdStructure), with the
// same elements, namespace-resolved names, attribute values and text. This
// rules out parser differentials between what Parse reads and what
// signature verification sees.
func FuzzScannerMatchesEncodingXML(f *testing.F) {
	for _, s := range []string{
		`<a/>`, `<?xml version="1.0" encoding="utf-8"?><a x="1&amp;2&#x41;"><b>t&lt;</b><![CDATA[c<d]]></a>`,
		"<a>\r\nx\ry</a>", `<x:a xmlns:x="urn:x" xmlns="urn:d"><b xml:lang="en" x:y="z"/></x:a>`,
		`<a><!-- c --><?pi x?></a>`, `<a b='"'/>`, "<a>\u00e9\U0001F600</a>",
	} {
		f.Add([]byte(s))
	}
	f.Add(xmlread.TrimBOM(readFixture(f, "google-workspace-C019px6f1.xml")))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := scanEvents(data, nil)
		if err != nil {
			var me *Error
			if !errors.As(err, &me) {
				t.Fatalf("untyped error %T %v", err, err)
			}
			return
		}
		want, err := stdEvents(data)
		if err != nil {
			t.Fatalf("scanner accepted what encoding/xml rejects: %v", err)
		}
		if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
			t.Fatalf("token streams differ:\nscanner:\n%s\nencoding/xml:\n%s", g, w)
		}
		if err := xmltest.Structure(data); err != nil {
			t.Fatalf("scanner accepted what encoding/xml's raw tokens show is not one well-formed element: %v", err)
		}
		got2, err := scanEvents(nil, iotest.HalfReader(bytes.NewReader(data)))
		if err != nil || strings.Join(got2, "\n") != strings.Join(got, "\n") {
			t.Fatalf("streaming from a reader differs: %v", err)
		}
	})
}

func TestScannerXMLDeclaration(t *testing.T) {
	for _, in := range []string{
		`<?xml version="1.0"encoding="x"?><a/>`, `<?xml version="1.0" encoding="latin1"?><a/>`, `<?xml version="1.1"?><a/>`,
		`<?xml version="1.0" xversion="2"?><a/>`, `<?xml encoding="utf-8"?><a/>`, `<?xml version="1.0" encoding="utf-8?><a/>`,
	} {
		if _, err := scanEvents([]byte(in), nil); !errors.Is(err, errMalformed) {
			t.Errorf("%q accepted: %v", in, err)
		}
	}
	for _, in := range []string{`<?xml version="1.0"?><a/>`, `<?xml version='1.0' encoding='UTF-8' standalone="no"?><a/>`} {
		if _, err := scanEvents([]byte(in), nil); err != nil {
			t.Errorf("%q rejected: %v", in, err)
		}
	}
}

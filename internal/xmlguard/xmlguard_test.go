package xmlguard

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	deep := strings.Repeat("<a>", 70) + strings.Repeat("</a>", 70)
	manyAttrs := "<a" + strings.Repeat(` x="1"`, 1) + "/>"
	var sb strings.Builder
	sb.WriteString("<a")
	for i := 0; i < 65; i++ {
		sb.WriteString(" a" + strings.Repeat("x", i) + `="1"`)
	}
	sb.WriteString("/>")
	tests := []struct {
		name string
		in   string
		lim  Limits
		want error
	}{
		{"ok_minimal", `<a/>`, Limits{}, nil},
		{"ok_decl_comment_pi", "<?xml version=\"1.0\"?>\n<!-- c --><a><?pi x?><b>t</b></a>\n", Limits{}, nil},
		{"C1.3_ok_bom", "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?><a/>", Limits{}, nil},
		{"ok_crlf", "<a>\r\n<b/>\r\n</a>\r\n", Limits{}, nil},
		{"ok_one_attr", manyAttrs, Limits{}, nil},
		{"D4.8_doctype", `<!DOCTYPE a><a/>`, Limits{}, ErrDTD},
		{"D4.8_entity_decl", `<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>`, Limits{}, ErrDTD},
		{"D4.8_attlist_in_content", `<a><!ATTLIST a b CDATA "c"></a>`, Limits{}, ErrDTD},
		{"D4.8_undefined_entity", `<a>&x;</a>`, Limits{}, ErrMalformed},
		{"malformed_mismatch", `<a><b></a></b>`, Limits{}, ErrMalformed},
		{"malformed_unclosed", `<a><b></b>`, Limits{}, ErrMalformed},
		{"malformed_two_roots", `<a/><b/>`, Limits{}, ErrMalformed},
		{"malformed_trailing_text", `<a/>junk`, Limits{}, ErrMalformed},
		{"malformed_empty", ``, Limits{}, ErrMalformed},
		{"malformed_only_ws", "  \n", Limits{}, ErrMalformed},
		{"malformed_utf16_decl", `<?xml version="1.0" encoding="utf-16"?><a/>`, Limits{}, ErrMalformed},
		{"depth_default_64", deep, Limits{}, ErrTooDeep},
		{"depth_ok_raised", deep, Limits{MaxDepth: 80}, nil},
		{"size", `<a>` + strings.Repeat("x", 100) + `</a>`, Limits{MaxBytes: 50}, ErrTooLarge},
		{"tokens", `<a>` + strings.Repeat("<b/>", 10) + `</a>`, Limits{MaxTokens: 10}, ErrTooManyTokens},
		{"attrs_default_64", sb.String(), Limits{}, ErrTooManyAttrs},
		{"attrs_raised", sb.String(), Limits{MaxAttrs: 100}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Check([]byte(tc.in), tc.lim)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("Check = %v, want %v", err, tc.want)
			}
			var ge *Error
			if !errors.As(err, &ge) || ge.Kind != tc.want {
				t.Fatalf("not an *Error of kind %v: %#v", tc.want, err)
			}
			if !strings.HasPrefix(err.Error(), "xmlguard: ") {
				t.Errorf("message %q lacks package prefix", err)
			}
		})
	}
}

func TestErrorDoesNotQuoteContent(t *testing.T) {
	err := Check([]byte(`<a>secret-value</a><b/>`), Limits{})
	if err == nil || strings.Contains(err.Error(), "secret-value") {
		t.Fatalf("err = %v", err)
	}
}

func TestBudgetWithToken(t *testing.T) {
	// A streaming caller using Token (namespace-translated names).
	doc := `<x:a xmlns:x="urn:x"><x:b/><c xmlns="urn:y"><d/></c></x:a>`
	d := xml.NewDecoder(strings.NewReader(doc))
	b := NewBudget(Limits{MaxDepth: 2})
	var err error
	for {
		var tok xml.Token
		tok, err = d.Token()
		if err == io.EOF {
			err = b.End(d.InputOffset())
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if err = b.Observe(tok, d.InputOffset()); err != nil {
			break
		}
	}
	if !errors.Is(err, ErrTooDeep) {
		t.Fatalf("err = %v, want ErrTooDeep", err)
	}
}

func TestTrimBOM(t *testing.T) {
	in := []byte("\xEF\xBB\xBF<a/>")
	if !HasBOM(in) || HasBOM(TrimBOM(in)) || !bytes.Equal(TrimBOM(in), []byte("<a/>")) {
		t.Fatal("TrimBOM/HasBOM wrong")
	}
	if got := TrimBOM([]byte("<a/>")); string(got) != "<a/>" {
		t.Fatal("TrimBOM changed a BOM-less document")
	}
}

func FuzzCheck(f *testing.F) {
	for _, s := range []string{`<a/>`, `<!DOCTYPE a><a/>`, "\xEF\xBB\xBF<a><b x='1'>t</b></a>", `<a><b></a>`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		err := Check(data, Limits{MaxBytes: 4096, MaxDepth: 8, MaxTokens: 256, MaxAttrs: 4})
		if err != nil {
			var ge *Error
			if !errors.As(err, &ge) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		// Accepted documents must be well-formed for encoding/xml too.
		d := xml.NewDecoder(bytes.NewReader(TrimBOM(data)))
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("Check accepted, Token failed: %v", err)
			}
		}
	})
}

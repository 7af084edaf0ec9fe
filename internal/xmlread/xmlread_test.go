package xmlread

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var bigLimits = Limits{MaxBytes: 1 << 30, MaxDepth: 1 << 20, MaxTokens: 1 << 30, MaxAttrs: 1 << 20}

// readAll tokenizes data to the end.
func readAll(data []byte, lim Limits, opt Options) error {
	t := NewTokenizer(data, nil, lim, opt)
	for {
		k, err := t.Next()
		if err != nil {
			return err
		}
		if k == EOF {
			return nil
		}
	}
}

// Issue 19, item 3: the XML declaration and names exactly as XML 1.0's
// grammar, rejected as libxml2 (xmlsec1) rejects them.
var (
	libxml2Rejects = []string{
		// White space or anything else before the declaration.
		` <?xml version="1.0"?><a/>`,
		"\n<?xml version=\"1.0\"?><a/>",
		"\ufeff <?xml version=\"1.0\"?><a/>",
		`<a/><?xml version="1.0"?>`,
		// Pseudo-attributes out of order, unseparated, repeated, unknown.
		`<?xml encoding="UTF-8" version="1.0"?><a/>`,
		`<?xml version="1.0" standalone="yes" encoding="UTF-8"?><a/>`,
		`<?xml version="1.0"encoding="UTF-8"?><a/>`,
		`<?xml version="1.0" encoding="UTF-8" encoding="UTF-8"?><a/>`,
		`<?xml version="1.0" foo="bar"?><a/>`,
		`<?xml?><a/>`,
		`<?xml encoding="UTF-8"?><a/>`,
		// Bad values.
		`<?xml version="1.0" standalone="maybe"?><a/>`,
		`<?xml version="1.0" encoding="UTF-8 junk"?><a/>`,
		`<?xml version="1.0" encoding="UTF-8"junk?><a/>`,
		`<?xml version="1.0" encoding=""?><a/>`,
		`<?xml version='1.0"?><a/>`,
		`<?XML version="1.0"?><a/>`,
		// Names whose first character XML does not allow to start a name.
		"<\u00b5/>", "<\u00b7a/>", "<\u00aa/>", "<\u0300a/>", "<1a/>", "<-a/>", "<.a/>",
		"<a\u00b5/>", `<a b` + "\u00b5" + `="1"/>`, "<a \u00b7b=\"1\"/>", "<a><\u00aa/></a>",
		"<a/><?\u00b5 x?>",
	}
	// What the grammar forbids and libxml2 tolerates (it only warns): this
	// reader follows the grammar.
	grammarRejects = []string{
		`<?xml version="1.0" encoding="UTF-8"standalone="no"?><a/>`,
	}
	// What libxml2 accepts and this reader accepts too.
	bothAccept = []string{
		`<?xml version="1.0"?><a/>`,
		`<?xml version="1.0" encoding="UTF-8"?><a/>`,
		`<?xml version='1.0' encoding='utf-8' standalone='no'?><a/>`,
		`<?xml version="1.0" encoding="UTF-8" standalone="yes" ?><a/>`,
		`<?xml version = "1.0" encoding = "utf-8" ?><a/>`,
		"\n<a/>\n",
		`<a_b.c-d xmlns:p_1="urn:p"><p_1:e p_1:f="1"/></a_b.c-d>`,
		`<?xml-stylesheet href="x"?><a/>`,
	}
)

func TestXMLDeclarationAndNames(t *testing.T) {
	for _, s := range append(libxml2Rejects, grammarRejects...) {
		err := readAll([]byte(s), bigLimits, Options{})
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("%q: got %v, want ErrMalformed", s, err)
		}
	}
	for _, s := range bothAccept {
		if err := readAll([]byte(s), bigLimits, Options{}); err != nil {
			t.Errorf("%q rejected: %v", s, err)
		}
	}
}

// TestXMLSec1Agrees runs the same inputs through xmlsec1 (libxml2): every
// input above that this reader rejects, libxml2 rejects too, and every one
// it accepts, libxml2 parses.
func TestXMLSec1Agrees(t *testing.T) {
	bin, err := exec.LookPath("xmlsec1")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("xmlsec1 not installed")
		}
		t.Skip("xmlsec1 not installed")
	}
	dir := t.TempDir()
	cert, err := filepath.Abs("../xmlsign/testdata/idp.crt.pem")
	if err != nil {
		t.Fatal(err)
	}
	// libxml2Parses reports whether xmlsec1 gets past parsing the file (the
	// documents hold no signature, so verification itself always fails).
	libxml2Parses := func(doc string) bool {
		f := filepath.Join(dir, "doc.xml")
		if err := os.WriteFile(f, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		out, _ := exec.CommandContext(ctx, bin, "--verify", "--pubkey-cert-pem", cert, f).CombinedOutput()
		if !bytes.Contains(out, []byte("failed to load document")) && !bytes.Contains(out, []byte("failed to find default node")) {
			t.Fatalf("unexpected xmlsec1 output for %q: %s", doc, out)
		}
		return !bytes.Contains(out, []byte("failed to parse xml file"))
	}
	for _, s := range libxml2Rejects {
		if libxml2Parses(s) {
			t.Errorf("%q: libxml2 accepts what the test says it rejects", s)
		}
	}
	for _, s := range bothAccept {
		if !libxml2Parses(s) {
			t.Errorf("%q: libxml2 rejects what this reader accepts", s)
		}
	}
}

func TestRejects(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want error
	}{
		{`<!DOCTYPE a><a/>`, ErrDTD},
		{`<a>&xxe;</a>`, ErrDTD},
		{`<a><!ENTITY x "y"></a>`, ErrDTD},
		{`<a b="1" b="2"/>`, ErrForbidden},
		{`<a xmlns:p="urn:x" xmlns:q="urn:x" p:b="1" q:b="2"/>`, ErrForbidden},
		{`<p:a/>`, ErrForbidden},
		{`<a xmlns:p=""/>`, ErrForbidden},
		{`<a xmlns:xmlns="urn:x"/>`, ErrForbidden},
		{`<a xmlns:xml="urn:x"/>`, ErrForbidden},
		{`<a xmlns:p="http://www.w3.org/XML/1998/namespace"/>`, ErrForbidden},
		{`<a xmlns="http://www.w3.org/2000/xmlns/"/>`, ErrForbidden},
		{`<xmlns:a/>`, ErrForbidden},
		{`<a><b></a></b>`, ErrMalformed},
		{`<a/><b/>`, ErrMalformed},
		{`text<a/>`, ErrMalformed},
		{`<a>]]></a>`, ErrMalformed},
		{`<a><!-- a -- b --></a>`, ErrMalformed},
		{`<a><!-- a ---></a>`, ErrMalformed},
		{`<a b=1/>`, ErrMalformed},
		{`<a b="<"/>`, ErrMalformed},
		{"<a>\x01</a>", ErrMalformed},
		{"<a>\xff</a>", ErrMalformed},
		{`<a:b:c xmlns:a="urn:a"/>`, ErrMalformed},
		{`<a:/>`, ErrMalformed},
		{`<a>&#0;</a>`, ErrMalformed},
		{`<a>&#xD800;</a>`, ErrMalformed},
		{`<?xml version="1.0" encoding="ISO-8859-1"?><a/>`, ErrMalformed},
		{`<?xml version="1.1"?><a/>`, ErrMalformed},
		{`<a`, ErrMalformed},
		{`<a>`, ErrMalformed},
		{``, ErrMalformed},
		{`<a/>x`, ErrMalformed},
	} {
		err := readAll([]byte(tc.in), bigLimits, Options{})
		if !errors.Is(err, tc.want) {
			t.Errorf("%q: got %v, want %v", tc.in, err, tc.want)
		}
		var xe *Error
		if err != nil && !errors.As(err, &xe) {
			t.Errorf("%q: untyped error %T", tc.in, err)
		}
	}
	strict := Options{NoProcInst: true, NoAttrWhitespace: true, NoEmptyCDATA: true}
	for _, s := range []string{`<a><?pi x?></a>`, "<a b='x\ty'/>", "<a b='x\r\ny'/>", `<a><![CDATA[]]></a>`} {
		if err := readAll([]byte(s), bigLimits, Options{}); err != nil {
			t.Errorf("%q rejected without options: %v", s, err)
		}
		if err := readAll([]byte(s), bigLimits, strict); err == nil {
			t.Errorf("%q accepted with the strict options", s)
		}
	}
}

func TestBudgets(t *testing.T) {
	lim := Limits{MaxBytes: 1000, MaxDepth: 4, MaxTokens: 20, MaxAttrs: 3}
	for _, tc := range []struct {
		in   string
		want error
	}{
		{strings.Repeat("<a>", 5) + strings.Repeat("</a>", 5), ErrTooDeep},
		{"<a>" + strings.Repeat("<b/>", 20) + "</a>", ErrTooManyTokens},
		{`<a b="1" c="2" d="3" e="4"/>`, ErrTooManyAttrs},
		{"<a>" + strings.Repeat("x", 1000) + "</a>", ErrTooLarge},
	} {
		if err := readAll([]byte(tc.in), lim, Options{}); !errors.Is(err, tc.want) {
			t.Errorf("%.20q: got %v, want %v", tc.in, err, tc.want)
		}
	}
}

// TestWorkLinear counts the work of the worst shapes for namespace handling
// at growing sizes: it stays proportional to the input.
func TestWorkLinear(t *testing.T) {
	decls := func(tag string) string {
		var b strings.Builder
		for i := 0; i < 30; i++ {
			b.WriteString(` xmlns:p` + tag + `_` + string(rune('a'+i%26)) + string(rune('a'+i/26)) + `="urn:` + tag + `"`)
		}
		return b.String()
	}
	shape := func(n int) []byte {
		var b strings.Builder
		for d := 0; d < 20; d++ {
			b.WriteString("<e" + decls(string(rune('a'+d))) + ">")
		}
		for b.Len() < n {
			b.WriteString(`<pa_aa:x pb_aa:y="1" pc_ab:z="2"/>`)
		}
		for d := 0; d < 20; d++ {
			b.WriteString("</e>")
		}
		return []byte(b.String())
	}
	var perByte []float64
	for _, n := range []int{10000, 50000, 100000} {
		data := shape(n)
		tk := NewTokenizer(data, nil, bigLimits, Options{})
		for {
			k, err := tk.Next()
			if err != nil {
				t.Fatal(err)
			}
			if k == EOF {
				break
			}
		}
		perByte = append(perByte, float64(tk.Work())/float64(len(data)))
	}
	t.Logf("work per byte at 10, 50, 100 KB: %.2f", perByte)
	for _, p := range perByte {
		if p > 2*perByte[0] || p > 3 {
			t.Errorf("work per byte %.2f grows with size (%.2f)", p, perByte)
		}
	}
}

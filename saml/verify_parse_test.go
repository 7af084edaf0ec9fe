package saml

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beevik/etree"
	xrv "github.com/mattermost/xml-roundtrip-validator"

	"github.com/samlaws/samlaws/internal/c14n"
	"github.com/samlaws/samlaws/internal/xmlread"
	"github.com/samlaws/samlaws/internal/xmltest"
)

// parseAgrees holds parseDocument to the reference stack (encoding/xml's
// raw tokens, mattermost's round-trip validator and etree's encoding/xml reader): when
// parseDocument accepts, the reference accepts too and both trees have the
// same canonical form (comments included). It returns whether parseDocument
// accepted.
func parseAgrees(t testing.TB, data []byte) bool {
	t.Helper()
	doc, _, pe := parseDocument(data, defaultParseLimits)
	if pe != nil {
		return false
	}
	if err := xmltest.Structure(data); err != nil {
		t.Fatalf("parseDocument accepts, encoding/xml's raw tokens show no single well-formed root: %v", err)
	}
	if err := xrv.Validate(bytes.NewReader(data)); err != nil {
		t.Fatalf("parseDocument accepts, round-trip validator rejects: %v", err)
	}
	ref := etree.NewDocument()
	ref.ReadSettings.PreserveDuplicateAttrs = true
	if err := ref.ReadFromBytes(data); err != nil {
		t.Fatalf("parseDocument accepts, etree rejects: %v", err)
	}
	// encoding/xml leaves CR and CRLF inside comments as they are; XML 1.0
	// section 2.11 turns them into LF before parsing, as parseDocument,
	// libxml2 (xmlsec1) and .NET do. Apply that to the reference's comments.
	normalizeCommentEOL(ref.Root())
	opts := c14n.Options{WithComments: true}
	got, err1 := c14n.Canonicalize(doc.Root(), opts, nil)
	want, err2 := c14n.Canonicalize(ref.Root(), opts, nil)
	if err1 != nil || err2 != nil {
		t.Fatalf("canonicalize: %v / %v", err1, err2)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("trees differ:\n got %q\nwant %q", got, want)
	}
	return true
}

// normalizeCommentEOL applies XML end-of-line normalization to the comments
// under el.
func normalizeCommentEOL(el *etree.Element) {
	for _, t := range el.Child {
		switch t := t.(type) {
		case *etree.Comment:
			t.Data = strings.ReplaceAll(strings.ReplaceAll(t.Data, "\r\n", "\n"), "\r", "\n")
		case *etree.Element:
			normalizeCommentEOL(t)
		}
	}
}

var parseCorpus = []string{
	`<a/>`,
	`<?xml version="1.0" encoding="UTF-8"?><a b="1"/>`,
	"<a b='x y' c=\"&#9;&#10;&#13;\">t\r\nu\rv</a>",
	`<a>&lt;&gt;&amp;&apos;&quot;&#65;&#x42;&#x1F600;</a>`,
	`<a><![CDATA[<not> & markup]]>tail</a>`,
	`<a><!-- c --><b/><!----></a>`,
	"<a><!--x\r\ny\rz--></a>",
	"<p:a xmlns:p=\"urn:p\" xmlns=\"urn:d\"><b p:x=\"1\"/><c xmlns=\"\"/></p:a>",
	"<eleve xmlns=\"urn:x\">\u00e9l\u00e8ve \u4e2d\u6587</eleve>",
	"  \n<a/>\n  ",
}

var parseRejects = []string{
	`<!DOCTYPE a><a/>`,
	`<a>&xxe;</a>`,
	`<a><?pi x?></a>`,
	`<a b="1" b="2"/>`,
	`<a xmlns:p="urn:x" xmlns:q="urn:x" p:b="1" q:b="2"/>`,
	`<p:a/>`,
	`<a><b></a></b>`,
	`<a/><b/>`,
	`text<a/>`,
	`<a>]]></a>`,
	`<a><!-- a -- b --></a>`,
	`<a b=1/>`,
	`<a b="<"/>`,
	"<a>\x01</a>",
	"<a>\xff</a>",
	`<a:b:c xmlns:a="urn:a"/>`,
	`<a xmlns:p=""/>`,
	`<a xmlns:xmlns="urn:x"/>`,
	`<a>&#0;</a>`,
	`<?xml version="1.0" encoding="ISO-8859-1"?><a/>`,
	`<a`,
	"<a b='x\ty'/>",
	"<a b='x\r\ny'/>",
	`<a>`,
}

func TestParseDocument(t *testing.T) {
	for i, s := range parseCorpus {
		if !parseAgrees(t, []byte(s)) {
			_, _, pe := parseDocument([]byte(s), defaultParseLimits)
			t.Errorf("corpus %d rejected: %+v", i, pe)
		}
	}
	for i, s := range parseRejects {
		if _, _, pe := parseDocument([]byte(s), defaultParseLimits); pe == nil {
			t.Errorf("reject %d (%q) accepted", i, s)
		}
	}
	// Real documents (Entra, ADFS, Okta metadata; a saml2aws Entra
	// response) and every minted variant parse like etree parses them.
	files, _ := filepath.Glob("../internal/c14n/testdata/*.xml")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lim := defaultParseLimits
		lim.maxBytes, lim.maxTokens = 1<<20, 1<<20
		doc, _, pe := parseDocument(xmlread.TrimBOM(b), lim)
		if pe != nil {
			t.Errorf("%s rejected: %+v", f, pe)
			continue
		}
		ref := etree.NewDocument()
		if err := ref.ReadFromBytes(xmlread.TrimBOM(b)); err != nil {
			t.Fatal(err)
		}
		got, _ := c14n.Canonicalize(doc.Root(), c14n.Options{WithComments: true}, nil)
		want, _ := c14n.Canonicalize(ref.Root(), c14n.Options{WithComments: true}, nil)
		if !bytes.Equal(got, want) {
			t.Errorf("%s: trees differ", f)
		}
	}
	spKey, spCert := vSPKey(t)
	_ = spKey
	for _, mod := range []func(*ResponseSpec){nil, func(s *ResponseSpec) { s.Signing = SignBoth },
		func(s *ResponseSpec) { s.Encryption = &Encryption{Certificate: spCert} }} {
		if m := vMint(t, mod); !parseAgrees(t, m.XML) {
			t.Error("minted response rejected")
		}
	}
}

func TestParseBudgets(t *testing.T) {
	deep := bytes.Repeat([]byte("<a>"), 40)
	deep = append(deep, bytes.Repeat([]byte("</a>"), 40)...)
	if _, _, pe := parseDocument(deep, defaultParseLimits); pe == nil || pe.cat != errTooLarge {
		t.Errorf("deep: %+v", pe)
	}
	many := []byte("<a>" + string(bytes.Repeat([]byte("<b/>"), 20001)) + "</a>")
	if _, _, pe := parseDocument(many, parseLimits{maxBytes: 1 << 20, maxDepth: 32, maxTokens: 20000, maxAttrs: 32}); pe == nil || pe.cat != errTooLarge {
		t.Errorf("tokens: %+v", pe)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range parseCorpus {
		f.Add([]byte(s))
	}
	for _, s := range parseRejects {
		f.Add([]byte(s))
	}
	f.Add(vMint(f, nil).XML)
	f.Fuzz(func(t *testing.T, data []byte) {
		parseAgrees(t, data)
	})
}

// TestDeclarationPosition: an XML declaration is accepted only at the very
// first byte (after a BOM), raw or in base64, as libxml2 and Xerces accept
// it (issue 19, item 3); white space before the root element without a
// declaration stays allowed.
func TestDeclarationPosition(t *testing.T) {
	m := vMint(t, nil)
	v := vVerifier(t, func(c *VerifierConfig) { c.SkipReplayCheck = true })
	decl := `<?xml version="1.0" encoding="UTF-8"?>`
	b64 := func(s string) []byte { return []byte(base64.StdEncoding.EncodeToString([]byte(s))) }
	x := string(m.XML)
	for name, in := range map[string][]byte{
		"raw":                 []byte(decl + x),
		"raw with BOM":        []byte("\ufeff" + decl + x),
		"base64":              b64(decl + x),
		"base64 with BOM":     b64("\ufeff" + decl + x),
		"base64, no decl, LF": b64("\n" + x),
		"raw, no decl, LF":    []byte("\n" + x),
	} {
		if _, err := vVerify(t, v, in); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	for name, in := range map[string][]byte{
		"raw, space first":           []byte(" " + decl + x),
		"raw, LF first":              []byte("\n" + decl + x),
		"base64, LF first":           b64("\n" + decl + x),
		"base64, BOM then space":     b64("\ufeff " + decl + x),
		"base64, space then BOM":     b64(" \ufeff" + decl + x),
		"base64, pseudo-attrs order": b64(`<?xml encoding="UTF-8" version="1.0"?>` + x),
		"base64, standalone=maybe":   b64(`<?xml version="1.0" standalone="maybe"?>` + x),
	} {
		_, err := vVerify(t, v, in)
		vExpect(t, err, ErrMalformed)
		_ = name
	}
}

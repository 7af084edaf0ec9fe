package saml

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"

	"github.com/samlaws/samlaws/internal/peers"
)

// xmlsec1Sign signs the Assertion of a template (a response whose
// Assertion Signature has empty DigestValue and SignatureValue) with xmlsec1,
// as pysaml2 does: whatever bytes the template holds, white space included,
// are what the IdP signs.
func xmlsec1Sign(t *testing.T, template []byte) []byte {
	t.Helper()
	dir := t.TempDir()
	tf := filepath.Join(dir, "template.xml")
	if err := os.WriteFile(tf, template, 0o600); err != nil {
		t.Fatal(err)
	}
	key, cert := filepath.Join("testdata", "idp.key.pem"), filepath.Join("testdata", "idp.crt.pem")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "xmlsec1", "--sign", "--privkey-pem", key+","+cert,
		"--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion", tf)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("xmlsec1 --sign: %v: %s", err, errb.String())
	}
	return out.Bytes()
}

// shapeTemplate mints the test response and empties its Assertion
// signature's DigestValue and SignatureValue, so that xmlsec1 can sign it
// again after a producer-specific change of shape.
func shapeTemplate(t *testing.T) *etree.Document {
	t.Helper()
	d := vDoc(t, vMint(t, nil).XML)
	sig := aSigOf(aAssertion(d))
	for _, tag := range []string{"DigestValue", "SignatureValue"} {
		vFind(sig, tag).SetText("")
	}
	return d
}

// TestVerifyProducerShapes: serializations that real IdPs and XML libraries
// produce, signed over exactly those bytes by xmlsec1 (libxml2), are
// accepted, and read as signed; the shapes the verifier's parser refuses by
// design are refused with ErrMalformed. See "What the parser refuses" in
// verify_parse.go for why each refusal cannot hit a real producer.
func TestVerifyProducerShapes(t *testing.T) {
	peers.Require(t, peers.XMLSec1)
	indent := func(t *testing.T, d *etree.Document) { d.Indent(2) }
	friendly := func(t *testing.T, d *etree.Document) {
		vFind(d.Root(), "Attribute").CreateAttr("FriendlyName", "line one\nline\ttwo")
		// Escape them as serializers do (etree's default writes them
		// literally, which XML reads as spaces).
		d.WriteSettings.CanonicalAttrVal = true
	}
	cases := []struct {
		name  string
		shape func(t *testing.T, d *etree.Document)
		bytes func(b []byte) []byte // on the template, before signing
		after func(b []byte) []byte // on the signed bytes
		want  error                 // nil: accepted
	}{
		{name: "D4.8_pretty_printed_signature_covers_white_space", shape: indent},
		// xmlsec1 writes LF; a Windows producer writes CRLF, which every XML
		// parser reads as LF (XML 1.0 section 2.11), so the signature holds.
		{name: "D4.8_pretty_printed_CRLF", shape: indent, after: func(b []byte) []byte {
			return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))
		}},
		{name: "D1.1_xml_declaration_and_comment_before_root", bytes: func(b []byte) []byte {
			return append([]byte("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- issued by a test IdP -->\n"), b...)
		}},
		{name: "D4.8_escaped_line_break_and_tab_in_attribute", shape: friendly},
		{name: "D4.8_comment_inside_signed_assertion", shape: func(t *testing.T, d *etree.Document) {
			aAssertion(d).InsertChildAt(0, etree.NewComment(" generated "))
		}},
		// A comment inside an assertion signed with an exc-c14n#WithComments
		// Reference transform, written with CRLF. A "#ID" reference yields a
		// node-set without comments (XML-DSig 4.4.3.3), so xmlsec1 digests
		// no comment; goxmldsig does (oraclesAgree skips it here).
		{name: "D4.3_with_comments_multiline_comment_CRLF", shape: func(t *testing.T, d *etree.Document) {
			for _, tr := range aSigOf(aAssertion(d)).FindElements(".//Transform") {
				if tr.SelectAttrValue("Algorithm", "") == algExcC14N {
					tr.CreateAttr("Algorithm", algExcC14NComm)
				}
			}
			aAssertion(d).InsertChildAt(0, etree.NewComment(" issued by\n a test IdP "))
			d.Indent(2)
		}, after: func(b []byte) []byte {
			return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))
		}},
		// Refused by design (verify_parse.go): a literal line break in an
		// attribute value is a space to XML (and to xmlsec1) but a line
		// break to encoding/xml (and goxmldsig), so its signature means
		// two different things; signers escape it as &#10;.
		{name: "D4.8_literal_line_break_in_attribute_refused", shape: friendly, after: func(b []byte) []byte {
			return bytes.Replace(b, []byte("&#10;"), []byte("\n"), 1)
		}, want: ErrMalformed},
		{name: "D4.8_processing_instruction_refused", bytes: func(b []byte) []byte {
			return append([]byte("<?xml-stylesheet href=\"a.xsl\"?>"), b...)
		}, want: ErrMalformed},
		// Advice may carry further Assertions; no IdP in scope emits it.
		{name: "D4.2_advice_in_signed_assertion_refused", shape: func(t *testing.T, d *etree.Document) {
			a := aAssertion(d)
			adv := etree.NewElement("Advice")
			adv.Space = a.Space
			ref := adv.CreateElement("AssertionIDRef")
			ref.Space = a.Space
			ref.SetText("_other")
			// Advice goes right after Conditions (saml-schema-assertion-2.0).
			a.InsertChildAt(vFind(a, "Conditions").Index()+1, adv)
		}, want: ErrMalformed},
		{name: "D4.8_empty_cdata_refused", bytes: func(b []byte) []byte {
			return bytes.Replace(b, []byte("</NameID>"), []byte("<![CDATA[]]></NameID>"), 1)
		}, want: ErrMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := shapeTemplate(t)
			if tc.shape != nil {
				tc.shape(t, d)
			}
			tmpl := vBytes(t, d)
			if tc.bytes != nil {
				tmpl = tc.bytes(tmpl)
			}
			signed := xmlsec1Sign(t, tmpl)
			if tc.after != nil {
				b := tc.after(signed)
				if bytes.Equal(b, signed) {
					t.Fatal("after: nothing changed")
				}
				signed = b
			}
			a, err := vVerify(t, vVerifier(t, nil), signed)
			if tc.want != nil {
				vExpect(t, err, tc.want)
				return
			}
			if err != nil {
				t.Fatalf("rejected: %v", err)
			}
			if !a.SignedAssertion || a.NameID != "jane.doe@contoso.example" || len(a.Roles) == 0 {
				t.Fatalf("read %+v", a)
			}
			oraclesAgree(t, signed, a)
			// The signature covers the shape: changing the signed white
			// space or content breaks it.
			bad := bytes.Replace(signed, []byte("jane.doe@contoso.example</NameID>"), []byte("jane.doe@contoso.exampl</NameID>"), 1)
			if bytes.Equal(bad, signed) {
				t.Fatal("NameID not found")
			}
			_, err = vVerify(t, vVerifier(t, nil), bad)
			vExpect(t, err, ErrSignature)
			if strings.Contains(tc.name, "pretty") {
				bad = bytes.Replace(signed, []byte("<Subject>"), []byte("<Subject> "), 1)
				if bytes.Equal(bad, signed) {
					t.Fatal("<Subject> not found")
				}
				_, err = vVerify(t, vVerifier(t, nil), bad)
				vExpect(t, err, ErrSignature)
			}
		})
	}
}

// withCommentsTemplate is shapeTemplate with the Reference's exclusive c14n
// transform switched to exc-c14n#WithComments.
func withCommentsTemplate(t *testing.T) *etree.Document {
	t.Helper()
	d := shapeTemplate(t)
	n := 0
	for _, tr := range aSigOf(aAssertion(d)).FindElements(".//Transform") {
		if tr.SelectAttrValue("Algorithm", "") == algExcC14N {
			tr.CreateAttr("Algorithm", algExcC14NComm)
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d exc-c14n transforms", n)
	}
	return d
}

// TestWithCommentsReference: under a "#ID" Reference, comments are outside
// what is digested even with exc-c14n#WithComments (XML-DSig 4.4.3.3), as
// xmlsec1 signs. So a comment inserted after signing, even inside the NameID,
// keeps the signature valid, and the verifier still reads the whole value
// (the comment-truncation class, threats section 5); changing the text
// itself still breaks the signature.
func TestWithCommentsReference(t *testing.T) {
	peers.Require(t, peers.XMLSec1)
	signed := xmlsec1Sign(t, vBytes(t, withCommentsTemplate(t)))
	a, err := vVerify(t, vVerifier(t, nil), signed)
	if err != nil {
		t.Fatalf("rejected: %v", err)
	}
	oraclesAgree(t, signed, a) // no comment yet: goxmldsig agrees too

	split := replace("jane.doe@contoso.example</NameID>", "jane.doe<!-- injected -->@contoso.example</NameID>")(t, signed)
	a, err = vVerify(t, vVerifier(t, nil), split)
	if err != nil {
		t.Fatalf("comment in NameID: rejected: %v", err)
	}
	oraclesAgree(t, split, a) // goxmldsig is skipped: it digests the comment
	if a.NameID != "jane.doe@contoso.example" {
		t.Fatalf("NameID read as %q", a.NameID)
	}
	changed := replace("jane.doe@contoso.example</NameID>", "jane.dot@contoso.example</NameID>")(t, signed)
	_, err = vVerify(t, vVerifier(t, nil), changed)
	vExpect(t, err, ErrSignature)
}

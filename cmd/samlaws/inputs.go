package main

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"html"
	"regexp"
	"strings"
)

// inputKind is what a file given on the command line turns out to be, so
// that the common mix-ups are named instead of reported as a parse error
// (issue 16): UTF-16 text, a PEM certificate or key where metadata or a
// response belongs, a key and a certificate swapped, DER instead of PEM, an
// HTML page instead of metadata, a truncated copy.
type inputKind int

const (
	kindOther          inputKind = iota
	kindEmpty                    // nothing but white space
	kindUTF16                    // UTF-16 text (BOM or NUL-interleaved ASCII)
	kindPEMCertificate           // PEM with a CERTIFICATE block
	kindPEMPrivateKey            // PEM with a private key and no certificate
	kindPEMTruncated             // "-----BEGIN" with no matching END line
	kindDERCertificate           // binary X.509 certificate
	kindDERPrivateKey            // binary PKCS #1 or PKCS #8 key
	kindHTML                     // an HTML page
	kindXML                      // starts with "<" and is not HTML
)

// recognise classifies data by its first bytes and, for PEM and DER, by what
// parses.
func recognise(data []byte) inputKind {
	raw := bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	d := bytes.TrimSpace(raw)
	switch {
	case len(d) == 0:
		return kindEmpty
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return kindUTF16
	case len(data) >= 4 && (data[1] == 0 && data[3] == 0 && data[0] != 0 || data[0] == 0 && data[2] == 0 && data[1] != 0):
		return kindUTF16
	case bytes.Contains(d, []byte("-----BEGIN ")):
		return recognisePEM(d)
	case raw[0] == 0x30 && len(raw) > 2:
		// DER is binary: parse the bytes as they are (trimming "white space"
		// would cut a signature that happens to end in 0x20 or 0x0A).
		if _, err := x509.ParseCertificate(raw); err == nil {
			return kindDERCertificate
		}
		if _, err := x509.ParsePKCS8PrivateKey(raw); err == nil {
			return kindDERPrivateKey
		}
		if _, err := x509.ParsePKCS1PrivateKey(raw); err == nil {
			return kindDERPrivateKey
		}
	case d[0] == '<':
		head := strings.ToLower(string(d[:min(len(d), 512)]))
		if strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html") ||
			strings.Contains(head, "<html") && !strings.Contains(head, "entitydescriptor") && !strings.Contains(head, ":response") {
			return kindHTML
		}
		return kindXML
	}
	return kindOther
}

// recognisePEM tells certificates from keys and notices a block cut short.
func recognisePEM(d []byte) inputKind {
	cert, key, blocks := false, false, 0
	rest := d
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		blocks++
		switch {
		case b.Type == "CERTIFICATE":
			cert = true
		case strings.HasSuffix(b.Type, "PRIVATE KEY"):
			key = true
		}
	}
	switch {
	case cert:
		return kindPEMCertificate
	case key:
		return kindPEMPrivateKey
	case blocks == 0 || bytes.Count(d, []byte("-----BEGIN ")) > blocks:
		return kindPEMTruncated
	}
	return kindOther
}

// utf16Fix is said for a UTF-16 file whatever was expected.
const utf16Fix = "is UTF-16 text (as Windows PowerShell's > and some editors save it); save it as UTF-8, e.g. iconv -f UTF-16 -t UTF-8 FILE > FILE.utf8"

// metadataInputProblem names what a metadata input is when it is not
// metadata; "" when it may be.
func metadataInputProblem(data []byte) string {
	switch recognise(data) {
	case kindEmpty:
		return "is empty"
	case kindUTF16:
		return utf16Fix
	case kindPEMCertificate:
		return "is a PEM certificate, not federation metadata: download the app's Federation Metadata XML from Entra (Single sign-on > SAML Certificates); " +
			"to check a response against a certificate, use check --cert with --issuer"
	case kindPEMPrivateKey, kindDERPrivateKey:
		return "is a private key, not federation metadata"
	case kindPEMTruncated:
		return "is a truncated PEM file (a BEGIN line without its END line), and not federation metadata anyway"
	case kindDERCertificate:
		return "is a certificate in binary DER form, not federation metadata: download the app's Federation Metadata XML from Entra"
	case kindHTML:
		return "is an HTML page (a sign-in or error page?), not federation metadata: the metadata URL needs no sign-in; use " +
			"https://login.microsoftonline.com/<tenant-id>/federationmetadata/2007-06/federationmetadata.xml?appid=<app-id>"
	case kindOther:
		return "is not XML, so not federation metadata"
	}
	return ""
}

// certInputProblem names what a --cert file is when it is not a PEM
// certificate; "" when it is one.
func certInputProblem(data []byte) string {
	switch recognise(data) {
	case kindPEMCertificate:
		return ""
	case kindEmpty:
		return "is empty"
	case kindUTF16:
		return utf16Fix
	case kindPEMPrivateKey, kindDERPrivateKey:
		return "holds a private key, not a certificate: are the key and the certificate swapped? (the IdP's certificate is Entra's \"Certificate (Base64)\" download)"
	case kindPEMTruncated:
		return "is truncated: a PEM BEGIN line has no END line; copy the whole certificate"
	case kindDERCertificate:
		return "is a certificate in binary DER form (Entra's \"Certificate (Raw)\"); give the PEM form (\"Certificate (Base64)\"), or convert it: openssl x509 -inform der -in FILE -out FILE.pem"
	case kindXML, kindHTML:
		return "is XML, not a PEM certificate: give federation metadata with --metadata"
	}
	return "holds no PEM certificate"
}

// keyInputProblem names what a private-key file is when it is not a PEM
// private key; "" when it may be.
func keyInputProblem(data []byte) string {
	switch recognise(data) {
	case kindPEMPrivateKey:
		return ""
	case kindEmpty:
		return "is empty"
	case kindUTF16:
		return utf16Fix
	case kindPEMCertificate:
		if bytes.Contains(data, []byte("PRIVATE KEY-----")) {
			return "" // key and certificate in one file
		}
		return "holds a certificate, not a private key: are the key and the certificate swapped?"
	case kindPEMTruncated:
		return "is truncated: a PEM BEGIN line has no END line; copy the whole key"
	case kindDERPrivateKey:
		return "is a private key in binary DER form; convert it to PEM: openssl pkey -inform der -in FILE -out FILE.pem"
	case kindDERCertificate:
		return "is a certificate in binary DER form, not a private key"
	case kindXML, kindHTML:
		return "is XML or HTML, not a PEM private key"
	}
	return ""
}

// samlFormField finds the SAMLResponse field of an HTML form such as the
// auto-submit page Entra serves (the value users find when they save the
// page instead of the form value).
var samlFormField = regexp.MustCompile(`(?is)<input\b[^>]*\bname\s*=\s*["']?SAMLResponse["']?[^>]*>`)
var formValue = regexp.MustCompile(`(?is)\bvalue\s*=\s*(?:"([^"]*)"|'([^']*)')`)

// responseFromHTML returns the SAMLResponse value of an HTML form, or false.
func responseFromHTML(data []byte) ([]byte, bool) {
	in := samlFormField.Find(data)
	if in == nil {
		return nil, false
	}
	m := formValue.FindSubmatch(in)
	if m == nil {
		return nil, false
	}
	v := m[1]
	if v == nil {
		v = m[2]
	}
	return []byte(html.UnescapeString(string(v))), true
}

// responseInputProblem names what a response input is when it cannot be a
// SAMLResponse, or says that it is cut short ("truncated"); "" when it may
// be one. An HTML page with a SAMLResponse form field is fine (the caller
// takes the field).
func responseInputProblem(data []byte) string {
	switch recognise(data) {
	case kindEmpty:
		return "is empty"
	case kindUTF16:
		return utf16Fix
	case kindPEMCertificate, kindDERCertificate:
		return "is a certificate, not a SAMLResponse: give the IdP's certificate with --cert or its metadata with --metadata"
	case kindPEMPrivateKey, kindDERPrivateKey:
		return "is a private key, not a SAMLResponse"
	case kindHTML:
		if _, ok := responseFromHTML(data); ok {
			return ""
		}
		return "is an HTML page without a SAMLResponse form field: save the SAMLResponse form value of the POST to https://signin.aws.amazon.com/saml (see the README: capturing a SAMLResponse)"
	}
	if t := truncatedResponse(data); t != "" {
		return t
	}
	return ""
}

// truncatedResponse says how a response input was cut short: base64 whose
// length cannot be complete, or XML (given or decoded) that ends before its
// root element closes. "" when neither.
func truncatedResponse(data []byte) string {
	d := normalizeFormValue(data)
	if len(d) == 0 {
		return ""
	}
	if d[0] != '<' {
		n := 0
		for _, c := range d {
			switch c {
			case ' ', '\t', '\r', '\n':
			default:
				n++
			}
		}
		if _, _, _, err := decodeResponseBytes(data); err != nil && n%4 == 1 {
			return fmt.Sprintf("is truncated: its %d base64 characters cannot be a complete value (copy the whole SAMLResponse value)", n)
		}
	}
	x, _, _, err := decodeResponseBytes(data)
	if err != nil {
		return ""
	}
	if _, err := decodeParseXML(x); err != nil && strings.HasPrefix(err.Error(), "truncated") {
		if d[0] == '<' {
			return "is truncated: the XML ends before its root element closes (copy the whole response)"
		}
		return "is truncated: the XML its base64 decodes to ends before its root element closes (copy the whole SAMLResponse value)"
	}
	return ""
}

// inputName names an input in a message: the file as typed (quoted), or
// "standard input" for "-".
func inputName(name string) string {
	if name == "-" {
		return "standard input"
	}
	return fmt.Sprintf("%q", fileArg(name))
}

// metadataErrorText renders a metadata parse error for the CLI: truncated
// documents are called so, and no internal package name reaches the user.
func metadataErrorText(err error) string {
	msg := err.Error()
	if strings.Contains(msg, "unexpected end of input") || strings.Contains(msg, "unexpected EOF") {
		return "is truncated: the XML ends before the document closes (" + msg + "); download it again"
	}
	return msg
}

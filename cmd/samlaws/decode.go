package main

import (
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/internal/awslimits"
	"github.com/samlaws/samlaws/internal/dsigalg"
	"github.com/samlaws/samlaws/internal/mint"
	"github.com/samlaws/samlaws/metadata"
)

const decodeHelp = `usage: samlaws decode [--json] [--decrypt-key PEM]... FILE|-

Pretty-print a SAMLResponse without validating it: the response and assertion
headers, issuer, destination, times, subject, audiences, the attributes (AWS
ones first, with what AWS makes of them), every signature present (the element
it sits in, its algorithms, what its Reference points at and the thumbprints of
the certificate in its KeyInfo) and encryption.

FILE holds the base64 form value (with or without line breaks; a
"SAMLResponse=..." form body or a URL-encoded value is fine too) or the XML;
"-" reads standard input.

With --json, one JSON object instead of text, for scripts: "validated" (always
false), "encoding", "xml_bytes", "base64_chars", "response" (id, issuer,
destination, times, status, signatures) and "assertions" (each with its
issuer, name_id, confirmations, audiences as AND-of-OR lists, times,
signatures and every attribute with its values; an encrypted one only says
"encrypted" and its content encryption, unless --decrypt-key decrypts it).

--decrypt-key FILE (repeat for two) is the SP's PEM RSA private key (the one
given to the IAM provider with AddPrivateKey): an EncryptedAssertion it
decrypts is shown like a plain one, still without verifying anything.

Nothing printed is verified: a forged response decodes just as well. Use
"samlaws check" to learn whether AWS would accept it.

Exit status: 0 decoded, 1 the input is not a SAML response, 2 usage error.

Examples:
  samlaws decode response.b64
  samlaws decode --json --decrypt-key sp.pem - < response.b64
`

// XML namespaces of a SAML response.
const (
	nsProtocol  = "urn:oasis:names:tc:SAML:2.0:protocol"
	nsAssertion = "urn:oasis:names:tc:SAML:2.0:assertion"
	nsDSig      = "http://www.w3.org/2000/09/xmldsig#"
	nsXEnc      = "http://www.w3.org/2001/04/xmlenc#"
)

// runDecode is "samlaws decode".
func runDecode(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("samlaws decode", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	asJSON := fs.Bool("json", false, "")
	var keyFiles checkStrings
	fs.Var(&keyFiles, "decrypt-key", "")
	files, err := checkParseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, decodeHelp)
		return exitOK
	}
	if err == nil {
		switch len(files) {
		case 0:
			err = usagef("", "no response file given (use - for standard input)")
		case 1:
		default:
			err = usagef("", "decode takes one file, got %d", len(files))
		}
	}
	if err == nil && len(keyFiles) > 2 {
		err = usagef("--decrypt-key", "at most 2 keys, as an IAM SAML provider holds (A5.8)")
	}
	if err != nil {
		fmt.Fprintf(stderr, "samlaws decode: %v\nRun \"samlaws decode -h\" for usage.\n", err)
		return exitUsage
	}
	keys, err := checkLoadDecryptKeys(keyFiles)
	if err != nil {
		fmt.Fprintf(stderr, "samlaws decode: %v\n", err)
		return exitUsage
	}
	data, err := readResponseInput(files[0], stdin, checkMaxInput)
	if err != nil {
		fmt.Fprintf(stderr, "samlaws decode: %v\n", err)
		return exitUsage
	}
	if err := ctx.Err(); err != nil {
		fmt.Fprintf(stderr, "samlaws decode: %v\n", err)
		return exitRejected
	}
	if int64(len(data)) > checkMaxInput {
		fmt.Fprintf(stderr, "samlaws decode: %s: larger than %d bytes; AWS takes at most %d characters (A6.1)\n", files[0], checkMaxInput, awslimits.MaxAssertionChars)
		return exitRejected
	}
	write := decodeTo
	if *asJSON {
		write = decodeJSONTo
	}
	if err := write(stdout, data, keys...); err != nil {
		var we decodeWriteError
		if errors.As(err, &we) {
			fmt.Fprintf(stderr, "samlaws decode: writing: %v\n", we.err)
		} else {
			fmt.Fprintf(stderr, "samlaws decode: %s: %v\n", files[0], err)
		}
		return exitRejected
	}
	return exitOK
}

// decodeWriteError is a failure to write the output, as opposed to an input
// that is not a SAML response.
type decodeWriteError struct{ err error }

func (e decodeWriteError) Error() string { return e.err.Error() }

// decodeTo decodes a response given as XML or base64 and prints it to w.
func decodeTo(w io.Writer, data []byte, keys ...*rsa.PrivateKey) error {
	x, enc, b64Len, err := decodeResponseBytes(data)
	if err != nil {
		return err
	}
	root, err := decodeParseXML(x)
	if err != nil {
		return err
	}
	if root.name.Space != nsProtocol || root.name.Local != "Response" {
		return fmt.Errorf("the root element is %s, not a SAML 2.0 samlp:Response", decodeQName(root.name))
	}
	p := &decodePrinter{w: w, keys: len(keys)}
	if len(keys) > 0 {
		p.decrypted = map[*decodeNode]*decodeNode{}
		dec := decodeDecrypt(x, keys)
		for i, e := range root.all(nsAssertion, "EncryptedAssertion") {
			if i < len(dec) {
				p.decrypted[e] = dec[i]
			}
		}
	}
	p.response(root, enc, len(x), b64Len)
	p.printUnread(decodeFindUnread(root))
	if p.err != nil {
		return decodeWriteError{p.err}
	}
	return nil
}

// decodeQName renders an element name for messages: its local name and, when
// it is not a SAML one, its namespace.
func decodeQName(n xml.Name) string {
	switch n.Space {
	case nsProtocol:
		return "samlp:" + n.Local
	case nsAssertion:
		return "saml:" + n.Local
	case nsDSig:
		return "ds:" + n.Local
	case "":
		return n.Local
	}
	return "{" + safeText(clip(n.Space)) + "}" + safeText(n.Local)
}

// decodePrinter writes the decoded response; the first write error sticks.
type decodePrinter struct {
	w   io.Writer
	err error
	// keys is the number of --decrypt-key keys; decrypted maps each
	// EncryptedAssertion they decrypt to its Assertion.
	keys      int
	decrypted map[*decodeNode]*decodeNode
}

func (p *decodePrinter) printf(format string, a ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, a...)
	}
}

// field prints "  label  value" with the label padded; an empty value prints
// as "(none)".
func (p *decodePrinter) field(indent int, label, value string) {
	if value == "" {
		value = "(none)"
	} else {
		value = decodeShown(value)
	}
	p.printf("%s%-20s %s\n", strings.Repeat("  ", indent), label, value)
}

func (p *decodePrinter) response(r *decodeNode, enc decodeEncoding, xmlLen, b64Len int) {
	switch enc {
	case encodingXML:
		p.printf("SAMLResponse given as XML (%d bytes; its base64 form value has %d characters, STS takes at most %d, A6.1)\n",
			xmlLen, base64.StdEncoding.EncodedLen(xmlLen), awslimits.MaxAssertionChars)
	case encodingBase64:
		p.printf("SAMLResponse decoded from base64 (%d characters without line breaks; STS takes at most %d, A6.1)\n",
			b64Len, awslimits.MaxAssertionChars)
	case encodingDeflate:
		p.printf("SAMLResponse decoded from base64 of DEFLATE-compressed XML: that is the HTTP-Redirect\n" +
			"encoding, which AWS rejects; the HTTP-POST binding sends plain base64 (D1.1)\n")
	}
	p.printf("NOT VALIDATED: this is what the response claims. Nothing below is verified;\n" +
		"run \"samlaws check\" to learn whether AWS would accept it.\n\n")

	p.printf("Response\n")
	p.attrField(1, r, "ID")
	p.attrField(1, r, "Version")
	p.attrField(1, r, "IssueInstant")
	p.attrField(1, r, "Destination")
	if v, ok := r.attr("InResponseTo"); ok {
		p.field(1, "InResponseTo", v+" (SP-initiated)")
	} else {
		p.field(1, "InResponseTo", "(none: IdP-initiated)")
	}
	p.field(1, "Issuer", r.child(nsAssertion, "Issuer").raw())
	p.status(r.child(nsProtocol, "Status"))
	p.signatures(1, r)

	assertions := r.all(nsAssertion, "Assertion")
	encrypted := r.all(nsAssertion, "EncryptedAssertion")
	total := len(assertions) + len(encrypted)
	if total == 0 {
		p.printf("\nNo Assertion: AWS needs exactly one (D4.2).\n")
	}
	if total > 1 {
		p.printf("\n%d assertions: AWS needs exactly one (D4.2).\n", total)
	}
	for i, a := range assertions {
		p.printf("\nAssertion %d of %d\n", i+1, total)
		p.assertion(a)
	}
	for i, e := range encrypted {
		p.printf("\nEncryptedAssertion %d of %d\n", len(assertions)+i+1, total)
		p.encrypted(e)
	}
	p.strays(r)
}

func (p *decodePrinter) attrField(indent int, n *decodeNode, name string) {
	v, _ := n.attr(name)
	p.field(indent, name, v)
}

func (p *decodePrinter) status(s *decodeNode) {
	code := s.path([2]string{nsProtocol, "StatusCode"})
	if code == nil {
		p.field(1, "Status", "")
		return
	}
	v, _ := code.attr("Value")
	text := strings.TrimPrefix(v, "urn:oasis:names:tc:SAML:2.0:status:")
	if sub := code.child(nsProtocol, "StatusCode"); sub != nil {
		sv, _ := sub.attr("Value")
		text += " / " + strings.TrimPrefix(sv, "urn:oasis:names:tc:SAML:2.0:status:")
	}
	if v != mint.StatusSuccess {
		text += "  (not Success: AWS rejects it, D1.5)"
	}
	p.field(1, "Status", text)
	if m := s.child(nsProtocol, "StatusMessage").value(); m != "" {
		p.field(1, "StatusMessage", m)
	}
}

// signatures prints every ds:Signature child of n.
func (p *decodePrinter) signatures(indent int, n *decodeNode) {
	sigs := n.all(nsDSig, "Signature")
	if len(sigs) == 0 {
		p.field(indent, "Signature", "none")
		return
	}
	for _, s := range sigs {
		p.signature(indent, n, s)
	}
}

// signature describes one signature: algorithms, what it references and the
// certificate it carries (untrusted: only the IdP metadata decides trust).
func (p *decodePrinter) signature(indent int, parent, s *decodeNode) {
	si := s.child(nsDSig, "SignedInfo")
	method, _ := si.path([2]string{nsDSig, "SignatureMethod"}).attrOr("Algorithm")
	c14n, _ := si.path([2]string{nsDSig, "CanonicalizationMethod"}).attrOr("Algorithm")
	p.field(indent, "Signature", decodeAlgName(method)+", c14n "+decodeAlgName(c14n))
	pad := strings.Repeat("  ", indent) + strings.Repeat(" ", 21)
	id, _ := parent.attr("ID")
	refs := si.allOrNil(nsDSig, "Reference")
	if len(refs) != 1 {
		p.printf("%s%d References (AWS needs exactly one, to the signed element, D4.2)\n", pad, len(refs))
	}
	for _, ref := range refs {
		uri, _ := ref.attr("URI")
		target := "another element"
		switch {
		case uri == "":
			target = "the whole document (AWS needs #ID of the signed element, D4.2)"
		case id != "" && uri == "#"+id:
			target = "this " + parent.name.Local
		}
		dm, _ := ref.path([2]string{nsDSig, "DigestMethod"}).attrOr("Algorithm")
		var transforms []string
		for _, t := range ref.path([2]string{nsDSig, "Transforms"}).allOrNil(nsDSig, "Transform") {
			a, _ := t.attr("Algorithm")
			transforms = append(transforms, decodeAlgName(a))
		}
		p.printf("%sReference %s = %s\n", pad, decodeShown(clip(uri)), target)
		p.printf("%sdigest %s, transforms %s\n", pad, decodeAlgName(dm), strings.Join(transforms, ", "))
	}
	certs := s.path([2]string{nsDSig, "KeyInfo"}, [2]string{nsDSig, "X509Data"}).allOrNil(nsDSig, "X509Certificate")
	if len(certs) == 0 {
		p.printf("%sno certificate in KeyInfo\n", pad)
	}
	for _, c := range certs {
		p.certificate(pad, "KeyInfo certificate", c.value())
	}
}

// certificate prints a base64 DER certificate's subject, thumbprints and validity.
func (p *decodePrinter) certificate(pad, label, b64 string) {
	der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(b64), ""))
	if err != nil {
		p.printf("%s%s: not base64\n", pad, label)
		return
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		p.printf("%s%s: does not parse as X.509\n", pad, label)
		return
	}
	sum := sha256.Sum256(der)
	p.printf("%s%s %s\n", pad, label, decodeShown(cert.Subject.String()))
	p.printf("%s  SHA-1 thumbprint   %s\n", pad, sha1Thumbprint(cert))
	p.printf("%s  SHA-256 thumbprint %X\n", pad, sum[:])
	p.printf("%s  valid              %s to %s\n", pad, cert.NotBefore.UTC().Format(time.RFC3339), cert.NotAfter.UTC().Format(time.RFC3339))
	p.printf("%s  (KeyInfo is not trusted: AWS verifies with the certificates of the provider's metadata)\n", pad)
}

// attrOr is attr on a possibly nil node.
func (n *decodeNode) attrOr(local string) (string, bool) {
	if n == nil {
		return "", false
	}
	return n.attr(local)
}

// allOrNil is all on a possibly nil node.
func (n *decodeNode) allOrNil(space, local string) []*decodeNode {
	if n == nil {
		return nil
	}
	return n.all(space, local)
}

// decodeAlgName shortens well-known algorithm URIs.
func decodeAlgName(uri string) string {
	names := map[string]string{
		metadata.AlgRSASHA256:    "RSA-SHA256",
		metadata.AlgRSASHA1:      "RSA-SHA1 (legacy; AWS-compatible only when SHA-1 is allowed, A5.3)",
		metadata.AlgRSASHA384:    "RSA-SHA384",
		metadata.AlgRSASHA512:    "RSA-SHA512",
		metadata.AlgDigestSHA256: "SHA-256",
		metadata.AlgDigestSHA1:   "SHA-1",
		metadata.AlgDigestSHA384: "SHA-384",
		metadata.AlgDigestSHA512: "SHA-512",
		dsigalg.ExcC14N:          "exclusive c14n",
		dsigalg.Enveloped:        "enveloped-signature",
		"http://www.w3.org/2001/10/xml-exc-c14n#WithComments": "exclusive c14n with comments",
		"http://www.w3.org/TR/2001/REC-xml-c14n-20010315":     "c14n 1.0",
		nsXEnc + "aes256-cbc":                                 "AES-256-CBC",
		nsXEnc + "aes128-cbc":                                 "AES-128-CBC",
		"http://www.w3.org/2009/xmlenc11#aes256-gcm":          "AES-256-GCM",
		"http://www.w3.org/2009/xmlenc11#aes128-gcm":          "AES-128-GCM",
		nsXEnc + "rsa-oaep-mgf1p":                             "RSA-OAEP (MGF1 SHA-1)",
		"http://www.w3.org/2009/xmlenc11#rsa-oaep":            "RSA-OAEP",
		nsXEnc + "rsa-1_5":                                    "RSA PKCS#1 v1.5",
	}
	if uri == "" {
		return "(none)"
	}
	if n, ok := names[uri]; ok {
		return n
	}
	return decodeShown(clip(uri))
}

func (p *decodePrinter) assertion(a *decodeNode) {
	p.attrField(1, a, "ID")
	p.attrField(1, a, "Version")
	p.attrField(1, a, "IssueInstant")
	p.field(1, "Issuer", a.child(nsAssertion, "Issuer").raw())
	p.signatures(1, a)

	p.printf("  Subject\n")
	subj := a.child(nsAssertion, "Subject")
	nameID := subj.path([2]string{nsAssertion, "NameID"})
	if nameID == nil {
		p.field(2, "NameID", "(none: AWS answers AccessDenied, A2.1)")
	} else {
		p.field(2, "NameID", nameID.raw())
		f, _ := nameID.attr("Format")
		p.field(2, "Format", f)
	}
	confs := subj.allOrNil(nsAssertion, "SubjectConfirmation")
	if len(confs) != 1 {
		p.printf("    %d SubjectConfirmations (AWS needs exactly one bearer confirmation, A1.8)\n", len(confs))
	}
	for _, c := range confs {
		m, _ := c.attr("Method")
		p.field(2, "Confirmation", strings.TrimPrefix(m, "urn:oasis:names:tc:SAML:2.0:cm:"))
		if d := c.child(nsAssertion, "SubjectConfirmationData"); d != nil {
			p.attrField(3, d, "Recipient")
			p.attrField(3, d, "NotOnOrAfter")
			if v, ok := d.attr("NotBefore"); ok {
				p.field(3, "NotBefore", v+" (the bearer profile forbids it, D3.2)")
			}
			if v, ok := d.attr("InResponseTo"); ok {
				p.field(3, "InResponseTo", v)
			}
		}
	}

	p.printf("  Conditions\n")
	cond := a.child(nsAssertion, "Conditions")
	if cond == nil {
		p.printf("    (none)\n")
	} else {
		nb, _ := cond.attr("NotBefore")
		na, _ := cond.attr("NotOnOrAfter")
		p.field(2, "NotBefore", nb)
		window := ""
		if t1, e1 := time.Parse(time.RFC3339Nano, nb); e1 == nil {
			if t2, e2 := time.Parse(time.RFC3339Nano, na); e2 == nil {
				window = fmt.Sprintf(" (%s after NotBefore)", t2.Sub(t1))
			}
		}
		if na != "" {
			na += window
		}
		p.field(2, "NotOnOrAfter", na)
		restrictions := cond.all(nsAssertion, "AudienceRestriction")
		if len(restrictions) == 0 {
			p.field(2, "Audience", "(none: no AudienceRestriction, D2.4)")
		}
		for _, ar := range restrictions {
			var auds []string
			for _, au := range ar.all(nsAssertion, "Audience") {
				auds = append(auds, decodeShown(au.raw()))
			}
			p.field(2, "Audience", strings.Join(auds, " or "))
		}
		for _, c := range cond.children {
			if c.name.Space == nsAssertion && c.name.Local == "AudienceRestriction" {
				continue
			}
			p.field(2, "Condition", decodeQName(c.name))
		}
	}

	for _, st := range a.all(nsAssertion, "AuthnStatement") {
		p.printf("  AuthnStatement\n")
		p.attrField(2, st, "AuthnInstant")
		p.attrField(2, st, "SessionIndex")
		if v, ok := st.attr("SessionNotOnOrAfter"); ok {
			p.field(2, "SessionNotOnOrAfter", v+" (caps the AWS session, A3.5)")
		}
		p.field(2, "AuthnContext", st.path([2]string{nsAssertion, "AuthnContext"}, [2]string{nsAssertion, "AuthnContextClassRef"}).value())
	}
	p.attributes(a)
}

// decodeAttr is one Attribute with its values, in document order.
type decodeAttr struct {
	name   string
	values []string
}

// attributes prints the AWS attributes first, each with what AWS makes of it,
// then the others.
func (p *decodePrinter) attributes(a *decodeNode) {
	var aws, other []decodeAttr
	for _, st := range a.all(nsAssertion, "AttributeStatement") {
		for _, at := range st.all(nsAssertion, "Attribute") {
			name, _ := at.attr("Name")
			da := decodeAttr{name: name}
			for _, v := range at.all(nsAssertion, "AttributeValue") {
				da.values = append(da.values, v.value())
			}
			if strings.HasPrefix(name, "https://aws.amazon.com/SAML/Attributes/") {
				aws = append(aws, da)
			} else {
				other = append(other, da)
			}
		}
	}
	p.printf("  AWS attributes\n")
	if len(aws) == 0 {
		p.printf("    (none: AWS needs Role and RoleSessionName, A3.1, A3.4)\n")
	}
	for _, at := range aws {
		short := strings.TrimPrefix(at.name, "https://aws.amazon.com/SAML/Attributes/")
		p.printf("    %s\n", decodeShown(short))
		for _, v := range at.values {
			p.printf("      %s\n", decodeShown(v))
			p.printf("        -> %s\n", decodeAWSMeaning(at.name, v, len(at.values)))
		}
		if len(at.values) == 0 {
			p.printf("      (no value)\n")
		}
	}
	p.printf("  Other attributes\n")
	if len(other) == 0 {
		p.printf("    (none)\n")
	}
	for _, at := range other {
		p.printf("    %s\n", decodeShown(at.name))
		for _, v := range at.values {
			p.printf("      %s\n", decodeShown(v))
		}
	}
}

// decodeAWSMeaning says what AWS makes of one AWS attribute value.
func decodeAWSMeaning(name, v string, n int) string {
	switch {
	case name == awsrole.AttrRole:
		r, err := awsrole.ParseRole(v)
		if err != nil {
			return "invalid: " + err.Error()
		}
		return fmt.Sprintf("role %s (path %s) in account %s, partition %s, via SAML provider %s",
			r.RoleARN.Name, r.RoleARN.Path, r.RoleARN.AccountID, r.RoleARN.Partition, r.ProviderARN.Name)
	case name == awsrole.AttrRoleSessionName:
		if n != 1 {
			return fmt.Sprintf("invalid: RoleSessionName needs exactly one value, got %d (A3.4)", n)
		}
		if err := awsrole.RoleSessionName(v).Validate(); err != nil {
			return "invalid: " + err.Error()
		}
		return "the session name in the assumed-role ARN and CloudTrail"
	case name == awsrole.AttrSessionDuration:
		d, err := awsrole.ParseSessionDuration(v)
		if err != nil {
			return "invalid: " + err.Error()
		}
		return fmt.Sprintf("console session of %s (API sessions can only be shortened by it, A3.5)", time.Duration(d))
	case name == awsrole.AttrSourceIdentity:
		if err := awsrole.SourceIdentity(v).Validate(); err != nil {
			return "invalid: " + err.Error()
		}
		return "source identity, fixed for the session and its role chain (A3.6)"
	case strings.HasPrefix(name, awsrole.AttrPrincipalTagPrefix):
		key := strings.TrimPrefix(name, awsrole.AttrPrincipalTagPrefix)
		if err := (awsrole.Tag{Key: key, Value: v}).Validate(); err != nil { // key first, then value
			return "invalid: " + err.Error()
		}
		return fmt.Sprintf("session tag %q (A3.7)", key)
	case name == awsrole.AttrTransitiveTagKeys:
		return "this tag key survives role chaining (A3.8)"
	}
	return "not an attribute AWS reads (names are case-sensitive, A3)"
}

// encrypted describes an EncryptedAssertion without decrypting it.
func (p *decodePrinter) encrypted(e *decodeNode) {
	ed := e.child(nsXEnc, "EncryptedData")
	if ed == nil {
		p.printf("  no xenc:EncryptedData\n")
		return
	}
	alg, _ := ed.path([2]string{nsXEnc, "EncryptionMethod"}).attrOr("Algorithm")
	p.field(1, "Content encryption", decodeAlgName(alg))
	keys := ed.path([2]string{nsDSig, "KeyInfo"}).allOrNil(nsXEnc, "EncryptedKey")
	keys = append(keys, e.all(nsXEnc, "EncryptedKey")...)
	for _, k := range keys {
		kalg, _ := k.path([2]string{nsXEnc, "EncryptionMethod"}).attrOr("Algorithm")
		p.field(1, "Key transport", decodeAlgName(kalg))
		pad := "  " + strings.Repeat(" ", 21)
		for _, c := range k.path([2]string{nsDSig, "KeyInfo"}, [2]string{nsDSig, "X509Data"}).allOrNil(nsDSig, "X509Certificate") {
			p.certificate(pad, "encrypted to SP certificate", c.value())
		}
	}
	if d := p.decrypted[e]; d != nil {
		p.printf("  Decrypted with --decrypt-key (NOT verified; \"samlaws check --decrypt-key\" verifies it):\n")
		p.assertion(d)
		return
	}
	if p.keys > 0 {
		p.printf("  None of the %d --decrypt-key keys decrypts it: it was encrypted for another SP certificate\n"+
			"  (compare the certificate above with the one uploaded to the Entra app for token encryption).\n", p.keys)
		return
	}
	p.printf("  The assertion inside is encrypted for the SP; decode shows it with --decrypt-key.\n" +
		"  \"samlaws check --decrypt-key\" decrypts and verifies it.\n")
}

// strays lists signatures elsewhere than on the Response and Assertions, which
// AWS does not use: a sign of a signature-wrapping attempt.
func (p *decodePrinter) strays(r *decodeNode) {
	var found []string
	var walk func(n *decodeNode, depth int)
	walk = func(n *decodeNode, depth int) {
		for _, c := range n.children {
			if c.name.Space == nsDSig && c.name.Local == "Signature" {
				top := n == r || (n.parent == r && n.name.Space == nsAssertion && n.name.Local == "Assertion")
				if !top {
					found = append(found, decodeQName(n.name))
				}
				continue
			}
			walk(c, depth+1)
		}
	}
	walk(r, 0)
	if len(found) == 0 {
		return
	}
	sort.Strings(found)
	p.printf("\nSignatures in unexpected places (inside %s): AWS ignores them; this shape is typical of\nsignature-wrapping attacks (D4.2, D4.7)\n", strings.Join(found, ", "))
}

// sha1Thumbprint is a certificate's SHA-1 thumbprint in upper-case hex, as
// the Entra portal shows it (metadata.Certificate.SHA1).
func sha1Thumbprint(c *x509.Certificate) string {
	return metadata.NewCertificate(c.Raw).SHA1
}

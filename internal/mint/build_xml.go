package mint

import (
	"bytes"
	"encoding/base64"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/awsendpoint"
	"github.com/samlaws/samlaws/internal/c14n"
)

// The minter writes XML directly in exclusive-canonical form (W3C exc-c14n:
// no self-closing tags, attributes in code-point order of their local names,
// namespace declarations only where first used, canonical escaping). The
// bytes of a signed element, minus its Signature, are then exactly its
// canonical form, so the digest is computed over the emitted bytes. The
// tests re-canonicalise the output with goxmldsig to prove the equivalence.

// The namespaces the minter writes, and the values its tamper knobs write
// (exported for the tests of this module, which compare against them).
const (
	NSAssertion = "urn:oasis:names:tc:SAML:2.0:assertion"
	NSProtocol  = "urn:oasis:names:tc:SAML:2.0:protocol"
	NSDSig      = "http://www.w3.org/2000/09/xmldsig#"
	mintNSXEnc  = "http://www.w3.org/2001/04/xmlenc#"

	CMBearer  = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
	mintNSXSI = "http://www.w3.org/2001/XMLSchema-instance"

	WrongAudience    = "https://wrong-audience.invalid/saml"
	WrongRecipient   = "https://wrong-recipient.invalid/saml"
	WrongDestination = "https://wrong-destination.invalid/saml"
	WrongIssuer      = "https://sts.windows.net/00000000-0000-0000-0000-000000000000/"
	AttackerNameID   = "attacker@evil.invalid"
	SecondNameID     = "second@evil.invalid"
	BadSessionName   = "bad session name!"
)

// minter holds the resolved values of one Build call.
type minter struct {
	b    *Builder
	spec *ResponseSpec
	t    *Tamper

	issuer, audience, recipient, destination string
	nameID, nameIDFormat, authnCtx           string
	version                                  string
	issue, notBefore, notOnOrAfter, confNOA  time.Time
	respID, assertID                         string
	attrs                                    []Attribute
	alg                                      mintSigAlg
}

func (m *minter) prepare(b *Builder, spec *ResponseSpec) error {
	m.b, m.spec, m.t = b, spec, &spec.Tamper
	t := m.t
	switch spec.Signing {
	case SignAssertion, SignResponse, SignBoth, SignNone:
	default:
		return mintErr(ErrResponseSpec, "Signing", "C3.1", "unknown signing mode", nil)
	}
	var ok bool
	if m.alg, ok = mintSigAlgFor(spec.Algorithm); !ok {
		return mintErr(ErrResponseSpec, "Algorithm", "C3.1", "unknown signature algorithm", nil)
	}
	if spec.AssertionLifetime < 0 {
		return mintErr(ErrResponseSpec, "AssertionLifetime", "D2.2", "negative lifetime", nil)
	}
	if spec.ConfirmationLifetime < 0 {
		return mintErr(ErrResponseSpec, "ConfirmationLifetime", "D3.2", "negative lifetime", nil)
	}
	if e := spec.Encryption; e != nil {
		if err := mintCheckEncryption(e); err != nil {
			return err
		}
	}

	m.issuer = b.issuer
	if t.WrongIssuer {
		m.issuer = WrongIssuer
	}
	m.audience = mintOr(spec.Audience, awsendpoint.GlobalSignIn)
	if t.WrongAudience {
		m.audience = WrongAudience
	}
	m.recipient = mintOr(spec.Recipient, awsendpoint.GlobalSignIn)
	m.destination = mintOr(spec.Destination, m.recipient)
	if t.WrongRecipient {
		m.recipient = WrongRecipient
	}
	if t.WrongDestination {
		m.destination = WrongDestination
	}
	m.nameID = mintOr(spec.NameID, spec.User.UPN)
	if m.nameID == "" && !t.MissingNameID {
		return mintErr(ErrResponseSpec, "NameID", "A2.1", "empty (set NameID or User.UPN)", nil)
	}
	m.nameIDFormat = mintOr(spec.NameIDFormat, federation.NameIDFormatEmail)
	m.authnCtx = mintOr(spec.AuthnContextClassRef, AuthnContextPasswordProtectedTransport)
	m.version = mintOr(t.Version, "2.0")

	now := spec.IssueInstant
	if now.IsZero() {
		now = b.now()
	}
	if t.Expired {
		now = now.Add(-2 * time.Hour)
	}
	if t.NotYetValid {
		now = now.Add(time.Hour)
	}
	m.issue = now.UTC().Truncate(time.Millisecond)
	life := spec.AssertionLifetime
	if life == 0 {
		life = DefaultAssertionLifetime
	}
	conf := spec.ConfirmationLifetime
	if conf == 0 {
		conf = DefaultConfirmationLifetime
	}
	m.notBefore = m.issue
	m.notOnOrAfter = m.issue.Add(life).Truncate(time.Millisecond)
	m.confNOA = m.issue.Add(conf).Truncate(time.Millisecond)

	m.attrs = m.attributes()

	for _, f := range []struct{ name, v string }{
		{"NameID", m.nameID}, {"NameIDFormat", m.nameIDFormat}, {"Audience", m.audience},
		{"Recipient", m.recipient}, {"Destination", m.destination},
		{"InResponseTo", spec.InResponseTo}, {"AuthnContextClassRef", m.authnCtx},
		{"Tamper.Version", m.version}, {"Tamper.StatusCode", t.StatusCode},
		{"Tamper.StatusMessage", t.StatusMessage}, {"Tamper.SubStatusCode", t.SubStatusCode},
	} {
		if err := mintCheckXML(f.v); err != nil {
			return mintErr(ErrResponseSpec, f.name, "", "not valid XML text", nil)
		}
	}
	if spec.InResponseTo != "" && !mintIsNCName(spec.InResponseTo) {
		return mintErr(ErrResponseSpec, "InResponseTo", "D1.3", "not an xs:NCName (an AuthnRequest ID)", nil)
	}
	for _, a := range m.attrs {
		if a.Name == "" {
			return mintErr(ErrResponseSpec, "Attributes", "", "attribute with an empty Name", nil)
		}
		if mintCheckXML(a.Name) != nil {
			return mintErr(ErrResponseSpec, "Attributes", "", "attribute name is not valid XML text", nil)
		}
		for _, v := range a.Values {
			if mintCheckXML(v) != nil {
				return mintErr(ErrResponseSpec, "Attributes", "", "attribute value is not valid XML text", nil)
			}
		}
	}

	var err error
	if m.respID, err = b.newID(); err != nil {
		return err
	}
	if m.assertID, err = b.newID(); err != nil {
		return err
	}
	if t.DuplicateIDs {
		m.assertID = m.respID
	}
	return nil
}

// attributes returns the AttributeStatement content in Entra's order: the
// default claims (C2.6), then the AWS attributes (A3), then the extras.
func (m *minter) attributes() []Attribute {
	s, u := m.spec, &m.spec.User
	out := make([]Attribute, 0, 16+len(s.AWS.Tags)+len(s.Attributes))
	add := func(name string, vals ...string) {
		if len(vals) == 0 || (len(vals) == 1 && vals[0] == "") {
			return
		}
		out = append(out, Attribute{Name: name, Values: vals})
	}
	if !s.OmitEntraClaims {
		add(ClaimTenantID, m.b.tenant)
		add(ClaimObjectID, u.ObjectID)
		add(ClaimDisplayName, u.DisplayName)
		add(ClaimIdentityProvider, mintOr(u.IdentityProvider, m.issuer))
		methods := u.AuthnMethods
		if methods == nil {
			methods = []string{AuthnMethodPassword}
		}
		add(ClaimAuthnMethodsReferences, methods...)
		if s.RoleClaim && !m.t.MissingRole {
			roles := make([]string, len(s.AWS.Roles))
			for i, r := range s.AWS.Roles {
				roles[i] = r.String()
			}
			add(ClaimRole, roles...)
		}
		add(ClaimGroups, u.Groups...)
		add(ClaimGivenName, u.GivenName)
		add(ClaimSurname, u.Surname)
		add(ClaimEmailAddress, u.Email)
		add(ClaimName, u.UPN)
	}
	for _, a := range mintAWSAttributes(&s.AWS) {
		out = append(out, m.tamperAttr(a)...)
	}
	for _, a := range s.Attributes {
		out = append(out, m.tamperAttr(a)...)
	}
	return out
}

// mintAWSAttributes orders a.Values() for emission.
func mintAWSAttributes(a *awsrole.Attributes) []Attribute {
	vals := a.Values()
	if len(vals) == 0 {
		return nil
	}
	out := make([]Attribute, 0, len(vals))
	take := func(name string) {
		if v, ok := vals[name]; ok {
			out = append(out, Attribute{Name: name, Values: v})
			delete(vals, name)
		}
	}
	take(awsrole.AttrRole)
	take(awsrole.AttrRoleSessionName)
	take(awsrole.AttrSessionDuration)
	take(awsrole.AttrSourceIdentity)
	for _, t := range a.Tags {
		take(awsrole.AttrPrincipalTagPrefix + t.Key)
	}
	transitive, hasTransitive := vals[awsrole.AttrTransitiveTagKeys]
	delete(vals, awsrole.AttrTransitiveTagKeys)
	rest := make([]string, 0, len(vals))
	for name := range vals {
		rest = append(rest, name)
	}
	slices.Sort(rest)
	for _, name := range rest {
		out = append(out, Attribute{Name: name, Values: vals[name]})
	}
	if hasTransitive {
		out = append(out, Attribute{Name: awsrole.AttrTransitiveTagKeys, Values: transitive})
	}
	return out
}

func (m *minter) tamperAttr(a Attribute) []Attribute {
	switch a.Name {
	case awsrole.AttrRole:
		if m.t.MissingRole {
			return nil
		}
	case awsrole.AttrRoleSessionName:
		if m.t.MissingRoleSessionName {
			return nil
		}
		if m.t.BadRoleSessionName {
			return []Attribute{{Name: a.Name, Values: []string{BadSessionName}}}
		}
	}
	return []Attribute{{Name: a.Name, Values: slices.Clone(a.Values)}}
}

// appendAssertion writes one Assertion. It returns the full assertion and
// the offset at which the Signature goes (right after the Issuer).
func (m *minter) appendAssertion(dst []byte, id, nameID string) (out []byte, sigAt int) {
	dst = append(dst, `<Assertion xmlns="`+NSAssertion+`" ID="`...)
	dst = mintAppendAttr(dst, id)
	dst = append(dst, `" IssueInstant="`...)
	dst = mintAppendTime(dst, m.issue)
	dst = append(dst, `" Version="`...)
	dst = mintAppendAttr(dst, m.version)
	dst = append(dst, `"><Issuer>`...)
	dst = mintAppendText(dst, m.issuer)
	dst = append(dst, `</Issuer>`...)
	sigAt = len(dst)

	t := m.t
	dst = append(dst, `<Subject>`...)
	if !t.MissingNameID {
		dst = append(dst, `<NameID Format="`...)
		dst = mintAppendAttr(dst, m.nameIDFormat)
		dst = append(dst, `">`...)
		dst = mintAppendText(dst, nameID)
		dst = append(dst, `</NameID>`...)
	}
	n := 1
	if t.TwoSubjectConfirmations {
		n = 2
	}
	for range n {
		dst = append(dst, `<SubjectConfirmation Method="`+CMBearer+`"><SubjectConfirmationData`...)
		if m.spec.InResponseTo != "" {
			dst = append(dst, ` InResponseTo="`...)
			dst = mintAppendAttr(dst, m.spec.InResponseTo)
			dst = append(dst, '"')
		}
		if t.ConfirmationNotBefore {
			dst = append(dst, ` NotBefore="`...)
			dst = mintAppendTime(dst, m.issue)
			dst = append(dst, '"')
		}
		if !t.MissingConfirmationNotOnOrAfter {
			dst = append(dst, ` NotOnOrAfter="`...)
			dst = mintAppendTime(dst, m.confNOA)
			dst = append(dst, '"')
		}
		dst = append(dst, ` Recipient="`...)
		dst = mintAppendAttr(dst, m.recipient)
		dst = append(dst, `"></SubjectConfirmationData></SubjectConfirmation>`...)
	}
	dst = append(dst, `</Subject><Conditions NotBefore="`...)
	nb, noa := m.notBefore, m.notOnOrAfter
	if t.InvertedConditions {
		nb, noa = noa, nb
	}
	dst = mintAppendTime(dst, nb)
	dst = append(dst, `" NotOnOrAfter="`...)
	dst = mintAppendTime(dst, noa)
	dst = append(dst, `">`...)
	if !t.MissingAudienceRestriction {
		dst = append(dst, `<AudienceRestriction><Audience>`...)
		dst = mintAppendText(dst, m.audience)
		dst = append(dst, `</Audience></AudienceRestriction>`...)
	}
	if t.ExtraAudienceRestriction {
		dst = append(dst, `<AudienceRestriction><Audience>`+WrongAudience+`</Audience></AudienceRestriction>`...)
	}
	if t.DuplicateOneTimeUse {
		dst = append(dst, `<OneTimeUse></OneTimeUse><OneTimeUse></OneTimeUse>`...)
	}
	if t.UnknownCondition {
		// The type QName has no prefix: it resolves in the default (SAML
		// assertion) namespace to a type that does not exist. A prefixed
		// QName would need a declaration that exc-c14n drops (a prefix used
		// only inside an attribute value is not "visibly utilized").
		dst = append(dst, `<Condition xmlns:xsi="`+mintNSXSI+`" xsi:type="UnknownConditionType"></Condition>`...)
	}
	dst = append(dst, `</Conditions>`...)
	if len(m.attrs) > 0 {
		dst = append(dst, `<AttributeStatement>`...)
		for _, a := range m.attrs {
			dst = append(dst, `<Attribute Name="`...)
			dst = mintAppendAttr(dst, a.Name)
			dst = append(dst, `">`...)
			for _, v := range a.Values {
				dst = append(dst, `<AttributeValue>`...)
				dst = mintAppendText(dst, v)
				dst = append(dst, `</AttributeValue>`...)
			}
			dst = append(dst, `</Attribute>`...)
		}
		dst = append(dst, `</AttributeStatement>`...)
	}
	if !t.MissingAuthnStatement {
		dst = append(dst, `<AuthnStatement AuthnInstant="`...)
		if at := m.spec.AuthnInstant; !at.IsZero() {
			dst = mintAppendTime(dst, at)
		} else {
			dst = mintAppendTime(dst, m.issue)
		}
		dst = append(dst, `" SessionIndex="`...)
		dst = mintAppendAttr(dst, id)
		if !m.spec.SessionNotOnOrAfter.IsZero() {
			dst = append(dst, `" SessionNotOnOrAfter="`...)
			dst = mintAppendTime(dst, m.spec.SessionNotOnOrAfter)
		}
		dst = append(dst, `"><AuthnContext><AuthnContextClassRef>`...)
		dst = mintAppendText(dst, m.authnCtx)
		dst = append(dst, `</AuthnContextClassRef></AuthnContext></AuthnStatement>`...)
	}
	dst = append(dst, `</Assertion>`...)
	return dst, sigAt
}

// signedAssertion writes an assertion, signed when the mode asks for it.
func (m *minter) signedAssertion(id, nameID string, sign bool) ([]byte, error) {
	a, at := m.appendAssertion(make([]byte, 0, 4096), id, nameID)
	if !sign {
		return a, nil
	}
	sig, err := m.signature(id, a[:at], a[at:])
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(a)+len(sig))
	out = append(out, a[:at]...)
	out = append(out, sig...)
	out = append(out, a[at:]...)
	return out, nil
}

func (m *minter) mint() (*Minted, error) {
	spec, t := m.spec, m.t
	signAssertion := spec.Signing == SignAssertion || spec.Signing == SignBoth
	signResponse := spec.Signing == SignResponse || spec.Signing == SignBoth

	if t.ModifyAfterSigning && t.MissingNameID {
		return nil, mintErr(ErrResponseSpec, "Tamper.ModifyAfterSigning", "", "needs a NameID to modify", nil)
	}
	if t.ModifyAfterSigning && spec.Encryption != nil && !signAssertion {
		return nil, mintErr(ErrResponseSpec, "Tamper.ModifyAfterSigning", "", "with Encryption it needs an assertion signature to break", nil)
	}
	// wholeDoc: the assertion's signature references the whole document, so
	// it is computed last, over the finished Response.
	wholeDoc := t.WholeDocumentReference && spec.Signing == SignAssertion
	if wholeDoc && spec.Encryption != nil {
		return nil, mintErr(ErrResponseSpec, "Tamper.WholeDocumentReference", "", "cannot be combined with Encryption when only the assertion is signed", nil)
	}
	var assertion []byte
	var sigAt int
	var err error
	if wholeDoc {
		assertion, sigAt = m.appendAssertion(make([]byte, 0, 4096), m.assertID, m.nameID)
	} else if assertion, err = m.signedAssertion(m.assertID, m.nameID, signAssertion); err != nil {
		return nil, err
	}
	var plaintext []byte
	if spec.Encryption != nil {
		if t.ModifyAfterSigning {
			// Inside the ciphertext only the assertion's own signature can break.
			assertion = mintModifyNameID(assertion, m.nameID)
		}
		plaintext = assertion
		if assertion, err = m.encrypt(assertion); err != nil {
			return nil, err
		}
	}

	body := make([]byte, 0, len(assertion)+512)
	body = append(body, `<samlp:Status><samlp:StatusCode Value="`...)
	body = mintAppendAttr(body, mintOr(t.StatusCode, StatusSuccess))
	body = append(body, `">`...)
	if t.SubStatusCode != "" {
		body = append(body, `<samlp:StatusCode Value="`...)
		body = mintAppendAttr(body, t.SubStatusCode)
		body = append(body, `"></samlp:StatusCode>`...)
	}
	body = append(body, `</samlp:StatusCode>`...)
	if t.StatusMessage != "" {
		body = append(body, `<samlp:StatusMessage>`...)
		body = mintAppendText(body, t.StatusMessage)
		body = append(body, `</samlp:StatusMessage>`...)
	}
	body = append(body, `</samlp:Status>`...)
	if t.InjectedAssertion {
		id, err := m.b.newID()
		if err != nil {
			return nil, err
		}
		body, _ = m.appendAssertion(body, id, AttackerNameID)
	}
	const wrapDecl = ` xmlns="` + NSAssertion + `"`
	declAt := -1 // where wrapDecl goes back into body, if removed
	if t.WrapSignedAssertion {
		id, err := m.b.newID()
		if err != nil {
			return nil, err
		}
		evil, _ := m.appendAssertion(make([]byte, 0, 4096+len(assertion)), id, AttackerNameID)
		const closing = len(`</Assertion>`)
		inner := len(evil) - closing
		// Nested in an element of the same default namespace, the genuine
		// element's declaration is redundant and exc-c14n drops it, so the
		// outer digests (Response, whole document) are computed without it;
		// it is written back at the end, so that the genuine signature
		// verifies even with canonicalisers that do not render an inherited
		// default namespace on the apex element (goxmldsig).
		if i := bytes.Index(assertion, []byte(wrapDecl)); i >= 0 && i < bytes.IndexByte(assertion, '>') {
			assertion = slices.Concat(assertion[:i], assertion[i+len(wrapDecl):])
			sigAt -= len(wrapDecl)
			declAt = inner + i
		}
		wrapped := slices.Concat(evil[:inner], assertion, evil[inner:])
		sigAt += inner // only used by wholeDoc
		assertion = wrapped
	}
	sigAt += len(body)
	if declAt >= 0 {
		declAt += len(body)
	}
	body = append(body, assertion...)
	if t.ExtraAssertion {
		id, err := m.b.newID()
		if err != nil {
			return nil, err
		}
		extra, err := m.signedAssertion(id, SecondNameID, signAssertion)
		if err != nil {
			return nil, err
		}
		body = append(body, extra...)
	}
	body = append(body, `</samlp:Response>`...)

	head := make([]byte, 0, 512)
	head = append(head, `<samlp:Response xmlns:samlp="`+NSProtocol+`" Destination="`...)
	head = mintAppendAttr(head, m.destination)
	head = append(head, `" ID="`...)
	head = mintAppendAttr(head, m.respID)
	if spec.InResponseTo != "" {
		head = append(head, `" InResponseTo="`...)
		head = mintAppendAttr(head, spec.InResponseTo)
	}
	head = append(head, `" IssueInstant="`...)
	head = mintAppendTime(head, m.issue)
	head = append(head, `" Version="`...)
	head = mintAppendAttr(head, m.version)
	head = append(head, `"><Issuer xmlns="`+NSAssertion+`">`...)
	head = mintAppendText(head, m.issuer)
	head = append(head, `</Issuer>`...)

	var sig []byte
	if signResponse {
		ref := m.respID
		if t.WholeDocumentReference {
			ref = ""
		}
		if sig, err = m.signature(ref, head, body); err != nil {
			return nil, err
		}
	}
	out := make([]byte, 0, len(head)+len(sig)+len(body))
	out = append(out, head...)
	out = append(out, sig...)
	out = append(out, body...)
	respSigLen := len(sig)
	if wholeDoc {
		at := len(head) + sigAt
		if sig, err = m.signature("", out[:at], out[at:]); err != nil {
			return nil, err
		}
		out = slices.Concat(out[:at], sig, out[at:])
	}
	if declAt >= 0 {
		at := len(head) + respSigLen + declAt
		out = slices.Concat(out[:at], []byte(wrapDecl), out[at:])
	}
	if t.ModifyAfterSigning && spec.Encryption == nil {
		out = mintModifyNameID(out, m.nameID)
	}
	return &Minted{
		XML:                      out,
		ResponseID:               m.respID,
		AssertionID:              m.assertID,
		IssueInstant:             m.issue,
		NotBefore:                m.notBefore,
		NotOnOrAfter:             m.notOnOrAfter,
		ConfirmationNotOnOrAfter: m.confNOA,
		Destination:              m.destination,
		EncryptedAssertion:       plaintext,
	}, nil
}

// mintModifyNameID rewrites the first NameID value.
func mintModifyNameID(a []byte, nameID string) []byte {
	old := mintAppendText([]byte(`">`), nameID)
	old = append(old, `</NameID>`...)
	repl := mintAppendText([]byte(`">`), AttackerNameID)
	repl = append(repl, `</NameID>`...)
	s := strings.Replace(string(a), string(old), string(repl), 1)
	return []byte(s)
}

func mintOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func mintB64(p []byte) string { return base64.StdEncoding.EncodeToString(p) }

func mintAppendTime(dst []byte, t time.Time) []byte {
	return t.UTC().AppendFormat(dst, "2006-01-02T15:04:05.000Z")
}

// mintAppendText escapes character data as exc-c14n does.
func mintAppendText(dst []byte, s string) []byte { return c14n.AppendText(dst, s) }

// mintAppendAttr escapes an attribute value as exc-c14n does.
func mintAppendAttr(dst []byte, s string) []byte { return c14n.AppendAttrValue(dst, s) }

// mintXMLCharError is returned (wrapped) for strings XML 1.0 cannot carry.
type mintXMLCharError struct{}

// Error implements error.
func (mintXMLCharError) Error() string { return "invalid UTF-8 or a character not allowed in XML 1.0" }

// mintCheckXML reports whether s is valid UTF-8 made of XML 1.0 Chars.
func mintCheckXML(s string) error {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return mintXMLCharError{}
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return mintXMLCharError{}
		}
		if (r >= 0xD800 && r <= 0xDFFF) || r == 0xFFFE || r == 0xFFFF {
			return mintXMLCharError{}
		}
		i += n
	}
	return nil
}

// mintIsNCName reports whether s is an ASCII-safe xs:NCName (the IDs we accept).
func mintIsNCName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c == '_':
		case i > 0 && (c >= '0' && c <= '9' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return true
}

package samltest

import (
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/internal/mint"
)

// Values of [DefaultUser]: the test user of Microsoft's Entra tutorials, with
// two roles of one AWS account.
const (
	defaultUPN          = "B.Simon@contoso.com"
	defaultObjectID     = "6a8e2d0c-4b7f-4d5e-9c3a-1f2b3c4d5e6f"
	defaultAccountID    = "123456789012"
	defaultProviderARN  = "arn:aws:iam::" + defaultAccountID + ":saml-provider/EntraID"
	defaultAdminRole    = "arn:aws:iam::" + defaultAccountID + ":role/EntraAdmin," + defaultProviderARN
	defaultReadOnlyRole = "arn:aws:iam::" + defaultAccountID + ":role/EntraReadOnly," + defaultProviderARN
)

// User is a signed-in Entra user together with the AWS attributes the AWS gallery
// application emits for them (C2.6, C2.7). Values are written verbatim, without
// validation, so that tests can also mint responses that AWS would reject.
type User struct {
	// UPN is the userPrincipalName: the NameID and the name claim (C2.4).
	UPN string
	// ObjectID, DisplayName, GivenName, Surname and Email feed the Entra
	// claims of the same names; empty ones are omitted.
	ObjectID    string
	DisplayName string
	GivenName   string
	Surname     string
	Email       string
	// Groups are group object IDs for the optional groups claim.
	Groups []string
	// IdentityProvider is the identityprovider claim; empty means the IdP's
	// EntityID, as Entra writes it for users of the home tenant.
	IdentityProvider string
	// AuthnMethods are the authnmethodsreferences claim values (C2.6). Nil
	// means Entra's password method,
	// http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password;
	// after MFA Entra adds http://schemas.microsoft.com/claims/multipleauthn. An
	// empty, non-nil slice omits the claim.
	AuthnMethods []string

	// Roles are the values of the AWS Role attribute, each
	// "roleARN,providerARN" (A3.1). Nil or empty omits the attribute. Values
	// are parsed with awsrole.ParseRole and written in canonical form (role
	// first); if any value does not parse, all are written verbatim.
	Roles []string
	// SessionName is the RoleSessionName value (A3.4). Empty means UPN, as
	// Entra's default mapping (user.userprincipalname, C2.7) does.
	SessionName string
	// SessionDuration, when not zero, is written as the SessionDuration
	// attribute in whole seconds (A3.5).
	SessionDuration time.Duration
	// SourceIdentity, when not empty, is written as the SourceIdentity attribute (A3.6).
	SourceIdentity string
	// Tags are session tags, written as PrincipalTag:<key> attributes in key
	// order (A3.7).
	Tags map[string]string
	// TransitiveTagKeys, when not empty, is the TransitiveTagKeys attribute (A3.8).
	TransitiveTagKeys []string
}

// DefaultUser returns the test user of Microsoft's Entra tutorials, with two
// roles of one AWS account (123456789012) through one SAML provider:
//
//	UPN, Email   B.Simon@contoso.com (also the NameID and RoleSessionName)
//	ObjectID     6a8e2d0c-4b7f-4d5e-9c3a-1f2b3c4d5e6f
//	DisplayName  B.Simon (GivenName B, Surname Simon)
//	Roles[0]     arn:aws:iam::123456789012:role/EntraAdmin,arn:aws:iam::123456789012:saml-provider/EntraID
//	Roles[1]     arn:aws:iam::123456789012:role/EntraReadOnly,arn:aws:iam::123456789012:saml-provider/EntraID
//
// Read the values from the returned User (awsrole.ParseRole of a Roles value
// gives the role and provider ARNs, typed) rather than writing them again.
func DefaultUser() User {
	return User{
		UPN:         defaultUPN,
		ObjectID:    defaultObjectID,
		DisplayName: "B.Simon",
		GivenName:   "B",
		Surname:     "Simon",
		Email:       defaultUPN,
		Roles:       []string{defaultAdminRole, defaultReadOnlyRole},
	}
}

// samlUser returns the saml package's view of u.
func (u User) samlUser() mint.User {
	return mint.User{
		UPN:         u.UPN,
		ObjectID:    u.ObjectID,
		DisplayName: u.DisplayName,
		GivenName:   u.GivenName,
		Surname:     u.Surname,
		Email:       u.Email,
		Groups:      u.Groups,

		IdentityProvider: u.IdentityProvider,
		AuthnMethods:     u.AuthnMethods,
	}
}

// aws returns the AWS attributes of u as the builder takes them. When a Role
// value does not parse (a test of a bad value), every Role value is returned
// verbatim as an extra attribute instead, written after the typed ones.
func (u User) aws() (awsrole.Attributes, []mint.Attribute) {
	var a awsrole.Attributes
	var extra []mint.Attribute
	for _, s := range u.Roles {
		r, err := awsrole.ParseRole(s)
		if err != nil {
			a.Roles = nil
			extra = append(extra, mint.Attribute{Name: awsrole.AttrRole, Values: slices.Clone(u.Roles)})
			break
		}
		a.Roles = append(a.Roles, r)
	}
	a.RoleSessionName = awsrole.RoleSessionName(u.SessionName)
	if u.SessionName == "" {
		a.RoleSessionName = awsrole.RoleSessionName(u.UPN)
	}
	a.SessionDuration = awsrole.SessionDuration(u.SessionDuration)
	a.SourceIdentity = awsrole.SourceIdentity(u.SourceIdentity)
	keys := make([]string, 0, len(u.Tags))
	for k := range u.Tags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		a.Tags = append(a.Tags, awsrole.Tag{Key: k, Value: u.Tags[k]})
	}
	a.TransitiveTagKeys = slices.Clone(u.TransitiveTagKeys)
	return a, extra
}

// Attribute is one SAML Attribute with its values, written verbatim in order
// (no NameFormat, as Entra writes them).
type Attribute struct {
	Name   string
	Values []string
}

// SigningMode chooses what a response's signature covers: Entra's three
// "Signing Option" values for a SAML application (C3.1). The zero value is
// Entra's default. An unsigned response is the "unsigned" knob of [Knobs].
type SigningMode int

const (
	// SignAssertion signs the Assertion only ("Sign SAML assertion", Entra's
	// default for gallery applications).
	SignAssertion SigningMode = iota
	// SignResponse signs the Response only ("Sign SAML response"); the
	// signature covers the Assertion.
	SignResponse
	// SignBoth signs the Assertion, then the Response around it ("Sign SAML
	// response and assertion").
	SignBoth
)

// ResponseOptions changes one response minted by [IdP.Mint]. The zero value of every field means what Entra sends by default:
// the assertion signed with RSA-SHA256 and exclusive c14n (C3.1), for
// [IdP.Audience] and [IdP.ACS], the user's Entra claims then the AWS
// attributes (C2.6, C2.7), valid for Entra's windows (C2.5). Tamper breaks
// the response on purpose with any knob of [Knobs], by name; the last fields
// break it with values of the test's choosing.
type ResponseOptions struct {
	// Signing chooses what is signed (C3.1); the zero value, SignAssertion, is
	// Entra's default.
	Signing SigningMode
	// SHA1 signs with RSA-SHA1 and SHA-1 digests, Entra's legacy "Signing
	// Algorithm" option (C3.1, A5.3), instead of RSA-SHA256.
	SHA1 bool

	// Audience is the AudienceRestriction value (A1.6); "" means [IdP.Audience].
	Audience string
	// Recipient is SubjectConfirmationData/@Recipient (A1.8); "" means [IdP.ACS].
	Recipient string
	// Destination is Response/@Destination, where [Minted.HTMLForm] posts
	// (D1.2); "" means Recipient.
	Destination string
	// InResponseTo answers the AuthnRequest with this ID (SP-initiated sign-in,
	// D1.6), on the Response and the SubjectConfirmationData.
	InResponseTo string

	// NameID is the Subject's NameID value; "" means the user's UPN (C2.4).
	NameID string
	// NameIDFormat is the NameID Format; "" means
	// federation.NameIDFormatEmail, the format of a real Entra response to AWS.
	NameIDFormat string
	// Attributes are extra attributes written after the AWS attributes, in
	// order: any name, any values (for example a second Role attribute).
	Attributes []Attribute
	// OmitEntraClaims drops Entra's default claims (C2.6), keeping only the AWS
	// and extra attributes.
	OmitEntraClaims bool
	// RoleClaim also writes Entra's roles claim
	// (http://schemas.microsoft.com/ws/2008/06/identity/claims/role) with the
	// Role values, after authnmethodsreferences, as Entra does for users with
	// app roles.
	RoleClaim bool

	// IssueInstant replaces the IdP's clock for this response; it is written
	// with millisecond precision.
	IssueInstant time.Time
	// AssertionLifetime is the Conditions window; zero means Entra's 70
	// minutes (NotOnOrAfter = NotBefore + 70 min, C2.5).
	AssertionLifetime time.Duration
	// ConfirmationLifetime is the SubjectConfirmationData window; zero means
	// Entra's 5 minutes after IssueInstant (C2.5).
	ConfirmationLifetime time.Duration
	// AuthnInstant is when the user signed in (AuthnStatement/@AuthnInstant,
	// C2.9); zero means IssueInstant. Entra reuses an earlier sign-in's time
	// when the user already had a session.
	AuthnInstant time.Time
	// SessionNotOnOrAfter, when not zero, is written on the AuthnStatement (A4.1).
	SessionNotOnOrAfter time.Time
	// AuthnContextClassRef is the AuthnContextClassRef; "" means
	// urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport, as in
	// the real Entra response to AWS.
	AuthnContextClassRef string

	// EncryptFor, when not nil, encrypts the (signed) assertion to this SP
	// certificate, as Entra's token encryption does (C3.5, D5.1): AES-256-GCM
	// content, RSA-OAEP (SHA-1 MGF and digest) key transport. The key must be RSA.
	EncryptFor *x509.Certificate
	// EncryptCBC encrypts the content with AES-256-CBC instead of GCM: AWS
	// documents both (A5.7), Entra does not say which mode it uses.
	EncryptCBC bool

	// Tamper names knobs of [Knobs] to apply, in order, such as "expired" or
	// "wrapped-assertion". An unknown name is an error.
	//
	//	for _, k := range samltest.Knobs() {
	//		t.Run(k.Rule+"/"+k.Name, func(t *testing.T) {
	//			m, err := idp.Mint(samltest.DefaultUser(), samltest.ResponseOptions{Tamper: []string{k.Name}})
	//			if err != nil {
	//				t.Fatal(err)
	//			}
	//			if _, err := verifier.Verify(ctx, m.XML); err == nil {
	//				t.Fatal("accepted")
	//			}
	//		})
	//	}
	Tamper []string
	// SignWith, when not nil, computes every signature with this key while
	// KeyInfo still carries the IdP's certificate: "signed by another key"
	// with a key of the test's choosing (D4.6; the "other-key" knob uses a
	// built-in one, [IdP.OtherSigner] gives one with a certificate). It must
	// be an RSA key.
	SignWith crypto.Signer
	// Version, when not empty, replaces Version="2.0" on the Response and the
	// Assertion (D1.3).
	Version string
	// StatusCode, when not empty, replaces the Success status code, for
	// example urn:oasis:names:tc:SAML:2.0:status:Requester or
	// urn:oasis:names:tc:SAML:2.0:status:Responder (D1.5). SubStatusCode nests
	// a second-level code in it and StatusMessage adds a message, as Entra
	// does for failures ("AADSTS50105: ...", C2.2); the "failed-status" knob
	// sets all three.
	StatusCode    string
	SubStatusCode string
	StatusMessage string
}

// spec returns the response spec o describes for u, on the IdP's defaults.
func (o ResponseOptions) spec(idp *IdP, u User) (mint.ResponseSpec, error) {
	aws, extra := u.aws()
	spec := mint.ResponseSpec{
		User:                 u.samlUser(),
		AWS:                  aws,
		Attributes:           extra,
		Audience:             idp.Audience,
		Recipient:            idp.ACS,
		Destination:          o.Destination,
		InResponseTo:         o.InResponseTo,
		NameID:               o.NameID,
		NameIDFormat:         o.NameIDFormat,
		OmitEntraClaims:      o.OmitEntraClaims,
		RoleClaim:            o.RoleClaim,
		IssueInstant:         o.IssueInstant,
		AssertionLifetime:    o.AssertionLifetime,
		ConfirmationLifetime: o.ConfirmationLifetime,
		AuthnInstant:         o.AuthnInstant,
		SessionNotOnOrAfter:  o.SessionNotOnOrAfter,
		AuthnContextClassRef: o.AuthnContextClassRef,
		Tamper: mint.Tamper{
			SignWith:      o.SignWith,
			Version:       o.Version,
			StatusCode:    o.StatusCode,
			SubStatusCode: o.SubStatusCode,
			StatusMessage: o.StatusMessage,
		},
	}
	switch o.Signing {
	case SignAssertion:
		spec.Signing = mint.SignAssertion
	case SignResponse:
		spec.Signing = mint.SignResponse
	case SignBoth:
		spec.Signing = mint.SignBoth
	default:
		return spec, fmt.Errorf("unknown SigningMode %d (an unsigned response is the \"unsigned\" knob)", int(o.Signing))
	}
	if o.SHA1 {
		spec.Algorithm = mint.RSASHA1
	}
	if o.Audience != "" {
		spec.Audience = o.Audience
	}
	if o.Recipient != "" {
		spec.Recipient = o.Recipient
	}
	for _, a := range o.Attributes {
		spec.Attributes = append(spec.Attributes, mint.Attribute{Name: a.Name, Values: a.Values})
	}
	if o.EncryptFor != nil {
		spec.Encryption = &mint.Encryption{Certificate: o.EncryptFor}
		if o.EncryptCBC {
			spec.Encryption.Algorithm = mint.AES256CBC
		}
	}
	for _, name := range o.Tamper {
		k, ok := mint.KnobNamed(name)
		if !ok {
			return spec, fmt.Errorf("unknown tamper knob %q (see samltest.Knobs)", name)
		}
		k.Apply(&spec)
	}
	return spec, nil
}

// Knob is one way to break a response on purpose, applied by name with
// [ResponseOptions].Tamper.
type Knob struct {
	// Name is the knob's kebab-case name: the Tamper value, the name of its
	// conformance case and the value of "samlaws mint --tamper".
	Name string
	// Rule is the id (docs/rules.md) of the rule a verifier that behaves as
	// AWS does enforces against the knob: it must reject the response.
	Rule string
	// Doc says in one line what the knob does.
	Doc string
}

// Knobs returns every tamper knob, in a stable order: the one list that
// [RunConformance], "samlaws mint --tamper" and the project's peer tests
// range over, so that a knob has one name and one rule everywhere.
func Knobs() []Knob {
	all := mint.Knobs()
	out := make([]Knob, len(all))
	for i, k := range all {
		out[i] = Knob{Name: k.Name, Rule: k.Rule, Doc: k.Doc}
	}
	return out
}

// Minted is one minted response.
type Minted struct {
	// XML is the samlp:Response document (UTF-8, no XML declaration).
	XML []byte
	// ResponseID and AssertionID are the IDs written; the AssertionID is also
	// the SessionIndex.
	ResponseID  string
	AssertionID string
	// IssueInstant is the instant written (millisecond precision).
	IssueInstant time.Time
	// NotBefore and NotOnOrAfter are the Conditions window.
	NotBefore    time.Time
	NotOnOrAfter time.Time
	// ConfirmationNotOnOrAfter is SubjectConfirmationData/@NotOnOrAfter.
	ConfirmationNotOnOrAfter time.Time
	// Destination is Response/@Destination: where [Minted.HTMLForm] posts.
	Destination string
	// EncryptedAssertion is, with [ResponseOptions].EncryptFor, the signed
	// Assertion exactly as it was encrypted, to compare with what an SP
	// decrypts; nil otherwise.
	EncryptedAssertion []byte
}

// Base64 returns the SAMLResponse form value of the HTTP-POST binding: the
// standard base64 of the XML, without DEFLATE (D1.1). It is also what STS
// AssumeRoleWithSAML takes as SAMLAssertion (A6.1). The form's fields are
// url.Values{"SAMLResponse": {m.Base64()}} plus RelayState (at most 80 bytes,
// D1.1) when there is one.
func (m *Minted) Base64() string {
	return base64.StdEncoding.EncodeToString(m.XML)
}

// HTMLForm returns an HTML page that POSTs the response (SAMLResponse, and
// RelayState when not empty) to its Destination, as Entra's auto-submit page
// does (HTTP-POST binding, D1.1). Every value is HTML-escaped; the page
// submits itself with a small inline script and shows a Submit button when
// scripts are disabled. RelayState longer than 80 bytes (D1.1) or that is
// not valid text is an error.
func (m *Minted) HTMLForm(relayState string) ([]byte, error) {
	return (&mint.Minted{XML: m.XML, Destination: m.Destination}).HTMLForm(relayState)
}

// minted returns samltest's view of m.
func minted(m *mint.Minted) *Minted {
	return &Minted{
		XML:                      m.XML,
		ResponseID:               m.ResponseID,
		AssertionID:              m.AssertionID,
		IssueInstant:             m.IssueInstant,
		NotBefore:                m.NotBefore,
		NotOnOrAfter:             m.NotOnOrAfter,
		ConfirmationNotOnOrAfter: m.ConfirmationNotOnOrAfter,
		Destination:              m.Destination,
		EncryptedAssertion:       m.EncryptedAssertion,
	}
}

// Mint mints a response for u, signed by the IdP's active key, as Entra
// sends it to the AWS gallery application: Issuer [IdP.EntityID], audience
// [IdP.Audience], recipient and destination [IdP.ACS] (both
// https://signin.aws.amazon.com/saml by default), assertion signed with
// RSA-SHA256 unless opts say otherwise. Use [Minted.Base64] for the form value
// and [Minted.HTMLForm] for the auto-submit page. Its errors start with
// "samltest: " and name the option (and the rule) at fault; they never contain
// key material or assertion contents. A test fails on them with t.Fatal.
func (idp *IdP) Mint(u User, opts ResponseOptions) (*Minted, error) {
	spec, err := opts.spec(idp, u)
	if err != nil {
		return nil, fmt.Errorf("samltest: %w", err)
	}
	b := idp.builder()
	if b == nil {
		return nil, errors.New("samltest: IdP used after its test finished")
	}
	m, err := b.Build(spec)
	if err != nil {
		return nil, fmt.Errorf("samltest: minting: %w", err)
	}
	return minted(m), nil
}

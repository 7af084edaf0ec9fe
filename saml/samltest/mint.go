package samltest

import (
	"crypto/x509"
	"slices"
	"testing"
	"time"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/saml/samltest/mint"
)

// Default values of [DefaultUser]: the test user of Microsoft's Entra tutorials,
// with two roles of one AWS account.
const (
	DefaultUPN          = "B.Simon@contoso.com"
	DefaultObjectID     = "6a8e2d0c-4b7f-4d5e-9c3a-1f2b3c4d5e6f"
	DefaultAccountID    = "123456789012"
	DefaultProviderARN  = "arn:aws:iam::" + DefaultAccountID + ":saml-provider/EntraID"
	DefaultAdminRole    = "arn:aws:iam::" + DefaultAccountID + ":role/EntraAdmin," + DefaultProviderARN
	DefaultReadOnlyRole = "arn:aws:iam::" + DefaultAccountID + ":role/EntraReadOnly," + DefaultProviderARN
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

// DefaultUser returns B.Simon@contoso.com with the roles [DefaultAdminRole] and
// [DefaultReadOnlyRole].
func DefaultUser() User {
	return User{
		UPN:         DefaultUPN,
		ObjectID:    DefaultObjectID,
		DisplayName: "B.Simon",
		GivenName:   "B",
		Surname:     "Simon",
		Email:       DefaultUPN,
		Roles:       []string{DefaultAdminRole, DefaultReadOnlyRole},
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

// ResponseOption changes one response minted by [IdP.Response]. The options
// of this package cover the signing choices of Entra (C3.1) and every tamper
// knob of [mint.Tamper]; [Spec] reaches any other field.
type ResponseOption func(idp *IdP, spec *mint.ResponseSpec)

// Spec applies f to the [mint.ResponseSpec] before minting.
func Spec(f func(spec *mint.ResponseSpec)) ResponseOption {
	return func(_ *IdP, spec *mint.ResponseSpec) { f(spec) }
}

// SignAssertion signs the Assertion only: Entra's default (C3.1).
func SignAssertion() ResponseOption { return signing(mint.SignAssertion) }

// SignResponse signs the Response only ("Sign SAML response", C3.1).
func SignResponse() ResponseOption { return signing(mint.SignResponse) }

// SignBoth signs the Assertion and the Response ("Sign SAML response and
// assertion", C3.1).
func SignBoth() ResponseOption { return signing(mint.SignBoth) }

// Unsigned mints a response without any signature (tamper: D4.7, A5.2).
func Unsigned() ResponseOption { return signing(mint.SignNone) }

func signing(m mint.SigningMode) ResponseOption {
	return func(_ *IdP, spec *mint.ResponseSpec) { spec.Signing = m }
}

// SHA1 signs with RSA-SHA1 and SHA-1 digests, Entra's legacy option (C3.1, A5.3).
func SHA1() ResponseOption {
	return func(_ *IdP, spec *mint.ResponseSpec) { spec.Algorithm = mint.RSASHA1 }
}

// Audience sets the AudienceRestriction value (A1.6).
func Audience(aud string) ResponseOption {
	return func(_ *IdP, spec *mint.ResponseSpec) { spec.Audience = aud }
}

// Recipient sets SubjectConfirmationData/@Recipient and, through it, the
// Destination (A1.8).
func Recipient(url string) ResponseOption {
	return func(_ *IdP, spec *mint.ResponseSpec) { spec.Recipient = url }
}

// InResponseTo answers the AuthnRequest with this ID (SP-initiated sign-in).
func InResponseTo(id string) ResponseOption {
	return func(_ *IdP, spec *mint.ResponseSpec) { spec.InResponseTo = id }
}

// EncryptFor encrypts the assertion to the SP certificate cert, as Entra's token
// encryption does (C3.5): AES-256-CBC content, RSA-OAEP key transport.
func EncryptFor(cert *x509.Certificate) ResponseOption {
	return func(_ *IdP, spec *mint.ResponseSpec) {
		spec.Encryption = &mint.Encryption{Certificate: cert}
	}
}

// tamper returns an option that applies f to the response's Tamper.
func tamper(f func(*mint.Tamper)) ResponseOption {
	return func(_ *IdP, spec *mint.ResponseSpec) { f(&spec.Tamper) }
}

// Expired dates the response two hours back, so every NotOnOrAfter has passed
// (D2.2, D3.3, A4.4).
func Expired() ResponseOption { return tamper(func(t *mint.Tamper) { t.Expired = true }) }

// NotYetValid dates the response an hour ahead, beyond any skew (D2.2).
func NotYetValid() ResponseOption { return tamper(func(t *mint.Tamper) { t.NotYetValid = true }) }

// WrongAudience writes an audience that is not the SP's (D2.3, A1.7).
func WrongAudience() ResponseOption { return tamper(func(t *mint.Tamper) { t.WrongAudience = true }) }

// WrongRecipient writes a Recipient that is not the SP's ACS (A1.8, D3.2).
func WrongRecipient() ResponseOption {
	return tamper(func(t *mint.Tamper) { t.WrongRecipient = true })
}

// WrongDestination writes a Destination that is not the SP's ACS (D1.2).
func WrongDestination() ResponseOption {
	return tamper(func(t *mint.Tamper) { t.WrongDestination = true })
}

// WrongIssuer writes another tenant's issuer (D1.7).
func WrongIssuer() ResponseOption { return tamper(func(t *mint.Tamper) { t.WrongIssuer = true }) }

// SignedByOtherKey signs with [IdP.OtherSigner]'s key while KeyInfo still
// carries the IdP's certificate (D4.6).
func SignedByOtherKey() ResponseOption {
	return func(idp *IdP, spec *mint.ResponseSpec) {
		key, _ := idp.OtherSigner()
		spec.Tamper.SignWith = key
	}
}

// ModifiedAfterSigning changes the NameID after signing, so the digest no longer
// matches (D4).
func ModifiedAfterSigning() ResponseOption {
	return tamper(func(t *mint.Tamper) { t.ModifyAfterSigning = true })
}

// EmptyReferenceURI writes Reference URI="" instead of "#ID" but keeps the
// element's digest, so XML-DSig itself fails (D4.2).
func EmptyReferenceURI() ResponseOption {
	return tamper(func(t *mint.Tamper) { t.EmptyReferenceURI = true })
}

// WholeDocumentReference signs with Reference URI="" over the whole document: a
// signature XML-DSig accepts but D4.2 forbids.
func WholeDocumentReference() ResponseOption {
	return tamper(func(t *mint.Tamper) { t.WholeDocumentReference = true })
}

// ExtraAssertion adds a second, separately signed assertion (D4.2).
func ExtraAssertion() ResponseOption {
	return tamper(func(t *mint.Tamper) { t.ExtraAssertion = true })
}

// InjectedAssertion inserts an unsigned assertion before the signed one: the
// signature-wrapping shape (D4.2, D4.7).
func InjectedAssertion() ResponseOption {
	return tamper(func(t *mint.Tamper) { t.InjectedAssertion = true })
}

// WrapSignedAssertion puts an unsigned attacker assertion in place of the
// genuine one and nests the signed assertion inside it: the nested
// signature-wrapping shape (XSW, D4.2, D4.7).
func WrapSignedAssertion() ResponseOption {
	return tamper(func(t *mint.Tamper) { t.WrapSignedAssertion = true })
}

// DuplicateIDs gives the Assertion the Response's ID (D1.3).
func DuplicateIDs() ResponseOption { return tamper(func(t *mint.Tamper) { t.DuplicateIDs = true }) }

// MissingNameID omits the Subject's NameID (A2.1).
func MissingNameID() ResponseOption {
	return tamper(func(t *mint.Tamper) { t.MissingNameID = true })
}

// MissingRole omits the AWS Role attribute (A3.1).
func MissingRole() ResponseOption { return tamper(func(t *mint.Tamper) { t.MissingRole = true }) }

// MissingRoleSessionName omits the AWS RoleSessionName attribute (A3.4).
func MissingRoleSessionName() ResponseOption {
	return tamper(func(t *mint.Tamper) { t.MissingRoleSessionName = true })
}

// BadRoleSessionName writes a RoleSessionName that breaks A3.4's pattern.
func BadRoleSessionName() ResponseOption {
	return tamper(func(t *mint.Tamper) { t.BadRoleSessionName = true })
}

// MissingAudienceRestriction omits the AudienceRestriction (D2.4).
func MissingAudienceRestriction() ResponseOption {
	return tamper(func(t *mint.Tamper) { t.MissingAudienceRestriction = true })
}

// ExtraAudienceRestriction adds a second AudienceRestriction naming only a
// wrong audience; restrictions are ANDed, so no SP may accept it (D2.3).
func ExtraAudienceRestriction() ResponseOption {
	return tamper(func(t *mint.Tamper) { t.ExtraAudienceRestriction = true })
}

// UnknownCondition adds a Condition of an unknown type, which makes the
// assertion Indeterminate (D2.6).
func UnknownCondition() ResponseOption {
	return tamper(func(t *mint.Tamper) { t.UnknownCondition = true })
}

// DuplicateOneTimeUse writes two OneTimeUse conditions; at most one is allowed
// (D2.5).
func DuplicateOneTimeUse() ResponseOption {
	return tamper(func(t *mint.Tamper) { t.DuplicateOneTimeUse = true })
}

// MissingConfirmationNotOnOrAfter omits SubjectConfirmationData/@NotOnOrAfter
// (A1.8, D3.2).
func MissingConfirmationNotOnOrAfter() ResponseOption {
	return tamper(func(t *mint.Tamper) { t.MissingConfirmationNotOnOrAfter = true })
}

// ConfirmationNotBefore writes SubjectConfirmationData/@NotBefore, which the
// bearer profile forbids (D3.2).
func ConfirmationNotBefore() ResponseOption {
	return tamper(func(t *mint.Tamper) { t.ConfirmationNotBefore = true })
}

// TwoSubjectConfirmations writes a second bearer SubjectConfirmation (A1.8).
func TwoSubjectConfirmations() ResponseOption {
	return tamper(func(t *mint.Tamper) { t.TwoSubjectConfirmations = true })
}

// InvertedConditions swaps Conditions' NotBefore and NotOnOrAfter (D2.2).
func InvertedConditions() ResponseOption {
	return tamper(func(t *mint.Tamper) { t.InvertedConditions = true })
}

// MissingAuthnStatement omits the AuthnStatement (D3.4).
func MissingAuthnStatement() ResponseOption {
	return tamper(func(t *mint.Tamper) { t.MissingAuthnStatement = true })
}

// WrongVersion writes Version="1.1" on the Response and Assertion (D1.3).
func WrongVersion() ResponseOption { return tamper(func(t *mint.Tamper) { t.Version = "1.1" }) }

// FailedStatus writes a Requester status with a nested RequestUnsupported code
// and an AADSTS message, as Entra does when sign-in fails (C2.2, D1.5).
func FailedStatus() ResponseOption {
	return tamper(func(t *mint.Tamper) {
		t.StatusCode = mint.StatusRequester
		t.SubStatusCode = "urn:oasis:names:tc:SAML:2.0:status:RequestUnsupported"
		t.StatusMessage = "AADSTS50105: The signed in user is not assigned to a role for the application."
	})
}

// TamperCase is one way to break a response on purpose, for conformance loops:
// a verifier that behaves as AWS does must reject every case.
type TamperCase struct {
	// Name is a short identifier, usable as a subtest name.
	Name string
	// Rule is the id of the rule (docs/rules.md) that a correct verifier
	// enforces against it.
	Rule string
	// Option applies the tamper.
	Option ResponseOption
}

// TamperCases returns every tamper knob of this package, one case each, in a
// stable order.
//
//	for _, tc := range samltest.TamperCases() {
//		t.Run(tc.Rule+"/"+tc.Name, func(t *testing.T) {
//			xml := idp.Response(t, samltest.DefaultUser(), tc.Option).XML
//			if _, err := verifier.Verify(ctx, xml); err == nil {
//				t.Fatal("accepted")
//			}
//		})
//	}
func TamperCases() []TamperCase {
	return []TamperCase{
		{"Unsigned", "D4.7", Unsigned()},
		{"Expired", "D2.2", Expired()},
		{"NotYetValid", "D2.2", NotYetValid()},
		{"WrongAudience", "D2.3", WrongAudience()},
		{"WrongRecipient", "A1.8", WrongRecipient()},
		{"WrongDestination", "D1.2", WrongDestination()},
		{"WrongIssuer", "D1.7", WrongIssuer()},
		{"SignedByOtherKey", "D4.6", SignedByOtherKey()},
		{"ModifiedAfterSigning", "D4", ModifiedAfterSigning()},
		{"EmptyReferenceURI", "D4.2", EmptyReferenceURI()},
		{"WholeDocumentReference", "D4.2", WholeDocumentReference()},
		{"ExtraAssertion", "D4.2", ExtraAssertion()},
		{"InjectedAssertion", "D4.7", InjectedAssertion()},
		{"WrapSignedAssertion", "D4.7", WrapSignedAssertion()},
		{"DuplicateIDs", "D1.3", DuplicateIDs()},
		{"MissingNameID", "A2.1", MissingNameID()},
		{"MissingRole", "A3.1", MissingRole()},
		{"MissingRoleSessionName", "A3.4", MissingRoleSessionName()},
		{"BadRoleSessionName", "A3.4", BadRoleSessionName()},
		{"MissingAudienceRestriction", "D2.4", MissingAudienceRestriction()},
		{"ExtraAudienceRestriction", "D2.3", ExtraAudienceRestriction()},
		{"UnknownCondition", "D2.6", UnknownCondition()},
		{"DuplicateOneTimeUse", "D2.5", DuplicateOneTimeUse()},
		{"MissingConfirmationNotOnOrAfter", "A1.8", MissingConfirmationNotOnOrAfter()},
		{"ConfirmationNotBefore", "D3.2", ConfirmationNotBefore()},
		{"TwoSubjectConfirmations", "A1.8", TwoSubjectConfirmations()},
		{"InvertedConditions", "D2.2", InvertedConditions()},
		{"MissingAuthnStatement", "D3.4", MissingAuthnStatement()},
		{"WrongVersion", "D1.3", WrongVersion()},
		{"FailedStatus", "D1.5", FailedStatus()},
	}
}

// Response mints a response for u, signed by the IdP's active key, as Entra
// sends it to the AWS gallery application: Issuer [IdP.EntityID], audience
// [IdP.Audience], recipient and destination [IdP.ACS] (both
// https://signin.aws.amazon.com/saml by default), assertion signed with
// RSA-SHA256 unless opts say otherwise. It fails the test on error. Use
// [mint.Minted.Base64] for the form value and [mint.Minted.HTMLForm] for the
// auto-submit page.
func (idp *IdP) Response(t testing.TB, u User, opts ...ResponseOption) *mint.Minted {
	t.Helper()
	spec := idp.spec(u)
	for _, o := range opts {
		o(idp, &spec)
	}
	b := idp.Builder()
	if b == nil {
		t.FailNow()
	}
	m, err := b.Build(spec)
	if err != nil {
		t.Fatalf("samltest: minting: %v", err)
	}
	return m
}

// spec returns the default response spec for u.
func (idp *IdP) spec(u User) mint.ResponseSpec {
	aws, extra := u.aws()
	return mint.ResponseSpec{
		User:       u.samlUser(),
		AWS:        aws,
		Attributes: extra,
		Audience:   idp.Audience,
		Recipient:  idp.ACS,
	}
}

// ResponseBase64 is [IdP.Response] returning the base64 value of the
// SAMLResponse form field.
func (idp *IdP) ResponseBase64(t testing.TB, u User, opts ...ResponseOption) string {
	t.Helper()
	return idp.Response(t, u, opts...).Base64()
}

package mint

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/internal/errkind"
)

// Defaults used by the [Builder] when the corresponding [ResponseSpec] field is
// empty. The default Audience, Recipient and Destination is https://signin.aws.amazon.com/saml
// (C2.1, A1.6, A1.8).
const (
	// DefaultAssertionLifetime is Entra's Conditions window:
	// NotOnOrAfter = NotBefore + 70 minutes (C2.5).
	DefaultAssertionLifetime = 70 * time.Minute

	// DefaultConfirmationLifetime is Entra's SubjectConfirmationData window:
	// NotOnOrAfter = IssueInstant + 5 minutes (C2.5).
	DefaultConfirmationLifetime = 5 * time.Minute
)

// Top-level status codes (D1.5).
const (
	StatusSuccess         = "urn:oasis:names:tc:SAML:2.0:status:Success"         // the only accepted value
	StatusRequester       = "urn:oasis:names:tc:SAML:2.0:status:Requester"       // the request was at fault
	StatusResponder       = "urn:oasis:names:tc:SAML:2.0:status:Responder"       // the IdP was at fault
	StatusVersionMismatch = "urn:oasis:names:tc:SAML:2.0:status:VersionMismatch" // wrong SAML version
)

// Authentication context classes and methods emitted by Entra (C2.6, C2.9).
const (
	// AuthnContextPasswordProtectedTransport is the default AuthnContextClassRef,
	// as in the real Entra response for AWS.
	AuthnContextPasswordProtectedTransport = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
	// AuthnMethodPassword is the default authnmethodsreferences value (C2.6).
	AuthnMethodPassword = "http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password"
	// AuthnMethodMultipleAuthn is the authnmethodsreferences value Entra adds after MFA.
	AuthnMethodMultipleAuthn = "http://schemas.microsoft.com/claims/multipleauthn"
)

// Entra's default claim (Attribute/@Name) names (C2.6).
const (
	ClaimTenantID               = "http://schemas.microsoft.com/identity/claims/tenantid"              // tenant GUID
	ClaimObjectID               = "http://schemas.microsoft.com/identity/claims/objectidentifier"      // user's object GUID
	ClaimDisplayName            = "http://schemas.microsoft.com/identity/claims/displayname"           // display name
	ClaimIdentityProvider       = "http://schemas.microsoft.com/identity/claims/identityprovider"      // user's identity provider (the issuer for home-tenant users)
	ClaimAuthnMethodsReferences = "http://schemas.microsoft.com/claims/authnmethodsreferences"         // how the user authenticated
	ClaimGivenName              = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname"    // first name
	ClaimSurname                = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname"      // last name
	ClaimEmailAddress           = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress" // mail
	ClaimName                   = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"         // UPN
	ClaimGroups                 = "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"     // group object IDs (optional)
	ClaimRole                   = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"       // assigned app roles' values (ResponseSpec.RoleClaim)
)

// SigningMode selects which elements carry an enveloped signature (C3.1).
type SigningMode int

const (
	// SignAssertion signs the Assertion only: Entra's default for gallery apps.
	SignAssertion SigningMode = iota
	// SignResponse signs the Response only (the signature covers the Assertion).
	SignResponse
	// SignBoth signs the Assertion, then the Response around it.
	SignBoth
	// SignNone emits no signature at all (a tampered response: D4.7 requires one).
	SignNone
)

// String returns "assertion", "response", "both" or "none".
func (m SigningMode) String() string {
	switch m {
	case SignAssertion:
		return "assertion"
	case SignResponse:
		return "response"
	case SignBoth:
		return "both"
	case SignNone:
		return "none"
	}
	return fmt.Sprintf("SigningMode(%d)", int(m))
}

// SignatureAlgorithm selects the XML-DSig SignatureMethod and DigestMethod (C3.1, D4.5).
type SignatureAlgorithm int

const (
	// RSASHA256 is rsa-sha256 with a sha256 digest: Entra's default.
	RSASHA256 SignatureAlgorithm = iota
	// RSASHA1 is rsa-sha1 with a sha1 digest: Entra's legacy option (A5.3).
	RSASHA1
)

// String returns "rsa-sha256" or "rsa-sha1".
func (a SignatureAlgorithm) String() string {
	switch a {
	case RSASHA256:
		return "rsa-sha256"
	case RSASHA1:
		return "rsa-sha1"
	}
	return fmt.Sprintf("SignatureAlgorithm(%d)", int(a))
}

// BlockAlgorithm is the content-encryption algorithm of an EncryptedAssertion (D5.1).
type BlockAlgorithm int

const (
	// AES256GCM is http://www.w3.org/2009/xmlenc11#aes256-gcm, the default:
	// AWS decrypts AES-GCM (A5.7), and its tag is checked before any
	// plaintext is used, so that a verifier decrypting it offers no
	// CBC-style decryption oracle (Jager and Somorovsky 2011; issue 19).
	AES256GCM BlockAlgorithm = iota
	// AES256CBC is http://www.w3.org/2001/04/xmlenc#aes256-cbc: AWS documents
	// AES-CBC too, Entra does not say which AES-256 mode it uses, and every
	// peer verifier decrypts it.
	AES256CBC
)

// String returns the algorithm's XML Encryption URI.
func (a BlockAlgorithm) String() string {
	switch a {
	case AES256CBC:
		return mintAlgAES256CBC
	case AES256GCM:
		return mintAlgAES256GCM
	}
	return fmt.Sprintf("BlockAlgorithm(%d)", int(a))
}

// Builder errors. Every error returned by [NewBuilder], [Builder.Build] and the
// [Minted] form helpers matches one of these with errors.Is and is an *[Error].
var (
	// ErrBuilderConfig reports an unusable [BuilderConfig].
	ErrBuilderConfig = errors.New("mint: invalid builder configuration")
	// ErrResponseSpec reports an unusable [ResponseSpec] or form argument.
	ErrResponseSpec = errors.New("mint: invalid response spec")
	// ErrMint reports a failure while signing or encrypting (the signer or the
	// randomness source failed).
	ErrMint = errors.New("mint: minting failed")
)

// Error is the typed error of the minter, in the module's error shape
// (docs/design.md, Conventions). Its Error string is
//
//	mint: <Field>: <Reason> (rule <Rule>)[: <Err>]
//
// and never contains key material or assertion contents.
type Error struct {
	Kind   error  // ErrBuilderConfig, ErrResponseSpec or ErrMint
	Rule   string // e.g. "D1.3"; may be empty
	Reason string // short human explanation
	Err    error  // underlying error, if any
	Field  string // the offending field, e.g. "Signer", "User.UPN", "Encryption.Certificate"
}

// Error implements error.
func (e *Error) Error() string {
	body := e.Reason
	if e.Field != "" {
		body = e.Field + ": " + body
	}
	return errkind.Format("mint", body, e.Rule, e.Err)
}

// Unwrap returns the category and the underlying error.
func (e *Error) Unwrap() []error { return errkind.Unwrap(e.Kind, e.Err) }

func mintErr(kind error, field, rule, reason string, err error) *Error {
	return &Error{Kind: kind, Field: field, Rule: rule, Reason: reason, Err: err}
}

// BuilderConfig configures a [Builder]. Only Signer and Certificates are required,
// plus TenantID or Issuer.
type BuilderConfig struct {
	// Signer is the IdP's signing key. It must be an RSA key (Entra signs with
	// RSA only, C3.1); an *rsa.PrivateKey works, as does any crypto.Signer
	// whose Public() is an *rsa.PublicKey (an HSM or KMS handle).
	Signer crypto.Signer

	// Certificates is the signing certificate chain, the signer's certificate
	// first. Its public key must match Signer. Only the first certificate is
	// written to KeyInfo/X509Data, as Entra does; the rest is informational.
	Certificates []*x509.Certificate

	// TenantID is the Entra tenant GUID. It feeds the default Issuer and the
	// tenantid claim (C2.6). Empty omits the tenantid claim.
	TenantID string

	// Issuer is the Issuer of Response and Assertion. Empty means
	// "https://sts.windows.net/<TenantID>/" (C2.2, C2.3).
	Issuer string

	// Now returns the current time. Nil means time.Now. IssueInstant is Now()
	// truncated to the millisecond, as Entra writes it.
	Now func() time.Time

	// Rand is the randomness source for IDs ("_" + a version-4 GUID, D1.3) and
	// for encryption (content key, IV or nonce, OAEP seed). Nil means
	// crypto/rand.Reader. A fixed stream (e.g. math/rand/v2's ChaCha8) makes the
	// output deterministic, which is what golden tests need; never use one in
	// production.
	Rand io.Reader

	// IDs, when not nil, supplies every ID (Response, Assertion, ...) instead of
	// Rand. Each value must be an xs:ID (an NCName, D1.3), e.g. "_" + GUID.
	IDs func() string
}

// Builder mints Entra-shaped SAML responses. It is safe for concurrent use if
// its configured Now, Rand, IDs and Signer are.
type Builder struct {
	signer  crypto.Signer
	pub     *rsa.PublicKey
	certB64 string
	certs   []*x509.Certificate
	tenant  string
	issuer  string
	now     func() time.Time
	rand    io.Reader
	ids     func() string
}

// NewBuilder checks cfg and returns a Builder. The signer must be RSA and its
// public key must match the first certificate.
func NewBuilder(cfg BuilderConfig) (*Builder, error) {
	if cfg.Signer == nil {
		return nil, mintErr(ErrBuilderConfig, "Signer", "", "missing", nil)
	}
	pub, ok := cfg.Signer.Public().(*rsa.PublicKey)
	if !ok {
		return nil, mintErr(ErrBuilderConfig, "Signer", "C3.1", "not an RSA key", nil)
	}
	if len(cfg.Certificates) == 0 || cfg.Certificates[0] == nil {
		return nil, mintErr(ErrBuilderConfig, "Certificates", "", "missing signing certificate", nil)
	}
	cpub, ok := cfg.Certificates[0].PublicKey.(*rsa.PublicKey)
	if !ok || !cpub.Equal(pub) {
		return nil, mintErr(ErrBuilderConfig, "Certificates", "", "first certificate does not match Signer", nil)
	}
	issuer := cfg.Issuer
	if issuer == "" {
		if cfg.TenantID == "" {
			return nil, mintErr(ErrBuilderConfig, "Issuer", "C2.2", "neither Issuer nor TenantID set", nil)
		}
		issuer = "https://sts.windows.net/" + cfg.TenantID + "/"
	}
	if err := mintCheckXML(issuer); err != nil {
		return nil, mintErr(ErrBuilderConfig, "Issuer", "", "not valid XML text", err)
	}
	if err := mintCheckXML(cfg.TenantID); err != nil {
		return nil, mintErr(ErrBuilderConfig, "TenantID", "", "not valid XML text", err)
	}
	b := &Builder{
		signer:  cfg.Signer,
		pub:     pub,
		certB64: mintB64(cfg.Certificates[0].Raw),
		certs:   append([]*x509.Certificate(nil), cfg.Certificates...),
		tenant:  cfg.TenantID,
		issuer:  issuer,
		now:     cfg.Now,
		rand:    cfg.Rand,
		ids:     cfg.IDs,
	}
	if b.now == nil {
		b.now = time.Now
	}
	if b.rand == nil {
		b.rand = rand.Reader
	}
	return b, nil
}

// Issuer returns the Issuer the builder writes.
func (b *Builder) Issuer() string { return b.issuer }

// Certificate returns the signing certificate (the first of the chain).
func (b *Builder) Certificate() *x509.Certificate { return b.certs[0] }

// User is the signed-in Entra user. Empty fields are omitted from the
// claims, as Entra omits claims whose source attribute is empty.
type User struct {
	// UPN is the userPrincipalName. It is the default NameID value and the
	// value of the "name" claim (C2.4, C2.6).
	UPN string
	// ObjectID is the user's object GUID (objectidentifier claim).
	ObjectID string
	// DisplayName, GivenName, Surname and Email feed the displayname,
	// givenname, surname and emailaddress claims.
	DisplayName string
	GivenName   string // givenname claim
	Surname     string // surname claim
	Email       string // emailaddress claim
	// IdentityProvider is the identityprovider claim. Empty means the Issuer.
	IdentityProvider string
	// AuthnMethods are the authnmethodsreferences values. Nil means
	// [AuthnMethodPassword]; an empty non-nil slice omits the claim.
	AuthnMethods []string
	// Groups are group object IDs for the optional groups claim; nil omits it.
	Groups []string
}

// Attribute is one SAML Attribute with its values, in emission order.
type Attribute struct {
	Name   string   // Attribute/@Name, written verbatim (no NameFormat, as Entra)
	Values []string // one AttributeValue each, in order
}

// Encryption asks for an EncryptedAssertion (C3.5, D5.1).
type Encryption struct {
	// Certificate is the SP's encryption certificate; its key must be RSA.
	// The content key is wrapped with RSA-OAEP (rsa-oaep-mgf1p, SHA-1 MGF and digest).
	Certificate *x509.Certificate
	// Algorithm is the content encryption: AES256GCM (default) or AES256CBC.
	Algorithm BlockAlgorithm
}

// ResponseSpec describes one response. The zero value plus a User.UPN and the
// AWS attributes gives an Entra-default response for the AWS console.
type ResponseSpec struct {
	// User is the signed-in user.
	User User

	// NameID is the Subject's NameID value. Empty means User.UPN (Entra's
	// default source, C2.4).
	NameID string
	// NameIDFormat defaults to federation.NameIDFormatEmail: the format observed in
	// a real Entra response to AWS (the spec's C2.4 leaves it unconfirmed).
	NameIDFormat string

	// Audience is the AudienceRestriction value. Empty means https://signin.aws.amazon.com/saml (A1.6).
	Audience string
	// Recipient is SubjectConfirmationData/@Recipient. Empty means https://signin.aws.amazon.com/saml (A1.8).
	Recipient string
	// Destination is Response/@Destination. Empty means Recipient (C2.2).
	Destination string
	// InResponseTo, when set, is written on the Response and the
	// SubjectConfirmationData (SP-initiated flow, D1.6). Empty: IdP-initiated.
	InResponseTo string

	// AWS are the AWS attributes (A3), written after the Entra claims in the
	// order Role (one value per role, as Entra emits user.assignedroles, C2.7),
	// RoleSessionName, SessionDuration, SourceIdentity, PrincipalTag:* (in Tags
	// order), TransitiveTagKeys. Build does not validate them, so that tests can
	// mint invalid values on purpose; call AWS.Validate first when that matters.
	AWS awsrole.Attributes
	// Attributes are extra attributes written after the AWS attributes, in order.
	Attributes []Attribute
	// OmitEntraClaims drops the default Entra claims (C2.6) and keeps only the
	// AWS and extra attributes.
	OmitEntraClaims bool
	// RoleClaim also writes Entra's roles claim ([ClaimRole]) with the Role
	// values, after authnmethodsreferences, as the real Entra response to AWS
	// in the test data has it (Entra emits it for users with app roles). Off
	// by default; ignored with OmitEntraClaims or MissingRole.
	RoleClaim bool

	// IssueInstant overrides the builder's clock for this response. Zero means Now().
	IssueInstant time.Time
	// AssertionLifetime is the Conditions window; zero means DefaultAssertionLifetime.
	AssertionLifetime time.Duration
	// ConfirmationLifetime is the SubjectConfirmationData window; zero means
	// DefaultConfirmationLifetime.
	ConfirmationLifetime time.Duration
	// AuthnInstant is when the user authenticated (AuthnStatement/@AuthnInstant,
	// C2.9); zero means IssueInstant. Entra reuses an earlier sign-in's time
	// when the user already had a session.
	AuthnInstant time.Time
	// SessionNotOnOrAfter, when not zero, is written on the AuthnStatement (A4.1).
	SessionNotOnOrAfter time.Time
	// AuthnContextClassRef defaults to AuthnContextPasswordProtectedTransport.
	AuthnContextClassRef string

	// Signing selects what is signed; the zero value signs the Assertion.
	Signing SigningMode
	// Algorithm selects RSA-SHA256 (zero value) or RSA-SHA1.
	Algorithm SignatureAlgorithm

	// Encryption, when not nil, replaces the Assertion with an EncryptedAssertion
	// (after the Assertion is signed).
	Encryption *Encryption

	// Tamper breaks the response on purpose; the zero value breaks nothing.
	Tamper Tamper
}

// Tamper holds knobs that make a response invalid on purpose, for tests of
// verifiers. Each knob names the rule a correct verifier enforces against it.
// The zero value changes nothing.
type Tamper struct {
	// Expired moves IssueInstant (and every window) back by 2 hours, so that
	// all NotOnOrAfter values lie in the past (D2.2, D3.3, A4.4).
	Expired bool
	// NotYetValid moves IssueInstant forward by 1 hour, so that NotBefore lies
	// beyond any reasonable skew (D2.2).
	NotYetValid bool
	// WrongAudience writes "https://wrong-audience.invalid/saml" as the Audience (D2.3).
	WrongAudience bool
	// WrongRecipient writes "https://wrong-recipient.invalid/saml" as the Recipient (A1.8, D3.2).
	WrongRecipient bool
	// WrongDestination writes "https://wrong-destination.invalid/saml" as the Destination (D1.2).
	WrongDestination bool
	// WrongIssuer writes the issuer of another tenant (all-zero GUID) on
	// Response and Assertion (D1.7).
	WrongIssuer bool
	// SignWith, when not nil, computes every signature with this key while
	// KeyInfo still carries the builder's certificate ("signed by another key", D4.6).
	SignWith crypto.Signer
	// OtherKey, when SignWith is nil, signs with a built-in test key that is
	// not the builder's (the last of internal/testkeys' pool that differs),
	// keeping the builder's certificate in KeyInfo (D4.6). It is what the
	// "other-key" knob sets: reproducible, and usable from the CLI.
	OtherKey bool
	// ModifyAfterSigning changes the NameID value (to "attacker@evil.invalid")
	// after the signatures were computed, so digests no longer match (D4).
	// With Encryption the change happens before encrypting, so it breaks only
	// the assertion's own signature; with SignResponse alone Build refuses it
	// (ErrResponseSpec), as nothing would break.
	ModifyAfterSigning bool
	// EmptyReferenceURI writes Reference URI="" instead of "#ID" on every
	// signature but keeps the digest of the signed element. For an assertion
	// signature the digest then no longer matches (URI="" means the whole
	// document), so XML-DSig itself fails; see WholeDocumentReference for a
	// signature that XML-DSig accepts (D4.2).
	EmptyReferenceURI bool
	// WholeDocumentReference signs with Reference URI="" and a digest over
	// the whole document: a signature valid by XML-DSig that D4.2 forbids.
	// With SignAssertion the assertion's signature covers the whole Response;
	// with SignResponse or SignBoth the Response signature uses URI="". It
	// cannot be combined with Encryption under SignAssertion.
	WholeDocumentReference bool
	// ExtraAssertion appends a second, separately signed assertion with its
	// own ID and NameID "second@evil.invalid" (AWS and D4.2: consume one assertion).
	ExtraAssertion bool
	// InjectedAssertion inserts an unsigned assertion (NameID
	// "attacker@evil.invalid", same attributes) before the genuine one:
	// the signature-wrapping shape (D4.2, D4.7).
	InjectedAssertion bool
	// WrapSignedAssertion writes an unsigned attacker assertion (NameID
	// "attacker@evil.invalid") in place of the genuine one and moves the
	// genuine, signed assertion inside it as its last child: the nested
	// signature-wrapping shape (XSW, D4.2, D4.7). The signature still verifies
	// for the genuine assertion, found by ID.
	WrapSignedAssertion bool
	// DuplicateIDs gives the Assertion the Response's ID (D1.3).
	DuplicateIDs bool
	// MissingNameID omits the NameID (A2.1).
	MissingNameID bool
	// MissingRole omits the AWS Role attribute (A3.1).
	MissingRole bool
	// MissingRoleSessionName omits the AWS RoleSessionName attribute (A3.4).
	MissingRoleSessionName bool
	// BadRoleSessionName replaces the RoleSessionName value with
	// "bad session name!" (spaces and "!" break A3.4's pattern).
	BadRoleSessionName bool
	// MissingAudienceRestriction omits the AudienceRestriction (D2.4).
	MissingAudienceRestriction bool
	// ExtraAudienceRestriction adds a second AudienceRestriction naming only
	// "https://wrong-audience.invalid/saml": restrictions are ANDed, so the
	// assertion is invalid for every SP (D2.3).
	ExtraAudienceRestriction bool
	// UnknownCondition adds a Condition of an unknown xsi:type to Conditions,
	// which makes the assertion Indeterminate (D2.6, D2.1).
	UnknownCondition bool
	// DuplicateOneTimeUse writes two OneTimeUse conditions; at most one is
	// allowed (D2.5).
	DuplicateOneTimeUse bool
	// MissingConfirmationNotOnOrAfter omits SubjectConfirmationData/@NotOnOrAfter (A1.8, D3.2).
	MissingConfirmationNotOnOrAfter bool
	// ConfirmationNotBefore writes SubjectConfirmationData/@NotBefore (D3.2 forbids it).
	ConfirmationNotBefore bool
	// TwoSubjectConfirmations writes a second bearer SubjectConfirmation (A1.8: exactly one).
	TwoSubjectConfirmations bool
	// InvertedConditions swaps Conditions' NotBefore and NotOnOrAfter (D2.2).
	InvertedConditions bool
	// MissingAuthnStatement omits the AuthnStatement (D3.4).
	MissingAuthnStatement bool
	// Version, when not empty, replaces Version="2.0" on Response and Assertion (D1.3).
	Version string
	// StatusCode, when not empty, replaces the Success status code, e.g.
	// StatusRequester (D1.5). StatusMessage is written when not empty, as Entra
	// writes "AADSTS..." messages (C2.2).
	StatusCode    string
	StatusMessage string // written as samlp:StatusMessage when not empty
	// SubStatusCode, when not empty, nests a second-level StatusCode (e.g.
	// "urn:oasis:names:tc:SAML:2.0:status:RequestUnsupported") in the
	// top-level one, as Entra does for failures (C2.2, D1.5).
	SubStatusCode string
}

// Minted is one minted response.
type Minted struct {
	// XML is the samlp:Response document (UTF-8, no XML declaration, in
	// exclusive-canonical form as far as the output allows).
	XML []byte
	// ResponseID and AssertionID are the IDs written.
	ResponseID  string
	AssertionID string // also the SessionIndex
	// IssueInstant is the instant written (millisecond precision).
	IssueInstant time.Time
	// NotBefore and NotOnOrAfter are the Conditions window.
	NotBefore    time.Time
	NotOnOrAfter time.Time // NotBefore + AssertionLifetime
	// ConfirmationNotOnOrAfter is SubjectConfirmationData/@NotOnOrAfter.
	ConfirmationNotOnOrAfter time.Time
	// Destination is Response/@Destination: where the HTML form posts.
	Destination string
	// EncryptedAssertion is, when Encryption was set, the (signed) Assertion
	// exactly as it was encrypted, so that tests can compare what an SP
	// decrypts; nil otherwise.
	EncryptedAssertion []byte
}

// Build mints one response described by spec.
func (b *Builder) Build(spec ResponseSpec) (*Minted, error) {
	var m minter
	if err := m.prepare(b, &spec); err != nil {
		return nil, err
	}
	return m.mint()
}

// newID returns "_" + a version-4 GUID drawn from Rand, or the next IDs() value.
func (b *Builder) newID() (string, error) {
	if b.ids != nil {
		id := b.ids()
		if !mintIsNCName(id) {
			return "", mintErr(ErrBuilderConfig, "IDs", "D1.3", "returned a value that is not an xs:ID", nil)
		}
		return id, nil
	}
	var u [16]byte
	if _, err := io.ReadFull(b.rand, u[:]); err != nil {
		return "", mintErr(ErrMint, "Rand", "", "reading ID randomness", err)
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	const hexd = "0123456789abcdef"
	buf := make([]byte, 0, 37)
	buf = append(buf, '_')
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			buf = append(buf, '-')
		}
		buf = append(buf, hexd[c>>4], hexd[c&0xf])
	}
	return string(buf), nil
}

package samltest

import (
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/saml/samltest/mint"
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

// ResponseOptions changes one response minted by [IdP.Response] or
// [IdP.Mint]. The zero value mints what Entra sends by default: the assertion
// signed with RSA-SHA256 (C3.1), for [IdP.Audience] and [IdP.ACS]. Tamper
// reaches every knob of [mint.Knobs]; Spec reaches any other field of the
// [mint.ResponseSpec].
type ResponseOptions struct {
	// Signing chooses what is signed (C3.1): mint.SignAssertion (the zero
	// value, Entra's default), mint.SignResponse ("Sign SAML response") or
	// mint.SignBoth ("Sign SAML response and assertion").
	Signing mint.SigningMode
	// Algorithm is the signature algorithm: mint.RSASHA256 (the zero value) or
	// mint.RSASHA1 with SHA-1 digests, Entra's legacy option (C3.1, A5.3).
	Algorithm mint.SignatureAlgorithm
	// Audience is the AudienceRestriction value (A1.6); "" means [IdP.Audience].
	Audience string
	// Recipient is SubjectConfirmationData/@Recipient and, through it, the
	// Destination (A1.8); "" means [IdP.ACS].
	Recipient string
	// InResponseTo answers the AuthnRequest with this ID (SP-initiated sign-in).
	InResponseTo string
	// EncryptFor, when not nil, encrypts the assertion to this SP certificate,
	// as Entra's token encryption does (C3.5): AES-256 content (GCM, the
	// minter's default; Entra documents AES-256 without the mode), RSA-OAEP key
	// transport.
	EncryptFor *x509.Certificate
	// Tamper names knobs of [mint.Knobs] to apply, in order, such as "expired"
	// or "wrapped-assertion". An unknown name is an error.
	//
	//	for _, k := range mint.Knobs() {
	//		t.Run(k.Rule+"/"+k.Name, func(t *testing.T) {
	//			m := idp.Response(t, samltest.DefaultUser(), samltest.ResponseOptions{Tamper: []string{k.Name}})
	//			if _, err := verifier.Verify(ctx, m.XML); err == nil {
	//				t.Fatal("accepted")
	//			}
	//		})
	//	}
	Tamper []string
	// Spec, when not nil, is applied to the [mint.ResponseSpec] last.
	Spec func(spec *mint.ResponseSpec)
}

// apply sets o on spec.
func (o ResponseOptions) apply(spec *mint.ResponseSpec) error {
	spec.Signing = o.Signing
	spec.Algorithm = o.Algorithm
	if o.Audience != "" {
		spec.Audience = o.Audience
	}
	if o.Recipient != "" {
		spec.Recipient = o.Recipient
	}
	if o.InResponseTo != "" {
		spec.InResponseTo = o.InResponseTo
	}
	if o.EncryptFor != nil {
		spec.Encryption = &mint.Encryption{Certificate: o.EncryptFor}
	}
	for _, name := range o.Tamper {
		k, ok := mint.KnobNamed(name)
		if !ok {
			return fmt.Errorf("unknown tamper knob %q (see mint.Knobs)", name)
		}
		k.Apply(spec)
	}
	if o.Spec != nil {
		o.Spec(spec)
	}
	return nil
}

// Response mints a response for u, signed by the IdP's active key, as Entra
// sends it to the AWS gallery application: Issuer [IdP.EntityID], audience
// [IdP.Audience], recipient and destination [IdP.ACS] (both
// https://signin.aws.amazon.com/saml by default), assertion signed with
// RSA-SHA256 unless opts say otherwise. It fails the test on error; [IdP.Mint]
// returns the error instead. Use [mint.Minted.Base64] for the form value and
// [mint.Minted.HTMLForm] for the auto-submit page.
func (idp *IdP) Response(t TB, u User, opts ResponseOptions) *mint.Minted {
	t.Helper()
	m, err := idp.Mint(u, opts)
	if err != nil {
		t.Fatalf("%v", err)
		return nil
	}
	return m
}

// Mint is [IdP.Response] returning an error instead of failing a test.
func (idp *IdP) Mint(u User, opts ResponseOptions) (*mint.Minted, error) {
	spec := idp.spec(u)
	if err := opts.apply(&spec); err != nil {
		return nil, fmt.Errorf("samltest: %w", err)
	}
	b := idp.Builder()
	if b == nil {
		return nil, errors.New("samltest: IdP used after its test finished")
	}
	m, err := b.Build(spec)
	if err != nil {
		return nil, fmt.Errorf("samltest: minting: %w", err)
	}
	return m, nil
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

package main

import (
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"math/big"
	mrand "math/rand/v2"
	"time"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/internal/testkeys"
	"github.com/samlaws/samlaws/saml/samltest/entrametadata"
	"github.com/samlaws/samlaws/saml/samltest/mint"
)

// The demo's test Entra tenant is made from the same non-test pieces as
// package samltest's IdP (mint.NewBuilder, entrametadata.Build and the public
// keys of internal/testkeys), in the same steps and drawing from the same
// seeded stream in the same order, so that its output equals what
// samltest.NewIdP(t, WithNow(demoNow), WithDeterministicIDs(demoSeed), ...)
// makes, byte for byte, without linking package testing into the binary.
// TestDemoTenantMatchesSamltest holds the two together.

// The demo's user: the test user of Microsoft's Entra tutorials (samltest's
// DefaultUser), with two roles of one AWS account.
const (
	demoUPN          = "B.Simon@contoso.com"
	demoObjectID     = "6a8e2d0c-4b7f-4d5e-9c3a-1f2b3c4d5e6f"
	demoAccountID    = "123456789012"
	demoProviderARN  = "arn:aws:iam::" + demoAccountID + ":saml-provider/EntraID"
	demoAdminRole    = "arn:aws:iam::" + demoAccountID + ":role/EntraAdmin," + demoProviderARN
	demoReadOnlyRole = "arn:aws:iam::" + demoAccountID + ":role/EntraReadOnly," + demoProviderARN
)

// Entra's self-signed SAML certificates, as samltest makes them (C3.2): the
// subject and issuer CN, a three-year lifetime, and NotBefore a day before the
// tenant's clock.
const (
	demoCertCN       = "Microsoft Azure Federated SSO Certificate"
	demoCertLifetime = 3 * 365 * 24 * time.Hour
	demoCertBackdate = 24 * time.Hour
)

// demoTenant is the test Entra tenant with the AWS gallery app: a clock, a
// seeded random stream, and the published key pairs, of which one signs.
type demoTenant struct {
	TenantID string
	EntityID string // "https://sts.windows.net/<TenantID>/" (C1.4, C2.2)
	ACS      string // the Reply URL (C2.1)
	Audience string // the audience of every response (A1.6)

	now     time.Time
	rand    io.Reader
	nextKey int           // testkeys index of the next certificate's key
	pairs   []demoKeyPair // published, in order of creation
	active  int           // index into pairs of the signing pair
	builder *mint.Builder // for pairs[active]; nil after a change
}

// demoKeyPair is a key and its certificate.
type demoKeyPair struct {
	key  *rsa.PrivateKey
	cert *x509.Certificate
}

// newDemoTenant makes the tenant: its clock is fixed at now and every random
// choice comes from a ChaCha8 stream seeded with seed (samltest's
// WithDeterministicIDs). It draws the tenant ID, the app ID (unused, drawn so
// that the stream stays in step with samltest's) and the first certificate.
func newDemoTenant(now time.Time, seed uint64, audience, acs string) (*demoTenant, error) {
	var s [32]byte
	for i := range 8 {
		s[i] = byte(seed >> (8 * i))
	}
	t := &demoTenant{now: now, rand: mrand.NewChaCha8(s), ACS: acs, Audience: audience}
	var err error
	if t.TenantID, err = t.guid(); err != nil {
		return nil, err
	}
	t.EntityID = "https://sts.windows.net/" + t.TenantID + "/"
	if _, err := t.guid(); err != nil { // the app ID
		return nil, err
	}
	if err := t.addPair(); err != nil {
		return nil, err
	}
	return t, nil
}

// guid returns a lower-case version-4 GUID from the tenant's stream.
func (t *demoTenant) guid() (string, error) {
	var u [16]byte
	if _, err := io.ReadFull(t.rand, u[:]); err != nil {
		return "", fmt.Errorf("test tenant: reading randomness: %w", err)
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16]), nil
}

// addPair publishes a certificate for the next test key, not yet signing.
func (t *demoTenant) addPair() error {
	key, err := testkeys.RSA(t.nextKey)
	if err != nil {
		return fmt.Errorf("test tenant: %w", err)
	}
	t.nextKey++
	cert, err := t.selfSign(key)
	if err != nil {
		return err
	}
	t.pairs = append(t.pairs, demoKeyPair{key: key, cert: cert})
	t.builder = nil
	return nil
}

// selfSign makes an Entra-like self-signed certificate for key: CN
// demoCertCN, a random 16-byte serial, SHA256-RSA, no extensions.
func (t *demoTenant) selfSign(key *rsa.PrivateKey) (*x509.Certificate, error) {
	var serial [16]byte
	if _, err := io.ReadFull(t.rand, serial[:]); err != nil {
		return nil, fmt.Errorf("test tenant: reading randomness: %w", err)
	}
	serial[0] &= 0x7f // positive
	serial[0] |= 0x10 // 16 significant bytes, as Entra's serials have
	notBefore := t.now.UTC().Add(-demoCertBackdate).Truncate(time.Second)
	name := pkix.Name{CommonName: demoCertCN}
	tmpl := &x509.Certificate{
		SerialNumber:       new(big.Int).SetBytes(serial[:]),
		Subject:            name,
		Issuer:             name,
		NotBefore:          notBefore,
		NotAfter:           notBefore.Add(demoCertLifetime),
		SignatureAlgorithm: x509.SHA256WithRSA,
	}
	der, err := x509.CreateCertificate(t.rand, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("test tenant: creating certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("test tenant: parsing certificate: %w", err)
	}
	return cert, nil
}

// certificate returns the certificate that signs.
func (t *demoTenant) certificate() *x509.Certificate { return t.pairs[t.active].cert }

// rollover makes a certificate for the next key and makes it the signing one,
// keeping the old one published (C3.2, C3.4).
func (t *demoTenant) rollover() error {
	if err := t.addPair(); err != nil {
		return err
	}
	t.active = len(t.pairs) - 1
	return nil
}

// metadata returns the app's signed federation metadata, shaped as Entra's
// (C1.2, C1.4, C1.5), with every published certificate.
func (t *demoTenant) metadata() ([]byte, error) {
	id, err := t.guid()
	if err != nil {
		return nil, err
	}
	certs := make([]*x509.Certificate, len(t.pairs))
	for i, p := range t.pairs {
		certs[i] = p.cert
	}
	active := t.pairs[t.active]
	md, err := entrametadata.Build(entrametadata.Config{
		ID:                "_" + id,
		EntityID:          t.EntityID,
		TenantID:          t.TenantID,
		BaseURL:           entrametadata.LoginBaseURL,
		Certificates:      certs,
		Signer:            active.key,
		SignerCertificate: active.cert,
	})
	if err != nil {
		return nil, fmt.Errorf("test tenant: metadata: %w", err)
	}
	return md, nil
}

// demoUser is the signed-in user and the AWS attributes the app sends.
type demoUser struct {
	mint.User
	Roles           []string // "roleARN,providerARN" (A3.1)
	SessionName     string
	SessionDuration time.Duration
}

// response mints u's response as Entra sends it to the AWS gallery app:
// assertion signed with RSA-SHA256 by the active key, Issuer t.EntityID,
// audience t.Audience, and Recipient (and so Destination) recipient, or t.ACS
// when empty.
func (t *demoTenant) response(u demoUser, recipient string) (*mint.Minted, error) {
	if t.builder == nil {
		p := t.pairs[t.active]
		now := t.now
		b, err := mint.NewBuilder(mint.BuilderConfig{
			Signer:       p.key,
			Certificates: []*x509.Certificate{p.cert},
			TenantID:     t.TenantID,
			Now:          func() time.Time { return now },
			Rand:         t.rand,
		})
		if err != nil {
			return nil, err
		}
		t.builder = b
	}
	var aws awsrole.Attributes
	for _, s := range u.Roles {
		r, err := awsrole.ParseRole(s)
		if err != nil {
			return nil, fmt.Errorf("test tenant: %w", err)
		}
		aws.Roles = append(aws.Roles, r)
	}
	aws.RoleSessionName = awsrole.RoleSessionName(u.SessionName)
	aws.SessionDuration = awsrole.SessionDuration(u.SessionDuration)
	if recipient == "" {
		recipient = t.ACS
	}
	m, err := t.builder.Build(mint.ResponseSpec{
		User:      u.User,
		AWS:       aws,
		Audience:  t.Audience,
		Recipient: recipient,
	})
	if err != nil {
		return nil, fmt.Errorf("test tenant: minting: %w", err)
	}
	return m, nil
}

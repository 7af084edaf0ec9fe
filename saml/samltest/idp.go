package samltest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	mrand "math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/saml"
	"github.com/samlaws/samlaws/saml/samltest/mint"
)

// certificateCommonName is the subject and issuer CN of the certificates samltest
// makes: the CN of the self-signed certificates Entra ID generates for SAML
// applications (C3.2).
const certificateCommonName = "Microsoft Azure Federated SSO Certificate"

// certificateLifetime is the validity of a generated certificate: three years, as
// Entra's auto-generated certificates have (C3.2).
const certificateLifetime = 3 * 365 * 24 * time.Hour

// certificateBackdate is how far before the IdP's clock a new certificate's
// NotBefore lies, so that peers that check certificate dates accept it even when
// their clock lags the IdP's a little.
const certificateBackdate = 24 * time.Hour

// Option configures an IdP made by [NewIdP] or [NewServer].
type Option func(*config)

type config struct {
	now      func() time.Time
	rand     io.Reader
	tenantID string
	appID    string
	keyIndex int
	next     bool
	acs      string
	audience string
	user     *User
}

// WithNow fixes the IdP's clock at t: every certificate, metadata document and
// response it makes is dated from t.
func WithNow(t time.Time) Option {
	return func(c *config) { c.now = func() time.Time { return t } }
}

// WithClock makes now the IdP's clock. Nil restores time.Now.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.now = now }
}

// WithDeterministicIDs makes every random choice of the IdP (tenant and app IDs
// when not given, document IDs, certificate serial numbers, encryption keys) come
// from a ChaCha8 stream seeded with seed. Together with [WithNow] this makes the
// IdP's output byte-for-byte reproducible, for golden files. The stream is
// consumed in call order, so the same sequence of calls gives the same bytes.
func WithDeterministicIDs(seed uint64) Option {
	return func(c *config) {
		var s [32]byte
		for i := range 8 {
			s[i] = byte(seed >> (8 * i))
		}
		c.rand = mrand.NewChaCha8(s)
	}
}

// WithRand makes r the source of the IdP's random choices (see
// [WithDeterministicIDs]). Nil restores crypto/rand.
func WithRand(r io.Reader) Option {
	return func(c *config) { c.rand = r }
}

// WithTenantID sets the tenant GUID. The default is a random GUID.
func WithTenantID(id string) Option {
	return func(c *config) { c.tenantID = id }
}

// WithAppID sets the application ID of the simulated AWS gallery application, the
// value of the app-specific metadata URL's ?appid= parameter (C1.2). The default
// is a random GUID.
func WithAppID(id string) Option {
	return func(c *config) { c.appID = id }
}

// WithKeyIndex chooses which of the built-in test keys the IdP signs with
// (0 <= i < [KeyPoolSize]; other values wrap). Like httptest's TLS servers, which
// all share one certificate, every IdP signs with key 0 unless told otherwise; two
// IdPs that must not trust each other need different key indexes. A next
// certificate ([IdP.AddNextCertificate]) uses the following indexes, and
// [IdP.OtherSigner] uses the key half the pool away.
func WithKeyIndex(i int) Option {
	return func(c *config) { c.keyIndex = i }
}

// WithNextCertificate gives the IdP a next certificate from the start: published
// in metadata beside the active one but not yet signing (C1.5, C3.4). See
// [IdP.AddNextCertificate].
func WithNextCertificate() Option {
	return func(c *config) { c.next = true }
}

// WithACS sets the assertion consumer service URL that IdP-initiated sign-in posts
// to (the app's Reply URL, C2.1). The default is [federation.GlobalSignInEndpoint].
func WithACS(url string) Option {
	return func(c *config) { c.acs = url }
}

// WithAudience sets the audience of every response (the app's Identifier, A1.6).
// The default is [federation.GlobalSignInEndpoint].
func WithAudience(aud string) Option {
	return func(c *config) { c.audience = aud }
}

// WithUser sets the user the server's IdP-initiated SSO endpoint signs in. The
// default is [DefaultUser].
func WithUser(u User) Option {
	return func(c *config) { c.user = &u }
}

// IdP is a test Entra ID tenant with one SAML application: a signing key and
// self-signed certificate (plus, during a rollover, a next certificate), signed
// federation metadata, and minting of responses. Make one with [NewIdP] or
// [NewServer]. Its methods are safe for concurrent use; failures are reported
// through the testing.TB it was made with. Like httptest.Server's, its exported
// fields may be changed after construction, before first use (EntityID and
// TenantID are fixed in metadata once it is made), and never while its server
// is handling requests.
type IdP struct {
	// TenantID is the tenant GUID.
	TenantID string
	// AppID is the application ID of the simulated AWS gallery application.
	AppID string
	// EntityID is the metadata entityID and the Issuer of every response:
	// "https://sts.windows.net/<TenantID>/" with its trailing slash (C1.4, C2.2).
	EntityID string
	// ACS is the Reply URL that IdP-initiated sign-in posts to.
	ACS string
	// Audience is the audience of every response (the app's Identifier, A1.6).
	Audience string
	// User is the user the server's IdP-initiated SSO endpoint signs in.
	User User

	t    testing.TB
	now  func() time.Time
	rand io.Reader // always a *lockedReader

	keyIndex int // WithKeyIndex

	mu       sync.Mutex
	closed   bool
	nextKey  int        // pool index of the next certificate's key
	pairs    []*keyPair // published certificates, in order of creation
	active   int        // index into pairs of the signing pair
	stranger *keyPair
	metadata map[string][]byte // signed metadata by endpoint base URL
	builder  *mint.Builder
	wantNext bool
}

// keyPair is a key and its certificate.
type keyPair struct {
	key  *rsa.PrivateKey
	cert *x509.Certificate
}

// lockedReader serialises reads, so that one stream can feed concurrent users.
type lockedReader struct {
	mu sync.Mutex
	r  io.Reader
}

func (l *lockedReader) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Read(p)
}

// NewIdP returns a ready IdP and registers its cleanup with t.
//
// It costs a few microseconds: keys come from a built-in pool (see
// [WithKeyIndex]), and the certificate and metadata are made and signed on first
// use (one RSA signature each).
func NewIdP(t testing.TB, opts ...Option) *IdP {
	t.Helper()
	cfg := config{}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.now == nil {
		cfg.now = time.Now
	}
	if cfg.rand == nil {
		cfg.rand = rand.Reader
	}
	idp := &IdP{
		t:        t,
		now:      cfg.now,
		rand:     &lockedReader{r: cfg.rand},
		keyIndex: cfg.keyIndex,
		nextKey:  cfg.keyIndex,
		wantNext: cfg.next,
		ACS:      cfg.acs,
		Audience: cfg.audience,
	}
	idp.TenantID = cfg.tenantID
	if idp.TenantID == "" {
		idp.TenantID = idp.guid()
	}
	idp.AppID = cfg.appID
	if idp.AppID == "" {
		idp.AppID = idp.guid()
	}
	idp.EntityID = "https://sts.windows.net/" + idp.TenantID + "/"
	if idp.ACS == "" {
		idp.ACS = federation.GlobalSignInEndpoint
	}
	if idp.Audience == "" {
		idp.Audience = federation.GlobalSignInEndpoint
	}
	if cfg.user != nil {
		idp.User = *cfg.user
	} else {
		idp.User = DefaultUser()
	}
	t.Cleanup(idp.close)
	return idp
}

// close marks the IdP as finished: minting or metadata after the test ended is a
// bug in the test, and is reported as one.
func (idp *IdP) close() {
	idp.mu.Lock()
	defer idp.mu.Unlock()
	idp.closed = true
	idp.builder = nil
	idp.metadata = nil
}

// checkOpenLocked reports a use after the test's cleanup.
func (idp *IdP) checkOpenLocked() bool {
	if idp.closed {
		idp.t.Errorf("samltest: IdP used after its test finished")
		return false
	}
	return true
}

// Now returns the IdP's clock reading.
func (idp *IdP) Now() time.Time { return idp.now() }

// guid returns a random lower-case version-4 GUID from the IdP's stream.
func (idp *IdP) guid() string {
	var u [16]byte
	if _, err := io.ReadFull(idp.rand, u[:]); err != nil {
		idp.t.Fatalf("samltest: reading randomness: %v", err)
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// NewID returns a new document ID as Entra writes them: "_" + a GUID (D1.3).
func (idp *IdP) NewID() string { return "_" + idp.guid() }

// ensureLocked makes the active certificate (and the next one, when asked for by
// WithNextCertificate) on first use. idp.mu must be held.
func (idp *IdP) ensureLocked() {
	if len(idp.pairs) > 0 {
		return
	}
	idp.pairs = append(idp.pairs, idp.newPairLocked())
	idp.active = 0
	if idp.wantNext {
		idp.pairs = append(idp.pairs, idp.newPairLocked())
	}
}

// newPairLocked makes a certificate for the next pool key, valid from the IdP's
// clock minus certificateBackdate for certificateLifetime.
func (idp *IdP) newPairLocked() *keyPair {
	key, err := poolKey(idp.nextKey)
	if err != nil {
		idp.t.Fatalf("samltest: %v", err)
	}
	idp.nextKey++
	return &keyPair{key: key, cert: idp.selfSign(key)}
}

// selfSign makes an Entra-like self-signed certificate for key: CN
// certificateCommonName, a random 16-byte serial, SHA256-RSA, no extensions.
func (idp *IdP) selfSign(key *rsa.PrivateKey) *x509.Certificate {
	var serial [16]byte
	if _, err := io.ReadFull(idp.rand, serial[:]); err != nil {
		idp.t.Fatalf("samltest: reading randomness: %v", err)
	}
	serial[0] &= 0x7f // positive
	serial[0] |= 0x10 // 16 significant bytes, as Entra's serials have
	notBefore := idp.now().UTC().Add(-certificateBackdate).Truncate(time.Second)
	name := pkix.Name{CommonName: certificateCommonName}
	tmpl := &x509.Certificate{
		SerialNumber:       new(big.Int).SetBytes(serial[:]),
		Subject:            name,
		Issuer:             name,
		NotBefore:          notBefore,
		NotAfter:           notBefore.Add(certificateLifetime),
		SignatureAlgorithm: x509.SHA256WithRSA,
	}
	der, err := x509.CreateCertificate(idp.rand, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		idp.t.Fatalf("samltest: creating certificate: %v", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		idp.t.Fatalf("samltest: parsing certificate: %v", err)
	}
	return cert
}

// Certificate returns the certificate that currently signs.
func (idp *IdP) Certificate() *x509.Certificate {
	idp.mu.Lock()
	defer idp.mu.Unlock()
	idp.ensureLocked()
	return idp.pairs[idp.active].cert
}

// Signer returns the key that currently signs.
func (idp *IdP) Signer() crypto.Signer {
	idp.mu.Lock()
	defer idp.mu.Unlock()
	idp.ensureLocked()
	return idp.pairs[idp.active].key
}

// Certificates returns every certificate published in the metadata, in the order
// they were made (during a rollover: the current one, then the next one).
func (idp *IdP) Certificates() []*x509.Certificate {
	idp.mu.Lock()
	defer idp.mu.Unlock()
	idp.ensureLocked()
	out := make([]*x509.Certificate, len(idp.pairs))
	for i, p := range idp.pairs {
		out[i] = p.cert
	}
	return out
}

// CertificatePEM returns the signing certificate as a PEM "CERTIFICATE" block,
// the form Entra's "Certificate (Base64)" download has.
func (idp *IdP) CertificatePEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: idp.Certificate().Raw})
}

// KeyPEM returns the signing key as a PKCS#8 "PRIVATE KEY" PEM block, for tools
// under test that mint with it (for example "samlaws mint --key"). It is a public
// test key; see [KeyPoolSize].
func (idp *IdP) KeyPEM() []byte {
	der, err := x509.MarshalPKCS8PrivateKey(idp.Signer())
	if err != nil {
		idp.t.Fatalf("samltest: encoding key: %v", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// NextCertificate returns the newest published certificate that does not sign
// yet, or nil when there is none.
func (idp *IdP) NextCertificate() *x509.Certificate {
	idp.mu.Lock()
	defer idp.mu.Unlock()
	idp.ensureLocked()
	for i := len(idp.pairs) - 1; i > idp.active; i-- {
		return idp.pairs[i].cert
	}
	return nil
}

// AddNextCertificate makes a new certificate (with the next key of the pool) and
// publishes it in the metadata beside the current one, without signing with it:
// Entra's "new certificate, inactive" state (C3.2, C3.4).
func (idp *IdP) AddNextCertificate() *x509.Certificate {
	idp.mu.Lock()
	defer idp.mu.Unlock()
	idp.ensureLocked()
	p := idp.newPairLocked()
	idp.pairs = append(idp.pairs, p)
	idp.changedLocked()
	return p.cert
}

// ActivateNextCertificate makes the newest published certificate the signing
// one ("Make certificate active", C3.2). The previous certificate stays
// published until [IdP.RemoveInactiveCertificates]. It fails the test when there
// is no next certificate.
func (idp *IdP) ActivateNextCertificate() {
	idp.t.Helper()
	idp.mu.Lock()
	defer idp.mu.Unlock()
	idp.ensureLocked()
	if idp.active == len(idp.pairs)-1 {
		idp.t.Fatalf("samltest: ActivateNextCertificate: no next certificate; call AddNextCertificate first")
		return
	}
	idp.active = len(idp.pairs) - 1
	idp.changedLocked()
}

// RemoveInactiveCertificates removes every certificate but the signing one from
// the metadata: the last step of a rollover (C3.4).
func (idp *IdP) RemoveInactiveCertificates() {
	idp.mu.Lock()
	defer idp.mu.Unlock()
	idp.ensureLocked()
	idp.pairs = []*keyPair{idp.pairs[idp.active]}
	idp.active = 0
	idp.changedLocked()
}

// changedLocked drops what depends on the certificates.
func (idp *IdP) changedLocked() {
	idp.metadata = nil
	idp.builder = nil
}

// OtherSigner returns a key and certificate that the IdP never publishes: the
// certificate has the same subject as the IdP's, but a different key. Use it for
// "signed by another key" tests (D4.6).
func (idp *IdP) OtherSigner() (crypto.Signer, *x509.Certificate) {
	idp.mu.Lock()
	defer idp.mu.Unlock()
	if idp.stranger == nil {
		key, err := poolKey(idp.keyIndex + KeyPoolSize/2)
		if err != nil {
			idp.t.Fatalf("samltest: %v", err)
		}
		idp.stranger = &keyPair{key: key, cert: idp.selfSign(key)}
	}
	return idp.stranger.key, idp.stranger.cert
}

// Builder returns a [mint.Builder] configured with the IdP's signing key and
// certificate, tenant, clock and randomness. It changes when the signing
// certificate does.
func (idp *IdP) Builder() *mint.Builder {
	idp.t.Helper()
	idp.mu.Lock()
	defer idp.mu.Unlock()
	idp.ensureLocked()
	if !idp.checkOpenLocked() {
		return nil
	}
	if idp.builder == nil {
		p := idp.pairs[idp.active]
		b, err := mint.NewBuilder(mint.BuilderConfig{
			Signer:       p.key,
			Certificates: []*x509.Certificate{p.cert},
			TenantID:     idp.TenantID,
			Now:          idp.now,
			Rand:         idp.rand,
		})
		if err != nil {
			idp.t.Fatalf("samltest: %v", err)
			return nil
		}
		idp.builder = b
	}
	return idp.builder
}

// VerifierConfig returns a [saml.VerifierConfig] that trusts this IdP as AWS
// would after uploading [IdP.Metadata]: its entityID, every published
// certificate (so a rollover keeps verifying, C1.5), its audience and ACS, and
// its clock. Add fields (AllowSHA1, DecryptionKeys, ...) as the test needs.
func (idp *IdP) VerifierConfig() saml.VerifierConfig {
	return saml.VerifierConfig{
		IdPEntityID:  idp.EntityID,
		Certificates: idp.Certificates(),
		Audiences:    []string{idp.Audience},
		Recipients:   []string{idp.ACS},
		Now:          idp.now,
	}
}

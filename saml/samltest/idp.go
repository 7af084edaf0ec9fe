package samltest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	mrand "math/rand/v2"
	"sync"
	"time"

	"github.com/samlaws/samlaws/internal/awsendpoint"
	"github.com/samlaws/samlaws/internal/mint"
	"github.com/samlaws/samlaws/internal/testkeys"
	"github.com/samlaws/samlaws/saml"
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

// IdPConfig configures an IdP made by [New] or [NewIdP]. The zero
// value of every field means its documented default.
type IdPConfig struct {
	// Now is the IdP's clock: every certificate, metadata document and response
	// it makes is dated from it. Nil means time.Now.
	Now func() time.Time
	// Rand is the source of the IdP's random choices (tenant and app IDs when
	// not given, document IDs, certificate serial numbers, encryption keys).
	// Nil means crypto/rand, or the stream of Seed when Seed is not zero.
	Rand io.Reader
	// Seed, when not zero and Rand is nil, makes every random choice come from
	// a ChaCha8 stream seeded with it. Together with a fixed Now this makes the
	// IdP's output byte-for-byte reproducible, for golden files. The stream is
	// consumed in call order, so the same sequence of calls gives the same bytes.
	Seed uint64
	// TenantID is the tenant GUID; "" means a random GUID.
	TenantID string
	// AppID is the application ID of the simulated AWS gallery application, the
	// value of the app-specific metadata URL's ?appid= parameter (C1.2); ""
	// means a random GUID.
	AppID string
	// Signer and Certificate, when set (both, or neither), are the IdP's
	// signing key and certificate instead of a built-in test key and a
	// certificate made for it: a test of one's own key, or of a certificate
	// shaped otherwise than Entra's. The key must be RSA (Entra signs with RSA
	// only, C3.1) and match the certificate. Next certificates
	// ([IdP.AddNextCertificate]) still come from the built-in pool.
	Signer      crypto.Signer
	Certificate *x509.Certificate
	// IDs, when not nil, supplies the ID of every response and assertion
	// instead of Rand; each value must be an xs:ID (an NCName, D1.3), such as
	// "_" + a GUID.
	IDs func() string
	// KeyIndex chooses which of the built-in test keys the IdP signs with
	// (0 <= i < 8: the pool holds eight keys; other values wrap). Like httptest's TLS servers,
	// which all share one certificate, every IdP signs with key 0 unless told
	// otherwise; two IdPs that must not trust each other need different key
	// indexes. A next certificate ([IdP.AddNextCertificate]) uses the following
	// indexes, and [IdP.OtherSigner] uses the key half the pool away.
	KeyIndex int
	// NextCertificate gives the IdP a next certificate from the start: published
	// in metadata beside the active one but not yet signing (C1.5, C3.4). See
	// [IdP.AddNextCertificate].
	NextCertificate bool
	// ACS is the assertion consumer service URL that IdP-initiated sign-in
	// posts to (the app's Reply URL, C2.1); "" means
	// https://signin.aws.amazon.com/saml.
	ACS string
	// Audience is the audience of every response (the app's Identifier, A1.6);
	// "" means https://signin.aws.amazon.com/saml.
	Audience string
	// User is the user the server's IdP-initiated SSO endpoint signs in; nil
	// means [DefaultUser].
	User *User
}

// TB is the part of testing.TB that [NewIdP] and [RunConformance] use, so that this
// package does not import testing: a program (such as "samlaws demo") uses the
// IdP through [New].
type TB interface {
	Helper()
	Cleanup(func())
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// IdP is a test Entra ID tenant with one SAML application: a signing key and
// self-signed certificate (plus, during a rollover, a next certificate), signed
// federation metadata, and minting of responses. Make one with [NewIdP] in a
// test, or [New] in a program. Its methods are safe for
// concurrent use; failures are reported through the TB it was made with. Like httptest.Server's, its exported
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

	t    TB // nil for an IdP made by New
	now  func() time.Time
	rand io.Reader // always a *lockedReader

	keyIndex int // IdPConfig.KeyIndex

	mu       sync.Mutex
	closed   bool
	nextKey  int        // pool index of the next certificate's key
	pairs    []*keyPair // published certificates, in order of creation
	active   int        // index into pairs of the signing pair
	stranger *keyPair
	metadata map[string][]byte // signed metadata by endpoint base URL
	mint     *mint.Builder     // the builder of the active pair, made on first use
	ids      func() string     // IdPConfig.IDs
	own      *keyPair          // IdPConfig.Signer and Certificate, or nil
	wantNext bool
}

// keyPair is a key and its certificate.
type keyPair struct {
	key  crypto.Signer
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

// NewIdP returns a ready IdP and registers its cleanup with t. Failures are
// reported through t.
//
// It costs a few microseconds: keys come from a built-in pool (see
// [IdPConfig.KeyIndex]), and the certificate and metadata are made and signed
// on first use (one RSA signature each).
func NewIdP(t TB, cfg IdPConfig) *IdP {
	t.Helper()
	idp, err := newIdP(t, cfg)
	if err != nil {
		t.Fatalf("%v", err)
		return nil
	}
	t.Cleanup(idp.close)
	return idp
}

// New returns an IdP for use outside a test, as httptest.NewUnstartedServer is
// used: it makes the tenant and application IDs and the signing certificate
// now, returning any error. Later failures of its methods (only a failing
// Rand or IdPConfig.Signer can cause them) panic; [IdP.Mint] returns its
// errors.
func New(cfg IdPConfig) (*IdP, error) {
	idp, err := newIdP(nil, cfg)
	if err != nil {
		return nil, err
	}
	idp.mu.Lock()
	defer idp.mu.Unlock()
	if err := idp.ensureLocked(); err != nil {
		return nil, err
	}
	return idp, nil
}

// newIdP makes the IdP: its clock, stream, IDs and settings. t may be nil.
func newIdP(t TB, cfg IdPConfig) (*IdP, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil && cfg.Seed != 0 {
		var s [32]byte
		for i := range 8 {
			s[i] = byte(cfg.Seed >> (8 * i))
		}
		cfg.Rand = mrand.NewChaCha8(s)
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	idp := &IdP{
		t:        t,
		now:      cfg.Now,
		rand:     &lockedReader{r: cfg.Rand},
		keyIndex: cfg.KeyIndex,
		nextKey:  cfg.KeyIndex,
		wantNext: cfg.NextCertificate,
		ids:      cfg.IDs,
		ACS:      cfg.ACS,
		Audience: cfg.Audience,
	}
	if (cfg.Signer == nil) != (cfg.Certificate == nil) {
		return nil, errors.New("samltest: IdPConfig: Signer and Certificate go together")
	}
	if cfg.Signer != nil {
		pub, ok := cfg.Signer.Public().(*rsa.PublicKey)
		if !ok {
			return nil, errors.New("samltest: IdPConfig: Signer is not an RSA key (C3.1)")
		}
		if cpub, ok := cfg.Certificate.PublicKey.(*rsa.PublicKey); !ok || !cpub.Equal(pub) {
			return nil, errors.New("samltest: IdPConfig: Certificate does not match Signer")
		}
		idp.own = &keyPair{key: cfg.Signer, cert: cfg.Certificate}
	}
	var err error
	idp.TenantID = cfg.TenantID
	if idp.TenantID == "" {
		if idp.TenantID, err = idp.guid(); err != nil {
			return nil, err
		}
	}
	idp.AppID = cfg.AppID
	if idp.AppID == "" {
		if idp.AppID, err = idp.guid(); err != nil {
			return nil, err
		}
	}
	idp.EntityID = "https://sts.windows.net/" + idp.TenantID + "/"
	if idp.ACS == "" {
		idp.ACS = awsendpoint.GlobalSignIn
	}
	if idp.Audience == "" {
		idp.Audience = awsendpoint.GlobalSignIn
	}
	if cfg.User != nil {
		idp.User = *cfg.User
	} else {
		idp.User = DefaultUser()
	}
	return idp, nil
}

// fail reports err: through the IdP's test, or, for an IdP made by New,
// by panicking (see [New]).
func (idp *IdP) fail(err error) {
	if idp.t == nil {
		panic(err)
	}
	idp.t.Helper()
	idp.t.Fatalf("%v", err)
}

// close marks the IdP as finished: minting or metadata after the test ended is a
// bug in the test, and is reported as one.
func (idp *IdP) close() {
	idp.mu.Lock()
	defer idp.mu.Unlock()
	idp.closed = true
	idp.mint = nil
	idp.metadata = nil
}

// checkOpenLocked reports a use after the test's cleanup.
func (idp *IdP) checkOpenLocked() bool {
	if idp.closed {
		idp.t.Errorf("samltest: IdP used after its test finished") // closed is set only by NewIdP's cleanup
		return false
	}
	return true
}

// guid returns a random lower-case version-4 GUID from the IdP's stream.
func (idp *IdP) guid() (string, error) {
	var u [16]byte
	if _, err := io.ReadFull(idp.rand, u[:]); err != nil {
		return "", fmt.Errorf("samltest: reading randomness: %w", err)
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16]), nil
}

// mustGUID is guid, reporting an error with fail.
func (idp *IdP) mustGUID() string {
	g, err := idp.guid()
	if err != nil {
		idp.fail(err)
	}
	return g
}

// ensureLocked makes the active certificate (and the next one, when asked for by
// IdPConfig.NextCertificate) on first use. idp.mu must be held.
func (idp *IdP) ensureLocked() error {
	if len(idp.pairs) > 0 {
		return nil
	}
	p := idp.own
	if p == nil {
		var err error
		if p, err = idp.newPairLocked(); err != nil {
			return err
		}
	}
	idp.pairs = append(idp.pairs, p)
	idp.active = 0
	if idp.wantNext {
		p, err := idp.newPairLocked()
		if err != nil {
			return err
		}
		idp.pairs = append(idp.pairs, p)
	}
	return nil
}

// mustEnsureLocked is ensureLocked, reporting an error with fail.
func (idp *IdP) mustEnsureLocked() {
	if err := idp.ensureLocked(); err != nil {
		idp.fail(err)
	}
}

// newPairLocked makes a certificate for the next pool key, valid from the IdP's
// clock minus certificateBackdate for certificateLifetime.
func (idp *IdP) newPairLocked() (*keyPair, error) {
	key, err := poolKey(idp.nextKey)
	if err != nil {
		return nil, fmt.Errorf("samltest: %w", err)
	}
	idp.nextKey++
	cert, err := idp.selfSign(key)
	if err != nil {
		return nil, err
	}
	return &keyPair{key: key, cert: cert}, nil
}

// selfSign makes an Entra-like self-signed certificate for key: CN
// certificateCommonName, a random 16-byte serial, SHA256-RSA, no extensions.
func (idp *IdP) selfSign(key *rsa.PrivateKey) (*x509.Certificate, error) {
	var serial [16]byte
	if _, err := io.ReadFull(idp.rand, serial[:]); err != nil {
		return nil, fmt.Errorf("samltest: reading randomness: %w", err)
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
		return nil, fmt.Errorf("samltest: creating certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("samltest: parsing certificate: %w", err)
	}
	return cert, nil
}

// Certificate returns the certificate that currently signs. Its PEM form, as
// Entra's "Certificate (Base64)" download has it, is
// pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: idp.Certificate().Raw}).
func (idp *IdP) Certificate() *x509.Certificate {
	idp.mu.Lock()
	defer idp.mu.Unlock()
	idp.mustEnsureLocked()
	return idp.pairs[idp.active].cert
}

// Signer returns the key that currently signs: [IdPConfig].Signer, or a public
// test key of the built-in pool (see [IdPConfig.KeyIndex]), an
// *rsa.PrivateKey. A tool under
// test that mints with it (for example "samlaws mint --key") takes its PKCS#8
// PEM form: x509.MarshalPKCS8PrivateKey, then a "PRIVATE KEY" PEM block.
func (idp *IdP) Signer() crypto.Signer {
	idp.mu.Lock()
	defer idp.mu.Unlock()
	idp.mustEnsureLocked()
	return idp.pairs[idp.active].key
}

// Certificates returns every certificate published in the metadata, in the order
// they were made (during a rollover: the current one, then the next one). The
// next certificate, published but not yet signing, is the last one when it is
// not [IdP.Certificate].
func (idp *IdP) Certificates() []*x509.Certificate {
	idp.mu.Lock()
	defer idp.mu.Unlock()
	idp.mustEnsureLocked()
	out := make([]*x509.Certificate, len(idp.pairs))
	for i, p := range idp.pairs {
		out[i] = p.cert
	}
	return out
}

// AddNextCertificate makes a new certificate (with the next key of the pool) and
// publishes it in the metadata beside the current one, without signing with it:
// Entra's "new certificate, inactive" state (C3.2, C3.4).
func (idp *IdP) AddNextCertificate() *x509.Certificate {
	idp.mu.Lock()
	defer idp.mu.Unlock()
	idp.mustEnsureLocked()
	p, err := idp.newPairLocked()
	if err != nil {
		idp.fail(err)
		return nil
	}
	idp.pairs = append(idp.pairs, p)
	idp.changedLocked()
	return p.cert
}

// ActivateNextCertificate makes the newest published certificate the signing
// one ("Make certificate active", C3.2). The previous certificate stays
// published until [IdP.RemoveInactiveCertificates]. It fails the test when there
// is no next certificate.
func (idp *IdP) ActivateNextCertificate() {
	if idp.t != nil {
		idp.t.Helper()
	}
	idp.mu.Lock()
	defer idp.mu.Unlock()
	idp.mustEnsureLocked()
	if idp.active == len(idp.pairs)-1 {
		idp.fail(errors.New("samltest: ActivateNextCertificate: no next certificate; call AddNextCertificate first"))
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
	idp.mustEnsureLocked()
	idp.pairs = []*keyPair{idp.pairs[idp.active]}
	idp.active = 0
	idp.changedLocked()
}

// changedLocked drops what depends on the certificates.
func (idp *IdP) changedLocked() {
	idp.metadata = nil
	idp.mint = nil
}

// OtherSigner returns a key and certificate that the IdP never publishes: the
// certificate has the same subject as the IdP's, but a different key. Use it for
// "signed by another key" tests (D4.6).
func (idp *IdP) OtherSigner() (crypto.Signer, *x509.Certificate) {
	idp.mu.Lock()
	defer idp.mu.Unlock()
	if idp.stranger == nil {
		key, err := poolKey(idp.keyIndex + testkeys.PoolSize/2)
		if err != nil {
			idp.fail(fmt.Errorf("samltest: %w", err))
			return nil, nil
		}
		cert, err := idp.selfSign(key)
		if err != nil {
			idp.fail(err)
			return nil, nil
		}
		idp.stranger = &keyPair{key: key, cert: cert}
	}
	return idp.stranger.key, idp.stranger.cert
}

// builder returns the minter configured with the IdP's signing key and
// certificate, entity ID, tenant, clock and randomness, made on first use and
// again when the signing certificate changes; nil after the IdP's test ended.
func (idp *IdP) builder() *mint.Builder {
	if idp.t != nil {
		idp.t.Helper()
	}
	idp.mu.Lock()
	defer idp.mu.Unlock()
	idp.mustEnsureLocked()
	if !idp.checkOpenLocked() {
		return nil
	}
	if idp.mint == nil {
		p := idp.pairs[idp.active]
		b, err := mint.NewBuilder(mint.BuilderConfig{
			Signer:       p.key,
			Certificates: []*x509.Certificate{p.cert},
			TenantID:     idp.TenantID,
			Issuer:       idp.EntityID,
			Now:          idp.now,
			Rand:         idp.rand,
			IDs:          idp.ids,
		})
		if err != nil {
			idp.fail(fmt.Errorf("samltest: %w", err))
			return nil
		}
		idp.mint = b
	}
	return idp.mint
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

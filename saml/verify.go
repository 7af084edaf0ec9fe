package saml

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // thumbprints in hints, as Entra and AWS show them
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/awsendpoint"
	"github.com/samlaws/samlaws/internal/textclip"
	"github.com/samlaws/samlaws/metadata"
)

// Defaults used by NewVerifier for zero VerifierConfig fields.
const (
	// defaultClockSkew is the allowed difference between the IdP's clock and
	// ours (D5.4), VerifierConfig.ClockSkew's default.
	defaultClockSkew = 5 * time.Minute
	// defaultMaxIssueAge, VerifierConfig.MaxIssueAge's default, is how old
	// (by IssueInstant) a response may be in
	// AWS-compatible mode: STS answers "Token must be redeemed within 5 minutes
	// of issuance" (A4.4).
	defaultMaxIssueAge = 5 * time.Minute
	// defaultReplayCacheSize is the capacity of NewReplayCache(0, ...), the
	// cache NewVerifier creates when VerifierConfig.ReplayCache is nil.
	defaultReplayCacheSize = 100000
)

// The algorithm identifiers (D4.3-D4.5) are metadata's: metadata.AlgRSASHA256,
// metadata.AlgDigestSHA256, ... (declared once, issue 15).

// supportedAlgs maps every algorithm this package can verify to its hash.
var supportedAlgs = map[string]crypto.Hash{
	metadata.AlgRSASHA1: crypto.SHA1, metadata.AlgRSASHA256: crypto.SHA256, metadata.AlgRSASHA384: crypto.SHA384, metadata.AlgRSASHA512: crypto.SHA512,
	metadata.AlgDigestSHA1: crypto.SHA1, metadata.AlgDigestSHA256: crypto.SHA256, metadata.AlgDigestSHA384: crypto.SHA384, metadata.AlgDigestSHA512: crypto.SHA512,
}

// ReplayCache remembers assertion IDs until they expire (D5.3). Implementations
// must be safe for concurrent use and make Consume atomic.
type ReplayCache interface {
	// Consume records id as used until expires and reports whether it was
	// unused before (true: first use; false: replay). An error rejects the
	// assertion (fail closed).
	Consume(ctx context.Context, id string, expires time.Time) (bool, error)
}

// VerifierConfig configures a [Verifier]. Only IdPEntityID and Certificates are
// required; every other zero value has a safe default, documented per field.
type VerifierConfig struct {
	// IdPEntityID is the trusted IdP's entityID, for Entra
	// "https://sts.windows.net/<tenant-id>/". The Assertion Issuer, and the
	// Response Issuer when present, must equal it exactly (D1.7). Required.
	IdPEntityID string

	// Certificates are the IdP's signing certificates from its metadata: all of
	// them, so that a certificate rollover keeps working (A5.1, C3). Only these
	// keys ever verify a signature; a certificate inside the response's
	// KeyInfo is untrusted and at most selects one of these by exact bytes
	// (D4.6). Certificate validity dates are not checked, as AWS does not
	// check them either. Required: at least one RSA certificate.
	Certificates []*x509.Certificate

	// Audiences are the accepted Audience values (A1.6, A1.7). Entra
	// identifiers with an instance suffix ("https://signin.aws.amazon.com/saml#2")
	// may be given as they are: the suffix is dropped here and in the response
	// (federation.ParseIdentifier, without its "#N"). Default (when Audiences and Partitions
	// are both empty): https://signin.aws.amazon.com/saml, urn:amazon:webservices and the regional sign-in
	// endpoints of the commercial partition (federation.CheckAudience).
	Audiences []string

	// Recipients are the accepted Response Destination and bearer
	// SubjectConfirmationData Recipient values, compared exactly (A1.8, D1.2).
	// Default (when Recipients and Partitions are both empty): what AWS
	// accepts in the commercial partition (A1.1, A1.2): https://signin.aws.amazon.com/saml,
	// https://signin.aws.amazon.com/static/saml and every regional endpoint
	// https://{region}.signin.aws.amazon.com/saml, exact hosts only
	// (federation.ParseSignInEndpoint: no ports, look-alike hosts or other
	// paths). AWS recommends the regional endpoints; the provider-specific ACS
	// of an encrypted provider is accepted only with ProviderID.
	Recipients []string

	// Partitions, when not empty, also accepts every AWS sign-in SAML
	// endpoint of these partitions (global, static and regional, and the
	// provider-specific ACS of encrypted providers: federation.ParseSignInEndpoint)
	// as Destination and Recipient, and every audience AWS accepts for them
	// (federation.CheckAudience), in addition to Recipients and Audiences.
	// With Partitions set, the commercial-partition defaults above no longer apply, so that
	// for example only aws-cn endpoints are accepted for aws-cn.
	Partitions []awsrole.Partition

	// Now returns the current time. Default: time.Now.
	Now func() time.Time

	// ClockSkew is the tolerance applied to every time comparison (D5.4).
	// Default (0): 5 minutes, except in AWS-compatible mode, where an
	// unset ClockSkew grants no grace after NotOnOrAfter (STS answered
	// "Response has expired" for a response redeemed after its NotOnOrAfter
	// in a field report, Versent/saml2aws#759; AWS publishes no skew, A4.4)
	// and 5 minutes before NotBefore and IssueInstant. Negative
	// values are rejected.
	ClockSkew time.Duration

	// AllowSHA1 also accepts RSA-SHA1 signatures and SHA-1 digests (A5.3).
	// Default: false, so only SHA-256 (and stronger, see Algorithms) verify.
	AllowSHA1 bool

	// Algorithms, when not empty, replaces the default allow-list of
	// SignatureMethod and DigestMethod URIs (the Alg* constants). Default:
	// metadata.AlgRSASHA256, metadata.AlgDigestSHA256, metadata.AlgRSASHA512 and metadata.AlgDigestSHA512, plus the SHA-1 pair
	// when AllowSHA1 is set. Unknown URIs are rejected by NewVerifier.
	Algorithms []string

	// DecryptionKeys are the SP private keys for EncryptedAssertion (A5.7, at
	// most 2 in AWS, A5.8). Each is tried in turn. Default: none, so an
	// encrypted assertion is rejected.
	DecryptionKeys []*rsa.PrivateKey

	// RequireEncryption accepts only encrypted assertions (D5.2), as an IAM
	// SAML provider whose AssertionEncryptionMode is Required does (A5.6); it
	// needs at least one DecryptionKey. Default: false, the mode Allowed:
	// plaintext and encrypted assertions are accepted, encrypted ones only
	// with a DecryptionKey.
	RequireEncryption bool

	// ProviderID is the unique ID of the IAM SAML provider (its
	// SAMLProviderUUID, such as SAMLSPD9IMTW2LM46J042K). AWS documents the
	// provider-specific ACS https://{region}.signin.aws.amazon.com/saml/acs/{ID}
	// for providers that require encrypted assertions (A1.4), so with
	// ProviderID set that ACS, global and regional (exact hosts), is also an
	// accepted Recipient and Destination. Whether AWS then refuses the plain
	// endpoint is not documented; it stays accepted. Default: none.
	ProviderID string

	// ReplayCache records assertion IDs (D5.3): NewReplayCache's in-memory
	// cache (to size it, or to share it between Verifiers), or a store that
	// several processes share. Default: NewReplayCache(0, Now), one per
	// Verifier; when it is full of IDs that have not expired, Verify fails
	// closed with ErrReplay (code "replay_cache_full") rather than forget one.
	ReplayCache ReplayCache

	// SkipReplayCheck disables the replay check, as AWS STS itself does not
	// reject a reused assertion (A4.6). Default: false (replays are rejected).
	SkipReplayCheck bool

	// AWSCompatible models what STS does where it differs from a SAML
	// service provider: the Response and Assertion IssueInstant must be at
	// most MaxIssueAge old (STS: ExpiredTokenException "Token must be
	// redeemed within 5 minutes of issuance", A4.4), measured without
	// ClockSkew; no grace after NotOnOrAfter unless ClockSkew is set (see
	// ClockSkew); and InResponseTo is accepted without request IDs, because
	// AWS keeps no AuthnRequest state and accepts the answers to
	// SP-initiated sign-ins (D1.6; request IDs given to Verify are still checked). The
	// replay check stays on (set SkipReplayCheck to mirror STS, which accepts
	// a reused assertion, A4.6). Default: false; "samlaws check" turns it on.
	AWSCompatible bool

	// MaxIssueAge is the IssueInstant freshness window in AWS-compatible mode,
	// compared without ClockSkew. Default (0): 5 minutes.
	MaxIssueAge time.Duration
}

// Verifier verifies SAML responses from one IdP for AWS. It is immutable after
// NewVerifier and safe for concurrent use by multiple goroutines.
type Verifier struct {
	issuer       string
	certs        []*x509.Certificate
	audiences    []string
	recipients   map[string]bool
	recipList    []string
	now          func() time.Time
	skew         time.Duration
	algs         map[string]crypto.Hash
	sha1         bool
	keys         []*rsa.PrivateKey
	requireEnc   bool
	replay       ReplayCache
	skipReplay   bool
	awsMode      bool
	maxIssueAge  time.Duration
	thumbprints  []string
	recipientMsg string
	partitions   []awsrole.Partition
	// expirySkew is the grace after NotOnOrAfter (see ClockSkew).
	expirySkew time.Duration
	// awsDefaultRecipients and awsDefaultAudiences: no Recipients (or
	// Audiences) nor Partitions were configured, so the commercial
	// partition's endpoints are accepted (A1.2).
	awsDefaultRecipients, awsDefaultAudiences bool
	// providerID is VerifierConfig.ProviderID.
	providerID string
	// dummySecret keys the dummy content key of a failed key unwrap
	// (decrypt.go); derived from the decryption keys, never shown.
	dummySecret [32]byte
	// dummySigs and decoys: what the failures of decryption work on
	// (decrypt.go, newDecoy).
	dummySigs [][]byte
	decoys    *decoySet
	// pad holds the response-time floor of decryption failures
	// (decrypt_pad.go).
	pad *failurePad
}

// NewVerifier checks cfg and returns a Verifier. A configuration error is a
// *ValidationError of category ErrConfig (its AWS field empty: it is not about
// a response), naming the field and, where one applies, the rule.
func NewVerifier(cfg VerifierConfig) (*Verifier, error) {
	v := &Verifier{
		issuer:     cfg.IdPEntityID,
		now:        cfg.Now,
		skew:       cfg.ClockSkew,
		requireEnc: cfg.RequireEncryption,
		replay:     cfg.ReplayCache,
		skipReplay: cfg.SkipReplayCheck,
		awsMode:    cfg.AWSCompatible,
		sha1:       cfg.AllowSHA1,
	}
	if strings.TrimSpace(cfg.IdPEntityID) == "" || cfg.IdPEntityID != strings.TrimSpace(cfg.IdPEntityID) {
		return nil, configErr("IdPEntityID must be set, without surrounding white space")
	}
	if len(cfg.Certificates) == 0 {
		return nil, configErr("at least one IdP signing certificate is required (A5.1)")
	}
	for i, c := range cfg.Certificates {
		if c == nil {
			return nil, configErr(fmt.Sprintf("Certificates[%d] is nil", i))
		}
		pk, ok := c.PublicKey.(*rsa.PublicKey)
		if !ok {
			return nil, configErr(fmt.Sprintf("Certificates[%d] does not hold an RSA public key", i))
		}
		if pk.N.BitLen() < 1024 {
			return nil, configErr(fmt.Sprintf("Certificates[%d] has a key of %d bits; AWS needs at least 1024 (A5.4)", i, pk.N.BitLen()))
		}
		v.certs = append(v.certs, c)
		v.thumbprints = append(v.thumbprints, thumbprint(c))
	}
	for _, p := range cfg.Partitions {
		if _, err := federation.SignInEndpoint(p, ""); err != nil {
			return nil, configErrCause("partition: "+err.Error(), err)
		}
		v.partitions = append(v.partitions, p)
	}
	auds := cfg.Audiences
	if len(auds) == 0 && len(v.partitions) == 0 {
		auds = []string{awsendpoint.GlobalSignIn, awsendpoint.SPEntityID}
		v.awsDefaultAudiences = true
	}
	for _, a := range auds {
		id, err := federation.ParseIdentifier(a)
		if err != nil {
			return nil, configErrCause("audience: "+err.Error(), err)
		}
		v.audiences = append(v.audiences, id.Audience)
	}
	recips := cfg.Recipients
	if len(recips) == 0 && len(v.partitions) == 0 {
		recips = []string{awsendpoint.GlobalSignIn}
		v.awsDefaultRecipients = true
	}
	v.recipients = make(map[string]bool, len(recips))
	for _, r := range recips {
		if r == "" || strings.ContainsAny(r, " \t\r\n#") {
			return nil, configErr("a recipient must be a non-empty URL without white space or fragment")
		}
		v.recipients[r] = true
		v.recipList = append(v.recipList, r)
	}
	if cfg.ProviderID != "" {
		ep, err := federation.ParseSignInEndpoint(awsendpoint.GlobalSignIn + "/acs/" + cfg.ProviderID)
		if err != nil || ep.ProviderID != cfg.ProviderID {
			return nil, configErr("ProviderID must be the IAM SAML provider's unique ID: 22-64 characters of [A-Z0-9] (A1.4)")
		}
		v.providerID = cfg.ProviderID
		v.recipList = append([]string{awsendpoint.GlobalSignIn + "/acs/" + cfg.ProviderID}, v.recipList...)
		v.recipients[awsendpoint.GlobalSignIn+"/acs/"+cfg.ProviderID] = true
	}
	v.recipientMsg = strings.Join(v.recipList, ", ")
	if v.awsDefaultRecipients {
		v.recipientMsg += ", " + awsendpoint.GlobalStaticSignIn + ", " + awsRegionalRecipient
	}
	for _, p := range v.partitions {
		if v.recipientMsg != "" {
			v.recipientMsg += ", "
		}
		v.recipientMsg += "any sign-in endpoint of partition " + string(p)
	}
	if v.now == nil {
		v.now = time.Now
	}
	if v.skew < 0 {
		return nil, configErr("ClockSkew must not be negative")
	}
	v.expirySkew = v.skew
	if v.skew == 0 {
		v.skew = defaultClockSkew
		v.expirySkew = defaultClockSkew
		if v.awsMode {
			v.expirySkew = 0
		}
	}
	v.maxIssueAge = cfg.MaxIssueAge
	if v.maxIssueAge < 0 {
		return nil, configErr("MaxIssueAge must not be negative")
	}
	if v.maxIssueAge == 0 {
		v.maxIssueAge = defaultMaxIssueAge
	}
	v.algs = map[string]crypto.Hash{}
	algs := cfg.Algorithms
	if len(algs) == 0 {
		algs = []string{metadata.AlgRSASHA256, metadata.AlgDigestSHA256, metadata.AlgRSASHA512, metadata.AlgDigestSHA512}
	}
	if cfg.AllowSHA1 {
		algs = append(algs[:len(algs):len(algs)], metadata.AlgRSASHA1, metadata.AlgDigestSHA1)
	}
	for _, a := range algs {
		h, ok := supportedAlgs[a]
		if !ok {
			return nil, configErr("unsupported algorithm " + quoteShort(a))
		}
		if h == crypto.SHA1 && !cfg.AllowSHA1 {
			return nil, configErr("SHA-1 algorithms need AllowSHA1 (A5.3)")
		}
		v.algs[a] = h
	}
	for i, k := range cfg.DecryptionKeys {
		if k == nil {
			return nil, configErr(fmt.Sprintf("DecryptionKeys[%d] is nil", i))
		}
		if err := k.Validate(); err != nil {
			return nil, configErr(fmt.Sprintf("DecryptionKeys[%d] is not a valid RSA key", i))
		}
		v.keys = append(v.keys, k)
	}
	if len(v.keys) > 0 {
		h := sha256.New()
		h.Write([]byte("samlaws dummy content key\x00"))
		for _, k := range v.keys {
			h.Write(k.D.Bytes())
		}
		copy(v.dummySecret[:], h.Sum(nil))
		if err := v.newDecoy(); err != nil {
			return nil, configErr("DecryptionKeys: cannot prepare decryption: " + err.Error())
		}
		v.pad = newFailurePad()
	}
	if v.requireEnc && len(v.keys) == 0 {
		return nil, configErr("RequireEncryption needs at least one DecryptionKey (A5.9)")
	}
	if v.replay == nil && !v.skipReplay {
		v.replay = newMemoryReplayCache(0, v.now)
	}
	return v, nil
}

// configErr is a configuration error: a *ValidationError of category
// ErrConfig whose message reads "saml: invalid verifier configuration: msg".
func configErr(msg string) error {
	return configErrCause(msg, nil)
}

// configErrCause is configErr wrapping cause (a federation error), whose text
// msg repeats (configuration values only, never assertion content).
func configErrCause(msg string, cause error) *ValidationError {
	return &ValidationError{Kind: ErrConfig, Reason: "invalid verifier configuration: " + msg, Err: cause}
}

// thumbprint returns the SHA-1 thumbprint of c in upper-case hex, as the Entra
// portal and Windows show it.
func thumbprint(c *x509.Certificate) string {
	sum := sha1.Sum(c.Raw) //nolint:gosec // identification only
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// Verify decodes raw (the SAMLResponse form value in base64, with or without
// line breaks, or the Response XML), checks it as AWS sign-in and STS would
// (rules A1-A6 and D1-D5, docs/rules.md) and returns the assertion read only from the
// element a verified signature covers.
//
// requestIDs are the IDs of the AuthnRequests this service provider sent, for
// an SP-initiated flow (D1.6): with any given, the bearer
// SubjectConfirmationData must carry InResponseTo equal to one of them, and
// so must the Response when it carries one. With none, a response carrying
// InResponseTo is refused, except in AWS-compatible mode: AWS keeps no
// request state and accepts the answer to an SP-initiated sign-in (the Entra
// AWS app supports SP-initiated SSO; tools such as aws-azure-login send an
// AuthnRequest and pass the answer to STS), so that mode accepts it
// unchecked.
//
// Every error is a *ValidationError wrapping one category sentinel (ErrExpired,
// ErrSignature, ...). The replay check runs last, after every other check
// passed (D5.3). ctx is passed to the ReplayCache.
func (v *Verifier) Verify(ctx context.Context, raw []byte, requestIDs ...string) (*Assertion, error) {
	c := &checker{v: v, now: v.now(), requestIDs: requestIDs}
	a := c.run(raw)
	if len(c.problems) > 0 {
		return nil, c.problems[0]
	}
	if !v.skipReplay {
		if err := v.consume(ctx, a); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// Diagnose runs every check of Verify on raw and reports every problem found,
// not only the first, for troubleshooting ("would AWS accept this, and if not,
// why"). It does not consult or update the replay cache. Checks that depend on
// a failed step (for example attribute checks when the XML cannot be parsed)
// are skipped; checks after a failed signature still run, on the unverified
// content, so that the report is complete, but Report.Assertion is set only
// when the response is accepted. requestIDs are as for Verify.
func (v *Verifier) Diagnose(ctx context.Context, raw []byte, requestIDs ...string) *Report {
	c := &checker{v: v, now: v.now(), all: true, requestIDs: requestIDs}
	a := c.run(raw)
	r := &Report{Problems: c.problems, Omitted: c.omitted}
	if len(c.problems) == 0 && a != nil {
		r.Accepted = true
		r.Assertion = a
	}
	return r
}

func (v *Verifier) consume(ctx context.Context, a *Assertion) error {
	// Remember the ID until the latest time the assertion could still be
	// accepted (D5.3): the earliest NotOnOrAfter plus skew.
	exp := a.SubjectNotOnOrAfter
	if !a.NotOnOrAfter.IsZero() && a.NotOnOrAfter.Before(exp) {
		exp = a.NotOnOrAfter
	}
	exp = exp.Add(v.skew)
	fresh, err := v.replay.Consume(ctx, a.Issuer+"\x00"+a.ID, exp)
	if errors.Is(err, errReplayCacheFull) {
		return newErr(errReplayCacheFull, "D5.3", "replay cache is full of unexpired assertion IDs",
			"give the replay cache more room (NewReplayCache with a larger size)").withSetting("ReplayCache")
	}
	if err != nil {
		return newErr(ErrReplay, "D5.3", "replay cache failed", "check the replay cache backend").withCause(err)
	}
	if !fresh {
		return newErr(ErrReplay, "D5.3", "assertion ID was already used",
			"each SAML response may be used once; sign in again at the IdP to get a new one")
	}
	return nil
}

// quoteShort quotes at most 80 bytes of s (cut at a rune boundary) with
// every character but printable ASCII escaped; used only for configuration
// values and algorithm URIs, never for assertion content.
func quoteShort(s string) string {
	cut := textclip.Prefix(s, 80)
	q := strconv.QuoteToASCII(cut)
	if len(cut) < len(s) {
		q += "..."
	}
	return q
}

// recipientWant lists the accepted Destination and Recipient values, for
// ValidationError.Values.
func (v *Verifier) recipientWant() []string {
	w := append([]string(nil), v.recipList...)
	if v.awsDefaultRecipients {
		w = append(w, awsendpoint.GlobalStaticSignIn, awsRegionalRecipient)
	}
	if v.providerID != "" {
		w = append(w, "https://<region>.signin.aws.amazon.com/saml/acs/"+v.providerID)
	}
	for _, p := range v.partitions {
		w = append(w, "any sign-in endpoint of partition "+string(p))
	}
	return w
}

// audienceWant lists the accepted audiences, for ValidationError.Values.
func (v *Verifier) audienceWant() []string {
	w := append([]string(nil), v.audiences...)
	if v.awsDefaultAudiences {
		w = append(w, awsRegionalRecipient)
	}
	for _, p := range v.partitions {
		w = append(w, "any audience AWS accepts in partition "+string(p))
	}
	return w
}

var errNoMatch = errors.New("no match")

// recipientOK reports whether r is an accepted Destination or Recipient.
func (v *Verifier) recipientOK(r string) bool {
	if v.recipients[r] {
		return true
	}
	if v.awsDefaultRecipients || v.providerID != "" {
		// A1.1, A1.2: the global, static and regional endpoints of the aws
		// partition, exact hosts; A1.4: the provider-specific ACS, global or
		// regional, only for the configured provider.
		if ep, err := federation.ParseSignInEndpoint(r); err == nil && ep.Partition == awsrole.PartitionAWS &&
			((v.awsDefaultRecipients && ep.ProviderID == "") || (v.providerID != "" && ep.ProviderID == v.providerID)) {
			return true
		}
	}
	if ep, err := federation.ParseSignInEndpoint(r); err == nil {
		for _, p := range v.partitions {
			if ep.Partition == p {
				return true
			}
		}
	}
	return false
}

// awsRegionalRecipient describes the regional endpoints in messages.
const awsRegionalRecipient = "https://<region>.signin.aws.amazon.com/saml"

// audienceOK reports whether aud is an accepted audience.
func (v *Verifier) audienceOK(aud string) bool {
	if id, err := federation.ParseIdentifier(aud); err == nil {
		for _, want := range v.audiences { // each an Identifier's Audience
			if id.Audience == want {
				return true
			}
		}
	}
	if v.awsDefaultAudiences && federation.CheckAudience(awsrole.PartitionAWS, aud) == nil {
		return true
	}
	for _, p := range v.partitions {
		if federation.CheckAudience(p, aud) == nil {
			return true
		}
	}
	return false
}

package metadata

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/samlaws/samlaws/internal/setdiff"
)

func parseCert(der []byte) (*x509.Certificate, error) { return x509.ParseCertificate(der) }

// Location says where a certificate appears in a document.
type Location struct {
	// EntityID of the entity holding the certificate ("" for an aggregate's own
	// signature).
	EntityID string
	// Element is "IDPSSODescriptor", "SPSSODescriptor", "RoleDescriptor" (with
	// the WS-Fed type in RoleType) or "Signature" (the KeyInfo of the
	// document's own signature).
	Element  string
	RoleType string // WS-Fed RoleDescriptor type, for Element "RoleDescriptor"
	// Use is the KeyDescriptor's use ("signing", "encryption", or "" for
	// unspecified); "" for Signature.
	Use string
}

// String renders the location compactly, e.g. "IDPSSODescriptor/KeyDescriptor[use=signing]".
func (l Location) String() string {
	el := l.Element
	if l.RoleType != "" {
		el += "(" + l.RoleType + ")"
	}
	if l.Element == "Signature" {
		return el + "/KeyInfo"
	}
	use := l.Use
	if use == "" {
		use = "unspecified"
	}
	return el + "/KeyDescriptor[use=" + use + "]"
}

// Certificate is one distinct certificate of a document, with the facts Entra
// and IAM users look at.
type Certificate struct {
	// DER is the certificate as published.
	DER []byte
	// X509 is the parsed certificate, or nil when it does not parse (then
	// ParseError says why and the other X.509 fields are zero).
	X509       *x509.Certificate
	ParseError string // why the certificate does not parse ("" when it does)
	// Locations lists every place the certificate appears (C1.5: Entra
	// publishes the same certificates in the WS-Fed and SAML sections).
	Locations []Location
	// Signing is true when some KeyDescriptor allows signing with it (use
	// "signing" or unspecified); Encryption likewise.
	Signing, Encryption bool
	// SignsDocument is true when it appears in the KeyInfo of the document's
	// own signature or, in an aggregate, of an entity's own signature
	// (Location.EntityID says whose). KeyInfo only says who claims to have
	// signed; see Document.Verify and Document.EntitySignatures.
	SignsDocument bool
	Subject       string // subject DN (RFC 2253 form)
	Issuer        string // issuer DN
	// Serial is the serial number in upper-case hex.
	Serial string
	// SHA1 is the SHA-1 thumbprint in upper-case hex without separators, as the
	// Entra portal shows it; SHA256 likewise for SHA-256.
	SHA1, SHA256        string
	NotBefore, NotAfter time.Time // validity period, UTC
	// KeyType is "RSA", "ECDSA", "Ed25519" or "unknown"; KeyBits its size.
	KeyType string
	KeyBits int // key size in bits
}

// Thumbprints of a DER certificate, upper-case hex.
func thumbprints(der []byte) (sha1hex, sha256hex string) {
	s1 := sha1.Sum(der)
	s2 := sha256.Sum256(der)
	return strings.ToUpper(hex.EncodeToString(s1[:])), strings.ToUpper(hex.EncodeToString(s2[:]))
}

// NormalizeThumbprint upper-cases a hex thumbprint and removes ':' , ' ' and
// '-' separators. It returns "" unless the result is 40 (SHA-1) or 64
// (SHA-256) hex digits.
func NormalizeThumbprint(tp string) string {
	tp = strings.ToUpper(strings.Map(func(r rune) rune {
		switch r {
		case ':', ' ', '-':
			return -1
		}
		return r
	}, tp))
	if len(tp) != 40 && len(tp) != 64 {
		return ""
	}
	if _, err := hex.DecodeString(tp); err != nil {
		return ""
	}
	return tp
}

// Matches reports whether tp (SHA-1 or SHA-256 hex, any case, separators
// allowed) is this certificate's thumbprint.
func (c *Certificate) Matches(tp string) bool {
	tp = NormalizeThumbprint(tp)
	return tp != "" && (tp == c.SHA1 || tp == c.SHA256)
}

// NewCertificate builds the facts for one DER certificate (no locations).
func NewCertificate(der []byte) Certificate {
	c := Certificate{DER: der}
	c.SHA1, c.SHA256 = thumbprints(der)
	x, err := parseCert(der)
	if err != nil {
		c.ParseError = err.Error()
		c.KeyType = "unknown"
		return c
	}
	c.X509 = x
	c.Subject = x.Subject.String()
	c.Issuer = x.Issuer.String()
	c.Serial = strings.ToUpper(x.SerialNumber.Text(16))
	c.NotBefore, c.NotAfter = x.NotBefore.UTC(), x.NotAfter.UTC()
	switch k := x.PublicKey.(type) {
	case *rsa.PublicKey:
		c.KeyType, c.KeyBits = "RSA", k.N.BitLen()
	case *ecdsa.PublicKey:
		c.KeyType, c.KeyBits = "ECDSA", k.Curve.Params().BitSize
	case ed25519.PublicKey:
		c.KeyType, c.KeyBits = "Ed25519", 256
	default:
		c.KeyType = "unknown"
	}
	return c
}

// CertState is a certificate's validity state at a given time.
type CertState string

// Certificate states. StateExpiring starts at Entra's first notification, 60
// days before expiry (spec C3.3); Entra notifies again at 30 and 7 days, which
// NotAfter.Sub(now) tells.
const (
	StateValid       CertState = "valid"         // valid, more than 60 days left
	StateExpiring    CertState = "expiring"      // valid, 60 days or less left
	StateExpired     CertState = "expired"       // at or after NotAfter
	StateNotYetValid CertState = "not-yet-valid" // before NotBefore
	StateUnparseable CertState = "unparseable"   // not an X.509 certificate
)

// State returns the certificate's state at now (C3.3).
func (c *Certificate) State(now time.Time) CertState {
	if c.X509 == nil {
		return StateUnparseable
	}
	switch left := c.NotAfter.Sub(now); {
	case now.Before(c.NotBefore):
		return StateNotYetValid
	case left <= 0:
		return StateExpired
	case left <= 60*24*time.Hour:
		return StateExpiring
	}
	return StateValid
}

// ValidAt reports whether now is inside the certificate's validity period.
func (c *Certificate) ValidAt(now time.Time) bool {
	return c.X509 != nil && !now.Before(c.NotBefore) && !now.After(c.NotAfter)
}

// inventory collects certificates in document order, merged by DER.
type inventory struct {
	list  []Certificate
	index map[string]int
}

func (inv *inventory) add(der []byte, loc Location) {
	if inv.index == nil {
		inv.index = map[string]int{}
	}
	i, ok := inv.index[string(der)]
	if !ok {
		inv.list = append(inv.list, NewCertificate(der))
		i = len(inv.list) - 1
		inv.index[string(der)] = i
	}
	c := &inv.list[i]
	for _, l := range c.Locations {
		if l == loc {
			return
		}
	}
	c.Locations = append(c.Locations, loc)
	switch {
	case loc.Element == "Signature":
		c.SignsDocument = true
	case loc.Use == "signing":
		c.Signing = true
	case loc.Use == "encryption":
		c.Encryption = true
	default:
		c.Signing, c.Encryption = true, true
	}
}

func (inv *inventory) addKDs(entityID, element, roleType string, kds []KeyDescriptor) {
	for _, kd := range kds {
		for _, der := range kd.Certificates {
			inv.add(der, Location{EntityID: entityID, Element: element, RoleType: roleType, Use: kd.Use})
		}
	}
}

func (inv *inventory) addEntity(e *EntityDescriptor) {
	for _, r := range e.RoleDescriptors {
		inv.addKDs(e.EntityID, "RoleDescriptor", r.Type, r.KeyDescriptors)
	}
	for _, d := range e.IDPSSODescriptors {
		inv.addKDs(e.EntityID, "IDPSSODescriptor", "", d.KeyDescriptors)
	}
	for _, d := range e.SPSSODescriptors {
		inv.addKDs(e.EntityID, "SPSSODescriptor", "", d.KeyDescriptors)
	}
	if e.signature != nil {
		for _, der := range e.signature.Certificates {
			inv.add(der, Location{EntityID: e.EntityID, Element: "Signature"})
		}
	}
}

// Certificates returns every distinct certificate in the document (KeyDescriptors
// of every role of every entity, and the KeyInfo of the document's own
// signature), in order of first appearance.
func (d *Document) Certificates() []Certificate {
	var inv inventory
	if d.Aggregate != nil && d.Aggregate.signature != nil {
		for _, der := range d.Aggregate.signature.Certificates {
			inv.add(der, Location{Element: "Signature"})
		}
	}
	for _, e := range d.Entities() {
		inv.addEntity(e)
	}
	return inv.list
}

// Certificates returns the entity's distinct certificates.
func (e *EntityDescriptor) Certificates() []Certificate {
	var inv inventory
	inv.addEntity(e)
	return inv.list
}

// SigningCertificates returns the certificates a SAML IdP signs with: those
// of the IDPSSODescriptors usable for signing or, for a WS-Federation-only
// entity (no IDPSSODescriptor), those of its security token service
// RoleDescriptors.
func (e *EntityDescriptor) SigningCertificates() []Certificate {
	ders := e.idpSigningCertificates()
	if len(e.IDPSSODescriptors) == 0 {
		var kds []KeyDescriptor
		for _, r := range e.RoleDescriptors {
			if r.Type == roleTypeSecurityTokenService {
				kds = append(kds, r.KeyDescriptors...)
			}
		}
		ders = signingCerts(kds)
	}
	all := e.Certificates()
	var out []Certificate
	for _, der := range ders {
		for _, c := range all {
			if string(c.DER) == string(der) {
				out = append(out, c)
			}
		}
	}
	return out
}

// RolloverState summarises the signing certificates at a point in time.
type RolloverState string

// Rollover states.
const (
	// RolloverNone: exactly one valid signing certificate, nothing else published.
	RolloverNone RolloverState = "single"
	// RolloverNextPublished: besides the current certificate, another valid
	// signing certificate is published (C3.4: add it to AWS before Entra
	// activates it).
	RolloverNextPublished RolloverState = "next-published"
	// RolloverCurrentExpired: the current certificate has expired but a valid
	// one is published; Entra then signs with the valid one (C3.2).
	RolloverCurrentExpired RolloverState = "current-expired-next-available"
	// RolloverNoValid: no signing certificate is valid at that time, or the
	// entity publishes none (then Current is nil and Next empty).
	RolloverNoValid RolloverState = "no-valid-certificate"
)

// Rollover is the rollover analysis of an entity's signing certificates.
type Rollover struct {
	State RolloverState // the summary
	// Current is the certificate believed to sign now: the one named by
	// activeSigner if given and published, otherwise the valid signing
	// certificate with the earliest NotBefore.
	Current *Certificate
	// Next are the other signing certificates valid at the time (or not yet
	// valid), newest last.
	Next []Certificate
	// Soonest is the earliest NotAfter among signing certificates valid at the
	// time (zero if none).
	Soonest time.Time
}

// Rollover analyses the entity's signing certificates at now. activeSigner is
// an optional SHA-1 or SHA-256 thumbprint of the certificate the IdP is known
// to sign with (for example from a recent response or the metadata signature).
func (e *EntityDescriptor) Rollover(now time.Time, activeSigner string) Rollover {
	certs := e.SigningCertificates()
	var r Rollover
	if len(certs) == 0 {
		r.State = RolloverNoValid
		return r
	}
	var valid, future []Certificate
	for _, c := range certs {
		switch {
		case c.ValidAt(now):
			valid = append(valid, c)
			if r.Soonest.IsZero() || c.NotAfter.Before(r.Soonest) {
				r.Soonest = c.NotAfter
			}
		case c.X509 != nil && now.Before(c.NotBefore):
			future = append(future, c)
		}
	}
	sort.SliceStable(valid, func(i, j int) bool { return valid[i].NotBefore.Before(valid[j].NotBefore) })
	sort.SliceStable(future, func(i, j int) bool { return future[i].NotBefore.Before(future[j].NotBefore) })
	if activeSigner != "" {
		for i := range certs {
			if certs[i].Matches(activeSigner) {
				c := certs[i]
				r.Current = &c
			}
		}
	}
	if r.Current == nil && len(valid) > 0 {
		c := valid[0]
		r.Current = &c
	}
	for _, c := range append(valid, future...) {
		if r.Current == nil || c.SHA256 != r.Current.SHA256 {
			r.Next = append(r.Next, c)
		}
	}
	switch {
	case len(valid) == 0:
		r.State = RolloverNoValid
	case r.Current != nil && !r.Current.ValidAt(now):
		r.State = RolloverCurrentExpired
	case len(r.Next) > 0:
		r.State = RolloverNextPublished
	default:
		r.State = RolloverNone
	}
	return r
}

// clipID bounds an entityID quoted in a reason.
func clipID(s string) string {
	if len(s) <= 200 {
		return s
	}
	i := 200
	for i > 0 && s[i]&0xC0 == 0x80 {
		i--
	}
	return s[:i] + "..."
}

// Diff is the result of [Compare].
type Diff struct {
	// Added are signing certificates in the new document only, Removed in the
	// old one only, Kept in both (by DER).
	Added, Removed, Kept []Certificate
	// Breaks is true when switching to the new document would make responses
	// signed with the IdP's current certificate fail (C3.4, A5.1), or
	// responses fail whatever signs them: the entityID changes (the Issuer of
	// the IdP's responses no longer matches, D1.7), the new document is
	// Entra's tenant-independent "common" metadata, whose entityID holds the
	// {tenantid} placeholder no response carries (C1.4), or the new
	// document's signature fails (D4).
	Breaks bool
	// EntityIDChanged is true when the two documents name different
	// entityIDs; OldEntityID and NewEntityID are then both set.
	EntityIDChanged bool
	// OldEntityID and NewEntityID are the documents' entityIDs.
	OldEntityID, NewEntityID string
	// Signature is the new document's own signature, checked with the
	// certificate in its KeyInfo (trust on first use; pin it with
	// Document.Verify).
	Signature *SignatureResult
	// Reasons explain Breaks and any risk found; empty when the switch is safe.
	Reasons []string
}

// CompareOptions tune [Compare].
type CompareOptions struct {
	// Now is the clock giving the time of the switch. Nil means time.Now.
	Now func() time.Time
	// ActiveSigner is the SHA-1 or SHA-256 thumbprint of the certificate the IdP
	// signs with now, when known. When empty, every signing certificate of the
	// old document valid at Now is assumed possibly active.
	ActiveSigner string
	// AllowSHA1 accepts an RSA-SHA1 signature on the new document (A5.3).
	AllowSHA1 bool
}

// Compare compares the IdP signing certificates of two documents, typically
// what an IAM SAML provider holds (old) and the IdP's current metadata (new),
// and says whether replacing old by new can break sign-in (C3.4): the
// certificate the IdP signs with now must be in the new document, valid; the
// entityID must stay the same and must not be Entra's {tenantid}
// placeholder (D1.7, C1.4); and a signature on the new document must verify
// (D4), since a changed document may hold anything. Each document must hold
// exactly one EntityDescriptor.
func Compare(old, new *Document, opts CompareOptions) (Diff, error) {
	var d Diff
	if old.Entity == nil || new.Entity == nil {
		return d, newErr(ErrInvalidOption, "", "Compare needs two single-entity documents", nil)
	}
	now := time.Now()
	if opts.Now != nil {
		now = opts.Now()
	}
	d.OldEntityID, d.NewEntityID = old.Entity.EntityID, new.Entity.EntityID
	if d.OldEntityID != d.NewEntityID {
		d.EntityIDChanged = true
		d.Breaks = true
		d.Reasons = append(d.Reasons, fmt.Sprintf("the entityID changes from %q to %q: the IdP's responses carry the entityID as their Issuer, "+
			"so the responses of the IdP behind the old document would no longer be accepted (D1.7); is this the right tenant?", clipID(d.OldEntityID), clipID(d.NewEntityID)))
	}
	if new.Entity.Kind() == KindEntraCommon {
		d.Breaks = true
		d.Reasons = append(d.Reasons, "the new document is Entra's tenant-independent \"common\" metadata: its entityID "+
			"https://sts.windows.net/{tenantid}/ is a placeholder that no response carries as Issuer; use the tenant's or the app's metadata (C1.2, C1.4)")
	}
	d.Signature = new.InspectSignature(VerifyOptions{Now: func() time.Time { return now }, AllowSHA1: opts.AllowSHA1})
	if d.Signature.Present && !d.Signature.Valid {
		d.Breaks = true
		d.Reasons = append(d.Reasons, "the new document's signature does not verify ("+d.Signature.Problem+
			"): it was changed after the IdP signed it, so its certificates cannot be trusted; fetch it again from the IdP (D4)")
	}
	oc, nc := old.Entity.SigningCertificates(), new.Entity.SigningCertificates()
	d.Kept, d.Removed, d.Added = setdiff.Split(oc, nc, func(c Certificate) string { return c.SHA256 })
	anyValid := false
	for _, c := range nc {
		if c.ValidAt(now) {
			anyValid = true
		}
	}
	if !anyValid {
		d.Breaks = true
		d.Reasons = append(d.Reasons, "the new document has no signing certificate valid now")
	}
	if opts.ActiveSigner != "" {
		found := false
		for _, c := range nc {
			if c.Matches(opts.ActiveSigner) {
				found = true
			}
		}
		if !found {
			d.Breaks = true
			d.Reasons = append(d.Reasons, "the certificate the IdP signs with now is not in the new document (C3.4)")
		}
		return d, nil
	}
	var activeCandidates, removedActive int
	for _, c := range d.Kept {
		if c.ValidAt(now) {
			activeCandidates++
		}
	}
	for _, c := range d.Removed {
		if c.ValidAt(now) {
			activeCandidates++
			removedActive++
			d.Reasons = append(d.Reasons, fmt.Sprintf("signing certificate %s, valid now, is removed; if the IdP still signs with it, sign-in fails (C3.4)", c.SHA1))
		}
	}
	if activeCandidates > 0 && removedActive == activeCandidates {
		d.Breaks = true
	}
	return d, nil
}

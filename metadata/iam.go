package metadata

import (
	"crypto/x509"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/samlaws/samlaws/internal/mdlimit"
	"github.com/samlaws/samlaws/internal/textclip"
	"github.com/samlaws/samlaws/internal/xmlread"
)

// IAM's constraints on SAMLMetadataDocument besides its length
// (mdlimit.IAMMinChars, mdlimit.IAMMaxChars, B1.1).
const (
	// iamMinKeyBits is the smallest RSA key IAM accepts in metadata (A5.4).
	iamMinKeyBits = 1024
	// iamMaxIdPs is how many identity providers one IAM SAML provider object
	// may hold: IAM's quota "Identity providers (IdPs) associated with an IAM
	// SAML provider object: 10" (B1.8). An EntitiesDescriptor aggregate of up
	// to this many IdP entities is therefore accepted.
	iamMaxIdPs = 10
)

// CheckIAM reports every reason IAM's CreateSAMLProvider/UpdateSAMLProvider
// would reject data as SAMLMetadataDocument: a UTF-8 BOM (A5.4, C1.3),
// invalid UTF-8, fewer than 1,000 or more than 10,000,000 characters (B1.1), a
// document that does not parse (hardened parser), an EntitiesDescriptor
// aggregate of more than iamMaxIdPs entities (B1.8: IAM's quota allows 10
// IdPs per SAML provider object, so an aggregate of at most 10 is accepted;
// that each of its entities must be a usable IdP is [inferred]), an entity
// with no usable IdP role (no IDPSSODescriptor, signing certificate or
// SingleSignOnService), a certificate anywhere in the
// document that does not parse (Go's parser also rejects repeated X.509
// extensions, which IAM rejects too, A5.4) or has an RSA key under 1024 bits
// (A5.4). Each problem is an *Error of category ErrUnusable with the rule it
// breaks; CheckIAM returns nil when it finds nothing.
func CheckIAM(data []byte) []*Error {
	var probs []*Error
	add := func(rule, format string, args ...any) {
		probs = append(probs, newErr(errIAM, rule, fmt.Sprintf(format, args...), nil))
	}
	if xmlread.HasBOM(data) {
		add("A5.4", "document starts with a UTF-8 byte order mark; IAM requires UTF-8 without BOM (strip it, C1.3)")
	}
	if !utf8.Valid(data) {
		add("A5.4", "document is not valid UTF-8")
	}
	n := utf8.RuneCount(data)
	if n < mdlimit.IAMMinChars {
		add("B1.1", "document has %d characters, IAM needs at least %d", n, mdlimit.IAMMinChars)
	}
	if n > mdlimit.IAMMaxChars {
		add("B1.1", "document has %d characters, IAM accepts at most %d", n, mdlimit.IAMMaxChars)
		return probs
	}
	d, err := Parse(data, Limits{})
	if err != nil {
		add("A5.4", "document does not parse: %v", err)
		return probs
	}
	entities := d.Entities()
	switch {
	case d.Entity == nil && len(entities) == 0:
		add("B1.8", "document is an EntitiesDescriptor aggregate without any EntityDescriptor")
		return probs
	case d.Entity == nil && len(entities) > iamMaxIdPs:
		add("B1.8", "document is an EntitiesDescriptor aggregate of %d entities; an IAM SAML provider holds at most %d identity providers", len(entities), iamMaxIdPs)
		return probs
	}
	for _, e := range entities {
		if err := e.CheckIDP(); err != nil {
			prefix := ""
			if d.Entity == nil {
				prefix = "aggregate entity " + quoteEntityID(e.EntityID) + ": "
			}
			if me, ok := err.(*Error); ok {
				add(me.Rule, "%s%s", prefix, me.Reason)
			} else {
				add("C1.4", "%s%v", prefix, err)
			}
		}
	}
	// A5.4 names "the metadata certificate" without saying which ones IAM
	// parses, so every certificate of the document is held to it
	// [inferred]; ForIAM then regenerates the document from the IdP role.
	for _, c := range d.Certificates() {
		where := "certificate " + c.SHA1
		if len(c.Locations) > 0 {
			where += " (" + c.Locations[0].String() + ")"
		}
		if c.X509 == nil {
			if strings.Contains(c.ParseError, "duplicate extension") {
				add("A5.4", "%s has repeated X.509 extensions", where)
			} else {
				add("A5.4", "%s does not parse: %s", where, c.ParseError)
			}
			continue
		}
		if c.X509.PublicKeyAlgorithm == x509.RSA && c.KeyBits < iamMinKeyBits {
			add("A5.4", "%s has a %d-bit RSA key; IAM needs at least %d bits", where, c.KeyBits, iamMinKeyBits)
		}
	}
	return probs
}

// quoteEntityID quotes an entityID for a message, cut to 100 bytes.
func quoteEntityID(id string) string {
	if len(id) > 100 {
		id = textclip.Prefix(id, 100) + "..."
	}
	return fmt.Sprintf("%q", id)
}

// ForIAM returns a document IAM accepts for the IdP described by data: data
// itself without a leading BOM (C1.3) when that passes [CheckIAM] (keeping the
// IdP's signature intact; an aggregate of at most iamMaxIdPs IdPs passes,
// B1.8), otherwise, for a single EntityDescriptor, a minimal document regenerated from the
// entity's IdP role (entityID, signing certificates, SSO and SLO endpoints,
// NameID formats) when that passes. Otherwise it returns a *Error of Kind
// ErrUnusable listing the problems of the original.
//
// ForIAM does not verify the IdP's signature; do that first with
// [Document.Verify].
func ForIAM(data []byte) ([]byte, error) {
	stripped := xmlread.TrimBOM(data)
	probs := CheckIAM(stripped)
	if len(probs) == 0 {
		return stripped, nil
	}
	d, err := Parse(stripped, Limits{})
	if err != nil || d.Entity == nil || d.Entity.CheckIDP() != nil {
		return nil, iamError(probs)
	}
	e := d.Entity
	opts := IDPMetadataOptions{EntityID: e.EntityID}
	for _, der := range e.idpSigningCertificates() {
		c, err := parseCert(der)
		if err != nil {
			return nil, iamError(probs)
		}
		opts.SigningCertificates = append(opts.SigningCertificates, c)
	}
	for _, idp := range e.IDPSSODescriptors {
		opts.SingleSignOnServices = append(opts.SingleSignOnServices, idp.SingleSignOnServices...)
		opts.SingleLogoutServices = append(opts.SingleLogoutServices, idp.SingleLogoutServices...)
		opts.NameIDFormats = append(opts.NameIDFormats, idp.NameIDFormats...)
	}
	out, err := NewIDPMetadata(opts)
	if err != nil {
		return nil, iamError(probs)
	}
	return out, nil
}

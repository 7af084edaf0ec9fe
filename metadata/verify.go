package metadata

import (
	"crypto/x509"
	"fmt"
	"time"

	"github.com/beevik/etree"

	"github.com/samlaws/samlaws/internal/dsigalg"
)

// Signature and digest algorithm URIs (D4.5), declared once for the module:
// [Document.Verify] accepts RSA-SHA256 (and RSA-SHA1 with AllowSHA1), the saml
// verifier also the SHA-384 and SHA-512 variants. They are what
// [SignatureResult] reports and what saml.VerifierConfig.Algorithms takes.
// (The canonicalization and transform URIs, which no API takes, are
// internal/dsigalg's.)
const (
	AlgRSASHA256    = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" // default (A5.3)
	AlgRSASHA1      = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"        // only with AllowSHA1
	AlgRSASHA384    = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384" // the saml verifier accepts it
	AlgRSASHA512    = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512" // the saml verifier accepts it
	AlgDigestSHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"           // digest, default
	AlgDigestSHA1   = "http://www.w3.org/2000/09/xmldsig#sha1"            // digest, only with AllowSHA1
	AlgDigestSHA384 = "http://www.w3.org/2001/04/xmldsig-more#sha384"     // digest, the saml verifier accepts it
	AlgDigestSHA512 = "http://www.w3.org/2001/04/xmlenc#sha512"           // digest, the saml verifier accepts it
)

// VerifyOptions configure [Document.Verify].
type VerifyOptions struct {
	// Certificates are the pinned signers: the document must be signed by one
	// of them.
	Certificates []*x509.Certificate
	// Thumbprints pin signers by SHA-1 or SHA-256 thumbprint (hex, any case,
	// ':' separators allowed), as shown by the Entra portal. A certificate from
	// the signature's KeyInfo or the document matching a thumbprint is pinned.
	Thumbprints []string
	// AllowSHA1 accepts rsa-sha1 signatures and sha1 digests (A5.3, D4.5).
	// Okta's WS-Fed metadata is signed that way. Off by default.
	AllowSHA1 bool
	// Now is the time at which the signer's validity is reported (the
	// signature itself is checked regardless of the signer's expiry, since
	// metadata documents often outlive their signing certificate). Nil means
	// time.Now.
	Now func() time.Time
}

// SignatureResult reports on a document's own enveloped signature.
type SignatureResult struct {
	// Present is true when the root element has a ds:Signature child.
	Present bool
	// Valid is true when the signature verified cryptographically over the
	// whole root element with Signer.
	Valid bool
	// Trusted is true when Signer is one of the pinned certificates. Valid
	// without Trusted is a trust-on-first-use fact only: it proves the
	// document is intact, not who published it.
	Trusted bool
	// Signer is the certificate the signature verified with (nil if none).
	Signer *Certificate
	// SignerExpired is true when Signer was not valid at VerifyOptions.Now.
	SignerExpired bool
	// SignatureMethod, DigestMethod, ReferenceURI, CanonicalizationMethod
	// and Transforms are as written (of the first Reference, when there are
	// several; Problem then says so).
	SignatureMethod        string
	DigestMethod           string   // digest algorithm URI of the Reference
	ReferenceURI           string   // the Reference's URI
	CanonicalizationMethod string   // SignedInfo's canonicalization algorithm URI
	Transforms             []string // the Reference's transform URIs, in order
	// Problem explains why Valid or Trusted is false ("" when both hold).
	Problem string
	// EntityID names the entity whose own signature this is, in the results
	// of [Document.EntitySignatures]; "" otherwise.
	EntityID string
}

// Verify checks the document's own enveloped signature (the ds:Signature that
// is a child of the root) against the pinned certificates: exactly one
// Reference, to the root's ID (or "" for an EntitiesDescriptor aggregate,
// which covers the whole document), only enveloped-signature and exclusive
// c14n transforms, exclusive c14n for SignedInfo, RSA-SHA256 (RSA-SHA1 only
// with AllowSHA1). It returns a *Error of Kind ErrSignature when the document
// is not verified by a pinned certificate; the SignatureResult is returned in
// every case.
//
// Verified facts apply to the whole root element, which is what Parse read.
func (d *Document) Verify(opts VerifyOptions) (*SignatureResult, error) {
	if len(opts.Certificates) == 0 && len(opts.Thumbprints) == 0 {
		return nil, newErr(ErrInvalidOption, "", "Verify needs pinned Certificates or Thumbprints (use InspectSignature for trust-on-first-use)", nil)
	}
	for _, tp := range opts.Thumbprints {
		if NormalizeThumbprint(tp) == "" {
			return nil, newErr(ErrInvalidOption, "", "thumbprint is not 40 or 64 hex digits", nil)
		}
	}
	res := d.check(opts)
	if !res.Valid || !res.Trusted {
		return res, newErr(ErrSignature, "D4", res.Problem, nil)
	}
	return res, nil
}

// InspectSignature reports on the document's signature without requiring a
// pin (trust on first use): it verifies with the certificate in the
// signature's KeyInfo and says which certificate that is. Pins in opts, if
// any, set Trusted. It never fails; problems are in SignatureResult.Problem.
func (d *Document) InspectSignature(opts VerifyOptions) *SignatureResult {
	return d.check(opts)
}

func (d *Document) check(opts VerifyOptions) *SignatureResult {
	rootID := ""
	aggregate := d.Aggregate != nil
	if d.Entity != nil {
		rootID = d.Entity.ID
	} else if d.Aggregate != nil {
		rootID = d.Aggregate.ID
	}
	var pool [][]byte
	if len(opts.Thumbprints) > 0 {
		for _, c := range d.Certificates() {
			pool = append(pool, c.DER)
		}
	}
	return checkSignature(d.signature(), rootID, aggregate, pool, d.etreeRoot, d.c14nBudget(), opts)
}

// checkSignature verifies the enveloped signature info (parsed from root's
// own ds:Signature child) over the element root() returns. pool holds the
// document's certificates that thumbprint pins may name; budget bounds any
// canonical form (twice the document: exclusive c14n may re-render a
// declaration on every element that uses it).
func checkSignature(info *signatureInfo, rootID string, aggregate bool, pool [][]byte, root func() (*etree.Element, error), budget int, opts VerifyOptions) *SignatureResult {
	now := time.Now()
	if opts.Now != nil {
		now = opts.Now()
	}
	res := &SignatureResult{Present: info != nil}
	if info == nil {
		res.Problem = "document is not signed"
		return res
	}
	res.SignatureMethod, res.CanonicalizationMethod = info.SignatureMethod, info.CanonicalizationMethod
	if len(info.References) > 0 {
		res.ReferenceURI = info.References[0].URI
		res.DigestMethod = info.References[0].DigestMethod
		res.Transforms = info.References[0].Transforms
	}
	if p := checkProfile(info, rootID, aggregate, opts.AllowSHA1); p != "" {
		res.Problem = p
		return res
	}

	// Candidate signer certificates and pins.
	var pins []*x509.Certificate
	pins = append(pins, opts.Certificates...)
	if len(opts.Thumbprints) > 0 {
		for _, der := range append(append([][]byte{}, info.Certificates...), pool...) {
			c := NewCertificate(der)
			for _, tp := range opts.Thumbprints {
				if c.X509 != nil && c.Matches(tp) {
					pins = append(pins, c.X509)
				}
			}
		}
	}
	isPinned := func(c *x509.Certificate) bool {
		for _, p := range pins {
			if p.Equal(c) {
				return true
			}
		}
		return false
	}

	var candidates []*x509.Certificate
	if len(info.Certificates) > 0 {
		// The first KeyInfo certificate is the candidate signer (as
		// goxmldsig and xmlsec1 take it).
		c, err := x509.ParseCertificate(info.Certificates[0])
		if err != nil {
			res.Problem = "signature KeyInfo certificate does not parse"
			return res
		}
		candidates = []*x509.Certificate{c}
	} else {
		candidates = pins
	}
	if len(candidates) == 0 {
		res.Problem = "signature has no KeyInfo certificate and no certificate is pinned"
		return res
	}

	el, err := root()
	if err != nil {
		res.Problem = err.Error()
		return res
	}
	if p := checkOnlyRootSignatureRefersToRoot(el, rootID); p != "" {
		res.Problem = p
		return res
	}
	var sig *etree.Element
	for _, t := range el.Child {
		if c, ok := t.(*etree.Element); ok && c.Tag == "Signature" && c.NamespaceURI() == nsDSig {
			sig = c
		}
	}
	var lastErr error
	for _, cand := range candidates {
		// The signature is checked, not the signer's current validity
		// (reported separately in SignerExpired).
		if err := verifyEnveloped(el, sig, cand, budget); err != nil {
			lastErr = err
			continue
		}
		c := NewCertificate(cand.Raw)
		res.Valid = true
		res.Signer = &c
		res.SignerExpired = !c.ValidAt(now)
		res.Trusted = isPinned(cand)
		if !res.Trusted {
			res.Problem = fmt.Sprintf("signed by certificate %s, which is not pinned", c.SHA256)
		}
		return res
	}
	res.Problem = "signature does not verify"
	if lastErr != nil {
		res.Problem += ": " + lastErr.Error()
	}
	if len(info.Certificates) > 0 && len(pins) > 0 && !isPinned(candidates[0]) {
		res.Problem = "signature does not verify and its KeyInfo certificate is not pinned"
	}
	return res
}

// checkProfile applies the signature profile (D4.2-D4.5) to the parsed
// SignedInfo.
func checkProfile(info *signatureInfo, rootID string, aggregate, allowSHA1 bool) string {
	switch info.CanonicalizationMethod {
	case dsigalg.ExcC14N, dsigalg.ExcC14NWC:
	default:
		return "SignedInfo canonicalization is not exclusive c14n (D4.4)"
	}
	switch info.SignatureMethod {
	case AlgRSASHA256:
	case AlgRSASHA1:
		if !allowSHA1 {
			return "signature uses rsa-sha1, which needs AllowSHA1 (A5.3)"
		}
	default:
		return "signature method is not allowed (D4.5)"
	}
	if len(info.References) != 1 {
		return fmt.Sprintf("signature has %d References, want exactly 1 (D4.2)", len(info.References))
	}
	ref := info.References[0]
	switch {
	case ref.URI == "" && aggregate:
		// Whole-document reference on an aggregate (SPID).
	case rootID != "" && ref.URI == "#"+rootID:
	default:
		return "signature Reference does not point at the root element (D4.2)"
	}
	switch ref.DigestMethod {
	case AlgDigestSHA256:
	case AlgDigestSHA1:
		if !allowSHA1 {
			return "digest uses sha1, which needs AllowSHA1 (A5.3)"
		}
	default:
		return "digest method is not allowed (D4.5)"
	}
	if len(ref.Transforms) == 0 {
		return "Reference has no transforms"
	}
	enveloped := false
	for _, t := range ref.Transforms {
		switch t {
		case dsigalg.Enveloped:
			enveloped = true
		case dsigalg.ExcC14N, dsigalg.ExcC14NWC:
		default:
			return "Reference transform is not allowed (D4.3)"
		}
	}
	if !enveloped {
		return "signature is not enveloped (D4.1)"
	}
	return ""
}

// etreeRoot parses the document again, with the one strict reader, into the
// tree the signature check canonicalizes.
func (d *Document) etreeRoot() (*etree.Element, error) { return sigTree(d.raw) }

// c14nBudget bounds a canonical form of (part of) the document.
func (d *Document) c14nBudget() int { return 2*len(d.raw) + 4096 }

// checkOnlyRootSignatureRefersToRoot makes sure the root has exactly one
// Signature child and that no nested Signature also names the root (a
// verifier that takes the first Signature anywhere whose Reference names the
// root, as goxmldsig does, could be pointed at another one).
func checkOnlyRootSignatureRefersToRoot(root *etree.Element, rootID string) string {
	own := 0
	for _, t := range root.Child {
		if c, ok := t.(*etree.Element); ok && c.Tag == "Signature" && c.NamespaceURI() == nsDSig {
			own++
		}
	}
	if own != 1 {
		return fmt.Sprintf("root has %d Signature children, want 1", own)
	}
	var bad bool
	var walk func(el *etree.Element, depth int)
	walk = func(el *etree.Element, depth int) {
		for _, t := range el.Child { // not ChildElements: no slice per element
			c, ok := t.(*etree.Element)
			if !ok {
				continue
			}
			if c.Tag == "Signature" && c.NamespaceURI() == nsDSig && depth > 0 {
				for _, ref := range c.FindElements(".//Reference") {
					uri := ref.SelectAttrValue("URI", "")
					if uri == "" || uri == "#"+rootID {
						bad = true
					}
				}
				continue
			}
			walk(c, depth+1)
		}
	}
	walk(root, 0)
	if bad {
		return "a nested Signature also references the root (signature wrapping, D4.2)"
	}
	return ""
}

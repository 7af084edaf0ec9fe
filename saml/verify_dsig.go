package saml

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/beevik/etree"

	"github.com/samlaws/samlaws/internal/c14n"
	"github.com/samlaws/samlaws/metadata"
)

// XML namespaces and algorithm URIs of XML-DSig (D4).
const (
	nsDSig  = "http://www.w3.org/2000/09/xmldsig#"
	nsExcNS = "http://www.w3.org/2001/10/xml-exc-c14n#"

	algEnveloped     = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
	algExcC14N       = "http://www.w3.org/2001/10/xml-exc-c14n#"
	algExcC14NComm   = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"
	hintAlgorithmFix = "in Entra, set the app's SAML signing certificate to sign with SHA-256 (Enterprise app > Single sign-on > SAML Certificates > Edit > Signing Algorithm)"
)

// signed is the outcome of one verified enveloped signature.
type signed struct {
	// el is the element the signature covers: the very element whose
	// canonical form (without its Signature) was digested. Values are read
	// only from here.
	el *etree.Element
	// cert is the pinned certificate whose key verified the signature.
	cert *x509.Certificate
	// alg is the SignatureMethod URI.
	alg string
}

// verifySignature checks the enveloped signature sig, a direct child of el
// (what names el in messages: "Response" or "Assertion"). It enforces D4.1-D4.6
// and A5.1/A5.3, and returns the covered element in canonical form.
func (c *checker) verifySignature(el, sig *etree.Element, what string) (*signed, *ValidationError) {
	// D4.1: the shape of an enveloped Signature: SignedInfo, SignatureValue,
	// optional KeyInfo, nothing else (no Object: XSW attacks hide elements there).
	var signedInfo, sigValue, keyInfo *etree.Element
	for i, ch := range sig.ChildElements() {
		if nsOf(ch) != nsDSig {
			return nil, newErr(ErrSignature, "D4.1", what+" Signature has an element from another namespace", "")
		}
		switch {
		case ch.Tag == "SignedInfo" && i == 0:
			signedInfo = ch
		case ch.Tag == "SignatureValue" && i == 1:
			sigValue = ch
		case ch.Tag == "KeyInfo" && i == 2:
			keyInfo = ch
		default:
			return nil, newErr(ErrSignature, "D4.1", what+" Signature has an unexpected <"+safeName(ch.Tag)+"> element",
				"an enveloped SAML signature holds exactly SignedInfo, SignatureValue and an optional KeyInfo")
		}
	}
	if signedInfo == nil || sigValue == nil {
		return nil, newErr(ErrSignature, "D4.1", what+" Signature lacks SignedInfo or SignatureValue", "")
	}
	id, _ := attrValue(el, "ID")
	if id == "" {
		return nil, newErr(ErrMalformed, "D1.3", what+" has no ID, so no signature can reference it", "")
	}

	// D4.2: exactly one Reference (SAML core 5.4.2), checked before
	// SignedInfo is canonicalized and hashed: a SignedInfo of thousands of
	// References costs nothing but this count.
	refs := childrenNS(signedInfo, nsDSig, "Reference")
	if len(refs) != 1 {
		return nil, newErr(ErrSignature, "D4.2", fmt.Sprintf("%s SignedInfo has %d References; exactly one is allowed", what, len(refs)), "")
	}
	ref := refs[0]

	// Canonicalize SignedInfo with the method it names (D4.4: exclusive only).
	cm := childNS(signedInfo, nsDSig, "CanonicalizationMethod")
	if cm == nil {
		return nil, newErr(ErrSignature, "D4.4", what+" SignedInfo has no CanonicalizationMethod", "")
	}
	cmAlg := attrOr(cm, "Algorithm")
	canon, err := c14nFor(cmAlg, cm)
	if err == errPrefixList {
		return nil, newErr(errAlgorithm, "D4.4", what+" CanonicalizationMethod has an InclusiveNamespaces PrefixList that is too long or not a list of prefixes", "")
	}
	if err != nil {
		return nil, newErr(errAlgorithm, "D4.4", what+" SignedInfo uses canonicalization "+quoteShort(cmAlg)+"; only exclusive c14n is accepted", "")
	}
	canon.Work, canon.MaxBytes = &c.work, c.c14nBudget
	siBytes, err := c14n.Canonicalize(signedInfo, canon, nil)
	if err != nil {
		return nil, c14nErr(what+" SignedInfo", err)
	}
	// SignedInfo is read from the very element whose canonical form the
	// signature value covers.
	si := signedInfo
	sm := childNS(si, nsDSig, "SignatureMethod")
	if sm == nil {
		return nil, newErr(ErrSignature, "D4.5", what+" SignedInfo has no SignatureMethod", "")
	}
	alg := attrOr(sm, "Algorithm")
	hash, ok := c.v.algs[alg]
	if !ok || !strings.Contains(alg, "rsa-") {
		return nil, c.algErr(what+" SignatureMethod "+quoteShort(alg)+" is not allowed", alg)
	}
	if len(childrenNS(sm, "", "")) != 0 {
		// HMACOutputLength and friends: no parameters on RSA methods.
		return nil, newErr(errAlgorithm, "D4.5", what+" SignatureMethod has parameters", "")
	}
	sv, okText := textOf(sigValue)
	if !okText {
		return nil, newErr(ErrSignature, "D4.1", what+" SignatureValue has child elements", "")
	}
	sigBytes, err := base64.StdEncoding.DecodeString(stripSpace(sv))
	if err != nil || len(sigBytes) == 0 {
		return nil, newErr(ErrSignature, "D4.1", what+" SignatureValue is not base64", "")
	}

	// D4.6: only pinned certificates verify. A KeyInfo certificate, if any,
	// may select one of them by exact bytes; it never adds trust.
	candidates := c.v.certs
	var foreign *x509.Certificate
	if keyInfo != nil {
		for _, raw := range keyInfoCerts(keyInfo) {
			matched := false
			for _, pc := range c.v.certs {
				if bytes.Equal(pc.Raw, raw) {
					candidates = []*x509.Certificate{pc}
					matched = true
					break
				}
			}
			if matched {
				break
			}
			if foreign == nil && !c.uniform { // only for the hint, which decrypt.go drops
				foreign, _ = x509.ParseCertificate(raw)
			}
		}
	}
	h := hash.New()
	h.Write(siBytes)
	sum := h.Sum(nil)
	var cert *x509.Certificate
	for _, pc := range candidates {
		if c.rsaVerify(pc, hash, sum, sigBytes) == nil {
			cert = pc
			break
		}
	}
	if cert == nil && len(candidates) != len(c.v.certs) {
		// The KeyInfo pointed at a pinned certificate that does not verify:
		// still try the others (KeyInfo is only a hint).
		for _, pc := range c.v.certs {
			if c.rsaVerify(pc, hash, sum, sigBytes) == nil {
				cert = pc
				break
			}
		}
	}
	var rsaErr *ValidationError
	if cert == nil {
		hint := "the signature does not verify with any of the " + strconv.Itoa(len(c.v.certs)) +
			" trusted certificate(s) (SHA-1 thumbprints " + strings.Join(c.v.thumbprints, ", ") +
			"): the response was changed after signing or signed with another key"
		if foreign != nil {
			hint = "signed with certificate SHA-1 thumbprint " + thumbprint(foreign) +
				", which is not in the provider's metadata: upload the current Entra federation metadata to the IAM SAML provider (UpdateSAMLProvider) or add the certificate to the trusted ones"
		}
		rsaErr = newErr(ErrSignature, "A5.1", what+" signature does not verify with a trusted certificate", hint)
		if !c.uniform {
			return nil, rsaErr
		}
		// decrypt.go: go on to the digest, as a valid signature would.
	}

	// D4.2: the one Reference (counted before canonicalization) points at
	// the enclosing element's ID.
	uri, hasURI := attrValue(ref, "URI")
	if !hasURI || uri != "#"+id {
		reason := what + " signature references another element, not the " + what + " that contains it"
		if !hasURI || uri == "" {
			reason = what + " signature Reference has an empty or missing URI; it must be \"#\" + the " + what + " ID"
		}
		return nil, newErr(ErrSignature, "D4.2", reason, "")
	}
	// D4.3: transforms: enveloped-signature, then exclusive c14n.
	var refCanon c14n.Options
	haveCanon := false
	enveloped := 0
	if tr := childNS(ref, nsDSig, "Transforms"); tr != nil {
		for _, t := range tr.ChildElements() {
			ta := attrOr(t, "Algorithm")
			if nsOf(t) != nsDSig || t.Tag != "Transform" {
				return nil, newErr(ErrSignature, "D4.3", what+" Transforms has an unexpected element", "")
			}
			switch ta {
			case algEnveloped:
				if enveloped > 0 || haveCanon {
					return nil, newErr(errAlgorithm, "D4.3", what+" Reference has a repeated or misplaced enveloped-signature transform", "")
				}
				enveloped++
				if len(t.ChildElements()) != 0 {
					return nil, newErr(errAlgorithm, "D4.3", what+" enveloped-signature transform has parameters", "")
				}
			case algExcC14N, algExcC14NComm:
				if haveCanon {
					return nil, newErr(errAlgorithm, "D4.3", what+" Reference has two canonicalization transforms", "")
				}
				haveCanon = true
				refCanon, err = c14nFor(ta, t)
				if err != nil {
					return nil, newErr(errAlgorithm, "D4.3", what+" transform has bad parameters", "")
				}
			default:
				return nil, newErr(errAlgorithm, "D4.3", what+" Reference uses transform "+quoteShort(ta)+"; only enveloped-signature and exclusive c14n are allowed", "")
			}
		}
	}
	if enveloped != 1 || !haveCanon {
		return nil, newErr(errAlgorithm, "D4.3", what+" Reference must list the enveloped-signature and exclusive c14n transforms", "")
	}
	dm := childNS(ref, nsDSig, "DigestMethod")
	dv := childNS(ref, nsDSig, "DigestValue")
	if dm == nil || dv == nil {
		return nil, newErr(ErrSignature, "D4.5", what+" Reference lacks DigestMethod or DigestValue", "")
	}
	dalg := attrOr(dm, "Algorithm")
	dhash, ok := c.v.algs[dalg]
	if !ok || strings.Contains(dalg, "rsa-") {
		return nil, c.algErr(what+" DigestMethod "+quoteShort(dalg)+" is not allowed", dalg)
	}
	dvText, _ := textOf(dv)
	want, err := base64.StdEncoding.DecodeString(stripSpace(dvText))
	if err != nil || len(want) != dhash.Size() {
		return nil, newErr(ErrSignature, "D4.5", what+" DigestValue is not a base64 digest of the right length", "")
	}

	// Digest the element without this Signature (enveloped transform),
	// canonicalized in the context of its ancestors.
	if sig.Parent() != el {
		return nil, newErr(ErrSignature, "D4.1", what+" signature is not enveloped", "")
	}
	refCanon.Skip = sig
	// The Reference URI is "#" + ID, a shortname XPointer, and dereferencing
	// one yields a node-set without comment nodes (XML-DSig 4.4.3.3, step
	// 4): exc-c14n#WithComments then has no comments to keep. xmlsec1,
	// Santuario and .NET digest it so; counting comments here would refuse
	// their signatures (goxmldsig departs from the recommendation here).
	// SignedInfo's own CanonicalizationMethod above is not a dereference and
	// keeps its comments.
	refCanon.WithComments = false
	refCanon.Work, refCanon.MaxBytes = &c.work, c.c14nBudget
	if c.uniform {
		c.dec.digests++
		refCanon.Extra = c.c14nExtra
	}
	// The canonical form of the signed element is about the document's
	// size: one buffer of that size instead of doubling into it.
	refBytes, err := c14n.Canonicalize(el, refCanon, make([]byte, 0, (c.c14nBudget-4096)/2))
	if err != nil {
		return nil, c14nErr(what, err)
	}
	dh := dhash.New()
	dh.Write(refBytes)
	if !bytes.Equal(dh.Sum(nil), want) || rsaErr != nil {
		if rsaErr != nil {
			return nil, rsaErr
		}
		return nil, newErr(ErrSignature, "D4.8", what+" digest does not match: the signed content was changed after signing",
			"something altered the XML after the IdP signed it (tampering, a proxy re-encoding it, or a pretty-printer); send the SAMLResponse exactly as received")
	}
	return &signed{el: el, cert: cert, alg: alg}, nil
}

// c14nErr reports a canonicalization failure of what.
func c14nErr(what string, err error) *ValidationError {
	if errors.Is(err, c14n.ErrTooLarge) {
		return newErr(errTooLarge, "A6.1", what+" has a canonical form larger than any response STS accepts", "").withCause(err)
	}
	return newErr(ErrMalformed, "D4.8", what+" cannot be canonicalized", "").withCause(err)
}

// algErr reports a disallowed algorithm, with the SHA-1 fix when relevant.
func (c *checker) algErr(reason, alg string) *ValidationError {
	if h, ok := supportedAlgs[alg]; ok && h == crypto.SHA1 {
		return newErr(errAlgorithm, "A5.3", reason, hintAlgorithmFix).withSetting("AllowSHA1").withValue("algorithm", alg, metadata.AlgRSASHA256, metadata.AlgDigestSHA256)
	}
	return newErr(errAlgorithm, "D4.5", reason, "sign with RSA-SHA256 and a SHA-256 digest").withValue("algorithm", alg, metadata.AlgRSASHA256, metadata.AlgDigestSHA256)
}

// c14nFor returns the canonicalizer for an exclusive c14n algorithm URI, with
// the InclusiveNamespaces PrefixList of the element naming it.
func c14nFor(alg string, el *etree.Element) (c14n.Options, error) {
	prefixList := ""
	for _, ch := range el.ChildElements() {
		if ch.Tag != "InclusiveNamespaces" || nsOf(ch) != nsExcNS {
			return c14n.Options{}, errNoMatch
		}
		prefixList = attrOr(ch, "PrefixList")
	}
	// A PrefixList names a few prefixes (Entra: "xs"; others up to the
	// handful a response declares): a longer one only costs work.
	if len(prefixList) > maxPrefixListBytes {
		return c14n.Options{}, errPrefixList
	}
	prefixes := strings.Fields(prefixList)
	if len(prefixes) > maxPrefixes {
		return c14n.Options{}, errPrefixList
	}
	for _, p := range prefixes {
		if p != "#default" && !isNCName(p) {
			return c14n.Options{}, errPrefixList
		}
	}
	opts := c14n.Options{InclusivePrefixes: prefixes}
	switch alg {
	case algExcC14N:
		return opts, nil
	case algExcC14NComm:
		opts.WithComments = true
		return opts, nil
	}
	return c14n.Options{}, errNoMatch
}

// Budgets of the canonicalization (cost bounded and linear, A6.1): the
// PrefixList is short, and the canonical form of anything the verifier
// digests is at most about twice the document it comes from
// (checker.c14nBudget: exclusive c14n re-renders a namespace declaration on
// every element using it below one that does not, so a hostile tree could
// otherwise grow it with elements x URI length).
var errPrefixList = errors.New("bad PrefixList")

const (
	maxPrefixes        = 32
	maxPrefixListBytes = 1024
)

// keyInfoCerts returns the decoded X509Certificate values of a KeyInfo.
func keyInfoCerts(ki *etree.Element) [][]byte {
	var out [][]byte
	for _, xd := range childrenNS(ki, nsDSig, "X509Data") {
		for _, xc := range childrenNS(xd, nsDSig, "X509Certificate") {
			t, _ := textOf(xc)
			if b, err := base64.StdEncoding.DecodeString(stripSpace(t)); err == nil {
				out = append(out, b)
			}
		}
	}
	return out
}

// stripSpace removes XML white space (base64 values may be wrapped).
func stripSpace(s string) string {
	if !strings.ContainsAny(s, " \t\r\n") {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, s)
}

package metadata

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // RSA-SHA1 and SHA-1 digests only with VerifyOptions.AllowSHA1 (A5.3)
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"strings"

	"github.com/beevik/etree"

	"github.com/samlaws/samlaws/internal/c14n"
	"github.com/samlaws/samlaws/internal/dsigalg"
	"github.com/samlaws/samlaws/internal/mdlimit"
	"github.com/samlaws/samlaws/internal/xmlread"
	"github.com/samlaws/samlaws/internal/xmltree"
)

// The metadata signature check runs on the project's one strict reader
// (internal/xmlread, through internal/xmltree) and its own exclusive
// canonicalizer (internal/c14n), as saml's verifier does: no second parser
// and no general-purpose canonicalizer on untrusted input. Its cost is
// linear in the document: the structure of the Signature is checked first,
// the signature value over SignedInfo (small) is verified before the
// document is canonicalized and digested, and the canonical form is
// bounded. (goxmldsig, used before, took seconds on a 130 KB document of
// nested namespace declarations; TestVerifyHostileLinear.) xmlsec1 holds it
// to the same verdicts (TestVerifyAgreesWithXMLSec1).

// Limits of the Signature's structure: a PrefixList names a few prefixes.
const (
	maxPrefixes        = 32
	maxPrefixListBytes = 1024
)

// errSig is a signature that does not verify; its message is the problem.
type errSig string

func (e errSig) Error() string { return string(e) }

// sigTree parses raw (the document Parse accepted) into a tree for the
// signature check, with the same reader and generous budgets (Parse has
// already applied the caller's).
func sigTree(raw []byte) (*etree.Element, error) {
	lim := Limits{MaxBytes: max(int64(len(raw)), mdlimit.MaxBytes)}.guard()
	doc, _, err := xmltree.Build(raw, lim, xmlread.Options{}, nil)
	if err != nil {
		return nil, errors.New("document does not parse for signature checking")
	}
	root := doc.Root()
	if root == nil {
		return nil, errors.New("document has no root element")
	}
	return root, nil
}

// verifyEnveloped checks the enveloped signature sig, a child of el, with
// cert's RSA key: SignedInfo is exclusive-canonicalized and its RSA
// signature checked first, then el without sig is canonicalized and its
// digest compared with the one Reference's. The profile (algorithms,
// transforms, one Reference to el) has been checked by checkProfile on the
// parser's facts; it is checked again here on the tree, which is what is
// digested.
func verifyEnveloped(el, sig *etree.Element, cert *x509.Certificate, budget int) error {
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return errSig("signing certificate has no RSA key")
	}
	kids := dsigChildren(sig)
	if len(kids) < 2 || kids[0].Tag != "SignedInfo" || kids[1].Tag != "SignatureValue" || len(kids) > 3 || len(kids) == 3 && kids[2].Tag != "KeyInfo" {
		return errSig("Signature must hold SignedInfo, SignatureValue and an optional KeyInfo (D4.1)")
	}
	if len(sig.ChildElements()) != len(kids) {
		return errSig("Signature has foreign elements (D4.1)")
	}
	si, sv := kids[0], kids[1]
	siKids := dsigChildren(si)
	if len(siKids) != 3 || siKids[0].Tag != "CanonicalizationMethod" || siKids[1].Tag != "SignatureMethod" || siKids[2].Tag != "Reference" {
		return errSig("SignedInfo must hold CanonicalizationMethod, SignatureMethod and one Reference (D4.2)")
	}
	if len(si.ChildElements()) != 3 {
		return errSig("SignedInfo has foreign elements (D4.1)")
	}
	siOpts, err := c14nOptions(siKids[0])
	if err != nil {
		return err
	}
	var hash crypto.Hash
	switch siKids[1].SelectAttrValue("Algorithm", "") {
	case AlgRSASHA256:
		hash = crypto.SHA256
	case AlgRSASHA1:
		hash = crypto.SHA1
	default:
		return errSig("signature method is not allowed (D4.5)")
	}
	ref := siKids[2]
	// The Reference names el itself (checkProfile checked the parser's
	// reading; this is the tree that is digested): "#" + its ID, or "" when
	// el is the document's root.
	uri, id := ref.SelectAttrValue("URI", ""), el.SelectAttrValue("ID", "")
	switch {
	case uri == "" && el.Parent() != nil && el.Parent().Parent() == nil:
	case id != "" && uri == "#"+id:
	default:
		return errSig("signature Reference does not point at the signed element (D4.2)")
	}
	refKids := dsigChildren(ref)
	if len(refKids) != 3 || refKids[0].Tag != "Transforms" || refKids[1].Tag != "DigestMethod" || refKids[2].Tag != "DigestValue" || len(ref.ChildElements()) != 3 {
		return errSig("Reference must hold Transforms, DigestMethod and DigestValue (D4.3)")
	}
	enveloped, refOpts, haveC14N := false, c14n.Options{}, false
	for _, tr := range refKids[0].ChildElements() {
		if tr.Tag != "Transform" || tr.NamespaceURI() != nsDSig {
			return errSig("Transforms has a foreign element (D4.3)")
		}
		switch tr.SelectAttrValue("Algorithm", "") {
		case dsigalg.Enveloped:
			if enveloped || len(tr.ChildElements()) != 0 {
				return errSig("Reference has a repeated or parameterised enveloped-signature transform (D4.3)")
			}
			enveloped = true
		case dsigalg.ExcC14N, dsigalg.ExcC14NWC:
			if haveC14N {
				return errSig("Reference has two canonicalization transforms (D4.3)")
			}
			haveC14N = true
			if refOpts, err = c14nOptions(tr); err != nil {
				return err
			}
		default:
			return errSig("Reference transform is not allowed (D4.3)")
		}
	}
	if !enveloped {
		return errSig("signature is not enveloped (D4.1)")
	}
	// A same-document Reference selects a node-set without comments
	// (XML-DSig 4.4.3.3), whatever the canonicalization transform says.
	refOpts.WithComments = false
	var dhash crypto.Hash
	switch refKids[1].SelectAttrValue("Algorithm", "") {
	case AlgDigestSHA256:
		dhash = crypto.SHA256
	case AlgDigestSHA1:
		dhash = crypto.SHA1
	default:
		return errSig("digest method is not allowed (D4.5)")
	}
	want, err := base64.StdEncoding.DecodeString(stripSpace(refKids[2].Text()))
	if err != nil || len(want) != dhash.Size() || len(refKids[2].ChildElements()) != 0 {
		return errSig("DigestValue is not a base64 digest (D4.5)")
	}
	sigValue, err := base64.StdEncoding.DecodeString(stripSpace(sv.Text()))
	if err != nil || len(sigValue) == 0 || len(sv.ChildElements()) != 0 {
		return errSig("SignatureValue is not base64 (D4.1)")
	}

	// The signature over SignedInfo first: a forged document stops here,
	// before the document itself is canonicalized.
	siOpts.MaxBytes = budget
	siBytes, err := c14n.Canonicalize(si, siOpts, nil)
	if err != nil {
		return errSig("SignedInfo cannot be canonicalized")
	}
	if err := rsa.VerifyPKCS1v15(pub, hash, sum(hash, siBytes), sigValue); err != nil {
		return errSig("signature value does not verify")
	}
	refOpts.Skip, refOpts.MaxBytes = sig, budget
	body, err := c14n.Canonicalize(el, refOpts, nil)
	if err != nil {
		return errSig("signed element cannot be canonicalized")
	}
	if !bytes.Equal(sum(dhash, body), want) {
		return errSig("digest does not match: the document was changed after signing")
	}
	return nil
}

// dsigChildren returns el's child elements in the XML-DSig namespace.
func dsigChildren(el *etree.Element) []*etree.Element {
	var out []*etree.Element
	for _, c := range el.ChildElements() {
		if c.NamespaceURI() == nsDSig {
			out = append(out, c)
		}
	}
	return out
}

// c14nOptions reads an exclusive c14n method (CanonicalizationMethod or
// Transform) with its optional, bounded InclusiveNamespaces PrefixList.
func c14nOptions(m *etree.Element) (c14n.Options, error) {
	var opts c14n.Options
	switch m.SelectAttrValue("Algorithm", "") {
	case dsigalg.ExcC14N:
	case dsigalg.ExcC14NWC:
		opts.WithComments = true
	default:
		return opts, errSig("canonicalization is not exclusive c14n (D4.4)")
	}
	kids := m.ChildElements()
	if len(kids) > 1 {
		return opts, errSig("canonicalization method has more than one parameter (D4.4)")
	}
	if len(kids) == 1 {
		k := kids[0]
		if k.Tag != "InclusiveNamespaces" || k.NamespaceURI() != dsigalg.ExcC14N || len(k.ChildElements()) != 0 {
			return opts, errSig("canonicalization method has a parameter other than InclusiveNamespaces (D4.4)")
		}
		pl := k.SelectAttrValue("PrefixList", "")
		prefixes := strings.Fields(pl)
		if len(pl) > maxPrefixListBytes || len(prefixes) > maxPrefixes {
			return opts, errSig("InclusiveNamespaces PrefixList is too long (D4.4)")
		}
		opts.InclusivePrefixes = prefixes
	}
	return opts, nil
}

func sum(h crypto.Hash, b []byte) []byte {
	if h == crypto.SHA1 {
		s := sha1.Sum(b) //nolint:gosec // see the import
		return s[:]
	}
	s := sha256.Sum256(b)
	return s[:]
}

// stripSpace removes XML white space (base64 text may be wrapped).
func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, s)
}

// Package xmlsign adds enveloped XML signatures to etree elements the way
// Entra writes them (rules C2.3, C3.1, D4.1-D4.4): exclusive c14n, the
// enveloped-signature transform, exactly one Reference URI="#ID", and
// KeyInfo/X509Data/X509Certificate, with the ds:Signature placed right after
// a chosen child (Issuer in a Response or Assertion) or first in the element
// (metadata). It wraps goxmldsig, whose SigningContext appends the signature
// as the last child.
package xmlsign

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/russellhaering/goxmldsig/etreeutils"
)

// ErrSign is the category of every error this package returns.
var ErrSign = errors.New("xmlsign: cannot sign")

// Options configures SignEnveloped.
type Options struct {
	// Signer is the signing key (RSA or ECDSA; Entra uses RSA).
	Signer crypto.Signer
	// Certificates is the chain written to KeyInfo/X509Data, signer's first.
	// With OnlyLeaf only the first certificate is written (as Entra does).
	Certificates []*x509.Certificate
	OnlyLeaf     bool // write only Certificates[0]
	// Hash selects the signature and digest algorithm: crypto.SHA256 (zero
	// value) or crypto.SHA1 (legacy), or SHA-384/512.
	Hash crypto.Hash
	// IDAttribute names the attribute the Reference points at; "" means "ID".
	IDAttribute string
	// After is the local name of the child element after which the Signature
	// goes (e.g. "Issuer"); "" puts it first. If no such child exists the
	// Signature goes first.
	After string
	// Prefix is the namespace prefix of the Signature: "" (Entra: a default
	// namespace declaration on ds:Signature) or e.g. "ds".
	Prefix string
}

// SignEnveloped computes an enveloped signature over el (which must carry
// a non-empty ID attribute and must not yet be signed) and inserts it into el
// as Options.After says. The element's namespace context (declarations on
// its ancestors) is taken into account by the exclusive canonicalisation.
//
// The caller's tree is not otherwise changed: the digest is computed over a
// detached copy of el that carries every in-scope namespace declaration, so
// el keeps its attribute order, its namespace declarations (including ones
// used only inside attribute values, such as xsi:type="fed:...") and its
// comments. The only change is the inserted Signature. (goxmldsig's
// canonicaliser rewrites the element it is given in place.)
func SignEnveloped(el *etree.Element, opts Options) error {
	if el == nil {
		return fmt.Errorf("%w: nil element", ErrSign)
	}
	if opts.Signer == nil {
		return fmt.Errorf("%w: no signer", ErrSign)
	}
	idAttr := opts.IDAttribute
	if idAttr == "" {
		idAttr = dsig.DefaultIdAttr
	}
	if el.SelectAttrValue(idAttr, "") == "" {
		return fmt.Errorf("%w: element has no %s attribute", ErrSign, idAttr)
	}
	for _, c := range el.ChildElements() {
		if c.Tag == "Signature" && c.NamespaceURI() == dsig.Namespace {
			return fmt.Errorf("%w: element is already signed", ErrSign)
		}
	}
	certs := make([][]byte, 0, len(opts.Certificates))
	for i, c := range opts.Certificates {
		if c == nil {
			return fmt.Errorf("%w: nil certificate %d", ErrSign, i)
		}
		certs = append(certs, c.Raw)
		if opts.OnlyLeaf {
			break
		}
	}
	ctx, err := dsig.NewSigningContext(opts.Signer, certs)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrSign, err)
	}
	ctx.IdAttribute = idAttr
	ctx.Prefix = opts.Prefix
	ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	h := opts.Hash
	if h == 0 {
		h = crypto.SHA256
	}
	ctx.Hash = h
	if ctx.GetSignatureMethodIdentifier() == "" {
		return fmt.Errorf("%w: unsupported key or hash", ErrSign)
	}
	// Canonicalise a detached copy in el's namespace context, as a verifier
	// does: goxmldsig's exclusive canonicaliser sorts attributes, drops
	// namespace declarations that are not visibly used and strips comments in
	// the tree it is given, and resolves prefixes only from that tree.
	nsCtx, err := etreeutils.NSBuildParentContext(el)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrSign, err)
	}
	detached, err := etreeutils.NSDetatch(nsCtx, el)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrSign, err)
	}
	sig, err := ctx.ConstructSignature(detached, true)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrSign, err)
	}
	pos := 0
	if opts.After != "" {
		for _, c := range el.ChildElements() {
			if c.Tag == opts.After {
				pos = c.Index() + 1
				break
			}
		}
	}
	el.InsertChildAt(pos, sig)
	return nil
}

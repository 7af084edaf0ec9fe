package mint

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha1" // #nosec: RSA-SHA1 is Entra's legacy option (C3.1), opt-in only
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"hash"

	"github.com/samlaws/samlaws/internal/dsigalg"
	"github.com/samlaws/samlaws/internal/testkeys"
	"github.com/samlaws/samlaws/metadata"
)

// The algorithm URIs the minter writes (D4.3, D4.4) are metadata's:
// dsigalg.ExcC14N, dsigalg.Enveloped, metadata.AlgRSASHA256, ...

type mintSigAlg struct {
	hash      crypto.Hash
	newHash   func() hash.Hash
	sigMethod string
	digMethod string
}

// mintSigAlgFor returns the algorithm set for a, or false.
func mintSigAlgFor(a SignatureAlgorithm) (mintSigAlg, bool) {
	switch a {
	case RSASHA256:
		return mintSigAlg{crypto.SHA256, sha256.New, metadata.AlgRSASHA256, metadata.AlgDigestSHA256}, true
	case RSASHA1:
		return mintSigAlg{crypto.SHA1, sha1.New, metadata.AlgRSASHA1, metadata.AlgDigestSHA1}, true
	}
	return mintSigAlg{}, false
}

// signature returns an enveloped ds:Signature for the element with the given
// ID whose canonical form, minus the signature, is the concatenation of parts.
// An empty id writes Reference URI="" (the parts are then the whole document).
// The Signature declares the dsig namespace as default, as Entra writes it.
func (m *minter) signature(id string, parts ...[]byte) ([]byte, error) {
	h := m.alg.newHash()
	for _, p := range parts {
		h.Write(p)
	}
	var sum [32]byte
	digest := h.Sum(sum[:0])

	// SignedInfo in canonical form, as it is canonicalised inside the
	// Signature element: it inherits the default dsig namespace, which
	// exc-c14n renders on the apex element.
	si := make([]byte, 0, 640)
	si = append(si, `<SignedInfo xmlns="`+NSDSig+`">`...)
	inner := len(si)
	si = append(si, `<CanonicalizationMethod Algorithm="`+dsigalg.ExcC14N+`"></CanonicalizationMethod><SignatureMethod Algorithm="`...)
	si = append(si, m.alg.sigMethod...)
	si = append(si, `"></SignatureMethod><Reference URI="`...)
	if id != "" && !m.t.EmptyReferenceURI {
		si = append(si, '#')
		si = mintAppendAttr(si, id)
	}
	si = append(si, `"><Transforms><Transform Algorithm="`+dsigalg.Enveloped+`"></Transform><Transform Algorithm="`+dsigalg.ExcC14N+`"></Transform></Transforms><DigestMethod Algorithm="`...)
	si = append(si, m.alg.digMethod...)
	si = append(si, `"></DigestMethod><DigestValue>`...)
	si = base64.StdEncoding.AppendEncode(si, digest)
	si = append(si, `</DigestValue></Reference></SignedInfo>`...)

	h = m.alg.newHash()
	h.Write(si)
	siDigest := h.Sum(sum[:0])

	signer := m.b.signer
	switch {
	case m.t.SignWith != nil:
		signer = m.t.SignWith
	case m.t.OtherKey:
		k, err := otherKey(m.b.signer)
		if err != nil {
			return nil, mintErr(ErrMint, "Tamper.OtherKey", "D4.6", "no other test key", err)
		}
		signer = k
	}
	sv, err := signer.Sign(m.b.rand, siDigest, m.alg.hash)
	if err != nil {
		return nil, mintErr(ErrMint, "Signer", "", "signing failed", err)
	}

	out := make([]byte, 0, len(si)+len(sv)*4/3+len(m.b.certB64)+256)
	out = append(out, `<Signature xmlns="`+NSDSig+`"><SignedInfo>`...)
	out = append(out, si[inner:]...)
	out = append(out, `<SignatureValue>`...)
	out = base64.StdEncoding.AppendEncode(out, sv)
	out = append(out, `</SignatureValue><KeyInfo><X509Data><X509Certificate>`...)
	out = append(out, m.b.certB64...)
	out = append(out, `</X509Certificate></X509Data></KeyInfo></Signature>`...)
	return out, nil
}

// otherKey returns the last test key of the pool whose public key is not
// signer's (the last: samltest's IdPs sign with the first keys and take their
// next certificates from the following ones).
func otherKey(signer crypto.Signer) (crypto.Signer, error) {
	pub, _ := signer.Public().(*rsa.PublicKey)
	for i := testkeys.PoolSize - 1; i >= 0; i-- {
		k, err := testkeys.RSA(i)
		if err != nil {
			return nil, err
		}
		if pub == nil || !k.PublicKey.Equal(pub) {
			return k, nil
		}
	}
	return nil, errors.New("every pool key is the signer's")
}

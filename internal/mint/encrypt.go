package mint

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rsa"
	"crypto/sha1" // #nosec: rsa-oaep-mgf1p is defined with SHA-1 (D5.1)
	"encoding/base64"
	"github.com/samlaws/samlaws/metadata"
	"io"
)

// XML Encryption algorithm URIs the minter writes (D5.1).
const (
	mintAlgAES256CBC    = "http://www.w3.org/2001/04/xmlenc#aes256-cbc"
	mintAlgAES256GCM    = "http://www.w3.org/2009/xmlenc11#aes256-gcm"
	mintAlgRSAOAEPMGF1P = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"
	mintXEncTypeElement = "http://www.w3.org/2001/04/xmlenc#Element"
	mintAES256KeySize   = 32
	mintGCMNonceSize    = 12
)

func mintCheckEncryption(e *Encryption) error {
	if e.Certificate == nil {
		return mintErr(ErrResponseSpec, "Encryption.Certificate", "D5.1", "missing", nil)
	}
	if _, ok := e.Certificate.PublicKey.(*rsa.PublicKey); !ok {
		return mintErr(ErrResponseSpec, "Encryption.Certificate", "D5.1", "not an RSA key", nil)
	}
	switch e.Algorithm {
	case AES256CBC, AES256GCM:
	default:
		return mintErr(ErrResponseSpec, "Encryption.Algorithm", "D5.1", "unknown block algorithm", nil)
	}
	return nil
}

// encrypt wraps a (signed) Assertion into an EncryptedAssertion: a fresh
// AES-256 key encrypts the assertion bytes (CBC: IV || ciphertext with
// XML Encryption padding; GCM: nonce || ciphertext || tag), and RSA-OAEP
// (MGF1 and digest SHA-1) wraps the key for the SP certificate. All
// randomness comes from the builder's Rand.
func (m *minter) encrypt(plain []byte) ([]byte, error) {
	e := m.spec.Encryption
	pub := e.Certificate.PublicKey.(*rsa.PublicKey)
	r := m.b.rand
	var key [mintAES256KeySize]byte
	if _, err := io.ReadFull(r, key[:]); err != nil {
		return nil, mintErr(ErrMint, "Rand", "", "reading content key", err)
	}
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return nil, mintErr(ErrMint, "Encryption", "", "AES setup", err)
	}
	var ct []byte
	alg := mintAlgAES256CBC
	switch e.Algorithm {
	case AES256GCM:
		alg = mintAlgAES256GCM
		gcm, err := cipher.NewGCM(block)
		if err != nil {
			return nil, mintErr(ErrMint, "Encryption", "", "GCM setup", err)
		}
		ct = make([]byte, mintGCMNonceSize, mintGCMNonceSize+len(plain)+gcm.Overhead())
		if _, err := io.ReadFull(r, ct); err != nil {
			return nil, mintErr(ErrMint, "Rand", "", "reading GCM nonce", err)
		}
		ct = gcm.Seal(ct, ct[:mintGCMNonceSize], plain, nil)
	default:
		bs := block.BlockSize()
		pad := bs - len(plain)%bs // 1..bs, as XML Encryption requires
		ct = make([]byte, bs+len(plain)+pad)
		if _, err := io.ReadFull(r, ct[:bs]); err != nil {
			return nil, mintErr(ErrMint, "Rand", "", "reading CBC IV", err)
		}
		body := ct[bs:]
		copy(body, plain)
		for i := len(plain); i < len(body); i++ {
			body[i] = byte(pad) // PKCS#7 bytes: a valid choice of XML Encryption's arbitrary padding
		}
		cipher.NewCBCEncrypter(block, ct[:bs]).CryptBlocks(body, body)
	}
	wrapped, err := rsa.EncryptOAEP(sha1.New(), r, pub, key[:], nil)
	if err != nil {
		return nil, mintErr(ErrMint, "Encryption.Certificate", "D5.1", "RSA-OAEP key transport", err)
	}

	out := make([]byte, 0, len(ct)*4/3+len(e.Certificate.Raw)*4/3+1024)
	out = append(out, `<EncryptedAssertion xmlns="`+NSAssertion+`"><xenc:EncryptedData xmlns:xenc="`+mintNSXEnc+`" Type="`+mintXEncTypeElement+`"><xenc:EncryptionMethod Algorithm="`...)
	out = append(out, alg...)
	out = append(out, `"></xenc:EncryptionMethod><KeyInfo xmlns="`+NSDSig+`"><xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="`+mintAlgRSAOAEPMGF1P+`"><DigestMethod Algorithm="`+metadata.AlgDigestSHA1+`"></DigestMethod></xenc:EncryptionMethod><KeyInfo><X509Data><X509Certificate>`...)
	out = base64.StdEncoding.AppendEncode(out, e.Certificate.Raw)
	out = append(out, `</X509Certificate></X509Data></KeyInfo><xenc:CipherData><xenc:CipherValue>`...)
	out = base64.StdEncoding.AppendEncode(out, wrapped)
	out = append(out, `</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></KeyInfo><xenc:CipherData><xenc:CipherValue>`...)
	out = base64.StdEncoding.AppendEncode(out, ct)
	out = append(out, `</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></EncryptedAssertion>`...)
	return out, nil
}

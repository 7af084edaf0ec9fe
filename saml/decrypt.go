package saml

import (
	"bytes"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // rsa-oaep-mgf1p is defined with SHA-1 (D5.1)
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/beevik/etree"

	"github.com/samlaws/samlaws/internal/c14n"
	"github.com/samlaws/samlaws/internal/xmltree"
	"github.com/samlaws/samlaws/metadata"
)

// Decryption of an EncryptedAssertion (A5.6, A5.7, D5.1), without a
// decryption oracle (issue 19 item 1).
//
// What is accepted is as narrow as what is documented. AWS (IAM API text for
// AddPrivateKey, since encrypted assertions shipped in February 2025) says
// only that it "uses AES-GCM or AES-CBC"; Entra says it encrypts with
// AES-256. Neither names the key transport. So the content encryption is
// AES-CBC or AES-GCM (128, 192 or 256 bits: AWS names no key size), and the
// key transport is RSA-OAEP as XML Encryption 1.0 defines it
// (rsa-oaep-mgf1p, MGF1 and digest SHA-1, no OAEP parameters): the one key
// transport every peer here (the builder, xmlsec1, pysaml2, python3-saml,
// node-saml) writes by default. That RSA-OAEP is what AWS and Entra use is
// inferred; RSA PKCS#1 v1.5 key transport (rsa-1_5, Bleichenbacher-prone)
// and the xmlenc11 variants are refused with an explicit error.
//
// Oracle: with AES-CBC an attacker who keeps a victim's EncryptedKey and
// substitutes the EncryptedData can learn plaintext from any difference in
// how the verifier fails (Jager and Somorovsky, "How To Break XML
// Encryption", CCS 2011). So every failure from key unwrapping on — the key
// does not unwrap, the content does not decrypt or unpad, the plaintext is
// not well-formed, not exactly one schema-valid Assertion, or (when no
// verified Response signature covers the ciphertext) that Assertion's
// signature is missing or does not verify — gets one and the same
// ValidationError: same Reason, Rule, Hint, category and AWS answer, and no
// wrapped cause. Diagnose stops there too, so that nothing read from an
// unauthenticated plaintext is reported. The checks before unwrapping look
// only at what the attacker wrote themselves (algorithms, element shape,
// base64, lengths), so their specific errors reveal nothing.
//
// The work is the same in its steps whatever fails (TestDecryptFailuresSameWork
// pins the counts, docs/benchmarks.md has the instruction counts): a
// wrapped key must be as long as a decryption key's modulus (checked before
// unwrapping: the sender's own bytes); every EncryptedKey is tried with
// every configured key, with no early exit; when none unwraps to a key of
// the right length, decryption goes on with a dummy key derived from the
// decryption keys and the EncryptedKey bytes (HMAC-SHA256, as RFC 3218's
// and TLS's implicit rejection do), so that the attacker can neither
// predict it nor tell the two cases apart; every block is decrypted and CBC
// padding is checked in constant time; the plaintext is parsed whether or
// not the padding was valid, and a parse that stops early is topped up by
// parsing as many bytes of decoy text as it did not read, on the same node
// slabs (sized for both texts) and without copying the decoy text, so that
// neither the bytes parsed nor the memory allocated say where it stopped
// (the failure is not classified: no error value is built for it). Then,
// whatever failed, one schema check
// (to the end, not to the first problem) and one signature verification
// run: on the decrypted Assertion when the plaintext parsed into one, else
// on a decoy Assertion the Verifier holds (Issuer and Signature only, or
// Entra-shaped and about 5 KB, the larger that is not larger than the
// plaintext; schema-valid, its signature naming the first trusted
// certificate and not verifying), grown to the plaintext's size in steps of
// one 69-byte AttributeValue (decoySet.grow; the decoy and its units are
// canonicalized in one call into one buffer and hashed once, as a
// decrypted Assertion is). In this region the
// signature verification does not stop at a failed RSA check but goes on
// to canonicalize and digest, as for a valid signature; and the RSA
// public-key exponentiations are topped up to rsaExpsEnvelope per trusted
// certificate. What still depends on the plaintext is how far the decoy's
// cost per byte differs from the decrypted Assertion's, where in a start
// tag the parse stopped, and the error values built: measured at under
// 0.8% of a Verify call in instructions up to 50 KB; the bytes allocated
// lie within 4% (TestDecryptFailuresSameAlloc); wall-clock time:
// docs/benchmarks.md, BenchmarkDecryptTimingOracle. AES-GCM has no such channel
// (its tag is checked before any plaintext is used), which is why the
// builder defaults to it; AES-CBC stays accepted because AWS documents it
// (A5.7) and Entra may send it (D5.1).

// XML Encryption algorithm URIs of the decryption path.
const (
	algRSAOAEPMGF1P = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"
	algRSA15        = "http://www.w3.org/2001/04/xmlenc#rsa-1_5"
	algRSAOAEP11    = "http://www.w3.org/2009/xmlenc11#rsa-oaep"
	xencTypeElement = "http://www.w3.org/2001/04/xmlenc#Element"
)

// contentAlg is one content-encryption algorithm: key size and mode.
type contentAlg struct {
	keySize int
	gcm     bool
}

// aesAlgs are the content-encryption algorithms AWS decrypts (A5.7).
var aesAlgs = map[string]contentAlg{
	"http://www.w3.org/2001/04/xmlenc#aes128-cbc": {16, false},
	"http://www.w3.org/2001/04/xmlenc#aes192-cbc": {24, false},
	"http://www.w3.org/2001/04/xmlenc#aes256-cbc": {32, false},
	"http://www.w3.org/2009/xmlenc11#aes128-gcm":  {16, true},
	"http://www.w3.org/2009/xmlenc11#aes192-gcm":  {24, true},
	"http://www.w3.org/2009/xmlenc11#aes256-gcm":  {32, true},
}

// maxEncryptedKeys bounds the EncryptedKey elements tried (each costs one
// RSA private-key operation per configured key).
const maxEncryptedKeys = 4

const (
	gcmNonceSize = 12
	gcmTagSize   = 16
)

// errUndecryptable is the one answer to every failure from key unwrapping
// on (see above). It is built fresh each time and never wraps a cause.
func errUndecryptable() *ValidationError {
	return newErr(ErrEncryption, "D5.1",
		"EncryptedAssertion does not decrypt with any configured key to an Assertion that a trusted signature covers",
		"check that the certificate uploaded for token encryption in Entra matches one of the configured decryption keys, "+
			"and that the assertion is signed with a certificate of the IdP's metadata; "+
			"the verifier answers every failure after key unwrapping the same way, so that it cannot serve as a decryption oracle")
}

// encryptedParts is an EncryptedAssertion checked up to key unwrapping.
type encryptedParts struct {
	alg        contentAlg
	wrapped    [][]byte // RSA-OAEP ciphertexts of the content key
	ciphertext []byte   // IV or nonce || ciphertext (|| tag)
}

// decrypt decrypts the EncryptedAssertion ea (D5.1). When covered is false
// (no verified Response signature covers ea), it also verifies the
// decrypted Assertion's own signature inside the uniform-failure region and
// returns it. The returned element is the decrypted Assertion, already
// walked and schema-checked.
func (c *checker) decrypt(ea *etree.Element, facts *treeFacts, covered bool) (*etree.Element, *signed, *ValidationError) {
	if len(c.v.keys) == 0 {
		return nil, nil, newErr(ErrEncryption, "A5.6", "assertion is encrypted, but no decryption key is configured",
			"give the private key whose certificate was uploaded to the Entra app for token encryption").withSetting("DecryptionKeys")
	}
	parts, e := encryptedShape(ea)
	if e != nil {
		return nil, nil, e
	}

	for _, w := range parts.wrapped {
		if !c.v.fitsAKey(w) {
			// The sender's own bytes against the public key sizes: this
			// reveals nothing, and keeps the unwrap work below the same for
			// every EncryptedKey that gets there.
			return nil, nil, newErr(ErrEncryption, "D5.1", "EncryptedKey CipherValue is not as long as the modulus of any configured decryption key",
				"wrap the content key with RSA-OAEP for the certificate uploaded to Entra for token encryption")
		}
	}

	// From here on every failure is errUndecryptable, after the same steps.
	// Without a verified Response signature over the ciphertext, a failure
	// also returns no sooner than a floor (decrypt_pad.go), counted from
	// after the key unwrapping (constant-time RSA, the same for every probe
	// of one shape) and keyed on what the sender controls that sets the
	// region's cost: the bytes parsed (ciphertext and the wrapper of
	// namespace declarations, the sender's own bytes, built before the
	// region) and the canonicalization budget (from the response's size).
	base := c.rsaExpsSnapshot()
	cek, found := c.v.unwrap(parts, &c.dec)
	var start time.Duration
	if !covered {
		start = c.v.pad.clock.now()
	}
	wrapper := nsWrapper(ea)
	key := padKey(len(parts.ciphertext)+len(wrapper), c.c14nBudget)
	plain, ok := decryptContent(parts, cek, found, &c.dec)
	root, sig, ok := c.openAssertion(facts, wrapper, plain, ok, covered)
	if !ok {
		c.topUpRSA(base)
	}
	if !covered {
		c.v.pad.settle(key, start, !ok)
	}
	if !ok {
		return nil, nil, errUndecryptable()
	}
	return root, sig, nil
}

// decryptWork counts the steps of the decryption region, so that tests can
// pin that every failure takes the same ones (TestDecryptFailuresSameWork)
// without timing anything.
type decryptWork struct {
	unwraps    int // RSA-OAEP private-key exponentiations
	aesBlocks  int // AES blocks decrypted
	parses     int // plaintexts given to the XML parser
	schemas    int // schema checks of an Assertion (the decrypted one or the decoy)
	signatures int // signature verifications (of the decrypted Assertion or the decoy)
	digests    int // canonicalizations and digests of an Assertion
	rsaExps    int // RSA public-key exponentiations, after the top-up
	// Bytes of XML parsed (the plaintext up to where the parser stopped,
	// then decoy text), schema-checked and canonicalized with a digest (the
	// decrypted Assertion, or a decoy and its units).
	parsed, schemaBytes, digestBytes int
	// The plaintext's size and that of the text given to the parser (the
	// plaintext in a wrapper that declares the namespaces in scope).
	plainBytes, wrappedBytes int
}

// rsaExpsEnvelope is how many RSA public-key exponentiations every failure
// of decryption does per trusted certificate: the most verifySignature can
// do (the certificate KeyInfo names, tried first and again with the others).
const rsaExpsEnvelope = 2

// rsaVerify verifies an RSA PKCS#1 v1.5 signature with cert's key and
// counts the exponentiation when there is one (rsa.VerifyPKCS1v15 returns
// before it for a signature of the wrong length or not below the modulus).
func (c *checker) rsaVerify(cert *x509.Certificate, hash crypto.Hash, sum, sig []byte) error {
	pub := cert.PublicKey.(*rsa.PublicKey)
	if len(sig) == pub.Size() && new(big.Int).SetBytes(sig).Cmp(pub.N) < 0 {
		if c.rsaExps == nil {
			c.rsaExps = make([]int, len(c.v.certs))
		}
		for i, pc := range c.v.certs {
			if pc == cert {
				c.rsaExps[i]++
			}
		}
	}
	return rsa.VerifyPKCS1v15(pub, hash, sum, sig)
}

// rsaExpsSnapshot returns the exponentiation counts so far, per certificate.
func (c *checker) rsaExpsSnapshot() []int {
	out := make([]int, len(c.v.certs))
	copy(out, c.rsaExps)
	return out
}

// topUpRSA brings the exponentiations done since base to rsaExpsEnvelope per
// trusted certificate, with a signature that does not verify, so that every
// failure of decryption does the same RSA work whichever step failed.
func (c *checker) topUpRSA(base []int) {
	var sum [32]byte
	for i, cert := range c.v.certs {
		for c.rsaExpsAt(i)-base[i] < rsaExpsEnvelope {
			_ = c.rsaVerify(cert, crypto.SHA256, sum[:], c.v.dummySigs[i])
		}
		c.dec.rsaExps += c.rsaExpsAt(i) - base[i]
	}
}

// rsaExpsAt returns the exponentiations counted for certificate i.
func (c *checker) rsaExpsAt(i int) int {
	if c.rsaExps == nil {
		return 0
	}
	return c.rsaExps[i]
}

// fitsAKey reports whether the wrapped key w is as long as the modulus of
// one of the decryption keys.
func (v *Verifier) fitsAKey(w []byte) bool {
	for _, k := range v.keys {
		if len(w) == k.Size() {
			return true
		}
	}
	return false
}

// encryptedShape checks what the sender wrote before any secret is used:
// algorithms, the EncryptedKey elements, base64 and lengths. The schema
// check (D4.9) has already held ea to the xenc content models.
func encryptedShape(ea *etree.Element) (*encryptedParts, *ValidationError) {
	ed := childNS(ea, nsXEnc, "EncryptedData")
	if ed == nil {
		return nil, newErr(ErrEncryption, "D5.1", "EncryptedAssertion has no EncryptedData", "")
	}
	if t, ok := attrValue(ed, "Type"); ok && t != xencTypeElement {
		return nil, newErr(ErrEncryption, "D5.1", "EncryptedData Type is not "+xencTypeElement, "an EncryptedAssertion encrypts the Assertion element")
	}
	em := childNS(ed, nsXEnc, "EncryptionMethod")
	alg := ""
	if em != nil {
		alg = attrOr(em, "Algorithm")
	}
	p := &encryptedParts{}
	ca, ok := aesAlgs[alg]
	if !ok {
		return nil, newErr(ErrEncryption, "A5.7", "EncryptedAssertion uses content encryption "+quoteShort(alg)+"; AWS decrypts only AES-CBC and AES-GCM",
			"encrypt with AES-256-GCM or AES-256-CBC (Entra's token encryption uses AES-256)")
	}
	if len(childrenNS(em, "", "")) != 0 {
		return nil, newErr(ErrEncryption, "A5.7", "EncryptedData EncryptionMethod has parameters; AES-CBC and AES-GCM take none", "")
	}
	p.alg = ca
	// The content key: in EncryptedData's KeyInfo, or beside EncryptedData
	// (both are common). Other KeyInfo children (KeyName, a RetrievalMethod
	// pointing at a sibling EncryptedKey) only name a key and are not
	// followed: every EncryptedKey present is tried.
	var eks []*etree.Element
	if ki := childNS(ed, nsDSig, "KeyInfo"); ki != nil {
		eks = append(eks, childrenNS(ki, nsXEnc, "EncryptedKey")...)
	}
	eks = append(eks, childrenNS(ea, nsXEnc, "EncryptedKey")...)
	switch {
	case len(eks) == 0:
		return nil, newErr(ErrEncryption, "D5.1", "EncryptedAssertion has no EncryptedKey", "the content key must be sent wrapped with RSA-OAEP for the SP certificate")
	case len(eks) > maxEncryptedKeys:
		return nil, newErr(ErrEncryption, "D5.1", "EncryptedAssertion has more than 4 EncryptedKey elements", "")
	}
	for _, ek := range eks {
		w, e := wrappedKey(ek)
		if e != nil {
			return nil, e
		}
		p.wrapped = append(p.wrapped, w)
	}
	ct, e := cipherValue(ed, "EncryptedData")
	if e != nil {
		return nil, e
	}
	if ca.gcm {
		if len(ct) < gcmNonceSize+gcmTagSize {
			return nil, newErr(ErrEncryption, "D5.1", "EncryptedData is too short for AES-GCM (nonce and tag)", "")
		}
	} else if len(ct) < 2*aes.BlockSize || len(ct)%aes.BlockSize != 0 {
		return nil, newErr(ErrEncryption, "D5.1", "EncryptedData is not an IV and whole AES-CBC blocks", "")
	}
	p.ciphertext = ct
	return p, nil
}

// wrappedKey checks one EncryptedKey's algorithm and returns its
// ciphertext.
func wrappedKey(ek *etree.Element) ([]byte, *ValidationError) {
	em := childNS(ek, nsXEnc, "EncryptionMethod")
	alg := ""
	if em != nil {
		alg = attrOr(em, "Algorithm")
	}
	switch alg {
	case algRSAOAEPMGF1P:
	case algRSA15:
		return nil, newErr(ErrEncryption, "A5.7", "EncryptedKey uses RSA PKCS#1 v1.5 key transport (rsa-1_5), which is refused",
			"wrap the content key with RSA-OAEP (http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p)")
	default:
		return nil, newErr(ErrEncryption, "A5.7", "EncryptedKey uses key transport "+quoteShort(alg)+"; only RSA-OAEP (rsa-oaep-mgf1p) is accepted",
			"wrap the content key with RSA-OAEP (http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p)")
	}
	for _, ch := range em.ChildElements() {
		if !is(ch, nsDSig, "DigestMethod") || attrOr(ch, "Algorithm") != metadata.AlgDigestSHA1 {
			return nil, newErr(ErrEncryption, "A5.7", "EncryptedKey RSA-OAEP takes only a SHA-1 DigestMethod here (no OAEPparams, no other digest)", "")
		}
	}
	return cipherValue(ek, "EncryptedKey")
}

// cipherValue decodes the CipherData/CipherValue of el.
func cipherValue(el *etree.Element, what string) ([]byte, *ValidationError) {
	cd := childNS(el, nsXEnc, "CipherData")
	var cv *etree.Element
	if cd != nil {
		cv = childNS(cd, nsXEnc, "CipherValue")
	}
	if cv == nil {
		return nil, newErr(ErrEncryption, "D5.1", what+" has no CipherData/CipherValue", "")
	}
	t, _ := textOf(cv)
	b, err := base64.StdEncoding.DecodeString(stripSpace(t))
	if err != nil || len(b) == 0 {
		return nil, newErr(ErrEncryption, "D5.1", what+" CipherValue is not base64", "")
	}
	return b, nil
}

// unwrap tries every EncryptedKey with every configured key, with no early
// exit, and returns the content key (the dummy key when none unwrapped to a
// key of the right length) and found 1 when one did.
func (v *Verifier) unwrap(p *encryptedParts, work *decryptWork) (cek []byte, found int) {
	size := p.alg.keySize
	cek = v.dummyKey(p, size)
	for _, w := range p.wrapped {
		for _, k := range v.keys {
			if len(w) == k.Size() && new(big.Int).SetBytes(w).Cmp(k.N) < 0 {
				work.unwraps++
			}
			got, err := rsa.DecryptOAEP(sha1.New(), nil, k, w, nil)
			good := 0
			if err == nil && len(got) == size {
				good = 1
			}
			take := good &^ found
			if len(got) == size {
				subtle.ConstantTimeCopy(take, cek, got)
			}
			found |= good
		}
	}
	return cek, found
}

// decryptContent decrypts the content with the content key cek. ok is false
// when no key unwrapped (found 0) or the content did not decrypt; plain is
// returned either way (for CBC the unpadded or, when the padding is bad, the
// whole decrypted buffer; for GCM zeros on failure), so that the caller
// does the same work in both cases.
func decryptContent(p *encryptedParts, cek []byte, found int, work *decryptWork) (plain []byte, ok bool) {
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, false
	}
	if p.alg.gcm {
		g, err := cipher.NewGCM(block)
		if err != nil {
			return nil, false
		}
		nonce, body := p.ciphertext[:gcmNonceSize], p.ciphertext[gcmNonceSize:]
		work.aesBlocks += (len(body) - gcmTagSize + aes.BlockSize - 1) / aes.BlockSize
		// One buffer, whether the tag verifies or not (Open leaves it
		// cleared on failure; cleared here again all the same).
		buf := make([]byte, len(body)-gcmTagSize)
		out, err := g.Open(buf[:0], nonce, body, nil)
		if err != nil {
			clear(buf)
			return buf, false
		}
		return out, found == 1
	}
	iv, body := p.ciphertext[:aes.BlockSize], p.ciphertext[aes.BlockSize:]
	buf := make([]byte, len(body))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(buf, body)
	work.aesBlocks += len(body) / aes.BlockSize
	// XML Encryption padding: the last byte n (1..block size) says how many
	// bytes to drop; the others are arbitrary. Checked in constant time.
	n := int(buf[len(buf)-1])
	padOK := subtle.ConstantTimeLessOrEq(1, n) & subtle.ConstantTimeLessOrEq(n, aes.BlockSize)
	cut := subtle.ConstantTimeSelect(padOK, n, 0)
	return buf[:len(buf)-cut], found&padOK == 1
}

// dummyKey derives the content key used when no configured key unwraps one:
// HMAC-SHA256 keyed with a secret derived from the decryption keys, over the
// wrapped keys. The attacker cannot compute it, and it is the same for the
// same input.
func (v *Verifier) dummyKey(p *encryptedParts, size int) []byte {
	m := hmac.New(sha256.New, v.dummySecret[:])
	for _, w := range p.wrapped {
		m.Write(w)
	}
	return m.Sum(nil)[:size]
}

// nsWrapper is the start tag the plaintext is parsed in. The plaintext may
// use prefixes declared outside the EncryptedAssertion (pysaml2 does): it is
// parsed inside a wrapper that declares the namespaces in scope there, so
// that names and canonicalization see the same context.
func nsWrapper(ea *etree.Element) string {
	var w strings.Builder
	w.WriteString("<w")
	seen := map[string]bool{}
	for p := ea; p != nil; p = p.Parent() {
		for _, a := range p.Attr {
			key := ""
			switch {
			case a.Space == "xmlns":
				key = a.Key
			case a.Space == "" && a.Key == "xmlns":
				key = "#default"
			default:
				continue
			}
			if seen[key] {
				continue
			}
			seen[key] = true
			if key == "#default" {
				w.WriteString(` xmlns="`)
			} else {
				w.WriteString(" xmlns:" + key + `="`)
			}
			xmlEscapeAttr(&w, a.Value)
			w.WriteString(`"`)
		}
	}
	w.WriteString(">")
	return w.String()
}

// openAssertion parses the plaintext and checks that it is exactly one
// schema-valid Assertion; when covered is false it also verifies the
// Assertion's signature. It returns ok false for every failure, without
// saying which. Whatever fails, the same steps are taken: one parse, one
// schema check, and (when covered is false) one signature verification
// that goes on to canonicalize and digest even when the RSA verification
// failed; a step whose input did not survive an earlier one runs on the
// Verifier's decoy Assertion instead (see newDecoy).
// The plaintext is parsed inside wrapper (nsWrapper's start tag).
func (c *checker) openAssertion(facts *treeFacts, wrapper string, plain []byte, decrypted, covered bool) (root *etree.Element, sig *signed, ok bool) {
	wrapped := make([]byte, 0, len(wrapper)+len(plain)+4)
	wrapped = append(wrapped, wrapper...)
	wrapped = append(wrapped, trimBOM(bytes.TrimLeft(plain, " \t\r\n"))...)
	wrapped = append(wrapped, "</w>"...)
	// Parsed whether or not decryption succeeded: the same work either way.
	// A parse that stops early is topped up with as many bytes of the
	// decoy text, on the same slabs, so that neither the bytes parsed nor
	// the memory allocated say where it stopped: the plaintext's parse
	// allocates its text copy and its slabs for the whole input wherever it
	// stops, and the top-up takes its nodes from those slabs where the
	// plaintext's left off and does not copy the decoy text. The slabs are
	// sized for the markup of the plaintext and of as many bytes of decoy
	// text together, so that the two parses never outgrow them, wherever
	// the first one stopped. The failure
	// itself is not classified (no error value is built for it).
	c.dec.parses++
	var slabs xmltree.Slabs
	lt, eq := xmltree.MarkupCount(wrapped)
	dlt, deq := c.v.decoys.markup(len(wrapped))
	slabs.Reserve(lt+dlt, eq+deq)
	doc, f, perr := parseDocumentOn(&slabs, wrapped, "", defaultParseLimits)
	c.parseDecoy(&slabs, len(wrapped)-f.stop)
	c.dec.parsed += f.stop
	// The canonicalization budget follows the plaintext's size whatever
	// failed: the digest buffers are sized from it (verifySignature).
	c.c14nBudget = max(c.c14nBudget, 2*len(wrapped)+4096)
	ok = perr == nil && !f.strayDSig && decrypted
	if ok {
		c.work += f.work
		kids := doc.Root().ChildElements()
		ok = len(kids) == 1 && is(kids[0], nsAssertion, "Assertion") && f.assertions == 1
		if ok {
			root = kids[0]
		}
	}
	// n: the plaintext's size, which the decoy's work follows.
	n := len(wrapped) - len(wrapper) - len("</w>")
	c.dec.plainBytes, c.dec.wrappedBytes = n, len(wrapped)
	d := c.v.decoys.pick(n)
	c.c14nBudget = max(c.c14nBudget, c.v.decoys.budget)
	// The decoy units that grow the decoy to the plaintext's size, chosen
	// whatever failed (no allocation: the checker holds the slice).
	units, grown := c.v.decoys.grow(n-d.size, c.decoyUnits[:0])
	c.dec.schemas++
	if root != nil {
		// The whole Assertion is checked, not up to its first problem.
		if !schemaValidFull(root) {
			ok = false
		}
		c.dec.schemaBytes += n
	} else {
		_ = schemaValidFull(d.el)
		for _, u := range units {
			_ = schemaValidFull(u)
		}
		c.dec.schemaBytes += d.size + grown
	}
	if ok {
		for id := range f.ids {
			if facts.ids[id] > 0 {
				ok = false
			}
		}
	}
	if covered {
		// A verified Response signature covers the ciphertext: it was
		// authenticated before decryption, so there is no oracle to close.
		if !ok {
			return nil, nil, false
		}
		return root, nil, true
	}
	target, sigEl := d.el, d.sig
	var sigs []*etree.Element
	if root != nil {
		sigs = childrenNS(root, nsDSig, "Signature")
	}
	if len(sigs) == 1 {
		target, sigEl = root, sigs[0]
	} else {
		ok = false
	}
	c.dec.signatures++
	digests := c.dec.digests
	// The decoy is digested with its units in one canonicalization, into
	// one buffer, with one hash, as a decrypted Assertion of its size is.
	if target == d.el {
		c.c14nExtra = units
	}
	c.uniform = true
	s, e := c.verifySignature(target, sigEl, "Assertion")
	c.uniform = false
	if c.dec.digests == digests {
		// verifySignature stopped before the digest (a malformed
		// Signature in a plaintext that parsed): digest the decoy.
		c.c14nExtra = units
		c.digestDecoy(d)
		target = d.el
	}
	c.c14nExtra = nil
	if target == d.el {
		c.dec.digestBytes += d.size + grown
	} else {
		c.dec.digestBytes += n
	}
	if e != nil || !ok {
		return nil, nil, false
	}
	return root, s, true
}

// schemaValidFull reports whether el is schema-valid, checking all of it
// (checkSchema stops at the first problem, which would tell where it was).
func schemaValidFull(el *etree.Element) bool {
	valid := true
	schemaCheck(el, sink{add: func(*ValidationError) bool { valid = false; return false }, full: func() bool { return true }})
	return valid
}

// digestDecoy canonicalizes the decoy Assertion d without its Signature,
// with the units in c.c14nExtra as further children, and hashes it, as verifySignature's
// digest step does.
func (c *checker) digestDecoy(d *decoyAssertion) {
	c.dec.digests++
	b, err := c14n.Canonicalize(d.el, c14n.Options{Skip: d.sig, Work: &c.work, MaxBytes: c.c14nBudget, Extra: c.c14nExtra},
		make([]byte, 0, (c.c14nBudget-4096)/2))
	if err == nil {
		_ = sha256.Sum256(b)
	}
}

// parseDecoy parses n bytes of the decoy text on the slabs sl (in pieces
// when n is larger than the text, which is as long as the parser's size
// budget; each piece but a whole text stops at its end, unclosed). It
// parses at least once, even for n <= 0, so that a parse that stopped early
// and one that did not both pay the parser's set-up twice.
func (c *checker) parseDecoy(sl *xmltree.Slabs, n int) {
	t, s := c.v.decoys.text, c.v.decoys.textStr
	for first := true; first || n > 0; first = false {
		n = max(n, 0)
		k := min(n, len(t))
		_, f, _ := parseDocumentOn(sl, t[:k], s[:k], defaultParseLimits)
		c.dec.parsed += f.stop
		n -= k
	}
}

// grow returns, appended to dst, the decoy units (Attribute elements of
// group-like AttributeValues, the shape that makes Entra assertions large)
// that add what n more bytes of a decrypted Assertion would: as many
// 64-value and then 16-value units as fit, then the one of 0 to 16 values
// closest to what is left (within about 50 bytes). It also returns the
// bytes they add.
func (ds *decoySet) grow(n int, dst []*etree.Element) ([]*etree.Element, int) {
	added := 0
	for _, m := range []int{decoyUnitBig, decoyUnitMax} {
		for n >= ds.unitLens[m] {
			dst = append(dst, ds.units[m])
			n -= ds.unitLens[m]
			added += ds.unitLens[m]
		}
	}
	best, bestErr := 0, n
	for m := 1; m <= decoyUnitMax; m++ {
		if e := abs(ds.unitLens[m] - n); e < bestErr {
			best, bestErr = m, e
		}
	}
	if best > 0 {
		dst = append(dst, ds.units[best])
		added += ds.unitLens[best]
	}
	return dst, added
}

// decoyTemplate is the decoy Assertion: shaped and sized like an Entra
// assertion for AWS (about 5 KB), schema-valid, with an enveloped Signature
// whose KeyInfo names the first trusted certificate (%[1]s) and whose
// SignatureValue (%[2]s) is as long as that certificate's modulus and does
// not verify. Its values are placeholders; nothing is ever read from it.
const decoyTemplate = `<Assertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion" ID="_00000000-0000-0000-0000-000000000000" IssueInstant="2000-01-01T00:00:00.000Z" Version="2.0">` +
	`<Issuer>https://sts.windows.net/00000000-0000-0000-0000-000000000000/</Issuer>` +
	`<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo><CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"></CanonicalizationMethod>` +
	`<SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"></SignatureMethod><Reference URI="#_00000000-0000-0000-0000-000000000000">` +
	`<Transforms><Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"></Transform><Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"></Transform></Transforms>` +
	`<DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"></DigestMethod><DigestValue>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=</DigestValue></Reference></SignedInfo>` +
	`<SignatureValue>%[2]s</SignatureValue><KeyInfo><X509Data><X509Certificate>%[1]s</X509Certificate></X509Data></KeyInfo></Signature>` +
	`<Subject><NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">decoy.user.00000000@decoy.invalid</NameID>` +
	`<SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><SubjectConfirmationData NotOnOrAfter="2000-01-01T00:05:00.000Z" Recipient="https://signin.aws.amazon.com/saml"></SubjectConfirmationData></SubjectConfirmation></Subject>` +
	`<Conditions NotBefore="2000-01-01T00:00:00.000Z" NotOnOrAfter="2000-01-01T01:10:00.000Z"><AudienceRestriction><Audience>https://signin.aws.amazon.com/saml</Audience></AudienceRestriction></Conditions>` +
	`<AttributeStatement>` +
	`<Attribute Name="http://schemas.microsoft.com/identity/claims/tenantid"><AttributeValue>00000000-0000-0000-0000-000000000000</AttributeValue></Attribute>` +
	`<Attribute Name="http://schemas.microsoft.com/identity/claims/objectidentifier"><AttributeValue>00000000-0000-0000-0000-000000000000</AttributeValue></Attribute>` +
	`<Attribute Name="http://schemas.microsoft.com/identity/claims/displayname"><AttributeValue>Decoy, Decoy</AttributeValue></Attribute>` +
	`<Attribute Name="http://schemas.microsoft.com/identity/claims/identityprovider"><AttributeValue>https://sts.windows.net/00000000-0000-0000-0000-000000000000/</AttributeValue></Attribute>` +
	`<Attribute Name="http://schemas.microsoft.com/claims/authnmethodsreferences"><AttributeValue>http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password</AttributeValue></Attribute>` +
	`<Attribute Name="http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname"><AttributeValue>Decoy</AttributeValue></Attribute>` +
	`<Attribute Name="http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname"><AttributeValue>Decoy</AttributeValue></Attribute>` +
	`<Attribute Name="http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"><AttributeValue>decoy.user.00000000@decoy.invalid</AttributeValue></Attribute>` +
	`<Attribute Name="http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"><AttributeValue>decoy.user.00000000@decoy.invalid</AttributeValue></Attribute>` +
	`<Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><AttributeValue>arn:aws:iam::000000000000:role/Decoy,arn:aws:iam::000000000000:saml-provider/Decoy</AttributeValue>` +
	`<AttributeValue>arn:aws:iam::000000000000:role/path/Decoy2,arn:aws:iam::000000000000:saml-provider/Decoy</AttributeValue></Attribute>` +
	`<Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><AttributeValue>decoy.user.00000000@decoy.invalid</AttributeValue></Attribute>` +
	`<Attribute Name="https://aws.amazon.com/SAML/Attributes/SessionDuration"><AttributeValue>3600</AttributeValue></Attribute>` +
	`</AttributeStatement>` +
	`<AuthnStatement AuthnInstant="2000-01-01T00:00:00.000Z" SessionIndex="_00000000-0000-0000-0000-000000000000"><AuthnContext><AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</AuthnContextClassRef></AuthnContext></AuthnStatement>` +
	`</Assertion>`

// decoyMinimal is the smallest decoy: the decoy Assertion's Issuer and
// Signature only (schema-valid), for plaintexts smaller than decoyTemplate.
func decoyMinimal(full string) string {
	i := strings.Index(full, "<Subject>")
	return full[:i] + "</Assertion>"
}

// decoyUnitValue is one AttributeValue of a decoy unit (a group object ID,
// as Entra sends in the groups claim).
const decoyUnitValue = "<AttributeValue>00000000-0000-0000-0000-000000000000</AttributeValue>"

// decoyUnitMax is the number of values of the largest of the small decoy
// units (1 to decoyUnitMax values), and decoyUnitBig that of the big one,
// which keeps the number of units (each a schema check or a
// canonicalization call) low for large plaintexts.
const (
	decoyUnitMax = 16
	decoyUnitBig = 64
)

// decoySet is what the failures of decryption work on in place of a
// decrypted Assertion that did not survive a step: decoy Assertions of two
// sizes, decoy units to grow them by, and the text that tops up a parse
// that stopped early.
type decoySet struct {
	assertions []*decoyAssertion // smallest first
	units      []*etree.Element  // units[m]: an Attribute of m AttributeValues (m = 1..decoyUnitMax, decoyUnitBig)
	unitLens   []int             // their sizes in bytes
	text       []byte            // Entra-shaped Assertion text, as long as the parser's size budget
	textStr    string            // the same, as a string (parsed without a copy)
	textMarkup [][2]int          // [k]: MarkupCount of text[:k*1024] (the last: of all of it)
	budget     int               // canonicalization budget for the largest decoy
}

// decoyAssertion is one decoy Assertion and its Signature.
type decoyAssertion struct {
	el, sig *etree.Element
	size    int // bytes of its text
}

// markup returns, for sizing the slabs of a parse topped up with up to n
// bytes of the decoy text, the MarkupCount of the decoy text's first n
// bytes rounded up to the next KB (a table look-up: counting the text each
// time would cost as much as counting the plaintext).
func (ds *decoySet) markup(n int) (lt, eq int) {
	m := ds.textMarkup[min((max(n, 0)+1023)/1024, len(ds.textMarkup)-1)]
	return m[0], m[1]
}

// pick returns the largest decoy Assertion not larger than n bytes, or
// the smallest.
func (ds *decoySet) pick(n int) *decoyAssertion {
	d := ds.assertions[0]
	for _, a := range ds.assertions[1:] {
		if a.size <= n {
			d = a
		}
	}
	return d
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// newDecoy prepares, for a Verifier with decryption keys, what the
// failures of decryption work on: one signature per trusted certificate
// that is as long as its modulus, below it, and does not verify (for the
// RSA top-up), and the decoys (decoySet).
func (v *Verifier) newDecoy() error {
	v.dummySigs = make([][]byte, len(v.certs))
	for i, cert := range v.certs {
		pub, ok := cert.PublicKey.(*rsa.PublicKey)
		if !ok {
			return errors.New("trusted certificate without an RSA key")
		}
		m := hmac.New(sha256.New, v.dummySecret[:])
		m.Write([]byte("decoy signature"))
		seed := m.Sum(nil)
		sig := make([]byte, pub.Size())
		for j := 1; j < len(sig); j++ { // sig[0] = 0: below the modulus
			sig[j] = seed[j%len(seed)]
		}
		v.dummySigs[i] = sig
	}
	if len(v.certs) == 0 {
		return errors.New("no trusted certificate")
	}
	full := fmt.Sprintf(decoyTemplate, base64.StdEncoding.EncodeToString(v.certs[0].Raw), base64.StdEncoding.EncodeToString(v.dummySigs[0]))
	ds := &decoySet{}
	for _, x := range []string{decoyMinimal(full), full} {
		wrapped := "<w>" + x + "</w>"
		doc, _, e := parseXML([]byte(wrapped), "decoy assertion")
		if e != nil {
			return e
		}
		el := doc.Root().ChildElements()[0]
		if checkSchema(el) != nil {
			return errors.New("decoy assertion is not schema-valid")
		}
		ds.assertions = append(ds.assertions, &decoyAssertion{el: el, sig: childNS(el, nsDSig, "Signature"), size: len(x)})
		ds.budget = max(ds.budget, 2*len(wrapped)+4096)
	}
	ds.units, ds.unitLens = make([]*etree.Element, decoyUnitBig+1), make([]int, decoyUnitBig+1)
	for m := 1; m <= decoyUnitBig; m++ {
		if m > decoyUnitMax && m != decoyUnitBig {
			continue
		}
		unit := `<Attribute Name="g">` + strings.Repeat(decoyUnitValue, m) + `</Attribute>`
		udoc, _, e := parseXML([]byte(`<w xmlns="`+nsAssertion+`">`+unit+`</w>`), "decoy unit")
		if e != nil {
			return e
		}
		ds.units[m], ds.unitLens[m] = udoc.Root().ChildElements()[0], len(unit)
		if checkSchema(ds.units[m]) != nil {
			return errors.New("decoy unit is not schema-valid")
		}
	}
	// The parse top-up text: the full decoy with group values added up to
	// the parser's size budget (so that one parse of it covers any
	// plaintext the parser would read).
	i := strings.Index(full, "</AttributeStatement>")
	pre, post := full[:i]+`<Attribute Name="g">`, `</Attribute>`+full[i:]
	extra := (defaultParseLimits.maxBytes - len(pre) - len(post)) / len(decoyUnitValue)
	ds.textStr = pre + strings.Repeat(decoyUnitValue, extra) + post
	ds.text = []byte(ds.textStr)
	for k := 0; ; k++ {
		lt, eq := xmltree.MarkupCount(ds.text[:min(k*1024, len(ds.text))])
		ds.textMarkup = append(ds.textMarkup, [2]int{lt, eq})
		if k*1024 >= len(ds.text) {
			break
		}
	}
	v.decoys = ds
	return nil
}

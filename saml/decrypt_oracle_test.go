package saml

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // rsa-oaep-mgf1p
	"encoding/base64"
	"errors"
	"os"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"

	"github.com/samlaws/samlaws/internal/mint/minttest"
)

// oracleVictim is an encrypted response for the test SP key (assertion
// signed by the IdP) with what an attacker would need besides: the content
// key, which the test unwraps with the SP key to craft the probes an
// attacker would send blind.
type oracleVictim struct {
	xml   []byte
	cek   []byte
	plain []byte // the signed Assertion bytes that were encrypted
}

func newOracleVictim(t testing.TB, alg BlockAlgorithm) *oracleVictim {
	t.Helper()
	spKey, spCert := vSPKey(t)
	m := vMint(t, func(s *ResponseSpec) { s.Encryption = &Encryption{Certificate: spCert, Algorithm: alg} })
	d := vDoc(t, m.XML)
	ek := d.FindElement("//EncryptedKey/CipherData/CipherValue")
	w, err := base64.StdEncoding.DecodeString(ek.Text())
	if err != nil {
		t.Fatal(err)
	}
	cek, err := rsa.DecryptOAEP(sha1.New(), nil, spKey, w, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &oracleVictim{xml: m.XML, cek: cek, plain: m.EncryptedAssertion}
}

// withContent returns the victim response with the EncryptedData's
// CipherValue replaced by ct (the victim's EncryptedKey kept).
func (o *oracleVictim) withContent(t testing.TB, ct []byte) []byte {
	t.Helper()
	d := vDoc(t, o.xml)
	cv := d.FindElement("//EncryptedData/CipherData/CipherValue")
	if cv == nil {
		t.Fatal("victim has no EncryptedData CipherValue")
	}
	cv.SetText(base64.StdEncoding.EncodeToString(ct))
	return vBytes(t, d)
}

// cbc encrypts plain under the victim's key with XML Encryption padding
// (pad bytes: the count, or bad when badPad is set).
func (o *oracleVictim) cbc(t testing.TB, plain []byte, badPad bool) []byte {
	t.Helper()
	block, err := aes.NewCipher(o.cek)
	if err != nil {
		t.Fatal(err)
	}
	n := aes.BlockSize - len(plain)%aes.BlockSize
	buf := append(append([]byte(nil), plain...), bytes.Repeat([]byte{byte(n)}, n)...)
	if badPad {
		buf[len(buf)-1] = 0x77
	}
	out := make([]byte, aes.BlockSize+len(buf))
	copy(out, "fixed-iv-16bytes")
	cipher.NewCBCEncrypter(block, out[:aes.BlockSize]).CryptBlocks(out[aes.BlockSize:], buf)
	return out
}

// gcm encrypts plain under the victim's key with AES-GCM (nonce ||
// ciphertext || tag), as only a holder of the content key can: the probes
// that reach the digest with GCM (a failure an honest sender can cause, not
// an attacker's probe).
func (o *oracleVictim) gcm(t testing.TB, plain []byte) []byte {
	t.Helper()
	block, err := aes.NewCipher(o.cek)
	if err != nil {
		t.Fatal(err)
	}
	g, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	nonce := []byte("fixed-nonce!")
	return g.Seal(append([]byte(nil), nonce...), nonce, plain, nil)
}

// probeSizes are the plaintext sizes of the sized probes (sizedProbes):
// about 1 KB, the victim's 5 KB, 12 KB and 50 KB.
var probeSizes = []struct {
	name  string
	extra int // AttributeValues added to the victim (-1: the 1 KB unsigned Assertion)
}{{"1k", -1}, {"5k", 0}, {"12k", 100}, {"50k", 640}}

// sizedProbes returns, for each of probeSizes, probes of one plaintext
// length that fail at different steps (issue 19 item 1): with AES-CBC under
// the victim's key, the Assertion that reaches the digest (altered; at 1 KB,
// where no signed Assertion fits, an unsigned one), the same bytes broken at
// the second byte (the parser stops at once), in the middle, at the last
// byte, well-formed but in another namespace, and with bad padding; with
// AES-GCM under the GCM victim's key, the altered Assertion with a valid tag
// and with a broken one.
func sizedProbes(t testing.TB, o, g *oracleVictim, altered []byte) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, sz := range probeSizes {
		var plain []byte
		if sz.extra < 0 {
			plain = []byte(`<Assertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a1" IssueInstant="2026-01-01T00:00:00Z" Version="2.0">` +
				`<Issuer>https://sts.windows.net/00000000-0000-0000-0000-000000000000/</Issuer><AttributeStatement><Attribute Name="g">` +
				strings.Repeat("<AttributeValue>00000000-0000-0000-0000-000000000000</AttributeValue>", 12) +
				`</Attribute></AttributeStatement></Assertion>`)
		} else {
			plain = bytes.Replace(altered, []byte("<AttributeValue>Jone</AttributeValue>"),
				[]byte("<AttributeValue>Jone</AttributeValue>"+strings.Repeat("<AttributeValue>00000000-0000-0000-0000-000000000000</AttributeValue>", sz.extra)), 1)
		}
		p := "cbc_" + sz.name + "_"
		out[p+"altered"] = o.withContent(t, o.cbc(t, plain, false))
		out[p+"malformed_early"] = o.withContent(t, o.cbc(t, sameLen(plain, 1, ' '), false))
		out[p+"malformed_mid"] = o.withContent(t, o.cbc(t, sameLen(plain, len(plain)/2, '&'), false))
		out[p+"malformed_last"] = o.withContent(t, o.cbc(t, sameLen(plain, len(plain)-1, ' '), false))
		out[p+"not_saml"] = o.withContent(t, o.cbc(t, bytes.Replace(plain, []byte(":assertion\""), []byte(":assertioX\""), 1), false))
		out[p+"bad_padding"] = o.withContent(t, o.cbc(t, plain, true))
		p = "gcm_" + sz.name + "_"
		out[p+"altered"] = g.withContent(t, g.gcm(t, plain))
		broken := g.gcm(t, plain)
		broken[len(broken)-1] ^= 1
		out[p+"tag_failure"] = g.withContent(t, broken)
	}
	return out
}

// oracleProbes returns the victim (an encrypted response for the test SP
// key, accepted) and the probes of issue 19 item 1 (Jager and Somorovsky
// 2011) built from it: the victim's EncryptedKey kept, the EncryptedData
// replaced by a chosen AES-CBC one whose plaintext is well-formed or not,
// and more: bad padding, a key that does not unwrap, an unsigned or altered
// but well-formed Assertion, one signed by another key, and a GCM tag
// failure. Every probe must fail in the region after key unwrapping.
func oracleProbes(t testing.TB) (victim *oracleVictim, probes map[string][]byte) {
	t.Helper()
	spKey, _ := vSPKey(t)
	other := minttest.LoadKeyPair(t, "other")
	o := newOracleVictim(t, AES256CBC)
	g := newOracleVictim(t, AES256GCM)
	unsigned := func() []byte {
		d := etree.NewDocument()
		if err := d.ReadFromBytes(o.plain); err != nil {
			t.Fatal(err)
		}
		d.Root().RemoveChild(aSigOf(d.Root()))
		return vBytes(t, d)
	}()
	altered := bytes.Replace(o.plain, []byte("<AttributeValue>Jane</AttributeValue>"), []byte("<AttributeValue>Jone</AttributeValue>"), 1)
	if bytes.Equal(altered, o.plain) {
		t.Fatal("victim plaintext has no given name to alter")
	}
	big := bytes.Replace(altered, []byte("<AttributeValue>Jone</AttributeValue>"),
		[]byte("<AttributeValue>Jone</AttributeValue>"+strings.Repeat("<AttributeValue>00000000-0000-0000-0000-000000000000</AttributeValue>", 100)), 1)
	otherSigned := func() []byte {
		m := vMint(t, func(s *ResponseSpec) { s.Tamper.SignWith = other.Key })
		d := vDoc(t, m.XML)
		b, err := func() ([]byte, error) {
			dd := etree.NewDocument()
			dd.SetRoot(aAssertion(d).Copy())
			return dd.WriteToBytes()
		}()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}()
	probes = map[string][]byte{
		// The two probes of the issue: one chosen block, well-formed or not.
		"cbc_one_block_well_formed": o.withContent(t, o.cbc(t, []byte("<a/>"), false)),
		"cbc_one_block_malformed":   o.withContent(t, o.cbc(t, []byte("<a"), false)),
		"cbc_bad_padding":           o.withContent(t, o.cbc(t, []byte("<a/>"), true)),
		"cbc_wellformed_not_saml":   o.withContent(t, o.cbc(t, []byte(`<x:Assertion xmlns:x="urn:x"/>`), false)),
		"cbc_two_assertions":        o.withContent(t, o.cbc(t, append(append([]byte(nil), o.plain...), o.plain...), false)),
		"cbc_unsigned_assertion":    o.withContent(t, o.cbc(t, unsigned, false)),
		"cbc_altered_assertion":     o.withContent(t, o.cbc(t, altered, false)),
		"cbc_signed_by_other_key":   o.withContent(t, o.cbc(t, otherSigned, false)),
		"cbc_truncated_keeps_iv":    o.withContent(t, o.cbc(t, o.plain[:len(o.plain)/2], false)),
		// Probes as long as the victim, for the work comparison: a
		// plaintext that fails to parse at its first or at its last byte,
		// one that parses but is no SAML Assertion, and bad padding.
		"cbc_long_malformed_first": o.withContent(t, o.cbc(t, sameLen(altered, 0, '!'), false)),
		"cbc_long_malformed_last":  o.withContent(t, o.cbc(t, sameLen(altered, len(altered)-1, ' '), false)),
		"cbc_long_not_saml":        o.withContent(t, o.cbc(t, bytes.Replace(altered, []byte(":assertion\""), []byte(":assertioX\""), 1), false)),
		"cbc_long_bad_padding":     o.withContent(t, o.cbc(t, altered, true)),
		// Twice the victim's size and more (100 more group-like values): the
		// decoy stays at its own size, so this pair measures what the
		// decrypted Assertion's size adds (docs/benchmarks.md).
		"cbc_big_altered":         o.withContent(t, o.cbc(t, big, false)),
		"cbc_big_malformed_first": o.withContent(t, o.cbc(t, sameLen(big, 0, '!'), false)),
		"gcm_tag_failure": func() []byte {
			d := vDoc(t, g.xml)
			cv := d.FindElement("//EncryptedData/CipherData/CipherValue")
			b, _ := base64.StdEncoding.DecodeString(cv.Text())
			b[len(b)-1] ^= 1
			cv.SetText(base64.StdEncoding.EncodeToString(b))
			return vBytes(t, d)
		}(),
		"gcm_key_as_cbc": func() []byte {
			// The backwards-compatibility attack (Jager, Paterson, Somorovsky
			// 2013): the GCM victim's EncryptedKey with the method switched
			// to CBC.
			x := bytes.Replace(g.xml, []byte("http://www.w3.org/2009/xmlenc11#aes256-gcm"), []byte("http://www.w3.org/2001/04/xmlenc#aes256-cbc"), 1)
			gv := &oracleVictim{xml: x, cek: g.cek}
			return gv.withContent(t, gv.cbc(t, []byte("<a/>"), false))
		}(),
		"key_does_not_unwrap": func() []byte {
			d := vDoc(t, o.withContent(t, o.cbc(t, []byte("<a/>"), false)))
			cv := d.FindElement("//EncryptedKey/CipherData/CipherValue")
			b, _ := base64.StdEncoding.DecodeString(cv.Text())
			b[7] ^= 0x40
			cv.SetText(base64.StdEncoding.EncodeToString(b))
			return vBytes(t, d)
		}(),
		"key_of_wrong_length": func() []byte {
			d := vDoc(t, o.withContent(t, o.cbc(t, []byte("<a/>"), false)))
			cv := d.FindElement("//EncryptedKey/CipherData/CipherValue")
			w, err := rsa.EncryptOAEP(sha1.New(), strings.NewReader(strings.Repeat("r", 4096)), &spKey.PublicKey, o.cek[:16], nil)
			if err != nil {
				t.Fatal(err)
			}
			cv.SetText(base64.StdEncoding.EncodeToString(w))
			return vBytes(t, d)
		}(),
	}
	for n, raw := range sizedProbes(t, o, g, altered) {
		probes[n] = raw
	}
	return o, probes
}

// sameLen returns a copy of b with b[i] set to c.
func sameLen(b []byte, i int, c byte) []byte {
	out := append([]byte(nil), b...)
	out[i] = c
	return out
}

// TestNoDecryptionOracle sends the probes of issue 19 item 1 (Jager and
// Somorovsky 2011): the victim's EncryptedKey with a chosen AES-CBC
// EncryptedData whose plaintext is well-formed or not, and more: bad padding,
// a key that does not unwrap, an unsigned or altered but well-formed
// Assertion, one signed by another key, and a GCM tag failure. Every answer
// must be the same ValidationError (Error, Rule, Reason, Hint, category, AWS
// answer, no cause) in Verify and in Diagnose (one problem, the same).
func TestNoDecryptionOracle(t *testing.T) {
	spKey, _ := vSPKey(t)
	o, probes := oracleProbes(t)
	v := vVerifier(t, func(c *VerifierConfig) { c.DecryptionKeys = []*rsa.PrivateKey{spKey} })
	// The unaltered victim is accepted: the probes differ from it only in
	// what they are meant to.
	if _, err := v.Verify(t.Context(), o.xml); err != nil {
		t.Fatalf("victim refused: %v", err)
	}
	// The probes keep the victim's EncryptedKey (all but key_*): they test
	// the failures after a real unwrap. (Session 2's probes replaced the
	// EncryptedKey by mistake, so that every one failed at the unwrap.)
	ek := func(raw []byte) string {
		return vDoc(t, raw).FindElement("//EncryptedKey/CipherData/CipherValue").Text()
	}
	wantEK := ek(o.xml)
	for name, raw := range probes {
		if strings.HasPrefix(name, "cbc_") && ek(raw) != wantEK {
			t.Fatalf("%s does not keep the victim's EncryptedKey", name)
		}
	}
	var first *ValidationError
	var firstName string
	for name, raw := range probes {
		_, err := v.Verify(t.Context(), raw)
		var ve *ValidationError
		if !errors.As(err, &ve) {
			t.Fatalf("%s: %v is not a *ValidationError", name, err)
		}
		if ve.Err != nil || len(ve.Unwrap()) != 1 {
			t.Errorf("%s: the answer wraps a cause (%v): it tells failures apart", name, ve.Err)
		}
		r := v.Diagnose(t.Context(), raw)
		if r.Accepted || len(r.Problems) != 1 || !reflect.DeepEqual(r.Problems[0], ve) {
			t.Errorf("%s: Diagnose answers %d problems (%v), Verify %v", name, len(r.Problems), reportErr(r), ve)
		}
		if first == nil {
			first, firstName = ve, name
			continue
		}
		if !reflect.DeepEqual(ve, first) || ve.Error() != first.Error() {
			t.Errorf("oracle: %s answers %#v, %s answers %#v", name, ve, firstName, first)
		}
	}
	if !errors.Is(first, ErrEncryption) || first.Rule != "D5.1" {
		t.Fatalf("uniform answer %v: want ErrEncryption, D5.1", first)
	}
}

// decoyTolerance is how far the decoy's size may be from the plaintext's:
// half of a 69-byte AttributeValue, or a remainder below half of the
// one-value unit (101 bytes) that is dropped.
const decoyTolerance = 51

// TestDecryptFailuresSameWork pins, without timing anything, that every
// probe of TestNoDecryptionOracle takes the same steps after key
// unwrapping (issue 19 item 1): the same number of RSA-OAEP unwraps, one
// parse, one schema check, one signature verification that goes on to one
// canonicalization and digest (of the decrypted Assertion, or of the decoy
// when the plaintext did not get that far), and two RSA public-key
// exponentiations per trusted certificate; AES blocks are as many as the
// ciphertext has, and decoy units as many as the plaintext is larger than
// the decoy, when the decoy stood in. With one trusted certificate and with two (the second,
// the SP's, signed nothing here).
func TestDecryptFailuresSameWork(t *testing.T) {
	spKey, spCert := vSPKey(t)
	o, probes := oracleProbes(t)
	for _, certs := range []int{1, 2} {
		v := vVerifier(t, func(c *VerifierConfig) {
			c.DecryptionKeys = []*rsa.PrivateKey{spKey}
			if certs == 2 {
				c.Certificates = append(c.Certificates, spCert)
			}
		})
		want := decryptWork{unwraps: 1, parses: 1, schemas: 1, signatures: 1, digests: 1, rsaExps: rsaExpsEnvelope * certs}
		for name, raw := range probes {
			c := &checker{v: v, now: v.now()}
			c.run(raw)
			if len(c.problems) != 1 || !reflect.DeepEqual(c.problems[0], errUndecryptable()) {
				t.Fatalf("%d certs, %s: problems %v", certs, name, c.problems)
			}
			got := c.dec
			ct, _ := base64.StdEncoding.DecodeString(vDoc(t, raw).FindElement("//EncryptedData/CipherData/CipherValue").Text())
			wantBlocks := (len(ct) - aes.BlockSize) / aes.BlockSize
			if strings.HasPrefix(name, "gcm_") && name != "gcm_key_as_cbc" {
				wantBlocks = (len(ct) - 12 - 16 + aes.BlockSize - 1) / aes.BlockSize
			}
			if got.aesBlocks != wantBlocks {
				t.Errorf("%d certs, %s: %d AES blocks, want %d", certs, name, got.aesBlocks, wantBlocks)
			}
			// Every byte of the plaintext is parsed, schema-checked and
			// digested, in the decrypted Assertion or in a decoy grown to its
			// size (to within decoyTolerance bytes; no smaller than the
			// smallest decoy), wherever it failed (decrypt.go, decoySet.grow).
			// (Where a failed parse stopped is known to within a start tag: the
			// offset of the tag refused, or the reader's work count.)
			if got.parsed > got.wrappedBytes+32 || got.parsed < got.wrappedBytes-128 {
				t.Errorf("%d certs, %s: %d bytes parsed, want %d", certs, name, got.parsed, got.wrappedBytes)
			}
			size := max(got.plainBytes, v.decoys.assertions[0].size)
			for what, b := range map[string]int{"schema-checked": got.schemaBytes, "digested": got.digestBytes} {
				if b != got.plainBytes && (b < size-decoyTolerance || b > size+decoyTolerance) {
					t.Errorf("%d certs, %s: %d bytes %s, want %d (plaintext %d)", certs, name, b, what, size, got.plainBytes)
				}
			}
			got.aesBlocks, got.parsed, got.schemaBytes, got.digestBytes, got.plainBytes, got.wrappedBytes = 0, 0, 0, 0, 0, 0
			if got != want {
				t.Errorf("%d certs, %s: steps %+v, want %+v", certs, name, got, want)
			}
		}
		// The accepted victim: one exponentiation, no top-up.
		c := &checker{v: v, now: v.now()}
		if c.run(o.xml); len(c.problems) != 0 || c.dec.digests != 1 || c.dec.rsaExps != 0 || c.rsaExps[0] != 1 {
			t.Errorf("%d certs, victim: problems %v, steps %+v, exponentiations %v", certs, c.problems, c.dec, c.rsaExps)
		}
	}
}

// TestDecryptFailuresSameAlloc pins, without timing anything, that what a
// decryption failure allocates does not say where it failed (issue 19
// item 1): for each size of the sized CBC probes (the Assertion that
// reaches the digest, the same bytes broken at the second byte, in the
// middle and at the last byte, not SAML, bad padding), the bytes allocated
// per Verify lie within 4% of each other and the allocations within 32
// (before session 5: 10-30% and up to 183 apart at 50 KB; wall-clock time
// followed the bytes, docs/benchmarks.md). GCM probes are left out: a tag
// failure parses zeros, and the probe with a valid tag needs the content
// key.
func TestDecryptFailuresSameAlloc(t *testing.T) {
	spKey, _ := vSPKey(t)
	_, probes := oracleProbes(t)
	v := vVerifier(t, func(c *VerifierConfig) { c.DecryptionKeys = []*rsa.PrivateKey{spKey}; c.SkipReplayCheck = true })
	const runs = 4
	for _, sz := range probeSizes {
		type cost struct {
			name          string
			bytes, allocs uint64
		}
		var costs []cost
		for _, step := range []string{"altered", "malformed_early", "malformed_mid", "malformed_last", "not_saml", "bad_padding"} {
			name := "cbc_" + sz.name + "_" + step
			raw := probes[name]
			if _, err := v.Verify(t.Context(), raw); !errors.Is(err, ErrEncryption) {
				t.Fatalf("%s: %v", name, err)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for range runs {
				_, _ = v.Verify(t.Context(), raw)
			}
			runtime.ReadMemStats(&after)
			costs = append(costs, cost{name, (after.TotalAlloc - before.TotalAlloc) / runs, (after.Mallocs - before.Mallocs) / runs})
		}
		lo, hi := costs[0], costs[0]
		for _, c := range costs {
			t.Logf("%-26s %8d bytes %4d allocations", c.name, c.bytes, c.allocs)
			if c.bytes < lo.bytes {
				lo = c
			}
			if c.bytes > hi.bytes {
				hi = c
			}
		}
		if float64(hi.bytes-lo.bytes) > 0.04*float64(lo.bytes) {
			t.Errorf("%s: %s allocates %d bytes, %s %d: more than 4%% apart", sz.name, hi.name, hi.bytes, lo.name, lo.bytes)
		}
		for _, a := range costs {
			for _, b := range costs {
				if a.allocs > b.allocs+32 {
					t.Errorf("%s: %s makes %d allocations, %s %d: more than 32 apart", sz.name, a.name, a.allocs, b.name, b.allocs)
				}
			}
		}
	}
}

// TestDecryptCoveredByResponseSignature: when a verified Response signature
// covers the EncryptedAssertion, the ciphertext is authenticated, and the
// decrypted Assertion's own problems are reported as they are.
func TestDecryptCoveredByResponseSignature(t *testing.T) {
	spKey, spCert := vSPKey(t)
	v := vVerifier(t, func(c *VerifierConfig) { c.DecryptionKeys = []*rsa.PrivateKey{spKey} })
	m := vMint(t, func(s *ResponseSpec) {
		s.Encryption = &Encryption{Certificate: spCert}
		s.Signing = SignResponse
		s.Tamper.WrongAudience = true
	})
	_, err := v.Verify(t.Context(), m.XML)
	vExpect(t, err, ErrAudience)
}

// TestDecryptNarrowAlgorithms: what AWS does not document is refused before
// any key is used, with an error naming the algorithm (issue 14 item 6).
func TestDecryptNarrowAlgorithms(t *testing.T) {
	spKey, spCert := vSPKey(t)
	v := vVerifier(t, func(c *VerifierConfig) { c.DecryptionKeys = []*rsa.PrivateKey{spKey} })
	m := vMint(t, func(s *ResponseSpec) { s.Encryption = &Encryption{Certificate: spCert, Algorithm: AES256CBC} })
	for _, c := range []struct{ name, old, new, reason string }{
		{"A5.7_rsa_1_5_key_transport", "xmlenc#rsa-oaep-mgf1p", "xmlenc#rsa-1_5", "rsa-1_5"},
		{"A5.7_xmlenc11_rsa_oaep", "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p", "http://www.w3.org/2009/xmlenc11#rsa-oaep", "only RSA-OAEP (rsa-oaep-mgf1p)"},
		{"A5.7_oaep_sha256_digest", `<DigestMethod Algorithm="` + AlgSHA1 + `">`, `<DigestMethod Algorithm="` + AlgSHA256 + `">`, "SHA-1 DigestMethod"},
		{"A5.7_tripledes_content", "xmlenc#aes256-cbc", "xmlenc#tripledes-cbc", "AES-CBC and AES-GCM"},
	} {
		t.Run(c.name, func(t *testing.T) {
			raw := replace(c.old, c.new)(t, m.XML)
			_, err := v.Verify(t.Context(), raw)
			vExpect(t, err, ErrEncryption)
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Rule != "A5.7" || !strings.Contains(ve.Reason, c.reason) {
				t.Fatalf("got %v; want A5.7 naming %q", err, c.reason)
			}
		})
	}
}

// BenchmarkDecryptProbes times the oracle probes against each other and
// against the accepted victim, interleaved: each of b.N rounds sends every
// probe once, in an order rotated each round, so that load on a shared
// machine falls on all probes alike. It reports each probe's median in
// microseconds (metric "<probe>-us") and logs median, 10th and 90th
// percentiles and the ratio of each median to the median of all failing
// probes. Wall clock is noisy here: compare ratios within one run (the
// instruction counts of BenchmarkDecryptProbeWork under callgrind are the
// repeatable figure; docs/benchmarks.md).
func BenchmarkDecryptProbes(b *testing.B) {
	spKey, _ := vSPKey(b)
	o, probes := oracleProbes(b)
	probes["victim_accepted"] = o.xml
	names := make([]string, 0, len(probes))
	for n := range probes {
		names = append(names, n)
	}
	sort.Strings(names)
	v := vVerifier(b, func(c *VerifierConfig) { c.DecryptionKeys = []*rsa.PrivateKey{spKey}; c.SkipReplayCheck = true })
	samples := make(map[string][]float64, len(names))
	round := 0
	for b.Loop() {
		for i := range names {
			n := names[(i+round)%len(names)]
			start := time.Now()
			_, _ = v.Verify(b.Context(), probes[n])
			samples[n] = append(samples[n], float64(time.Since(start).Nanoseconds())/1e3)
		}
		round++
	}
	var failing []float64
	for _, n := range names {
		if n != "victim_accepted" {
			failing = append(failing, samples[n]...)
		}
	}
	pct := func(x []float64, p float64) float64 {
		y := append([]float64(nil), x...)
		sort.Float64s(y)
		return y[int(p*float64(len(y)-1))]
	}
	all := pct(failing, 0.5)
	b.Logf("%d rounds; median of all failing probes %.1f us", round, all)
	b.Logf("%-28s %9s %9s %9s %7s", "probe", "p10 us", "median", "p90 us", "ratio")
	for _, n := range names {
		med := pct(samples[n], 0.5)
		b.Logf("%-28s %9.1f %9.1f %9.1f %7.3f", n, pct(samples[n], 0.1), med, pct(samples[n], 0.9), med/all)
		b.ReportMetric(med, n+"-us")
	}
	b.ReportMetric(0, "ns/op")
}

// BenchmarkDecryptProbeWork verifies, in each iteration, every probe (or,
// when SAMLAWS_DECRYPT_PROBE names one, only that one), for instruction
// counts under callgrind (docs/benchmarks.md, "Decryption failures: the same
// work"), e.g.
//
//	SAMLAWS_DECRYPT_PROBE=cbc_one_block_malformed GOGC=off GOMAXPROCS=1 \
//	GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off,memprofilerate=0 \
//	valgrind --tool=callgrind --toggle-collect='*saml.(*Verifier).Verify' \
//	    ./saml.test -test.run '^$' -test.bench 'DecryptProbeWork$' -test.benchtime 10x
//
// The counted region then holds N calls of Verify per probe (a b.Loop
// benchmark function runs once). No sub-benchmarks: their set-up
// (name matching) would run inside the counted region when the scheduler
// preempts a Verify call.
func BenchmarkDecryptProbeWork(b *testing.B) {
	spKey, _ := vSPKey(b)
	o, probes := oracleProbes(b)
	probes["victim_accepted"] = o.xml
	v := vVerifier(b, func(c *VerifierConfig) { c.DecryptionKeys = []*rsa.PrivateKey{spKey}; c.SkipReplayCheck = true })
	var raws [][]byte
	if p := os.Getenv("SAMLAWS_DECRYPT_PROBE"); p != "" {
		if probes[p] == nil {
			b.Fatalf("no probe %q", p)
		}
		raws = append(raws, probes[p])
	} else {
		for _, raw := range probes {
			raws = append(raws, raw)
		}
	}
	for b.Loop() {
		for _, raw := range raws {
			_, _ = v.Verify(b.Context(), raw)
		}
	}
}

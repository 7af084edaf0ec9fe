package saml

import (
	"crypto/rsa"
	"fmt"
	"testing"
)

// BenchmarkVerifyEncrypted times the accepted sign-in with an encrypted
// assertion (what issue 19's uniform failure work must not slow down):
// AES-256-GCM and AES-256-CBC, with the minter's assertion (about 5 KB)
// and with 640 group values (about 50 KB), e.g.
//
//	go test -run '^$' -bench 'VerifyEncrypted$' -benchmem -count 6 ./saml/
func BenchmarkVerifyEncrypted(b *testing.B) {
	spKey, spCert := vSPKey(b)
	v := vVerifier(b, func(c *VerifierConfig) { c.DecryptionKeys = []*rsa.PrivateKey{spKey}; c.SkipReplayCheck = true })
	groups := make([]string, 640)
	for i := range groups {
		groups[i] = fmt.Sprintf("%08x-1111-4222-8333-%012x", i, i)
	}
	for _, c := range []struct {
		name   string
		alg    BlockAlgorithm
		groups []string
	}{{"gcm_5k", AES256GCM, nil}, {"cbc_5k", AES256CBC, nil}, {"cbc_50k", AES256CBC, groups}} {
		m := vMint(b, func(s *ResponseSpec) {
			s.Encryption = &Encryption{Certificate: spCert, Algorithm: c.alg}
			s.User.Groups = c.groups
		})
		b.Run(c.name, func(b *testing.B) {
			if _, err := v.Verify(b.Context(), m.XML); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(m.EncryptedAssertion)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Verify(b.Context(), m.XML); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

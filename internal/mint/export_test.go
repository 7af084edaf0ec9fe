package mint

import (
	"crypto"
	"io"
)

// Hooks into a Builder and a Minted for this package's external tests
// (package mint_test, which share internal/mint/minttest with the verifier's
// tests and so cannot be in-package).

// SetBuilderRand replaces b's randomness source.
func SetBuilderRand(b *Builder, r io.Reader) { b.rand = r }

// BuilderSigner returns b's signer.
func BuilderSigner(b *Builder) crypto.Signer { return b.signer }

// SetBuilderSigner replaces b's signer.
func SetBuilderSigner(b *Builder, s crypto.Signer) { b.signer = s }

// HTMLFormTo is m.htmlFormTo.
func HTMLFormTo(m *Minted, action, relayState string) ([]byte, error) {
	return m.htmlFormTo(action, relayState)
}

package mint_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"io"
	"testing"
	"time"

	. "github.com/samlaws/samlaws/internal/mint"
	"github.com/samlaws/samlaws/internal/mint/minttest"
)

// BenchmarkBuild mints the default response (assertion signed, RSA-SHA256,
// RSA-2048). Compare with BenchmarkRSASignFloor: the target is within 10 %.
func BenchmarkBuild(b *testing.B) {
	bl := minttest.Builder(b, minttest.FixedNow())
	SetBuilderRand(bl, rand.Reader)
	spec := minttest.Spec(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bl.Build(spec); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildBoth signs the assertion and the response (two RSA signatures).
func BenchmarkBuildBoth(b *testing.B) {
	bl := minttest.Builder(b, minttest.FixedNow())
	SetBuilderRand(bl, rand.Reader)
	spec := minttest.Spec(b)
	spec.Signing = SignBoth
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bl.Build(spec); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildEncrypted adds AES-256-CBC and RSA-OAEP key transport.
func BenchmarkBuildEncrypted(b *testing.B) {
	bl := minttest.Builder(b, minttest.FixedNow())
	SetBuilderRand(bl, rand.Reader)
	spec := minttest.Spec(b)
	spec.Encryption = &Encryption{Certificate: minttest.LoadKeyPair(b, "sp").Cert, Algorithm: AES256CBC}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bl.Build(spec); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRSASignFloor is the floor for BenchmarkBuild: one bare RSA-2048
// PKCS#1 v1.5 signature of a SHA-256 digest with the same key.
func BenchmarkRSASignFloor(b *testing.B) {
	key := minttest.LoadKeyPair(b, "idp").Key
	digest := sha256.Sum256([]byte("<SignedInfo/>"))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, digest[:]); err != nil {
			b.Fatal(err)
		}
	}
}

// mintNullSigner returns a constant 256-byte "signature" without computing
// one, so that BenchmarkBuildWithoutRSA measures exactly what BenchmarkBuild
// adds on top of the RSA operation (XML writing, hashing, base64, IDs).
type mintNullSigner struct{ crypto.Signer }

func (mintNullSigner) Sign(_ io.Reader, _ []byte, _ crypto.SignerOpts) ([]byte, error) {
	return make([]byte, 256), nil
}

// BenchmarkBuildWithoutRSA is BenchmarkBuild minus the RSA signature: the
// minter's own overhead, robust against the noise of a shared machine.
func BenchmarkBuildWithoutRSA(b *testing.B) {
	bl := minttest.Builder(b, minttest.FixedNow())
	SetBuilderRand(bl, rand.Reader)
	SetBuilderSigner(bl, mintNullSigner{BuilderSigner(bl)})
	spec := minttest.Spec(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bl.Build(spec); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildOverFloor interleaves one Build and one bare RSA signature
// per iteration, so that both see the same machine load, and reports their
// time ratio as the "build/floor" metric (target: at most 1.10).
func BenchmarkBuildOverFloor(b *testing.B) {
	bl := minttest.Builder(b, minttest.FixedNow())
	SetBuilderRand(bl, rand.Reader)
	spec := minttest.Spec(b)
	key := minttest.LoadKeyPair(b, "idp").Key
	digest := sha256.Sum256([]byte("<SignedInfo/>"))
	var build, floor time.Duration
	mint := func() {
		t0 := time.Now()
		if _, err := bl.Build(spec); err != nil {
			b.Fatal(err)
		}
		build += time.Since(t0)
	}
	sign := func() {
		t0 := time.Now()
		if _, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, digest[:]); err != nil {
			b.Fatal(err)
		}
		floor += time.Since(t0)
	}
	odd := false
	for b.Loop() {
		// Alternate the order, so that neither always runs first.
		if odd {
			mint()
			sign()
		} else {
			sign()
			mint()
		}
		odd = !odd
	}
	if floor > 0 {
		b.ReportMetric(float64(build)/float64(floor), "build/floor")
	}
}

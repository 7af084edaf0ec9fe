package saml

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"testing"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/russellhaering/goxmldsig/etreeutils"

	"github.com/samlaws/samlaws/internal/mint/minttest"
)

// BenchmarkVerify compares, on the same Entra-shaped response (assertion
// signed with RSA-SHA256, exclusive c14n, two roles and the Entra claims),
// given as the base64 form value:
//
//   - Ours: Verifier.Verify (every check; replay check off so that the same
//     response can be verified again);
//   - Crewjam: base64 decode + crewjam/saml ServiceProvider.ParseXMLResponse;
//   - Gosaml2: gosaml2 RetrieveAssertionInfo;
//   - Goxmldsig: base64 decode + etree parse + goxmldsig Validate of the
//     assertion (signature only, no SAML checks);
//   - Floor: base64 decode + SHA-256 of the document + one RSA-2048 verify.
//
// Rerun: go test -run '^$' -bench BenchmarkVerify -benchmem -count 6 ./saml/
// (results and ratios in docs/benchmarks.md).
func BenchmarkVerify(b *testing.B) {
	m := vMint(b, nil)
	b64 := m.Base64()
	ctx := context.Background()
	idp := minttest.LoadKeyPair(b, "idp")
	sp := minttest.LoadKeyPair(b, "sp")

	b.Run("Ours", func(b *testing.B) {
		cfg := vConfig(b)
		cfg.SkipReplayCheck = true
		v, err := NewVerifier(cfg)
		if err != nil {
			b.Fatal(err)
		}
		raw := []byte(b64)
		if _, err := v.Verify(ctx, raw); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(m.XML)))
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if _, err := v.Verify(ctx, raw); err != nil {
				b.Fatal(err)
			}
		}
	})

	b.Run("Crewjam", func(b *testing.B) {
		csp := minttest.CrewjamSP(b, vNow, idp, sp)
		acs, _ := url.Parse(AWSSignInURL)
		run := func() error {
			x, err := base64.StdEncoding.DecodeString(b64)
			if err != nil {
				return err
			}
			_, err = csp.ParseXMLResponse(x, nil, *acs)
			return err
		}
		if err := run(); err != nil {
			b.Fatal(minttest.CrewjamErr(err))
		}
		b.SetBytes(int64(len(m.XML)))
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if err := run(); err != nil {
				b.Fatal(err)
			}
		}
	})

	b.Run("Gosaml2", func(b *testing.B) {
		gsp := minttest.GoSAML2SP(vNow, idp, sp)
		run := func() error {
			info, err := gsp.RetrieveAssertionInfo(b64)
			if err == nil && (info.WarningInfo.NotInAudience || info.WarningInfo.InvalidTime) {
				b.Fatal("gosaml2 warning")
			}
			return err
		}
		if err := run(); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(m.XML)))
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if err := run(); err != nil {
				b.Fatal(err)
			}
		}
	})

	b.Run("Goxmldsig", func(b *testing.B) {
		vc := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: vConfig(b).Certificates})
		vc.Clock = dsig.NewFakeClockAt(vNow)
		run := func() error {
			x, err := base64.StdEncoding.DecodeString(b64)
			if err != nil {
				return err
			}
			doc := etree.NewDocument()
			if err := doc.ReadFromBytes(x); err != nil {
				return err
			}
			var a *etree.Element
			for _, ch := range doc.Root().ChildElements() {
				if ch.Tag == "Assertion" {
					a = ch
				}
			}
			ctx, err := etreeutils.NSBuildParentContext(a)
			if err != nil {
				return err
			}
			det, err := etreeutils.NSDetatch(ctx, a)
			if err != nil {
				return err
			}
			_, err = vc.Validate(det)
			return err
		}
		if err := run(); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(m.XML)))
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if err := run(); err != nil {
				b.Fatal(err)
			}
		}
	})

	b.Run("Floor", func(b *testing.B) {
		// One RSA-2048 PKCS#1 v1.5 signature over the SHA-256 of the document.
		sum := sha256.Sum256(m.XML)
		sig, err := rsa.SignPKCS1v15(nil, idp.Key, crypto.SHA256, sum[:])
		if err != nil {
			b.Fatal(err)
		}
		pub := &idp.Key.PublicKey
		buf := make([]byte, base64.StdEncoding.DecodedLen(len(b64)))
		b.SetBytes(int64(len(m.XML)))
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			n, err := base64.StdEncoding.Decode(buf, []byte(b64))
			if err != nil {
				b.Fatal(err)
			}
			h := sha256.Sum256(buf[:n])
			if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], sig); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkVerifyVsFloor alternates one Verify and one floor operation
// (base64 decode + SHA-256 + RSA-2048 verify) in every iteration and reports
// the ratio of their summed times, so that load on a shared machine hits
// both alike. Metrics: ours-ns/op, floor-ns/op, x-floor.
func BenchmarkVerifyVsFloor(b *testing.B) {
	m := vMint(b, nil)
	b64 := []byte(m.Base64())
	idp := minttest.LoadKeyPair(b, "idp")
	cfg := vConfig(b)
	cfg.SkipReplayCheck = true
	v, err := NewVerifier(cfg)
	if err != nil {
		b.Fatal(err)
	}
	sum := sha256.Sum256(m.XML)
	sig, err := rsa.SignPKCS1v15(nil, idp.Key, crypto.SHA256, sum[:])
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, base64.StdEncoding.DecodedLen(len(b64)))
	ctx := context.Background()
	var ours, floor time.Duration
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		if _, err := v.Verify(ctx, b64); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		n, err := base64.StdEncoding.Decode(buf, b64)
		if err != nil {
			b.Fatal(err)
		}
		h := sha256.Sum256(buf[:n])
		if err := rsa.VerifyPKCS1v15(&idp.Key.PublicKey, crypto.SHA256, h[:], sig); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		ours += t1.Sub(t0)
		floor += t2.Sub(t1)
	}
	b.ReportMetric(float64(ours.Nanoseconds())/float64(b.N), "ours-ns/op")
	b.ReportMetric(float64(floor.Nanoseconds())/float64(b.N), "floor-ns/op")
	b.ReportMetric(float64(ours)/float64(floor), "x-floor")
}

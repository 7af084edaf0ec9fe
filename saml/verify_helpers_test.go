package saml

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"

	"github.com/samlaws/samlaws/internal/mint/minttest"
)

// vNow is the verifier's clock in tests: 30 s after the minted IssueInstant.
var vNow = minttest.FixedNow().Add(30 * time.Second)

// vConfig returns the test verifier configuration: the idp certificate,
// the builder's issuer, the clock at vNow.
func vConfig(t testing.TB) VerifierConfig {
	t.Helper()
	idp := minttest.LoadKeyPair(t, "idp")
	return VerifierConfig{
		IdPEntityID:  minttest.Issuer,
		Certificates: []*x509.Certificate{idp.Cert},
		Now:          func() time.Time { return vNow },
	}
}

func vVerifier(t testing.TB, mod func(*VerifierConfig)) *Verifier {
	t.Helper()
	cfg := vConfig(t)
	if mod != nil {
		mod(&cfg)
	}
	v, err := NewVerifier(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// vMint mints mintSpec modified by mod, at minttest.FixedNow().
func vMint(t testing.TB, mod func(*ResponseSpec)) *Minted {
	t.Helper()
	spec := minttest.Spec(t)
	if mod != nil {
		mod(&spec)
	}
	m, err := minttest.Builder(t, minttest.FixedNow()).Build(spec)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func vSPKey(t testing.TB) (*rsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	sp := minttest.LoadKeyPair(t, "sp")
	return sp.Key, sp.Cert
}

// vDoc parses XML for tampering.
func vDoc(t testing.TB, xml []byte) *etree.Document {
	t.Helper()
	d := etree.NewDocument()
	if err := d.ReadFromBytes(xml); err != nil {
		t.Fatal(err)
	}
	return d
}

func vBytes(t testing.TB, d *etree.Document) []byte {
	t.Helper()
	b, err := d.WriteToBytes()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// vFind returns the first element with the given local name (depth first).
func vFind(root *etree.Element, tag string) *etree.Element {
	if root.Tag == tag {
		return root
	}
	for _, ch := range root.ChildElements() {
		if f := vFind(ch, tag); f != nil {
			return f
		}
	}
	return nil
}

// vExpect checks that err is a *ValidationError of category want whose
// message does not leak assertion content.
func vExpect(t *testing.T, err error, want error) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted; want %v", want)
	}
	if !errors.Is(err, want) {
		t.Fatalf("got %v; want category %v", err, want)
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("%v is not a *ValidationError", err)
	}
	if ve.Rule == "" {
		t.Errorf("%v has no rule", err)
	}
	for _, secret := range []string{"jane.doe", "attacker", "evil", "Admin", "123456789012", "PRIVATE KEY"} {
		if strings.Contains(ve.Error(), secret) || strings.Contains(ve.Hint, secret) {
			t.Errorf("error or hint leaks %q: %v / %s", secret, ve, ve.Hint)
		}
	}
}

func vVerify(t testing.TB, v *Verifier, raw []byte) (*Assertion, error) {
	t.Helper()
	return v.Verify(context.Background(), raw)
}

// reportErr joins a Diagnose report's problems into one error (nil when there
// are none), for errors.Is and for messages.
func reportErr(r *Report) error {
	errs := make([]error, len(r.Problems))
	for i, p := range r.Problems {
		errs[i] = p
	}
	return errors.Join(errs...)
}

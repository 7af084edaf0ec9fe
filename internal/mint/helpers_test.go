package mint

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/samlaws/samlaws/awsrole"
)

// Test fixtures of the minter: RSA-2048 keys with self-signed certificates
// valid 2020-01-01 .. 2045-01-01 (back-dated so that crewjam/saml and
// gosaml2, which check certificate validity, accept them at any test time).
// idp signs, other is "another key", sp is the SP's encryption key.

const (
	mintTenant = "8b966979-910b-487c-a604-69229b1ac75c"
	mintIssuer = "https://sts.windows.net/" + mintTenant + "/"
)

// mintFixedNow is the golden-file clock.
var mintFixedNow = time.Date(2026, 11, 28, 10, 0, 0, 123456789, time.UTC)

type mintKeyPair struct {
	key  *rsa.PrivateKey
	cert *x509.Certificate
}

func mintLoadKeyPair(t testing.TB, name string) mintKeyPair {
	t.Helper()
	kb, err := os.ReadFile(filepath.Join("testdata", name+".key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	cb, err := os.ReadFile(filepath.Join("testdata", name+".crt.pem"))
	if err != nil {
		t.Fatal(err)
	}
	kp, _ := pem.Decode(kb)
	cp, _ := pem.Decode(cb)
	if kp == nil || cp == nil {
		t.Fatalf("%s: bad PEM", name)
	}
	k, err := x509.ParsePKCS8PrivateKey(kp.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(cp.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return mintKeyPair{key: k.(*rsa.PrivateKey), cert: c}
}

// mintRand returns a deterministic randomness stream (tests only).
func mintRand(seed byte) *rand.ChaCha8 {
	var s [32]byte
	s[0] = seed
	return rand.NewChaCha8(s)
}

// mintBuilder returns a builder with the idp key, a fixed clock at now and a
// deterministic Rand.
func mintBuilder(t testing.TB, now time.Time) *Builder {
	t.Helper()
	idp := mintLoadKeyPair(t, "idp")
	b, err := NewBuilder(BuilderConfig{
		Signer:       idp.key,
		Certificates: []*x509.Certificate{idp.cert},
		TenantID:     mintTenant,
		Now:          func() time.Time { return now },
		Rand:         mintRand(1),
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mintMustRole(t testing.TB, s string) awsrole.Role {
	t.Helper()
	r, err := awsrole.ParseRole(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// mintSpec is a typical console sign-in: two roles, session name = UPN.
func mintSpec(t testing.TB) ResponseSpec {
	t.Helper()
	return ResponseSpec{
		User: User{
			UPN:         "jane.doe@contoso.example",
			ObjectID:    "5159e491-c7a1-4c67-bff9-666cdab9a60b",
			DisplayName: "Doe, Jane",
			GivenName:   "Jane",
			Surname:     "Doe",
			Email:       "jane.doe@contoso.example",
		},
		AWS: awsrole.Attributes{
			Roles: []awsrole.Role{
				mintMustRole(t, "arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/EntraID"),
				mintMustRole(t, "arn:aws:iam::123456789012:role/path/ReadOnly,arn:aws:iam::123456789012:saml-provider/EntraID"),
			},
			RoleSessionName: "jane.doe@contoso.example",
			SessionDuration: awsrole.SessionDuration(2 * time.Hour),
		},
	}
}

// mintOpaqueSigner wraps a signer to hide its concrete type (an HSM-like signer).
type mintOpaqueSigner struct{ s crypto.Signer }

func (o mintOpaqueSigner) Public() crypto.PublicKey { return o.s.Public() }
func (o mintOpaqueSigner) Sign(r io.Reader, d []byte, opts crypto.SignerOpts) ([]byte, error) {
	return o.s.Sign(r, d, opts)
}

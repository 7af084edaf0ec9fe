// Package minttest holds the fixtures that the minter's tests (internal/mint)
// and the verifier's tests (saml) share: the test key pairs, a deterministic
// builder, a typical Entra response for the AWS console, and the two Go peer
// service providers (crewjam/saml and gosaml2) configured for AWS. Only test
// files import it.
//
// The key pairs are read from the calling package's testdata directory
// (idp, other and sp, each as NAME.key.pem and NAME.crt.pem): RSA-2048 keys
// with self-signed certificates valid 2020-01-01 .. 2045-01-01, back-dated so
// that crewjam/saml and gosaml2, which check certificate validity, accept them
// at any test time.
package minttest

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"io"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	crewsaml "github.com/crewjam/saml"
	saml2 "github.com/russellhaering/gosaml2"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/internal/awsendpoint"
	"github.com/samlaws/samlaws/internal/mint"
)

// The test tenant and the issuer Entra writes for it.
const (
	Tenant = "8b966979-910b-487c-a604-69229b1ac75c"
	Issuer = "https://sts.windows.net/" + Tenant + "/"
)

// FixedNow is the golden files' clock.
func FixedNow() time.Time {
	return time.Date(2026, 11, 28, 10, 0, 0, 123456789, time.UTC)
}

// KeyPair is a test key and its certificate.
type KeyPair struct {
	Key  *rsa.PrivateKey
	Cert *x509.Certificate
}

// LoadKeyPair reads testdata/NAME.key.pem (PKCS #8) and testdata/NAME.crt.pem.
func LoadKeyPair(t testing.TB, name string) KeyPair {
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
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		t.Fatalf("%s: not an RSA key", name)
	}
	return KeyPair{Key: rk, Cert: c}
}

// Rand returns a deterministic randomness stream.
func Rand(seed byte) *rand.ChaCha8 {
	var s [32]byte
	s[0] = seed
	return rand.NewChaCha8(s)
}

// Builder returns a builder with the idp key, a fixed clock at now and a
// deterministic Rand.
func Builder(t testing.TB, now time.Time) *mint.Builder {
	t.Helper()
	idp := LoadKeyPair(t, "idp")
	b, err := mint.NewBuilder(mint.BuilderConfig{
		Signer:       idp.Key,
		Certificates: []*x509.Certificate{idp.Cert},
		TenantID:     Tenant,
		Now:          func() time.Time { return now },
		Rand:         Rand(1),
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// MustRole parses a Role attribute value or fails the test.
func MustRole(t testing.TB, s string) awsrole.Role {
	t.Helper()
	r, err := awsrole.ParseRole(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Spec is a typical console sign-in: two roles, session name = UPN.
func Spec(t testing.TB) mint.ResponseSpec {
	t.Helper()
	return mint.ResponseSpec{
		User: mint.User{
			UPN:         "jane.doe@contoso.example",
			ObjectID:    "5159e491-c7a1-4c67-bff9-666cdab9a60b",
			DisplayName: "Doe, Jane",
			GivenName:   "Jane",
			Surname:     "Doe",
			Email:       "jane.doe@contoso.example",
		},
		AWS: awsrole.Attributes{
			Roles: []awsrole.Role{
				MustRole(t, "arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/EntraID"),
				MustRole(t, "arn:aws:iam::123456789012:role/path/ReadOnly,arn:aws:iam::123456789012:saml-provider/EntraID"),
			},
			RoleSessionName: "jane.doe@contoso.example",
			SessionDuration: awsrole.SessionDuration(2 * time.Hour),
		},
	}
}

// OpaqueSigner wraps a signer to hide its concrete type (an HSM-like signer).
type OpaqueSigner struct{ S crypto.Signer }

// Public returns the wrapped signer's public key.
func (o OpaqueSigner) Public() crypto.PublicKey { return o.S.Public() }

// Sign signs with the wrapped signer.
func (o OpaqueSigner) Sign(r io.Reader, d []byte, opts crypto.SignerOpts) ([]byte, error) {
	return o.S.Sign(r, d, opts)
}

// awsSignIn is the AWS console's SAML endpoint and entity ID (A1.1).
const awsSignIn = awsendpoint.GlobalSignIn

// CrewjamSP returns a crewjam/saml ServiceProvider for the AWS console: the
// IdP is the test tenant with idp's certificate, sp's key decrypts, and the
// clock is fixed at now.
func CrewjamSP(t testing.TB, now time.Time, idp, sp KeyPair) *crewsaml.ServiceProvider {
	t.Helper()
	acs, err := url.Parse(awsSignIn)
	if err != nil {
		t.Fatal(err)
	}
	return &crewsaml.ServiceProvider{
		EntityID:          awsSignIn,
		AcsURL:            *acs,
		AllowIDPInitiated: true,
		// Fail closed on Indeterminate conditions (D2.6); off by default in crewjam.
		RejectUnknownConditions: true,
		EncryptionKey:           sp.Key,
		Clock:                   dsig.NewFakeClockAt(now),
		IDPMetadata: &crewsaml.EntityDescriptor{
			EntityID: Issuer,
			IDPSSODescriptors: []crewsaml.IDPSSODescriptor{{
				SSODescriptor: crewsaml.SSODescriptor{RoleDescriptor: crewsaml.RoleDescriptor{
					ProtocolSupportEnumeration: "urn:oasis:names:tc:SAML:2.0:protocol",
					KeyDescriptors: []crewsaml.KeyDescriptor{{
						Use: "signing",
						KeyInfo: crewsaml.KeyInfo{X509Data: crewsaml.X509Data{X509Certificates: []crewsaml.X509Certificate{{
							Data: base64.StdEncoding.EncodeToString(idp.Cert.Raw),
						}}}},
					}},
				}},
			}},
		},
	}
}

// GoSAML2SP returns a gosaml2 service provider for the AWS console, with the
// same IdP, key and clock as CrewjamSP.
func GoSAML2SP(now time.Time, idp, sp KeyPair) *saml2.SAMLServiceProvider {
	return &saml2.SAMLServiceProvider{
		IdentityProviderIssuer:      Issuer,
		AssertionConsumerServiceURL: awsSignIn,
		AudienceURI:                 awsSignIn,
		IDPCertificateStore:         &dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{idp.Cert}},
		SPKeyStore:                  dsig.TLSCertKeyStore{PrivateKey: sp.Key, Certificate: [][]byte{sp.Cert.Raw}},
		Clock:                       dsig.NewFakeClockAt(now),
	}
}

// GoSAML2Verify runs gosaml2 on m and turns its warnings (audience, time)
// into failures, as a consumer must: it returns the assertion's facts and "",
// or what went wrong.
func GoSAML2Verify(sp *saml2.SAMLServiceProvider, m *mint.Minted) (*saml2.AssertionInfo, string) {
	info, err := sp.RetrieveAssertionInfo(m.Base64())
	if err != nil {
		return nil, err.Error()
	}
	if info.WarningInfo.NotInAudience {
		return info, "warning: not in audience"
	}
	if info.WarningInfo.InvalidTime {
		return info, "warning: invalid time"
	}
	return info, ""
}

// CrewjamErr unwraps crewjam's InvalidResponseError, whose Error() is
// constant, to the reason it holds.
func CrewjamErr(err error) error {
	var ire *crewsaml.InvalidResponseError
	if errors.As(err, &ire) {
		return ire.PrivateErr
	}
	return err
}

package metadata

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"testing"
	"time"
)

type testKey struct {
	key  *rsa.PrivateKey
	cert *x509.Certificate
}

// newTestKey makes a self-signed RSA certificate valid from notBefore to notAfter.
func newTestKey(t testing.TB, bits int, cn string, notBefore, notAfter time.Time) testKey {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return testKey{key: key, cert: cert}
}

// certFromFixture returns the n-th IdP signing certificate of a fixture.
func certFromFixture(t testing.TB, file string, n int) *x509.Certificate {
	t.Helper()
	d := mustParse(t, readFixture(t, file))
	ders := d.Entity.idpSigningCertificates()
	c, err := x509.ParseCertificate(ders[n])
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func encodeB64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// entraIDPOptions describes an Entra tenant's SAML IdP role (C1.4): entityID
// https://sts.windows.net/{tenant}/, the HTTP-Redirect and HTTP-POST SSO
// endpoints and the SLO endpoint at https://login.microsoftonline.com/{tenant}/saml2.
func entraIDPOptions(tenantID string, certs ...*x509.Certificate) IDPMetadataOptions {
	ep := "https://login.microsoftonline.com/" + tenantID + "/saml2"
	return IDPMetadataOptions{
		EntityID:             "https://sts.windows.net/" + tenantID + "/",
		SigningCertificates:  certs,
		SingleSignOnServices: []Endpoint{{Binding: BindingHTTPRedirect, Location: ep}, {Binding: BindingHTTPPOST, Location: ep}},
		SingleLogoutServices: []Endpoint{{Binding: BindingHTTPRedirect, Location: ep}},
	}
}

// ssoServices returns the entity's SSO endpoints with the given binding ("" for all).
func ssoServices(e *EntityDescriptor, binding string) []Endpoint {
	var out []Endpoint
	for _, idp := range e.IDPSSODescriptors {
		for _, ep := range idp.SingleSignOnServices {
			if binding == "" || ep.Binding == binding {
				out = append(out, ep)
			}
		}
	}
	return out
}

package mint

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"reflect"
	"testing"
	"time"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/internal/testkeys"
)

// TestOtherKeyIsNotTheSigner: the other-key knob signs with a pool key that
// is not the builder's, and keeps the builder's certificate. The builder
// signs with the pool key that otherKey tries first, so a version that did not
// skip the signer's own key would return it. (In-package: it reads the
// builder's signer; the other tests of this package are package mint_test,
// so that they can share internal/mint/minttest with the verifier's tests.)
func TestOtherKeyIsNotTheSigner(t *testing.T) {
	key, err := testkeys.RSA(testkeys.PoolSize - 1)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "otherKey test"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(time.Hour),
	}
	der, err := x509.CreateCertificate(nil, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewBuilder(BuilderConfig{
		Signer:       key,
		Certificates: []*x509.Certificate{cert},
		TenantID:     "8b966979-910b-487c-a604-69229b1ac75c",
		Now:          func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	k, err := otherKey(b.signer)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(k.Public(), b.signer.Public()) {
		t.Fatal("otherKey returned the signer's key")
	}
	role, err := awsrole.ParseRole("arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/EntraID")
	if err != nil {
		t.Fatal(err)
	}
	spec := ResponseSpec{
		User: User{UPN: "jane.doe@contoso.example", ObjectID: "5159e491-c7a1-4c67-bff9-666cdab9a60b"},
		AWS:  awsrole.Attributes{Roles: []awsrole.Role{role}, RoleSessionName: "jane.doe@contoso.example"},
	}
	spec.Tamper.OtherKey = true
	m, err := b.Build(spec)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(m.XML, []byte(b.certB64)) {
		t.Error("the builder's certificate is not in KeyInfo")
	}
}

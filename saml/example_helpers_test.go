package saml_test

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"log"
	"math/rand/v2"
	"os"
	"time"

	"github.com/samlaws/samlaws/saml/samltest/mint"
)

// mintExampleBuilder loads the test IdP key and certificate and returns a
// deterministic builder: fixed clock, fixed randomness stream.
func mintExampleBuilder() *mint.Builder {
	kb, err := os.ReadFile("testdata/idp.key.pem")
	if err != nil {
		log.Fatal(err)
	}
	cb, err := os.ReadFile("testdata/idp.crt.pem")
	if err != nil {
		log.Fatal(err)
	}
	kp, _ := pem.Decode(kb)
	cp, _ := pem.Decode(cb)
	key, err := x509.ParsePKCS8PrivateKey(kp.Bytes)
	if err != nil {
		log.Fatal(err)
	}
	cert, err := x509.ParseCertificate(cp.Bytes)
	if err != nil {
		log.Fatal(err)
	}
	b, err := mint.NewBuilder(mint.BuilderConfig{
		Signer:       key.(*rsa.PrivateKey),
		Certificates: []*x509.Certificate{cert},
		TenantID:     "8b966979-910b-487c-a604-69229b1ac75c",
		Now:          func() time.Time { return time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC) },
		Rand:         rand.NewChaCha8([32]byte{}), // tests only: never a fixed stream in production
	})
	if err != nil {
		log.Fatal(err)
	}
	return b
}

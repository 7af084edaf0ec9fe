package mint_test

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/internal/mint"
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

// A response for the AWS console with two roles, signed as Entra signs by
// default (assertion only, RSA-SHA256).
func ExampleBuilder_Build() {
	b := mintExampleBuilder()
	role, err := awsrole.ParseRole("arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/EntraID")
	if err != nil {
		log.Fatal(err)
	}
	m, err := b.Build(mint.ResponseSpec{
		User: mint.User{UPN: "jane.doe@contoso.example", DisplayName: "Doe, Jane"},
		AWS: awsrole.Attributes{
			Roles:           []awsrole.Role{role},
			RoleSessionName: "jane.doe@contoso.example",
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("Issuer:", b.Issuer())
	fmt.Println("IssueInstant:", m.IssueInstant.Format(time.RFC3339Nano))
	fmt.Println("Conditions NotOnOrAfter:", m.NotOnOrAfter.Format(time.RFC3339))
	fmt.Println("SubjectConfirmation NotOnOrAfter:", m.ConfirmationNotOnOrAfter.Format(time.RFC3339))
	fmt.Println("posts to:", m.Destination)
	fmt.Println("assertion signed:", strings.Contains(string(m.XML), `<Reference URI="#`+m.AssertionID+`">`))
	// Output:
	// Issuer: https://sts.windows.net/8b966979-910b-487c-a604-69229b1ac75c/
	// IssueInstant: 2026-11-28T10:00:00Z
	// Conditions NotOnOrAfter: 2026-11-28T11:10:00Z
	// SubjectConfirmation NotOnOrAfter: 2026-11-28T10:05:00Z
	// posts to: https://signin.aws.amazon.com/saml
	// assertion signed: true
}

// Tamper knobs break one thing on purpose, for testing a verifier.
func ExampleTamper() {
	b := mintExampleBuilder()
	m, err := b.Build(mint.ResponseSpec{
		User:   mint.User{UPN: "jane.doe@contoso.example"},
		Tamper: mint.Tamper{Expired: true, WrongAudience: true},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("expired before now:", m.NotOnOrAfter.Before(time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)))
	fmt.Println("wrong audience:", strings.Contains(string(m.XML), "<Audience>https://wrong-audience.invalid/saml</Audience>"))
	// Output:
	// expired before now: true
	// wrong audience: true
}

// The HTTP-POST binding: an auto-submitting HTML page, or the form values
// for an HTTP client.
func ExampleMinted_HTMLForm() {
	m, err := mintExampleBuilder().Build(mint.ResponseSpec{User: mint.User{UPN: "jane.doe@contoso.example"}})
	if err != nil {
		log.Fatal(err)
	}
	page, err := m.HTMLForm("https://console.aws.amazon.com/")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.Contains(string(page), `action="https://signin.aws.amazon.com/saml"`))
	v, err := m.FormValues("https://console.aws.amazon.com/")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(v.Get("SAMLResponse") == m.Base64(), v.Get("RelayState"))
	// Output:
	// true
	// true https://console.aws.amazon.com/
}

package samltest_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/samlaws/samlaws/saml"
	"github.com/samlaws/samlaws/saml/samltest"
)

// exampleT stands in for the *testing.T a real test passes: examples have none.
// It runs cleanups when done and turns failures into panics.
type exampleT struct {
	testing.TB
	cleanups []func()
}

func (e *exampleT) Helper()                        {}
func (e *exampleT) Cleanup(f func())               { e.cleanups = append(e.cleanups, f) }
func (e *exampleT) Errorf(format string, a ...any) { panic(fmt.Sprintf(format, a...)) }
func (e *exampleT) Fatalf(format string, a ...any) { panic(fmt.Sprintf(format, a...)) }
func (e *exampleT) FailNow()                       { panic("FailNow") }
func (e *exampleT) done() {
	for i := len(e.cleanups) - 1; i >= 0; i-- {
		e.cleanups[i]()
	}
}

func ExampleNewIdP() {
	t := &exampleT{} // in a test: the test's *testing.T
	defer t.done()

	idp := samltest.NewIdP(t, samltest.IdPConfig{TenantID: "8b966979-910b-487c-a604-69229b1ac75c", Now: func() time.Time { return time.Date(2026, 11, 28, 13, 0, 0, 0, time.UTC) }})

	fmt.Println(idp.EntityID)
	fmt.Println(idp.Certificate().Subject.CommonName)
	fmt.Println(idp.Certificate().NotBefore)

	// Upload this to IAM (CreateSAMLProvider), or feed it to the SP under test.
	md := idp.Metadata()
	fmt.Println(bytes.Count(md, []byte(`<KeyDescriptor use="signing">`)), "KeyDescriptors")
	// Output:
	// https://sts.windows.net/8b966979-910b-487c-a604-69229b1ac75c/
	// Microsoft Azure Federated SSO Certificate
	// 2026-11-27 13:00:00 +0000 UTC
	// 3 KeyDescriptors
}

func ExampleIdP_Mint() {
	t := &exampleT{}
	defer t.done()
	now := time.Date(2026, 11, 28, 13, 0, 0, 0, time.UTC)
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return now }})

	// The system under test: here, the project's own verifier, configured to
	// trust the IdP as AWS does after the metadata upload.
	cfg := idp.VerifierConfig()
	cfg.SkipReplayCheck = true
	v, err := saml.NewVerifier(cfg)
	if err != nil {
		panic(err)
	}

	u := samltest.DefaultUser() // B.Simon@contoso.com with two roles
	m, err := idp.Mint(u, samltest.ResponseOptions{})
	if err != nil {
		panic(err)
	}
	a, err := v.Verify(context.Background(), m.XML)
	fmt.Println(a.NameID, a.Roles[0].RoleARN, err)

	expired, err := idp.Mint(u, samltest.ResponseOptions{Tamper: []string{"expired"}})
	if err != nil {
		panic(err)
	}
	_, err = v.Verify(context.Background(), expired.XML)
	fmt.Println("expired accepted:", err == nil)
	// Output:
	// B.Simon@contoso.com arn:aws:iam::123456789012:role/EntraAdmin <nil>
	// expired accepted: false
}

func ExampleKnobs() {
	t := &exampleT{}
	defer t.done()
	now := time.Date(2026, 11, 28, 13, 0, 0, 0, time.UTC)
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return now }})
	cfg := idp.VerifierConfig()
	cfg.SkipReplayCheck = true
	v, _ := saml.NewVerifier(cfg)

	accepted := 0
	for _, tc := range samltest.Knobs() {
		m, err := idp.Mint(samltest.DefaultUser(), samltest.ResponseOptions{Tamper: []string{tc.Name}})
		if err != nil {
			panic(err)
		}
		if _, err := v.Verify(context.Background(), m.XML); err == nil {
			fmt.Println("accepted:", tc.Rule, tc.Name)
			accepted++
		}
	}
	fmt.Println(accepted, "tampered responses accepted")
	// Output:
	// 0 tampered responses accepted
}

func ExampleIdP_AddNextCertificate() {
	t := &exampleT{}
	defer t.done()
	idp := samltest.NewIdP(t, samltest.IdPConfig{})
	old := idp.Certificate()

	next := idp.AddNextCertificate() // published, not yet signing (C3.2)
	fmt.Println(len(idp.Certificates()), "published; old signs:", idp.Certificate().Equal(old))

	idp.ActivateNextCertificate() // "Make certificate active"
	fmt.Println(len(idp.Certificates()), "published; next signs:", idp.Certificate().Equal(next))

	idp.RemoveInactiveCertificates()
	fmt.Println(len(idp.Certificates()), "published")
	// Output:
	// 2 published; old signs: true
	// 2 published; next signs: true
	// 1 published
}

func ExampleIdP_Serve() {
	t := &exampleT{}
	defer t.done()
	srv := samltest.NewIdP(t, samltest.IdPConfig{ACS: "https://sp.example/saml/acs"}).Serve()

	// App-specific metadata, with the BOM Entra sends (C1.3).
	resp, err := http.Get(srv.AppMetadataURL)
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, bytes.HasPrefix(body, []byte("\xEF\xBB\xBF")))

	// IdP-initiated sign-in: an auto-submit form POSTing to the ACS.
	resp, err = http.Get(srv.SSOURL + "?RelayState=state-1")
	if err != nil {
		panic(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(strings.Contains(string(page), `action="https://sp.example/saml/acs"`))
	fmt.Println(strings.Contains(string(page), `name="RelayState" value="state-1"`))
	// Output:
	// 200 true
	// true
	// true
}

// New makes an IdP outside a test (a program, a demo), and Mint returns errors
// instead of failing a test.
func ExampleNew() {
	idp, err := samltest.New(samltest.IdPConfig{Seed: 1})
	if err != nil {
		panic(err)
	}
	u := samltest.DefaultUser()
	u.SessionDuration = time.Hour
	m, err := idp.Mint(u, samltest.ResponseOptions{Signing: samltest.SignBoth})
	if err != nil {
		panic(err)
	}
	// The SAMLAssertion parameter of sts:AssumeRoleWithSAML.
	assertion := m.Base64()
	xml, _ := base64.StdEncoding.DecodeString(assertion)
	fmt.Println(bytes.Count(xml, []byte("<Signature ")), "signatures")
	// Output:
	// 2 signatures
}

// IdPConfig.Signer and Certificate make the IdP sign with a key of the test's
// own (here a freshly made certificate for a test key); its metadata and
// responses carry that certificate, and Mint's options reach every part of the
// response.
func ExampleIdPConfig_signer() {
	now := time.Date(2026, 11, 28, 13, 0, 0, 0, time.UTC)
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "my IdP"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour)}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	cert, _ := x509.ParseCertificate(der)

	idp, err := samltest.New(samltest.IdPConfig{Signer: key, Certificate: cert, Now: func() time.Time { return now }})
	if err != nil {
		panic(err)
	}
	m, err := idp.Mint(samltest.DefaultUser(), samltest.ResponseOptions{
		SHA1:                true,                      // Entra's legacy signing algorithm (C3.1)
		SessionNotOnOrAfter: now.Add(20 * time.Minute), // AuthnStatement's session end (A4.1)
	})
	if err != nil {
		panic(err)
	}
	v, _ := saml.NewVerifier(saml.VerifierConfig{IdPEntityID: idp.EntityID, Certificates: []*x509.Certificate{cert},
		AllowSHA1: true, Now: func() time.Time { return now }})
	_, err = v.Verify(context.Background(), m.XML)
	fmt.Println(idp.Certificate().Subject.CommonName, err)
	// Output:
	// my IdP <nil>
}

// HTMLForm is Entra's auto-submit page; RelayState goes along (at most 80
// bytes, D1.1).
func ExampleMinted_HTMLForm() {
	idp, _ := samltest.New(samltest.IdPConfig{Seed: 1, ACS: "https://sp.example/saml/acs"})
	m, _ := idp.Mint(samltest.DefaultUser(), samltest.ResponseOptions{})
	page, err := m.HTMLForm("state-1")
	fmt.Println(err, strings.Contains(string(page), `action="https://sp.example/saml/acs"`), strings.Contains(string(page), m.Base64()))
	_, err = m.HTMLForm(strings.Repeat("x", 81))
	fmt.Println(err != nil)
	// Output:
	// <nil> true true
	// true
}

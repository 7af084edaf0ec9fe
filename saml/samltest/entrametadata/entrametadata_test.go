package entrametadata_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/samlaws/samlaws/saml/samltest/entrametadata"
)

const tenant = "8b966979-910b-487c-a604-69229b1ac75c"

var testKey = sync.OnceValues(func() (*rsa.PrivateKey, *x509.Certificate) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "Microsoft Azure Federated SSO Certificate"},
		NotBefore:    time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2029, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		panic(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		panic(err)
	}
	return k, c
})

func config() entrametadata.Config {
	k, c := testKey()
	return entrametadata.Config{
		ID:           "_5c47c410-5c35-4933-b7df-63bb1831d106",
		EntityID:     "https://sts.windows.net/" + tenant + "/",
		TenantID:     tenant,
		Certificates: []*x509.Certificate{c},
		Signer:       k,
	}
}

func TestBuildSignedC1_4(t *testing.T) {
	cfg := config()
	md, err := entrametadata.Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.HasPrefix(md, []byte("\xEF\xBB\xBF")) {
		t.Error("A5.4: output starts with a BOM")
	}
	d := etree.NewDocument()
	if err := d.ReadFromBytes(md); err != nil {
		t.Fatal(err)
	}
	vc := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: cfg.Certificates})
	vc.Clock = dsig.NewFakeClockAt(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	if _, err := vc.Validate(d.Root()); err != nil {
		t.Errorf("signature does not verify: %v", err)
	}
	if d.Root().ChildElements()[0].Tag != "Signature" {
		t.Error("C1.4: Signature is not the first child")
	}
	// Deterministic: RSA PKCS #1 v1.5 and a caller-chosen ID.
	md2, _ := entrametadata.Build(cfg)
	if !bytes.Equal(md, md2) {
		t.Error("two builds of one config differ")
	}
	// Endpoints under BaseURL.
	cfg.BaseURL = "http://127.0.0.1:8080/"
	md3, err := entrametadata.Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(md3, []byte(`Location="http://127.0.0.1:8080/`+tenant+`/saml2"`)) {
		t.Error("BaseURL not used for the SSO endpoint")
	}
}

func TestBuildUnsignedAndRollover(t *testing.T) {
	cfg := config()
	_, c := testKey()
	cfg.Signer = nil
	cfg.Certificates = []*x509.Certificate{c, c}
	md, err := entrametadata.Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(md, []byte("<Signature")) {
		t.Error("unsigned document has a Signature")
	}
	if n := bytes.Count(md, []byte(`<KeyDescriptor use="signing">`)); n != 6 {
		t.Errorf("C1.5: %d KeyDescriptors for 2 certificates, want 6 (3 roles)", n)
	}
}

func TestBuildErrors(t *testing.T) {
	other, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		edit func(*entrametadata.Config)
	}{
		{"no-ID", func(c *entrametadata.Config) { c.ID = "" }},
		{"ID-not-NCName", func(c *entrametadata.Config) { c.ID = `1"x` }},
		{"no-entityID", func(c *entrametadata.Config) { c.EntityID = "" }},
		{"entityID-control-char", func(c *entrametadata.Config) { c.EntityID = "https://x/\x01" }},
		{"no-tenant", func(c *entrametadata.Config) { c.TenantID = "" }},
		{"tenant-with-slash", func(c *entrametadata.Config) { c.TenantID = "a/b" }},
		{"no-certificates", func(c *entrametadata.Config) { c.Certificates = nil }},
		{"nil-certificate", func(c *entrametadata.Config) { c.Certificates = []*x509.Certificate{nil} }},
		{"signer-matches-no-certificate", func(c *entrametadata.Config) { c.Signer = other }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config()
			tc.edit(&cfg)
			md, err := entrametadata.Build(cfg)
			if err == nil || md != nil {
				t.Fatalf("Build = %d bytes, %v; want an error", len(md), err)
			}
			if !strings.HasPrefix(err.Error(), "entrametadata: invalid configuration: ") {
				t.Errorf("error %q lacks the package prefix and category", err)
			}
		})
	}
}

func TestEscaping(t *testing.T) {
	cfg := config()
	cfg.Signer = nil
	cfg.EntityID = `https://idp.example/?a=1&b="2"<`
	md, err := entrametadata.Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	d := etree.NewDocument()
	if err := d.ReadFromBytes(md); err != nil {
		t.Fatalf("escaped document is not XML: %v", err)
	}
	if got := d.Root().SelectAttrValue("entityID", ""); got != cfg.EntityID {
		t.Errorf("entityID round trip = %q", got)
	}
}

// FuzzBuild: any entity ID and tenant either fail as invalid configuration or give a
// well-formed document that carries them unchanged.
func FuzzBuild(f *testing.F) {
	f.Add("https://sts.windows.net/"+tenant+"/", tenant)
	f.Add("urn:x&<>\"'", "t")
	f.Add("\xff", "\x00")
	f.Fuzz(func(t *testing.T, entityID, tenantID string) {
		cfg := config()
		cfg.Signer = nil
		cfg.EntityID, cfg.TenantID = entityID, tenantID
		md, err := entrametadata.Build(cfg)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "entrametadata: invalid configuration: ") {
				t.Fatalf("error outside the configuration category: %v", err)
			}
			return
		}
		d := etree.NewDocument()
		if err := d.ReadFromBytes(md); err != nil {
			t.Fatalf("not XML: %v", err)
		}
		if got := d.Root().SelectAttrValue("entityID", ""); got != entityID {
			t.Fatalf("entityID %q came back as %q", entityID, got)
		}
	})
}

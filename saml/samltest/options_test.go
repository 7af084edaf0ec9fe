package samltest_test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/mint"
	"github.com/samlaws/samlaws/internal/samltesthelp"
	"github.com/samlaws/samlaws/internal/testkeys"
	"github.com/samlaws/samlaws/saml"
	"github.com/samlaws/samlaws/saml/samltest"
)

// Every field of ResponseOptions reaches the response: what a test could set
// on the minter's ResponseSpec before the minter became internal (issue 15) it
// sets here.
func TestResponseOptionsReachTheResponse(t *testing.T) {
	t.Parallel()
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return fixedNow }})
	other, _ := samltest.NewIdP(t, samltest.IdPConfig{KeyIndex: 6}).OtherSigner()
	at := fixedNow.Add(-time.Minute)
	for _, tc := range []struct {
		name string
		opts samltest.ResponseOptions
		want []string // substrings of the XML
		not  []string // substrings that must be absent
	}{
		{"destination-D1.2", samltest.ResponseOptions{Destination: "https://dest.example/saml"}, []string{`Destination="https://dest.example/saml"`}, nil},
		{"nameid-C2.4", samltest.ResponseOptions{NameID: "00u1", NameIDFormat: federation.NameIDFormatPersistent}, []string{`Format="` + federation.NameIDFormatPersistent + `">00u1</NameID>`}, nil},
		{"attributes", samltest.ResponseOptions{Attributes: []samltest.Attribute{{Name: "x-extra", Values: []string{"a", "b"}}}},
			[]string{`<Attribute Name="x-extra"><AttributeValue>a</AttributeValue><AttributeValue>b</AttributeValue></Attribute>`}, nil},
		{"omit-entra-claims-C2.6", samltest.ResponseOptions{OmitEntraClaims: true}, nil, []string{"identity/claims/tenantid"}},
		{"role-claim", samltest.ResponseOptions{RoleClaim: true}, []string{`Name="http://schemas.microsoft.com/ws/2008/06/identity/claims/role"`}, nil},
		{"issue-instant", samltest.ResponseOptions{IssueInstant: at}, []string{`IssueInstant="` + at.UTC().Format("2006-01-02T15:04:05.000Z") + `"`}, nil},
		{"lifetimes-C2.5", samltest.ResponseOptions{AssertionLifetime: time.Hour, ConfirmationLifetime: 2 * time.Minute},
			[]string{`NotOnOrAfter="` + fixedNow.Add(time.Hour).Format("2006-01-02T15:04:05.000Z") + `"`, `NotOnOrAfter="` + fixedNow.Add(2*time.Minute).Format("2006-01-02T15:04:05.000Z") + `"`}, nil},
		{"authn-instant-C2.9", samltest.ResponseOptions{AuthnInstant: at}, []string{`AuthnInstant="` + at.Format("2006-01-02T15:04:05.000Z") + `"`}, nil},
		{"session-not-on-or-after-A4.1", samltest.ResponseOptions{SessionNotOnOrAfter: fixedNow.Add(20 * time.Minute)}, []string{`SessionNotOnOrAfter="` + fixedNow.Add(20*time.Minute).Format("2006-01-02T15:04:05.000Z") + `"`}, nil},
		{"authn-context", samltest.ResponseOptions{AuthnContextClassRef: "urn:x:mfa"}, []string{`<AuthnContextClassRef>urn:x:mfa</AuthnContextClassRef>`}, nil},
		{"version-D1.3", samltest.ResponseOptions{Version: "1.1"}, []string{`Version="1.1"`}, []string{`Version="2.0"`}},
		{"status-D1.5", samltest.ResponseOptions{StatusCode: "urn:oasis:names:tc:SAML:2.0:status:Responder", SubStatusCode: "urn:x:sub", StatusMessage: "AADSTS1: no"},
			[]string{`status:Responder"><samlp:StatusCode Value="urn:x:sub">`, `<samlp:StatusMessage>AADSTS1: no</samlp:StatusMessage>`}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := samltesthelp.MustMint(t, idp, samltest.DefaultUser(), tc.opts)
			for _, w := range tc.want {
				if !bytes.Contains(m.XML, []byte(w)) {
					t.Errorf("XML lacks %s", w)
				}
			}
			for _, n := range tc.not {
				if bytes.Contains(m.XML, []byte(n)) {
					t.Errorf("XML has %s", n)
				}
			}
		})
	}

	// User.AuthnMethods and IdentityProvider feed their claims (C2.6).
	u := samltest.DefaultUser()
	u.AuthnMethods = []string{"http://schemas.microsoft.com/claims/multipleauthn"}
	u.IdentityProvider = "https://idp.example/"
	m := samltesthelp.MustMint(t, idp, u, samltest.ResponseOptions{})
	for _, w := range []string{"<AttributeValue>http://schemas.microsoft.com/claims/multipleauthn</AttributeValue>", "<AttributeValue>https://idp.example/</AttributeValue>"} {
		if !bytes.Contains(m.XML, []byte(w)) {
			t.Errorf("XML lacks %s", w)
		}
	}

	// SignWith signs with the test's key, the IdP's certificate still in
	// KeyInfo (D4.6): the verifier trusting the IdP rejects it.
	ctx := context.Background()
	if _, err := newVerifier(t, idp).Verify(ctx, samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{SignWith: other}).XML); !errors.Is(err, saml.ErrSignature) {
		t.Errorf("D4.6: SignWith: %v, want ErrSignature", err)
	}

	// EncryptCBC: AES-256-CBC content (D5.1), which a decrypting verifier reads.
	sp := samltest.NewIdP(t, samltest.IdPConfig{KeyIndex: 5})
	enc := samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{EncryptFor: sp.Certificate(), EncryptCBC: true})
	if !bytes.Contains(enc.XML, []byte("xmlenc#aes256-cbc")) {
		t.Error("EncryptCBC: not aes256-cbc")
	}
	dv := newVerifier(t, idp, func(c *saml.VerifierConfig) { c.DecryptionKeys = []*rsa.PrivateKey{sp.Signer().(*rsa.PrivateKey)} })
	if a, err := dv.Verify(ctx, enc.XML); err != nil || !a.Encrypted || len(enc.EncryptedAssertion) == 0 {
		t.Errorf("EncryptCBC: %v", err)
	}
	if gcm := samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{EncryptFor: sp.Certificate()}); !bytes.Contains(gcm.XML, []byte("xmlenc11#aes256-gcm")) {
		t.Error("EncryptFor: default content encryption is not aes256-gcm")
	}
}

// Bad options are errors of Mint naming the option; nothing is minted.
func TestResponseOptionsErrors(t *testing.T) {
	t.Parallel()
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return fixedNow }})
	for _, tc := range []struct {
		name string
		opts samltest.ResponseOptions
		want string
	}{
		{"unknown-knob", samltest.ResponseOptions{Tamper: []string{"no-such-knob"}}, `unknown tamper knob "no-such-knob"`},
		{"signing-mode-out-of-range", samltest.ResponseOptions{Signing: samltest.SignBoth + 1}, "unknown SigningMode 3"},
		{"bad-id-value", samltest.ResponseOptions{NameID: "\x00"}, "mint: NameID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := idp.Mint(samltest.DefaultUser(), tc.opts)
			if err == nil || m != nil || !strings.HasPrefix(err.Error(), "samltest: ") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Mint = %v, %v; want an error containing %q", m != nil, err, tc.want)
			}
		})
	}
	// D1.1: RelayState is bounded in the form.
	m := samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{})
	if _, err := m.HTMLForm(strings.Repeat("r", 81)); err == nil {
		t.Error("D1.1: HTMLForm accepted an 81-byte RelayState")
	}
	if page, err := m.HTMLForm("r"); err != nil || !bytes.Contains(page, []byte(m.Base64())) || !bytes.Contains(page, []byte(`action="`+m.Destination+`"`)) {
		t.Errorf("HTMLForm: %v", err)
	}
}

// IdPConfig.Signer and Certificate replace the pool key: responses and
// metadata are signed with them, and a verifier trusting only that
// certificate accepts the response. IDs supplies the document IDs.
func TestIdPConfigOwnKey(t *testing.T) {
	t.Parallel()
	key, err := testkeys.RSA(7)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "own"},
		NotBefore: fixedNow.Add(-time.Hour), NotAfter: fixedNow.Add(time.Hour)}
	der, err := x509.CreateCertificate(nil, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	n := 0
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return fixedNow }, Signer: key, Certificate: cert,
		IDs: func() string { n++; return "_id" + strconv.Itoa(n) }})
	if !idp.Certificate().Equal(cert) || len(idp.Certificates()) != 1 {
		t.Fatal("the IdP does not publish the given certificate alone")
	}
	m := samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{})
	if m.ResponseID != "_id1" || m.AssertionID != "_id2" {
		t.Errorf("IDs: %q %q", m.ResponseID, m.AssertionID)
	}
	v, err := saml.NewVerifier(saml.VerifierConfig{IdPEntityID: idp.EntityID, Certificates: []*x509.Certificate{cert}, Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(context.Background(), m.XML); err != nil {
		t.Errorf("own key: %v", err)
	}
	if _, err := verifyMetadata(t, idp.Metadata(), cert); err != nil {
		t.Errorf("own key: metadata: %v", err)
	}

	other, _ := testkeys.RSA(6)
	for _, tc := range []struct {
		name string
		cfg  samltest.IdPConfig
	}{
		{"signer-without-certificate", samltest.IdPConfig{Signer: key}},
		{"certificate-without-signer", samltest.IdPConfig{Certificate: cert}},
		{"mismatch", samltest.IdPConfig{Signer: other, Certificate: cert}},
	} {
		if _, err := samltest.New(tc.cfg); err == nil {
			t.Errorf("%s: New accepted it", tc.name)
		}
	}
}

// Knobs is the minter's one table, without its Apply functions.
func TestKnobsIsTheMinterTable(t *testing.T) {
	all := mint.Knobs()
	got := samltest.Knobs()
	if len(got) != len(all) || len(got) < 30 {
		t.Fatalf("%d knobs, the minter has %d", len(got), len(all))
	}
	for i, k := range all {
		if got[i] != (samltest.Knob{Name: k.Name, Rule: k.Rule, Doc: k.Doc}) {
			t.Errorf("knob %d = %+v, want %s %s", i, got[i], k.Name, k.Rule)
		}
	}
}

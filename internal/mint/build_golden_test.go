package mint_test

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"flag"
	"html"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/internal/awsendpoint"

	. "github.com/samlaws/samlaws/internal/mint"
	"github.com/samlaws/samlaws/internal/mint/minttest"
)

// updateGolden rewrites internal/mint/testdata/golden/*: go test ./internal/mint -run Golden -update
var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

func TestBuildGolden(t *testing.T) {
	spk := minttest.LoadKeyPair(t, "sp")
	cases := []struct {
		file string
		mod  func(*ResponseSpec)
	}{
		{"assertion-signed-rsa-sha256.xml", func(*ResponseSpec) {}},
		{"response-signed-rsa-sha256.xml", func(s *ResponseSpec) { s.Signing = SignResponse }},
		{"both-signed-rsa-sha1.xml", func(s *ResponseSpec) { s.Signing, s.Algorithm = SignBoth, RSASHA1 }},
		{"sp-initiated.xml", func(s *ResponseSpec) { s.InResponseTo = "_0b3c2d5e-aaaa-4bbb-8ccc-123456789abc" }},
		{"encrypted-aes256-cbc.xml", func(s *ResponseSpec) { s.Encryption = &Encryption{Certificate: spk.Cert, Algorithm: AES256CBC} }},
		{"encrypted-aes256-gcm.xml", func(s *ResponseSpec) {
			s.Encryption = &Encryption{Certificate: spk.Cert, Algorithm: AES256GCM}
		}},
		{"tags-source-identity.xml", func(s *ResponseSpec) {
			s.AWS.SourceIdentity = "jane.doe"
			s.AWS.Tags = []awsrole.Tag{{Key: "CostCenter", Value: "1234"}, {Key: "Project", Value: "Blue"}}
			s.AWS.TransitiveTagKeys = []string{"Project"}
			s.User.AuthnMethods = []string{AuthnMethodPassword, AuthnMethodMultipleAuthn}
		}},
		{"status-requester.xml", func(s *ResponseSpec) {
			s.Tamper.StatusCode, s.Tamper.StatusMessage = StatusRequester, "AADSTS50105: not assigned"
		}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			spec := minttest.Spec(t)
			tc.mod(&spec)
			m, err := minttest.Builder(t, minttest.FixedNow()).Build(spec)
			if err != nil {
				t.Fatal(err)
			}
			mintGolden(t, tc.file, m.XML)
		})
	}
	t.Run("form.html", func(t *testing.T) {
		m, err := minttest.Builder(t, minttest.FixedNow()).Build(minttest.Spec(t))
		if err != nil {
			t.Fatal(err)
		}
		page, err := m.HTMLForm("https://console.aws.amazon.com/?a=1&b=<2>")
		if err != nil {
			t.Fatal(err)
		}
		mintGolden(t, "form.html", page)
	})
}

func mintGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *updateGolden {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run with -update if the change is intended)\n got %s\nwant %s", path, got, want)
	}
}

func TestBuildForm(t *testing.T) {
	m, err := minttest.Builder(t, minttest.FixedNow()).Build(minttest.Spec(t))
	if err != nil {
		t.Fatal(err)
	}
	v, err := m.FormValues("state-1")
	if err != nil {
		t.Fatal(err)
	}
	if v.Get("SAMLResponse") != m.Base64() || v.Get("RelayState") != "state-1" {
		t.Errorf("D1.1: form values %v", v)
	}
	if v, _ := m.FormValues(""); v.Has("RelayState") {
		t.Errorf("empty RelayState must be omitted")
	}
	page, err := m.HTMLForm(`x"><script>alert(1)</script>`)
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	if strings.Contains(s, "<script>alert") {
		t.Errorf("RelayState not HTML-escaped")
	}
	re := regexp.MustCompile(`<form method="POST" name="hiddenform" action="([^"]*)"><input type="hidden" name="SAMLResponse" value="([^"]*)"><input type="hidden" name="RelayState" value="([^"]*)">`)
	sub := re.FindStringSubmatch(s)
	if sub == nil {
		t.Fatalf("form not found in %s", s)
	}
	if sub[1] != awsendpoint.GlobalSignIn || sub[2] != m.Base64() || html.UnescapeString(sub[3]) != `x"><script>alert(1)</script>` {
		t.Errorf("D1.1: form fields %q", sub[1:])
	}
	if !strings.Contains(s, "document.forms[0].submit()") || !strings.Contains(s, "<noscript>") {
		t.Errorf("page does not auto-submit with a no-script fallback")
	}
	for _, tc := range []struct {
		name, action, relay string
	}{
		{"D1.1/relaystate-over-80-bytes", awsendpoint.GlobalSignIn, strings.Repeat("r", 81)},
		{"action-not-absolute", "/saml", ""},
		{"action-javascript", "javascript:alert(1)", ""},
		{"relaystate-control-char", awsendpoint.GlobalSignIn, "a\x00b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := HTMLFormTo(m, tc.action, tc.relay)
			var be *Error
			if !errors.Is(err, ErrResponseSpec) || !errors.As(err, &be) {
				t.Fatalf("err = %v, want ErrResponseSpec", err)
			}
		})
	}
	if _, err := m.FormValues(strings.Repeat("r", 81)); !errors.Is(err, ErrResponseSpec) {
		t.Errorf("D1.1: FormValues accepted a long RelayState: %v", err)
	}
	// Exactly 80 bytes is allowed.
	if _, err := HTMLFormTo(m, "http://127.0.0.1:8080/acs", strings.Repeat("r", 80)); err != nil {
		t.Errorf("D1.1: 80-byte RelayState rejected: %v", err)
	}
	if _, err := url.Parse(m.Destination); err != nil {
		t.Error(err)
	}
}

type mintFailingReader struct{}

func (mintFailingReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

type mintFailingSigner struct{ crypto.Signer }

func (mintFailingSigner) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, errors.New("hsm offline")
}

func TestNewBuilderErrors(t *testing.T) {
	idp := minttest.LoadKeyPair(t, "idp")
	other := minttest.LoadKeyPair(t, "other")
	certs := []*x509.Certificate{idp.Cert}
	for _, tc := range []struct {
		name  string
		cfg   BuilderConfig
		field string
	}{
		{"missing-signer", BuilderConfig{Certificates: certs, TenantID: minttest.Tenant}, "Signer"},
		{"missing-certificate", BuilderConfig{Signer: idp.Key, TenantID: minttest.Tenant}, "Certificates"},
		{"nil-certificate", BuilderConfig{Signer: idp.Key, Certificates: []*x509.Certificate{nil}, TenantID: minttest.Tenant}, "Certificates"},
		{"certificate-of-another-key", BuilderConfig{Signer: idp.Key, Certificates: []*x509.Certificate{other.Cert}, TenantID: minttest.Tenant}, "Certificates"},
		{"C2.2/no-issuer-no-tenant", BuilderConfig{Signer: idp.Key, Certificates: certs}, "Issuer"},
		{"issuer-control-char", BuilderConfig{Signer: idp.Key, Certificates: certs, Issuer: "a\x01"}, "Issuer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewBuilder(tc.cfg)
			var be *Error
			if !errors.Is(err, ErrBuilderConfig) || !errors.As(err, &be) || be.Field != tc.field {
				t.Fatalf("err = %v, want ErrBuilderConfig on %s", err, tc.field)
			}
			if !strings.HasPrefix(err.Error(), "mint: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
	// An opaque crypto.Signer (HSM-like) works; Issuer override wins.
	b, err := NewBuilder(BuilderConfig{Signer: minttest.OpaqueSigner{S: idp.Key}, Certificates: certs, Issuer: "https://sts.windows.net/x/"})
	if err != nil {
		t.Fatal(err)
	}
	if b.Issuer() != "https://sts.windows.net/x/" || b.Certificate() != idp.Cert {
		t.Errorf("Issuer/Certificate accessors wrong")
	}
	// Default clock and Rand produce a valid, fresh response.
	m, err := b.Build(minttest.Spec(t))
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(m.IssueInstant); d < -time.Second || d > time.Minute {
		t.Errorf("default clock: IssueInstant %v", m.IssueInstant)
	}
}

func TestBuildErrors(t *testing.T) {
	idp := minttest.LoadKeyPair(t, "idp")
	secret := "s3cret-value-never-in-errors"
	for _, tc := range []struct {
		name  string
		mod   func(*ResponseSpec, *BuilderConfig)
		cat   error
		field string
	}{
		{"A2.1/no-nameid", func(s *ResponseSpec, _ *BuilderConfig) { s.User.UPN, s.NameID = "", "" }, ErrResponseSpec, "NameID"},
		{"C3.1/unknown-signing-mode", func(s *ResponseSpec, _ *BuilderConfig) { s.Signing = 9 }, ErrResponseSpec, "Signing"},
		{"C3.1/unknown-algorithm", func(s *ResponseSpec, _ *BuilderConfig) { s.Algorithm = 9 }, ErrResponseSpec, "Algorithm"},
		{"D2.2/negative-lifetime", func(s *ResponseSpec, _ *BuilderConfig) { s.AssertionLifetime = -time.Minute }, ErrResponseSpec, "AssertionLifetime"},
		{"D3.2/negative-confirmation-lifetime", func(s *ResponseSpec, _ *BuilderConfig) { s.ConfirmationLifetime = -time.Minute }, ErrResponseSpec, "ConfirmationLifetime"},
		{"D5.1/no-encryption-cert", func(s *ResponseSpec, _ *BuilderConfig) { s.Encryption = &Encryption{} }, ErrResponseSpec, "Encryption.Certificate"},
		{"D5.1/unknown-block-alg", func(s *ResponseSpec, _ *BuilderConfig) {
			s.Encryption = &Encryption{Certificate: idp.Cert, Algorithm: 7}
		}, ErrResponseSpec, "Encryption.Algorithm"},
		{"invalid-utf8-nameid", func(s *ResponseSpec, _ *BuilderConfig) { s.NameID = secret + "\xff" }, ErrResponseSpec, "NameID"},
		{"control-char-audience", func(s *ResponseSpec, _ *BuilderConfig) { s.Audience = secret + "\x07" }, ErrResponseSpec, "Audience"},
		{"D1.3/InResponseTo-not-NCName", func(s *ResponseSpec, _ *BuilderConfig) { s.InResponseTo = "1" + secret }, ErrResponseSpec, "InResponseTo"},
		{"attribute-empty-name", func(s *ResponseSpec, _ *BuilderConfig) { s.Attributes = []Attribute{{Values: []string{"x"}}} }, ErrResponseSpec, "Attributes"},
		{"attribute-bad-value", func(s *ResponseSpec, _ *BuilderConfig) {
			s.Attributes = []Attribute{{Name: "n", Values: []string{secret + "\uFFFE"}}}
		}, ErrResponseSpec, "Attributes"},
		{"surrogate-in-claim", func(s *ResponseSpec, _ *BuilderConfig) { s.User.DisplayName = "a\xed\xa0\x80" }, ErrResponseSpec, "Attributes"},
		{"D1.3/IDs-not-NCName", func(_ *ResponseSpec, c *BuilderConfig) { c.IDs = func() string { return "1bad" } }, ErrBuilderConfig, "IDs"},
		{"rand-fails", func(_ *ResponseSpec, c *BuilderConfig) { c.Rand = mintFailingReader{} }, ErrMint, "Rand"},
		{"signer-fails", func(_ *ResponseSpec, c *BuilderConfig) { c.Signer = mintFailingSigner{idp.Key} }, ErrMint, "Signer"},
		{"modify-encrypted-response-signed-only", func(s *ResponseSpec, _ *BuilderConfig) {
			s.Tamper.ModifyAfterSigning, s.Signing = true, SignResponse
			s.Encryption = &Encryption{Certificate: idp.Cert}
		}, ErrResponseSpec, "Tamper.ModifyAfterSigning"},
		{"modify-without-nameid", func(s *ResponseSpec, _ *BuilderConfig) {
			s.Tamper.ModifyAfterSigning, s.Tamper.MissingNameID = true, true
		}, ErrResponseSpec, "Tamper.ModifyAfterSigning"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := BuilderConfig{Signer: idp.Key, Certificates: []*x509.Certificate{idp.Cert}, TenantID: minttest.Tenant,
				Now: func() time.Time { return minttest.FixedNow() }, Rand: minttest.Rand(1)}
			spec := minttest.Spec(t)
			tc.mod(&spec, &cfg)
			b, err := NewBuilder(cfg)
			if err != nil {
				t.Fatal(err)
			}
			m, err := b.Build(spec)
			var be *Error
			if m != nil || !errors.Is(err, tc.cat) || !errors.As(err, &be) || be.Field != tc.field {
				t.Fatalf("err = %v, want %v on %s", err, tc.cat, tc.field)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error leaks the input: %v", err)
			}
		})
	}
}

// TestBuildIDsOverride: IDs() supplies every ID, and Rand is then unused for IDs.
func TestBuildIDsOverride(t *testing.T) {
	idp := minttest.LoadKeyPair(t, "idp")
	n := 0
	b, err := NewBuilder(BuilderConfig{Signer: idp.Key, Certificates: []*x509.Certificate{idp.Cert}, TenantID: minttest.Tenant,
		IDs: func() string { n++; return "id" + strings.Repeat("x", n) }, Rand: mintFailingReader{}})
	if err != nil {
		t.Fatal(err)
	}
	m, err := b.Build(minttest.Spec(t))
	if err != nil {
		t.Fatal(err)
	}
	if m.ResponseID != "idx" || m.AssertionID != "idxx" {
		t.Errorf("IDs = %s %s", m.ResponseID, m.AssertionID)
	}
}

// TestBuildTamperShape checks that each knob does what its doc says, in the XML.
func TestBuildTamperShape(t *testing.T) {
	other := minttest.LoadKeyPair(t, "other")
	build := func(mod func(*ResponseSpec)) (*Minted, string) {
		t.Helper()
		spec := minttest.Spec(t)
		mod(&spec)
		m, err := minttest.Builder(t, minttest.FixedNow()).Build(spec)
		if err != nil {
			t.Fatal(err)
		}
		return m, string(m.XML)
	}
	base, baseXML := build(func(*ResponseSpec) {})
	m, _ := build(func(s *ResponseSpec) { s.Tamper.Expired = true })
	if !m.NotOnOrAfter.Before(minttest.FixedNow()) || !m.ConfirmationNotOnOrAfter.Before(minttest.FixedNow()) {
		t.Errorf("D2.2: Expired leaves windows open: %v", m.NotOnOrAfter)
	}
	_, x := build(func(s *ResponseSpec) {
		s.AuthnInstant = minttest.FixedNow().Add(-47 * time.Minute)
		s.SessionNotOnOrAfter = minttest.FixedNow().Add(8 * time.Hour)
	})
	if !strings.Contains(x, `<AuthnStatement AuthnInstant="2026-11-28T09:13:00.123Z" SessionIndex="`) ||
		!strings.Contains(x, `SessionNotOnOrAfter="2026-11-28T18:00:00.123Z">`) {
		t.Errorf("C2.9/A4.1: AuthnInstant or SessionNotOnOrAfter not written")
	}
	m, _ = build(func(s *ResponseSpec) { s.Tamper.NotYetValid = true })
	if !m.NotBefore.After(minttest.FixedNow().Add(5 * time.Minute)) {
		t.Errorf("D2.2: NotYetValid NotBefore %v", m.NotBefore)
	}
	for _, c := range []struct {
		rule    string
		mod     func(*ResponseSpec)
		has     []string
		hasNot  []string
		countOf string
		count   int
	}{
		{"D2.3", func(s *ResponseSpec) { s.Tamper.WrongAudience = true }, []string{"<Audience>" + WrongAudience}, nil, "", 0},
		{"A1.8", func(s *ResponseSpec) { s.Tamper.WrongRecipient = true }, []string{`Recipient="` + WrongRecipient}, nil, "", 0},
		{"D1.2", func(s *ResponseSpec) { s.Tamper.WrongDestination = true }, []string{`Destination="` + WrongDestination}, nil, "", 0},
		{"D1.7", func(s *ResponseSpec) { s.Tamper.WrongIssuer = true }, []string{WrongIssuer}, []string{minttest.Issuer + "</Issuer>"}, "", 0},
		{"D4.7", func(s *ResponseSpec) { s.Signing = SignNone }, nil, []string{"<Signature"}, "", 0},
		{"D4.2/empty", func(s *ResponseSpec) { s.Tamper.EmptyReferenceURI = true }, []string{`<Reference URI="">`}, nil, "", 0},
		{"D4.2/extra", func(s *ResponseSpec) { s.Tamper.ExtraAssertion = true }, []string{SecondNameID}, nil, "<Signature ", 2},
		{"D4.2/injected", func(s *ResponseSpec) { s.Tamper.InjectedAssertion = true }, []string{AttackerNameID}, nil, "<Assertion ", 2},
		{"A2.1", func(s *ResponseSpec) { s.Tamper.MissingNameID = true }, nil, []string{"<NameID"}, "", 0},
		{"A3.1", func(s *ResponseSpec) { s.Tamper.MissingRole = true }, nil, []string{"Attributes/Role\""}, "", 0},
		{"A3.4/missing", func(s *ResponseSpec) { s.Tamper.MissingRoleSessionName = true }, nil, []string{"RoleSessionName"}, "", 0},
		{"A3.4/bad", func(s *ResponseSpec) { s.Tamper.BadRoleSessionName = true }, []string{BadSessionName}, nil, "", 0},
		{"D2.4", func(s *ResponseSpec) { s.Tamper.MissingAudienceRestriction = true }, nil, []string{"AudienceRestriction"}, "", 0},
		{"A1.8/noa", func(s *ResponseSpec) { s.Tamper.MissingConfirmationNotOnOrAfter = true }, []string{`<SubjectConfirmationData Recipient=`}, nil, "", 0},
		{"D3.2", func(s *ResponseSpec) { s.Tamper.ConfirmationNotBefore = true }, []string{`<SubjectConfirmationData NotBefore=`}, nil, "", 0},
		{"A1.8/two", func(s *ResponseSpec) { s.Tamper.TwoSubjectConfirmations = true }, nil, nil, "<SubjectConfirmation ", 2},
		{"D2.2/inverted", func(s *ResponseSpec) { s.Tamper.InvertedConditions = true }, []string{`<Conditions NotBefore="2026-11-28T11:10:00.123Z" NotOnOrAfter="2026-11-28T10:00:00.123Z">`}, nil, "", 0},
		{"D3.4", func(s *ResponseSpec) { s.Tamper.MissingAuthnStatement = true }, nil, []string{"AuthnStatement"}, "", 0},
		{"D1.3/version", func(s *ResponseSpec) { s.Tamper.Version = "1.0" }, nil, []string{`Version="2.0"`}, `Version="1.0"`, 2},
		{"D1.3/dup", func(s *ResponseSpec) { s.Tamper.DuplicateIDs = true }, nil, nil, `ID="` + base.ResponseID + `"`, 2},
		{"D1.5", func(s *ResponseSpec) { s.Tamper.StatusCode, s.Tamper.StatusMessage = StatusResponder, "AADSTS1" }, []string{`<samlp:StatusCode Value="` + StatusResponder + `"></samlp:StatusCode><samlp:StatusMessage>AADSTS1</samlp:StatusMessage>`}, nil, "", 0},
		{"D4.2/wrapped", func(s *ResponseSpec) { s.Tamper.WrapSignedAssertion = true }, []string{"<AuthnContextClassRef>" + AuthnContextPasswordProtectedTransport + "</AuthnContextClassRef></AuthnContext></AuthnStatement><Assertion "}, nil, "<Assertion ", 2},
		{"D1.5/nested", func(s *ResponseSpec) {
			s.Tamper.StatusCode, s.Tamper.SubStatusCode = StatusRequester, "urn:oasis:names:tc:SAML:2.0:status:RequestUnsupported"
		}, []string{`<samlp:StatusCode Value="` + StatusRequester + `"><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:RequestUnsupported"></samlp:StatusCode></samlp:StatusCode>`}, nil, "", 0},
		{"D2.3/extra", func(s *ResponseSpec) { s.Tamper.ExtraAudienceRestriction = true }, []string{"<AudienceRestriction><Audience>" + WrongAudience + "</Audience></AudienceRestriction></Conditions>"}, nil, "<AudienceRestriction>", 2},
		{"D2.6", func(s *ResponseSpec) { s.Tamper.UnknownCondition = true }, []string{`xsi:type="UnknownConditionType"></Condition></Conditions>`}, nil, "", 0},
		{"D2.5", func(s *ResponseSpec) { s.Tamper.DuplicateOneTimeUse = true }, nil, nil, "<OneTimeUse>", 2},
		{"D4/modify", func(s *ResponseSpec) { s.Tamper.ModifyAfterSigning = true }, []string{">" + AttackerNameID + "</NameID>"}, nil, "", 0},
	} {
		_, x := build(c.mod)
		for _, h := range c.has {
			if !strings.Contains(x, h) {
				t.Errorf("%s: output lacks %q", c.rule, h)
			}
		}
		for _, h := range c.hasNot {
			if strings.Contains(x, h) {
				t.Errorf("%s: output still has %q", c.rule, h)
			}
		}
		if c.countOf != "" {
			if n := strings.Count(x, c.countOf); n != c.count {
				t.Errorf("%s: %d x %q, want %d", c.rule, n, c.countOf, c.count)
			}
		}
	}
	// SignWith: same certificate in KeyInfo, different SignatureValue.
	_, x = build(func(s *ResponseSpec) { s.Tamper.SignWith = other.Key })
	sv := regexp.MustCompile(`<SignatureValue>([^<]*)<`)
	if sv.FindString(x) == sv.FindString(baseXML) {
		t.Errorf("D4.6: SignWith did not change the signature")
	}
	kiRE := regexp.MustCompile(`<X509Certificate>([^<]*)<`)
	if kiRE.FindString(x) != kiRE.FindString(baseXML) {
		t.Errorf("D4.6: SignWith must keep the builder's certificate in KeyInfo")
	}
}

// TestBuildConcurrent: one Builder with the default (concurrency-safe) Rand
// serves many goroutines; run with -race.
func TestBuildConcurrent(t *testing.T) {
	idp := minttest.LoadKeyPair(t, "idp")
	b, err := NewBuilder(BuilderConfig{Signer: idp.Key, Certificates: []*x509.Certificate{idp.Cert}, TenantID: minttest.Tenant})
	if err != nil {
		t.Fatal(err)
	}
	spec := minttest.Spec(t)
	ids := make(chan string, 16)
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			m, err := b.Build(spec)
			if err != nil {
				errs <- err
				return
			}
			ids <- m.ResponseID
			ids <- m.AssertionID
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	close(ids)
	seen := map[string]bool{}
	for id := range ids {
		if seen[id] {
			t.Fatalf("D1.3: ID %s minted twice", id)
		}
		seen[id] = true
	}
}

func TestBuildEnumStrings(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{SignAssertion.String(), "assertion"}, {SignResponse.String(), "response"},
		{SignBoth.String(), "both"}, {SignNone.String(), "none"}, {SigningMode(9).String(), "SigningMode(9)"},
		{RSASHA256.String(), "rsa-sha256"}, {RSASHA1.String(), "rsa-sha1"}, {SignatureAlgorithm(9).String(), "SignatureAlgorithm(9)"},
		{AES256CBC.String(), "http://www.w3.org/2001/04/xmlenc#aes256-cbc"},
		{AES256GCM.String(), "http://www.w3.org/2009/xmlenc11#aes256-gcm"},
		{BlockAlgorithm(9).String(), "BlockAlgorithm(9)"},
	} {
		if c.got != c.want {
			t.Errorf("String() = %q, want %q", c.got, c.want)
		}
	}
}

// TestBuildEncryptionNonRSA: an SP certificate with a non-RSA key is refused
// (D5.1: RSA-OAEP key transport).
func TestBuildEncryptionNonRSA(t *testing.T) {
	cert := &x509.Certificate{PublicKey: "not a key"}
	spec := minttest.Spec(t)
	spec.Encryption = &Encryption{Certificate: cert}
	_, err := minttest.Builder(t, minttest.FixedNow()).Build(spec)
	var be *Error
	if !errors.As(err, &be) || be.Field != "Encryption.Certificate" || be.Rule != "D5.1" {
		t.Fatalf("err = %v", err)
	}
}

package samltest_test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"net/url"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/beevik/etree"
	crewsaml "github.com/crewjam/saml"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/internal/mint"
	"github.com/samlaws/samlaws/internal/samltesthelp"
	"github.com/samlaws/samlaws/internal/testkeys"
	"github.com/samlaws/samlaws/metadata"
	"github.com/samlaws/samlaws/saml"
	"github.com/samlaws/samlaws/saml/samltest"
)

// newVerifier returns the project's verifier trusting idp, with replay checks
// off so that one test can verify several responses freely.
func newVerifier(t *testing.T, idp *samltest.IdP, edit ...func(*saml.VerifierConfig)) *saml.Verifier {
	t.Helper()
	cfg := idp.VerifierConfig()
	cfg.SkipReplayCheck = true
	for _, e := range edit {
		e(&cfg)
	}
	v, err := saml.NewVerifier(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestResponseDefaultC2(t *testing.T) {
	t.Parallel()
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return fixedNow }})
	u := samltest.DefaultUser()
	u.SessionDuration = time.Hour
	u.SourceIdentity = "bsimon"
	u.Tags = map[string]string{"Project": "Moon", "CostCenter": "42"}
	u.TransitiveTagKeys = []string{"Project"}
	m := samltesthelp.MustMint(t, idp, u, samltest.ResponseOptions{})

	a, err := newVerifier(t, idp).Verify(context.Background(), m.XML)
	if err != nil {
		t.Fatalf("the project's verifier rejects the default response: %v", err)
	}
	if a.Issuer != idp.EntityID || a.NameID != samltest.DefaultUser().UPN {
		t.Errorf("issuer %q subject %q", a.Issuer, a.NameID)
	}
	if !a.SignedAssertion || a.SignedResponse {
		t.Errorf("signed assertion/response = %v/%v, want Entra's default: assertion only (C3.1)", a.SignedAssertion, a.SignedResponse)
	}
	if a.SignatureAlgorithm != metadata.AlgRSASHA256 {
		t.Errorf("SignatureAlgorithm = %q", a.SignatureAlgorithm)
	}
	want := awsrole.Attributes{
		RoleSessionName:   awsrole.RoleSessionName(samltest.DefaultUser().UPN),
		SessionDuration:   awsrole.SessionDuration(time.Hour),
		SourceIdentity:    "bsimon",
		Tags:              []awsrole.Tag{{Key: "CostCenter", Value: "42"}, {Key: "Project", Value: "Moon"}},
		TransitiveTagKeys: []string{"Project"},
	}
	for _, s := range []string{samltest.DefaultUser().Roles[0], samltest.DefaultUser().Roles[1]} {
		r, err := awsrole.ParseRole(s)
		if err != nil {
			t.Fatal(err)
		}
		want.Roles = append(want.Roles, r)
	}
	if !reflect.DeepEqual(a.Attributes, want) {
		t.Errorf("AWS attributes\n got %+v\nwant %+v", a.Attributes, want)
	}
	// C2.6: the Entra claims come from the user.
	for name, v := range map[string]string{
		mint.ClaimTenantID:     idp.TenantID,
		mint.ClaimObjectID:     samltest.DefaultUser().ObjectID,
		mint.ClaimDisplayName:  "B.Simon",
		mint.ClaimGivenName:    "B",
		mint.ClaimSurname:      "Simon",
		mint.ClaimEmailAddress: samltest.DefaultUser().UPN,
		mint.ClaimName:         samltest.DefaultUser().UPN,
	} {
		if got := a.Claims[name]; len(got) != 1 || got[0] != v {
			t.Errorf("claim %s = %q, want %q", name, got, v)
		}
	}

	// An independent verifier, crewjam/saml, accepts it with the IdP's metadata.
	sp := crewSP(t, idp.Metadata(), idp.Certificate(), idp.ACS)
	ca, err := sp.ParseXMLResponse(m.XML, nil, *mustURL(t, idp.ACS))
	if err != nil {
		t.Fatalf("crewjam/saml rejects the default response: %v", privateErr(err))
	}
	if ca.Subject.NameID.Value != samltest.DefaultUser().UPN {
		t.Errorf("crewjam NameID = %q", ca.Subject.NameID.Value)
	}

	// Base64 form value.
	raw, err := base64.StdEncoding.DecodeString(samltesthelp.MustMint(t, idp, u, samltest.ResponseOptions{}).Base64())
	if err != nil || !bytes.HasPrefix(raw, []byte("<samlp:Response ")) {
		t.Errorf("ResponseBase64 does not decode to a Response: %v", err)
	}
}

// crewSP is a crewjam/saml service provider configured as AWS sign-in is:
// IdP-initiated, entity ID and ACS the given URL, clock fixedNow.
// The metadata's own signature must verify with signer.
func crewSP(t *testing.T, md []byte, signer *x509.Certificate, acs string) *crewsaml.ServiceProvider {
	t.Helper()
	if _, err := verifyMetadata(t, md, signer); err != nil {
		t.Fatalf("metadata signature: %v", err)
	}
	ed := &crewsaml.EntityDescriptor{}
	if err := xml.Unmarshal(md, ed); err != nil {
		t.Fatalf("crewjam cannot parse the metadata: %v", err)
	}
	return &crewsaml.ServiceProvider{
		EntityID:          acs,
		AcsURL:            *mustURL(t, acs),
		IDPMetadata:       ed,
		AllowIDPInitiated: true,
		Clock:             dsig.NewFakeClockAt(fixedNow),
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func privateErr(err error) error {
	if ie, ok := err.(*crewsaml.InvalidResponseError); ok {
		return ie.PrivateErr
	}
	return err
}

// C3.1: the signing options land where Entra puts them.
func TestSigningOptionsC3_1(t *testing.T) {
	t.Parallel()
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return fixedNow }})
	v := newVerifier(t, idp, func(c *saml.VerifierConfig) { c.AllowSHA1 = true })
	for _, tc := range []struct {
		name               string
		opts               samltest.ResponseOptions
		onResponse, onAssn bool
		alg                string
	}{
		{"C3.1/assertion", samltest.ResponseOptions{}, false, true, metadata.AlgRSASHA256},
		{"C3.1/explicit-assertion", samltest.ResponseOptions{Signing: samltest.SignAssertion}, false, true, metadata.AlgRSASHA256},
		{"C3.1/response", samltest.ResponseOptions{Signing: samltest.SignResponse}, true, false, metadata.AlgRSASHA256},
		{"C3.1/both", samltest.ResponseOptions{Signing: samltest.SignBoth}, true, true, metadata.AlgRSASHA256},
		{"C3.1/sha1", samltest.ResponseOptions{SHA1: true}, false, true, metadata.AlgRSASHA1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := samltesthelp.MustMint(t, idp, samltest.DefaultUser(), tc.opts)
			d := etree.NewDocument()
			if err := d.ReadFromBytes(m.XML); err != nil {
				t.Fatal(err)
			}
			onResp := d.Root().SelectElement("Signature") != nil
			onAssn := d.Root().SelectElement("Assertion").SelectElement("Signature") != nil
			if onResp != tc.onResponse || onAssn != tc.onAssn {
				t.Errorf("signature on response/assertion = %v/%v, want %v/%v", onResp, onAssn, tc.onResponse, tc.onAssn)
			}
			a, err := v.Verify(context.Background(), m.XML)
			if err != nil {
				t.Fatalf("verifier rejects: %v", err)
			}
			if a.SignatureAlgorithm != tc.alg {
				t.Errorf("algorithm %q, want %q", a.SignatureAlgorithm, tc.alg)
			}
		})
	}
}

func TestResponseKnobs(t *testing.T) {
	t.Parallel()
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return fixedNow }})
	ctx := context.Background()

	// Audience and Recipient (A1.6, A1.8) with a verifier that expects them.
	m := samltesthelp.MustMint(t, idp, samltest.DefaultUser(),
		samltest.ResponseOptions{Audience: "urn:amazon:webservices", Recipient: "https://eu-west-1.signin.aws.amazon.com/saml"})
	v := newVerifier(t, idp, func(c *saml.VerifierConfig) {
		c.Audiences = []string{"urn:amazon:webservices"}
		c.Recipients = []string{"https://eu-west-1.signin.aws.amazon.com/saml"}
	})
	a, err := v.Verify(ctx, m.XML)
	if err != nil {
		t.Fatalf("A1.6/A1.8: %v", err)
	}
	if a.Recipient != "https://eu-west-1.signin.aws.amazon.com/saml" || a.Audiences[0][0] != "urn:amazon:webservices" {
		t.Errorf("recipient %q audiences %q", a.Recipient, a.Audiences)
	}
	// D1.6: SP-initiated responses carry InResponseTo (AWS itself is IdP-initiated).
	if r := samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{InResponseTo: "_req1"}); bytes.Count(r.XML, []byte(`InResponseTo="_req1"`)) != 2 {
		t.Error("InResponseTo not written on Response and SubjectConfirmationData")
	}
	// The default verifier (AWS audience and recipient) rejects it.
	if _, err := newVerifier(t, idp).Verify(ctx, m.XML); err == nil {
		t.Error("default verifier accepted a response for another audience and recipient")
	}

	// C3.5: encryption to an SP certificate.
	sp := samltest.NewIdP(t, samltest.IdPConfig{KeyIndex: 5}) // borrow a key pair as the SP's
	enc := samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{EncryptFor: sp.Certificate()})
	if !bytes.Contains(enc.XML, []byte("EncryptedAssertion")) || bytes.Contains(enc.XML, []byte(samltest.DefaultUser().UPN)) {
		t.Fatal("C3.5: the assertion is not encrypted")
	}
	dv := newVerifier(t, idp, func(c *saml.VerifierConfig) {
		c.DecryptionKeys = []*rsa.PrivateKey{sp.Signer().(*rsa.PrivateKey)}
	})
	if a, err := dv.Verify(ctx, enc.XML); err != nil || !a.Encrypted || a.NameID != samltest.DefaultUser().UPN {
		t.Errorf("C3.5: decrypting verifier: %v", err)
	}

	// A3.1: role values that do not parse are written verbatim.
	u := samltest.DefaultUser()
	u.Roles = []string{"not-an-arn", samltest.DefaultUser().Roles[0]}
	bad := samltesthelp.MustMint(t, idp, u, samltest.ResponseOptions{})
	if !bytes.Contains(bad.XML, []byte("<AttributeValue>not-an-arn</AttributeValue>")) {
		t.Error("A3.1: an unparsable role value was not written verbatim")
	}
	if _, err := newVerifier(t, idp).Verify(ctx, bad.XML); err == nil {
		t.Error("A3.1: verifier accepted an invalid Role value")
	}
	// A3.4: SessionName overrides the UPN.
	u = samltest.DefaultUser()
	u.SessionName = "bsimon"
	if a, err := newVerifier(t, idp).Verify(ctx, samltesthelp.MustMint(t, idp, u, samltest.ResponseOptions{}).XML); err != nil || a.RoleSessionName != "bsimon" {
		t.Errorf("A3.4: RoleSessionName %q, err %v", a.RoleSessionName, err)
	}
}

// Every tamper knob is rejected by the project's verifier configured to trust
// the IdP (which accepts the untampered response).
func TestTamperKnobsRejected(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range samltest.Knobs() {
		t.Run(tc.Rule+"/"+tc.Name, func(t *testing.T) {
			// Two IdPs in the same state: their output differs only by the option.
			a := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return fixedNow }, Seed: 1})
			b := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return fixedNow }, Seed: 1})
			base := samltesthelp.MustMint(t, a, samltest.DefaultUser(), samltest.ResponseOptions{})
			m := samltesthelp.MustMint(t, b, samltest.DefaultUser(), samltest.ResponseOptions{Tamper: []string{tc.Name}})
			if bytes.Equal(m.XML, base.XML) {
				t.Fatal("the option changed nothing")
			}
			v := newVerifier(t, a)
			if _, err := v.Verify(ctx, base.XML); err != nil {
				t.Fatalf("baseline rejected: %v", err)
			}
			if _, err := v.Verify(ctx, m.XML); err == nil {
				t.Errorf("verifier accepted the %s response", tc.Name)
			}
		})
	}
}

func TestOtherKeyKnobSignsWithAnotherKey(t *testing.T) {
	t.Parallel()
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return fixedNow }})
	m := samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{Tamper: []string{"other-key"}})
	// KeyInfo still names the IdP's certificate (D4.6: KeyInfo never chooses trust)...
	if signingCert(t, m.XML) != b64(idp.Certificate()) {
		t.Error("KeyInfo does not carry the IdP's certificate")
	}
	// ...but the signature verifies with another key: the last of the pool,
	// whose certificate an IdP with that key index publishes.
	otherIdP := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return fixedNow }, TenantID: idp.TenantID, KeyIndex: testkeys.PoolSize - 1})
	cfg := otherIdP.VerifierConfig()
	cfg.SkipReplayCheck = true
	v, err := saml.NewVerifier(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(context.Background(), m.XML); err != nil {
		t.Errorf("a verifier trusting the other certificate rejects: %v", err)
	}
}

func TestDefaultUserIsValidForAWS(t *testing.T) {
	t.Parallel()
	u := samltest.DefaultUser()
	m := map[string][]string{
		awsrole.AttrRole:            u.Roles,
		awsrole.AttrRoleSessionName: {u.UPN},
	}
	if _, err := awsrole.ParseAttributes(m); err != nil {
		t.Errorf("DefaultUser's AWS attributes are invalid: %v", err)
	}
	u.Roles = append(u.Roles, "x")
	if slices.Equal(u.Roles, samltest.DefaultUser().Roles) {
		t.Error("DefaultUser shares its Roles slice between calls")
	}
}

// The project's verifier passes the conformance suite.
func TestRunConformanceWithSAMLVerifier(t *testing.T) {
	t.Parallel()
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return fixedNow }})
	v := newVerifier(t, idp)
	samltest.RunConformance(t, idp, func(ctx context.Context, xml []byte) error {
		_, err := v.Verify(ctx, xml)
		return err
	})
}

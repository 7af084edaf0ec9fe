package samltest_test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"
	crewsaml "github.com/crewjam/saml"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/awsendpoint"
	"github.com/samlaws/samlaws/internal/samltesthelp"
	"github.com/samlaws/samlaws/internal/testkeys"
	"github.com/samlaws/samlaws/saml"
	"github.com/samlaws/samlaws/saml/samltest"
)

// fixedNow is the clock of the deterministic tests.
var fixedNow = time.Date(2026, 11, 28, 13, 0, 0, 0, time.UTC)

const (
	nsMD   = "urn:oasis:names:tc:SAML:2.0:metadata"
	nsDS   = "http://www.w3.org/2000/09/xmldsig#"
	nsSAML = "urn:oasis:names:tc:SAML:2.0:assertion"
)

var guidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestNewIdPDefaults(t *testing.T) {
	t.Parallel()
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return fixedNow }})
	if !guidRE.MatchString(idp.TenantID) {
		t.Errorf("TenantID = %q, want a lower-case v4 GUID", idp.TenantID)
	}
	if !guidRE.MatchString(idp.AppID) || idp.AppID == idp.TenantID {
		t.Errorf("AppID = %q (tenant %q), want a distinct GUID", idp.AppID, idp.TenantID)
	}
	// C1.4/C2.2: entityID and Issuer are https://sts.windows.net/<tenant>/ with the slash.
	if want := "https://sts.windows.net/" + idp.TenantID + "/"; idp.EntityID != want {
		t.Errorf("EntityID = %q, want %q", idp.EntityID, want)
	}
	if idp.ACS != awsendpoint.GlobalSignIn || idp.Audience != awsendpoint.GlobalSignIn {
		t.Errorf("ACS, Audience = %q, %q; want the AWS sign-in URL (C2.1)", idp.ACS, idp.Audience)
	}
	if idp.User.UPN != samltest.DefaultUser().UPN || len(idp.User.Roles) != 2 {
		t.Errorf("User = %+v, want B.Simon with two roles", idp.User)
	}
	if got := samltesthelp.MustMint(t, idp, idp.User, samltest.ResponseOptions{}).ResponseID; !strings.HasPrefix(got, "_") || !guidRE.MatchString(got[1:]) {
		t.Errorf("ResponseID = %q, want _<guid> (D1.3)", got)
	}
}

// C3.2: the certificate looks like the one Entra generates.
func TestCertificateC3_2(t *testing.T) {
	t.Parallel()
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return fixedNow }})
	c := idp.Certificate()
	if c.Subject.CommonName != "Microsoft Azure Federated SSO Certificate" || c.Issuer.CommonName != "Microsoft Azure Federated SSO Certificate" {
		t.Errorf("subject/issuer = %q/%q", c.Subject, c.Issuer)
	}
	// Self-signed: like Entra's, the certificate is no CA (no basicConstraints),
	// so check the signature itself rather than CheckSignatureFrom.
	if err := c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature); err != nil {
		t.Errorf("not self-signed: %v", err)
	}
	if c.SignatureAlgorithm != x509.SHA256WithRSA {
		t.Errorf("SignatureAlgorithm = %v", c.SignatureAlgorithm)
	}
	pub, ok := c.PublicKey.(*rsa.PublicKey)
	if !ok || pub.N.BitLen() != 2048 {
		t.Fatalf("public key %T, want RSA-2048", c.PublicKey)
	}
	if !pub.Equal(idp.Signer().Public()) {
		t.Error("certificate does not match Signer")
	}
	if want := fixedNow.Add(-(24 * time.Hour)); !c.NotBefore.Equal(want) {
		t.Errorf("NotBefore = %v, want %v (back-dated)", c.NotBefore, want)
	}
	if got := c.NotAfter.Sub(c.NotBefore); got != (3 * 365 * 24 * time.Hour) {
		t.Errorf("validity = %v, want %v (C3.2: three years)", got, (3 * 365 * 24 * time.Hour))
	}
	// A5.4: no repeated extensions; Entra's certificates have none at all.
	if len(c.Extensions) != 0 {
		t.Errorf("certificate has %d extensions, Entra's have none", len(c.Extensions))
	}
	if c.SerialNumber.Sign() <= 0 || len(c.SerialNumber.Bytes()) != 16 {
		t.Errorf("serial %x, want 16 positive bytes like Entra's", c.SerialNumber)
	}
	// The key is RSA, so that its documented PKCS#8 PEM form exists.
	if _, ok := idp.Signer().(*rsa.PrivateKey); !ok {
		t.Errorf("Signer is a %T, want *rsa.PrivateKey", idp.Signer())
	}
}

func TestKeyIndexGivesDistinctKeys(t *testing.T) {
	t.Parallel()
	a := samltest.NewIdP(t, samltest.IdPConfig{})
	b := samltest.NewIdP(t, samltest.IdPConfig{})
	c := samltest.NewIdP(t, samltest.IdPConfig{KeyIndex: 3, TenantID: a.TenantID})
	if !a.Signer().Public().(*rsa.PublicKey).Equal(b.Signer().Public()) {
		t.Error("two default IdPs should share key 0 (documented, like httptest)")
	}
	if a.Signer().Public().(*rsa.PublicKey).Equal(c.Signer().Public()) {
		t.Error("WithKeyIndex(3) signs with the same key as the default IdP")
	}
	other, otherCert := a.OtherSigner()
	if other.Public().(*rsa.PublicKey).Equal(a.Signer().Public()) {
		t.Error("OtherSigner is the IdP's own key")
	}
	if otherCert.Subject.CommonName != "Microsoft Azure Federated SSO Certificate" {
		t.Errorf("OtherSigner certificate CN = %q", otherCert.Subject.CommonName)
	}
	// A response from IdP c does not verify against IdP a's trust (D4.6).
	v, err := saml.NewVerifier(a.VerifierConfig())
	if err != nil {
		t.Fatal(err)
	}
	// c has a's tenant, so only the key differs.
	if _, err := v.Verify(context.Background(), samltesthelp.MustMint(t, c, samltest.DefaultUser(), samltest.ResponseOptions{}).XML); err == nil {
		t.Error("a verifier trusting IdP a accepted a response signed by IdP c's key")
	}
	if _, err := v.Verify(context.Background(), samltesthelp.MustMint(t, a, samltest.DefaultUser(), samltest.ResponseOptions{}).XML); err != nil {
		t.Errorf("a verifier trusting IdP a rejected a's own response: %v", err)
	}
}

// nextCertificate returns the published certificate that does not sign yet,
// found as IdP.Certificates documents it, or nil.
func nextCertificate(idp *samltest.IdP) *x509.Certificate {
	all := idp.Certificates()
	if last := all[len(all)-1]; !last.Equal(idp.Certificate()) {
		return last
	}
	return nil
}

func mustPEM(t *testing.T, data []byte, typ string) []byte {
	t.Helper()
	s := string(data)
	begin, end := "-----BEGIN "+typ+"-----\n", "-----END "+typ+"-----\n"
	if !strings.HasPrefix(s, begin) || !strings.HasSuffix(s, end) {
		t.Fatalf("not a single %s PEM block", typ)
	}
	der, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(s[len(begin):len(s)-len(end)], "\n", ""))
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// verifyMetadata checks the metadata's enveloped signature with goxmldsig
// against cert only, and returns the verified root.
func verifyMetadata(t *testing.T, md []byte, cert *x509.Certificate) (*etree.Element, error) {
	t.Helper()
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(md); err != nil {
		t.Fatalf("metadata is not XML: %v", err)
	}
	ctx := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{cert}})
	ctx.Clock = dsig.NewFakeClockAt(fixedNow)
	return ctx.Validate(doc.Root())
}

// C1.4: shape of Entra metadata, checked element by element against a real
// app-specific document.
func TestMetadataShapeC1_4(t *testing.T) {
	t.Parallel()
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return fixedNow }})
	md := idp.Metadata()
	// A5.4 / C1.3: no BOM, XML declaration first.
	if !bytes.HasPrefix(md, []byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n<EntityDescriptor ")) {
		t.Fatalf("metadata starts %q", md[:min(len(md), 60)])
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(md); err != nil {
		t.Fatal(err)
	}
	root := doc.Root()
	if root.NamespaceURI() != nsMD || root.Tag != "EntityDescriptor" {
		t.Fatalf("root %s:%s", root.NamespaceURI(), root.Tag)
	}
	if got := root.SelectAttrValue("entityID", ""); got != idp.EntityID {
		t.Errorf("entityID = %q", got)
	}
	if id := root.SelectAttrValue("ID", ""); !strings.HasPrefix(id, "_") || !guidRE.MatchString(id[1:]) {
		t.Errorf("ID = %q, want _<guid>", id)
	}
	first := root.ChildElements()[0]
	if first.Tag != "Signature" || first.NamespaceURI() != nsDS || first.Space != "" {
		t.Errorf("first child %s:%s (prefix %q), want a default-namespace ds:Signature", first.NamespaceURI(), first.Tag, first.Space)
	}

	// The element structure equals real Entra app metadata with one certificate.
	realMD, err := os.ReadFile("testdata/entra-app-61318f71.xml")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := shape(t, md), shape(t, realMD); got != want {
		gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Errorf("shape differs from real Entra metadata at element %d:\n got: %s\nwant: %s", i, gl[i], wl[i])
				break
			}
		}
		if len(gl) != len(wl) {
			t.Errorf("shape has %d elements, real Entra metadata %d", len(gl), len(wl))
		}
	}

	// Endpoints (C1.4).
	sso := "https://login.microsoftonline.com/" + idp.TenantID + "/saml2"
	for _, p := range []string{"//IDPSSODescriptor/SingleSignOnService", "//IDPSSODescriptor/SingleLogoutService"} {
		for _, e := range root.FindElements(p) {
			if loc := e.SelectAttrValue("Location", ""); loc != sso {
				t.Errorf("%s Location = %q, want %q", p, loc, sso)
			}
		}
	}
	if n := len(root.FindElements("//IDPSSODescriptor/SingleSignOnService")); n != 2 {
		t.Errorf("%d SingleSignOnService, want Redirect and POST", n)
	}
	wsfed := "https://login.microsoftonline.com/" + idp.TenantID + "/wsfed"
	for _, e := range root.FindElements("//RoleDescriptor//PassiveRequestorEndpoint//Address") {
		if e.Text() != wsfed {
			t.Errorf("PassiveRequestorEndpoint = %q, want %q", e.Text(), wsfed)
		}
	}
	types := []string{}
	for _, rd := range root.SelectElements("RoleDescriptor") {
		types = append(types, rd.SelectAttrValue("xsi:type", ""))
	}
	if strings.Join(types, ",") != "fed:SecurityTokenServiceType,fed:ApplicationServiceType" {
		t.Errorf("RoleDescriptor types = %v", types)
	}

	// The signature verifies with the IdP's certificate (and only with it).
	if _, err := verifyMetadata(t, md, idp.Certificate()); err != nil {
		t.Errorf("metadata signature does not verify: %v", err)
	}
	_, other := idp.OtherSigner()
	if _, err := verifyMetadata(t, md, other); err == nil {
		t.Error("metadata verified with an unrelated certificate")
	}
	tampered := bytes.Replace(md, []byte("/saml2\""), []byte("/saml3\""), 1)
	if _, err := verifyMetadata(t, tampered, idp.Certificate()); err == nil {
		t.Error("tampered metadata verified")
	}

	// crewjam/saml reads it as IdP metadata with the signing certificate.
	var ed crewsaml.EntityDescriptor
	if err := xml.Unmarshal(md, &ed); err != nil {
		t.Fatalf("crewjam cannot parse the metadata: %v", err)
	}
	if len(ed.IDPSSODescriptors) != 1 || len(ed.IDPSSODescriptors[0].KeyDescriptors) != 1 {
		t.Fatalf("crewjam sees %d IDPSSODescriptors", len(ed.IDPSSODescriptors))
	}
	kd := ed.IDPSSODescriptors[0].KeyDescriptors[0]
	if kd.Use != "signing" || kd.KeyInfo.X509Data.X509Certificates[0].Data != base64.StdEncoding.EncodeToString(idp.Certificate().Raw) {
		t.Errorf("KeyDescriptor use=%q does not carry the certificate", kd.Use)
	}
}

// shape summarises a metadata document's element structure: every element's
// depth, namespace and name, and its attribute names, in document order; the
// text and attribute values (IDs, certificates, tenant) are left out.
func shape(t *testing.T, doc []byte) string {
	t.Helper()
	d := etree.NewDocument()
	if err := d.ReadFromBytes(bytes.TrimPrefix(doc, []byte("\xEF\xBB\xBF"))); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var walk func(e *etree.Element, depth int)
	walk = func(e *etree.Element, depth int) {
		b.WriteString(strings.Repeat(".", depth) + "{" + e.NamespaceURI() + "}" + e.Tag)
		for _, a := range e.Attr {
			b.WriteString(" @" + a.FullKey())
		}
		b.WriteString("\n")
		for _, c := range e.ChildElements() {
			walk(c, depth+1)
		}
	}
	walk(d.Root(), 0)
	return b.String()
}

// C1.5, C3.2, C3.4: rollover publishes the next certificate beside the current
// one, then switches the signer, then retires the old certificate.
func TestRolloverC3_4(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return fixedNow }})
	old := idp.Certificate()
	if nextCertificate(idp) != nil {
		t.Fatal("a new IdP has a next certificate")
	}
	if n := countKeyDescriptors(t, idp.Metadata()); n != 3 {
		t.Fatalf("%d KeyDescriptors before rollover, want 3 (one per role)", n)
	}
	vOld, err := saml.NewVerifier(idp.VerifierConfig()) // trusts the old metadata only
	if err != nil {
		t.Fatal(err)
	}

	next := idp.AddNextCertificate()
	if next.Equal(old) || next.PublicKey.(*rsa.PublicKey).Equal(old.PublicKey) {
		t.Fatal("next certificate reuses the old key")
	}
	if !nextCertificate(idp).Equal(next) || !idp.Certificate().Equal(old) {
		t.Fatal("adding a next certificate changed the signer")
	}
	md := idp.Metadata()
	if got := certsIn(t, md); len(got) != 6 || got[0] != b64(old) || got[1] != b64(next) {
		t.Fatalf("metadata KeyDescriptors = %d, want old and next in each of the 3 roles", len(got))
	}
	if _, err := verifyMetadata(t, md, old); err != nil {
		t.Errorf("metadata during rollover is not signed by the active certificate: %v", err)
	}
	r1 := samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{})
	if got := signingCert(t, r1.XML); got != b64(old) {
		t.Error("before activation the response is not signed by the old certificate")
	}
	vBoth, err := saml.NewVerifier(idp.VerifierConfig()) // trusts the rollover metadata
	if err != nil {
		t.Fatal(err)
	}

	idp.ActivateNextCertificate()
	if !idp.Certificate().Equal(next) || nextCertificate(idp) != nil {
		t.Fatal("ActivateNextCertificate did not switch the signer")
	}
	r2 := samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{})
	if got := signingCert(t, r2.XML); got != b64(next) {
		t.Error("after activation the response is not signed by the next certificate")
	}
	if _, err := vBoth.Verify(ctx, r2.XML); err != nil {
		t.Errorf("verifier with both certificates rejects the new signer: %v", err)
	}
	// A5.1: AWS with stale metadata says "Response signature invalid".
	if _, err := vOld.Verify(ctx, r2.XML); err == nil {
		t.Error("verifier with only the old certificate accepted the new signer")
	}
	md2 := idp.Metadata()
	if got := certsIn(t, md2); len(got) != 6 {
		t.Errorf("after activation metadata lists %d KeyDescriptors, want both certificates still", len(got))
	}
	if _, err := verifyMetadata(t, md2, next); err != nil {
		t.Errorf("metadata not re-signed by the new certificate: %v", err)
	}

	idp.RemoveInactiveCertificates()
	if got := certsIn(t, idp.Metadata()); len(got) != 3 || got[0] != b64(next) {
		t.Errorf("after removal metadata lists %d KeyDescriptors", len(got))
	}
}

func TestWithNextCertificate(t *testing.T) {
	t.Parallel()
	idp := samltest.NewIdP(t, samltest.IdPConfig{NextCertificate: true})
	if len(idp.Certificates()) != 2 || nextCertificate(idp) == nil {
		t.Fatalf("WithNextCertificate: %d certificates", len(idp.Certificates()))
	}
	if !idp.Certificates()[0].Equal(idp.Certificate()) {
		t.Error("the first published certificate should be the active one")
	}
}

func b64(c *x509.Certificate) string { return base64.StdEncoding.EncodeToString(c.Raw) }

func certsIn(t *testing.T, md []byte) []string {
	t.Helper()
	d := etree.NewDocument()
	if err := d.ReadFromBytes(md); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, rd := range d.Root().ChildElements() {
		for _, kd := range rd.SelectElements("KeyDescriptor") {
			if kd.SelectAttrValue("use", "") != "signing" {
				t.Errorf("KeyDescriptor use=%q", kd.SelectAttrValue("use", ""))
			}
			out = append(out, kd.FindElement(".//X509Certificate").Text())
		}
	}
	return out
}

func countKeyDescriptors(t *testing.T, md []byte) int { return len(certsIn(t, md)) }

// signingCert returns the KeyInfo certificate of the first signature in a response.
func signingCert(t *testing.T, xml []byte) string {
	t.Helper()
	d := etree.NewDocument()
	if err := d.ReadFromBytes(xml); err != nil {
		t.Fatal(err)
	}
	e := d.FindElement("//Signature/KeyInfo/X509Data/X509Certificate")
	if e == nil {
		t.Fatal("no signature KeyInfo certificate")
	}
	return e.Text()
}

func TestDeterministicOutput(t *testing.T) {
	t.Parallel()
	mk := func(seed uint64) (*samltest.IdP, []byte, []byte) {
		idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return fixedNow }, Seed: seed})
		md := idp.Metadata()
		return idp, md, samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{}).XML
	}
	a, mdA, rA := mk(7)
	b, mdB, rB := mk(7)
	c, mdC, rC := mk(8)
	if a.TenantID != b.TenantID || !bytes.Equal(mdA, mdB) || !bytes.Equal(rA, rB) {
		t.Error("same clock and seed gave different output")
	}
	if a.TenantID == c.TenantID || bytes.Equal(mdA, mdC) || bytes.Equal(rA, rC) {
		t.Error("different seeds gave the same output")
	}
}

func TestClockInjection(t *testing.T) {
	t.Parallel()
	now := fixedNow
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return now }})
	m1 := samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{})
	now = now.Add(time.Hour)
	m2 := samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{})
	if !m1.IssueInstant.Equal(fixedNow) || !m2.IssueInstant.Equal(fixedNow.Add(time.Hour)) {
		t.Errorf("IssueInstants %v, %v do not follow the injected clock", m1.IssueInstant, m2.IssueInstant)
	}
}

func TestUseAfterCleanupIsReported(t *testing.T) {
	t.Parallel()
	var idp *samltest.IdP
	ft := &recordingTB{TB: t}
	t.Run("inner", func(t *testing.T) {
		ft.TB = t
		idp = samltest.NewIdP(ft, samltest.IdPConfig{})
	})
	ft.TB = t
	for i := len(ft.cleanups) - 1; i >= 0; i-- {
		ft.cleanups[i]()
	}
	if md := idp.Metadata(); md != nil || ft.errors == 0 {
		t.Errorf("metadata after cleanup: %d bytes, %d errors reported; want nil and an error", len(md), ft.errors)
	}
}

// recordingTB records cleanups and errors instead of acting on them.
type recordingTB struct {
	testing.TB
	cleanups []func()
	errors   int
}

func (r *recordingTB) Helper()                        {}
func (r *recordingTB) Cleanup(f func())               { r.cleanups = append(r.cleanups, f) }
func (r *recordingTB) Errorf(format string, a ...any) { r.errors++ }

// The IdP is safe for concurrent use (run with -race): responses, metadata
// and a rollover at once.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return fixedNow }, Seed: 3})
	next := idp.AddNextCertificate()
	cfg := idp.VerifierConfig()
	cfg.SkipReplayCheck = true
	verifier, err := saml.NewVerifier(cfg)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 16)
	for i := range 16 {
		go func() {
			var err error
			switch i % 4 {
			case 0:
				_, err = verifier.Verify(context.Background(), samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{}).XML)
			case 1:
				if len(idp.Metadata()) == 0 {
					err = errEmpty
				}
			case 2:
				_ = idp.Certificates()
			case 3:
				if i == 3 {
					idp.ActivateNextCertificate()
				}
			}
			done <- err
		}()
	}
	for range 16 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
	if !idp.Certificate().Equal(next) {
		t.Error("rollover lost")
	}
}

var errEmpty = errors.New("empty metadata")

// The built-in pool holds testkeys.PoolSize distinct RSA-2048 keys; indexes wrap.
func TestKeyPool(t *testing.T) {
	t.Parallel()
	seen := map[string]int{}
	for i := range testkeys.PoolSize {
		k := samltest.NewIdP(t, samltest.IdPConfig{KeyIndex: i}).Signer().(*rsa.PrivateKey)
		if k.N.BitLen() != 2048 {
			t.Errorf("key %d has %d bits", i, k.N.BitLen())
		}
		if err := k.Validate(); err != nil {
			t.Errorf("key %d: %v", i, err)
		}
		if j, dup := seen[k.N.String()]; dup {
			t.Errorf("keys %d and %d are the same", j, i)
		}
		seen[k.N.String()] = i
	}
	last := samltest.NewIdP(t, samltest.IdPConfig{KeyIndex: testkeys.PoolSize - 1}).Signer().(*rsa.PrivateKey)
	for _, i := range []int{-1, 2*testkeys.PoolSize - 1} {
		if k := samltest.NewIdP(t, samltest.IdPConfig{KeyIndex: i}).Signer().(*rsa.PrivateKey); !k.Equal(last) {
			t.Errorf("WithKeyIndex(%d) does not wrap to the last key", i)
		}
	}
}

func TestWithRand(t *testing.T) {
	t.Parallel()
	stream := func() *bytes.Reader { return bytes.NewReader(bytes.Repeat([]byte{0xAB}, 4096)) }
	a := samltest.NewIdP(t, samltest.IdPConfig{Rand: stream()})
	b := samltest.NewIdP(t, samltest.IdPConfig{Rand: stream()})
	if a.TenantID != b.TenantID || a.TenantID != "abababab-abab-4bab-abab-abababababab" {
		t.Errorf("tenants %q, %q do not come from the given stream", a.TenantID, b.TenantID)
	}
}

func TestWithUserAndSpec(t *testing.T) {
	t.Parallel()
	alice := samltest.User{UPN: "alice@contoso.com", Roles: []string{samltest.DefaultUser().Roles[1]}}
	srv := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return fixedNow }, User: &alice}).Serve()
	_, page := get(t, srv.SSOURL)
	_, vals := parseForm(t, page)
	raw, _ := base64.StdEncoding.DecodeString(vals.Get("SAMLResponse"))
	v := newVerifier(t, srv.IdP)
	a, err := v.Verify(context.Background(), raw)
	if err != nil || a.NameID != "alice@contoso.com" || len(a.Roles) != 1 {
		t.Fatalf("WithUser: %v, %+v", err, a)
	}
	// The NameID options reach the Subject (C2.4).
	m := samltesthelp.MustMint(t, srv.IdP, alice, samltest.ResponseOptions{NameID: "00u1-persistent", NameIDFormat: federation.NameIDFormatPersistent})
	a, err = v.Verify(context.Background(), m.XML)
	if err != nil || a.NameID != "00u1-persistent" || a.NameIDFormat != federation.NameIDFormatPersistent {
		t.Errorf("NameID options: %v, subject %+v", err, a.NameID)
	}
}

package metadata

import (
	"bytes"
	"crypto/x509"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samlaws/samlaws/internal/dsigalg"
)

// Signer thumbprints were computed with openssl from each document's
// Signature/KeyInfo certificate; xmlsec1 verified the same documents
// (SOURCES.md).
// reformattedPin is the SHA-1 of entra-app-a15b04fc-reformatted.xml's signing certificate.
const reformattedPin = "BEF6EE4FA1BB603AD3E04AC38987EBA36E6F1DF8"

var realSigned = []struct {
	file      string
	signer    string // SHA-1, colon form as openssl prints it
	notAfter  string
	allowSHA1 bool
}{
	{"entra-tenant-8b966979.xml", "FD:48:2A:5C:6F:ED:30:B7:6E:48:9D:53:F1:C6:87:C5:4E:DC:3A:D7", "2019-01-04", false},
	{"entra-common-tenantid.xml", "B0:CD:7F:C8:0C:55:F0:65:78:C8:DF:81:EA:3D:B1:CE:68:A4:E4:0A", "2031-01-25", false},
	{"entra-app-61318f71.xml", "C1:47:B5:D6:E9:F6:E4:49:27:F1:14:B4:D1:7C:18:67:41:30:00:7F", "2025-11-10", false},
	{"adfs-maybank.xml", "86:7F:81:B5:DC:18:B3:9A:A7:7E:9F:69:08:26:F3:70:E4:5C:C5:9D", "2022-05-08", false},
	{"adfs-dtu-ait.xml", "68:8D:36:67:0A:35:E9:88:12:8D:FC:C7:DE:99:43:1D:80:FC:8B:0B", "2029-08-26", false},
	{"okta-wsfed-dev-11721018.xml", "30:6B:D7:3C:9A:13:4B:89:4E:25:52:1E:FB:BD:55:47:D6:AE:6E:DD", "2032-02-21", true},
	{"spid-idps-aggregate.xml", "B4:7C:59:37:B0:64:5E:23:B0:A0:BD:83:A8:4E:01:F5:3D:61:7B:F5", "2040-02-17", false},
}

func TestVerifyRealFixtures(t *testing.T) {
	for _, tc := range realSigned {
		t.Run("D4_"+tc.file, func(t *testing.T) {
			d := mustParse(t, readFixture(t, tc.file))
			res, err := d.Verify(VerifyOptions{Thumbprints: []string{tc.signer}, AllowSHA1: tc.allowSHA1, Now: func() time.Time { return fixtureNow }})
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if !res.Present || !res.Valid || !res.Trusted || res.Signer == nil || !res.Signer.Matches(tc.signer) {
				t.Fatalf("result = %+v", res)
			}
			if got := res.Signer.NotAfter.Format("2006-01-02"); got != tc.notAfter {
				t.Errorf("signer NotAfter = %s, want %s", got, tc.notAfter)
			}
			if res.SignerExpired != fixtureNow.After(res.Signer.NotAfter) {
				t.Errorf("SignerExpired = %v", res.SignerExpired)
			}
			// Pinning the certificate itself works too.
			if _, err := d.Verify(VerifyOptions{Certificates: []*x509.Certificate{res.Signer.X509}, AllowSHA1: tc.allowSHA1}); err != nil {
				t.Errorf("Verify with pinned certificate: %v", err)
			}
			// TOFU facts without pins.
			ins := d.InspectSignature(VerifyOptions{AllowSHA1: tc.allowSHA1})
			if !ins.Valid || ins.Trusted || ins.Signer.SHA256 != res.Signer.SHA256 {
				t.Errorf("InspectSignature = %+v", ins)
			}
		})
	}
}

func TestVerifyRejects(t *testing.T) {
	tenant := readFixture(t, "entra-tenant-8b966979.xml")
	tenantPin := realSigned[0].signer
	app := readFixture(t, "entra-app-61318f71.xml")
	appPin := realSigned[2].signer
	other := newTestKey(t, 2048, "attacker", fixtureNow.Add(-time.Hour), fixtureNow.Add(time.Hour))

	// Swap the KeyInfo certificate for the tenant's second published certificate.
	td := mustParse(t, tenant)
	sigCert := td.signature().Certificates[0]
	var second []byte
	for _, c := range td.Certificates() {
		if !bytes.Equal(c.DER, sigCert) {
			second = c.DER
			break
		}
	}
	b64 := func(b []byte) []byte { return []byte(encodeB64(b)) }

	tests := []struct {
		name  string
		doc   []byte
		opts  VerifyOptions
		valid bool // expected res.Valid
	}{
		{"D4_real_tamper_edited", readFixture(t, "entra-app-61318f71-edited.xml"), VerifyOptions{Thumbprints: []string{appPin}}, false},
		{"D4_real_tamper_reformatted", readFixture(t, "entra-app-a15b04fc-reformatted.xml"), VerifyOptions{Thumbprints: []string{reformattedPin}}, false},
		{"D4_tamper_sso_location", bytes.Replace(tenant, []byte("/saml2\""), []byte("/evil\""), 1), VerifyOptions{Thumbprints: []string{tenantPin}}, false},
		{"D4_tamper_entityID", bytes.Replace(app, []byte(`entityID="https://sts.windows.net/61318f71`), []byte(`entityID="https://sts.windows.net/61318f72`), 1), VerifyOptions{Thumbprints: []string{appPin}}, false},
		{"D4_tamper_added_cert", bytes.Replace(app, []byte(`<KeyDescriptor use="signing">`), []byte(`<KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>`+encodeB64(other.cert.Raw)+`</X509Certificate></X509Data></KeyInfo></KeyDescriptor><KeyDescriptor use="signing">`), 1), VerifyOptions{Thumbprints: []string{appPin}}, false},
		{"D4.6_wrong_pin", app, VerifyOptions{Certificates: []*x509.Certificate{other.cert}}, true},
		{"D4.6_keyinfo_swapped", bytes.Replace(tenant, b64(sigCert), b64(second), 1), VerifyOptions{Thumbprints: []string{tenantPin}}, false},
		{"A5.3_sha1_not_allowed", readFixture(t, "okta-wsfed-dev-11721018.xml"), VerifyOptions{Thumbprints: []string{realSigned[5].signer}}, false},
		{"D4.2_empty_uri_on_entity", bytes.Replace(app, []byte(`<Reference URI="#_5c47c410-5c35-4933-b7df-63bb1831d106">`), []byte(`<Reference URI="">`), 1), VerifyOptions{Thumbprints: []string{appPin}}, false},
		{"D4.2_two_references", bytes.Replace(app, []byte(`</Reference>`), []byte(`</Reference><Reference URI="#x"><DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/></Reference>`), 1), VerifyOptions{Thumbprints: []string{appPin}}, false},
		{"D4.3_extra_transform", bytes.Replace(app, []byte(`<Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>`), []byte(`<Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"/><Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>`), 1), VerifyOptions{Thumbprints: []string{appPin}}, false},
		{"D4.2_unsigned", readFixture(t, "google-workspace-C019px6f1.xml"), VerifyOptions{Thumbprints: []string{appPin}}, false},
		{"D4.2_wrapped_nested_signature", bytes.Replace(app, []byte(`<IDPSSODescriptor`), []byte(`<Extensions><Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo><Reference URI="#_5c47c410-5c35-4933-b7df-63bb1831d106"/></SignedInfo></Signature></Extensions><IDPSSODescriptor`), 1), VerifyOptions{Thumbprints: []string{appPin}}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Parse(tc.doc, Limits{})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			res, err := d.Verify(tc.opts)
			if !errors.Is(err, ErrSignature) {
				t.Fatalf("Verify err = %v, want ErrSignature", err)
			}
			if res == nil || res.Trusted || res.Problem == "" || res.Valid != tc.valid {
				t.Fatalf("result = %+v", res)
			}
		})
	}
}

func TestVerifyWrongPinKeepsFacts(t *testing.T) {
	d := mustParse(t, readFixture(t, "entra-app-61318f71.xml"))
	other := newTestKey(t, 2048, "other", fixtureNow.Add(-time.Hour), fixtureNow.Add(time.Hour))
	res, err := d.Verify(VerifyOptions{Certificates: []*x509.Certificate{other.cert}})
	if !errors.Is(err, ErrSignature) || !res.Valid || res.Trusted || !res.Signer.Matches(realSigned[2].signer) {
		t.Fatalf("res=%+v err=%v", res, err)
	}
}

func TestVerifyOptionsErrors(t *testing.T) {
	d := mustParse(t, readFixture(t, "entra-app-61318f71.xml"))
	if _, err := d.Verify(VerifyOptions{}); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("no pins: %v", err)
	}
	if _, err := d.Verify(VerifyOptions{Thumbprints: []string{"abc"}}); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("bad thumbprint: %v", err)
	}
	// SHA-256 thumbprint pins work, in any case and with separators.
	sha256 := strings.ToLower(d.InspectSignature(VerifyOptions{}).Signer.SHA256)
	if _, err := d.Verify(VerifyOptions{Thumbprints: []string{sha256}}); err != nil {
		t.Errorf("sha256 pin: %v", err)
	}
}

func TestVerifyGeneratedSigned(t *testing.T) {
	k := newTestKey(t, 2048, "idp", fixtureNow.Add(-time.Hour), fixtureNow.Add(365*24*time.Hour))
	next := newTestKey(t, 2048, "idp-next", fixtureNow.Add(-time.Hour), fixtureNow.Add(3*365*24*time.Hour))
	opts := entraIDPOptions("00000000-0000-0000-0000-000000000001", k.cert, next.cert)
	opts.ID = "_generated"
	opts.SigningKey = k.key
	opts.SigningKeyCertificate = k.cert
	out, err := NewIDPMetadata(opts)
	if err != nil {
		t.Fatal(err)
	}
	d := mustParse(t, out)
	if _, err := d.Verify(VerifyOptions{Certificates: []*x509.Certificate{k.cert}, Now: func() time.Time { return fixtureNow }}); err != nil {
		t.Fatalf("generated signed metadata does not verify: %v", err)
	}
	if _, err := d.Verify(VerifyOptions{Certificates: []*x509.Certificate{next.cert}}); !errors.Is(err, ErrSignature) {
		t.Fatalf("verified with the wrong pin: %v", err)
	}
	bad := mustParse(t, bytes.Replace(out, []byte("/saml2"), []byte("/saml3"), 1))
	if _, err := bad.Verify(VerifyOptions{Certificates: []*x509.Certificate{k.cert}}); !errors.Is(err, ErrSignature) {
		t.Fatalf("tampered generated metadata verified: %v", err)
	}
	if !bytes.HasPrefix(bytes.TrimSpace(out[bytes.Index(out, []byte("<md:EntityDescriptor")):]), []byte("<md:EntityDescriptor")) || bytes.Index(out, []byte("Signature")) > bytes.Index(out, []byte("IDPSSODescriptor")) {
		t.Error("Signature must be the first child")
	}
}

// TestInspectSignatureReportsProfile: the SignedInfo facts that the
// unexported parse of ds:Signature holds reach SignatureResult (D4.3, D4.4):
// Entra signs its tenant metadata with exclusive c14n and the
// enveloped-signature and exclusive c14n transforms.
func TestInspectSignatureReportsProfile(t *testing.T) {
	d := mustParse(t, readFixture(t, "entra-tenant-8b966979.xml"))
	if !d.Entity.Signed {
		t.Fatal("Signed = false for Entra's signed tenant metadata")
	}
	res := d.InspectSignature(VerifyOptions{Now: func() time.Time { return fixtureNow }})
	if res.CanonicalizationMethod != dsigalg.ExcC14N || !slices.Equal(res.Transforms, []string{dsigalg.Enveloped, dsigalg.ExcC14N}) ||
		res.SignatureMethod != AlgRSASHA256 || res.DigestMethod != AlgDigestSHA256 {
		t.Errorf("InspectSignature = c14n %q transforms %q method %q digest %q", res.CanonicalizationMethod, res.Transforms, res.SignatureMethod, res.DigestMethod)
	}
	unsigned := mustParse(t, []byte(`<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>`))
	if unsigned.Entity.Signed {
		t.Error("Signed = true for an unsigned entity")
	}
}

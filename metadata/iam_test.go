//go:debug rsa1024min=0

package metadata

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"flag"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/mdlimit"

	"github.com/samlaws/samlaws/awsrole"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file:\n%s", name, got)
	}
}

func problemRules(p []*Error) string {
	var r []string
	for _, x := range p {
		r = append(r, x.Rule)
	}
	return strings.Join(r, ",")
}

func TestCheckIAM(t *testing.T) {
	app := readFixture(t, "entra-app-61318f71.xml")
	weak := newTestKey(t, 512, "weak", fixtureNow.Add(-time.Hour), fixtureNow.Add(time.Hour))
	weakDoc := bytes.Replace(app, []byte(encodeB64(certFromFixture(t, "entra-app-61318f71.xml", 0).Raw)), []byte(encodeB64(weak.cert.Raw)), -1)

	// A certificate with a repeated extension (A5.4).
	k := newTestKey(t, 1024, "dup", fixtureNow, fixtureNow.Add(time.Hour))
	ext := pkix.Extension{Id: asn1.ObjectIdentifier{1, 2, 3, 4}, Value: []byte{5, 0}}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "dup"}, NotBefore: fixtureNow, NotAfter: fixtureNow.Add(time.Hour), ExtraExtensions: []pkix.Extension{ext, ext}}
	dupDER, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.key.PublicKey, k.key)
	if err != nil {
		t.Fatal(err)
	}
	dupDoc := bytes.Replace(app, []byte(encodeB64(certFromFixture(t, "entra-app-61318f71.xml", 0).Raw)), []byte(encodeB64(dupDER)), -1)

	// The weak key only in the WS-Fed RoleDescriptor (A5.4 [inferred]: IAM
	// does not say which certificates it parses).
	appB64 := []byte(encodeB64(certFromFixture(t, "entra-app-61318f71.xml", 0).Raw))
	rd := bytes.Index(app, []byte("<RoleDescriptor"))
	at := rd + bytes.Index(app[rd:], appB64)
	if rd < 0 || at < rd {
		t.Fatal("fixture changed: no certificate in a RoleDescriptor")
	}
	weakRoleDoc := append(append(append([]byte{}, app[:at]...), []byte(encodeB64(weak.cert.Raw))...), app[at+len(appB64):]...)

	huge := append(bytes.Clone(app[:len(app)-len("</EntityDescriptor>")]), []byte("<!--"+strings.Repeat("x", mdlimit.IAMMaxChars)+"--></EntityDescriptor>")...)

	tests := []struct {
		name  string
		in    []byte
		rules string
	}{
		{"ok_entra_app", app, ""},
		{"ok_adfs", readFixture(t, "adfs-dtu-ait.xml"), ""},
		{"C1.3_A5.4_bom", readFixture(t, "entra-tenant-8b966979.xml"), "A5.4"},
		{"A5.4_invalid_utf8", append(bytes.Clone(app), 0xff), "A5.4,A5.4"},
		{"B1.1_too_short", []byte(`<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>`), "B1.1,C1.4"},
		{"B1.1_too_long", huge, "B1.1"},
		// B1.8: IAM holds up to 10 IdPs per SAML provider object; the SPID
		// aggregate has exactly 10, an eleventh is one too many.
		{"B1.8_aggregate_of_10_ok", readFixture(t, "spid-idps-aggregate.xml"), ""},
		{"B1.8_aggregate_of_11", aggregateOf11(t), "B1.8"},
		{"B1.8_C1.4_aggregate_with_sp_entity", aggregateWithSP(t), "C1.4"},
		{"C1.4_wsfed_only", readFixture(t, "okta-wsfed-dev-11721018.xml"), "C1.4"},
		{"A5.4_weak_key", weakDoc, "A5.4"},
		{"A5.4_repeated_extension", dupDoc, "C1.5,A5.4"},
		{"A5.4_weak_key_in_wsfed_role", weakRoleDoc, "A5.4"},
		{"A5.4_hostile", append([]byte("<!DOCTYPE x>"), app[bytes.Index(app, []byte("<EntityDescriptor")):]...), "A5.4"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := CheckIAM(tc.in)
			if problemRules(got) != tc.rules {
				t.Errorf("problems = %v, want rules %q", got, tc.rules)
			}
		})
	}
	// ForIAM rebuilds that document from the IdP role, without the weak key.
	out, err := ForIAM(weakRoleDoc)
	if err != nil || CheckIAM(out) != nil || bytes.Contains(out, []byte(encodeB64(weak.cert.Raw))) || !bytes.Contains(out, appB64) {
		t.Errorf("A5.4 ForIAM of a weak WS-Fed key: %v", err)
	}
}

func TestForIAM(t *testing.T) {
	// C1.3: a BOM is stripped and the rest is kept byte for byte, so the
	// signature still verifies.
	tenant := readFixture(t, "entra-tenant-8b966979.xml")
	out, err := ForIAM(tenant)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, tenant[3:]) {
		t.Error("ForIAM changed more than the BOM")
	}
	if _, err := mustParse(t, out).Verify(VerifyOptions{Thumbprints: []string{realSigned[0].signer}}); err != nil {
		t.Errorf("signature lost: %v", err)
	}
	if len(CheckIAM(out)) != 0 {
		t.Error("output does not pass CheckIAM")
	}
	// A document IAM cannot take and that cannot be rebuilt.
	if _, err := ForIAM(readFixture(t, "okta-wsfed-dev-11721018.xml")); !errors.Is(err, errIAM) {
		t.Errorf("okta: %v", err)
	}
	// An aggregate of at most 10 IdPs is kept as it is, signature included
	// (B1.8); one of 11 is refused.
	agg := readFixture(t, "spid-idps-aggregate.xml")
	if out, err := ForIAM(agg); err != nil || !bytes.Equal(out, agg) {
		t.Errorf("aggregate of 10: %v (unchanged: %v)", err, bytes.Equal(out, agg))
	}
	if _, err := ForIAM(aggregateOf11(t)); !errors.Is(err, errIAM) {
		t.Errorf("aggregate of 11: %v", err)
	}
}

// lastEntity returns the SPID aggregate and the byte range of its last
// EntityDescriptor.
func lastEntity(t *testing.T) (doc []byte, start, end int) {
	t.Helper()
	doc = readFixture(t, "spid-idps-aggregate.xml")
	start = bytes.LastIndex(doc, []byte("<md:EntityDescriptor"))
	closeTag := []byte("</md:EntityDescriptor>")
	end = bytes.LastIndex(doc, closeTag) + len(closeTag)
	if start < 0 || end <= start {
		t.Fatal("fixture has no EntityDescriptor")
	}
	return doc, start, end
}

// aggregateOf11 appends an eleventh IdP (a copy of the tenth under another
// entityID and ID) to the SPID aggregate.
func aggregateOf11(t *testing.T) []byte {
	t.Helper()
	doc, start, end := lastEntity(t)
	entity := string(doc[start:end])
	id := `entityID="https://login.id.tim.it/affwebservices/public/saml2sso"`
	if !strings.Contains(entity, id) {
		t.Fatal("fixture's last entity changed")
	}
	entity = strings.Replace(entity, id, `entityID="https://idp11.example.org/saml"`, 1)
	entity = strings.Replace(entity, ` ID="`, ` ID="x11`, 1)
	out := append(bytes.Clone(doc[:end]), "\n"+entity...)
	return append(out, doc[end:]...)
}

// aggregateWithSP replaces the SPID aggregate's last IdP by an SP-only entity.
func aggregateWithSP(t *testing.T) []byte {
	t.Helper()
	doc, start, end := lastEntity(t)
	sp := `<md:EntityDescriptor entityID="https://sp.example.org/saml"><md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://sp.example.org/acs" index="0"/></md:SPSSODescriptor></md:EntityDescriptor>`
	out := append(bytes.Clone(doc[:start]), sp...)
	return append(out, doc[end:]...)
}

func TestNewIDPMetadataGolden(t *testing.T) {
	c := certFromFixture(t, "entra-app-61318f71.xml", 0)
	opts := entraIDPOptions("61318f71-9c58-4f75-b8af-329e649fcd80", c)
	opts.NameIDFormats = []string{federation.NameIDFormatEmail}
	opts.ValidUntil = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	out, err := NewIDPMetadata(opts)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "idp-entra-app.xml", out)
	if p := CheckIAM(out); len(p) != 0 {
		t.Errorf("B1.1: generated metadata fails CheckIAM: %v", p)
	}
	d := mustParse(t, out)
	e := d.Entity
	if e.TenantID() != "61318f71-9c58-4f75-b8af-329e649fcd80" || e.Kind() != KindEntraApp || len(ssoServices(e, BindingHTTPPOST)) != 1 || !e.ValidUntil.Equal(opts.ValidUntil) {
		t.Errorf("round trip: %+v", e)
	}
	if d.BOM || bytes.HasPrefix(out, []byte{0xEF}) {
		t.Error("A5.4: generated metadata has a BOM")
	}
}

func TestNewIDPMetadataErrors(t *testing.T) {
	c := certFromFixture(t, "entra-app-61318f71.xml", 0)
	weak := newTestKey(t, 512, "weak", fixtureNow, fixtureNow.Add(time.Hour))
	for _, tc := range []struct {
		name string
		opts IDPMetadataOptions
		want error
	}{
		{"no_entity", IDPMetadataOptions{SigningCertificates: []*x509.Certificate{c}, SingleSignOnServices: []Endpoint{{Binding: BindingHTTPPOST, Location: "https://x"}}}, ErrInvalidOption},
		{"C1.5_no_cert", IDPMetadataOptions{EntityID: "x", SingleSignOnServices: []Endpoint{{Binding: BindingHTTPPOST, Location: "https://x"}}}, ErrInvalidOption},
		{"C1.4_no_sso", IDPMetadataOptions{EntityID: "x", SigningCertificates: []*x509.Certificate{c}}, ErrInvalidOption},
		{"A5.4_weak_key", entraIDPOptions("t", weak.cert), errIAM},
		{"sign_without_id", IDPMetadataOptions{EntityID: "x", SigningCertificates: []*x509.Certificate{c}, SingleSignOnServices: []Endpoint{{Binding: BindingHTTPPOST, Location: "https://x"}}, SigningKey: weak.key}, ErrInvalidOption},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewIDPMetadata(tc.opts); !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
	// Escaping: a hostile entityID cannot break out of the attribute.
	out, err := NewIDPMetadata(entraIDPOptions(`x"/><evil a="`, c))
	if err != nil {
		t.Fatal(err)
	}
	if d := mustParse(t, out); d.Entity.EntityID != `https://sts.windows.net/x"/><evil a="/` {
		t.Errorf("entityID = %q", d.Entity.EntityID)
	}
}

func TestAWSSPMetadata(t *testing.T) {
	for _, tc := range []struct {
		name      string
		opts      AWSSPMetadataOptions
		entityID  string
		acs       []string
		partition awsrole.Partition
	}{
		{"A1.1_aws_global", AWSSPMetadataOptions{}, "urn:amazon:webservices", []string{"https://signin.aws.amazon.com/saml"}, awsrole.PartitionAWS},
		{"A1.2_aws_regions", AWSSPMetadataOptions{Regions: []string{"eu-west-1", "us-east-1"}}, "urn:amazon:webservices",
			[]string{"https://signin.aws.amazon.com/saml", "https://eu-west-1.signin.aws.amazon.com/saml"}, awsrole.PartitionAWS},
		{"A1.5_govcloud", AWSSPMetadataOptions{Partition: awsrole.PartitionAWSUSGov}, "urn:amazon:webservices:govcloud", []string{"https://signin.amazonaws-us-gov.com/saml"}, awsrole.PartitionAWSUSGov},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := NewAWSSPMetadata(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "sp-"+tc.name+".xml", out)
			sp, err := ParseAWSSPMetadata(out)
			if err != nil {
				t.Fatal(err)
			}
			var acs []string
			for _, a := range sp.AssertionConsumerServices {
				acs = append(acs, a.Location)
			}
			if sp.EntityID != tc.entityID || sp.Partition != tc.partition || strings.Join(acs, " ") != strings.Join(tc.acs, " ") {
				t.Errorf("parsed = %+v", sp)
			}
			if !sp.AssertionConsumerServices[0].IsDefault || sp.AssertionConsumerServices[0].Index != 1 {
				t.Error("first ACS must be index 1, default")
			}
			req := map[string]bool{}
			for _, a := range sp.RequestedAttributes {
				req[a.Name] = a.IsRequired
			}
			if !req[awsrole.AttrRole] || !req[awsrole.AttrRoleSessionName] || req[awsrole.AttrSessionDuration] {
				t.Errorf("requested attributes = %v", req)
			}
		})
	}
	if _, err := NewAWSSPMetadata(AWSSPMetadataOptions{Partition: "nope"}); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("bad partition: %v", err)
	}
	if _, err := NewAWSSPMetadata(AWSSPMetadataOptions{Regions: []string{"cn-north-1"}}); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("region of another partition: %v", err)
	}
	for _, bad := range []string{"entra-app-61318f71.xml", "spid-idps-aggregate.xml"} {
		if _, err := ParseAWSSPMetadata(readFixture(t, bad)); !errors.Is(err, ErrUnusable) {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

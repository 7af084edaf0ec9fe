package metadata

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustParse(t testing.TB, data []byte) *Document {
	t.Helper()
	d, err := Parse(data, Limits{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return d
}

var fixtureNow = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

// Expected values were cross-checked with openssl (thumbprints, NotAfter) and
// xmlsec1 (signature results, see ../shared/fixtures/real/SOURCES.md).
func TestParseRealFixtures(t *testing.T) {
	tests := []struct {
		file       string
		bom, decl  bool
		crlf       bool
		entityID   string
		kind       Kind
		tenant     string
		entities   int
		roleTypes  []string
		idpCerts   int
		sso        int
		nameIDFmts int
		passive    string
		validUntil string
	}{
		{file: "entra-tenant-8b966979.xml", bom: true, decl: true, entityID: "https://sts.windows.net/8b966979-910b-487c-a604-69229b1ac75c/",
			kind: KindEntraTenant, tenant: "8b966979-910b-487c-a604-69229b1ac75c", entities: 1,
			roleTypes: []string{roleTypeSecurityTokenService, roleTypeApplicationService}, idpCerts: 3, sso: 2,
			passive: "https://login.microsoftonline.com/8b966979-910b-487c-a604-69229b1ac75c/wsfed"},
		{file: "entra-common-tenantid.xml", bom: true, decl: true, entityID: "https://sts.windows.net/{tenantid}/",
			kind: KindEntraCommon, entities: 1, roleTypes: []string{roleTypeSecurityTokenService, roleTypeApplicationService}, idpCerts: 4, sso: 2,
			passive: "https://login.microsoftonline.com/common/wsfed"},
		{file: "entra-app-61318f71.xml", decl: true, entityID: "https://sts.windows.net/61318f71-9c58-4f75-b8af-329e649fcd80/",
			kind: KindEntraApp, tenant: "61318f71-9c58-4f75-b8af-329e649fcd80", entities: 1,
			roleTypes: []string{roleTypeSecurityTokenService, roleTypeApplicationService}, idpCerts: 1, sso: 2,
			passive: "https://login.microsoftonline.com/61318f71-9c58-4f75-b8af-329e649fcd80/wsfed"},
		{file: "entra-app-a15b04fc-reformatted.xml", bom: true, decl: true, crlf: true, entityID: "https://sts.windows.net/a15b04fc-6ff1-42a7-bb24-2e762259f5da/",
			kind: KindEntraApp, tenant: "a15b04fc-6ff1-42a7-bb24-2e762259f5da", entities: 1,
			roleTypes: []string{roleTypeSecurityTokenService, roleTypeApplicationService}, idpCerts: 1, sso: 2,
			passive: "https://login.microsoftonline.com/a15b04fc-6ff1-42a7-bb24-2e762259f5da/wsfed"},
		{file: "adfs-maybank.xml", entityID: "http://msts.maybank.com/adfs/services/trust", kind: KindADFS, entities: 1,
			roleTypes: []string{roleTypeApplicationService, roleTypeSecurityTokenService}, idpCerts: 1, sso: 2, nameIDFmts: 3,
			passive: "https://msts.maybank.com/adfs/ls/"},
		{file: "adfs-dtu-ait.xml", entityID: "http://sts.ait.dtu.dk/adfs/services/trust", kind: KindADFS, entities: 1,
			roleTypes: []string{roleTypeApplicationService, roleTypeSecurityTokenService}, idpCerts: 1, sso: 2, nameIDFmts: 3,
			passive: "https://sts.ait.dtu.dk/adfs/ls/"},
		{file: "okta-wsfed-dev-11721018.xml", decl: true, entityID: "http://www.okta.com/exk3xwuhvra92gqDg5d7", kind: KindOther, entities: 1,
			roleTypes: []string{roleTypeSecurityTokenService}, idpCerts: 0, sso: 0,
			passive: "https://dev-11721018.okta.com/app/template_wsfed/sso/wsfed/passive"},
		{file: "google-workspace-C019px6f1.xml", decl: true, entityID: "https://accounts.google.com/o/saml2?idpid=C019px6f1", kind: KindOther, entities: 1,
			idpCerts: 1, sso: 2, nameIDFmts: 1, validUntil: "2030-06-05T20:14:04Z"},
		{file: "spid-idps-aggregate.xml", decl: true, entityID: "https://loginspid.aruba.it", kind: KindOther, entities: 10, idpCerts: 2, sso: 2, nameIDFmts: 1},
	}
	for _, tc := range tests {
		t.Run("C1.4_"+tc.file, func(t *testing.T) {
			raw := readFixture(t, tc.file)
			d := mustParse(t, raw)
			if d.BOM != tc.bom || d.XMLDeclaration != tc.decl || d.CRLF != tc.crlf {
				t.Errorf("BOM/decl/CRLF = %v/%v/%v, want %v/%v/%v", d.BOM, d.XMLDeclaration, d.CRLF, tc.bom, tc.decl, tc.crlf)
			}
			if tc.bom && bytes.HasPrefix(d.Raw(), []byte{0xEF}) {
				t.Error("C1.3: Raw still has the BOM")
			}
			ents := d.Entities()
			if len(ents) != tc.entities {
				t.Fatalf("entities = %d, want %d", len(ents), tc.entities)
			}
			e := ents[0]
			if e.EntityID != tc.entityID || e.Kind() != tc.kind || e.TenantID() != tc.tenant {
				t.Errorf("entityID/kind/tenant = %q/%s/%q", e.EntityID, e.Kind(), e.TenantID())
			}
			var types []string
			for _, r := range e.RoleDescriptors {
				types = append(types, r.Type)
			}
			if strings.Join(types, ",") != strings.Join(tc.roleTypes, ",") {
				t.Errorf("role types = %v, want %v", types, tc.roleTypes)
			}
			if got := len(e.idpSigningCertificates()); got != tc.idpCerts {
				t.Errorf("IdP signing certs = %d, want %d", got, tc.idpCerts)
			}
			if got := len(ssoServices(e, "")); got != tc.sso {
				t.Errorf("SSO endpoints = %d, want %d", got, tc.sso)
			}
			if tc.sso > 0 && len(ssoServices(e, BindingHTTPPOST)) != 1 {
				t.Errorf("want one HTTP-POST SSO endpoint")
			}
			nf := 0
			for _, idp := range e.IDPSSODescriptors {
				nf += len(idp.NameIDFormats)
			}
			if nf != tc.nameIDFmts {
				t.Errorf("NameIDFormats = %d, want %d", nf, tc.nameIDFmts)
			}
			if tc.passive != "" {
				found := false
				for _, r := range e.RoleDescriptors {
					for _, p := range r.PassiveRequestorEndpoints {
						found = found || p == tc.passive
					}
				}
				if !found {
					t.Errorf("passive requestor endpoint %q not found", tc.passive)
				}
			}
			if tc.validUntil != "" && e.ValidUntil.Format(time.RFC3339) != tc.validUntil {
				t.Errorf("validUntil = %v", e.ValidUntil)
			}
		})
	}
}

func TestParseEntraDetails(t *testing.T) {
	d := mustParse(t, readFixture(t, "entra-tenant-8b966979.xml"))
	e := d.Entity
	sts := e.RoleDescriptors[0]
	if len(sts.ClaimTypesOffered) != 19 {
		t.Fatalf("C1.4: claim types offered = %d, want 19", len(sts.ClaimTypesOffered))
	}
	var tenantClaim *ClaimType
	for i, c := range sts.ClaimTypesOffered {
		if c.URI == "http://schemas.microsoft.com/identity/claims/tenantid" {
			tenantClaim = &sts.ClaimTypesOffered[i]
		}
	}
	if tenantClaim == nil || tenantClaim.DisplayName != "TenantId" || tenantClaim.Description != "Identifier for the user's tenant." {
		t.Errorf("tenantid claim = %+v", tenantClaim)
	}
	if got := sts.SecurityTokenServiceEndpoints; len(got) != 1 || got[0] != "https://login.microsoftonline.com/8b966979-910b-487c-a604-69229b1ac75c/wsfed" {
		t.Errorf("STS endpoints = %v", got)
	}
	app := e.RoleDescriptors[1]
	if len(app.ApplicationServiceEndpoints) != 1 || len(app.TargetScopes) == 0 {
		t.Errorf("application service: endpoints %v scopes %v", app.ApplicationServiceEndpoints, app.TargetScopes)
	}
	idp := e.IDPSSODescriptors[0]
	if len(idp.SingleLogoutServices) != 1 || idp.SingleLogoutServices[0].Location != "https://login.microsoftonline.com/8b966979-910b-487c-a604-69229b1ac75c/saml2" {
		t.Errorf("SLO = %+v", idp.SingleLogoutServices)
	}
	for _, kd := range idp.KeyDescriptors {
		if kd.Use != "signing" || !kd.forSigning() {
			t.Errorf("C1.5: KeyDescriptor use %q", kd.Use)
		}
	}
	// C1.5: the same certificates appear in WS-Fed and SAML sections.
	for _, c := range d.Certificates() {
		if len(c.Locations) < 2 {
			t.Errorf("certificate %s appears in %v only", c.SHA1, c.Locations)
		}
	}
	sig := d.signature()
	if sig == nil || sig.SignatureMethod != AlgRSASHA256 || len(sig.References) != 1 || sig.References[0].URI != "#"+e.ID || len(sig.Certificates) != 1 {
		t.Errorf("signature info = %+v", sig)
	}
}

func TestParseADFSDetails(t *testing.T) {
	d := mustParse(t, readFixture(t, "adfs-maybank.xml"))
	e := d.Entity
	if len(e.SPSSODescriptors) != 1 || !e.SPSSODescriptors[0].WantAssertionsSigned || len(e.SPSSODescriptors[0].AssertionConsumerServices) == 0 {
		t.Fatalf("SPSSODescriptor = %+v", e.SPSSODescriptors)
	}
	if len(e.IDPSSODescriptors[0].Attributes) == 0 {
		t.Error("IdP attributes not parsed")
	}
	// One signing and one encryption certificate.
	var s, enc int
	for _, c := range d.Certificates() {
		if c.Signing {
			s++
		}
		if c.Encryption {
			enc++
		}
	}
	if s != 1 || enc != 1 {
		t.Errorf("signing/encryption = %d/%d", s, enc)
	}
}

func TestParseOktaNoUse(t *testing.T) {
	d := mustParse(t, readFixture(t, "okta-wsfed-dev-11721018.xml"))
	kd := d.Entity.RoleDescriptors[0].KeyDescriptors[0]
	if kd.Use != "" || !kd.forSigning() {
		t.Fatalf("C1.5: KeyDescriptor without use must count for signing: %+v", kd.Use)
	}
	if len(d.Entity.SigningCertificates()) != 1 {
		t.Error("WS-Fed-only entity: STS certificate must be its signing certificate")
	}
	// Signature is the last child and uses the default namespace.
	if s := d.signature(); s == nil || s.SignatureMethod != AlgRSASHA1 {
		t.Errorf("signature = %+v", s)
	}
}

func TestParseAggregate(t *testing.T) {
	d := mustParse(t, readFixture(t, "spid-idps-aggregate.xml"))
	a := d.Aggregate
	if a == nil || a.Name != "https://idps.spid.gov.it" || a.signature == nil || a.signature.References[0].URI != "" {
		t.Fatalf("aggregate = %+v", a)
	}
	signedEntities := 0
	for _, e := range d.Entities() {
		if e.signature != nil {
			signedEntities++
		}
		if err := e.CheckIDP(); err != nil {
			t.Errorf("%s: %v", e.EntityID, err)
		}
	}
	if signedEntities == 0 {
		t.Error("nested entity signatures not recorded")
	}
	if d.Entity != nil {
		t.Error("aggregate must not set Entity")
	}
}

func TestStreamMatchesParse(t *testing.T) {
	raw := readFixture(t, "spid-idps-aggregate.xml")
	var ids []string
	agg, err := Stream(bytes.NewReader(raw), Limits{}, func(e *EntityDescriptor) error {
		ids = append(ids, e.EntityID)
		if e.EntityID == "https://identity.infocert.it" && e.CacheDuration != 30*24*time.Hour {
			t.Errorf("cacheDuration = %v, want 30 days", e.CacheDuration)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if agg == nil || agg.Name != "https://idps.spid.gov.it" || agg.signature == nil {
		t.Fatalf("aggregate header = %+v", agg)
	}
	var want []string
	for _, e := range mustParse(t, raw).Entities() {
		want = append(want, e.EntityID)
	}
	if strings.Join(ids, " ") != strings.Join(want, " ") {
		t.Errorf("stream ids %v, parse ids %v", ids, want)
	}
	// Single entity with BOM, through Stream.
	n := 0
	agg, err = Stream(bytes.NewReader(readFixture(t, "entra-tenant-8b966979.xml")), Limits{}, func(e *EntityDescriptor) error {
		n++
		if e.TenantID() != "8b966979-910b-487c-a604-69229b1ac75c" {
			t.Errorf("tenant %q", e.TenantID())
		}
		return nil
	})
	if err != nil || agg != nil || n != 1 {
		t.Fatalf("single stream: agg=%v n=%d err=%v", agg, n, err)
	}
	// Callback error stops the stream.
	stop := errors.New("stop")
	n = 0
	_, err = Stream(bytes.NewReader(raw), Limits{}, func(*EntityDescriptor) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Fatalf("err=%v n=%d", err, n)
	}
	// Byte cap is enforced on the reader.
	_, err = Stream(bytes.NewReader(raw), Limits{MaxBytes: 10000}, func(*EntityDescriptor) error { return nil })
	if !errors.Is(err, errHostile) {
		t.Fatalf("MaxBytes: err=%v", err)
	}
}

func TestParseVariants(t *testing.T) {
	app := readFixture(t, "entra-app-61318f71.xml") // no BOM, with declaration
	noDecl := app[bytes.Index(app, []byte("<EntityDescriptor")):]
	withBOM := append([]byte{0xEF, 0xBB, 0xBF}, app...)
	crlf := bytes.ReplaceAll(app, []byte("\n"), []byte("\r\n"))
	for _, tc := range []struct {
		name           string
		in             []byte
		bom, decl, crl bool
	}{
		{"no_declaration", noDecl, false, false, false},
		{"C1.3_bom_added", withBOM, true, true, false},
		{"crlf", crlf, false, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := mustParse(t, tc.in)
			if d.BOM != tc.bom || d.XMLDeclaration != tc.decl || d.CRLF != tc.crl {
				t.Errorf("BOM/decl/CRLF = %v/%v/%v", d.BOM, d.XMLDeclaration, d.CRLF)
			}
			if d.Entity.TenantID() != "61318f71-9c58-4f75-b8af-329e649fcd80" {
				t.Error("tenant lost")
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	deep := `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x">` + strings.Repeat("<a>", 40) + strings.Repeat("</a>", 40) + `</md:EntityDescriptor>`
	manyAttrs := `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"><a`
	for i := 0; i < 70; i++ {
		manyAttrs += " a" + strings.Repeat("b", i) + `="1"`
	}
	manyAttrs += `/></md:EntityDescriptor>`
	const ed = `<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"`
	tests := []struct {
		name string
		in   string
		lim  Limits
		want error
	}{
		{"D4.8_doctype", `<!DOCTYPE x>` + ed + `/>`, Limits{}, errHostile},
		{"D4.8_billion_laughs", `<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>` + ed + `>&b;</EntityDescriptor>`, Limits{}, errHostile},
		{"D4.8_undeclared_entity", ed + `>&a;</EntityDescriptor>`, Limits{}, errHostile},
		{"D4.8_depth", deep, Limits{}, errHostile},
		{"D4.8_attrs", manyAttrs, Limits{}, errHostile},
		{"D4.8_size", ed + `/>`, Limits{MaxBytes: 20}, errHostile},
		{"D4.8_tokens", ed + `>` + strings.Repeat("<x/>", 50) + `</EntityDescriptor>`, Limits{MaxTokens: 20}, errHostile},
		{"malformed_not_xml", `hello`, Limits{}, errMalformed},
		{"malformed_empty", ``, Limits{}, errMalformed},
		{"malformed_unclosed", ed + `><IDPSSODescriptor>`, Limits{}, errMalformed},
		{"malformed_wrong_root", `<EntityDescriptor entityID="x"/>`, Limits{}, errMalformed},
		{"malformed_no_entityID", `<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata"/>`, Limits{}, errMalformed},
		{"malformed_two_roots", ed + `/>` + ed + `/>`, Limits{}, errMalformed},
		{"malformed_trailing_text", ed + `/>junk`, Limits{}, errMalformed},
		{"malformed_validUntil", ed + ` validUntil="tomorrow"/>`, Limits{}, errMalformed},
		{"malformed_cacheDuration", ed + ` cacheDuration="1h"/>`, Limits{}, errMalformed},
		{"malformed_cert_base64", ed + `><IDPSSODescriptor><KeyDescriptor><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>!!!</X509Certificate></X509Data></KeyInfo></KeyDescriptor></IDPSSODescriptor></EntityDescriptor>`, Limits{}, errMalformed},
		{"malformed_use", ed + `><IDPSSODescriptor><KeyDescriptor use="both"/></IDPSSODescriptor></EntityDescriptor>`, Limits{}, errMalformed},
		{"malformed_two_signatures", ed + `><Signature xmlns="http://www.w3.org/2000/09/xmldsig#"/><Signature xmlns="http://www.w3.org/2000/09/xmldsig#"/></EntityDescriptor>`, Limits{}, errMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.in), tc.lim)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			var me *Error
			if !errors.As(err, &me) || !strings.HasPrefix(err.Error(), "metadata: ") {
				t.Fatalf("not a *metadata.Error: %T %v", err, err)
			}
		})
	}
}

func TestCheckIDP(t *testing.T) {
	const head = `<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x">`
	good := readFixture(t, "entra-app-61318f71.xml")
	if err := mustParse(t, good).Entity.CheckIDP(); err != nil {
		t.Fatalf("real Entra app metadata: %v", err)
	}
	okta := mustParse(t, readFixture(t, "okta-wsfed-dev-11721018.xml"))
	tests := []struct {
		name string
		e    *EntityDescriptor
	}{
		{"C1.4_no_idpsso", mustParse(t, []byte(head+`</EntityDescriptor>`)).Entity},
		{"C1.4_wsfed_only", okta.Entity},
		{"C1.4_not_saml2", mustParse(t, []byte(head+`<IDPSSODescriptor protocolSupportEnumeration="urn:x"/></EntityDescriptor>`)).Entity},
		{"C1.5_no_signing_cert", mustParse(t, []byte(head+`<IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><SingleSignOnService Binding="b" Location="https://x"/></IDPSSODescriptor></EntityDescriptor>`)).Entity},
		{"C1.5_encryption_only", mustParse(t, bytes.ReplaceAll(good, []byte(`<KeyDescriptor use="signing">`), []byte(`<KeyDescriptor use="encryption">`))).Entity},
		{"C1.4_no_sso", mustParse(t, bytes.ReplaceAll(good, []byte("<SingleSignOnService"), []byte("<ArtifactResolutionService"))).Entity},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.e.CheckIDP()
			var me *Error
			if !errors.Is(err, ErrUnusable) || !errors.As(err, &me) || me.Rule == "" {
				t.Fatalf("err = %v, want ErrUnusable with a rule", err)
			}
		})
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"PT1H": time.Hour, "P1D": 24 * time.Hour, "P0Y0M30DT0H0M0.000S": 30 * 24 * time.Hour, "PT1.5S": 1500 * time.Millisecond, "P1Y": 365 * 24 * time.Hour, "PT90M": 90 * time.Minute,
	} {
		if got, err := parseDuration(in); err != nil || got != want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "P", "PT", "-P1D", "P1H", "PT1D", "P1.5D", "1D", "PT1", "P1DT", "P99999999999Y"} {
		if _, err := parseDuration(in); err == nil {
			t.Errorf("parseDuration(%q) accepted", in)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"entra-app-61318f71.xml", "okta-wsfed-dev-11721018.xml", "google-workspace-C019px6f1.xml"} {
		f.Add(readFixture(f, name))
	}
	f.Add([]byte(`<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"><md:EntityDescriptor entityID="a"/></md:EntitiesDescriptor>`))
	f.Add([]byte(`<!DOCTYPE a><a/>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse(data, Limits{MaxBytes: 1 << 16, MaxTokens: 4096})
		if err != nil {
			var me *Error
			if !errors.As(err, &me) {
				t.Fatalf("untyped error %T %v", err, err)
			}
			return
		}
		if (d.Entity == nil) == (d.Aggregate == nil) {
			t.Fatal("exactly one of Entity and Aggregate must be set")
		}
		// Everything derived from a parsed document must not panic.
		for _, e := range d.Entities() {
			_ = e.CheckIDP()
			_ = e.Kind()
			_ = e.Rollover(fixtureNow, "")
		}
		_ = d.Certificates()
		_ = d.InspectSignature(VerifyOptions{Now: func() time.Time { return fixtureNow }})
		if es := d.EntitySignatures(VerifyOptions{Now: func() time.Time { return fixtureNow }}); len(es) != len(d.Entities()) {
			t.Fatalf("EntitySignatures gave %d results for %d entities", len(es), len(d.Entities()))
		}
		_ = CheckIAM(data)
	})
}

func TestStreamSlowReader(t *testing.T) {
	// C1.3: BOM and tiny reads through the streaming path.
	raw := readFixture(t, "entra-tenant-8b966979.xml")
	var got *EntityDescriptor
	_, err := Stream(iotest.OneByteReader(bytes.NewReader(raw)), Limits{}, func(e *EntityDescriptor) error { got = e; return nil })
	if err != nil {
		t.Fatal(err)
	}
	want := mustParse(t, raw).Entity
	if got.EntityID != want.EntityID || len(got.RoleDescriptors[0].ClaimTypesOffered) != len(want.RoleDescriptors[0].ClaimTypesOffered) ||
		string(got.idpSigningCertificates()[2]) != string(want.idpSigningCertificates()[2]) {
		t.Error("streamed entity differs from parsed entity")
	}
	// A reader failing mid-document surfaces as an error.
	_, err = Stream(iotest.TimeoutReader(iotest.HalfReader(bytes.NewReader(raw))), Limits{}, func(*EntityDescriptor) error { return nil })
	if !errors.Is(err, ErrFetch) || !errors.Is(err, iotest.ErrTimeout) {
		t.Errorf("reader error: %v", err)
	}
}

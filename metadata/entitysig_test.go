package metadata

import (
	"bytes"
	"crypto/x509"
	"testing"
	"time"
)

// The SPID aggregate's entity signatures, as xmlsec1 judged them (SOURCES.md):
// infocert and teamsystem verify, aruba and posteid do not (edited after
// signing); the other six entities are unsigned.
func TestEntitySignaturesSPID(t *testing.T) {
	d := mustParse(t, readFixture(t, "spid-idps-aggregate.xml"))
	got := d.EntitySignatures(VerifyOptions{Now: func() time.Time { return fixtureNow }})
	want := []struct {
		id             string
		present, valid bool
	}{
		{"https://loginspid.aruba.it", true, false},
		{"https://identity.infocert.it", true, true},
		{"https://spid.intesa.it", false, false},
		{"https://id.lepida.it/idp/shibboleth", false, false},
		{"https://idp.namirialtsp.com/idp", false, false},
		{"https://posteid.poste.it", true, false},
		{"https://identity.sieltecloud.it", false, false},
		{"https://spid.register.it", false, false},
		{"https://spid.teamsystem.com/idp", true, true},
		{"https://login.id.tim.it/affwebservices/public/saml2sso", false, false},
	}
	if len(got) != len(want) {
		t.Fatalf("%d results, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.EntityID != w.id || g.Present != w.present || g.Valid != w.valid {
			t.Errorf("D4 entity %d: %s present=%v valid=%v (%s), want %s present=%v valid=%v",
				i, g.EntityID, g.Present, g.Valid, g.Problem, w.id, w.present, w.valid)
		}
		if g.Valid && (g.Trusted || g.Signer == nil) {
			t.Errorf("%s: TOFU result trusted=%v signer=%v", g.EntityID, g.Trusted, g.Signer)
		}
	}
	// Pinning the teamsystem signer makes that entity trusted and nothing else.
	signer := got[8].Signer.SHA256
	for _, r := range d.EntitySignatures(VerifyOptions{Thumbprints: []string{signer}, Now: func() time.Time { return fixtureNow }}) {
		if r.Trusted != (r.EntityID == "https://spid.teamsystem.com/idp") {
			t.Errorf("D4.6 pin %s: %s trusted=%v", signer, r.EntityID, r.Trusted)
		}
	}
	// The inventory lists each entity signature's KeyInfo certificate there.
	found := false
	for _, c := range d.Certificates() {
		if c.SHA256 != signer {
			continue
		}
		for _, l := range c.Locations {
			found = found || (l.Element == "Signature" && l.EntityID == "https://spid.teamsystem.com/idp")
		}
	}
	if !found {
		t.Error("teamsystem's signature certificate is not inventoried at its Signature/KeyInfo")
	}
	// Editing a verified entity breaks that entity's signature (and the
	// aggregate's), not the others'.
	raw := d.Raw()
	i := bytes.Index(raw, []byte("https://spid.teamsystem.com/idp"))
	j := bytes.Index(raw[i:], []byte("<md:SingleSignOnService"))
	if i < 0 || j < 0 {
		t.Fatal("fixture changed")
	}
	k := i + j + bytes.Index(raw[i+j:], []byte("Location=\"")) + len("Location=\"")
	edited := append(append(append([]byte{}, raw[:k]...), []byte("https://evil.example")...), raw[k+bytes.IndexByte(raw[k:], '"'):]...)
	ed := mustParse(t, edited)
	res := ed.EntitySignatures(VerifyOptions{Now: func() time.Time { return fixtureNow }})
	if res[8].Valid || !res[1].Valid {
		t.Errorf("D4 edited teamsystem: teamsystem valid=%v, infocert valid=%v", res[8].Valid, res[1].Valid)
	}
	if sr := ed.InspectSignature(VerifyOptions{Now: func() time.Time { return fixtureNow }}); sr.Valid {
		t.Error("D4 edited aggregate still verifies")
	}
}

// An entity signed standalone and then placed in an aggregate that declares
// its namespace prefix (not the entity) still verifies: exclusive c14n sees
// the inherited declaration.
func TestEntitySignaturesInheritedNamespaces(t *testing.T) {
	k := newTestKey(t, 2048, "idp", fixtureNow.Add(-time.Hour), fixtureNow.Add(24*time.Hour))
	opts := entraIDPOptions("00000000-0000-0000-0000-000000000002", k.cert)
	opts.ID, opts.SigningKey, opts.SigningKeyCertificate = "_e1", k.key, k.cert
	signed, err := NewIDPMetadata(opts)
	if err != nil {
		t.Fatal(err)
	}
	entity := signed[bytes.Index(signed, []byte("<md:EntityDescriptor")):]
	decl := []byte(` xmlns:md="` + nsMetadata + `"`)
	if !bytes.Contains(entity[:bytes.IndexByte(entity, '>')], decl) {
		t.Fatal("generated entity does not declare md on its root")
	}
	moved := bytes.Replace(entity, decl, nil, 1)
	agg := []byte(`<md:EntitiesDescriptor xmlns:md="` + nsMetadata + `" Name="urn:test">` + string(moved) + `</md:EntitiesDescriptor>`)
	d := mustParse(t, agg)
	res := d.EntitySignatures(VerifyOptions{Certificates: []*x509.Certificate{k.cert}, Now: func() time.Time { return fixtureNow }})
	if len(res) != 1 || !res[0].Valid || !res[0].Trusted {
		t.Fatalf("D4 inherited xmlns:md: %+v", res[0])
	}
}

func TestEntitySignaturesSingleEntity(t *testing.T) {
	d := mustParse(t, readFixture(t, "entra-app-61318f71.xml"))
	res := d.EntitySignatures(VerifyOptions{Thumbprints: []string{realSigned[2].signer}, Now: func() time.Time { return fixtureNow }})
	if len(res) != 1 || res[0].EntityID != "https://sts.windows.net/61318f71-9c58-4f75-b8af-329e649fcd80/" || !res[0].Trusted {
		t.Fatalf("%+v", res)
	}
}

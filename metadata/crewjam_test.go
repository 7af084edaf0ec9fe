package metadata

import (
	"encoding/base64"
	"encoding/xml"
	"testing"

	crewjam "github.com/crewjam/saml"
)

// TestCrewjamReadsRaw pins what the package doc promises instead of an
// adapter: crewjam/saml decodes Document.Raw (BOM removed) into the same
// entity, endpoints and certificates Parse found.
func TestCrewjamReadsRaw(t *testing.T) {
	d := mustParse(t, readFixture(t, "entra-tenant-8b966979.xml")) // with BOM
	var e crewjam.EntityDescriptor
	if err := xml.Unmarshal(d.Raw(), &e); err != nil {
		t.Fatal(err)
	}
	if e.EntityID != d.Entity.EntityID || len(e.IDPSSODescriptors) != 1 {
		t.Fatalf("crewjam entity = %q, %d IdP descriptors", e.EntityID, len(e.IDPSSODescriptors))
	}
	idp := e.IDPSSODescriptors[0]
	if len(idp.SingleSignOnServices) != 2 || len(idp.KeyDescriptors) != 3 {
		t.Fatalf("crewjam IdP: %d SSO, %d keys", len(idp.SingleSignOnServices), len(idp.KeyDescriptors))
	}
	der, err := base64.StdEncoding.DecodeString(idp.KeyDescriptors[0].KeyInfo.X509Data.X509Certificates[0].Data)
	if err != nil || string(der) != string(d.Entity.idpSigningCertificates()[0]) {
		t.Errorf("first certificate differs: %v", err)
	}
}

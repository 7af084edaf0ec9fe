package metadata

import (
	"encoding/base64"
	"errors"
	"testing"
)

func TestCrewjam(t *testing.T) {
	d := mustParse(t, readFixture(t, "entra-tenant-8b966979.xml")) // with BOM
	e, err := d.Crewjam()
	if err != nil {
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
	if err != nil || string(der) != string(d.Entity.IDPSigningCertificates()[0]) {
		t.Errorf("first certificate differs: %v", err)
	}
	if _, err := mustParse(t, readFixture(t, "spid-idps-aggregate.xml")).Crewjam(); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("aggregate: %v", err)
	}
}

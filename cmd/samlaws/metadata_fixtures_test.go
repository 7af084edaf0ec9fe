package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestMetadataInspectEveryFixture runs "samlaws metadata inspect --json" on
// every real fixture (SOURCES.md) and checks the JSON contract of issue 4
// (entity_id; signature.present/valid/signer_sha256; certificates[].sha1,
// sha256, not_after, use, state, all always present) and the exit code: 0
// when usable, 1 when the signature does not verify (or is not by a pinned
// signer) or nothing can sign.
func TestMetadataInspectEveryFixture(t *testing.T) {
	const (
		appPin      = "C147B5D6E9F6E44927F114B4D17C18674130007F" // entra-app-61318f71 signer
		reformatPin = "BEF6EE4FA1BB603AD3E04AC38987EBA36E6F1DF8" // entra-app-a15b04fc signer
		tenantPin   = "FD482A5C6FED30B76E489D53F1C687C54EDC3AD7" // entra-tenant-8b966979 signer
	)
	for _, tc := range []struct {
		name     string
		file     string
		flags    []string
		code     int
		entityID string
		present  bool
		valid    bool
		signer   string // SHA-256 prefix of the signer, "" when none
		problem  string // substring of some problem when code is 1
	}{
		{"C1.4_tenant_in_validity", "entra-tenant-8b966979.xml", []string{"--now", "2018-12-01T00:00:00Z"}, exitOK, "https://sts.windows.net/8b966979-910b-487c-a604-69229b1ac75c/", true, true, "DBB56B43", ""},
		{"C3.3_tenant_all_expired", "entra-tenant-8b966979.xml", []string{"--now", "2026-11-28T12:00:00Z"}, exitRejected, "https://sts.windows.net/8b966979-910b-487c-a604-69229b1ac75c/", true, true, "DBB56B43", "no IdP signing certificate is valid"},
		{"D4.6_tenant_pinned", "entra-tenant-8b966979.xml", []string{"--now", "2018-12-01T00:00:00Z", "--pin", tenantPin}, exitOK, "https://sts.windows.net/8b966979-910b-487c-a604-69229b1ac75c/", true, true, "DBB56B43", ""},
		{"C1.1_common", "entra-common-tenantid.xml", []string{"--now", "2026-11-28T12:00:00Z"}, exitOK, "https://sts.windows.net/{tenantid}/", true, true, "", ""},
		{"C1.2_app", "entra-app-61318f71.xml", []string{"--now", "2025-01-01T00:00:00Z"}, exitOK, "https://sts.windows.net/61318f71-9c58-4f75-b8af-329e649fcd80/", true, true, "C7F6908B", ""},
		{"C3.3_app_expired", "entra-app-61318f71.xml", []string{"--now", "2026-11-28T12:00:00Z"}, exitRejected, "https://sts.windows.net/61318f71-9c58-4f75-b8af-329e649fcd80/", true, true, "C7F6908B", "no IdP signing certificate is valid"},
		{"D4.6_app_wrong_pin", "entra-app-61318f71.xml", []string{"--now", "2025-01-01T00:00:00Z", "--pin", reformatPin}, exitRejected, "https://sts.windows.net/61318f71-9c58-4f75-b8af-329e649fcd80/", true, true, "C7F6908B", "not by a pinned certificate"},
		{"D4_app_edited", "entra-app-61318f71-edited.xml", []string{"--now", "2025-01-01T00:00:00Z"}, exitRejected, "https://sts.windows.net/61318f71-9c58-4f75-b8af-329e649fcd80/", true, false, "", "signature does not verify"},
		{"D4_app_edited_pinned", "entra-app-61318f71-edited.xml", []string{"--now", "2025-01-01T00:00:00Z", "--pin", appPin}, exitRejected, "https://sts.windows.net/61318f71-9c58-4f75-b8af-329e649fcd80/", true, false, "", "signature does not verify"},
		{"D4_reformatted", "entra-app-a15b04fc-reformatted.xml", []string{"--now", "2024-06-01T00:00:00Z"}, exitRejected, "https://sts.windows.net/a15b04fc-6ff1-42a7-bb24-2e762259f5da/", true, false, "", "signature does not verify"},
		{"D4_reformatted_pinned", "entra-app-a15b04fc-reformatted.xml", []string{"--now", "2024-06-01T00:00:00Z", "--pin", reformatPin}, exitRejected, "https://sts.windows.net/a15b04fc-6ff1-42a7-bb24-2e762259f5da/", true, false, "", "signature does not verify"},
		{"adfs_maybank", "adfs-maybank.xml", []string{"--now", "2022-01-01T00:00:00Z"}, exitOK, "http://msts.maybank.com/adfs/services/trust", true, true, "", ""},
		{"C3.3_adfs_maybank_expired", "adfs-maybank.xml", []string{"--now", "2026-11-28T12:00:00Z"}, exitRejected, "http://msts.maybank.com/adfs/services/trust", true, true, "", "no IdP signing certificate is valid"},
		{"adfs_dtu", "adfs-dtu-ait.xml", []string{"--now", "2026-11-28T12:00:00Z"}, exitOK, "http://sts.ait.dtu.dk/adfs/services/trust", true, true, "", ""},
		{"A5.3_okta_sha1", "okta-wsfed-dev-11721018.xml", []string{"--now", "2026-11-28T12:00:00Z"}, exitRejected, "http://www.okta.com/exk3xwuhvra92gqDg5d7", true, false, "", "rsa-sha1"},
		{"C1.4_okta_no_idpsso", "okta-wsfed-dev-11721018.xml", []string{"--now", "2026-11-28T12:00:00Z", "--allow-sha1"}, exitRejected, "http://www.okta.com/exk3xwuhvra92gqDg5d7", true, true, "", "no IDPSSODescriptor"},
		{"google_unsigned", "google-workspace-C019px6f1.xml", []string{"--now", "2026-11-28T12:00:00Z"}, exitOK, "https://accounts.google.com/o/saml2?idpid=C019px6f1", false, false, "", ""},
		{"D4.6_google_unsigned_pinned", "google-workspace-C019px6f1.xml", []string{"--now", "2026-11-28T12:00:00Z", "--pin", "2005A9E1545FECC3D12525AFD1DA73D0A3C379ED"}, exitRejected, "https://accounts.google.com/o/saml2?idpid=C019px6f1", false, false, "", "not by a pinned certificate"},
		{"spid_aggregate", "spid-idps-aggregate.xml", []string{"--now", "2026-11-28T12:00:00Z"}, exitOK, "https://idps.spid.gov.it", true, true, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"inspect", "--json", mdFixture(tc.file)}, tc.flags...)
			code, out, errs := runMD(t, "", args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.code, out, errs)
			}
			var raw map[string]json.RawMessage
			if err := json.Unmarshal([]byte(out), &raw); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			for _, k := range []string{"entity_id", "signature", "certificates"} {
				if _, ok := raw[k]; !ok {
					t.Errorf("JSON lacks %q", k)
				}
			}
			var sig map[string]json.RawMessage
			_ = json.Unmarshal(raw["signature"], &sig)
			for _, k := range []string{"present", "valid", "signer_sha256"} {
				if _, ok := sig[k]; !ok {
					t.Errorf("JSON signature lacks %q", k)
				}
			}
			var certs []map[string]json.RawMessage
			_ = json.Unmarshal(raw["certificates"], &certs)
			if len(certs) == 0 {
				t.Error("no certificates")
			}
			for i, c := range certs {
				for _, k := range []string{"sha1", "sha256", "not_after", "use", "state"} {
					if _, ok := c[k]; !ok {
						t.Errorf("certificate %d lacks %q", i, k)
					}
				}
			}
			var r jsonInspect
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatal(err)
			}
			if r.EntityID != tc.entityID || r.Signature.Present != tc.present || r.Signature.Valid != tc.valid {
				t.Errorf("entity_id %q present %v valid %v, want %q %v %v", r.EntityID, r.Signature.Present, r.Signature.Valid, tc.entityID, tc.present, tc.valid)
			}
			if tc.valid != (len(r.Signature.SignerSHA256) == 64) || !strings.HasPrefix(r.Signature.SignerSHA256, tc.signer) {
				t.Errorf("signer_sha256 %q (want prefix %q)", r.Signature.SignerSHA256, tc.signer)
			}
			for _, c := range r.Certificates {
				if len(c.SHA1) != 40 || len(c.SHA256) != 64 || c.NotAfter == "" || c.Use == "" || c.State == "" {
					t.Errorf("certificate %+v", c)
				}
			}
			if r.Usable != (code == exitOK) {
				t.Errorf("usable %v with exit %d", r.Usable, code)
			}
			if tc.problem != "" && !strings.Contains(strings.Join(r.Problems, "\n"), tc.problem) {
				t.Errorf("problems %q lack %q", r.Problems, tc.problem)
			}
		})
	}
}

// In an aggregate each entity's own signature is reported (SOURCES.md: in
// SPID's, infocert and teamsystem verify, aruba and posteid do not).
func TestMetadataInspectEntitySignatures(t *testing.T) {
	code, out, errs := runMD(t, "", "inspect", "--json", "--now", "2026-11-28T12:00:00Z", mdFixture("spid-idps-aggregate.xml"))
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r jsonInspect
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, es := range r.EntitySignatures {
		switch {
		case !es.Present:
			got[es.EntityID] = "unsigned"
		case es.Valid && len(es.SignerSHA256) == 64:
			got[es.EntityID] = "valid"
		case !es.Valid && es.Problem != "":
			got[es.EntityID] = "invalid"
		default:
			got[es.EntityID] = "inconsistent"
		}
	}
	want := map[string]string{
		"https://loginspid.aruba.it": "invalid", "https://identity.infocert.it": "valid", "https://posteid.poste.it": "invalid",
		"https://spid.teamsystem.com/idp": "valid", "https://spid.intesa.it": "unsigned",
	}
	if len(r.EntitySignatures) != 10 {
		t.Errorf("%d entity signatures, want 10", len(r.EntitySignatures))
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("D4 %s: %s, want %s", id, got[id], w)
		}
	}
	_, text, _ := runMD(t, "", "inspect", "--now", "2026-11-28T12:00:00Z", mdFixture("spid-idps-aggregate.xml"))
	if !strings.Contains(text, "entity signatures: 4 of 10 entities signed, 2 verify, 2 do not") || !strings.Contains(text, "INVALID  https://posteid.poste.it") {
		t.Errorf("text report:\n%s", text)
	}
}

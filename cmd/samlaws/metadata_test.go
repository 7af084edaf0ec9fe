package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mdFixture(name string) string { return filepath.Join("..", "..", "metadata", "testdata", name) }

func runMD(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := runMetadata(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestMetadataInspect(t *testing.T) {
	tenant := mdFixture("entra-tenant-8b966979.xml")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"C1.4_tenant_usable", []string{"inspect", tenant, "--now", "2018-12-01T00:00:00Z"}, exitOK,
			[]string{"entity_id:   https://sts.windows.net/8b966979-910b-487c-a604-69229b1ac75c/", "kind:        entra-tenant", "FD482A5C6FED30B76E489D53F1C687C54EDC3AD7", "expiring-60d", "rollover:    next-published", "usable:      yes"}},
		{"C3.3_all_expired", []string{"inspect", "--now", "2026-11-28T00:00:00Z", mdFixture("entra-app-61318f71.xml")}, exitRejected,
			[]string{"kind:        entra-app", "expired", "usable:      NO", "no IdP signing certificate is valid"}},
		{"D4_tampered", []string{"inspect", mdFixture("entra-app-61318f71-edited.xml"), "--now", "2025-01-01T00:00:00Z"}, exitRejected,
			[]string{"signature:   INVALID", "usable:      NO"}},
		{"D4.6_pinned", []string{"inspect", tenant, "--now", "2018-12-01T00:00:00Z", "--pin", "fd:48:2a:5c:6f:ed:30:b7:6e:48:9d:53:f1:c6:87:c5:4e:dc:3a:d7"}, exitOK,
			[]string{"pinned"}},
		{"D4.6_wrong_pin", []string{"inspect", tenant, "--now", "2018-12-01T00:00:00Z", "--pin", "6B740DD01652EECE2737E05DAE36C5D18FCB74C3"}, exitRejected,
			[]string{"not by a pinned certificate"}},
		{"A5.3_sha1_needs_flag", []string{"inspect", mdFixture("okta-wsfed-dev-11721018.xml")}, exitRejected, []string{"rsa-sha1"}},
		{"google_unsigned_usable", []string{"inspect", mdFixture("google-workspace-C019px6f1.xml"), "--now", "2026-01-01T00:00:00Z"}, exitOK, []string{"signature:   none", "valid_until: 2030-06-05T20:14:04Z"}},
		{"aggregate", []string{"inspect", mdFixture("spid-idps-aggregate.xml"), "--now", "2026-01-01T00:00:00Z"}, exitOK, []string{"aggregate:   https://idps.spid.gov.it (10 entities)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runMD(t, "", tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, tc.code, out, errs)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestMetadataInspectJSON(t *testing.T) {
	code, out, errs := runMD(t, "", "inspect", "--json", "--now", "2018-12-01T00:00:00Z", mdFixture("entra-tenant-8b966979.xml"))
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r struct {
		EntityID  string `json:"entity_id"`
		Signature struct {
			Present      bool   `json:"present"`
			Valid        bool   `json:"valid"`
			SignerSHA256 string `json:"signer_sha256"`
		} `json:"signature"`
		Certificates []struct {
			SHA1     string `json:"sha1"`
			SHA256   string `json:"sha256"`
			NotAfter string `json:"not_after"`
			Use      string `json:"use"`
			State    string `json:"state"`
		} `json:"certificates"`
		Usable bool `json:"usable"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if r.EntityID != "https://sts.windows.net/8b966979-910b-487c-a604-69229b1ac75c/" || !r.Signature.Present || !r.Signature.Valid ||
		r.Signature.SignerSHA256 != "DBB56B43F357A2432D71ADE0ACD4BAE2B748CDB0CF28AFCC4857E46296E2AF19" || !r.Usable {
		t.Errorf("report = %+v", r)
	}
	if len(r.Certificates) != 3 || r.Certificates[0].SHA1 != "FD482A5C6FED30B76E489D53F1C687C54EDC3AD7" || r.Certificates[0].NotAfter != "2019-01-04T00:00:00Z" ||
		r.Certificates[0].Use != "signing" || r.Certificates[0].State != "expiring-60d" || r.Certificates[2].State != "expired" {
		t.Errorf("certificates = %+v", r.Certificates)
	}
}

func TestMetadataInspectURLAndStdin(t *testing.T) {
	body, err := os.ReadFile(mdFixture("entra-app-61318f71.xml"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(body) }))
	defer srv.Close()
	if code, out, errs := runMD(t, "", "inspect", srv.URL+"/x/federationmetadata/2007-06/federationmetadata.xml", "--now", "2025-01-01T00:00:00Z"); code != exitOK || !strings.Contains(out, "kind:        entra-app") {
		t.Errorf("URL: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := runMD(t, string(body), "inspect", "-", "--now", "2025-01-01T00:00:00Z"); code != exitOK || !strings.Contains(out, "source:      -") {
		t.Errorf("stdin: exit %d\n%s%s", code, out, errs)
	}
	if code, _, _ := runMD(t, "", "inspect", srv.URL+"/missing\x00"); code != exitUsage {
		t.Errorf("bad URL: exit %d", code)
	}
}

func TestMetadataUsage(t *testing.T) {
	for _, args := range [][]string{
		{}, {"nope"}, {"inspect"}, {"inspect", "a", "b"}, {"inspect", "--now", "yesterday", "x"}, {"inspect", "--bogus", "x"},
		{"inspect", "--pin", "xyz", "x"}, {"for-iam"}, {"diff", "a"}, {"diff", "a", "b", "--active", "no"},
	} {
		if code, _, _ := runMD(t, "", args...); code != exitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, exitUsage)
		}
	}
	if code, out, _ := runMD(t, "", "--help"); code != exitOK || !strings.Contains(out, "samlaws metadata inspect") {
		t.Errorf("help: %d", code)
	}
	if code, _, errs := runMD(t, "", "inspect", "does-not-exist.xml"); code != exitUsage || !strings.Contains(errs, "does-not-exist.xml") {
		t.Errorf("missing file: %d %s", code, errs)
	}
}

func TestMetadataForIAM(t *testing.T) {
	tenantPath := mdFixture("entra-tenant-8b966979.xml")
	raw, _ := os.ReadFile(tenantPath)
	code, out, errs := runMD(t, "", "for-iam", tenantPath)
	if code != exitOK || out != string(raw[3:]) || !strings.Contains(errs, "byte order mark") {
		t.Fatalf("C1.3: exit %d, stderr %s", code, errs)
	}
	dst := filepath.Join(t.TempDir(), "iam.xml")
	if code, _, errs := runMD(t, "", "for-iam", tenantPath, "--out", dst); code != exitOK {
		t.Fatalf("--out: %d %s", code, errs)
	}
	if b, _ := os.ReadFile(dst); !bytes.Equal(b, raw[3:]) {
		t.Error("--out content differs")
	}
	if code, _, errs := runMD(t, "", "for-iam", mdFixture("okta-wsfed-dev-11721018.xml")); code != exitRejected || !strings.Contains(errs, "IDPSSODescriptor") {
		t.Errorf("okta: %d %s", code, errs)
	}
	// D4.6: with --pin the input must verify first.
	if code, out, errs := runMD(t, "", "for-iam", tenantPath, "--pin", "FD482A5C6FED30B76E489D53F1C687C54EDC3AD7"); code != exitOK || out != string(raw[3:]) {
		t.Errorf("pinned: %d %s", code, errs)
	}
	if code, out, _ := runMD(t, "", "for-iam", mdFixture("entra-app-61318f71-edited.xml"), "--pin", "C147B5D6E9F6E44927F114B4D17C18674130007F"); code != exitRejected || out != "" {
		t.Errorf("tampered with pin: exit %d, output %d bytes", code, len(out))
	}
	if code, _, _ := runMD(t, "", "for-iam", tenantPath, "--pin", "nope"); code != exitUsage {
		t.Errorf("bad pin: exit %d", code)
	}
}

func TestMetadataDiff(t *testing.T) {
	tenant := mdFixture("entra-tenant-8b966979.xml")
	if code, out, _ := runMD(t, "", "diff", tenant, tenant, "--now", "2018-12-01T00:00:00Z"); code != exitOK || !strings.Contains(out, "kept: 3") || !strings.Contains(out, "safe") {
		t.Errorf("same: %d\n%s", code, out)
	}
	code, out, _ := runMD(t, "", "diff", "--json", tenant, mdFixture("entra-common-tenantid.xml"), "--now", "2018-12-01T00:00:00Z")
	var d struct {
		Added   []json.RawMessage `json:"added"`
		Removed []json.RawMessage `json:"removed"`
		Breaks  bool              `json:"breaks_sign_in"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil || code != exitRejected || !d.Breaks || len(d.Added) != 4 || len(d.Removed) != 3 {
		t.Errorf("C3.4 switch: exit %d %+v %v\n%s", code, d, err, out)
	}
	if code, _, _ := runMD(t, "", "diff", tenant, mdFixture("spid-idps-aggregate.xml")); code != exitUsage {
		t.Errorf("aggregate diff: exit %d", code)
	}
}

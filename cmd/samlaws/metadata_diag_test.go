package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 16: for-iam warns (and with --strict refuses) a document IAM takes
// but sign-in fails with: a failing signature, only expired signing
// certificates, the {tenantid} "common" document (real fixtures).
func TestForIAMWarnings(t *testing.T) {
	td := func(n string) string { return filepath.Join("testdata", n) }
	for _, tc := range []struct {
		name, file, now, want string
	}{
		{"D4_edited", "entra-app-61318f71-edited.xml", "2025-01-01T00:00:00Z", "signature does not verify"},
		{"C3.2_expired", "entra-app-61318f71.xml", "2026-11-28T00:00:00Z", "every signing certificate has expired"},
		{"C1.4_common", "entra-common-tenantid.xml", "2030-01-01T00:00:00Z", "{tenantid}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "iam.xml")
			r := runCLI(t, "", "metadata", "for-iam", td(tc.file), "--now", tc.now, "--out", out)
			if r.code != exitOK || !strings.Contains(r.stderr, "warning: ") || !strings.Contains(r.stderr, tc.want) ||
				!strings.Contains(r.stderr, "sign-in would fail") {
				t.Errorf("exit %d\n%s", r.code, r.stderr)
			}
			if tc.name == "C3.2_expired" && !strings.Contains(r.stderr, awsAcceptsExpired) {
				t.Errorf("does not say AWS still accepts the expired certificate:\n%s", r.stderr)
			}
			s := runCLI(t, "", "metadata", "for-iam", "--strict", td(tc.file), "--now", tc.now)
			if s.code != exitRejected || s.stdout != "" || !strings.Contains(s.stderr, "refused (--strict)") {
				t.Errorf("--strict: exit %d\n%s%s", s.code, s.stdout, s.stderr)
			}
		})
	}
	// A good document: no warning, --strict passes.
	r := runCLI(t, "", "metadata", "for-iam", "--strict", td("entra-app-61318f71.xml"), "--now", "2025-01-01T00:00:00Z")
	if r.code != exitOK || strings.Contains(r.stderr, "warning") || !strings.Contains(r.stdout, "EntityDescriptor") {
		t.Errorf("good document: exit %d\n%s", r.code, r.stderr)
	}
}

// Issue 16: diff reports an entityID change, the {tenantid} document and a
// failing signature as breaking, which a certificate comparison alone calls
// safe (real fixtures).
func TestDiffBreaksBeyondCertificates(t *testing.T) {
	td := func(n string) string { return filepath.Join("testdata", n) }
	app, edited := td("entra-app-61318f71.xml"), td("entra-app-61318f71-edited.xml")
	r := runCLI(t, "", "metadata", "diff", app, app, "--now", "2025-01-01T00:00:00Z")
	if r.code != exitOK || !strings.Contains(r.stdout, "safe") || !strings.Contains(r.stdout, "(unchanged)") {
		t.Errorf("same: exit %d\n%s", r.code, r.stdout)
	}
	r = runCLI(t, "", "metadata", "diff", app, edited, "--now", "2025-01-01T00:00:00Z")
	if r.code != exitRejected || !strings.Contains(r.stdout, "kept: 1") || !strings.Contains(r.stdout, "NEW signature: INVALID") || !strings.Contains(r.stdout, "BREAKS") {
		t.Errorf("edited: exit %d\n%s", r.code, r.stdout)
	}
	r = runCLI(t, "", "metadata", "diff", "--json", app, td("entra-tenant-8b966979.xml"), "--now", "2025-01-01T00:00:00Z")
	var d jsonDiff
	if err := json.Unmarshal([]byte(r.stdout), &d); err != nil || r.code != exitRejected || !d.EntityIDChanged || !d.Breaks ||
		d.OldEntityID != "https://sts.windows.net/61318f71-9c58-4f75-b8af-329e649fcd80/" || d.NewEntityID != "https://sts.windows.net/8b966979-910b-487c-a604-69229b1ac75c/" {
		t.Errorf("other tenant: exit %d %v\n%s", r.code, err, r.stdout)
	}
	r = runCLI(t, "", "metadata", "diff", td("entra-common-tenantid.xml"), td("entra-common-tenantid.xml"), "--now", "2030-01-01T00:00:00Z")
	if r.code != exitRejected || !strings.Contains(r.stdout, "{tenantid}") {
		t.Errorf("common: exit %d\n%s", r.code, r.stdout)
	}
}

// Issue 16: expiry as one scriptable story: days left in text and JSON, and
// --warn-days N exits 1 when a signing certificate expires within N days.
func TestInspectWarnDays(t *testing.T) {
	app := filepath.Join("testdata", "entra-app-61318f71.xml") // signing certificate NotAfter 2025-11-10
	r := runCLI(t, "", "metadata", "inspect", "--json", app, "--now", "2025-11-01T00:00:00Z")
	var j jsonInspect
	if err := json.Unmarshal([]byte(r.stdout), &j); err != nil || len(j.Certificates) == 0 || j.Certificates[0].DaysLeft == nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	left := *j.Certificates[0].DaysLeft
	if left < 8 || left > 10 || r.code != exitOK {
		t.Errorf("days_left %d, exit %d", left, r.code)
	}
	txt := runCLI(t, "", "metadata", "inspect", app, "--now", "2025-11-01T00:00:00Z")
	if !strings.Contains(txt.stdout, "days left)") {
		t.Errorf("text lacks days left:\n%s", txt.stdout)
	}
	if r := runCLI(t, "", "metadata", "inspect", app, "--now", "2025-11-01T00:00:00Z", "--warn-days", "5"); r.code != exitOK {
		t.Errorf("--warn-days 5: exit %d\n%s", r.code, r.stdout)
	}
	r = runCLI(t, "", "metadata", "inspect", app, "--now", "2025-11-01T00:00:00Z", "--warn-days", "30")
	if r.code != exitRejected || !strings.Contains(r.stdout, "within --warn-days 30") {
		t.Errorf("--warn-days 30: exit %d\n%s", r.code, r.stdout)
	}
	r = runCLI(t, "", "metadata", "inspect", "--json", app, "--now", "2025-11-01T00:00:00Z", "--warn-days", "30")
	if err := json.Unmarshal([]byte(r.stdout), &j); err != nil || len(j.Warnings) != 1 || j.WarnDays == nil || *j.WarnDays != 30 || !j.Usable {
		t.Errorf("JSON warnings: %v %+v", err, j.Warnings)
	}
	if h := runCLI(t, "", "help", "metadata"); !strings.Contains(h.stdout, "next-published") || !strings.Contains(h.stdout, "no-valid-certificate") ||
		!strings.Contains(h.stdout, "--warn-days") {
		t.Errorf("help does not explain the rollover states:\n%s", h.stdout)
	}
	if r := runCLI(t, "", "metadata", "inspect", app, "--warn-days", "-5"); r.code != exitUsage {
		t.Errorf("--warn-days -5: exit %d", r.code)
	}
}

package samltest_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/samlaws/samlaws/saml/samltest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/<name>, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test -update if the change is intended)\n got: %.200s\nwant: %.200s", name, got, want)
	}
}

// With a fixed clock, seed and tenant, the metadata is byte-for-byte stable
// across processes: the keys are fixed too. (Responses are the builder's: its
// own golden files in package saml pin their bytes; TestDeterministicOutput
// checks that samltest keeps them reproducible.)
func TestGolden(t *testing.T) {
	t.Parallel()
	cfg := samltest.IdPConfig{
		Now:      func() time.Time { return fixedNow },
		Seed:     1,
		TenantID: "8b966979-910b-487c-a604-69229b1ac75c",
		AppID:    "61318f71-9c58-4f75-b8af-329e649fcd80",
	}
	idp := samltest.NewIdP(t, cfg)
	golden(t, "golden/metadata.xml", idp.Metadata())

	cfg.NextCertificate = true
	roll := samltest.NewIdP(t, cfg)
	golden(t, "golden/metadata-rollover.xml", roll.Metadata())
}

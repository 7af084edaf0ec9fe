package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samlaws/samlaws/internal/mint"
	"github.com/samlaws/samlaws/saml"
	"github.com/samlaws/samlaws/saml/samltest"
)

// TestMintTamperHelp: the help text names every knob of mint.Knobs with
// its rule.
func TestMintTamperHelp(t *testing.T) {
	for _, k := range mint.Knobs() {
		if !strings.Contains(mintHelp, k.Name+" ("+k.Rule+")") {
			t.Errorf("--tamper %s (%s) is not in the help text", k.Name, k.Rule)
		}
	}
	if strings.Contains(mintHelp, "%KNOBS%") {
		t.Error("help text placeholder not filled in")
	}
}

// TestMintTamperCLI drives the binary: the untampered response verifies
// against the metadata the same run wrote, and every --tamper name gives a
// response the project's verifier rejects; misuse is a usage error naming
// --tamper.
func TestMintTamperCLI(t *testing.T) {
	tool := buildMintTool(t)
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return mintNow }})
	keyFile := tool.file(t, "idp.pem", keyPEM(idp))
	certFile := tool.file(t, "idp.crt", certPEM(idp))
	mdFile := filepath.Join(tool.dir, "md.xml")
	base := []string{"mint", "--key", keyFile, "--cert", certFile, "--now", "2026-11-28T13:00:00Z", "--seed", "7"}

	verify := func(t *testing.T, xml []byte) error {
		t.Helper()
		md, err := os.ReadFile(mdFile)
		if err != nil {
			t.Fatal(err)
		}
		entityID, certs := mintReadMetadata(t, md, idp.Certificate())
		v, err := saml.NewVerifier(saml.VerifierConfig{
			IdPEntityID:     entityID,
			Certificates:    certs,
			Now:             func() time.Time { return mintNow.Add(time.Minute) },
			SkipReplayCheck: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = v.Verify(context.Background(), xml)
		return err
	}
	out, errOut, code := tool.run(t, append(base, "--metadata-out", mdFile)...)
	if code != exitOK {
		t.Fatalf("baseline: exit %d: %s", code, errOut)
	}
	if err := verify(t, []byte(strings.TrimSuffix(out, "\n"))); err != nil {
		t.Fatalf("baseline rejected: %v", err)
	}
	for _, tc := range mint.Knobs() {
		t.Run(tc.Rule+"/"+tc.Name, func(t *testing.T) {
			out2, errOut, code := tool.run(t, append(base, "--tamper", tc.Name)...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if out2 == out {
				t.Fatal("--tamper changed nothing")
			}
			if err := verify(t, []byte(strings.TrimSuffix(out2, "\n"))); err == nil {
				t.Errorf("the verifier accepted --tamper %s", tc.Name)
			}
		})
	}
	t.Run("several-names", func(t *testing.T) {
		out2, errOut, code := tool.run(t, append(base, "--tamper", "expired,wrong-audience", "--tamper", "missing-role")...)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		for _, want := range []string{"https://wrong-audience.invalid/saml", "2026-11-28T11:00:00.000Z"} {
			if !strings.Contains(out2, want) {
				t.Errorf("output lacks %q", want)
			}
		}
		if strings.Contains(out2, "https://aws.amazon.com/SAML/Attributes/Role\"") {
			t.Error("missing-role: Role attribute still written")
		}
	})
	for _, tc := range []struct{ name, tamper string }{
		{"unknown-name", "expird"},
		{"D4/incompatible-knobs", "modified-after-signing,missing-nameid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out2, errOut, code := tool.run(t, append(base, "--tamper", tc.tamper)...)
			if code != exitUsage || out2 != "" || !strings.Contains(errOut, "--tamper") {
				t.Errorf("exit %d, stdout %.40q, stderr %q: want a usage error naming --tamper", code, out2, errOut)
			}
		})
	}
}

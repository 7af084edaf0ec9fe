package main

import (
	"crypto/sha1"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samlaws/samlaws/saml/samltest"
)

// TestRun follows Entra's rollover (C3.4): uploading metadata that holds both
// certificates is safe; dropping the one Entra still signs with is not.
func TestRun(t *testing.T) {
	now := time.Date(2026, 11, 28, 13, 0, 0, 0, time.UTC)
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return now }})
	dir := t.TempDir()
	save := func(name string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, idp.Metadata(), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	oldSigner := idp.Certificate()
	current := save("current.xml")
	idp.AddNextCertificate()
	both := save("both.xml")
	idp.ActivateNextCertificate()
	idp.RemoveInactiveCertificates()
	onlyNew := save("only-new.xml")

	active := sha1Thumbprint(oldSigner.Raw)
	if breaks, err := run(current, both, active, now); err != nil || breaks {
		t.Fatalf("current -> both: breaks=%v err=%v, want safe", breaks, err)
	}
	if breaks, err := run(current, onlyNew, active, now); err != nil || !breaks {
		t.Fatalf("current -> only new while Entra still signs with the old one: breaks=%v err=%v, want unsafe", breaks, err)
	}
}

func sha1Thumbprint(der []byte) string {
	sum := sha1.Sum(der)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

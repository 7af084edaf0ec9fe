package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/samlaws/samlaws/internal/samltesthelp"
	"github.com/samlaws/samlaws/saml/samltest"
)

func TestRun(t *testing.T) {
	now := time.Date(2026, 11, 28, 13, 0, 0, 0, time.UTC)
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return now }})
	dir := t.TempDir()
	md := filepath.Join(dir, "md.xml")
	if err := os.WriteFile(md, idp.Metadata(), 0o600); err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.b64", []byte(samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{}).Base64()))
	if err := run(context.Background(), md, good, now.Add(time.Minute).Format(time.RFC3339)); err != nil {
		t.Fatalf("good response rejected: %v", err)
	}
	// Too late: the bearer confirmation window (5 min) has passed.
	if err := run(context.Background(), md, good, now.Add(20*time.Minute).Format(time.RFC3339)); err == nil {
		t.Fatal("expired response accepted")
	}
	bad := write("bad.xml", samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{Tamper: []string{"other-key"}}).XML)
	if err := run(context.Background(), md, bad, now.Add(time.Minute).Format(time.RFC3339)); err == nil {
		t.Fatal("response signed by another key accepted")
	}
}

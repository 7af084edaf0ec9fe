package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/samlaws/samlaws/saml"
	"github.com/samlaws/samlaws/saml/samltest"
)

// post sends a SAMLResponse to the consumer under test.
func post(t *testing.T, srv *httptest.Server, samlResponse string) (int, string) {
	t.Helper()
	resp, err := srv.Client().PostForm(srv.URL, url.Values{"SAMLResponse": {samlResponse}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestConsumer is what a team writes for its own SAML consumer: a samltest
// IdP stands in for Entra, mints a good response and one per attack knob, and
// the consumer must accept the first and refuse every other.
func TestConsumer(t *testing.T) {
	now := time.Date(2029, 7, 4, 12, 0, 0, 0, time.UTC)
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return now }})
	cfg := idp.VerifierConfig() // trusts the IdP's certificate, AWS audiences and recipients
	cfg.Now = func() time.Time { return now.Add(time.Second) }
	v, err := saml.NewVerifier(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(acs(v))
	defer srv.Close()

	code, body := post(t, srv, mustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{}).Base64())
	if code != http.StatusOK || !strings.Contains(body, samltest.DefaultUser().UPN) || !strings.Contains(body, "role/EntraAdmin") {
		t.Fatalf("good response: %d %s", code, body)
	}
	// The same response again is a replay.
	m := mustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{}).Base64()
	if code, _ := post(t, srv, m); code != http.StatusOK {
		t.Fatalf("first use refused: %d", code)
	}
	if code, _ := post(t, srv, m); code != http.StatusForbidden {
		t.Errorf("replayed response: %d, want 403", code)
	}
	for _, k := range samltest.Knobs() {
		t.Run(k.Name, func(t *testing.T) {
			code, body := post(t, srv, mustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{Tamper: []string{k.Name}}).Base64())
			if code != http.StatusForbidden {
				t.Errorf("%s (%s): %d %s, want 403", k.Name, k.Doc, code, body)
			}
			if strings.Contains(body, samltest.DefaultUser().UPN) {
				t.Errorf("%s: the refusal quotes the response", k.Name)
			}
		})
	}
	if code, _ := post(t, srv, "not base64 at all"); code != http.StatusForbidden {
		t.Errorf("garbage: %d", code)
	}
}

// mustMint mints a response with idp.Mint and fails the test on error. This
// file is the sample a team copies into its own module, so it keeps its own
// copy rather than use internal/samltesthelp, which code outside this module
// cannot import.
func mustMint(t samltest.TB, idp *samltest.IdP, u samltest.User, opts samltest.ResponseOptions) *samltest.Minted {
	t.Helper()
	m, err := idp.Mint(u, opts)
	if err != nil {
		t.Fatalf("%v", err)
	}
	return m
}

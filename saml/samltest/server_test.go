package samltest_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beevik/etree"
	crewsaml "github.com/crewjam/saml"

	"github.com/samlaws/samlaws/saml/samltest"
)

func get(t *testing.T, u string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// C1.1, C1.2, C1.3: both metadata URLs, the app-specific one with a BOM.
func TestServerMetadataC1(t *testing.T) {
	t.Parallel()
	srv := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return fixedNow }}).Serve()
	idp := srv.IdP
	_, want := get(t, srv.MetadataURL)
	if bytes.Equal(want, idp.Metadata()) {
		t.Error("served metadata should name the server, not login.microsoftonline.com")
	}
	if !bytes.Contains(want, []byte(`Location="`+srv.URL+"/"+idp.TenantID+`/saml2"`)) {
		t.Error("served metadata does not point SSO at the server")
	}

	for _, tc := range []struct {
		name string
		url  string
		bom  bool
	}{
		{"C1.1/tenant", srv.MetadataURL, false},
		{"C1.2/app-BOM-C1.3", srv.AppMetadataURL, true},
		{"C1.1/case-insensitive", srv.URL + "/" + strings.ToUpper(idp.TenantID) + "/federationmetadata/2007-06/FEDERATIONMETADATA.xml", false},
		{"C1.2/appid-upper", srv.URL + "/" + idp.TenantID + "/FederationMetadata/2007-06/FederationMetadata.xml?appid=" + strings.ToUpper(idp.AppID), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := get(t, tc.url)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/xml") {
				t.Errorf("Content-Type %q", ct)
			}
			hasBOM := bytes.HasPrefix(body, []byte{0xEF, 0xBB, 0xBF})
			if hasBOM != tc.bom {
				t.Errorf("BOM present = %v, want %v", hasBOM, tc.bom)
			}
			if !bytes.Equal(bytes.TrimPrefix(body, []byte("\xEF\xBB\xBF")), want) {
				t.Error("body is not the server's metadata")
			}
			if _, err := verifyMetadata(t, bytes.TrimPrefix(body, []byte("\xEF\xBB\xBF")), idp.Certificate()); err != nil {
				t.Errorf("served metadata does not verify: %v", err)
			}
		})
	}

	for _, tc := range []struct {
		name, method, url string
		status            int
	}{
		{"unknown-appid", http.MethodGet, srv.URL + "/" + idp.TenantID + "/federationmetadata/2007-06/federationmetadata.xml?appid=00000000-0000-0000-0000-000000000000", http.StatusNotFound},
		{"other-tenant", http.MethodGet, srv.URL + "/common/FederationMetadata/2007-06/FederationMetadata.xml", http.StatusNotFound},
		{"post", http.MethodPost, srv.MetadataURL, http.StatusMethodNotAllowed},
		{"head", http.MethodHead, srv.MetadataURL, http.StatusOK},
		{"sp-initiated-garbage", http.MethodGet, srv.URL + "/" + idp.TenantID + "/saml2?SAMLRequest=abc", http.StatusBadRequest},
		{"launcher-wrong-tenant", http.MethodGet, srv.URL + "/api/signin/" + idp.AppID + "?tenantId=other", http.StatusNotFound},
		{"relaystate-too-long-D1.1", http.MethodGet, srv.SSOURL + "?RelayState=" + url.QueryEscape(strings.Repeat("r", 81)), http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, tc.url, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.status)
			}
		})
	}
}

var (
	formActionRE = regexp.MustCompile(`<form method="POST"[^>]* action="([^"]*)"`)
	formInputRE  = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)
)

// parseForm reads an auto-submit page as a browser would: the form's action
// and its hidden fields.
func parseForm(t *testing.T, page []byte) (string, url.Values) {
	t.Helper()
	m := formActionRE.FindSubmatch(page)
	if m == nil {
		t.Fatalf("no POST form in the page:\n%.300s", page)
	}
	vals := url.Values{}
	for _, in := range formInputRE.FindAllSubmatch(page, -1) {
		vals.Add(html.UnescapeString(string(in[1])), html.UnescapeString(string(in[2])))
	}
	return html.UnescapeString(string(m[1])), vals
}

// acsRecorder is a test service provider's ACS: it records what is posted.
type acsRecorder struct {
	mu    sync.Mutex
	posts []url.Values
}

func (a *acsRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	a.mu.Lock()
	a.posts = append(a.posts, r.PostForm)
	a.mu.Unlock()
	io.WriteString(w, "signed in")
}

// IdP-initiated sign-in over HTTP, as a browser does it: GET the IdP's SSO
// URL, read the auto-submit form, POST it to the ACS (D1.1, D1.6).
func TestServerIdPInitiatedSSO(t *testing.T) {
	t.Parallel()
	rec := &acsRecorder{}
	acs := httptest.NewServer(rec)
	t.Cleanup(acs.Close)
	acsURL := acs.URL + "/saml/acs"
	srv := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return fixedNow }, ACS: acsURL, Audience: "urn:test:sp"}).Serve()
	idp := srv.IdP
	v := newVerifier(t, idp)

	for _, tc := range []struct {
		name, url, relay, nameID string
	}{
		{"saml2-endpoint", srv.SSOURL + "?RelayState=" + url.QueryEscape("https://console.aws.amazon.com/"), "https://console.aws.amazon.com/", samltest.DefaultUser().UPN},
		{"no-relaystate", srv.SSOURL, "", samltest.DefaultUser().UPN},
		{"launcher", srv.URL + "/api/signin/" + idp.AppID + "?tenantId=" + idp.TenantID + "&RelayState=r1", "r1", samltest.DefaultUser().UPN},
		{"login_hint", srv.SSOURL + "?login_hint=alice%40contoso.com", "", "alice@contoso.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, page := get(t, tc.url)
			if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			action, vals := parseForm(t, page)
			if action != acsURL {
				t.Errorf("form action %q, want the ACS %q", action, acsURL)
			}
			if got := vals.Get("RelayState"); got != tc.relay {
				t.Errorf("RelayState %q, want %q", got, tc.relay)
			}
			if _, has := vals["RelayState"]; has != (tc.relay != "") {
				t.Errorf("RelayState field present = %v", has)
			}
			raw, err := base64.StdEncoding.DecodeString(vals.Get("SAMLResponse"))
			if err != nil {
				t.Fatal(err)
			}
			a, err := v.Verify(context.Background(), raw)
			if err != nil {
				t.Fatalf("the posted response does not verify: %v", err)
			}
			if a.NameID != tc.nameID || a.Destination != acsURL || a.Recipient != acsURL {
				t.Errorf("NameID %q Destination %q Recipient %q", a.NameID, a.Destination, a.Recipient)
			}
			if string(a.RoleSessionName) != tc.nameID {
				t.Errorf("RoleSessionName %q, want %q", a.RoleSessionName, tc.nameID)
			}

			// The browser submits the form.
			post, err := http.PostForm(action, vals)
			if err != nil {
				t.Fatal(err)
			}
			post.Body.Close()
			if post.StatusCode != http.StatusOK {
				t.Errorf("ACS answered %d", post.StatusCode)
			}
			rec.mu.Lock()
			last := rec.posts[len(rec.posts)-1]
			rec.mu.Unlock()
			if last.Get("SAMLResponse") != vals.Get("SAMLResponse") || last.Get("RelayState") != tc.relay {
				t.Error("the ACS did not receive the form's fields")
			}
		})
	}
}

// The server follows a rollover: metadata lists both certificates and the SSO
// endpoint signs with whichever is active.
func TestServerRollover(t *testing.T) {
	t.Parallel()
	srv := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return fixedNow }}).Serve()
	idp := srv.IdP
	old := idp.Certificate()
	next := idp.AddNextCertificate()
	_, body := get(t, srv.AppMetadataURL)
	if got := certsIn(t, bytes.TrimPrefix(body, []byte("\xEF\xBB\xBF"))); len(got) != 6 || got[0] != b64(old) || got[1] != b64(next) {
		t.Errorf("served metadata during rollover lists %d KeyDescriptors", len(got))
	}
	idp.ActivateNextCertificate()
	_, page := get(t, srv.SSOURL)
	_, vals := parseForm(t, page)
	raw, _ := base64.StdEncoding.DecodeString(vals.Get("SAMLResponse"))
	if signingCert(t, raw) != b64(next) {
		t.Error("after activation the SSO endpoint does not sign with the next certificate")
	}
	if _, err := newVerifier(t, idp).Verify(context.Background(), raw); err != nil {
		t.Errorf("verifier trusting the served metadata rejects: %v", err)
	}
}

func TestServerClosedWithTest(t *testing.T) {
	t.Parallel()
	var srv *samltest.Server
	t.Run("inner", func(t *testing.T) {
		srv = samltest.NewIdP(t, samltest.IdPConfig{}).Serve()
		if _, err := http.Get(srv.MetadataURL); err != nil {
			t.Fatal(err)
		}
	})
	if _, err := http.Get(srv.MetadataURL); err == nil {
		t.Error("the server still answers after its test ended")
	}
}

// SP-initiated sign-in (D1.6) with a real SP library: crewjam/saml reads the
// served metadata, sends an AuthnRequest by HTTP-Redirect or HTTP-POST, and
// accepts the answer only with its request ID.
func TestServerSPInitiatedD1_6(t *testing.T) {
	t.Parallel()
	acsURL := "https://sp.example/saml/acs"
	srv := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return fixedNow }, ACS: acsURL, Audience: acsURL}).Serve()
	sp := crewSP(t, served(t, srv), srv.IdP.Certificate(), acsURL)

	check := func(t *testing.T, resp *http.Response, reqID, relay string) {
		t.Helper()
		defer resp.Body.Close()
		page, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d: %s", resp.StatusCode, page)
		}
		action, vals := parseForm(t, page)
		if action != acsURL || vals.Get("RelayState") != relay {
			t.Errorf("action %q RelayState %q", action, vals.Get("RelayState"))
		}
		raw, _ := base64.StdEncoding.DecodeString(vals.Get("SAMLResponse"))
		if _, err := sp.ParseXMLResponse(raw, []string{reqID}, *mustURL(t, acsURL)); err != nil {
			t.Errorf("crewjam rejects the answer to its request: %v", privateErr(err))
		}
		if _, err := sp.ParseXMLResponse(raw, []string{"_other"}, *mustURL(t, acsURL)); err == nil {
			t.Error("crewjam accepted the answer for another request ID")
		}
	}

	t.Run("redirect-binding", func(t *testing.T) {
		req, err := sp.MakeAuthenticationRequest(sp.GetSSOBindingLocation(crewsaml.HTTPRedirectBinding), crewsaml.HTTPRedirectBinding, crewsaml.HTTPPostBinding)
		if err != nil {
			t.Fatal(err)
		}
		u, err := req.Redirect("relay-r", sp)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(u.String(), srv.URL+"/") {
			t.Fatalf("crewjam sends the request to %s, not the server", u)
		}
		resp, err := http.Get(u.String())
		if err != nil {
			t.Fatal(err)
		}
		check(t, resp, req.ID, "relay-r")
	})
	t.Run("post-binding", func(t *testing.T) {
		req, err := sp.MakeAuthenticationRequest(sp.GetSSOBindingLocation(crewsaml.HTTPPostBinding), crewsaml.HTTPPostBinding, crewsaml.HTTPPostBinding)
		if err != nil {
			t.Fatal(err)
		}
		doc := etree.NewDocument()
		doc.SetRoot(req.Element())
		xml, err := doc.WriteToBytes()
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.PostForm(req.Destination, url.Values{"SAMLRequest": {base64.StdEncoding.EncodeToString(xml)}, "RelayState": {"relay-p"}})
		if err != nil {
			t.Fatal(err)
		}
		check(t, resp, req.ID, "relay-p")
	})

	// Entra's refusals: unknown application, wrong reply URL, hostile input.
	authn := func(issuer, acs string) string {
		x := `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r1" Version="2.0" IssueInstant="2026-11-28T13:00:00Z"`
		if acs != "" {
			x += ` AssertionConsumerServiceURL="` + acs + `"`
		}
		return base64.StdEncoding.EncodeToString([]byte(x + `><saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">` + issuer + `</saml:Issuer></samlp:AuthnRequest>`))
	}
	for _, tc := range []struct {
		name, samlRequest string
		status            int
	}{
		{"ok-without-acs", authn(acsURL, ""), http.StatusOK},
		{"AADSTS700016/unknown-issuer", authn("https://other.example", ""), http.StatusBadRequest},
		{"AADSTS50011/wrong-acs", authn(acsURL, "https://evil.example/acs"), http.StatusBadRequest},
		{"not-base64", "%%%", http.StatusBadRequest},
		{"D4.8/doctype", base64.StdEncoding.EncodeToString([]byte(`<!DOCTYPE x [<!ENTITY a "b">]><x/>`)), http.StatusBadRequest},
		{"not-authnrequest", base64.StdEncoding.EncodeToString([]byte(`<x/>`)), http.StatusBadRequest},
		{"empty", "", http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := http.PostForm(srv.URL+"/"+srv.IdP.TenantID+"/saml2", url.Values{"SAMLRequest": {tc.samlRequest}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.status)
			}
		})
	}
}

func TestServeTLS(t *testing.T) {
	t.Parallel()
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return fixedNow }})
	srv := idp.ServeTLS()
	if !strings.HasPrefix(srv.URL, "https://") {
		t.Fatalf("URL %q is not HTTPS", srv.URL)
	}
	resp, err := srv.Client().Get(srv.AppMetadataURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.HasPrefix(body, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if !bytes.Contains(body, []byte(`Location="`+srv.URL+"/"+idp.TenantID+`/saml2"`)) {
		t.Error("metadata does not name the HTTPS endpoint")
	}
	if _, err := http.Get(srv.MetadataURL); err == nil {
		t.Error("a client that does not trust the test certificate connected")
	}
}

// served returns the metadata the server serves at its MetadataURL.
func served(t *testing.T, srv *samltest.Server) []byte {
	t.Helper()
	resp, body := get(t, srv.MetadataURL)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d", srv.MetadataURL, resp.StatusCode)
	}
	return body
}

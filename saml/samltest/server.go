package samltest

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/samlaws/samlaws/internal/xmlread"
)

// Server is an [IdP] served over HTTP by an httptest.Server, so that HTTP- and
// browser-level tests of other programs can run offline. It serves:
//
//   - GET /<tenant>/FederationMetadata/2007-06/FederationMetadata.xml: the tenant
//     metadata (C1.1), without a BOM;
//   - GET /<tenant>/federationmetadata/2007-06/federationmetadata.xml?appid=<app>:
//     the app-specific metadata (C1.2), which starts with a UTF-8 BOM as Entra's
//     does (C1.3); an unknown appid gets 404;
//   - GET /<tenant>/saml2 (no SAMLRequest) and GET /api/signin/<app>?tenantId=<tenant>:
//     IdP-initiated sign-in of [IdP.User]; the answer is Entra's auto-submit HTML
//     form that POSTs SAMLResponse (and RelayState, from the query's RelayState
//     parameter) to [IdP.ACS]. A login_hint parameter replaces the user's UPN,
//     e-mail and session name;
//   - GET /<tenant>/saml2?SAMLRequest=... (HTTP-Redirect binding) and POST
//     /<tenant>/saml2 (HTTP-POST binding): SP-initiated sign-in. The
//     AuthnRequest's Issuer must be [IdP.Audience] and its
//     AssertionConsumerServiceURL, when present, [IdP.ACS] (400 otherwise, as
//     Entra's AADSTS700016 and AADSTS50011); the response carries
//     InResponseTo (D1.6). Requests are not signed-checked.
//
// Paths are matched case-insensitively, as Entra matches them. The metadata
// served names the server's own URL as the SSO and WS-Fed endpoints. The server
// is closed when the test that made it ends (an IdP made by [New]: call Close).
// [IdP.ServeTLS] serves HTTPS.
type Server struct {
	*httptest.Server
	// IdP is the identity provider being served.
	IdP *IdP
	// MetadataURL is the tenant metadata URL (C1.1). GET it for the metadata
	// the server serves: like [IdP.Metadata], but with the server's URL as
	// the endpoints' host.
	MetadataURL string
	// AppMetadataURL is the app-specific metadata URL (C1.2); its answer
	// starts with a BOM (C1.3).
	AppMetadataURL string
	// SSOURL is the IdP-initiated sign-in URL. Add
	// "?RelayState=" + url.QueryEscape(relayState) to have relayState passed
	// on to the ACS as RelayState.
	SSOURL string
}

// Serve starts an HTTP server for the IdP (plain HTTP on 127.0.0.1) and registers
// its Close with the IdP's test (an IdP made by [New]: the caller closes it).
func (idp *IdP) Serve() *Server {
	s := &Server{IdP: idp}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.start()
	if idp.t != nil {
		idp.t.Cleanup(s.Close)
	}
	return s
}

// ServeTLS is like [IdP.Serve] but serves HTTPS, with httptest's test
// certificate: use the server's Client() (which trusts it) for requests, as
// Entra's endpoints are HTTPS only.
func (idp *IdP) ServeTLS() *Server {
	s := &Server{IdP: idp}
	s.Server = httptest.NewTLSServer(http.HandlerFunc(s.serveHTTP))
	s.start()
	if idp.t != nil {
		idp.t.Cleanup(s.Close)
	}
	return s
}

// start sets the server's URLs once its listener has one.
func (s *Server) start() {
	base := s.URL + "/" + s.IdP.TenantID
	s.MetadataURL = base + "/FederationMetadata/2007-06/FederationMetadata.xml"
	s.AppMetadataURL = base + "/federationmetadata/2007-06/federationmetadata.xml?appid=" + url.QueryEscape(s.IdP.AppID)
	s.SSOURL = base + "/saml2"
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	tenant := strings.ToLower(s.IdP.TenantID)
	path := strings.ToLower(r.URL.Path)
	switch {
	case path == "/"+tenant+"/federationmetadata/2007-06/federationmetadata.xml":
		s.serveMetadata(w, r)
	case path == "/"+tenant+"/saml2":
		if r.Method == http.MethodPost || r.URL.Query().Has("SAMLRequest") {
			s.serveAuthnRequest(w, r)
			return
		}
		s.serveSSO(w, r, "")
	case path == "/api/signin/"+strings.ToLower(s.IdP.AppID):
		if !strings.EqualFold(r.URL.Query().Get("tenantId"), s.IdP.TenantID) {
			http.Error(w, "samltest: unknown tenantId", http.StatusNotFound)
			return
		}
		s.serveSSO(w, r, "")
	default:
		http.NotFound(w, r)
	}
}

func (s *Server) serveMetadata(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "samltest: method not allowed", http.StatusMethodNotAllowed)
		return
	}
	q := r.URL.Query()
	bom := false
	if q.Has("appid") {
		if !strings.EqualFold(q.Get("appid"), s.IdP.AppID) {
			http.Error(w, "samltest: unknown appid", http.StatusNotFound)
			return
		}
		bom = true
	}
	md := s.IdP.metadataFor(s.URL)
	if md == nil {
		http.Error(w, "samltest: no metadata", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	if r.Method == http.MethodHead {
		return
	}
	if bom {
		_, _ = w.Write([]byte(utf8BOM))
	}
	_, _ = w.Write(md)
}

// utf8BOM is the UTF-8 byte order mark that Entra's app-specific metadata endpoint
// sends before the document (C1.3).
const utf8BOM = "\xEF\xBB\xBF"

// maxAuthnRequest bounds a decoded (and inflated) AuthnRequest.
const maxAuthnRequest = 64 << 10

// serveAuthnRequest answers SP-initiated sign-in: an AuthnRequest in the
// HTTP-Redirect binding (GET, deflated) or the HTTP-POST binding.
func (s *Server) serveAuthnRequest(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "samltest: bad form", http.StatusBadRequest)
		return
	}
	id, err := s.IdP.parseAuthnRequest(r.Form.Get("SAMLRequest"), r.Method == http.MethodGet)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.serveSSO(w, r, id)
}

// parseAuthnRequest decodes an AuthnRequest and checks it as Entra does: the
// Issuer must be the application's identifier (IdP.Audience) and an
// AssertionConsumerServiceURL, when present, the Reply URL (IdP.ACS). It
// returns the request ID. deflated is true for the HTTP-Redirect binding.
func (idp *IdP) parseAuthnRequest(value string, deflated bool) (string, error) {
	if value == "" {
		return "", errors.New("samltest: empty SAMLRequest")
	}
	data, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(value), ""))
	if err != nil {
		return "", errors.New("samltest: SAMLRequest is not base64")
	}
	if deflated {
		data, err = io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(data)), maxAuthnRequest+1))
		if err != nil {
			return "", errors.New("samltest: SAMLRequest is not deflated (HTTP-Redirect binding)")
		}
	}
	if err := xmlread.Check(xmlread.TrimBOM(data), xmlread.Limits{MaxBytes: maxAuthnRequest, MaxDepth: 16, MaxTokens: 4096, MaxAttrs: 32}, xmlread.Options{}); err != nil {
		return "", fmt.Errorf("samltest: SAMLRequest: %w", err)
	}
	var req struct {
		XMLName xml.Name `xml:"urn:oasis:names:tc:SAML:2.0:protocol AuthnRequest"`
		ID      string   `xml:"ID,attr"`
		ACS     string   `xml:"AssertionConsumerServiceURL,attr"`
		Issuer  string   `xml:"urn:oasis:names:tc:SAML:2.0:assertion Issuer"`
	}
	if err := xml.Unmarshal(data, &req); err != nil {
		return "", errors.New("samltest: SAMLRequest is not a samlp:AuthnRequest")
	}
	if req.ID == "" {
		return "", errors.New("samltest: AuthnRequest has no ID")
	}
	if strings.TrimSpace(req.Issuer) != idp.Audience {
		return "", errors.New("samltest: AADSTS700016: the AuthnRequest Issuer is not the application's identifier")
	}
	if req.ACS != "" && req.ACS != idp.ACS {
		return "", errors.New("samltest: AADSTS50011: the reply URL in the request does not match the application's")
	}
	return req.ID, nil
}

// serveSSO signs the user in and answers with the auto-submit form;
// inResponseTo is the AuthnRequest ID of SP-initiated sign-in.
func (s *Server) serveSSO(w http.ResponseWriter, r *http.Request, inResponseTo string) {
	if r.Method != http.MethodGet && (inResponseTo == "" || r.Method != http.MethodPost) {
		w.Header().Set("Allow", "GET")
		http.Error(w, "samltest: method not allowed", http.StatusMethodNotAllowed)
		return
	}
	q := r.Form
	if q == nil {
		q = r.URL.Query()
	}
	u := s.IdP.User
	if hint := q.Get("login_hint"); hint != "" {
		u.UPN, u.Email, u.SessionName = hint, hint, ""
	}
	m, err := s.IdP.Mint(u, ResponseOptions{InResponseTo: inResponseTo})
	if err != nil {
		if s.IdP.t != nil {
			s.IdP.t.Errorf("samltest: server: minting: %v", err)
		}
		http.Error(w, "samltest: minting failed", http.StatusInternalServerError)
		return
	}
	page, err := m.HTMLForm(q.Get("RelayState"))
	if err != nil {
		http.Error(w, "samltest: bad RelayState", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(page)
}

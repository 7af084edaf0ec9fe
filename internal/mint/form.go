package mint

import (
	"encoding/base64"
	"html"
	"net/url"
)

// MaxRelayState is the HTTP-POST binding's limit on RelayState (D1.1).
const MaxRelayState = 80

// Base64 returns the SAMLResponse form value of the HTTP-POST binding: the
// standard base64 of the XML, without DEFLATE (D1.1). It is also what STS
// AssumeRoleWithSAML takes as SAMLAssertion (A6.1).
func (m *Minted) Base64() string {
	return base64.StdEncoding.EncodeToString(m.XML)
}

// FormValues returns the HTTP-POST binding's form fields: SAMLResponse and,
// when relayState is not empty, RelayState. RelayState longer than
// MaxRelayState bytes is an error (D1.1).
func (m *Minted) FormValues(relayState string) (url.Values, error) {
	if len(relayState) > MaxRelayState {
		return nil, mintErr(ErrResponseSpec, "RelayState", "D1.1", "longer than 80 bytes", nil)
	}
	v := url.Values{"SAMLResponse": {m.Base64()}}
	if relayState != "" {
		v.Set("RelayState", relayState)
	}
	return v, nil
}

// HTMLForm returns an HTML page that POSTs the response (SAMLResponse, and
// RelayState when not empty) to its Destination, as Entra's auto-submit page
// does (HTTP-POST binding, D1.1). Every value is HTML-escaped; the page
// submits itself with a small inline script and shows a Submit button when
// scripts are disabled.
func (m *Minted) HTMLForm(relayState string) ([]byte, error) {
	return m.htmlFormTo(m.Destination, relayState)
}

// htmlFormTo returns an auto-submitting HTML page that POSTs SAMLResponse
// (and RelayState, when not empty) to action. Every value is HTML-escaped.
// The page submits itself with a small inline script, and shows a Submit
// button when scripts are disabled.
func (m *Minted) htmlFormTo(action, relayState string) ([]byte, error) {
	if len(relayState) > MaxRelayState {
		return nil, mintErr(ErrResponseSpec, "RelayState", "D1.1", "longer than 80 bytes", nil)
	}
	if mintCheckXML(relayState) != nil {
		return nil, mintErr(ErrResponseSpec, "RelayState", "", "not valid text", nil)
	}
	u, err := url.Parse(action)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, mintErr(ErrResponseSpec, "action", "", "not an absolute http(s) URL", nil)
	}
	b := make([]byte, 0, len(m.XML)*4/3+640)
	b = append(b, `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Working...</title></head><body>
<form method="POST" name="hiddenform" action="`...)
	b = append(b, html.EscapeString(action)...)
	b = append(b, `"><input type="hidden" name="SAMLResponse" value="`...)
	b = base64.StdEncoding.AppendEncode(b, m.XML)
	b = append(b, `">`...)
	if relayState != "" {
		b = append(b, `<input type="hidden" name="RelayState" value="`...)
		b = append(b, html.EscapeString(relayState)...)
		b = append(b, `">`...)
	}
	b = append(b, `<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit"></noscript></form>
<script>window.setTimeout(function () { document.forms[0].submit(); }, 0);</script>
</body></html>
`...)
	return b, nil
}

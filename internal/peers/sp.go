package peers

import (
	"context"
	"encoding/base64"
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// SPInput is one SAML response for an SP verifier (pysaml2, python3-saml, node-saml),
// configured the way AWS sign-in is: IdP-initiated, audience and ACS URL
// https://signin.aws.amazon.com/saml unless set otherwise.
type SPInput struct {
	// SAMLResponse is the base64 form value. When empty, ResponseXML is encoded.
	SAMLResponse string
	// ResponseXML is the raw samlp:Response, used when SAMLResponse is empty.
	ResponseXML []byte
	// IdPMetadata is the IdP's metadata XML: the peer trusts its entityID and its
	// IDPSSODescriptor signing certificates, nothing else (see MetadataXML).
	IdPMetadata []byte
	// Audience is the SP entity ID expected in AudienceRestriction (default AWSAudience).
	Audience string
	// ACSURL is the assertion consumer URL, expected in Destination and Recipient
	// (default AWSAudience).
	ACSURL string
	// Now is the verifier's clock (required: a zero Now is an error, so results never
	// depend on the machine's clock by accident).
	Now time.Time
	// Skew is the allowed clock skew (0: none). python3-saml's is otherwise a fixed 300 s.
	Skew time.Duration
	// RequestID, when set, makes the SP act as if it had sent an AuthnRequest with this
	// ID (SP-initiated: unsolicited responses refused). When empty, unsolicited
	// (IdP-initiated) responses are allowed, as at AWS (D1.6).
	RequestID string
	// WantResponseSigned and WantAssertionSigned require those signatures. When both
	// are false, a signature on either the Response or the Assertion suffices (A5.2).
	WantResponseSigned, WantAssertionSigned bool
	// SPKeyPEM and SPCertPEM are the SP decryption key pair for EncryptedAssertion.
	SPKeyPEM, SPCertPEM []byte
}

// spCase is the wire form for the drivers (py/*_sp.py, node/verify.js).
type spCase struct {
	SAMLResponse        string `json:"saml_response"`
	IdPMetadata         string `json:"idp_metadata"`
	Audience            string `json:"audience"`
	ACSURL              string `json:"acs_url"`
	RequestID           string `json:"request_id"`
	SkewSeconds         int    `json:"skew_seconds"`
	Now                 string `json:"now"`
	WantResponseSigned  bool   `json:"want_response_signed"`
	WantAssertionSigned bool   `json:"want_assertion_signed"`
	SPKeyPEM            string `json:"sp_key_pem,omitempty"`
	SPCertPEM           string `json:"sp_cert_pem,omitempty"`
}

type wireVerdict struct {
	Accepted   bool                `json:"accepted"`
	Reason     string              `json:"reason"`
	Issuer     string              `json:"issuer"`
	NameID     string              `json:"name_id"`
	Attributes map[string][]string `json:"attributes"`
}

func (in SPInput) wire(nowLayout string) (spCase, error) {
	if in.Now.IsZero() {
		return spCase{}, fmt.Errorf("peers: SPInput.Now is required")
	}
	if len(in.IdPMetadata) == 0 {
		return spCase{}, fmt.Errorf("peers: SPInput.IdPMetadata is required")
	}
	resp := in.SAMLResponse
	if resp == "" {
		if len(in.ResponseXML) == 0 {
			return spCase{}, fmt.Errorf("peers: SPInput needs SAMLResponse or ResponseXML")
		}
		resp = base64.StdEncoding.EncodeToString(in.ResponseXML)
	}
	c := spCase{
		SAMLResponse:        resp,
		IdPMetadata:         string(in.IdPMetadata),
		Audience:            in.Audience,
		ACSURL:              in.ACSURL,
		RequestID:           in.RequestID,
		SkewSeconds:         int(in.Skew / time.Second),
		Now:                 in.Now.UTC().Format(nowLayout),
		WantResponseSigned:  in.WantResponseSigned,
		WantAssertionSigned: in.WantAssertionSigned,
		SPKeyPEM:            string(in.SPKeyPEM),
		SPCertPEM:           string(in.SPCertPEM),
	}
	if c.Audience == "" {
		c.Audience = AWSAudience
	}
	if c.ACSURL == "" {
		c.ACSURL = AWSAudience
	}
	if (c.SPKeyPEM == "") != (c.SPCertPEM == "") {
		return spCase{}, fmt.Errorf("peers: SPInput needs both SPKeyPEM and SPCertPEM, or neither")
	}
	return c, nil
}

// faketimeLayout is what libfaketime's FAKETIME="@..." takes (UTC, with TZ=UTC).
const faketimeLayout = "2006-01-02 15:04:05"

func verifyAll(ctx context.Context, name, nowLayout string, env []string, argv []string, ins []SPInput) ([]Verdict, error) {
	cases := make([]spCase, len(ins))
	for i, in := range ins {
		c, err := in.wire(nowLayout)
		if err != nil {
			return nil, fmt.Errorf("%w (%s case %d)", err, name, i)
		}
		cases[i] = c
	}
	if err := Available(ctx, name); err != nil {
		return nil, err
	}
	var out struct {
		Verdicts []wireVerdict `json:"verdicts"`
	}
	if err := runJSON(ctx, name, env, map[string]any{"cases": cases}, &out, argv...); err != nil {
		return nil, err
	}
	if len(out.Verdicts) != len(ins) {
		return nil, fmt.Errorf("%w: %s: %d verdicts for %d cases", ErrHarness, name, len(out.Verdicts), len(ins))
	}
	vs := make([]Verdict, len(ins))
	for i, w := range out.Verdicts {
		vs[i] = Verdict{Accepted: w.Accepted, Reason: w.Reason, Issuer: w.Issuer, NameID: w.NameID, Attributes: w.Attributes}
		if w.Accepted {
			vs[i].Reason = ""
		} else if strings.TrimSpace(w.Reason) == "" {
			vs[i].Reason = "rejected (no reason given)"
		}
	}
	return vs, nil
}

// faketimeEnv runs python under libfaketime with a per-case clock (FAKETIME_NO_CACHE
// lets the driver move the clock between cases by setting FAKETIME).
func faketimeEnv() []string {
	return []string{"TZ=UTC", "FAKETIME_NO_CACHE=1", "FAKETIME_DONT_FAKE_MONOTONIC=1", "PYTHONDONTWRITEBYTECODE=1"}
}

func pyArgv(script string, nowLayout string, first SPInput) []string {
	start := first.Now.UTC().Format(nowLayout)
	if first.Now.IsZero() {
		start = "2000-01-01 00:00:00"
	}
	return []string{"faketime", start, python(), filepath.Join(Dir(), "py", script)}
}

// PySAML2VerifyAll runs pysaml2's SP (Saml2Client.parse_authn_request_response) on
// every input in one Python process (pysaml2 takes one to two seconds to start) and
// returns one verdict per input.
func PySAML2VerifyAll(ctx context.Context, ins []SPInput) ([]Verdict, error) {
	if len(ins) == 0 {
		return nil, nil
	}
	return verifyAll(ctx, PySAML2, faketimeLayout, faketimeEnv(), pyArgv("pysaml2_sp.py", faketimeLayout, ins[0]), ins)
}

// OneLoginVerifyAll runs python3-saml's OneLogin_Saml2_Response.is_valid in strict mode
// on every input in one Python process.
func OneLoginVerifyAll(ctx context.Context, ins []SPInput) ([]Verdict, error) {
	if len(ins) == 0 {
		return nil, nil
	}
	return verifyAll(ctx, OneLogin, faketimeLayout, faketimeEnv(), pyArgv("onelogin_sp.py", faketimeLayout, ins[0]), ins)
}

// NodeSAMLVerifyAll runs @node-saml/node-saml's SAML.validatePostResponseAsync on
// every input in one Node process (the clock is a patched global Date).
func NodeSAMLVerifyAll(ctx context.Context, ins []SPInput) ([]Verdict, error) {
	if len(ins) == 0 {
		return nil, nil
	}
	argv := []string{"node", filepath.Join(Dir(), "node", "verify.js")}
	return verifyAll(ctx, NodeSAML, time.RFC3339Nano, nil, argv, ins)
}

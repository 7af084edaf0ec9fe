package peers

import (
	"context"
	"fmt"
	"path/filepath"
	"time"
)

// MintInput asks a peer IdP to mint a signed SAML response for the AWS audience.
type MintInput struct {
	// KeyPEM is the signing key (PKCS#1 or PKCS#8 PEM); CertPEM its certificate.
	KeyPEM, CertPEM []byte
	// Issuer is the IdP entity ID (e.g. "https://sts.windows.net/<tenant>/").
	Issuer string
	// Audience is the AudienceRestriction value (default AWSAudience).
	Audience string
	// Destination is the ACS URL, used as Response Destination and Recipient
	// (default AWSAudience).
	Destination string
	// NameID and NameIDFormat are the subject (format default: the peer's own default,
	// persistent for pysaml2, 1.1 unspecified for npm saml).
	NameID, NameIDFormat string
	// Attributes are emitted with their names as given, in NameFormat uri where the peer
	// chooses one.
	Attributes map[string][]string
	// Now is the minting clock (required).
	Now time.Time
	// Lifetime is the validity of Conditions and SubjectConfirmationData (default 5 min;
	// pysaml2 rounds it down to whole minutes).
	Lifetime time.Duration
	// SignAssertion and SignResponse choose the signatures (pysaml2 supports both;
	// npm saml only signs the assertion). Neither set means assertion only.
	SignAssertion, SignResponse bool
	// SHA1 selects RSA-SHA1 and SHA-1 digests instead of RSA-SHA256/SHA-256.
	SHA1 bool
	// EncryptCertPEM, when set, encrypts the assertion to this SP certificate (key
	// transport RSA-OAEP-MGF1P).
	EncryptCertPEM []byte
	// EncryptAlgorithm is the content encryption: "aes256-cbc", "aes256-gcm" or
	// "tripledes-cbc"; empty means the peer's default as driven here (pysaml2:
	// tripledes-cbc, its built-in choice; npm saml: aes256-cbc).
	EncryptAlgorithm string
}

type mintWire struct {
	KeyPEM          string              `json:"key_pem"`
	CertPEM         string              `json:"cert_pem"`
	Issuer          string              `json:"issuer"`
	Audience        string              `json:"audience"`
	Destination     string              `json:"destination"`
	NameID          string              `json:"name_id"`
	NameIDFormat    string              `json:"name_id_format,omitempty"`
	Attributes      map[string][]string `json:"attributes"`
	LifetimeSeconds int                 `json:"lifetime_seconds"`
	SignAssertion   bool                `json:"sign_assertion"`
	SignResponse    bool                `json:"sign_response"`
	SHA1            bool                `json:"sha1"`
	Now             string              `json:"now,omitempty"`
	EncryptCertPEM  string              `json:"encrypt_cert_pem,omitempty"`
	EncryptAlg      string              `json:"encrypt_algorithm,omitempty"`
}

func (in MintInput) wire() (mintWire, error) {
	if in.Now.IsZero() {
		return mintWire{}, fmt.Errorf("peers: MintInput.Now is required")
	}
	if len(in.KeyPEM) == 0 || len(in.CertPEM) == 0 || in.Issuer == "" || in.NameID == "" {
		return mintWire{}, fmt.Errorf("peers: MintInput needs KeyPEM, CertPEM, Issuer and NameID")
	}
	w := mintWire{
		KeyPEM: string(in.KeyPEM), CertPEM: string(in.CertPEM), Issuer: in.Issuer,
		Audience: in.Audience, Destination: in.Destination, NameID: in.NameID,
		NameIDFormat: in.NameIDFormat, Attributes: in.Attributes,
		LifetimeSeconds: int(in.Lifetime / time.Second),
		SignAssertion:   in.SignAssertion || !in.SignResponse, SignResponse: in.SignResponse,
		SHA1: in.SHA1, EncryptCertPEM: string(in.EncryptCertPEM), EncryptAlg: in.EncryptAlgorithm,
	}
	switch w.EncryptAlg {
	case "", "aes256-cbc", "aes256-gcm", "tripledes-cbc":
	default:
		return mintWire{}, fmt.Errorf("peers: MintInput.EncryptAlgorithm %q is not aes256-cbc, aes256-gcm or tripledes-cbc", w.EncryptAlg)
	}
	if w.Audience == "" {
		w.Audience = AWSAudience
	}
	if w.Destination == "" {
		w.Destination = AWSAudience
	}
	if w.LifetimeSeconds == 0 {
		w.LifetimeSeconds = 300
	}
	if w.Attributes == nil {
		w.Attributes = map[string][]string{}
	}
	return w, nil
}

// PySAML2Mint has pysaml2's IdP (Server.create_authn_response) mint a samlp:Response
// and returns its XML. IDs are pysaml2's ("id-..."), times are whole seconds, and an
// encrypted assertion uses 3DES-CBC with RSA-OAEP (pysaml2's defaults).
func PySAML2Mint(ctx context.Context, in MintInput) ([]byte, error) {
	out, err := PySAML2MintAll(ctx, []MintInput{in})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// PySAML2MintAll mints one response per input in a single Python process (pysaml2
// takes one to two seconds to start).
func PySAML2MintAll(ctx context.Context, ins []MintInput) ([][]byte, error) {
	if len(ins) == 0 {
		return nil, nil
	}
	ws := make([]mintWire, len(ins))
	for i, in := range ins {
		w, err := in.wire()
		if err != nil {
			return nil, fmt.Errorf("%w (pysaml2 mint %d)", err, i)
		}
		w.Now = in.Now.UTC().Format(faketimeLayout)
		ws[i] = w
	}
	if err := Available(ctx, PySAML2); err != nil {
		return nil, err
	}
	var out struct {
		XML []string `json:"xml"`
	}
	argv := []string{"faketime", ws[0].Now, python(), filepath.Join(Dir(), "py", "pysaml2_idp.py")}
	if err := runJSON(ctx, PySAML2, faketimeEnv(), map[string]any{"mints": ws}, &out, argv...); err != nil {
		return nil, err
	}
	if len(out.XML) != len(ins) {
		return nil, fmt.Errorf("%w: pysaml2: %d responses for %d mints", ErrHarness, len(out.XML), len(ins))
	}
	res := make([][]byte, len(ins))
	for i, x := range out.XML {
		res[i] = []byte(x)
	}
	return res, nil
}

// NpmSAMLMint has the npm "saml" package mint a signed Assertion (Saml20.create) and
// wraps it in an unsigned samlp:Response (Destination, Issuer, Success status). It
// returns ErrUnsupported when SignResponse is set.
func NpmSAMLMint(ctx context.Context, in MintInput) ([]byte, error) {
	if in.SignResponse {
		return nil, fmt.Errorf("%w: npm saml signs assertions only", ErrUnsupported)
	}
	if err := Available(ctx, NpmSAML); err != nil {
		return nil, err
	}
	w, err := in.wire()
	if err != nil {
		return nil, err
	}
	w.Now = in.Now.UTC().Format(time.RFC3339Nano)
	var out struct {
		XML string `json:"xml"`
	}
	argv := []string{"node", filepath.Join(Dir(), "node", "mint.js")}
	if err := runJSON(ctx, NpmSAML, nil, w, &out, argv...); err != nil {
		return nil, err
	}
	return []byte(out.XML), nil
}

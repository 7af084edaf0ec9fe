package saml

import (
	"context"
	"crypto/rsa"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/internal/peers"

	"github.com/samlaws/samlaws/internal/mint/minttest"
)

// TestVerifyPeerMinted: responses minted by independent IdP implementations
// (pysaml2's IdP and the npm "saml" package) for the AWS audience are
// accepted, with the values they were given, and a copy with the NameID
// changed after signing is rejected.
func TestVerifyPeerMinted(t *testing.T) {
	if testing.Short() {
		t.Skip("peers are slow")
	}
	keyPEM, err := os.ReadFile(filepath.Join("testdata", "idp.key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	certPEM, err := os.ReadFile(filepath.Join("testdata", "idp.crt.pem"))
	if err != nil {
		t.Fatal(err)
	}
	spKey, _ := vSPKey(t)
	spCertPEM, err := os.ReadFile(filepath.Join("testdata", "sp.crt.pem"))
	if err != nil {
		t.Fatal(err)
	}
	now := minttest.FixedNow().Truncate(time.Second) // every minter here takes the clock (MintInput.Now)
	role := "arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/EntraID"
	in := peers.MintInput{
		KeyPEM: keyPEM, CertPEM: certPEM, Issuer: minttest.Issuer,
		NameID:       "jane.doe@contoso.example",
		NameIDFormat: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
		Attributes: map[string][]string{
			awsrole.AttrRole:            {role},
			awsrole.AttrRoleSessionName: {"jane.doe@contoso.example"},
			awsrole.AttrSessionDuration: {"3600"},
		},
		Now: now, Lifetime: 5 * time.Minute,
	}
	type variant struct {
		name string
		peer string
		mod  func(*peers.MintInput)
		mint func(context.Context, peers.MintInput) ([]byte, error)
		cfg  func(*VerifierConfig)
		want error
	}
	variants := []variant{
		{name: "pysaml2_sign_assertion", peer: peers.PySAML2, mint: peers.PySAML2Mint},
		{name: "pysaml2_sign_response", peer: peers.PySAML2, mint: peers.PySAML2Mint, mod: func(m *peers.MintInput) { m.SignResponse = true }},
		{name: "pysaml2_sha1", peer: peers.PySAML2, mint: peers.PySAML2Mint, mod: func(m *peers.MintInput) { m.SHA1 = true },
			cfg: func(c *VerifierConfig) { c.AllowSHA1 = true }},
		// pysaml2 encrypts with 3DES-CBC, which AWS does not decrypt (A5.7).
		{name: "A5.7_pysaml2_encrypted_3des_rejected", peer: peers.PySAML2, mint: peers.PySAML2Mint, mod: func(m *peers.MintInput) { m.EncryptCertPEM = spCertPEM },
			cfg: func(c *VerifierConfig) { c.DecryptionKeys = []*rsa.PrivateKey{spKey} }, want: ErrEncryption},
		{name: "npm_saml_sign_assertion", peer: peers.NpmSAML, mint: peers.NpmSAMLMint},
	}
	for _, vt := range variants {
		t.Run(vt.name, func(t *testing.T) {
			peers.Require(t, vt.peer)
			mi := in
			if vt.mod != nil {
				vt.mod(&mi)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			xml, err := vt.mint(ctx, mi)
			if errors.Is(err, peers.ErrUnsupported) {
				t.Skipf("peer cannot mint this variant: %v", err)
			}
			if err != nil {
				t.Fatalf("mint: %v", err)
			}
			cfg := vConfig(t)
			cfg.Now = func() time.Time { return now.Add(10 * time.Second) }
			if vt.cfg != nil {
				vt.cfg(&cfg)
			}
			v, err := NewVerifier(cfg)
			if err != nil {
				t.Fatal(err)
			}
			a, err := v.Verify(ctx, xml)
			if vt.want != nil {
				vExpect(t, err, vt.want)
				return
			}
			if err != nil {
				var ve *ValidationError
				errors.As(err, &ve)
				t.Fatalf("rejected: %v (hint %q)", err, ve.Hint)
			}
			if a.NameID != mi.NameID || len(a.Roles) != 1 || a.Roles[0].String() != role || a.RoleSessionName != "jane.doe@contoso.example" {
				t.Errorf("read %+v roles %v session %q", a.NameID, a.Roles, a.RoleSessionName)
			}
			if len(mi.EncryptCertPEM) > 0 {
				if !a.Encrypted {
					t.Error("not marked encrypted")
				}
				return
			}
			if !a.Encrypted {
				oraclesAgree(t, xml, a)
			}
			// Tampered after signing: rejected.
			bad := replace(">jane.doe@contoso.example<", ">attacker@evil.invalid<")(t, xml)
			_, err = v.Verify(ctx, bad)
			vExpect(t, err, ErrSignature)
		})
	}
}

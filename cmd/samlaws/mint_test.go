package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/internal/mint"
	"github.com/samlaws/samlaws/internal/peers"
	"github.com/samlaws/samlaws/metadata"
	"github.com/samlaws/samlaws/saml"
	"github.com/samlaws/samlaws/saml/samltest"
)

// certPEM returns the IdP's signing certificate as a PEM "CERTIFICATE" block,
// the form of Entra's "Certificate (Base64)" download.
func certPEM(idp *samltest.IdP) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: idp.Certificate().Raw})
}

// keyPEM returns the IdP's signing key (a public test key) as a PKCS#8
// "PRIVATE KEY" PEM block, for "samlaws mint --key".
func keyPEM(idp *samltest.IdP) []byte {
	der, err := x509.MarshalPKCS8PrivateKey(idp.Signer())
	if err != nil {
		panic(err) // an *rsa.PrivateKey always marshals
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// The AWS account and SAML provider of samltest.DefaultUser's roles.
const (
	defaultAccountID   = "123456789012"
	defaultProviderARN = "arn:aws:iam::" + defaultAccountID + ":saml-provider/EntraID"
)

// mintTool is the samlaws binary under test, built once per TestMintCLI run.
type mintTool struct {
	bin string
	dir string // scratch directory for key, certificate and output files
}

// buildMintTool builds cmd/samlaws into a temporary directory, as a user would
// install it.
func buildMintTool(t *testing.T) *mintTool {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "samlaws")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return &mintTool{bin: bin, dir: dir}
}

// run executes the binary and returns stdout, stderr and the exit code.
func (m *mintTool) run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, m.bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running samlaws: %v", err)
	}
	return stdout.String(), stderr.String(), code
}

// file writes data into the scratch directory and returns its path.
func (m *mintTool) file(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(m.dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

var mintNow = time.Date(2026, 11, 28, 13, 0, 0, 0, time.UTC)

// TestMintCLI drives the built binary as a user would.
func TestMintCLI(t *testing.T) {
	tool := buildMintTool(t)
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return mintNow }})
	key := idp.Signer().(*rsa.PrivateKey)
	cert := idp.Certificate()
	_, otherCert := idp.OtherSigner()

	pkcs8 := tool.file(t, "idp.pk8.pem", keyPEM(idp))
	pkcs1 := tool.file(t, "idp.pk1.pem", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	certFile := tool.file(t, "idp.crt", certPEM(idp))
	// A chain file with an unrelated certificate first: the matching one must be found.
	chain := tool.file(t, "chain.crt", append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: otherCert.Raw}), certPEM(idp)...))
	combined := tool.file(t, "combined.pem", append(certPEM(idp), keyPEM(idp)...))

	t.Run("help", func(t *testing.T) {
		for _, args := range [][]string{{"mint", "-h"}, {"mint", "--help"}} {
			out, errOut, code := tool.run(t, args...)
			if code != exitOK || errOut != "" {
				t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
			}
			for _, want := range []string{"usage: samlaws mint --key PEM --cert PEM", "--metadata-out FILE", "Examples:", "--sign assertion|response|both"} {
				if !strings.Contains(out, want) {
					t.Errorf("%v: help lacks %q", args, want)
				}
			}
		}
		out, _, code := tool.run(t, "help")
		if code != exitOK || !strings.Contains(out, "  mint ") {
			t.Errorf("samlaws help does not list mint (exit %d)", code)
		}
	})

	t.Run("usage-errors", func(t *testing.T) {
		ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		ecDER, _ := x509.MarshalPKCS8PrivateKey(ecKey)
		ecFile := tool.file(t, "ec.pem", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER}))
		encFile := tool.file(t, "enc.pem", pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte("opaque")}))
		garbage := tool.file(t, "garbage.pem", []byte("not pem at all\n"))
		badKey := tool.file(t, "badkey.pem", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: []byte("nonsense")}))
		otherCertFile := tool.file(t, "other.crt", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: otherCert.Raw}))
		missing := filepath.Join(tool.dir, "does-not-exist.pem")
		base := []string{"mint", "--key", pkcs8, "--cert", certFile}
		for _, tc := range []struct {
			name string
			args []string
			flag string // the flag the message must name
		}{
			{"missing-key", []string{"mint", "--cert", certFile}, "--key"},
			{"missing-cert", []string{"mint", "--key", pkcs8}, "--cert"},
			{"unreadable-key", []string{"mint", "--key", missing, "--cert", certFile}, "--key"},
			{"unreadable-cert", []string{"mint", "--key", pkcs8, "--cert", missing}, "--cert"},
			{"key-not-pem", []string{"mint", "--key", garbage, "--cert", certFile}, "--key"},
			{"key-bad-pkcs1", []string{"mint", "--key", badKey, "--cert", certFile}, "--key"},
			{"key-ecdsa-C3.1", []string{"mint", "--key", ecFile, "--cert", certFile}, "--key"},
			{"key-encrypted", []string{"mint", "--key", encFile, "--cert", certFile}, "--key"},
			{"cert-is-a-key", []string{"mint", "--key", pkcs8, "--cert", pkcs8}, "--cert"},
			{"cert-does-not-match-key", []string{"mint", "--key", pkcs8, "--cert", otherCertFile}, "--cert"},
			{"B2.1/bad-role-arn", append(base, "--role", "arn:aws:iam::123:role/x,arn:aws:iam::123456789012:saml-provider/P"), "--role"},
			{"A3.2/role-two-roles", append(base, "--role", "arn:aws:iam::123456789012:role/a,arn:aws:iam::123456789012:role/b"), "--role"},
			{"A3.5/duration-too-short", append(base, "--session-duration", "60"), "--session-duration"},
			{"A3.5/duration-not-number", append(base, "--session-duration", "1h"), "--session-duration"},
			{"A3.4/bad-session-name", append(base, "--session-name", "has space"), "--session-name"},
			{"A3.4/upn-not-a-session-name", append(base, "--user", "o'brien@contoso.com"), "--user"},
			{"unknown-sign", append(base, "--sign", "everything"), "--sign"},
			{"bad-now", append(base, "--now", "yesterday"), "--now"},
			{"bad-audience", append(base, "--audience", "not a url"), "--audience"},
			{"bad-recipient", append(base, "--recipient", "signin.aws.amazon.com/saml"), "--recipient"},
			{"bad-seed", append(base, "--seed", "-1"), "--seed"},
			{"unknown-flag", append(base, "--frobnicate"), "--frobnicate"},
			{"flag-without-value", []string{"mint", "--key"}, "--key"},
			{"positional-arg", append(base, "extra"), "extra"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				out, errOut, code := tool.run(t, tc.args...)
				if code != exitUsage {
					t.Errorf("exit %d, want %d; stderr %q", code, exitUsage, errOut)
				}
				if out != "" {
					t.Errorf("stdout not empty on a usage error: %.100q", out)
				}
				if !strings.HasPrefix(errOut, "samlaws mint: ") || !strings.Contains(errOut, tc.flag) {
					t.Errorf("stderr %q does not name %s", errOut, tc.flag)
				}
				// Errors never print key material.
				for _, secret := range []string{"PRIVATE KEY", mintPEMBody(keyPEM(idp))[:40], "MII"} {
					if strings.Contains(errOut, secret) {
						t.Errorf("stderr leaks key material (%q)", secret)
					}
				}
			})
		}
	})

	// verify checks a minted response the way AWS would, trusting exactly the
	// certificates listed in the metadata the same run wrote.
	verify := func(t *testing.T, xml, md []byte, edit ...func(*saml.VerifierConfig)) *saml.Assertion {
		t.Helper()
		entityID, certs := mintReadMetadata(t, md, cert)
		cfg := saml.VerifierConfig{
			IdPEntityID:     entityID,
			Certificates:    certs,
			Now:             func() time.Time { return mintNow.Add(time.Minute) },
			SkipReplayCheck: true,
		}
		for _, e := range edit {
			e(&cfg)
		}
		v, err := saml.NewVerifier(cfg)
		if err != nil {
			t.Fatal(err)
		}
		a, err := v.Verify(context.Background(), xml)
		if err != nil {
			t.Fatalf("the minted response does not verify: %v", err)
		}
		return a
	}

	t.Run("default", func(t *testing.T) {
		mdFile := filepath.Join(tool.dir, "default-md.xml")
		out, errOut, code := tool.run(t, "mint", "--key", pkcs8, "--cert", certFile, "--now", "2026-11-28T13:00:00Z", "--metadata-out", mdFile)
		if code != exitOK || errOut != "" {
			t.Fatalf("exit %d, stderr %q", code, errOut)
		}
		xml := []byte(strings.TrimSuffix(out, "\n"))
		md, err := os.ReadFile(mdFile)
		if err != nil {
			t.Fatal(err)
		}
		a := verify(t, xml, md)
		if a.NameID != mintDefaultUser || string(a.RoleSessionName) != mintDefaultUser {
			t.Errorf("NameID %q, RoleSessionName %q", a.NameID, a.RoleSessionName)
		}
		if len(a.Roles) != 1 || a.Roles[0].String() != mintDefaultRole {
			t.Errorf("roles %v", a.Roles)
		}
		if !a.SignedAssertion || a.SignedResponse || a.SignatureAlgorithm != metadata.AlgRSASHA256 {
			t.Errorf("C3.1 default: signed assertion/response %v/%v alg %q", a.SignedAssertion, a.SignedResponse, a.SignatureAlgorithm)
		}
		if !a.IssueInstant.Equal(mintNow) {
			t.Errorf("IssueInstant %v, want --now", a.IssueInstant)
		}
		if !strings.HasPrefix(a.Issuer, "https://sts.windows.net/") || a.Claims[mint.ClaimTenantID] == nil {
			t.Errorf("issuer %q, tenantid claim %q", a.Issuer, a.Claims[mint.ClaimTenantID])
		}
		// Independent check: goxmldsig verifies the assertion signature with the certificate.
		d := etree.NewDocument()
		if err := d.ReadFromBytes(xml); err != nil {
			t.Fatal(err)
		}
		vc := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{cert}})
		vc.Clock = dsig.NewFakeClockAt(mintNow)
		if _, err := vc.Validate(d.Root().SelectElement("Assertion")); err != nil {
			t.Errorf("goxmldsig: %v", err)
		}
		// A5.4, B1.1: the metadata has no BOM and meets IAM's constraints, and
		// is signed (first child) by the key.
		if bytes.HasPrefix(md, []byte("\xEF\xBB\xBF")) {
			t.Error("metadata has a BOM")
		}
		if p := metadata.CheckIAM(md); len(p) != 0 {
			t.Errorf("IAM would refuse --metadata-out: %v", p)
		}
		mdDoc := etree.NewDocument()
		if err := mdDoc.ReadFromBytes(md); err != nil {
			t.Fatal(err)
		}
		if _, err := vc.Validate(mdDoc.Root()); err != nil {
			t.Errorf("metadata signature: %v", err)
		}
	})

	t.Run("xmlsec1", func(t *testing.T) {
		peers.Require(t, peers.XMLSec1)
		out, errOut, code := tool.run(t, "mint", "--key", pkcs1, "--cert", certFile, "--sign", "both")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		v, err := peers.XMLSec1VerifyAll(context.Background(), []byte(strings.TrimSpace(out)), certPEM(idp))
		if err != nil {
			t.Fatal(err)
		}
		if !v.Accepted {
			t.Errorf("xmlsec1 rejects both signatures: %v", v)
		}
	})

	t.Run("options", func(t *testing.T) {
		const role2 = "arn:aws:iam::111122223333:saml-provider/Entra,arn:aws:iam::111122223333:role/path/Dev" // provider first (A3.2)
		const tenant = "61318f71-9c58-4f75-b8af-329e649fcd80"
		for _, tc := range []struct {
			name  string
			key   string
			crt   string
			extra []string
			check func(t *testing.T, a *saml.Assertion)
			edit  func(*saml.VerifierConfig)
		}{
			{name: "pkcs1-key", key: pkcs1, crt: certFile},
			{name: "combined-file", key: combined, crt: combined},
			{name: "chain-file", key: pkcs8, crt: chain, check: func(t *testing.T, a *saml.Assertion) {
				if !a.Certificate.Equal(cert) {
					t.Error("signed with the wrong certificate of the chain")
				}
			}},
			{name: "C3.1/sign-response", extra: []string{"--sign", "response"}, check: func(t *testing.T, a *saml.Assertion) {
				if !a.SignedResponse || a.SignedAssertion {
					t.Errorf("signed response/assertion %v/%v", a.SignedResponse, a.SignedAssertion)
				}
			}},
			{name: "C3.1/sign-both", extra: []string{"--sign", "both"}, check: func(t *testing.T, a *saml.Assertion) {
				if !a.SignedResponse || !a.SignedAssertion {
					t.Errorf("signed response/assertion %v/%v", a.SignedResponse, a.SignedAssertion)
				}
			}},
			{name: "A5.3/sha1", extra: []string{"--sha1"}, edit: func(c *saml.VerifierConfig) { c.AllowSHA1 = true }, check: func(t *testing.T, a *saml.Assertion) {
				if a.SignatureAlgorithm != metadata.AlgRSASHA1 {
					t.Errorf("algorithm %q", a.SignatureAlgorithm)
				}
			}},
			{name: "A3.1/roles-and-session", extra: []string{
				"--role", mintDefaultRole, "--role", role2,
				"--user", "alice@contoso.com", "--session-name", "alice", "--session-duration", "3600",
				"--issuer", "https://sts.windows.net/" + tenant + "/",
			}, check: func(t *testing.T, a *saml.Assertion) {
				if len(a.Roles) != 2 || a.Roles[1].String() != "arn:aws:iam::111122223333:role/path/Dev,arn:aws:iam::111122223333:saml-provider/Entra" {
					t.Errorf("roles %v", a.Roles)
				}
				if a.RoleSessionName != "alice" || a.SessionDuration != awsrole.SessionDuration(time.Hour) || a.NameID != "alice@contoso.com" {
					t.Errorf("session %q %v subject %q", a.RoleSessionName, a.SessionDuration, a.NameID)
				}
				if a.Issuer != "https://sts.windows.net/"+tenant+"/" || a.Claims[mint.ClaimTenantID][0] != tenant {
					t.Errorf("issuer %q tenant %q", a.Issuer, a.Claims[mint.ClaimTenantID])
				}
			}},
			{name: "A1.6/audience-recipient", extra: []string{
				"--audience", "urn:amazon:webservices", "--recipient", "https://eu-west-1.signin.aws.amazon.com/saml",
			}, edit: func(c *saml.VerifierConfig) {
				c.Audiences = []string{"urn:amazon:webservices"}
				c.Recipients = []string{"https://eu-west-1.signin.aws.amazon.com/saml"}
			}, check: func(t *testing.T, a *saml.Assertion) {
				if a.Recipient != "https://eu-west-1.signin.aws.amazon.com/saml" || a.Destination != a.Recipient {
					t.Errorf("recipient %q destination %q", a.Recipient, a.Destination)
				}
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				k, c := tc.key, tc.crt
				if k == "" {
					k, c = pkcs8, certFile
				}
				mdFile := filepath.Join(tool.dir, strings.ReplaceAll(tc.name, "/", "_")+"-md.xml")
				args := append([]string{"mint", "--key", k, "--cert", c, "--now", "2026-11-28T13:00:00Z", "--metadata-out", mdFile}, tc.extra...)
				out, errOut, code := tool.run(t, args...)
				if code != exitOK {
					t.Fatalf("exit %d: %s", code, errOut)
				}
				md, err := os.ReadFile(mdFile)
				if err != nil {
					t.Fatal(err)
				}
				var edits []func(*saml.VerifierConfig)
				if tc.edit != nil {
					edits = append(edits, tc.edit)
				}
				a := verify(t, []byte(strings.TrimSpace(out)), md, edits...)
				if tc.check != nil {
					tc.check(t, a)
				}
			})
		}
	})

	t.Run("base64-and-out", func(t *testing.T) {
		outFile := filepath.Join(tool.dir, "resp.b64")
		mdFile := filepath.Join(tool.dir, "b64-md.xml")
		out, errOut, code := tool.run(t, "mint", "--key", pkcs8, "--cert", certFile, "--now", "2026-11-28T13:00:00Z", "--base64", "--out", outFile, "--metadata-out", mdFile)
		if code != exitOK || out != "" || errOut != "" {
			t.Fatalf("exit %d, stdout %.50q, stderr %q", code, out, errOut)
		}
		b64, err := os.ReadFile(outFile)
		if err != nil {
			t.Fatal(err)
		}
		xml, err := base64.StdEncoding.DecodeString(string(b64))
		if err != nil {
			t.Fatalf("--out does not hold base64: %v", err)
		}
		md, _ := os.ReadFile(mdFile)
		verify(t, xml, md)
	})

	t.Run("deterministic-with-seed", func(t *testing.T) {
		args := []string{"mint", "--key", pkcs8, "--cert", certFile, "--now", "2026-11-28T13:00:00Z", "--seed", "42"}
		a, _, c1 := tool.run(t, args...)
		b, _, c2 := tool.run(t, args...)
		c, _, _ := tool.run(t, append(args[:len(args)-1], "43")...)
		if c1 != exitOK || c2 != exitOK {
			t.Fatal("mint failed")
		}
		if a != b {
			t.Error("same --now and --seed gave different output")
		}
		if a == c {
			t.Error("different --seed gave the same output")
		}
	})
}

// mintReadMetadata returns the entityID and the IDPSSODescriptor signing
// certificates of metadata, and checks that cert is among them.
func mintReadMetadata(t *testing.T, md []byte, cert *x509.Certificate) (string, []*x509.Certificate) {
	t.Helper()
	d := etree.NewDocument()
	if err := d.ReadFromBytes(md); err != nil {
		t.Fatalf("metadata is not XML: %v", err)
	}
	var certs []*x509.Certificate
	found := false
	for _, e := range d.FindElements("//IDPSSODescriptor/KeyDescriptor[@use='signing']//X509Certificate") {
		der, err := base64.StdEncoding.DecodeString(e.Text())
		if err != nil {
			t.Fatal(err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		found = found || c.Equal(cert)
		certs = append(certs, c)
	}
	if !found {
		t.Fatal("the metadata does not list the signing certificate")
	}
	return d.Root().SelectAttrValue("entityID", ""), certs
}

// mintPEMBody returns the base64 body of a PEM block, without its armour lines.
func mintPEMBody(p []byte) string {
	lines := strings.Split(strings.TrimSpace(string(p)), "\n")
	return strings.Join(lines[1:len(lines)-1], "")
}

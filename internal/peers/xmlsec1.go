package peers

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// defaultIDAttrs returns the ID attributes XMLSec1Verify uses when given none: the SAML
// protocol Response, the Assertion and the metadata roots. xmlsec1 does not know SAML's
// ID attributes unless told.
func defaultIDAttrs() []string {
	return []string{
		"urn:oasis:names:tc:SAML:2.0:protocol:Response",
		"urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
		"urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor",
		"urn:oasis:names:tc:SAML:2.0:metadata:EntitiesDescriptor",
	}
}

const dsigNS = "http://www.w3.org/2000/09/xmldsig#"

// XMLSec1Verify verifies the first ds:Signature of doc (in document order) with
// xmlsec1 --verify, trusting only the public key of certPEM (KeyInfo in the document is
// not used to choose the key). idAttrs are the elements whose ID attribute is an XML ID,
// as "namespace:LocalName" (default: SAML Response, Assertion, EntityDescriptor,
// EntitiesDescriptor). xmlsec1 checks signatures only: no SAML semantics, and a
// wrapped (XSW) document can verify. A verification failure is a rejecting Verdict; an
// error means xmlsec1 could not be run.
func XMLSec1Verify(ctx context.Context, doc, certPEM []byte, idAttrs ...string) (Verdict, error) {
	return xmlsec1Verify(ctx, doc, certPEM, "", idAttrs)
}

// XMLSec1VerifyAll verifies every ds:Signature in doc, each with xmlsec1 (one run per
// signature, selected by XPath), and accepts only when there is at least one and all
// verify. Use it for a response signed on both the Response and the Assertion.
func XMLSec1VerifyAll(ctx context.Context, doc, certPEM []byte, idAttrs ...string) (Verdict, error) {
	n, err := countSignatures(doc)
	if err != nil {
		return Verdict{Reason: "not well-formed XML: " + err.Error()}, nil
	}
	if n == 0 {
		return Verdict{Reason: "no ds:Signature in the document"}, nil
	}
	for i := 1; i <= n; i++ {
		xp := fmt.Sprintf("(//*[local-name()='Signature' and namespace-uri()='%s'])[%d]", dsigNS, i)
		v, err := xmlsec1Verify(ctx, doc, certPEM, xp, idAttrs)
		if err != nil {
			return Verdict{}, err
		}
		if !v.Accepted {
			v.Reason = fmt.Sprintf("signature %d of %d: %s", i, n, v.Reason)
			return v, nil
		}
	}
	return Verdict{Accepted: true}, nil
}

// XMLSec1VerifyNode verifies the ds:Signature element selected by the XPath expression
// sigXPath (e.g. "//*[local-name()='Assertion']/*[local-name()='Signature']"), as
// XMLSec1Verify does for the first one.
func XMLSec1VerifyNode(ctx context.Context, doc, certPEM []byte, sigXPath string, idAttrs ...string) (Verdict, error) {
	if sigXPath == "" {
		return Verdict{}, fmt.Errorf("peers: XMLSec1VerifyNode needs an XPath")
	}
	return xmlsec1Verify(ctx, doc, certPEM, sigXPath, idAttrs)
}

func countSignatures(doc []byte) (int, error) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	n := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return 0, err
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Space == dsigNS && se.Name.Local == "Signature" {
			n++
		}
	}
}

func xmlsec1Verify(ctx context.Context, doc, certPEM []byte, nodeXPath string, idAttrs []string) (Verdict, error) {
	if err := Available(ctx, XMLSec1); err != nil {
		return Verdict{}, err
	}
	if len(idAttrs) == 0 {
		idAttrs = defaultIDAttrs()
	}
	dir, err := os.MkdirTemp("", "peers-xmlsec1-")
	if err != nil {
		return Verdict{}, fmt.Errorf("%w: xmlsec1: %v", ErrHarness, err)
	}
	defer os.RemoveAll(dir)
	docFile, certFile := filepath.Join(dir, "doc.xml"), filepath.Join(dir, "cert.pem")
	if err := os.WriteFile(docFile, doc, 0o600); err != nil {
		return Verdict{}, fmt.Errorf("%w: xmlsec1: %v", ErrHarness, err)
	}
	if err := os.WriteFile(certFile, certPEM, 0o600); err != nil {
		return Verdict{}, fmt.Errorf("%w: xmlsec1: %v", ErrHarness, err)
	}
	args := []string{"--verify", "--pubkey-cert-pem", certFile, "--enabled-key-data", "key-name"}
	for _, a := range idAttrs {
		args = append(args, "--id-attr:ID", a)
	}
	if nodeXPath != "" {
		args = append(args, "--node-xpath", nodeXPath)
	}
	args = append(args, docFile)

	ctx, cancel := withTimeout(ctx)
	defer cancel()
	cmd := exec.CommandContext(ctx, "xmlsec1", args...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err = cmd.Run()
	if ctx.Err() != nil {
		return Verdict{}, fmt.Errorf("%w: xmlsec1: %w", ErrHarness, ctx.Err())
	}
	var exit *exec.ExitError
	switch {
	case err == nil && strings.Contains(out.String(), "OK"):
		return Verdict{Accepted: true}, nil
	case err == nil:
		return Verdict{Reason: "xmlsec1 exited 0 without OK: " + tail(out.String(), 300)}, nil
	case errors.As(err, &exit):
		return Verdict{Reason: "xmlsec1: " + xmlsec1Reason(out.String())}, nil
	default:
		return Verdict{}, fmt.Errorf("%w: xmlsec1: %v", ErrHarness, err)
	}
}

// xmlsec1Reason picks the most telling line of xmlsec1's error output.
func xmlsec1Reason(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for _, l := range lines {
		if strings.HasPrefix(l, "FAIL") || strings.Contains(l, "error=") {
			return tail(l, 300)
		}
	}
	return tail(s, 300)
}

// XMLSec1Decrypt decrypts the first xenc:EncryptedData of doc with xmlsec1 --decrypt and
// the SP private key keyPEM, and returns the document with the plaintext in place (for a
// SAML EncryptedAssertion: the Assertion inside the EncryptedAssertion element), so that
// XMLSec1Verify can check the decrypted assertion's signature. When xmlsec1 runs but
// cannot decrypt (wrong key, no EncryptedData, bad algorithm), the error wraps
// ErrNotDecrypted: a rejection, not a harness failure.
func XMLSec1Decrypt(ctx context.Context, doc, keyPEM []byte) ([]byte, error) {
	if err := Available(ctx, XMLSec1); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "peers-xmlsec1-")
	if err != nil {
		return nil, fmt.Errorf("%w: xmlsec1: %v", ErrHarness, err)
	}
	defer os.RemoveAll(dir)
	docFile, keyFile := filepath.Join(dir, "doc.xml"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(docFile, doc, 0o600); err != nil {
		return nil, fmt.Errorf("%w: xmlsec1: %v", ErrHarness, err)
	}
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		return nil, fmt.Errorf("%w: xmlsec1: %v", ErrHarness, err)
	}
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	cmd := exec.CommandContext(ctx, "xmlsec1", "--decrypt", "--privkey-pem", keyFile, docFile)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return stdout.Bytes(), nil
	case ctx.Err() == nil && errors.As(err, &exit):
		return nil, fmt.Errorf("%w: %s", ErrNotDecrypted, xmlsec1Reason(stderr.String()))
	default:
		return nil, fmt.Errorf("%w: xmlsec1 --decrypt: %v", ErrHarness, err)
	}
}

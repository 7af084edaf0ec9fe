package main

import (
	"context"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/internal/awsendpoint"
	"github.com/samlaws/samlaws/internal/mint"
	"github.com/samlaws/samlaws/saml/samltest/entrametadata"
)

// mintHelp is the help text, with the knob names of mint.Knobs filled in.
var mintHelp = strings.Replace(mintHelpTemplate, "%KNOBS%", knobHelp(), 1)

const mintHelpTemplate = `usage: samlaws mint --key PEM --cert PEM [flags]

Mint a signed SAML response shaped as Microsoft Entra ID sends it to the AWS
gallery application (https://signin.aws.amazon.com/saml), for testing other
tools: SAML consumers, STS AssumeRoleWithSAML clients, AWS CLI helpers.
The response is written to stdout (or --out); --metadata-out writes the
matching Entra-shaped IdP metadata, which IAM's CreateSAMLProvider accepts.

Flags:
  --key FILE              PEM RSA private key (PKCS #1 "RSA PRIVATE KEY" or
                          PKCS #8 "PRIVATE KEY"); required
  --cert FILE             PEM certificate(s) of that key; other certificates in
                          the file (a chain) are kept after it; required.
                          --key and --cert may name the same file.
  --issuer URL            Issuer and metadata entityID (default
                          https://sts.windows.net/<tenant>/, the tenant GUID
                          derived from the certificate, so runs agree)
  --user UPN              the signed-in user: NameID and claims
                          (default B.Simon@contoso.com)
  --role ROLE_ARN,PROVIDER_ARN
                          a value of the Role attribute; repeat for several
                          (default arn:aws:iam::123456789012:role/EntraAdmin,
                          arn:aws:iam::123456789012:saml-provider/EntraID)
  --session-name S        RoleSessionName (default: the UPN)
  --session-duration N    SessionDuration in seconds, 900-43200 (default: none)
  --audience URL          Audience (default https://signin.aws.amazon.com/saml)
  --recipient URL         Recipient and Destination (default the same)
  --now RFC3339           issue instant (default: the current time)
  --sign assertion|response|both
                          what to sign (default assertion, Entra's default)
  --sha1                  sign with RSA-SHA1 instead of RSA-SHA256
  --seed N                draw IDs from a fixed stream: with --now, output is
                          byte-for-byte reproducible (tests only)
  --base64                write the base64 SAMLResponse form value, not XML
  --out FILE              write the response to FILE instead of stdout
  --metadata-out FILE     also write the IdP metadata to FILE
  --tamper NAME[,NAME]    break the response on purpose, for tests of
                          verifiers; repeatable. Names (rule a verifier must
                          enforce; other-key signs with a built-in test key,
                          certificate unchanged):
%KNOBS%

Exit status: 0 minted, 1 minting or writing failed, 2 usage error.

Examples:
  # key and certificate for tests
  openssl req -x509 -newkey rsa:2048 -nodes -days 1095 -keyout idp.key \
      -out idp.crt -subj "/CN=Microsoft Azure Federated SSO Certificate"

  # a response for the console, and the metadata to create the IAM provider
  samlaws mint --key idp.key --cert idp.crt \
      --role arn:aws:iam::111122223333:role/Admin,arn:aws:iam::111122223333:saml-provider/Entra \
      --metadata-out idp-metadata.xml --out response.xml

  # the form value for sts:AssumeRoleWithSAML, signed as Entra's "Sign SAML
  # response and assertion" option does, for a one-hour session
  samlaws mint --key idp.key --cert idp.crt --sign both --session-duration 3600 \
      --base64 > assertion.b64
  aws sts assume-role-with-saml --role-arn ... --principal-arn ... \
      --saml-assertion file://assertion.b64

  # an expired response and one signed by a key not in the metadata: a
  # verifier under test must reject both
  samlaws mint --key idp.key --cert idp.crt --tamper expired > expired.xml
  samlaws mint --key idp.key --cert idp.crt --tamper other-key > other-key.xml
`

// Defaults of samlaws mint.
const (
	mintDefaultUser = "B.Simon@contoso.com"
	mintDefaultRole = "arn:aws:iam::123456789012:role/EntraAdmin,arn:aws:iam::123456789012:saml-provider/EntraID"
)

// roleList is the repeatable --role flag.
type roleList []awsrole.Role

func (r *roleList) String() string { return "" }

func (r *roleList) Set(s string) error {
	role, err := awsrole.ParseRole(s)
	if err != nil {
		return err
	}
	*r = append(*r, role)
	return nil
}

// signFlag is --sign.
type signFlag mint.SigningMode

func (s *signFlag) String() string { return mint.SigningMode(*s).String() }

func (s *signFlag) Set(v string) error {
	switch v {
	case "assertion":
		*s = signFlag(mint.SignAssertion)
	case "response":
		*s = signFlag(mint.SignResponse)
	case "both":
		*s = signFlag(mint.SignBoth)
	default:
		return errors.New("must be assertion, response or both")
	}
	return nil
}

// mintOptions is the parsed command line of samlaws mint.
type mintOptions struct {
	keyFile, certFile    string
	issuer               string
	user                 string
	roles                roleList
	sessionName          string
	sessionDuration      string
	audience, recipient  string
	now                  string
	sign                 signFlag
	sha1, base64         bool
	seed                 string
	tampers              tamperList
	outFile, metadataOut string

	// Settled by parseMintArgs and load.
	parsedNow         time.Time
	parsedDuration    awsrole.SessionDuration
	parsedSessionName awsrole.RoleSessionName
	parsedSeed        uint64
	seedSet           bool
	signer            *rsa.PrivateKey
	certs             []*x509.Certificate
	tenantID          string
	finalIssuer       string
}

// runMint is "samlaws mint".
func runMint(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	opts, err := parseMintArgs(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, mintHelp)
		return exitOK
	}
	if err == nil {
		err = opts.load()
	}
	if err != nil {
		fmt.Fprintf(stderr, "samlaws mint: %v\nRun \"samlaws mint -h\" for usage.\n", err)
		return exitUsage
	}
	if err := ctx.Err(); err != nil {
		fmt.Fprintf(stderr, "samlaws mint: %v\n", err)
		return exitRejected
	}
	if err := opts.mint(stdout); err != nil {
		var ue *usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "samlaws mint: %v\nRun \"samlaws mint -h\" for usage.\n", err)
			return exitUsage
		}
		fmt.Fprintf(stderr, "samlaws mint: %v\n", err)
		return exitRejected
	}
	return exitOK
}

// parseMintArgs parses and checks the flags; it reads no file.
func parseMintArgs(args []string) (*mintOptions, error) {
	o := &mintOptions{}
	fs := flag.NewFlagSet("samlaws mint", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&o.keyFile, "key", "", "")
	fs.StringVar(&o.certFile, "cert", "", "")
	fs.StringVar(&o.issuer, "issuer", "", "")
	fs.StringVar(&o.user, "user", mintDefaultUser, "")
	fs.Var(&o.roles, "role", "")
	fs.StringVar(&o.sessionName, "session-name", "", "")
	fs.StringVar(&o.sessionDuration, "session-duration", "", "")
	fs.StringVar(&o.audience, "audience", awsendpoint.GlobalSignIn, "")
	fs.StringVar(&o.recipient, "recipient", awsendpoint.GlobalSignIn, "")
	fs.StringVar(&o.now, "now", "", "")
	fs.Var(&o.sign, "sign", "")
	fs.BoolVar(&o.sha1, "sha1", false, "")
	fs.BoolVar(&o.base64, "base64", false, "")
	fs.StringVar(&o.seed, "seed", "", "")
	fs.StringVar(&o.outFile, "out", "", "")
	fs.StringVar(&o.metadataOut, "metadata-out", "", "")
	fs.Var(&o.tampers, "tamper", "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, &usageError{msg: flagError(err, fs)}
	}
	if fs.NArg() > 0 {
		return nil, usagef("", "unexpected argument %q (mint takes flags only)", clip(fs.Arg(0)))
	}
	if o.keyFile == "" {
		return nil, usagef("--key", "missing: the PEM file of the signing key is required")
	}
	if o.certFile == "" {
		return nil, usagef("--cert", "missing: the PEM file of the signing certificate is required")
	}
	if len(o.roles) == 0 {
		if err := o.roles.Set(mintDefaultRole); err != nil {
			return nil, fmt.Errorf("internal: default role: %w", err)
		}
	}
	if o.user == "" {
		return nil, usagef("--user", "must not be empty")
	}
	name, which := o.sessionName, "--session-name"
	if name == "" {
		name, which = o.user, "--user"
	}
	sn := awsrole.RoleSessionName(name)
	if err := sn.Validate(); err != nil {
		if which == "--user" {
			return nil, usagef("--user", "the UPN is not a valid RoleSessionName, so pass --session-name: %v", err)
		}
		return nil, usagef(which, "%v", err)
	}
	o.parsedSessionName = sn
	if o.sessionDuration != "" {
		d, err := awsrole.ParseSessionDuration(o.sessionDuration)
		if err != nil {
			return nil, usagef("--session-duration", "%v", err)
		}
		o.parsedDuration = d
	}
	if o.now != "" {
		t, err := time.Parse(time.RFC3339, o.now)
		if err != nil {
			return nil, usagef("--now", "not an RFC 3339 time such as 2026-11-28T13:00:00Z")
		}
		o.parsedNow = t.UTC()
	}
	if o.seed != "" {
		n, err := strconv.ParseUint(o.seed, 10, 64)
		if err != nil {
			return nil, usagef("--seed", "not a non-negative integer")
		}
		o.parsedSeed, o.seedSet = n, true
	}
	if o.issuer != "" && !isAbsoluteURI(o.issuer) {
		return nil, usagef("--issuer", "not an absolute URI")
	}
	if !isAbsoluteURI(o.audience) {
		return nil, usagef("--audience", "not an absolute URI (a URL or a URN such as urn:amazon:webservices)")
	}
	if u, err := url.Parse(o.recipient); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.ContainsAny(o.recipient, " \t\r\n<>\"") {
		return nil, usagef("--recipient", "not an absolute http(s) URL")
	}
	return o, nil
}

// isAbsoluteURI reports whether s is an absolute URI (a scheme and something
// after it) without whitespace or XML-special characters.
func isAbsoluteURI(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && (u.Opaque != "" || u.Host != "") && !strings.ContainsAny(s, " \t\r\n<>\"")
}

// load reads the key and certificate files and settles the issuer and tenant.
func (o *mintOptions) load() error {
	keyPEM, err := os.ReadFile(o.keyFile)
	if err != nil {
		return usagef("--key", "cannot read %q: %v", fileArg(o.keyFile), pathlessError(err))
	}
	if p := keyInputProblem(keyPEM); p != "" {
		return usagef("--key", "%q %s", fileArg(o.keyFile), p)
	}
	key, err := parsePrivateKeyPEM(keyPEM)
	if err != nil {
		return usagef("--key", "%v", err)
	}
	certPEM, err := os.ReadFile(o.certFile)
	if err != nil {
		return usagef("--cert", "cannot read %q: %v", fileArg(o.certFile), pathlessError(err))
	}
	if p := certInputProblem(certPEM); p != "" {
		return usagef("--cert", "%q %s", fileArg(o.certFile), p)
	}
	certs, err := parseCertificatesPEM(certPEM, &key.PublicKey)
	if err != nil {
		return usagef("--cert", "%v", err)
	}
	o.signer, o.certs = key, certs

	o.tenantID = tenantFromCertificate(certs[0])
	o.finalIssuer = "https://sts.windows.net/" + o.tenantID + "/"
	if o.issuer != "" {
		o.finalIssuer = o.issuer
		if t, ok := tenantFromIssuer(o.issuer); ok {
			o.tenantID = t
		}
	}
	return nil
}

// pathlessError returns the reason of a file error without repeating the path
// the user typed (which the message already names by its flag).
func pathlessError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// parsePrivateKeyPEM finds the first private key in a PEM file: PKCS #1
// ("RSA PRIVATE KEY") or PKCS #8 ("PRIVATE KEY"); other blocks (certificates) are
// skipped. Errors never include key material.
func parsePrivateKeyPEM(data []byte) (*rsa.PrivateKey, error) {
	rest := data
	sawPEM := false
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		sawPEM = true
		switch block.Type {
		case "RSA PRIVATE KEY":
			if len(block.Headers) > 0 {
				return nil, errors.New("encrypted PEM keys are not supported; decrypt it first (openssl rsa -in KEY -out PLAIN)")
			}
			k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
			if err != nil {
				return nil, errors.New("the PKCS #1 key block is not a valid RSA key")
			}
			return k, nil
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
			if err != nil {
				return nil, errors.New("the PKCS #8 key block is not a valid key")
			}
			rk, ok := k.(*rsa.PrivateKey)
			if !ok {
				return nil, fmt.Errorf("the key is %s, not RSA: Entra signs with RSA only (C3.1)", keyKind(k))
			}
			return rk, nil
		case "ENCRYPTED PRIVATE KEY":
			return nil, errors.New("encrypted PKCS #8 keys are not supported; decrypt it first (openssl pkcs8 -in KEY -out PLAIN)")
		case "EC PRIVATE KEY":
			return nil, errors.New("the key is ECDSA, not RSA: Entra signs with RSA only (C3.1)")
		}
	}
	if !sawPEM {
		return nil, errors.New("no PEM data found (want a PEM private key)")
	}
	return nil, errors.New("no private key found among the PEM blocks")
}

func keyKind(k any) string {
	switch k.(type) {
	case *ecdsa.PrivateKey:
		return "ECDSA"
	case ed25519.PrivateKey:
		return "Ed25519"
	case *ecdh.PrivateKey:
		return "ECDH"
	}
	return "of an unsupported type"
}

// parseCertificatesPEM returns the CERTIFICATE blocks of a PEM file (read by
// the CLI's one certificate loader, parseCertificates), the one whose key is
// pub first, the others after it in file order.
func parseCertificatesPEM(data []byte, pub *rsa.PublicKey) ([]*x509.Certificate, error) {
	certs, err := parseCertificates(data)
	if err != nil {
		return nil, err
	}
	for i, c := range certs {
		if k, ok := c.PublicKey.(*rsa.PublicKey); ok && k.Equal(pub) {
			out := append([]*x509.Certificate{c}, certs[:i]...)
			return append(out, certs[i+1:]...), nil
		}
	}
	return nil, errors.New("no certificate in the file matches the --key")
}

// tenantFromCertificate derives a stable GUID from the certificate, so that the
// default issuer of a response and of the metadata agree between runs.
func tenantFromCertificate(c *x509.Certificate) string {
	h := sha256.Sum256(c.Raw)
	h[6] = h[6]&0x0f | 0x40
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// tenantFromIssuer returns the tenant of an Entra issuer
// "https://sts.windows.net/<tenant>/".
func tenantFromIssuer(iss string) (string, bool) {
	t, ok := strings.CutPrefix(iss, "https://sts.windows.net/")
	if !ok {
		return "", false
	}
	t, ok = strings.CutSuffix(t, "/")
	if !ok || t == "" || strings.ContainsAny(t, "/?#") {
		return "", false
	}
	return t, true
}

// mint builds the response (and metadata) and writes them.
func (o *mintOptions) mint(stdout io.Writer) error {
	var rnd io.Reader // nil: crypto/rand
	if o.seedSet {
		var s [32]byte
		for i := range 8 {
			s[i] = byte(o.parsedSeed >> (8 * i))
		}
		rnd = mrand.NewChaCha8(s)
	}
	var now func() time.Time
	if !o.parsedNow.IsZero() {
		t := o.parsedNow
		now = func() time.Time { return t }
	}
	cfg := mint.BuilderConfig{
		Signer:       o.signer,
		Certificates: o.certs,
		Issuer:       o.finalIssuer,
		Now:          now,
		Rand:         rnd,
	}
	if _, isEntra := tenantFromIssuer(o.finalIssuer); isEntra {
		cfg.TenantID = o.tenantID
	}
	b, err := mint.NewBuilder(cfg)
	if err != nil {
		return err
	}
	spec := mint.ResponseSpec{
		User: mint.User{
			UPN:         o.user,
			DisplayName: o.user,
			Email:       o.user,
		},
		Audience:  o.audience,
		Recipient: o.recipient,
		Signing:   mint.SigningMode(o.sign),
		AWS: awsrole.Attributes{
			Roles:           o.roles,
			RoleSessionName: o.parsedSessionName,
			SessionDuration: o.parsedDuration,
		},
	}
	if o.sha1 {
		spec.Algorithm = mint.RSASHA1
	}
	if err := o.tampers.apply(&spec); err != nil {
		return err
	}
	m, err := b.Build(spec)
	if err != nil {
		if len(o.tampers) > 0 && errors.Is(err, mint.ErrResponseSpec) {
			// Knobs that cannot be combined (e.g. modified-after-signing
			// with missing-nameid): a usage error.
			return usagef("--tamper", "%v", err)
		}
		return err
	}
	out := m.XML
	if o.base64 {
		out = []byte(m.Base64())
	}

	var md []byte
	if o.metadataOut != "" {
		id, err := metadataID(rnd)
		if err != nil {
			return err
		}
		md, err = entrametadata.Build(entrametadata.Config{
			ID:           id,
			EntityID:     o.finalIssuer,
			TenantID:     o.tenantID,
			Certificates: o.certs[:1],
			Signer:       o.signer,
		})
		if err != nil {
			return fmt.Errorf("--metadata-out: %w", err)
		}
	}

	if o.outFile != "" {
		if err := os.WriteFile(o.outFile, out, 0o600); err != nil {
			return fmt.Errorf("--out: %w", err)
		}
	} else {
		if _, err := stdout.Write(append(out, '\n')); err != nil {
			return fmt.Errorf("writing the response: %w", err)
		}
	}
	if md != nil {
		if err := os.WriteFile(o.metadataOut, md, 0o644); err != nil {
			return fmt.Errorf("--metadata-out: %w", err)
		}
	}
	return nil
}

// metadataID returns "_" + a version-4 GUID from r (crypto/rand when nil).
func metadataID(r io.Reader) (string, error) {
	if r == nil {
		r = rand.Reader
	}
	var u [16]byte
	if _, err := io.ReadFull(r, u[:]); err != nil {
		return "", fmt.Errorf("reading randomness: %w", err)
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("_%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16]), nil
}

package main

import (
	"context"
	"crypto/rsa"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/awslimits"
	"github.com/samlaws/samlaws/saml"
)

const checkHelp = `usage: samlaws check (--metadata FILE|URL | --cert PEM) [flags] FILE...

Would AWS accept this SAML response? Each FILE holds a SAMLResponse as Entra
posts it to https://signin.aws.amazon.com/saml: the base64 form value (with or
without line breaks; "SAMLResponse=..." and URL-encoded values are accepted
too) or the Response XML. "-" reads standard input. The files are checked in
order by one verifier with one replay cache, so a response given twice is
rejected the second time (D5.3).

A rejected response is listed with every problem found (not only the first),
the rule it breaks, what AWS would answer and how to fix it. The text report
ends with what each cited rule says and its source ("samlaws explain RULE"
prints one in full).

Flags:
  --metadata FILE|URL  the IdP federation metadata the IAM SAML provider holds
                       (Entra's app-specific metadata, a UTF-8 BOM is fine);
                       its entityID is the expected Issuer and every signing
                       certificate in it is trusted
  --cert FILE          instead of --metadata: PEM certificate(s) of the IdP;
                       repeat for several
  --issuer URL         with --cert: the expected Issuer (entityID), for Entra
                       https://sts.windows.net/<tenant-id>/. Without it the
                       Issuer of the first response is taken (and said so):
                       the signature is still checked against --cert only
  --audience URL       an accepted Audience; repeat for several. An Entra
                       Identifier with an instance suffix ("...saml#2") may be
                       given as it is (default https://signin.aws.amazon.com/saml
                       and urn:amazon:webservices)
  --recipient URL      an accepted Recipient and Destination; repeat for several
                       (default: what AWS accepts in the commercial partition,
                       https://signin.aws.amazon.com/saml, .../static/saml and
                       every regional https://<region>.signin.aws.amazon.com/saml)
  --provider-id ID     the IAM SAML provider's unique ID (SAMLProviderUUID, as in
                       SAMLSPD9IMTW2LM46J042K) when it requires encrypted
                       assertions: its own ACS .../saml/acs/ID (global or
                       regional) is then an accepted Recipient (A1.4)
  --trust-policy FILE  the trust policy of the role the response is for (JSON,
                       or URL-encoded as "aws iam get-role" prints it): an
                       accepted response is also evaluated as STS evaluates
                       the trust policy (sts:TagSession for session tags,
                       sts:SetSourceIdentity, SAML:aud = Recipient, ...)
  --role ARN           with --trust-policy: the role it belongs to, when the
                       Role attribute lists several
  --trust-policy-from-iam  with --role: read that role's trust policy with IAM
                       GetRole (AWS SDK default credentials; needs iam:GetRole)
                       instead of --trust-policy
  --request-id ID      the ID of the AuthnRequest the response answers (an
                       SP-initiated sign-in); repeat for several. InResponseTo
                       must then equal one of them. Without it InResponseTo is
                       not checked, as AWS keeps no request state (D1.6)
  --now RFC3339        check as of this time (default: the current time). AWS
                       takes a response only within 5 minutes of its
                       IssueInstant (A4.4): for a saved response, pass a time
                       just after the IssueInstant "samlaws decode" shows
  --allow-sha1         also accept RSA-SHA1 signatures (Entra's legacy option)
  --decrypt-key FILE   PEM RSA private key for encrypted assertions (the key
                       given to the IAM provider with AddPrivateKey); repeat
                       for two
  --json               one JSON object per file and line, instead of text

Exit status: 0 every response accepted, 1 some response rejected, 2 usage
error (a bad flag, unreadable file or unusable metadata).

Examples:
  samlaws check --metadata idp-metadata.xml response.b64
  samlaws check --metadata "https://login.microsoftonline.com/<tenant>/federationmetadata/2007-06/federationmetadata.xml?appid=<app>" -
  samlaws check --cert entra.pem --issuer https://sts.windows.net/<tenant>/ \
      --audience "https://signin.aws.amazon.com/saml#2" --json a.xml b.xml
`

// checkMaxInput bounds what is read from one response file. The verifier
// rejects anything over STS's 100,000-character limit (A6.1); reading a little
// more than that lets it say so, without reading an arbitrarily large file.
const checkMaxInput = 4 * awslimits.MaxAssertionChars

// checkStrings is a repeatable string flag.
type checkStrings []string

func (s *checkStrings) String() string { return strings.Join(*s, ",") }

func (s *checkStrings) Set(v string) error {
	*s = append(*s, v)
	return nil
}

// checkOptions is the parsed command line of samlaws check.
type checkOptions struct {
	metadata    string
	certs       checkStrings
	issuer      string
	audiences   checkStrings
	recipients  checkStrings
	requestIDs  checkStrings
	providerID  string
	trustPolicy string
	role        string
	fetchPolicy bool
	now         string
	allowSHA1   bool
	decryptKeys checkStrings
	json        bool
	files       []string

	parsedNow time.Time // zero: the current time
}

// runCheck is "samlaws check".
func runCheck(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	opts, err := parseCheckArgs(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, checkHelp)
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "samlaws check: %v\nRun \"samlaws check -h\" for usage.\n", err)
		return exitUsage
	}
	trust, err := checkLoadTrust(ctx, opts)
	if err != nil {
		fmt.Fprintf(stderr, "samlaws check: %v\n", err)
		return exitUsage
	}
	inputs, err := checkReadInputs(opts.files, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "samlaws check: %v\n", err)
		return exitUsage
	}
	if trust.entityID == "" {
		iss, ok := checkPeekIssuer(inputs[0].data)
		if !ok {
			fmt.Fprintf(stderr, "samlaws check: --issuer: missing, and the Issuer of %s cannot be read; pass --issuer https://sts.windows.net/<tenant-id>/\n", inputs[0].name)
			return exitUsage
		}
		trust.entityID = iss
		trust.note = "issuer taken from " + inputs[0].name + " (no --issuer given), so it is not checked against an expected value"
		if opts.json {
			fmt.Fprintf(stderr, "samlaws check: note: %s\n", trust.note)
		}
	}
	v, err := checkNewVerifier(opts, trust)
	if err != nil {
		fmt.Fprintf(stderr, "samlaws check: %v\n", err)
		return exitUsage
	}
	if opts.fetchPolicy {
		if v.policy, err = checkFetchTrustPolicy(ctx, opts.role); err != nil {
			fmt.Fprintf(stderr, "samlaws check: %v\n", err)
			return exitUsage
		}
	}
	out := &checkPrinter{w: stdout, json: opts.json, now: v.now, recipients: opts.recipients, requestIDs: opts.requestIDs, policy: v.policy}
	if !opts.json {
		out.header(trust)
	}
	code := exitOK
	for _, in := range inputs {
		if err := ctx.Err(); err != nil {
			fmt.Fprintf(stderr, "samlaws check: %v\n", err)
			return exitRejected
		}
		res := v.check(ctx, in)
		if !res.Accepted {
			code = exitRejected
		}
		if err := out.result(res); err != nil {
			fmt.Fprintf(stderr, "samlaws check: writing the result: %v\n", err)
			return exitRejected
		}
	}
	if !opts.json {
		out.summary()
	}
	return code
}

// parseCheckArgs parses the flags, which may come before, between or after the
// files ("--" ends the flags). It reads no file.
func parseCheckArgs(args []string) (*checkOptions, error) {
	o := &checkOptions{}
	fs := flag.NewFlagSet("samlaws check", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&o.metadata, "metadata", "", "")
	fs.Var(&o.certs, "cert", "")
	fs.StringVar(&o.issuer, "issuer", "", "")
	fs.Var(&o.audiences, "audience", "")
	fs.Var(&o.recipients, "recipient", "")
	fs.Var(&o.requestIDs, "request-id", "")
	fs.StringVar(&o.providerID, "provider-id", "", "")
	fs.StringVar(&o.trustPolicy, "trust-policy", "", "")
	fs.StringVar(&o.role, "role", "", "")
	fs.BoolVar(&o.fetchPolicy, "trust-policy-from-iam", false, "")
	fs.StringVar(&o.now, "now", "", "")
	fs.BoolVar(&o.allowSHA1, "allow-sha1", false, "")
	fs.Var(&o.decryptKeys, "decrypt-key", "")
	fs.BoolVar(&o.json, "json", false, "")
	files, err := checkParseInterspersed(fs, args)
	if err != nil {
		return nil, err
	}
	o.files = files

	switch {
	case o.metadata == "" && len(o.certs) == 0:
		return nil, usagef("--metadata", "missing: pass the IdP metadata (--metadata FILE|URL) or its certificate (--cert PEM)")
	case o.metadata != "" && len(o.certs) > 0:
		return nil, usagef("--cert", "cannot be combined with --metadata: the metadata already names the certificates")
	case o.metadata != "" && o.issuer != "":
		return nil, usagef("--issuer", "cannot be combined with --metadata: the metadata's entityID is the issuer")
	}
	if o.issuer != "" && !checkIsAbsoluteURI(o.issuer) {
		return nil, usagef("--issuer", "not an absolute URI")
	}
	for _, a := range o.audiences {
		if _, err := federation.ParseIdentifier(a); err != nil {
			return nil, usagef("--audience", "%q is not a usable audience: %v", clip(a), err)
		}
	}
	for _, r := range o.recipients {
		if !checkIsAbsoluteURI(r) {
			return nil, usagef("--recipient", "%q is not an absolute URL", clip(r))
		}
		if err := federation.CheckReplyURL(r); errors.Is(err, federation.ErrReplyURLInstance) {
			return nil, usagef("--recipient", "%v", err)
		}
	}
	for _, id := range o.requestIDs {
		if id == "" || len(id) > 256 || strings.ContainsAny(id, " \t\r\n\"<>&") {
			return nil, usagef("--request-id", "%q is not an AuthnRequest ID (1-256 characters without spaces or markup)", clip(id))
		}
	}
	if o.now != "" {
		t, err := time.Parse(time.RFC3339, o.now)
		if err != nil {
			return nil, usagef("--now", "not an RFC 3339 time such as 2026-11-28T13:00:00Z")
		}
		o.parsedNow = t
	}
	switch {
	case o.fetchPolicy && o.trustPolicy != "":
		return nil, usagef("--trust-policy-from-iam", "cannot be combined with --trust-policy")
	case o.fetchPolicy && o.role == "":
		return nil, usagef("--trust-policy-from-iam", "needs --role: the role whose trust policy IAM returns")
	}
	if len(o.decryptKeys) > 2 {
		return nil, usagef("--decrypt-key", "at most 2 keys, as an IAM SAML provider holds (A5.8)")
	}
	if len(o.files) == 0 {
		return nil, usagef("", "no response file given (use - for standard input)")
	}
	stdin := 0
	for _, f := range o.files {
		if f == "-" {
			stdin++
		}
	}
	if stdin > 1 {
		return nil, usagef("", `"-" (standard input) may be given only once`)
	}
	return o, nil
}

// checkParseInterspersed is parseInterspersed with a bad flag turned into a
// usage error naming it (with "did you mean"); -h stays flag.ErrHelp.
func checkParseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	pos, err := parseInterspersed(fs, args)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		return nil, &usageError{msg: flagError(err, fs)}
	}
	return pos, err
}

func checkIsAbsoluteURI(s string) bool {
	i := strings.Index(s, ":")
	if i <= 0 || i == len(s)-1 || strings.ContainsAny(s, " \t\r\n<>\"") {
		return false
	}
	for j, c := range s[:i] {
		isAlpha := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !isAlpha && (j == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}

// checkVerifier is the one verifier (and so the one replay cache) of a run.
type checkVerifier struct {
	v   *saml.Verifier
	now func() time.Time
	// requestIDs are the --request-id values: InResponseTo must match one.
	requestIDs []string
	// policy is --trust-policy, or nil.
	policy *checkTrustPolicy
}

// checkNewVerifier configures the verifier as AWS checks a response: the
// trusted issuer and certificates, the audiences and recipients, the clock,
// and AWS's IssueInstant freshness window (A4.4).
func checkNewVerifier(o *checkOptions, trust *checkTrust) (*checkVerifier, error) {
	now := time.Now
	if !o.parsedNow.IsZero() {
		t := o.parsedNow
		now = func() time.Time { return t }
	}
	keys, err := checkLoadDecryptKeys(o.decryptKeys)
	if err != nil {
		return nil, err
	}
	cfg := saml.VerifierConfig{
		IdPEntityID:    trust.entityID,
		Certificates:   trust.certs,
		Audiences:      o.audiences,
		Recipients:     o.recipients,
		Now:            now,
		AllowSHA1:      o.allowSHA1,
		DecryptionKeys: keys,
		ProviderID:     o.providerID,
		AWSCompatible:  true,
		MaxIssueAge:    checkMaxIssueAge,
	}
	v, err := saml.NewVerifier(cfg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", trust.flag, err)
	}
	policyFile, policyRole := o.trustPolicy, o.role
	if o.fetchPolicy {
		policyRole = "" // read by runCheck, which has the context
	}
	policy, err := checkLoadTrustPolicy(policyFile, policyRole)
	if err != nil {
		return nil, err
	}
	return &checkVerifier{v: v, now: now, requestIDs: o.requestIDs, policy: policy}, nil
}

// checkLoadDecryptKeys reads the --decrypt-key files.
func checkLoadDecryptKeys(files []string) ([]*rsa.PrivateKey, error) {
	var keys []*rsa.PrivateKey
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, usagef("--decrypt-key", "cannot read %q: %v", fileArg(f), pathlessError(err))
		}
		if p := keyInputProblem(data); p != "" {
			return nil, usagef("--decrypt-key", "%q %s", fileArg(f), p)
		}
		k, err := parsePrivateKeyPEM(data)
		if err != nil {
			return nil, usagef("--decrypt-key", "%q: %v", fileArg(f), err)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// checkPeekIssuer reads the Issuer of a response without verifying anything:
// the Response Issuer, else the first Assertion's. Used only to configure the
// expected issuer when --cert is given without --issuer.
func checkPeekIssuer(data []byte) (string, bool) {
	x, _, _, err := decodeResponseBytes(data)
	if err != nil || len(x) > awslimits.MaxAssertionChars {
		return "", false
	}
	root, err := decodeParseXML(x)
	if err != nil || root.name.Space != nsProtocol || root.name.Local != "Response" {
		return "", false
	}
	iss := root.child(nsAssertion, "Issuer").value()
	if iss == "" {
		iss = root.path([2]string{nsAssertion, "Assertion"}, [2]string{nsAssertion, "Issuer"}).value()
	}
	if iss == "" || !checkIsAbsoluteURI(iss) || len(iss) > 1024 {
		return "", false
	}
	return iss, true
}

// checkInput is one response to check: its name as given and its bytes.
type checkInput struct {
	name string
	data []byte
}

// checkReadInputs reads every file (or standard input for "-") before any is
// checked, so that an unreadable file is a usage error, not a half-done run.
func checkReadInputs(files []string, stdin io.Reader) ([]checkInput, error) {
	var ins []checkInput
	for _, f := range files {
		data, err := readResponseInput(f, stdin, checkMaxInput)
		if err != nil {
			return nil, err
		}
		ins = append(ins, checkInput{name: f, data: data})
	}
	return ins, nil
}

// checkProblem is one reason a response is rejected, as printed.
type checkProblem struct {
	Code    string       `json:"code"`
	Rule    string       `json:"rule"`
	Message string       `json:"message"`
	Hint    string       `json:"hint"`
	AWS     *checkAWSErr `json:"aws,omitempty"`
	// Flag is the command-line flag that would accept the response as it is,
	// when the response is right and the command line is not.
	Flag string `json:"flag,omitempty"`
	// Values are the response's values behind the problem and what was
	// expected.
	Values []checkValue `json:"values,omitempty"`
}

// checkValue is one value of the response next to what was expected. Actual
// is the value itself (JSON escapes control characters), at most
// checkMaxValue bytes; Visible is the same quoted with every character but
// printable ASCII escaped, as the text output shows it.
type checkValue struct {
	Name      string   `json:"name"`
	Actual    string   `json:"actual"`
	Visible   string   `json:"visible"`
	Missing   bool     `json:"missing,omitempty"`
	Truncated bool     `json:"truncated,omitempty"`
	Expected  []string `json:"expected,omitempty"`
	Note      string   `json:"note,omitempty"`
}

// checkAWSErr is what AWS would answer.
type checkAWSErr struct {
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	Console string `json:"console,omitempty"`
	// Inferred: part of the answer is our inference, not documented or
	// reported (saml.ValidationError.AWSInferred).
	Inferred bool `json:"inferred,omitempty"`
}

// What "samlaws check" tells the user about the verifier's time windows.
// checkMaxIssueAge is passed as VerifierConfig.MaxIssueAge (STS: "Token must be
// redeemed within 5 minutes of issuance", A4.4); checkClockSkew is the
// verifier's default skew before NotBefore and IssueInstant (D5.4, the
// VerifierConfig.ClockSkew documentation), which check leaves unset so that
// no grace applies after NotOnOrAfter.
const (
	checkMaxIssueAge = 5 * time.Minute
	checkClockSkew   = 5 * time.Minute
)

// checkResult is the verdict on one file.
type checkResult struct {
	File      string          `json:"file"`
	Accepted  bool            `json:"accepted"`
	Errors    []checkProblem  `json:"errors"`
	Assertion *checkAssertion `json:"assertion,omitempty"`
	// Omitted counts the problems found beyond those listed (the verifier
	// lists at most 50: saml.Report), so that the output stays
	// bounded.
	Omitted int `json:"omitted,omitempty"`
	// Notes are facts that do not reject the response but that a user should
	// know, such as an expired signing certificate that AWS still accepts.
	Notes []string `json:"notes,omitempty"`

	verified *saml.Assertion // for the text output
}

// check verifies one response: Verify (which consults the replay cache) gives
// the verdict; when it rejects, Diagnose lists every problem, not only the
// first.
func (cv *checkVerifier) check(ctx context.Context, in checkInput) *checkResult {
	res := &checkResult{File: in.name, Errors: []checkProblem{}}
	raw := normalizeFormValue(in.data)
	a, err := cv.v.Verify(ctx, raw, cv.requestIDs...)
	if err == nil {
		res.Accepted = true
		res.verified = a
		res.Assertion = newCheckAssertion(a)
		if c := a.Certificate; c != nil && !cv.now().Before(c.NotAfter) {
			res.Assertion.CertificateExpired = true
			res.Notes = append(res.Notes, checkExpiredCertNote(sha1Thumbprint(c), c.NotAfter))
		}
		if cv.policy != nil {
			if probs := cv.policy.evaluate(a); len(probs) > 0 {
				res.Accepted = false
				res.Errors = append(res.Errors, probs...)
			}
		}
		return res
	}
	var first *saml.ValidationError
	if !errors.As(err, &first) {
		res.Errors = append(res.Errors, checkProblem{Code: "error", Message: "verification failed"})
		return res
	}
	rep := cv.v.Diagnose(ctx, raw, cv.requestIDs...)
	problems := rep.Problems
	res.Omitted = rep.Omitted
	found := false
	for _, p := range problems {
		if p.Kind == first.Kind && p.Rule == first.Rule {
			found = true
			break
		}
	}
	if !found {
		// Replay (Diagnose does not consult the cache) or a check Diagnose
		// skipped: Verify's verdict comes first.
		problems = append([]*saml.ValidationError{first}, problems...)
	}
	for _, p := range problems {
		res.Errors = append(res.Errors, newCheckProblem(p))
	}
	return res
}

func newCheckProblem(p *saml.ValidationError) checkProblem {
	cp := checkProblem{
		Code:    p.Code(),
		Rule:    p.Rule,
		Message: p.Reason,
		Hint:    p.Hint,
	}
	if p.AWSCode != "" || p.AWSMessage != "" || p.AWSConsole != "" {
		cp.AWS = &checkAWSErr{Code: p.AWSCode, Message: p.AWSMessage, Console: p.AWSConsole, Inferred: p.AWSInferred}
	}
	cp.Flag = checkSettingFlags[p.Setting]
	for _, v := range p.Values {
		cp.Values = append(cp.Values, newCheckValue(v))
	}
	return cp
}

// checkSettingFlags names the flag of this command for each verifier setting
// a problem may point at (saml.ValidationError.Setting), so that a hint
// names what a user can type, never a Go identifier.
var checkSettingFlags = map[string]string{
	"IdPEntityID":    "--metadata",
	"Audiences":      "--audience",
	"Recipients":     "--recipient",
	"AllowSHA1":      "--allow-sha1",
	"DecryptionKeys": "--decrypt-key",
}

// checkFlagAdvice says how a flag would accept the response, for the text
// output.
func checkFlagAdvice(flag string) string {
	switch flag {
	case "--metadata":
		return "if the response comes from the right tenant, check with that tenant's metadata (--metadata, or --cert with --issuer)"
	case "--audience":
		return "if the audience is right for your provider, accept it with --audience"
	case "--recipient":
		return "if the endpoint is right for your provider, accept it with --recipient"
	case "--allow-sha1":
		return "to accept SHA-1 as Entra's legacy option allows, pass --allow-sha1"
	case "--decrypt-key":
		return "pass that private key with --decrypt-key"
	}
	return ""
}

// checkExpiredCertNote explains an accepted signature by an expired
// certificate, in the words "metadata inspect" uses, so that the two do not
// contradict each other.
func checkExpiredCertNote(sha1 string, notAfter time.Time) string {
	return "the signing certificate (SHA-1 " + sha1 + ") expired at " + notAfter.UTC().Format(time.RFC3339) +
		": " + awsAcceptsExpired + ", but once a valid certificate exists Entra signs with that one (C3.2), " +
		"so put the new certificate into the provider's metadata first (C3.4; \"samlaws metadata inspect\" shows this one as expired)"
}

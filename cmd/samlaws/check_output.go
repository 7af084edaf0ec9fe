package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/saml"
)

// checkRole is one Role attribute value in JSON.
type checkRole struct {
	Role     string `json:"role"`
	Provider string `json:"provider"`
}

// checkTag is one session tag in JSON.
type checkTag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// checkAssertion is the JSON form of a verified assertion.
type checkAssertion struct {
	ID              string      `json:"id"`
	Issuer          string      `json:"issuer"`
	NameID          string      `json:"name_id"`
	NameIDFormat    string      `json:"name_id_format"`
	Roles           []checkRole `json:"roles"`
	RoleSessionName string      `json:"role_session_name"`
	// SessionDuration is in seconds; null when the attribute is absent.
	SessionDuration     *int       `json:"session_duration"`
	SourceIdentity      string     `json:"source_identity,omitempty"`
	Tags                []checkTag `json:"tags,omitempty"`
	TransitiveTagKeys   []string   `json:"transitive_tag_keys,omitempty"`
	Audiences           [][]string `json:"audiences"`
	Recipient           string     `json:"recipient"`
	Destination         string     `json:"destination"`
	IssueInstant        string     `json:"issue_instant"`
	NotBefore           string     `json:"not_before,omitempty"`
	NotOnOrAfter        string     `json:"not_on_or_after,omitempty"`
	SubjectNotOnOrAfter string     `json:"subject_not_on_or_after,omitempty"`
	SessionNotOnOrAfter string     `json:"session_not_on_or_after,omitempty"`
	SignedResponse      bool       `json:"signed_response"`
	SignedAssertion     bool       `json:"signed_assertion"`
	SignatureAlgorithm  string     `json:"signature_algorithm"`
	CertificateSHA1     string     `json:"certificate_sha1"`
	// CertificateExpired: the signing certificate's NotAfter has passed at the
	// check time; AWS accepts its signatures all the same.
	CertificateExpired bool                `json:"certificate_expired,omitempty"`
	Encrypted          bool                `json:"encrypted"`
	Attributes         map[string][]string `json:"attributes"`
}

// checkTime formats a time for JSON and text; "" for the zero time.
func checkTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// newCheckAssertion converts a verified assertion. Attributes holds every
// attribute AWS does not read itself (the Entra claims).
func newCheckAssertion(a *saml.Assertion) *checkAssertion {
	ca := &checkAssertion{
		ID:                  a.ID,
		Issuer:              a.Issuer,
		NameID:              a.NameID,
		NameIDFormat:        a.NameIDFormat,
		Roles:               []checkRole{},
		RoleSessionName:     string(a.RoleSessionName),
		SourceIdentity:      string(a.SourceIdentity),
		TransitiveTagKeys:   a.TransitiveTagKeys,
		Audiences:           a.Audiences,
		Recipient:           a.Recipient,
		Destination:         a.Destination,
		IssueInstant:        checkTime(a.IssueInstant),
		NotBefore:           checkTime(a.NotBefore),
		NotOnOrAfter:        checkTime(a.NotOnOrAfter),
		SubjectNotOnOrAfter: checkTime(a.SubjectNotOnOrAfter),
		SessionNotOnOrAfter: checkTime(a.SessionNotOnOrAfter),
		SignedResponse:      a.SignedResponse,
		SignedAssertion:     a.SignedAssertion,
		SignatureAlgorithm:  a.SignatureAlgorithm,
		Encrypted:           a.Encrypted,
		Attributes:          map[string][]string{},
	}
	if ca.Audiences == nil {
		ca.Audiences = [][]string{}
	}
	for _, r := range a.Roles {
		ca.Roles = append(ca.Roles, checkRole{Role: r.RoleARN.String(), Provider: r.ProviderARN.String()})
	}
	if a.SessionDuration != 0 {
		s := int(time.Duration(a.SessionDuration) / time.Second)
		ca.SessionDuration = &s
	}
	for _, t := range a.Tags {
		ca.Tags = append(ca.Tags, checkTag{Key: t.Key, Value: t.Value})
	}
	if a.Certificate != nil {
		ca.CertificateSHA1 = sha1Thumbprint(a.Certificate)
	}
	for name, vals := range a.Claims {
		if checkIsAWSAttribute(name) {
			continue
		}
		ca.Attributes[name] = vals
	}
	return ca
}

// checkIsAWSAttribute reports whether AWS itself reads the attribute (A3).
func checkIsAWSAttribute(name string) bool {
	switch name {
	case awsrole.AttrRole, awsrole.AttrRoleSessionName, awsrole.AttrSessionDuration,
		awsrole.AttrSourceIdentity, awsrole.AttrTransitiveTagKeys:
		return true
	}
	return strings.HasPrefix(name, awsrole.AttrPrincipalTagPrefix)
}

// checkPrinter writes the verdicts, as text or JSON lines.
type checkPrinter struct {
	w                  io.Writer
	json               bool
	now                func() time.Time
	accepted, rejected int
	cited              citedRules // rules the text report cites, explained at its end
	// recipients and requestIDs are --recipient and --request-id, for the
	// header.
	recipients, requestIDs []string
	// policy is --trust-policy, or nil.
	policy *checkTrustPolicy
}

// header says what the run trusts, so that a verdict can be read in context.
func (p *checkPrinter) header(t *checkTrust) {
	var tps []string
	for _, c := range t.certs {
		tps = append(tps, sha1Thumbprint(c))
	}
	fmt.Fprintf(p.w, "Trusting issuer %s\n", decodeShown(t.entityID))
	fmt.Fprintf(p.w, "  with %d signing certificate(s) from %s, SHA-1 thumbprint(s) %s\n", len(t.certs), decodeShown(fileArg(t.source)), strings.Join(tps, ", "))
	if t.note != "" {
		fmt.Fprintf(p.w, "  note: %s\n", decodeShown(t.note))
	}
	for _, c := range t.certs {
		if !p.now().Before(c.NotAfter) {
			fmt.Fprintf(p.w, "  note: certificate %s expired at %s; %s\n", sha1Thumbprint(c), c.NotAfter.UTC().Format(time.RFC3339), awsAcceptsExpired)
		}
	}
	fmt.Fprintf(p.w, "Checking as AWS would at %s\n", p.now().UTC().Truncate(time.Second).Format(time.RFC3339))
	fmt.Fprintf(p.w, "  AWS-compatible: IssueInstant at most %s old (STS, A4.4), no grace after NotOnOrAfter (as STS answered in\n", checkMaxIssueAge)
	fmt.Fprintf(p.w, "  a field report, A4.4), %s clock skew before NotBefore;\n", checkClockSkew)
	if len(p.recipients) == 0 {
		fmt.Fprintf(p.w, "  Recipient and Destination: https://signin.aws.amazon.com/saml, .../static/saml or any regional\n")
		fmt.Fprintf(p.w, "  https://<region>.signin.aws.amazon.com/saml, as AWS accepts in the aws partition (A1.1, A1.2; exact hosts);\n")
	} else {
		fmt.Fprintf(p.w, "  Recipient and Destination: only %s (--recipient);\n", strings.Join(p.recipients, ", "))
	}
	if p.policy != nil {
		fmt.Fprintf(p.w, "%s;\n", p.policy.header())
	}
	if len(p.requestIDs) == 0 {
		fmt.Fprintf(p.w, "  InResponseTo not checked: AWS keeps no request state, so SP-initiated responses pass (D1.6);\n")
	} else {
		fmt.Fprintf(p.w, "  InResponseTo must answer request %s (--request-id, D1.6);\n", strings.Join(p.requestIDs, " or "))
	}
	fmt.Fprintf(p.w, "  a response given twice in this run is rejected (D5.3), although STS itself accepts reuse (A4.6)\n\n")
}

func (p *checkPrinter) result(r *checkResult) error {
	if r.Accepted {
		p.accepted++
	} else {
		p.rejected++
	}
	if p.json {
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		_, err = p.w.Write(append(jsonASCII(b), '\n'))
		return err
	}
	var b strings.Builder
	if r.Accepted {
		p.acceptedText(&b, r)
	} else {
		p.rejectedText(&b, r)
	}
	_, err := io.WriteString(p.w, b.String())
	return err
}

func (p *checkPrinter) acceptedText(b *strings.Builder, r *checkResult) {
	a := r.verified
	fmt.Fprintf(b, "%s: ACCEPTED: AWS would accept this response\n", r.File)
	row := func(label, format string, args ...any) {
		fmt.Fprintf(b, "  %-14s %s\n", label, fmt.Sprintf(format, args...))
	}
	row("issuer", "%s", decodeShown(a.Issuer))
	subj := a.NameID
	if a.NameIDFormat != "" {
		subj += " (" + a.NameIDFormat + ")"
	}
	row("subject", "%s", decodeShown(subj))
	row("signature", "%s, %s, certificate SHA-1 %s", checkSignedWhat(a), decodeAlgName(a.SignatureAlgorithm), sha1Thumbprint(a.Certificate))
	for _, n := range r.Notes {
		row("note", "%s", n)
	}
	if a.Encrypted {
		row("encryption", "assertion was encrypted and decrypted with a --decrypt-key")
	}
	for _, ar := range a.Audiences {
		row("audience", "%s", decodeShown(strings.Join(ar, " or ")))
	}
	row("recipient", "%s", decodeShown(a.Recipient))
	row("valid", "%s to %s (deliver by %s)", checkTime(a.NotBefore), checkTime(a.NotOnOrAfter), checkTime(a.SubjectNotOnOrAfter))
	for _, role := range a.Roles {
		row("role", "%s via %s", role.RoleARN, role.ProviderARN)
	}
	row("session name", "%s", a.RoleSessionName)
	s, err := awsrole.EffectiveSession(awsrole.SessionInput{
		SessionDuration:     a.SessionDuration,
		SessionNotOnOrAfter: a.SessionNotOnOrAfter,
		Now:                 p.now(),
	})
	if err == nil {
		row("session", "%s", s.Explanation)
	} else {
		row("session", "console session length unknown: %v", err)
	}
	if a.SourceIdentity != "" {
		row("source id", "%s", decodeShown(string(a.SourceIdentity)))
	}
	for _, t := range a.Tags {
		row("session tag", "%s", decodeShown(t.Key+"="+t.Value))
	}
	var others []string
	for name := range a.Claims {
		if !checkIsAWSAttribute(name) {
			others = append(others, name)
		}
	}
	sort.Strings(others)
	row("other claims", "%d (%s)", len(others), decodeShown(strings.Join(checkShortNames(others), ", ")))
	b.WriteString("\n")
}

// checkShortNames shortens claim URIs to their last path segment.
func checkShortNames(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		if j := strings.LastIndexAny(n, "/:"); j >= 0 && j < len(n)-1 {
			n = n[j+1:]
		}
		out[i] = n
	}
	return out
}

// checkSignedWhat says which signatures covered the assertion.
func checkSignedWhat(a *saml.Assertion) string {
	switch {
	case a.SignedResponse && a.SignedAssertion:
		return "response and assertion signed"
	case a.SignedResponse:
		return "response signed"
	default:
		return "assertion signed"
	}
}

func (p *checkPrinter) rejectedText(b *strings.Builder, r *checkResult) {
	n := len(r.Errors)
	plural := "s"
	if n == 1 {
		plural = ""
	}
	if r.Omitted > 0 {
		fmt.Fprintf(b, "%s: REJECTED: AWS would refuse this response (%d problems; the first %d listed)\n", r.File, n+r.Omitted, n)
	} else {
		fmt.Fprintf(b, "%s: REJECTED: AWS would refuse this response (%d problem%s)\n", r.File, n, plural)
	}
	// The console shows one sentence for almost every problem: say it once,
	// and on a problem's line only when it differs.
	console := checkCommonConsole(r.Errors)
	if console != "" {
		fmt.Fprintf(b, "  the AWS console would show: %q\n", console)
	}
	for i, e := range r.Errors {
		rule := ""
		if e.Rule != "" {
			rule = " [rule " + e.Rule + "]"
			p.cited.add(e.Rule)
		}
		fmt.Fprintf(b, "  %d. %s%s\n", i+1, e.Message, rule)
		for _, v := range e.Values {
			checkValueText(b, v)
		}
		if e.AWS != nil {
			label := "AWS answers"
			if e.AWS.Inferred {
				label = "AWS answers (inferred)"
			}
			if t := checkAWSText(e.AWS, console); t != "" {
				fmt.Fprintf(b, "     %s: %s\n", label, t)
			}
		} else if e.Code == "replay" {
			fmt.Fprintf(b, "     note: STS itself does not document rejecting a reused assertion (A4.6); a service provider should (D5.3)\n")
		}
		if e.Hint != "" {
			fmt.Fprintf(b, "     fix: %s\n", e.Hint)
		}
		if adv := checkFlagAdvice(e.Flag); adv != "" {
			fmt.Fprintf(b, "     or:  %s\n", adv)
		}
	}
	if r.Omitted > 0 {
		fmt.Fprintf(b, "  ... and %d more problem(s) not listed (at most %d are)\n", r.Omitted, len(r.Errors))
	}
	b.WriteString("\n")
}

// checkValueText prints one value of the response next to what was
// expected, quoted so that white space, control, bidi and non-ASCII
// characters show.
func checkValueText(b *strings.Builder, v checkValue) {
	label := v.Name + ":"
	if v.Missing {
		fmt.Fprintf(b, "     %s (absent)\n", label)
	} else {
		more := ""
		if v.Truncated {
			more = " (cut)"
		}
		fmt.Fprintf(b, "     %s %s%s\n", label, v.Visible, more)
	}
	for i, w := range v.Expected {
		lead := "       expected:"
		if i > 0 {
			lead = "             or:"
		}
		fmt.Fprintf(b, "%s %s\n", lead, checkWantText(w))
	}
	if v.Note != "" {
		fmt.Fprintf(b, "       note: %s\n", v.Note)
	}
}

// checkWantText quotes an expected value unless it is a description ("later
// than ...", "any sign-in endpoint of ...").
func checkWantText(w string) string {
	for _, p := range []string{"later than ", "not later than ", "not earlier than ", "earlier than ", "any ", "a UTC xs:dateTime"} {
		if strings.HasPrefix(w, p) {
			return w
		}
	}
	return visibleQuote(w, checkMaxValue)
}

// checkCommonConsole returns the console message shared by every problem
// that has one, or "" when they differ.
func checkCommonConsole(errs []checkProblem) string {
	common := ""
	for _, e := range errs {
		if e.AWS == nil || e.AWS.Console == "" {
			continue
		}
		if common == "" {
			common = e.AWS.Console
		} else if common != e.AWS.Console {
			return ""
		}
	}
	return common
}

// checkAWSText renders what AWS answers, leaving out the console message
// when it is the one already said for the whole response.
func checkAWSText(a *checkAWSErr, saidConsole string) string {
	var parts []string
	switch {
	case a.Code != "" && a.Message != "":
		parts = append(parts, a.Code+" \""+a.Message+"\"")
	case a.Code != "":
		parts = append(parts, a.Code)
	}
	if a.Console != "" && a.Console != saidConsole {
		parts = append(parts, "console: \""+a.Console+"\"")
	}
	return strings.Join(parts, "; ")
}

// summary closes the text output.
func (p *checkPrinter) summary() {
	total := p.accepted + p.rejected
	noun := "responses"
	if total == 1 {
		noun = "response"
	}
	fmt.Fprintf(p.w, "%d %s checked: %d accepted, %d rejected\n", total, noun, p.accepted, p.rejected)
	p.cited.write(p.w)
}

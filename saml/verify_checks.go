package saml

import (
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/beevik/etree"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/textclip"
)

// SAML URIs used by the checks.
const (
	statusSuccess  = "urn:oasis:names:tc:SAML:2.0:status:Success"
	statusPrefix   = "urn:oasis:names:tc:SAML:2.0:status:"
	nameIDEntity   = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity"
	cmBearer       = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
	hintRecipient  = "set the Reply URL (Assertion Consumer Service URL) of the Entra app to the AWS sign-in endpoint"
	hintEntraIssue = "upload the metadata of the Entra tenant that issues the responses (their Issuer is https://sts.windows.net/<tenant-id>/, or https://sts.chinacloudapi.cn/<tenant-id>/ for Entra operated by 21Vianet) to the IAM SAML provider"
)

// acceptedNameIDFormats are the NameID formats AWS accepts (A2.2).
var acceptedNameIDFormats = map[string]bool{
	"urn:oasis:names:tc:SAML:2.0:nameid-format:persistent":                 true,
	"urn:oasis:names:tc:SAML:2.0:nameid-format:transient":                  true,
	"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress":               true,
	"urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified":                true,
	"urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName":            true,
	"urn:oasis:names:tc:SAML:1.1:nameid-format:WindowsDomainQualifiedName": true,
	"urn:oasis:names:tc:SAML:2.0:nameid-format:kerberos":                   true,
	"urn:oasis:names:tc:SAML:2.0:nameid-format:entity":                     true,
}

var aadstsCode = regexp.MustCompile(`AADSTS[0-9]{4,8}`)

// checker runs the checks of one Verify or Diagnose call.
type checker struct {
	v          *Verifier
	requestIDs []string // expected InResponseTo values (SP-initiated), or nil
	now        time.Time
	all        bool // Diagnose: keep going after a problem
	work       int  // units of work (parse, canonicalization): tests pin it linear
	c14nBudget int  // bound of any canonical form: twice the largest document parsed
	problems   []*ValidationError
	omitted    int // problems beyond maxDiagnoseProblems, counted only
	// rsaExps counts, per trusted certificate (index into v.certs), the RSA
	// public-key exponentiations done (decrypt.go tops the failures of
	// decryption up to the same count).
	rsaExps []int
	// uniform is set while decrypt verifies a decrypted Assertion's
	// signature: verifySignature then does not stop at a failed RSA
	// verification but goes on to canonicalize and digest (decrypt.go).
	uniform bool
	// c14nExtra are the decoy units verifySignature canonicalizes as
	// further children of the decoy Assertion in the decryption region,
	// and decoyUnits the array that holds them (decrypt.go).
	c14nExtra  []*etree.Element
	decoyUnits [24]*etree.Element
	// dec counts the steps of the decryption region (decrypt.go); tests pin
	// that every failure takes the same ones.
	dec decryptWork
}

// add records e and reports whether checking must stop now. Past
// maxDiagnoseProblems it only counts (issue 19: a 53 KB input made 5,001
// problems), so that a report stays bounded whatever the input.
func (c *checker) add(e *ValidationError) bool {
	if len(c.problems) >= maxDiagnoseProblems {
		c.omitted++
		return !c.all
	}
	c.problems = append(c.problems, e)
	return !c.all
}

// checkStructure runs the schema check on el (D4.9) and reports whether
// checking must stop: always when a problem was found.
func (c *checker) checkStructure(el *etree.Element) bool {
	n := len(c.problems) + c.omitted
	schemaCheck(el, sink{add: c.add, full: func() bool { return len(c.problems) >= maxDiagnoseProblems }})
	return len(c.problems)+c.omitted > n
}

// run checks raw and returns the assertion when no problem was found (in
// Diagnose mode it may return nil or a partial result with problems).
func (c *checker) run(raw []byte) *Assertion {
	data, e := c.decode(raw)
	if e != nil {
		c.add(e)
		return nil
	}
	doc, facts, e := parseXML(data, "response")
	if facts != nil {
		c.work += facts.work
	}
	if e != nil {
		c.add(e)
		return nil
	}
	c.c14nBudget = 2*len(data) + 4096
	resp := doc.Root()
	if !is(resp, nsProtocol, "Response") {
		c.add(newErr(ErrMalformed, "D1.1", "root element is not a SAML 2.0 protocol Response", "post the samlp:Response, not an Assertion or another message"))
		return nil
	}
	// Exactly one assertion, as a direct child; no decoys anywhere else (XSW,
	// CVE-2022-41912 class).
	var origChild *etree.Element
	direct := 0
	for _, ch := range resp.ChildElements() {
		if is(ch, nsAssertion, "Assertion") || is(ch, nsAssertion, "EncryptedAssertion") {
			direct++
			origChild = ch
		}
	}
	if facts.assertions == 0 {
		if c.checkStructure(resp) {
			return nil
		}
		// An error response (Entra's AADSTS answers) has no assertion: report
		// its status and other response-level problems first.
		if _, stop := c.checkResponse(resp, len(childrenNS(resp, nsDSig, "Signature")) > 0); stop {
			return nil
		}
		for _, p := range c.problems {
			if errors.Is(p, ErrStatus) {
				return nil
			}
		}
	}
	if direct != 1 || facts.assertions != 1 {
		reason := "response contains " + strconv.Itoa(facts.assertions) + " Assertion elements; exactly one is allowed"
		if direct == 0 && facts.assertions > 0 {
			reason = "response has no Assertion where SAML puts it, but an Assertion elsewhere (signature wrapping)"
		}
		if facts.assertions == 0 {
			reason = "response contains no Assertion"
		}
		c.add(newErr(ErrMalformed, "D4.2", reason, "Entra sends exactly one Assertion per Response"))
		return nil
	}

	// Schema-exact structure before any value is read or canonicalized
	// (verify_schema.go). Diagnose lists every structure problem, then
	// stops: no value is read from a document of the wrong shape.
	if c.checkStructure(resp) {
		return nil
	}

	// Response signature: at most one, and if present it must verify (D4.7).
	rsigs := childrenNS(resp, nsDSig, "Signature")
	if len(rsigs) > 1 {
		c.add(newErr(ErrSignature, "D4.1", "Response has more than one Signature", ""))
		return nil
	}
	var respSigned *signed
	if len(rsigs) == 1 {
		s, e := c.verifySignature(resp, rsigs[0], "Response")
		if e != nil {
			if c.add(e) {
				return nil
			}
		} else {
			respSigned = s
		}
	}
	rview := resp
	if respSigned != nil {
		rview = respSigned.el
	}
	respIssuer, stop := c.checkResponse(rview, len(rsigs) == 1)
	if stop {
		return nil
	}

	// The assertion, from what the Response signature covers when there is
	// one, else from the received tree.
	child := origChild
	if respSigned != nil {
		child = nil
		for _, ch := range rview.ChildElements() {
			if is(ch, nsAssertion, "Assertion") || is(ch, nsAssertion, "EncryptedAssertion") {
				child = ch
			}
		}
		if child == nil {
			c.add(newErr(ErrSignature, "D4.7", "the Response signature does not cover the Assertion", ""))
			return nil
		}
	}
	encrypted := child.Tag == "EncryptedAssertion"
	var asr *etree.Element
	var asrSigned *signed
	if encrypted {
		// Without a verified Response signature over the ciphertext, the
		// decrypted Assertion's own signature is verified inside decrypt,
		// where every failure gets the same answer (no decryption oracle);
		// Diagnose stops there too.
		asr, asrSigned, e = c.decrypt(child, facts, respSigned != nil)
		if e != nil {
			c.add(e)
			return nil
		}
	} else {
		if c.v.requireEnc {
			if c.add(newErr(ErrEncryption, "D5.2", "assertion is not encrypted, but the encryption mode is Required",
				"activate token encryption on the Entra app (A5.10) or set the mode to Allowed")) {
				return nil
			}
		}
		// Verify the assertion's own signature on the tree as received.
		asr = origChild
	}

	asigs := childrenNS(asr, nsDSig, "Signature")
	if len(asigs) > 1 {
		c.add(newErr(ErrSignature, "D4.1", "Assertion has more than one Signature", ""))
		return nil
	}
	if len(asigs) == 1 && asrSigned == nil {
		s, e := c.verifySignature(asr, asigs[0], "Assertion")
		if e != nil {
			if c.add(e) {
				return nil
			}
		} else {
			asrSigned = s
		}
	}
	view := asr
	switch {
	case asrSigned != nil:
		view = asrSigned.el
	case respSigned != nil:
		if !encrypted {
			view = child
		}
	default:
		// A signature that is present but failed has already been reported
		// (A5.1, D4.x) with the fix that applies to it (say, an untrusted
		// certificate after a rollover); a second D4.7 problem would only add
		// advice about signing options that is wrong for that case. Verify has
		// stopped at that first problem; Diagnose goes on with the others.
		if (len(rsigs) > 0 || len(asigs) > 0) && len(c.problems) > 0 {
			break
		}
		reason := "neither the Response nor the Assertion carries a valid signature from a trusted certificate"
		if len(rsigs) == 0 && len(asigs) == 0 {
			reason = "the response is not signed at all"
		}
		if c.add(newErr(ErrSignature, "D4.7", reason, "in Entra keep the signing option that signs the assertion (\"Sign SAML assertion\", the default)")) {
			return nil
		}
	}

	a := c.checkAssertion(view, respIssuer)
	if a == nil || len(c.problems) > 0 {
		return nil
	}
	if respSigned != nil {
		a.ResponseID = attrOr(rview, "ID")
	} else {
		a.ResponseID = attrOr(resp, "ID")
	}
	a.Destination = attrOr(rview, "Destination")
	a.Encrypted = encrypted
	a.SignedResponse = respSigned != nil
	a.SignedAssertion = asrSigned != nil
	if asrSigned != nil {
		a.SignatureAlgorithm, a.Certificate = asrSigned.alg, asrSigned.cert
	} else {
		a.SignatureAlgorithm, a.Certificate = respSigned.alg, respSigned.cert
	}
	return a
}

// checkResponse checks the Response element (D1): version, ID, time,
// destination, InResponseTo, issuer and status. It returns the Response
// Issuer ("" when absent).
func (c *checker) checkResponse(r *etree.Element, signed bool) (string, bool) {
	if v, ok := attrValue(r, "Version"); v != "2.0" {
		if c.add(newErr(errVersion, "D1.3", "Response Version is not 2.0", "").withValueOrMissing("Response Version", v, ok, "2.0")) {
			return "", true
		}
	}
	if attrOr(r, "ID") == "" {
		if c.add(newErr(ErrMalformed, "D1.3", "Response has no ID", "")) {
			return "", true
		}
	}
	if c.checkIssueInstant(r, "Response") {
		return "", true
	}
	if d, ok := attrValue(r, "Destination"); ok {
		if !c.v.recipientOK(d) {
			if c.add(c.endpointAWS(newErr(errDestination, "D1.2", "Response Destination is not an accepted endpoint", c.endpointHint(d)), d).
				withSetting("Recipients").withValue("Response Destination", d, c.v.recipientWant()...)) {
				return "", true
			}
		}
	} else if signed {
		if c.add(newErr(errDestination, "D1.2", "signed Response has no Destination", "").withMissing("Response Destination", c.v.recipientWant()...)) {
			return "", true
		}
	}
	if irt, ok := attrValue(r, "InResponseTo"); ok {
		if len(c.requestIDs) == 0 && c.v.awsMode {
			// D1.6: AWS keeps no request state; SP-initiated answers pass.
		} else if len(c.requestIDs) == 0 {
			if c.add(newErr(errInResponseTo, "D1.6", "Response has InResponseTo, but AWS sign-in is IdP-initiated and sent no request",
				"start the sign-in from the Entra side (My Apps or the app's User access URL)").withValue("Response InResponseTo", irt)) {
				return "", true
			}
		} else if !slices.Contains(c.requestIDs, irt) {
			if c.add(newErr(errInResponseTo, "D1.6", "Response InResponseTo answers none of the requests made", "").withValue("Response InResponseTo", irt, c.requestIDs...)) {
				return "", true
			}
		}
	}
	issuer := ""
	if iss := childNS(r, nsAssertion, "Issuer"); iss != nil {
		issuer, _ = textOf(iss)
		if stop := c.checkIssuerElement(iss, "Response"); stop {
			return "", true
		}
	}
	st := childNS(r, nsProtocol, "Status")
	var sc *etree.Element
	if st != nil {
		sc = childNS(st, nsProtocol, "StatusCode")
	}
	if sc == nil {
		if c.add(newErr(ErrStatus, "D1.5", "Response has no Status/StatusCode", "")) {
			return "", true
		}
	} else if code := attrOr(sc, "Value"); code != statusSuccess {
		e := newErr(ErrStatus, "D1.5", "Response status is not Success", "").withValue("StatusCode", code, statusSuccess)
		codes := []string{describeStatus(code)}
		if sub := childNS(sc, nsProtocol, "StatusCode"); sub != nil {
			sv := attrOr(sub, "Value")
			codes = append(codes, describeStatus(sv))
			e.withValue("second-level StatusCode", sv)
		}
		hint := "the IdP refused to issue an assertion (status " + strings.Join(codes, " / ") + ")"
		if m := childNS(st, nsProtocol, "StatusMessage"); m != nil {
			t, _ := textOf(m)
			e.withValue("StatusMessage", t)
			if code := aadstsCode.FindString(t); code != "" {
				hint += "; Entra error " + code + ": look it up at https://login.microsoftonline.com/error?code=" + strings.TrimPrefix(code, "AADSTS")
			}
		}
		e.Hint = hint
		if c.add(e) {
			return "", true
		}
	}
	return issuer, false
}

// describeStatus names a status code for a hint: the second-level codes of
// SAML core 3.2.2.2 by their short name, anything else only as "non-standard"
// (issue 19: response text must not reach a hint, where a newline or U+202E
// in it would forge lines of a report; the value itself is in Values).
func describeStatus(code string) string {
	if short, ok := strings.CutPrefix(code, statusPrefix); ok && knownStatus[short] {
		return short
	}
	return "non-standard"
}

// knownStatus are the status codes SAML core 3.2.2.2 defines.
var knownStatus = map[string]bool{
	"Success": true, "Requester": true, "Responder": true, "VersionMismatch": true,
	"AuthnFailed": true, "InvalidAttrNameOrValue": true, "InvalidNameIDPolicy": true,
	"NoAuthnContext": true, "NoAvailableIDP": true, "NoPassive": true, "NoSupportedIDP": true,
	"PartialLogout": true, "ProxyCountExceeded": true, "RequestDenied": true,
	"RequestUnsupported": true, "RequestVersionDeprecated": true, "RequestVersionTooHigh": true,
	"RequestVersionTooLow": true, "ResourceNotRecognized": true, "TooManyResponses": true,
	"UnknownAttrProfile": true, "UnknownPrincipal": true, "UnsupportedBinding": true,
}

// checkIssuerElement checks one Issuer element against the trusted entity ID
// (D1.7).
func (c *checker) checkIssuerElement(iss *etree.Element, what string) bool {
	if f, ok := attrValue(iss, "Format"); ok && f != nameIDEntity {
		if c.add(newErr(errIssuer, "D1.7", what+" Issuer Format is not "+nameIDEntity, "").withValue(what+" Issuer Format", f, nameIDEntity)) {
			return true
		}
	}
	v, ok := textOf(iss)
	if !ok || v != c.v.issuer {
		if c.add(newErr(errIssuer, "D1.7", what+" Issuer is not the trusted IdP entity ID", hintEntraIssue).
			withSetting("IdPEntityID").withValue(what+" Issuer", v, c.v.issuer)) {
			return true
		}
	}
	return false
}

// checkIssueInstant checks the IssueInstant of the Response or Assertion: a
// UTC time (D1.4), not in the future, and in AWS-compatible mode not older
// than MaxIssueAge (A4.4).
func (c *checker) checkIssueInstant(el *etree.Element, what string) bool {
	s, ok := attrValue(el, "IssueInstant")
	t, good := parseTime(s)
	name := what + " IssueInstant"
	if !ok || !good {
		return c.add(newErr(ErrMalformed, "D1.4", name+" is missing or not a UTC xs:dateTime", "").withValueOrMissing(name, s, ok, wantDateTime))
	}
	if t.After(c.now.Add(c.v.skew)) {
		return c.add(newErr(errNotYetValid, "D5.4", name+" "+t.Format(time.RFC3339)+" is in the future beyond the allowed clock skew",
			"check the clock of the machine verifying (and of the IdP); allowed skew is "+c.v.skew.String()).
			withValue(name, s, "not later than "+c.fmtNow(c.v.skew)))
	}
	// No ClockSkew here: STS measures the 5 minutes on its own clock
	// ("IssueInstant >= now - 5 min", A4.4), so adding the skew would accept
	// responses AWS refuses.
	if c.v.awsMode && c.now.Sub(t) > c.v.maxIssueAge {
		return c.add(newErr(ErrExpired, "A4.4", what+" was issued at "+t.Format(time.RFC3339)+", more than "+c.v.maxIssueAge.String()+" ago",
			"AWS needs the response redeemed within 5 minutes of issuance: sign in again at the IdP").withAWS(awsStale).
			withValue(name, s, "not earlier than "+c.fmtNow(-c.v.maxIssueAge)))
	}
	return false
}

// endpointAWS sets what AWS answers for a rejected Destination or Recipient
// got: the "400 Bad Request" page users report for a Reply URL that kept the
// "#N" suffix (C2.1), the default (inferred) answer otherwise.
func (c *checker) endpointAWS(e *ValidationError, got string) *ValidationError {
	if errors.Is(federation.CheckReplyURL(got), federation.ErrReplyURLInstance) {
		return e.withAWS(awsReplyURLInstance)
	}
	return e
}

// endpointHint explains a rejected Destination or Recipient.
func (c *checker) endpointHint(got string) string {
	if i := strings.IndexByte(got, '#'); i >= 0 && c.v.recipients[got[:i]] {
		return "the Reply URL carries the instance suffix of the Identifier: remove \"#N\" from the Reply URL in Entra and keep it only in the Identifier (Entity ID)"
	}
	if err := federation.CheckReplyURL(got); err != nil && errors.Is(err, federation.ErrReplyURLInstance) {
		return "remove the \"#N\" suffix from the Reply URL in Entra; keep it only in the Identifier (Entity ID)"
	}
	return hintRecipient + " (accepted: " + c.v.recipientMsg + ")"
}

// checkAssertion checks the assertion a (already the covered element when a
// signature verified) and reads the result from it.
func (c *checker) checkAssertion(a *etree.Element, respIssuer string) *Assertion {
	out := &Assertion{}
	if attrOr(a, "Version") != "2.0" {
		if c.add(newErr(errVersion, "D1.3", "Assertion Version is not 2.0", "")) {
			return nil
		}
	}
	out.ID = attrOr(a, "ID")
	if out.ID == "" {
		if c.add(newErr(ErrMalformed, "D1.3", "Assertion has no ID", "")) {
			return nil
		}
	}
	if c.checkIssueInstant(a, "Assertion") {
		return nil
	}
	out.IssueInstant, _ = parseTime(attrOr(a, "IssueInstant"))

	// Children: known SAML elements only, in any order SAML allows.
	var issuer, subject, conditions *etree.Element
	var authn, attrStmts []*etree.Element
	for _, ch := range a.ChildElements() {
		ns := nsOf(ch)
		switch {
		case ns == nsAssertion && ch.Tag == "Issuer" && issuer == nil:
			issuer = ch
		case ns == nsDSig && ch.Tag == "Signature":
		case ns == nsAssertion && ch.Tag == "Subject" && subject == nil:
			subject = ch
		case ns == nsAssertion && ch.Tag == "Conditions" && conditions == nil:
			conditions = ch
		case ns == nsAssertion && ch.Tag == "AuthnStatement":
			authn = append(authn, ch)
		case ns == nsAssertion && ch.Tag == "AttributeStatement":
			attrStmts = append(attrStmts, ch)
		default:
			if c.add(newErr(ErrMalformed, "D2.1", "Assertion has an unexpected or repeated <"+safeName(ch.Tag)+"> element", "").withValue("element", prefixedName(ch))) {
				return nil
			}
		}
	}

	// D1.7 issuer.
	if issuer == nil {
		if c.add(newErr(errIssuer, "D1.7", "Assertion has no Issuer", hintEntraIssue)) {
			return nil
		}
	} else {
		if c.checkIssuerElement(issuer, "Assertion") {
			return nil
		}
		out.Issuer, _ = textOf(issuer)
		if respIssuer != "" && respIssuer != out.Issuer {
			if c.add(newErr(errIssuer, "D1.7", "Response Issuer differs from the Assertion Issuer", "").withValue("Response Issuer", respIssuer, out.Issuer)) {
				return nil
			}
		}
	}

	if c.checkSubject(subject, out) {
		return nil
	}
	if c.checkConditions(conditions, out) {
		return nil
	}

	// D3.4: at least one AuthnStatement; SessionNotOnOrAfter caps the session.
	if len(authn) == 0 {
		if c.add(newErr(ErrMalformed, "D3.4", "Assertion has no AuthnStatement", "")) {
			return nil
		}
	}
	for i, st := range authn {
		if s, ok := attrValue(st, "SessionNotOnOrAfter"); ok {
			t, good := parseTime(s)
			if !good {
				if c.add(newErr(ErrMalformed, "D1.4", "AuthnStatement SessionNotOnOrAfter is not a UTC xs:dateTime", "").withValue("AuthnStatement SessionNotOnOrAfter", s, wantDateTime)) {
					return nil
				}
			} else {
				if i == 0 || t.Before(out.SessionNotOnOrAfter) {
					out.SessionNotOnOrAfter = t
				}
				if !c.now.Before(t.Add(c.v.expirySkew)) {
					if c.add(newErr(ErrExpired, "A4.1", "the session ended at "+t.Format(time.RFC3339)+" (AuthnStatement SessionNotOnOrAfter)",
						"sign in again at the IdP").withValue("AuthnStatement SessionNotOnOrAfter", s, "later than "+c.fmtNow(-c.v.expirySkew))) {
						return nil
					}
				}
			}
		}
		if i == 0 {
			out.AuthnInstant, _ = parseTime(attrOr(st, "AuthnInstant"))
			out.SessionIndex = attrOr(st, "SessionIndex")
			if ctx := childNS(st, nsAssertion, "AuthnContext"); ctx != nil {
				if r := childNS(ctx, nsAssertion, "AuthnContextClassRef"); r != nil {
					out.AuthnContextClassRef, _ = textOf(r)
				}
			}
		}
	}

	if c.checkAttributes(attrStmts, out) {
		return nil
	}
	return out
}

// checkSubject enforces A1.8, A2 and D3 on the Subject.
func (c *checker) checkSubject(s *etree.Element, out *Assertion) bool {
	if s == nil {
		return c.add(newErr(errSubject, "A2.1", "Assertion has no Subject", "").withAWS(awsNoNameID))
	}
	nid := childNS(s, nsAssertion, "NameID")
	switch {
	case nid == nil && childNS(s, nsAssertion, "EncryptedID") != nil:
		if c.add(newErr(errSubject, "A2.1", "Subject has an EncryptedID, which is not supported", "send a plain NameID (encrypt the whole assertion instead)")) {
			return true
		}
	case nid == nil:
		if c.add(newErr(errSubject, "A2.1", "Subject has no NameID", "in Entra set the Unique User Identifier (Name ID) claim").withAWS(awsNoNameID)) {
			return true
		}
	default:
		v, ok := textOf(nid)
		if !ok || strings.TrimSpace(v) == "" {
			if c.add(newErr(errSubject, "A2.1", "NameID is empty", "in Entra set the Unique User Identifier (Name ID) claim").withAWS(awsNoNameID)) {
				return true
			}
		}
		out.NameID, out.NameIDFormat = v, attrOr(nid, "Format")
		out.NameQualifier, out.SPNameQualifier = attrOr(nid, "NameQualifier"), attrOr(nid, "SPNameQualifier")
		if f, ok := attrValue(nid, "Format"); ok && !acceptedNameIDFormats[f] {
			if c.add(newErr(errSubject, "A2.2", "NameID Format is not one AWS accepts", "use persistent, emailAddress, unspecified or another format listed in A2.2").withValue("NameID Format", f)) {
				return true
			}
		}
	}
	scs := childrenNS(s, nsAssertion, "SubjectConfirmation")
	if len(scs) != 1 {
		return c.add(newErr(errSubject, "A1.8", "Subject has "+strconv.Itoa(len(scs))+" SubjectConfirmation elements; AWS needs exactly one", ""))
	}
	sc := scs[0]
	if m, ok := attrValue(sc, "Method"); m != cmBearer {
		if c.add(newErr(errSubject, "A2.3", "SubjectConfirmation Method is not bearer", "").withValueOrMissing("SubjectConfirmation Method", m, ok, cmBearer)) {
			return true
		}
	}
	scd := childNS(sc, nsAssertion, "SubjectConfirmationData")
	if scd == nil {
		return c.add(newErr(errSubject, "A1.8", "SubjectConfirmation has no SubjectConfirmationData", ""))
	}
	r, ok := attrValue(scd, "Recipient")
	switch {
	case !ok:
		if c.add(newErr(errRecipient, "A1.8", "SubjectConfirmationData has no Recipient", hintRecipient).withMissing("SubjectConfirmationData Recipient", c.v.recipientWant()...)) {
			return true
		}
	case !c.v.recipientOK(r):
		if c.add(c.endpointAWS(newErr(errRecipient, "A1.8", "SubjectConfirmationData Recipient is not an accepted endpoint", c.endpointHint(r)), r).
			withSetting("Recipients").withValue("SubjectConfirmationData Recipient", r, c.v.recipientWant()...)) {
			return true
		}
	}
	out.Recipient = r
	if _, ok := attrValue(scd, "NotBefore"); ok {
		if c.add(newErr(errSubject, "D3.2", "bearer SubjectConfirmationData has NotBefore, which the Web SSO profile forbids", "")) {
			return true
		}
	}
	irt, hasIRT := attrValue(scd, "InResponseTo")
	switch {
	case len(c.requestIDs) == 0 && hasIRT && c.v.awsMode:
		// D1.6: AWS keeps no request state; SP-initiated answers pass.
	case len(c.requestIDs) == 0 && hasIRT:
		if c.add(newErr(errInResponseTo, "D1.6", "SubjectConfirmationData has InResponseTo, but AWS sign-in sent no request",
			"start the sign-in from the Entra side (My Apps or the app's User access URL)").withValue("SubjectConfirmationData InResponseTo", irt)) {
			return true
		}
	case len(c.requestIDs) > 0 && !hasIRT:
		if c.add(newErr(errInResponseTo, "D1.6", "an unsolicited response arrived where a response to a request was expected", "")) {
			return true
		}
	case len(c.requestIDs) > 0 && !slices.Contains(c.requestIDs, irt):
		if c.add(newErr(errInResponseTo, "D1.6", "SubjectConfirmationData InResponseTo answers none of the requests made", "").withValue("SubjectConfirmationData InResponseTo", irt, c.requestIDs...)) {
			return true
		}
	}
	s2, ok := attrValue(scd, "NotOnOrAfter")
	t, good := parseTime(s2)
	switch {
	case !ok:
		return c.add(newErr(errSubject, "A1.8", "SubjectConfirmationData has no NotOnOrAfter", ""))
	case !good:
		return c.add(newErr(ErrMalformed, "D1.4", "SubjectConfirmationData NotOnOrAfter is not a UTC xs:dateTime", "").withValue("SubjectConfirmationData NotOnOrAfter", s2, wantDateTime))
	}
	out.SubjectNotOnOrAfter = t
	if !c.now.Before(t.Add(c.v.expirySkew)) {
		return c.add(newErr(ErrExpired, "D3.3", "the response had to be delivered before "+t.Format(time.RFC3339)+" (SubjectConfirmationData NotOnOrAfter)",
			"sign in again at the IdP; if this happens at once, check the clocks (allowed skew "+c.v.expirySkew.String()+")").
			withValue("SubjectConfirmationData NotOnOrAfter", s2, "later than "+c.fmtNow(-c.v.expirySkew)))
	}
	return false
}

// checkConditions enforces D2 and the audience (A1.6, A1.7).
func (c *checker) checkConditions(cond *etree.Element, out *Assertion) bool {
	if cond == nil {
		return c.add(newErr(ErrAudience, "D2.4", "Assertion has no Conditions, so no AudienceRestriction",
			"the Entra app's Identifier (Entity ID) must be the AWS audience https://signin.aws.amazon.com/saml"))
	}
	var tnb, tnoa time.Time
	snb, _ := attrValue(cond, "NotBefore")
	snoa, _ := attrValue(cond, "NotOnOrAfter")
	for _, b := range []struct {
		name string
		t    *time.Time
	}{{"NotBefore", &tnb}, {"NotOnOrAfter", &tnoa}} {
		if s, ok := attrValue(cond, b.name); ok {
			t, good := parseTime(s)
			if !good {
				if c.add(newErr(ErrMalformed, "D1.4", "Conditions "+b.name+" is not a UTC xs:dateTime", "").withValue("Conditions "+b.name, s, wantDateTime)) {
					return true
				}
				continue
			}
			*b.t = t
		}
	}
	if !tnb.IsZero() && !tnoa.IsZero() && !tnb.Before(tnoa) {
		if c.add(newErr(errConditions, "D2.2", "Conditions NotBefore is not before NotOnOrAfter", "the IdP wrote an empty validity window; check its token lifetime settings").
			withValue("Conditions NotBefore", snb, "earlier than Conditions NotOnOrAfter").withValue("Conditions NotOnOrAfter", snoa)) {
			return true
		}
	}
	if !tnb.IsZero() && c.now.Add(c.v.skew).Before(tnb) {
		if c.add(newErr(errNotYetValid, "D2.2", "the assertion is valid only from "+tnb.Format(time.RFC3339),
			"check the clocks of the IdP and of this machine (allowed skew "+c.v.skew.String()+")").
			withValue("Conditions NotBefore", snb, "not later than "+c.fmtNow(c.v.skew))) {
			return true
		}
	}
	if !tnoa.IsZero() && !c.now.Before(tnoa.Add(c.v.expirySkew)) {
		if c.add(newErr(ErrExpired, "D2.2", "the assertion expired at "+tnoa.Format(time.RFC3339)+" (Conditions NotOnOrAfter)",
			"sign in again at the IdP; if this happens at once, check the clocks (allowed skew "+c.v.expirySkew.String()+")").
			withValue("Conditions NotOnOrAfter", snoa, "later than "+c.fmtNow(-c.v.expirySkew))) {
			return true
		}
	}
	out.NotBefore, out.NotOnOrAfter = tnb, tnoa
	restrictions, oneTime, proxy := 0, 0, 0
	for _, ch := range cond.ChildElements() {
		ns := nsOf(ch)
		switch {
		case ns == nsAssertion && ch.Tag == "AudienceRestriction":
			restrictions++
			var auds []string
			match := false
			for _, au := range ch.ChildElements() {
				if !is(au, nsAssertion, "Audience") {
					if c.add(newErr(errConditions, "D2.3", "AudienceRestriction has an element other than Audience", "")) {
						return true
					}
					continue
				}
				v, _ := textOf(au)
				auds = append(auds, v)
				if c.v.audienceOK(v) {
					match = true
				}
			}
			out.Audiences = append(out.Audiences, auds)
			if !match {
				e := newErr(ErrAudience, "D2.3", "an AudienceRestriction names none of the accepted audiences",
					"set the Entra app's Identifier (Entity ID) to https://signin.aws.amazon.com/saml (with #N only to tell app instances apart)").
					withSetting("Audiences")
				if len(auds) == 0 {
					e.withMissing("Audience", c.v.audienceWant()...)
				}
				for _, a := range auds {
					e.withValue("Audience", a, c.v.audienceWant()...)
				}
				if c.add(e) {
					return true
				}
			}
		case ns == nsAssertion && ch.Tag == "OneTimeUse":
			oneTime++
			out.OneTimeUse = true
		case ns == nsAssertion && ch.Tag == "ProxyRestriction":
			proxy++
		default:
			if c.add(newErr(errConditions, "D2.6", "Conditions contain a condition this verifier cannot evaluate (<"+safeName(ch.Tag)+">)", "").withValue("element", prefixedName(ch))) {
				return true
			}
		}
	}
	if oneTime > 1 || proxy > 1 {
		if c.add(newErr(errConditions, "D2.5", "Conditions repeat OneTimeUse or ProxyRestriction", "")) {
			return true
		}
	}
	if restrictions == 0 {
		return c.add(newErr(ErrAudience, "D2.4", "Conditions have no AudienceRestriction",
			"the Entra app's Identifier (Entity ID) must be the AWS audience https://signin.aws.amazon.com/saml"))
	}
	return false
}

// checkAttributes gathers every attribute and applies AWS's rules (A3) through
// awsrole.ParseAttributes.
func (c *checker) checkAttributes(stmts []*etree.Element, out *Assertion) bool {
	m := map[string][]string{}
	for _, st := range stmts {
		for _, at := range st.ChildElements() {
			if !is(at, nsAssertion, "Attribute") {
				if c.add(newErr(ErrAttributes, "A3.1", "AttributeStatement has an element other than Attribute (encrypted attributes are not supported)", "")) {
					return true
				}
				continue
			}
			name, ok := attrValue(at, "Name")
			if !ok || name == "" {
				if c.add(newErr(ErrAttributes, "A3.1", "an Attribute has no Name", "")) {
					return true
				}
				continue
			}
			vals := m[name]
			if vals == nil {
				vals = []string{}
			}
			for _, av := range at.ChildElements() {
				if !is(av, nsAssertion, "AttributeValue") {
					continue
				}
				t, ok := textOf(av)
				if !ok {
					if c.add(newErr(ErrAttributes, "A3.1", "an AttributeValue has child elements", "")) {
						return true
					}
					continue
				}
				vals = append(vals, t)
			}
			m[name] = vals
		}
	}
	out.Claims = m
	attrs, err := awsrole.ParseAttributes(m)
	out.Attributes = attrs
	if err == nil {
		return false
	}
	for _, e := range flatten(err) {
		var ae *awsrole.Error
		if !errors.As(e, &ae) {
			if c.add(newErr(ErrAttributes, "A3", "AWS attributes are invalid", "").withCause(e)) {
				return true
			}
			continue
		}
		e := attrError(ae)
		if vals, ok := m[ae.Attribute]; ok && ae.Index >= 0 && ae.Index < len(vals) {
			e.withValue(ae.Attribute, vals[ae.Index])
		}
		if c.add(e) {
			return true
		}
	}
	return false
}

// flatten splits an errors.Join.
func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// attrError turns an awsrole error into a ValidationError without echoing the
// attribute value (it stays available through Unwrap).
func attrError(ae *awsrole.Error) *ValidationError {
	name := ae.Attribute
	if strings.HasPrefix(name, awsrole.AttrPrincipalTagPrefix) {
		name = "a PrincipalTag attribute"
	}
	reason := strings.TrimPrefix(ae.Kind.Error(), "awsrole: ")
	if name != "" {
		reason = name + ": " + reason
	}
	e := newErr(ErrAttributes, ae.Rule, reason, "").withCause(ae)
	missing := errors.Is(ae.Kind, awsrole.ErrMissing)
	switch {
	case ae.Attribute == awsrole.AttrRole:
		e.withAWS(awsNoRole)
		e.Hint = "emit https://aws.amazon.com/SAML/Attributes/Role with values \"arn:aws:iam::<account>:role/<name>,arn:aws:iam::<account>:saml-provider/<name>\" (in Entra: the Role claim from user.assignedroles)"
	case ae.Attribute == awsrole.AttrRoleSessionName && missing:
		e.withAWS(awsAnswer{Code: "InvalidIdentityToken", Message: "RoleSessionName is required in AuthnResponse", Console: consoleInvalid})
		e.Hint = "emit https://aws.amazon.com/SAML/Attributes/RoleSessionName (in Entra: user.userprincipalname)"
	case ae.Attribute == awsrole.AttrRoleSessionName:
		e.withAWS(awsAnswer{Code: "InvalidIdentityToken", Message: "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}", Console: consoleInvalid})
		e.Hint = "RoleSessionName needs exactly one value of 2-64 characters from [A-Za-z0-9_+=,.@-]"
	case ae.Attribute == awsrole.AttrSourceIdentity:
		e.withAWS(awsAnswer{Code: "InvalidIdentityToken", Message: "Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with \"aws:\"", Console: consoleInvalid})
	case ae.Attribute == awsrole.AttrSessionDuration:
		e.Hint = "SessionDuration must be one integer from 900 to 43200 (seconds)"
	}
	return e
}

// safeName bounds an element name for messages: at most 40 bytes, cut at a
// rune boundary, with anything but printable ASCII escaped, so that no name
// read from a response can break or reorder a line of a report (issue 19).
func safeName(s string) string {
	if len(s) <= 40 && plainASCII(s) {
		return s // the usual case (names the reader accepted are ASCII): no copy
	}
	cut := textclip.Prefix(s, 40)
	q := strconv.QuoteToASCII(cut)
	q = q[1 : len(q)-1]
	if len(cut) < len(s) {
		q += "..."
	}
	return q
}

// plainASCII reports whether s is printable ASCII with nothing
// strconv.QuoteToASCII would escape (no quote, no backslash).
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// prefixedName is an element's name as written, prefix included, for Values.
func prefixedName(el *etree.Element) string {
	if el.Space != "" {
		return el.Space + ":" + el.Tag
	}
	return el.Tag
}

// wantDateTime is the expectation shown for a time that does not parse.
const wantDateTime = "a UTC xs:dateTime such as 2026-01-02T15:04:05Z"

// fmtNow is the check time moved by d, for the Want of a time check.
func (c *checker) fmtNow(d time.Duration) string {
	s := c.now.Add(d).UTC().Format(time.RFC3339)
	switch {
	case d > 0:
		s += " (the check time + " + d.String() + ")"
	case d < 0:
		s += " (the check time - " + (-d).String() + ")"
	}
	return s
}

// withValueOrMissing records got, or that the response lacks it.
func (e *ValidationError) withValueOrMissing(name, got string, present bool, want ...string) *ValidationError {
	if !present {
		return e.withMissing(name, want...)
	}
	return e.withValue(name, got, want...)
}

// xmlEscapeAttr writes s escaped for a double-quoted attribute value.
func xmlEscapeAttr(w *strings.Builder, s string) {
	for _, r := range s {
		switch r {
		case '&':
			w.WriteString("&amp;")
		case '<':
			w.WriteString("&lt;")
		case '"':
			w.WriteString("&quot;")
		case '\t':
			w.WriteString("&#x9;")
		case '\n':
			w.WriteString("&#xA;")
		case '\r':
			w.WriteString("&#xD;")
		default:
			w.WriteRune(r)
		}
	}
}

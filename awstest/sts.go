package awstest

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/awslimits"
	"github.com/samlaws/samlaws/internal/trustreq"
	"github.com/samlaws/samlaws/saml"
)

// session is a set of temporary credentials AssumeRoleWithSAML or AssumeRole
// issued.
type session struct {
	akid, secret, token string
	acct                *account
	arn, userID         string
	// roleARN is the IAM ARN of the role the session is of, for the
	// principals of trust policies (AssumeRole).
	roleARN string
	expires time.Time
}

// STS limits (A6.1, B4.1).
const (
	minAssertionChars = 4
	maxAssertionChars = awslimits.MaxAssertionChars
	maxPolicyChars    = 2048
	maxPolicyARNs     = 10
	// packedBudget is the size, in characters of session policy plus tag
	// keys and values, that this server counts as 100 % packed. AWS packs
	// (compresses) them with an undocumented algorithm; this linear model
	// is ours [inferred], so PackedPolicySize is only indicative.
	packedBudget = 4096
)

// notAuthorized is STS's answer when the role, its trust policy or the Role
// attribute do not let the caller in (A2.1, B3.2, B4.4).
var notAuthorized = apiErr{403, "Sender", "AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML"}

func (s *Server) serveSTS(rq *request) {
	var res *xmlw
	var err *apiErr
	switch rq.action {
	case "AssumeRoleWithSAML":
		res, err = s.assumeRoleWithSAML(rq)
	case "AssumeRole":
		res, err = s.assumeRole(rq)
	case "GetCallerIdentity":
		res = s.getCallerIdentity(rq)
	default:
		err = sender(400, "InvalidAction", "Could not find operation "+clip(rq.action, 64)+" for version "+stsVersion)
	}
	if err != nil {
		rq.fail(*err)
		return
	}
	rq.ok(res)
}

func (s *Server) getCallerIdentity(rq *request) *xmlw {
	w := &xmlw{}
	if rq.sess != nil {
		w.str("UserId", rq.sess.userID)
		w.str("Account", rq.acct.ID)
		w.str("Arn", rq.sess.arn)
		return w
	}
	w.str("UserId", rq.acct.ID)
	w.str("Account", rq.acct.ID)
	w.str("Arn", "arn:aws:iam::"+rq.acct.ID+":root")
	return w
}

// assumeRoleWithSAML does what STS does (B4): parameter constraints, the
// provider named by PrincipalArn, the assertion validated by this project's
// verifier against that provider's metadata, the Role attribute pairing
// RoleArn with PrincipalArn, the role's trust policy, DurationSeconds against
// MaxSessionDuration and SessionNotOnOrAfter, session policy and tag size;
// then it issues credentials usable against this server.
func (s *Server) assumeRoleWithSAML(rq *request) (*xmlw, *apiErr) {
	roleARN, err := rq.required("RoleArn")
	if err != nil {
		return nil, err
	}
	principalARN, err := rq.required("PrincipalArn")
	if err != nil {
		return nil, err
	}
	assertion, err := rq.required("SAMLAssertion")
	if err != nil {
		return nil, err
	}
	if err := length("RoleArn", roleARN, 20, 2048); err != nil {
		return nil, err
	}
	if err := length("PrincipalArn", principalARN, 20, 2048); err != nil {
		return nil, err
	}
	if err := length("SAMLAssertion", assertion, minAssertionChars, maxAssertionChars); err != nil {
		return nil, err
	}
	duration, err := rq.durationSeconds(0)
	if err != nil {
		return nil, err
	}
	sp, err := rq.sessionPolicy()
	if err != nil {
		return nil, err
	}
	rARN, rerr := awsrole.ParseRoleARN(roleARN)
	pARN, perr := awsrole.ParseProviderARN(principalARN)
	if rerr != nil || perr != nil {
		return nil, validation("Request ARN is invalid")
	}

	// The provider and its verifier (A5.1, D1.7).
	s.mu.Lock()
	var prov *provider
	if a := s.account(pARN.AccountID); a != nil {
		if p := a.providers[pARN.Name]; p != nil && p.arn == principalARN {
			prov = p
		}
	}
	var verifier *idpVerifiers
	if prov != nil {
		verifier = prov.verifier
	}
	s.mu.Unlock()
	if prov == nil {
		// [inferred] code; the message is the one B4.4 reports.
		return nil, sender(400, "InvalidIdentityToken", "Specified provider doesn't exist")
	}
	raw := strings.TrimSpace(assertion)
	if strings.HasPrefix(raw, "<") {
		// STS takes the base64 of the Response only (B4.1); other
		// non-base64 input is refused by the verifier's decoding.
		return nil, sender(400, "InvalidIdentityToken", "Invalid base64 SAMLResponse")
	}
	a, verr := verifier.Verify(rq.r.Context(), []byte(raw))
	if verr != nil {
		return nil, rq.assertionError(verr)
	}

	// The Role attribute must pair RoleArn with PrincipalArn (A3.1-A3.3).
	paired := false
	for _, r := range a.Roles {
		if r.RoleARN.String() == roleARN && r.ProviderARN.String() == principalARN {
			paired = true
		}
	}
	if !paired {
		// [inferred] code and message (issue 14 item 3): AWS's answer for a
		// Role attribute that does not list the requested role is not
		// documented; AccessDenied is what B4.4 reports for a role that is
		// "missing or misspelled".
		return nil, &notAuthorized
	}

	now := s.now()
	r, roleAcct := s.findRole(rARN, roleARN)
	if roleAcct == nil {
		return nil, &notAuthorized // B2.3: missing or misspelled role
	}
	if strings.HasPrefix(r.name, "AWSReservedSSO_") {
		return nil, &notAuthorized // B2.7
	}
	req := trustreq.FromAssertion(a, pARN)
	if err := r.trust.Authorize(req); err != nil {
		return nil, &notAuthorized
	}

	sess, serr := awsrole.EffectiveSession(awsrole.SessionInput{
		API:                 true,
		SessionDuration:     a.SessionDuration,
		DurationSeconds:     duration,
		MaxSessionDuration:  r.maxSession,
		SessionNotOnOrAfter: a.SessionNotOnOrAfter,
		Now:                 now,
	})
	if serr != nil || sess.Duration <= 0 {
		if duration > r.maxSession {
			return nil, sender(400, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
		}
		return nil, sender(400, "ExpiredTokenException", "Response has expired")
	}

	packed := -1
	if sp.set || len(a.Tags) > 0 {
		size := sp.size
		for _, t := range a.Tags {
			size += len(t.Key) + len(t.Value)
		}
		var perr *apiErr
		if packed, perr = packedSize(size); perr != nil {
			return nil, perr
		}
	}

	w, err := s.issueSession(r, roleAcct, rARN, string(a.RoleSessionName), now.Add(sess.Duration), packed)
	if err != nil {
		return nil, err
	}
	w.str("Subject", a.NameID)
	w.str("SubjectType", federation.SubjectType(a.NameIDFormat))
	w.str("Issuer", a.Issuer)
	w.str("Audience", a.Recipient)
	w.str("NameQualifier", federation.NameQualifier(a.Issuer, pARN.AccountID, pARN.Name))
	w.str("SourceIdentity", string(a.SourceIdentity))
	return w, nil
}

// assertionError turns the verifier's verdict into STS's answer: the code and
// message the verifier knows AWS sends (saml.ValidationError.AWSCode, AWSMessage), with an
// issuer mismatch in the shape STS really uses (issue 14 item 1: code
// InvalidIdentityToken, the AWSOpenIdDiscoveryService text in the message).
// When AWS's message is unknown the verifier's Reason is sent, which never
// holds assertion content.
func (rq *request) assertionError(err error) *apiErr {
	var ve *saml.ValidationError
	if !errors.As(err, &ve) {
		return &apiErr{400, "Sender", "InvalidIdentityToken", "Invalid SAML response"}
	}
	if ve.Code() == "issuer" {
		return sender(400, "InvalidIdentityToken", "Issuer not present in specified provider (Service: AWSOpenIdDiscoveryService; Status Code: 400; Error Code: AuthSamlInvalidSamlResponseException; Request ID: "+rq.s.requestID()+"; Proxy: null)")
	}
	code, msg := ve.AWSCode, ve.AWSMessage
	if msg == "" {
		msg = ve.Reason
	}
	switch code {
	case "":
		e := notAuthorized
		return &e
	case "AccessDenied", "IDPRejectedClaim":
		return sender(403, code, msg)
	}
	return sender(400, code, msg)
}

// sessionPol is what the session policy parameters of AssumeRoleWithSAML and
// AssumeRole add up to.
type sessionPol struct {
	set  bool // Policy or PolicyArns was sent
	size int  // characters of the inline policy and the policy ARNs
}

// sessionPolicy checks Policy (1..2048 characters of valid JSON) and
// PolicyArns (at most 10 ARNs of 20..2048 characters), B4.1.
func (rq *request) sessionPolicy() (sessionPol, *apiErr) {
	var sp sessionPol
	if policy, ok := rq.param("Policy"); ok {
		if err := length("Policy", policy, 1, maxPolicyChars); err != nil {
			return sp, err
		}
		if !policyRE.MatchString(policy) || !json.Valid([]byte(policy)) {
			return sp, sender(400, "MalformedPolicyDocument", "The policy is not in the valid JSON format.")
		}
		sp.set, sp.size = true, len(policy)
	}
	n := 0
	for i := 1; ; i++ {
		v, ok := rq.param("PolicyArns.member." + strconv.Itoa(i) + ".arn")
		if !ok {
			break
		}
		if err := length("PolicyArns.member.arn", v, 20, 2048); err != nil {
			return sp, err
		}
		sp.set, sp.size = true, sp.size+len(v)
		n++
	}
	if n > maxPolicyARNs {
		return sp, validation("Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10")
	}
	return sp, nil
}

// packedSize is the PackedPolicySize percentage of size characters of
// session policy and tags, or PackedPolicyTooLarge above 100 % (B4.3).
func packedSize(size int) (int, *apiErr) {
	packed := (size*100 + packedBudget - 1) / packedBudget
	if packed > 100 {
		return 0, sender(400, "PackedPolicyTooLarge",
			"Packed size of the session policies and session tags combined exceeds the allowed limit ("+strconv.Itoa(packed)+"% of allowed)")
	}
	return packed, nil
}

// durationSeconds reads the DurationSeconds parameter within STS's model
// bounds (A4.2), or def when it is absent.
func (rq *request) durationSeconds(def int) (int, *apiErr) {
	v, ok := rq.param("DurationSeconds")
	if !ok {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < awslimits.MinSessionSeconds || n > awslimits.MaxSessionSeconds {
		return 0, validation("Value '" + clip(v, 20) + "' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200")
	}
	return n, nil
}

// findRole returns a copy of the role rARN names, and its account, when the
// role exists and its ARN is exactly roleARN; the account is nil otherwise.
func (s *Server) findRole(rARN awsrole.RoleARN, roleARN string) (role, *account) {
	s.mu.Lock()
	defer s.mu.Unlock()
	acct := s.account(rARN.AccountID)
	if acct == nil || acct.ID != rARN.AccountID {
		return role{}, nil
	}
	r := acct.roles[strings.ToLower(rARN.Name)]
	if r == nil || r.arn != roleARN {
		return role{}, nil
	}
	return *r, acct
}

// issueSession creates and stores the temporary credentials of a session
// named sessionName of role r (in roleAcct, named by rARN) that expires at
// expires, and writes what AssumeRole and AssumeRoleWithSAML both answer
// first: Credentials, AssumedRoleUser and, when packed >= 0,
// PackedPolicySize. The caller appends its own elements.
func (s *Server) issueSession(r role, roleAcct *account, rARN awsrole.RoleARN, sessionName string, expires time.Time, packed int) (*xmlw, *apiErr) {
	ns := &session{
		akid:    "ASIA" + s.randString(16, upperAlnum),
		secret:  s.randString(40, base62),
		token:   "IQoJb3JpZ2luX2VjEAws" + s.randString(200, base62),
		acct:    roleAcct,
		arn:     "arn:" + string(rARN.Partition) + ":sts::" + rARN.AccountID + ":assumed-role/" + r.name + "/" + sessionName,
		roleARN: r.arn,
		userID:  r.id + ":" + sessionName,
		expires: expires.UTC().Truncate(time.Second),
	}
	if len(ns.akid) != 20 || len(ns.secret) != 40 {
		return nil, &apiErr{500, "Receiver", "InternalFailure", "The request processing has failed because of an unknown error, exception or failure."}
	}
	s.mu.Lock()
	s.sessions[ns.akid] = ns
	s.mu.Unlock()

	w := &xmlw{}
	w.open("Credentials")
	w.str("AccessKeyId", ns.akid)
	w.str("SecretAccessKey", ns.secret)
	w.str("SessionToken", ns.token)
	w.ts("Expiration", ns.expires)
	w.close("Credentials")
	w.open("AssumedRoleUser")
	w.str("AssumedRoleId", ns.userID)
	w.str("Arn", ns.arn)
	w.close("AssumedRoleUser")
	if packed >= 0 {
		w.num("PackedPolicySize", packed)
	}
	return w, nil
}

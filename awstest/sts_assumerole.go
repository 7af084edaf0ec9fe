package awstest

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/internal/iamglob"
)

// sts:AssumeRole, as STS does it for the callers this server has: account
// root keys and role sessions it issued. What is modelled:
//
//   - the request constraints of the STS model (RoleArn 20-2048,
//     RoleSessionName 2-64 of [\w+=,.@-], DurationSeconds 900-43200,
//     ExternalId 2-1224, Policy, PolicyArns, Tags, SourceIdentity), answered
//     as ValidationError 400 before anything else;
//   - the account's root user may not assume roles: AccessDenied 403
//     "Roles may not be assumed by root accounts." (the STS API reference:
//     "You cannot use AWS account root user credentials to call
//     AssumeRole");
//   - the role must exist and its trust policy must allow the caller
//     (Principal "*", the caller's account ID or arn:aws:iam::ID:root, its
//     role ARN, its assumed-role session ARN), sts:AssumeRole, plus
//     sts:TagSession when session tags are passed and sts:SetSourceIdentity
//     when a SourceIdentity is; a Deny that matches wins; otherwise
//     AccessDenied 403 "User: <caller> is not authorized to perform:
//     sts:AssumeRole on resource: <RoleArn>", the same answer for a role
//     that does not exist, as STS gives it;
//   - DurationSeconds (default 3600) at most the role's MaxSessionDuration,
//     and at most 3600 when the caller is itself a role session (role
//     chaining, A4.3), both ValidationError 400 with STS's messages;
//   - the credentials issued act in the role's account; GetCallerIdentity
//     with them answers the assumed-role ARN.
//
// Not modelled: identity-based policies (a caller is taken to be allowed
// sts:AssumeRole by its own account's policies, as an administrator is), MFA
// (SerialNumber, TokenCode), ProvidedContexts, and condition keys other than
// those listed at trustCondKeys: a statement with one of those is not
// applied when it would allow and applied when it would deny (fail closed).

var (
	sessionNameRE = regexp.MustCompile(`^[\w+=,.@-]*$`)
	externalIDRE  = regexp.MustCompile(`^[\w+=,.@:/-]*$`)
)

// chainMaxSeconds is the session cap for role chaining (A4.3).
const chainMaxSeconds = 3600

// caller is who calls AssumeRole, for trust policy matching.
type caller struct {
	account string
	// arn is the caller's identity ARN (the assumed-role ARN of a session,
	// arn:aws:iam::ID:root for the account keys).
	arn string
	// roleARN is the IAM ARN of the role a session belongs to, "" for root.
	roleARN string
}

func (s *Server) assumeRole(rq *request) (*xmlw, *apiErr) {
	roleARN, err := rq.required("RoleArn")
	if err != nil {
		return nil, err
	}
	sessionName, err := rq.required("RoleSessionName")
	if err != nil {
		return nil, err
	}
	if err := length("RoleArn", roleARN, 20, 2048); err != nil {
		return nil, err
	}
	if err := length("RoleSessionName", sessionName, 2, 64); err != nil {
		return nil, err
	}
	if !sessionNameRE.MatchString(sessionName) {
		return nil, validation("Value '" + clip(sessionName, 64) + "' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*")
	}
	duration, err := rq.durationSeconds(3600)
	if err != nil {
		return nil, err
	}
	externalID, hasExternalID := rq.param("ExternalId")
	if hasExternalID {
		if err := length("ExternalId", externalID, 2, 1224); err != nil {
			return nil, err
		}
		if !externalIDRE.MatchString(externalID) {
			return nil, validation("Value at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*")
		}
	}
	sourceIdentity, hasSourceIdentity := rq.param("SourceIdentity")
	if hasSourceIdentity {
		if err := length("SourceIdentity", sourceIdentity, 2, 64); err != nil {
			return nil, err
		}
		if !sessionNameRE.MatchString(sourceIdentity) || strings.HasPrefix(sourceIdentity, "aws:") {
			return nil, validation("Value at 'sourceIdentity' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*")
		}
	}
	sp, err := rq.sessionPolicy()
	if err != nil {
		return nil, err
	}
	tags, ok := rq.tagList("Tags")
	if !ok {
		return nil, validation("Value null at 'tags.member.key' failed to satisfy constraint: Member must not be null")
	}
	if len(tags) > 50 {
		return nil, validation("Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50")
	}
	tagSize := 0
	for _, t := range tags {
		if err := length("Tags.member.Key", t.Key, 1, 128); err != nil {
			return nil, err
		}
		if err := length("Tags.member.Value", t.Value, 0, 256); err != nil {
			return nil, err
		}
		tagSize += len(t.Key) + len(t.Value)
	}
	transitive := rq.members("TransitiveTagKeys")
	if len(transitive) > 50 {
		return nil, validation("Value at 'transitiveTagKeys' failed to satisfy constraint: Member must have length less than or equal to 50")
	}
	rARN, rerr := awsrole.ParseRoleARN(roleARN)
	if rerr != nil {
		return nil, validation("Request ARN is invalid")
	}

	// Who is calling. The account's root user may not assume a role.
	if rq.sess == nil {
		return nil, sender(403, "AccessDenied", "Roles may not be assumed by root accounts.")
	}
	c := caller{account: rq.acct.ID, arn: rq.sess.arn, roleARN: rq.sess.roleARN}
	denied := sender(403, "AccessDenied", "User: "+c.arn+" is not authorized to perform: sts:AssumeRole on resource: "+roleARN)

	r, roleAcct := s.findRole(rARN, roleARN)
	if roleAcct == nil {
		return nil, denied
	}
	actions := []string{"sts:AssumeRole"}
	if len(tags) > 0 || len(transitive) > 0 {
		actions = append(actions, "sts:TagSession")
	}
	if hasSourceIdentity {
		actions = append(actions, "sts:SetSourceIdentity")
	}
	ctx := map[string]string{
		"aws:principalaccount": c.account,
		"aws:principalarn":     c.roleARN,
		"sts:rolesessionname":  sessionName,
	}
	if hasExternalID {
		ctx["sts:externalid"] = externalID
	}
	if hasSourceIdentity {
		ctx["sts:sourceidentity"] = sourceIdentity
	}
	for _, a := range actions {
		if !trustAllows(r.policy, c, a, ctx) {
			return nil, denied
		}
	}

	// Session length: role chaining first (every caller here is a role
	// session, A4.3), then the role's maximum.
	if duration > chainMaxSeconds {
		return nil, sender(400, "ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}
	if duration > r.maxSession {
		return nil, sender(400, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	packed := -1
	if sp.set || len(tags) > 0 {
		packed, err = packedSize(sp.size + tagSize)
		if err != nil {
			return nil, err
		}
	}

	now := s.now()
	w, err := s.issueSession(r, roleAcct, rARN, sessionName, now.Add(time.Duration(duration)*time.Second), packed)
	if err != nil {
		return nil, err
	}
	w.str("SourceIdentity", sourceIdentity)
	return w, nil
}

// trustAllows evaluates a role trust policy, as IAM stored it, for one
// action by caller c with the condition context ctx (lower-case keys): some
// Allow statement must match and no Deny statement may. The document was
// checked when it was written (federation.ParseTrustPolicy); anything this
// reader does not understand counts against the caller.
func trustAllows(doc string, c caller, action string, ctx map[string]string) bool {
	text := strings.TrimSpace(doc)
	if strings.HasPrefix(text, "%") {
		dec, err := url.PathUnescape(text)
		if err != nil {
			return false
		}
		text = dec
	}
	var top struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal([]byte(text), &top); err != nil {
		return false
	}
	var stmts []json.RawMessage
	if err := json.Unmarshal(top.Statement, &stmts); err != nil {
		stmts = []json.RawMessage{top.Statement}
	}
	allowed := false
	for _, raw := range stmts {
		var st struct {
			Effect       string
			Principal    json.RawMessage
			NotPrincipal json.RawMessage
			Action       json.RawMessage
			NotAction    json.RawMessage
			Condition    map[string]map[string]json.RawMessage
		}
		if err := json.Unmarshal(raw, &st); err != nil {
			return false
		}
		deny := st.Effect == "Deny"
		if !deny && st.Effect != "Allow" {
			return false
		}
		var who bool
		switch {
		case st.Principal != nil:
			who = principalMatches(st.Principal, c)
		case st.NotPrincipal != nil && deny:
			who = !principalMatches(st.NotPrincipal, c)
		default:
			return false
		}
		var what bool
		switch {
		case st.Action != nil:
			what = iamglob.MatchAction(stringList(st.Action), action)
		case st.NotAction != nil:
			what = !iamglob.MatchAction(stringList(st.NotAction), action)
		default:
			return false
		}
		if !who || !what {
			continue
		}
		cond := conditionsHold(st.Condition, ctx)
		switch {
		case deny && cond != condFalse:
			return false // a matching Deny, or one we cannot evaluate
		case !deny && cond == condTrue:
			allowed = true
		}
	}
	return allowed
}

// stringList reads a JSON string or list of strings.
func stringList(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil {
		return many
	}
	return nil
}

// principalMatches reports whether a Principal element names caller c: "*",
// or under AWS its account ID, its account root ARN, the ARN of the role it
// is a session of, or its own assumed-role ARN. Federated, Service and
// CanonicalUser principals never name an AssumeRole caller of this server.
func principalMatches(raw json.RawMessage, c caller) bool {
	var star string
	if json.Unmarshal(raw, &star) == nil {
		return star == "*"
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return false
	}
	for _, v := range stringList(m["AWS"]) {
		switch {
		case v == "*", v == c.account, v == c.arn:
			return true
		case c.roleARN != "" && v == c.roleARN:
			return true
		case strings.HasPrefix(v, "arn:") && strings.HasSuffix(v, ":iam::"+c.account+":root") && strings.Count(v, ":") == 5:
			return true
		}
	}
	return false
}

type condResult int

const (
	condTrue condResult = iota
	condFalse
	condUnknown
)

// trustCondKeys are the condition keys evaluated (lower case); any other key
// makes its statement's condition unknown.
var trustCondKeys = map[string]bool{
	"aws:principalaccount": true,
	"aws:principalarn":     true,
	"sts:rolesessionname":  true,
	"sts:externalid":       true,
	"sts:sourceidentity":   true,
}

// conditionsHold evaluates a Condition block: every operator and key must
// hold. Operators: StringEquals, StringNotEquals, StringEqualsIgnoreCase,
// StringNotEqualsIgnoreCase, StringLike, StringNotLike, each with IfExists;
// a key absent from the request fails the positive operators and satisfies
// the negated ones and IfExists, as in IAM.
func conditionsHold(block map[string]map[string]json.RawMessage, ctx map[string]string) condResult {
	res := condTrue
	for op, keys := range block {
		for key, raw := range keys {
			switch conditionHolds(op, key, raw, ctx) {
			case condFalse:
				return condFalse // one false condition decides, whatever the others
			case condUnknown:
				res = condUnknown
			}
		}
	}
	return res
}

func conditionHolds(op, key string, raw json.RawMessage, ctx map[string]string) condResult {
	base, ifExists := strings.CutSuffix(op, "IfExists")
	k := strings.ToLower(key)
	want := stringList(raw)
	if !trustCondKeys[k] || want == nil {
		return condUnknown
	}
	got, present := ctx[k]
	if got == "" {
		present = false
	}
	var match func(w string) bool
	negated := false
	switch base {
	case "StringEquals", "StringNotEquals":
		match = func(w string) bool { return w == got }
		negated = base == "StringNotEquals"
	case "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase":
		match = func(w string) bool { return strings.EqualFold(w, got) }
		negated = base == "StringNotEqualsIgnoreCase"
	case "StringLike", "StringNotLike":
		match = func(w string) bool { return iamglob.Match(w, got) }
		negated = base == "StringNotLike"
	default:
		return condUnknown
	}
	if !present {
		if ifExists || negated {
			return condTrue
		}
		return condFalse
	}
	hit := false
	for _, w := range want {
		if match(w) {
			hit = true
		}
	}
	if hit == negated {
		return condFalse
	}
	return condTrue
}

package federation

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/internal/awslimits"
	"github.com/samlaws/samlaws/internal/iamglob"
)

// Trust policy vocabulary (B3.1, B3.2).
const (
	// actionAssumeRoleWithSAML is the action a SAML trust policy must allow.
	actionAssumeRoleWithSAML = "sts:AssumeRoleWithSAML"
	// actionTagSession must also be allowed when assertions carry PrincipalTag
	// attributes (B3.2, A3.7).
	actionTagSession = "sts:TagSession"
	// actionSetSourceIdentity must also be allowed when assertions carry a
	// SourceIdentity attribute (B3.2, A3.6).
	actionSetSourceIdentity = "sts:SetSourceIdentity"
	// conditionKeyAudience is the condition key holding the assertion's
	// Recipient (A1.9, B3.3). IAM condition keys are case-insensitive; this is
	// the spelling the IAM user guide uses.
	conditionKeyAudience = "SAML:aud"
	// policyVersion is the policy language version NewTrustPolicy writes.
	policyVersion = "2012-10-17"
)

// maxPolicyDepth bounds JSON nesting in ParseTrustPolicy; a trust policy
// needs 5 levels.
const maxPolicyDepth = 32

// TrustPolicyOptions describes the trust policy NewTrustPolicy builds.
type TrustPolicyOptions struct {
	// Providers are the IAM SAML providers allowed to assume the role: at least
	// one, all valid, no duplicates, all in one partition. One provider is
	// written as a string, several as a list in the given order.
	Providers []awsrole.ProviderARN
	// The SAML:aud condition. By default (both false) it is StringEquals
	// SAML:aud with the partition's unprefixed sign-in endpoint, such as
	// https://signin.aws.amazon.com/saml: the console flow of B3.1.
	//
	// RegionalAudience writes StringLike SAML:aud with the unprefixed endpoint
	// and the regional pattern https://*.{host}/saml (B3.1), so that the
	// regional sign-in endpoints (A1.2) work too. Only the aws and aws-us-gov
	// partitions have regional endpoints; for the others NewTrustPolicy fails
	// with ErrInvalid. StringLike's '*' also matches '.' and '/', so the
	// pattern is wider than the set of AWS endpoints; SAML:aud is the
	// Recipient of a signed assertion, so this widens only what your own IdP
	// may put there.
	//
	// NoAudience writes no SAML:aud condition: any Recipient is accepted. Use
	// it only for roles assumed solely through the API. Setting both is an
	// error.
	RegionalAudience, NoAudience bool
	// TagSession adds sts:TagSession, needed when assertions carry session
	// tags (B3.2). Caution (C4.8): a 2020 report says Entra's provisioning
	// connector disabled a role once its trust policy allowed sts:TagSession
	// (MicrosoftDocs/azure-docs#51322); it may have been fixed since, but if
	// Entra imports this role's appRole, check the role after the next sync
	// (TrustPolicy.ImportWarnings reports it).
	TagSession bool
	// SetSourceIdentity adds sts:SetSourceIdentity, needed when assertions
	// carry a SourceIdentity (B3.2).
	SetSourceIdentity bool
	// ProviderID is the unique ID of an IAM SAML provider that requires
	// encrypted assertions (its SAMLProviderUUID, 22-64 characters of
	// [A-Z0-9], as in SAMLSPD9IMTW2LM46J042K). AWS documents
	// https://{region}.signin.aws.amazon.com/saml/acs/{ID} as the ACS of such
	// a provider (A1.4), and SAML:aud is the Recipient (A1.9), so the
	// SAML:aud condition then also lists https://signin.aws.amazon.com/saml/acs/{ID}
	// (and, with RegionalAudience, https://*.signin.aws.amazon.com/saml/acs/{ID}).
	// Only the aws partition documents this ACS; for others NewTrustPolicy
	// fails with ErrInvalid. Empty: no provider-specific ACS.
	ProviderID string
}

// policyDocument and policyStatement fix the field order of the JSON that
// NewTrustPolicy writes.
type policyDocument struct {
	Version   string            `json:"Version"`
	Statement []policyStatement `json:"Statement"`
}

type policyStatement struct {
	Effect    string                    `json:"Effect"`
	Principal policyPrincipal           `json:"Principal"`
	Action    any                       `json:"Action"`
	Condition map[string]map[string]any `json:"Condition,omitempty"`
}

type policyPrincipal struct {
	Federated any `json:"Federated"`
}

// NewTrustPolicy returns a role trust policy (AssumeRolePolicyDocument) that
// lets the given SAML providers assume the role (B3.1, B3.2): one statement
// with Effect Allow, Principal Federated, the action sts:AssumeRoleWithSAML
// (plus sts:TagSession and sts:SetSourceIdentity when asked), and the SAML:aud
// condition chosen by opts.RegionalAudience and opts.NoAudience. For example, with one provider and the
// defaults:
//
//	{
//	  "Version": "2012-10-17",
//	  "Statement": [
//	    {
//	      "Effect": "Allow",
//	      "Principal": {
//	        "Federated": "arn:aws:iam::123456789012:saml-provider/EntraID"
//	      },
//	      "Action": "sts:AssumeRoleWithSAML",
//	      "Condition": {
//	        "StringEquals": {
//	          "SAML:aud": "https://signin.aws.amazon.com/saml"
//	        }
//	      }
//	    }
//	  ]
//	}
//
// The output is deterministic (fixed key order, two-space indent, no HTML
// escaping, no trailing newline), so it can be compared and golden-tested.
// Errors wrap ErrInvalid (bad options, or no sign-in endpoint known for the
// partition) or an awsrole ARN error.
func NewTrustPolicy(opts TrustPolicyOptions) ([]byte, error) {
	if len(opts.Providers) == 0 {
		return nil, newErr("B3.1", errInvalidTrustPolicy, nil, "a SAML trust policy needs at least one saml-provider principal")
	}
	part := opts.Providers[0].Partition
	seen := make(map[string]bool, len(opts.Providers))
	arns := make([]string, 0, len(opts.Providers))
	for i, p := range opts.Providers {
		if err := p.Validate(); err != nil {
			return nil, newErr("B2.1", errInvalidTrustPolicy, err, "provider "+strconv.Itoa(i)+" is not a valid saml-provider ARN")
		}
		s := p.String()
		if seen[s] {
			return nil, newErr("B3.1", errInvalidTrustPolicy, nil, "provider "+quote(s, 200)+" is listed twice")
		}
		if p.Partition != part {
			return nil, newErr("B3.1", errInvalidTrustPolicy, nil,
				"providers are in different partitions ("+string(part)+" and "+string(p.Partition)+"); a role trusts providers of its own partition")
		}
		seen[s] = true
		arns = append(arns, s)
	}

	st := policyStatement{Effect: "Allow"}
	if len(arns) == 1 {
		st.Principal.Federated = arns[0]
	} else {
		st.Principal.Federated = arns
	}
	actions := []string{actionAssumeRoleWithSAML}
	if opts.SetSourceIdentity {
		actions = append(actions, actionSetSourceIdentity)
	}
	if opts.TagSession {
		actions = append(actions, actionTagSession)
	}
	if len(actions) == 1 {
		st.Action = actions[0]
	} else {
		st.Action = actions
	}

	switch {
	case opts.RegionalAudience && opts.NoAudience:
		return nil, newErr("B3.1", errInvalidTrustPolicy, nil, "RegionalAudience and NoAudience are both set; choose one")
	case !opts.NoAudience:
		global, err := SignInEndpoint(part, "")
		if err != nil {
			return nil, err
		}
		info, _ := partitionTable(part)
		var acs string
		if opts.ProviderID != "" {
			if !info.encryptedMetadata {
				return nil, newErr("A1.4", errNoEndpoint, nil,
					"no provider-specific ACS is documented for partition "+string(part)+"; leave ProviderID empty")
			}
			if !validProviderID(opts.ProviderID) {
				return nil, newErr("B1.4", errInvalidProviderID, nil,
					"ProviderID must be 22-64 characters of [A-Z0-9] (the provider's SAMLProviderUUID)")
			}
			acs = global + "/acs/" + opts.ProviderID
		}
		if !opts.RegionalAudience {
			if acs == "" {
				st.Condition = map[string]map[string]any{"StringEquals": {conditionKeyAudience: global}}
			} else {
				st.Condition = map[string]map[string]any{"StringEquals": {conditionKeyAudience: []string{global, acs}}}
			}
			break
		}
		if !info.regional {
			return nil, newErr("B3.1", errNoEndpoint, nil,
				"partition "+string(part)+" has no known regional sign-in endpoints; leave RegionalAudience false")
		}
		auds := []string{global, "https://*." + info.host + "/saml"}
		if acs != "" {
			auds = append(auds, acs, "https://*."+info.host+"/saml/acs/"+opts.ProviderID)
		}
		st.Condition = map[string]map[string]any{"StringLike": {conditionKeyAudience: auds}}
	}

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(policyDocument{Version: policyVersion, Statement: []policyStatement{st}}); err != nil {
		return nil, newErr("B3.1", errInvalidTrustPolicy, err, "encoding the trust policy failed")
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// TrustPolicy is what ParseTrustPolicy learns from a role trust policy about
// SAML federation.
type TrustPolicy struct {
	// Providers are the saml-provider principals that some Allow statement
	// lets call sts:AssumeRoleWithSAML, in order of first appearance, without
	// duplicates, minus those named by an unconditional Deny of that action
	// (see Denied).
	Providers []awsrole.ProviderARN
	// Statements are the Allow statements that grant sts:AssumeRoleWithSAML to
	// at least one saml-provider principal, in document order.
	Statements []SAMLStatement
	// AnyPrincipal is true when an Allow statement grants
	// sts:AssumeRoleWithSAML to every principal ("*" in Principal, or as a
	// value under AWS or Federated).
	AnyPrincipal bool
	// Denied are providers removed from Providers because an unconditional
	// Deny statement covers them and sts:AssumeRoleWithSAML.
	Denied []awsrole.ProviderARN
	// ConditionalDeny is true when a Deny statement with a Condition covers a
	// provider in Providers and sts:AssumeRoleWithSAML. Conditions are not
	// evaluated here, so such providers stay in Providers; Authorize evaluates
	// them for one request.
	ConditionalDeny bool
	// ImportWarnings are reasons, reported in the field but not documented,
	// why Entra's provisioning connector might not import (or might later
	// disable) a role that ImportableProvider accepts; nil when there are none.
	// Each is an *Error wrapping ErrNotImportable with its Rule (C4.8: a
	// statement that grants sts:AssumeRoleWithSAML also allows sts:TagSession,
	// after which, in a report from 2020 (MicrosoftDocs/azure-docs#51322), the
	// connector disabled the role; the Reason says the report may be out of
	// date). They are warnings: ImportableProvider does not fail for them.
	ImportWarnings []*Error

	// stmts are every parsed statement, for Authorize.
	stmts []statement
}

// SAMLStatement is one Allow statement that grants sts:AssumeRoleWithSAML to
// saml-provider principals.
type SAMLStatement struct {
	// Sid is the statement ID, or "".
	Sid string
	// Providers are the saml-provider principals the statement names.
	Providers []awsrole.ProviderARN
	// TagSession is true when the statement also allows sts:TagSession (B3.2).
	TagSession bool
	// SetSourceIdentity is true when the statement also allows
	// sts:SetSourceIdentity (B3.2).
	SetSourceIdentity bool
	// Conditional is true when the statement has a non-empty Condition block.
	Conditional bool
	// Audiences are the string values given for the SAML:aud key (compared
	// case-insensitively) under any condition operator, in document order.
	Audiences []string
}

// ParseTrustPolicy reads a role trust policy (AssumeRolePolicyDocument) and
// reports which IAM SAML providers it trusts (B3.1), as needed to find the
// roles Entra can import (C4.6; see TrustPolicy.ImportableProvider).
//
// Input: the JSON text, or the URL-encoded form in which IAM's GetRole and
// ListRoles return it (a document whose first non-blank character is '%' is
// percent-decoded once, RFC 3986 style: '+' stays '+'). After decoding it must
// be 1..131072 characters (the IAM model's limit) of [\x09\x0A\x0D\x20-\xFF] (B2.5)
// and well-formed UTF-8.
//
// Interpretation, fail-closed (anything else is an error wrapping
// ErrInvalid):
//
//   - JSON syntax is strict: one top-level object, no duplicate keys at any
//     level, nesting at most 32 deep. Element names are case-sensitive, as in
//     IAM ("effect" is not "Effect"), and unknown elements are errors. Version,
//     if present, is "2012-10-17" or "2008-10-17". Resource and NotResource are
//     rejected (IAM refuses them in trust policies).
//   - Statement is an object or an array of objects. Effect is "Allow" or
//     "Deny". Each statement has exactly one of Principal and NotPrincipal and
//     exactly one of Action and NotAction.
//   - Principal is "*" or an object with keys AWS, Federated, Service or
//     CanonicalUser, each a string or a non-empty list of strings. A Federated
//     value containing ":saml-provider/" must be a valid saml-provider ARN
//     (awsrole.ParseProviderARN: no wildcards); other Federated values (OIDC
//     providers, Cognito, ...) are ignored. "*" anywhere means every
//     principal.
//   - Action and NotAction are a string or a non-empty list of strings,
//     matched against sts:AssumeRoleWithSAML case-insensitively with IAM's
//     '*' and '?' wildcards ("sts:*" and "*" match). An Allow with NotAction
//     allows every action it does not list.
//   - Only Allow statements add providers. An Allow statement with
//     NotPrincipal is rejected: it would trust every principal but the listed
//     ones, which is never a sound SAML trust policy.
//   - A Deny statement that covers sts:AssumeRoleWithSAML removes the providers
//     it covers (Principal naming them or "*", or NotPrincipal not naming
//     them) from Providers when it has no Condition; with a Condition, which
//     is not evaluated, it sets ConditionalDeny instead.
//   - Conditions are read only to report SAML:aud values; they never decide
//     whether a provider is listed.
func ParseTrustPolicy(document string) (*TrustPolicy, error) {
	text, err := decodePolicyText(document)
	if err != nil {
		return nil, err
	}
	if err := checkJSONStructure([]byte(text)); err != nil {
		return nil, err
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &top); err != nil || top == nil {
		return nil, policyErr("the document is not a JSON object", err)
	}
	for k := range top {
		switch k {
		case "Version", "Id", "Statement":
		default:
			return nil, policyErr("unknown top-level element "+quote(k, 40)+" (element names are case-sensitive)", nil)
		}
	}
	if raw, ok := top["Version"]; ok {
		v, ok := jsonString(raw)
		if !ok || (v != "2012-10-17" && v != "2008-10-17") {
			return nil, policyErr("Version must be \"2012-10-17\" or \"2008-10-17\"", nil)
		}
	}
	if raw, ok := top["Id"]; ok {
		if _, ok := jsonString(raw); !ok {
			return nil, policyErr("Id must be a string", nil)
		}
	}
	rawStmts, ok := top["Statement"]
	if !ok {
		return nil, policyErr("the document has no Statement", nil)
	}
	var list []json.RawMessage
	switch firstByte(rawStmts) {
	case '{':
		list = []json.RawMessage{rawStmts}
	case '[':
		if err := json.Unmarshal(rawStmts, &list); err != nil {
			return nil, policyErr("Statement is not a list of objects", err)
		}
	default:
		return nil, policyErr("Statement must be an object or a list of objects", nil)
	}
	stmts := make([]statement, 0, len(list))
	for i, raw := range list {
		s, err := parseStatement(raw)
		if err != nil {
			var fe *Error
			if errors.As(err, &fe) {
				fe.Reason = strings.Replace(fe.Reason, "trust policy: ", "trust policy: statement "+strconv.Itoa(i)+": ", 1)
			}
			return nil, err
		}
		stmts = append(stmts, s)
	}
	return evaluate(stmts), nil
}

// statement is one parsed policy statement.
type statement struct {
	sid          string
	allow        bool
	principal    *principalSet // exactly one of principal and notPrincipal
	notPrincipal *principalSet
	actions      []string // exactly one of actions and notActions
	notActions   []string
	conditional  bool
	audiences    []string
	conditions   []condition // the Condition block, in document order
}

type principalSet struct {
	any       bool
	providers []awsrole.ProviderARN
}

func (ps *principalSet) names(p awsrole.ProviderARN) bool {
	if ps.any {
		return true
	}
	for _, q := range ps.providers {
		if q == p {
			return true
		}
	}
	return false
}

// covers reports whether the statement's principal element covers provider p.
func (s *statement) covers(p awsrole.ProviderARN) bool {
	if s.principal != nil {
		return s.principal.names(p)
	}
	return !s.notPrincipal.names(p)
}

// allows reports whether the statement's action element covers action.
func (s *statement) allows(action string) bool {
	if s.actions != nil {
		return iamglob.MatchAction(s.actions, action)
	}
	return !iamglob.MatchAction(s.notActions, action)
}

func evaluate(stmts []statement) *TrustPolicy {
	tp := &TrustPolicy{stmts: stmts}
	var allowed []awsrole.ProviderARN
	seen := map[awsrole.ProviderARN]bool{}
	for i := range stmts {
		s := &stmts[i]
		if !s.allow || !s.allows(actionAssumeRoleWithSAML) {
			continue
		}
		if s.principal.any {
			tp.AnyPrincipal = true
		}
		if len(s.principal.providers) == 0 {
			continue
		}
		tp.Statements = append(tp.Statements, SAMLStatement{
			Sid:               s.sid,
			Providers:         append([]awsrole.ProviderARN(nil), s.principal.providers...),
			TagSession:        s.allows(actionTagSession),
			SetSourceIdentity: s.allows(actionSetSourceIdentity),
			Conditional:       s.conditional,
			Audiences:         s.audiences,
		})
		for _, p := range s.principal.providers {
			if !seen[p] {
				seen[p] = true
				allowed = append(allowed, p)
			}
		}
	}
	for _, p := range allowed {
		denied := false
		for i := range stmts {
			s := &stmts[i]
			if s.allow || !s.allows(actionAssumeRoleWithSAML) || !s.covers(p) {
				continue
			}
			if s.conditional {
				tp.ConditionalDeny = true
				continue
			}
			denied = true
		}
		if denied {
			tp.Denied = append(tp.Denied, p)
		} else {
			tp.Providers = append(tp.Providers, p)
		}
	}
	tp.ImportWarnings = importWarnings(tp.Statements)
	return tp
}

func parseStatement(raw json.RawMessage) (statement, error) {
	var m map[string]json.RawMessage
	if firstByte(raw) != '{' {
		return statement{}, policyErr("a statement must be a JSON object", nil)
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return statement{}, policyErr("a statement must be a JSON object", err)
	}
	var s statement
	for k := range m {
		switch k {
		case "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Condition":
		case "Resource", "NotResource":
			return statement{}, policyErr(k+" is not allowed in a trust policy", nil)
		default:
			return statement{}, policyErr("unknown element "+quote(k, 40)+" (element names are case-sensitive)", nil)
		}
	}
	if raw, ok := m["Sid"]; ok {
		v, ok := jsonString(raw)
		if !ok {
			return statement{}, policyErr("Sid must be a string", nil)
		}
		s.sid = v
	}
	effect, ok := jsonString(m["Effect"])
	switch {
	case ok && effect == "Allow":
		s.allow = true
	case ok && effect == "Deny":
	default:
		return statement{}, policyErr("Effect must be \"Allow\" or \"Deny\"", nil)
	}

	rawP, hasP := m["Principal"]
	rawNP, hasNP := m["NotPrincipal"]
	switch {
	case hasP && hasNP:
		return statement{}, policyErr("a statement cannot have both Principal and NotPrincipal", nil)
	case hasP:
		ps, err := parsePrincipal(rawP)
		if err != nil {
			return statement{}, err
		}
		s.principal = ps
	case hasNP:
		if s.allow {
			return statement{}, policyErr("NotPrincipal with Effect Allow is not interpreted (it would trust every principal not listed)", nil)
		}
		ps, err := parsePrincipal(rawNP)
		if err != nil {
			return statement{}, err
		}
		s.notPrincipal = ps
	default:
		return statement{}, policyErr("a trust policy statement needs a Principal", nil)
	}

	rawA, hasA := m["Action"]
	rawNA, hasNA := m["NotAction"]
	switch {
	case hasA && hasNA:
		return statement{}, policyErr("a statement cannot have both Action and NotAction", nil)
	case hasA:
		v, err := stringOrList(rawA, "Action")
		if err != nil {
			return statement{}, err
		}
		s.actions = v
	case hasNA:
		v, err := stringOrList(rawNA, "NotAction")
		if err != nil {
			return statement{}, err
		}
		s.notActions = v
	default:
		return statement{}, policyErr("a statement needs an Action", nil)
	}

	if raw, ok := m["Condition"]; ok {
		conditional, auds, conds, err := parseCondition(raw)
		if err != nil {
			return statement{}, err
		}
		s.conditional, s.audiences, s.conditions = conditional, auds, conds
	}
	return s, nil
}

func parsePrincipal(raw json.RawMessage) (*principalSet, error) {
	if v, ok := jsonString(raw); ok {
		if v != "*" {
			return nil, policyErr("a Principal string must be \"*\"; name principals under AWS, Federated, Service or CanonicalUser", nil)
		}
		return &principalSet{any: true}, nil
	}
	if firstByte(raw) != '{' {
		return nil, policyErr("Principal must be \"*\" or an object", nil)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, policyErr("Principal must be \"*\" or an object", err)
	}
	if len(m) == 0 {
		return nil, policyErr("Principal is empty", nil)
	}
	ps := &principalSet{}
	seen := map[awsrole.ProviderARN]bool{}
	for _, k := range []string{"AWS", "Federated", "Service", "CanonicalUser"} {
		raw, ok := m[k]
		if !ok {
			continue
		}
		delete(m, k)
		vals, err := stringOrList(raw, "Principal."+k)
		if err != nil {
			return nil, err
		}
		for _, v := range vals {
			if v == "*" {
				ps.any = true
				continue
			}
			if k != "Federated" || !strings.Contains(strings.ToLower(v), ":saml-provider/") {
				continue
			}
			p, err := awsrole.ParseProviderARN(v)
			if err != nil {
				return nil, policyErr("Federated principal "+quote(v, 200)+" looks like a saml-provider ARN but is not a valid one", err)
			}
			if !seen[p] {
				seen[p] = true
				ps.providers = append(ps.providers, p)
			}
		}
	}
	for k := range m {
		return nil, policyErr("unknown principal type "+quote(k, 40)+" (want AWS, Federated, Service or CanonicalUser)", nil)
	}
	return ps, nil
}

// parseCondition validates a Condition block (operator -> key -> value or
// list of values) and returns whether it is non-empty, the SAML:aud string
// values and every (operator, key, values) triple in document order.
func parseCondition(raw json.RawMessage) (bool, []string, []condition, error) {
	if firstByte(raw) != '{' {
		return false, nil, nil, policyErr("Condition must be an object", nil)
	}
	var ops map[string]json.RawMessage
	if err := json.Unmarshal(raw, &ops); err != nil {
		return false, nil, nil, policyErr("Condition must be an object", err)
	}
	var auds []string
	var conds []condition
	// Walk in document order so Audiences is deterministic.
	opNames, err := objectKeys(raw)
	if err != nil {
		return false, nil, nil, policyErr("Condition must be an object", err)
	}
	for _, op := range opNames {
		body := ops[op]
		if firstByte(body) != '{' {
			return false, nil, nil, policyErr("condition operator "+quote(op, 40)+" must map to an object", nil)
		}
		var keys map[string]json.RawMessage
		if err := json.Unmarshal(body, &keys); err != nil {
			return false, nil, nil, policyErr("condition operator "+quote(op, 40)+" must map to an object", err)
		}
		keyNames, err := objectKeys(body)
		if err != nil {
			return false, nil, nil, policyErr("condition operator "+quote(op, 40)+" must map to an object", err)
		}
		for _, key := range keyNames {
			vals, strs, err := conditionValues(keys[key])
			if err != nil {
				return false, nil, nil, policyErr("condition "+quote(op, 40)+"/"+quote(key, 40)+": "+err.Error(), nil)
			}
			if strings.EqualFold(key, conditionKeyAudience) {
				auds = append(auds, strs...)
			}
			conds = append(conds, condition{op: op, key: key, values: vals})
		}
	}
	return len(opNames) > 0, auds, conds, nil
}

// conditionValues accepts a string, number or boolean, or a non-empty list of
// them. It returns every value as text (numbers as written, booleans as
// "true"/"false"), as IAM compares them, and separately the values that were
// JSON strings.
func conditionValues(raw json.RawMessage) (all, strs []string, err error) {
	scalar := func(r json.RawMessage) (string, bool, error) {
		switch c := firstByte(r); {
		case c == '"':
			s, _ := jsonString(r)
			return s, true, nil
		case c == 't' || c == 'f' || c == '-' || (c >= '0' && c <= '9'):
			var v any
			dec := json.NewDecoder(bytes.NewReader(r))
			dec.UseNumber()
			if err := dec.Decode(&v); err != nil {
				return "", false, errors.New("values must be strings, numbers or booleans")
			}
			switch v := v.(type) {
			case json.Number:
				return v.String(), false, nil
			case bool:
				return strconv.FormatBool(v), false, nil
			}
		}
		return "", false, errors.New("values must be strings, numbers or booleans")
	}
	list := []json.RawMessage{raw}
	if firstByte(raw) == '[' {
		list = nil
		if err := json.Unmarshal(raw, &list); err != nil || len(list) == 0 {
			return nil, nil, errors.New("a value list must be a non-empty JSON array")
		}
	}
	for _, r := range list {
		s, isStr, err := scalar(r)
		if err != nil {
			return nil, nil, err
		}
		all = append(all, s)
		if isStr {
			strs = append(strs, s)
		}
	}
	return all, strs, nil
}

// stringOrList decodes a JSON string or a non-empty array of non-empty
// strings.
func stringOrList(raw json.RawMessage, what string) ([]string, error) {
	if s, ok := jsonString(raw); ok {
		if s == "" {
			return nil, policyErr(what+" is an empty string", nil)
		}
		return []string{s}, nil
	}
	if firstByte(raw) != '[' {
		return nil, policyErr(what+" must be a string or a list of strings", nil)
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, policyErr(what+" must be a string or a list of strings", err)
	}
	if len(list) == 0 {
		return nil, policyErr(what+" is an empty list", nil)
	}
	out := make([]string, 0, len(list))
	for _, r := range list {
		s, ok := jsonString(r)
		if !ok || s == "" {
			return nil, policyErr(what+" must be a string or a list of non-empty strings", nil)
		}
		out = append(out, s)
	}
	return out, nil
}

// jsonString decodes raw when it is a JSON string (not null, not a number).
func jsonString(raw json.RawMessage) (string, bool) {
	if firstByte(raw) != '"' {
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

func firstByte(raw []byte) byte {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return 0
	}
	return raw[0]
}

// objectKeys returns the keys of a JSON object in document order.
func objectKeys(raw json.RawMessage) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("not an object")
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k, ok := tok.(string)
		if !ok {
			return nil, errors.New("not an object")
		}
		keys = append(keys, k)
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

func policyErr(reason string, cause error) *Error {
	return newErr("B3.1", errInvalidTrustPolicy, cause, "trust policy: "+reason)
}

// decodePolicyText undoes IAM's URL encoding when present and applies the
// B2.5 length and character rules.
func decodePolicyText(doc string) (string, error) {
	if len(doc) > 3*awslimits.MaxPolicyDocumentLength*utf8.UTFMax {
		return "", newErr("B2.5", errInvalidTrustPolicy, nil,
			"trust policy: document is "+strconv.Itoa(len(doc))+" bytes, far beyond the "+strconv.Itoa(awslimits.MaxPolicyDocumentLength)+"-character limit")
	}
	if trimmed := strings.TrimLeft(doc, " \t\r\n"); strings.HasPrefix(trimmed, "%") {
		dec, err := url.PathUnescape(doc)
		if err != nil {
			return "", newErr("B2.5", errInvalidTrustPolicy, err, "trust policy: the URL-encoded document has a malformed percent escape")
		}
		doc = dec
	}
	if doc == "" {
		return "", newErr("B2.5", errInvalidTrustPolicy, nil, "trust policy: document is empty")
	}
	if !utf8.ValidString(doc) {
		return "", newErr("B2.5", errInvalidTrustPolicy, nil, "trust policy: document is not valid UTF-8")
	}
	n := 0
	for i, r := range doc {
		n++
		if n > awslimits.MaxPolicyDocumentLength {
			return "", newErr("B2.5", errInvalidTrustPolicy, nil,
				"trust policy: document is longer than "+strconv.Itoa(awslimits.MaxPolicyDocumentLength)+" characters")
		}
		if !(r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xFF) {
			return "", newErr("B2.5", errInvalidTrustPolicy, nil,
				"trust policy: character "+runeName(r)+" at byte "+strconv.Itoa(i)+" is outside [\\x09\\x0A\\x0D\\x20-\\xFF]")
		}
	}
	return doc, nil
}

// checkJSONStructure verifies that data is exactly one JSON object with no
// duplicate keys in any object and nesting at most maxPolicyDepth deep.
// encoding/json alone would keep the last of two duplicate keys, a parser
// differential an attacker could use to hide a statement.
func checkJSONStructure(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	type frame struct {
		obj       bool
		expectKey bool
		keys      map[string]bool
	}
	var stack []frame
	done := false
	valueDone := func() {
		if n := len(stack); n > 0 && stack[n-1].obj {
			stack[n-1].expectKey = true
		} else if n == 0 {
			done = true
		}
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return policyErr("the document is not valid JSON", err)
		}
		if done {
			return policyErr("the document has data after its JSON object", nil)
		}
		if len(stack) == 0 && tok != json.Delim('{') {
			return policyErr("the document is not a JSON object", nil)
		}
		if n := len(stack); n > 0 && stack[n-1].obj && stack[n-1].expectKey {
			if tok == json.Delim('}') {
				stack = stack[:n-1]
				valueDone()
				continue
			}
			k, ok := tok.(string)
			if !ok {
				return policyErr("the document is not valid JSON", nil)
			}
			if stack[n-1].keys[k] {
				return policyErr("duplicate key "+quote(k, 40)+" in one object", nil)
			}
			stack[n-1].keys[k] = true
			stack[n-1].expectKey = false
			continue
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, frame{obj: true, expectKey: true, keys: map[string]bool{}})
		case json.Delim('['):
			stack = append(stack, frame{})
		case json.Delim(']'), json.Delim('}'):
			stack = stack[:len(stack)-1]
			valueDone()
		default:
			valueDone()
		}
		if len(stack) > maxPolicyDepth {
			return policyErr("the document nests deeper than "+strconv.Itoa(maxPolicyDepth)+" levels", nil)
		}
	}
	if !done {
		return policyErr("the document is not valid JSON (truncated)", nil)
	}
	return nil
}

// ImportableProvider reports whether the Entra AWS provisioning connector can
// import role, given this trust policy, and returns the one provider it would
// pair the role with (C4.5, C4.6). The reasons it cannot, each an error
// wrapping ErrNotImportable and naming the rule:
//
//   - the role ARN is invalid (B2.2);
//   - the role is in aws-cn: the connector does not work in the AWS China
//     regions (C4.5);
//   - the role is an IAM Identity Center role (AWSReservedSSO_*), which
//     AssumeRoleWithSAML cannot assume (B2.7);
//   - the policy trusts every principal ("*"), or no saml-provider, or more
//     than one: Entra needs exactly one (C4.6);
//   - the provider is in another partition or account than the role (A3.3);
//   - the role ARN and the provider ARN together are 240 characters or more:
//     Entra requires their combined length to be under 240 (C4.6). The comma
//     between them is not counted, as the Entra tutorial words it, so a
//     "roleARN,providerARN" value of 240 characters is importable and one of
//     241 is not (see docs/design.md).
//
// Providers removed by an unconditional Deny do not count; a conditional
// Deny (ConditionalDeny) does not prevent import.
func (tp *TrustPolicy) ImportableProvider(role awsrole.RoleARN) (awsrole.ProviderARN, error) {
	notImportable := func(rule, reason string, cause error) (awsrole.ProviderARN, error) {
		return awsrole.ProviderARN{}, newErr(rule, ErrNotImportable, cause, "role cannot be imported by Entra: "+reason)
	}
	if err := role.Validate(); err != nil {
		return notImportable("B2.2", "the role ARN is invalid", err)
	}
	if role.Partition == awsrole.PartitionAWSCN {
		return notImportable("C4.5", "the Entra provisioning connector does not work in the AWS China regions (aws-cn)", nil)
	}
	if strings.HasPrefix(role.Name, "AWSReservedSSO_") {
		return notImportable("B2.7", "IAM Identity Center roles (AWSReservedSSO_*) cannot be assumed with AssumeRoleWithSAML", nil)
	}
	if tp.AnyPrincipal {
		return notImportable("C4.6", "the trust policy allows sts:AssumeRoleWithSAML to any principal (\"*\") instead of exactly one saml-provider", nil)
	}
	switch len(tp.Providers) {
	case 0:
		return notImportable("C4.6", "the trust policy allows sts:AssumeRoleWithSAML to no saml-provider; Entra needs exactly one", nil)
	case 1:
	default:
		return notImportable("C4.6", "the trust policy trusts "+strconv.Itoa(len(tp.Providers))+" saml-providers; Entra imports only roles that trust exactly one", nil)
	}
	p := tp.Providers[0]
	if p.Partition != role.Partition || p.AccountID != role.AccountID {
		return notImportable("A3.3", "the trusted saml-provider "+quote(p.String(), 200)+" is not in the role's partition and account", nil)
	}
	if n := len(role.String()) + len(p.String()); n >= awslimits.MaxImportPairLength {
		return notImportable("C4.6", "the role ARN and the provider ARN are "+strconv.Itoa(n)+" characters together; Entra imports only roles whose two ARNs are under "+strconv.Itoa(awslimits.MaxImportPairLength)+" characters combined", nil)
	}
	return p, nil
}

// importWarnings lists the field-reported reasons the Entra provisioning
// connector may not keep this role although ImportableProvider accepts it
// (TrustPolicy.ImportWarnings).
func importWarnings(stmts []SAMLStatement) []*Error {
	for _, st := range stmts {
		if st.TagSession {
			return []*Error{newErr("C4.8", ErrNotImportable, nil, "the trust policy allows sts:TagSession; in a 2020 report "+
				"(MicrosoftDocs/azure-docs#51322) Entra's provisioning connector then disabled the role at its next sync. "+
				"This may since have been fixed: check that the role stays enabled in Entra after a sync, or drop sts:TagSession "+
				"if the assertions carry no PrincipalTag attributes")}
		}
	}
	return nil
}

package federation

import (
	"sort"
	"strconv"
	"strings"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/internal/iamglob"
)

// SAMLRequest is one sts:AssumeRoleWithSAML call as a role trust policy sees
// it: the provider named as PrincipalArn and the values STS takes from the
// verified assertion (B3.3). It is the input of TrustPolicy.Authorize.
type SAMLRequest struct {
	// Provider is the IAM SAML provider (the request's PrincipalArn, the
	// Federated principal). saml:doc and saml:namequalifier derive from it.
	Provider awsrole.ProviderARN
	// Issuer is the assertion Issuer (saml:iss).
	Issuer string
	// Recipient is the bearer SubjectConfirmationData Recipient; STS gives it
	// to the policy as saml:aud, not the Audience (A1.9).
	Recipient string
	// NameID and NameIDFormat are the Subject NameID and its Format
	// (saml:sub; saml:sub_type through SubjectType, B3.5).
	NameID, NameIDFormat string
	// Attributes are the assertion's attributes by Name; those AWS maps to
	// condition keys (awsrole.ConditionKeyForAttribute, A3.10) become
	// saml:mail, saml:edupersonaffiliation, ... with all their values.
	Attributes map[string][]string
	// SourceIdentity, when not empty, needs sts:SetSourceIdentity (A3.6,
	// B3.2) and is the sts:SourceIdentity key.
	SourceIdentity string
	// Tags are the session tags (PrincipalTag attributes); any tag needs
	// sts:TagSession (A3.7, B3.2). They give aws:RequestTag/<key> and
	// aws:TagKeys.
	Tags []awsrole.Tag
	// TransitiveTagKeys give sts:TransitiveTagKeys (A3.8).
	TransitiveTagKeys []string
}

// ConditionContext returns the condition keys the request carries, with lower
// case names ("saml:aud", "saml:sub", "aws:requesttag/project", ...) as IAM
// matches them case-insensitively, each with its values. Keys without a value
// are absent, as in IAM's request context.
//
//   - saml:aud = Recipient, saml:iss = Issuer, saml:sub = NameID,
//     saml:sub_type = SubjectType(NameIDFormat),
//     saml:doc = "{account}/{provider name}",
//     saml:namequalifier = NameQualifier(Issuer, Provider.AccountID, Provider.Name) (B3.3, B3.4);
//   - the attributes AWS maps to keys (A3.10), with all their values; when
//     two attribute names map to one key, AWS uses one of them (which one is
//     not documented): here the name that sorts first;
//   - sts:SourceIdentity, aws:RequestTag/<key>, aws:TagKeys,
//     sts:TransitiveTagKeys.
func (r SAMLRequest) ConditionContext() map[string][]string {
	ctx := map[string][]string{}
	set := func(k string, v ...string) {
		if len(v) == 0 || (len(v) == 1 && v[0] == "") {
			return
		}
		ctx[strings.ToLower(k)] = v
	}
	set("saml:aud", r.Recipient)
	set("saml:iss", r.Issuer)
	set("saml:sub", r.NameID)
	set("saml:sub_type", SubjectType(r.NameIDFormat))
	if r.Provider.AccountID != "" && r.Provider.Name != "" {
		set("saml:doc", r.Provider.AccountID+"/"+r.Provider.Name)
		if r.Issuer != "" {
			set("saml:namequalifier", NameQualifier(r.Issuer, r.Provider.AccountID, r.Provider.Name))
		}
	}
	names := make([]string, 0, len(r.Attributes))
	for name := range r.Attributes {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		vals := r.Attributes[name]
		key, ok := awsrole.ConditionKeyForAttribute(name)
		if !ok || len(vals) == 0 {
			continue
		}
		if _, dup := ctx[strings.ToLower(key)]; dup {
			continue // AWS maps one claim per key (A3.10)
		}
		set(key, append([]string(nil), vals...)...)
	}
	set("sts:SourceIdentity", r.SourceIdentity)
	var keys []string
	for _, t := range r.Tags {
		ctx["aws:requesttag/"+strings.ToLower(t.Key)] = []string{t.Value}
		keys = append(keys, t.Key)
	}
	set("aws:TagKeys", keys...)
	set("sts:TransitiveTagKeys", r.TransitiveTagKeys...)
	return ctx
}

// Authorize evaluates the trust policy for one AssumeRoleWithSAML request the
// way IAM evaluates a role trust policy, and returns nil when the request may
// assume the role. Each action the request needs is decided on its own:
// sts:AssumeRoleWithSAML always, sts:TagSession when it carries session tags,
// sts:SetSourceIdentity when it carries a SourceIdentity (B3.2). An action is
// allowed when some Allow statement covers the provider (Federated principal
// or "*"), the action and all of its conditions, and no Deny statement covers
// them; otherwise the error wraps ErrNotAuthorized and says which action
// failed and which statement's condition (operator and key, never the
// request's values) did not hold.
//
// Conditions follow the IAM policy language (B3.3): operators AND, keys AND,
// policy values OR (NOR for negated operators); key names case-insensitive;
// a key missing from the request makes a condition false, except negated
// operators (true), ...IfExists (true) and Null (tests presence).
// ForAnyValue: holds when some request value matches (false for a missing
// key); ForAllValues: holds when every request value matches (true for a
// missing key). Without a set qualifier a multi-valued key holds when any
// value matches, and a negated operator when none does.
//
// Operators: StringEquals, StringNotEquals, StringEqualsIgnoreCase,
// StringNotEqualsIgnoreCase, StringLike, StringNotLike (wildcards '*' and
// '?'), ArnEquals, ArnLike, ArnNotEquals, ArnNotLike (ARN values, wildcards
// allowed as in IAM), Bool, Null, and the Numeric comparisons, each with
// ...IfExists. Date, IP address and Binary operators, policy variables
// ("${...}") and unknown operators are not interpreted: fail closed, an
// Allow statement holding one does not apply and a Deny statement holding
// one does.
func (tp *TrustPolicy) Authorize(req SAMLRequest) error {
	if tp == nil {
		return newErr("B3.1", ErrNotAuthorized, nil, "no trust policy")
	}
	if err := req.Provider.Validate(); err != nil {
		return newErr("B2.1", ErrNotAuthorized, err, "the request's PrincipalArn is not a valid saml-provider ARN")
	}
	ctx := req.ConditionContext()
	actions := []string{actionAssumeRoleWithSAML}
	if len(req.Tags) > 0 {
		actions = append(actions, actionTagSession)
	}
	if req.SourceIdentity != "" {
		actions = append(actions, actionSetSourceIdentity)
	}
	for _, action := range actions {
		if err := tp.decide(action, req.Provider, ctx); err != nil {
			return err
		}
	}
	return nil
}

// decide applies IAM's evaluation for one action: explicit Deny, then Allow,
// else implicit deny.
func (tp *TrustPolicy) decide(action string, p awsrole.ProviderARN, ctx map[string][]string) error {
	rule := "B3.1"
	switch action {
	case actionTagSession, actionSetSourceIdentity:
		rule = "B3.2"
	}
	allowed := -1
	var missed []string
	for i := range tp.stmts {
		s := &tp.stmts[i]
		if !s.allows(action) || !s.covers(p) {
			continue
		}
		failed := s.failedCondition(ctx)
		if !s.allow {
			if failed == "" {
				return newErr(rule, ErrNotAuthorized, nil,
					action+" is denied for provider "+quote(p.String(), 200)+" by statement "+stmtName(i, s))
			}
			continue
		}
		if failed == "" {
			if allowed < 0 {
				allowed = i
			}
			continue
		}
		missed = append(missed, "statement "+stmtName(i, s)+": condition "+failed+" not met")
	}
	if allowed >= 0 {
		return nil
	}
	reason := "no statement allows " + action + " for provider " + quote(p.String(), 200)
	if len(missed) > 0 {
		if len(missed) > 5 {
			missed = append(missed[:5], "...")
		}
		reason += " (" + strings.Join(missed, "; ") + ")"
	}
	if rule == "B3.2" {
		reason += "; add " + action + " to the statement that allows " + actionAssumeRoleWithSAML
	}
	return newErr(rule, ErrNotAuthorized, nil, reason)
}

func stmtName(i int, s *statement) string {
	n := strconv.Itoa(i)
	if s.sid != "" {
		n += " (" + quote(s.sid, 40) + ")"
	}
	return n
}

// failedCondition returns "" when every condition of s holds for ctx, and
// otherwise "Operator/key" of the first that does not (for an Allow) or the
// first unsupported one. For a Deny statement an uninterpretable condition
// counts as holding (fail closed), so "" is returned for it.
func (s *statement) failedCondition(ctx map[string][]string) string {
	for _, c := range s.conditions {
		ok, supported := c.holds(ctx)
		if !supported {
			if s.allow {
				return quote(c.op, 60) + "/" + quote(c.key, 60) + " (not interpreted)"
			}
			continue
		}
		if !ok {
			return quote(c.op, 60) + "/" + quote(c.key, 60)
		}
	}
	return ""
}

// condition is one operator/key/values triple of a Condition block.
type condition struct {
	op     string
	key    string
	values []string
}

// holds evaluates c; supported is false when the operator or a value is not
// interpreted by this package.
func (c condition) holds(ctx map[string][]string) (ok, supported bool) {
	op := c.op
	set := ""
	if q, rest, found := strings.Cut(op, ":"); found {
		set, op = q, rest
		if set != "ForAnyValue" && set != "ForAllValues" {
			return false, false
		}
	}
	for _, v := range c.values {
		if strings.Contains(v, "${") {
			return false, false // policy variables are not substituted
		}
	}
	got, present := ctx[strings.ToLower(c.key)]
	if op == "Null" {
		if set != "" {
			return false, false
		}
		want := ""
		for _, v := range c.values {
			switch v {
			case "true", "false":
			default:
				return false, false
			}
			if want != "" && want != v {
				return false, false
			}
			want = v
		}
		return present == (want == "false"), true
	}
	ifExists := false
	if base, found := strings.CutSuffix(op, "IfExists"); found {
		op, ifExists = base, true
	}
	match, negated, supported := operator(op)
	if !supported {
		return false, false
	}
	if !present {
		switch {
		case set == "ForAllValues":
			return true, true
		case set == "ForAnyValue":
			return false, true
		case ifExists || negated:
			return true, true
		}
		return false, true
	}
	// one reports whether a single request value satisfies the operator
	// against the policy values: OR of matches, NOR for negated operators.
	one := func(v string) (bool, bool) {
		for _, pv := range c.values {
			m, ok := match(v, pv)
			if !ok {
				return false, false
			}
			if m {
				return !negated, true
			}
		}
		return negated, true
	}
	switch set {
	case "ForAllValues":
		return quantify(got, one, true)
	case "ForAnyValue":
		return quantify(got, one, false)
	}
	// No qualifier: a positive operator holds when any request value
	// matches; a negated one when no request value matches any policy value.
	return quantify(got, one, negated)
}

// quantify applies one to the request values in order: with all, whether one
// holds for every value (true for none); otherwise whether it holds for some
// value (false for none). It stops at the first value that decides, and
// reports ok=false when one cannot interpret a value it reaches.
func quantify(got []string, one func(string) (bool, bool), all bool) (result, ok bool) {
	for _, v := range got {
		r, ok := one(v)
		if !ok {
			return false, false
		}
		if r != all {
			return r, true
		}
	}
	return all, true
}

// operator returns the positive match function of a (base) operator name,
// whether the operator is its negation, and whether it is interpreted.
// match returns ok=false for a value it cannot interpret (a non-numeric value
// under a Numeric operator in the policy).
func operator(op string) (match func(got, want string) (m, ok bool), negated, supported bool) {
	str := func(f func(a, b string) bool) func(string, string) (bool, bool) {
		return func(a, b string) (bool, bool) { return f(a, b), true }
	}
	num := func(f func(a, b float64) bool) func(string, string) (bool, bool) {
		return func(a, b string) (bool, bool) {
			y, err := strconv.ParseFloat(b, 64)
			if err != nil {
				return false, false
			}
			x, err := strconv.ParseFloat(a, 64)
			if err != nil {
				return false, true // a non-numeric request value never matches
			}
			return f(x, y), true
		}
	}
	switch op {
	case "StringEquals":
		return str(func(a, b string) bool { return a == b }), false, true
	case "StringNotEquals":
		return str(func(a, b string) bool { return a == b }), true, true
	case "StringEqualsIgnoreCase":
		return str(strings.EqualFold), false, true
	case "StringNotEqualsIgnoreCase":
		return str(strings.EqualFold), true, true
	case "StringLike", "ArnLike", "ArnEquals":
		return str(func(a, b string) bool { return iamglob.Match(b, a) }), false, true
	case "StringNotLike", "ArnNotLike", "ArnNotEquals":
		return str(func(a, b string) bool { return iamglob.Match(b, a) }), true, true
	case "Bool":
		return func(a, b string) (bool, bool) {
			if b != "true" && b != "false" {
				return false, false
			}
			return strings.EqualFold(a, b), true
		}, false, true
	case "NumericEquals":
		return num(func(a, b float64) bool { return a == b }), false, true
	case "NumericNotEquals":
		return num(func(a, b float64) bool { return a == b }), true, true
	case "NumericLessThan":
		return num(func(a, b float64) bool { return a < b }), false, true
	case "NumericLessThanEquals":
		return num(func(a, b float64) bool { return a <= b }), false, true
	case "NumericGreaterThan":
		return num(func(a, b float64) bool { return a > b }), false, true
	case "NumericGreaterThanEquals":
		return num(func(a, b float64) bool { return a >= b }), false, true
	}
	return nil, false, false
}

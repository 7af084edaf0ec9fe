package federation

import (
	"errors"
	"strings"
	"testing"

	"github.com/samlaws/samlaws/awsrole"
)

const (
	evalProv  = "arn:aws:iam::123456789012:saml-provider/EntraID"
	evalOther = "arn:aws:iam::123456789012:saml-provider/Other"
	evalIss   = "https://sts.windows.net/8b966979-5d4b-4e1b-9c3b-6d2f4e2a1f00/"
)

// evalRequest is a typical Entra request: global Recipient, email NameID.
func evalRequest() SAMLRequest {
	p, _ := awsrole.ParseProviderARN(evalProv)
	return SAMLRequest{
		Provider:     p,
		Issuer:       evalIss,
		Recipient:    "https://signin.aws.amazon.com/saml",
		NameID:       "b.simon@contoso.example",
		NameIDFormat: NameIDFormatEmail,
		Attributes: map[string][]string{
			"urn:oid:1.3.6.1.4.1.5923.1.1.1.1":                                   {"staff", "member"},
			"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress": {"b.simon@contoso.example"},
		},
	}
}

// stmt builds a one-statement policy around an Allow or Deny with optional
// condition JSON and action list JSON.
func evalPolicy(stmts ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

func evalStmt(effect, principal, action, cond string) string {
	s := `{"Effect":"` + effect + `","Principal":` + principal + `,"Action":` + action
	if cond != "" {
		s += `,"Condition":` + cond
	}
	return s + "}"
}

const (
	fedA   = `{"Federated":"` + evalProv + `"}`
	fedB   = `{"Federated":"` + evalOther + `"}`
	actSAM = `"sts:AssumeRoleWithSAML"`
)

// TestTrustPolicyAuthorize pins the IAM evaluation of SAML trust policies
// (B3.1-B3.3): principal, actions, each operator family, missing keys, set
// qualifiers, Deny precedence, and fail-closed handling of what is not
// interpreted.
func TestTrustPolicyAuthorize(t *testing.T) {
	t.Parallel()
	withTags := func(r SAMLRequest) SAMLRequest {
		r.Tags = []awsrole.Tag{{Key: "Project", Value: "blue"}, {Key: "CostCenter", Value: "42"}}
		return r
	}
	withSI := func(r SAMLRequest) SAMLRequest { r.SourceIdentity = "bsimon"; return r }
	regional := func(r SAMLRequest) SAMLRequest {
		r.Recipient = "https://eu-west-1.signin.aws.amazon.com/saml"
		return r
	}
	persistent := func(r SAMLRequest) SAMLRequest { r.NameIDFormat = NameIDFormatPersistent; return r }
	noSub := func(r SAMLRequest) SAMLRequest { r.NameID = ""; return r }
	id := func(r SAMLRequest) SAMLRequest { return r }
	nq := NameQualifier(evalIss, "123456789012", "EntraID")

	tests := []struct {
		name   string
		policy string
		req    func(SAMLRequest) SAMLRequest
		rule   string // "" = allowed
	}{
		{"B3.1/minimal", evalPolicy(evalStmt("Allow", fedA, actSAM, "")), id, ""},
		{"B3.1/other_provider", evalPolicy(evalStmt("Allow", fedB, actSAM, "")), id, "B3.1"},
		{"B3.1/principal_star", evalPolicy(evalStmt("Allow", `"*"`, actSAM, "")), id, ""},
		{"B3.1/action_wildcard", evalPolicy(evalStmt("Allow", fedA, `"sts:*"`, "")), withTags(withSI(evalRequest())).fn(), ""},
		{"B3.1/action_other", evalPolicy(evalStmt("Allow", fedA, `"sts:AssumeRoleWithWebIdentity"`, "")), id, "B3.1"},
		{"B3.1/aud_global_equals", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}`)), id, ""},
		{"B3.1/aud_global_refuses_regional", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}`)), regional, "B3.1"},
		{"B3.1/aud_like_regional", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"StringLike":{"SAML:aud":["https://signin.aws.amazon.com/saml","https://*.signin.aws.amazon.com/saml"]}}`)), regional, ""},
		{"B3.3/key_names_case_insensitive", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"StringEquals":{"saml:AUD":"https://signin.aws.amazon.com/saml"}}`)), id, ""},
		{"B3.3/values_case_sensitive", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"StringEquals":{"SAML:aud":"https://SIGNIN.aws.amazon.com/saml"}}`)), id, "B3.1"},
		{"B3.3/ignore_case_operator", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"StringEqualsIgnoreCase":{"SAML:aud":"https://SIGNIN.aws.amazon.com/saml"}}`)), id, ""},
		{"B3.3/iss", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"StringEquals":{"SAML:iss":"`+evalIss+`"}}`)), id, ""},
		{"B3.3/iss_other", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"StringEquals":{"SAML:iss":"https://sts.windows.net/other/"}}`)), id, "B3.1"},
		{"B3.3/sub_like", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"StringLike":{"SAML:sub":"*@contoso.example"}}`)), id, ""},
		{"B3.3/sub_like_question_mark", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"StringLike":{"SAML:sub":"?.simon@contoso.example"}}`)), id, ""},
		{"B3.3/sub_like_other_domain", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"StringLike":{"SAML:sub":"*@fabrikam.example"}}`)), id, "B3.1"},
		{"B3.5/sub_type_email_is_full_uri", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"StringEquals":{"SAML:sub_type":"persistent"}}`)), id, "B3.1"},
		{"B3.5/sub_type_persistent", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"StringEquals":{"SAML:sub_type":"persistent"}}`)), persistent, ""},
		{"B3.3/doc", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"StringEquals":{"SAML:doc":"123456789012/EntraID"}}`)), id, ""},
		{"B3.4/namequalifier", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"StringEquals":{"SAML:namequalifier":"`+nq+`"}}`)), id, ""},
		{"B3.4/namequalifier_other", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"StringEquals":{"SAML:namequalifier":"AAAA"}}`)), id, "B3.1"},
		{"A3.10/mapped_mail", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"StringEquals":{"SAML:mail":"b.simon@contoso.example"}}`)), id, ""},
		{"A3.10/multivalued_any", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"ForAnyValue:StringEquals":{"SAML:edupersonaffiliation":"member"}}`)), id, ""},
		{"A3.10/multivalued_all_fails", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"ForAllValues:StringEquals":{"SAML:edupersonaffiliation":"member"}}`)), id, "B3.1"},
		{"A3.10/multivalued_all", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"ForAllValues:StringEquals":{"SAML:edupersonaffiliation":["member","staff"]}}`)), id, ""},
		{"B3.3/for_all_values_missing_key_holds", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"ForAllValues:StringEquals":{"SAML:cn":"x"}}`)), id, ""},
		{"B3.3/for_any_value_missing_key_fails", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"ForAnyValue:StringEquals":{"SAML:cn":"x"}}`)), id, "B3.1"},
		{"B3.3/missing_key_fails", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"StringEquals":{"SAML:sub":"b.simon@contoso.example"}}`)), noSub, "B3.1"},
		{"B3.3/missing_key_negated_holds", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"StringNotEquals":{"SAML:sub":"x"}}`)), noSub, ""},
		{"B3.3/missing_key_if_exists_holds", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"StringEqualsIfExists":{"SAML:sub":"x"}}`)), noSub, ""},
		{"B3.3/if_exists_present_checked", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"StringEqualsIfExists":{"SAML:sub":"x"}}`)), id, "B3.1"},
		{"B3.3/not_equals_nor", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"StringNotEquals":{"SAML:sub":["x","b.simon@contoso.example"]}}`)), id, "B3.1"},
		{"B3.3/not_like_holds", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"StringNotLike":{"SAML:sub":"*@fabrikam.example"}}`)), id, ""},
		{"B3.3/null_true_absent", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"Null":{"sts:SourceIdentity":"true"}}`)), id, ""},
		{"B3.3/null_true_present", evalPolicy(evalStmt("Allow", fedA, `["sts:AssumeRoleWithSAML","sts:SetSourceIdentity"]`, `{"Null":{"sts:SourceIdentity":"true"}}`)), withSI, "B3.1"},
		{"B3.3/null_false_bool_value", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"Null":{"SAML:sub":false}}`)), id, ""},
		{"B3.3/operators_and", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"},"StringLike":{"SAML:sub":"*@fabrikam.example"}}`)), id, "B3.1"},
		{"B3.3/keys_and", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml","SAML:iss":"x"}}`)), id, "B3.1"},
		{"B3.3/numeric_and_bool_values", evalPolicy(evalStmt("Allow", fedA, `["sts:AssumeRoleWithSAML","sts:TagSession"]`, `{"NumericLessThan":{"aws:RequestTag/CostCenter":100},"StringEquals":{"aws:RequestTag/project":"blue"}}`)), withTags, ""},
		{"B3.2/tags_need_tag_session", evalPolicy(evalStmt("Allow", fedA, actSAM, "")), withTags, "B3.2"},
		{"B3.2/tags_with_tag_session", evalPolicy(evalStmt("Allow", fedA, `["sts:AssumeRoleWithSAML","sts:TagSession"]`, "")), withTags, ""},
		{"B3.2/tag_session_in_second_statement", evalPolicy(evalStmt("Allow", fedA, actSAM, ""), evalStmt("Allow", fedA, `"sts:TagSession"`, `{"ForAllValues:StringEquals":{"aws:TagKeys":["Project","CostCenter"]}}`)), withTags, ""},
		{"B3.2/tag_keys_restricted", evalPolicy(evalStmt("Allow", fedA, actSAM, ""), evalStmt("Allow", fedA, `"sts:TagSession"`, `{"ForAllValues:StringEquals":{"aws:TagKeys":["Project"]}}`)), withTags, "B3.2"},
		{"B3.2/source_identity_needs_action", evalPolicy(evalStmt("Allow", fedA, `["sts:AssumeRoleWithSAML","sts:TagSession"]`, "")), withSI, "B3.2"},
		{"B3.2/source_identity_allowed", evalPolicy(evalStmt("Allow", fedA, `["sts:AssumeRoleWithSAML","sts:SetSourceIdentity"]`, `{"StringLike":{"sts:SourceIdentity":"b*"}}`)), withSI, ""},
		{"B3.1/deny_wins", evalPolicy(evalStmt("Allow", fedA, actSAM, ""), evalStmt("Deny", fedA, actSAM, "")), id, "B3.1"},
		{"B3.1/deny_star_wins", evalPolicy(evalStmt("Allow", fedA, actSAM, ""), evalStmt("Deny", `"*"`, `"sts:*"`, "")), id, "B3.1"},
		{"B3.1/conditional_deny_holds", evalPolicy(evalStmt("Allow", fedA, actSAM, ""), evalStmt("Deny", fedA, actSAM, `{"StringLike":{"SAML:sub":"*@contoso.example"}}`)), id, "B3.1"},
		{"B3.1/conditional_deny_not_met", evalPolicy(evalStmt("Allow", fedA, actSAM, ""), evalStmt("Deny", fedA, actSAM, `{"StringLike":{"SAML:sub":"*@fabrikam.example"}}`)), id, ""},
		{"B3.1/deny_of_other_provider", evalPolicy(evalStmt("Allow", fedA, actSAM, ""), evalStmt("Deny", fedB, actSAM, "")), id, ""},
		{"B3.1/deny_not_principal_other", evalPolicy(evalStmt("Allow", fedA, actSAM, ""), `{"Effect":"Deny","NotPrincipal":`+fedB+`,"Action":"sts:AssumeRoleWithSAML"}`), id, "B3.1"},
		{"B3.2/deny_tag_session_only", evalPolicy(evalStmt("Allow", fedA, `"sts:*"`, ""), evalStmt("Deny", fedA, `"sts:TagSession"`, "")), withTags, "B3.2"},
		{"B3.2/not_action_allow", evalPolicy(`{"Effect":"Allow","Principal":` + fedA + `,"NotAction":"sts:TagSession"}`), withTags, "B3.2"},
		{"B3.3/unsupported_operator_allow_fails_closed", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"DateLessThan":{"aws:CurrentTime":"2999-01-01T00:00:00Z"}}`)), id, "B3.1"},
		{"B3.3/unsupported_operator_deny_fails_closed", evalPolicy(evalStmt("Allow", fedA, actSAM, ""), evalStmt("Deny", fedA, actSAM, `{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`)), id, "B3.1"},
		{"B3.3/unknown_qualifier", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"ForSomeValues:StringEquals":{"SAML:sub":"b.simon@contoso.example"}}`)), id, "B3.1"},
		{"B3.3/policy_variable_not_substituted", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"StringLike":{"SAML:sub":"${SAML:sub}"}}`)), id, "B3.1"},
		{"B3.3/numeric_policy_value_not_a_number", evalPolicy(evalStmt("Allow", fedA, actSAM, `{"NumericEquals":{"SAML:sub":"x"}}`)), id, "B3.1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tp, err := ParseTrustPolicy(tc.policy)
			if err != nil {
				t.Fatalf("ParseTrustPolicy: %v", err)
			}
			err = tp.Authorize(tc.req(evalRequest()))
			if tc.rule == "" {
				if err != nil {
					t.Fatalf("Authorize = %v, want allowed", err)
				}
				return
			}
			var fe *Error
			if !errors.As(err, &fe) || !errors.Is(err, ErrNotAuthorized) || fe.Rule != tc.rule {
				t.Fatalf("Authorize = %v, want *Error wrapping ErrNotAuthorized with rule %s", err, tc.rule)
			}
			// The reason names actions, statements, operators and keys, never
			// the request's values (they come from the assertion).
			for _, secret := range []string{"b.simon", "bsimon", "blue", "staff"} {
				if strings.Contains(err.Error(), secret) {
					t.Fatalf("error %q repeats request value %q", err, secret)
				}
			}
		})
	}
}

// fn lets a fixed request stand where the table wants a transform.
func (r SAMLRequest) fn() func(SAMLRequest) SAMLRequest {
	return func(SAMLRequest) SAMLRequest { return r }
}

// TestTrustPolicyAuthorizeNewTrustPolicy: every policy NewTrustPolicy writes
// admits the request it was written for and refuses the one it was not (B3.1,
// B3.2).
func TestTrustPolicyAuthorizeNewTrustPolicy(t *testing.T) {
	t.Parallel()
	p, _ := awsrole.ParseProviderARN(evalProv)
	q, _ := awsrole.ParseProviderARN(evalOther)
	for aud, opts := range []TrustPolicyOptions{{}, {RegionalAudience: true}, {NoAudience: true}} { // 0 global, 1 regional, 2 none
		for _, tags := range []bool{false, true} {
			opts.Providers, opts.TagSession = []awsrole.ProviderARN{p}, tags
			doc, err := NewTrustPolicy(opts)
			if err != nil {
				t.Fatal(err)
			}
			tp, err := ParseTrustPolicy(string(doc))
			if err != nil {
				t.Fatal(err)
			}
			req := evalRequest()
			req.Tags = []awsrole.Tag{{Key: "k", Value: "v"}}
			if err := tp.Authorize(req); (err == nil) != tags {
				t.Errorf("audience %d tagSession %v: Authorize with tags = %v", aud, tags, err)
			}
			req.Tags = nil
			if err := tp.Authorize(req); err != nil {
				t.Errorf("audience %d: Authorize = %v", aud, err)
			}
			req.Recipient = "https://eu-west-1.signin.aws.amazon.com/saml"
			if err := tp.Authorize(req); (err == nil) != (aud != 0) {
				t.Errorf("audience %d: regional Recipient: Authorize = %v", aud, err)
			}
			req.Recipient = "https://evil.example/saml"
			if err := tp.Authorize(req); (err == nil) != (aud == 2) {
				t.Errorf("audience %d: foreign Recipient: Authorize = %v", aud, err)
			}
			req = evalRequest()
			req.Provider = q
			if err := tp.Authorize(req); !errors.Is(err, ErrNotAuthorized) {
				t.Errorf("audience %d: other provider: Authorize = %v", aud, err)
			}
		}
	}
	var nilTP *TrustPolicy
	if err := nilTP.Authorize(evalRequest()); !errors.Is(err, ErrNotAuthorized) {
		t.Errorf("nil policy: %v", err)
	}
	tp, _ := ParseTrustPolicy(evalPolicy(evalStmt("Allow", `"*"`, actSAM, "")))
	if err := tp.Authorize(SAMLRequest{}); !errors.Is(err, ErrNotAuthorized) {
		t.Errorf("zero provider: %v", err)
	}
}

// TestSAMLRequestConditionContext pins the keys STS puts in the request
// context (B3.3, B3.4, B3.5, A3.10).
func TestSAMLRequestConditionContext(t *testing.T) {
	t.Parallel()
	r := evalRequest()
	r.SourceIdentity = "bsimon"
	r.Tags = []awsrole.Tag{{Key: "Project", Value: "blue"}}
	r.TransitiveTagKeys = []string{"Project"}
	r.Attributes["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"] = []string{"B. Simon"}
	r.Attributes["http://example.com/unmapped"] = []string{"x"}
	got := r.ConditionContext()
	want := map[string]string{
		"saml:aud":                  "https://signin.aws.amazon.com/saml",
		"saml:iss":                  evalIss,
		"saml:sub":                  "b.simon@contoso.example",
		"saml:sub_type":             NameIDFormatEmail,
		"saml:doc":                  "123456789012/EntraID",
		"saml:namequalifier":        NameQualifier(evalIss, "123456789012", "EntraID"),
		"saml:mail":                 "b.simon@contoso.example",
		"saml:name":                 "B. Simon",
		"saml:edupersonaffiliation": "staff,member",
		"sts:sourceidentity":        "bsimon",
		"aws:requesttag/project":    "blue",
		"aws:tagkeys":               "Project",
		"sts:transitivetagkeys":     "Project",
	}
	if len(got) != len(want) {
		t.Errorf("context has %d keys, want %d: %v", len(got), len(want), got)
	}
	for k, v := range want {
		if strings.Join(got[k], ",") != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

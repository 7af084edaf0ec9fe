package federation

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/internal/awslimits"
)

const (
	provA = "arn:aws:iam::123456789012:saml-provider/EntraID"
	provB = "arn:aws:iam::123456789012:saml-provider/Okta"
	roleX = "arn:aws:iam::123456789012:role/Admins"
)

func mustProvider(t testing.TB, s string) awsrole.ProviderARN {
	t.Helper()
	p, err := awsrole.ParseProviderARN(s)
	if err != nil {
		t.Fatalf("ParseProviderARN(%q): %v", s, err)
	}
	return p
}

func mustRole(t testing.TB, s string) awsrole.RoleARN {
	t.Helper()
	r, err := awsrole.ParseRoleARN(s)
	if err != nil {
		t.Fatalf("ParseRoleARN(%q): %v", s, err)
	}
	return r
}

func TestNewTrustPolicyGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts func(t *testing.T) TrustPolicyOptions
		want string
	}{
		{
			name: "B3.1/minimal_global",
			opts: func(t *testing.T) TrustPolicyOptions {
				return TrustPolicyOptions{Providers: []awsrole.ProviderARN{mustProvider(t, provA)}}
			},
			want: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Federated": "arn:aws:iam::123456789012:saml-provider/EntraID"
      },
      "Action": "sts:AssumeRoleWithSAML",
      "Condition": {
        "StringEquals": {
          "SAML:aud": "https://signin.aws.amazon.com/saml"
        }
      }
    }
  ]
}`,
		},
		{
			name: "B3.1+B3.2/regional_tags_sourceidentity_two_providers",
			opts: func(t *testing.T) TrustPolicyOptions {
				return TrustPolicyOptions{
					Providers:         []awsrole.ProviderARN{mustProvider(t, provA), mustProvider(t, provB)},
					RegionalAudience:  true,
					TagSession:        true,
					SetSourceIdentity: true,
				}
			},
			want: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Federated": [
          "arn:aws:iam::123456789012:saml-provider/EntraID",
          "arn:aws:iam::123456789012:saml-provider/Okta"
        ]
      },
      "Action": [
        "sts:AssumeRoleWithSAML",
        "sts:SetSourceIdentity",
        "sts:TagSession"
      ],
      "Condition": {
        "StringLike": {
          "SAML:aud": [
            "https://signin.aws.amazon.com/saml",
            "https://*.signin.aws.amazon.com/saml"
          ]
        }
      }
    }
  ]
}`,
		},
		{
			name: "B3.1/govcloud_regional",
			opts: func(t *testing.T) TrustPolicyOptions {
				return TrustPolicyOptions{
					Providers:        []awsrole.ProviderARN{mustProvider(t, "arn:aws-us-gov:iam::123456789012:saml-provider/E")},
					RegionalAudience: true,
				}
			},
			want: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Federated": "arn:aws-us-gov:iam::123456789012:saml-provider/E"
      },
      "Action": "sts:AssumeRoleWithSAML",
      "Condition": {
        "StringLike": {
          "SAML:aud": [
            "https://signin.amazonaws-us-gov.com/saml",
            "https://*.signin.amazonaws-us-gov.com/saml"
          ]
        }
      }
    }
  ]
}`,
		},
		{
			name: "B3.1/unrestricted_tag_session",
			opts: func(t *testing.T) TrustPolicyOptions {
				return TrustPolicyOptions{
					Providers:  []awsrole.ProviderARN{mustProvider(t, "arn:aws-iso-f:iam::123456789012:saml-provider/E")},
					NoAudience: true,
					TagSession: true,
				}
			},
			want: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Federated": "arn:aws-iso-f:iam::123456789012:saml-provider/E"
      },
      "Action": [
        "sts:AssumeRoleWithSAML",
        "sts:TagSession"
      ]
    }
  ]
}`,
		},
		{
			name: "B3.1/cn_global",
			opts: func(t *testing.T) TrustPolicyOptions {
				return TrustPolicyOptions{Providers: []awsrole.ProviderARN{mustProvider(t, "arn:aws-cn:iam::123456789012:saml-provider/E")}}
			},
			want: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Federated": "arn:aws-cn:iam::123456789012:saml-provider/E"
      },
      "Action": "sts:AssumeRoleWithSAML",
      "Condition": {
        "StringEquals": {
          "SAML:aud": "https://signin.amazonaws.cn/saml"
        }
      }
    }
  ]
}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			opts := tc.opts(t)
			got, err := NewTrustPolicy(opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, string(got)); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
			again, _ := NewTrustPolicy(opts)
			if string(again) != string(got) {
				t.Fatal("output is not deterministic")
			}
			// Round trip through the parser.
			tp, err := ParseTrustPolicy(string(got))
			if err != nil {
				t.Fatalf("ParseTrustPolicy(NewTrustPolicy): %v", err)
			}
			if diff := cmp.Diff(opts.Providers, tp.Providers); diff != "" {
				t.Fatalf("providers (-want +got):\n%s", diff)
			}
			if len(tp.Statements) != 1 || tp.Statements[0].TagSession != opts.TagSession ||
				tp.Statements[0].SetSourceIdentity != opts.SetSourceIdentity ||
				tp.Statements[0].Conditional != !opts.NoAudience {
				t.Fatalf("statements = %+v", tp.Statements)
			}
		})
	}
}

func TestNewTrustPolicyErrors(t *testing.T) {
	t.Parallel()
	a := mustProvider(t, provA)
	tests := []struct {
		name    string
		opts    TrustPolicyOptions
		wantErr error
	}{
		{"B3.1/no_providers", TrustPolicyOptions{}, errInvalidTrustPolicy},
		{"B2.1/zero_provider", TrustPolicyOptions{Providers: []awsrole.ProviderARN{{}}}, errInvalidTrustPolicy},
		{"B2.1/invalid_provider_fields", TrustPolicyOptions{Providers: []awsrole.ProviderARN{{Partition: "aws", AccountID: "1", Name: "x"}}}, awsrole.ErrInvalid},
		{"B2.1/provider_name_with_slash", TrustPolicyOptions{Providers: []awsrole.ProviderARN{{Partition: "aws", AccountID: "123456789012", Name: "a/b"}}}, errInvalidTrustPolicy},
		{"B3.1/duplicate_provider", TrustPolicyOptions{Providers: []awsrole.ProviderARN{a, a}}, errInvalidTrustPolicy},
		{"B3.1/mixed_partitions", TrustPolicyOptions{Providers: []awsrole.ProviderARN{a, mustProvider(t, "arn:aws-cn:iam::123456789012:saml-provider/X")}}, errInvalidTrustPolicy},
		{"B3.1/regional_and_no_audience", TrustPolicyOptions{Providers: []awsrole.ProviderARN{a}, RegionalAudience: true, NoAudience: true}, errInvalidTrustPolicy},
		{"A1.3/regional_cn_unknown", TrustPolicyOptions{Providers: []awsrole.ProviderARN{mustProvider(t, "arn:aws-cn:iam::123456789012:saml-provider/X")}, RegionalAudience: true}, errNoEndpoint},
		{"A1.3/global_iso-e_unknown", TrustPolicyOptions{Providers: []awsrole.ProviderARN{mustProvider(t, "arn:aws-iso-e:iam::123456789012:saml-provider/X")}}, errNoEndpoint},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := NewTrustPolicy(tc.opts)
			if !errors.Is(err, tc.wantErr) || got != nil {
				t.Fatalf("NewTrustPolicy = %s, %v; want %v", got, err, tc.wantErr)
			}
		})
	}
}

// stmt wraps statement JSON into a policy document.
func doc(statements string) string {
	return `{"Version":"2012-10-17","Statement":` + statements + `}`
}

func TestParseTrustPolicy(t *testing.T) {
	t.Parallel()
	a := mustProvider(t, provA)
	b := mustProvider(t, provB)
	allowA := `{"Effect":"Allow","Principal":{"Federated":"` + provA + `"},"Action":"sts:AssumeRoleWithSAML"}`
	tests := []struct {
		name string
		in   string
		want TrustPolicy
	}{
		{"B3.1/statement_object", doc(allowA), TrustPolicy{Providers: []awsrole.ProviderARN{a},
			Statements: []SAMLStatement{{Providers: []awsrole.ProviderARN{a}}}}},
		{"B3.1/statement_array", doc(`[` + allowA + `]`), TrustPolicy{Providers: []awsrole.ProviderARN{a},
			Statements: []SAMLStatement{{Providers: []awsrole.ProviderARN{a}}}}},
		{"B3.1/no_version_2008_default", `{"Statement":` + allowA + `}`, TrustPolicy{Providers: []awsrole.ProviderARN{a},
			Statements: []SAMLStatement{{Providers: []awsrole.ProviderARN{a}}}}},
		{"B3.1/version_2008", `{"Version":"2008-10-17","Id":"x","Statement":` + allowA + `}`, TrustPolicy{Providers: []awsrole.ProviderARN{a},
			Statements: []SAMLStatement{{Providers: []awsrole.ProviderARN{a}}}}},
		{"B3.1/federated_list_two", doc(`{"Sid":"S1","Effect":"Allow","Principal":{"Federated":["` + provA + `","` + provB + `"]},"Action":["sts:AssumeRoleWithSAML","sts:TagSession"]}`),
			TrustPolicy{Providers: []awsrole.ProviderARN{a, b},
				Statements: []SAMLStatement{{Sid: "S1", Providers: []awsrole.ProviderARN{a, b}, TagSession: true}}}},
		{"B3.1/federated_list_duplicate_collapsed", doc(`{"Effect":"Allow","Principal":{"Federated":["` + provA + `","` + provA + `"]},"Action":"sts:AssumeRoleWithSAML"}`),
			TrustPolicy{Providers: []awsrole.ProviderARN{a}, Statements: []SAMLStatement{{Providers: []awsrole.ProviderARN{a}}}}},
		{"B3.1/two_statements_same_provider", doc(`[` + allowA + `,` + allowA + `]`),
			TrustPolicy{Providers: []awsrole.ProviderARN{a}, Statements: []SAMLStatement{{Providers: []awsrole.ProviderARN{a}}, {Providers: []awsrole.ProviderARN{a}}}}},
		{"B3.1/action_case_insensitive", doc(`{"Effect":"Allow","Principal":{"Federated":"` + provA + `"},"Action":"STS:assumerolewithsaml"}`),
			TrustPolicy{Providers: []awsrole.ProviderARN{a}, Statements: []SAMLStatement{{Providers: []awsrole.ProviderARN{a}}}}},
		{"B3.1/action_sts_star", doc(`{"Effect":"Allow","Principal":{"Federated":"` + provA + `"},"Action":"sts:*"}`),
			TrustPolicy{Providers: []awsrole.ProviderARN{a}, Statements: []SAMLStatement{{Providers: []awsrole.ProviderARN{a}, TagSession: true, SetSourceIdentity: true}}}},
		{"B3.1/action_prefix_wildcard", doc(`{"Effect":"Allow","Principal":{"Federated":"` + provA + `"},"Action":"sts:AssumeRoleWith*"}`),
			TrustPolicy{Providers: []awsrole.ProviderARN{a}, Statements: []SAMLStatement{{Providers: []awsrole.ProviderARN{a}}}}},
		{"B3.1/action_question_mark", doc(`{"Effect":"Allow","Principal":{"Federated":"` + provA + `"},"Action":"sts:AssumeRoleWithSAM?"}`),
			TrustPolicy{Providers: []awsrole.ProviderARN{a}, Statements: []SAMLStatement{{Providers: []awsrole.ProviderARN{a}}}}},
		{"B3.1/action_web_identity_only", doc(`{"Effect":"Allow","Principal":{"Federated":"` + provA + `"},"Action":"sts:AssumeRoleWithWebIdentity"}`), TrustPolicy{}},
		{"B3.1/action_assumerole_only", doc(`{"Effect":"Allow","Principal":{"Federated":"` + provA + `"},"Action":"sts:AssumeRole"}`), TrustPolicy{}},
		{"B3.1/not_action_other", doc(`{"Effect":"Allow","Principal":{"Federated":"` + provA + `"},"NotAction":"sts:AssumeRole"}`),
			TrustPolicy{Providers: []awsrole.ProviderARN{a}, Statements: []SAMLStatement{{Providers: []awsrole.ProviderARN{a}, TagSession: true, SetSourceIdentity: true}}}},
		{"B3.1/not_action_covers_saml", doc(`{"Effect":"Allow","Principal":{"Federated":"` + provA + `"},"NotAction":["sts:*"]}`), TrustPolicy{}},
		{"B3.1/oidc_federated_ignored", doc(`{"Effect":"Allow","Principal":{"Federated":["arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com","cognito-identity.amazonaws.com","` + provA + `"]},"Action":"sts:AssumeRoleWithSAML"}`),
			TrustPolicy{Providers: []awsrole.ProviderARN{a}, Statements: []SAMLStatement{{Providers: []awsrole.ProviderARN{a}}}}},
		{"B3.1/service_principal_only", doc(`{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}`), TrustPolicy{}},
		{"B3.1/aws_account_principal_saml_action", doc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRoleWithSAML"}`), TrustPolicy{}},
		{"B3.1/principal_star", doc(`{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRoleWithSAML"}`), TrustPolicy{AnyPrincipal: true}},
		{"B3.1/principal_aws_star", doc(`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRoleWithSAML"}`), TrustPolicy{AnyPrincipal: true}},
		{"B3.1/principal_federated_star_plus_provider", doc(`{"Effect":"Allow","Principal":{"Federated":["*","` + provA + `"]},"Action":"sts:AssumeRoleWithSAML"}`),
			TrustPolicy{AnyPrincipal: true, Providers: []awsrole.ProviderARN{a}, Statements: []SAMLStatement{{Providers: []awsrole.ProviderARN{a}}}}},
		{"B3.1/deny_only", doc(`{"Effect":"Deny","Principal":{"Federated":"` + provA + `"},"Action":"sts:AssumeRoleWithSAML"}`), TrustPolicy{}},
		{"B3.1/deny_unconditional_removes", doc(`[` + allowA + `,{"Effect":"Deny","Principal":{"Federated":"` + provA + `"},"Action":"sts:AssumeRoleWithSAML"}]`),
			TrustPolicy{Denied: []awsrole.ProviderARN{a}, Statements: []SAMLStatement{{Providers: []awsrole.ProviderARN{a}}}}},
		{"B3.1/deny_star_removes", doc(`[` + allowA + `,{"Effect":"Deny","Principal":"*","Action":"sts:*"}]`),
			TrustPolicy{Denied: []awsrole.ProviderARN{a}, Statements: []SAMLStatement{{Providers: []awsrole.ProviderARN{a}}}}},
		{"B3.1/deny_other_provider_keeps", doc(`[` + allowA + `,{"Effect":"Deny","Principal":{"Federated":"` + provB + `"},"Action":"sts:AssumeRoleWithSAML"}]`),
			TrustPolicy{Providers: []awsrole.ProviderARN{a}, Statements: []SAMLStatement{{Providers: []awsrole.ProviderARN{a}}}}},
		{"B3.1/deny_other_action_keeps", doc(`[` + allowA + `,{"Effect":"Deny","Principal":"*","Action":"sts:TagSession"}]`),
			TrustPolicy{Providers: []awsrole.ProviderARN{a}, Statements: []SAMLStatement{{Providers: []awsrole.ProviderARN{a}}}}},
		{"B3.1/deny_conditional_keeps_and_flags", doc(`[` + allowA + `,{"Effect":"Deny","Principal":{"Federated":"` + provA + `"},"Action":"sts:AssumeRoleWithSAML","Condition":{"Bool":{"aws:SecureTransport":false}}}]`),
			TrustPolicy{Providers: []awsrole.ProviderARN{a}, ConditionalDeny: true, Statements: []SAMLStatement{{Providers: []awsrole.ProviderARN{a}}}}},
		{"B3.1/deny_notprincipal_excluding_keeps", doc(`[` + allowA + `,{"Effect":"Deny","NotPrincipal":{"Federated":"` + provA + `"},"Action":"sts:AssumeRoleWithSAML"}]`),
			TrustPolicy{Providers: []awsrole.ProviderARN{a}, Statements: []SAMLStatement{{Providers: []awsrole.ProviderARN{a}}}}},
		{"B3.1/deny_notprincipal_other_removes", doc(`[` + allowA + `,{"Effect":"Deny","NotPrincipal":{"Federated":"` + provB + `"},"Action":"sts:AssumeRoleWithSAML"}]`),
			TrustPolicy{Denied: []awsrole.ProviderARN{a}, Statements: []SAMLStatement{{Providers: []awsrole.ProviderARN{a}}}}},
		{"B3.1/audiences_string_equals", doc(`{"Effect":"Allow","Principal":{"Federated":"` + provA + `"},"Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}`),
			TrustPolicy{Providers: []awsrole.ProviderARN{a}, Statements: []SAMLStatement{{Providers: []awsrole.ProviderARN{a}, Conditional: true, Audiences: []string{"https://signin.aws.amazon.com/saml"}}}}},
		{"B3.3/audiences_lowercase_key_and_list", doc(`{"Effect":"Allow","Principal":{"Federated":"` + provA + `"},"Action":"sts:AssumeRoleWithSAML","Condition":{"StringLike":{"saml:aud":["https://signin.aws.amazon.com/saml","https://*.signin.aws.amazon.com/saml"]},"StringEquals":{"saml:sub_type":"persistent"}}}`),
			TrustPolicy{Providers: []awsrole.ProviderARN{a}, Statements: []SAMLStatement{{Providers: []awsrole.ProviderARN{a}, Conditional: true, Audiences: []string{"https://signin.aws.amazon.com/saml", "https://*.signin.aws.amazon.com/saml"}}}}},
		{"B3.1/empty_condition_not_conditional", doc(`{"Effect":"Allow","Principal":{"Federated":"` + provA + `"},"Action":"sts:AssumeRoleWithSAML","Condition":{}}`),
			TrustPolicy{Providers: []awsrole.ProviderARN{a}, Statements: []SAMLStatement{{Providers: []awsrole.ProviderARN{a}}}}},
		{"B3.1/empty_statement_list", doc(`[]`), TrustPolicy{}},
		{"B3.1/whitespace_pretty", "\n  {\r\n\t\"Statement\" : " + allowA + "\n}\n", TrustPolicy{Providers: []awsrole.ProviderARN{a},
			Statements: []SAMLStatement{{Providers: []awsrole.ProviderARN{a}}}}},
		{"B2.5/latin1_in_sid", doc(`{"Sid":"caf` + "\u00e9" + `","Effect":"Allow","Principal":{"Federated":"` + provA + `"},"Action":"sts:AssumeRoleWithSAML"}`),
			TrustPolicy{Providers: []awsrole.ProviderARN{a}, Statements: []SAMLStatement{{Sid: "caf\u00e9", Providers: []awsrole.ProviderARN{a}}}}},
		{"B2.5/json_escape_above_latin1_is_ascii_text", doc(`{"Sid":"\u0100","Effect":"Allow","Principal":{"Federated":"` + provA + `"},"Action":"sts:AssumeRoleWithSAML"}`),
			TrustPolicy{Providers: []awsrole.ProviderARN{a}, Statements: []SAMLStatement{{Sid: "\u0100", Providers: []awsrole.ProviderARN{a}}}}},
		{"B2.5/url_encoded_plus_stays_plus", "%7B%22Statement%22%3A%7B%22Sid%22%3A%22a+b%22%2C%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Federated%22%3A%22" + url.PathEscape(provA) + "%22%7D%2C%22Action%22%3A%22sts%3AAssumeRoleWithSAML%22%7D%7D",
			TrustPolicy{Providers: []awsrole.ProviderARN{a}, Statements: []SAMLStatement{{Sid: "a+b", Providers: []awsrole.ProviderARN{a}}}}},
		{"B2.5/url_encoded_as_from_GetRole", url.PathEscape(doc(allowA)), TrustPolicy{Providers: []awsrole.ProviderARN{a},
			Statements: []SAMLStatement{{Providers: []awsrole.ProviderARN{a}}}}},
		{"B2.5/url_encoded_iam_style", "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Federated%22%3A%22arn%3Aaws%3Aiam%3A%3A123456789012%3Asaml-provider%2FEntraID%22%7D%2C%22Action%22%3A%22sts%3AAssumeRoleWithSAML%22%2C%22Condition%22%3A%7B%22StringEquals%22%3A%7B%22SAML%3Aaud%22%3A%22https%3A%2F%2Fsignin.aws.amazon.com%2Fsaml%22%7D%7D%7D%5D%7D",
			TrustPolicy{Providers: []awsrole.ProviderARN{a}, Statements: []SAMLStatement{{Providers: []awsrole.ProviderARN{a}, Conditional: true, Audiences: []string{"https://signin.aws.amazon.com/saml"}}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseTrustPolicy(tc.in)
			if err != nil {
				t.Fatalf("ParseTrustPolicy: %v", err)
			}
			// ImportWarnings: importwarn_test.go pins them.
			if diff := cmp.Diff(&tc.want, got, cmpopts.IgnoreUnexported(TrustPolicy{}),
				cmpopts.IgnoreFields(TrustPolicy{}, "ImportWarnings")); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseTrustPolicyRejects(t *testing.T) {
	t.Parallel()
	allow := func(principal, action string) string {
		return doc(`{"Effect":"Allow","Principal":` + principal + `,"Action":` + action + `}`)
	}
	fedA := `{"Federated":"` + provA + `"}`
	saml := `"sts:AssumeRoleWithSAML"`
	deep := doc(`{"Effect":"Allow","Principal":` + fedA + `,"Action":` + saml + `,"Condition":{"StringEquals":{"k":` +
		strings.Repeat("[", 40) + `"x"` + strings.Repeat("]", 40) + `}}}`)
	atLimit := doc(`{"Effect":"Allow","Principal":`+fedA+`,"Action":`+saml+`}`) + ""
	padded := atLimit[:len(atLimit)-1] + strings.Repeat(" ", awslimits.MaxPolicyDocumentLength-len(atLimit)) + "}"
	tests := []struct {
		name string
		in   string
	}{
		{"B2.5/empty", ""},
		{"B2.5/too_long", padded[:len(padded)-1] + " }"},
		{"B2.5/above_latin1", doc(`{"Sid":"` + "\u0100" + `","Effect":"Allow","Principal":` + fedA + `,"Action":` + saml + `}`)},
		{"B2.5/control_char", "{\x01}"},
		{"B2.5/invalid_utf8", "{\"Statement\":\"\xff\"}"},
		{"B2.5/bad_percent_escape", "%7B%ZZ"},
		{"B3.1/not_json", "Version: 2012-10-17"},
		{"B3.1/null", "null"},
		{"B3.1/array_top", "[]"},
		{"B3.1/truncated", `{"Version":"2012-10-17","Statement":[`},
		{"B3.1/trailing_object", doc(`[]`) + `{}`},
		{"B3.1/trailing_garbage", doc(`[]`) + `x`},
		{"B3.1/duplicate_statement_key", `{"Statement":[],"Statement":` + `{"Effect":"Allow","Principal":` + fedA + `,"Action":` + saml + `}}`},
		{"B3.1/duplicate_nested_key", allow(`{"Federated":"`+provA+`","Federated":"`+provB+`"}`, saml)},
		{"B3.1/duplicate_effect", doc(`{"Effect":"Deny","Effect":"Allow","Principal":` + fedA + `,"Action":` + saml + `}`)},
		{"B3.1/too_deep", deep},
		{"B3.1/no_statement", `{"Version":"2012-10-17"}`},
		{"B3.1/bad_version", `{"Version":"2020-01-01","Statement":[]}`},
		{"B3.1/version_not_string", `{"Version":2012,"Statement":[]}`},
		{"B3.1/unknown_top_element", `{"Statement":[],"Extra":1}`},
		{"B3.1/lowercase_statement", `{"statement":[]}`},
		{"B3.1/statement_string", doc(`"x"`)},
		{"B3.1/statement_list_of_strings", doc(`["x"]`)},
		{"B3.1/lowercase_effect_key", doc(`{"effect":"Allow","Principal":` + fedA + `,"Action":` + saml + `}`)},
		{"B3.1/lowercase_effect_value", doc(`{"Effect":"allow","Principal":` + fedA + `,"Action":` + saml + `}`)},
		{"B3.1/effect_missing", doc(`{"Principal":` + fedA + `,"Action":` + saml + `}`)},
		{"B3.1/unknown_statement_element", doc(`{"Effect":"Allow","Principal":` + fedA + `,"Action":` + saml + `,"Foo":1}`)},
		{"B3.1/resource_in_trust_policy", doc(`{"Effect":"Allow","Principal":` + fedA + `,"Action":` + saml + `,"Resource":"*"}`)},
		{"B3.1/no_principal", doc(`{"Effect":"Allow","Action":` + saml + `}`)},
		{"B3.1/principal_and_notprincipal", doc(`{"Effect":"Deny","Principal":"*","NotPrincipal":` + fedA + `,"Action":` + saml + `}`)},
		{"B3.1/allow_notprincipal", doc(`{"Effect":"Allow","NotPrincipal":` + fedA + `,"Action":` + saml + `}`)},
		{"B3.1/principal_string_not_star", allow(`"`+provA+`"`, saml)},
		{"B3.1/principal_empty_object", allow(`{}`, saml)},
		{"B3.1/principal_unknown_type", allow(`{"Saml":"`+provA+`"}`, saml)},
		{"B3.1/principal_lowercase_type", allow(`{"federated":"`+provA+`"}`, saml)},
		{"B3.1/federated_empty_list", allow(`{"Federated":[]}`, saml)},
		{"B3.1/federated_number", allow(`{"Federated":1}`, saml)},
		{"B3.1/federated_null", allow(`{"Federated":null}`, saml)},
		{"B3.1/federated_wildcard_provider", allow(`{"Federated":"arn:aws:iam::123456789012:saml-provider/*"}`, saml)},
		{"B3.1/federated_bad_account", allow(`{"Federated":"arn:aws:iam::12345:saml-provider/X"}`, saml)},
		{"B3.1/federated_provider_space", allow(`{"Federated":" `+provA+`"}`, saml)},
		{"B3.1/federated_provider_case_type", allow(`{"Federated":"arn:aws:iam::123456789012:SAML-provider/X"}`, saml)},
		{"B3.1/no_action", doc(`{"Effect":"Allow","Principal":` + fedA + `}`)},
		{"B3.1/action_and_notaction", doc(`{"Effect":"Allow","Principal":` + fedA + `,"Action":` + saml + `,"NotAction":"sts:TagSession"}`)},
		{"B3.1/action_empty_list", allow(fedA, `[]`)},
		{"B3.1/action_empty_string", allow(fedA, `""`)},
		{"B3.1/action_object", allow(fedA, `{}`)},
		{"B3.1/condition_not_object", doc(`{"Effect":"Allow","Principal":` + fedA + `,"Action":` + saml + `,"Condition":"x"}`)},
		{"B3.1/condition_operator_not_object", doc(`{"Effect":"Allow","Principal":` + fedA + `,"Action":` + saml + `,"Condition":{"StringEquals":"x"}}`)},
		{"B3.1/condition_value_object", doc(`{"Effect":"Allow","Principal":` + fedA + `,"Action":` + saml + `,"Condition":{"StringEquals":{"SAML:aud":{}}}}`)},
		{"B3.1/condition_value_empty_list", doc(`{"Effect":"Allow","Principal":` + fedA + `,"Action":` + saml + `,"Condition":{"StringEquals":{"SAML:aud":[]}}}`)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseTrustPolicy(tc.in)
			if err == nil {
				t.Fatalf("ParseTrustPolicy accepted it: %+v", got)
			}
			if !errors.Is(err, errInvalidTrustPolicy) {
				t.Fatalf("error %v does not wrap errInvalidTrustPolicy", err)
			}
			var fe *Error
			if !errors.As(err, &fe) || (fe.Rule != "B3.1" && fe.Rule != "B2.5") {
				t.Fatalf("error %v: want *Error with rule B3.1 or B2.5", err)
			}
		})
	}

	// The padded document sits exactly at the B2.5 limit and is accepted.
	if len(padded) != awslimits.MaxPolicyDocumentLength {
		t.Fatalf("test setup: padded is %d", len(padded))
	}
	if _, err := ParseTrustPolicy(padded); err != nil {
		t.Fatalf("B2.5/at_limit: %v", err)
	}
}

// importableProvider is ParseTrustPolicy and TrustPolicy.ImportableProvider in
// one step, a parse failure wrapping ErrNotImportable too (as iamsaml reports it).
func importableProvider(role awsrole.RoleARN, document string) (awsrole.ProviderARN, error) {
	tp, err := ParseTrustPolicy(document)
	if err != nil {
		return awsrole.ProviderARN{}, newErr("C4.6", ErrNotImportable, err, "role cannot be imported by Entra: its trust policy cannot be read")
	}
	return tp.ImportableProvider(role)
}

func TestImportableProvider(t *testing.T) {
	t.Parallel()
	// C4.6 length boundary, as the Entra tutorial words it: "the combined
	// length of the ARN for the role and the ARN for the associated
	// saml-provider must be less than 240 characters" (the comma is not
	// counted). Provider name of 128 characters (40+128 = 168), role ARN of
	// 31+n.
	longProv := "arn:aws:iam::123456789012:saml-provider/" + strings.Repeat("p", 128)
	role239 := "arn:aws:iam::123456789012:role/" + strings.Repeat("r", 239-len(longProv)-31)
	role240 := role239 + "r"
	if n := len(role239) + len(longProv); n != 239 {
		t.Fatalf("setup: %d", n)
	}
	// The comma-counting reading would refuse role239: its Role value
	// "roleARN,providerARN" is 240 characters.
	if n := len(role239 + "," + longProv); n != 240 {
		t.Fatalf("setup: value %d", n)
	}
	one := func(p string) string {
		return doc(`{"Effect":"Allow","Principal":{"Federated":"` + p + `"},"Action":"sts:AssumeRoleWithSAML"}`)
	}
	tests := []struct {
		name     string
		role     string
		document string
		want     string
		wantRule string
	}{
		{"C4.6/exactly_one", roleX, one(provA), provA, ""},
		{"C4.6/exactly_one_url_encoded", roleX, url.PathEscape(one(provA)), provA, ""},
		{"C4.6/one_after_deny_removes_other", roleX, doc(`[{"Effect":"Allow","Principal":{"Federated":["` + provA + `","` + provB + `"]},"Action":"sts:AssumeRoleWithSAML"},{"Effect":"Deny","Principal":{"Federated":"` + provB + `"},"Action":"sts:AssumeRoleWithSAML"}]`), provA, ""},
		{"C4.6/arns_239_value_240_ok", role239, one(longProv), longProv, ""},
		{"C4.6/arns_240_value_241_rejected", role240, one(longProv), "", "C4.6"},
		{"C4.6/two_providers", roleX, doc(`{"Effect":"Allow","Principal":{"Federated":["` + provA + `","` + provB + `"]},"Action":"sts:AssumeRoleWithSAML"}`), "", "C4.6"},
		{"C4.6/two_statements_two_providers", roleX, doc(`[` + strings.TrimSuffix(strings.TrimPrefix(one(provA), `{"Version":"2012-10-17","Statement":`), `}`) + `,` + strings.TrimSuffix(strings.TrimPrefix(one(provB), `{"Version":"2012-10-17","Statement":`), `}`) + `]`), "", "C4.6"},
		{"C4.6/no_provider", roleX, doc(`{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}`), "", "C4.6"},
		{"C4.6/any_principal", roleX, doc(`{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRoleWithSAML"}`), "", "C4.6"},
		{"C4.6/denied_only_provider", roleX, doc(`[{"Effect":"Allow","Principal":{"Federated":"` + provA + `"},"Action":"sts:AssumeRoleWithSAML"},{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRoleWithSAML"}]`), "", "C4.6"},
		{"C4.5/china", "arn:aws-cn:iam::123456789012:role/R", one("arn:aws-cn:iam::123456789012:saml-provider/E"), "", "C4.5"},
		{"B2.7/identity_center_role", "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef", one(provA), "", "B2.7"},
		{"A3.3/other_account", roleX, one("arn:aws:iam::999999999999:saml-provider/E"), "", "A3.3"},
		{"A3.3/other_partition", roleX, one("arn:aws-us-gov:iam::123456789012:saml-provider/E"), "", "A3.3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := importableProvider(mustRole(t, tc.role), tc.document)
			if tc.wantRule == "" {
				if err != nil {
					t.Fatalf("ImportableProvider: %v", err)
				}
				if got.String() != tc.want {
					t.Fatalf("got %q, want %q", got, tc.want)
				}
				return
			}
			var fe *Error
			if !errors.Is(err, ErrNotImportable) || !errors.As(err, &fe) || fe.Rule != tc.wantRule {
				t.Fatalf("ImportableProvider = %v, %v; want ErrNotImportable with rule %s", got, err, tc.wantRule)
			}
			if got != (awsrole.ProviderARN{}) {
				t.Fatalf("returned provider %v with an error", got)
			}
		})
	}
}

func TestImportableProviderBadDocumentAndRole(t *testing.T) {
	t.Parallel()
	_, err := importableProvider(mustRole(t, roleX), `{"Statement":`)
	if !errors.Is(err, ErrNotImportable) || !errors.Is(err, errInvalidTrustPolicy) {
		t.Fatalf("C4.6: got %v, want ErrNotImportable and errInvalidTrustPolicy", err)
	}
	tp := &TrustPolicy{Providers: []awsrole.ProviderARN{mustProvider(t, provA)}}
	_, err = tp.ImportableProvider(awsrole.RoleARN{})
	if !errors.Is(err, ErrNotImportable) || !errors.Is(err, awsrole.ErrInvalid) {
		t.Fatalf("B2.2: got %v", err)
	}
}

func TestParseTrustPolicyErrorNamesStatement(t *testing.T) {
	t.Parallel()
	_, err := ParseTrustPolicy(doc(`[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRoleWithSAML"},{"Effect":"allow","Principal":"*","Action":"x"}]`))
	if err == nil || !strings.Contains(err.Error(), "trust policy: statement 1: Effect") || !strings.HasPrefix(err.Error(), "federation: ") {
		t.Fatalf("B3.1: error %v should name statement 1", err)
	}
}

package iamsaml_test

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awsrole/iamsaml"
	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/samltesthelp"
)

type policyDoc struct {
	Version   string
	Statement []struct {
		Effect   string
		Action   []string
		Resource string
	}
}

func policyActions(t *testing.T, helper string, opts iamsaml.PolicyOptions) (map[string]string, policyDoc) {
	t.Helper()
	b, err := iamsaml.Policy(opts, helper)
	if err != nil {
		t.Fatal(err)
	}
	var doc policyDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("policy is not JSON: %v\n%s", err, b)
	}
	acts := map[string]string{}
	for _, s := range doc.Statement {
		if s.Effect != "Allow" {
			t.Fatalf("statement %+v is not Allow", s)
		}
		for _, a := range s.Action {
			acts[a] = s.Resource
		}
	}
	return acts, doc
}

// TestPolicyMatchesCalls runs every helper against awstest through scenarios
// that reach each of its writes, and checks that the policy Policy writes for
// it allows exactly the IAM actions it called (plus the tagging permission
// IAM requires for tags given at creation), no more, no fewer.
func TestPolicyMatchesCalls(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	scenarios := map[string]func(t *testing.T, tn *tenant){
		"ImportableRoles": func(t *testing.T, tn *tenant) {
			if _, err := iamsaml.ImportableRoles(ctx, tn.iam, iamsaml.ImportOptions{}); err != nil {
				t.Fatal(err)
			}
		},
		"PlanProvider": func(t *testing.T, tn *tenant) {
			if _, err := iamsaml.PlanProvider(ctx, tn.iam, tn.arn, tn.idp.Metadata(), tn.opts); err != nil {
				t.Fatal(err)
			}
		},
		"Rollover": func(t *testing.T, tn *tenant) {
			// Create with tags (tag-on-create), then update.
			o := tn.opts
			o.Tags = map[string]string{"owner": "platform"}
			for range 2 {
				if _, err := iamsaml.Rollover(ctx, tn.iam, tn.arn, tn.idp.Metadata(), o); err != nil {
					t.Fatal(err)
				}
				tn.idp.AddNextCertificate()
			}
		},
		"ApplyProvider": func(t *testing.T, tn *tenant) {
			// Create with tags (tag-on-create), then update.
			o := tn.opts
			o.Tags = map[string]string{"owner": "platform"}
			for range 2 {
				plan, err := iamsaml.PlanProvider(ctx, tn.iam, tn.arn, tn.idp.Metadata(), o)
				if err != nil {
					t.Fatal(err)
				}
				if err := iamsaml.ApplyProvider(ctx, tn.iam, plan, o); err != nil {
					t.Fatal(err)
				}
				tn.idp.AddNextCertificate()
			}
		},
		"AddEncryptionKey": func(t *testing.T, tn *tenant) {
			key := samltesthelp.KeyPEM(t, 4)
			if _, err := iamsaml.AddEncryptionKey(ctx, tn.iam, tn.arn, key); err != nil {
				t.Fatal(err)
			}
		},
		"RemoveEncryptionKey": func(t *testing.T, tn *tenant) {
			out, err := tn.iam.GetSAMLProvider(ctx, &iam.GetSAMLProviderInput{SAMLProviderArn: aws.String(tn.arn.String())})
			if err != nil || len(out.PrivateKeyList) == 0 {
				t.Fatalf("no key to remove: %v", err)
			}
			if err := iamsaml.RemoveEncryptionKey(ctx, tn.iam, tn.arn, aws.ToString(out.PrivateKeyList[0].KeyId)); err != nil {
				t.Fatal(err)
			}
		},
		"EnsureRole": func(t *testing.T, tn *tenant) {
			cfg := iamsaml.RoleConfig{Name: "EntraAdmin", Path: "/entra/", Tags: map[string]string{"a": "1"},
				Trust: federation.TrustPolicyOptions{Providers: []awsrole.ProviderARN{tn.arn}}}
			if _, err := iamsaml.EnsureRole(ctx, tn.iam, cfg); err != nil {
				t.Fatal(err)
			}
			cfg.Tags["b"] = "2"
			cfg.MaxSessionDuration = 2 * time.Hour
			cfg.Trust.TagSession = true
			cfg.ReplaceTrust = true
			if _, err := iamsaml.EnsureRole(ctx, tn.iam, cfg); err != nil {
				t.Fatal(err)
			}
		},
	}
	// Prerequisites that the scenario itself does not call.
	setup := map[string]func(t *testing.T, tn *tenant){
		"ImportableRoles": func(t *testing.T, tn *tenant) {
			mustEnsure(t, tn)
			if _, err := iamsaml.EnsureRole(ctx, tn.iam, iamsaml.RoleConfig{Name: "R", Trust: federation.TrustPolicyOptions{Providers: []awsrole.ProviderARN{tn.arn}}}); err != nil {
				t.Fatal(err)
			}
		},
		"PlanProvider":     mustEnsure,
		"AddEncryptionKey": mustEnsure,
		"RemoveEncryptionKey": func(t *testing.T, tn *tenant) {
			mustEnsure(t, tn)
			key := samltesthelp.KeyPEM(t, 4)
			if _, err := iamsaml.AddEncryptionKey(ctx, tn.iam, tn.arn, key); err != nil {
				t.Fatal(err)
			}
		},
		"EnsureRole": mustEnsure,
	}
	for helper, run := range scenarios {
		t.Run(helper, func(t *testing.T) {
			tn := newTenant(t)
			if s := setup[helper]; s != nil {
				s(t, tn)
			}
			from := len(tn.srv.Calls())
			run(t, tn)
			called := map[string]bool{}
			for _, c := range tn.srv.Calls()[from:] {
				if c.Service != "iam" {
					continue
				}
				called["iam:"+c.Action] = true
				// IAM's tag-on-create needs the tagging action too.
				if c.Action == "CreateSAMLProvider" {
					called["iam:TagSAMLProvider"] = true
				}
				if c.Action == "CreateRole" {
					called["iam:TagRole"] = true
				}
			}
			allowed, _ := policyActions(t, helper, iamsaml.PolicyOptions{})
			var missing, extra []string
			for a := range called {
				if _, ok := allowed[a]; !ok {
					missing = append(missing, a)
				}
			}
			for a := range allowed {
				if !called[a] {
					extra = append(extra, a)
				}
			}
			sort.Strings(missing)
			sort.Strings(extra)
			if len(missing) > 0 || len(extra) > 0 {
				t.Errorf("policy for %s: missing %v (called but not allowed), extra %v (allowed but never called)", helper, missing, extra)
			}
		})
	}
}

func mustEnsure(t *testing.T, tn *tenant) {
	t.Helper()
	if _, err := ensureProvider(context.Background(), tn.iam, tn.arn, tn.idp.Metadata(), tn.opts); err != nil {
		t.Fatal(err)
	}
}

func TestPolicyResources(t *testing.T) {
	t.Parallel()
	acts, doc := policyActions(t, "ImportableRoles", iamsaml.PolicyOptions{AccountID: "123456789012"})
	if len(acts) != 1 || acts["iam:ListRoles"] != "*" || doc.Version != "2012-10-17" {
		t.Errorf("ListRoles-only policy = %+v", doc)
	}
	b, err := iamsaml.Policy(iamsaml.PolicyOptions{AccountID: "123456789012", ProviderName: "EntraID", RolePath: "/entra/"}, "ApplyProvider", "EnsureRole")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"arn:aws:iam::123456789012:saml-provider/EntraID"`, `"arn:aws:iam::123456789012:role/entra/*"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("policy lacks resource %s:\n%s", want, b)
		}
	}
	if _, err := iamsaml.Policy(iamsaml.PolicyOptions{}, "DeleteEverything"); !errors.Is(err, iamsaml.ErrInvalidOptions) {
		t.Errorf("unknown helper: err = %v", err)
	}
	if _, err := iamsaml.Policy(iamsaml.PolicyOptions{}); !errors.Is(err, iamsaml.ErrInvalidOptions) {
		t.Errorf("no helper: err = %v", err)
	}
}

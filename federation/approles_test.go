package federation_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/federation"
)

func mustRole(t *testing.T, s string) awsrole.Role {
	t.Helper()
	r, err := awsrole.ParseRole(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

const (
	acct1A   = "arn:aws:iam::111111111111:role/Admin,arn:aws:iam::111111111111:saml-provider/EntraID"
	acct1B   = "arn:aws:iam::111111111111:role/ReadOnly,arn:aws:iam::111111111111:saml-provider/EntraID"
	acct1C   = "arn:aws:iam::111111111111:role/Old,arn:aws:iam::111111111111:saml-provider/EntraID"
	acct1New = "arn:aws:iam::111111111111:role/ops/Deploy,arn:aws:iam::111111111111:saml-provider/EntraID"
	acct2D   = "arn:aws:iam::222222222222:role/Admin,arn:aws:iam::222222222222:saml-provider/EntraID"
)

// spDocument is a service principal as `GET /servicePrincipals/{id}?$select=appRoles`
// returns it, with a member Graph may add that AppRole does not name.
const spDocument = `{
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals(appRoles)/$entity",
  "appRoles": [
    {"allowedMemberTypes":["User"],"description":"msiam_access","displayName":"msiam_access","id":"7dfd756e-8c27-4472-b2b7-38c17fc5de5e","isEnabled":true,"origin":"Application","value":null},
    {"allowedMemberTypes":["User"],"description":"Admin","displayName":"Admin","id":"11111111-0000-4000-8000-00000000000a","isEnabled":true,"origin":"ServicePrincipal","value":"` + acct1A + `","futureMember":{"x":1}},
    {"allowedMemberTypes":["User"],"description":"RO","displayName":"RO","id":"11111111-0000-4000-8000-00000000000b","isEnabled":true,"origin":"ServicePrincipal","value":"` + acct1B + `"},
    {"allowedMemberTypes":["User"],"description":"Old","displayName":"Old","id":"11111111-0000-4000-8000-00000000000c","isEnabled":false,"origin":"ServicePrincipal","value":"` + acct1C + `"},
    {"allowedMemberTypes":["User"],"description":"D","displayName":"D","id":"22222222-0000-4000-8000-00000000000d","isEnabled":true,"origin":"ServicePrincipal","value":"` + acct2D + `"},
    {"allowedMemberTypes":["User"],"description":"hand-made","displayName":"custom","id":"33333333-0000-4000-8000-000000000001","isEnabled":true,"origin":"Application","value":"custom.role"}
  ]
}`

func TestParseAppRolesShapes(t *testing.T) {
	t.Parallel()
	arr := `[{"id":"a","value":"x","isEnabled":true}]`
	for _, tc := range []struct {
		name, doc string
		want      int
	}{
		{"service principal", spDocument, 6},
		{"BOM", "\ufeff" + spDocument, 6},
		{"bare array", arr, 1},
		{"collection of one", `{"value":[{"appRoles":` + arr + `}]}`, 1},
		{"empty array", `{"appRoles":[]}`, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			roles, err := federation.ParseAppRoles([]byte(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			if len(roles) != tc.want {
				t.Fatalf("got %d appRoles, want %d", len(roles), tc.want)
			}
		})
	}
}

func TestParseAppRolesRejects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, doc, want string }{
		{"empty", "  ", "empty"},
		{"not JSON", "<html>", "not a Microsoft Graph service principal"},
		{"no appRoles", `{"id":"x"}`, "no appRoles member"},
		{"two service principals", `{"value":[{"appRoles":[]},{"appRoles":[]}]}`, "2 service principals"},
		{"collection without appRoles", `{"value":[{"id":"x"}]}`, "no appRoles member"},
		{"missing id", `[{"value":"x"}]`, "has no id"},
		{"duplicate id", `[{"id":"A1","value":"x"},{"id":"a1","value":"y"}]`, "same id"},
		{"wrong type", `[{"id":"a","isEnabled":"yes"}]`, "not valid JSON"},
		{"too large", `[` + strings.Repeat(" ", 9<<20) + `]`, "larger than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := federation.ParseAppRoles([]byte(tc.doc))
			if !errors.Is(err, federation.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalidAppRoles", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %q, want it to say %q", err, tc.want)
			}
		})
	}
}

type change struct{ Action, Value string }

func changes(p *federation.AppRolesPlan) []change {
	var out []change
	for _, c := range p.Changes {
		out = append(out, change{c.Action, c.Value})
	}
	return out
}

func values(p *federation.AppRolesPlan) map[string]bool {
	m := map[string]bool{}
	for _, r := range p.AppRoles {
		v := "<null>"
		if r.Value != nil {
			v = *r.Value
		}
		m[v] = r.IsEnabled
	}
	return m
}

// TestPlanAppRolesLifecycle runs the export three times, applying each plan as
// Graph would, and checks the two-step removal (C4.4), that other accounts and
// msiam_access are untouched, and that the third run changes nothing.
func TestPlanAppRolesLifecycle(t *testing.T) {
	t.Parallel()
	current, err := federation.ParseAppRoles([]byte(spDocument))
	if err != nil {
		t.Fatal(err)
	}
	discovered := []awsrole.Role{mustRole(t, acct1New), mustRole(t, acct1A)}

	p1, err := federation.PlanAppRoles(current, discovered, nil)
	if err != nil {
		t.Fatal(err)
	}
	want1 := []change{{"disable", acct1B}, {"remove", acct1C}, {"add", acct1New}}
	if d := cmp.Diff(want1, changes(p1)); d != "" {
		t.Errorf("first run changes (-want +got):\n%s", d)
	}
	wantV1 := map[string]bool{"<null>": true, acct1A: true, acct1B: false, acct2D: true, "custom.role": true, acct1New: true}
	if d := cmp.Diff(wantV1, values(p1)); d != "" {
		t.Errorf("first run array (-want +got):\n%s", d)
	}
	if !p1.Again {
		t.Error("Again = false after disabling a role; the removal needs a second run")
	}
	if len(p1.Warnings) != 1 || !strings.Contains(p1.Warnings[0], "not an AWS Role pair") {
		t.Errorf("warnings = %q, want one about the hand-made value", p1.Warnings)
	}

	p2, err := federation.PlanAppRoles(p1.AppRoles, discovered, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]change{{"remove", acct1B}}, changes(p2)); d != "" {
		t.Errorf("second run changes (-want +got):\n%s", d)
	}
	if p2.Again {
		t.Error("Again = true on the run that removes")
	}

	p3, err := federation.PlanAppRoles(p2.AppRoles, discovered, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(p3.Changes) != 0 {
		t.Errorf("third run changes = %v, want none", p3.Changes)
	}
	b2, _ := p2.PatchBody()
	b3, _ := p3.PatchBody()
	if string(b2) != string(b3) {
		t.Errorf("an unchanged rerun produced another body:\n%s\n---\n%s", b2, b3)
	}
}

// TestPlanAppRolesKeepsIDs checks C4.4's "keep existing ids" and the stable,
// value-derived ids of new roles.
func TestPlanAppRolesKeepsIDs(t *testing.T) {
	t.Parallel()
	current, _ := federation.ParseAppRoles([]byte(spDocument))
	p, err := federation.PlanAppRoles(current, []awsrole.Role{mustRole(t, acct1A), mustRole(t, acct1New)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, r := range p.AppRoles {
		if r.Value != nil {
			ids[*r.Value] = r.ID
		}
	}
	if ids[acct1A] != "11111111-0000-4000-8000-00000000000a" {
		t.Errorf("existing role's id changed to %q", ids[acct1A])
	}
	// Pinned: changing the derivation would churn every user's appRole ids.
	// Python's uuid.uuid5(UUID("6b1e0c52-3a9d-4e0f-9b41-27d89513c67a"), value)
	// gives the same (an independent RFC 9562 implementation).
	const wantNew = "2df82f6e-e843-5eca-a2d5-ea863faa4bfe"
	v5 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if !v5.MatchString(ids[acct1New]) {
		t.Errorf("new id %q is not a version-5 UUID", ids[acct1New])
	}
	if ids[acct1New] != wantNew {
		t.Errorf("new id = %q, want %q (ids derived from values must never change)", ids[acct1New], wantNew)
	}
	// The same value from an empty start gets the same id.
	q, _ := federation.PlanAppRoles(nil, []awsrole.Role{mustRole(t, acct1New)}, nil)
	if q.AppRoles[0].ID != ids[acct1New] {
		t.Errorf("id depends on the current array: %q vs %q", q.AppRoles[0].ID, ids[acct1New])
	}
}

func TestPlanAppRolesReenableAndAccounts(t *testing.T) {
	t.Parallel()
	current, _ := federation.ParseAppRoles([]byte(spDocument))
	// C was disabled; discovering it again enables it, keeping its id.
	p, err := federation.PlanAppRoles(current, []awsrole.Role{mustRole(t, acct1A), mustRole(t, acct1B), mustRole(t, acct1C)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]change{{"enable", acct1C}}, changes(p)); d != "" {
		t.Errorf("changes (-want +got):\n%s", d)
	}
	// Naming account 2 with no discovered role there disables its role.
	p, err = federation.PlanAppRoles(current, []awsrole.Role{mustRole(t, acct1A), mustRole(t, acct1B)},
		[]string{"111111111111", "222222222222"})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]change{{"remove", acct1C}, {"disable", acct2D}}, changes(p)); d != "" {
		t.Errorf("changes with Accounts (-want +got):\n%s", d)
	}
	// Accounts that list only account 2 leave account 1 alone, even though
	// nothing of account 1 is discovered.
	p, err = federation.PlanAppRoles(current, nil, []string{"222222222222"})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]change{{"disable", acct2D}}, changes(p)); d != "" {
		t.Errorf("changes for account 2 only (-want +got):\n%s", d)
	}
}

func TestPlanAppRolesValueLimits(t *testing.T) {
	t.Parallel()
	pair := func(n int) awsrole.Role {
		// role ARN + "," + provider ARN of exactly n characters.
		// (the path takes the length: role names stop at 64).
		prefix := "arn:aws:iam::111111111111:role/"
		prov := "/r,arn:aws:iam::111111111111:saml-provider/P"
		return mustRole(t, prefix+strings.Repeat("p", n-len(prefix)-len(prov))+prov)
	}
	if p, err := federation.PlanAppRoles(nil, []awsrole.Role{pair(120)}, nil); err != nil || len(p.Warnings) != 0 {
		t.Errorf("120 characters: err %v, warnings %q; want neither", err, p.Warnings)
	}
	if p, err := federation.PlanAppRoles(nil, []awsrole.Role{pair(121)}, nil); err != nil || len(p.Warnings) != 1 {
		t.Errorf("121 characters: err %v, warnings %q; want one warning (C4.2)", err, p.Warnings)
	}
	// C4.6 counts the two ARNs without the comma: 239 of them (a 240-character
	// value) is the longest pair Entra takes.
	if _, err := federation.PlanAppRoles(nil, []awsrole.Role{pair(240)}, nil); err != nil {
		t.Errorf("240 characters with the comma: %v", err)
	}
	_, err := federation.PlanAppRoles(nil, []awsrole.Role{pair(241)}, nil)
	var fe *federation.Error
	if !errors.As(err, &fe) || fe.Rule != "C4.6" || !errors.Is(err, federation.ErrInvalid) {
		t.Errorf("241 characters with the comma: err = %v, want ErrInvalidAppRoles rule C4.6", err)
	}
	if _, err := federation.PlanAppRoles(nil, []awsrole.Role{{}}, nil); !errors.Is(err, federation.ErrInvalid) {
		t.Errorf("zero Role: err = %v, want ErrInvalidAppRoles", err)
	}
}

// TestAppRolesPatchBody checks the body Graph receives: the complete array,
// no read-only origin (C4.1), unknown members kept.
func TestAppRolesPatchBody(t *testing.T) {
	t.Parallel()
	current, _ := federation.ParseAppRoles([]byte(spDocument))
	p, err := federation.PlanAppRoles(current, []awsrole.Role{mustRole(t, acct1A)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	body, err := p.PatchBody()
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		AppRoles []map[string]json.RawMessage `json:"appRoles"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, body)
	}
	if len(got.AppRoles) != len(p.AppRoles) {
		t.Fatalf("body has %d appRoles, plan %d", len(got.AppRoles), len(p.AppRoles))
	}
	for i, r := range got.AppRoles {
		if _, ok := r["origin"]; ok {
			t.Errorf("appRoles[%d] carries the read-only origin", i)
		}
		for _, k := range []string{"allowedMemberTypes", "description", "displayName", "id", "isEnabled", "value"} {
			if _, ok := r[k]; !ok {
				t.Errorf("appRoles[%d] lacks %q", i, k)
			}
		}
	}
	if string(got.AppRoles[0]["value"]) != "null" {
		t.Errorf("msiam_access value = %s, want null", got.AppRoles[0]["value"])
	}
	var compact bytes.Buffer
	_ = json.Compact(&compact, got.AppRoles[1]["futureMember"])
	if compact.String() != `{"x":1}` {
		t.Errorf("unknown member lost: %s", got.AppRoles[1]["futureMember"])
	}
	// Reading the body back gives the same roles.
	again, err := federation.ParseAppRoles(body)
	if err != nil {
		t.Fatal(err)
	}
	body2, _ := (&federation.AppRolesPlan{AppRoles: again}).PatchBody()
	if string(body) != string(body2) {
		t.Errorf("body does not round-trip:\n%s\n---\n%s", body, body2)
	}
	empty, _ := (&federation.AppRolesPlan{}).PatchBody()
	if !strings.Contains(string(empty), `"appRoles": []`) {
		t.Errorf("empty plan body = %s, want an empty array (never null)", empty)
	}
}

func FuzzParseAppRoles(f *testing.F) {
	f.Add([]byte(spDocument))
	f.Add([]byte(`[{"id":"a","value":null}]`))
	f.Add([]byte(`{"value":[{"appRoles":[]}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		roles, err := federation.ParseAppRoles(doc)
		if err != nil {
			if !errors.Is(err, federation.ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalidAppRoles", err)
			}
			return
		}
		p, err := federation.PlanAppRoles(roles, nil, nil)
		if err != nil {
			return
		}
		body, err := p.PatchBody()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := federation.ParseAppRoles(body); err != nil {
			t.Fatalf("a plan's own body does not parse: %v", err)
		}
	})
}

// ExamplePlanAppRoles merges the roles discovered in an AWS account into the
// appRoles saved from Microsoft Graph and prints what the PATCH changes.
func ExamplePlanAppRoles() {
	saved := []byte(`{"appRoles":[
	  {"allowedMemberTypes":["User"],"description":"msiam_access","displayName":"msiam_access","id":"7dfd756e-8c27-4472-b2b7-38c17fc5de5e","isEnabled":true,"origin":"Application","value":null},
	  {"allowedMemberTypes":["User"],"description":"Old","displayName":"Old","id":"0e4b9a1c-0000-4000-8000-000000000001","isEnabled":true,"origin":"ServicePrincipal",
	   "value":"arn:aws:iam::111111111111:role/Old,arn:aws:iam::111111111111:saml-provider/EntraID"}]}`)
	current, err := federation.ParseAppRoles(saved)
	if err != nil {
		panic(err)
	}
	admin, _ := awsrole.ParseRole("arn:aws:iam::111111111111:role/Admin,arn:aws:iam::111111111111:saml-provider/EntraID")
	plan, err := federation.PlanAppRoles(current, []awsrole.Role{admin}, nil)
	if err != nil {
		panic(err)
	}
	for _, c := range plan.Changes {
		fmt.Println(c.Action, c.Value)
	}
	fmt.Println("run again after the PATCH:", plan.Again)
	// Output:
	// disable arn:aws:iam::111111111111:role/Old,arn:aws:iam::111111111111:saml-provider/EntraID
	// add arn:aws:iam::111111111111:role/Admin,arn:aws:iam::111111111111:saml-provider/EntraID
	// run again after the PATCH: true
}

package federation

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/internal/awslimits"
)

// AppRole is one item of the appRoles array of the Entra service principal of
// the AWS application, as Microsoft Graph reads and writes it (C4.1). Members
// that Graph may add and this type does not name are kept as they were read and
// written back unchanged, so a PATCH built from a saved document never drops
// them.
type AppRole struct {
	// AllowedMemberTypes is ["User"] for the roles Entra assigns to users and
	// groups.
	AllowedMemberTypes []string
	// Description and DisplayName are what the Entra portal shows.
	Description, DisplayName string
	// ID is the appRole's GUID. It never changes once the role exists: users'
	// assignments refer to it.
	ID string
	// IsEnabled is false for a role on its way out (C4.4).
	IsEnabled bool
	// Origin is "Application" or "ServicePrincipal". It is read-only in Graph
	// and never written back (C4.1).
	Origin string
	// Value is the text of the Role claim: "roleARN,providerARN" for AWS
	// (C4.3); nil for the default msiam_access role.
	Value *string

	extra map[string]json.RawMessage // members this type does not name, as read
}

// The members AppRole names; anything else lands in AppRole.extra.
var appRoleMembers = [...]string{"allowedMemberTypes", "description", "displayName", "id", "isEnabled", "origin", "value"}

// UnmarshalJSON reads one appRole as Graph serializes it.
func (r *AppRole) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	var a AppRole
	dst := []any{&a.AllowedMemberTypes, &a.Description, &a.DisplayName, &a.ID, &a.IsEnabled, &a.Origin, &a.Value}
	for i, name := range appRoleMembers {
		raw, ok := m[name]
		if !ok {
			continue
		}
		delete(m, name)
		if string(raw) == "null" && name != "value" {
			continue
		}
		if err := json.Unmarshal(raw, dst[i]); err != nil {
			return fmt.Errorf("appRole member %q: %w", name, err)
		}
	}
	if len(m) > 0 {
		a.extra = m
	}
	*r = a
	return nil
}

// MarshalJSON writes the appRole as a Graph PATCH body carries it: every member
// but the read-only origin (C4.1), in a fixed order, then the members this type
// does not name, sorted.
func (r AppRole) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	put := func(name string, v any) error {
		enc, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(name)
		b.Write(k)
		b.WriteByte(':')
		b.Write(enc)
		return nil
	}
	types := r.AllowedMemberTypes
	if types == nil {
		types = []string{}
	}
	for _, kv := range []struct {
		k string
		v any
	}{
		{"allowedMemberTypes", types}, {"description", r.Description}, {"displayName", r.DisplayName},
		{"id", r.ID}, {"isEnabled", r.IsEnabled}, {"value", r.Value},
	} {
		if err := put(kv.k, kv.v); err != nil {
			return nil, err
		}
	}
	keys := make([]string, 0, len(r.extra))
	for k := range r.extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := put(k, r.extra[k]); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// maxAppRolesDocument bounds the Graph document ParseAppRoles reads. A service
// principal with thousands of appRoles is a few hundred kilobytes.
const maxAppRolesDocument = 8 << 20

// ParseAppRoles reads the current appRoles of the AWS service principal from a
// document the user saved from Microsoft Graph: the service principal object
// (GET /servicePrincipals/{id}, with or without $select=appRoles, or `az ad sp
// show`), a collection holding exactly one service principal ({"value": [...]},
// as a $filter query returns it), or the bare appRoles array. No Graph client
// is needed.
//
// Errors wrap ErrInvalid. The document is the user's own; errors may
// quote the ids and values it holds.
func ParseAppRoles(doc []byte) ([]AppRole, error) {
	fail := func(reason string, cause error) ([]AppRole, error) {
		return nil, newErr("C4.1", errInvalidAppRoles, cause, reason)
	}
	if len(doc) > maxAppRolesDocument {
		return fail("the document is larger than "+strconv.Itoa(maxAppRolesDocument>>20)+" MiB", nil)
	}
	doc = bytes.TrimPrefix(doc, []byte("\ufeff"))
	doc = bytes.TrimSpace(doc)
	if len(doc) == 0 {
		return fail("the document is empty; save the service principal with: az rest --url 'https://graph.microsoft.com/v1.0/servicePrincipals/{id}?$select=appRoles'", nil)
	}
	var roles []AppRole
	if doc[0] == '[' {
		if err := json.Unmarshal(doc, &roles); err != nil {
			return fail("the appRoles array is not valid JSON for Microsoft Graph appRoles", err)
		}
	} else {
		var top struct {
			AppRoles *[]AppRole       `json:"appRoles"`
			Value    *json.RawMessage `json:"value"`
		}
		if err := json.Unmarshal(doc, &top); err != nil {
			return fail("the document is not a Microsoft Graph service principal (JSON object with appRoles)", err)
		}
		switch {
		case top.AppRoles != nil:
			roles = *top.AppRoles
		case top.Value != nil:
			var sps []struct {
				AppRoles *[]AppRole `json:"appRoles"`
			}
			if err := json.Unmarshal(*top.Value, &sps); err != nil {
				return fail("the document's \"value\" is not a list of service principals", err)
			}
			if len(sps) != 1 {
				return fail("the document lists "+strconv.Itoa(len(sps))+" service principals; save the one of the AWS application", nil)
			}
			if sps[0].AppRoles == nil {
				return fail("the service principal has no appRoles member; request it with $select=appRoles", nil)
			}
			roles = *sps[0].AppRoles
		default:
			return fail("the document has no appRoles member; request the service principal with $select=appRoles", nil)
		}
	}
	ids := make(map[string]int, len(roles))
	for i, r := range roles {
		if r.ID == "" {
			return fail("appRoles["+strconv.Itoa(i)+"] has no id", nil)
		}
		key := strings.ToLower(r.ID)
		if j, dup := ids[key]; dup {
			return fail("appRoles["+strconv.Itoa(j)+"] and appRoles["+strconv.Itoa(i)+"] have the same id "+quote(r.ID, 64), nil)
		}
		ids[key] = i
	}
	return roles, nil
}

// AppRoleChange is one line of what a plan changes.
type AppRoleChange struct {
	// Action is "add" (a new role, enabled), "enable" (a disabled role that is
	// discovered again), "disable" (first step of a removal: the role stays in
	// the array with isEnabled false) or "remove" (second step: the role was
	// already disabled and is left out of the array).
	Action string
	// ID and Value identify the appRole.
	ID, Value string
}

// AppRolesPlan is what PlanAppRoles decided: the complete appRoles array to
// PATCH onto the AWS service principal, and what it changes.
type AppRolesPlan struct {
	// AppRoles is the complete array, in the order: the existing roles that
	// stay (in their order), then the new ones (sorted by value). Graph deletes
	// whatever a PATCH leaves out (C4.4).
	AppRoles []AppRole
	// Changes lists every added, enabled, disabled and removed role; roles kept
	// unchanged are not listed.
	Changes []AppRoleChange
	// Warnings are problems that do not stop the plan: values longer than
	// Graph's documented 120 characters (C4.2), values that are not AWS roles,
	// duplicate values.
	Warnings []string
	// Again reports that some roles were disabled in this plan: once the PATCH
	// is applied and no one uses them, run the same plan again to remove them
	// (C4.4).
	Again bool
}

// PatchBody returns the JSON body of the Microsoft Graph request
// PATCH https://graph.microsoft.com/v1.0/servicePrincipals/{id}:
// {"appRoles": [...]} with the complete array, origin left out (C4.1, C4.4).
func (p *AppRolesPlan) PatchBody() ([]byte, error) {
	roles := p.AppRoles
	if roles == nil {
		roles = []AppRole{}
	}
	return json.MarshalIndent(struct {
		AppRoles []AppRole `json:"appRoles"`
	}{roles}, "", "  ")
}

// appRoleNamespace is the UUID namespace of the ids PlanAppRoles derives from
// appRole values (a random UUID chosen for this project; never change it, or
// reruns would churn ids).
var appRoleNamespace = [16]byte{0x6b, 0x1e, 0x0c, 0x52, 0x3a, 0x9d, 0x4e, 0x0f, 0x9b, 0x41, 0x27, 0xd8, 0x95, 0x13, 0xc6, 0x7a}

// appRoleID derives a stable GUID from an appRole value: a name-based UUID
// (RFC 9562 version 5) in appRoleNamespace, so running the export twice, or on
// two machines, gives the same id for the same role.
func appRoleID(value string) string {
	h := sha1.New()
	h.Write(appRoleNamespace[:])
	h.Write([]byte(value))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	s := hex.EncodeToString(u[:])
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:32]
}

// graphValueByte reports whether Graph allows c in an appRole value: ASCII
// letters and digits and the punctuation Graph lists, no spaces (C4.2).
func graphValueByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte(":!#$%&'()*+,-./;<=>?@[]^_`{|}~", c) >= 0
}

// PlanAppRoles merges discovered AWS roles (from one account or many: the
// tutorial's workaround for the provisioning known issue, C4.7) into the
// current appRoles of the AWS service principal and returns the complete array
// to PATCH (C4.4):
//
//   - msiam_access (value null) and every appRole whose value is not an AWS
//     role pair are kept unchanged;
//   - a discovered role already present keeps its id, names and description,
//     and is enabled again if it was disabled;
//   - a new role gets an id derived from its value (the same on every run),
//     allowedMemberTypes ["User"], and a display name "RoleName (account)";
//   - a present role of an account in accounts that is not discovered is
//     disabled first and removed only on a later run, once it is already
//     disabled: Graph refuses to delete an enabled appRole (C4.4).
//
// accounts lists the AWS accounts whose roles discovered holds completely:
// their appRoles that are not discovered any more are disabled, then removed
// (C4.4); appRoles of other accounts are kept as they are. Nil means the
// accounts of the discovered roles, so a run over some accounts never touches
// the roles of the others; name an account when all of its roles are gone.
//
// Each value must be a valid Role pair (A3.1-A3.3) of only the characters
// Graph allows (C4.2), its two ARNs under 240 characters together (C4.6). Errors wrap
// ErrInvalid. The plan is deterministic: the same inputs give the same
// body, byte for byte.
func PlanAppRoles(current []AppRole, discovered []awsrole.Role, accounts []string) (*AppRolesPlan, error) {
	plan := &AppRolesPlan{}
	want := make(map[string]awsrole.Role, len(discovered))
	complete := make(map[string]bool)
	for _, a := range accounts {
		complete[a] = true
	}
	for i, r := range discovered {
		if err := r.Validate(); err != nil {
			return nil, newErr("A3.1", errInvalidAppRoles, err, "discovered role "+strconv.Itoa(i)+" is not a valid Role pair")
		}
		v := r.String()
		if err := checkAppRoleValue(v); err != nil {
			return nil, err
		}
		want[v] = r
		if accounts == nil {
			complete[r.RoleARN.AccountID] = true
		}
	}
	seen := make(map[string]bool, len(current))
	for _, cur := range current {
		if cur.Value == nil {
			plan.AppRoles = append(plan.AppRoles, cur)
			continue
		}
		v := *cur.Value
		if seen[v] {
			plan.Warnings = append(plan.Warnings, "appRole "+quote(cur.ID, 64)+" repeats the value "+quote(v, 260)+"; kept as it is")
			plan.AppRoles = append(plan.AppRoles, cur)
			continue
		}
		seen[v] = true
		if len(v) > 120 {
			plan.Warnings = append(plan.Warnings, "appRole value "+quote(v, 260)+" is "+strconv.Itoa(len(v))+" characters; Graph documents at most 120 for values written through it (C4.2), although the provisioning connector writes up to 239")
		}
		if _, ok := want[v]; ok {
			if !cur.IsEnabled {
				cur.IsEnabled = true
				plan.Changes = append(plan.Changes, AppRoleChange{Action: "enable", ID: cur.ID, Value: v})
			}
			plan.AppRoles = append(plan.AppRoles, cur)
			continue
		}
		role, err := awsrole.ParseRole(v)
		if err != nil {
			plan.Warnings = append(plan.Warnings, "appRole "+quote(cur.ID, 64)+" has a value that is not an AWS Role pair; kept as it is")
			plan.AppRoles = append(plan.AppRoles, cur)
			continue
		}
		if !complete[role.RoleARN.AccountID] {
			plan.AppRoles = append(plan.AppRoles, cur)
			continue
		}
		if cur.IsEnabled {
			cur.IsEnabled = false
			plan.Changes = append(plan.Changes, AppRoleChange{Action: "disable", ID: cur.ID, Value: v})
			plan.AppRoles = append(plan.AppRoles, cur)
			plan.Again = true
			continue
		}
		plan.Changes = append(plan.Changes, AppRoleChange{Action: "remove", ID: cur.ID, Value: v})
	}
	added := make([]string, 0, len(want))
	for v := range want {
		if !seen[v] {
			added = append(added, v)
		}
	}
	sort.Strings(added)
	ids := make(map[string]bool, len(current))
	for _, cur := range current {
		ids[strings.ToLower(cur.ID)] = true
	}
	for _, v := range added {
		r := want[v]
		id := appRoleID(v)
		if ids[id] {
			return nil, newErr("C4.4", errInvalidAppRoles, nil, "the id "+id+" derived for "+quote(v, 260)+" is already used by another appRole")
		}
		value := v
		plan.AppRoles = append(plan.AppRoles, AppRole{
			AllowedMemberTypes: []string{"User"},
			Description:        "AWS role " + r.RoleARN.String() + " through SAML provider " + r.ProviderARN.Name,
			DisplayName:        r.RoleARN.Name + " (" + r.RoleARN.AccountID + ")",
			ID:                 id,
			IsEnabled:          true,
			Value:              &value,
		})
		plan.Changes = append(plan.Changes, AppRoleChange{Action: "add", ID: id, Value: v})
		if len(v) > 120 {
			plan.Warnings = append(plan.Warnings, "new appRole value "+quote(v, 260)+" is "+strconv.Itoa(len(v))+" characters; Graph documents at most 120 for values written through it (C4.2)")
		}
	}
	return plan, nil
}

// checkAppRoleValue holds an AWS appRole value to Graph's character set (C4.2)
// and Entra's length limit for role pairs (C4.6: the two ARNs without the
// comma, as ImportableProvider counts them).
func checkAppRoleValue(v string) error {
	for i := 0; i < len(v); i++ {
		if !graphValueByte(v[i]) {
			return newErr("C4.2", errInvalidAppRoles, nil, "the appRole value "+quote(v, 260)+" holds a character Microsoft Graph does not allow in a value")
		}
	}
	if n := len(v) - 1; n >= awslimits.MaxImportPairLength {
		return newErr("C4.6", errInvalidAppRoles, nil, "the appRole value "+quote(v, 260)+" holds two ARNs of "+strconv.Itoa(n)+" characters together; Entra takes pairs under "+strconv.Itoa(awslimits.MaxImportPairLength))
	}
	return nil
}

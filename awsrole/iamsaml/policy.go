package iamsaml

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/samlaws/samlaws/awsrole"
)

// PolicyOptions narrows the resources of the policy Policy writes. Empty
// fields mean any ("*").
type PolicyOptions struct {
	// Partition is the partition of the ARNs; empty means "aws".
	Partition awsrole.Partition
	// AccountID is the account the helpers run in.
	AccountID string
	// ProviderName is the IAM SAML provider the provider helpers manage.
	ProviderName string
	// RolePath is the path of the roles EnsureRole manages ("/entra/"), so
	// that a tool may create roles there and nowhere else.
	RolePath string
}

// helperActions maps each helper to the IAM actions it calls, and the
// resource kind they act on. Tags given to CreateSAMLProvider and CreateRole
// need the tagging permission as well (IAM's "tag on create").
var helperActions = map[string]struct {
	actions  []string
	resource string // "provider", "role" or "*"
}{
	"ImportableRoles":     {[]string{"iam:ListRoles"}, "*"},
	"PlanProvider":        {[]string{"iam:GetSAMLProvider"}, "provider"},
	"ApplyProvider":       {[]string{"iam:GetSAMLProvider", "iam:CreateSAMLProvider", "iam:UpdateSAMLProvider", "iam:TagSAMLProvider"}, "provider"},
	"Rollover":            {[]string{"iam:GetSAMLProvider", "iam:CreateSAMLProvider", "iam:UpdateSAMLProvider", "iam:TagSAMLProvider"}, "provider"},
	"AddEncryptionKey":    {[]string{"iam:GetSAMLProvider", "iam:UpdateSAMLProvider"}, "provider"},
	"RemoveEncryptionKey": {[]string{"iam:GetSAMLProvider", "iam:UpdateSAMLProvider"}, "provider"},
	"EnsureRole":          {[]string{"iam:GetRole", "iam:CreateRole", "iam:UpdateAssumeRolePolicy", "iam:UpdateRole", "iam:TagRole"}, "role"},
}

// Policy returns a least-privilege IAM identity policy (JSON) that allows
// exactly the IAM actions the named helpers of this package call, on the
// resources opts narrows them to: for example Policy(opts, "ImportableRoles")
// is the iam:ListRoles-only policy the Entra provisioning connector's access
// keys need (C4.5). Helper names are the function names: ImportableRoles,
// PlanProvider, ApplyProvider, Rollover, AddEncryptionKey,
// RemoveEncryptionKey, EnsureRole. An unknown name is an error wrapping
// ErrInvalidOptions.
func Policy(opts PolicyOptions, helpers ...string) ([]byte, error) {
	if len(helpers) == 0 {
		return nil, newErr(ErrInvalidOptions, "", "name at least one helper", nil)
	}
	part := opts.Partition
	if part == "" {
		part = awsrole.PartitionAWS
	}
	or := func(s string) string {
		if s == "" {
			return "*"
		}
		return s
	}
	resources := map[string]string{
		"*":        "*",
		"provider": "arn:" + string(part) + ":iam::" + or(opts.AccountID) + ":saml-provider/" + or(opts.ProviderName),
		"role":     "arn:" + string(part) + ":iam::" + or(opts.AccountID) + ":role" + strings.TrimSuffix(rolePath(opts.RolePath), "/") + "/*",
	}
	byResource := map[string]map[string]bool{}
	for _, h := range helpers {
		ha, ok := helperActions[h]
		if !ok {
			return nil, newErr(ErrInvalidOptions, "", "unknown helper "+quoteName(h)+"; known: "+strings.Join(knownHelpers(), ", "), nil)
		}
		r := resources[ha.resource]
		if byResource[r] == nil {
			byResource[r] = map[string]bool{}
		}
		for _, a := range ha.actions {
			byResource[r][a] = true
		}
	}
	type statement struct {
		Sid      string
		Effect   string
		Action   []string
		Resource string
	}
	var doc struct {
		Version   string
		Statement []statement
	}
	doc.Version = "2012-10-17"
	var rs []string
	for r := range byResource {
		rs = append(rs, r)
	}
	sort.Strings(rs)
	for i, r := range rs {
		var acts []string
		for a := range byResource[r] {
			acts = append(acts, a)
		}
		sort.Strings(acts)
		doc.Statement = append(doc.Statement, statement{Sid: "SamlawsIAM" + string(rune('A'+i)), Effect: "Allow", Action: acts, Resource: r})
	}
	return json.MarshalIndent(doc, "", "  ")
}

// rolePath gives the role path with a leading slash, "" for the root path.
func rolePath(path string) string {
	if path == "" || path == "/" {
		return ""
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return path
}

func knownHelpers() []string {
	var out []string
	for h := range helperActions {
		out = append(out, h)
	}
	sort.Strings(out)
	return out
}

func quoteName(s string) string {
	if len(s) > 64 {
		s = s[:64] + "..."
	}
	return `"` + s + `"`
}

package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awsrole/iamsaml"
	"github.com/samlaws/samlaws/federation"
)

const rolesHelp = `usage: samlaws roles create --name ROLE [flags]
       samlaws roles discover [flags]

  create    make sure a role trusting the IAM SAML provider exists in each
            account: created if absent, brought in line otherwise (a trust
            policy edited by hand is only replaced with --replace-trust)
  discover  the roles Entra's provisioning connector would import (exactly
            one saml-provider in the trust policy, the two ARNs under 240
            characters, C4.5, C4.6) and, for each one left out, why

Flags (create):
  --name ROLE           role name
  --path PATH           role path, such as /entra/ (default /)
  --provider NAME       IAM SAML provider the role trusts (default EntraID)
  --audience global|regional|any  SAML:aud condition (default global)
  --max-session DUR     MaxSessionDuration, 1h to 12h (default IAM's 1h)
  --tag-session         allow sts:TagSession (session tags; see rule C4.8)
  --source-identity     allow sts:SetSourceIdentity
  --tag KEY=VALUE       role tag, repeatable
  --replace-trust       overwrite a trust policy that differs
Flags (discover):
  --path-prefix PATH    only roles under this path
Both:
  --json                one JSON object per account on stdout
` + awsFlagsHelp + `
Exit status: 0 done, 1 failed in some account, 2 usage.

Examples:
  samlaws roles create --name EntraAdmin --max-session 8h
  samlaws roles discover --accounts accounts.txt --json > roles.json
`

type tagFlags map[string]string

func (t tagFlags) String() string { return "" }

func (t tagFlags) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok || k == "" {
		return fmt.Errorf("want KEY=VALUE")
	}
	t[k] = val
	return nil
}

// discovered is one account's discovery, as roles discover --json writes it
// and approles --roles reads it.
type discovered struct {
	Account    string         `json:"account"`
	Importable []string       `json:"importable"`
	Skipped    []skippedRole  `json:"skipped,omitempty"`
	Warnings   []roleWarning  `json:"warnings,omitempty"`
	Role       *roleCreateOut `json:"role,omitempty"`
	Error      string         `json:"error,omitempty"`
}

type skippedRole struct {
	ARN    string `json:"arn"`
	Reason string `json:"reason"`
}

type roleWarning struct {
	ARN     string `json:"arn"`
	Rule    string `json:"rule"`
	Warning string `json:"warning"`
}

type roleCreateOut struct {
	ARN     string   `json:"arn"`
	Action  string   `json:"action"`
	Changes []string `json:"changes,omitempty"`
}

func runRoles(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	const name = "samlaws roles"
	sub, subCode, ok := subcommand(name, args, []string{"create", "discover"}, rolesHelp, stdout, stderr)
	if !ok {
		return subCode
	}
	fs := flag.NewFlagSet(name+" "+sub, flag.ContinueOnError)
	var af awsFlags
	af.register(fs)
	roleName := fs.String("name", "", "")
	path := fs.String("path", "/", "")
	provName := fs.String("provider", "EntraID", "")
	audience := fs.String("audience", "global", "")
	maxSession := fs.Duration("max-session", 0, "")
	tagSession := fs.Bool("tag-session", false, "")
	sourceIdentity := fs.Bool("source-identity", false, "")
	replace := fs.Bool("replace-trust", false, "")
	prefix := fs.String("path-prefix", "", "")
	asJSON := fs.Bool("json", false, "")
	tags := tagFlags{}
	fs.Var(tags, "tag", "")
	if code, ok := parseFlags(fs, rolesHelp, args[1:], stdout, stderr); !ok {
		return code
	}
	aud, err := parseAudience(*audience)
	if err != nil {
		return fail(stderr, fs.Name(), err)
	}
	if sub == "create" && *roleName == "" {
		return fail(stderr, fs.Name(), usagef("--name", "required: the role name"))
	}
	base, err := af.load(ctx)
	if err != nil {
		return fail(stderr, fs.Name(), err)
	}
	ids, config, err := af.targets(ctx, base)
	if err != nil {
		return fail(stderr, fs.Name(), err)
	}
	results := iamsaml.ForEachAccount(ctx, ids, iamsaml.AccountsOptions{Config: config, Progress: func(id string, done, total int, err error) {
		if isTerminal(stderr) && total > 1 {
			fmt.Fprintf(stderr, "[%d/%d] %s %s\n", done, total, id, map[bool]string{true: "failed", false: "ok"}[err != nil])
		}
	}}, func(ctx context.Context, id string, cfg aws.Config) (discovered, error) {
		client := iam.NewFromConfig(cfg)
		d := discovered{Account: id, Importable: []string{}}
		if sub == "create" {
			prov := awsrole.ProviderARN{Partition: partitionOf(cfg), AccountID: id, Name: *provName}
			res, err := iamsaml.EnsureRole(ctx, client, iamsaml.RoleConfig{
				Name: *roleName, Path: *path, MaxSessionDuration: *maxSession, Tags: tags, ReplaceTrust: *replace,
				Trust: federation.TrustPolicyOptions{Providers: []awsrole.ProviderARN{prov}, RegionalAudience: aud.RegionalAudience, NoAudience: aud.NoAudience, TagSession: *tagSession, SetSourceIdentity: *sourceIdentity},
			})
			if err != nil {
				return d, err
			}
			d.Role = &roleCreateOut{ARN: res.ARN.String(), Action: res.Action, Changes: res.Changes}
			return d, nil
		}
		rep, err := iamsaml.ImportableRoles(ctx, client, iamsaml.ImportOptions{PathPrefix: *prefix})
		if err != nil {
			return d, err
		}
		for _, r := range rep.Roles {
			if r.Err == nil {
				d.Importable = append(d.Importable, r.Value)
				for _, w := range r.Warnings {
					d.Warnings = append(d.Warnings, roleWarning{ARN: r.ARN, Rule: w.Rule, Warning: w.Reason})
				}
				continue
			}
			d.Skipped = append(d.Skipped, skippedRole{ARN: r.ARN, Reason: r.Err.Error()})
		}
		return d, nil
	})
	code := exitOK
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	for _, r := range results {
		d := r.Value
		d.Account = r.AccountID
		if r.Err != nil {
			d.Error = r.Err.Error()
			code = exitRejected
		}
		if *asJSON {
			_ = enc.Encode(d)
			continue
		}
		fmt.Fprintf(stdout, "%s:\n", d.Account)
		if d.Role != nil {
			fmt.Fprintf(stdout, "  %s: %s", d.Role.ARN, d.Role.Action)
			if len(d.Role.Changes) > 0 {
				fmt.Fprintf(stdout, " (%s)", strings.Join(d.Role.Changes, ", "))
			}
			fmt.Fprintln(stdout)
		}
		if sub == "discover" && d.Error == "" {
			fmt.Fprintf(stdout, "  importable (%d):\n", len(d.Importable))
			for _, v := range d.Importable {
				fmt.Fprintf(stdout, "    %s\n", v)
			}
			for _, w := range d.Warnings {
				fmt.Fprintf(stdout, "  warning %s [rule %s]: %s\n", w.ARN, w.Rule, w.Warning)
			}
			for _, s := range d.Skipped {
				fmt.Fprintf(stdout, "  not importable %s: %s\n", s.ARN, s.Reason)
			}
		}
		if d.Error != "" {
			fmt.Fprintf(stdout, "  FAILED: %s\n", d.Error)
		}
	}
	return code
}

// parseAudience reads --audience into the SAML:aud choice of
// federation.TrustPolicyOptions: regional sets RegionalAudience, any sets
// NoAudience, global (the default) neither.
func parseAudience(s string) (aud federation.TrustPolicyOptions, err error) {
	switch s {
	case "global", "":
	case "regional":
		aud.RegionalAudience = true
	case "any":
		aud.NoAudience = true
	default:
		return aud, usagef("--audience", "want global, regional or any, got %q", clip(s))
	}
	return aud, nil
}

const appRolesHelp = `usage: samlaws approles --current FILE --roles FILE [flags]

Builds the Microsoft Graph PATCH body for the appRoles of the AWS application's
service principal (C4.4) from the roles discovered in one account or many
(samlaws roles discover --json), merged into the appRoles saved from Graph:
msiam_access and existing ids are kept, new roles get ids derived from their
value (reruns do not churn), roles of the listed accounts that are gone are
disabled first and removed on the next run, roles of other accounts are left
alone. The body goes to stdout, a summary of the changes to stderr.

Example (with the Azure CLI for Graph):
  az rest --url 'https://graph.microsoft.com/v1.0/servicePrincipals/{id}?$select=appRoles' > current.json
  samlaws roles discover --accounts accounts.txt --json > roles.json
  samlaws approles --current current.json --roles roles.json > patch.json
  az rest --method PATCH --url 'https://graph.microsoft.com/v1.0/servicePrincipals/{id}' --body @patch.json

Flags:
  --current FILE   the service principal (or its appRoles) saved from Graph
  --roles FILE     output of "samlaws roles discover --json"
  --json           print {"patch": ..., "changes": ..., "warnings": ...} instead

Exit status: 0 body written, 1 an account in --roles failed discovery, 2 usage or unreadable input.
`

func runAppRoles(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("samlaws approles", flag.ContinueOnError)
	current := fs.String("current", "", "")
	rolesFile := fs.String("roles", "", "")
	asJSON := fs.Bool("json", false, "")
	if code, ok := parseFlags(fs, appRolesHelp, args, stdout, stderr); !ok {
		return code
	}
	if *current == "" || *rolesFile == "" {
		return fail(stderr, fs.Name(), usagef(map[bool]string{true: "--current", false: "--roles"}[*current == ""], "required"))
	}
	cur, err := os.ReadFile(*current)
	if err != nil {
		return fail(stderr, fs.Name(), usagef("--current", "cannot read %q: %v", fileArg(*current), pathlessError(err)))
	}
	have, err := federation.ParseAppRoles(cur)
	if err != nil {
		return fail(stderr, fs.Name(), usagef("--current", "%s: %v", fileArg(*current), err))
	}
	rb, err := os.ReadFile(*rolesFile)
	if err != nil {
		return fail(stderr, fs.Name(), usagef("--roles", "cannot read %q: %v", fileArg(*rolesFile), pathlessError(err)))
	}
	var roles []awsrole.Role
	var accounts []string
	failed := false // some account's discovery failed: the body is partial, exit 1
	dec := json.NewDecoder(strings.NewReader(string(rb)))
	for dec.More() {
		var d discovered
		if err := dec.Decode(&d); err != nil {
			return fail(stderr, fs.Name(), usagef("--roles", "%s is not the output of \"samlaws roles discover --json\": %v", fileArg(*rolesFile), err))
		}
		if d.Error != "" {
			// An account whose discovery failed is left out entirely, so
			// that none of its appRoles is disabled.
			fmt.Fprintf(stderr, "samlaws approles: account %s is left as it is: its discovery failed\n", d.Account)
			failed = true
			continue
		}
		accounts = append(accounts, d.Account)
		for _, v := range d.Importable {
			r, err := awsrole.ParseRole(v)
			if err != nil {
				return fail(stderr, fs.Name(), usagef("--roles", "account %s: %v", d.Account, err))
			}
			roles = append(roles, r)
		}
	}
	if len(accounts) == 0 {
		return fail(stderr, fs.Name(), usagef("--roles", "%s holds no successful discovery", fileArg(*rolesFile)))
	}
	sort.Strings(accounts)
	plan, err := federation.PlanAppRoles(have, roles, accounts)
	if err != nil {
		return fail(stderr, fs.Name(), err)
	}
	body, err := plan.PatchBody()
	if err != nil {
		return fail(stderr, fs.Name(), err)
	}
	if *asJSON {
		out := map[string]any{"patch": json.RawMessage(body), "changes": plan.Changes, "warnings": plan.Warnings, "run_again": plan.Again}
		b, _ := json.MarshalIndent(out, "", "  ")
		fmt.Fprintln(stdout, string(b))
	} else {
		fmt.Fprintln(stdout, string(body))
	}
	for _, c := range plan.Changes {
		fmt.Fprintf(stderr, "%-7s %s (id %s)\n", c.Action, c.Value, c.ID)
	}
	for _, w := range plan.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	if len(plan.Changes) == 0 {
		fmt.Fprintln(stderr, "no change: the appRoles already match the discovered roles")
	}
	if plan.Again {
		fmt.Fprintln(stderr, "some roles were disabled: once this PATCH is applied, run approles again to remove them (C4.4)")
	}
	if failed {
		return exitRejected
	}
	return exitOK
}

const trustPolicyHelp = `usage: samlaws trust-policy --provider ARN [flags]

Writes the trust policy of a role that Entra users assume through the IAM SAML
provider (B3.1): sts:AssumeRoleWithSAML for the provider, with a SAML:aud
condition on the AWS sign-in endpoint.

Flags:
  --provider ARN        the IAM SAML provider's ARN, repeatable
  --audience global|regional|any  SAML:aud: the global endpoint (default), any
                        regional one as well, or no condition
  --tag-session         allow sts:TagSession (needed for PrincipalTag attributes)
  --source-identity     allow sts:SetSourceIdentity
  --provider-id ID      the provider's SAMLProviderUUID, for encrypted
                        providers' provider-specific ACS (A1.4)

Warnings (such as rule C4.8 for --tag-session) go to stderr.

Examples:
  samlaws trust-policy --provider arn:aws:iam::123456789012:saml-provider/EntraID > trust.json
  aws iam create-role --role-name EntraAdmin --assume-role-policy-document file://trust.json
`

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func runTrustPolicy(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("samlaws trust-policy", flag.ContinueOnError)
	var provs stringList
	fs.Var(&provs, "provider", "")
	audience := fs.String("audience", "global", "")
	tagSession := fs.Bool("tag-session", false, "")
	sourceIdentity := fs.Bool("source-identity", false, "")
	providerID := fs.String("provider-id", "", "")
	if code, ok := parseFlags(fs, trustPolicyHelp, args, stdout, stderr); !ok {
		return code
	}
	if len(provs) == 0 {
		return fail(stderr, fs.Name(), usagef("--provider", "required: the IAM SAML provider's ARN"))
	}
	aud, err := parseAudience(*audience)
	if err != nil {
		return fail(stderr, fs.Name(), err)
	}
	opts := federation.TrustPolicyOptions{RegionalAudience: aud.RegionalAudience, NoAudience: aud.NoAudience, TagSession: *tagSession, SetSourceIdentity: *sourceIdentity, ProviderID: *providerID}
	for _, p := range provs {
		arn, err := awsrole.ParseProviderARN(p)
		if err != nil {
			return fail(stderr, fs.Name(), usagef("--provider", "%v", err))
		}
		opts.Providers = append(opts.Providers, arn)
	}
	doc, err := federation.NewTrustPolicy(opts)
	if err != nil {
		return fail(stderr, fs.Name(), usagef("", "%v", err))
	}
	fmt.Fprintln(stdout, string(doc))
	if tp, err := federation.ParseTrustPolicy(string(doc)); err == nil {
		for _, w := range tp.ImportWarnings {
			fmt.Fprintf(stderr, "warning [rule %s]: %s\n", w.Rule, w.Reason)
		}
	}
	return exitOK
}

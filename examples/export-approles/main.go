// Command export-approles merges the roles Entra may import from several AWS
// accounts into the appRoles of one AWS app's service principal: the
// documented workaround for Entra's provisioning connector, which writes each
// account's roles to its own service principal (C4.7). It reads the appRoles
// saved from Microsoft Graph and prints the PATCH body.
//
//	az rest --url 'https://graph.microsoft.com/v1.0/servicePrincipals/{id}?$select=appRoles' > current.json
//	go run ./examples/export-approles -current current.json -accounts accounts.txt > patch.json
//	az rest --method PATCH --url 'https://graph.microsoft.com/v1.0/servicePrincipals/{id}' --body @patch.json
//
// accounts.txt holds one "ACCOUNT_ID ROLE_ARN" per line: the role to assume in
// each account (it needs only iam:ListRoles, iamsaml.Policy(..., "ImportableRoles")).
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awsrole/iamsaml"
	"github.com/samlaws/samlaws/federation"
)

func main() {
	current := flag.String("current", "", "appRoles saved from Microsoft Graph")
	accounts := flag.String("accounts", "", `"ACCOUNT_ID ROLE_ARN" lines`)
	flag.Parse()
	cur, err := os.ReadFile(*current)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ids, roles, err := readAccounts(*accounts)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ctx := context.Background()
	base, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if err := run(ctx, os.Stdout, os.Stderr, cur, ids, assumeInto(base, roles)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// assumeInto returns each account's configuration: base with credentials
// from sts:AssumeRole into that account's role, refreshed before they
// expire. base must hold a role session (SSO, or a SAML sign-in): STS
// refuses an account's root keys.
func assumeInto(base aws.Config, roles map[string]string) func(context.Context, string) (aws.Config, error) {
	stsc := sts.NewFromConfig(base)
	return func(_ context.Context, id string) (aws.Config, error) {
		role, ok := roles[id]
		if !ok {
			return aws.Config{}, fmt.Errorf("no role to assume in account %s", id)
		}
		cfg := base.Copy()
		cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(stsc, role))
		return cfg, nil
	}
}

func readAccounts(name string) ([]string, map[string]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	var ids []string
	roles := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 2 {
			ids = append(ids, fields[0])
			roles[fields[0]] = fields[1]
		}
	}
	return ids, roles, sc.Err()
}

// run discovers the importable roles of every account (10 at a time) and
// prints the PATCH body to w and what changes to log. An account whose
// discovery fails is left out of the merge, so none of its appRoles is
// touched.
func run(ctx context.Context, w, log io.Writer, currentDoc []byte, accounts []string, configFor func(context.Context, string) (aws.Config, error)) error {
	current, err := federation.ParseAppRoles(currentDoc)
	if err != nil {
		return err
	}
	results := iamsaml.ForEachAccount(ctx, accounts, iamsaml.AccountsOptions{Config: configFor, Concurrency: 10},
		func(ctx context.Context, _ string, cfg aws.Config) (*iamsaml.ImportReport, error) {
			return iamsaml.ImportableRoles(ctx, iam.NewFromConfig(cfg), iamsaml.ImportOptions{})
		})
	var roles []awsrole.Role
	var done []string
	for _, r := range results {
		if r.Err != nil {
			fmt.Fprintf(log, "account %s skipped: %v\n", r.AccountID, r.Err)
			continue
		}
		done = append(done, r.AccountID)
		for _, ri := range r.Value.Roles {
			if ri.Err != nil {
				continue // not importable
			}
			role, err := awsrole.ParseRole(ri.Value)
			if err != nil {
				return err
			}
			roles = append(roles, role)
		}
	}
	plan, err := federation.PlanAppRoles(current, roles, done)
	if err != nil {
		return err
	}
	for _, c := range plan.Changes {
		fmt.Fprintf(log, "%s %s\n", c.Action, c.Value)
	}
	body, err := plan.PatchBody()
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(w, string(body))
	return err
}

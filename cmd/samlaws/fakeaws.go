package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awstest"
)

const fakeAWSHelp = `usage: samlaws fake-aws [--listen 127.0.0.1:PORT] [--account ID[=ALIAS]]... [--region REGION]

Runs an in-process IAM and STS (package awstest) on a loopback address until
interrupted. Unlike general AWS emulators, AssumeRoleWithSAML validates the
SAML assertion as AWS does: signature against the metadata uploaded with
CreateSAMLProvider, issuer, audience, recipient, lifetime, the Role attribute
pairing, the role's trust policy, MaxSessionDuration. The issued credentials
work against the server (sts get-caller-identity), and AssumeRole takes them
into a role of any of its accounts as STS does: the role's trust policy must
name the caller, the accounts' own keys are refused (root), and chained
sessions last at most an hour.

It prints the endpoint and the first account's credentials as environment
assignments, then "ready", and serves:

  AWS_ENDPOINT_URL=http://127.0.0.1:PORT
  AWS_ACCESS_KEY_ID=...
  AWS_SECRET_ACCESS_KEY=...
  AWS_DEFAULT_REGION=us-east-1
  ready

Flags:
  --listen ADDR        loopback address to listen on (default 127.0.0.1:0, a free port)
  --account ID[=ALIAS] an account (12 digits), repeatable; each gets its own keys,
                       printed as AWS_ACCESS_KEY_ID_<ID>/AWS_SECRET_ACCESS_KEY_<ID>
                       (default: one account, 123456789012)
  --region REGION      region of the STS endpoint (default us-east-1)

Exit status: 0 after an interrupt, 2 a usage error or a listener that cannot start.

Examples:
  samlaws fake-aws --listen 127.0.0.1:4566
  aws --endpoint-url http://127.0.0.1:4566 iam create-saml-provider --name EntraID \
      --saml-metadata-document file://idp.xml
  aws --endpoint-url http://127.0.0.1:4566 sts assume-role-with-saml \
      --role-arn ROLE_ARN --principal-arn PROVIDER_ARN --saml-assertion file://response.b64
`

// accountFlags collects repeated --account values.
type accountFlags []awstest.Account

func (a *accountFlags) String() string { return "" }

func (a *accountFlags) Set(v string) error {
	id, alias, _ := strings.Cut(v, "=")
	if len(id) != 12 || strings.Trim(id, "0123456789") != "" {
		return fmt.Errorf("want a 12-digit account ID (ID or ID=ALIAS), got %q", clip(id))
	}
	*a = append(*a, awstest.Account{ID: id, Alias: alias})
	return nil
}

// runFakeAWS is "samlaws fake-aws".
func runFakeAWS(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("samlaws fake-aws", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	listen := fs.String("listen", "127.0.0.1:0", "")
	region := fs.String("region", "", "")
	var accounts accountFlags
	fs.Var(&accounts, "account", "")
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, fakeAWSHelp)
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "samlaws fake-aws: %s\nRun \"samlaws fake-aws -h\" for usage.\n", flagError(err, fs))
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "samlaws fake-aws: unexpected argument %q\nRun \"samlaws fake-aws -h\" for usage.\n", clip(fs.Arg(0)))
		return exitUsage
	}
	srv, err := awstest.NewServer(awstest.Config{Accounts: accounts, Region: *region, Addr: *listen})
	if err != nil {
		// Name the flag at fault: the listen address, or the accounts
		// (an account given twice).
		at := "--account"
		var ae *awsrole.Error
		if errors.As(err, &ae) && strings.HasPrefix(ae.Reason, "listen") {
			at = "--listen"
		}
		fmt.Fprintf(stderr, "samlaws fake-aws: %s: %v\n", at, err)
		return exitUsage
	}
	defer srv.Close()
	cfg := srv.AWSConfig("")
	first, _ := srv.Account("")
	fmt.Fprintf(stdout, "AWS_ENDPOINT_URL=%s\nAWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\nAWS_DEFAULT_REGION=%s\n",
		srv.URL, first.AccessKeyID, first.SecretAccessKey, cfg.Region)
	if len(accounts) > 1 {
		for _, a := range accounts {
			acct, _ := srv.Account(a.ID)
			fmt.Fprintf(stdout, "AWS_ACCESS_KEY_ID_%s=%s\nAWS_SECRET_ACCESS_KEY_%s=%s\n", acct.ID, acct.AccessKeyID, acct.ID, acct.SecretAccessKey)
		}
	}
	fmt.Fprintln(stdout, "ready")
	if f, ok := stdout.(*os.File); ok {
		_ = f.Sync()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	return exitOK
}

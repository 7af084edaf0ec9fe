package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/samlaws/samlaws/awsrole"
)

// awsFlags are the flags every command that calls AWS takes: where to send
// requests and as whom, and the accounts to work on.
type awsFlags struct {
	endpointURL string
	region      string
	profile     string
	accounts    string
}

func (f *awsFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.endpointURL, "endpoint-url", "", "")
	fs.StringVar(&f.region, "region", "", "")
	fs.StringVar(&f.profile, "profile", "", "")
	fs.StringVar(&f.accounts, "accounts", "", "")
}

const awsFlagsHelp = `AWS flags (the SDK's default configuration chain: environment, profiles, SSO):
  --profile NAME       shared config profile
  --region REGION      region (default from the profile, else us-east-1)
  --endpoint-url URL   send IAM and STS requests there (samlaws fake-aws, moto)
  --accounts FILE      work in several accounts: one line per account,
                       "ACCOUNT_ID ROLE_ARN" (the role to assume into it);
                       blank lines and # comments are ignored
`

// account is one line of an --accounts file.
type account struct {
	id, role string
}

// load builds the base aws.Config from the flags.
func (f *awsFlags) load(ctx context.Context) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if f.profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(f.profile))
	}
	if f.region != "" {
		opts = append(opts, config.WithRegion(f.region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, usagef("--profile", "cannot load the AWS configuration: %v", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if f.endpointURL != "" {
		if !strings.HasPrefix(f.endpointURL, "http://") && !strings.HasPrefix(f.endpointURL, "https://") {
			return aws.Config{}, usagef("--endpoint-url", "want an http:// or https:// URL, got %q", clip(f.endpointURL))
		}
		cfg.BaseEndpoint = aws.String(f.endpointURL)
	}
	return cfg, nil
}

// readAccounts reads an --accounts file.
func readAccounts(name string) ([]account, error) {
	fh, err := os.Open(name)
	if err != nil {
		return nil, usagef("--accounts", "cannot read %q: %v", fileArg(name), pathlessError(err))
	}
	defer fh.Close()
	var out []account
	seen := map[string]bool{}
	sc := bufio.NewScanner(io.LimitReader(fh, 1<<20))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line == "" {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 2 || len(fields[0]) != 12 || strings.Trim(fields[0], "0123456789") != "" || !strings.HasPrefix(fields[1], "arn:") {
			return nil, usagef("--accounts", "%s line %d: want \"ACCOUNT_ID ROLE_ARN\"", fileArg(name), n)
		}
		r, err := awsrole.ParseRoleARN(fields[1])
		if err != nil {
			return nil, usagef("--accounts", "%s line %d: %q is not a role ARN", fileArg(name), n, clip(fields[1]))
		}
		if r.AccountID != fields[0] {
			// Results are labelled with the listed ID: a role in another
			// account would put one account's answer under another's name.
			return nil, usagef("--accounts", "%s line %d: the role is in account %s, not %s", fileArg(name), n, r.AccountID, fields[0])
		}
		if seen[fields[0]] {
			return nil, usagef("--accounts", "%s line %d: account %s listed twice", fileArg(name), n, fields[0])
		}
		seen[fields[0]] = true
		out = append(out, account{fields[0], fields[1]})
	}
	if err := sc.Err(); err != nil {
		return nil, usagef("--accounts", "cannot read %q: %v", fileArg(name), err)
	}
	if len(out) == 0 {
		return nil, usagef("--accounts", "%s lists no account", fileArg(name))
	}
	return out, nil
}

// targets returns the accounts to work on and a function giving each one's
// aws.Config: without --accounts, the caller's own account (learned with
// sts:GetCallerIdentity); with it, an AssumeRole into each listed role.
func (f *awsFlags) targets(ctx context.Context, base aws.Config) ([]string, func(context.Context, string) (aws.Config, error), error) {
	if f.accounts == "" {
		out, err := sts.NewFromConfig(base).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return nil, nil, fmt.Errorf("cannot tell which account the credentials belong to (sts:GetCallerIdentity): %w", err)
		}
		id := aws.ToString(out.Account)
		return []string{id}, func(context.Context, string) (aws.Config, error) { return base, nil }, nil
	}
	accts, err := readAccounts(f.accounts)
	if err != nil {
		return nil, nil, err
	}
	roles := map[string]string{}
	ids := make([]string, len(accts))
	for i, a := range accts {
		ids[i], roles[a.id] = a.id, a.role
	}
	stsc := sts.NewFromConfig(base)
	return ids, func(ctx context.Context, id string) (aws.Config, error) {
		cfg := base.Copy()
		cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(stsc, roles[id], func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = "samlaws"
		}))
		return cfg, nil
	}, nil
}

// parseFlags parses args into fs: -h prints help to stdout (exit 0), a bad
// flag prints the problem and a pointer to -h to stderr (exit 2). ok is false
// when the command should return code.
func parseFlags(fs *flag.FlagSet, help string, args []string, stdout, stderr io.Writer) (code int, ok bool) {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, help)
		return exitOK, false
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %s\nRun \"%s -h\" for usage.\n", fs.Name(), flagError(err, fs), fs.Name())
		return exitUsage, false
	}
	return 0, true
}

// fail prints err for command name and returns its exit code: 2 for a
// usage error (it names the flag or file), 1 otherwise.
func fail(stderr io.Writer, name string, err error) int {
	fmt.Fprintf(stderr, "%s: %v\n", name, err)
	var ue *usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return exitRejected
}

// isTerminal reports whether w is a terminal, for progress lines: a
// character device that answers the terminal ioctl where the platform has
// one (isTTY), so that /dev/null is not taken for a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0 && isTTY(f)
}

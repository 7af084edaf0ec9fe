package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awsrole/iamsaml"
	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/metadata"
)

const providerHelp = `usage: samlaws provider plan|apply|rollover --metadata FILE [flags]

Keeps the IAM SAML provider of each account in step with Entra's federation
metadata (BOM and all), without ever cutting off sign-in.

  plan      say what uploading FILE would change: create, update or nothing,
            and the signing certificates added, removed and kept (thumbprint,
            expiry); --out saves the plan for apply
  apply     do exactly what the plan says (--plan FILE, or plan FILE first),
            after reading the provider again: if it changed since, nothing is
            written (exit 1)
  rollover  one step of the zero-downtime certificate rollover (C3.4): publish
            the new certificate, wait for it to be made active in Entra, then
            retire the old one; run it after each change in Entra

An upload that drops the certificate Entra signs with now is refused, and so
is any upload that drops a certificate while that one is unknown: give its
thumbprint with --active-signer (Entra shows it on the active certificate),
or --force.

Flags:
  --metadata FILE       Entra federation metadata (app-specific or tenant)
  --name NAME           IAM SAML provider name (default EntraID)
  --active-signer TP    SHA-1 or SHA-256 thumbprint of the certificate Entra signs with
  --force               upload even if sign-in may break (the plan still says why)
  --dry-run             rollover: say what the step would do, write nothing
  --out FILE            plan: write the plan (JSON) for apply --plan
  --plan FILE           apply: the plan to apply
  --json                one JSON object per account on stdout
` + awsFlagsHelp + `
Exit status: 0 done (or nothing to do), 1 refused or failed in some account, 2 usage.

Examples:
  samlaws provider plan --metadata entra.xml --out plan.json
  samlaws provider apply --plan plan.json
  samlaws provider rollover --metadata entra.xml --active-signer 5A1F...C3
  samlaws provider plan --metadata entra.xml --accounts accounts.txt --json
`

// providerOut is one account's result, in text and JSON.
type providerOut struct {
	Account  string        `json:"account"`
	Provider string        `json:"provider"`
	Action   string        `json:"action,omitempty"`
	Step     string        `json:"step,omitempty"`
	Next     string        `json:"next,omitempty"`
	Applied  bool          `json:"applied"`
	Breaks   bool          `json:"breaks"`
	Reasons  []string      `json:"reasons,omitempty"`
	Added    []certSummary `json:"added,omitempty"`
	Removed  []certSummary `json:"removed,omitempty"`
	Kept     []certSummary `json:"kept,omitempty"`
	Error    string        `json:"error,omitempty"`
	Plan     *savedPlan    `json:"plan,omitempty"`
}

type certSummary struct {
	SHA1     string `json:"sha1"`
	SHA256   string `json:"sha256"`
	Subject  string `json:"subject,omitempty"`
	NotAfter string `json:"not_after,omitempty"`
}

// savedPlan is what --out writes and --plan reads: enough for ApplyProvider
// to do exactly the plan.
type savedPlan struct {
	Provider string            `json:"provider"`
	Action   string            `json:"action"`
	Current  string            `json:"current_sha256"`
	Breaks   bool              `json:"breaks"`
	Reasons  []string          `json:"reasons,omitempty"`
	Document string            `json:"document"`
	Tags     map[string]string `json:"tags,omitempty"`
}

func summarize(cs []metadata.Certificate) []certSummary {
	var out []certSummary
	for _, c := range cs {
		s := certSummary{SHA1: c.SHA1, SHA256: c.SHA256, Subject: c.Subject}
		if c.X509 != nil {
			s.NotAfter = c.X509.NotAfter.UTC().Format(time.RFC3339)
		}
		out = append(out, s)
	}
	return out
}

func runProvider(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	const name = "samlaws provider"
	sub, subCode, ok := subcommand(name, args, []string{"plan", "apply", "rollover"}, providerHelp, stdout, stderr)
	if !ok {
		return subCode
	}
	fs := flag.NewFlagSet(name+" "+sub, flag.ContinueOnError)
	var af awsFlags
	af.register(fs)
	mdFile := fs.String("metadata", "", "")
	provName := fs.String("name", "EntraID", "")
	active := fs.String("active-signer", "", "")
	force := fs.Bool("force", false, "")
	dry := fs.Bool("dry-run", false, "")
	out := fs.String("out", "", "")
	planFile := fs.String("plan", "", "")
	asJSON := fs.Bool("json", false, "")
	if code, ok := parseFlags(fs, providerHelp, args[1:], stdout, stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return fail(stderr, fs.Name(), usagef("", "unexpected argument %q", clip(fs.Arg(0))))
	}
	var doc []byte
	var saved *savedPlan
	switch {
	case sub == "apply" && *planFile != "":
		b, err := os.ReadFile(*planFile)
		if err != nil {
			return fail(stderr, fs.Name(), usagef("--plan", "cannot read %q: %v", fileArg(*planFile), pathlessError(err)))
		}
		saved = new(savedPlan)
		if err := json.Unmarshal(b, saved); err != nil || saved.Provider == "" {
			return fail(stderr, fs.Name(), usagef("--plan", "%s is not a plan written by \"samlaws provider plan --out\"", fileArg(*planFile)))
		}
		if af.accounts != "" {
			return fail(stderr, fs.Name(), usagef("--plan", "a saved plan is for one account; leave out --accounts"))
		}
	case *mdFile == "":
		return fail(stderr, fs.Name(), usagef("--metadata", "required: the Entra federation metadata file"))
	default:
		b, err := os.ReadFile(*mdFile)
		if err != nil {
			return fail(stderr, fs.Name(), usagef("--metadata", "cannot read %q: %v", fileArg(*mdFile), pathlessError(err)))
		}
		if p := metadataInputProblem(b); p != "" {
			return fail(stderr, fs.Name(), usagef("--metadata", "%q %s", fileArg(*mdFile), p))
		}
		doc = b
	}
	if err := awsrole.ValidateNewProviderName(*provName); err != nil {
		return fail(stderr, fs.Name(), usagef("--name", "%v", err))
	}
	if *out != "" && sub != "plan" {
		return fail(stderr, fs.Name(), usagef("--out", "only plan writes a plan"))
	}
	base, err := af.load(ctx)
	if err != nil {
		return fail(stderr, fs.Name(), err)
	}
	ids, config, err := af.targets(ctx, base)
	if err != nil {
		return fail(stderr, fs.Name(), err)
	}
	if *out != "" && len(ids) != 1 {
		return fail(stderr, fs.Name(), usagef("--out", "a saved plan is for one account; leave out --accounts"))
	}
	opts := iamsaml.ProviderOptions{ActiveSigner: *active, Force: *force, DryRun: *dry}
	progress := func(id string, done, total int, err error) {
		if isTerminal(stderr) && total > 1 {
			status := "ok"
			if err != nil {
				status = "failed"
			}
			fmt.Fprintf(stderr, "[%d/%d] %s %s\n", done, total, id, status)
		}
	}
	results := iamsaml.ForEachAccount(ctx, ids, iamsaml.AccountsOptions{Config: config, Progress: progress},
		func(ctx context.Context, id string, cfg aws.Config) (providerOut, error) {
			client := iam.NewFromConfig(cfg)
			arn := awsrole.ProviderARN{Partition: partitionOf(cfg), AccountID: id, Name: *provName}
			o := providerOut{Account: id, Provider: arn.String()}
			switch sub {
			case "plan":
				plan, err := iamsaml.PlanProvider(ctx, client, arn, doc, opts)
				if err != nil {
					return o, err
				}
				fillPlan(&o, plan)
				o.Plan = &savedPlan{Provider: arn.String(), Action: plan.Action, Current: plan.Current, Breaks: plan.Breaks, Reasons: plan.Reasons, Document: string(plan.Document), Tags: plan.Tags}
				return o, nil
			case "apply":
				plan := (*iamsaml.ProviderPlan)(nil)
				if saved != nil {
					p, err := awsrole.ParseProviderARN(saved.Provider)
					if err != nil || p.AccountID != id {
						return o, usagef("--plan", "the plan is for %s, not for account %s", clip(saved.Provider), id)
					}
					o.Provider = saved.Provider
					plan = &iamsaml.ProviderPlan{Provider: p, Action: saved.Action, Current: saved.Current, Breaks: saved.Breaks, Reasons: saved.Reasons, Document: []byte(saved.Document), Tags: saved.Tags}
				} else if plan, err = iamsaml.PlanProvider(ctx, client, arn, doc, opts); err != nil {
					return o, err
				} else {
					fillPlan(&o, plan)
				}
				o.Action, o.Breaks, o.Reasons = plan.Action, plan.Breaks, plan.Reasons
				if err := iamsaml.ApplyProvider(ctx, client, plan, opts); err != nil {
					return o, err
				}
				o.Applied = plan.Action != "none"
				return o, nil
			default:
				st, err := iamsaml.Rollover(ctx, client, arn, doc, opts)
				if st != nil {
					fillPlan(&o, st.Plan)
					o.Step, o.Next, o.Applied = st.Step, st.Next, st.Applied
				}
				return o, err
			}
		})
	code := exitOK
	var outs []providerOut
	for _, r := range results {
		o := r.Value
		o.Account = r.AccountID
		if r.Err != nil {
			o.Error = r.Err.Error()
			code = exitRejected
		}
		outs = append(outs, o)
	}
	if *out != "" && outs[0].Plan != nil && outs[0].Error == "" {
		b, _ := json.MarshalIndent(outs[0].Plan, "", "  ")
		if err := os.WriteFile(*out, append(b, '\n'), 0o600); err != nil {
			return fail(stderr, fs.Name(), usagef("--out", "cannot write %q: %v", fileArg(*out), pathlessError(err)))
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		for i := range outs {
			outs[i].Plan = nil
			_ = enc.Encode(outs[i])
		}
		return code
	}
	for _, o := range outs {
		printProvider(stdout, sub, o)
	}
	if *out != "" && code == exitOK {
		fmt.Fprintf(stdout, "plan written to %s; apply it with: samlaws provider apply --plan %s\n", *out, *out)
	}
	return code
}

func fillPlan(o *providerOut, plan *iamsaml.ProviderPlan) {
	if plan == nil {
		return
	}
	o.Action, o.Breaks, o.Reasons = plan.Action, plan.Breaks, plan.Reasons
	o.Added, o.Removed, o.Kept = summarize(plan.Certificates.Added), summarize(plan.Certificates.Removed), summarize(plan.Certificates.Kept)
}

func printProvider(w io.Writer, sub string, o providerOut) {
	fmt.Fprintf(w, "%s: %s\n", o.Account, o.Provider)
	if o.Step != "" {
		fmt.Fprintf(w, "  rollover step: %s\n", o.Step)
	}
	if o.Action != "" {
		verb := map[string]string{"create": "create the provider", "update": "update its metadata", "none": "nothing to change"}[o.Action]
		if o.Applied {
			fmt.Fprintf(w, "  done: %s\n", verb)
		} else {
			fmt.Fprintf(w, "  %s: %s\n", map[bool]string{true: "would", false: "plan"}[sub == "plan" || sub == "rollover"], verb)
		}
	}
	for _, c := range o.Added {
		fmt.Fprintf(w, "  + certificate %s (SHA-256 %s) expires %s\n", c.SHA1, c.SHA256, c.NotAfter)
	}
	for _, c := range o.Removed {
		fmt.Fprintf(w, "  - certificate %s (SHA-256 %s) expires %s\n", c.SHA1, c.SHA256, c.NotAfter)
	}
	for _, c := range o.Kept {
		fmt.Fprintf(w, "  = certificate %s expires %s\n", c.SHA1, c.NotAfter)
	}
	if o.Breaks {
		fmt.Fprintln(w, "  WARNING: this upload may cut off sign-in:")
		for _, r := range o.Reasons {
			fmt.Fprintf(w, "    - %s\n", r)
		}
	}
	if o.Next != "" {
		fmt.Fprintf(w, "  next: %s\n", o.Next)
	}
	if o.Error != "" {
		fmt.Fprintf(w, "  FAILED: %s\n", o.Error)
	}
}

// partitionOf is the partition of the configured region (aws-cn for cn-*,
// aws-us-gov for us-gov-*), where the account's ARNs live; "aws" when the
// region is not one federation knows.
func partitionOf(cfg aws.Config) awsrole.Partition {
	if p, err := federation.PartitionForRegion(cfg.Region); err == nil {
		return p
	}
	return awsrole.PartitionAWS
}

package main

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// Exit codes shared by every subcommand.
const (
	exitOK       = 0 // success; the checked thing is usable/accepted
	exitRejected = 1 // the input was processed and found unusable or rejected
	exitUsage    = 2 // usage error: unknown command or flag, bad flag value
)

// command is one subcommand: its name, a one-line summary and its entry point.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

// commands lists the subcommands in the order "help" shows them.
func commands() []command {
	return []command{
		{"demo", "run an offline end-to-end federation (Entra ID test tenant -> AWS) and explain each step", runDemo},
		{"mint", "mint a signed, Entra-shaped SAML response (and matching IdP metadata) for tests", runMint},
		{"check", "would AWS accept this SAML response? every problem, with its fix", runCheck},
		{"explain", "what a rule id such as A1.8 means, where it comes from, where it is enforced", runExplain},
		{"decode", "pretty-print a SAMLResponse (base64 or XML) without validating it", runDecode},
		{"metadata", "inspect, check for IAM and diff federation metadata (Entra ID, AD FS, ...)", runMetadata},
		{"trust-policy", "write the trust policy of a role that Entra users assume through the IAM SAML provider", runTrustPolicy},
		{"provider", "plan, apply and roll over the IAM SAML provider from Entra metadata, in one account or many", runProvider},
		{"roles", "create roles that trust the provider; discover the roles Entra can import, in one account or many", runRoles},
		{"approles", "the Microsoft Graph PATCH body of the AWS app's appRoles from discovered roles", runAppRoles},
		{"login", "SAMLResponse -> AWS credentials (AssumeRoleWithSAML): env, credential_process JSON or a profile", runLogin},
		{"credential-process", "the same, as the credential_process of an AWS CLI/SDK profile", runCredentialProcess},
		{"fake-aws", "run an in-process IAM and STS that checks SAML as AWS does (for the AWS CLI, boto3, SDKs)", runFakeAWS},
		{"version", "print the samlaws version", runVersion},
	}
}

// run is the testable body of main: it dispatches to a subcommand and returns the
// process exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 && args[0] == "help" {
			// "samlaws help CMD" is "samlaws CMD -h".
			if c, ok := findCommand(args[1]); ok {
				return c.run(ctx, []string{"-h"}, stdin, stdout, stderr)
			}
			return unknownCommand(args[1], stderr)
		}
		usage(stdout)
		return exitOK
	}
	if c, ok := findCommand(args[0]); ok {
		return c.run(ctx, args[1:], stdin, stdout, stderr)
	}
	return unknownCommand(args[0], stderr)
}

// findCommand returns the subcommand called name.
func findCommand(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// unknownCommand reports a command name that is not one, with the closest
// ones, and returns the usage exit status.
func unknownCommand(name string, stderr io.Writer) int {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	fmt.Fprintf(stderr, "samlaws: unknown command %q", clip(name))
	if s := suggest(name, names); len(s) > 0 {
		fmt.Fprintf(stderr, "; did you mean %s?", strings.Join(s, " or "))
	}
	fmt.Fprint(stderr, "\nRun \"samlaws help\" for the commands.\n")
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: samlaws <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-18s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, `Run "samlaws help <command>" (or "samlaws <command> -h") for a command's flags and examples.`)
}

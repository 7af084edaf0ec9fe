package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// runInProcess runs the CLI's run with empty standard input.
func runInProcess(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// TestEveryCommandSameUsageBehaviour (issue 15, "the same -h, help CMD and
// unknown-flag behaviour for every command"): for every command, -h, -help,
// --help and "help CMD" print the same help to stdout and exit 0; an unknown
// flag is a usage error (exit 2) whose stderr is the two lines every usage
// error has, "samlaws CMD...: ..." then `Run "samlaws CMD -h" for usage.`, and
// stdout stays empty. Commands with subcommands say so for a flag given
// before the subcommand, and for none.
func TestEveryCommandSameUsageBehaviour(t *testing.T) {
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			code, help, stderr := runInProcess("help", c.name)
			if code != exitOK || help == "" || stderr != "" {
				t.Fatalf("help %s: exit %d, stdout %d bytes, stderr %q", c.name, code, len(help), stderr)
			}
			for _, h := range []string{"-h", "-help", "--help"} {
				code, out, stderr := runInProcess(c.name, h)
				if code != exitOK || out != help || stderr != "" {
					t.Errorf("%s %s: exit %d, stderr %q, stdout differs from help %s: %v", c.name, h, code, stderr, c.name, out != help)
				}
			}
			code, out, stderr := runInProcess(c.name, "--no-such-flag")
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			if code != exitUsage || out != "" || len(lines) != 2 ||
				!strings.HasPrefix(lines[0], "samlaws "+c.name+": ") || !strings.Contains(lines[0], "--no-such-flag") ||
				lines[1] != `Run "samlaws `+c.name+` -h" for usage.` {
				t.Errorf("%s --no-such-flag: exit %d, stdout %q, stderr:\n%s", c.name, code, out, stderr)
			}
		})
	}
	// A command with subcommands: none named, or an unknown one, is the same
	// two-line usage error, naming the subcommands.
	for _, c := range []struct{ cmd, subs string }{
		{"metadata", "inspect, for-iam or diff"},
		{"provider", "plan, apply or rollover"},
		{"roles", "create or discover"},
	} {
		for _, args := range [][]string{{c.cmd}, {c.cmd, "zzzz"}} {
			code, out, stderr := runInProcess(args...)
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			if code != exitUsage || out != "" || len(lines) != 2 || !strings.Contains(lines[0], c.subs) ||
				lines[1] != `Run "samlaws `+c.cmd+` -h" for usage.` {
				t.Errorf("%q: exit %d, stdout %q, stderr:\n%s", args, code, out, stderr)
			}
		}
	}
	code, out, stderr := runInProcess("no-such-command")
	if code != exitUsage || out != "" || stderr != "samlaws: unknown command \"no-such-command\"\nRun \"samlaws help\" for the commands.\n" {
		t.Errorf("unknown command: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
}

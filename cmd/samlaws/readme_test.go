package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func readREADME(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}

// TestREADMEDemoExcerpt: the demo output the README shows is real: each run
// of lines between "..." markers of its excerpt is a run of consecutive
// lines of testdata/demo.golden (which TestDemoGolden compares with the
// demo's output), in the same order.
func TestREADMEDemoExcerpt(t *testing.T) {
	readme := readREADME(t)
	const marker = "<!-- demo excerpt:"
	i := strings.Index(readme, marker)
	if i < 0 {
		t.Fatal("README.md has no demo excerpt marker")
	}
	rest := readme[i:]
	start := strings.Index(rest, "```text\n")
	end := strings.Index(rest[start+8:], "```")
	if start < 0 || end < 0 {
		t.Fatal("no ```text block after the demo excerpt marker")
	}
	excerpt := rest[start+8 : start+8+end]
	golden, err := os.ReadFile(filepath.Join("testdata", "demo.golden"))
	if err != nil {
		t.Fatal(err)
	}
	g := string(golden)
	pos, chunks := 0, 0
	for _, chunk := range strings.Split(excerpt, "...\n") {
		if strings.TrimSpace(chunk) == "" {
			continue
		}
		chunks++
		j := strings.Index(g[pos:], chunk)
		if j < 0 {
			t.Fatalf("README's demo excerpt is not in testdata/demo.golden (after byte %d); copy it again from there:\n%s", pos, chunk)
		}
		if j > 0 && g[pos+j-1] != '\n' {
			t.Errorf("README excerpt chunk starts mid-line in demo.golden:\n%s", chunk)
		}
		pos += j + len(chunk)
	}
	if chunks < 3 {
		t.Fatalf("the excerpt has %d parts; the test reads it wrong", chunks)
	}
}

var flagToken = regexp.MustCompile(`^--?[a-z][a-z0-9-]*$`)

// TestREADMECommands: every samlaws command line in the README's shell
// blocks names a command (and subcommand) that exists, and every flag on it
// is one that command's help documents, so that a renamed command or flag
// cannot leave the README behind. (Running them needs AWS or captured
// responses; they were run by hand against samlaws fake-aws.)
func TestREADMECommands(t *testing.T) {
	readme := readREADME(t)
	blocks := regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(readme, -1)
	checked := 0
	for _, b := range blocks {
		for _, line := range strings.Split(b[1], "\n") {
			line = strings.TrimSpace(line)
			if k := strings.Index(line, " #"); k >= 0 {
				line = strings.TrimSpace(line[:k])
			}
			if l, ok := strings.CutPrefix(line, "go run ./cmd/samlaws "); ok {
				line = "samlaws " + l
			}
			line, ok := strings.CutPrefix(line, "samlaws ")
			if !ok {
				continue
			}
			if strings.Contains(line, ">") {
				line = strings.TrimSpace(line[:strings.Index(line, ">")])
			}
			words := strings.Fields(line)
			if len(words) == 0 {
				continue
			}
			cmd := words[0]
			if cmd == "help" && len(words) > 1 {
				cmd = words[1]
			}
			if _, ok := findCommand(cmd); !ok {
				t.Errorf("README: %q: no command %q", line, cmd)
				continue
			}
			var out, errb bytes.Buffer
			if code := run(context.Background(), []string{cmd, "-h"}, nil, &out, &errb); code != exitOK {
				t.Errorf("samlaws %s -h: exit %d", cmd, code)
				continue
			}
			help := out.String()
			for i, w := range words[1:] {
				if i == 0 && (cmd == "provider" || cmd == "roles" || cmd == "metadata") && !strings.HasPrefix(w, "-") {
					if !regexp.MustCompile(`\b` + regexp.QuoteMeta(w) + `\b`).MatchString(help) {
						t.Errorf("README: %q: samlaws %s has no subcommand %q", line, cmd, w)
					}
					continue
				}
				if !flagToken.MatchString(w) || w == "-" {
					continue
				}
				name := "--" + strings.TrimLeft(w, "-")
				if !regexp.MustCompile(`(^|[\s\[(,])-{1,2}` + regexp.QuoteMeta(strings.TrimLeft(w, "-")) + `\b`).MatchString(help) {
					t.Errorf("README: %q: samlaws %s -h does not document %s", line, cmd, name)
				}
			}
			checked++
		}
	}
	if checked < 20 {
		t.Fatalf("checked %d README command lines; the README parse is broken", checked)
	}
}

// TestEveryCommandHelpHasExamples: "samlaws help CMD", "samlaws CMD -h" and
// "samlaws CMD --help" print the same usage with examples on stdout and exit
// 0, for every command (issue 12).
func TestEveryCommandHelpHasExamples(t *testing.T) {
	for _, c := range commands() {
		var first string
		for _, args := range [][]string{{"help", c.name}, {c.name, "-h"}, {c.name, "--help"}} {
			var out, errb bytes.Buffer
			code := run(context.Background(), args, nil, &out, &errb)
			if code != exitOK || errb.Len() != 0 {
				t.Errorf("samlaws %s: exit %d, stderr %q", strings.Join(args, " "), code, errb.String())
				continue
			}
			h := out.String()
			if !strings.HasPrefix(h, "usage:") || !strings.Contains(h, "samlaws "+c.name) || !strings.Contains(h, "Example") {
				t.Errorf("samlaws %s: help without usage line or examples:\n%s", strings.Join(args, " "), h)
			}
			if first == "" {
				first = h
			} else if h != first {
				t.Errorf("samlaws %s prints another help than samlaws help %s", strings.Join(args, " "), c.name)
			}
		}
	}
}

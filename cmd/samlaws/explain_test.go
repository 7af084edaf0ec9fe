package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/samlaws/samlaws/docs"
	"github.com/samlaws/samlaws/saml/samltest"
)

// TestExplainRule: "samlaws explain A1.8" prints the rule's title, statement,
// source link, certainty and where it is enforced, from docs/rules.md.
func TestExplainRule(t *testing.T) {
	want, ok := docs.Lookup("A1.8")
	if !ok {
		t.Fatal("docs/rules.md has no A1.8")
	}
	for _, arg := range []string{"A1.8", "a1.8", "[rule A1.8]"} {
		r := runCLI(t, "", "explain", arg)
		if r.code != exitOK || r.stderr != "" {
			t.Fatalf("explain %q: exit %d, stderr %q", arg, r.code, r.stderr)
		}
		flat := strings.Join(strings.Fields(r.stdout), " ")
		for _, s := range []string{
			"A1.8 " + want.Title,
			strings.Join(strings.Fields(explainPlain(want.Statement)), " "),
			want.SourceURL,
			"certainty: " + want.Certainty,
			"enforced: saml: checker.checkSubject",
		} {
			if !strings.Contains(flat, s) {
				t.Errorf("explain %q lacks %q:\n%s", arg, s, r.stdout)
			}
		}
	}
}

// TestExplainEveryRule: every rule of docs/rules.md can be explained, each
// with its own link, and several ids print one block each.
func TestExplainEveryRule(t *testing.T) {
	rules, err := docs.Rules()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range rules {
		ids = append(ids, r.ID)
	}
	res := runCLI(t, "", append([]string{"explain"}, ids...)...)
	if res.code != exitOK {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	blocks := strings.Split(res.stdout, "\n\n"+rules[1].ID+" ")
	if len(blocks) != 2 {
		t.Errorf("output does not separate the first two rules with a blank line")
	}
	for _, r := range rules {
		if !strings.Contains(res.stdout, r.ID+" "+r.Title+"\n") || !strings.Contains(res.stdout, r.SourceURL) {
			t.Errorf("explain output lacks %s's heading or source %s", r.ID, r.SourceURL)
		}
	}
}

// TestExplainUnknown: an unknown id exits 2, prints nothing on stdout and
// names close matches on stderr.
func TestExplainUnknown(t *testing.T) {
	// Made-up ids are built from parts, so that the docs package's check that
	// every cited id is defined does not take them for citations.
	a199, d499 := "A1."+"99", "D4."+"99"
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{a199}, `no rule "` + a199 + `" in docs/rules.md; close matches: A1.9, A1.1`},
		{[]string{"A18"}, "close matches: A1.8"},
		{[]string{"Z9"}, `"samlaws explain --list" lists them`},
		{[]string{"A1.8", d499}, `no rule "` + d499 + `"`},
	} {
		r := runCLI(t, "", append([]string{"explain"}, tc.args...)...)
		if r.code != exitUsage || r.stdout != "" || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("explain %v: exit %d, stdout %q, stderr %q; want exit 2 and %q", tc.args, r.code, r.stdout, r.stderr, tc.want)
		}
	}
}

func TestExplainUsage(t *testing.T) {
	r := runCLI(t, "", "explain")
	if r.code != exitUsage || !strings.Contains(r.stderr, "missing RULE") {
		t.Errorf("no id: exit %d, stderr %q", r.code, r.stderr)
	}
	r = runCLI(t, "", "explain", "--bogus")
	if r.code != exitUsage || !strings.Contains(r.stderr, "--bogus: unknown flag") {
		t.Errorf("bad flag: exit %d, stderr %q", r.code, r.stderr)
	}
	r = runCLI(t, "", "explain", "-h")
	if r.code != exitOK || !strings.Contains(r.stdout, "usage: samlaws explain RULE") {
		t.Errorf("-h: exit %d, stdout %q", r.code, r.stdout)
	}
	r = runCLI(t, "", "help")
	if !strings.Contains(r.stdout, "explain") {
		t.Errorf("help does not list explain:\n%s", r.stdout)
	}
}

// TestExplainListAndGroup: --list lists every rule; a subsection id lists its
// rules (errors cite "A3" when several attribute rules break at once).
func TestExplainListAndGroup(t *testing.T) {
	rules, err := docs.Rules()
	if err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, "", "explain", "--list")
	if r.code != exitOK {
		t.Fatalf("--list: exit %d %s", r.code, r.stderr)
	}
	if n := len(regexp.MustCompile(`(?m)^  [A-D][0-9]+\.[0-9]+ `).FindAllString(r.stdout, -1)); n != len(rules) {
		t.Errorf("--list shows %d rules, docs/rules.md has %d", n, len(rules))
	}
	r = runCLI(t, "", "explain", "A3")
	if r.code != exitOK || !strings.HasPrefix(r.stdout, "A3. AWS attributes\n") || !strings.Contains(r.stdout, "A3.4") || strings.Contains(r.stdout, "A4.") {
		t.Errorf("explain A3: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestCheckExplainsCitedRules: a text report that cites "[rule X]" ends with
// each cited rule once, with its statement and source; an all-accepted report
// and the JSON output have no such notes.
func TestCheckExplainsCitedRules(t *testing.T) {
	f := newCheckFixture(t)
	bad := f.response(t, samltest.ResponseOptions{Tamper: []string{"wrong-recipient", "missing-session-name"}})
	r := runCLI(t, "", "check", "--metadata", f.md, "--now", checkAt, bad, bad)
	if r.code != exitRejected {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	report, notes, ok := strings.Cut(r.stdout, "\nRules cited above")
	if !ok {
		t.Fatalf("no rule notes at the end:\n%s", r.stdout)
	}
	cited := regexp.MustCompile(`\[rule ([A-D][0-9.]+)\]`).FindAllStringSubmatch(report, -1)
	if len(cited) < 2 {
		t.Fatalf("report cites %d rules:\n%s", len(cited), report)
	}
	for _, m := range cited {
		rule, ok := docs.Lookup(m[1])
		if !ok {
			t.Errorf("check cites %s, which docs/rules.md lacks", m[1])
			continue
		}
		if n := strings.Count(notes, "\n  "+rule.ID+" "+rule.Title+"\n"); n != 1 {
			t.Errorf("notes explain %s %d times, want once:\n%s", rule.ID, n, notes)
		}
		if !strings.Contains(notes, rule.SourceURL) {
			t.Errorf("notes lack %s's source %s", rule.ID, rule.SourceURL)
		}
		first, _, _ := strings.Cut(explainPlain(rule.Statement), " ")
		if !strings.Contains(notes, "    "+first) {
			t.Errorf("notes lack %s's statement", rule.ID)
		}
	}
	if !strings.Contains(report, "2 responses checked: 0 accepted, 2 rejected\n") {
		t.Errorf("summary line changed:\n%s", report)
	}

	good := f.response(t, samltest.ResponseOptions{})
	for _, args := range [][]string{
		{"check", "--metadata", f.md, "--now", checkAt, good},
		{"check", "--metadata", f.md, "--now", checkAt, "--json", bad},
	} {
		r := runCLI(t, "", args...)
		if strings.Contains(r.stdout, "Rules cited above") {
			t.Errorf("%v prints rule notes:\n%s", args, r.stdout)
		}
	}
}

// TestCitedRulesNotes: the notes list each id once, in order of first
// citation; a subsection id (errors cite "A3" for several attribute problems)
// names its range; an id missing from docs/rules.md says so.
func TestCitedRulesNotes(t *testing.T) {
	var c citedRules
	var empty strings.Builder
	c.write(&empty)
	if empty.Len() != 0 {
		t.Errorf("no citations, but notes: %q", empty.String())
	}
	missing := "Z9." + "9"
	for _, id := range []string{"D4.2", "", "A3", "D4.2", missing, "A1.8"} {
		c.add(id)
	}
	var b strings.Builder
	c.write(&b)
	out := b.String()
	iD42, iA3, iA18 := strings.Index(out, "\n  D4.2 "), strings.Index(out, "\n  A3 AWS attributes: rules A3.1 to A3.10\n"), strings.Index(out, "\n  A1.8 ")
	if iD42 < 0 || iA3 < 0 || iA18 < 0 || !(iD42 < iA3 && iA3 < iA18) {
		t.Errorf("notes out of order or incomplete:\n%s", out)
	}
	if strings.Count(out, "\n  D4.2 ") != 1 {
		t.Errorf("D4.2 explained more than once:\n%s", out)
	}
	if !strings.Contains(out, "  "+missing+": not in docs/rules.md\n") {
		t.Errorf("unknown id not reported:\n%s", out)
	}
}

// TestSuggestRules: ids one edit away come first, then the subsection's.
func TestSuggestRules(t *testing.T) {
	rules, err := docs.Rules()
	if err != nil {
		t.Fatal(err)
	}
	got := suggestRules(rules, "A18", 5)
	if len(got) == 0 || got[0] != "A1.8" {
		t.Errorf("suggestRules(A18) = %v, want A1.8 first", got)
	}
	got = suggestRules(rules, "[rule d4]", 20)
	if len(got) != 9 || got[0] != "D4.1" || got[8] != "D4.9" {
		t.Errorf("suggestRules(D4) = %v, want D4.1..D4.9", got)
	}
	if got := suggestRules(rules, "zzz", 5); len(got) != 0 {
		t.Errorf("suggestRules(zzz) = %v, want none", got)
	}
}

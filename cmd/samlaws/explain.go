package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/samlaws/samlaws/docs"
)

const explainHelp = `usage: samlaws explain RULE...
       samlaws explain --list

Prints what a rule says, where it comes from, how certain it is and where
samlaws enforces it. RULE is an id as "samlaws check", errors and comments cite
it: A1.8, "rule a1.8" and "[rule A1.8]" all work; a subsection id such as A3
lists its rules. The rules are those of
docs/rules.md in the samlaws repository, embedded in this binary:

  A  AWS sign-in and STS: what AWS accepts in an assertion
  B  IAM and STS APIs: SAML providers, ARNs, trust policies, AssumeRoleWithSAML
  C  Microsoft Entra ID: metadata, responses, certificates, appRoles
  D  SAML 2.0 and XML Signature: what a service provider must check

Flags:
  --list   list every rule id with its title

Exit status: 0 every rule found, 2 an unknown rule or a usage error.

Examples:
  samlaws explain A1.8
  samlaws explain D4.2 D4.7
  samlaws explain --list
`

// explainWidth is the column explain wraps its text at.
const explainWidth = 80

// runExplain is "samlaws explain".
func runExplain(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("samlaws explain", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	list := fs.Bool("list", false, "")
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, explainHelp)
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "samlaws explain: %s\nRun \"samlaws explain -h\" for usage.\n", flagError(err, fs))
		return exitUsage
	}
	rules, err := docs.Rules()
	if err != nil { // only if the embedded rules.md is broken, which its tests forbid
		fmt.Fprintf(stderr, "samlaws explain: %v\n", err)
		return exitUsage
	}
	ids := fs.Args()
	if *list {
		if len(ids) > 0 {
			fmt.Fprintf(stderr, "samlaws explain: --list takes no rule ids\nRun \"samlaws explain -h\" for usage.\n")
			return exitUsage
		}
		explainList(stdout, rules)
		return exitOK
	}
	if len(ids) == 0 {
		fmt.Fprintf(stderr, "samlaws explain: missing RULE: name a rule id such as A1.8, or pass --list\nRun \"samlaws explain -h\" for usage.\n")
		return exitUsage
	}
	var out []func()
	unknown := false
	for _, id := range ids {
		if r, ok := docs.Lookup(id); ok {
			out = append(out, func() { explainRule(stdout, r) })
			continue
		}
		if group := explainGroup(rules, id); len(group) > 0 {
			out = append(out, func() { explainList(stdout, group) })
			continue
		}
		unknown = true
		fmt.Fprintf(stderr, "samlaws explain: %s\n", explainUnknown(id))
	}
	if unknown {
		return exitUsage
	}
	for i, show := range out {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		show()
	}
	return exitOK
}

// explainGroup returns the rules of a subsection id such as "A3" (errors cite
// one when several of its rules are broken at once), or nil.
func explainGroup(rules []docs.Rule, id string) []docs.Rule {
	id = normalizeRuleID(id)
	if strings.Contains(id, ".") || len(id) < 2 {
		return nil
	}
	var out []docs.Rule
	for _, r := range rules {
		if strings.HasPrefix(r.ID, id+".") {
			out = append(out, r)
		}
	}
	return out
}

// explainUnknown is the message for an id rules.md does not define, with the
// ids close to it.
func explainUnknown(id string) string {
	msg := fmt.Sprintf("no rule %q in docs/rules.md", clip(strings.TrimSpace(id)))
	all, _ := docs.Rules()
	if near := suggestRules(all, id, 8); len(near) > 0 {
		return msg + "; close matches: " + strings.Join(near, ", ")
	}
	return msg + `; rule ids look like A1.8 (groups A to D); "samlaws explain --list" lists them`
}

// normalizeRuleID turns what a user may type for a rule or subsection id
// ("a1.8", " A1.8 ", "rule A3", "[rule A1.8]") into the form rules.md uses
// ("A1.8", "A3"), as docs.Lookup reads rule ids.
func normalizeRuleID(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	if len(s) > 5 && strings.EqualFold(s[:5], "rule ") {
		s = s[5:]
	}
	return strings.ToUpper(strings.TrimSpace(s))
}

// suggestRules returns up to n ids of rules close to an unknown id: ids one
// edit away ("A18" gives A1.8), then the rules of the subsection it names
// ("A1", or an unknown id under A1, gives A1.1, A1.2, ...).
func suggestRules(rules []docs.Rule, id string, n int) []string {
	id = normalizeRuleID(id)
	group, _, _ := strings.Cut(id, ".")
	var near, same []string
	for _, r := range rules {
		switch {
		case r.ID == id:
		case editDistance(r.ID, id) <= 1:
			near = append(near, r.ID)
		case group != "" && strings.HasPrefix(r.ID, group+"."):
			same = append(same, r.ID)
		}
	}
	out := append(near, same...)
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// explainRule prints one rule in full.
func explainRule(w io.Writer, r docs.Rule) {
	fmt.Fprintf(w, "%s %s\n", r.ID, r.Title)
	fmt.Fprintf(w, "  (%s)\n\n", r.Group)
	fmt.Fprintf(w, "  %s\n\n", explainWrap(explainPlain(r.Statement), 2))
	field := func(label, text string) {
		fmt.Fprintf(w, "  %-10s %s\n", label+":", explainWrap(text, 13))
	}
	field("source", r.Source)
	field("certainty", r.Certainty)
	field("enforced", explainPlain(r.Enforced))
}

// explainList prints every rule id with its title, one group per block.
func explainList(w io.Writer, rules []docs.Rule) {
	group := ""
	for _, r := range rules {
		if r.Group != group {
			if group != "" {
				fmt.Fprintln(w)
			}
			group = r.Group
			fmt.Fprintln(w, group)
		}
		fmt.Fprintf(w, "  %-6s %s\n", r.ID, r.Title)
	}
}

// explainPlain drops Markdown's code quotes for the terminal.
func explainPlain(s string) string { return strings.ReplaceAll(s, "`", "") }

// explainWrap wraps s at explainWidth, continuing lines after indent spaces.
// A word longer than the line (a URL) is kept whole.
func explainWrap(s string, indent int) string {
	var b strings.Builder
	col := indent
	for i, word := range strings.Fields(s) {
		if i > 0 {
			if col+1+len(word) > explainWidth {
				b.WriteString("\n" + strings.Repeat(" ", indent))
				col = indent
			} else {
				b.WriteByte(' ')
				col++
			}
		}
		b.WriteString(word)
		col += len(word)
	}
	return b.String()
}

// citedRules collects the rule ids a report cites, in order of first
// citation, for the notes at its end.
type citedRules struct {
	ids  []string
	seen map[string]bool
}

// add records id; "" and repeats are ignored.
func (c *citedRules) add(id string) {
	if id == "" || c.seen[id] {
		return
	}
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	c.seen[id] = true
	c.ids = append(c.ids, id)
}

// write prints, once per cited rule, its title, statement and source, so that a
// reader can look up each "[rule X]" of the report. Nothing when none was cited.
func (c *citedRules) write(w io.Writer) {
	if len(c.ids) == 0 {
		return
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, `Rules cited above (docs/rules.md; "samlaws explain RULE" says more):`)
	for _, id := range c.ids {
		r, ok := docs.Lookup(id)
		if !ok {
			all, _ := docs.Rules()
			if g := explainGroup(all, id); len(g) > 0 {
				fmt.Fprintf(w, "  %s %s: rules %s to %s\n", id, strings.TrimPrefix(g[0].Group, id+". "), g[0].ID, g[len(g)-1].ID)
			} else {
				fmt.Fprintf(w, "  %s: not in docs/rules.md\n", id)
			}
			continue
		}
		fmt.Fprintf(w, "  %s %s\n", r.ID, r.Title)
		fmt.Fprintf(w, "    %s\n", explainWrap(explainPlain(r.Statement), 4))
		fmt.Fprintf(w, "    source: %s\n", explainWrap(r.Source, 12))
	}
}

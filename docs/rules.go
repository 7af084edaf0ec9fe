// Package docs holds the project's rules reference, rules.md, embedded so that
// programs can print a rule: "samlaws explain A1.8" and the rule notes at the
// end of "samlaws check" read it through [Lookup].
//
// Comments, errors, tests and CLI output across the repository cite rule ids
// such as A1.8, B2.1, C4.6 or D4.2. rules.md defines each: what the rule says,
// its source, how certain it is and where it is enforced. The package's tests
// keep the two in step: every id cited anywhere in the repository has an
// entry, and every entry is cited by Go code or says why not.
package docs

import (
	_ "embed"
	"fmt"
	"regexp"
	"strings"
)

//go:embed rules.md
var rulesMarkdown string

// Rule is one entry of rules.md.
type Rule struct {
	ID        string // "A1.8"
	Group     string // the subsection it belongs to, "A1. Endpoints, audience, recipient"
	Title     string // a short title
	Statement string // the rule in one or two sentences, our own words
	Source    string // where it comes from, links written as "title <url>"
	SourceURL string // the first link of Source
	Certainty string // documented, observed or inferred, and from what
	Enforced  string // package and function, or "not enforced: " and why
	Line      int    // line of the entry's heading in rules.md, from 1
}

var (
	ruleHeading  = regexp.MustCompile(`^#### ([A-D][0-9]+\.[0-9]+) (\S.*)$`)
	groupHeading = regexp.MustCompile(`^### ([A-D][0-9]+\. .+)$`)
	mdLink       = regexp.MustCompile(`\[([^\]]+)\]\((https?://[^)\s]+)\)`)
)

// Rules parses rules.md and returns its entries in document order. It fails on
// an entry without a statement, source link, certainty or enforcement line, on
// a repeated id, and on an id outside its subsection.
func Rules() ([]Rule, error) { return parseRules(rulesMarkdown) }

func parseRules(md string) ([]Rule, error) {
	var (
		rules   []Rule
		cur     *Rule
		group   string
		errs    []string
		seen    = map[string]int{}
		body    []string
		inFence bool
	)
	finish := func() {
		if cur == nil {
			return
		}
		cur.Statement = strings.Join(strings.Fields(strings.Join(body, " ")), " ")
		if msg := cur.problem(); msg != "" {
			errs = append(errs, fmt.Sprintf("rules.md:%d: rule %s: %s", cur.Line, cur.ID, msg))
		}
		rules = append(rules, *cur)
		cur, body = nil, nil
	}
	for i, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "```") {
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		if m := ruleHeading.FindStringSubmatch(line); m != nil {
			finish()
			cur = &Rule{ID: m[1], Title: strings.TrimSpace(m[2]), Group: group, Line: i + 1}
			if prev, ok := seen[m[1]]; ok {
				errs = append(errs, fmt.Sprintf("rules.md:%d: rule %s is defined twice (first at line %d)", i+1, m[1], prev))
			}
			seen[m[1]] = i + 1
			if g, _, _ := strings.Cut(m[1], "."); !strings.HasPrefix(group, g+". ") {
				errs = append(errs, fmt.Sprintf("rules.md:%d: rule %s is under %q, not under its own subsection %s", i+1, m[1], group, g))
			}
			continue
		}
		if strings.HasPrefix(line, "#") {
			finish()
			if m := groupHeading.FindStringSubmatch(line); m != nil {
				group = m[1]
			} else if strings.HasPrefix(line, "## ") {
				group = ""
			}
			continue
		}
		if cur == nil {
			continue
		}
		switch {
		case strings.HasPrefix(line, "- Source:"):
			raw := strings.TrimSpace(strings.TrimPrefix(line, "- Source:"))
			if m := mdLink.FindStringSubmatch(raw); m != nil {
				cur.SourceURL = m[2]
			}
			cur.Source = mdLink.ReplaceAllString(raw, "$1 <$2>")
		case strings.HasPrefix(line, "- Certainty:"):
			cur.Certainty = strings.TrimSpace(strings.TrimPrefix(line, "- Certainty:"))
		case strings.HasPrefix(line, "- Enforced:"):
			cur.Enforced = strings.TrimSpace(strings.TrimPrefix(line, "- Enforced:"))
		case strings.HasPrefix(line, "- "):
			errs = append(errs, fmt.Sprintf("rules.md:%d: rule %s: unknown field %q (want Source, Certainty or Enforced)", i+1, cur.ID, clipField(line)))
		case cur.Source == "" && cur.Certainty == "" && cur.Enforced == "":
			body = append(body, line)
		case strings.TrimSpace(line) != "":
			errs = append(errs, fmt.Sprintf("rules.md:%d: rule %s: text after the field list", i+1, cur.ID))
		}
	}
	finish()
	if len(errs) > 0 {
		return rules, fmt.Errorf("docs: rules.md is malformed:\n%s", strings.Join(errs, "\n"))
	}
	return rules, nil
}

// problem says what a parsed entry lacks, or "".
func (r *Rule) problem() string {
	switch {
	case r.Statement == "":
		return "no statement (a paragraph after the heading)"
	case r.SourceURL == "":
		return `no source link (a "- Source: [title](https://...)" line)`
	case r.Certainty == "":
		return `no "- Certainty:" line`
	case !certaintyWord(r.Certainty):
		return `certainty must start with "documented", "observed" or "inferred"`
	case r.Enforced == "":
		return `no "- Enforced:" line`
	}
	return ""
}

func certaintyWord(s string) bool {
	for _, w := range []string{"documented", "observed", "inferred"} {
		if strings.HasPrefix(s, w) {
			return true
		}
	}
	return false
}

func clipField(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// normalizeID turns what a user may type for a rule id ("a1.8", " A1.8 ",
// "rule A1.8", "[rule A1.8]") into the form rules.md uses ("A1.8").
func normalizeID(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	if len(s) > 5 && strings.EqualFold(s[:5], "rule ") {
		s = s[5:]
	}
	return strings.ToUpper(strings.TrimSpace(s))
}

// Lookup returns the rule with the given id, written as rules.md writes it
// ("A1.8") or as a user may type it ("a1.8", " A1.8 ", "rule A1.8",
// "[rule A1.8]"). ok is false when rules.md has no such rule.
func Lookup(id string) (r Rule, ok bool) {
	rules, _ := Rules() // a malformed rules.md fails the package's tests
	id = normalizeID(id)
	for _, r := range rules {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}

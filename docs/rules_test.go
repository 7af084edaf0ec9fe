package docs

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// citedID finds a rule id in any text: an upper-case group letter A-D, the
// subsection number, a dot and the rule number ("A1.8", "D4.2"). Any digits are
// taken, so that a mistyped id ("A7.1") is caught rather than skipped.
var citedID = regexp.MustCompile(`\b[A-D][0-9]+\.[0-9]+\b`)

// testNameID finds a rule id written into a Go identifier, where a dot cannot
// appear: TestServerSPInitiatedD1_6 cites D1.6.
var testNameID = regexp.MustCompile(`([A-D][0-9]+)_([0-9]+)`)

// outsideRules are texts that point at a rules file outside the repository
// (the digest the rules were first collected in). No document may.
var outsideRules = []string{
	"aws-entra-saml.md",
	"shared/spec",
	"rule digest",
	"rule-digest",
	"spec digest",
}

// repoRoot returns the module root, the parent of this package's directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil || !strings.Contains(string(mod), "module github.com/samlaws/samlaws\n") {
		t.Fatalf("%s is not the samlaws module root (go.mod: %v)", root, err)
	}
	return root
}

// citation is one place a rule id appears.
type citation struct {
	id   string
	file string // slash path relative to the module root
	line int
	what string // "Go comment or string", "test name", "CLI output (golden)", "document"
}

func (c citation) String() string { return fmt.Sprintf("%s:%d (%s)", c.file, c.line, c.what) }

// scanRepo walks the module and returns every citation of a rule id in Go
// source (comments, strings, identifiers of tests), golden CLI output and
// Markdown documents, and every line of those files that refers to a rules
// file outside the repository. rules.md itself is skipped.
func scanRepo(t *testing.T, root string) (cites []citation, outside []citation) {
	t.Helper()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		var what string
		switch {
		case rel == "docs/rules.md":
			return nil
		case strings.HasSuffix(name, ".go") && strings.HasPrefix(rel, "docs/"):
			return nil // this package: its tests cite made-up ids on purpose
		case strings.HasSuffix(name, ".go"):
			what = "Go comment or string"
		case strings.HasSuffix(name, ".golden"):
			what = "CLI output (golden)"
		case strings.HasSuffix(name, ".md"):
			what = "document"
		default:
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(data), "\n") {
			for _, id := range citedID.FindAllString(line, -1) {
				cites = append(cites, citation{id, rel, i + 1, what})
			}
			low := strings.ToLower(line)
			for _, bad := range outsideRules {
				if strings.Contains(low, bad) {
					outside = append(outside, citation{bad, rel, i + 1, what})
				}
			}
		}
		if strings.HasSuffix(name, ".go") {
			cites = append(cites, testNameCitations(t, path, rel, data)...)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return cites, outside
}

// testNameCitations returns the rule ids in the names of a file's Test,
// Benchmark, Fuzz and Example functions (TestRolloverC3_4 cites C3.4).
func testNameCitations(t *testing.T, path, rel string, src []byte) []citation {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
	if err != nil {
		t.Errorf("%s: %v", rel, err)
		return nil
	}
	var out []citation
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv != nil {
			continue
		}
		n := fd.Name.Name
		if !strings.HasPrefix(n, "Test") && !strings.HasPrefix(n, "Benchmark") &&
			!strings.HasPrefix(n, "Fuzz") && !strings.HasPrefix(n, "Example") {
			continue
		}
		for _, m := range testNameID.FindAllStringSubmatch(n, -1) {
			out = append(out, citation{m[1] + "." + m[2], rel, fset.Position(fd.Pos()).Line, "test name " + n})
		}
	}
	return out
}

// TestRulesWellFormed: every entry of rules.md has a statement, a source link,
// a certainty and an enforcement line, and no id is defined twice.
func TestRulesWellFormed(t *testing.T) {
	rules, err := Rules()
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) < 100 {
		t.Fatalf("rules.md has %d rules; the code cites over 100", len(rules))
	}
}

// TestEveryCitedRuleIsDefined: every rule id that Go source, test names, CLI
// goldens or documents in the repository cite has an entry in rules.md.
func TestEveryCitedRuleIsDefined(t *testing.T) {
	rules, err := Rules()
	if err != nil {
		t.Fatal(err)
	}
	defined := map[string]bool{}
	for _, r := range rules {
		defined[r.ID] = true
	}
	cites, _ := scanRepo(t, repoRoot(t))
	if len(cites) == 0 {
		t.Fatal("found no rule citations in the repository; the scan is broken")
	}
	missing := map[string][]citation{}
	for _, c := range cites {
		if !defined[c.id] {
			missing[c.id] = append(missing[c.id], c)
		}
	}
	for _, id := range sortedKeys(missing) {
		where := missing[id]
		var list []string
		for _, c := range where {
			list = append(list, c.String())
		}
		t.Errorf("rule %s is cited but has no entry in docs/rules.md; add \"#### %s <title>\" under its subsection. Cited at:\n\t%s",
			id, id, strings.Join(list, "\n\t"))
	}
}

// TestEveryRuleIsEnforcedOrExplained: every rule in rules.md is cited by Go code
// outside docs/ (other than a package's doc.go), where it is enforced or
// tested, or its Enforced line starts with "not enforced" and gives a reason.
func TestEveryRuleIsEnforcedOrExplained(t *testing.T) {
	rules, err := Rules()
	if err != nil {
		t.Fatal(err)
	}
	cites, _ := scanRepo(t, repoRoot(t))
	inCode := map[string]bool{}
	for _, c := range cites {
		if strings.HasSuffix(c.file, ".go") && !strings.HasPrefix(c.file, "docs/") && !strings.HasSuffix(c.file, "/doc.go") && c.file != "doc.go" {
			inCode[c.id] = true
		}
	}
	for _, r := range rules {
		if inCode[r.ID] {
			continue
		}
		reason, explained := strings.CutPrefix(strings.ToLower(r.Enforced), "not enforced")
		if explained && len(strings.Trim(reason, ":;,. ")) >= 10 {
			continue
		}
		t.Errorf("docs/rules.md:%d: rule %s is cited by no Go code outside docs/ (so nothing enforces or tests it), and its Enforced line does not say why; cite it where it is enforced or tested, or write \"- Enforced: not enforced: <reason>\"",
			r.Line, r.ID)
	}
}

// TestNoOutsideRulesFile: no document, comment or string in the repository
// points at a rules file outside it.
func TestNoOutsideRulesFile(t *testing.T) {
	_, outside := scanRepo(t, repoRoot(t))
	for _, c := range outside {
		t.Errorf("%s:%d refers to a rules file outside the repository (%q); point at docs/rules.md instead", c.file, c.line, c.id)
	}
}

// TestScanFindsWhatItShould pins the scanner on inputs with known answers, so
// that a broken scan cannot pass the tests above by finding nothing.
func TestScanFindsWhatItShould(t *testing.T) {
	for text, want := range map[string]string{
		"(A1.8)":                           "A1.8",
		"rule A3.10 and D4.2-D4.7":         "A3.10 D4.2 D4.7",
		"[rule C4.6]":                      "C4.6",
		"sha1.Sum, v1.2, TLS1.3, E1.2, A1": "",
		"A7.1 mistyped":                    "A7.1",
	} {
		if got := strings.Join(citedID.FindAllString(text, -1), " "); got != want {
			t.Errorf("citedID in %q = %q, want %q", text, got, want)
		}
	}
	src := []byte("package p\nfunc TestRolloverC3_4(t *T) {}\nfunc helperA1_2() {}\nfunc ExampleX_D1_6() {}\n")
	var got []string
	for _, c := range testNameCitations(t, "x_test.go", "x_test.go", src) {
		got = append(got, c.id)
	}
	if strings.Join(got, " ") != "C3.4 D1.6" {
		t.Errorf("test-name ids = %v, want [C3.4 D1.6]", got)
	}
}

// TestParseRulesRejectsBadEntries: the parser reports each kind of malformed
// entry with its line and id.
func TestParseRulesRejectsBadEntries(t *testing.T) {
	good := "### A1. G\n\n#### A1.1 T\n\nSays.\n\n- Source: [S](https://example.com/s)\n- Certainty: documented (x).\n- Enforced: `p`: `F`.\n"
	if rules, err := parseRules(good); err != nil || len(rules) != 1 || rules[0].SourceURL != "https://example.com/s" || rules[0].Statement != "Says." {
		t.Fatalf("good entry: %+v, %v", rules, err)
	}
	for name, tc := range map[string]struct{ md, want string }{
		"no statement": {strings.Replace(good, "Says.", "", 1), "rule A1.1: no statement"},
		"no link":      {strings.Replace(good, "[S](https://example.com/s)", "S", 1), "rule A1.1: no source link"},
		"certainty":    {strings.Replace(good, "documented", "certain", 1), "rule A1.1: certainty must start"},
		"no enforced":  {strings.Replace(good, "- Enforced: `p`: `F`.\n", "", 1), `rule A1.1: no "- Enforced:" line`},
		"duplicate":    {good + "\n#### A1.1 Again\n\nX.\n\n- Source: [S](https://e.com)\n- Certainty: inferred.\n- Enforced: x.\n", "rule A1.1 is defined twice"},
		"wrong group":  {strings.Replace(good, "#### A1.1", "#### B1.1", 1), "rule B1.1 is under"},
		"stray field":  {strings.Replace(good, "- Enforced", "- Enforcd", 1), "unknown field"},
	} {
		_, err := parseRules(tc.md)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", name, err, tc.want)
		}
	}
}

func TestLookup(t *testing.T) {
	for _, in := range []string{"A1.8", "a1.8", " rule A1.8 ", "[rule A1.8]"} {
		r, ok := Lookup(in)
		if !ok || r.ID != "A1.8" || !strings.Contains(r.Statement, "Recipient") || !strings.HasPrefix(r.SourceURL, "https://docs.aws.amazon.com/") {
			t.Errorf("Lookup(%q) = %+v, %v", in, r, ok)
		}
	}
	if _, ok := Lookup("A1.99"); ok {
		t.Error("Lookup(A1.99) found a rule")
	}
}

func sortedKeys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// enforcedPart finds, in an Enforced line, a package ("`saml`:") or an
// identifier ("`checker.checkSubject`") in code quotes.
var enforcedPart = regexp.MustCompile("`([^`]+)`(:?)")

// goIdent is a Go identifier or a dotted selector of them.
var goIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$`)

// TestEnforcedNamesExist: the packages and identifiers an Enforced line names
// ("`federation`: `CheckAudience`, `TrustPolicy.Authorize`") exist, so that the
// reference follows code that moves or is renamed. An identifier counts as
// present when each of its dotted parts appears as a word in the package's Go
// files (tests included, so that an entry may name the test that checks it).
func TestEnforcedNamesExist(t *testing.T) {
	rules, err := Rules()
	if err != nil {
		t.Fatal(err)
	}
	root := repoRoot(t)
	words := map[string]map[string]bool{} // package dir -> words of its Go files
	pkgWords := func(dir string) map[string]bool {
		if w, ok := words[dir]; ok {
			return w
		}
		w := map[string]bool{}
		entries, err := os.ReadDir(filepath.Join(root, filepath.FromSlash(dir)))
		if err != nil {
			words[dir] = nil
			return nil
		}
		ident := regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`)
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") {
				continue
			}
			src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(dir), e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range ident.FindAllString(string(src), -1) {
				w[id] = true
			}
		}
		words[dir] = w
		return w
	}
	for _, r := range rules {
		pkg := ""
		for _, m := range enforcedPart.FindAllStringSubmatch(r.Enforced, -1) {
			name, isPkg := m[1], m[2] == ":"
			if isPkg {
				pkg = name
				if pkgWords(pkg) == nil {
					t.Errorf("docs/rules.md:%d: rule %s: Enforced names package `%s`, but there is no directory %s in the repository (moved or renamed?)", r.Line, r.ID, pkg, pkg)
				}
				continue
			}
			w := pkgWords(pkg)
			if pkg == "" || w == nil || !goIdent.MatchString(name) {
				continue
			}
			for _, part := range strings.Split(name, ".") {
				if !w[part] {
					t.Errorf("docs/rules.md:%d: rule %s: Enforced names `%s` in package %s, but %s has no identifier %s (moved or renamed? update the entry)", r.Line, r.ID, name, pkg, pkg, part)
					break
				}
			}
		}
	}
}

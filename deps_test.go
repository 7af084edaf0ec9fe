package samlaws

import (
	"os/exec"
	"strings"
	"testing"
)

// TestPureDeps pins the package layout of docs/design.md (Conventions): a
// program that imports only the attribute model, the federation rules,
// metadata, the verifier, the test IdP or the minter links no AWS SDK module (no service
// client, no smithy), so parsing a role ARN does not cost the STS and IAM
// clients. The STS provider lives in awsrole/samlcreds and the IAM calls in
// awsrole/iamsaml.
func TestPureDeps(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not on PATH")
	}
	pure := []string{"./awsrole", "./federation", "./metadata", "./saml", "./saml/samltest", "./internal/mint"}
	for _, pkg := range pure {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if strings.HasPrefix(dep, "github.com/aws/") {
				t.Errorf("%s links %s; AWS SDK code belongs in awsrole/samlcreds or awsrole/iamsaml", pkg, dep)
			}
		}
	}
	// The check itself sees the SDK where it is expected.
	out, err := exec.Command("go", "list", "-deps", "./awsrole/samlcreds").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps ./awsrole/samlcreds: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "github.com/aws/aws-sdk-go-v2/service/sts") {
		t.Error("awsrole/samlcreds does not list service/sts: the dependency check is blind")
	}
}

// TestTestSupportImports keeps the test-support packages out of every
// program and library: only _test.go files may import them (go list's
// Imports leaves test files out), so they never become API or link into a
// user's binary.
func TestTestSupportImports(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not on PATH")
	}
	support := map[string]bool{
		"github.com/samlaws/samlaws/internal/awstesthelp":   true,
		"github.com/samlaws/samlaws/internal/samltesthelp":  true,
		"github.com/samlaws/samlaws/internal/mint/minttest": true,
		"github.com/samlaws/samlaws/internal/xmltest":       true,
	}
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}{{range .Imports}} {{.}}{{end}}", "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list ./...: %v\n%s", err, out)
	}
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if support[f[0]] {
			seen++
		}
		for _, imp := range f[1:] {
			if support[imp] {
				t.Errorf("%s imports %s outside its tests", f[0], imp)
			}
		}
	}
	// The check itself sees the packages it guards.
	if seen != len(support) {
		t.Errorf("go list ./... listed %d of the %d test-support packages: the check is blind", seen, len(support))
	}
}

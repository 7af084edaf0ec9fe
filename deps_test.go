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

package main

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var demoUpdate = flag.Bool("update", false, "rewrite testdata/demo.golden from the current output")

// TestDemoGolden runs "samlaws demo" and compares its output byte for byte
// with testdata/demo.golden (go test -run TestDemoGolden -update rewrites it).
// The clock, keys and random choices are fixed, so the output must not change
// between runs.
func TestDemoGolden(t *testing.T) {
	r := runCLI(t, "", "demo")
	if r.code != exitOK {
		t.Fatalf("exit %d\nstderr: %s", r.code, r.stderr)
	}
	if r.stderr != "" {
		t.Errorf("stderr not empty: %s", r.stderr)
	}
	golden := filepath.Join("testdata", "demo.golden")
	if *demoUpdate {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(r.stdout), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run TestDemoGolden -update to create it)", err)
	}
	if r.stdout != string(want) {
		t.Errorf("demo output differs from %s (rerun with -update if the change is intended):\n%s", golden, lineDiff(string(want), r.stdout))
	}
	again := runCLI(t, "", "demo")
	if again.stdout != r.stdout {
		t.Errorf("two runs differ:\n%s", lineDiff(r.stdout, again.stdout))
	}
}

// TestDemoContent holds the demo to what it promises, independently of the
// golden file: the accepted sign-in with each step, then both
// misconfigurations caught with their fixes.
func TestDemoContent(t *testing.T) {
	r := runCLI(t, "", "demo")
	if r.code != exitOK {
		t.Fatalf("exit %d\nstderr: %s", r.code, r.stderr)
	}
	out := r.stdout
	flat := strings.Join(strings.Fields(out), " ") // wrapped lines joined
	for _, want := range []string{
		"B.Simon@contoso.com",
		"arn:aws:iam::123456789012:role/EntraAdmin,arn:aws:iam::123456789012:saml-provider/EntraID",
		"arn:aws:iam::123456789012:role/EntraReadOnly,arn:aws:iam::123456789012:saml-provider/EntraID",
		"ok issuer", "ok signature", "ok destination", "ok recipient", "ok trust policy", "ok audience", "ok times", "ok attributes",
		"https://signin.aws.amazon.com/saml#2",
		"SessionDuration attribute 7200 s",
		"arn:aws:sts::123456789012:assumed-role/EntraAdmin/B.Simon@contoso.com",
		"[rule D1.2]", "[rule A1.8]", "remove \"#N\" from the Reply URL",
		"[rule A5.1]", "which is not in the provider's metadata", "upload the current Entra federation metadata",
		"ACCEPTED: the same response now verifies",
		// The AWS half, through the SDK against awstest (issue 12).
		"CreateSAMLProvider: create; a rerun finds nothing to change",
		"created with iamsaml.EnsureRole",
		"importable (C4.6) arn:aws:iam::123456789012:role/EntraAdmin,arn:aws:iam::123456789012:saml-provider/EntraID",
		"PATCH changes (C4.4) add",
		"msiam_access kept",
		"GetCallerIdentity with those credentials: arn:aws:sts::123456789012:assumed-role/EntraAdmin/B.Simon@contoso.com",
		"STS (awstest) says InvalidIdentityToken \"Response signature invalid\"",
		"rollover step publish: 1 certificate added, 0 removed",
		"re-uploading the first metadata file (old certificate only) is refused",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	if n := strings.Count(out, "REJECTED"); n != 2 {
		t.Errorf("%d rejections, want 2 (the two misconfigurations)", n)
	}
	// The rollover section names the new certificate's thumbprint in the fix.
	sec := flat[strings.Index(flat, "6. Misconfiguration"):]
	line := sec[strings.Index(sec, "new certificate ")+len("new certificate "):]
	tp := line[:40]
	if !strings.Contains(sec[strings.Index(sec, "fix: signed with"):], tp) {
		t.Errorf("the rollover fix does not name the new certificate %s", tp)
	}
	// Credentials are issued twice (sign-in, after the rollover fix); their
	// secrets never reach the output.
	if n := strings.Count(flat, "GetCallerIdentity with those credentials"); n != 2 {
		t.Errorf("%d GetCallerIdentity lines, want 2", n)
	}
	if strings.Contains(out, "SecretAccessKey") || strings.Contains(out, "SessionToken") {
		t.Error("the demo prints a secret")
	}
	if strings.Contains(out, "<Assertion") || strings.Contains(out, "SignatureValue") {
		t.Error("the demo prints assertion XML")
	}
	if r := runCLI(t, "", "demo", "extra"); r.code != exitUsage {
		t.Errorf("demo extra: exit %d, want 2", r.code)
	}
}

// lineDiff shows the first differing lines of two texts.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			b.WriteString("line " + strconv.Itoa(i+1) + ":\n  want: " + wl + "\n  got:  " + gl + "\n")
			if shown++; shown == 10 {
				break
			}
		}
	}
	return b.String()
}

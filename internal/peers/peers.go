package peers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/samlaws/samlaws/internal/awsendpoint"
)

// Names of the peers, for Require and Available.
const (
	// XMLSec1 is the xmlsec1 command-line signature verifier (Debian xmlsec1).
	XMLSec1 = "xmlsec1"
	// PySAML2 is pysaml2 (Debian python3-pysaml2), as SP verifier and IdP minter.
	PySAML2 = "pysaml2"
	// OneLogin is OneLogin python3-saml (Debian python3-onelogin-saml2), as SP verifier.
	OneLogin = "python3-saml"
	// NodeSAML is @node-saml/node-saml, as SP verifier.
	NodeSAML = "node-saml"
	// NpmSAML is the npm "saml" package (auth0), as assertion minter.
	NpmSAML = "npm-saml"
)

// AWSAudience is the audience (SP entity ID) and console ACS URL of AWS sign-in (A1.1, A1.6).
const AWSAudience = awsendpoint.GlobalSignIn

// DefaultTimeout bounds one peer process when the caller's context has no deadline.
const DefaultTimeout = 60 * time.Second

// Python is the interpreter that sees Debian's python3-pysaml2 and python3-onelogin-saml2.
// The environment variable SAMLAWS_PEERS_PYTHON overrides it.
const Python = "/usr/bin/python3"

// Errors returned by this package, for errors.Is.
var (
	// ErrUnavailable means the peer is not installed on this machine.
	ErrUnavailable = errors.New("peers: peer not available")
	// ErrHarness means the peer could not be run or its driver failed (not a verdict).
	ErrHarness = errors.New("peers: harness failure")
	// ErrUnsupported means the peer cannot do what the input asks (e.g. npm saml signing a Response).
	ErrUnsupported = errors.New("peers: not supported by this peer")
	// ErrNotDecrypted means xmlsec1 ran but could not decrypt the document (a rejection).
	ErrNotDecrypted = errors.New("peers: xmlsec1 could not decrypt")
)

// Verdict is a peer's decision on one SAML response (or signed document).
type Verdict struct {
	// Accepted is true when the peer accepted the input.
	Accepted bool
	// Reason is the peer's own one-line explanation of a rejection (empty when accepted).
	// It is the peer's text, for diagnostics; do not match on it across peer versions.
	Reason string
	// Issuer is the assertion Issuer the peer extracted (SP verifiers only).
	Issuer string
	// NameID is the Subject NameID value the peer extracted (SP verifiers only).
	NameID string
	// Attributes are the attributes the peer extracted, by Attribute/@Name (SP verifiers only).
	Attributes map[string][]string
}

// String gives ACCEPT or REJECT with the reason, for test logs.
func (v Verdict) String() string {
	if v.Accepted {
		return "ACCEPT"
	}
	return "REJECT (" + v.Reason + ")"
}

// Dir returns the directory holding the peer drivers (py/ and node/). It is this
// package's source directory, or $SAMLAWS_PEERS_DIR when set (for binaries built
// with -trimpath).
func Dir() string {
	if d := os.Getenv("SAMLAWS_PEERS_DIR"); d != "" {
		return d
	}
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return ""
	}
	return filepath.Dir(file)
}

func python() string {
	if p := os.Getenv("SAMLAWS_PEERS_PYTHON"); p != "" {
		return p
	}
	return Python
}

// Available reports whether the named peer can run here: nil, or an error wrapping
// ErrUnavailable that says what is missing and how to install it.
func Available(ctx context.Context, name string) error {
	missing := func(what, install string) error {
		return fmt.Errorf("%w: %s: %s missing (install: %s)", ErrUnavailable, name, what, install)
	}
	pyImport := func(mod, pkg string) error {
		if _, err := os.Stat(python()); err != nil {
			return missing(python(), "apt-get install -y python3")
		}
		// find_spec locates the module without importing it (pysaml2 takes a second or
		// two to import).
		probe := "import importlib.util, sys; sys.exit(importlib.util.find_spec(sys.argv[1]) is None)"
		cmd := exec.CommandContext(ctx, python(), "-c", probe, mod)
		if err := cmd.Run(); err != nil {
			return missing("python module "+mod, "apt-get install -y "+pkg)
		}
		return nil
	}
	lookPath := func(bin, install string) error {
		if _, err := exec.LookPath(bin); err != nil {
			return missing(bin, install)
		}
		return nil
	}
	nodeModule := func(mod string) error {
		if err := lookPath("node", "Node.js 18+"); err != nil {
			return err
		}
		p := filepath.Join(Dir(), "node", "node_modules", filepath.FromSlash(mod), "package.json")
		if _, err := os.Stat(p); err != nil {
			return missing("node module "+mod, "cd internal/peers/node && npm ci")
		}
		return nil
	}
	switch name {
	case XMLSec1:
		return lookPath("xmlsec1", "apt-get install -y xmlsec1")
	case PySAML2:
		for _, err := range []error{
			lookPath("xmlsec1", "apt-get install -y xmlsec1"),
			libfaketimeFound(missing),
			pyImport("saml2", "python3-pysaml2"),
		} {
			if err != nil {
				return err
			}
		}
		return nil
	case OneLogin:
		if err := libfaketimeFound(missing); err != nil {
			return err
		}
		return pyImport("onelogin.saml2", "python3-onelogin-saml2")
	case NodeSAML:
		return nodeModule("@node-saml/node-saml")
	case NpmSAML:
		return nodeModule("saml")
	}
	return fmt.Errorf("peers: unknown peer %q", name)
}

// Require skips the test when the named peer is missing, or fails it when the
// environment variable CI is "true" (CI installs every peer, so a missing one is a bug).
func Require(t testing.TB, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), DefaultTimeout)
	defer cancel()
	err := Available(ctx, name)
	if err == nil {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%v (CI=true: every peer must be installed by .ci/run)", err)
		return
	}
	t.Skipf("skipping: %v", err)
}

// withTimeout applies DefaultTimeout when ctx has no deadline.
func withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, DefaultTimeout)
}

// runJSON runs a driver with in as JSON on stdin and decodes its JSON stdout into out.
// Exit status 2 (or any failure to run) is a harness failure.
func runJSON(ctx context.Context, name string, env []string, in, out any, argv ...string) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("%w: %s: encoding input: %v", ErrHarness, name, err)
	}
	cmdEnv := append(inheritedEnv(argv[0]), env...)
	if argv[0] == "faketime" {
		// "faketime START prog args...": prog runs with libfaketime preloaded
		// directly, its clock starting at START (the driver then sets its own
		// per case). Not through the faketime wrapper: the wrapper keeps a
		// semaphore and a shared-memory file named by its PID in /dev/shm, leaves
		// them behind when it is killed, and refuses to start ("sem_open: File
		// exists") when a later wrapper gets a PID whose files were left: a flake
		// that grew with every run on a machine (3,232 files left on one).
		lib, err := libfaketime()
		if err != nil {
			return fmt.Errorf("%w: %s: %v", ErrUnavailable, name, err)
		}
		cmdEnv = append(cmdEnv, "LD_PRELOAD="+lib, "FAKETIME=@"+argv[1])
		argv = argv[2:]
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = cmdEnv
	cmd.Stdin = bytes.NewReader(body)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("%w: %s: %w", ErrHarness, name, ctx.Err())
		}
		return fmt.Errorf("%w: %s: %v: %s", ErrHarness, name, err, tail(stderr.String(), 2000))
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		return fmt.Errorf("%w: %s: decoding output: %v (stderr: %s)", ErrHarness, name, err, tail(stderr.String(), 500))
	}
	return nil
}

// libfaketime returns the path of libfaketime.so.1 where Debian and Ubuntu's
// faketime package (and a source install) put it.
func libfaketime() (string, error) {
	for _, pat := range []string{"/usr/lib/*/faketime/libfaketime.so.1", "/usr/lib/faketime/libfaketime.so.1", "/usr/local/lib/faketime/libfaketime.so.1"} {
		if m, _ := filepath.Glob(pat); len(m) > 0 {
			return m[0], nil
		}
	}
	return "", errors.New("libfaketime.so.1 not found (install: apt-get install -y faketime)")
}

// libfaketimeFound is Available's check for libfaketime, reported with missing.
func libfaketimeFound(missing func(what, install string) error) error {
	if _, err := libfaketime(); err != nil {
		return missing("libfaketime.so.1", "apt-get install -y faketime")
	}
	return nil
}

// inheritedEnv is the environment a driver inherits. A driver started under
// libfaketime ("faketime" in runJSON's argv) gets its clock from the harness (the
// test's injected time), so an outer libfaketime (LD_PRELOAD and FAKETIME*, as set
// by .ci/datecheck to move the clock of every other peer) is removed: its clock is
// not the one the test asked for.
func inheritedEnv(prog string) []string {
	env := os.Environ()
	if prog != "faketime" {
		return env
	}
	kept := env[:0:0]
	for _, kv := range env {
		name, value, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "FAKETIME") || (name == "LD_PRELOAD" && strings.Contains(value, "faketime")) {
			continue
		}
		kept = append(kept, kv)
	}
	return kept
}

func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		s = "..." + s[len(s)-n:]
	}
	return s
}

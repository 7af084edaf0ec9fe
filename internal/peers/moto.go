package peers

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// Moto is moto_server (moto 5.2.1), a Python AWS emulator nobody here wrote,
// used as a second opinion on IAM and STS requests.
const Moto = "moto_server"

// StartMoto runs moto_server on a free loopback port for the rest of the test
// and returns its URL. When it is missing the test is skipped, or fails under
// CI=true (it comes with this kind of machine's Python; Debian has no
// python3-moto, see .ci/run).
func StartMoto(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath(Moto)
	if err != nil {
		msg := "moto_server unavailable (moto 5.2.1 comes with the machine's Python; Debian has no python3-moto)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + " (CI=true: it must be present)")
		}
		t.Skip("skipping: " + msg)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Env = append(os.Environ(), "MOTO_ALLOW_NONEXISTENT_REGION=true")
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("moto_server: %v", err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	u := "http://127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(60 * time.Second) // startup wait only; no fixture is compared to it
	for {
		resp, err := http.Get(u + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			return u
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto_server did not start at %s: %v", u, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

package datecheck

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestClocksMoved fails when .ci/datecheck runs the suite without actually moving
// the clocks, which would make every date run pass vacuously.
func TestClocksMoved(t *testing.T) {
	want := os.Getenv("SAMLAWS_DATECHECK_DATE")
	if want == "" {
		t.Skip("SAMLAWS_DATECHECK_DATE is not set: this guard only runs under .ci/datecheck")
	}
	// The step sets the clocks to 12:00 UTC on the target date; a run lasts minutes.
	if got := time.Now().UTC().Format(time.DateOnly); got != want {
		t.Errorf("Go's time.Now is on %s, want %s: the time overlay is not in effect", got, want)
	}
	out, err := exec.Command("date", "-u", "+%F").Output()
	if err != nil {
		t.Fatalf("date: %v", err)
	}
	if got := strings.TrimSpace(string(out)); got != want {
		t.Errorf("a child process's clock is on %s, want %s: libfaketime is not in effect", got, want)
	}
}

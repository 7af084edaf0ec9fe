package saml

import (
	"context"
	"crypto/rsa"
	"sort"
	"strings"
	"testing"
	"time"
)

// scriptedClock is a padClock whose decryption regions take the durations
// the test gives: decrypt reads now() at the region's start and again when
// it settles, and the second read advances the clock by the next work
// duration. sleep records the wait and advances the clock by it.
type scriptedClock struct {
	t     time.Duration
	work  []time.Duration
	reads int
	slept []time.Duration
}

func (c *scriptedClock) now() time.Duration {
	c.reads++
	if c.reads%2 == 0 {
		c.t += c.work[0]
		c.work = c.work[1:]
	}
	return c.t
}

func (c *scriptedClock) sleep(_ context.Context, d time.Duration) {
	c.slept = append(c.slept, d)
	c.t += d
}

// TestPadClass: sizes in one class differ by less than 25% (the floor's
// margin is 2), classes grow with size and stay in range.
func TestPadClass(t *testing.T) {
	lo := map[int]int{}
	hi := map[int]int{}
	prev := -1
	for n := range 1 << 20 {
		c := padClass(n)
		if c < prev || c >= padClasses {
			t.Fatalf("padClass(%d) = %d after %d", n, c, prev)
		}
		prev = c
		if _, ok := lo[c]; !ok {
			lo[c] = n
		}
		hi[c] = n
	}
	for c, l := range lo {
		if l > 0 && float64(hi[c]) >= 1.25*float64(l) {
			t.Errorf("class %d holds %d..%d", c, l, hi[c])
		}
	}
	if padClass(1<<40) != padClasses-1 {
		t.Errorf("padClass(2^40) = %d", padClass(1<<40))
	}
}

// TestDecryptFailuresWaitForOneDeadline (issue 19 item 1): once a size
// class has history, every failure of decryption returns at the same
// offset from the region's start, padMargin times the median of the recent
// regions, however long its own work took; an accepted Assertion never
// waits. The regions' durations are scripted (no wall clock).
func TestDecryptFailuresWaitForOneDeadline(t *testing.T) {
	spKey, _ := vSPKey(t)
	o, probes := oracleProbes(t)
	v := vVerifier(t, func(c *VerifierConfig) { c.DecryptionKeys = []*rsa.PrivateKey{spKey}; c.SkipReplayCheck = true })
	clk := &scriptedClock{}
	v.pad.clock = clk
	const us = time.Microsecond
	// history is every region's duration in the victim's size class; the
	// floor the test expects is padMargin times the median of its last
	// padWindow entries (the upper median of an even count).
	var history []time.Duration
	wantFloor := func() time.Duration {
		w := append([]time.Duration(nil), history[max(0, len(history)-padWindow):]...)
		sort.Slice(w, func(i, j int) bool { return w[i] < w[j] })
		return padMargin * w[len(w)/2]
	}
	// Fill the victim's size class with accepted calls of 100-131 us
	// (median 116 us): none waits.
	for i := range padWindow {
		history = append(history, time.Duration(100+i)*us)
		clk.work = append(clk.work, time.Duration(100+i)*us)
		if _, err := v.Verify(t.Context(), o.xml); err != nil {
			t.Fatalf("victim refused: %v", err)
		}
	}
	if len(clk.slept) != 0 {
		t.Fatalf("accepted calls waited %v", clk.slept)
	}
	floor := padMargin * 116 * us
	if wantFloor() != floor {
		t.Fatalf("the test's model: floor %v, want %v", wantFloor(), floor)
	}
	// Probes of the victim's size class, quick and slow: each ends at the
	// floor of the regions before it (each failure's duration enters the
	// window too, which moves the median a little).
	var names []string
	for n, raw := range probes {
		if c := cipherBytes(t, raw); c != nil && strings.HasPrefix(n, "cbc_") && padClass(len(c)) == padClass(len(cipherBytes(t, o.xml))) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	if len(names) < 3 {
		t.Fatalf("only %d probes in the victim's size class: %v", len(names), names)
	}
	for i, n := range names {
		work := time.Duration(100+3*i) * us
		if i%2 == 1 {
			work = time.Duration(131-3*i) * us
		}
		clk.work = append(clk.work, work)
		floor := wantFloor()
		history = append(history, work)
		start := clk.t
		slept := len(clk.slept)
		if _, err := v.Verify(t.Context(), probes[n]); err == nil {
			t.Fatalf("%s accepted", n)
		}
		if len(clk.slept) != slept+1 {
			t.Fatalf("%s did not wait", n)
		}
		if got := clk.t - start; got != floor {
			t.Errorf("%s: returned %v after the region began, want the floor %v (its work %v)", n, got, floor, work)
		}
	}
	// A failure whose work is past the floor (a slow tail) does not wait.
	floor = wantFloor()
	clk.work = append(clk.work, 3*floor)
	slept := len(clk.slept)
	if _, err := v.Verify(t.Context(), probes[names[0]]); err == nil {
		t.Fatal("accepted")
	}
	if len(clk.slept) != slept {
		t.Errorf("a failure past the floor waited %v more", clk.slept[slept:])
	}
	// One slow call moves the median little: the next failure's floor is
	// still about padMargin times the typical region, not 3 floors.
	clk.work = append(clk.work, 110*us)
	start := clk.t
	if _, err := v.Verify(t.Context(), probes[names[0]]); err == nil {
		t.Fatal("accepted")
	}
	if got := clk.t - start; got > floor+padMargin*10*us {
		t.Errorf("after one slow call a failure took %v, want about %v", got, floor)
	}
	// Diagnose waits as Verify does.
	clk.work = append(clk.work, 50*us)
	start = clk.t
	if r := v.Diagnose(t.Context(), probes[names[0]]); r.Accepted {
		t.Fatal("accepted")
	}
	if got := clk.t - start; got < floor-padMargin*10*us {
		t.Errorf("Diagnose returned %v after the region began, want about %v", got, floor)
	}
}

// TestDecryptFloorPerSizeClass: a size class without history does not
// wait, and history of one class does not set another's floor (an attacker
// cannot lower the floor of large probes with small ones).
func TestDecryptFloorPerSizeClass(t *testing.T) {
	p := &failurePad{clock: &scriptedClock{}}
	for range padWindow {
		p.floor(100, 10*time.Microsecond, false)
	}
	if f := p.floor(100_000, time.Millisecond, false); f != 0 {
		t.Errorf("a new size class has floor %v", f)
	}
	if f := p.floor(100, 10*time.Microsecond, false); f != padMargin*10*time.Microsecond {
		t.Errorf("floor %v, want %v", f, padMargin*10*time.Microsecond)
	}
	if f := p.floor(100_000, time.Millisecond, false); f != padMargin*time.Millisecond {
		t.Errorf("floor %v, want %v", f, padMargin*time.Millisecond)
	}
}

// TestDecryptFloorCancelled: a cancelled context ends the wait.
func TestDecryptFloorCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	done := make(chan struct{})
	go func() {
		realClock{origin: time.Now()}.sleep(ctx, time.Hour)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("the wait did not end with its context")
	}
}

// cipherBytes is the EncryptedData CipherValue of a response, decoded (nil
// when there is none or it does not decode).
func cipherBytes(t *testing.T, raw []byte) []byte {
	t.Helper()
	d := vDoc(t, raw)
	el := d.FindElement("//EncryptedData")
	if el == nil {
		return nil
	}
	b, e := cipherValue(el, "EncryptedData")
	if e != nil {
		return nil
	}
	return b
}

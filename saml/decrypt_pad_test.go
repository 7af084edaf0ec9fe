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
// class has a block of history, every failure of decryption returns at the
// same offset from the region's start, padMargin times the upper quartile
// of the last block's durations, however long its own work took; an
// accepted Assertion never waits; a failure that took longer than the
// floor does not wait; one slow call does not move the floor much; the
// floor changes only between blocks. The regions' durations are scripted
// (no wall clock).
func TestDecryptFailuresWaitForOneDeadline(t *testing.T) {
	spKey, _ := vSPKey(t)
	o, probes := oracleProbes(t)
	v := vVerifier(t, func(c *VerifierConfig) { c.DecryptionKeys = []*rsa.PrivateKey{spKey}; c.SkipReplayCheck = true })
	clk := &scriptedClock{}
	v.pad.clock = clk
	const us = time.Microsecond
	// Probes of the victim's size class.
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
	// call sends raw with a region of work and returns how long after the
	// region's start it returned and whether it waited.
	call := func(raw []byte, work time.Duration, diagnose bool) (time.Duration, bool, error) {
		clk.work = append(clk.work, work)
		start, slept := clk.t, len(clk.slept)
		var err error
		if diagnose {
			if r := v.Diagnose(t.Context(), raw); r.Accepted {
				t.Fatal("Diagnose accepted a probe")
			}
		} else {
			_, err = v.Verify(t.Context(), raw)
		}
		return clk.t - start, len(clk.slept) > slept, err
	}
	// The first block: accepted calls of 100-131 us, and no floor yet for
	// a failure among them either.
	for i := range padWindow - 1 {
		if _, waited, err := call(o.xml, time.Duration(100+i)*us, false); err != nil || waited {
			t.Fatalf("victim: %v, waited %v", err, waited)
		}
	}
	if _, waited, err := call(probes[names[0]], 131*us, false); err == nil || waited {
		t.Fatalf("a failure in the first block: %v, waited %v", err, waited)
	}
	// The block's upper quartile: its 25th smallest duration, 124 us.
	floor := padMargin * 124 * us
	// The next block: accepted calls never wait; every failure, quick or
	// slow, returns at the floor.
	for i := range padWindow {
		n := names[i%len(names)]
		work := time.Duration(40+7*i) * us // 40-257 us
		if work >= floor {
			work = floor - us
		}
		if i%4 == 3 {
			if _, waited, err := call(o.xml, work, false); err != nil || waited {
				t.Fatalf("victim: %v, waited %v", err, waited)
			}
			continue
		}
		got, waited, err := call(probes[n], work, i%8 == 1)
		if err == nil && i%8 != 1 {
			t.Fatalf("%s accepted", n)
		}
		if !waited || got != floor {
			t.Errorf("%s (work %v): returned %v after the region began, waited %v; want the floor %v", n, work, got, waited, floor)
		}
	}
	// That block's durations (40-257 us, capped at 247) set the next floor.
	next := padMargin * 208 * us // 40+7*24
	if got, _, _ := call(probes[names[0]], 10*us, false); got != next {
		t.Errorf("the third block's floor is %v, want %v", got, next)
	}
	// A failure past the floor (a slow tail) does not wait.
	if got, waited, _ := call(probes[names[1]], 3*next, false); waited || got != 3*next {
		t.Errorf("a failure past the floor returned after %v, waited %v", got, waited)
	}
	// Fill the block with 100 us regions: the one slow call above does not
	// set the next floor (the upper quartile, not the maximum).
	for range padWindow - 2 {
		call(probes[names[2]], 100*us, false)
	}
	if got, _, _ := call(probes[names[0]], 10*us, false); got != padMargin*100*us {
		t.Errorf("after a block with one slow call the floor is %v, want %v", got, padMargin*100*us)
	}
}

// TestDecryptFloorPerSizeClass: a size class without a block of history
// does not wait, and history of one class does not set another's floor (an
// attacker cannot lower the floor of large probes with small ones).
func TestDecryptFloorPerSizeClass(t *testing.T) {
	p := &failurePad{clock: &scriptedClock{}}
	for range padWindow {
		p.floor(100, 10*time.Microsecond, false)
	}
	for range padWindow {
		if f := p.floor(100_000, time.Millisecond, false); f != 0 {
			t.Fatalf("a size class in its first block has floor %v", f)
		}
	}
	if f := p.floor(100, 10*time.Microsecond, true); f != padMargin*10*time.Microsecond {
		t.Errorf("floor %v, want %v", f, padMargin*10*time.Microsecond)
	}
	if f := p.floor(100_000, time.Millisecond, true); f != padMargin*time.Millisecond {
		t.Errorf("floor %v, want %v", f, padMargin*time.Millisecond)
	}
	if p.failures != 2 || p.late != 0 {
		t.Errorf("failures %d, late %d; want 2, 0", p.failures, p.late)
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

package saml

import (
	"context"
	"math/bits"
	"runtime"
	"slices"
	"sync"
	"time"
)

// The response-time floor of decryption failures (issue 19 item 1).
//
// decrypt.go makes every failure after key unwrapping take the same steps
// on as many bytes (a decoy stands in for what did not survive). What it
// cannot make equal is the time per byte of two different texts: an
// in-process attacker who sends the same two probes thousands of times
// still told a plaintext that parsed from one that broke early, by 2-7 us
// in 1-2 ms (cache and memory layout: the instruction counts agree within
// 0.25%). So a failure also does not return before a deadline that depends
// only on the ciphertext's length and on calls before it: padMargin times
// the upper quartile of how long the region took in the last block of
// padWindow calls whose ciphertexts were of about that length (within a
// quarter of an octave; failures and accepted ones). The floor changes
// only between blocks, so the probes of one block get the same one, and a
// call's duration does not move the next call's floor. A failure whose
// region took less waits out the rest, so its response time is the floor
// whatever the plaintext was; one that took longer (a GC cycle, a
// preemption: the tail, where the delay is noise many times the
// data-dependent part) returns when done, and is then slower than every
// padded one, so that an attacker's usual filter (keep the fastest
// samples) keeps only padded ones. An accepted Assertion never waits (only
// a valid signature reaches it, which an attacker cannot make). The first
// block of a size class has no floor.
//
// What this does not hide: the CPU work itself (a co-resident process that
// watches the cache or the load), and whether a call failed at all (every
// probe of the oracle fails). The wait polls the clock for its last
// millisecond (a timer wakes too late to be precise), yielding the
// processor each time round: a failure costs up to about padMargin times
// the region's CPU time (the region is the smaller part of a call; the RSA
// unwrap before it is most of it). A cancelled context ends the wait (the
// error is the same).

const (
	// padWindow is how many calls of a size class make a block, whose
	// durations set the floor of the next.
	padWindow = 32
	// padMargin multiplies the block's upper quartile.
	padMargin = 2
	// padClasses bounds the size classes (quarter octaves up to 2^31
	// bytes; a response is far smaller, see defaultParseLimits).
	padClasses = 4 * 32
)

// padClock is the monotonic clock and the wait of the floor; tests inject
// a fake one (Verifier.pad.clock).
type padClock interface {
	// now is monotonic time since an arbitrary origin.
	now() time.Duration
	// sleep waits for d or until ctx is done.
	sleep(ctx context.Context, d time.Duration)
}

// realClock is the process's monotonic clock.
type realClock struct{ origin time.Time }

func (r realClock) now() time.Duration { return time.Since(r.origin) }

// sleep waits until d has passed: with a timer for all but the last
// millisecond of a long wait, then by polling the monotonic clock (a timer
// alone wakes up to a millisecond late, which drowns the floor's precision
// in noise; the poll yields the processor each time round).
func (r realClock) sleep(ctx context.Context, d time.Duration) {
	if ctx == nil {
		ctx = context.Background()
	}
	end := r.now() + d
	if d > 2*time.Millisecond {
		t := time.NewTimer(d - time.Millisecond)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return
		}
	}
	for i := 0; r.now() < end; i++ {
		if i%64 == 63 && ctx.Err() != nil {
			return
		}
		runtime.Gosched()
	}
}

// failurePad holds, per size class, the durations of the current block of
// padWindow calls and the floor the last block set. A Verifier is safe for
// concurrent use: mu guards the rings and counters.
type failurePad struct {
	clock padClock
	mu    sync.Mutex
	rings [padClasses]*padRing
	// late counts the failures whose region took longer than the floor
	// (they return when done, unpadded); failures counts all.
	late, failures int
}

// padRing is one size class's current block (n counts every call) and the
// floor the block before it set.
type padRing struct {
	d     [padWindow]time.Duration
	n     int
	floor time.Duration
}

func newFailurePad() *failurePad {
	return &failurePad{clock: realClock{origin: time.Now()}}
}

// padClass is the size class of a ciphertext of n bytes: a quarter of an
// octave (the top three bits of n), so that sizes in one class differ by
// less than 25%.
func padClass(n int) int {
	if n < 4 {
		return n
	}
	b := bits.Len(uint(n)) // n >= 4: b >= 3
	c := 4*(b-2) + int(uint(n)>>(b-3))&3
	return min(c, padClasses-1)
}

// floor returns the deadline's offset from the region's start for a
// ciphertext of n bytes (0 in a size class's first block), then records
// took (and counts a failure past its floor); the call that completes a
// block sets the floor of the next.
func (p *failurePad) floor(n int, took time.Duration, failed bool) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := p.rings[padClass(n)]
	if r == nil {
		r = &padRing{}
		p.rings[padClass(n)] = r
	}
	f := r.floor
	r.d[r.n%padWindow] = took
	r.n++
	if r.n%padWindow == 0 {
		s := r.d
		slices.Sort(s[:])
		r.floor = padMargin * s[padWindow*3/4]
	}
	if failed {
		p.failures++
		if took >= f {
			p.late++
		}
	}
	return f
}

// settle ends the decryption region that began at start: it records how
// long the region took for a ciphertext of n bytes and, when the region
// failed, waits until the size class's deadline.
func (p *failurePad) settle(ctx context.Context, n int, start time.Duration, failed bool) {
	took := p.clock.now() - start
	f := p.floor(n, took, failed)
	if failed && f > took {
		p.clock.sleep(ctx, f-took)
	}
}

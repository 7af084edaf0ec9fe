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
// in 2-5 ms (cache and memory layout: the instruction counts agree within
// 0.25%). So a failure also does not return before a deadline that depends
// only on the ciphertext's length: the time the decryption region took for
// earlier EncryptedAssertions of about that length (within a quarter of an
// octave), padMargin times their median. The region's own time is below
// that deadline except in the slow tail (a GC pause, a preemption), where
// the delay is noise many times the data-dependent part. A failure then
// waits out the rest, so its response time is the deadline plus the
// timer's wake-up, whatever the plaintext was; an accepted Assertion never
// waits (only a valid signature reaches it, which the attacker cannot
// make). The median of the last padWindow calls (failures and accepted
// ones) of the size class, not their maximum, so that one slow call does
// not make the next ones wait long; the first call of a size class has no
// history and does not wait.
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
	// padWindow is how many recent durations per size class the floor is
	// the median of.
	padWindow = 32
	// padMargin multiplies that median.
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

// failurePad holds, per size class, the durations of the last padWindow
// decryption regions. A Verifier is safe for concurrent use: mu guards the
// rings.
type failurePad struct {
	clock padClock
	mu    sync.Mutex
	rings [padClasses]*padRing
	// late counts the failures whose region took longer than the floor
	// (they return when done, unpadded); failures counts all.
	late, failures int
}

// padRing is one size class's recent durations (n counts every call).
type padRing struct {
	d [padWindow]time.Duration
	n int
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
// ciphertext of n bytes (0 without history), then records took (and counts
// a failure past its floor).
func (p *failurePad) floor(n int, took time.Duration, failed bool) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := p.rings[padClass(n)]
	if r == nil {
		r = &padRing{}
		p.rings[padClass(n)] = r
	}
	var f time.Duration
	if k := min(r.n, padWindow); k > 0 {
		s := r.d // a copy: the ring keeps its order
		w := s[:k]
		slices.Sort(w)
		f = padMargin * w[k/2]
	}
	r.d[r.n%padWindow] = took
	r.n++
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

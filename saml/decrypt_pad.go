package saml

import (
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
// only between blocks (and then only by a quarter up or half down), so the
// probes of one block get the same one, and a call's duration does not
// move the next call's floor. A failure whose
// region took less waits out the rest, so its response time is the floor
// whatever the plaintext was; one that took longer (a GC cycle, a
// preemption: the tail, where the delay is noise many times the
// data-dependent part) returns when done, and is then slower than every
// padded one, so that an attacker's usual filter (keep the fastest
// samples) keeps only padded ones. An accepted Assertion never waits (only
// a valid signature reaches it, which an attacker cannot make). The first
// block of a size class has no floor.
//
// The size class is keyed on what the sender controls that sets the
// region's cost: the bytes parsed (ciphertext plus the wrapper of
// namespace declarations in scope) and the canonicalization budget (from
// the response's size); keyed on the ciphertext alone, heavy probes padded
// with namespace declarations ran past a floor light calls had set
// (session 6 review). The wait is to an absolute deadline (the bookkeeping
// after the region is inside it) and ignores the caller's context: a
// half-closed HTTP request cancels it and still reads the answer.
//
// What this does not hide: the CPU work itself (a co-resident process that
// watches the cache or the load), and whether a call failed at all (every
// probe of the oracle fails). Nor, in principle, what the floor is made
// of: the floor of a block is twice the upper quartile of the previous
// block's durations, but it moves only when that is more than a quarter
// above or less than half of the current floor (nextFloor): an attacker
// alone in a size class who sends one kind of probe for a whole block
// reads nothing back from the next block's answers unless the machine's
// speed sits within a few microseconds of such a threshold (before the
// hysteresis the review measured 268 against 258 us, t 0.8, for
// alternating blocks of two probes). The first block of each
// class of a new Verifier has no floor. The wait polls the clock for up to
// 2 ms (a timer wakes too late to be precise), yielding the processor each
// time round: a failure spends up to about 2 ms of CPU more than its
// region, or twice an earlier block's upper quartile when that is less.

const (
	// padWindow is how many calls of a size class make a block, whose
	// durations set the floor of the next.
	padWindow = 32
	// padMargin multiplies the block's upper quartile.
	padMargin = 2
	// padClasses bounds the size classes (quarter octaves up to about 2^33
	// bytes; a response is far smaller, see defaultParseLimits).
	padClasses = 4 * 32
)

// padClock is the monotonic clock and the wait of the floor; tests inject
// a fake one (Verifier.pad.clock).
type padClock interface {
	// now is monotonic time since an arbitrary origin.
	now() time.Duration
	// waitUntil returns when now() is at least end.
	waitUntil(end time.Duration)
}

// realClock is the process's monotonic clock.
type realClock struct{ origin time.Time }

func (r realClock) now() time.Duration { return time.Since(r.origin) }

// waitUntil waits with a timer for all but the last millisecond of a long
// wait, then polls the monotonic clock (a timer alone wakes up to a
// millisecond late, which drowns the floor's precision in noise; the poll
// yields the processor each time round). It does not end early when the
// caller's context is cancelled: an HTTP client that half-closes its side
// cancels the request's context and still reads the answer, so an early
// end would hand it the unpadded time. The wait is bounded by the floor.
func (r realClock) waitUntil(end time.Duration) {
	if d := end - r.now(); d > 2*time.Millisecond {
		time.Sleep(d - time.Millisecond)
	}
	for r.now() < end {
		runtime.Gosched()
	}
}

// failurePad holds, per size class, the durations of the current block of
// padWindow calls and the floor the last block set. A Verifier is safe for
// concurrent use: mu guards the rings and counters.
type failurePad struct {
	clock padClock
	mu    sync.Mutex
	// rings by padKey: at most padClasses squared, created on first use.
	rings map[uint32]*padRing
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
	return &failurePad{clock: realClock{origin: time.Now()}, rings: map[uint32]*padRing{}}
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

// padKey is the floor's size class of a region that parses wrapped bytes
// (the plaintext's length, that of the ciphertext, plus the namespace
// wrapper's) with a canonicalization budget of budget (set from the
// response's size): the two things the sender controls that set the
// region's cost.
func padKey(wrapped, budget int) uint32 {
	return uint32(padClass(wrapped))<<8 | uint32(padClass(budget))
}

// floor returns the deadline's offset from the region's start for the size
// class key (0 in the class's first block), then records took (and counts
// a failure past its floor); the call that completes a block sets the
// floor of the next.
func (p *failurePad) floor(key uint32, took time.Duration, failed bool) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := p.rings[key]
	if r == nil {
		r = &padRing{}
		p.rings[key] = r
	}
	f := r.floor
	r.d[r.n%padWindow] = took
	r.n++
	if r.n%padWindow == 0 {
		s := r.d
		slices.Sort(s[:])
		r.floor = nextFloor(r.floor, padMargin*s[padWindow*3/4])
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
// long the region took in size class key and, when the region failed,
// waits until start plus the class's floor (an absolute deadline, so that
// the bookkeeping here is inside it).
func (p *failurePad) settle(key uint32, start time.Duration, failed bool) {
	took := p.clock.now() - start
	f := p.floor(key, took, failed)
	if failed && f > took {
		p.clock.waitUntil(start + f)
	}
}

// nextFloor is the floor after a block whose durations suggest want: the
// current floor unless want is more than a quarter above it (the machine
// got slower: failures would run past it) or less than half of it (much
// faster). The hysteresis keeps a floor from following the few
// microseconds by which one kind of probe's region differs from another's:
// otherwise an attacker alone in a size class could read twice a block's
// upper quartile back from the next block's answers.
func nextFloor(cur, want time.Duration) time.Duration {
	if cur == 0 || want > cur+cur/4 || want < cur/2 {
		return want
	}
	return cur
}

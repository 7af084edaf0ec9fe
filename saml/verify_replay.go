package saml

import (
	"container/heap"
	"context"
	"sync"
	"time"
)

// memoryReplayCache.Consume returns errReplayCacheFull (errors.Is ErrReplay)
// when every slot holds an ID that has not expired yet. The verifier then
// rejects the assertion (fail closed) rather than forget an ID that could be
// replayed.

// NewReplayCache returns a bounded in-memory ReplayCache (D5.3) of at most
// size assertion IDs (size < 1: 100,000), each kept until its expiry on the
// clock now (nil: time.Now). It is the cache a Verifier makes for itself when
// VerifierConfig.ReplayCache is nil; make one to size it, or to share it
// between Verifiers, for example the old and the new one when the IdP's
// certificates are rotated, so that an assertion the old one accepted is a
// replay to the new one. When it is full of IDs that have not expired,
// Verify fails closed with ErrReplay (code "replay_cache_full") rather than
// forget one. It is safe for concurrent use.
func NewReplayCache(size int, now func() time.Time) ReplayCache {
	return newMemoryReplayCache(size, now)
}

// memoryReplayCache is NewReplayCache's cache. Consume is atomic under one
// mutex.
type memoryReplayCache struct {
	mu    sync.Mutex
	max   int
	now   func() time.Time
	ids   map[string]time.Time
	queue expiryHeap
}

// newMemoryReplayCache returns a cache holding at most size IDs (size < 1
// means defaultReplayCacheSize). now is the clock used to drop expired IDs;
// nil means time.Now.
func newMemoryReplayCache(size int, now func() time.Time) *memoryReplayCache {
	if size < 1 {
		size = defaultReplayCacheSize
	}
	if now == nil {
		now = time.Now
	}
	return &memoryReplayCache{max: size, now: now, ids: make(map[string]time.Time)}
}

// Consume implements ReplayCache.
func (c *memoryReplayCache) Consume(_ context.Context, id string, expires time.Time) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	for len(c.queue) > 0 && !c.queue[0].exp.After(now) {
		e := heap.Pop(&c.queue).(expiryEntry)
		if t, ok := c.ids[e.id]; ok && t.Equal(e.exp) {
			delete(c.ids, e.id)
		}
	}
	if t, ok := c.ids[id]; ok && t.After(now) {
		return false, nil
	}
	if len(c.ids) >= c.max {
		return false, errReplayCacheFull
	}
	c.ids[id] = expires
	heap.Push(&c.queue, expiryEntry{id: id, exp: expires})
	return true, nil
}

// len returns the number of IDs remembered.
func (c *memoryReplayCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.ids)
}

type expiryEntry struct {
	id  string
	exp time.Time
}

type expiryHeap []expiryEntry

func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].exp.Before(h[j].exp) }
func (h expiryHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *expiryHeap) Push(x any)        { *h = append(*h, x.(expiryEntry)) }
func (h *expiryHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}

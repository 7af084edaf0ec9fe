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

// memoryReplayCache is the bounded in-memory [ReplayCache] NewVerifier
// creates when VerifierConfig.ReplayCache is nil. It is safe for concurrent
// use; Consume is atomic under one mutex.
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

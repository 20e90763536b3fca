package webhook

import (
	"context"
	"sync"
)

// Deduplicator remembers which notifications have been handled. Intercom
// may deliver one notification more than once (a retry after a timeout, a
// redelivery); every delivery carries the same notification ID. Back it
// with a shared store (Redis SET NX, a database unique key) when several
// processes receive webhooks; MemoryDeduplicator serves one process.
type Deduplicator interface {
	// Claim records id and reports whether this is its first claim. An
	// error makes the handler answer 500, so that Intercom retries.
	Claim(ctx context.Context, id string) (first bool, err error)
	// Release forgets id after handling it failed, so that Intercom's
	// retry of the notification is handled again.
	Release(ctx context.Context, id string) error
}

// DefaultDedupCapacity is how many IDs NewMemoryDeduplicator(0) keeps.
const DefaultDedupCapacity = 10000

// MemoryDeduplicator is a Deduplicator that keeps the most recent IDs in
// memory, forgetting the oldest beyond its capacity. It is safe for
// concurrent use.
type MemoryDeduplicator struct {
	mu    sync.Mutex
	cap   int
	seen  map[string]uint64 // ID -> the claim that recorded it
	order []claim           // ring of claims, oldest at next
	next  int
	count uint64
}

type claim struct {
	id string
	n  uint64
}

// NewMemoryDeduplicator returns a MemoryDeduplicator that remembers up to
// capacity IDs (DefaultDedupCapacity when capacity <= 0). Intercom retries
// within minutes, so a capacity of a few minutes of traffic suffices.
func NewMemoryDeduplicator(capacity int) *MemoryDeduplicator {
	if capacity <= 0 {
		capacity = DefaultDedupCapacity
	}
	return &MemoryDeduplicator{cap: capacity, seen: make(map[string]uint64, capacity)}
}

// Claim implements Deduplicator.
func (d *MemoryDeduplicator) Claim(_ context.Context, id string) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, dup := d.seen[id]; dup {
		return false, nil
	}
	d.count++
	c := claim{id: id, n: d.count}
	if len(d.order) < d.cap {
		d.order = append(d.order, c)
	} else {
		// Forget the oldest claim, unless its ID was released and claimed
		// again since (then a newer claim owns the map entry).
		if old := d.order[d.next]; d.seen[old.id] == old.n {
			delete(d.seen, old.id)
		}
		d.order[d.next] = c
		d.next = (d.next + 1) % d.cap
	}
	d.seen[id] = c.n
	return true, nil
}

// Release implements Deduplicator. The ID's slot in the ring stays until it
// is reused; a later Claim of the ID succeeds at once.
func (d *MemoryDeduplicator) Release(_ context.Context, id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.seen, id)
	return nil
}

package bot

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// InboxQueue hands stored inbox items to the engine's workers.
//
// A claim holds an item for this process for a lease. The transaction that
// processes an item also deletes it from the inbox, and a transaction that
// finds its item gone does nothing, so that deletion is the item's
// acknowledgement: an item handed out twice (a lease that ran out while a
// slow process still held it) is processed once. Ack ends the claims of
// items the engine is done with, processed or given up.
//
// The default, for one process, is the store's inbox read in order: every
// item is this process's, and its claims last as long as it runs.
// Replicas share one (queue/nats) that hands each thread's items to one
// replica at a time, in order, and hands a dead replica's items on once
// their lease runs out.
type InboxQueue interface {
	// Claim returns up to n items that no live claim holds, in arrival
	// order, and holds them for lease. It returns at once, with none when
	// there are none.
	Claim(ctx context.Context, n int, lease time.Duration) ([]InboxItem, error)
	// Ack ends the claims on items.
	Ack(ctx context.Context, seqs ...uint64) error
	// Ready is signalled when items may have become claimable.
	Ready() <-chan struct{}
	// Stored tells the queue that this process stored new items.
	Stored(items []InboxItem)
}

// NewStoreQueue returns the single-process InboxQueue on a store's inbox.
func NewStoreQueue(s Store) InboxQueue {
	return &storeQueue{store: s, ready: make(chan struct{}, 1)}
}

type storeQueue struct {
	store Store
	ready chan struct{}
	mu    sync.Mutex
	after uint64 // the last seq handed out: one process needs no more
}

func (q *storeQueue) Claim(ctx context.Context, n int, _ time.Duration) ([]InboxItem, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	var items []InboxItem
	err := q.store.View(ctx, func(tx Tx) (err error) {
		items, err = tx.Inbox(q.after, n)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("inbox queue: claim: %w", err)
	}
	if len(items) > 0 {
		q.after = items[len(items)-1].Seq
	}
	return items, nil
}

func (q *storeQueue) Ack(context.Context, ...uint64) error { return nil }

func (q *storeQueue) Ready() <-chan struct{} { return q.ready }

func (q *storeQueue) Stored([]InboxItem) {
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

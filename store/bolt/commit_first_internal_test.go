package bolt

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"engagebot/internal/wait"
)

// Accepts queued behind many other writes join the next group, while the
// other writes in it stop at maxOthers: a burst of deliveries is not held
// up by the work behind it.
func TestGroupCommit_AcceptsFirst(t *testing.T) {
	db := openInternal(t)
	release := hold(t, db)
	var mu sync.Mutex
	var order []string // what each write saw committed before it ran
	record := func(name string) func(*bbolt.Tx) error {
		return func(tx *bbolt.Tx) error {
			mu.Lock()
			defer mu.Unlock()
			order = append(order, name)
			return tx.Bucket(bucketMeta).Put([]byte(name), []byte("v"))
		}
	}
	const others = maxOthers * 3
	var wg sync.WaitGroup
	for i := range others {
		wg.Add(1)
		go func() { defer wg.Done(); db.submit(context.Background(), record(fmt.Sprintf("other-%03d", i))) }()
	}
	waitQueued(t, db, others)
	wg.Add(1)
	go func() { defer wg.Done(); db.submitFirst(context.Background(), record("accept")) }()
	wait.For(t, 5*time.Second, "the accept queued", func() bool { return len(db.first) >= 1 })
	release()
	wg.Wait()
	for i, name := range order {
		if name == "accept" {
			if i > maxOthers {
				t.Errorf("the accept ran after %d other writes, want at most %d (one group)", i, maxOthers)
			}
			return
		}
	}
	t.Fatal("the accept never ran")
}

package bolt

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"engagebot/internal/wait"
)

func openInternal(t *testing.T) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "engagebot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// hold blocks the committer inside a write until the returned release is
// called, so the test can queue writes behind it.
func hold(t *testing.T, db *DB) (release func()) {
	t.Helper()
	entered, gate := make(chan struct{}), make(chan struct{})
	go db.submit(context.Background(), func(*bbolt.Tx) error {
		close(entered)
		<-gate
		return nil
	})
	<-entered
	var once sync.Once
	release = func() { once.Do(func() { close(gate) }) }
	t.Cleanup(release)
	return release
}

// waitQueued polls until n writes are queued behind a held committer.
func waitQueued(t *testing.T, db *DB, n int) {
	t.Helper()
	wait.For(t, 5*time.Second, fmt.Sprintf("%d writes queued", n), func() bool { return len(db.writes) >= n })
}

func put(key string) func(*bbolt.Tx) error {
	return func(tx *bbolt.Tx) error { return tx.Bucket(bucketMeta).Put([]byte(key), []byte("v")) }
}

func TestGroupCommit(t *testing.T) {
	t.Run("FailingWriteAlone", func(t *testing.T) {
		db := openInternal(t)
		release := hold(t, db)
		boom := errors.New("boom")
		const n = 8
		errs := make([]error, n)
		runs := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				errs[i] = db.submit(context.Background(), func(tx *bbolt.Tx) error {
					runs[i]++ // only the committer runs this
					if err := put("k" + strconv.Itoa(i))(tx); err != nil {
						return err
					}
					if i == 3 || i == 5 {
						return boom
					}
					return nil
				})
			})
		}
		waitQueued(t, db, n)
		release()
		wg.Wait()
		for i, err := range errs {
			if want := i == 3 || i == 5; want != errors.Is(err, boom) {
				t.Errorf("write %d: error %v", i, err)
			}
		}
		if runs[3] < 2 || runs[5] < 2 {
			t.Errorf("failing writes ran %d and %d times, want a retry alone each", runs[3], runs[5])
		}
		err := db.db.View(func(tx *bbolt.Tx) error {
			for i := range n {
				got := tx.Bucket(bucketMeta).Get([]byte("k" + strconv.Itoa(i)))
				if want := !(i == 3 || i == 5); want != (got != nil) {
					t.Errorf("key %d stored = %v", i, got != nil)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})

	t.Run("PanicIsAnError", func(t *testing.T) {
		db := openInternal(t)
		err := db.submit(context.Background(), func(*bbolt.Tx) error { panic("bug") })
		if err == nil {
			t.Fatal("a panicking write succeeded")
		}
		if err := db.submit(context.Background(), put("after")); err != nil {
			t.Fatalf("write after a panic: %v", err)
		}
	})

	t.Run("CanceledWhileQueued", func(t *testing.T) {
		db := openInternal(t)
		release := hold(t, db)
		ctx, cancel := context.WithCancel(context.Background())
		ran := false
		done := make(chan error)
		go func() {
			done <- db.submit(ctx, func(tx *bbolt.Tx) error { ran = true; return put("canceled")(tx) })
		}()
		waitQueued(t, db, 1)
		cancel()
		release()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("canceled write: %v, want context.Canceled", err)
		}
		if ran {
			t.Fatal("a write canceled while queued ran")
		}
	})

	t.Run("CloseDrains", func(t *testing.T) {
		db := openInternal(t)
		release := hold(t, db)
		const n = 5
		errs := make(chan error, n)
		for i := range n {
			go func() { errs <- db.submit(context.Background(), put("q"+strconv.Itoa(i))) }()
		}
		waitQueued(t, db, n)
		closed := make(chan error)
		go func() { closed <- db.Close() }()
		release()
		if err := <-closed; err != nil {
			t.Fatal(err)
		}
		for range n {
			if err := <-errs; err != nil {
				t.Errorf("queued write at Close: %v", err)
			}
		}
		if err := db.submit(context.Background(), put("late")); !errors.Is(err, errClosed) {
			t.Fatalf("write after Close: %v, want errClosed", err)
		}
		reopened, err := Open(db.path)
		if err != nil {
			t.Fatal(err)
		}
		defer reopened.Close()
		err = reopened.db.View(func(tx *bbolt.Tx) error {
			for i := range n {
				if tx.Bucket(bucketMeta).Get([]byte("q"+strconv.Itoa(i))) == nil {
					t.Errorf("write %d queued at Close was lost", i)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

package bolt

import (
	"context"
	"errors"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// Group commit. Every write (Accept, Update, the chunks of PurgeMessages
// and PruneDedupe) is a function queued to one committer goroutine. The
// committer takes whatever is queued, runs it all in one read-write
// transaction and commits it (one fsync); while that fsync runs, new
// writes queue up and form the next group, which starts the moment the
// previous commit is on disk. There is no timer: a lone writer waits only
// for its own commit, and under load a group is as large as the writes
// that arrived during one fsync.
//
// Accepts come first: every queued Accept joins the next group, while
// other writes (processing, sends, maintenance) join it only up to
// maxOthers, so a burst of webhook deliveries is acknowledged at the pace
// of the disk and the work behind it is done in the commits after.
//
// Under load the committer paces itself: after a group of at least
// paceMin writes it waits a share of that commit's time before it takes
// the next group. A commit's cost is mostly its two fsyncs, whatever the
// group's size, so the next commit serves the writes that arrived during
// the wait as well, for the price of one; measured with
// BenchmarkWebhookIngest, the replies sent under load rose by about a
// sixth and the ingest did not fall. A writer alone never waits.
//
// A function that fails rolls its group back; the group then runs again
// without it, and it runs once more alone, so its error is its own and it
// cannot fail the others. A function may therefore run more than once.

// defaultGroupSize bounds how many writes share one commit, so one
// transaction's dirty pages stay small.
const defaultGroupSize = 1000

// maxOthers bounds the writes other than Accept in one group: each may be
// a worker's batch of messages, and the Accepts in the group wait for all
// of them.
const maxOthers = 64

// paceMin is the group size from which the committer paces itself.
const paceMin = 8

// pace is how long the committer waits after a commit that took d: 40%
// of it, at most maxPace, so that on a fast disk the wait stays short.
func pace(d time.Duration) time.Duration { return min(d*2/5, maxPace) }

const maxPace = time.Millisecond

// errClosed is returned for writes submitted after Close.
var errClosed = errors.New("bolt: database is closed")

// write is one queued write function and where its result goes.
type write struct {
	ctx  context.Context
	fn   func(*bbolt.Tx) error
	done chan error // buffered: the committer never blocks on it
}

// submit queues fn and waits for the commit that includes it. Cancelling
// ctx abandons a write that is still queued; once its group has started,
// submit waits for the outcome, so an error never hides a commit.
func (db *DB) submit(ctx context.Context, fn func(*bbolt.Tx) error) error {
	return db.queue(ctx, db.writes, fn)
}

// submitFirst is submit for an Accept, which goes ahead of other writes.
func (db *DB) submitFirst(ctx context.Context, fn func(*bbolt.Tx) error) error {
	return db.queue(ctx, db.first, fn)
}

func (db *DB) queue(ctx context.Context, q chan *write, fn func(*bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	w := &write{ctx: ctx, fn: fn, done: make(chan error, 1)}
	db.closeMu.RLock()
	if db.closed {
		db.closeMu.RUnlock()
		return errClosed
	}
	select {
	case q <- w:
		db.closeMu.RUnlock()
	case <-ctx.Done():
		db.closeMu.RUnlock()
		return ctx.Err()
	}
	return <-w.done
}

// commitLoop is the committer goroutine. It returns when the queue is
// closed and drained.
func (db *DB) commitLoop() {
	defer close(db.committed)
	group := make([]*write, 0, db.groupSize)
	first, writes := db.first, db.writes
	for first != nil || writes != nil {
		var w *write
		var ok, other bool
		select {
		case w, ok = <-first:
			if !ok {
				first = nil
				continue
			}
		case w, ok = <-writes:
			if !ok {
				writes = nil
				continue
			}
			other = true
		}
		group = append(group[:0], w)
		others := 0
		if other {
			others++
		}
		group = drain(group, first, db.groupSize)
		for len(group) < db.groupSize && others < maxOthers {
			select {
			case w, ok := <-writes:
				if ok {
					group = append(group, w)
					others++
					continue
				}
			default:
			}
			break
		}
		start := time.Now()
		db.commitGroup(group)
		if len(group) >= paceMin {
			time.Sleep(pace(time.Since(start)))
		}
		clear(group)
	}
}

// drain adds the writes queued on q to group, up to size in all.
func drain(group []*write, q chan *write, size int) []*write {
	for len(group) < size {
		select {
		case w, ok := <-q:
			if !ok {
				return group
			}
			group = append(group, w)
		default:
			return group
		}
	}
	return group
}

// commitGroup runs the writes of one group in one transaction.
func (db *DB) commitGroup(group []*write) {
	live := group[:0:0]
	for _, w := range group {
		if err := w.ctx.Err(); err != nil {
			w.done <- err // abandoned while queued: never ran
			continue
		}
		live = append(live, w)
	}
	var alone []*write
	for len(live) > 0 {
		failed, err := db.runAll(live)
		if failed < 0 {
			for _, w := range live {
				w.done <- err
			}
			break
		}
		alone = append(alone, live[failed])
		live = append(live[:failed:failed], live[failed+1:]...)
	}
	for _, w := range alone {
		_, err := db.runAll([]*write{w})
		w.done <- err
	}
}

// runAll runs ws in one transaction and commits it. When a function fails
// it rolls back and returns that function's index and error; otherwise it
// returns -1 and the commit's error.
func (db *DB) runAll(ws []*write) (int, error) {
	tx, err := db.db.Begin(true)
	if err != nil {
		return -1, err
	}
	for i, w := range ws {
		if err := call(w.fn, tx); err != nil {
			_ = tx.Rollback()
			if len(ws) == 1 {
				return -1, err
			}
			return i, err
		}
	}
	return -1, tx.Commit()
}

// call runs fn, turning a panic into an error: the committer serves every
// writer, so one writer's bug must not take the process down.
func call(fn func(*bbolt.Tx) error, tx *bbolt.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("bolt: write function panicked: %v", p)
		}
	}()
	return fn(tx)
}

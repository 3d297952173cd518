package bolt_test

import (
	"encoding/binary"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"engagebot/bot"
	"engagebot/store/bolt"
)

// The benchmarks measure durable writes (real fsync) with several callers
// at once, one event or record per call. Each one measures the store and
// its reference, bare bbolt Batch puts of 512-byte records at the same
// concurrency, in the same run, and reports the ratio of their rates:
// ratio 1 means the store's group commit, de-duplication, encoding and
// inbox layout together cost nothing against bbolt's own batching.
//
//	go test -run '^$' -bench Accept -benchtime 3s ./store/bolt/

var benchCallers = []int{1, 64, 256}

// runCallers calls fn count times in total from n goroutines and returns
// the calls per second.
func runCallers(b *testing.B, n, count int, fn func(i int64) error) float64 {
	var (
		next int64
		wg   sync.WaitGroup
		errs = make(chan error, n)
	)
	start := time.Now()
	for range n {
		wg.Go(func() {
			for {
				i := atomic.AddInt64(&next, 1)
				if i > int64(count) {
					return
				}
				if err := fn(i); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	return float64(count) / elapsed.Seconds()
}

// benchEvent returns an event whose JSON is about 512 bytes.
func benchEvent(i int64) bot.Event {
	id := strconv.FormatInt(i, 10)
	return bot.Event{
		Platform: bot.PlatformTelegram,
		Account:  "support",
		ID:       id,
		Kind:     bot.EventMessage,
		Chat:     "1000" + id,
		ChatType: bot.ChatPrivate,
		From:     bot.Sender{ID: "1000" + id, Name: "Sara Ahmadi", Username: "sara_a", Lang: "fa"},
		Text:     strings.Repeat("Is vitamin D in stock? ", 11),
		SentAt:   time.Date(2025, 3, 20, 9, 30, 0, 0, time.UTC),
	}
}

func TestBenchEventSize(t *testing.T) {
	n := len(mustJSON(t, benchEvent(123456)))
	if n < 480 || n > 560 {
		t.Fatalf("bench event is %d bytes of JSON, want about 512", n)
	}
}

func BenchmarkAccept(b *testing.B) {
	for _, n := range benchCallers {
		b.Run(fmt.Sprintf("callers=%d", n), func(b *testing.B) {
			db, err := bolt.Open(filepath.Join(b.TempDir(), "bench.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			raw := openRaw(b)
			ctx := b.Context()
			b.ResetTimer()
			store := runCallers(b, n, b.N, func(i int64) error {
				items, err := db.Accept(ctx, []bot.Event{benchEvent(i)}, nil)
				if err == nil && len(items) != 1 {
					err = fmt.Errorf("event %d: stored %d items", i, len(items))
				}
				return err
			})
			ref := runCallers(b, n, b.N, raw.put)
			b.StopTimer()
			b.ReportMetric(store, "writes/s")
			b.ReportMetric(ref, "raw-writes/s")
			b.ReportMetric(store/ref, "ratio")
		})
	}
}

// rawDB is the reference: bare bbolt Batch puts of 512-byte records.
type rawDB struct {
	db     *bbolt.DB
	record []byte
}

var rawBucket = []byte("raw")

func openRaw(b *testing.B) *rawDB {
	db, err := bbolt.Open(filepath.Join(b.TempDir(), "raw.db"), 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.Update(func(tx *bbolt.Tx) error {
		_, err := tx.CreateBucket(rawBucket)
		return err
	}); err != nil {
		b.Fatal(err)
	}
	return &rawDB{db: db, record: []byte(strings.Repeat("r", 512))}
}

func (r *rawDB) put(int64) error {
	return r.db.Batch(func(tx *bbolt.Tx) error {
		bk := tx.Bucket(rawBucket)
		seq, err := bk.NextSequence()
		if err != nil {
			return err
		}
		return bk.Put(binary.BigEndian.AppendUint64(nil, seq), r.record)
	})
}

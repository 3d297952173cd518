package bolt_test

import (
	"encoding/binary"
	"flag"
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
// at once, one event or record per call. BenchmarkRawBatch is the ceiling:
// bare bbolt Batch puts of 512-byte records; BenchmarkAccept stores ~512-byte
// events through the Store, so the ratio of their events/s is the cost of
// de-duplication, encoding and the inbox layout.
//
//	go test -run '^$' -bench . -benchtime 3s ./store/bolt/

var benchCallers = []int{1, 64, 256}

// batchDelay overrides bbolt's batch delay (10ms) in both benchmarks, to
// compare settings: -batch-delay 2ms.
var batchDelay = flag.Duration("batch-delay", 0, "batch delay for the benchmarks (0: bbolt's default)")

// runCallers calls fn b.N times in total from n goroutines.
func runCallers(b *testing.B, n int, fn func(i int64) error) {
	var (
		next int64
		wg   sync.WaitGroup
		errs = make(chan error, n)
	)
	b.ResetTimer()
	for range n {
		wg.Go(func() {
			for {
				i := atomic.AddInt64(&next, 1)
				if i > int64(b.N) {
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
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
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
			db, err := bolt.Open(filepath.Join(b.TempDir(), "bench.db"), bolt.WithBatch(0, *batchDelay))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			ctx := b.Context()
			runCallers(b, n, func(i int64) error {
				items, err := db.Accept(ctx, []bot.Event{benchEvent(i)}, nil)
				if err == nil && len(items) != 1 {
					err = fmt.Errorf("event %d: stored %d items", i, len(items))
				}
				return err
			})
		})
	}
}

func BenchmarkRawBatch(b *testing.B) {
	record := []byte(strings.Repeat("r", 512))
	bucket := []byte("raw")
	for _, n := range benchCallers {
		b.Run(fmt.Sprintf("callers=%d", n), func(b *testing.B) {
			db, err := bbolt.Open(filepath.Join(b.TempDir(), "raw.db"), 0o600, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			if *batchDelay > 0 {
				db.MaxBatchDelay = *batchDelay
			}
			if err := db.Update(func(tx *bbolt.Tx) error {
				_, err := tx.CreateBucket(bucket)
				return err
			}); err != nil {
				b.Fatal(err)
			}
			runCallers(b, n, func(int64) error {
				return db.Batch(func(tx *bbolt.Tx) error {
					bk := tx.Bucket(bucket)
					seq, err := bk.NextSequence()
					if err != nil {
						return err
					}
					return bk.Put(binary.BigEndian.AppendUint64(nil, seq), record)
				})
			})
		})
	}
}

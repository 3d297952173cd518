package bot_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"engagebot/analyze"
	"engagebot/bot"
	"engagebot/store/bolt"
	"engagebot/templates"
)

// benchEvent is an inbound event of about 512 bytes once stored.
func benchEvent(i int64) bot.Event {
	return bot.Event{
		Platform: "fake", Account: "test", ID: fmt.Sprintf("m%012d", i), Kind: bot.EventMessage,
		Chat: fmt.Sprintf("chat-%04d", i%1000), ChatType: bot.ChatPrivate, Addressed: true,
		From: bot.Sender{ID: fmt.Sprintf("user-%04d", i%1000), Name: "سارا محمدی", Username: "sara_m"},
		Text: strings.Repeat("سلام، این شربت سرفه برای بچه‌ها مناسب است؟ ", 4),
	}
}

// BenchmarkAccept measures durable ingest through Engine.Accept (one event
// per call, many concurrent callers as webhook requests are) beside raw
// bbolt batched writes of 512-byte records in the same run, at the same
// concurrency.
func BenchmarkAccept(b *testing.B) {
	for _, callers := range []int{64, 256} {
		b.Run(fmt.Sprintf("engine/callers=%d", callers), func(b *testing.B) {
			db, err := bolt.Open(filepath.Join(b.TempDir(), "b.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			e, _ := bot.NewEngine(bot.Options{Store: db, Analyzer: keywordAnalyzer(), Renderer: Renderer{}})
			var n atomic.Int64
			parallel(b, callers, func() error {
				return e.Accept(context.Background(), []bot.Event{benchEvent(n.Add(1))}, nil)
			})
		})
		b.Run(fmt.Sprintf("raw-bbolt-batch/callers=%d", callers), func(b *testing.B) {
			db, err := bbolt.Open(filepath.Join(b.TempDir(), "raw.db"), 0o600, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			rec := make([]byte, 512)
			var n atomic.Int64
			parallel(b, callers, func() error {
				k := binary.BigEndian.AppendUint64(nil, uint64(n.Add(1)))
				return db.Batch(func(tx *bbolt.Tx) error {
					bk, err := tx.CreateBucketIfNotExists([]byte("r"))
					if err != nil {
						return err
					}
					return bk.Put(k, rec)
				})
			})
		})
	}
}

// parallel runs fn b.N times from callers goroutines and reports msgs/s.
func parallel(b *testing.B, callers int, fn func() error) {
	b.SetParallelism((callers + 1) / 2) // 2 cores here; SetParallelism multiplies by GOMAXPROCS
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := fn(); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkPipeline measures the whole path per message with the real
// analyzer and templates: Accept, analysis, profile, sentiment log, flags,
// rendering, the transaction, and the send to a platform that answers at once.
func BenchmarkPipeline(b *testing.B) {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "p.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	an, err := analyze.New()
	if err != nil {
		b.Fatal(err)
	}
	rd, err := templates.New()
	if err != nil {
		b.Fatal(err)
	}
	e, _ := bot.NewEngine(bot.Options{Store: db, Analyzer: an, Renderer: rd, Workers: 8})
	a := newAdapter("fake")
	e.AddAdapter(a)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- e.Run(ctx) }()
	var n atomic.Int64
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := e.Accept(context.Background(), []bot.Event{benchEvent(n.Add(1))}, nil); err != nil {
				b.Error(err)
				return
			}
		}
	})
	for a.ok.Load() < int64(b.N) {
		time.Sleep(time.Millisecond) // wait for every reply: the figure is end to end
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	cancel()
	<-done
}

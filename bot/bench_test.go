package bot_test

import (
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
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

// rawBatch is the reference the store is measured against: bare bbolt
// db.Batch writes of 512-byte records, one per call.
type rawBatch struct {
	db  *bbolt.DB
	n   atomic.Int64
	rec []byte
}

func openRaw(b *testing.B) *rawBatch {
	db, err := bbolt.Open(filepath.Join(b.TempDir(), "raw.db"), 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return &rawBatch{db: db, rec: make([]byte, 512)}
}

func (r *rawBatch) put() error {
	k := binary.BigEndian.AppendUint64(nil, uint64(r.n.Add(1)))
	return r.db.Batch(func(tx *bbolt.Tx) error {
		bk, err := tx.CreateBucketIfNotExists([]byte("r"))
		if err != nil {
			return err
		}
		return bk.Put(k, r.rec)
	})
}

// BenchmarkAccept measures durable ingest through Engine.Accept (one event
// per call, many concurrent callers as webhook requests are) and, in the
// same run and at the same concurrency, raw bbolt batched writes of
// 512-byte records; it reports both rates and their ratio.
//
//	go test -run '^$' -bench Accept -benchtime 3s ./bot/
func BenchmarkAccept(b *testing.B) {
	for _, callers := range []int{64, 256} {
		b.Run(fmt.Sprintf("callers=%d", callers), func(b *testing.B) {
			db, err := bolt.Open(filepath.Join(b.TempDir(), "b.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			e, _ := bot.NewEngine(bot.Options{Store: db, Analyzer: keywordAnalyzer(), Renderer: Renderer{}})
			raw := openRaw(b)
			var n atomic.Int64
			lat := make([]time.Duration, b.N) // each call's own slot: no lock
			b.ResetTimer()
			engine := callersRate(b, callers, b.N, func() error {
				i := n.Add(1)
				t0 := time.Now()
				err := e.Accept(context.Background(), []bot.Event{benchEvent(i)}, nil)
				lat[i-1] = time.Since(t0)
				return err
			})
			ref := callersRate(b, callers, b.N, raw.put)
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "ms-p50")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "ms-p99")
			b.ReportMetric(engine, "msgs/s")
			b.ReportMetric(ref, "raw-writes/s")
			b.ReportMetric(engine/ref, "ratio")
		})
	}
}

// callersRate runs fn count times from callers goroutines and returns the
// calls per second.
func callersRate(b *testing.B, callers, count int, fn func() error) float64 {
	var (
		next atomic.Int64
		wg   sync.WaitGroup
	)
	start := time.Now()
	for range callers {
		wg.Go(func() {
			for next.Add(1) <= int64(count) {
				if err := fn(); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	return float64(count) / time.Since(start).Seconds()
}

// pipelineWorkers is the engine's bot.workers in the pipeline benchmarks
// (the sample config has 8): -pipeline-workers=32.
var pipelineWorkers = flag.Int("pipeline-workers", 8, "engine workers for the pipeline benchmarks")

// pipelineCallers is how many webhook requests the pipeline benchmarks
// have in flight.
const pipelineCallers = 64

// BenchmarkPipeline measures the whole path per message with the real
// analyzer and templates: Accept, analysis, profile, sentiment log, flags,
// rendering, the transaction, and the send to a platform that answers at
// once, until every reply is sent. In the same run it measures raw bbolt
// batched writes at the same concurrency and reports the ratio.
//
//	go test -run '^$' -bench Pipeline -benchtime 20000x ./bot/
func BenchmarkPipeline(b *testing.B) {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "p.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	e, a := pipelineEngine(b, db, "fake", "test")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- e.Run(ctx) }()
	raw := openRaw(b)
	var n atomic.Int64
	b.ResetTimer()
	start := time.Now()
	callersRate(b, pipelineCallers, b.N, func() error {
		return e.Accept(context.Background(), []bot.Event{benchEvent(n.Add(1))}, nil)
	})
	for a.ok.Load() < int64(b.N) {
		time.Sleep(time.Millisecond) // wait for every reply: the figure is end to end
	}
	pipeline := float64(b.N) / time.Since(start).Seconds()
	cancel()
	<-done
	ref := callersRate(b, pipelineCallers, b.N, raw.put)
	b.StopTimer()
	b.ReportMetric(pipeline, "msgs/s")
	b.ReportMetric(ref, "raw-writes/s")
	b.ReportMetric(pipeline/ref, "ratio")
}

func pipelineEngine(b *testing.B, db bot.Store, platform, account string) (*bot.Engine, *Adapter) {
	an, err := analyze.New()
	if err != nil {
		b.Fatal(err)
	}
	rd, err := templates.New()
	if err != nil {
		b.Fatal(err)
	}
	e, err := bot.NewEngine(bot.Options{Store: db, Analyzer: an, Renderer: rd, Workers: *pipelineWorkers})
	if err != nil {
		b.Fatal(err)
	}
	a := &Adapter{platform: platform, name: account}
	e.AddAdapter(a)
	return e, a
}

// sizeText is a follower's message of about 100 characters: a price
// question, which raises no flag (a flagged message adds the flag, with
// its own copy of the text; -size-flagged measures that one instead).
const sizeText = "سلام، قیمت شربت سرفه کودکان چنده و از کدوم داروخانه‌ها میشه خرید؟ ممنون از پاسخ‌تون و وقتی که میذارید"

// sizeFlaggedText asks for medical advice, which raises a flag.
const sizeFlaggedText = "سلام، من از شربت سرفه شما برای پسرم خریدم. برای بچه‌های زیر شش سال مناسب است؟ ممنون از راهنمایی"

var sizeFlagged = flag.Bool("size-flagged", false, "BenchmarkStoreSize with a message that raises a flag")

// BenchmarkStoreSize reports the bytes a processed message adds to the
// data file after compaction (bbolt's Compact into a new file): its
// stored text with analysis, sentiment record with indexes and counts,
// reply message, outbox item (sent, so trimmed), dedupe key and their
// indexes. Two runs through the real pipeline differ only in messages per
// follower (1 and 11, 200 followers), so profiles and threads cancel out.
//
//	go test -run '^$' -bench StoreSize -benchtime 1x ./bot/
func BenchmarkStoreSize(b *testing.B) {
	const followers = 200
	sizes := map[int]int64{}
	for range b.N {
		for _, per := range []int{1, 11} {
			sizes[per] = pipelineSize(b, followers, per)
		}
	}
	b.ReportMetric(float64(sizes[11]-sizes[1])/float64(followers*10), "bytes/msg")
	b.ReportMetric(float64(sizes[1]), "bytes@200x1")
}

// pipelineSize runs followers*per messages through the pipeline, waits
// until every reply is marked sent, and returns the compacted size.
func pipelineSize(b *testing.B, followers, per int) int64 {
	dir := b.TempDir()
	db, err := bolt.Open(filepath.Join(dir, "s.db"))
	if err != nil {
		b.Fatal(err)
	}
	// Names and ids as Telegram has them: ten-digit user ids, message
	// ids "<chat>:<message>".
	e, _ := pipelineEngine(b, db, "telegram", "support")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- e.Run(ctx) }()
	total := followers * per
	for i := range total {
		user := fmt.Sprint(6_100_000_000 + i%followers)
		ev := bot.Event{
			Platform: "telegram", Account: "support", ID: fmt.Sprintf("%s:%d", user, 1000+i/followers), Kind: bot.EventMessage,
			Chat: user, ChatType: bot.ChatPrivate,
			From: bot.Sender{ID: user, Name: "سارا محمدی", Username: "sara_m", Lang: "fa"},
			Text: sizeText,
		}
		if *sizeFlagged {
			ev.Text = sizeFlaggedText
		}
		if err := e.Accept(ctx, []bot.Event{ev}, nil); err != nil {
			b.Fatal(err)
		}
	}
	for sent := 0; sent < total; time.Sleep(5 * time.Millisecond) {
		err := db.View(ctx, func(tx bot.Tx) error {
			list, err := tx.Outbox(bot.OutSent, 0, 0)
			sent = len(list)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	cancel()
	<-done
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	return compactedSize(b, db.Path(), filepath.Join(dir, "compact.db"))
}

// compactedSize copies src into a new file with bbolt's Compact and
// returns the bytes of its pages in use (the file itself grows in steps).
func compactedSize(b *testing.B, src, dst string) int64 {
	from, err := bbolt.Open(src, 0o600, &bbolt.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer from.Close()
	to, err := bbolt.Open(dst, 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer to.Close()
	if err := bbolt.Compact(to, from, 0); err != nil {
		b.Fatal(err)
	}
	var size int64
	err = to.View(func(tx *bbolt.Tx) error {
		size = tx.Size() - int64(to.Stats().FreePageN)*int64(to.Info().PageSize)
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return size
}

package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"engagebot/adapters/all"
	"engagebot/adapters/telegram/telegramtest"
	"engagebot/config"
)

// BenchmarkWebhookIngest measures Telegram webhook ingest through HTTP at
// 64 connections, beside a bare handler that does one bbolt db.Batch
// write per request, in the same run: b.N requests to each. The service
// answers every message, its replies going to a fake Telegram without
// limits, so replies/s is the pipeline keeping up with its own ingest.
//
//	go test -run '^$' -bench WebhookIngest -benchtime 20000x ./cmd/engagebot/
//
// With -args -ingest.busy=C the bare handler runs beside goroutines that
// keep C cores busy, the CPU the service's pipeline takes beside its own
// ingest, to show what that load alone does to the bare handler's p99.
//
// Reported: req/s and p99 of each, their ratio, the service's replies per
// second while the load lasted and as a share of the bare handler's rate,
// how long the backlog took to drain after it, and the CPU cores the
// process used during each load (load generator and fake included).
func BenchmarkWebhookIngest(b *testing.B) {
	const conns = 64
	stopBusy := keepBusy(*ingestBusy)
	cpu0, t0 := cpuTime(), time.Now()
	bareRate, bareP99 := runLoad(b, conns, b.N, bareBatchServer(b), func(i int) []byte {
		return fmt.Appendf(nil, `{"update_id":%d,"message":{"message_id":%d,"text":"hello"}}`, i, i)
	}, nil)
	bareCores := (cpuTime() - cpu0).Seconds() / time.Since(t0).Seconds()
	stopBusy()

	// The fake keeps no copy of what it is sent: it shares the process,
	// and its history would be the collector's work, not the service's.
	fake := telegramtest.NewServer(b, telegramtest.WithLimits(telegramtest.Limits{}), telegramtest.WithoutHistory())
	m, url := startBenchService(b, fake)
	users := make([]telegramtest.User, 1000)
	for i := range users {
		users[i] = fake.NewUser(fmt.Sprintf("F%04d", i))
	}
	bodies := make([][]byte, b.N)
	for i := range bodies {
		u := users[i%len(users)]
		up := telegramtest.Text(telegramtest.PrivateChat(u), u, []string{"سلام، شربت سرفه تون عالی بود", "Where can I buy your vitamin D?"}[i%2])
		up.UpdateID = i + 1
		bodies[i] = fake.Encode(up)
	}
	sentBefore := fake.SentCount()
	cpu0, start := cpuTime(), time.Now()
	rate, p99 := runLoad(b, conns, b.N, url+"/webhooks/telegram/support", func(i int) []byte { return bodies[i] }, http.Header{
		"X-Telegram-Bot-Api-Secret-Token": {tgSecret},
	})
	loadEnd := time.Since(start)
	cores := (cpuTime() - cpu0).Seconds() / loadEnd.Seconds()
	repliesDuring := fake.SentCount() - sentBefore
	for fake.SentCount()-sentBefore < b.N {
		time.Sleep(10 * time.Millisecond)
	}
	drain := time.Since(start) - loadEnd
	b.StopTimer()
	_ = m

	replyRate := float64(repliesDuring) / loadEnd.Seconds()
	b.ReportMetric(bareRate, "bare_req/s")
	b.ReportMetric(float64(bareP99.Microseconds())/1000, "bare_p99_ms")
	b.ReportMetric(rate, "req/s")
	b.ReportMetric(rate/bareRate, "ratio")
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99_ms")
	b.ReportMetric(replyRate, "replies/s")
	b.ReportMetric(replyRate/bareRate, "replies_ratio")
	b.ReportMetric(drain.Seconds(), "drain_s")
	b.ReportMetric(bareCores, "bare_cores")
	b.ReportMetric(cores, "cores")
}

var ingestBusy = flag.Float64("ingest.busy", 0, "cores kept busy beside BenchmarkWebhookIngest's bare handler")

// keepBusy keeps about cores CPU cores busy, in slices of a millisecond,
// until the returned function is called.
func keepBusy(cores float64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	for n := cores; n > 0; n-- {
		duty := min(n, 1)
		wg.Go(func() {
			spin, rest := time.Millisecond, time.Duration(float64(time.Millisecond)*(1-duty)/duty)
			for {
				select {
				case <-done:
					return
				default:
				}
				for t := time.Now(); time.Since(t) < spin; {
				}
				time.Sleep(rest)
			}
		})
	}
	return func() { close(done); wg.Wait() }
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// runLoad posts n bodies over conns connections and returns requests per
// second and the 99th percentile latency. Every answer must be 200.
func runLoad(b *testing.B, conns, n int, url string, body func(i int) []byte, h http.Header) (float64, time.Duration) {
	b.Helper()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}
	lat := make([]time.Duration, n)
	var next atomic.Int64
	var failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body(i)))
				req.Header.Set("Content-Type", "application/json")
				for k, v := range h {
					req.Header[k] = v
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				lat[i] = time.Since(t0)
				if err != nil {
					failed.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	if f := failed.Load(); f > 0 {
		b.Fatalf("%d of %d requests failed", f, n)
	}
	slices.Sort(lat)
	return float64(n) / took.Seconds(), lat[n*99/100]
}

// bareBatchServer is the reference: an HTTP handler that reads the body
// and writes it to bbolt with db.Batch, then answers 200.
func bareBatchServer(b *testing.B) string {
	db, err := bbolt.Open(filepath.Join(b.TempDir(), "bare.db"), 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.Update(func(tx *bbolt.Tx) error { _, err := tx.CreateBucket([]byte("in")); return err }); err != nil {
		b.Fatal(err)
	}
	var seq atomic.Uint64
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		k := fmt.Appendf(nil, "%016x", seq.Add(1))
		if err := db.Batch(func(tx *bbolt.Tx) error { return tx.Bucket([]byte("in")).Put(k, body) }); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	b.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// startBenchService runs the service in this process (no race detector
// build, as it runs in production) with telegram.support in webhook mode
// on the fake, and returns its base URL.
func startBenchService(b *testing.B, fake *telegramtest.Server) (*Main, string) {
	dir := b.TempDir()
	cfgText := fmt.Sprintf(`
log:
  level: error
data:
  dir: %s
server:
  listen: 127.0.0.1:0
accounts:
  telegram.support:
    token: %s
    api_base: %s
    mode: webhook
    webhook_secret: %s
    rate_limit: "0"
    private_chat_rate_limit: "0"
`, filepath.Join(dir, "data"), fake.Token, fake.URL, tgSecret)
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(cfgText), 0o600); err != nil {
		b.Fatal(err)
	}
	cfg, err := config.Load(path, all.Factories(), config.Getenv)
	if err != nil {
		b.Fatal(err)
	}
	m := &Main{Config: cfg, Logger: slog.New(slog.DiscardHandler)}
	if err := m.Open(); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	b.Cleanup(func() {
		cancel()
		<-done
	})
	return m, "http://" + m.Addr()
}

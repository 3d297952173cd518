package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"engagebot/bot"
	"engagebot/config"
	"engagebot/password"
	"engagebot/store/bolt"
	"engagebot/web"
)

// BenchmarkQueueFirstPage measures the queue's first page, 100 flags, at
// the JSON API with 100,000 open flags in the store (over 20,000 threads),
// through HTTP with an API token, beside the store call it starts with
// (reading every open flag: tx.Flags with status open) in the same run.
//
//	go test -run '^$' -bench QueueFirstPage -benchtime 20x ./cmd/engagebot/
//
// Reported: ms per request of each and their ratio. The API reads its
// page from the store's queue index of open flags; the reference is what
// a page cost before that index: reading every open flag.
func BenchmarkQueueFirstPage(b *testing.B) {
	const flags = queueFlags
	ctx := context.Background()
	db, e := queueBenchEngine(b)
	token, err := e.Actions().CreateToken(ctx, cliActor, "bench", []bot.Role{bot.RoleViewer})
	if err != nil {
		b.Fatal(err)
	}
	auth, err := bot.NewAuth(db, password.New(password.Params{Memory: 1024, Time: 1, Threads: 1}), nil, 0)
	if err != nil {
		b.Fatal(err)
	}
	srv := web.New(web.Options{Engine: e, Auth: auth, Data: db, Actions: e.Actions()})
	ts := httptest.NewServer(srv.Handler())
	b.Cleanup(ts.Close)

	get := func() {
		req, _ := http.NewRequest("GET", ts.URL+"/api/v1/flags?status=open&limit=100", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || n < 1000 {
			b.Fatalf("flags = %d, %d bytes", resp.StatusCode, n)
		}
	}
	read := func() {
		err := db.View(ctx, func(tx bot.Tx) error {
			list, err := tx.Flags(bot.FlagFilter{Status: bot.FlagOpen})
			if len(list) != flags {
				return fmt.Errorf("%d open flags, want %d", len(list), flags)
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	get() // warm: the first request pays for the token's last-use write
	// Turns of one of each, so both see the same load on a shared machine.
	var api, store []time.Duration
	b.ResetTimer()
	for b.Loop() {
		t := time.Now()
		get()
		api = append(api, time.Since(t))
		t = time.Now()
		read()
		store = append(store, time.Since(t))
	}
	b.StopTimer()
	ms := func(d []time.Duration) float64 {
		var sum time.Duration
		for _, x := range d {
			sum += x
		}
		return float64(sum) / float64(len(d)) / 1e6
	}
	p99 := func(d []time.Duration) float64 {
		s := slices.Clone(d)
		slices.Sort(s)
		return float64(s[(len(s)*99)/100]) / 1e6
	}
	b.ReportMetric(ms(api), "api-ms/req")
	b.ReportMetric(p99(api), "api-p99-ms")
	b.ReportMetric(ms(store), "store-read-ms")
	b.ReportMetric(ms(api)/ms(store), "api/store-read")
	b.ReportMetric(0, "ns/op")
}

// queueFlags and queueThreads size the queue benchmarks' store.
const queueFlags, queueThreads = 100_000, 20_000

// queueBenchEngine is a store with queueFlags open flags over queueThreads
// threads, of every reason, and an engine on it, for the queue benchmarks.
func queueBenchEngine(b *testing.B) (*bolt.DB, *bot.Engine) {
	const flags, threads = queueFlags, queueThreads
	ctx := context.Background()
	db, err := bolt.Open(filepath.Join(b.TempDir(), "engagebot.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	reasons := []struct {
		name string
		sev  bot.Severity
	}{
		{bot.SignalAdverseEvent, bot.SeverityCritical}, {bot.SignalLegalThreat, bot.SeverityHigh},
		{bot.IntentComplaint, bot.SeverityMedium}, {bot.IntentHuman, bot.SeverityMedium}, {bot.SignalAbuse, bot.SeverityLow},
	}
	const chunk = 5000
	for from := 0; from < flags; from += chunk {
		err := db.Update(ctx, func(tx bot.Tx) error {
			for i := from; i < from+chunk; i++ {
				k := bot.ThreadKey{Platform: "telegram", Account: "support", Chat: fmt.Sprint(i % threads)}
				fk := bot.FollowerKey{Platform: "telegram", UserID: fmt.Sprint("u", i%threads)}
				if i < threads {
					if err := tx.PutThread(&bot.Thread{Key: k, ChatType: bot.ChatPrivate, Follower: fk, Mode: bot.ModeBot, Created: start}); err != nil {
						return err
					}
					if err := tx.PutFollower(&bot.Follower{Key: fk, Lang: "fa", FirstSeen: start, LastSeen: start}); err != nil {
						return err
					}
				}
				r := reasons[(i*7)%len(reasons)]
				f := &bot.Flag{Thread: k, Follower: fk, MessageID: fmt.Sprint("m", i), Severity: r.sev, Reason: r.name,
					Text: "بعد از مصرف قرص سرم گیج میره و حالت تهوع دارم", Status: bot.FlagOpen,
					Created: start.Add(time.Duration(flags-i) * time.Second)}
				if err := tx.AddFlag(f); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	cfg := config.Default()
	an, err := newAnalyzer(cfg)
	if err != nil {
		b.Fatal(err)
	}
	rd, err := newRenderer(cfg, an.Products())
	if err != nil {
		b.Fatal(err)
	}
	e, err := bot.NewEngine(bot.Options{Store: db, Analyzer: an, Renderer: rd})
	if err != nil {
		b.Fatal(err)
	}
	return db, e
}

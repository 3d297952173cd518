package bot_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"engagebot/bot"
	"engagebot/store/bolt"
	"engagebot/templates"
)

// BenchmarkCampaign sends a campaign to b.N opted-in followers through an
// account without limits: listing, rendering the Persian template per
// recipient, queuing with the (campaign, follower) key, sending and
// recording each outcome. ns/op is per recipient. The reference, in the
// same run on a store of its own, is the bare cost of the store's writes
// of the same size: one transaction per page of 64 recipients, each
// writing a value the size of a recipient, an outbox item and a thread
// message; ratio is the campaign's time over it.
func BenchmarkCampaign(b *testing.B) {
	ctx := context.Background()
	n := b.N
	db, err := bolt.Open(filepath.Join(b.TempDir(), "c.db"))
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	for start := 0; start < n; start += 10_000 {
		err := db.Update(ctx, func(tx bot.Tx) error {
			for i := start; i < min(start+10_000, n); i++ {
				id := fmt.Sprintf("u%08d", i)
				f := &bot.Follower{Key: bot.FollowerKey{Platform: "telegram", UserID: id}, Name: "سارا", Lang: "fa", Messages: 3,
					Consent: bot.ConsentGiven, Interests: map[string]int{"diabetes": 2},
					Chats: []bot.PrivateChat{{Account: "telegram.test", Chat: id, At: now}}}
				if err := tx.PutFollower(f); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	rd, err := templates.New()
	if err != nil {
		b.Fatal(err)
	}
	e, err := bot.NewEngine(bot.Options{Store: db, Analyzer: keywordAnalyzer(), Renderer: rd})
	if err != nil {
		b.Fatal(err)
	}
	a := newAdapter("telegram")
	e.AddAdapter(a)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- e.Run(runCtx) }()
	defer func() { cancel(); <-done; db.Close() }()
	act := e.Actions()
	seg, err := act.CreateSegment(ctx, pr, &bot.Segment{Name: "fa", Rule: bot.Rule{Lang: "fa"}})
	if err != nil {
		b.Fatal(err)
	}
	c, err := act.CreateCampaign(ctx, pr, &bot.Campaign{Name: "bench", Segment: seg.ID, Accounts: []string{"telegram.test"},
		Window: "00:00-24:00", Text: "{{with .Name}}{{.}} عزیز، {{end}}راهنمای تازه‌ی مراقبت از دیابت آماده است."})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	if _, err := act.StartCampaign(ctx, pr, c.ID); err != nil {
		b.Fatal(err)
	}
	for {
		got, err := act.Campaign(ctx, pr, c.ID)
		if err != nil {
			b.Fatal(err)
		}
		if got.State == bot.CampaignDone {
			if got.Progress.Sent != n {
				b.Fatalf("progress %+v, want %d sent", got.Progress, n)
			}
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	took := time.Since(start)
	b.StopTimer()

	ref, err := bolt.Open(filepath.Join(b.TempDir(), "ref.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer ref.Close()
	value := make([]byte, 600) // a recipient, an outbox item and a message
	refStart := time.Now()
	for start := 0; start < n; start += 64 {
		err := ref.Update(ctx, func(tx bot.Tx) error {
			for i := start; i < min(start+64, n); i++ {
				if err := tx.PutMeta(fmt.Sprintf("r%08d", i), string(value)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	refTook := time.Since(refStart)
	b.ReportMetric(float64(took.Nanoseconds())/float64(n), "ns/recipient")
	b.ReportMetric(took.Seconds()/refTook.Seconds(), "ratio")
}

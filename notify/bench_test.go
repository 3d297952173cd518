package notify_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"engagebot/bot"
	"engagebot/store/bolt"
)

// BenchmarkCrisisCheck measures one detector pass over five platforms
// with four weeks of traffic (139,200 records: 40 an hour per platform,
// a quarter of them negative), beside an empty durable transaction on the same store, which
// every pass also commits: the ratio is what looking costs on top.
func BenchmarkCrisisCheck(b *testing.B) {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "e.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 5, 11, 9, 5, 0, 0, time.UTC)
	platforms := []string{"telegram", "instagram", "facebook", "x", "rubika"}
	start := now.AddDate(0, 0, -29)
	for day := start; day.Before(now); day = day.Add(24 * time.Hour) {
		err := db.Update(context.Background(), func(tx bot.Tx) error {
			for _, p := range platforms {
				for i := range 24 * 40 {
					label := bot.SentimentNeutral
					if i%4 == 0 {
						label = bot.SentimentNegative
					}
					r := &bot.SentimentRecord{Platform: p, Account: "a", MessageID: fmt.Sprint(i),
						Thread:    bot.ThreadKey{Platform: p, Account: "a", Chat: fmt.Sprint(i % 300)},
						Sentiment: bot.Sentiment{Label: label, Score: -0.5}, At: day.Add(time.Duration(i) * 90 * time.Second)}
					if err := tx.AddSentiment(r); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	d, err := bot.NewCrisisDetector(bot.CrisisOptions{Store: db, Platforms: platforms, MinCount: 5, Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var check, empty time.Duration
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		if _, err := d.Check(ctx); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := db.Update(ctx, func(bot.Tx) error { return nil }); err != nil {
			b.Fatal(err)
		}
		check += t1.Sub(t0)
		empty += time.Since(t1)
	}
	b.ReportMetric(float64(check.Microseconds())/float64(b.N), "check-µs/op")
	b.ReportMetric(float64(empty.Microseconds())/float64(b.N), "empty-tx-µs/op")
	b.ReportMetric(float64(check)/float64(empty), "check/empty-tx")
}

package bot_test

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"engagebot/bot"
	"engagebot/store/bolt"
	"engagebot/templates"
)

var segmentProfiles = flag.Int("segment.profiles", 1_000_000, "profiles in BenchmarkSegment's store")

// segmentStore builds a store of n profiles: six platforms in turn, Persian
// for 7 in 10, consent given for 4 in 10, revoked for 1 in 10, and two of
// fourteen topics each, so a three-field rule matches about 1 in 100.
func segmentStore(b *testing.B, n int) bot.Store {
	b.Helper()
	db, err := bolt.Open(filepath.Join(b.TempDir(), "seg.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	platforms := []string{"telegram", "rubika", "instagram", "facebook", "x", "webchat"}
	topics := []string{"skin", "hair", "vitamins", "immunity", "children", "pregnancy", "diabetes",
		"bones", "heart", "digestion", "sun care", "iron", "pain", "allergy"}
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	const batch = 20_000
	for start := 0; start < n; start += batch {
		err := db.Update(context.Background(), func(tx bot.Tx) error {
			for i := start; i < min(start+batch, n); i++ {
				f := &bot.Follower{
					Key:  bot.FollowerKey{Platform: platforms[i%6], UserID: fmt.Sprintf("u%08d", i)},
					Name: "سارا", Lang: "fa", Messages: 1 + i%9, Mood: float64(i%21-10) / 10,
					FirstSeen: at, LastSeen: at.Add(time.Duration(i%720) * time.Hour),
					Interests: map[string]int{topics[i%14]: 1 + i%3, topics[(i/14)%14]: 1},
				}
				if i%10 >= 7 {
					f.Lang = "en"
				}
				switch i % 10 {
				case 0, 2, 4, 6:
					f.Consent = bot.ConsentGiven
				case 8:
					f.Consent = bot.ConsentRevoked
				}
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
	return db
}

// BenchmarkSegment counts a segment over -segment.profiles profiles: the
// store's indexed filters (platform, language, consent) choose the
// candidates and the rest of the rule is matched on each. The reference,
// measured in the same run on the same store, reads every profile and
// matches the whole rule on each; ratio is the indexed time over it.
func BenchmarkSegment(b *testing.B) {
	n := *segmentProfiles
	db := segmentStore(b, n)
	rd, err := templates.New()
	if err != nil {
		b.Fatal(err)
	}
	e, err := bot.NewEngine(bot.Options{Store: db, Analyzer: keywordAnalyzer(), Renderer: rd})
	if err != nil {
		b.Fatal(err)
	}
	given := bot.ConsentGiven
	rule := bot.Rule{Platform: "telegram", Lang: "fa", Interests: []string{"diabetes"}, Consent: &given}
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	scanAll := func() int {
		count := 0
		filter := bot.FollowerFilter{Limit: 4096}
		for {
			var page []*bot.Follower
			if err := db.View(context.Background(), func(tx bot.Tx) (err error) {
				page, err = tx.Followers(filter)
				return err
			}); err != nil {
				b.Fatal(err)
			}
			for _, f := range page {
				if rule.Match(f, false, now) {
					count++
				}
			}
			if len(page) < filter.Limit {
				return count
			}
			filter.After = page[len(page)-1].Key
		}
	}
	indexed := func() int {
		count := 0
		if err := e.EachInSegment(context.Background(), rule, now, func(*bot.Follower) bool { count++; return true }); err != nil {
			b.Fatal(err)
		}
		return count
	}
	// The reference, timed three times (the best counts: the page cache is
	// as warm for it as for the loop); the loop times the indexed way.
	var want int
	ref := time.Duration(1 << 62)
	for range 3 {
		t0 := time.Now()
		want = scanAll()
		ref = min(ref, time.Since(t0))
	}
	if want == 0 {
		b.Fatal("the rule matches nobody: the store is not what the benchmark means")
	}
	b.ResetTimer()
	for b.Loop() {
		if got := indexed(); got != want {
			b.Fatalf("indexed count %d, full scan %d", got, want)
		}
	}
	per := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(n), "profiles")
	b.ReportMetric(float64(want), "matched")
	b.ReportMetric(float64(per.Microseconds())/1000, "ms/segment")
	b.ReportMetric(float64(ref.Microseconds())/1000, "ms/full-scan")
	b.ReportMetric(float64(per)/float64(ref), "ratio")
}

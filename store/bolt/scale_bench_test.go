package bolt

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"engagebot/bot"
)

// Benchmarks at scale: a million messages for retention purging, a million
// sentiment records for series, a million profiles for filters. Each
// builds its file once (unsynced, in large transactions) and then measures
// the operation with real fsync.
//
//	go test -run '^$' -bench 'Purge|Series|Followers|ProfileSize' -benchtime 1x ./store/bolt/

const scaleRecords = 1_000_000

var scaleBase = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// build fills a new database with n calls of put, in transactions of
// 20,000 without fsync (the figures are about reading and deleting).
func build(b *testing.B, n int, put func(tx *Tx, i int) error) *DB {
	b.Helper()
	db, err := Open(filepath.Join(b.TempDir(), "scale.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	db.db.NoSync = true
	const step = 20_000
	for i := 0; i < n; i += step {
		err := db.db.Update(func(btx *bbolt.Tx) error {
			tx := &Tx{tx: btx, now: db.now}
			for j := i; j < min(i+step, n); j++ {
				if err := put(tx, j); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	db.db.NoSync = false
	// Put the build on disk now, so the first measured commit does not
	// flush it.
	if err := db.db.Sync(); err != nil {
		b.Fatal(err)
	}
	return db
}

const scaleText = "سلام، من از شربت سرفه شما برای پسرم خریدم. برای بچه‌های زیر شش سال مناسب است؟ ممنون از راهنمایی"

// purgeChunks adds chunk sizes to BenchmarkPurge, to choose
// maintenanceChunk: -purge-chunks 100,200.
var purgeChunks = flag.String("purge-chunks", "", "more chunk sizes for BenchmarkPurge, comma-separated")

// BenchmarkPurge builds 1,000,000 messages (10,000 a day for 100 days,
// 20,000 threads) and purges ten days (100,000 messages) per chunk size,
// each on the next ten days, reporting how long each chunk held the
// writer (its whole write: work, commit and fsync): ms/chunk-max must
// stay under 10 for the chunk size in use (maintenanceChunk). Beside each
// chunk it times a lone Accept (ms/ref-commit): the commit and fsync every
// write pays in the same conditions.
func BenchmarkPurge(b *testing.B) {
	db := build(b, scaleRecords, func(tx *Tx, i int) error {
		user := fmt.Sprint(6_100_000_000 + i%20_000)
		return tx.AddMessage(&bot.Message{
			Thread:    bot.ThreadKey{Platform: bot.PlatformTelegram, Account: "support", Chat: user},
			Direction: bot.DirIn, PlatformID: fmt.Sprintf("%s:%d", user, i), Kind: bot.EventMessage,
			Follower: bot.FollowerKey{Platform: bot.PlatformTelegram, UserID: user}, Author: "سارا محمدی",
			Text: scaleText, Lang: bot.LangFa,
			Analysis: &bot.Analysis{Lang: bot.LangFa, Sentiment: bot.Sentiment{Label: bot.SentimentNeutral}, Intent: bot.IntentProductQuestion},
			At:       scaleBase.Add(time.Duration(i) * (100 * 24 * time.Hour / scaleRecords)),
		})
	})
	chunks := []int{maintenanceChunk}
	for _, f := range strings.Split(*purgeChunks, ",") {
		if n, err := strconv.Atoi(f); err == nil {
			chunks = append(chunks, n)
		}
	}
	days := 0
	for _, chunk := range chunks {
		b.Run(fmt.Sprintf("chunk=%d", chunk), func(b *testing.B) {
			for range b.N {
				if days >= 100 {
					b.Skip("no messages left to purge")
				}
				days += 10
				cutoff := appendTime(nil, scaleBase.AddDate(0, 0, days))
				var chunks, work, ref []time.Duration
				total := 0
				start := time.Now()
				for {
					var n int
					t0 := time.Now()
					err := db.submit(context.Background(), func(btx *bbolt.Tx) (err error) {
						t1 := time.Now()
						n, err = (&Tx{tx: btx, now: db.now}).purgeMessages(cutoff, chunk)
						work = append(work, time.Since(t1))
						return err
					})
					if err != nil {
						b.Fatal(err)
					}
					chunks = append(chunks, time.Since(t0))
					total += n
					// The reference: a lone webhook's commit, in the
					// same conditions.
					t0 = time.Now()
					if _, err := db.Accept(context.Background(), []bot.Event{{Platform: "telegram", Account: "support",
						ID: fmt.Sprintf("ref-%d-%d", chunk, len(ref)), Kind: bot.EventMessage, Chat: "1"}}, nil); err != nil {
						b.Fatal(err)
					}
					ref = append(ref, time.Since(t0))
					if n < chunk {
						break
					}
				}
				elapsed := time.Since(start)
				if total != scaleRecords/10 {
					b.Fatalf("purged %d, want %d", total, scaleRecords/10)
				}
				slices.Sort(chunks)
				slices.Sort(work)
				slices.Sort(ref)
				b.ReportMetric(float64(ref[len(ref)/2].Microseconds())/1000, "ms/ref-commit-p50")
				b.ReportMetric(float64(ref[len(ref)*99/100].Microseconds())/1000, "ms/ref-commit-p99")
				b.ReportMetric(float64(work[len(work)*99/100].Microseconds())/1000, "ms/work-p99")
				b.ReportMetric(float64(chunks[len(chunks)-1].Microseconds())/1000, "ms/chunk-max")
				b.ReportMetric(float64(chunks[len(chunks)*99/100].Microseconds())/1000, "ms/chunk-p99")
				b.ReportMetric(float64(chunks[len(chunks)/2].Microseconds())/1000, "ms/chunk-p50")
				b.ReportMetric(float64(total)/elapsed.Seconds(), "msgs/s")
			}
		})
	}
}

// BenchmarkSentimentSeries answers a 90-day daily series (and an hourly
// one of a week) over 1,000,000 records spread over 100 days on three
// platforms; the reference is reading the same 90 days' records through
// SentimentByDay, which is what a series cost before the counts.
func BenchmarkSentimentSeries(b *testing.B) {
	platforms := []string{bot.PlatformTelegram, bot.PlatformInstagram, bot.PlatformX}
	labels := []string{bot.SentimentPositive, bot.SentimentNeutral, bot.SentimentNegative}
	db := build(b, scaleRecords, func(tx *Tx, i int) error {
		user := fmt.Sprint(6_100_000_000 + i%20_000)
		p := platforms[i%3]
		return tx.AddSentiment(&bot.SentimentRecord{
			Platform: p, Account: "support", Follower: bot.FollowerKey{Platform: p, UserID: user},
			Thread:    bot.ThreadKey{Platform: p, Account: "support", Chat: user},
			MessageID: fmt.Sprintf("%s:%d", user, i), Lang: bot.LangFa,
			Sentiment: bot.Sentiment{Label: labels[i%7%3], Score: 0.5}, Intent: bot.IntentProductQuestion,
			At: scaleBase.Add(time.Duration(i) * (100 * 24 * time.Hour / scaleRecords)),
		})
	})
	from, to := scaleBase.AddDate(0, 0, 5), scaleBase.AddDate(0, 0, 95)
	want := 0
	for _, run := range []struct {
		name, platform string
		from, to       time.Time
		step           bot.Step
		buckets        int
	}{
		{"90days/all", "", from, to, bot.StepDay, 90},
		{"90days/telegram", bot.PlatformTelegram, from, to, bot.StepDay, 90},
		{"7days-hourly/all", "", from, from.AddDate(0, 0, 7), bot.StepHour, 7 * 24},
	} {
		b.Run(run.name, func(b *testing.B) {
			for range b.N {
				var got []bot.SentimentBucket
				err := db.View(context.Background(), func(tx bot.Tx) (err error) {
					got, err = tx.SentimentSeries(run.platform, run.from, run.to, run.step)
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
				volume := 0
				for _, bk := range got {
					volume += bk.Volume
				}
				if len(got) != run.buckets || volume == 0 {
					b.Fatalf("%d buckets, volume %d", len(got), volume)
				}
				if run.name == "90days/all" {
					want = volume
				}
			}
		})
	}
	b.Run("reference-read-90days", func(b *testing.B) {
		for range b.N {
			var n int
			err := db.View(context.Background(), func(tx bot.Tx) error {
				recs, err := tx.SentimentByDay("", from, to, 0)
				n = len(recs)
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
			if want > 0 && n != want {
				b.Fatalf("read %d records, the series counted %d", n, want)
			}
		}
	})
}

// BenchmarkFollowers lists one page of 1,000 profiles by filter from
// 1,000,000 (a third Persian, a sixth with consent given).
func BenchmarkFollowers(b *testing.B) {
	given := bot.ConsentGiven
	db := build(b, scaleRecords, func(tx *Tx, i int) error {
		f := scaleFollower(i)
		return tx.PutFollower(f)
	})
	for _, run := range []struct {
		name   string
		filter bot.FollowerFilter
	}{
		{"lang", bot.FollowerFilter{Lang: bot.LangFa, Limit: 1000}},
		{"consent", bot.FollowerFilter{Consent: &given, Limit: 1000}},
		{"lang+consent", bot.FollowerFilter{Lang: bot.LangFa, Consent: &given, Limit: 1000}},
		{"platform+lang+consent", bot.FollowerFilter{Platform: bot.PlatformInstagram, Lang: bot.LangFa, Consent: &given, Limit: 1000}},
	} {
		b.Run(run.name, func(b *testing.B) {
			for range b.N {
				var n int
				err := db.View(context.Background(), func(tx bot.Tx) error {
					list, err := tx.Followers(run.filter)
					n = len(list)
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
				if n != 1000 {
					b.Fatalf("listed %d, want 1000", n)
				}
			}
		})
	}
}

func scaleFollower(i int) *bot.Follower {
	platforms := []string{bot.PlatformTelegram, bot.PlatformInstagram}
	langs := []string{bot.LangFa, bot.LangEn, bot.LangOther}
	consents := []bot.Consent{bot.ConsentGiven, bot.ConsentUnknown, bot.ConsentRevoked}
	seen := scaleBase.Add(time.Duration(i) * time.Second)
	f := &bot.Follower{
		Key:  bot.FollowerKey{Platform: platforms[i%2], UserID: fmt.Sprint(6_100_000_000 + i)},
		Name: "سارا محمدی", Username: "sara_mohammadi", Lang: langs[i%3],
		FirstSeen: seen, LastSeen: seen.Add(72 * time.Hour), Messages: 12, Mood: 0.3123456789,
		Interests: map[string]int{"vitamins": 3, "cough": 1},
	}
	if c := consents[i%5%3]; c != bot.ConsentUnknown {
		f.SetConsent(c, seen.Add(time.Hour))
	}
	return f
}

// BenchmarkProfileSize reports the bytes a follower profile (name,
// username, language, two interests, consent) and its index entries add
// to the file after compaction, from 20,000 of them against an empty file.
func BenchmarkProfileSize(b *testing.B) {
	const n = 20_000
	for range b.N {
		empty := compacted(b, build(b, 0, nil))
		full := compacted(b, build(b, n, func(tx *Tx, i int) error { return tx.PutFollower(scaleFollower(i)) }))
		b.ReportMetric(float64(full-empty)/n, "bytes/profile")
	}
}

// compacted closes db, copies it with bbolt's Compact into a new file
// and returns the bytes of that file's pages in use.
func compacted(b *testing.B, db *DB) int64 {
	b.Helper()
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	src, err := bbolt.Open(db.path, 0o600, &bbolt.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	dst, err := bbolt.Open(filepath.Join(b.TempDir(), "compact.db"), 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer dst.Close()
	if err := bbolt.Compact(dst, src, 0); err != nil {
		b.Fatal(err)
	}
	var size int64
	err = dst.View(func(tx *bbolt.Tx) error {
		size = tx.Size() - int64(dst.Stats().FreePageN)*int64(dst.Info().PageSize)
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return size
}

package storetest

import (
	"fmt"
	"testing"
	"time"

	"engagebot/bot"
)

func sentiment(platform string, f bot.FollowerKey, at time.Time) *bot.SentimentRecord {
	return &bot.SentimentRecord{
		Platform:  platform,
		Account:   "support",
		Follower:  f,
		Thread:    bot.ThreadKey{Platform: platform, Account: "support", Chat: f.UserID},
		MessageID: "m-" + at.Format(time.RFC3339Nano),
		Lang:      bot.LangFa,
		Sentiment: bot.Sentiment{Label: bot.SentimentPositive, Score: 0.75},
		Intent:    bot.IntentPraise,
		Signals:   []string{bot.SignalSpam},
		At:        at,
	}
}

func testSentiment(t *testing.T, open func(t *testing.T) bot.Store) {
	a := bot.FollowerKey{Platform: "telegram", UserID: "1"}
	b := bot.FollowerKey{Platform: "telegram", UserID: "2"}
	c := bot.FollowerKey{Platform: "x", UserID: "1"}
	ns := time.Nanosecond

	// The log, added out of time order; names are platform/follower@time.
	type rec struct {
		name     string
		platform string
		f        bot.FollowerKey
		at       time.Time
	}
	log := []rec{
		{"t/a@d1+12h", "telegram", a, day(1).Add(12 * time.Hour)},
		{"t/a@d0", "telegram", a, day(0)},
		{"x/c@d1", "x", c, day(1)},
		{"t/b@d1-1ns", "telegram", b, day(1).Add(-ns)},
		{"t/b@d1", "telegram", b, day(1)},
		{"t/a@d2-1ns", "telegram", a, day(2).Add(-ns)},
		{"x/c@d2", "x", c, day(2)},
		{"t/a@d-1", "telegram", a, day(-1).Add(23 * time.Hour)},
	}
	load := func(t *testing.T) (bot.Store, map[uint64]string) {
		s := open(t)
		names := map[uint64]string{}
		mustUpdate(t, s, func(tx bot.Tx) error {
			clear(names)
			for _, r := range log {
				sr := sentiment(r.platform, r.f, r.at)
				if err := tx.AddSentiment(sr); err != nil {
					return err
				}
				names[sr.Seq] = r.name
			}
			return nil
		})
		return s, names
	}
	nameOf := func(names map[uint64]string, recs []*bot.SentimentRecord) []string {
		return ids(recs, func(r *bot.SentimentRecord) string { return names[r.Seq] })
	}

	t.Run("OK", func(t *testing.T) {
		s := open(t)
		r := sentiment("telegram", a, day(0).Add(time.Hour))
		mustUpdate(t, s, func(tx bot.Tx) error { return tx.AddSentiment(r) })
		if r.Seq == 0 {
			t.Fatal("Seq not assigned")
		}
		mustView(t, s, func(tx bot.Tx) error {
			got, err := tx.SentimentByDay("telegram", day(0), day(1), 0)
			equal(t, "records", got, []*bot.SentimentRecord{r})
			return err
		})
	})

	t.Run("ByDay", func(t *testing.T) {
		s, names := load(t)
		mustView(t, s, func(tx bot.Tx) error {
			for i, tc := range []struct {
				platform string
				from, to time.Time
				limit    int
				want     []string
			}{
				{"telegram", day(1), day(2), 0, []string{"t/b@d1", "t/a@d1+12h", "t/a@d2-1ns"}},
				{"", day(1), day(2), 0, []string{"x/c@d1", "t/b@d1", "t/a@d1+12h", "t/a@d2-1ns"}},
				{"x", day(1), day(2), 0, []string{"x/c@d1"}},
				{"", day(0), day(1), 0, []string{"t/a@d0", "t/b@d1-1ns"}},
				{"telegram", day(-1), day(3), 0, []string{"t/a@d-1", "t/a@d0", "t/b@d1-1ns", "t/b@d1", "t/a@d1+12h", "t/a@d2-1ns"}},
				{"telegram", day(-1), day(3), 2, []string{"t/a@d-1", "t/a@d0"}},
				{"", day(1), day(3), 3, []string{"x/c@d1", "t/b@d1", "t/a@d1+12h"}},
				{"facebook", day(-1), day(3), 0, []string{}},
				{"tele", day(-1), day(3), 0, []string{}},
				{"", day(1), day(1), 0, []string{}},
				{"", day(2), day(1), 0, []string{}},
				// Another zone names the same instants.
				{"x", day(2).In(time.FixedZone("IRST", 3*3600+1800)), day(3), 0, []string{"x/c@d2"}},
			} {
				got, err := tx.SentimentByDay(tc.platform, tc.from, tc.to, tc.limit)
				if err != nil {
					return err
				}
				equal(t, fmt.Sprintf("case %d: SentimentByDay(%q, %s, %s, %d)", i, tc.platform, tc.from, tc.to, tc.limit),
					nameOf(names, got), tc.want)
			}
			return nil
		})
	})

	t.Run("ByFollower", func(t *testing.T) {
		s, names := load(t)
		mustView(t, s, func(tx bot.Tx) error {
			for i, tc := range []struct {
				f        bot.FollowerKey
				from, to time.Time
				limit    int
				want     []string
			}{
				{a, day(-5), day(5), 0, []string{"t/a@d-1", "t/a@d0", "t/a@d1+12h", "t/a@d2-1ns"}},
				{a, day(0), day(2), 0, []string{"t/a@d0", "t/a@d1+12h", "t/a@d2-1ns"}},
				{a, day(0), day(2), 1, []string{"t/a@d0"}},
				{b, day(1), day(2), 0, []string{"t/b@d1"}},
				{c, day(-5), day(5), 0, []string{"x/c@d1", "x/c@d2"}},
				{bot.FollowerKey{Platform: "x", UserID: "2"}, day(-5), day(5), 0, []string{}},
			} {
				got, err := tx.SentimentByFollower(tc.f, tc.from, tc.to, tc.limit)
				if err != nil {
					return err
				}
				equal(t, fmt.Sprintf("case %d: SentimentByFollower(%s, %s, %s, %d)", i, tc.f, tc.from, tc.to, tc.limit),
					nameOf(names, got), tc.want)
			}
			return nil
		})
	})
}

func testSentimentSeries(t *testing.T, open func(t *testing.T) bot.Store) {
	a := bot.FollowerKey{Platform: "telegram", UserID: "1"}
	b := bot.FollowerKey{Platform: "telegram", UserID: "2"}
	c := bot.FollowerKey{Platform: "x", UserID: "1"}
	rec := func(f bot.FollowerKey, label string, score float64, at time.Time) *bot.SentimentRecord {
		r := sentiment(f.Platform, f, at)
		r.Sentiment = bot.Sentiment{Label: label, Score: score}
		return r
	}
	pos, neu, neg := bot.SentimentPositive, bot.SentimentNeutral, bot.SentimentNegative
	log := []*bot.SentimentRecord{
		rec(a, pos, 0.5, day(-1).Add(23*time.Hour)),
		rec(a, pos, 0.75, day(0)),
		rec(b, neg, -0.5, day(0).Add(10*time.Hour+30*time.Minute)),
		rec(a, neu, 0, day(1).Add(23*time.Hour+59*time.Minute)),
		rec(c, pos, 0.25, day(1).Add(12*time.Hour)),
		rec(b, neg, -1, day(2)),
	}
	load := func(t *testing.T) bot.Store {
		s := open(t)
		mustUpdate(t, s, func(tx bot.Tx) error {
			for _, r := range log {
				cp := *r
				if err := tx.AddSentiment(&cp); err != nil {
					return err
				}
			}
			return nil
		})
		return s
	}
	bucket := func(start time.Time, p, n, g int, sum float64) bot.SentimentBucket {
		return bot.SentimentBucket{Start: start, Positive: p, Neutral: n, Negative: g, Volume: p + n + g, ScoreSum: sum}
	}
	tehran := time.FixedZone("IRST", 3*3600+1800)
	tehranDay0 := time.Date(2025, 3, 20, 0, 0, 0, 0, tehran)

	t.Run("OK", func(t *testing.T) {
		s := load(t)
		hours := make([]bot.SentimentBucket, 12)
		for i := range hours {
			hours[i] = bucket(day(0).Add(time.Duration(i)*time.Hour), 0, 0, 0, 0)
		}
		hours[0] = bucket(day(0), 1, 0, 0, 0.75)
		hours[10] = bucket(day(0).Add(10*time.Hour), 0, 0, 1, -0.5)
		mustView(t, s, func(tx bot.Tx) error {
			for i, tc := range []struct {
				platform string
				from, to time.Time
				step     bot.Step
				want     []bot.SentimentBucket
			}{
				{"telegram", day(0), day(2), bot.StepDay, []bot.SentimentBucket{
					bucket(day(0), 1, 0, 1, 0.25), bucket(day(1), 0, 1, 0, 0)}},
				{"", day(0), day(2), bot.StepDay, []bot.SentimentBucket{
					bucket(day(0), 1, 0, 1, 0.25), bucket(day(1), 1, 1, 0, 0.25)}},
				{"x", day(-1), day(1), bot.StepDay, []bot.SentimentBucket{
					bucket(day(-1), 0, 0, 0, 0), bucket(day(0), 0, 0, 0, 0)}},
				{"facebook", day(0), day(1), bot.StepDay, []bot.SentimentBucket{bucket(day(0), 0, 0, 0, 0)}},
				{"telegram", day(0), day(0).Add(12 * time.Hour), bot.StepHour, hours},
				// Days of Tehran (UTC+3:30) start at its midnight.
				{"telegram", tehranDay0, tehranDay0.AddDate(0, 0, 2), bot.StepDay, []bot.SentimentBucket{
					bucket(tehranDay0, 2, 0, 1, 0.75), bucket(tehranDay0.AddDate(0, 0, 1), 0, 0, 0, 0)}},
				{"telegram", day(1), day(1), bot.StepDay, nil},
				{"telegram", day(1), day(0), bot.StepDay, nil},
			} {
				got, err := tx.SentimentSeries(tc.platform, tc.from, tc.to, tc.step)
				if err != nil {
					return err
				}
				equal(t, fmt.Sprintf("case %d: SentimentSeries(%q, %s, %s, %d)", i, tc.platform, tc.from, tc.to, tc.step), got, tc.want)
			}
			return nil
		})
	})

	// The counts follow the log: an erased follower's records leave them,
	// and a rolled-back record never enters them.
	t.Run("ErasureAndRollback", func(t *testing.T) {
		s := load(t)
		mustUpdate(t, s, func(tx bot.Tx) error { return tx.DeleteFollower(b) })
		err := s.Update(t.Context(), func(tx bot.Tx) error {
			if err := tx.AddSentiment(rec(a, neg, -1, day(0).Add(time.Hour))); err != nil {
				return err
			}
			return errRollback
		})
		if err == nil {
			t.Fatal("Update returned no error")
		}
		mustView(t, s, func(tx bot.Tx) error {
			got, err := tx.SentimentSeries("telegram", day(0), day(3), bot.StepDay)
			equal(t, "series", got, []bot.SentimentBucket{
				bucket(day(0), 1, 0, 0, 0.75), bucket(day(1), 0, 1, 0, 0), bucket(day(2), 0, 0, 0, 0)})
			return err
		})
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		s := open(t)
		mustView(t, s, func(tx bot.Tx) error {
			_, err := tx.SentimentSeries("", day(0), day(1), bot.Step(0))
			wantCode(t, err, bot.EINVALID)
			_, err = tx.SentimentSeries("", day(0), day(bot.MaxSeriesBuckets+1), bot.StepDay)
			wantCode(t, err, bot.EINVALID)
			return nil
		})
	})
}

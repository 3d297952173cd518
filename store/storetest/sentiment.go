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

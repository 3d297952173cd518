package storetest

import (
	"fmt"
	"testing"
	"time"

	"engagebot/bot"
)

func testLabel(t *testing.T, open func(t *testing.T) bot.Store) {
	f := bot.FollowerKey{Platform: "telegram", UserID: "1"}
	k := bot.ThreadKey{Platform: "telegram", Account: "support", Chat: "1"}
	at := base.Add(10*time.Hour + 5*time.Minute)
	// load stores a thread with one analysed inbound message (negative)
	// and its sentiment record, as processing does, and returns its seq.
	load := func(t *testing.T) (bot.Store, uint64) {
		s := open(t)
		var seq uint64
		mustUpdate(t, s, func(tx bot.Tx) error {
			if err := tx.PutThread(thread(k.Platform, k.Account, k.Chat, f)); err != nil {
				return err
			}
			m := message(k, f, "the syrup gave me a rash", at)
			if err := tx.AddMessage(m); err != nil {
				return err
			}
			seq = m.Seq
			r := sentiment(k.Platform, f, at)
			r.Thread, r.MessageID, r.Sentiment = k, m.PlatformID, bot.Sentiment{Label: bot.SentimentNegative, Score: -0.5}
			return tx.AddSentiment(r)
		})
		return s, seq
	}
	hour := func(t *testing.T, s bot.Store) string {
		t.Helper()
		var got string
		mustView(t, s, func(tx bot.Tx) error {
			for _, p := range []string{"telegram", ""} {
				bs, err := tx.SentimentSeries(p, base.Add(10*time.Hour), base.Add(11*time.Hour), bot.StepHour)
				if err != nil {
					return err
				}
				b := bs[0]
				got += fmt.Sprintf("%q: pos %d neu %d neg %d vol %d sum %.2f; ", p, b.Positive, b.Neutral, b.Negative, b.Volume, b.ScoreSum)
			}
			return nil
		})
		return got
	}
	counts := func(pos, neu, neg int) string {
		s := ""
		for _, p := range []string{"telegram", ""} {
			s += fmt.Sprintf("%q: pos %d neu %d neg %d vol 1 sum -0.50; ", p, pos, neu, neg)
		}
		return s
	}

	t.Run("OK", func(t *testing.T) {
		s, seq := load(t)
		equal(t, "counts before", hour(t, s), counts(0, 0, 1))
		o := &bot.LabelOverride{Thread: k, Message: seq, Follower: f, Label: bot.SentimentPositive,
			Machine: bot.Sentiment{Label: bot.SentimentNegative, Score: -0.5}, By: "sara", At: base.Add(11 * time.Hour)}
		mustUpdate(t, s, func(tx bot.Tx) error { return tx.SetLabel(o) })
		equal(t, "counts after the override", hour(t, s), counts(1, 0, 0))
		o2 := *o
		o2.Label, o2.By = bot.SentimentNeutral, "reza"
		mustUpdate(t, s, func(tx bot.Tx) error { return tx.SetLabel(&o2) })
		equal(t, "counts after a second override", hour(t, s), counts(0, 1, 0))
		mustView(t, s, func(tx bot.Tx) error {
			got, err := tx.Labels(k)
			equal(t, "labels", got, []*bot.LabelOverride{&o2})
			msgs, err2 := tx.Messages(k, 0, 0)
			if err2 == nil && msgs[0].Analysis.Sentiment.Label != bot.SentimentNegative {
				t.Errorf("message's machine label = %q, want it kept", msgs[0].Analysis.Sentiment.Label)
			}
			recs, err3 := tx.SentimentByFollower(f, base, base.AddDate(0, 0, 1), 0)
			if err3 == nil && (len(recs) != 1 || recs[0].Sentiment.Label != bot.SentimentNegative) {
				t.Errorf("records %s: want the machine's label kept", dump(recs))
			}
			for _, e := range []error{err, err2, err3} {
				if e != nil {
					return e
				}
			}
			return nil
		})
		var n int
		mustUpdate(t, s, func(tx bot.Tx) (err error) {
			n, err = tx.DeleteFollowerLabels(f)
			return err
		})
		if n != 1 {
			t.Errorf("DeleteFollowerLabels = %d, want 1", n)
		}
		equal(t, "counts after the overrides are deleted", hour(t, s), counts(0, 0, 1))
		mustView(t, s, func(tx bot.Tx) error {
			got, err := tx.Labels(k)
			if len(got) != 0 {
				t.Errorf("labels after delete: %s", dump(got))
			}
			return err
		})
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		s, seq := load(t)
		for i, o := range []*bot.LabelOverride{
			{Thread: k, Message: seq + 1, Follower: f, Label: bot.SentimentPositive, By: "sara"},
			{Thread: bot.ThreadKey{Platform: "telegram", Account: "support", Chat: "2"}, Message: seq, Follower: f, Label: bot.SentimentPositive, By: "sara"},
		} {
			err := s.Update(t.Context(), func(tx bot.Tx) error { return tx.SetLabel(o) })
			if bot.ErrorCode(err) != bot.ENOTFOUND {
				t.Errorf("%d: SetLabel = %v, want not found", i, err)
			}
		}
		// A message without a sentiment record (an outbound one) has no
		// count to move.
		var out uint64
		mustUpdate(t, s, func(tx bot.Tx) error {
			m := outMessage(k, f, "sorry to hear", at)
			err := tx.AddMessage(m)
			out = m.Seq
			return err
		})
		err := s.Update(t.Context(), func(tx bot.Tx) error {
			return tx.SetLabel(&bot.LabelOverride{Thread: k, Message: out, Follower: f, Label: bot.SentimentPositive, By: "sara"})
		})
		wantCode(t, err, bot.ENOTFOUND)
		equal(t, "counts after refused overrides", hour(t, s), counts(0, 0, 1))
	})
}

func testFollowerThreads(t *testing.T, open func(t *testing.T) bot.Store) {
	s := open(t)
	a := bot.FollowerKey{Platform: "telegram", UserID: "1"}
	b := bot.FollowerKey{Platform: "telegram", UserID: "2"}
	group := thread("telegram", "support", "g1", b)
	group.ChatType = bot.ChatGroup
	mustUpdate(t, s, func(tx bot.Tx) error {
		for _, th := range []*bot.Thread{thread("telegram", "support", "1", a), thread("telegram", "support", "2", b), group} {
			if err := tx.PutThread(th); err != nil {
				return err
			}
		}
		for _, m := range []*bot.Message{
			message(group.Key, a, "hi all", base), message(group.Key, a, "again", base.Add(time.Second)),
			message(group.Key, b, "hello", base), message(bot.ThreadKey{Platform: "telegram", Account: "support", Chat: "1"}, a, "me", base),
		} {
			if err := tx.AddMessage(m); err != nil {
				return err
			}
		}
		return nil
	})
	mustView(t, s, func(tx bot.Tx) error {
		got, err := tx.FollowerThreads(a)
		if err != nil {
			return err
		}
		equal(t, "a's threads", got, []bot.ThreadKey{{Platform: "telegram", Account: "support", Chat: "1"}, group.Key})
		none, err := tx.FollowerThreads(bot.FollowerKey{Platform: "x", UserID: "1"})
		if len(none) != 0 {
			t.Errorf("an unknown follower's threads: %v", none)
		}
		return err
	})
}

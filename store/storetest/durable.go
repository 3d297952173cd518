package storetest

import (
	"testing"
	"time"

	"engagebot/bot"
)

// RunDurable checks that a store keeps everything across Close and a new
// open. open opens the store kept in dir, creating it when dir is empty,
// and arranges for it to be closed when the test ends; the suite also
// closes it itself, so Close must be safe to call twice.
func RunDurable(t *testing.T, open func(t *testing.T, dir string) bot.Store) {
	t.Run("Reopen", func(t *testing.T) {
		dir := t.TempDir()
		s := open(t, dir)
		fk := bot.FollowerKey{Platform: "telegram", UserID: "1"}
		f, th := follower("telegram", "1"), thread("telegram", "support", "1", fk)
		m, r := message(th.Key, fk, "hello", base), sentiment("telegram", fk, base)
		fl, o := flag(th.Key, bot.FlagOpen), outbound("reply:1")

		items, err := s.Accept(t.Context(), []bot.Event{event("telegram", "support", "1"), event("telegram", "support", "2")},
			&bot.Cursor{Key: "telegram.support/updates", Value: "3"})
		if err != nil {
			t.Fatal(err)
		}
		mustUpdate(t, s, func(tx bot.Tx) error {
			for _, step := range []func() error{
				func() error { return tx.PutFollower(f) },
				func() error { return tx.PutThread(th) },
				func() error { return tx.AddMessage(m) },
				func() error { return tx.AddSentiment(r) },
				func() error { return tx.AddFlag(fl) },
				func() error { _, err := tx.Enqueue(o); return err },
				func() error { o.State = bot.OutSending; return tx.PutOutbound(o) },
				func() error { return tx.PutMeta("retention", "30d") },
				func() error { return tx.DeleteInbox(items[0].Seq) },
			} {
				if err := step(); err != nil {
					return err
				}
			}
			return nil
		})
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}

		s = open(t, dir)
		if v, err := s.Cursor(t.Context(), "telegram.support/updates"); err != nil || v != "3" {
			t.Fatalf("Cursor = %q, %v; want 3", v, err)
		}
		mustView(t, s, func(tx bot.Tx) error {
			inbox, err := tx.Inbox(0, 0)
			if err != nil {
				return err
			}
			equal(t, "inbox", inbox, items[1:])
			gotF, err := tx.Follower(fk)
			if err != nil {
				return err
			}
			equal(t, "follower", gotF, f)
			gotT, err := tx.Thread(th.Key)
			if err != nil {
				return err
			}
			equal(t, "thread", gotT, th)
			msgs, _ := tx.Messages(th.Key, 0, 0)
			equal(t, "messages", msgs, []*bot.Message{m})
			recs, _ := tx.SentimentByFollower(fk, day(0), day(1), 0)
			equal(t, "sentiment", recs, []*bot.SentimentRecord{r})
			flags, _ := tx.Flags(bot.FlagFilter{Status: bot.FlagOpen})
			equal(t, "flags", flags, []*bot.Flag{fl})
			sending, _ := tx.Outbox(bot.OutSending, 0, 0)
			equal(t, "sending", sending, []*bot.Outbound{o})
			pending, _ := tx.Outbox(bot.OutPending, 0, 0)
			equal(t, "pending", len(pending), 0)
			v, err := tx.Meta("retention")
			equal(t, "meta", v, "30d")
			return err
		})

		// Dedupe keys, idempotency keys and sequences survive too.
		again, err := s.Accept(t.Context(), []bot.Event{event("telegram", "support", "1"), event("telegram", "support", "3")}, nil)
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "stored after reopen", itemIDs(again), []string{"3"})
		if again[0].Seq <= items[1].Seq {
			t.Fatalf("inbox seq %d after reopen, want > %d", again[0].Seq, items[1].Seq)
		}
		mustUpdate(t, s, func(tx bot.Tx) error {
			dup := outbound("reply:1")
			if created, err := tx.Enqueue(dup); err != nil || created {
				t.Errorf("Enqueue of a stored key after reopen: created=%v, %v", created, err)
			}
			m2 := message(th.Key, fk, "again", base.Add(time.Minute))
			if err := tx.AddMessage(m2); err != nil {
				return err
			}
			if m2.Seq <= m.Seq {
				t.Errorf("message seq %d after reopen, want > %d", m2.Seq, m.Seq)
			}
			return nil
		})
	})
}

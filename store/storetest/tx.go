package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"engagebot/bot"
)

func testUpdate(t *testing.T, open func(t *testing.T) bot.Store) {
	t.Run("OK", func(t *testing.T) {
		s := open(t)
		f := follower("telegram", "1")
		mustUpdate(t, s, func(tx bot.Tx) error { return tx.PutFollower(f) })
		mustView(t, s, func(tx bot.Tx) error {
			got, err := tx.Follower(f.Key)
			equal(t, "follower", got, f)
			return err
		})
	})

	t.Run("ReadsOwnWrites", func(t *testing.T) {
		s := open(t)
		f := follower("telegram", "1")
		mustUpdate(t, s, func(tx bot.Tx) error {
			if err := tx.PutFollower(f); err != nil {
				return err
			}
			got, err := tx.Follower(f.Key)
			equal(t, "follower", got, f)
			return err
		})
	})

	t.Run("RollbackOnError", func(t *testing.T) {
		s := open(t)
		items, err := s.Accept(t.Context(), []bot.Event{event("telegram", "support", "1")}, nil)
		if err != nil {
			t.Fatal(err)
		}
		f, th := follower("telegram", "1"), thread("telegram", "support", "1", bot.FollowerKey{Platform: "telegram", UserID: "1"})
		err = s.Update(t.Context(), func(tx bot.Tx) error {
			for _, step := range []func() error{
				func() error { return tx.PutFollower(f) },
				func() error { return tx.PutThread(th) },
				func() error { return tx.AddMessage(message(th.Key, f.Key, "hi", base)) },
				func() error { return tx.AddSentiment(sentiment("telegram", f.Key, base)) },
				func() error { return tx.AddFlag(flag(th.Key, bot.FlagOpen)) },
				func() error { _, err := tx.Enqueue(outbound("k1")); return err },
				func() error { return tx.PutMeta("setting", "on") },
				func() error { return tx.DeleteInbox(items[0].Seq) },
			} {
				if err := step(); err != nil {
					return err
				}
			}
			return fmt.Errorf("handler: %w", errRollback)
		})
		if !errors.Is(err, errRollback) {
			t.Fatalf("Update error = %v, want the function's error", err)
		}
		mustView(t, s, func(tx bot.Tx) error {
			_, err := tx.Follower(f.Key)
			wantCode(t, err, bot.ENOTFOUND)
			_, err = tx.Thread(th.Key)
			wantCode(t, err, bot.ENOTFOUND)
			msgs, _ := tx.Messages(th.Key, 0, 0)
			equal(t, "messages", len(msgs), 0)
			recs, _ := tx.SentimentByDay("", day(-1), day(1), 0)
			equal(t, "sentiment", len(recs), 0)
			flags, _ := tx.Flags(bot.FlagFilter{})
			equal(t, "flags", len(flags), 0)
			out, _ := tx.Outbox("", 0, 0)
			equal(t, "outbox", len(out), 0)
			_, err = tx.OutboxByKey("k1")
			wantCode(t, err, bot.ENOTFOUND)
			_, err = tx.Meta("setting")
			wantCode(t, err, bot.ENOTFOUND)
			n, _ := tx.InboxLen()
			equal(t, "InboxLen", n, 1)
			return nil
		})
	})

	t.Run("ErrCanceled", func(t *testing.T) {
		s := open(t)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		err := s.Update(ctx, func(tx bot.Tx) error { return tx.PutFollower(follower("telegram", "1")) })
		if err == nil {
			t.Fatal("Update with a canceled context succeeded")
		}
		mustView(t, s, func(tx bot.Tx) error {
			_, err := tx.Follower(bot.FollowerKey{Platform: "telegram", UserID: "1"})
			wantCode(t, err, bot.ENOTFOUND)
			return nil
		})
	})

	t.Run("ConcurrentEnqueueSameKey", func(t *testing.T) {
		s := open(t)
		const n = 20
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			created int
			idSet   = map[uint64]bool{}
		)
		for i := range n {
			wg.Go(func() {
				var o *bot.Outbound
				var made bool
				err := s.Update(t.Context(), func(tx bot.Tx) error {
					o = outbound("reply:telegram.support\x001")
					o.Text = fmt.Sprint("attempt ", i)
					var err error
					made, err = tx.Enqueue(o)
					return err
				})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if made {
					created++
				}
				idSet[o.ID] = true
			})
		}
		wg.Wait()
		equal(t, "created", created, 1)
		equal(t, "distinct ids", len(idSet), 1)
		mustView(t, s, func(tx bot.Tx) error {
			out, err := tx.Outbox(bot.OutPending, 0, 0)
			equal(t, "pending", len(out), 1)
			return err
		})
	})
}

func testView(t *testing.T, open func(t *testing.T) bot.Store) {
	t.Run("ErrWriteInView", func(t *testing.T) {
		s := open(t)
		fk := bot.FollowerKey{Platform: "telegram", UserID: "1"}
		th := thread("telegram", "support", "1", fk)
		var flagID, outID uint64
		mustUpdate(t, s, func(tx bot.Tx) error {
			f := flag(th.Key, bot.FlagOpen)
			if err := tx.AddFlag(f); err != nil {
				return err
			}
			o := outbound("k")
			_, err := tx.Enqueue(o)
			flagID, outID = f.ID, o.ID
			return err
		})
		mustView(t, s, func(tx bot.Tx) error {
			for name, write := range map[string]func() error{
				"PutFollower":    func() error { return tx.PutFollower(follower("telegram", "1")) },
				"DeleteFollower": func() error { return tx.DeleteFollower(fk) },
				"PutThread":      func() error { return tx.PutThread(th) },
				"AddMessage":     func() error { return tx.AddMessage(message(th.Key, fk, "hi", base)) },
				"AddSentiment":   func() error { return tx.AddSentiment(sentiment("telegram", fk, base)) },
				"AddFlag":        func() error { return tx.AddFlag(flag(th.Key, bot.FlagOpen)) },
				"PutFlag":        func() error { f := flag(th.Key, bot.FlagClosed); f.ID = flagID; return tx.PutFlag(f) },
				"Enqueue":        func() error { _, err := tx.Enqueue(outbound("")); return err },
				"PutOutbound": func() error {
					o := outbound("k")
					o.ID, o.State = outID, bot.OutSending
					return tx.PutOutbound(o)
				},
				"PutMeta":     func() error { return tx.PutMeta("a", "b") },
				"DeleteInbox": func() error { return tx.DeleteInbox(1) },
			} {
				if err := write(); err == nil {
					t.Errorf("%s in View succeeded", name)
				}
			}
			return nil
		})
		mustView(t, s, func(tx bot.Tx) error {
			_, err := tx.Follower(fk)
			wantCode(t, err, bot.ENOTFOUND)
			f, _ := tx.Flag(flagID)
			equal(t, "flag status", f.Status, bot.FlagOpen)
			o, _ := tx.Outbound(outID)
			equal(t, "outbound state", o.State, bot.OutPending)
			return nil
		})
	})

	t.Run("FunctionError", func(t *testing.T) {
		s := open(t)
		if err := s.View(t.Context(), func(bot.Tx) error { return errRollback }); !errors.Is(err, errRollback) {
			t.Fatalf("View error = %v, want the function's error", err)
		}
	})
}

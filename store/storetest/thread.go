package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"engagebot/bot"
)

func thread(platform, account, chat string, f bot.FollowerKey) *bot.Thread {
	return &bot.Thread{
		Key:         bot.ThreadKey{Platform: platform, Account: account, Chat: chat},
		ChatType:    bot.ChatPrivate,
		Follower:    f,
		Mode:        bot.ModeBot,
		Messages:    2,
		Created:     base,
		LastInbound: base.Add(time.Minute),
		LastMessage: base.Add(2 * time.Minute),
	}
}

func message(k bot.ThreadKey, f bot.FollowerKey, text string, at time.Time) *bot.Message {
	return &bot.Message{
		Thread:     k,
		Direction:  bot.DirIn,
		PlatformID: "p-" + text,
		Kind:       bot.EventMessage,
		Follower:   f,
		Author:     "Sara",
		Text:       text,
		Lang:       bot.LangFa,
		Analysis: &bot.Analysis{
			Lang:      bot.LangFa,
			Sentiment: bot.Sentiment{Label: bot.SentimentNegative, Score: -0.5},
			Intent:    bot.IntentSideEffect,
			Signals:   []bot.Signal{{Name: bot.SignalAdverseEvent, Severity: bot.SeverityHigh, Product: "vitamin d"}},
		},
		At: at,
	}
}

func outMessage(k bot.ThreadKey, f bot.FollowerKey, text string, at time.Time) *bot.Message {
	return &bot.Message{Thread: k, Direction: bot.DirOut, Kind: bot.EventMessage, Follower: f, Text: text, Outbound: 7, At: at}
}

func threadKeys(list []*bot.Thread) []string {
	return ids(list, func(th *bot.Thread) string { return th.Key.String() })
}

func texts(list []*bot.Message) []string {
	return ids(list, func(m *bot.Message) string { return m.Text })
}

func testThread(t *testing.T, open func(t *testing.T) bot.Store) {
	fk := bot.FollowerKey{Platform: "telegram", UserID: "1"}

	t.Run("OK", func(t *testing.T) {
		s := open(t)
		th := thread("telegram", "support", "1", fk)
		th.Mode, th.Moderator, th.Flagged = bot.ModeHuman, "maryam", bot.SeverityHigh
		mustUpdate(t, s, func(tx bot.Tx) error { return tx.PutThread(th) })
		mustView(t, s, func(tx bot.Tx) error {
			got, err := tx.Thread(th.Key)
			equal(t, "thread", got, th)
			return err
		})
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		s := open(t)
		mustUpdate(t, s, func(tx bot.Tx) error { return tx.PutThread(thread("telegram", "support", "1", fk)) })
		mustView(t, s, func(tx bot.Tx) error {
			_, err := tx.Thread(bot.ThreadKey{Platform: "telegram", Account: "sales", Chat: "1"})
			wantCode(t, err, bot.ENOTFOUND)
			return nil
		})
	})

	t.Run("ErrKeyRequired", func(t *testing.T) {
		s := open(t)
		err := s.Update(t.Context(), func(tx bot.Tx) error { return tx.PutThread(thread("telegram", "support", "", fk)) })
		wantCode(t, err, bot.EINVALID)
	})

	t.Run("Filter", func(t *testing.T) {
		s := open(t)
		mustUpdate(t, s, func(tx bot.Tx) error {
			for _, th := range []*bot.Thread{
				{Key: bot.ThreadKey{Platform: "x", Account: "brand", Chat: "1"}, Mode: bot.ModeBot},
				{Key: bot.ThreadKey{Platform: "telegram", Account: "support", Chat: "2"}, Mode: bot.ModeHuman, Flagged: bot.SeverityCritical},
				{Key: bot.ThreadKey{Platform: "telegram", Account: "support", Chat: "10"}, Mode: bot.ModeBot, Flagged: bot.SeverityLow},
				{Key: bot.ThreadKey{Platform: "telegram", Account: "support", Chat: "1"}, Mode: bot.ModeBot},
				{Key: bot.ThreadKey{Platform: "telegram", Account: "sales", Chat: "1"}, Mode: bot.ModeHuman, Flagged: bot.SeverityMedium},
				{Key: bot.ThreadKey{Platform: "telegram", Account: "supportx", Chat: "1"}, Mode: bot.ModeBot},
			} {
				if err := tx.PutThread(th); err != nil {
					return err
				}
			}
			return nil
		})
		mustView(t, s, func(tx bot.Tx) error {
			for i, tc := range []struct {
				filter bot.ThreadFilter
				want   []string
			}{
				{bot.ThreadFilter{}, []string{"telegram.sales/1", "telegram.support/1", "telegram.support/10", "telegram.support/2", "telegram.supportx/1", "x.brand/1"}},
				{bot.ThreadFilter{Platform: "telegram", Account: "support"}, []string{"telegram.support/1", "telegram.support/10", "telegram.support/2"}},
				{bot.ThreadFilter{Account: "support"}, []string{"telegram.support/1", "telegram.support/10", "telegram.support/2"}},
				{bot.ThreadFilter{Platform: "x"}, []string{"x.brand/1"}},
				{bot.ThreadFilter{Mode: bot.ModeHuman}, []string{"telegram.sales/1", "telegram.support/2"}},
				{bot.ThreadFilter{MinFlag: bot.SeverityMedium}, []string{"telegram.sales/1", "telegram.support/2"}},
				{bot.ThreadFilter{MinFlag: bot.SeverityLow, Platform: "telegram", Account: "support"}, []string{"telegram.support/10", "telegram.support/2"}},
				{bot.ThreadFilter{Platform: "telegram", Limit: 2}, []string{"telegram.sales/1", "telegram.support/1"}},
				{bot.ThreadFilter{After: bot.ThreadKey{Platform: "telegram", Account: "support", Chat: "10"}}, []string{"telegram.support/2", "telegram.supportx/1", "x.brand/1"}},
				{bot.ThreadFilter{Platform: "telegram", Account: "support", After: bot.ThreadKey{Platform: "telegram", Account: "support", Chat: "1"}, Limit: 1}, []string{"telegram.support/10"}},
				{bot.ThreadFilter{Platform: "telegram", Account: "support", After: bot.ThreadKey{Platform: "telegram", Account: "support", Chat: "2"}}, []string{}},
			} {
				got, err := tx.Threads(tc.filter)
				if err != nil {
					return err
				}
				equal(t, fmt.Sprintf("case %d: Threads(%+v)", i, tc.filter), threadKeys(got), tc.want)
			}
			return nil
		})
	})
}

func testMessages(t *testing.T, open func(t *testing.T) bot.Store) {
	fk := bot.FollowerKey{Platform: "telegram", UserID: "1"}
	ka := bot.ThreadKey{Platform: "telegram", Account: "support", Chat: "a"}
	// Keys that share prefixes with ka in every part.
	others := []bot.ThreadKey{
		{Platform: "telegram", Account: "support", Chat: "ab"},
		{Platform: "telegram", Account: "supporta", Chat: "a"},
		{Platform: "telegramx", Account: "support", Chat: "a"},
	}

	t.Run("OK", func(t *testing.T) {
		s := open(t)
		in, out := message(ka, fk, "hello", base), outMessage(ka, fk, "hi", base.Add(time.Second))
		mustUpdate(t, s, func(tx bot.Tx) error {
			if err := tx.AddMessage(in); err != nil {
				return err
			}
			return tx.AddMessage(out)
		})
		if in.Seq == 0 || out.Seq <= in.Seq {
			t.Fatalf("seqs %d, %d: want increasing and non-zero", in.Seq, out.Seq)
		}
		mustView(t, s, func(tx bot.Tx) error {
			got, err := tx.Messages(ka, 0, 0)
			equal(t, "messages", got, []*bot.Message{in, out})
			return err
		})
	})

	t.Run("ThreadIsolation", func(t *testing.T) {
		s := open(t)
		mustUpdate(t, s, func(tx bot.Tx) error {
			for i, k := range append([]bot.ThreadKey{ka}, others...) {
				for j := range 2 {
					if err := tx.AddMessage(message(k, fk, fmt.Sprint(i, "-", j), base)); err != nil {
						return err
					}
				}
			}
			return nil
		})
		mustView(t, s, func(tx bot.Tx) error {
			for i, k := range append([]bot.ThreadKey{ka}, others...) {
				got, err := tx.Messages(k, 0, 0)
				if err != nil {
					return err
				}
				equal(t, k.String(), texts(got), []string{fmt.Sprint(i, "-0"), fmt.Sprint(i, "-1")})
			}
			got, err := tx.Messages(bot.ThreadKey{Platform: "telegram", Account: "support", Chat: "none"}, 0, 0)
			equal(t, "unknown thread", len(got), 0)
			return err
		})
	})

	t.Run("Paging", func(t *testing.T) {
		s := open(t)
		var msgs []*bot.Message
		mustUpdate(t, s, func(tx bot.Tx) error {
			msgs = nil
			for i := range 5 {
				m := message(ka, fk, fmt.Sprint(i), base.Add(time.Duration(i)*time.Second))
				if err := tx.AddMessage(m); err != nil {
					return err
				}
				// Interleave another thread so seqs are not contiguous.
				if err := tx.AddMessage(message(others[0], fk, "other", base)); err != nil {
					return err
				}
				msgs = append(msgs, m)
			}
			return nil
		})
		mustView(t, s, func(tx bot.Tx) error {
			for i, tc := range []struct {
				after uint64
				limit int
				want  []string
			}{
				{0, 0, []string{"0", "1", "2", "3", "4"}},
				{0, 2, []string{"0", "1"}},
				{msgs[1].Seq, 0, []string{"2", "3", "4"}},
				{msgs[1].Seq + 1, 2, []string{"2", "3"}},
				{msgs[4].Seq, 0, []string{}},
			} {
				got, err := tx.Messages(ka, tc.after, tc.limit)
				if err != nil {
					return err
				}
				equal(t, fmt.Sprintf("case %d: Messages(%d, %d)", i, tc.after, tc.limit), texts(got), tc.want)
			}
			return nil
		})
	})
}

func testPurgeMessages(t *testing.T, open func(t *testing.T) bot.Store) {
	t.Run("OK", func(t *testing.T) {
		s := open(t)
		fk := bot.FollowerKey{Platform: "telegram", UserID: "1"}
		ka := bot.ThreadKey{Platform: "telegram", Account: "support", Chat: "a"}
		kb := bot.ThreadKey{Platform: "x", Account: "brand", Chat: "b"}
		mustUpdate(t, s, func(tx bot.Tx) error {
			for _, m := range []*bot.Message{
				message(ka, fk, "old", day(-10)),
				message(kb, fk, "old too", day(-2)),
				message(ka, fk, "at cut", day(-1)),
				message(ka, fk, "new", day(0)),
				outMessage(kb, bot.FollowerKey{}, "new out", day(0)),
			} {
				if err := tx.AddMessage(m); err != nil {
					return err
				}
			}
			return nil
		})
		n, err := s.PurgeMessages(t.Context(), day(-1))
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "purged", n, 2)
		mustView(t, s, func(tx bot.Tx) error {
			a, _ := tx.Messages(ka, 0, 0)
			equal(t, "thread a", texts(a), []string{"at cut", "new"})
			b, _ := tx.Messages(kb, 0, 0)
			equal(t, "thread b", texts(b), []string{"new out"})
			return nil
		})
		// Erasure still works on what is left.
		mustUpdate(t, s, func(tx bot.Tx) error { return tx.DeleteFollower(fk) })
		mustView(t, s, func(tx bot.Tx) error {
			a, _ := tx.Messages(ka, 0, 0)
			equal(t, "thread a after erasure", len(a), 0)
			return nil
		})
	})

	t.Run("Nothing", func(t *testing.T) {
		s := open(t)
		n, err := s.PurgeMessages(t.Context(), day(0))
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "purged", n, 0)
	})

	// Purging again finds nothing, and a purged message's follower can
	// still be erased with what is left.
	t.Run("Twice", func(t *testing.T) {
		s := open(t)
		fk := bot.FollowerKey{Platform: "telegram", UserID: "1"}
		ka := bot.ThreadKey{Platform: "telegram", Account: "support", Chat: "a"}
		mustUpdate(t, s, func(tx bot.Tx) error {
			for i := range 30 {
				if err := tx.AddMessage(message(ka, fk, fmt.Sprint("m", i), day(-30+i))); err != nil {
					return err
				}
			}
			return nil
		})
		for i, tc := range []struct {
			before time.Time
			want   int
		}{{day(-20), 10}, {day(-20), 0}, {day(-5), 15}, {day(1), 5}} {
			n, err := s.PurgeMessages(t.Context(), tc.before)
			if err != nil {
				t.Fatal(err)
			}
			equal(t, fmt.Sprintf("case %d: purged before %s", i, tc.before), n, tc.want)
		}
		mustView(t, s, func(tx bot.Tx) error {
			a, _ := tx.Messages(ka, 0, 0)
			equal(t, "left", len(a), 0)
			return nil
		})
	})

	t.Run("ErrCanceled", func(t *testing.T) {
		s := open(t)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := s.PurgeMessages(ctx, day(0)); err == nil {
			t.Fatal("PurgeMessages with a canceled context succeeded")
		}
	})
}

// Erasing a follower also takes their messages out of the retention
// walk: a later purge neither fails nor counts them.
func testPurgeAfterErasure(t *testing.T, open func(t *testing.T) bot.Store) {
	s := open(t)
	a, b := bot.FollowerKey{Platform: "telegram", UserID: "1"}, bot.FollowerKey{Platform: "telegram", UserID: "2"}
	ka := bot.ThreadKey{Platform: "telegram", Account: "support", Chat: "1"}
	kb := bot.ThreadKey{Platform: "telegram", Account: "support", Chat: "2"}
	mustUpdate(t, s, func(tx bot.Tx) error {
		for _, m := range []*bot.Message{message(ka, a, "a", day(-3)), message(kb, b, "b", day(-3))} {
			if err := tx.AddMessage(m); err != nil {
				return err
			}
		}
		return tx.DeleteFollower(a)
	})
	n, err := s.PurgeMessages(t.Context(), day(0))
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "purged", n, 1)
}

package storetest

import (
	"fmt"
	"testing"
	"time"

	"engagebot/bot"
)

func outbound(key string) *bot.Outbound {
	return &bot.Outbound{
		Platform:    "telegram",
		Account:     "support",
		Chat:        "1",
		ChatType:    bot.ChatPrivate,
		Kind:        bot.OutReply,
		ReplyTo:     "m1",
		Text:        "سلام سارا! ویتامین D در داروخانه‌ها موجود است.",
		Buttons:     [][]bot.Button{{{Text: "Yes", Data: "y"}, {Text: "Site", URL: "https://example.com"}}},
		Lang:        bot.LangFa,
		Template:    "price",
		Extra:       map[string]string{"page": "p1"},
		LastInbound: base,
		Key:         key,
		Source:      "bot",
	}
}

func outIDs(list []*bot.Outbound) []string {
	return ids(list, func(o *bot.Outbound) string { return fmt.Sprint(o.ID) })
}

func testOutbox(t *testing.T, open func(t *testing.T) bot.Store) {
	t.Run("Enqueue", func(t *testing.T) {
		s := open(t)
		o := outbound("reply:1")
		o.State = bot.OutSent // ignored: new items are pending
		var created bool
		mustUpdate(t, s, func(tx bot.Tx) error {
			var err error
			created, err = tx.Enqueue(o)
			return err
		})
		if !created || o.ID == 0 || o.State != bot.OutPending || o.Created.IsZero() {
			t.Fatalf("Enqueue: created=%v id=%d state=%q created=%v", created, o.ID, o.State, o.Created)
		}
		mustView(t, s, func(tx bot.Tx) error {
			got, err := tx.Outbound(o.ID)
			equal(t, "outbound", got, o)
			return err
		})
	})

	t.Run("EnqueueIdempotent", func(t *testing.T) {
		s := open(t)
		first := outbound("reply:1")
		mustUpdate(t, s, func(tx bot.Tx) error { _, err := tx.Enqueue(first); return err })
		mustUpdate(t, s, func(tx bot.Tx) error {
			first.State, first.Attempts = bot.OutSending, 1
			return tx.PutOutbound(first)
		})
		again := outbound("reply:1")
		again.Text = "a second rendering"
		var created bool
		mustUpdate(t, s, func(tx bot.Tx) error {
			var err error
			created, err = tx.Enqueue(again)
			return err
		})
		if created {
			t.Fatal("Enqueue with an existing key created an item")
		}
		equal(t, "existing item", again, first)
		mustView(t, s, func(tx bot.Tx) error {
			all, err := tx.Outbox("", 0, 0)
			equal(t, "outbox", outIDs(all), []string{fmt.Sprint(first.ID)})
			return err
		})
	})

	t.Run("EnqueueWithoutKey", func(t *testing.T) {
		s := open(t)
		a, b := outbound(""), outbound("")
		mustUpdate(t, s, func(tx bot.Tx) error {
			for _, o := range []*bot.Outbound{a, b} {
				if created, err := tx.Enqueue(o); err != nil || !created {
					return fmt.Errorf("Enqueue: created=%v, %v", created, err)
				}
			}
			return nil
		})
		if a.ID == b.ID {
			t.Fatalf("both items got id %d", a.ID)
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		s := open(t)
		mustView(t, s, func(tx bot.Tx) error {
			_, err := tx.Outbound(1)
			wantCode(t, err, bot.ENOTFOUND)
			_, err = tx.OutboxByKey("reply:1")
			wantCode(t, err, bot.ENOTFOUND)
			return nil
		})
		err := s.Update(t.Context(), func(tx bot.Tx) error {
			o := outbound("")
			o.ID, o.State = 42, bot.OutSending
			return tx.PutOutbound(o)
		})
		wantCode(t, err, bot.ENOTFOUND)
	})

	t.Run("ByKey", func(t *testing.T) {
		s := open(t)
		a, b := outbound("post:7@2025-03-20T09:00Z"), outbound("reply:2")
		mustUpdate(t, s, func(tx bot.Tx) error {
			if _, err := tx.Enqueue(a); err != nil {
				return err
			}
			_, err := tx.Enqueue(b)
			return err
		})
		mustView(t, s, func(tx bot.Tx) error {
			got, err := tx.OutboxByKey(a.Key)
			equal(t, "by key", got, a)
			return err
		})
	})

	t.Run("Transitions", func(t *testing.T) {
		s := open(t)
		var items []*bot.Outbound
		mustUpdate(t, s, func(tx bot.Tx) error {
			items = nil
			for i := range 5 {
				o := outbound(fmt.Sprint("k", i))
				if _, err := tx.Enqueue(o); err != nil {
					return err
				}
				items = append(items, o)
			}
			return nil
		})
		id := func(i int) string { return fmt.Sprint(items[i].ID) }
		move := func(i int, state bot.OutState, change func(o *bot.Outbound)) {
			t.Helper()
			mustUpdate(t, s, func(tx bot.Tx) error {
				o, err := tx.Outbound(items[i].ID)
				if err != nil {
					return err
				}
				o.State, o.Updated = state, base.Add(time.Hour)
				if change != nil {
					change(o)
				}
				items[i] = o
				return tx.PutOutbound(o)
			})
		}
		// pending -> sending -> sent; pending -> sending -> pending
		// (retry); pending -> sending -> unknown (crash); pending -> failed.
		move(0, bot.OutSending, func(o *bot.Outbound) { o.Attempts++ })
		// A note on a sent item stays, whatever a store drops of its body.
		move(0, bot.OutSent, func(o *bot.Outbound) { o.PlatformID, o.LastError = "tg-99", "found among recent posts" })
		move(1, bot.OutSending, nil)
		move(1, bot.OutPending, func(o *bot.Outbound) {
			o.NotBefore, o.LastError = base.Add(2*time.Hour), "send rate_limited (429)"
		})
		move(2, bot.OutSending, nil)
		move(3, bot.OutSending, nil)
		move(3, bot.OutUnknown, func(o *bot.Outbound) { o.LastError = "interrupted" })
		move(4, bot.OutFailed, func(o *bot.Outbound) { o.LastError = "send permanent" })

		mustView(t, s, func(tx bot.Tx) error {
			for i, tc := range []struct {
				state bot.OutState
				after uint64
				limit int
				want  []string
			}{
				{bot.OutPending, 0, 0, []string{id(1)}},
				{bot.OutSending, 0, 0, []string{id(2)}},
				{bot.OutSent, 0, 0, []string{id(0)}},
				{bot.OutUnknown, 0, 0, []string{id(3)}},
				{bot.OutFailed, 0, 0, []string{id(4)}},
				{"", 0, 0, []string{id(0), id(1), id(2), id(3), id(4)}},
				{"", items[1].ID, 2, []string{id(2), id(3)}},
			} {
				got, err := tx.Outbox(tc.state, tc.after, tc.limit)
				if err != nil {
					return err
				}
				equal(t, fmt.Sprintf("case %d: Outbox(%q, %d, %d)", i, tc.state, tc.after, tc.limit), outIDs(got), tc.want)
			}
			for i := range items {
				got, err := tx.Outbound(items[i].ID)
				if err != nil {
					return err
				}
				if got.State == bot.OutSent { // may have lost its body
					equal(t, "item "+id(i), withoutBody(got), withoutBody(items[i]))
					continue
				}
				equal(t, "item "+id(i), got, items[i])
			}
			got, err := tx.OutboxByKey("k3")
			equal(t, "by key after transitions", got, items[3])
			return err
		})
	})

	t.Run("ListingByState", func(t *testing.T) {
		s := open(t)
		var pending []string
		mustUpdate(t, s, func(tx bot.Tx) error {
			pending = nil
			for i := range 8 {
				o := outbound("")
				if _, err := tx.Enqueue(o); err != nil {
					return err
				}
				if i%3 == 1 {
					o.State = bot.OutSending
					if err := tx.PutOutbound(o); err != nil {
						return err
					}
					continue
				}
				pending = append(pending, fmt.Sprint(o.ID))
			}
			return nil
		})
		var afterID, first uint64
		fmt.Sscan(pending[1], &afterID)
		fmt.Sscan(pending[0], &first)
		mustView(t, s, func(tx bot.Tx) error {
			for i, tc := range []struct {
				after uint64
				limit int
				want  []string
			}{
				{0, 0, pending},
				{0, 2, pending[:2]},
				{afterID, 0, pending[2:]},
				{afterID, 2, pending[2:4]},
				// After the id of an item in another state.
				{first + 1, 1, pending[1:2]},
			} {
				got, err := tx.Outbox(bot.OutPending, tc.after, tc.limit)
				if err != nil {
					return err
				}
				equal(t, fmt.Sprintf("case %d: Outbox(pending, %d, %d)", i, tc.after, tc.limit), outIDs(got), tc.want)
			}
			return nil
		})
	})
}

func testMeta(t *testing.T, open func(t *testing.T) bot.Store) {
	t.Run("OK", func(t *testing.T) {
		s := open(t)
		mustUpdate(t, s, func(tx bot.Tx) error {
			if err := tx.PutMeta("retention", "90d"); err != nil {
				return err
			}
			return tx.PutMeta("retention", "30d")
		})
		mustView(t, s, func(tx bot.Tx) error {
			v, err := tx.Meta("retention")
			equal(t, "meta", v, "30d")
			return err
		})
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		s := open(t)
		mustView(t, s, func(tx bot.Tx) error {
			_, err := tx.Meta("nope")
			wantCode(t, err, bot.ENOTFOUND)
			return nil
		})
	})
}

// withoutBody is o without what a store may drop once it is sent.
func withoutBody(o *bot.Outbound) *bot.Outbound {
	cp := *o
	cp.Text, cp.Buttons, cp.MediaURL, cp.Extra = "", nil, "", nil
	return &cp
}

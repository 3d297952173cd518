package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"engagebot/bot"
)

func testAccept(t *testing.T, open func(t *testing.T) bot.Store) {
	t.Run("OK", func(t *testing.T) {
		s := open(t)
		events := []bot.Event{event("telegram", "support", "1"), event("telegram", "support", "2"), event("x", "brand", "3")}
		items, err := s.Accept(t.Context(), events, &bot.Cursor{Key: "telegram.support/updates", Value: "42"})
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 3 {
			t.Fatalf("stored %d items, want 3", len(items))
		}
		for i, it := range items {
			equal(t, fmt.Sprintf("item %d event", i), it.Event, events[i])
			if i > 0 && it.Seq <= items[i-1].Seq {
				t.Fatalf("seq %d after %d: not increasing", it.Seq, items[i-1].Seq)
			}
		}
		if v, err := s.Cursor(t.Context(), "telegram.support/updates"); err != nil || v != "42" {
			t.Fatalf("Cursor = %q, %v; want 42", v, err)
		}
		mustView(t, s, func(tx bot.Tx) error {
			got, err := tx.Inbox(0, 0)
			if err != nil {
				return err
			}
			equal(t, "Inbox", got, items)
			n, err := tx.InboxLen()
			if err != nil {
				return err
			}
			equal(t, "InboxLen", n, 3)
			return nil
		})
	})

	t.Run("DedupeAcrossCalls", func(t *testing.T) {
		s := open(t)
		if _, err := s.Accept(t.Context(), []bot.Event{event("telegram", "support", "1"), event("telegram", "support", "2")}, nil); err != nil {
			t.Fatal(err)
		}
		// A redelivery may differ in fields the platform fills late; the
		// dedupe key alone decides.
		again := event("telegram", "support", "2")
		again.Text = "edited"
		items, err := s.Accept(t.Context(), []bot.Event{again, event("telegram", "support", "3")}, nil)
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "stored", itemIDs(items), []string{"3"})
		mustView(t, s, func(tx bot.Tx) error {
			got, err := tx.Inbox(0, 0)
			equal(t, "inbox", itemIDs(got), []string{"1", "2", "3"})
			equal(t, "inbox 2 text", got[1].Event.Text, event("telegram", "support", "2").Text)
			return err
		})
	})

	t.Run("DedupeWithinCall", func(t *testing.T) {
		s := open(t)
		e := event("telegram", "support", "1")
		items, err := s.Accept(t.Context(), []bot.Event{e, event("telegram", "support", "2"), e}, nil)
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "stored", itemIDs(items), []string{"1", "2"})
	})

	t.Run("DedupeKeyHasPlatformAndAccount", func(t *testing.T) {
		s := open(t)
		events := []bot.Event{event("telegram", "support", "7"), event("telegram", "sales", "7"), event("x", "support", "7")}
		items, err := s.Accept(t.Context(), events, nil)
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "stored", len(items), 3)
	})

	t.Run("DuplicatesStillStoreCursor", func(t *testing.T) {
		s := open(t)
		e := event("telegram", "support", "1")
		if _, err := s.Accept(t.Context(), []bot.Event{e}, &bot.Cursor{Key: "c", Value: "1"}); err != nil {
			t.Fatal(err)
		}
		items, err := s.Accept(t.Context(), []bot.Event{e}, &bot.Cursor{Key: "c", Value: "2"})
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "stored", len(items), 0)
		if v, _ := s.Cursor(t.Context(), "c"); v != "2" {
			t.Fatalf("cursor = %q, want 2", v)
		}
	})

	t.Run("CursorOnly", func(t *testing.T) {
		s := open(t)
		items, err := s.Accept(t.Context(), nil, &bot.Cursor{Key: "x.brand/mentions", Value: "since=99"})
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "stored", len(items), 0)
		if v, _ := s.Cursor(t.Context(), "x.brand/mentions"); v != "since=99" {
			t.Fatalf("cursor = %q, want since=99", v)
		}
	})

	t.Run("CursorNotFound", func(t *testing.T) {
		s := open(t)
		if v, err := s.Cursor(t.Context(), "nope"); err != nil || v != "" {
			t.Fatalf("Cursor = %q, %v; want empty, nil", v, err)
		}
	})

	t.Run("ErrInvalidEventStoresNothing", func(t *testing.T) {
		s := open(t)
		bad := event("telegram", "support", "2")
		bad.Chat = ""
		good := event("telegram", "support", "1")
		_, err := s.Accept(t.Context(), []bot.Event{good, bad}, &bot.Cursor{Key: "c", Value: "9"})
		wantCode(t, err, bot.EINVALID)
		if v, _ := s.Cursor(t.Context(), "c"); v != "" {
			t.Fatalf("cursor = %q after failed Accept, want empty", v)
		}
		mustView(t, s, func(tx bot.Tx) error {
			n, err := tx.InboxLen()
			equal(t, "InboxLen", n, 0)
			return err
		})
		// Nor was the good event's dedupe key remembered.
		items, err := s.Accept(t.Context(), []bot.Event{good}, nil)
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "stored after retry", itemIDs(items), []string{"1"})
	})

	t.Run("ErrCanceled", func(t *testing.T) {
		s := open(t)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := s.Accept(ctx, []bot.Event{event("telegram", "support", "1")}, nil); err == nil {
			t.Fatal("Accept with a canceled context succeeded")
		}
	})

	t.Run("SeqNotReused", func(t *testing.T) {
		s := open(t)
		first, err := s.Accept(t.Context(), []bot.Event{event("telegram", "support", "1"), event("telegram", "support", "2")}, nil)
		if err != nil {
			t.Fatal(err)
		}
		mustUpdate(t, s, func(tx bot.Tx) error {
			for _, it := range first {
				if err := tx.DeleteInbox(it.Seq); err != nil {
					return err
				}
			}
			return nil
		})
		next, err := s.Accept(t.Context(), []bot.Event{event("telegram", "support", "3")}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if next[0].Seq <= first[1].Seq {
			t.Fatalf("seq %d reused or lower than %d", next[0].Seq, first[1].Seq)
		}
	})

	t.Run("Concurrent", func(t *testing.T) {
		s := open(t)
		// 16 callers, 20 calls each of 2 events, overlapping so that most
		// ids arrive more than once from different callers.
		const callers, calls, ids = 16, 20, 200
		var (
			wg     sync.WaitGroup
			mu     sync.Mutex
			stored []bot.InboxItem
			errs   = make(chan error, callers)
		)
		for g := range callers {
			wg.Go(func() {
				for c := range calls {
					a, b := (g*13+c*2)%ids, (g*13+c*2+1)%ids
					items, err := s.Accept(t.Context(), []bot.Event{
						event("telegram", "support", fmt.Sprint(a)),
						event("telegram", "support", fmt.Sprint(b)),
					}, nil)
					if err != nil {
						errs <- err
						return
					}
					mu.Lock()
					stored = append(stored, items...)
					mu.Unlock()
				}
			})
		}
		// Failing transactions alongside make a batching store retry the
		// others; a retried Accept must still report each item once.
		for range 4 {
			wg.Go(func() {
				for range calls {
					_ = s.Update(t.Context(), func(tx bot.Tx) error {
						if err := tx.PutMeta("noise", "x"); err != nil {
							return err
						}
						return errRollback
					})
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		want := map[string]bool{}
		for g := range callers {
			for c := range calls {
				want[fmt.Sprint((g*13+c*2)%ids)] = true
				want[fmt.Sprint((g*13+c*2+1)%ids)] = true
			}
		}
		gotIDs, seqs := map[string]bool{}, map[uint64]bool{}
		for _, it := range stored {
			if gotIDs[it.Event.ID] {
				t.Fatalf("event %s stored twice", it.Event.ID)
			}
			if seqs[it.Seq] {
				t.Fatalf("seq %d assigned twice", it.Seq)
			}
			gotIDs[it.Event.ID], seqs[it.Seq] = true, true
		}
		equal(t, "stored ids", gotIDs, want)
		mustView(t, s, func(tx bot.Tx) error {
			inbox, err := tx.Inbox(0, 0)
			equal(t, "inbox length", len(inbox), len(want))
			return err
		})
	})
}

func testInbox(t *testing.T, open func(t *testing.T) bot.Store) {
	accept := func(t *testing.T, s bot.Store, n int) []bot.InboxItem {
		t.Helper()
		var events []bot.Event
		for i := range n {
			events = append(events, event("telegram", "support", fmt.Sprint(i)))
		}
		items, err := s.Accept(t.Context(), events, nil)
		if err != nil {
			t.Fatal(err)
		}
		return items
	}

	t.Run("Paging", func(t *testing.T) {
		s := open(t)
		items := accept(t, s, 5)
		mustView(t, s, func(tx bot.Tx) error {
			for i, tc := range []struct {
				after uint64
				limit int
				want  []bot.InboxItem
			}{
				{0, 0, items},
				{0, 2, items[:2]},
				{items[1].Seq, 0, items[2:]},
				{items[1].Seq, 2, items[2:4]},
				{items[4].Seq, 0, nil},
			} {
				got, err := tx.Inbox(tc.after, tc.limit)
				if err != nil {
					return err
				}
				if len(got) == 0 && len(tc.want) == 0 {
					continue
				}
				equal(t, fmt.Sprintf("case %d: Inbox(%d, %d)", i, tc.after, tc.limit), got, tc.want)
			}
			return nil
		})
	})

	t.Run("DeleteInbox", func(t *testing.T) {
		s := open(t)
		items := accept(t, s, 3)
		mustUpdate(t, s, func(tx bot.Tx) error { return tx.DeleteInbox(items[1].Seq) })
		mustView(t, s, func(tx bot.Tx) error {
			got, err := tx.Inbox(0, 0)
			equal(t, "inbox", itemIDs(got), []string{"0", "2"})
			n, _ := tx.InboxLen()
			equal(t, "InboxLen", n, 2)
			for i, want := range []bool{true, false, true} {
				has, err := tx.InboxHas(items[i].Seq)
				if err != nil {
					return err
				}
				equal(t, fmt.Sprintf("InboxHas(item %d)", i), has, want)
			}
			has, _ := tx.InboxHas(items[2].Seq + 100)
			equal(t, "InboxHas(never stored)", has, false)
			return err
		})
		// Deleted items stay deduplicated.
		again, err := s.Accept(t.Context(), []bot.Event{items[1].Event}, nil)
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "redelivery stored", len(again), 0)
	})

	t.Run("DeleteMissing", func(t *testing.T) {
		s := open(t)
		mustUpdate(t, s, func(tx bot.Tx) error { return tx.DeleteInbox(12345) })
	})
}

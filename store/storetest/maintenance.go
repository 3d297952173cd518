package storetest

import (
	"context"
	"testing"
	"time"

	"engagebot/bot"
)

// PruneDedupe works on the store's own clock, which the suite does not
// set: it prunes before instants well clear of "now" on either side, two
// days off, since a store may keep a key up to a day longer than asked.
func testPruneDedupe(t *testing.T, open func(t *testing.T) bot.Store) {
	accept := func(t *testing.T, s bot.Store, ids ...string) int {
		t.Helper()
		var events []bot.Event
		for _, id := range ids {
			events = append(events, event("telegram", "support", id))
		}
		items, err := s.Accept(t.Context(), events, nil)
		if err != nil {
			t.Fatal(err)
		}
		return len(items)
	}
	prune := func(t *testing.T, s bot.Store, before time.Time) int {
		t.Helper()
		n, err := s.PruneDedupe(t.Context(), before)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	t.Run("OK", func(t *testing.T) {
		s := open(t)
		equal(t, "accepted", accept(t, s, "1", "2", "3"), 3)
		equal(t, "pruned before two days ago", prune(t, s, time.Now().Add(-48*time.Hour)), 0)
		equal(t, "accepted again", accept(t, s, "1", "2"), 0)
		equal(t, "pruned before two days from now", prune(t, s, time.Now().Add(48*time.Hour)), 3)
		// Forgotten, so accepted again, and remembered again.
		equal(t, "accepted after prune", accept(t, s, "1", "2"), 2)
		equal(t, "accepted twice after prune", accept(t, s, "1"), 0)
		equal(t, "pruned again", prune(t, s, time.Now().Add(48*time.Hour)), 2)
		equal(t, "pruned when empty", prune(t, s, time.Now().Add(48*time.Hour)), 0)
	})

	t.Run("ErrCanceled", func(t *testing.T) {
		s := open(t)
		accept(t, s, "1")
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := s.PruneDedupe(ctx, time.Now().Add(48*time.Hour)); err == nil {
			t.Fatal("PruneDedupe with a canceled context succeeded")
		}
		equal(t, "still known", accept(t, s, "1"), 0)
	})
}

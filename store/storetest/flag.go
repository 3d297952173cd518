package storetest

import (
	"fmt"
	"testing"
	"time"

	"engagebot/bot"
)

func flag(k bot.ThreadKey, status string) *bot.Flag {
	return &bot.Flag{
		Thread:    k,
		Follower:  bot.FollowerKey{Platform: k.Platform, UserID: k.Chat},
		MessageID: "m1",
		Severity:  bot.SeverityCritical,
		Reason:    bot.SignalAdverseEvent,
		Detail:    "vitamin d: rash",
		Text:      "I got a rash after the vitamin D",
		Status:    status,
		Created:   base,
	}
}

func flagIDs(list []*bot.Flag) []string {
	return ids(list, func(f *bot.Flag) string { return fmt.Sprint(f.ID) })
}

func testFlag(t *testing.T, open func(t *testing.T) bot.Store) {
	ka := bot.ThreadKey{Platform: "telegram", Account: "support", Chat: "a"}
	kb := bot.ThreadKey{Platform: "telegram", Account: "support", Chat: "ab"}

	t.Run("OK", func(t *testing.T) {
		s := open(t)
		f1, f2 := flag(ka, bot.FlagOpen), flag(kb, bot.FlagOpen)
		mustUpdate(t, s, func(tx bot.Tx) error {
			if err := tx.AddFlag(f1); err != nil {
				return err
			}
			return tx.AddFlag(f2)
		})
		if f1.ID == 0 || f2.ID <= f1.ID {
			t.Fatalf("ids %d, %d: want increasing and non-zero", f1.ID, f2.ID)
		}
		mustView(t, s, func(tx bot.Tx) error {
			got, err := tx.Flag(f2.ID)
			equal(t, "flag", got, f2)
			return err
		})
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		s := open(t)
		mustView(t, s, func(tx bot.Tx) error {
			_, err := tx.Flag(1)
			wantCode(t, err, bot.ENOTFOUND)
			return nil
		})
		err := s.Update(t.Context(), func(tx bot.Tx) error {
			f := flag(ka, bot.FlagClosed)
			f.ID = 99
			return tx.PutFlag(f)
		})
		wantCode(t, err, bot.ENOTFOUND)
	})

	t.Run("Close", func(t *testing.T) {
		s := open(t)
		f := flag(ka, bot.FlagOpen)
		mustUpdate(t, s, func(tx bot.Tx) error { return tx.AddFlag(f) })
		f.Status, f.Closed, f.ClosedBy = bot.FlagClosed, base.Add(time.Hour), "maryam"
		mustUpdate(t, s, func(tx bot.Tx) error { return tx.PutFlag(f) })
		mustView(t, s, func(tx bot.Tx) error {
			got, err := tx.Flag(f.ID)
			equal(t, "flag", got, f)
			open, _ := tx.Flags(bot.FlagFilter{Status: bot.FlagOpen})
			equal(t, "open", len(open), 0)
			closed, _ := tx.Flags(bot.FlagFilter{Status: bot.FlagClosed, Thread: &ka})
			equal(t, "closed", flagIDs(closed), []string{fmt.Sprint(f.ID)})
			return err
		})
	})

	t.Run("Filter", func(t *testing.T) {
		s := open(t)
		// ids 1..6 in this order.
		spec := []struct {
			k      bot.ThreadKey
			status string
		}{
			{ka, bot.FlagOpen}, {kb, bot.FlagOpen}, {ka, bot.FlagClosed},
			{ka, bot.FlagOpen}, {kb, bot.FlagClosed}, {kb, bot.FlagOpen},
		}
		var id []string
		mustUpdate(t, s, func(tx bot.Tx) error {
			id = nil
			for _, sp := range spec {
				f := flag(sp.k, sp.status)
				if err := tx.AddFlag(f); err != nil {
					return err
				}
				id = append(id, fmt.Sprint(f.ID))
			}
			return nil
		})
		after := func(i int) uint64 {
			var n uint64
			fmt.Sscan(id[i], &n)
			return n
		}
		none := bot.ThreadKey{Platform: "telegram", Account: "support", Chat: "none"}
		mustView(t, s, func(tx bot.Tx) error {
			for i, tc := range []struct {
				filter bot.FlagFilter
				want   []string
			}{
				{bot.FlagFilter{}, id},
				{bot.FlagFilter{Status: bot.FlagOpen}, []string{id[0], id[1], id[3], id[5]}},
				{bot.FlagFilter{Status: bot.FlagClosed}, []string{id[2], id[4]}},
				{bot.FlagFilter{Thread: &ka}, []string{id[0], id[2], id[3]}},
				{bot.FlagFilter{Thread: &kb, Status: bot.FlagOpen}, []string{id[1], id[5]}},
				{bot.FlagFilter{Thread: &none}, []string{}},
				{bot.FlagFilter{Limit: 2}, []string{id[0], id[1]}},
				{bot.FlagFilter{After: after(1)}, id[2:]},
				{bot.FlagFilter{Status: bot.FlagOpen, After: after(1), Limit: 1}, []string{id[3]}},
				{bot.FlagFilter{Thread: &ka, After: after(2)}, []string{id[3]}},
				{bot.FlagFilter{Thread: &kb, Status: bot.FlagOpen, After: after(0), Limit: 1}, []string{id[1]}},
			} {
				got, err := tx.Flags(tc.filter)
				if err != nil {
					return err
				}
				equal(t, fmt.Sprintf("case %d: Flags(%+v)", i, tc.filter), flagIDs(got), tc.want)
			}
			return nil
		})
	})
}

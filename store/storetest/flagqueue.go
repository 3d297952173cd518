package storetest

import (
	"testing"
	"time"

	"engagebot/bot"
)

// testFlagQueue: open flags listed in the moderators' queue order (most
// severe, then oldest), paged by position, and leaving the queue when
// closed.
func testFlagQueue(t *testing.T, open func(t *testing.T) bot.Store) {
	k := bot.ThreadKey{Platform: "telegram", Account: "support", Chat: "a"}
	mk := func(sev bot.Severity, minutes int, status string) *bot.Flag {
		f := flag(k, status)
		f.Severity, f.Created = sev, base.Add(time.Duration(minutes)*time.Minute)
		return f
	}
	s := open(t)
	flags := []*bot.Flag{
		mk(bot.SeverityMedium, 1, bot.FlagOpen),   // 1
		mk(bot.SeverityCritical, 5, bot.FlagOpen), // 2
		mk(bot.SeverityLow, 0, bot.FlagOpen),      // 3
		mk(bot.SeverityCritical, 2, bot.FlagOpen), // 4
		mk(bot.SeverityHigh, 3, bot.FlagClosed),   // 5
		mk(bot.SeverityMedium, 1, bot.FlagOpen),   // 6: same place as 1, later id
	}
	mustUpdate(t, s, func(tx bot.Tx) error {
		for _, f := range flags {
			if err := tx.AddFlag(f); err != nil {
				return err
			}
		}
		return nil
	})
	queue := func(after *bot.Flag, limit int) []string {
		var got []*bot.Flag
		mustView(t, s, func(tx bot.Tx) (err error) {
			got, err = tx.Flags(bot.FlagFilter{Queue: true, QueueAfter: after, Limit: limit})
			return err
		})
		return flagIDs(got)
	}
	id := func(i int) string { return flagIDs(flags[i : i+1])[0] }
	equal(t, "queue", queue(nil, 0), []string{id(3), id(1), id(0), id(5), id(2)})
	equal(t, "first page", queue(nil, 2), []string{id(3), id(1)})
	equal(t, "next page", queue(flags[1], 2), []string{id(0), id(5)})
	equal(t, "after a flag of the same place", queue(flags[0], 0), []string{id(5), id(2)})

	// Closing takes a flag out; a changed severity moves it.
	mustUpdate(t, s, func(tx bot.Tx) error {
		f := *flags[3]
		f.Status = bot.FlagClosed
		if err := tx.PutFlag(&f); err != nil {
			return err
		}
		g := *flags[2]
		g.Severity = bot.SeverityCritical
		return tx.PutFlag(&g)
	})
	equal(t, "queue after changes", queue(nil, 0), []string{id(2), id(1), id(0), id(5)})

	err := s.View(t.Context(), func(tx bot.Tx) error {
		_, err := tx.Flags(bot.FlagFilter{Queue: true, Status: bot.FlagClosed})
		return err
	})
	wantCode(t, err, bot.EINVALID)
}

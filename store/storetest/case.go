package storetest

import (
	"fmt"
	"testing"
	"time"

	"engagebot/bot"
)

func safetyCase(f bot.FollowerKey, status bot.CaseStatus) *bot.Case {
	return &bot.Case{
		Flag: 3, Kind: bot.SignalAdverseEvent, Queue: bot.CaseQueueSafety, Severity: bot.SeverityCritical, Product: "vitamin d", Effect: "rash", Follower: f, FollowerName: "Sara",
		Thread:    bot.ThreadKey{Platform: f.Platform, Account: "support", Chat: f.UserID},
		MessageID: "m1", Text: "I got a rash after the vitamin D", Lang: bot.LangEn,
		Aware: base.Add(time.Minute), Created: base.Add(2 * time.Minute), Status: status, Serious: bot.SeriousUnknown,
	}
}

func caseIDs(list []*bot.Case) []string {
	return ids(list, func(c *bot.Case) string { return fmt.Sprint(c.ID) })
}

func testCase(t *testing.T, open func(t *testing.T) bot.Store) {
	a := bot.FollowerKey{Platform: "telegram", UserID: "1"}
	b := bot.FollowerKey{Platform: "telegram", UserID: "2"}

	t.Run("OK", func(t *testing.T) {
		s := open(t)
		c1, c2, c3 := safetyCase(a, bot.CaseOpen), safetyCase(b, bot.CaseOpen), safetyCase(a, bot.CaseOpen)
		mustUpdate(t, s, func(tx bot.Tx) error {
			for _, c := range []*bot.Case{c1, c2, c3} {
				if err := tx.AddCase(c); err != nil {
					return err
				}
			}
			return nil
		})
		if c1.ID == 0 || c2.ID <= c1.ID || c3.ID <= c2.ID {
			t.Fatalf("ids %d, %d, %d: want increasing and non-zero", c1.ID, c2.ID, c3.ID)
		}
		c2.Status, c2.Serious, c2.DecidedBy, c2.Decided = bot.CaseConfirmed, bot.SeriousYes, "reza", base.Add(time.Hour)
		mustUpdate(t, s, func(tx bot.Tx) error { return tx.PutCase(c2) })
		mustView(t, s, func(tx bot.Tx) error {
			got, err := tx.Case(c2.ID)
			if err != nil {
				return err
			}
			equal(t, "case", got, c2)
			for i, tc := range []struct {
				filter bot.CaseFilter
				want   []*bot.Case
			}{
				{bot.CaseFilter{}, []*bot.Case{c1, c2, c3}},
				{bot.CaseFilter{Status: bot.CaseOpen}, []*bot.Case{c1, c3}},
				{bot.CaseFilter{Status: bot.CaseConfirmed}, []*bot.Case{c2}},
				{bot.CaseFilter{Follower: &a}, []*bot.Case{c1, c3}},
				{bot.CaseFilter{Follower: &a, Status: bot.CaseConfirmed}, nil},
				{bot.CaseFilter{Follower: &b, Status: bot.CaseConfirmed}, []*bot.Case{c2}},
				{bot.CaseFilter{Status: bot.CaseOpen, After: c1.ID}, []*bot.Case{c3}},
				{bot.CaseFilter{Follower: &a, Limit: 1}, []*bot.Case{c1}},
				{bot.CaseFilter{After: c1.ID, Limit: 1}, []*bot.Case{c2}},
			} {
				got, err := tx.Cases(tc.filter)
				if err != nil {
					return err
				}
				equal(t, fmt.Sprintf("%d: cases %+v", i, tc.filter), caseIDs(got), caseIDs(tc.want))
			}
			return nil
		})
		mustUpdate(t, s, func(tx bot.Tx) error {
			if err := tx.DeleteCase(c1.ID); err != nil {
				return err
			}
			return tx.DeleteCase(c1.ID) // a missing one is not an error
		})
		mustView(t, s, func(tx bot.Tx) error {
			_, err := tx.Case(c1.ID)
			wantCode(t, err, bot.ENOTFOUND)
			open, err := tx.Cases(bot.CaseFilter{Follower: &a})
			equal(t, "a's cases after delete", caseIDs(open), caseIDs([]*bot.Case{c3}))
			return err
		})
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		s := open(t)
		mustView(t, s, func(tx bot.Tx) error {
			_, err := tx.Case(1)
			wantCode(t, err, bot.ENOTFOUND)
			list, err := tx.Cases(bot.CaseFilter{Status: bot.CaseOpen})
			if len(list) != 0 {
				t.Errorf("a new store lists %d cases", len(list))
			}
			return err
		})
		err := s.Update(t.Context(), func(tx bot.Tx) error {
			c := safetyCase(a, bot.CaseOpen)
			c.ID = 9
			return tx.PutCase(c)
		})
		wantCode(t, err, bot.ENOTFOUND)
	})

	t.Run("Rollback", func(t *testing.T) {
		s := open(t)
		err := s.Update(t.Context(), func(tx bot.Tx) error {
			if err := tx.AddCase(safetyCase(a, bot.CaseOpen)); err != nil {
				return err
			}
			return errRollback
		})
		if err == nil {
			t.Fatal("Update: want the rollback error")
		}
		mustView(t, s, func(tx bot.Tx) error {
			list, err := tx.Cases(bot.CaseFilter{})
			if len(list) != 0 {
				t.Errorf("%d cases after a rolled back add", len(list))
			}
			return err
		})
	})

	t.Run("ReadOnlyRefused", func(t *testing.T) {
		s := open(t)
		c := safetyCase(a, bot.CaseOpen)
		al := &bot.Alert{Platform: "telegram", Status: bot.AlertActive}
		mustUpdate(t, s, func(tx bot.Tx) error {
			if err := tx.AddCase(c); err != nil {
				return err
			}
			return tx.AddAlert(al)
		})
		mustView(t, s, func(tx bot.Tx) error {
			confirmed := *c
			confirmed.Status = bot.CaseConfirmed
			cleared := *al
			cleared.Status = bot.AlertCleared
			for name, write := range map[string]func() error{
				"AddCase":    func() error { return tx.AddCase(safetyCase(b, bot.CaseOpen)) },
				"PutCase":    func() error { return tx.PutCase(&confirmed) },
				"DeleteCase": func() error { return tx.DeleteCase(c.ID) },
				"SetLabel": func() error {
					return tx.SetLabel(&bot.LabelOverride{Thread: c.Thread, Message: 1, Follower: a, Label: bot.SentimentPositive})
				},
				"DeleteFollowerLabels": func() error { _, err := tx.DeleteFollowerLabels(a); return err },
				"AddAlert":             func() error { return tx.AddAlert(&bot.Alert{Platform: "x"}) },
				"PutAlert":             func() error { return tx.PutAlert(&cleared) },
			} {
				if err := write(); err == nil {
					t.Errorf("%s in View succeeded", name)
				}
			}
			return nil
		})
		mustView(t, s, func(tx bot.Tx) error {
			got, err := tx.Case(c.ID)
			if err == nil {
				equal(t, "case status", got.Status, bot.CaseOpen)
			}
			alerts, err2 := tx.Alerts(bot.AlertFilter{Status: bot.AlertActive})
			if len(alerts) != 1 {
				t.Errorf("active alerts after refused writes: %d", len(alerts))
			}
			if err != nil {
				return err
			}
			return err2
		})
	})
}

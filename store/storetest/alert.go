package storetest

import (
	"fmt"
	"testing"
	"time"

	"engagebot/bot"
)

func testAlert(t *testing.T, open func(t *testing.T) bot.Store) {
	alert := func(platform string, status bot.AlertStatus) *bot.Alert {
		return &bot.Alert{
			Platform: platform, Status: status, From: base, To: base.Add(time.Hour), Negative: 40, Peak: 40,
			Usual: 4.5, SD: 1.5, Threshold: 10, Weeks: 4, Factor: 40 / 4.5,
			Threads: []bot.ThreadKey{{Platform: platform, Account: "support", Chat: "a"}}, Raised: base.Add(time.Hour),
		}
	}
	alertIDs := func(list []*bot.Alert) []string {
		return ids(list, func(a *bot.Alert) string { return fmt.Sprint(a.ID) })
	}

	t.Run("OK", func(t *testing.T) {
		s := open(t)
		a1, a2, a3 := alert("telegram", bot.AlertActive), alert("x", bot.AlertActive), alert("telegram", bot.AlertActive)
		mustUpdate(t, s, func(tx bot.Tx) error {
			for _, a := range []*bot.Alert{a1, a2, a3} {
				if err := tx.AddAlert(a); err != nil {
					return err
				}
			}
			return nil
		})
		if a1.ID == 0 || a2.ID <= a1.ID || a3.ID <= a2.ID {
			t.Fatalf("ids %d, %d, %d: want increasing and non-zero", a1.ID, a2.ID, a3.ID)
		}
		a1.Status, a1.Cleared, a1.Delivered = bot.AlertCleared, base.Add(3*time.Hour), []string{"telegram"}
		mustUpdate(t, s, func(tx bot.Tx) error { return tx.PutAlert(a1) })
		mustView(t, s, func(tx bot.Tx) error {
			for i, tc := range []struct {
				filter bot.AlertFilter
				want   []*bot.Alert
			}{
				{bot.AlertFilter{}, []*bot.Alert{a1, a2, a3}},
				{bot.AlertFilter{Platform: "telegram"}, []*bot.Alert{a1, a3}},
				{bot.AlertFilter{Platform: "telegram", Status: bot.AlertActive}, []*bot.Alert{a3}},
				{bot.AlertFilter{Status: bot.AlertCleared}, []*bot.Alert{a1}},
				{bot.AlertFilter{After: a1.ID, Limit: 1}, []*bot.Alert{a2}},
			} {
				got, err := tx.Alerts(tc.filter)
				if err != nil {
					return err
				}
				equal(t, fmt.Sprintf("%d: alerts %+v", i, tc.filter), alertIDs(got), alertIDs(tc.want))
			}
			got, err := tx.Alerts(bot.AlertFilter{Limit: 1})
			if err == nil {
				equal(t, "alert", got, []*bot.Alert{a1})
			}
			return err
		})
	})

	t.Run("Errors", func(t *testing.T) {
		s := open(t)
		err := s.Update(t.Context(), func(tx bot.Tx) error {
			a := alert("telegram", bot.AlertActive)
			a.ID = 4
			return tx.PutAlert(a)
		})
		wantCode(t, err, bot.ENOTFOUND)
		err = s.Update(t.Context(), func(tx bot.Tx) error { return tx.AddAlert(alert("", bot.AlertActive)) })
		wantCode(t, err, bot.EINVALID)
	})
}

package storetest

import (
	"errors"
	"fmt"
	"testing"

	"engagebot/bot"
)

func auditSeqs(list []*bot.AuditEntry) []string {
	return ids(list, func(e *bot.AuditEntry) string { return fmt.Sprint(e.Seq) })
}

func testAudit(t *testing.T, open func(t *testing.T) bot.Store) {
	entry := func(actor, action string) *bot.AuditEntry {
		return &bot.AuditEntry{At: base, Actor: actor, Action: action, Target: "thread:telegram.support/a",
			Before: `{"mode":"bot"}`, After: `{"mode":"human","moderator":"` + actor + `"}`, Note: "takes it"}
	}

	t.Run("OK", func(t *testing.T) {
		s := open(t)
		mustView(t, s, func(tx bot.Tx) error {
			got, err := tx.AuditLog(bot.AuditFilter{})
			if len(got) != 0 {
				t.Errorf("a new store's audit log has %d entries", len(got))
			}
			return err
		})
		var added []*bot.AuditEntry
		mustUpdate(t, s, func(tx bot.Tx) error {
			added = nil
			for _, e := range []*bot.AuditEntry{entry("sara", "thread.takeover"), entry("reza", "flag.close"), entry("sara", "thread.reply")} {
				if err := tx.AddAudit(e); err != nil {
					return err
				}
				added = append(added, e)
			}
			return nil
		})
		for i := 1; i < len(added); i++ {
			if added[i].Seq <= added[i-1].Seq || added[0].Seq == 0 {
				t.Fatalf("seqs %v: want increasing and non-zero", auditSeqs(added))
			}
		}
		mustView(t, s, func(tx bot.Tx) error {
			all, err := tx.AuditLog(bot.AuditFilter{})
			if err != nil {
				return err
			}
			equal(t, "audit log", all, added)
			sara, err := tx.AuditLog(bot.AuditFilter{Actor: "sara"})
			if err != nil {
				return err
			}
			equal(t, "sara's entries", auditSeqs(sara), auditSeqs([]*bot.AuditEntry{added[0], added[2]}))
			page, err := tx.AuditLog(bot.AuditFilter{After: added[0].Seq, Limit: 1})
			if err != nil {
				return err
			}
			equal(t, "page after the first", auditSeqs(page), auditSeqs(added[1:2]))
			later, err := tx.AuditLog(bot.AuditFilter{Actor: "sara", After: added[0].Seq})
			equal(t, "sara's after the first", auditSeqs(later), auditSeqs(added[2:]))
			return err
		})
	})

	t.Run("RolledBackWithItsChange", func(t *testing.T) {
		s := open(t)
		err := s.Update(t.Context(), func(tx bot.Tx) error {
			if err := tx.AddAudit(entry("sara", "thread.takeover")); err != nil {
				return err
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatalf("Update = %v, want the rollback", err)
		}
		mustView(t, s, func(tx bot.Tx) error {
			got, err := tx.AuditLog(bot.AuditFilter{})
			if len(got) != 0 {
				t.Errorf("%d entries after a rolled-back action, want none", len(got))
			}
			return err
		})
	})

	t.Run("ReadOnlyRefused", func(t *testing.T) {
		s := open(t)
		err := s.View(t.Context(), func(tx bot.Tx) error { return tx.AddAudit(entry("sara", "thread.takeover")) })
		if err == nil {
			t.Fatal("AddAudit in a read-only transaction succeeded")
		}
	})
}

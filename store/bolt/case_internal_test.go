package bolt

import (
	"context"
	"path/filepath"
	"testing"

	"engagebot/bot"
)

// A case stored before cases had a kind, queue and severity reads as the
// side effect it was; one stored now keeps its own.
func TestCaseRecordOlderLayout(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "e.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	quality := &bot.Case{Flag: 2, Kind: bot.SignalQualityComplaint, Queue: bot.CaseQueueQuality, Severity: bot.SeverityHigh, Status: bot.CaseOpen}
	err = db.Update(ctx, func(tx bot.Tx) error {
		if err := tx.AddCase(&bot.Case{Flag: 1, Status: bot.CaseOpen}); err != nil {
			return err
		}
		// As an older build wrote it: no kind, queue or severity.
		b := tx.(*Tx).tx.Bucket(bucketCases)
		if err := b.Put(u64(1), []byte(`{"id":1,"flag":1,"status":"open","serious":"unknown"}`)); err != nil {
			return err
		}
		return tx.AddCase(quality)
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(ctx, func(tx bot.Tx) error {
		old, err := tx.Case(1)
		if err != nil {
			return err
		}
		if old.Kind != bot.SignalAdverseEvent || old.Queue != bot.CaseQueueSafety || old.Severity != bot.SeverityCritical {
			t.Errorf("older case = %+v, want a critical side effect for safety", old)
		}
		list, err := tx.Cases(bot.CaseFilter{Status: bot.CaseOpen})
		if err != nil {
			return err
		}
		if len(list) != 2 || list[0].Kind != bot.SignalAdverseEvent || list[1].Kind != bot.SignalQualityComplaint || list[1].Queue != bot.CaseQueueQuality || list[1].Severity != bot.SeverityHigh {
			t.Errorf("cases %+v %+v, want the older one as a side effect and the quality complaint as stored", list[0], list[1])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

package bolt

import (
	"context"
	"slices"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"engagebot/bot"
)

// A file written before the queue index existed lists its queue by
// sorting, and the first flag written builds the index from every open
// flag.
func TestFlagQueue_BuiltOnFirstWrite(t *testing.T) {
	db := openInternal(t)
	ctx := context.Background()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	add := func(sev bot.Severity, minutes int) {
		t.Helper()
		err := db.Update(ctx, func(tx bot.Tx) error {
			return tx.AddFlag(&bot.Flag{Thread: bot.ThreadKey{Platform: "telegram", Account: "a", Chat: "c"},
				Severity: sev, Reason: "complaint", Status: bot.FlagOpen, Created: base.Add(time.Duration(minutes) * time.Minute)})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	queue := func() []uint64 {
		t.Helper()
		var ids []uint64
		err := db.View(ctx, func(tx bot.Tx) error {
			flags, err := tx.Flags(bot.FlagFilter{Queue: true})
			for _, f := range flags {
				ids = append(ids, f.ID)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	add(bot.SeverityLow, 0)
	add(bot.SeverityCritical, 1)
	add(bot.SeverityMedium, 2)
	// As an older build left it: no queue index.
	if err := db.db.Update(func(tx *bbolt.Tx) error { return tx.DeleteBucket(bucketFlagsQueue) }); err != nil {
		t.Fatal(err)
	}
	if got, want := queue(), []uint64{2, 3, 1}; !slices.Equal(got, want) {
		t.Fatalf("queue without its index = %v, want %v", got, want)
	}
	add(bot.SeverityHigh, 3)
	if err := db.db.View(func(tx *bbolt.Tx) error {
		if n := tx.Bucket(bucketFlagsQueue).Stats().KeyN; n != 4 {
			t.Errorf("queue index holds %d flags after the first write, want 4", n)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got, want := queue(), []uint64{2, 4, 3, 1}; !slices.Equal(got, want) {
		t.Fatalf("queue = %v, want %v", got, want)
	}
}

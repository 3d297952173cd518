package bolt

import (
	"context"
	"encoding/json"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"engagebot/bot"
)

// Accept stores the events not already known by their dedupe key in the
// inbox, and the cursor when not nil, in one durable commit shared with
// concurrent callers (see commit.go). An invalid event fails the call
// before anything is written.
func (db *DB) Accept(ctx context.Context, events []bot.Event, cursor *bot.Cursor) ([]bot.InboxItem, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if cursor != nil && cursor.Key == "" {
		return nil, invalid("cursor: key required")
	}
	// Validate and encode before the batch: the batch runs its calls one
	// after another under bbolt's writer lock, so work done here runs in
	// parallel instead.
	type pending struct {
		dedupe []byte
		value  []byte
	}
	enc := make([]pending, len(events))
	for i := range events {
		if err := events[i].Validate(); err != nil {
			return nil, err
		}
		v, err := json.Marshal(&events[i])
		if err != nil {
			return nil, fmt.Errorf("bolt: accept: encode event: %w", err)
		}
		enc[i] = pending{dedupe: []byte(events[i].DedupeKey()), value: v}
	}
	now := db.now()

	var items []bot.InboxItem
	err := db.submitFirst(ctx, func(tx *bbolt.Tx) error {
		items = items[:0] // the batch may run this more than once
		inbox, dedupe := tx.Bucket(bucketInbox), openDedupe(tx, now)
		// Inbox keys only ever grow, so pages split full rather than
		// half full: fewer pages to write and sync per commit.
		inbox.FillPercent = 1
		for i, e := range enc {
			// A key stored earlier in this call is visible here too,
			// so duplicates within one call collapse as well.
			if dedupe.seen(e.dedupe) {
				continue
			}
			seq, err := inbox.NextSequence()
			if err != nil {
				return err
			}
			if err := inbox.Put(u64(seq), e.value); err != nil {
				return err
			}
			if err := dedupe.add(e.dedupe); err != nil {
				return err
			}
			items = append(items, bot.InboxItem{Seq: seq, Event: events[i]})
		}
		if cursor != nil {
			return tx.Bucket(bucketCursors).Put([]byte(cursor.Key), []byte(cursor.Value))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: accept: %w", err)
	}
	return items, nil
}

// Cursor returns a stored cursor value, "" when none.
func (db *DB) Cursor(ctx context.Context, key string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	var value string
	err := db.db.View(func(tx *bbolt.Tx) error {
		value = string(tx.Bucket(bucketCursors).Get([]byte(key)))
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("bolt: cursor: %w", err)
	}
	return value, nil
}

// Inbox lists unprocessed items with Seq > after, in arrival order.
func (t *Tx) Inbox(after uint64, limit int) ([]bot.InboxItem, error) {
	var items []bot.InboxItem
	c := t.bucket(bucketInbox).Cursor()
	for k, v := c.Seek(u64(after + 1)); k != nil && !full(limit, len(items)); k, v = c.Next() {
		seq := readUint64(k)
		if seq <= after { // after+1 wrapped around
			break
		}
		item := bot.InboxItem{Seq: seq}
		if err := json.Unmarshal(v, &item.Event); err != nil {
			return nil, fmt.Errorf("bolt: inbox %d: decode: %w", seq, err)
		}
		items = append(items, item)
	}
	return items, nil
}

// InboxHas reports whether the item is still in the inbox.
func (t *Tx) InboxHas(seq uint64) (bool, error) {
	return t.bucket(bucketInbox).Get(u64(seq)) != nil, nil
}

// DeleteInbox removes a processed item; a missing one is not an error.
func (t *Tx) DeleteInbox(seq uint64) error {
	if err := t.writable("delete inbox"); err != nil {
		return err
	}
	if err := t.bucket(bucketInbox).Delete(u64(seq)); err != nil {
		return fmt.Errorf("bolt: delete inbox %d: %w", seq, err)
	}
	return nil
}

// InboxLen counts unprocessed items. It reads bbolt's page headers rather
// than every item, so it is cheap while the inbox is small, as it normally
// is, and grows with its page count.
func (t *Tx) InboxLen() (int, error) {
	return t.bucket(bucketInbox).Stats().KeyN, nil
}

package bolt

import (
	"fmt"

	"engagebot/bot"
)

// The outbox is stored by id in "outbox", indexed by (state, id) in
// outbox_by_state (empty values) and by idempotency key in outbox_by_key
// (value: the id). An item marked sent loses its body (trimSent): the
// thread's outbound message keeps the text, so it is not stored twice.

// Enqueue adds o as a pending item, or, when o.Key names an existing item,
// sets o to that item and returns created=false.
func (t *Tx) Enqueue(o *bot.Outbound) (bool, error) {
	if err := t.writable("enqueue"); err != nil {
		return false, err
	}
	byKey := t.bucket(bucketOutboxKey)
	if o.Key != "" {
		if v := byKey.Get([]byte(o.Key)); v != nil {
			existing, err := t.Outbound(readUint64(v))
			if err != nil {
				return false, fmt.Errorf("bolt: enqueue: key %q: %w", o.Key, err)
			}
			*o = *existing
			return false, nil
		}
	}
	id, err := t.bucket(bucketOutbox).NextSequence()
	if err != nil {
		return false, fmt.Errorf("bolt: enqueue: %w", err)
	}
	now := t.stamp()
	o.ID, o.State, o.Created = id, bot.OutPending, now
	if o.Updated.IsZero() {
		o.Updated = now
	}
	if o.Key != "" {
		if err := byKey.Put([]byte(o.Key), u64(id)); err != nil {
			return false, fmt.Errorf("bolt: enqueue: %w", err)
		}
	}
	if err := t.putOutbound(o, ""); err != nil {
		return false, fmt.Errorf("bolt: enqueue: %w", err)
	}
	return true, nil
}

// Outbound returns an outbox item by id.
func (t *Tx) Outbound(id uint64) (*bot.Outbound, error) {
	v := t.bucket(bucketOutbox).Get(u64(id))
	if v == nil {
		return nil, notFound("outbound %d not found", id)
	}
	o, err := decodeOutbound(id, v)
	if err != nil {
		return nil, fmt.Errorf("bolt: outbound %d: %w", id, err)
	}
	return o, nil
}

// PutOutbound stores a changed item, moving it between state indexes in
// the same transaction. Its idempotency key cannot change.
func (t *Tx) PutOutbound(o *bot.Outbound) error {
	if err := t.writable("put outbound"); err != nil {
		return err
	}
	if o.State == "" {
		return invalid("outbound %d: state required", o.ID)
	}
	old, err := t.Outbound(o.ID)
	if err != nil {
		return err
	}
	if o.Key != old.Key {
		return invalid("outbound %d: idempotency key cannot change", o.ID)
	}
	if err := t.putOutbound(o, old.State); err != nil {
		return fmt.Errorf("bolt: put outbound %d: %w", o.ID, err)
	}
	return nil
}

func (t *Tx) putOutbound(o *bot.Outbound, oldState bot.OutState) error {
	idx := t.bucket(bucketOutboxState)
	if oldState != "" && oldState != o.State && indexedState(oldState) {
		if err := idx.Delete(appendUint64(stringKey(string(oldState)), o.ID)); err != nil {
			return err
		}
	}
	if indexedState(o.State) {
		if err := idx.Put(appendUint64(stringKey(string(o.State)), o.ID), nil); err != nil {
			return err
		}
	}
	b := t.bucket(bucketOutbox)
	if oldState == "" {
		b.FillPercent = 1 // a new item has the highest id
	}
	return b.Put(u64(o.ID), encodeOutbound(trimSent(o)))
}

// indexedState is whether outbox_by_state lists items in the state. Sent
// items, nearly all of the outbox, and withdrawn ones, which are ended
// too, are not indexed: an entry each would
// cost more than the trimmed item, and listing them scans the outbox,
// where they are the bulk anyway.
func indexedState(s bot.OutState) bool { return s != bot.OutSent && s != bot.OutWithdrawn }

// Outbox lists items in a state with ID > after, oldest first, scanning
// only that state's range of outbox_by_state (the outbox itself for sent
// items and for state "", which lists all items).
func (t *Tx) Outbox(state bot.OutState, after uint64, limit int) ([]*bot.Outbound, error) {
	outbox := t.bucket(bucketOutbox)
	var list []*bot.Outbound
	add := func(id uint64, v []byte) (bool, error) {
		o, err := decodeOutbound(id, v)
		if err != nil {
			return false, err
		}
		if state != "" && o.State != state { // scanning the outbox for one state
			return true, nil
		}
		list = append(list, o)
		return !full(limit, len(list)), nil
	}
	var err error
	if !indexedState(state) || state == "" {
		var start []byte
		if after > 0 {
			start = u64(after)
		}
		err = scan(outbox, nil, start, func(k, v []byte) (bool, error) { return add(readUint64(k), v) })
	} else {
		prefix := stringKey(string(state))
		var start []byte
		if after > 0 {
			start = appendUint64(prefix, after)
		}
		err = scan(t.bucket(bucketOutboxState), prefix, start, func(k, _ []byte) (bool, error) {
			id := readUint64(k)
			v := outbox.Get(u64(id))
			if v == nil {
				return false, fmt.Errorf("index entry for missing item %d", id)
			}
			return add(id, v)
		})
	}
	if err != nil {
		return nil, fmt.Errorf("bolt: outbox %s: %w", state, err)
	}
	return list, nil
}

// OutboxByKey finds an item by its idempotency key.
func (t *Tx) OutboxByKey(key string) (*bot.Outbound, error) {
	if key == "" {
		return nil, notFound("outbound with empty key not found")
	}
	v := t.bucket(bucketOutboxKey).Get([]byte(key))
	if v == nil {
		return nil, notFound("outbound with key %q not found", key)
	}
	return t.Outbound(readUint64(v))
}

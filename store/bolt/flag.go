package bolt

import (
	"encoding/json"
	"fmt"

	"engagebot/bot"
)

// Flags are stored by id in "flags", indexed by (status, id) in
// flags_by_status and by (thread, id) in flags_by_thread; index values are
// empty.

func flagIndexKeys(f *bot.Flag) (byStatus, byThread []byte) {
	return appendUint64(stringKey(f.Status), f.ID), appendUint64(threadKey(f.Thread), f.ID)
}

// AddFlag assigns f.ID and stores the flag.
func (t *Tx) AddFlag(f *bot.Flag) error {
	if err := t.writable("add flag"); err != nil {
		return err
	}
	id, err := t.bucket(bucketFlags).NextSequence()
	if err != nil {
		return fmt.Errorf("bolt: add flag: %w", err)
	}
	f.ID = id
	if err := t.putFlag(f, nil); err != nil {
		return fmt.Errorf("bolt: add flag: %w", err)
	}
	return nil
}

// Flag returns a flag by id.
func (t *Tx) Flag(id uint64) (*bot.Flag, error) {
	var f bot.Flag
	if ok, err := getJSON(t.bucket(bucketFlags), u64(id), &f); err != nil {
		return nil, fmt.Errorf("bolt: flag %d: %w", id, err)
	} else if !ok {
		return nil, notFound("flag %d not found", id)
	}
	return &f, nil
}

// PutFlag stores a changed flag; it must exist.
func (t *Tx) PutFlag(f *bot.Flag) error {
	if err := t.writable("put flag"); err != nil {
		return err
	}
	old, err := t.Flag(f.ID)
	if err != nil {
		return err
	}
	if err := t.putFlag(f, old); err != nil {
		return fmt.Errorf("bolt: put flag %d: %w", f.ID, err)
	}
	return nil
}

func (t *Tx) putFlag(f, old *bot.Flag) error {
	byStatus, byThread := flagIndexKeys(f)
	if old != nil {
		oldStatus, oldThread := flagIndexKeys(old)
		if err := t.bucket(bucketFlagsStatus).Delete(oldStatus); err != nil {
			return err
		}
		if err := t.bucket(bucketFlagsThread).Delete(oldThread); err != nil {
			return err
		}
	}
	if err := t.bucket(bucketFlagsStatus).Put(byStatus, nil); err != nil {
		return err
	}
	if err := t.bucket(bucketFlagsThread).Put(byThread, nil); err != nil {
		return err
	}
	if err := putJSON(t.bucket(bucketFlags), u64(f.ID), f); err != nil {
		return err
	}
	return t.indexQueue(f, old)
}

// Flags lists flags by id. A thread or status filter is a range scan of
// that index; with both, the thread index is scanned and status checked.
func (t *Tx) Flags(filter bot.FlagFilter) ([]*bot.Flag, error) {
	if filter.Queue {
		return t.flagQueue(filter)
	}
	flags := t.bucket(bucketFlags)
	var list []*bot.Flag
	add := func(v []byte) (bool, error) {
		var f bot.Flag
		if err := json.Unmarshal(v, &f); err != nil {
			return false, err
		}
		if filter.Status == "" || f.Status == filter.Status {
			list = append(list, &f)
		}
		return !full(filter.Limit, len(list)), nil
	}
	var err error
	switch {
	case filter.Thread != nil || filter.Status != "":
		idx, prefix := t.bucket(bucketFlagsStatus), stringKey(filter.Status)
		if filter.Thread != nil {
			idx, prefix = t.bucket(bucketFlagsThread), threadKey(*filter.Thread)
		}
		var after []byte
		if filter.After > 0 {
			after = appendUint64(prefix, filter.After)
		}
		err = scan(idx, prefix, after, func(k, _ []byte) (bool, error) {
			v := flags.Get(u64(readUint64(k)))
			if v == nil {
				return false, fmt.Errorf("index entry for missing flag %d", readUint64(k))
			}
			return add(v)
		})
	default:
		var after []byte
		if filter.After > 0 {
			after = u64(filter.After)
		}
		err = scan(flags, nil, after, func(_, v []byte) (bool, error) { return add(v) })
	}
	if err != nil {
		return nil, fmt.Errorf("bolt: flags: %w", err)
	}
	return list, nil
}

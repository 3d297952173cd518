package bolt

import (
	"encoding/json"
	"fmt"
	"slices"

	bbolt "go.etcd.io/bbolt"

	"engagebot/bot"
)

// The moderators' queue is an index of open flags in "flags_queue":
// (255 - severity) time(created) u64(id) -> empty, so a scan from the
// start reads the most severe, then the oldest, first. putFlag keeps it.
// The bucket is built from flags_by_status by the first write that needs
// it, so a file of an older build needs no migration; until then a queue
// listing sorts the open flags itself.

var bucketFlagsQueue = []byte("flags_queue")

func queueKey(f *bot.Flag) []byte {
	k := []byte{255 - byte(min(max(int(f.Severity), 0), 255))}
	return appendUint64(appendTime(k, f.Created), f.ID)
}

// queueIndex returns the queue bucket of a write transaction, building it
// from the open flags when it is missing.
func (t *Tx) queueIndex() (*bbolt.Bucket, error) {
	if b := t.tx.Bucket(bucketFlagsQueue); b != nil {
		return b, nil
	}
	b, err := t.tx.CreateBucket(bucketFlagsQueue)
	if err != nil {
		return nil, err
	}
	flags := t.bucket(bucketFlags)
	prefix := stringKey(bot.FlagOpen)
	err = scan(t.bucket(bucketFlagsStatus), prefix, nil, func(k, _ []byte) (bool, error) {
		var f bot.Flag
		if err := json.Unmarshal(flags.Get(u64(readUint64(k))), &f); err != nil {
			return false, fmt.Errorf("flag %d: %w", readUint64(k), err)
		}
		return true, b.Put(queueKey(&f), nil)
	})
	return b, err
}

// indexQueue moves a flag's entry in the queue as it changes.
func (t *Tx) indexQueue(f, old *bot.Flag) error {
	if (old == nil || old.Status != bot.FlagOpen) && f.Status != bot.FlagOpen {
		return nil
	}
	b, err := t.queueIndex()
	if err != nil {
		return err
	}
	if old != nil && old.Status == bot.FlagOpen {
		if err := b.Delete(queueKey(old)); err != nil {
			return err
		}
	}
	if f.Status == bot.FlagOpen {
		return b.Put(queueKey(f), nil)
	}
	return nil
}

// flagQueue lists open flags in queue order.
func (t *Tx) flagQueue(filter bot.FlagFilter) ([]*bot.Flag, error) {
	if filter.Thread != nil || (filter.Status != "" && filter.Status != bot.FlagOpen) {
		return nil, invalid("flags: the queue holds open flags of every thread")
	}
	flags := t.bucket(bucketFlags)
	idx := t.tx.Bucket(bucketFlagsQueue)
	if idx == nil {
		// Not built yet (no write since an older build): sort them here.
		all, err := t.Flags(bot.FlagFilter{Status: bot.FlagOpen})
		if err != nil {
			return nil, err
		}
		slices.SortFunc(all, bot.QueueLess)
		if a := filter.QueueAfter; a != nil {
			all = slices.DeleteFunc(all, func(f *bot.Flag) bool { return bot.QueueLess(f, a) <= 0 })
		}
		if filter.Limit > 0 && len(all) > filter.Limit {
			all = all[:filter.Limit]
		}
		return all, nil
	}
	var after []byte
	if filter.QueueAfter != nil {
		after = queueKey(filter.QueueAfter)
	}
	var list []*bot.Flag
	err := scan(idx, nil, after, func(k, _ []byte) (bool, error) {
		id := readUint64(k[len(k)-8:])
		v := flags.Get(u64(id))
		if v == nil {
			return false, fmt.Errorf("queue entry for missing flag %d", id)
		}
		var f bot.Flag
		if err := json.Unmarshal(v, &f); err != nil {
			return false, err
		}
		list = append(list, &f)
		return !full(filter.Limit, len(list)), nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: flag queue: %w", err)
	}
	return list, nil
}

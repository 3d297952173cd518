package bolt

import (
	"bytes"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// Dedupe keys are kept in one nested bucket per UTC day of acceptance,
// named by the day number, inside dedupe_by_day. Accept looks a key up in
// every day bucket (there are as many as days kept, a week by default);
// PruneDedupe empties and drops whole days, oldest first. Grouping by day
// is the time index: no second entry per key is needed to find the old
// ones, so a key costs one entry, and an empty value.

const daySeconds = 24 * 60 * 60

// dayOf numbers the UTC day holding t (floor, also before 1970).
func dayOf(t time.Time) int64 {
	s := t.Unix()
	d := s / daySeconds
	if s%daySeconds < 0 {
		d--
	}
	return d
}

func dayName(d int64) []byte { return u64(uint64(d) ^ (1 << 63)) }

func dayOfName(name []byte) int64 { return int64(readUint64(name) ^ (1 << 63)) }

// dedupeDays are the day buckets of one write transaction.
type dedupeDays struct {
	parent *bbolt.Bucket
	days   []*bbolt.Bucket
	today  *bbolt.Bucket
	name   []byte // today's bucket name
}

func openDedupe(tx *bbolt.Tx, now time.Time) *dedupeDays {
	d := &dedupeDays{parent: tx.Bucket(bucketDedupeDay), name: dayName(dayOf(now))}
	c := d.parent.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if v == nil { // a nested bucket
			b := d.parent.Bucket(k)
			d.days = append(d.days, b)
			if bytes.Equal(k, d.name) {
				d.today = b
			}
		}
	}
	return d
}

// seen reports whether key was accepted on any day kept.
func (d *dedupeDays) seen(key []byte) bool {
	for _, b := range d.days {
		if k, _ := b.Cursor().Seek(key); k != nil && bytes.Equal(k, key) {
			return true
		}
	}
	return false
}

// add records key under today.
func (d *dedupeDays) add(key []byte) error {
	if d.today == nil {
		b, err := d.parent.CreateBucket(d.name)
		if err != nil {
			return fmt.Errorf("dedupe day: %w", err)
		}
		d.today = b
		d.days = append(d.days, b)
	}
	return d.today.Put(key, nil)
}

// pruneDedupe deletes up to limit keys of the days that ended at or
// before the given time, oldest first, and drops each day bucket it
// empties; fewer than limit means no such day is left.
func (t *Tx) pruneDedupe(before time.Time, limit int) (int, error) {
	parent := t.bucket(bucketDedupeDay)
	n := 0
	for n < limit {
		name, v := parent.Cursor().First()
		if name == nil || v != nil || (dayOfName(name)+1)*daySeconds > before.Unix() {
			return n, nil
		}
		name = bytes.Clone(name)
		day := parent.Bucket(name)
		var keys [][]byte
		c := day.Cursor()
		for k, _ := c.First(); k != nil && n+len(keys) < limit; k, _ = c.Next() {
			keys = append(keys, bytes.Clone(k))
		}
		for _, k := range keys {
			if err := day.Delete(k); err != nil {
				return n, err
			}
		}
		n += len(keys)
		if k, _ := day.Cursor().First(); k == nil {
			if err := parent.DeleteBucket(name); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

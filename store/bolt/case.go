package bolt

import (
	"encoding/json"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"engagebot/bot"
)

// Safety cases are stored by id in "cases" (JSON values), indexed by
// (status, id) in cases_by_status and by (follower, id) in
// cases_by_follower; index values are empty. The buckets are made on the
// first case, so a file of an older build needs no migration for them.
// A case written before cases had a kind, queue and severity reads as the
// side effect it was (bot.Case.FillDefaults), so neither needs one.

var (
	bucketCases         = []byte("cases")
	bucketCasesStatus   = []byte("cases_by_status")
	bucketCasesFollower = []byte("cases_by_follower")
)

// writeBuckets returns the named top-level buckets of a write, making
// those missing.
func (t *Tx) writeBuckets(names ...[]byte) ([]*bbolt.Bucket, error) {
	out := make([]*bbolt.Bucket, len(names))
	for i, n := range names {
		b, err := t.tx.CreateBucketIfNotExists(n)
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

func caseIndexKeys(c *bot.Case) (byStatus, byFollower []byte) {
	return appendUint64(stringKey(string(c.Status)), c.ID), appendUint64(followerKey(c.Follower), c.ID)
}

// AddCase assigns c.ID and stores the case.
func (t *Tx) AddCase(c *bot.Case) error {
	if err := t.writable("add case"); err != nil {
		return err
	}
	bs, err := t.writeBuckets(bucketCases, bucketCasesStatus, bucketCasesFollower)
	if err != nil {
		return fmt.Errorf("bolt: add case: %w", err)
	}
	id, err := bs[0].NextSequence()
	if err != nil {
		return fmt.Errorf("bolt: add case: %w", err)
	}
	c.ID = id
	if err := t.putCase(bs, c, nil); err != nil {
		return fmt.Errorf("bolt: add case: %w", err)
	}
	return nil
}

// Case returns a case by id.
func (t *Tx) Case(id uint64) (*bot.Case, error) {
	b := t.tx.Bucket(bucketCases)
	if b == nil {
		return nil, notFound("case %d not found", id)
	}
	var c bot.Case
	if ok, err := getJSON(b, u64(id), &c); err != nil {
		return nil, fmt.Errorf("bolt: case %d: %w", id, err)
	} else if !ok {
		return nil, notFound("case %d not found", id)
	}
	c.FillDefaults()
	return &c, nil
}

// PutCase stores a changed case; it must exist.
func (t *Tx) PutCase(c *bot.Case) error {
	if err := t.writable("put case"); err != nil {
		return err
	}
	old, err := t.Case(c.ID)
	if err != nil {
		return err
	}
	bs, err := t.writeBuckets(bucketCases, bucketCasesStatus, bucketCasesFollower)
	if err == nil {
		err = t.putCase(bs, c, old)
	}
	if err != nil {
		return fmt.Errorf("bolt: put case %d: %w", c.ID, err)
	}
	return nil
}

func (t *Tx) putCase(bs []*bbolt.Bucket, c, old *bot.Case) error {
	if old != nil {
		s, f := caseIndexKeys(old)
		if err := bs[1].Delete(s); err != nil {
			return err
		}
		if err := bs[2].Delete(f); err != nil {
			return err
		}
	}
	s, f := caseIndexKeys(c)
	if err := bs[1].Put(s, nil); err != nil {
		return err
	}
	if err := bs[2].Put(f, nil); err != nil {
		return err
	}
	return putJSON(bs[0], u64(c.ID), c)
}

// DeleteCase removes a case and its index entries.
func (t *Tx) DeleteCase(id uint64) error {
	if err := t.writable("delete case"); err != nil {
		return err
	}
	old, err := t.Case(id)
	if bot.ErrorCode(err) == bot.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	s, f := caseIndexKeys(old)
	for _, e := range []struct{ b, k []byte }{{bucketCasesStatus, s}, {bucketCasesFollower, f}, {bucketCases, u64(id)}} {
		if err := t.tx.Bucket(e.b).Delete(e.k); err != nil {
			return fmt.Errorf("bolt: delete case %d: %w", id, err)
		}
	}
	return nil
}

// Cases lists cases by id. A status or follower filter is a range scan of
// that index; with both, the follower's are scanned and status checked.
func (t *Tx) Cases(filter bot.CaseFilter) ([]*bot.Case, error) {
	cases := t.tx.Bucket(bucketCases)
	if cases == nil {
		return nil, nil
	}
	var list []*bot.Case
	add := func(v []byte) (bool, error) {
		var c bot.Case
		if err := json.Unmarshal(v, &c); err != nil {
			return false, err
		}
		c.FillDefaults()
		if filter.Status == "" || c.Status == filter.Status {
			list = append(list, &c)
		}
		return !full(filter.Limit, len(list)), nil
	}
	var err error
	switch {
	case filter.Follower != nil || filter.Status != "":
		idx, prefix := t.tx.Bucket(bucketCasesStatus), stringKey(string(filter.Status))
		if filter.Follower != nil {
			idx, prefix = t.tx.Bucket(bucketCasesFollower), followerKey(*filter.Follower)
		}
		var after []byte
		if filter.After > 0 {
			after = appendUint64(prefix, filter.After)
		}
		err = scan(idx, prefix, after, func(k, _ []byte) (bool, error) {
			id := readUint64(k[len(k)-8:])
			v := cases.Get(u64(id))
			if v == nil {
				return false, fmt.Errorf("index entry for missing case %d", id)
			}
			return add(v)
		})
	default:
		var after []byte
		if filter.After > 0 {
			after = u64(filter.After)
		}
		err = scan(cases, nil, after, func(_, v []byte) (bool, error) { return add(v) })
	}
	if err != nil {
		return nil, fmt.Errorf("bolt: cases: %w", err)
	}
	return list, nil
}

package bolt

import (
	"encoding/json"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"engagebot/bot"
)

// Posts are stored by id in "posts" (JSON values). posts_due indexes the
// posts the scheduler fires next by (Next, id), so finding what is due
// reads only that. Slots are stored by (post, slot time) in "slots";
// slots_by_time indexes them by (slot time, post) for the calendar, and
// slots_open holds the (post, slot time) of slots with a target whose
// outcome is not known yet, so the scheduler follows only those. Index
// values are empty. All five buckets are made on first use, so a file of
// an older build needs no migration for them.

var (
	bucketPosts       = []byte("posts")
	bucketPostsDue    = []byte("posts_due")
	bucketSlots       = []byte("slots")
	bucketSlotsByTime = []byte("slots_by_time")
	bucketSlotsOpen   = []byte("slots_open")
)

// buckets returns the named buckets, made when missing.
func (t *Tx) buckets(op string, names ...[]byte) ([]*bbolt.Bucket, error) {
	if err := t.writable(op); err != nil {
		return nil, err
	}
	out := make([]*bbolt.Bucket, len(names))
	for i, n := range names {
		b, err := t.tx.CreateBucketIfNotExists(n)
		if err != nil {
			return nil, fmt.Errorf("bolt: %s: %w", op, err)
		}
		out[i] = b
	}
	return out, nil
}

func dueKey(p *bot.Post) []byte { return appendUint64(appendTime(nil, p.Next), p.ID) }

func slotKey(post uint64, at time.Time) []byte { return appendTime(u64(post), at) }

// AddPost assigns p.ID and stores it.
func (t *Tx) AddPost(p *bot.Post) error {
	bs, err := t.buckets("add post", bucketPosts, bucketPostsDue)
	if err != nil {
		return err
	}
	id, err := bs[0].NextSequence()
	if err != nil {
		return fmt.Errorf("bolt: add post: %w", err)
	}
	p.ID = id
	if p.Created.IsZero() {
		p.Created = t.stamp()
	}
	if err := putJSON(bs[0], u64(id), p); err != nil {
		return fmt.Errorf("bolt: add post: %w", err)
	}
	if !p.Next.IsZero() {
		if err := bs[1].Put(dueKey(p), nil); err != nil {
			return fmt.Errorf("bolt: add post: %w", err)
		}
	}
	return nil
}

// Post returns one post.
func (t *Tx) Post(id uint64) (*bot.Post, error) {
	b := t.tx.Bucket(bucketPosts)
	if b == nil {
		return nil, notFound("post %d not found", id)
	}
	var p bot.Post
	ok, err := getJSON(b, u64(id), &p)
	if err != nil {
		return nil, fmt.Errorf("bolt: post %d: %w", id, err)
	}
	if !ok {
		return nil, notFound("post %d not found", id)
	}
	return &p, nil
}

// PutPost stores a changed post and moves its due index entry.
func (t *Tx) PutPost(p *bot.Post) error {
	bs, err := t.buckets("put post", bucketPosts, bucketPostsDue)
	if err != nil {
		return err
	}
	var old bot.Post
	ok, err := getJSON(bs[0], u64(p.ID), &old)
	if err != nil {
		return fmt.Errorf("bolt: put post %d: %w", p.ID, err)
	}
	if !ok {
		return notFound("post %d not found", p.ID)
	}
	if !old.Next.IsZero() {
		if err := bs[1].Delete(dueKey(&old)); err != nil {
			return fmt.Errorf("bolt: put post %d: %w", p.ID, err)
		}
	}
	if !p.Next.IsZero() {
		if err := bs[1].Put(dueKey(p), nil); err != nil {
			return fmt.Errorf("bolt: put post %d: %w", p.ID, err)
		}
	}
	if err := putJSON(bs[0], u64(p.ID), p); err != nil {
		return fmt.Errorf("bolt: put post %d: %w", p.ID, err)
	}
	return nil
}

// Posts lists posts by id; state and account are matched on each (the
// calendar reads a bounded page).
func (t *Tx) Posts(f bot.PostFilter) ([]*bot.Post, error) {
	b := t.tx.Bucket(bucketPosts)
	if b == nil {
		return nil, nil
	}
	var out []*bot.Post
	err := scan(b, nil, u64(f.After), func(_, v []byte) (bool, error) {
		var p bot.Post
		if err := json.Unmarshal(v, &p); err != nil {
			return false, fmt.Errorf("decode: %w", err)
		}
		if f.State != "" && p.State != f.State || f.Account != "" && !targets(&p, f.Account) {
			return true, nil
		}
		out = append(out, &p)
		return f.Limit <= 0 || len(out) < f.Limit, nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: posts: %w", err)
	}
	return out, nil
}

func targets(p *bot.Post, account string) bool {
	for _, t := range p.Targets {
		if t.Account == account {
			return true
		}
	}
	return false
}

// DuePosts lists posts whose Next is not after at, earliest first.
func (t *Tx) DuePosts(at time.Time, limit int) ([]*bot.Post, error) {
	idx, posts := t.tx.Bucket(bucketPostsDue), t.tx.Bucket(bucketPosts)
	if idx == nil || posts == nil {
		return nil, nil
	}
	end := appendTime(nil, at)
	var out []*bot.Post
	c := idx.Cursor()
	for k, _ := c.First(); k != nil && len(k) == timeLen+8; k, _ = c.Next() {
		if string(k[:timeLen]) > string(end) {
			break
		}
		var p bot.Post
		ok, err := getJSON(posts, k[timeLen:], &p)
		if err != nil {
			return nil, fmt.Errorf("bolt: due posts: %w", err)
		}
		if !ok {
			return nil, fmt.Errorf("bolt: due posts: the index names missing post %d", readUint64(k))
		}
		out = append(out, &p)
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out, nil
}

// PutSlot stores a slot and keeps its indexes.
func (t *Tx) PutSlot(s *bot.Slot) error {
	bs, err := t.buckets("put slot", bucketSlots, bucketSlotsByTime, bucketSlotsOpen)
	if err != nil {
		return err
	}
	k := slotKey(s.Post, s.At)
	if err := putJSON(bs[0], k, s); err != nil {
		return fmt.Errorf("bolt: put slot: %w", err)
	}
	if err := bs[1].Put(appendUint64(appendTime(nil, s.At), s.Post), nil); err != nil {
		return fmt.Errorf("bolt: put slot: %w", err)
	}
	if s.Open() {
		err = bs[2].Put(k, nil)
	} else {
		err = bs[2].Delete(k)
	}
	if err != nil {
		return fmt.Errorf("bolt: put slot: %w", err)
	}
	return nil
}

// Slot returns one slot.
func (t *Tx) Slot(post uint64, at time.Time) (*bot.Slot, error) {
	b := t.tx.Bucket(bucketSlots)
	if b == nil {
		return nil, notFound("slot %d/%s not found", post, at.Format(time.RFC3339))
	}
	var s bot.Slot
	ok, err := getJSON(b, slotKey(post, at), &s)
	if err != nil {
		return nil, fmt.Errorf("bolt: slot: %w", err)
	}
	if !ok {
		return nil, notFound("slot %d/%s not found", post, at.Format(time.RFC3339))
	}
	return &s, nil
}

// Slots lists a post's slots by time.
func (t *Tx) Slots(post uint64) ([]*bot.Slot, error) {
	b := t.tx.Bucket(bucketSlots)
	if b == nil {
		return nil, nil
	}
	var out []*bot.Slot
	err := scan(b, u64(post), nil, func(_, v []byte) (bool, error) {
		var s bot.Slot
		if err := json.Unmarshal(v, &s); err != nil {
			return false, fmt.Errorf("decode: %w", err)
		}
		out = append(out, &s)
		return true, nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: slots of post %d: %w", post, err)
	}
	return out, nil
}

// SlotsBetween lists slots with From <= At < To by time.
func (t *Tx) SlotsBetween(f bot.SlotFilter) ([]*bot.Slot, error) {
	idx, slots := t.tx.Bucket(bucketSlotsByTime), t.tx.Bucket(bucketSlots)
	if idx == nil || slots == nil {
		return nil, nil
	}
	var out []*bot.Slot
	c := idx.Cursor()
	end := appendTime(nil, f.To)
	for k, _ := c.Seek(appendTime(nil, f.From)); k != nil; k, _ = c.Next() {
		if !f.To.IsZero() && string(k[:timeLen]) >= string(end) {
			break
		}
		var s bot.Slot
		ok, err := getJSON(slots, slotKey(readUint64(k), readTime(k)), &s)
		if err != nil {
			return nil, fmt.Errorf("bolt: slots between: %w", err)
		}
		if !ok {
			return nil, fmt.Errorf("bolt: slots between: the index names a missing slot")
		}
		out = append(out, &s)
		if f.Limit > 0 && len(out) == f.Limit {
			break
		}
	}
	return out, nil
}

// OpenSlots lists slots that wait for an outcome, after (post, at).
func (t *Tx) OpenSlots(afterPost uint64, afterAt time.Time, limit int) ([]*bot.Slot, error) {
	idx, slots := t.tx.Bucket(bucketSlotsOpen), t.tx.Bucket(bucketSlots)
	if idx == nil || slots == nil {
		return nil, nil
	}
	var after []byte
	if afterPost != 0 || !afterAt.IsZero() {
		after = slotKey(afterPost, afterAt)
	}
	var out []*bot.Slot
	err := scan(idx, nil, after, func(k, _ []byte) (bool, error) {
		var s bot.Slot
		ok, err := getJSON(slots, k, &s)
		if err != nil {
			return false, err
		}
		if !ok {
			return false, fmt.Errorf("the open index names a missing slot")
		}
		out = append(out, &s)
		return limit <= 0 || len(out) < limit, nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: open slots: %w", err)
	}
	return out, nil
}

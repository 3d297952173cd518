package bolt

import (
	"encoding/json"
	"fmt"
	"strconv"

	"engagebot/bot"
)

// Segments are stored by id in "segments" (JSON values), keyed by the id's
// number big-endian so they list in creation order. Who matches a segment
// is never stored. The bucket is made on the first segment.

var bucketSegments = []byte("segments")

// segmentKey reads a segment id ("12") into its key; false for an id the
// store cannot have assigned.
func segmentKey(id string) ([]byte, bool) {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil || n == 0 || strconv.FormatUint(n, 10) != id {
		return nil, false
	}
	return u64(n), true
}

// AddSegment assigns s.ID and stores it.
func (t *Tx) AddSegment(s *bot.Segment) error {
	if err := t.writable("add segment"); err != nil {
		return err
	}
	b, err := t.tx.CreateBucketIfNotExists(bucketSegments)
	if err != nil {
		return fmt.Errorf("bolt: add segment: %w", err)
	}
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("bolt: add segment: %w", err)
	}
	s.ID = strconv.FormatUint(seq, 10)
	if err := putJSON(b, u64(seq), s); err != nil {
		return fmt.Errorf("bolt: add segment: %w", err)
	}
	return nil
}

// Segment returns a segment by id.
func (t *Tx) Segment(id string) (*bot.Segment, error) {
	k, ok := segmentKey(id)
	b := t.tx.Bucket(bucketSegments)
	if !ok || b == nil {
		return nil, notFound("segment %q not found", id)
	}
	var s bot.Segment
	found, err := getJSON(b, k, &s)
	switch {
	case err != nil:
		return nil, fmt.Errorf("bolt: segment %s: %w", id, err)
	case !found:
		return nil, notFound("segment %q not found", id)
	}
	return &s, nil
}

// PutSegment stores a changed segment.
func (t *Tx) PutSegment(s *bot.Segment) error {
	if err := t.writable("put segment"); err != nil {
		return err
	}
	k, ok := segmentKey(s.ID)
	b := t.tx.Bucket(bucketSegments)
	if !ok || b == nil || b.Get(k) == nil {
		return notFound("segment %q not found", s.ID)
	}
	if err := putJSON(b, k, s); err != nil {
		return fmt.Errorf("bolt: put segment %s: %w", s.ID, err)
	}
	return nil
}

// DeleteSegment removes a segment.
func (t *Tx) DeleteSegment(id string) error {
	if err := t.writable("delete segment"); err != nil {
		return err
	}
	k, ok := segmentKey(id)
	b := t.tx.Bucket(bucketSegments)
	if !ok || b == nil || b.Get(k) == nil {
		return notFound("segment %q not found", id)
	}
	if err := b.Delete(k); err != nil {
		return fmt.Errorf("bolt: delete segment %s: %w", id, err)
	}
	return nil
}

// Segments lists every segment by id.
func (t *Tx) Segments() ([]*bot.Segment, error) {
	b := t.tx.Bucket(bucketSegments)
	if b == nil {
		return nil, nil
	}
	var out []*bot.Segment
	err := scan(b, nil, nil, func(k, v []byte) (bool, error) {
		var s bot.Segment
		if err := json.Unmarshal(v, &s); err != nil {
			return false, fmt.Errorf("decode: %w", err)
		}
		out = append(out, &s)
		return true, nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: segments: %w", err)
	}
	return out, nil
}

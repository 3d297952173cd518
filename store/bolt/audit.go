package bolt

import (
	"encoding/json"
	"fmt"

	"engagebot/bot"
)

// The audit log is stored by seq in "audit" (JSON values), indexed by
// (actor, seq) in audit_by_actor; index values are empty. Both buckets
// are made on the first entry, so a file of an older build needs no
// migration for them. Nothing deletes from them: follower erasure leaves
// the log alone, which names staff and targets, never message text.

var (
	bucketAudit      = []byte("audit")
	bucketAuditActor = []byte("audit_by_actor")
)

// AddAudit assigns e.Seq and appends the entry.
func (t *Tx) AddAudit(e *bot.AuditEntry) error {
	if err := t.writable("add audit entry"); err != nil {
		return err
	}
	b, err := t.tx.CreateBucketIfNotExists(bucketAudit)
	if err != nil {
		return fmt.Errorf("bolt: add audit entry: %w", err)
	}
	byActor, err := t.tx.CreateBucketIfNotExists(bucketAuditActor)
	if err != nil {
		return fmt.Errorf("bolt: add audit entry: %w", err)
	}
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("bolt: add audit entry: %w", err)
	}
	e.Seq = seq
	if e.At.IsZero() {
		e.At = t.stamp()
	}
	if err := putJSON(b, u64(seq), e); err != nil {
		return fmt.Errorf("bolt: add audit entry: %w", err)
	}
	if err := byActor.Put(appendUint64(stringKey(e.Actor), seq), nil); err != nil {
		return fmt.Errorf("bolt: add audit entry: %w", err)
	}
	return nil
}

// AuditLog lists entries with Seq > filter.After, oldest first; with an
// actor it is a range scan of that actor's index.
func (t *Tx) AuditLog(f bot.AuditFilter) ([]*bot.AuditEntry, error) {
	b := t.tx.Bucket(bucketAudit)
	if b == nil {
		return nil, nil
	}
	var out []*bot.AuditEntry
	add := func(v []byte) (bool, error) {
		var e bot.AuditEntry
		if v == nil {
			return false, fmt.Errorf("the actor index names a missing entry")
		}
		if err := json.Unmarshal(v, &e); err != nil {
			return false, fmt.Errorf("decode: %w", err)
		}
		out = append(out, &e)
		return f.Limit <= 0 || len(out) < f.Limit, nil
	}
	var err error
	if f.Actor == "" {
		err = scan(b, nil, u64(f.After), func(_, v []byte) (bool, error) { return add(v) })
	} else if idx := t.tx.Bucket(bucketAuditActor); idx != nil {
		prefix := stringKey(f.Actor)
		err = scan(idx, prefix, appendUint64(stringKey(f.Actor), f.After), func(k, _ []byte) (bool, error) {
			return add(b.Get(k[len(prefix):]))
		})
	}
	if err != nil {
		return nil, fmt.Errorf("bolt: audit log: %w", err)
	}
	return out, nil
}

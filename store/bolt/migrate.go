package bolt

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	bbolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"engagebot/bot"
)

// migrate1to2 turns a schema-1 file into schema 2 in place, keeping every
// record: followers, threads, messages, sentiment records and outbox
// items are re-encoded from JSON into binary records (sent items lose
// their body), and the indexes and counts schema 2 added are built from
// them: followers_by_lang, followers_by_consent, messages_by_time,
// sentiment_series, and dedupe keys move into dedupe_by_day. It runs inside Open's transaction,
// so a failure leaves the file as it was.
func migrate1to2(tx *bbolt.Tx) error {
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	t := &Tx{tx: tx}
	steps := []struct {
		name string
		run  func(*Tx) error
	}{
		{"followers", migrateFollowers},
		{"threads", migrateThreads},
		{"messages", migrateMessages},
		{"sentiment", migrateSentiment},
		{"outbox", migrateOutbox},
		{"dedupe", migrateDedupe},
	}
	for _, s := range steps {
		if err := s.run(t); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
	}
	return nil
}

// rewrite replaces every value of b by fn's, collecting them first
// (bbolt forbids writing a bucket under its own cursor).
func rewrite(b *bbolt.Bucket, fn func(k, v []byte) ([]byte, error)) error {
	type kv struct{ k, v []byte }
	var all []kv
	err := b.ForEach(func(k, v []byte) error {
		nv, err := fn(k, v)
		if err != nil {
			return fmt.Errorf("key %x: %w", k, err)
		}
		all = append(all, kv{bytes.Clone(k), nv})
		return nil
	})
	if err != nil {
		return err
	}
	for _, e := range all {
		if err := b.Put(e.k, e.v); err != nil {
			return err
		}
	}
	return nil
}

func migrateFollowers(t *Tx) error {
	var list []*bot.Follower
	err := t.bucket(bucketFollowers).ForEach(func(k, v []byte) error {
		var f bot.Follower
		if err := json.Unmarshal(v, &f); err != nil {
			return fmt.Errorf("key %x: %w", k, err)
		}
		list = append(list, &f)
		return nil
	})
	if err != nil {
		return err
	}
	if err := t.tx.DeleteBucket(bucketFollowers); err != nil {
		return err
	}
	if _, err := t.tx.CreateBucket(bucketFollowers); err != nil {
		return err
	}
	for _, f := range list {
		if err := t.putFollower(followerKey(f.Key), f); err != nil {
			return err
		}
	}
	return nil
}

func migrateThreads(t *Tx) error {
	return rewrite(t.bucket(bucketThreads), func(_, v []byte) ([]byte, error) {
		var th bot.Thread
		if err := json.Unmarshal(v, &th); err != nil {
			return nil, err
		}
		return encodeThread(&th), nil
	})
}

// Schema-1 messages are a 12-byte time header, then the JSON.
func migrateMessages(t *Tx) error {
	byTime := t.bucket(bucketMessagesTime)
	return rewrite(t.bucket(bucketMessages), func(k, v []byte) ([]byte, error) {
		if len(v) < timeLen {
			return nil, fmt.Errorf("message value too short")
		}
		var m bot.Message
		if err := json.Unmarshal(v[timeLen:], &m); err != nil {
			return nil, err
		}
		if err := byTime.Put(join(appendTime(nil, m.At), k), nil); err != nil {
			return nil, err
		}
		return encodeMessage(&m), nil
	})
}

// Schema 1 kept records by seq with three indexes; schema 2 keys them by
// (platform, time, seq) with one index, so the buckets are rebuilt.
func migrateSentiment(t *Tx) error {
	old := t.bucket(bucketSentiment)
	seq := old.Sequence()
	var list []*bot.SentimentRecord
	err := old.ForEach(func(k, v []byte) error {
		var r bot.SentimentRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("key %x: %w", k, err)
		}
		list = append(list, &r)
		return nil
	})
	if err != nil {
		return err
	}
	for _, name := range []string{"sentiment", "sentiment_by_time", "sentiment_by_platform", "sentiment_by_follower"} {
		if err := t.tx.DeleteBucket([]byte(name)); err != nil && !errors.Is(err, berrors.ErrBucketNotFound) {
			return err
		}
	}
	b, err := t.tx.CreateBucket(bucketSentiment)
	if err != nil {
		return err
	}
	if err := b.SetSequence(seq); err != nil {
		return err
	}
	if _, err := t.tx.CreateBucket(bucketSentimentFol); err != nil {
		return err
	}
	for _, r := range list {
		if err := t.putSentiment(r); err != nil {
			return err
		}
	}
	return nil
}

// Sent items lose their body and their outbox_by_state entry.
func migrateOutbox(t *Tx) error {
	idx := t.bucket(bucketOutboxState)
	return rewrite(t.bucket(bucketOutbox), func(_, v []byte) ([]byte, error) {
		var o bot.Outbound
		if err := json.Unmarshal(v, &o); err != nil {
			return nil, err
		}
		if !indexedState(o.State) {
			if err := idx.Delete(appendUint64(stringKey(string(o.State)), o.ID)); err != nil {
				return nil, err
			}
		}
		return encodeOutbound(trimSent(&o)), nil
	})
}

// Schema 1 kept dedupe keys in one bucket "dedupe", valued by the time
// each was accepted; schema 2 files them by that day.
func migrateDedupe(t *Tx) error {
	old := t.tx.Bucket([]byte("dedupe"))
	if old == nil {
		return nil
	}
	days := t.bucket(bucketDedupeDay)
	err := old.ForEach(func(k, v []byte) error {
		if len(v) < timeLen {
			return fmt.Errorf("key %x: time too short", k)
		}
		day, err := days.CreateBucketIfNotExists(dayName(dayOf(readTime(v))))
		if err != nil {
			return err
		}
		return day.Put(k, nil)
	})
	if err != nil {
		return err
	}
	return t.tx.DeleteBucket([]byte("dedupe"))
}

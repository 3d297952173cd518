package bolt

import (
	"bytes"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"engagebot/bot"
)

// The sentiment log is stored by seq in "sentiment", with three indexes
// whose keys end in (time, seq) and whose values are empty:
// sentiment_by_time (all platforms), sentiment_by_platform (platform
// first) and sentiment_by_follower (follower first). Each query is one
// range scan of one index plus a lookup per record found.

func sentimentIndexKeys(r *bot.SentimentRecord) (byTime, byPlatform, byFollower []byte) {
	ts := appendUint64(appendTime(nil, r.At), r.Seq)
	byTime = ts
	byPlatform = join(stringKey(r.Platform), ts)
	if r.Follower != (bot.FollowerKey{}) {
		byFollower = join(followerKey(r.Follower), ts)
	}
	return byTime, byPlatform, byFollower
}

// AddSentiment assigns r.Seq and logs the record with its indexes.
func (t *Tx) AddSentiment(r *bot.SentimentRecord) error {
	if err := t.writable("add sentiment"); err != nil {
		return err
	}
	if r.Platform == "" {
		return invalid("sentiment record: platform required")
	}
	b := t.bucket(bucketSentiment)
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("bolt: add sentiment: %w", err)
	}
	r.Seq = seq
	if err := putJSON(b, u64(seq), r); err != nil {
		return fmt.Errorf("bolt: add sentiment: %w", err)
	}
	byTime, byPlatform, byFollower := sentimentIndexKeys(r)
	if err := t.bucket(bucketSentimentTime).Put(byTime, nil); err != nil {
		return fmt.Errorf("bolt: add sentiment: %w", err)
	}
	if err := t.bucket(bucketSentimentPlat).Put(byPlatform, nil); err != nil {
		return fmt.Errorf("bolt: add sentiment: %w", err)
	}
	if byFollower != nil {
		if err := t.bucket(bucketSentimentFol).Put(byFollower, nil); err != nil {
			return fmt.Errorf("bolt: add sentiment: %w", err)
		}
	}
	return nil
}

// SentimentByDay lists records of a platform ("" for all) with At in
// [from, to), by time.
func (t *Tx) SentimentByDay(platform string, from, to time.Time, limit int) ([]*bot.SentimentRecord, error) {
	idx, prefix := t.bucket(bucketSentimentTime), []byte(nil)
	if platform != "" {
		idx, prefix = t.bucket(bucketSentimentPlat), stringKey(platform)
	}
	list, err := t.sentimentRange(idx, prefix, from, to, limit)
	if err != nil {
		return nil, fmt.Errorf("bolt: sentiment by day: %w", err)
	}
	return list, nil
}

// SentimentByFollower lists a follower's records with At in [from, to).
func (t *Tx) SentimentByFollower(k bot.FollowerKey, from, to time.Time, limit int) ([]*bot.SentimentRecord, error) {
	list, err := t.sentimentRange(t.bucket(bucketSentimentFol), followerKey(k), from, to, limit)
	if err != nil {
		return nil, fmt.Errorf("bolt: sentiment by follower %s: %w", k, err)
	}
	return list, nil
}

// sentimentRange walks index keys prefix+(time, seq) with time in
// [from, to) and loads each record.
func (t *Tx) sentimentRange(idx *bbolt.Bucket, prefix []byte, from, to time.Time, limit int) ([]*bot.SentimentRecord, error) {
	if !from.Before(to) {
		return nil, nil
	}
	start, end := appendTime(bytes.Clone(prefix), from), appendTime(bytes.Clone(prefix), to)
	records := t.bucket(bucketSentiment)
	var list []*bot.SentimentRecord
	c := idx.Cursor()
	for k, _ := c.Seek(start); k != nil && bytes.Compare(k, end) < 0 && !full(limit, len(list)); k, _ = c.Next() {
		var r bot.SentimentRecord
		seq := readUint64(k)
		if ok, err := getJSON(records, u64(seq), &r); err != nil {
			return nil, err
		} else if !ok {
			return nil, fmt.Errorf("index entry for missing record %d", seq)
		}
		list = append(list, &r)
	}
	return list, nil
}

// deleteFollowerSentiment deletes a follower's records and all their
// index entries.
func (t *Tx) deleteFollowerSentiment(fk []byte) error {
	records, byFol := t.bucket(bucketSentiment), t.bucket(bucketSentimentFol)
	for _, k := range keysWithPrefix(byFol, fk) {
		seq := readUint64(k)
		var r bot.SentimentRecord
		ok, err := getJSON(records, u64(seq), &r)
		if err != nil {
			return err
		}
		if ok {
			byTime, byPlatform, _ := sentimentIndexKeys(&r)
			if err := t.bucket(bucketSentimentTime).Delete(byTime); err != nil {
				return err
			}
			if err := t.bucket(bucketSentimentPlat).Delete(byPlatform); err != nil {
				return err
			}
			if err := records.Delete(u64(seq)); err != nil {
				return err
			}
		}
		if err := byFol.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

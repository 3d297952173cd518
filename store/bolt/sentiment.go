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
//
// sentiment_series keeps running counts per (platform, quarter hour),
// and under platform "" for all platforms, written in the same
// transaction as each record, so a series reads at most one entry per
// quarter hour instead of every record.

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
	b.FillPercent = 1 // seqs only grow: split pages full
	if err := b.Put(u64(seq), encodeSentiment(r)); err != nil {
		return fmt.Errorf("bolt: add sentiment: %w", err)
	}
	if err := t.countSentiment(r, 1); err != nil {
		return fmt.Errorf("bolt: add sentiment: %w", err)
	}
	byTime, byPlatform, byFollower := sentimentIndexKeys(r)
	tb := t.bucket(bucketSentimentTime)
	tb.FillPercent = 1 // times only grow
	if err := tb.Put(byTime, nil); err != nil {
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
		seq := readUint64(k)
		v := records.Get(u64(seq))
		if v == nil {
			return nil, fmt.Errorf("index entry for missing record %d", seq)
		}
		r, err := decodeSentiment(seq, v)
		if err != nil {
			return nil, err
		}
		list = append(list, r)
	}
	return list, nil
}

// deleteFollowerSentiment deletes a follower's records and all their
// index entries.
func (t *Tx) deleteFollowerSentiment(fk []byte) error {
	records, byFol := t.bucket(bucketSentiment), t.bucket(bucketSentimentFol)
	for _, k := range keysWithPrefix(byFol, fk) {
		seq := readUint64(k)
		if v := records.Get(u64(seq)); v != nil {
			r, err := decodeSentiment(seq, v)
			if err != nil {
				return err
			}
			if err := t.countSentiment(r, -1); err != nil {
				return err
			}
			byTime, byPlatform, _ := sentimentIndexKeys(r)
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

// quarter is the length of one sentiment_series slot.
const quarter = 15 * 60

// quarterOf numbers the quarter hour holding t (floor, also before 1970).
func quarterOf(t time.Time) int64 {
	s := t.Unix()
	q := s / quarter
	if s%quarter < 0 {
		q--
	}
	return q
}

func seriesKey(platform string, q int64) []byte {
	return appendUint64(stringKey(platform), uint64(q)^(1<<63))
}

// countSentiment adds (delta 1) or removes (delta -1) r in the running
// counts of its platform and of all platforms.
func (t *Tx) countSentiment(r *bot.SentimentRecord, delta int) error {
	b := t.bucket(bucketSentimentSeries)
	q := quarterOf(r.At)
	for _, p := range []string{r.Platform, ""} {
		k := seriesKey(p, q)
		var c bot.SentimentBucket
		if v := b.Get(k); v != nil {
			if err := decodeCounts(v, &c); err != nil {
				return err
			}
		}
		addCounts(&c, r.Sentiment, delta)
		var err error
		if c.Volume <= 0 {
			err = b.Delete(k)
		} else {
			err = b.Put(k, encodeCounts(&c))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func addCounts(c *bot.SentimentBucket, s bot.Sentiment, delta int) {
	switch s.Label {
	case bot.SentimentPositive:
		c.Positive += delta
	case bot.SentimentNeutral:
		c.Neutral += delta
	case bot.SentimentNegative:
		c.Negative += delta
	}
	c.Volume += delta
	c.ScoreSum += float64(delta) * s.Score
}

func encodeCounts(c *bot.SentimentBucket) []byte {
	e := newEnc(24)
	e.svar(int64(c.Positive))
	e.svar(int64(c.Neutral))
	e.svar(int64(c.Negative))
	e.svar(int64(c.Volume))
	e.f64(c.ScoreSum)
	return e.b
}

func decodeCounts(v []byte, c *bot.SentimentBucket) error {
	d := newDec(v)
	c.Positive = int(d.svar())
	c.Neutral = int(d.svar())
	c.Negative = int(d.svar())
	c.Volume = int(d.svar())
	c.ScoreSum = d.f64()
	return d.done("sentiment counts")
}

// SentimentSeries sums the quarter-hour counts of a platform ("" for all)
// into one bucket per step from from up to to.
func (t *Tx) SentimentSeries(platform string, from, to time.Time, step bot.Step) ([]bot.SentimentBucket, error) {
	if step != bot.StepHour && step != bot.StepDay {
		return nil, invalid("sentiment series: unknown step %d", step)
	}
	var starts []time.Time
	for s := from; s.Before(to); s = step.Next(s) {
		if len(starts) == bot.MaxSeriesBuckets {
			return nil, invalid("sentiment series: more than %d buckets", bot.MaxSeriesBuckets)
		}
		starts = append(starts, s)
	}
	if len(starts) == 0 {
		return nil, nil
	}
	out := make([]bot.SentimentBucket, len(starts))
	prefix := stringKey(platform)
	c := t.bucket(bucketSentimentSeries).Cursor()
	k, v := c.Seek(seriesKey(platform, quarterOf(from)))
	for i := range out {
		out[i].Start = starts[i]
		end := quarterOf(to)
		if i+1 < len(starts) {
			end = quarterOf(starts[i+1])
		}
		for ; k != nil && bytes.HasPrefix(k, prefix) && int64(readUint64(k)^(1<<63)) < end; k, v = c.Next() {
			var q bot.SentimentBucket
			if err := decodeCounts(v, &q); err != nil {
				return nil, fmt.Errorf("bolt: sentiment series: %w", err)
			}
			b := &out[i]
			b.Positive += q.Positive
			b.Neutral += q.Neutral
			b.Negative += q.Negative
			b.Volume += q.Volume
			b.ScoreSum += q.ScoreSum
		}
	}
	return out, nil
}

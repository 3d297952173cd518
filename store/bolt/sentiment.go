package bolt

import (
	"bytes"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"engagebot/bot"
)

// The sentiment log is stored in "sentiment" under (platform, time, seq),
// so a platform's records for a time range are one range scan and the
// key carries the record's platform, time and seq (the value does not
// repeat them). sentiment_by_follower indexes (follower, time, seq); its
// value is the record's platform when it differs from the follower's
// (empty otherwise), which completes the record's key. Records of all
// platforms are the platforms' ranges merged by (time, seq): there are a
// handful of platforms, so no index of its own is worth its space.
//
// sentiment_series keeps running counts per (platform, quarter hour),
// and under platform "" for all platforms, written in the same
// transaction as each record, so a series reads at most one entry per
// quarter hour instead of every record.

// sentimentKey is a record's key in "sentiment".
func sentimentKey(platform string, at time.Time, seq uint64) []byte {
	return appendUint64(appendTime(stringKey(platform), at), seq)
}

// sentimentFollowerEntry is a record's sentiment_by_follower key and
// value, nil when it names no follower.
func sentimentFollowerEntry(r *bot.SentimentRecord) (k, v []byte) {
	if r.Follower == (bot.FollowerKey{}) {
		return nil, nil
	}
	k = appendUint64(appendTime(followerKey(r.Follower), r.At), r.Seq)
	if r.Platform != r.Follower.Platform {
		v = []byte(r.Platform)
	}
	return k, v
}

// AddSentiment assigns r.Seq and logs the record with its index entry
// and counts.
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
	if err := t.putSentiment(r); err != nil {
		return fmt.Errorf("bolt: add sentiment: %w", err)
	}
	return nil
}

func (t *Tx) putSentiment(r *bot.SentimentRecord) error {
	if err := t.bucket(bucketSentiment).Put(sentimentKey(r.Platform, r.At, r.Seq), encodeSentiment(r)); err != nil {
		return err
	}
	if err := t.countSentiment(r, 1); err != nil {
		return err
	}
	if k, v := sentimentFollowerEntry(r); k != nil {
		return t.bucket(bucketSentimentFol).Put(k, v)
	}
	return nil
}

// SentimentByDay lists records of a platform ("" for all) with At in
// [from, to), by time.
func (t *Tx) SentimentByDay(platform string, from, to time.Time, limit int) ([]*bot.SentimentRecord, error) {
	if !from.Before(to) {
		return nil, nil
	}
	platforms := []string{platform}
	if platform == "" {
		platforms = t.sentimentPlatforms()
	}
	list, err := t.sentimentMerged(platforms, from, to, limit)
	if err != nil {
		return nil, fmt.Errorf("bolt: sentiment by day: %w", err)
	}
	return list, nil
}

// sentimentPlatforms lists the platforms with records, seeking from one
// platform's range to the next.
func (t *Tx) sentimentPlatforms() []string {
	var list []string
	c := t.bucket(bucketSentiment).Cursor()
	for k, _ := c.First(); k != nil; {
		p, _, ok := readString(k)
		if !ok {
			break
		}
		list = append(list, p)
		k, _ = c.Seek(prefixEnd(stringKey(p)))
	}
	return list
}

// sentimentMerged walks the platforms' ranges [from, to) side by side,
// taking the smallest (time, seq) each time.
func (t *Tx) sentimentMerged(platforms []string, from, to time.Time, limit int) ([]*bot.SentimentRecord, error) {
	type head struct {
		c      *bbolt.Cursor
		prefix []byte
		k, v   []byte
	}
	end := appendTime(nil, to)
	var heads []*head
	next := func(h *head, k, v []byte) bool {
		if k == nil || !bytes.HasPrefix(k, h.prefix) || bytes.Compare(k[len(h.prefix):], end) >= 0 {
			return false
		}
		h.k, h.v = k, v
		return true
	}
	for _, p := range platforms {
		h := &head{c: t.bucket(bucketSentiment).Cursor(), prefix: stringKey(p)}
		if k, v := h.c.Seek(appendTime(bytes.Clone(h.prefix), from)); next(h, k, v) {
			heads = append(heads, h)
		}
	}
	var list []*bot.SentimentRecord
	for len(heads) > 0 && !full(limit, len(list)) {
		min := 0
		for i, h := range heads[1:] {
			if bytes.Compare(h.k[len(h.prefix):], heads[min].k[len(heads[min].prefix):]) < 0 {
				min = i + 1
			}
		}
		h := heads[min]
		r, err := decodeSentiment(h.k, h.v)
		if err != nil {
			return nil, err
		}
		list = append(list, r)
		if k, v := h.c.Next(); !next(h, k, v) {
			heads = append(heads[:min], heads[min+1:]...)
		}
	}
	return list, nil
}

// SentimentByFollower lists a follower's records with At in [from, to).
func (t *Tx) SentimentByFollower(k bot.FollowerKey, from, to time.Time, limit int) ([]*bot.SentimentRecord, error) {
	if !from.Before(to) {
		return nil, nil
	}
	fk := followerKey(k)
	start, end := appendTime(bytes.Clone(fk), from), appendTime(bytes.Clone(fk), to)
	var list []*bot.SentimentRecord
	c := t.bucket(bucketSentimentFol).Cursor()
	for ik, iv := c.Seek(start); ik != nil && bytes.Compare(ik, end) < 0 && !full(limit, len(list)); ik, iv = c.Next() {
		r, err := t.sentimentOf(k, ik[len(fk):], iv)
		if err != nil {
			return nil, fmt.Errorf("bolt: sentiment by follower %s: %w", k, err)
		}
		list = append(list, r)
	}
	return list, nil
}

// sentimentOf loads the record a sentiment_by_follower entry of follower
// k points to: ts is its (time, seq), platform its value.
func (t *Tx) sentimentOf(k bot.FollowerKey, ts, platform []byte) (*bot.SentimentRecord, error) {
	p := k.Platform
	if len(platform) > 0 {
		p = string(platform)
	}
	key := join(stringKey(p), ts)
	v := t.bucket(bucketSentiment).Get(key)
	if v == nil {
		return nil, fmt.Errorf("index entry for missing record %x", key)
	}
	return decodeSentiment(key, v)
}

// deleteFollowerSentiment deletes a follower's records, their index
// entries and their part of the counts.
func (t *Tx) deleteFollowerSentiment(k bot.FollowerKey) error {
	fk := followerKey(k)
	byFol := t.bucket(bucketSentimentFol)
	for _, ik := range keysWithPrefix(byFol, fk) {
		r, err := t.sentimentOf(k, ik[len(fk):], byFol.Get(ik))
		if err != nil {
			return err
		}
		if err := t.countSentiment(r, -1); err != nil {
			return err
		}
		if err := t.bucket(bucketSentiment).Delete(sentimentKey(r.Platform, r.At, r.Seq)); err != nil {
			return err
		}
		if err := byFol.Delete(ik); err != nil {
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

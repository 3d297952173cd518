package bolt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"engagebot/bot"
)

// Sentiment overrides are stored in sentiment_labels under (thread,
// message seq), JSON values that carry the key of the message's record in
// "sentiment", so moving its count back (erasure) needs no search. The
// record itself is not changed: it keeps the machine's label, and
// sentiment_series counts it under the override's. The bucket is made on
// the first override.

var bucketLabels = []byte("sentiment_labels")

// storedLabel is a sentiment_labels value.
type storedLabel struct {
	bot.LabelOverride
	Record []byte `json:"record"`
}

// SetLabel keeps o for its message and moves the message's record in the
// series counts from the label it was counted under to o.Label.
func (t *Tx) SetLabel(o *bot.LabelOverride) error {
	if err := t.writable("set label"); err != nil {
		return err
	}
	if err := validThreadKey(o.Thread); err != nil {
		return err
	}
	msgs, err := t.Messages(o.Thread, o.Message-1, 1)
	if err != nil {
		return err
	}
	if len(msgs) == 0 || msgs[0].Seq != o.Message {
		return notFound("message %d of thread %s not found", o.Message, o.Thread)
	}
	m := msgs[0]
	rk, r, err := t.recordOf(m)
	if err != nil {
		return fmt.Errorf("bolt: set label: %w", err)
	}
	if r == nil {
		return notFound("message %d of thread %s has no sentiment record", o.Message, o.Thread)
	}
	b, err := t.tx.CreateBucketIfNotExists(bucketLabels)
	if err != nil {
		return fmt.Errorf("bolt: set label: %w", err)
	}
	k := appendUint64(threadKey(o.Thread), o.Message)
	counted := r.Sentiment
	var old storedLabel
	if ok, err := getJSON(b, k, &old); err != nil {
		return fmt.Errorf("bolt: set label: %w", err)
	} else if ok {
		counted.Label = old.Label
	}
	if err := t.moveCount(r, counted, o.Label); err != nil {
		return fmt.Errorf("bolt: set label: %w", err)
	}
	if err := putJSON(b, k, storedLabel{LabelOverride: *o, Record: rk}); err != nil {
		return fmt.Errorf("bolt: set label: %w", err)
	}
	return nil
}

// moveCount moves r's count from the label it is counted under to label,
// keeping its score, so volume and mean stay as they were.
func (t *Tx) moveCount(r *bot.SentimentRecord, counted bot.Sentiment, label string) error {
	was := *r
	was.Sentiment = counted
	if err := t.countSentiment(&was, -1); err != nil {
		return err
	}
	now := *r
	now.Sentiment = bot.Sentiment{Label: label, Score: counted.Score}
	return t.countSentiment(&now, 1)
}

// recordOf finds the sentiment record of an inbound message: it is logged
// in the message's transaction with the same time, thread and platform
// message id, so a scan of that platform's records around that time finds
// it. It returns nil when there is none.
func (t *Tx) recordOf(m *bot.Message) ([]byte, *bot.SentimentRecord, error) {
	prefix := stringKey(m.Thread.Platform)
	start := appendTime(bytes.Clone(prefix), m.At.Add(-time.Second))
	end := appendTime(bytes.Clone(prefix), m.At.Add(time.Second))
	c := t.bucket(bucketSentiment).Cursor()
	for k, v := c.Seek(start); k != nil && bytes.Compare(k, end) < 0; k, v = c.Next() {
		r, err := decodeSentiment(k, v)
		if err != nil {
			return nil, nil, err
		}
		if r.Thread == m.Thread && r.MessageID == m.PlatformID {
			return bytes.Clone(k), r, nil
		}
	}
	return nil, nil, nil
}

// Labels lists a thread's overrides by message seq.
func (t *Tx) Labels(k bot.ThreadKey) ([]*bot.LabelOverride, error) {
	b := t.tx.Bucket(bucketLabels)
	if b == nil {
		return nil, nil
	}
	var list []*bot.LabelOverride
	err := scan(b, threadKey(k), nil, func(_, v []byte) (bool, error) {
		var s storedLabel
		if err := json.Unmarshal(v, &s); err != nil {
			return false, err
		}
		list = append(list, &s.LabelOverride)
		return true, nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: labels of %s: %w", k, err)
	}
	return list, nil
}

// AllLabels calls fn with every override, by thread and message seq, for
// training the analyzer on the people's labels.
func (t *Tx) AllLabels(fn func(*bot.LabelOverride) error) error {
	b := t.tx.Bucket(bucketLabels)
	if b == nil {
		return nil
	}
	err := scan(b, nil, nil, func(_, v []byte) (bool, error) {
		var s storedLabel
		if err := json.Unmarshal(v, &s); err != nil {
			return false, err
		}
		return true, fn(&s.LabelOverride)
	})
	if err != nil {
		return fmt.Errorf("bolt: all labels: %w", err)
	}
	return nil
}

// DeleteFollowerLabels removes the overrides of a follower's messages and
// moves their counts back to the machine's labels. Overrides are few (a
// person sets each), so it walks them all rather than keep an index.
func (t *Tx) DeleteFollowerLabels(fk bot.FollowerKey) (int, error) {
	if err := t.writable("delete labels"); err != nil {
		return 0, err
	}
	b := t.tx.Bucket(bucketLabels)
	if b == nil {
		return 0, nil
	}
	var gone [][]byte
	err := scan(b, nil, nil, func(k, v []byte) (bool, error) {
		var s storedLabel
		if err := json.Unmarshal(v, &s); err != nil {
			return false, err
		}
		if s.Follower != fk {
			return true, nil
		}
		if rv := t.bucket(bucketSentiment).Get(s.Record); rv != nil {
			r, err := decodeSentiment(s.Record, rv)
			if err != nil {
				return false, err
			}
			if err := t.moveCount(r, bot.Sentiment{Label: s.Label, Score: r.Sentiment.Score}, r.Sentiment.Label); err != nil {
				return false, err
			}
		}
		gone = append(gone, bytes.Clone(k))
		return true, nil
	})
	for _, k := range gone {
		if err == nil {
			err = b.Delete(k)
		}
	}
	if err != nil {
		return 0, fmt.Errorf("bolt: delete labels of %s: %w", fk, err)
	}
	return len(gone), nil
}

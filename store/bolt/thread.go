package bolt

import (
	"encoding/json"
	"fmt"
	"time"

	"engagebot/bot"
)

// Thread returns a conversation.
func (t *Tx) Thread(k bot.ThreadKey) (*bot.Thread, error) {
	var th bot.Thread
	if ok, err := getJSON(t.bucket(bucketThreads), threadKey(k), &th); err != nil {
		return nil, fmt.Errorf("bolt: thread %s: %w", k, err)
	} else if !ok {
		return nil, notFound("thread %s not found", k)
	}
	return &th, nil
}

// PutThread creates or replaces a conversation and keeps the
// threads_by_follower index in step with its Follower.
func (t *Tx) PutThread(th *bot.Thread) error {
	if err := t.writable("put thread"); err != nil {
		return err
	}
	if err := validThreadKey(th.Key); err != nil {
		return err
	}
	threads, idx := t.bucket(bucketThreads), t.bucket(bucketThreadsFollower)
	tk := threadKey(th.Key)
	var old bot.Thread
	ok, err := getJSON(threads, tk, &old)
	if err != nil {
		return fmt.Errorf("bolt: put thread %s: %w", th.Key, err)
	}
	if ok && old.Follower != th.Follower && old.Follower != (bot.FollowerKey{}) {
		if err := idx.Delete(join(followerKey(old.Follower), tk)); err != nil {
			return fmt.Errorf("bolt: put thread %s: %w", th.Key, err)
		}
	}
	if th.Follower != (bot.FollowerKey{}) {
		if err := idx.Put(join(followerKey(th.Follower), tk), nil); err != nil {
			return fmt.Errorf("bolt: put thread %s: %w", th.Key, err)
		}
	}
	if err := putJSON(threads, tk, th); err != nil {
		return fmt.Errorf("bolt: put thread %s: %w", th.Key, err)
	}
	return nil
}

// Threads lists conversations in (platform, account, chat) order. Platform,
// and account with a platform, narrow a range scan; the other fields are
// checked on each thread.
func (t *Tx) Threads(filter bot.ThreadFilter) ([]*bot.Thread, error) {
	var prefix, after []byte
	if filter.Platform != "" {
		prefix = stringKey(filter.Platform)
		if filter.Account != "" {
			prefix = appendString(prefix, filter.Account)
		}
	}
	if filter.After != (bot.ThreadKey{}) {
		after = threadKey(filter.After)
	}
	var list []*bot.Thread
	err := scan(t.bucket(bucketThreads), prefix, after, func(_, v []byte) (bool, error) {
		var th bot.Thread
		if err := json.Unmarshal(v, &th); err != nil {
			return false, err
		}
		if (filter.Account == "" || th.Key.Account == filter.Account) &&
			(filter.Mode == "" || th.Mode == filter.Mode) &&
			th.Flagged >= filter.MinFlag {
			list = append(list, &th)
		}
		return !full(filter.Limit, len(list)), nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: threads: %w", err)
	}
	return list, nil
}

// Messages are stored under (thread, seq) with the message time in a
// 12-byte header before the JSON, so PurgeMessages can skip recent
// messages without decoding them.

func encodeMessage(m *bot.Message) ([]byte, error) {
	data, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return append(appendTime(make([]byte, 0, timeLen+len(data)), m.At), data...), nil
}

func decodeMessage(v []byte) (*bot.Message, error) {
	if len(v) < timeLen {
		return nil, fmt.Errorf("message value too short")
	}
	var m bot.Message
	if err := json.Unmarshal(v[timeLen:], &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// AddMessage assigns m.Seq and stores the message under its thread, and
// under its follower in messages_by_follower when it names one.
func (t *Tx) AddMessage(m *bot.Message) error {
	if err := t.writable("add message"); err != nil {
		return err
	}
	if err := validThreadKey(m.Thread); err != nil {
		return err
	}
	msgs := t.bucket(bucketMessages)
	seq, err := msgs.NextSequence()
	if err != nil {
		return fmt.Errorf("bolt: add message: %w", err)
	}
	m.Seq = seq
	v, err := encodeMessage(m)
	if err != nil {
		return fmt.Errorf("bolt: add message: encode: %w", err)
	}
	mk := appendUint64(threadKey(m.Thread), seq)
	if err := msgs.Put(mk, v); err != nil {
		return fmt.Errorf("bolt: add message: %w", err)
	}
	if m.Follower != (bot.FollowerKey{}) {
		if err := t.bucket(bucketMessagesFollower).Put(join(followerKey(m.Follower), mk), nil); err != nil {
			return fmt.Errorf("bolt: add message: %w", err)
		}
	}
	return nil
}

// Messages lists a thread's messages with Seq > after, oldest first.
func (t *Tx) Messages(k bot.ThreadKey, after uint64, limit int) ([]*bot.Message, error) {
	tk := threadKey(k)
	var start []byte
	if after > 0 {
		start = appendUint64(tk, after)
	}
	var list []*bot.Message
	err := scan(t.bucket(bucketMessages), tk, start, func(_, v []byte) (bool, error) {
		m, err := decodeMessage(v)
		if err != nil {
			return false, err
		}
		list = append(list, m)
		return !full(limit, len(list)), nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: messages %s: %w", k, err)
	}
	return list, nil
}

// PurgeMessages deletes messages with At before the given time. Messages
// are keyed by thread, so this reads every message's time header (a scan
// of the bucket, without decoding recent ones); run it rarely.
func (t *Tx) PurgeMessages(before time.Time) (int, error) {
	if err := t.writable("purge messages"); err != nil {
		return 0, err
	}
	type old struct{ k, v []byte }
	var purge []old
	err := t.bucket(bucketMessages).ForEach(func(k, v []byte) error {
		if readTime(v).Before(before) {
			purge = append(purge, old{k: append([]byte(nil), k...), v: append([]byte(nil), v...)})
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("bolt: purge messages: %w", err)
	}
	for _, o := range purge {
		if err := t.deleteMessage(o.k, o.v); err != nil {
			return 0, fmt.Errorf("bolt: purge messages: %w", err)
		}
	}
	return len(purge), nil
}

// deleteMessage deletes the message stored under k with value v, and its
// messages_by_follower entry.
func (t *Tx) deleteMessage(k, v []byte) error {
	if v != nil {
		m, err := decodeMessage(v)
		if err != nil {
			return fmt.Errorf("decode message: %w", err)
		}
		if m.Follower != (bot.FollowerKey{}) {
			if err := t.bucket(bucketMessagesFollower).Delete(join(followerKey(m.Follower), k)); err != nil {
				return err
			}
		}
	}
	return t.bucket(bucketMessages).Delete(k)
}

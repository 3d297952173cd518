package bolt

import (
	"bytes"
	"fmt"

	"engagebot/bot"
)

// Thread returns a conversation.
func (t *Tx) Thread(k bot.ThreadKey) (*bot.Thread, error) {
	tk := threadKey(k)
	v := t.bucket(bucketThreads).Get(tk)
	if v == nil {
		return nil, notFound("thread %s not found", k)
	}
	th, err := decodeThread(tk, v)
	if err != nil {
		return nil, fmt.Errorf("bolt: thread %s: %w", k, err)
	}
	return th, nil
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
	if v := threads.Get(tk); v != nil {
		old, err := decodeThread(tk, v)
		if err != nil {
			return fmt.Errorf("bolt: put thread %s: %w", th.Key, err)
		}
		if old.Follower != th.Follower && old.Follower != (bot.FollowerKey{}) {
			if err := idx.Delete(join(followerKey(old.Follower), tk)); err != nil {
				return fmt.Errorf("bolt: put thread %s: %w", th.Key, err)
			}
		}
	}
	if th.Follower != (bot.FollowerKey{}) {
		if err := idx.Put(join(followerKey(th.Follower), tk), nil); err != nil {
			return fmt.Errorf("bolt: put thread %s: %w", th.Key, err)
		}
	}
	if err := threads.Put(tk, encodeThread(th)); err != nil {
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
	err := scan(t.bucket(bucketThreads), prefix, after, func(k, v []byte) (bool, error) {
		th, err := decodeThread(k, v)
		if err != nil {
			return false, err
		}
		if (filter.Account == "" || th.Key.Account == filter.Account) &&
			(filter.Mode == "" || th.Mode == filter.Mode) &&
			th.Flagged >= filter.MinFlag {
			list = append(list, th)
		}
		return !full(filter.Limit, len(list)), nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: threads: %w", err)
	}
	return list, nil
}

// Messages are stored under (thread, seq), and indexed by (time, thread,
// seq) in messages_by_time so PurgeMessages walks the old ones first, and
// by (follower, thread, seq) in messages_by_follower for erasure.

// AddMessage assigns m.Seq and stores the message with its indexes.
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
	mk := appendUint64(threadKey(m.Thread), seq)
	if err := msgs.Put(mk, encodeMessage(m)); err != nil {
		return fmt.Errorf("bolt: add message: %w", err)
	}
	byTime := t.bucket(bucketMessagesTime)
	byTime.FillPercent = 1 // times only grow: split pages full
	if err := byTime.Put(join(appendTime(nil, m.At), mk), nil); err != nil {
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
	err := scan(t.bucket(bucketMessages), tk, start, func(k, v []byte) (bool, error) {
		m, err := decodeMessage(k, v)
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

// purgeMessages deletes up to limit messages with At before the given
// time, oldest first, walking messages_by_time, and reports how many it
// deleted; fewer than limit means none older is left.
func (t *Tx) purgeMessages(before []byte, limit int) (int, error) {
	byTime := t.bucket(bucketMessagesTime)
	var old [][]byte
	c := byTime.Cursor()
	for k, _ := c.First(); k != nil && len(old) < limit && bytes.Compare(k[:timeLen], before) < 0; k, _ = c.Next() {
		old = append(old, bytes.Clone(k))
	}
	msgs := t.bucket(bucketMessages)
	for _, k := range old {
		mk := k[timeLen:]
		if v := msgs.Get(mk); v != nil {
			if err := t.deleteMessage(mk, v); err != nil {
				return 0, err
			}
		}
		if err := byTime.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(old), nil
}

// deleteMessage deletes the message stored under k with value v, and its
// index entries.
func (t *Tx) deleteMessage(k, v []byte) error {
	fol, at, err := messageFollowerAt(k, v)
	if err != nil {
		return err
	}
	if fol != (bot.FollowerKey{}) {
		if err := t.bucket(bucketMessagesFollower).Delete(join(followerKey(fol), k)); err != nil {
			return err
		}
	}
	if err := t.bucket(bucketMessagesTime).Delete(join(at, k)); err != nil {
		return err
	}
	return t.bucket(bucketMessages).Delete(k)
}

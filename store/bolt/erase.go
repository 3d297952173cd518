package bolt

import (
	"bytes"
	"fmt"

	"engagebot/bot"
)

// FollowerThreads lists the threads a follower is the follower of
// (threads_by_follower) or has messages in (messages_by_follower, whose
// keys are fkey tkey seq), in key order.
func (t *Tx) FollowerThreads(k bot.FollowerKey) ([]bot.ThreadKey, error) {
	if err := validFollowerKey(k); err != nil {
		return nil, err
	}
	fk := followerKey(k)
	seen := map[string]bool{}
	var keys [][]byte
	for _, b := range [][]byte{bucketThreadsFollower, bucketMessagesFollower} {
		c := t.bucket(b).Cursor()
		for ik, _ := c.Seek(fk); ik != nil && bytes.HasPrefix(ik, fk); {
			tk, _, ok := readThreadKey(ik[len(fk):])
			if !ok {
				return nil, fmt.Errorf("bolt: threads of %s: bad index key %x", k, ik)
			}
			raw := threadKey(tk)
			if !seen[string(raw)] {
				seen[string(raw)] = true
				keys = append(keys, raw)
			}
			// Skip the rest of this thread's messages.
			ik, _ = c.Seek(prefixEnd(join(fk, raw)))
		}
	}
	// Both indexes are in tkey order; sort the union the same way.
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && bytes.Compare(keys[j-1], keys[j]) > 0; j-- {
			keys[j-1], keys[j] = keys[j], keys[j-1]
		}
	}
	out := make([]bot.ThreadKey, len(keys))
	for i, raw := range keys {
		out[i], _, _ = readThreadKey(raw)
	}
	return out, nil
}

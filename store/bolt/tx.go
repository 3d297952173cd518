package bolt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"engagebot/bot"
)

// Tx is a bot.Tx on one bbolt transaction. It is valid only inside the
// function it was passed to and must not be shared between goroutines.
type Tx struct {
	tx  *bbolt.Tx
	now func() time.Time
}

// bucket returns a top-level bucket; Open created them all.
func (t *Tx) bucket(name []byte) *bbolt.Bucket { return t.tx.Bucket(name) }

// writable fails write methods of a read-only transaction before they
// touch anything.
func (t *Tx) writable(op string) error {
	if !t.tx.Writable() {
		return fmt.Errorf("bolt: %s: %w", op, berrors.ErrTxNotWritable)
	}
	return nil
}

// stamp is the store's current time, in UTC and without a monotonic
// reading, so it survives the JSON round trip unchanged.
func (t *Tx) stamp() time.Time { return t.now().UTC().Round(0) }

func getJSON(b *bbolt.Bucket, key []byte, v any) (bool, error) {
	data := b.Get(key)
	if data == nil {
		return false, nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return true, fmt.Errorf("decode: %w", err)
	}
	return true, nil
}

func putJSON(b *bbolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	return b.Put(key, data)
}

// scan walks the keys of b that start with prefix, in order, beginning
// after the key after when it is not nil, and calls fn with each until fn
// returns false or an error.
func scan(b *bbolt.Bucket, prefix, after []byte, fn func(k, v []byte) (bool, error)) error {
	c := b.Cursor()
	var k, v []byte
	if after != nil && bytes.Compare(after, prefix) >= 0 {
		k, v = c.Seek(after)
		if k != nil && bytes.Equal(k, after) {
			k, v = c.Next()
		}
	} else {
		k, v = c.Seek(prefix)
	}
	for ; k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		more, err := fn(k, v)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// keysWithPrefix copies the keys of b that start with prefix, for
// deleting them after the walk (deleting under a cursor skips keys).
func keysWithPrefix(b *bbolt.Bucket, prefix []byte) [][]byte {
	var keys [][]byte
	_ = scan(b, prefix, nil, func(k, _ []byte) (bool, error) {
		keys = append(keys, bytes.Clone(k))
		return true, nil
	})
	return keys
}

func notFound(format string, args ...any) error {
	return bot.Errorf(bot.ENOTFOUND, format, args...)
}

func invalid(format string, args ...any) error {
	return bot.Errorf(bot.EINVALID, format, args...)
}

func full(limit, n int) bool { return limit > 0 && n >= limit }

func validFollowerKey(k bot.FollowerKey) error {
	if k.Platform == "" || k.UserID == "" {
		return invalid("follower key requires platform and user id")
	}
	return nil
}

func validThreadKey(k bot.ThreadKey) error {
	if k.Platform == "" || k.Account == "" || k.Chat == "" {
		return invalid("thread key requires platform, account and chat")
	}
	return nil
}

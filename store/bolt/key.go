package bolt

import (
	"bytes"
	"encoding/binary"
	"math"
	"time"

	"engagebot/bot"
)

// Key encoding. Every composite key is a concatenation of parts that sort
// byte-wise in the order of the values they encode, so a bbolt cursor walks
// them in domain order and a common prefix selects a range:
//
//   - uint64 (sequences, ids): 8 bytes big-endian.
//   - time: 12 bytes, the Unix second as a big-endian int64 with the sign
//     bit flipped (so negative seconds sort first), then the nanosecond as
//     a big-endian uint32. Every time.Time value fits; the zone is dropped,
//     so keys order instants.
//   - string: its bytes with each 0x00 written as 0x00 0xFF, then the
//     terminator 0x00 0x01. The terminator sorts below any byte a string
//     can continue with, so ("a", x) sorts before ("a\x00", y) and ("ab", z),
//     and an encoded tuple is never a prefix of another tuple's encoding.

const timeLen = 12

func appendUint64(b []byte, n uint64) []byte { return binary.BigEndian.AppendUint64(b, n) }

func u64(n uint64) []byte { return appendUint64(make([]byte, 0, 8), n) }

func readUint64(b []byte) uint64 {
	if len(b) < 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b[len(b)-8:])
}

func appendTime(b []byte, t time.Time) []byte {
	b = binary.BigEndian.AppendUint64(b, uint64(t.Unix())^(1<<63))
	return binary.BigEndian.AppendUint32(b, uint32(t.Nanosecond()))
}

func readTime(b []byte) time.Time {
	if len(b) < timeLen {
		return time.Time{}
	}
	sec := int64(binary.BigEndian.Uint64(b) ^ (1 << 63))
	return time.Unix(sec, int64(binary.BigEndian.Uint32(b[8:]))).UTC()
}

func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			b = append(b, 0, 0xFF)
		} else {
			b = append(b, s[i])
		}
	}
	return append(b, 0, 1)
}

func stringKey(s string) []byte { return appendString(nil, s) }

func followerKey(k bot.FollowerKey) []byte {
	return appendString(appendString(nil, k.Platform), k.UserID)
}

func threadKey(k bot.ThreadKey) []byte {
	return appendString(appendString(appendString(nil, k.Platform), k.Account), k.Chat)
}

// join concatenates key parts into a new slice.
func join(parts ...[]byte) []byte {
	return bytes.Join(parts, nil)
}

// prefixEnd is the smallest key greater than every key with the prefix,
// nil when there is none (all 0xFF).
func prefixEnd(prefix []byte) []byte {
	end := bytes.Clone(prefix)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < math.MaxUint8 {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

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

// readString decodes one str part from the front of b and returns the
// rest; ok is false when b holds no complete part.
func readString(b []byte) (s string, rest []byte, ok bool) {
	var out []byte
	for i := 0; i+1 < len(b); i++ {
		if b[i] != 0 {
			continue
		}
		switch b[i+1] {
		case 1:
			if out == nil {
				return string(b[:i]), b[i+2:], true
			}
			return string(append(out, b[:i]...)), b[i+2:], true
		case 0xFF:
			out = append(append(out, b[:i]...), 0)
			b = b[i+2:]
			i = -1
		default:
			return "", nil, false
		}
	}
	return "", nil, false
}

// readFollowerKey decodes an fkey from the front of b.
func readFollowerKey(b []byte) (bot.FollowerKey, []byte, bool) {
	p, rest, ok1 := readString(b)
	u, rest, ok2 := readString(rest)
	return bot.FollowerKey{Platform: p, UserID: u}, rest, ok1 && ok2
}

// readThreadKey decodes a tkey from the front of b.
func readThreadKey(b []byte) (bot.ThreadKey, []byte, bool) {
	p, rest, ok1 := readString(b)
	a, rest, ok2 := readString(rest)
	c, rest, ok3 := readString(rest)
	return bot.ThreadKey{Platform: p, Account: a, Chat: c}, rest, ok1 && ok2 && ok3
}

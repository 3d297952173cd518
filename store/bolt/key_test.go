package bolt

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"engagebot/bot"
)

// Encoded tuples sort like the tuples, byte-wise, even with NUL bytes in
// the strings (a hostile chat id must not reach into another key range).
func TestThreadKeyOrder(t *testing.T) {
	keys := []bot.ThreadKey{ // in tuple order
		{Platform: "a", Account: "", Chat: "z"},
		{Platform: "a", Account: "\x00", Chat: ""},
		{Platform: "a", Account: "\x00\x01", Chat: ""},
		{Platform: "a", Account: "b", Chat: ""},
		{Platform: "a", Account: "b", Chat: "\x00"},
		{Platform: "a", Account: "b", Chat: "\x00\xff"},
		{Platform: "a", Account: "b", Chat: "\x01"},
		{Platform: "a", Account: "b\x00", Chat: ""},
		{Platform: "a", Account: "bc", Chat: ""},
		{Platform: "a\x00", Account: "", Chat: ""},
		{Platform: "ab", Account: "", Chat: ""},
	}
	for i := 1; i < len(keys); i++ {
		a, b := threadKey(keys[i-1]), threadKey(keys[i])
		if bytes.Compare(a, b) >= 0 {
			t.Errorf("%q >= %q: encodings %x, %x", keys[i-1], keys[i], a, b)
		}
	}
	for i := range keys {
		for j := range keys {
			if i != j && bytes.HasPrefix(threadKey(keys[j]), threadKey(keys[i])) {
				t.Errorf("encoding of %q is a prefix of %q's", keys[i], keys[j])
			}
		}
	}
}

func TestTimeKeyOrder(t *testing.T) {
	times := []time.Time{
		{},
		time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Unix(-1, 999_999_999),
		time.Unix(0, 0),
		time.Unix(0, 1),
		time.Date(2025, 3, 20, 0, 0, 0, 0, time.FixedZone("IRST", 12600)),
		time.Date(2025, 3, 20, 0, 0, 0, 0, time.UTC),
		time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	var enc [][]byte
	for _, tm := range times {
		b := appendTime(nil, tm)
		if got := readTime(b); !got.Equal(tm) {
			t.Errorf("readTime(appendTime(%v)) = %v", tm, got)
		}
		enc = append(enc, b)
	}
	if !slices.IsSortedFunc(enc, bytes.Compare) {
		t.Errorf("time encodings out of order: %x", enc)
	}
}

package bolt

import (
	"testing"
	"time"

	"engagebot/bot"
)

func TestTextRoundTrip(t *testing.T) {
	for i, s := range []string{
		"",
		"plain ASCII, 100% safe",
		"سلام، این شربت سرفه برای بچه‌ها مناسب است؟",
		"قیمت ۱۲۰٬۰۰۰ تومان «ویتامین D» …",
		"mixed فارسی and English 🙂 with emoji",
		"\xff\xfe invalid \xd8 bytes \x80",
		string([]rune{0x0600, 0x06FF, 0x200B, 0x10FFFF}),
	} {
		e := newEnc(0)
		e.text(s)
		e.str("after") // the value continues after the text
		d := newDec(e.b)
		if got := d.text(); got != s {
			t.Errorf("case %d: text %q read back as %q", i, s, got)
		}
		if got := d.str(); got != "after" || d.err != nil {
			t.Errorf("case %d: next field %q, %v", i, got, d.err)
		}
		// Persian and Arabic script packs to about half its UTF-8.
		if persian := i == 2 || i == 3; persian && len(e.b) > len(s)*6/10+len("after")+4 {
			t.Errorf("case %d: packed into %d bytes, UTF-8 is %d", i, len(e.b), len(s))
		}
	}
	// Persian letters take one byte each.
	e := newEnc(0)
	e.text("سلام")
	if n := len(e.b) - 1; n != 5 {
		t.Errorf("سلام packed into %d bytes, want 5 (length and 4 letters)", n)
	}
}

func FuzzText(f *testing.F) {
	f.Add("سلام دنیا", int64(0))
	f.Add("\xd8\xff", int64(-1))
	f.Fuzz(func(t *testing.T, s string, sec int64) {
		e := newEnc(0)
		e.text(s)
		at := time.Unix(sec, 0).UTC()
		e.time(at)
		d := newDec(e.b)
		if got := d.text(); got != s {
			t.Fatalf("text %q read back as %q", s, got)
		}
		if got := d.time(); !got.Equal(at) || d.err != nil {
			t.Fatalf("time %v read back as %v (%v)", at, got, d.err)
		}
	})
}

// Decoding arbitrary bytes fails cleanly, never panics.
func FuzzDecodeMessage(f *testing.F) {
	f.Add([]byte{codecV1, 0, 1, 2, 3})
	f.Fuzz(func(t *testing.T, v []byte) {
		k := appendUint64(threadKey(threadKeyFor("c")), 1)
		_, _ = decodeMessage(k, v)
		_, _, _ = messageFollowerAt(k, v)
		_, _ = decodeOutbound(1, v)
		_, _ = decodeSentiment(sentimentKey("telegram", time.Unix(0, 0), 1), v)
		_, _ = decodeFollower(followerKey(followerKeyFor("u")), v)
		_, _ = decodeThread(threadKey(threadKeyFor("c")), v)
	})
}

func threadKeyFor(chat string) bot.ThreadKey {
	return bot.ThreadKey{Platform: "telegram", Account: "support", Chat: chat}
}

func followerKeyFor(user string) bot.FollowerKey {
	return bot.FollowerKey{Platform: "telegram", UserID: user}
}

func TestOutboundPollRoundTrip(t *testing.T) {
	for _, poll := range []*bot.Poll{nil, {Question: "از خدمات ما راضی هستید؟", Options: []string{"بله", "نه", "تا حدی"}}, {Question: "q"}} {
		o := &bot.Outbound{Platform: "telegram", Account: "support", Chat: "7", Kind: bot.OutDirect, Text: "t", Poll: poll, State: bot.OutPending}
		got, err := decodeOutbound(1, encodeOutbound(o))
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case poll == nil && got.Poll != nil:
			t.Errorf("no poll read back as %+v", got.Poll)
		case poll != nil && (got.Poll == nil || got.Poll.Question != poll.Question || len(got.Poll.Options) != len(poll.Options)):
			t.Errorf("poll %+v read back as %+v", poll, got.Poll)
		}
	}
}

package x_test

import (
	"strings"
	"testing"
	"time"

	"engagebot/adapters/x"
	"engagebot/bot"
)

const me = "1500000000000000001"

// Deliveries shaped like platforms.md's Account Activity examples.
var samples = map[string]string{
	"mention": `{"for_user_id":"1500000000000000001","user_has_blocked":"false",
 "tweet_create_events":[{"created_at":"Mon May 19 14:01:46 +0000 2025",
   "id":1900000000000000002,"id_str":"1900000000000000002",
   "text":"@mybot can you help?","in_reply_to_status_id_str":null,
   "user":{"id":1600000000000000003,"id_str":"1600000000000000003","screen_name":"alice"},
   "entities":{"user_mentions":[{"screen_name":"mybot","id_str":"1500000000000000001","indices":[0,6]}],
               "hashtags":[],"urls":[],"symbols":[]}}]}`,
	"dm": `{"for_user_id":"1500000000000000001","direct_message_events":[{"type":"message_create",
  "id":"1900000000000000009","created_timestamp":"1720000000000",
  "message_create":{"target":{"recipient_id":"1500000000000000001"},
   "sender_id":"1600000000000000003",
   "message_data":{"text":"hi bot","entities":{"hashtags":[],"symbols":[],"user_mentions":[],"urls":[]}}}}],
 "users":{"1600000000000000003":{"id":"1600000000000000003","screen_name":"alice","name":"Alice"}}}`,
	"own_dm": `{"for_user_id":"1500000000000000001","direct_message_events":[{"type":"message_create",
  "id":"1900000000000000010","created_timestamp":"1720000000000",
  "message_create":{"target":{"recipient_id":"1600000000000000003"},"sender_id":"1500000000000000001",
   "message_data":{"text":"our answer"}}}]}`,
	"own_tweet": `{"for_user_id":"1500000000000000001","tweet_create_events":[{"id_str":"1900000000000000011",
   "text":"@alice thanks","in_reply_to_user_id_str":"1600000000000000003",
   "user":{"id_str":"1500000000000000001","screen_name":"mybot"}}]}`,
	"reply_extended": `{"for_user_id":"1500000000000000001","tweet_create_events":[{"id_str":"1900000000000000012",
   "text":"short…","truncated":true,"in_reply_to_status_id_str":"1900000000000000011","in_reply_to_user_id_str":"1500000000000000001",
   "extended_tweet":{"full_text":"a long reply that was cut in text"},
   "user":{"id_str":"1600000000000000004","screen_name":"bob","name":"Bob"}}]}`,
	"not_addressed_and_retweet": `{"for_user_id":"1500000000000000001","tweet_create_events":[
   {"id_str":"1900000000000000013","text":"unrelated","user":{"id_str":"1600000000000000004"}},
   {"id_str":"1900000000000000014","text":"RT @mybot hi","user":{"id_str":"1600000000000000004"},
    "entities":{"user_mentions":[{"id_str":"1500000000000000001"}]},"retweeted_status":{"id_str":"1"}},
   {"id_str":"1900000000000000015","id":"not a number","text":"@mybot","user":{"id_str":"1600000000000000004"}}]}`,
	"other_user": `{"for_user_id":"999","tweet_create_events":[{"id_str":"1900000000000000016","text":"@other",
   "user":{"id_str":"1600000000000000004"},"entities":{"user_mentions":[{"id_str":"999"}]}}]}`,
	"favorite": `{"for_user_id":"1500000000000000001","favorite_events":[{"id":"a","favorited_status":{"id_str":"1"},"user":{"id_str":"2"}}]}`,
}

func TestParseActivity(t *testing.T) {
	for _, tc := range []struct {
		sample string
		want   []bot.Event
	}{
		{"mention", []bot.Event{{ID: "1900000000000000002", Kind: bot.EventMention, Chat: "1900000000000000002", ChatType: bot.ChatPublic,
			Text: "@mybot can you help?", From: bot.Sender{ID: "1600000000000000003", Username: "alice"},
			SentAt: time.Date(2025, 5, 19, 14, 1, 46, 0, time.UTC)}}},
		{"dm", []bot.Event{{ID: "1900000000000000009", Kind: bot.EventMessage, Chat: "1600000000000000003", ChatType: bot.ChatPrivate,
			Text: "hi bot", From: bot.Sender{ID: "1600000000000000003", Username: "alice", Name: "Alice"},
			SentAt: time.UnixMilli(1720000000000).UTC()}}},
		{"own_dm", nil},
		{"own_tweet", nil},
		{"reply_extended", []bot.Event{{ID: "1900000000000000012", Kind: bot.EventMention, Chat: "1900000000000000012", ChatType: bot.ChatPublic,
			Text: "a long reply that was cut in text", ReplyTo: "1900000000000000011", From: bot.Sender{ID: "1600000000000000004", Username: "bob", Name: "Bob"}}}},
		{"not_addressed_and_retweet", nil},
		{"other_user", nil},
		{"favorite", nil},
	} {
		t.Run(tc.sample, func(t *testing.T) {
			got, err := x.ParseActivity("brand", me, []byte(samples[tc.sample]))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d events %+v, want %d", len(got), got, len(tc.want))
			}
			for i, w := range tc.want {
				g := got[i]
				if err := g.Validate(); err != nil || g.Platform != bot.PlatformX || g.Account != "brand" || !g.Addressed {
					t.Errorf("event %d: %v %+v", i, err, g)
				}
				if g.ID != w.ID || g.Kind != w.Kind || g.Chat != w.Chat || g.ChatType != w.ChatType || g.Text != w.Text ||
					g.ReplyTo != w.ReplyTo || g.From != w.From || !g.SentAt.Equal(w.SentAt) {
					t.Errorf("event %d:\n got %+v\nwant %+v", i, g, w)
				}
			}
		})
	}
}

func TestParseActivityRefusesNonEnvelopes(t *testing.T) {
	for _, body := range []string{``, `{`, `[]`, `{"tweet_create_events":[]}`, `"x"`} {
		if _, err := x.ParseActivity("brand", me, []byte(body)); err == nil {
			t.Errorf("%q parsed without error", body)
		}
	}
}

func TestSplitAndLength(t *testing.T) {
	for i, tc := range []struct {
		text     string
		counting string
		want     int
	}{
		{"hello", "weighted", 5},
		{"سلام دوست من", "weighted", 12},
		{"你好", "weighted", 4},
		{"你好", "characters", 2},
		{"see https://example.com/a/very/long/path/that/goes/on?and=on", "weighted", 4 + 23},
		{"😀", "weighted", 2},
	} {
		if got := x.Length(tc.text, tc.counting); got != tc.want {
			t.Errorf("%d: Length(%q) = %d, want %d", i, tc.text, got, tc.want)
		}
	}
	parts := x.Split("aaa bbb ccc ddddddddddddddd e", 8, "weighted")
	want := []string{"aaa bbb", "ccc", "dddddddd", "ddddddd", "e"}
	if len(parts) != len(want) {
		t.Fatalf("Split = %q, want %q", parts, want)
	}
	for i := range want {
		if parts[i] != want[i] {
			t.Fatalf("Split = %q, want %q (only an over-long word may be cut)", parts, want)
		}
	}
	if got := x.Shorten("aaa bbb ccc", 9, "characters"); got != "aaa bbb…" {
		t.Errorf("Shorten = %q", got)
	}
}

func FuzzParseActivity(f *testing.F) {
	for _, s := range samples {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		events, err := x.ParseActivity("brand", me, body)
		if err != nil {
			return
		}
		for _, e := range events {
			if err := e.Validate(); err != nil {
				t.Fatalf("invalid event %+v: %v", e, err)
			}
			if e.From.ID == me {
				t.Fatalf("our own event %+v", e)
			}
		}
	})
}

func FuzzSplit(f *testing.F) {
	f.Add("سلام، این قرص رو کجا بخرم؟ https://example.com/x 你好 😀", 20)
	f.Fuzz(func(t *testing.T, text string, limit int) {
		if limit < 2 || limit > 1000 {
			return
		}
		parts := x.Split(text, limit, "weighted")
		if strings.TrimSpace(text) == "" {
			if len(parts) != 1 || parts[0] != "" {
				t.Fatalf("Split(blank) = %q", parts)
			}
			return
		}
		wordsFit := true
		for _, w := range strings.Fields(text) {
			wordsFit = wordsFit && x.Length(w, "weighted") <= limit
		}
		for _, p := range parts {
			if p == "" || (x.Length(p, "weighted") > limit && len([]rune(p)) > 1 && !containsURL(p)) {
				t.Fatalf("part %q of %q over %d", p, text, limit)
			}
		}
		if wordsFit && strings.Join(strings.Fields(strings.Join(parts, " ")), " ") != strings.Join(strings.Fields(text), " ") {
			t.Fatalf("Split(%q, %d) = %q: a word was cut or lost", text, limit, parts)
		}
	})
}

func containsURL(s string) bool {
	return strings.Contains(s, "http://") || strings.Contains(s, "https://")
}

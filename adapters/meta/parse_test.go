package meta_test

import (
	"strings"
	"testing"
	"time"

	"engagebot/adapters/meta"
	"engagebot/bot"
)

// Payloads shaped like platforms.md's examples of Meta's deliveries.
var samples = map[string]string{
	"messenger_text": `{"object":"page","entry":[{"id":"111122223333","time":1720000000123,"messaging":[
  {"sender":{"id":"24000000000000001"},"recipient":{"id":"111122223333"},"timestamp":1720000000001,
   "message":{"mid":"m_AbCdEf123","text":"hi, is this in stock?"}}]}]}`,
	"ig_echo": `{"object":"instagram","entry":[{"id":"17841400000000001","time":1720000005000,"messaging":[
  {"sender":{"id":"17841400000000001"},"recipient":{"id":"7000000000000002"},"timestamp":1720000004900,
   "message":{"mid":"aWdfZAG1123","text":"Thanks!","is_echo":true}}]}]}`,
	"postback": `{"object":"page","entry":[{"id":"111122223333","time":1720000000123,"messaging":[
  {"sender":{"id":"24000000000000001"},"recipient":{"id":"111122223333"},"timestamp":1720000000001,
   "postback":{"title":"Where to buy","payload":"WHERE_TO_BUY"}}]}]}`,
	"postback_wrapped": `{"object":"page","entry":[{"id":"111122223333","time":1720000000123,"changes":[
  {"field":"messaging_postbacks","value":{"sender":{"user_ref":"u-1"},"recipient":{"id":"111122223333"},
   "timestamp":"1720000000001","postback":{"mid":"m_pb1","title":"Yes","payload":"OPT_IN"}}}]}]}`,
	"ig_comment": `{"object":"instagram","entry":[{"id":"17841400000000001","time":1720000100,
 "changes":[{"field":"comments","value":{"id":"18000000000000011",
   "from":{"id":"7000000000000002","username":"some_user"},"text":"price please",
   "media":{"id":"18100000000000022","media_product_type":"FEED"},"parent_id":"18000000000000010"}}]}]}`,
	"fb_comment": `{"object":"page","entry":[{"id":"111122223333","time":1720000200,"changes":[{
  "field":"feed","value":{"item":"comment","verb":"add",
  "comment_id":"111122223333_9000001","post_id":"111122223333_8000001","parent_id":"111122223333_8000001",
  "from":{"id":"24000000000000001","name":"Jane Doe"},"message":"how much?","created_time":1720000199}}]}]}`,
	"fb_own_comment": `{"object":"page","entry":[{"id":"111122223333","time":1720000200,"changes":[{
  "field":"feed","value":{"item":"comment","verb":"add","comment_id":"111122223333_9000002","post_id":"111122223333_8000001",
  "from":{"id":"111122223333","name":"Brand"},"message":"thanks!","created_time":"2024-07-03T09:56:39+0000"}}]}]}`,
	"mention": `{"object":"instagram","entry":[{"id":"17841400000000001","time":1720000100,
 "changes":[{"field":"mentions","value":{"comment_id":"17900000000000001","media_id":"17800000000000001"}}]}]}`,
	"read_and_reaction": `{"object":"page","entry":[{"id":"111122223333","time":1,"messaging":[
  {"sender":{"id":"1"},"recipient":{"id":"111122223333"},"timestamp":1,"read":{"watermark":1}},
  {"sender":{"id":"1"},"recipient":{"id":"111122223333"},"timestamp":1,"reaction":{"mid":"m_1","action":"react","reaction":"love"}}]}]}`,
}

func TestParseWebhook(t *testing.T) {
	for _, tc := range []struct {
		sample, platform, own string
		want                  []bot.Event // only the fields checked below
	}{
		{"messenger_text", bot.PlatformFacebook, "111122223333", []bot.Event{{ID: "m_AbCdEf123", Kind: bot.EventMessage,
			Chat: "24000000000000001", ChatType: bot.ChatPrivate, Text: "hi, is this in stock?", SentAt: time.UnixMilli(1720000000001).UTC()}}},
		{"ig_echo", bot.PlatformInstagram, "17841400000000001", nil},
		{"postback", bot.PlatformFacebook, "111122223333", []bot.Event{{ID: "postback:24000000000000001:1720000000001",
			Kind: bot.EventCallback, Chat: "24000000000000001", ChatType: bot.ChatPrivate, Text: "Where to buy", Data: "WHERE_TO_BUY",
			SentAt: time.UnixMilli(1720000000001).UTC()}}},
		{"postback_wrapped", bot.PlatformFacebook, "111122223333", []bot.Event{{ID: "m_pb1", Kind: bot.EventCallback,
			Chat: "u-1", ChatType: bot.ChatPrivate, Text: "Yes", Data: "OPT_IN", SentAt: time.UnixMilli(1720000000001).UTC()}}},
		{"ig_comment", bot.PlatformInstagram, "17841400000000001", []bot.Event{{ID: "18000000000000011", Kind: bot.EventComment,
			Chat: "18100000000000022", ChatType: bot.ChatPublic, Text: "price please", ReplyTo: "18000000000000010"}}},
		{"fb_comment", bot.PlatformFacebook, "111122223333", []bot.Event{{ID: "111122223333_9000001", Kind: bot.EventComment,
			Chat: "111122223333_8000001", ChatType: bot.ChatPublic, Text: "how much?", SentAt: time.Unix(1720000199, 0).UTC()}}},
		{"fb_own_comment", bot.PlatformFacebook, "111122223333", nil},
		{"mention", bot.PlatformInstagram, "17841400000000001", []bot.Event{{ID: "17900000000000001", Kind: bot.EventMention,
			Chat: "17800000000000001", ChatType: bot.ChatPublic}}},
		{"read_and_reaction", bot.PlatformFacebook, "111122223333", nil},
		{"messenger_text", bot.PlatformFacebook, "999999999999", nil}, // another Page's entry
	} {
		t.Run(tc.sample+"/"+tc.own, func(t *testing.T) {
			got, err := meta.ParseWebhook(tc.platform, "brand", tc.own, []byte(samples[tc.sample]))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d events %+v, want %d", len(got), got, len(tc.want))
			}
			for i, w := range tc.want {
				g := got[i]
				if err := g.Validate(); err != nil {
					t.Errorf("event %d invalid: %v", i, err)
				}
				if g.Platform != tc.platform || g.Account != "brand" || !g.Addressed {
					t.Errorf("event %d: platform/account/addressed = %q/%q/%v", i, g.Platform, g.Account, g.Addressed)
				}
				if g.ID != w.ID || g.Kind != w.Kind || g.Chat != w.Chat || g.ChatType != w.ChatType || g.Text != w.Text ||
					g.Data != w.Data || g.ReplyTo != w.ReplyTo || !g.SentAt.Equal(w.SentAt) {
					t.Errorf("event %d:\n got %+v\nwant %+v", i, g, w)
				}
			}
		})
	}
}

func TestParseWebhookExtraForReplies(t *testing.T) {
	got, err := meta.ParseWebhook(bot.PlatformInstagram, "brand", "17841400000000001", []byte(samples["ig_comment"]))
	if err != nil || len(got) != 1 {
		t.Fatal(err, got)
	}
	x := got[0].Extra
	if x[meta.ExtraCommentID] != "18000000000000011" || x[meta.ExtraMediaID] != "18100000000000022" ||
		x[meta.ExtraParentID] != "18000000000000010" || x[meta.ExtraPageID] != "17841400000000001" {
		t.Fatalf("Extra = %v", x)
	}
	if got[0].From.ID != "7000000000000002" || got[0].From.Username != "some_user" {
		t.Fatalf("From = %+v", got[0].From)
	}
}

func FuzzParseWebhook(f *testing.F) {
	for _, s := range samples {
		f.Add([]byte(s))
	}
	f.Add([]byte(`{"object":"page","entry":[{"changes":[{"field":"feed","value":null}],"messaging":[{}]}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		events, err := meta.ParseWebhook(bot.PlatformFacebook, "brand", "111122223333", body)
		if err != nil {
			return
		}
		for _, e := range events {
			if err := e.Validate(); err != nil {
				t.Fatalf("invalid event %+v from %q: %v", e, body, err)
			}
			if e.From.ID == "111122223333" || strings.TrimSpace(e.ID) == "" {
				t.Fatalf("own or unnamed event %+v", e)
			}
		}
	})
}

package rubika

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"engagebot/bot"
)

func testParser() *parser {
	ours := map[string]bool{"g0Fans:500": true}
	return &parser{platform: bot.PlatformRubika, account: "brand", username: "brandcare_bot",
		sentByUs: func(chat, msg string) bool { return ours[chat+":"+msg] }}
}

func TestIDDecoding(t *testing.T) {
	for i, tc := range []struct {
		in   string
		want ID
		bad  bool
	}{
		{`"9000000000000000001"`, "9000000000000000001", false},
		{`204215121115944300`, "204215121115944300", false},
		{`18446744073709551616123`, "18446744073709551616123", false}, // beyond 2^64, digits kept
		{`null`, "", false},
		{`"b0AbC"`, "b0AbC", false},
		{`{}`, "", true},
		{`[1]`, "", true},
		{`true`, "", true},
	} {
		var got ID
		err := json.Unmarshal([]byte(tc.in), &got)
		if (err != nil) != tc.bad || got != tc.want {
			t.Errorf("%d: %s -> %q, %v; want %q bad=%v", i, tc.in, got, err, tc.want, tc.bad)
		}
	}
}

func TestParseWebhook(t *testing.T) {
	for i, tc := range []struct {
		name string
		body string
		want *bot.Event
	}{
		{
			name: "private message, string id",
			body: `{"update":{"type":"NewMessage","chat_id":"b0AbC123","new_message":{"message_id":"9000000000000000001","text":"سلام","time":"1700000000","is_edited":false,"sender_type":"User","sender_id":"u0XyZ789"}}}`,
			want: &bot.Event{ID: "b0AbC123:9000000000000000001", Kind: bot.EventMessage, Chat: "b0AbC123", ChatType: bot.ChatPrivate, Text: "سلام",
				From: bot.Sender{ID: "u0XyZ789"}, Addressed: true, SentAt: time.Unix(1700000000, 0).UTC()},
		},
		{
			name: "numeric ids and time",
			body: `{"update":{"type":"NewMessage","chat_id":"b0AbC123","new_message":{"message_id":204215121115944300,"text":"hi","time":1643122902,"sender_type":"User","sender_id":"u0XyZ789","reply_to_message_id":204216801381244279}}}`,
			want: &bot.Event{ID: "b0AbC123:204215121115944300", Kind: bot.EventMessage, Chat: "b0AbC123", ChatType: bot.ChatPrivate, Text: "hi",
				From: bot.Sender{ID: "u0XyZ789"}, ReplyTo: "b0AbC123:204216801381244279", Addressed: true, SentAt: time.Unix(1643122902, 0).UTC()},
		},
		{
			name: "start text",
			body: `{"update":{"type":"NewMessage","chat_id":"b0A","new_message":{"message_id":"3","text":"/start","time":"1","sender_type":"User","sender_id":"u0X"}}}`,
			want: &bot.Event{ID: "b0A:3", Kind: bot.EventStart, Chat: "b0A", ChatType: bot.ChatPrivate, Text: "/start", From: bot.Sender{ID: "u0X"}, Addressed: true, SentAt: time.Unix(1, 0).UTC()},
		},
		{
			name: "group mention",
			body: `{"update":{"type":"NewMessage","chat_id":"g0Fans","new_message":{"message_id":"4","text":"سلام @BrandCare_bot","time":"1","sender_type":"User","sender_id":"u0X"}}}`,
			want: &bot.Event{ID: "g0Fans:4", Kind: bot.EventMessage, Chat: "g0Fans", ChatType: bot.ChatGroup, Text: "سلام @BrandCare_bot", From: bot.Sender{ID: "u0X"}, Addressed: true, SentAt: time.Unix(1, 0).UTC()},
		},
		{
			name: "group chatter",
			body: `{"update":{"type":"NewMessage","chat_id":"g0Fans","new_message":{"message_id":"5","text":"خوبه","time":"1","sender_type":"User","sender_id":"u0X","reply_to_message_id":"499"}}}`,
			want: &bot.Event{ID: "g0Fans:5", Kind: bot.EventMessage, Chat: "g0Fans", ChatType: bot.ChatGroup, Text: "خوبه", From: bot.Sender{ID: "u0X"}, ReplyTo: "g0Fans:499", SentAt: time.Unix(1, 0).UTC()},
		},
		{
			name: "group reply to the bot",
			body: `{"update":{"type":"NewMessage","chat_id":"g0Fans","new_message":{"message_id":"6","text":"ممنون","time":"1","sender_type":"User","sender_id":"u0X","reply_to_message_id":"500"}}}`,
			want: &bot.Event{ID: "g0Fans:6", Kind: bot.EventMessage, Chat: "g0Fans", ChatType: bot.ChatGroup, Text: "ممنون", From: bot.Sender{ID: "u0X"}, ReplyTo: "g0Fans:500", Addressed: true, SentAt: time.Unix(1, 0).UTC()},
		},
		{
			name: "channel post",
			body: `{"update":{"type":"NewMessage","chat_id":"c0News","new_message":{"message_id":"7","text":"خبر","time":"1","sender_type":"User","sender_id":"u0Admin"}}}`,
			want: &bot.Event{ID: "c0News:7", Kind: bot.EventChannelPost, Chat: "c0News", ChatType: bot.ChatChannel, Text: "خبر", From: bot.Sender{ID: "u0Admin"}, SentAt: time.Unix(1, 0).UTC()},
		},
		{
			name: "bot message",
			body: `{"update":{"type":"NewMessage","chat_id":"g0Fans","new_message":{"message_id":"8","text":"hi","time":"1","sender_type":"Bot","sender_id":"b0Other"}}}`,
			want: &bot.Event{ID: "g0Fans:8", Kind: bot.EventMessage, Chat: "g0Fans", ChatType: bot.ChatGroup, Text: "hi", From: bot.Sender{ID: "b0Other", IsBot: true}, SentAt: time.Unix(1, 0).UTC()},
		},
		{
			name: "chat keypad tap",
			body: `{"update":{"type":"NewMessage","chat_id":"b0A","new_message":{"message_id":"9","text":"Add","time":"1","sender_type":"User","sender_id":"u0X","aux_data":{"start_id":null,"button_id":"100"}}}}`,
			want: &bot.Event{ID: "b0A:9", Kind: bot.EventMessage, Chat: "b0A", ChatType: bot.ChatPrivate, Text: "Add", Data: "100", From: bot.Sender{ID: "u0X"}, Addressed: true, SentAt: time.Unix(1, 0).UTC()},
		},
		{
			name: "edit",
			body: `{"update":{"type":"UpdatedMessage","chat_id":"b0A","updated_message":{"message_id":"9","text":"new","time":"1","is_edited":true,"sender_type":"User","sender_id":"u0X"}}}`,
			want: &bot.Event{ID: "b0A:9:edit:11507a0e2f5e", Kind: bot.EventEdit, Chat: "b0A", ChatType: bot.ChatPrivate, Text: "new", From: bot.Sender{ID: "u0X"}, Addressed: true, SentAt: time.Unix(1, 0).UTC()},
		},
		{
			name: "started with update_time",
			body: `{"update":{"type":"StartedBot","chat_id":"b0A","update_time":"1700000005"}}`,
			want: &bot.Event{ID: "started:b0A:1700000005", Kind: bot.EventStart, Chat: "b0A", ChatType: bot.ChatPrivate, Addressed: true, SentAt: time.Unix(1700000005, 0).UTC()},
		},
		{
			name: "stopped without update_time",
			body: `{"update":{"type":"StoppedBot","chat_id":"b0A"}}`,
			want: &bot.Event{ID: "stopped:b0A:FALLBACK", Kind: bot.EventStop, Chat: "b0A", ChatType: bot.ChatPrivate, Addressed: true},
		},
		{
			name: "inline press",
			body: `{"inline_message":{"sender_id":"u0X","text":"Add","location":null,"aux_data":{"start_id":null,"button_id":"s1:yes"},"message_id":"9000000000000000002","chat_id":"b0A"}}`,
			want: &bot.Event{ID: "cb:b0A:9000000000000000002:u0X:s1:yes", Kind: bot.EventCallback, Chat: "b0A", ChatType: bot.ChatPrivate, Text: "Add", Data: "s1:yes", From: bot.Sender{ID: "u0X"}, ReplyTo: "b0A:9000000000000000002", Addressed: true},
		},
		{name: "removed", body: `{"update":{"type":"RemovedMessage","chat_id":"b0A","removed_message_id":"9"}}`},
		{name: "payment", body: `{"update":{"type":"UpdatedPayment","chat_id":"b0A","updated_payment":{"payment_id":"p1","status":"Paid"}}}`},
		{name: "unknown type", body: `{"update":{"type":"Whatever","chat_id":"b0A"}}`},
		{name: "unknown endpoint shape", body: `{"query":{"id":"1"}}`},
		{name: "message without id", body: `{"update":{"type":"NewMessage","chat_id":"b0A","new_message":{"text":"x"}}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := testParser().parseWebhook([]byte(tc.body), "FALLBACK")
			if err != nil {
				t.Fatalf("%d: %v", i, err)
			}
			if tc.want == nil {
				if len(got) != 0 {
					t.Fatalf("%d: %+v, want no event", i, got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("%d: %d events", i, len(got))
			}
			e, w := got[0], *tc.want
			w.Platform, w.Account = bot.PlatformRubika, "brand"
			if err := e.Validate(); err != nil {
				t.Errorf("%d: %v", i, err)
			}
			if e.Platform != w.Platform || e.Account != w.Account || e.ID != w.ID || e.Kind != w.Kind || e.Chat != w.Chat ||
				e.ChatType != w.ChatType || e.Text != w.Text || e.Data != w.Data || e.ReplyTo != w.ReplyTo ||
				e.Addressed != w.Addressed || e.From != w.From || !e.SentAt.Equal(w.SentAt) {
				t.Errorf("%d:\n got %+v\nwant %+v", i, e, w)
			}
		})
	}
}

func TestParseRejectsNonJSON(t *testing.T) {
	for i, body := range []string{``, `null`, ` null `, `"update"`, `7`, `nope`, `[]`, `{"update":{"type":1}}`, `{"update":{"type":"NewMessage","chat_id":{}}}`} {
		if _, err := testParser().parseWebhook([]byte(body), ""); !errors.Is(err, errNotUpdate) {
			t.Errorf("%d: %q: err = %v", i, body, err)
		}
		if strings.HasPrefix(body, "{") {
			continue // an object is a getUpdates item of unknown shape
		}
		if _, err := testParser().parseUpdate([]byte(body), ""); !errors.Is(err, errNotUpdate) {
			t.Errorf("%d: %q: getUpdates item: err = %v", i, body, err)
		}
	}
}

func TestParseInlineFromGetUpdates(t *testing.T) {
	got, err := testParser().parseUpdate([]byte(`{"type":"InlineMessage","chat_id":"b0A","inline_message":{"sender_id":"u0X","text":"Yes","aux_data":{"button_id":"b1"},"message_id":12}}`), "")
	if err != nil || len(got) != 1 || got[0].Kind != bot.EventCallback || got[0].Chat != "b0A" || got[0].Data != "b1" {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestParseMessageID(t *testing.T) {
	for i, tc := range []struct {
		id, chat, msg string
		ok            bool
	}{
		{"b0A:9000000000000000001", "b0A", "9000000000000000001", true},
		{"b0A:9:edit:abc", "b0A", "9", true},
		{"77", "", "77", true},
		{"cb:b0A:1:u0X:b", "", "", false},
		{"started:b0A:1", "", "", false},
		{"b0A:", "", "", false},
		{"b0A:x1", "", "", false},
	} {
		chat, msg, ok := parseMessageID(tc.id)
		if chat != tc.chat || msg != tc.msg || ok != tc.ok {
			t.Errorf("%d: %q -> %q %q %v", i, tc.id, chat, msg, ok)
		}
	}
}

func TestParsePollVote(t *testing.T) {
	poll := func(chat, status string) string {
		return `{"update":{"type":"UpdatedMessage","chat_id":"` + chat + `","updated_message":{"message_id":"9000000000000000007","time":"1700000000",` +
			`"is_edited":false,"sender_type":"Bot","sender_id":"b0Bot","poll":{"question":"q","options":["a","b","c"],"poll_status":` + status + `}}}}`
	}
	for i, tc := range []struct {
		name string
		body string
		id   string // "" for no event
		data string
	}{
		{"vote", poll("b0AbC", `{"state":"Open","selection_index":1,"percent_vote_options":[0,100,0],"total_vote":1,"show_total_votes":true}`), "pa:b0AbC:9000000000000000007:1", "1"},
		{"vote as a string", poll("b0AbC", `{"state":"Open","selection_index":"2"}`), "pa:b0AbC:9000000000000000007:2", "2"},
		{"withdrawn", poll("b0AbC", `{"state":"Open","selection_index":-1,"total_vote":0}`), "pa:b0AbC:9000000000000000007:-1", ""},
		{"closed keeps the vote", poll("b0AbC", `{"state":"Closed","selection_index":0}`), "pa:b0AbC:9000000000000000007:0", "0"},
		{"group names no voter", poll("g0Fans", `{"state":"Open","selection_index":0}`), "", ""},
		{"channel names no voter", poll("c0News", `{"state":"Open","selection_index":0}`), "", ""},
		{"update_time keeps changes apart",
			`{"update":{"type":"UpdatedMessage","chat_id":"b0A","update_time":"1700000050","updated_message":{"message_id":7,"poll":{"question":"q","options":["a","b"],"poll_status":{"state":"Open","selection_index":0}}}}}`,
			"pa:b0A:7:0:1700000050", "0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := testParser().parseWebhook([]byte(tc.body), "at1")
			if err != nil {
				t.Fatalf("%d: %v", i, err)
			}
			if tc.id == "" {
				if len(got) != 0 {
					t.Fatalf("%d: events = %+v, want none", i, got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("%d: %d events, want 1", i, len(got))
			}
			e := got[0]
			msg := strings.Split(tc.id, ":")[2]
			// From is left to the adapter: the message's sender is the bot.
			if e.ID != tc.id || e.Kind != bot.EventPollAnswer || e.ChatType != bot.ChatPrivate || !e.Addressed || e.Data != tc.data ||
				e.From != (bot.Sender{}) || len(e.Extra) != 1 || e.Extra[bot.ExtraPollID] != msg || e.Validate() != nil {
				t.Errorf("%d: got %+v", i, e)
			}
		})
	}
	// Edits of messages without a poll are still edits.
	got, err := testParser().parseWebhook([]byte(`{"update":{"type":"UpdatedMessage","chat_id":"b0A","updated_message":{"message_id":"9","text":"x","sender_type":"User","sender_id":"u0X"}}}`), "")
	if err != nil || len(got) != 1 || got[0].Kind != bot.EventEdit {
		t.Errorf("edit: %+v, %v", got, err)
	}
}

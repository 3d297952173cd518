package telegram

import (
	"errors"
	"strings"
	"testing"
	"time"

	"engagebot/bot"
)

func testParser() *parser {
	return &parser{platform: bot.PlatformTelegram, account: "support", botID: 700, username: "brandcare_bot"}
}

func TestParseUpdate(t *testing.T) {
	const (
		from  = `"from":{"id":555,"is_bot":false,"first_name":"Sara","last_name":"K","username":"sara","language_code":"fa"}`
		group = `"chat":{"id":-1001234,"type":"supergroup","title":"Fans"}`
		priv  = `"chat":{"id":555,"type":"private","first_name":"Sara"}`
	)
	for i, tc := range []struct {
		name     string
		body     string
		want     *bot.Event // nil: no event
		callback string
	}{
		{
			name: "private message",
			body: `{"update_id":1,"message":{"message_id":42,` + from + `,` + priv + `,"date":1720000000,"text":"سلام"}}`,
			want: &bot.Event{ID: "555:42", Kind: bot.EventMessage, Chat: "555", ChatType: bot.ChatPrivate, Text: "سلام", Addressed: true,
				From: bot.Sender{ID: "555", Name: "Sara K", Username: "sara", Lang: "fa"}, SentAt: time.Unix(1720000000, 0).UTC()},
		},
		{
			name: "start",
			body: `{"update_id":2,"message":{"message_id":1,` + from + `,` + priv + `,"date":1,"text":"/start campaign-7"}}`,
			want: &bot.Event{ID: "555:1", Kind: bot.EventStart, Chat: "555", ChatType: bot.ChatPrivate, Text: "/start campaign-7", Addressed: true},
		},
		{
			name: "group not addressed",
			body: `{"update_id":3,"message":{"message_id":7,` + from + `,` + group + `,"date":1,"text":"this cream is great"}}`,
			want: &bot.Event{ID: "-1001234:7", Kind: bot.EventMessage, Chat: "-1001234", ChatType: bot.ChatGroup, Text: "this cream is great"},
		},
		{
			name: "group mention",
			body: `{"update_id":4,"message":{"message_id":8,` + from + `,` + group + `,"date":1,"text":"@BrandCare_bot price?","entities":[{"type":"mention","offset":0,"length":14}]}}`,
			want: &bot.Event{ID: "-1001234:8", Kind: bot.EventMessage, Chat: "-1001234", ChatType: bot.ChatGroup, Text: "@BrandCare_bot price?", Addressed: true},
		},
		{
			name: "group mention of a longer username is not ours",
			body: `{"update_id":5,"message":{"message_id":9,` + from + `,` + group + `,"date":1,"text":"@brandcare_bot_fan hi"}}`,
			want: &bot.Event{ID: "-1001234:9", Kind: bot.EventMessage, Chat: "-1001234", ChatType: bot.ChatGroup, Text: "@brandcare_bot_fan hi"},
		},
		{
			name: "group reply to the bot",
			body: `{"update_id":6,"message":{"message_id":10,` + from + `,` + group + `,"date":1,"text":"thanks",` +
				`"reply_to_message":{"message_id":4,"from":{"id":700,"is_bot":true,"first_name":"Bot"},` + group + `,"date":1,"text":"hi"}}}`,
			want: &bot.Event{ID: "-1001234:10", Kind: bot.EventMessage, Chat: "-1001234", ChatType: bot.ChatGroup, Text: "thanks", ReplyTo: "-1001234:4", Addressed: true},
		},
		{
			name: "group reply to someone else",
			body: `{"update_id":7,"message":{"message_id":11,` + from + `,` + group + `,"date":1,"text":"agreed",` +
				`"reply_to_message":{"message_id":5,"from":{"id":9,"is_bot":false,"first_name":"Ali"},` + group + `,"date":1,"text":"hi"}}}`,
			want: &bot.Event{ID: "-1001234:11", Kind: bot.EventMessage, Chat: "-1001234", ChatType: bot.ChatGroup, Text: "agreed", ReplyTo: "-1001234:5"},
		},
		{
			name: "group command",
			body: `{"update_id":8,"message":{"message_id":12,` + from + `,` + group + `,"date":1,"text":"/help"}}`,
			want: &bot.Event{ID: "-1001234:12", Kind: bot.EventMessage, Chat: "-1001234", ChatType: bot.ChatGroup, Text: "/help", Addressed: true},
		},
		{
			name: "group command for another bot",
			body: `{"update_id":9,"message":{"message_id":13,` + from + `,` + group + `,"date":1,"text":"/help@otherbot"}}`,
			want: &bot.Event{ID: "-1001234:13", Kind: bot.EventMessage, Chat: "-1001234", ChatType: bot.ChatGroup, Text: "/help@otherbot"},
		},
		{
			name: "group text mention",
			body: `{"update_id":10,"message":{"message_id":14,` + from + `,` + group + `,"date":1,"text":"Bot, hi","entities":[{"type":"text_mention","offset":0,"length":3,"user":{"id":700,"is_bot":true,"first_name":"Bot"}}]}}`,
			want: &bot.Event{ID: "-1001234:14", Kind: bot.EventMessage, Chat: "-1001234", ChatType: bot.ChatGroup, Text: "Bot, hi", Addressed: true},
		},
		{
			name: "edit",
			body: `{"update_id":11,"edited_message":{"message_id":42,` + from + `,` + priv + `,"date":1,"edit_date":1720000050,"text":"سلام!"}}`,
			want: &bot.Event{ID: "555:42:edit:1720000050", Kind: bot.EventEdit, Chat: "555", ChatType: bot.ChatPrivate, Text: "سلام!", Addressed: true},
		},
		{
			name: "channel post",
			body: `{"update_id":12,"channel_post":{"message_id":3,"sender_chat":{"id":-1009,"type":"channel","title":"News","username":"news"},"chat":{"id":-1009,"type":"channel","title":"News"},"date":1,"text":"new post"}}`,
			want: &bot.Event{ID: "-1009:3", Kind: bot.EventChannelPost, Chat: "-1009", ChatType: bot.ChatChannel, Text: "new post",
				From: bot.Sender{ID: "-1009", Name: "News", Username: "news"}},
		},
		{
			name: "photo caption",
			body: `{"update_id":13,"message":{"message_id":43,` + from + `,` + priv + `,"date":1,"caption":"is this rash a side effect?","photo":[]}}`,
			want: &bot.Event{ID: "555:43", Kind: bot.EventMessage, Chat: "555", ChatType: bot.ChatPrivate, Text: "is this rash a side effect?", Addressed: true},
		},
		{
			name:     "callback",
			body:     `{"update_id":14,"callback_query":{"id":"4382bfdwdsb323b2d9",` + from + `,"message":{"message_id":20,"from":{"id":700,"is_bot":true,"first_name":"Bot"},` + priv + `,"date":1,"text":"q"},"chat_instance":"ci","data":"s1:yes"}}`,
			want:     &bot.Event{ID: "cb:4382bfdwdsb323b2d9", Kind: bot.EventCallback, Chat: "555", ChatType: bot.ChatPrivate, Data: "s1:yes", ReplyTo: "555:20", Addressed: true},
			callback: "4382bfdwdsb323b2d9",
		},
		{
			name: "blocked",
			body: `{"update_id":15,"my_chat_member":{` + priv + `,` + from + `,"date":1720000200,"old_chat_member":{"status":"member","user":{"id":700,"is_bot":true,"first_name":"Bot"}},"new_chat_member":{"status":"kicked","user":{"id":700,"is_bot":true,"first_name":"Bot"},"until_date":0}}}`,
			want: &bot.Event{ID: "member:555:1720000200:kicked", Kind: bot.EventStop, Chat: "555", ChatType: bot.ChatPrivate, Addressed: true},
		},
		{
			name: "bot removed from a group is not a follower event",
			body: `{"update_id":16,"my_chat_member":{` + group + `,` + from + `,"date":1,"old_chat_member":{"status":"member","user":{"id":700,"is_bot":true,"first_name":"Bot"}},"new_chat_member":{"status":"kicked","user":{"id":700,"is_bot":true,"first_name":"Bot"}}}}`,
		},
		{name: "unused kind", body: `{"update_id":17,"poll":{"id":"1","question":"q","options":[],"total_voter_count":0,"is_closed":false,"is_anonymous":true,"type":"regular","allows_multiple_answers":false}}`},
		{name: "message without chat", body: `{"update_id":18,"message":{"message_id":1,"date":1,"text":"x"}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := testParser().parseUpdate([]byte(tc.body))
			if err != nil {
				t.Fatalf("%d: %v", i, err)
			}
			if got.CallbackID != tc.callback {
				t.Errorf("%d: callback = %q, want %q", i, got.CallbackID, tc.callback)
			}
			if tc.want == nil {
				if len(got.Events) != 0 {
					t.Fatalf("%d: events = %+v, want none", i, got.Events)
				}
				return
			}
			if len(got.Events) != 1 {
				t.Fatalf("%d: %d events, want 1", i, len(got.Events))
			}
			e := got.Events[0]
			if err := e.Validate(); err != nil {
				t.Errorf("%d: %v", i, err)
			}
			w := *tc.want
			w.Platform, w.Account = bot.PlatformTelegram, "support"
			if w.From.ID == "" {
				w.From = e.From // checked in the first cases
			}
			if w.SentAt.IsZero() {
				w.SentAt = e.SentAt
			}
			if e.Platform != w.Platform || e.Account != w.Account || e.ID != w.ID || e.Kind != w.Kind || e.Chat != w.Chat ||
				e.ChatType != w.ChatType || e.Text != w.Text || e.Data != w.Data || e.ReplyTo != w.ReplyTo ||
				e.Addressed != w.Addressed || e.From != w.From || !e.SentAt.Equal(w.SentAt) {
				t.Errorf("%d:\n got %+v\nwant %+v", i, e, w)
			}
		})
	}
}

func TestParsePollAnswer(t *testing.T) {
	const user = `"user":{"id":555,"is_bot":false,"first_name":"Sara","username":"sara","language_code":"fa"}`
	for i, tc := range []struct {
		name string
		body string
		want *bot.Event // nil: no event
	}{
		{
			name: "vote",
			body: `{"update_id":30,"poll_answer":{"poll_id":"5300000000000000001",` + user + `,"option_ids":[2],"option_persistent_ids":["2"]}}`,
			want: &bot.Event{ID: "pa:5300000000000000001:555:30", Data: "2"},
		},
		{
			name: "first option",
			body: `{"update_id":31,"poll_answer":{"poll_id":"5300000000000000001",` + user + `,"option_ids":[0],"option_persistent_ids":["0"]}}`,
			want: &bot.Event{ID: "pa:5300000000000000001:555:31", Data: "0"},
		},
		{
			name: "withdrawn",
			body: `{"update_id":32,"poll_answer":{"poll_id":"5300000000000000001",` + user + `,"option_ids":[],"option_persistent_ids":[]}}`,
			want: &bot.Event{ID: "pa:5300000000000000001:555:32", Data: ""},
		},
		{
			name: "several options: the first",
			body: `{"update_id":33,"poll_answer":{"poll_id":"p",` + user + `,"option_ids":[1,3]}}`,
			want: &bot.Event{ID: "pa:p:555:33", Data: "1"},
		},
		{
			name: "a chat voting anonymously is no follower",
			body: `{"update_id":34,"poll_answer":{"poll_id":"p","voter_chat":{"id":-1009,"type":"channel","title":"News"},"option_ids":[0]}}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := testParser().parseUpdate([]byte(tc.body))
			if err != nil {
				t.Fatalf("%d: %v", i, err)
			}
			if tc.want == nil {
				if len(got.Events) != 0 {
					t.Fatalf("%d: events = %+v, want none", i, got.Events)
				}
				return
			}
			if len(got.Events) != 1 {
				t.Fatalf("%d: %d events, want 1", i, len(got.Events))
			}
			e := got.Events[0]
			if err := e.Validate(); err != nil {
				t.Errorf("%d: %v", i, err)
			}
			poll := tc.body[strings.Index(tc.body, `"poll_id":"`)+len(`"poll_id":"`):]
			poll = poll[:strings.Index(poll, `"`)]
			want := bot.Sender{ID: "555", Name: "Sara", Username: "sara", Lang: "fa"}
			if e.ID != tc.want.ID || e.Kind != bot.EventPollAnswer || e.Chat != "555" || e.ChatType != bot.ChatPrivate ||
				!e.Addressed || e.From != want || e.Data != tc.want.Data || len(e.Extra) != 1 || e.Extra[bot.ExtraPollID] != poll ||
				e.Platform != bot.PlatformTelegram || e.Account != "support" {
				t.Errorf("%d: got %+v", i, e)
			}
		})
	}
}

func TestParseUpdateRejectsNonUpdates(t *testing.T) {
	for i, body := range []string{``, `null`, ` null `, `"update"`, `7`, `null x`, `[]`, `{"update_id":"one"}`, `{"update_id":1,"message":[]}`,
		`{"update_id":2,"poll_answer":[]}`,
		`{"update_id":3,"poll_answer":{}}`,
		`{"update_id":4,"poll_answer":{"poll_id":"p","user":{"id":5,"is_bot":false,"first_name":"S"}}}`,
		`{"update_id":5,"poll_answer":{"poll_id":"p","option_ids":[1]}}`,
		`{"update_id":6,"poll_answer":{"poll_id":"p","user":{"id":5,"is_bot":false,"first_name":"S"},"option_ids":[-1]}}`,
		`{"update_id":7,"poll_answer":{"poll_id":"p","user":{"id":5,"is_bot":false,"first_name":"S"},"option_ids":"0"}}`,
		`{"update_id":8,"poll_answer":{"poll_id":"p","user":"5","option_ids":[0]}}`,
	} {
		if _, err := testParser().parseUpdate([]byte(body)); !errors.Is(err, errNotUpdate) {
			t.Errorf("%d: %q: err = %v, want errNotUpdate", i, body, err)
		}
	}
}

func TestMessageIDRoundTrip(t *testing.T) {
	for i, tc := range []struct {
		id   string
		chat string
		msg  int
		ok   bool
	}{
		{"555:42", "555", 42, true},
		{"-1001234:7", "-1001234", 7, true},
		{"555:42:edit:17", "555", 42, true},
		{"42", "", 42, true},
		{"cb:abc", "", 0, false},
		{"member:555:1:kicked", "", 0, false},
		{"555:-1", "", 0, false},
		{"", "", 0, false},
	} {
		chat, msg, ok := parseMessageID(tc.id)
		if chat != tc.chat || msg != tc.msg || ok != tc.ok {
			t.Errorf("%d: parseMessageID(%q) = %q %d %v, want %q %d %v", i, tc.id, chat, msg, ok, tc.chat, tc.msg, tc.ok)
		}
	}
}

func TestSendParams(t *testing.T) {
	p, err := sendParams(&bot.Outbound{Kind: bot.OutReply, Chat: "555", ReplyTo: "555:42", Text: "سلام"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p["reply_parameters"], `{"allow_sending_without_reply":true,"message_id":42}`; got != want {
		t.Errorf("reply_parameters = %s, want %s", got, want)
	}
	p, _ = sendParams(&bot.Outbound{Kind: bot.OutReply, Chat: "555", ReplyTo: "cb:xyz", Text: "ok"})
	if _, ok := p["reply_parameters"]; ok {
		t.Errorf("a reply to a button press is threaded: %v", p)
	}
	p, _ = sendParams(&bot.Outbound{Kind: bot.OutReply, Chat: "555", ReplyTo: "-100:9", Text: "ok"})
	if got, want := p["reply_parameters"], `{"chat_id":"-100","message_id":9}`; got != want {
		t.Errorf("cross-chat reply_parameters = %s, want %s", got, want)
	}
	// 4096 UTF-16 units fit, even as astral runes counted twice.
	if _, err := sendParams(&bot.Outbound{Kind: bot.OutPost, Chat: "@news", Text: repeat("😀", 2048)}); err != nil {
		t.Errorf("4096 units refused: %v", err)
	}
	if _, err := sendParams(&bot.Outbound{Kind: bot.OutPost, Chat: "@news", Text: repeat("😀", 2049)}); err == nil {
		t.Errorf("4098 units accepted")
	}
}

func TestPollParams(t *testing.T) {
	p, err := pollParams(&bot.Outbound{Kind: bot.OutReply, Chat: "555", ReplyTo: "555:42", Poll: &bot.Poll{Question: "راضی هستید؟", Options: []string{"بله", "نه"}}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"chat_id": "555", "question": "راضی هستید؟", "options": `[{"text":"بله"},{"text":"نه"}]`, "is_anonymous": "false",
		"reply_parameters": `{"allow_sending_without_reply":true,"message_id":42}`,
	}
	if len(p) != len(want) {
		t.Errorf("params = %v, want %v", p, want)
	}
	for k, v := range want {
		if p[k] != v {
			t.Errorf("%s = %s, want %s", k, p[k], v)
		}
	}
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}

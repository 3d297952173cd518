package telegram_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"engagebot/adapters/adaptertest"
	"engagebot/adapters/telegram"
	"engagebot/adapters/telegram/telegramtest"
	"engagebot/bot"
	"engagebot/internal/wait"
)

func TestSendPoll(t *testing.T) {
	question := "از خدمات ما راضی هستید؟"
	options := []string{"بله", "نه", "تا حدی"}
	for i, tc := range []struct {
		name     string
		out      bot.Outbound
		chat     string // chat_id on the wire
		replyTo  int    // reply_parameters.message_id, 0 for none
		chatType string
	}{
		{"direct to a recipient", bot.Outbound{Kind: bot.OutDirect, Recipient: "5550001", ChatType: bot.ChatPrivate}, "5550001", 0, "private"},
		{"direct to a chat", bot.Outbound{Kind: bot.OutDirect, Chat: "5550002", ChatType: bot.ChatPrivate}, "5550002", 0, "private"},
		{"reply threaded", bot.Outbound{Kind: bot.OutReply, Chat: "5550003", ChatType: bot.ChatPrivate, ReplyTo: "5550003:41"}, "5550003", 41, "private"},
		{"reply to a button press", bot.Outbound{Kind: bot.OutReply, Chat: "5550004", ChatType: bot.ChatPrivate, ReplyTo: "cb:abc"}, "5550004", 0, "private"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, telegram.ModeWebhook, &adaptertest.Recorder{})
			o := tc.out
			o.ID = uint64(i + 1)
			// Text and buttons are the fallback for platforms without polls.
			o.Text = "1) بله 2) نه 3) تا حدی"
			o.Buttons = [][]bot.Button{{{Text: "بله", Data: "s:0"}}}
			o.Poll = &bot.Poll{Question: question, Options: options}
			d, err := e.adapter.Send(context.Background(), &o)
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			calls := e.fake.CallsOf("sendPoll")
			if len(calls) != 1 || len(e.fake.CallsOf("sendMessage")) != 0 {
				t.Fatalf("%d sendPoll and %d sendMessage calls, want 1 and 0", len(calls), len(e.fake.CallsOf("sendMessage")))
			}
			p := calls[0].Params
			if got, want := p["chat_id"], tc.chat; got != want {
				t.Errorf("chat_id = %v, want %v", got, want)
			}
			if got := p["question"]; got != question {
				t.Errorf("question = %v", got)
			}
			var opts []map[string]any
			if err := json.Unmarshal([]byte(p["options"].(string)), &opts); err != nil {
				t.Fatalf("options %v: %v", p["options"], err)
			}
			if len(opts) != len(options) {
				t.Fatalf("options = %v, want %d InputPollOption objects", opts, len(options))
			}
			for j, opt := range opts {
				if len(opt) != 1 || opt["text"] != options[j] {
					t.Errorf("option %d = %v, want {\"text\": %q}", j, opt, options[j])
				}
			}
			if got := p["is_anonymous"]; got != "false" {
				t.Errorf("is_anonymous = %v, want false so that answers reach the bot", got)
			}
			if _, ok := p["reply_markup"]; ok {
				t.Errorf("the fallback's buttons went out with the poll: %v", p["reply_markup"])
			}
			polls := e.fake.Polls()
			if len(polls) != 1 {
				t.Fatalf("%d polls, want 1", len(polls))
			}
			sp := polls[0]
			if sp.ReplyTo != tc.replyTo || sp.ChatType != tc.chatType || sp.IsAnonymous || !slices.Equal(sp.Options, options) {
				t.Errorf("poll = %+v", sp)
			}
			if d.PlatformID == "" || d.PlatformID != sp.PollID {
				t.Errorf("PlatformID = %q, want the poll id %q", d.PlatformID, sp.PollID)
			}
		})
	}
}

func TestSendPollRefusesBadPolls(t *testing.T) {
	opts := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = "گزینه " + strconv.Itoa(i)
		}
		return out
	}
	for i, tc := range []struct {
		name string
		out  bot.Outbound
		ok   bool
	}{
		{"fits", bot.Outbound{Poll: &bot.Poll{Question: strings.Repeat("س", 300), Options: []string{strings.Repeat("ب", 100), "نه"}}}, true},
		{"one option", bot.Outbound{Poll: &bot.Poll{Question: "q", Options: opts(1)}}, true},
		{"twelve options", bot.Outbound{Poll: &bot.Poll{Question: "q", Options: opts(12)}}, true},
		{"no question", bot.Outbound{Poll: &bot.Poll{Question: " ", Options: opts(2)}}, false},
		{"question too long", bot.Outbound{Poll: &bot.Poll{Question: strings.Repeat("س", 301), Options: opts(2)}}, false},
		{"question too long in UTF-16", bot.Outbound{Poll: &bot.Poll{Question: strings.Repeat("😀", 151), Options: opts(2)}}, false},
		{"no options", bot.Outbound{Poll: &bot.Poll{Question: "q"}}, false},
		{"thirteen options", bot.Outbound{Poll: &bot.Poll{Question: "q", Options: opts(13)}}, false},
		{"empty option", bot.Outbound{Poll: &bot.Poll{Question: "q", Options: []string{"بله", ""}}}, false},
		{"option too long", bot.Outbound{Poll: &bot.Poll{Question: "q", Options: []string{"بله", strings.Repeat("ن", 101)}}}, false},
		{"channel", bot.Outbound{Kind: bot.OutPost, Chat: "@brand_news", ChatType: bot.ChatChannel, Poll: &bot.Poll{Question: "q", Options: opts(2)}}, false},
		{"hide", bot.Outbound{Kind: bot.OutHide, Chat: "5550001", ReplyTo: "5550001:3", Poll: &bot.Poll{Question: "q", Options: opts(2)}}, false},
		{"no chat", bot.Outbound{Kind: bot.OutDirect, Poll: &bot.Poll{Question: "q", Options: opts(2)}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, telegram.ModeWebhook, &adaptertest.Recorder{})
			o := tc.out
			o.ID = uint64(i + 1)
			if o.Kind == "" {
				o.Kind, o.Chat, o.ChatType = bot.OutDirect, "5550001", bot.ChatPrivate
			}
			before := len(e.fake.Calls())
			_, err := e.adapter.Send(context.Background(), &o)
			calls := len(e.fake.Calls()) - before
			switch {
			case tc.ok && err != nil:
				t.Errorf("Send: %v, want it sent", err)
			case tc.ok && len(e.fake.Polls()) != 1:
				t.Errorf("%d polls sent, want 1", len(e.fake.Polls()))
			case !tc.ok && (err == nil || bot.SendErrorOf(err).Kind != bot.SendPermanent):
				t.Errorf("err = %v, want a permanent failure", err)
			case !tc.ok && calls != 0:
				t.Errorf("a bad poll reached the platform (%d calls)", calls)
			}
		})
	}
}

func TestSendPollRateLimited(t *testing.T) {
	e := newEnv(t, telegram.ModeWebhook, &adaptertest.Recorder{}, telegramtest.WithLimits(telegramtest.TelegramLimits))
	ctx := context.Background()
	poll := &bot.Poll{Question: "راضی هستید؟", Options: []string{"بله", "نه"}}
	if _, err := e.adapter.Send(ctx, &bot.Outbound{ID: 1, Kind: bot.OutDirect, Chat: "5550001", Text: "سلام"}); err != nil {
		t.Fatal(err)
	}
	// Within a second of a message to the same private chat.
	_, err := e.adapter.Send(ctx, &bot.Outbound{ID: 2, Kind: bot.OutDirect, Chat: "5550001", Poll: poll})
	if se := bot.SendErrorOf(err); err == nil || se.Kind != bot.SendRateLimited || se.RetryAfter < time.Second {
		t.Fatalf("err = %v, want rate limited with a retry_after", err)
	}
	if n := len(e.fake.Polls()); n != 0 {
		t.Fatalf("%d polls accepted beyond the limit", n)
	}
	e.fake.FailNext("sendPoll", telegramtest.Failure{Kind: telegramtest.ServerError, Status: 502})
	_, err = e.adapter.Send(ctx, &bot.Outbound{ID: 3, Kind: bot.OutDirect, Chat: "5550002", Poll: poll})
	if se := bot.SendErrorOf(err); err == nil || se.Kind != bot.SendTemporary {
		t.Fatalf("err = %v, want temporary", err)
	}
}

func TestPollAnswer(t *testing.T) {
	for _, mode := range []string{telegram.ModeWebhook, telegram.ModePolling} {
		t.Run(mode, func(t *testing.T) {
			inbox := &adaptertest.Recorder{}
			e := newEnv(t, mode, inbox)
			u := e.fake.NewUser("Sara")
			u.Username = "sara"
			user := strconv.FormatInt(u.ID, 10)
			d, err := e.adapter.Send(context.Background(), &bot.Outbound{ID: 1, Kind: bot.OutDirect, Recipient: user, ChatType: bot.ChatPrivate,
				Poll: &bot.Poll{Question: "راضی هستید؟", Options: []string{"بله", "نه", "تا حدی"}}})
			if err != nil {
				t.Fatal(err)
			}
			push := func(up *telegramtest.Update) {
				t.Helper()
				if mode == telegram.ModePolling {
					e.fake.Enqueue(up)
					return
				}
				if status, err := e.fake.Deliver(up); err != nil || status != http.StatusOK {
					t.Fatalf("deliver: %d %v", status, err)
				}
			}
			if mode == telegram.ModePolling {
				adaptertest.StartRunner(t, e.adapter)
			}
			// A poll's state is nobody's vote: no event, no error.
			push(e.fake.PollState(d.PlatformID))
			push(e.fake.Voted(d.PlatformID, u, 2))
			push(e.fake.Voted(d.PlatformID, u)) // withdrawn
			push(e.fake.Voted(d.PlatformID, u, 0))
			got := inbox.Wait(t, 3)
			for i, want := range []string{"2", "", "0"} {
				ev := got[i]
				if ev.Kind != bot.EventPollAnswer || ev.Chat != user || ev.ChatType != bot.ChatPrivate || !ev.Addressed ||
					ev.From.ID != user || ev.From.Name != "Sara" || ev.From.Username != "sara" || ev.Data != want {
					t.Errorf("vote %d = %+v, want data %q from %s in their private chat", i, ev, want, user)
				}
				if ev.Extra[bot.ExtraPollID] != d.PlatformID {
					t.Errorf("vote %d poll id = %q, want the delivery's %q", i, ev.Extra[bot.ExtraPollID], d.PlatformID)
				}
				if !strings.HasPrefix(ev.ID, "pa:") || ev.Validate() != nil {
					t.Errorf("vote %d id = %q", i, ev.ID)
				}
			}
			if got[0].ID == got[1].ID || got[1].ID == got[2].ID {
				t.Errorf("a changed vote has the id of the one before: %q %q %q", got[0].ID, got[1].ID, got[2].ID)
			}
			if n := len(inbox.Events()); n != 3 {
				t.Errorf("%d events, want 3 (the poll's state is none)", n)
			}
		})
	}
}

func TestPollAnswerRedeliveredKeepsItsID(t *testing.T) {
	inbox := &adaptertest.Recorder{}
	e := newEnv(t, telegram.ModeWebhook, inbox)
	u := e.fake.NewUser("Sara")
	d, err := e.adapter.Send(context.Background(), &bot.Outbound{ID: 1, Kind: bot.OutDirect, Chat: strconv.FormatInt(u.ID, 10),
		Poll: &bot.Poll{Question: "q", Options: []string{"a", "b"}}})
	if err != nil {
		t.Fatal(err)
	}
	if status, err := e.fake.Deliver(e.fake.Voted(d.PlatformID, u, 1)); err != nil || status != http.StatusOK {
		t.Fatalf("deliver: %d %v", status, err)
	}
	if status, err := e.fake.Redeliver(); err != nil || status != http.StatusOK {
		t.Fatalf("redeliver: %d %v", status, err)
	}
	got := inbox.WaitDeliveries(t, 2)
	if got[0].ID != got[1].ID {
		t.Errorf("a redelivered vote has a new id: %q, %q", got[0].ID, got[1].ID)
	}
	if n := len(inbox.Events()); n != 1 {
		t.Errorf("%d distinct events, want 1", n)
	}
}

func TestPollAnswerMalformed(t *testing.T) {
	bodies := []string{
		`{"update_id":200000001,"poll_answer":"oops"}`,
		`{"update_id":200000002,"poll_answer":{"user":{"id":5,"is_bot":false,"first_name":"S"},"option_ids":[0]}}`,
		`{"update_id":200000003,"poll_answer":{"poll_id":"1","option_ids":[0]}}`,
		`{"update_id":200000004,"poll_answer":{"poll_id":"1","user":{"id":5,"is_bot":false,"first_name":"S"}}}`,
		`{"update_id":200000005,"poll_answer":{"poll_id":"1","user":{"id":5,"is_bot":false,"first_name":"S"},"option_ids":["a"]}}`,
		`{"update_id":200000006,"poll_answer":{"poll_id":"1","user":{"id":5,"is_bot":false,"first_name":"S"},"option_ids":[-1]}}`,
		`{"update_id":200000007,"poll_answer":{"poll_id":7,"user":{"id":5,"is_bot":false,"first_name":"S"},"option_ids":[0]}}`,
	}
	t.Run("webhook", func(t *testing.T) {
		inbox := &adaptertest.Recorder{}
		e := newEnv(t, telegram.ModeWebhook, inbox)
		for i, body := range bodies {
			status, err := e.fake.DeliverRaw([]byte(body), telegramtest.RightSecret)
			if err != nil {
				t.Fatal(err)
			}
			if status != http.StatusBadRequest {
				t.Errorf("%d: status = %d, want 400", i, status)
			}
		}
		if n := len(inbox.Deliveries()); n != 0 {
			t.Errorf("stored %d deliveries of malformed answers", n)
		}
	})
	t.Run("polling", func(t *testing.T) {
		inbox := &adaptertest.Recorder{}
		e := newEnv(t, telegram.ModePolling, inbox)
		for _, body := range bodies {
			e.fake.EnqueueRaw([]byte(body))
		}
		u := e.fake.NewUser("Sara")
		last := e.fake.Enqueue(telegramtest.Text(telegramtest.PrivateChat(u), u, "fine"))
		adaptertest.StartRunner(t, e.adapter)
		if got := inbox.Wait(t, 1); got[0].Text != "fine" {
			t.Fatalf("event = %+v", got[0])
		}
		wait.For(t, 10*time.Second, "the cursor past the malformed answers", func() bool {
			v, _ := inbox.Cursor(context.Background(), "telegram.support/updates")
			return v == strconv.Itoa(last+1)
		})
	})
}

func TestPollingAsksForPollAnswers(t *testing.T) {
	inbox := &adaptertest.Recorder{}
	e := newEnv(t, telegram.ModePolling, inbox)
	adaptertest.StartRunner(t, e.adapter)
	wait.For(t, 10*time.Second, "a getUpdates", func() bool { return len(e.fake.CallsOf("getUpdates")) > 0 })
	var allowed []string
	if err := json.Unmarshal([]byte(e.fake.CallsOf("getUpdates")[0].Params["allowed_updates"].(string)), &allowed); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(allowed, "poll_answer") {
		t.Errorf("allowed_updates %v lacks poll_answer", allowed)
	}
}

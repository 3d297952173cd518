package rubika_test

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"engagebot/adapters/adaptertest"
	"engagebot/adapters/rubika"
	"engagebot/adapters/rubika/rubikatest"
	"engagebot/bot"
	"engagebot/internal/wait"
)

func TestSendPoll(t *testing.T) {
	question := "از خدمات ما راضی هستید؟"
	options := []string{"بله", "نه", "تا حدی"}
	for i, tc := range []struct {
		name string
		out  bot.Outbound
		fake []rubikatest.Option
	}{
		{"direct", bot.Outbound{Kind: bot.OutDirect, ChatType: bot.ChatPrivate}, nil},
		{"reply, not threaded", bot.Outbound{Kind: bot.OutReply, ChatType: bot.ChatPrivate, ReplyTo: "b0x:777"}, nil},
		{"numeric message id", bot.Outbound{Kind: bot.OutDirect, ChatType: bot.ChatPrivate}, []rubikatest.Option{rubikatest.WithNumericIDs()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, rubika.ModeWebhook, &adaptertest.Recorder{}, tc.fake)
			u := e.fake.NewUser("Sara")
			o := tc.out
			o.ID, o.Chat = uint64(i+1), u.Chat
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
			body := calls[0].Body
			if len(body) != 3 || body["chat_id"] != u.Chat || body["question"] != question {
				t.Errorf("body = %v, want exactly chat_id, question and options", body)
			}
			opts, _ := body["options"].([]any)
			if len(opts) != len(options) {
				t.Fatalf("options = %v, want an array of %d strings", body["options"], len(options))
			}
			for j, opt := range opts {
				if opt != options[j] {
					t.Errorf("option %d = %v, want %q", j, opt, options[j])
				}
			}
			polls := e.fake.Polls()
			if len(polls) != 1 || !slices.Equal(polls[0].Options, options) {
				t.Fatalf("polls = %+v", polls)
			}
			if d.PlatformID == "" || d.PlatformID != polls[0].MessageID {
				t.Errorf("PlatformID = %q, want the poll message's id %q", d.PlatformID, polls[0].MessageID)
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
		{"ten options", bot.Outbound{Poll: &bot.Poll{Question: "q", Options: opts(10)}}, true},
		{"no question", bot.Outbound{Poll: &bot.Poll{Question: "  ", Options: opts(2)}}, false},
		{"question too long", bot.Outbound{Poll: &bot.Poll{Question: strings.Repeat("س", 301), Options: opts(2)}}, false},
		{"one option", bot.Outbound{Poll: &bot.Poll{Question: "q", Options: opts(1)}}, false},
		{"eleven options", bot.Outbound{Poll: &bot.Poll{Question: "q", Options: opts(11)}}, false},
		{"empty option", bot.Outbound{Poll: &bot.Poll{Question: "q", Options: []string{"بله", ""}}}, false},
		{"option too long", bot.Outbound{Poll: &bot.Poll{Question: "q", Options: []string{"بله", strings.Repeat("ن", 101)}}}, false},
		{"hide", bot.Outbound{Kind: bot.OutHide, Chat: "b0x", Poll: &bot.Poll{Question: "q", Options: opts(2)}}, false},
		{"no chat", bot.Outbound{Kind: bot.OutDirect, Poll: &bot.Poll{Question: "q", Options: opts(2)}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, rubika.ModeWebhook, &adaptertest.Recorder{}, nil)
			o := tc.out
			o.ID = uint64(i + 1)
			if o.Kind == "" {
				o.Kind, o.Chat, o.ChatType = bot.OutDirect, e.fake.NewUser("Sara").Chat, bot.ChatPrivate
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

func TestSendPollRateLimitedAndFailures(t *testing.T) {
	e := newEnv(t, rubika.ModeWebhook, &adaptertest.Recorder{}, []rubikatest.Option{rubikatest.WithLimits(rubikatest.CautiousLimits)})
	ctx := context.Background()
	u := e.fake.NewUser("Sara")
	poll := &bot.Poll{Question: "راضی هستید؟", Options: []string{"بله", "نه"}}
	if _, err := e.adapter.Send(ctx, &bot.Outbound{ID: 1, Kind: bot.OutDirect, Chat: u.Chat, Text: "سلام"}); err != nil {
		t.Fatal(err)
	}
	_, err := e.adapter.Send(ctx, &bot.Outbound{ID: 2, Kind: bot.OutDirect, Chat: u.Chat, Poll: poll})
	if se := bot.SendErrorOf(err); err == nil || se.Kind != bot.SendRateLimited {
		t.Fatalf("err = %v, want rate limited", err)
	}
	e.fake.FailNext("sendPoll", rubikatest.Failure{Kind: rubikatest.ServerError, Status: 502})
	_, err = e.adapter.Send(ctx, &bot.Outbound{ID: 3, Kind: bot.OutDirect, Chat: e.fake.NewUser("Ali").Chat, Poll: poll})
	if se := bot.SendErrorOf(err); err == nil || se.Kind != bot.SendTemporary {
		t.Fatalf("err = %v, want temporary", err)
	}
	if n := len(e.fake.Polls()); n != 0 {
		t.Errorf("%d polls accepted", n)
	}
}

func TestPollVote(t *testing.T) {
	for _, mode := range []string{rubika.ModeWebhook, rubika.ModePolling} {
		t.Run(mode, func(t *testing.T) {
			inbox := &adaptertest.Recorder{}
			e := newEnv(t, mode, inbox, nil)
			u := e.fake.NewUser("Sara")
			d, err := e.adapter.Send(context.Background(), &bot.Outbound{ID: 1, Kind: bot.OutDirect, Chat: u.Chat, ChatType: bot.ChatPrivate,
				Poll: &bot.Poll{Question: "راضی هستید؟", Options: []string{"بله", "نه", "تا حدی"}}})
			if err != nil {
				t.Fatal(err)
			}
			if mode == rubika.ModePolling {
				adaptertest.StartRunner(t, e.adapter)
			}
			for _, option := range []int{2, -1, 0} {
				up := e.fake.Voted(d.PlatformID, option)
				if mode == rubika.ModePolling {
					e.fake.Enqueue(up)
				} else if status, err := e.fake.Deliver(up); err != nil || status != http.StatusOK {
					t.Fatalf("deliver: %d %v", status, err)
				}
			}
			got := inbox.Wait(t, 3)
			for i, want := range []string{"2", "", "0"} {
				ev := got[i]
				if ev.Kind != bot.EventPollAnswer || ev.Chat != u.Chat || ev.ChatType != bot.ChatPrivate || !ev.Addressed ||
					ev.From.ID != u.ID || ev.From.IsBot || ev.Data != want || ev.Validate() != nil {
					t.Errorf("vote %d = %+v, want data %q from %s", i, ev, want, u.ID)
				}
				if ev.Extra[bot.ExtraPollID] != d.PlatformID {
					t.Errorf("vote %d poll id = %q, want the delivery's %q", i, ev.Extra[bot.ExtraPollID], d.PlatformID)
				}
			}
			if n := len(inbox.Events()); n != 3 {
				t.Errorf("%d events, want 3", n)
			}
		})
	}
}

func TestPollVoteMalformed(t *testing.T) {
	bodies := []string{
		`{"update":{"type":"UpdatedMessage","chat_id":"b0A","updated_message":{"message_id":"9","poll":"oops"}}}`,
		`{"update":{"type":"UpdatedMessage","chat_id":"b0A","updated_message":{"message_id":"9","poll":{"question":"q","options":["a","b"]}}}}`,
		`{"update":{"type":"UpdatedMessage","chat_id":"b0A","updated_message":{"message_id":"9","poll":{"question":"q","options":["a","b"],"poll_status":{"state":"Open"}}}}}`,
		`{"update":{"type":"UpdatedMessage","chat_id":"b0A","updated_message":{"message_id":"9","poll":{"question":"q","options":["a","b"],"poll_status":{"state":"Open","selection_index":"x"}}}}}`,
		`{"update":{"type":"UpdatedMessage","chat_id":"b0A","updated_message":{"message_id":"9","poll":{"question":"q","options":["a","b"],"poll_status":{"state":"Open","selection_index":2}}}}}`,
		`{"update":{"type":"UpdatedMessage","chat_id":"b0A","updated_message":{"message_id":"9","poll":{"question":"q","options":["a","b"],"poll_status":{"state":"Open","selection_index":-2}}}}}`,
	}
	t.Run("webhook", func(t *testing.T) {
		inbox := &adaptertest.Recorder{}
		e := newEnv(t, rubika.ModeWebhook, inbox, nil)
		for i, body := range bodies {
			if status, err := e.fake.DeliverRaw([]byte(body)); err != nil || status != http.StatusBadRequest {
				t.Errorf("%d: status %d %v, want 400", i, status, err)
			}
		}
		if n := len(inbox.Deliveries()); n != 0 {
			t.Errorf("stored %d events", n)
		}
	})
	t.Run("polling", func(t *testing.T) {
		inbox := &adaptertest.Recorder{}
		e := newEnv(t, rubika.ModePolling, inbox, nil)
		for _, body := range bodies {
			// getUpdates items are the webhook's "update" objects.
			item := strings.TrimSuffix(strings.TrimPrefix(body, `{"update":`), "}")
			e.fake.EnqueueRaw([]byte(item))
		}
		u := e.fake.NewUser("Sara")
		e.fake.Enqueue(rubikatest.Text(u.Chat, u.ID, "fine"))
		adaptertest.StartRunner(t, e.adapter)
		if got := inbox.Wait(t, 1); got[0].Text != "fine" {
			t.Fatalf("event = %+v", got[0])
		}
		wait.For(t, 10*time.Second, "the cursor past the malformed votes", func() bool {
			v, _ := inbox.Cursor(context.Background(), "rubika.brand/updates")
			return v == "o"+strconv.Itoa(len(bodies)+1)
		})
		if n := len(inbox.Events()); n != 1 {
			t.Errorf("%d events, want only the message", n)
		}
	})
}

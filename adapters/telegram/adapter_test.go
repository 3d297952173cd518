package telegram_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
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

// specPath is the official method list, beside the checkout.
const specPath = "../../../shared/specs/telegram-bot-api.json"

const secret = "test-webhook-secret_0123456789"

// env is one adapter wired to a fake.
type env struct {
	fake    *telegramtest.Server
	adapter bot.Adapter
	inbox   *adaptertest.Recorder
	hookURL string // the mounted webhook, webhook mode
}

func newEnv(t *testing.T, mode string, inbox bot.Inbox, opts ...telegramtest.Option) *env {
	t.Helper()
	opts = append([]telegramtest.Option{telegramtest.WithSpec(specPath), telegramtest.WithLimits(telegramtest.Limits{})}, opts...)
	fake := telegramtest.NewServer(t, opts...)
	cfg := telegram.NewConfig()
	cfg.Token, cfg.APIBase, cfg.Mode, cfg.WebhookSecret = fake.Token, fake.URL, mode, secret
	cfg.PollTimeout = 5 * time.Second
	cfg.RequestTimeout = 2 * time.Second
	a, err := telegram.Factory.New(bot.PlatformTelegram, "support", cfg, bot.AdapterDeps{
		Inbox: inbox, Logger: testLogger(t), HTTPClient: &http.Client{Timeout: 10 * time.Second},
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	e := &env{fake: fake, adapter: a}
	if r, ok := inbox.(*adaptertest.Recorder); ok {
		e.inbox = r
	}
	if mode == telegram.ModeWebhook {
		mount := "/webhooks/telegram/support"
		srv := httptest.NewServer(http.StripPrefix(mount, a.(bot.WebhookHandler).Webhook()))
		t.Cleanup(srv.Close)
		e.hookURL = srv.URL + mount
		if err := a.(bot.WebhookRegistrar).RegisterWebhook(context.Background(), e.hookURL); err != nil {
			t.Fatalf("RegisterWebhook: %v", err)
		}
	}
	t.Cleanup(func() {
		// The adapter never makes a call the real API would refuse.
		for _, c := range fake.Refused() {
			t.Errorf("the fake refused %s(%v): %s", c.Method, c.Params, c.Error)
		}
	})
	return e
}

func testLogger(t *testing.T) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// run starts a poller until the test ends.

func TestConformance(t *testing.T) {
	for _, mode := range []string{telegram.ModeWebhook, telegram.ModePolling} {
		t.Run(mode, func(t *testing.T) {
			adaptertest.Run(t, func(t *testing.T, inbox bot.Inbox) (bot.Adapter, adaptertest.Harness) {
				e := newEnv(t, mode, inbox)
				return e.adapter, &telegramtest.Harness{S: e.fake, Webhook: mode == telegram.ModeWebhook}
			})
		})
	}
}

func TestFactoryModes(t *testing.T) {
	inbox := &adaptertest.Recorder{}
	hook := newEnv(t, telegram.ModeWebhook, inbox).adapter
	if _, ok := hook.(bot.Runner); ok {
		t.Errorf("a webhook-mode adapter must not be a Runner")
	}
	if got := hook.Platform() + "." + hook.Account(); got != "telegram.support" {
		t.Errorf("account key = %q", got)
	}
	poll := newEnv(t, telegram.ModePolling, inbox).adapter
	if _, ok := poll.(bot.Runner); !ok {
		t.Fatalf("a polling-mode adapter must be a Runner")
	}
	rec := httptest.NewRecorder()
	poll.(bot.WebhookHandler).Webhook().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", strings.NewReader("{}")))
	if rec.Code != http.StatusConflict {
		t.Errorf("polling adapter's webhook answered %d, want 409", rec.Code)
	}
	if err := poll.(bot.WebhookRegistrar).RegisterWebhook(context.Background(), "https://example.test/webhooks/telegram/support"); err == nil {
		t.Errorf("RegisterWebhook in polling mode succeeded, want an error")
	}
}

func TestRegisterWebhook(t *testing.T) {
	e := newEnv(t, telegram.ModeWebhook, &adaptertest.Recorder{})
	h := e.fake.Webhook()
	if got, want := h.URL, e.hookURL+"/"; got != want {
		t.Errorf("registered URL = %q, want %q", got, want)
	}
	if h.SecretToken != secret {
		t.Errorf("secret_token = %q, want the configured secret", h.SecretToken)
	}
	for _, want := range []string{"message", "callback_query", "my_chat_member", "channel_post", "poll_answer"} {
		if !slices.Contains(h.AllowedUpdates, want) {
			t.Errorf("allowed_updates %v lacks %q", h.AllowedUpdates, want)
		}
	}
}

func TestWebhookRefusesWithoutSecret(t *testing.T) {
	for _, tc := range []struct {
		name string
		mode telegramtest.SecretMode
		want int
	}{
		{"missing", telegramtest.NoSecret, http.StatusUnauthorized},
		{"wrong", telegramtest.WrongSecret, http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inbox := &adaptertest.Recorder{}
			e := newEnv(t, telegram.ModeWebhook, inbox)
			u := e.fake.NewUser("Sara")
			status, err := e.fake.DeliverWith(telegramtest.Text(telegramtest.PrivateChat(u), u, "سلام"), tc.mode)
			if err != nil {
				t.Fatal(err)
			}
			if status != tc.want {
				t.Errorf("status = %d, want %d", status, tc.want)
			}
			if n := len(inbox.Deliveries()); n != 0 {
				t.Errorf("stored %d events from a delivery without the secret", n)
			}
		})
	}
}

func TestWebhookStoreBeforeAcknowledge(t *testing.T) {
	inbox := &adaptertest.Recorder{Fail: errors.New("disk full")}
	e := newEnv(t, telegram.ModeWebhook, inbox)
	u := e.fake.NewUser("Sara")
	status, err := e.fake.Deliver(telegramtest.Text(telegramtest.PrivateChat(u), u, "hi"))
	if err != nil {
		t.Fatal(err)
	}
	if status < 500 {
		t.Fatalf("status = %d when storing failed, want 5xx so Telegram retries", status)
	}
	inbox.SetFail(nil)
	if status, _ := e.fake.Redeliver(); status != http.StatusOK {
		t.Fatalf("redelivery status = %d, want 200", status)
	}
	if n := len(inbox.Events()); n != 1 {
		t.Fatalf("stored %d events, want 1", n)
	}
}

func TestWebhookRejectsMalformed(t *testing.T) {
	for _, body := range []string{`not json`, `{"update_id":5,"message":"oops"}`, `[1,2]`} {
		inbox := &adaptertest.Recorder{}
		e := newEnv(t, telegram.ModeWebhook, inbox)
		status, err := e.fake.DeliverRaw([]byte(body), telegramtest.RightSecret)
		if err != nil {
			t.Fatal(err)
		}
		if status != http.StatusBadRequest {
			t.Errorf("%s: status = %d, want 400", body, status)
		}
		if n := len(inbox.Deliveries()); n != 0 {
			t.Errorf("%s: stored %d events", body, n)
		}
	}
}

func TestCallbackAnswered(t *testing.T) {
	for _, mode := range []string{telegram.ModeWebhook, telegram.ModePolling} {
		t.Run(mode, func(t *testing.T) {
			inbox := &adaptertest.Recorder{}
			e := newEnv(t, mode, inbox)
			u := e.fake.NewUser("Sara")
			press := telegramtest.Press(telegramtest.PrivateChat(u), u, 12, "survey:q1:yes")
			if mode == telegram.ModePolling {
				adaptertest.StartRunner(t, e.adapter)
				e.fake.Enqueue(press)
			} else if status, err := e.fake.Deliver(press); err != nil || status != http.StatusOK {
				t.Fatalf("deliver: %d %v", status, err)
			}
			ev := inbox.Wait(t, 1)[0]
			if ev.Kind != bot.EventCallback || ev.Data != "survey:q1:yes" || ev.ID != "cb:"+press.CallbackQuery.ID {
				t.Errorf("event = %+v", ev)
			}
			if got, want := ev.ReplyTo, strconv.FormatInt(u.ID, 10)+":12"; got != want {
				t.Errorf("ReplyTo = %q, want %q", got, want)
			}
			wait.For(t, 10*time.Second, "answerCallbackQuery", func() bool {
				calls := e.fake.CallsOf("answerCallbackQuery")
				return len(calls) == 1 && calls[0].Params["callback_query_id"] == press.CallbackQuery.ID
			})
		})
	}
}

func TestPollingStoresBeforeAdvancing(t *testing.T) {
	inbox := &adaptertest.Recorder{Fail: errors.New("disk full")}
	e := newEnv(t, telegram.ModePolling, inbox)
	u := e.fake.NewUser("Sara")
	first := e.fake.Enqueue(telegramtest.Text(telegramtest.PrivateChat(u), u, "one"))
	adaptertest.StartRunner(t, e.adapter)
	// The poller cannot store: it must keep asking from the same place.
	wait.For(t, 10*time.Second, "a second getUpdates", func() bool { return len(e.fake.CallsOf("getUpdates")) >= 2 })
	for _, c := range e.fake.CallsOf("getUpdates") {
		if off := c.Params["offset"]; off != nil && off != "0" {
			t.Fatalf("getUpdates offset advanced to %v before anything was stored", off)
		}
	}
	if e.fake.Pending() != 1 {
		t.Fatalf("the update was confirmed before it was stored")
	}
	inbox.SetFail(nil)
	inbox.Wait(t, 1)
	want := strconv.Itoa(first + 1)
	wait.For(t, 10*time.Second, "the cursor", func() bool {
		v, _ := inbox.Cursor(context.Background(), "telegram.support/updates")
		return v == want
	})
}

func TestPollingResumesAfterRestart(t *testing.T) {
	inbox := &adaptertest.Recorder{}
	e := newEnv(t, telegram.ModePolling, inbox)
	u := e.fake.NewUser("Sara")
	chat := telegramtest.PrivateChat(u)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.adapter.(bot.Runner).Run(ctx) }()
	id := e.fake.Enqueue(telegramtest.Text(chat, u, "one"))
	inbox.Wait(t, 1)
	wait.For(t, 10*time.Second, "the cursor", func() bool {
		v, _ := inbox.Cursor(context.Background(), "telegram.support/updates")
		return v == strconv.Itoa(id+1)
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}

	// A new poller (a restarted service) over the same store.
	e.fake.Enqueue(telegramtest.Text(chat, u, "two"))
	e2 := &env{fake: e.fake}
	cfg := telegram.NewConfig()
	cfg.Token, cfg.APIBase, cfg.Mode, cfg.PollTimeout = e.fake.Token, e.fake.URL, telegram.ModePolling, 5*time.Second
	a, err := telegram.Factory.New(bot.PlatformTelegram, "support", cfg, bot.AdapterDeps{Inbox: inbox, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	e2.adapter = a
	calls := len(e.fake.CallsOf("getUpdates"))
	adaptertest.StartRunner(t, a)
	got := inbox.Wait(t, 2)
	if got[1].Text != "two" {
		t.Errorf("second event = %q, want two", got[1].Text)
	}
	if first := e.fake.CallsOf("getUpdates")[calls]; first.Params["offset"] != strconv.Itoa(id+1) {
		t.Errorf("restarted poller asked from offset %v, want %d", first.Params["offset"], id+1)
	}
	if n := len(inbox.Deliveries()); n != 2 {
		t.Errorf("%d deliveries after restart, want 2 (nothing replayed)", n)
	}
}

func TestPollingStepsOverMalformed(t *testing.T) {
	inbox := &adaptertest.Recorder{}
	e := newEnv(t, telegram.ModePolling, inbox)
	u := e.fake.NewUser("Sara")
	e.fake.EnqueueRaw([]byte(`{"update_id":100000001,"message":"oops"}`))
	e.fake.EnqueueRaw([]byte(`{"update_id":100000002,"message":{"message_id":"x"}}`))
	last := e.fake.Enqueue(telegramtest.Text(telegramtest.PrivateChat(u), u, "fine"))
	adaptertest.StartRunner(t, e.adapter)
	if got := inbox.Wait(t, 1); got[0].Text != "fine" {
		t.Fatalf("event = %+v", got[0])
	}
	wait.For(t, 10*time.Second, "the cursor past all three", func() bool {
		v, _ := inbox.Cursor(context.Background(), "telegram.support/updates")
		return v == strconv.Itoa(last+1)
	})
}

func TestPollingHonoursRetryAfterAndServerErrors(t *testing.T) {
	inbox := &adaptertest.Recorder{}
	e := newEnv(t, telegram.ModePolling, inbox)
	e.fake.FailNext("getUpdates", telegramtest.Failure{Kind: telegramtest.ServerError, Status: 502})
	e.fake.FailNext("getUpdates", telegramtest.Failure{Kind: telegramtest.RateLimit, RetryAfter: 1})
	u := e.fake.NewUser("Sara")
	e.fake.Enqueue(telegramtest.Text(telegramtest.PrivateChat(u), u, "after the storm"))
	adaptertest.StartRunner(t, e.adapter)
	inbox.Wait(t, 1)
	calls := e.fake.CallsOf("getUpdates")
	if len(calls) < 3 {
		t.Fatalf("%d getUpdates calls, want at least 3", len(calls))
	}
	if gap := calls[2].At.Sub(calls[1].At); gap < time.Second {
		t.Errorf("polled again %v after a 429 with retry_after 1, want >= 1s", gap)
	}
}

func TestPollingConflictWhileWebhookSet(t *testing.T) {
	inbox := &adaptertest.Recorder{}
	e := newEnv(t, telegram.ModePolling, inbox)
	e.fake.SetWebhook(telegramtest.Webhook{URL: "https://example.test/hook"})
	adaptertest.StartRunner(t, e.adapter)
	wait.For(t, 10*time.Second, "a refused getUpdates", func() bool {
		for _, c := range e.fake.CallsOf("getUpdates") {
			if c.Status == http.StatusConflict {
				return true
			}
		}
		return false
	})
	e.fake.SetWebhook(telegramtest.Webhook{})
	u := e.fake.NewUser("Sara")
	e.fake.Enqueue(telegramtest.Text(telegramtest.PrivateChat(u), u, "hi"))
	inbox.Wait(t, 1)
}

// TestPollingRevokedTokenReportedByHealth: a poller refused with 401
// reports it through Health, without the token, until a call works again.
func TestPollingRevokedTokenReportedByHealth(t *testing.T) {
	inbox := &adaptertest.Recorder{}
	e := newEnv(t, telegram.ModePolling, inbox)
	hc, ok := e.adapter.(bot.HealthChecker)
	if !ok {
		t.Fatalf("%T is not a HealthChecker", e.adapter)
	}
	if err := hc.Health(); err != nil {
		t.Fatalf("Health before any call = %v", err)
	}
	e.fake.FailEvery("getUpdates", 1, telegramtest.Failure{Kind: telegramtest.Unauthorized})
	adaptertest.StartRunner(t, e.adapter)
	wait.For(t, 10*time.Second, "Health to report the refused token", func() bool { return hc.Health() != nil })
	if err := hc.Health(); strings.Contains(err.Error(), e.fake.Token) {
		t.Errorf("Health shows the token: %v", err)
	}
	e.fake.FailEvery("getUpdates", 0, telegramtest.Failure{})
	u := e.fake.NewUser("Sara")
	e.fake.Enqueue(telegramtest.Text(telegramtest.PrivateChat(u), u, "hi"))
	inbox.Wait(t, 1)
	if err := hc.Health(); err != nil {
		t.Errorf("Health after getUpdates worked again = %v", err)
	}
}

func TestGroupMentionNeedsUsername(t *testing.T) {
	// The config names no username: the adapter learns it with getMe.
	inbox := &adaptertest.Recorder{}
	e := newEnv(t, telegram.ModeWebhook, inbox, telegramtest.WithUsername("BrandCare_bot"))
	g := e.fake.NewGroup("Fans")
	u := e.fake.NewUser("Ali")
	for _, up := range []*telegramtest.Update{
		telegramtest.Mention(g, u, "brandcare_bot", "قیمت این کرم چنده؟"),
		telegramtest.Text(g, u, "این محصول عالیه"),
	} {
		if status, err := e.fake.Deliver(up); err != nil || status != http.StatusOK {
			t.Fatalf("deliver: %d %v", status, err)
		}
	}
	got := inbox.Wait(t, 2)
	if !got[0].Addressed || got[0].ChatType != bot.ChatGroup {
		t.Errorf("mention: %+v, want an addressed group message", got[0])
	}
	if got[1].Addressed {
		t.Errorf("plain group message is addressed: %+v", got[1])
	}
	if n := len(e.fake.CallsOf("getMe")); n != 1 {
		t.Errorf("getMe called %d times, want once", n)
	}
}

func TestSendFeatures(t *testing.T) {
	inbox := &adaptertest.Recorder{}
	e := newEnv(t, telegram.ModeWebhook, inbox)
	ctx := context.Background()
	ch := e.fake.NewChannel("brand_news", "Brand News")

	d, err := e.adapter.Send(ctx, &bot.Outbound{ID: 1, Kind: bot.OutPost, Chat: "@brand_news", ChatType: bot.ChatChannel, Text: "ویتامین D جدید رسید"})
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	if want := strconv.FormatInt(ch.ID, 10) + ":1"; d.PlatformID != want {
		t.Errorf("post PlatformID = %q, want %q", d.PlatformID, want)
	}
	_, err = e.adapter.Send(ctx, &bot.Outbound{
		ID: 2, Kind: bot.OutDirect, Recipient: "5550001", ChatType: bot.ChatPrivate, Text: "نظرسنجی",
		Buttons: [][]bot.Button{{{Text: "بله", Data: "s1:yes"}, {Text: "خیر", Data: "s1:no"}}, {{Text: "سایت", URL: "https://example.test"}}},
	})
	if err != nil {
		t.Fatalf("direct: %v", err)
	}
	sent := e.fake.Sent()
	if len(sent) != 2 {
		t.Fatalf("sent %d, want 2", len(sent))
	}
	if sent[0].ChatType != "channel" || sent[0].ReplyTo != 0 {
		t.Errorf("post = %+v", sent[0])
	}
	kb := sent[1].Keyboard
	if sent[1].ChatID != 5550001 || kb == nil || len(kb.InlineKeyboard) != 2 || kb.InlineKeyboard[0][1].CallbackData != "s1:no" || kb.InlineKeyboard[1][0].URL != "https://example.test" {
		t.Errorf("direct = %+v keyboard %+v", sent[1], kb)
	}

	// Items Telegram can never take fail permanently without a call.
	calls := len(e.fake.Calls())
	for _, o := range []*bot.Outbound{
		{ID: 3, Kind: bot.OutHide, Chat: "1", ReplyTo: "1:2"},
		{ID: 4, Kind: bot.OutReply, Chat: "1", Text: ""},
		{ID: 5, Kind: bot.OutReply, Chat: "1", Text: strings.Repeat("ب", 4097)},
		{ID: 6, Kind: bot.OutReply, Chat: "1", Text: "x", Buttons: [][]bot.Button{{{Text: "b", Data: strings.Repeat("d", 65)}}}},
	} {
		_, err := e.adapter.Send(ctx, o)
		if se := bot.SendErrorOf(err); err == nil || se.Kind != bot.SendPermanent {
			t.Errorf("item %d: err = %v, want permanent", o.ID, err)
		}
	}
	if n := len(e.fake.Calls()); n != calls {
		t.Errorf("invalid items reached the platform (%d calls)", n-calls)
	}
}

func TestSendErrorClassification(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fail  telegramtest.Failure
		kind  bot.SendErrorKind
		retry time.Duration
		code  string // when not empty, the SendError's code
	}{
		{"retry_after", telegramtest.Failure{Kind: telegramtest.RateLimit, RetryAfter: 7}, bot.SendRateLimited, 7 * time.Second, ""},
		{"blocked", telegramtest.Failure{Kind: telegramtest.Forbidden}, bot.SendPermanent, 0, bot.CodeBlocked},
		{"migrated", telegramtest.Failure{Kind: telegramtest.MigrateChat, MigrateTo: -1009}, bot.SendPermanent, 0, ""},
		{"bad_request", telegramtest.Failure{Kind: telegramtest.BadRequest, Description: "chat not found"}, bot.SendPermanent, 0, ""},
		{"5xx", telegramtest.Failure{Kind: telegramtest.ServerError, Status: 503}, bot.SendTemporary, 0, ""},
		{"timeout_after_delivery", telegramtest.Failure{Kind: telegramtest.Timeout, Delay: 5 * time.Second, Deliver: true}, bot.SendUnknown, 0, ""},
		{"garbled_answer", telegramtest.Failure{Kind: telegramtest.Garbled}, bot.SendUnknown, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, telegram.ModeWebhook, &adaptertest.Recorder{})
			e.fake.FailNext("sendMessage", tc.fail)
			_, err := e.adapter.Send(context.Background(), &bot.Outbound{ID: 9, Kind: bot.OutDirect, Chat: "5550001", Text: "hi"})
			var se *bot.SendError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want a *bot.SendError", err)
			}
			if se.Kind != tc.kind || se.RetryAfter != tc.retry || (tc.code != "" && se.Code != tc.code) {
				t.Errorf("got %v retry %v, want %v retry %v (%v)", se.Kind, se.RetryAfter, tc.kind, tc.retry, err)
			}
			if strings.Contains(err.Error(), e.fake.Token) {
				t.Errorf("error text carries the token: %v", err)
			}
		})
	}
}

func TestSendUnreachableIsTemporaryAndHidesToken(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close() // nothing listens there now
	cfg := telegram.NewConfig()
	cfg.Token, cfg.APIBase, cfg.WebhookSecret = telegramtest.DefaultToken, base, secret
	a, err := telegram.New("support", cfg, bot.AdapterDeps{Inbox: &adaptertest.Recorder{}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.Send(context.Background(), &bot.Outbound{ID: 1, Kind: bot.OutDirect, Chat: "1", Text: "hi"})
	if se := bot.SendErrorOf(err); err == nil || se.Kind != bot.SendTemporary {
		t.Errorf("err = %v, want temporary", err)
	}
	if err != nil && strings.Contains(err.Error(), telegramtest.DefaultToken) {
		t.Errorf("error text carries the token: %v", err)
	}
}

func TestLimits(t *testing.T) {
	e := newEnv(t, telegram.ModeWebhook, &adaptertest.Recorder{})
	l := e.adapter.Limits()
	if l.Account != (bot.Rate{Count: 30, Per: time.Second}) {
		t.Errorf("account = %+v", l.Account)
	}
	for ct, want := range map[bot.ChatType]bot.Rate{
		bot.ChatPrivate: {Count: 1, Per: time.Second},
		bot.ChatGroup:   {Count: 20, Per: time.Minute},
		bot.ChatChannel: {Count: 20, Per: time.Minute},
	} {
		if l.Chat[ct] != want {
			t.Errorf("%s = %+v, want %+v", ct, l.Chat[ct], want)
		}
	}
}

package rubika_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"engagebot/adapters/adaptertest"
	"engagebot/adapters/rubika"
	"engagebot/adapters/rubika/rubikatest"
	"engagebot/bot"
	"engagebot/internal/wait"
)

const secret = "rubika-webhook-secret_0123456789abcdefXYZ"

type env struct {
	fake    *rubikatest.Server
	adapter bot.Adapter
	mount   string // the public URL of the account's webhook mount
}

type option func(*rubika.Config)

func newEnv(t *testing.T, mode string, inbox bot.Inbox, fakeOpts []rubikatest.Option, opts ...option) *env {
	t.Helper()
	fake := rubikatest.NewServer(t, append([]rubikatest.Option{rubikatest.WithLimits(rubikatest.Limits{})}, fakeOpts...)...)
	cfg := rubika.NewConfig()
	cfg.Token, cfg.APIBase, cfg.Mode, cfg.WebhookSecret = fake.Token, fake.APIBase(), mode, secret
	cfg.PollInterval = 20 * time.Millisecond
	cfg.RequestTimeout = 2 * time.Second
	cfg.RateLimitedWait = adaptertest.RetryAfter
	for _, o := range opts {
		o(cfg)
	}
	a, err := rubika.Factory.New(bot.PlatformRubika, "brand", cfg, bot.AdapterDeps{
		Inbox: inbox, Logger: testLogger(), HTTPClient: &http.Client{Timeout: 10 * time.Second},
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	e := &env{fake: fake, adapter: a}
	if mode == rubika.ModeWebhook {
		prefix := "/webhooks/rubika/brand"
		srv := httptest.NewServer(http.StripPrefix(prefix, a.(bot.WebhookHandler).Webhook()))
		t.Cleanup(srv.Close)
		e.mount = srv.URL + prefix
		if err := a.(bot.WebhookRegistrar).RegisterWebhook(context.Background(), e.mount); err != nil {
			t.Fatalf("RegisterWebhook: %v", err)
		}
	}
	t.Cleanup(func() {
		for _, c := range fake.Refused() {
			t.Errorf("the fake refused %s(%v): %s", c.Method, c.Body, c.Error)
		}
	})
	return e
}

func testLogger() *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

func TestConformance(t *testing.T) {
	for _, tc := range []struct {
		name string
		mode string
		fake []rubikatest.Option
		cfg  []option
	}{
		{"webhook", rubika.ModeWebhook, nil, nil},
		{"webhook_query_secret_with_suffix", rubika.ModeWebhook, []rubikatest.Option{rubikatest.WithDeliverySuffix(), rubikatest.WithNumericIDs()},
			[]option{func(c *rubika.Config) { c.WebhookSecretIn = rubika.SecretInQuery }}},
		{"polling", rubika.ModePolling, nil, nil},
		{"polling_numeric_ids", rubika.ModePolling, []rubikatest.Option{rubikatest.WithNumericIDs()}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			adaptertest.Run(t, func(t *testing.T, inbox bot.Inbox) (bot.Adapter, adaptertest.Harness) {
				e := newEnv(t, tc.mode, inbox, tc.fake, tc.cfg...)
				return e.adapter, &rubikatest.Harness{S: e.fake, Webhook: tc.mode == rubika.ModeWebhook}
			})
		})
	}
}

func TestRegisterWebhook(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
	}{
		{rubika.SecretInPath, "/webhooks/rubika/brand/" + secret},
		{rubika.SecretInQuery, "/webhooks/rubika/brand/?token=" + secret},
	} {
		e := newEnv(t, rubika.ModeWebhook, &adaptertest.Recorder{}, nil, func(c *rubika.Config) { c.WebhookSecretIn = tc.in })
		for _, typ := range rubika.EndpointTypes {
			if got := e.fake.Endpoint(typ); !strings.HasSuffix(got, tc.want) {
				t.Errorf("%s: %s endpoint = %q, want ...%s", tc.in, typ, got, tc.want)
			}
		}
	}
}

func TestWebhookRefusesWithoutSecret(t *testing.T) {
	inbox := &adaptertest.Recorder{}
	e := newEnv(t, rubika.ModeWebhook, inbox, nil)
	u := e.fake.NewUser("Sara")
	body := []byte(`{"update":{"type":"NewMessage","chat_id":"` + u.Chat + `","new_message":{"message_id":"1","text":"سلام","time":"1700000000","sender_type":"User","sender_id":"` + u.ID + `"}}}`)
	for i, tc := range []struct {
		path string
		want int
	}{
		{"/", http.StatusUnauthorized},
		{"/receiveUpdate", http.StatusUnauthorized},
		{"/wrong-secret-wrong-secret-wrong-secret-00", http.StatusForbidden},
		{"/wrong-secret-wrong-secret-wrong-secret-00/receiveUpdate", http.StatusForbidden},
		{"/?token=nope", http.StatusForbidden},
		{"/receiveUpdate?token=", http.StatusUnauthorized},
		{"/" + secret[:len(secret)-1], http.StatusForbidden},
	} {
		status, err := e.fake.PostTo(e.mount+tc.path, body)
		if err != nil {
			t.Fatal(err)
		}
		if status != tc.want {
			t.Errorf("%d: %s: status %d, want %d", i, tc.path, status, tc.want)
		}
	}
	if n := len(inbox.Deliveries()); n != 0 {
		t.Fatalf("stored %d events from deliveries without the secret", n)
	}
	// Every accepted form of the right secret.
	for i, path := range []string{"/" + secret, "/" + secret + "/receiveUpdate", "/?token=" + secret, "/receiveUpdate?token=" + secret, "/?token=" + secret + "/receiveUpdate"} {
		if status, err := e.fake.PostTo(e.mount+path, body); err != nil || status != http.StatusOK {
			t.Errorf("%d: %s: status %d %v, want 200", i, path, status, err)
		}
	}
	if n := len(inbox.Events()); n != 1 {
		t.Errorf("stored %d events, want 1 (the same message five times)", n)
	}
}

func TestWebhookStoreBeforeAcknowledge(t *testing.T) {
	inbox := &adaptertest.Recorder{Fail: errors.New("disk full")}
	e := newEnv(t, rubika.ModeWebhook, inbox, nil)
	u := e.fake.NewUser("Sara")
	if status, _ := e.fake.Deliver(rubikatest.Text(u.Chat, u.ID, "hi")); status < 500 {
		t.Fatalf("status = %d when storing failed, want 5xx", status)
	}
	inbox.SetFail(nil)
	if status, _ := e.fake.Redeliver(); status != http.StatusOK {
		t.Fatalf("redelivery status = %d", status)
	}
	inbox.Wait(t, 1)
}

func TestWebhookMalformed(t *testing.T) {
	inbox := &adaptertest.Recorder{}
	e := newEnv(t, rubika.ModeWebhook, inbox, nil)
	for _, body := range []string{`nope`, `{"update":{"type":"NewMessage","chat_id":"b0x","new_message":{"message_id":{}}}}`, `{"update":[]}`} {
		if status, _ := e.fake.DeliverRaw([]byte(body)); status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", body, status)
		}
	}
	// A JSON body of an endpoint whose shape nobody knows is acknowledged
	// and stores nothing.
	if status, _ := e.fake.DeliverRaw([]byte(`{"query":{"x":1}}`)); status != http.StatusOK {
		t.Errorf("unknown shape: status %d, want 200", status)
	}
	if n := len(inbox.Deliveries()); n != 0 {
		t.Errorf("stored %d events", n)
	}
}

func TestStartStopResolveTheFollower(t *testing.T) {
	for _, mode := range []string{rubika.ModeWebhook, rubika.ModePolling} {
		t.Run(mode, func(t *testing.T) {
			inbox := &adaptertest.Recorder{}
			e := newEnv(t, mode, inbox, nil)
			u := e.fake.NewUser("Sara")
			ups := []*rubikatest.Update{rubikatest.Started(u.Chat), rubikatest.Text(u.Chat, u.ID, "سلام"), rubikatest.Stopped(u.Chat)}
			if mode == rubika.ModePolling {
				adaptertest.StartRunner(t, e.adapter)
				for _, up := range ups {
					e.fake.Enqueue(up)
				}
			} else {
				for _, up := range ups {
					if status, err := e.fake.Deliver(up); err != nil || status != http.StatusOK {
						t.Fatalf("deliver: %d %v", status, err)
					}
				}
			}
			got := inbox.Wait(t, 3)
			kinds := []bot.EventKind{bot.EventStart, bot.EventMessage, bot.EventStop}
			for i, e := range got {
				if e.Kind != kinds[i] || e.From.ID != u.ID || e.Chat != u.Chat || e.ChatType != bot.ChatPrivate {
					t.Errorf("%d: %+v, want %s from %s", i, e, kinds[i], u.ID)
				}
			}
			if n := len(e.fake.CallsOf("getChat")); n != 1 {
				t.Errorf("getChat called %d times, want once (then remembered)", n)
			}
		})
	}
}

func TestInlinePress(t *testing.T) {
	for _, mode := range []string{rubika.ModeWebhook, rubika.ModePolling} {
		t.Run(mode, func(t *testing.T) {
			inbox := &adaptertest.Recorder{}
			e := newEnv(t, mode, inbox, nil)
			u := e.fake.NewUser("Sara")
			press := rubikatest.Press(u.Chat, u.ID, "9100", "s1:yes", "بله")
			if mode == rubika.ModePolling {
				adaptertest.StartRunner(t, e.adapter)
				e.fake.EnqueueInline(press)
			} else if status, err := e.fake.DeliverInline(press); err != nil || status != http.StatusOK {
				t.Fatalf("deliver: %d %v", status, err)
			}
			ev := inbox.Wait(t, 1)[0]
			if ev.Kind != bot.EventCallback || ev.Data != "s1:yes" || ev.From.ID != u.ID || ev.ReplyTo != u.Chat+":9100" || ev.Text != "بله" {
				t.Errorf("event = %+v", ev)
			}
		})
	}
}

func TestGroupAddressing(t *testing.T) {
	inbox := &adaptertest.Recorder{}
	e := newEnv(t, rubika.ModeWebhook, inbox, []rubikatest.Option{rubikatest.WithUsername("BrandCare_bot")})
	ctx := context.Background()
	g := e.fake.NewGroup()
	u := e.fake.NewUser("Ali")
	d, err := e.adapter.Send(ctx, &bot.Outbound{ID: 1, Kind: bot.OutDirect, Chat: g, ChatType: bot.ChatGroup, Text: "خوش آمدید"})
	if err != nil {
		t.Fatal(err)
	}
	_, ours, _ := strings.Cut(d.PlatformID, ":")
	reply := rubikatest.Text(g, u.ID, "ممنون")
	reply.NewMessage.ReplyToMessageID = ours
	other := rubikatest.Text(g, u.ID, "موافقم")
	other.NewMessage.ReplyToMessageID = "123"
	for _, up := range []*rubikatest.Update{
		rubikatest.Text(g, u.ID, "@brandcare_bot قیمت؟"),
		rubikatest.Text(g, u.ID, "این کرم عالیه"),
		reply,
		other,
		rubikatest.Text(g, u.ID, "/help"),
	} {
		if status, err := e.fake.Deliver(up); err != nil || status != http.StatusOK {
			t.Fatalf("deliver: %d %v", status, err)
		}
	}
	got := inbox.Wait(t, 5)
	for i, want := range []bool{true, false, true, false, true} {
		if got[i].Addressed != want || got[i].ChatType != bot.ChatGroup {
			t.Errorf("%d %q: addressed = %v, want %v", i, got[i].Text, got[i].Addressed, want)
		}
	}
}

func TestPollingStoresBeforeAdvancing(t *testing.T) {
	inbox := &adaptertest.Recorder{Fail: errors.New("disk full")}
	e := newEnv(t, rubika.ModePolling, inbox, nil)
	u := e.fake.NewUser("Sara")
	e.fake.Enqueue(rubikatest.Text(u.Chat, u.ID, "one"))
	adaptertest.StartRunner(t, e.adapter)
	wait.For(t, 10*time.Second, "two getUpdates", func() bool { return len(e.fake.CallsOf("getUpdates")) >= 2 })
	for _, c := range e.fake.CallsOf("getUpdates") {
		if _, ok := c.Body["offset_id"]; ok {
			t.Fatalf("offset advanced to %v before anything was stored", c.Body["offset_id"])
		}
	}
	inbox.SetFail(nil)
	inbox.Wait(t, 1)
	wait.For(t, 10*time.Second, "the cursor", func() bool {
		v, _ := inbox.Cursor(context.Background(), "rubika.brand/updates")
		return v == "o1"
	})
}

func TestPollingResumesAfterRestart(t *testing.T) {
	inbox := &adaptertest.Recorder{}
	e := newEnv(t, rubika.ModePolling, inbox, nil)
	u := e.fake.NewUser("Sara")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.adapter.(bot.Runner).Run(ctx) }()
	e.fake.Enqueue(rubikatest.Text(u.Chat, u.ID, "one"))
	inbox.Wait(t, 1)
	wait.For(t, 10*time.Second, "the cursor", func() bool {
		v, _ := inbox.Cursor(context.Background(), "rubika.brand/updates")
		return v != ""
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	cur, _ := inbox.Cursor(context.Background(), "rubika.brand/updates")
	e.fake.Enqueue(rubikatest.Text(u.Chat, u.ID, "two"))
	cfg := rubika.NewConfig()
	cfg.Token, cfg.APIBase, cfg.Mode, cfg.PollInterval = e.fake.Token, e.fake.APIBase(), rubika.ModePolling, 20*time.Millisecond
	a, err := rubika.Factory.New(bot.PlatformRubika, "brand", cfg, bot.AdapterDeps{Inbox: inbox})
	if err != nil {
		t.Fatal(err)
	}
	before := len(e.fake.CallsOf("getUpdates"))
	adaptertest.StartRunner(t, a)
	if got := inbox.Wait(t, 2); got[1].Text != "two" {
		t.Errorf("second event %q", got[1].Text)
	}
	if first := e.fake.CallsOf("getUpdates")[before]; first.Body["offset_id"] != cur {
		t.Errorf("restarted poller asked from %v, want %q", first.Body["offset_id"], cur)
	}
	if n := len(inbox.Deliveries()); n != 2 {
		t.Errorf("%d deliveries, want 2 (nothing replayed)", n)
	}
}

func TestPollingSkipsMalformedAndSurvivesFailures(t *testing.T) {
	inbox := &adaptertest.Recorder{}
	e := newEnv(t, rubika.ModePolling, inbox, nil)
	e.fake.FailNext("getUpdates", rubikatest.Failure{Kind: rubikatest.ServerError})
	e.fake.FailNext("getUpdates", rubikatest.Failure{Kind: rubikatest.Garbled})
	e.fake.FailNext("getUpdates", rubikatest.Failure{Kind: rubikatest.TooRequests, RetryAfter: 1})
	u := e.fake.NewUser("Sara")
	e.fake.EnqueueRaw([]byte(`{"type":"NewMessage","chat_id":"b0x","new_message":"oops"}`))
	e.fake.EnqueueRaw([]byte(`17`))
	e.fake.Enqueue(rubikatest.Removed(u.Chat, "5"))
	e.fake.EnqueueRaw([]byte(`{"type":"UpdatedPayment","chat_id":"b0x","updated_payment":{"payment_id":"p","status":"Paid"}}`))
	e.fake.Enqueue(rubikatest.Text(u.Chat, u.ID, "fine"))
	adaptertest.StartRunner(t, e.adapter)
	if got := inbox.Wait(t, 1); got[0].Text != "fine" {
		t.Fatalf("event %+v", got[0])
	}
	wait.For(t, 10*time.Second, "the cursor past all", func() bool {
		v, _ := inbox.Cursor(context.Background(), "rubika.brand/updates")
		return v == "o5"
	})
	calls := e.fake.CallsOf("getUpdates")
	if gap := calls[3].At.Sub(calls[2].At); gap < time.Second {
		t.Errorf("polled again %v after TOO_REQUESTS with Retry-After 1, want >= 1s", gap)
	}
}

// TestPollingRevokedTokenReportedByHealth: a poller refused with
// INVALID_ACCESS reports it through Health, without the token, until a
// call works again.
func TestPollingRevokedTokenReportedByHealth(t *testing.T) {
	inbox := &adaptertest.Recorder{}
	e := newEnv(t, rubika.ModePolling, inbox, nil)
	hc, ok := e.adapter.(bot.HealthChecker)
	if !ok {
		t.Fatalf("%T is not a HealthChecker", e.adapter)
	}
	if err := hc.Health(); err != nil {
		t.Fatalf("Health before any call = %v", err)
	}
	e.fake.FailEvery("getUpdates", 1, rubikatest.Failure{Kind: rubikatest.InvalidAccess})
	adaptertest.StartRunner(t, e.adapter)
	wait.For(t, 10*time.Second, "Health to report the refused token", func() bool { return hc.Health() != nil })
	if err := hc.Health(); strings.Contains(err.Error(), e.fake.Token) {
		t.Errorf("Health shows the token: %v", err)
	}
	e.fake.FailEvery("getUpdates", 0, rubikatest.Failure{})
	u := e.fake.NewUser("Sara")
	e.fake.Enqueue(rubikatest.Text(u.Chat, u.ID, "hi"))
	inbox.Wait(t, 1)
	if err := hc.Health(); err != nil {
		t.Errorf("Health after getUpdates worked again = %v", err)
	}
}

func TestSendFeatures(t *testing.T) {
	e := newEnv(t, rubika.ModeWebhook, &adaptertest.Recorder{}, nil)
	ctx := context.Background()
	ch := e.fake.NewChannel()
	if _, err := e.adapter.Send(ctx, &bot.Outbound{ID: 1, Kind: bot.OutPost, Chat: ch, ChatType: bot.ChatChannel, Text: "ویتامین D جدید"}); err != nil {
		t.Fatal(err)
	}
	u := e.fake.NewUser("Sara")
	_, err := e.adapter.Send(ctx, &bot.Outbound{
		ID: 2, Kind: bot.OutReply, Chat: u.Chat, ReplyTo: u.Chat + ":777", Text: "نظرسنجی",
		Buttons: [][]bot.Button{{{Text: "بله", Data: "s1:yes"}, {Text: "خیر", Data: "s1:no"}}, {{Text: "سایت", URL: "https://example.test"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	sent := e.fake.Sent()
	if sent[0].ChatID != ch || sent[0].ReplyTo != "" {
		t.Errorf("post = %+v", sent[0])
	}
	kp := sent[1].Keypad
	if sent[1].ReplyTo != "777" || kp == nil || len(kp.Rows) != 2 || kp.Rows[0].Buttons[1].ID != "s1:no" || kp.Rows[1].Buttons[0].Type != "Link" {
		t.Errorf("reply = %+v keypad %+v", sent[1], kp)
	}
	calls := len(e.fake.Calls())
	for _, o := range []*bot.Outbound{
		{ID: 3, Kind: bot.OutHide, Chat: u.Chat},
		{ID: 4, Kind: bot.OutReply, Chat: u.Chat},
		{ID: 5, Kind: bot.OutReply, Chat: u.Chat, Text: "x", Buttons: [][]bot.Button{{{Text: "no payload"}}}},
	} {
		if _, err := e.adapter.Send(ctx, o); bot.SendErrorOf(err).Kind != bot.SendPermanent || err == nil {
			t.Errorf("item %d: %v, want permanent", o.ID, err)
		}
	}
	if n := len(e.fake.Calls()); n != calls {
		t.Errorf("invalid items reached Rubika")
	}
}

func TestSendErrorClassification(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fake  []rubikatest.Option
		fail  rubikatest.Failure
		kind  bot.SendErrorKind
		retry time.Duration
	}{
		{"too_requests", nil, rubikatest.Failure{Kind: rubikatest.TooRequests}, bot.SendRateLimited, adaptertest.RetryAfter},
		{"too_requests_429_retry_after", []rubikatest.Option{rubikatest.WithTooRequestsHTTPStatus(429)}, rubikatest.Failure{Kind: rubikatest.TooRequests, RetryAfter: 7}, bot.SendRateLimited, 7 * time.Second},
		{"invalid_input", nil, rubikatest.Failure{Kind: rubikatest.InvalidInput, Description: "bad chat"}, bot.SendPermanent, 0},
		{"5xx", nil, rubikatest.Failure{Kind: rubikatest.ServerError, Status: 503}, bot.SendTemporary, 0},
		{"timeout_after_delivery", nil, rubikatest.Failure{Kind: rubikatest.Timeout, Delay: 5 * time.Second, Deliver: true}, bot.SendUnknown, 0},
		{"garbled", nil, rubikatest.Failure{Kind: rubikatest.Garbled}, bot.SendUnknown, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, rubika.ModeWebhook, &adaptertest.Recorder{}, tc.fake)
			e.fake.FailNext("sendMessage", tc.fail)
			_, err := e.adapter.Send(context.Background(), &bot.Outbound{ID: 9, Kind: bot.OutDirect, Chat: "b0Someone", Text: "hi"})
			var se *bot.SendError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v", err)
			}
			if se.Kind != tc.kind || se.RetryAfter != tc.retry {
				t.Errorf("got %v retry %v, want %v retry %v (%v)", se.Kind, se.RetryAfter, tc.kind, tc.retry, err)
			}
			if strings.Contains(err.Error(), e.fake.Token) {
				t.Errorf("error text carries the token: %v", err)
			}
		})
	}
}

func TestRegisterRefusesInvalidURL(t *testing.T) {
	e := newEnv(t, rubika.ModePolling, &adaptertest.Recorder{}, nil)
	cfg := rubika.NewConfig()
	cfg.Token, cfg.APIBase, cfg.WebhookSecret = e.fake.Token, e.fake.APIBase(), secret
	a, err := rubika.New("brand", cfg, bot.AdapterDeps{Inbox: &adaptertest.Recorder{}})
	if err != nil {
		t.Fatal(err)
	}
	// Rubika wants https; the fake answers InvalidUrl for plain http
	// outside loopback.
	if err := a.RegisterWebhook(context.Background(), "http://example.test/webhooks/rubika/brand"); err == nil {
		t.Errorf("registering a plain-http URL succeeded")
	}
	if err := e.adapter.(bot.WebhookRegistrar).RegisterWebhook(context.Background(), "https://example.test/x"); err == nil {
		t.Errorf("a polling adapter registered a webhook")
	}
}

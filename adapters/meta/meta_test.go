package meta_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"engagebot/adapters/adaptertest"
	"engagebot/adapters/meta"
	"engagebot/adapters/meta/metatest"
	"engagebot/bot"
)

// env is an adapter wired to a fake, with its webhook served.
type env struct {
	a       *meta.Adapter
	cfg     *meta.Config
	fake    *metatest.Server
	hook    string // webhook URL
	inbox   bot.Inbox
	recoder *adaptertest.Recorder
}

func newEnv(t *testing.T, platform string, inbox bot.Inbox, edit func(*meta.Config), opts ...metatest.Option) *env {
	t.Helper()
	if platform == bot.PlatformInstagram {
		opts = append([]metatest.Option{metatest.WithInstagram("17841400000000001")}, opts...)
	}
	fake := metatest.NewServer(t, opts...)
	cfg := meta.Factory.NewConfig(platform).(*meta.Config)
	cfg.AppSecret, cfg.VerifyToken, cfg.AccessToken = "app-secret", "verify-token", "page-token"
	cfg.AccountID, cfg.APIBase = fake.AccountID(), fake.URL
	cfg.RateLimitWait = adaptertest.RetryAfter
	if edit != nil {
		edit(cfg)
	}
	if inbox == nil {
		inbox = &adaptertest.Recorder{}
	}
	a, err := meta.New(platform, "brand", cfg, bot.AdapterDeps{Inbox: inbox, HTTPClient: &http.Client{Timeout: 5 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	// The handler reads e.a at each request, so tests may rebuild it.
	var e *env
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { e.a.Webhook().ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	e = &env{a: a, cfg: cfg, fake: fake, hook: srv.URL + "/", inbox: inbox}
	e.recoder, _ = inbox.(*adaptertest.Recorder)
	return e
}

func TestConformance(t *testing.T) {
	for _, platform := range []string{bot.PlatformInstagram, bot.PlatformFacebook} {
		t.Run(platform, func(t *testing.T) {
			adaptertest.Run(t, func(t *testing.T, inbox bot.Inbox) (bot.Adapter, adaptertest.Harness) {
				e := newEnv(t, platform, inbox, nil)
				return e.a, e.fake.Harness(e.hook)
			})
		})
	}
}

func TestSignatureVectors(t *testing.T) {
	for i, tc := range []struct{ secret, body, want string }{
		{"secret", "test", "sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914"},
		{"app-secret-123", `{"object":"page","entry":[]}`, "sha256=045d425314376ceef02357beda9d40971b523021cc4baad4e55bde33d2691f03"},
	} {
		if got := meta.Sign(tc.secret, []byte(tc.body)); got != tc.want {
			t.Errorf("%d: Sign = %s, want %s", i, got, tc.want)
		}
		if !meta.ValidSignature(tc.secret, []byte(tc.body), tc.want) {
			t.Errorf("%d: ValidSignature refused the documented vector", i)
		}
		if meta.ValidSignature(tc.secret, []byte(tc.body+" "), tc.want) {
			t.Errorf("%d: ValidSignature accepted a changed body", i)
		}
	}
}

func TestWebhookRefusesBadSignatures(t *testing.T) {
	e := newEnv(t, bot.PlatformFacebook, nil, nil)
	body, _, _ := e.fake.DMBody(metatest.DM{Text: "hi"})
	good := metatest.Sign("app-secret", body)
	oneByteOff := []byte(good)
	if oneByteOff[len(oneByteOff)-1] == '0' {
		oneByteOff[len(oneByteOff)-1] = '1'
	} else {
		oneByteOff[len(oneByteOff)-1] = '0'
	}
	tampered := append([]byte(nil), body...)
	tampered[len(tampered)-3] ^= 1
	for i, tc := range []struct {
		body []byte
		sig  string
	}{
		{body, ""},
		{body, string(oneByteOff)},
		{body, "sha1=" + strings.TrimPrefix(good, "sha256=")},
		{body, metatest.Sign("other-secret", body)},
		{tampered, good},
	} {
		if st := e.fake.PostSigned(e.hook, tc.body, tc.sig); st != http.StatusUnauthorized {
			t.Errorf("%d: status %d, want 401", i, st)
		}
	}
	if n := len(e.recoder.Deliveries()); n != 0 {
		t.Fatalf("stored %d events from refused deliveries", n)
	}
	if st := e.fake.Post(e.hook, body); st != 200 {
		t.Fatalf("good signature: status %d", st)
	}
	if n := len(e.recoder.Events()); n != 1 {
		t.Fatalf("stored %d events, want 1", n)
	}
}

func TestWebhookVerification(t *testing.T) {
	e := newEnv(t, bot.PlatformInstagram, nil, nil)
	if ok, st := e.fake.Verify(e.hook, "verify-token"); !ok {
		t.Errorf("handshake with the right token failed: %d", st)
	}
	if ok, st := e.fake.Verify(e.hook, "wrong"); ok || st != http.StatusForbidden {
		t.Errorf("handshake with a wrong token: ok=%v status %d, want 403", ok, st)
	}
}

// countingInbox counts Accept calls.
type countingInbox struct {
	adaptertest.Recorder
	mu    sync.Mutex
	calls []int
}

func (c *countingInbox) Accept(ctx context.Context, ev []bot.Event, cur *bot.Cursor) error {
	c.mu.Lock()
	c.calls = append(c.calls, len(ev))
	c.mu.Unlock()
	return c.Recorder.Accept(ctx, ev, cur)
}

func TestWebhookBatchStoredInOneAccept(t *testing.T) {
	inbox := &countingInbox{}
	e := newEnv(t, bot.PlatformInstagram, inbox, nil)
	dm, _, _ := e.fake.DMBody(metatest.DM{Text: "one"})
	echo, _, _ := e.fake.DMBody(metatest.DM{From: "42", Text: "ours", Echo: true})
	cm, _ := e.fake.CommentBody(metatest.Comment{Text: "two"})
	own, _ := e.fake.CommentBody(metatest.Comment{From: e.fake.AccountID(), Text: "our own reply"})
	if st := e.fake.Post(e.hook, metatest.Batch(dm, echo, cm, own)); st != 200 {
		t.Fatalf("status %d", st)
	}
	if got, want := inbox.calls, []int{2}; len(got) != 1 || got[0] != want[0] {
		t.Fatalf("Accept calls with %v events, want one call with 2 (echo and own comment dropped)", got)
	}
}

func TestWebhookStoreFailureIsNotAcknowledged(t *testing.T) {
	inbox := &adaptertest.Recorder{Fail: errors.New("disk full")}
	e := newEnv(t, bot.PlatformFacebook, inbox, nil)
	body, _, _ := e.fake.DMBody(metatest.DM{Text: "hi"})
	if st := e.fake.Post(e.hook, body); st/100 != 5 {
		t.Fatalf("status %d when the inbox failed, want 5xx so Meta redelivers", st)
	}
}

func TestWebhookMalformed(t *testing.T) {
	e := newEnv(t, bot.PlatformFacebook, nil, nil)
	for i, body := range []string{`{`, `[]`, `{"entry":[]}`, `{"object":"page","entry":"x"}`} {
		if st := e.fake.Post(e.hook, []byte(body)); st != http.StatusBadRequest {
			t.Errorf("%d: status %d, want 400", i, st)
		}
	}
	if n := len(e.recoder.Deliveries()); n != 0 {
		t.Fatalf("stored %d events from malformed bodies", n)
	}
}

func sendErr(t *testing.T, err error) *bot.SendError {
	t.Helper()
	var se *bot.SendError
	if !errors.As(err, &se) {
		t.Fatalf("error %v is not a *bot.SendError", err)
	}
	return se
}

func TestSendCommentAnswers(t *testing.T) {
	for _, tc := range []struct {
		platform string
		kind     bot.OutKind
		edit     func(*meta.Config)
		want     string // fake request kind
	}{
		{bot.PlatformInstagram, bot.OutReply, nil, "comment_reply"},
		{bot.PlatformFacebook, bot.OutReply, nil, "comment_reply"},
		{bot.PlatformInstagram, bot.OutPrivateReply, nil, "private_reply"},
		{bot.PlatformFacebook, bot.OutPrivateReply, nil, "private_reply"},
		{bot.PlatformFacebook, bot.OutReply, func(c *meta.Config) { c.CommentReplies = "private" }, "private_reply"},
		{bot.PlatformInstagram, bot.OutHide, nil, "hide"},
		{bot.PlatformFacebook, bot.OutHide, nil, "hide"},
	} {
		t.Run(tc.platform+"/"+string(tc.kind)+"/"+tc.want, func(t *testing.T) {
			e := newEnv(t, tc.platform, nil, tc.edit)
			body, id := e.fake.CommentBody(metatest.Comment{Text: "price please"})
			if st := e.fake.Post(e.hook, body); st != 200 {
				t.Fatalf("status %d", st)
			}
			ev := e.recoder.Wait(t, 1)[0]
			if ev.Kind != bot.EventComment || ev.ID != id || ev.ChatType != bot.ChatPublic {
				t.Fatalf("event %+v, want a public comment %s", ev, id)
			}
			o := &bot.Outbound{Platform: ev.Platform, Account: ev.Account, Chat: ev.Chat, ChatType: ev.ChatType,
				Kind: tc.kind, ReplyTo: ev.ID, Recipient: ev.From.ID, Text: "thanks!", Extra: ev.Extra}
			d, err := e.a.Send(context.Background(), o)
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			sent := e.fake.Sent()
			if len(sent) != 1 || sent[0].Kind != tc.want || sent[0].CommentID != id || d.PlatformID == "" {
				t.Fatalf("fake got %+v (delivery %+v), want one %s on %s", sent, d, tc.want, id)
			}
		})
	}
}

func TestPrivateReplyOnlyOnce(t *testing.T) {
	e := newEnv(t, bot.PlatformInstagram, nil, func(c *meta.Config) { c.PrivateReplyNotice = "We sent you a message" })
	body, id := e.fake.CommentBody(metatest.Comment{Text: "I got a rash from it"})
	e.fake.Post(e.hook, body)
	ev := e.recoder.Wait(t, 1)[0]
	o := &bot.Outbound{Chat: ev.Chat, ChatType: ev.ChatType, Kind: bot.OutPrivateReply, ReplyTo: id, Text: "Sorry, please tell us more", Extra: ev.Extra}
	if _, err := e.a.Send(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if sent := e.fake.Sent(); len(sent) != 2 || sent[0].Kind != "private_reply" || sent[1].Kind != "comment_reply" || sent[1].Text != "We sent you a message" {
		t.Fatalf("fake got %+v, want a private reply then the public notice", sent)
	}
	_, err := e.a.Send(context.Background(), o)
	if se := sendErr(t, err); se.Kind != bot.SendPermanent {
		t.Fatalf("second private reply: %v, want permanent", err)
	}
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

func TestSendDMWindow(t *testing.T) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		platform string
		tag      string
		age      time.Duration // since the follower's last message
		wantErr  string        // SendError code, "" for success
		wantType string
	}{
		{"fb inside", bot.PlatformFacebook, "", time.Hour, "", "RESPONSE"},
		{"ig inside", bot.PlatformInstagram, "", time.Hour, "", ""},
		{"fb outside no tag", bot.PlatformFacebook, "", 25 * time.Hour, "outside_window", ""},
		{"ig outside no tag", bot.PlatformInstagram, "", 25 * time.Hour, "outside_window", ""},
		{"fb outside tagged", bot.PlatformFacebook, "HUMAN_AGENT", 25 * time.Hour, "", "MESSAGE_TAG"},
		{"ig past the tag", bot.PlatformInstagram, "HUMAN_AGENT", 8 * 24 * time.Hour, "outside_window", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := &clock{t: start}
			e := newEnv(t, tc.platform, nil, func(c *meta.Config) { c.MessageTag = tc.tag }, metatest.WithClock(clk.Now))
			e.setNow(t, clk.Now)
			_, mid, from := e.fake.DMBody(metatest.DM{Text: "hi"})
			clk.Set(start.Add(tc.age))
			_, err := e.a.Send(context.Background(), &bot.Outbound{Chat: from, ChatType: bot.ChatPrivate, Kind: bot.OutReply,
				ReplyTo: mid, Text: "hello", LastInbound: start})
			if tc.wantErr != "" {
				se := sendErr(t, err)
				if se.Kind != bot.SendPermanent || se.Code != tc.wantErr || !strings.Contains(se.Error(), "window") {
					t.Fatalf("error %v, want permanent %s saying why", err, tc.wantErr)
				}
				if n := len(e.fake.Requests()); n != 0 {
					t.Fatalf("the fake got %d requests for a message that may not be sent", n)
				}
				return
			}
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			if s := e.fake.Sent(); len(s) != 1 || s[0].MessagingType != tc.wantType || s[0].Recipient != from || s[0].ReplyTo != mid {
				t.Fatalf("fake got %+v, want one message to %s after %s with messaging_type %q", s, from, mid, tc.wantType)
			}
		})
	}
}

// setNow rebuilds e.a with a clock (and an HTTP client, when given).
func (e *env) setNow(t *testing.T, now func() time.Time) { e.rebuild(t, now, nil) }

func (e *env) rebuild(t *testing.T, now func() time.Time, hc *http.Client) {
	t.Helper()
	a, err := meta.New(e.a.Platform(), e.a.Account(), e.cfg, bot.AdapterDeps{Inbox: e.inbox, Now: now, HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}
	e.a = a
}

func TestSendPost(t *testing.T) {
	for _, tc := range []struct {
		platform, media string
		want            []string
		wantErr         string
	}{
		{bot.PlatformFacebook, "", []string{"feed"}, ""},
		{bot.PlatformFacebook, "https://cdn.example/a.jpg", []string{"photo"}, ""},
		{bot.PlatformInstagram, "https://cdn.example/a.jpg", []string{"media", "media_publish"}, ""},
		{bot.PlatformInstagram, "", nil, "media_required"},
	} {
		e := newEnv(t, tc.platform, nil, nil)
		d, err := e.a.Send(context.Background(), &bot.Outbound{Kind: bot.OutPost, Chat: e.fake.AccountID(), ChatType: bot.ChatChannel, Text: "New vitamins", MediaURL: tc.media})
		if tc.wantErr != "" {
			if se := sendErr(t, err); se.Code != tc.wantErr {
				t.Errorf("%s %q: %v, want %s", tc.platform, tc.media, err, tc.wantErr)
			}
			continue
		}
		if err != nil || d.PlatformID == "" {
			t.Fatalf("%s: %v %+v", tc.platform, err, d)
		}
		var kinds []string
		for _, r := range e.fake.Sent() {
			kinds = append(kinds, r.Kind)
		}
		if strings.Join(kinds, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%s %q: fake got %v, want %v", tc.platform, tc.media, kinds, tc.want)
		}
	}
}

// replyOutbound is a DM reply to a freshly delivered message.
func replyOutbound(t *testing.T, e *env, text string) *bot.Outbound {
	t.Helper()
	_, mid, from := e.fake.DMBody(metatest.DM{Text: "hi"})
	return &bot.Outbound{Chat: from, ChatType: bot.ChatPrivate, Kind: bot.OutReply, ReplyTo: mid, Text: text, LastInbound: time.Now()}
}

func TestUsageBrakeStopsBeforeTheLimit(t *testing.T) {
	e := newEnv(t, bot.PlatformFacebook, nil, nil, metatest.WithRateLimit(10, time.Hour))
	var sent, braked int
	for i := range 20 {
		_, err := e.a.Send(context.Background(), replyOutbound(t, e, "reply"))
		if err == nil {
			sent++
			continue
		}
		se := sendErr(t, err)
		if se.Kind != bot.SendRateLimited || se.Code != "usage_brake" || se.RetryAfter <= 0 || se.RetryAfter > 30*time.Second {
			t.Fatalf("send %d: %v, want the usage brake for up to 30s", i, err)
		}
		braked++
	}
	if sent != 8 || braked != 12 {
		t.Errorf("sent %d and braked %d, want 8 sent (80%% of 10) then the brake", sent, braked)
	}
	if n := e.fake.OverLimit(); n != 0 {
		t.Errorf("%d requests over the limit", n)
	}
}

func TestRateLimitErrorUsesMetaEstimate(t *testing.T) {
	e := newEnv(t, bot.PlatformInstagram, nil, func(c *meta.Config) { c.SlowDownAt = 0 }, metatest.WithRateLimit(2, time.Hour))
	for range 2 {
		if _, err := e.a.Send(context.Background(), replyOutbound(t, e, "ok")); err != nil {
			t.Fatal(err)
		}
	}
	_, err := e.a.Send(context.Background(), replyOutbound(t, e, "over"))
	if se := sendErr(t, err); se.Kind != bot.SendRateLimited || se.RetryAfter != time.Hour || se.Code != "4" {
		t.Fatalf("%v, want rate limited (code 4) for the 60 minutes Meta estimates", err)
	}
}

func TestSendFailures(t *testing.T) {
	for _, tc := range []struct {
		fail metatest.Failure
		kind bot.SendErrorKind
	}{
		{metatest.FailTimeout, bot.SendUnknown},
		{metatest.FailMalformed, bot.SendUnknown},
		{metatest.FailServer, bot.SendTemporary},
		{metatest.FailUnauthorized, bot.SendUnauthorized},
	} {
		e := newEnv(t, bot.PlatformFacebook, nil, nil)
		e.rebuild(t, nil, &http.Client{Timeout: 300 * time.Millisecond})
		e.fake.FailNext(tc.fail)
		_, err := e.a.Send(context.Background(), replyOutbound(t, e, "x"))
		if se := sendErr(t, err); se.Kind != tc.kind {
			t.Errorf("failure %d: %v, want %v", tc.fail, err, tc.kind)
		}
	}
}

func TestExpiredTokenNeedsAttention(t *testing.T) {
	e := newEnv(t, bot.PlatformFacebook, nil, nil)
	e.fake.FailNext(metatest.FailUnauthorized)
	if _, err := e.a.Send(context.Background(), replyOutbound(t, e, "x")); err == nil {
		t.Fatal("Send succeeded")
	}
	if err := e.a.Health(); err == nil || !strings.Contains(err.Error(), "190") {
		t.Fatalf("Health = %v, want the code 190 failure", err)
	}
	if _, err := e.a.Send(context.Background(), replyOutbound(t, e, "x")); err != nil {
		t.Fatal(err)
	}
	if err := e.a.Health(); err != nil {
		t.Fatalf("Health after a successful call = %v", err)
	}
}

func TestConfigValidate(t *testing.T) {
	c := meta.Factory.NewConfig(bot.PlatformInstagram).(*meta.Config)
	if got := c.MissingSecrets(); strings.Join(got, ",") != "app_secret,verify_token,access_token" {
		t.Errorf("MissingSecrets = %v", got)
	}
	c.APIBase, c.APIVersion, c.TokenIn = "graph.facebook.com", "23", "cookie"
	err := c.Validate()
	for _, key := range []string{"api_base", "api_version", "account_id", "token_in"} {
		if err == nil || !strings.Contains(err.Error(), key+":") {
			t.Errorf("Validate = %v, want an error naming %s", err, key)
		}
	}
}

// TestWebhookVerificationEchoIsPlainText: the echoed challenge is the
// caller's text, so it goes out as plain text a browser must not sniff.
func TestWebhookVerificationEchoIsPlainText(t *testing.T) {
	e := newEnv(t, bot.PlatformFacebook, nil, nil)
	resp, err := http.Get(e.hook + "?hub.mode=subscribe&hub.verify_token=verify-token&hub.challenge=%3Cscript%3E1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(b) != "<script>1" {
		t.Fatalf("status %d, body %q; want 200 and the challenge", resp.StatusCode, b)
	}
	if got := resp.Header.Get("Content-Type"); got != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type %q, want text/plain; charset=utf-8", got)
	}
	if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options %q, want nosniff", got)
	}
}

// CheckSend refuses, before anything is queued, a DM that Meta would
// refuse: outside the messaging window with no tag that allows it.
func TestCheckSend(t *testing.T) {
	now := time.Now()
	for i, tc := range []struct {
		tag    string
		kind   bot.OutKind
		chat   bot.ChatType
		since  time.Duration
		refuse string
	}{
		{"", bot.OutReply, bot.ChatPrivate, time.Hour, ""},
		{"", bot.OutReply, bot.ChatPrivate, 25 * time.Hour, "messaging window closed"},
		{"HUMAN_AGENT", bot.OutReply, bot.ChatPrivate, 25 * time.Hour, ""},
		{"HUMAN_AGENT", bot.OutReply, bot.ChatPrivate, 8 * 24 * time.Hour, "allows only"},
		{"", bot.OutReply, bot.ChatPublic, 30 * 24 * time.Hour, ""}, // a comment reply has no window
	} {
		e := newEnv(t, bot.PlatformInstagram, nil, func(c *meta.Config) {
			c.MessageTag = tc.tag
			if tc.tag != "" {
				c.TagWindow = 7 * 24 * time.Hour
			}
		})
		err := e.a.CheckSend(&bot.Outbound{Kind: tc.kind, ChatType: tc.chat, Chat: "u1", LastInbound: now.Add(-tc.since)}, now)
		switch {
		case tc.refuse == "" && err != nil:
			t.Errorf("%d: refused: %v", i, err)
		case tc.refuse != "" && (err == nil || !strings.Contains(err.Error(), tc.refuse)):
			t.Errorf("%d: CheckSend = %v, want a refusal saying %q", i, err, tc.refuse)
		}
	}
}

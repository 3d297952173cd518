package x_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"engagebot/adapters/adaptertest"
	"engagebot/adapters/x"
	"engagebot/adapters/x/xtest"
	"engagebot/bot"
	"engagebot/internal/testenv"
)

// specPath is X's OpenAPI document, beside the checkout.
const specPath = "../../../shared/specs/x-api-v2-openapi.json"

type env struct {
	a     *x.Adapter
	cfg   *x.Config
	fake  *xtest.Server
	hook  string
	inbox *adaptertest.Recorder
}

// newEnv wires an adapter to a fake that validates against X's document.
// Both share a clock stopped on a whole second, so rate-limit resets
// (whole seconds) give exact waits.
func newEnv(t *testing.T, inbox bot.Inbox, edit func(*x.Config), opts ...xtest.Option) *env {
	t.Helper()
	now := time.Unix(time.Now().Unix(), 0)
	clock := func() time.Time { return now }
	fake := xtest.NewServer(t, append([]xtest.Option{xtest.WithSpec(specPath), xtest.WithClock(clock)}, opts...)...)
	if !fake.Validating() && testenv.CI() {
		// Outside CI the adapter is still tested, only not against the
		// document; in CI that would pass on less than it claims.
		t.Fatalf("the fake does not validate against %s: in CI every request must be checked", specPath)
	}
	cfg := x.Factory.NewConfig(bot.PlatformX).(*x.Config)
	cfg.ConsumerKey, cfg.ConsumerSecret = "consumer-key", "consumer-secret"
	cfg.AccessToken, cfg.AccessSecret = "access-token", "access-secret"
	cfg.UserID, cfg.APIBase = fake.UserID(), fake.URL
	if edit != nil {
		edit(cfg)
	}
	rec, _ := inbox.(*adaptertest.Recorder)
	if inbox == nil {
		rec = &adaptertest.Recorder{}
		inbox = rec
	}
	e := &env{cfg: cfg, fake: fake, inbox: rec}
	e.build(t, inbox, clock, &http.Client{Timeout: 5 * time.Second})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { e.a.Webhook().ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	e.hook = srv.URL + "/"
	return e
}

func (e *env) build(t *testing.T, inbox bot.Inbox, now func() time.Time, hc *http.Client) {
	t.Helper()
	a, err := x.New("brand", e.cfg, bot.AdapterDeps{Inbox: inbox, Now: now, HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}
	e.a = a
}

// needSpec stops a test that is about the document when it is not beside
// the checkout: skipped on a developer's machine, failed in CI.
func needSpec(t *testing.T) {
	t.Helper()
	_, err := os.Stat(specPath)
	testenv.Need(t, "X's OpenAPI document", err)
}

func TestConformance(t *testing.T) {
	adaptertest.Run(t, func(t *testing.T, inbox bot.Inbox) (bot.Adapter, adaptertest.Harness) {
		e := newEnv(t, inbox, nil)
		return e.a, e.fake.Harness(e.hook)
	})
}

func TestSpecIsUsed(t *testing.T) {
	needSpec(t)
	e := newEnv(t, nil, nil)
	if !e.fake.Validating() {
		t.Fatal("the fake does not validate although the document is there")
	}
}

func TestCRCAndSignatureVectors(t *testing.T) {
	if got, want := x.CRC("consumer-secret-123", "challenge_string"), "sha256=7nL8HIrX26MeAfinEMdej/4J0pyTvFDYdQzCk2Lrewg="; got != want {
		t.Errorf("CRC = %s, want %s", got, want)
	}
	body := []byte(`{"for_user_id":"2244994945","favorite_events":[]}`)
	want := "sha256=cvjNCQtNmx2a5yxr+ZnifxLfZqkfLBdQEa+zpEURcVE="
	if got := x.Sign("consumer-secret-123", body); got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
	if !x.ValidSignature("consumer-secret-123", body, want) || x.ValidSignature("consumer-secret-124", body, want) {
		t.Error("ValidSignature does not tell the documented vector from a wrong secret")
	}
}

func TestWebhookCRC(t *testing.T) {
	e := newEnv(t, nil, nil)
	if ok, st := e.fake.CRC(e.hook); !ok {
		t.Fatalf("CRC answer refused (status %d)", st)
	}
	resp, err := http.Get(e.hook)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("GET without crc_token: %d, want 400", resp.StatusCode)
	}
}

func TestWebhookRefusesBadSignatures(t *testing.T) {
	e := newEnv(t, nil, nil)
	body, _, _ := e.fake.DMBody(xtest.DM{Text: "hi"})
	good := x.Sign("consumer-secret", body)
	b := []byte(good)
	b[10] ^= 1 // one byte off
	tampered := append([]byte(nil), body...)
	tampered[len(tampered)-5] ^= 1
	for i, tc := range []struct {
		body []byte
		sig  string
	}{
		{body, ""}, {body, string(b)}, {body, strings.TrimPrefix(good, "sha256=")},
		{body, x.Sign("other", body)}, {tampered, good},
	} {
		if st := e.fake.PostSigned(e.hook, tc.body, tc.sig); st != http.StatusUnauthorized {
			t.Errorf("%d: status %d, want 401", i, st)
		}
	}
	if n := len(e.inbox.Deliveries()); n != 0 {
		t.Fatalf("stored %d events from refused deliveries", n)
	}
}

func TestWebhookStoreFailureIsNotAcknowledged(t *testing.T) {
	e := newEnv(t, &adaptertest.Recorder{Fail: errors.New("disk full")}, nil)
	body, _, _ := e.fake.DMBody(xtest.DM{Text: "hi"})
	if st := e.fake.Post(e.hook, body); st/100 != 5 {
		t.Fatalf("status %d when the inbox failed, want 5xx", st)
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

// mention delivers a mention through the webhook and returns its event.
func mention(t *testing.T, e *env, text string) bot.Event {
	t.Helper()
	body, tw := e.fake.MentionBody(xtest.Mention{Text: text})
	if st := e.fake.Post(e.hook, body); st != 200 {
		t.Fatalf("status %d", st)
	}
	for _, ev := range e.inbox.Wait(t, len(e.inbox.Events())) {
		if ev.ID == tw.ID {
			return ev
		}
	}
	t.Fatalf("mention %s not stored", tw.ID)
	return bot.Event{}
}

func replyOutbound(ev bot.Event, id uint64, text string) *bot.Outbound {
	return &bot.Outbound{ID: id, Platform: ev.Platform, Account: ev.Account, Chat: ev.Chat, ChatType: ev.ChatType,
		Kind: bot.OutReply, ReplyTo: ev.ID, Recipient: ev.From.ID, Text: text}
}

func TestReplyToMention(t *testing.T) {
	e := newEnv(t, nil, nil)
	ev := mention(t, e, "@brand is this safe with coffee?")
	if ev.Kind != bot.EventMention || ev.ChatType != bot.ChatPublic || ev.From.ID == "" {
		t.Fatalf("event %+v, want a public mention", ev)
	}
	d, err := e.a.Send(context.Background(), replyOutbound(ev, 1, "Yes, it is."))
	if err != nil {
		t.Fatal(err)
	}
	sent := e.fake.Sent()
	if len(sent) != 1 || sent[0].Kind != "tweet" || sent[0].InReplyTo != ev.ID || sent[0].ID != d.PlatformID {
		t.Fatalf("fake got %+v, want one reply to %s", sent, ev.ID)
	}
}

// words of a long Persian and English answer.
func longText(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "واژه%d word%d ", i, i)
	}
	return strings.TrimSpace(b.String())
}

func TestLongReplyThread(t *testing.T) {
	e := newEnv(t, nil, nil)
	ev := mention(t, e, "@brand tell me everything")
	text := longText(40)
	if _, err := e.a.Send(context.Background(), replyOutbound(ev, 7, text)); err != nil {
		t.Fatal(err)
	}
	sent := e.fake.Sent()
	if len(sent) < 2 {
		t.Fatalf("fake got %d posts, want a thread", len(sent))
	}
	prev := ev.ID
	var joined []string
	for i, s := range sent {
		if s.InReplyTo != prev {
			t.Errorf("part %d replies to %s, want %s", i, s.InReplyTo, prev)
		}
		if n := x.Length(s.Text, "weighted"); n > 280 {
			t.Errorf("part %d is %d long", i, n)
		}
		prev = s.ID
		joined = append(joined, s.Text)
	}
	if strings.Join(joined, " ") != text {
		t.Errorf("the thread does not join back into the text: words were cut or lost")
	}
}

func TestLongReplyShortened(t *testing.T) {
	e := newEnv(t, nil, func(c *x.Config) { c.LongReplies = "shorten" })
	ev := mention(t, e, "@brand tell me everything")
	text := longText(40)
	if _, err := e.a.Send(context.Background(), replyOutbound(ev, 7, text)); err != nil {
		t.Fatal(err)
	}
	sent := e.fake.Sent()
	if len(sent) != 1 || !strings.HasSuffix(sent[0].Text, "…") || !strings.HasPrefix(text, strings.TrimSuffix(sent[0].Text, "…")+" ") {
		t.Fatalf("fake got %+v, want one post cut at a word boundary", sent)
	}
}

func TestThreadResumesAfterAFailedPart(t *testing.T) {
	e := newEnv(t, nil, nil)
	ev := mention(t, e, "@brand tell me everything")
	o := replyOutbound(ev, 9, longText(40))
	e.fake.FailNext(0, xtest.FailServer) // the first part goes out, the second fails
	_, err := e.a.Send(context.Background(), o)
	if se := sendErr(t, err); se.Kind != bot.SendTemporary {
		t.Fatalf("%v, want temporary", err)
	}
	first := e.fake.Sent()
	if len(first) != 1 {
		t.Fatalf("%d parts out before the failure, want 1", len(first))
	}
	d, err := e.a.Send(context.Background(), o)
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	all := e.fake.Sent()
	if all[1].InReplyTo != first[0].ID || all[len(all)-1].ID != d.PlatformID {
		t.Fatalf("the retry did not continue the thread: %+v", all)
	}
	for _, r := range e.fake.Requests() {
		if r.Status == 403 {
			t.Fatalf("a part was posted twice: %+v", r)
		}
	}
}

func TestDMAllowanceBrake(t *testing.T) {
	e := newEnv(t, nil, nil, xtest.WithLimit("dm", 5, 15*time.Minute))
	var sent, braked int
	for i := range 10 {
		_, id, from := e.fake.DMBody(xtest.DM{Text: "hi"})
		_, err := e.a.Send(context.Background(), &bot.Outbound{Chat: from, ChatType: bot.ChatPrivate, Kind: bot.OutReply, ReplyTo: id, Text: fmt.Sprint("answer ", i)})
		if err == nil {
			sent++
			continue
		}
		se := sendErr(t, err)
		if se.Kind != bot.SendRateLimited || se.RetryAfter != 15*time.Minute {
			t.Fatalf("send %d: %v, want rate limited until the window resets", i, err)
		}
		braked++
	}
	if sent != 5 || braked != 5 || e.fake.OverLimit() != 0 {
		t.Fatalf("sent %d, braked %d, over the limit %d; want 5, 5, 0", sent, braked, e.fake.OverLimit())
	}
}

func TestSendFailures(t *testing.T) {
	for _, tc := range []struct {
		fail xtest.Failure
		kind bot.SendErrorKind
	}{
		{xtest.FailTimeout, bot.SendUnknown},
		{xtest.FailMalformed, bot.SendUnknown},
		{xtest.FailServer, bot.SendTemporary},
		{xtest.FailUnauthorized, bot.SendUnauthorized},
		{xtest.FailRateLimit, bot.SendRateLimited},
	} {
		e := newEnv(t, nil, nil)
		e.build(t, e.inbox, nil, &http.Client{Timeout: 300 * time.Millisecond})
		_, id, from := e.fake.DMBody(xtest.DM{Text: "hi"})
		e.fake.FailNext(tc.fail)
		_, err := e.a.Send(context.Background(), &bot.Outbound{Chat: from, ChatType: bot.ChatPrivate, Kind: bot.OutReply, ReplyTo: id, Text: "x"})
		if se := sendErr(t, err); se.Kind != tc.kind {
			t.Errorf("failure %d: %v, want %v", tc.fail, err, tc.kind)
		}
	}
}

func TestUnauthorizedNeedsAttention(t *testing.T) {
	e := newEnv(t, nil, nil)
	_, id, from := e.fake.DMBody(xtest.DM{Text: "hi"})
	o := &bot.Outbound{Chat: from, ChatType: bot.ChatPrivate, Kind: bot.OutReply, ReplyTo: id, Text: "x"}
	e.fake.FailNext(xtest.FailUnauthorized)
	if _, err := e.a.Send(context.Background(), o); err == nil {
		t.Fatal("Send succeeded")
	}
	if e.a.Health() == nil {
		t.Fatal("Health is nil after a 401")
	}
	if _, err := e.a.Send(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if err := e.a.Health(); err != nil {
		t.Fatalf("Health after a success = %v", err)
	}
}

func TestWrongSecretsAreRefusedByTheFake(t *testing.T) {
	e := newEnv(t, nil, func(c *x.Config) { c.AccessSecret = "stolen-but-wrong" })
	_, id, from := e.fake.DMBody(xtest.DM{Text: "hi"})
	_, err := e.a.Send(context.Background(), &bot.Outbound{Chat: from, ChatType: bot.ChatPrivate, Kind: bot.OutReply, ReplyTo: id, Text: "x"})
	if se := sendErr(t, err); se.Kind != bot.SendUnauthorized {
		t.Fatalf("%v, want unauthorized: the fake must check the OAuth signature", err)
	}
}

func TestPollMentions(t *testing.T) {
	e := newEnv(t, nil, func(c *x.Config) { c.Mode, c.PollInterval = "polling", time.Second })
	// 150 mentions: two pages. One is our own post and is skipped.
	var last xtest.Tweet
	for i := range 150 {
		from := ""
		if i == 3 {
			from = e.fake.UserID()
		}
		last = e.fake.AddMention(xtest.Mention{From: from, Text: fmt.Sprintf("@brand question %d", i)})
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.a.Run(ctx) }()
	defer func() { cancel(); <-done }()
	got := e.inbox.Wait(t, 149)
	cursor, _ := e.inbox.Cursor(context.Background(), e.a.CursorKey())
	if cursor != last.ID {
		t.Fatalf("cursor %q, want the newest id %s", cursor, last.ID)
	}
	for _, ev := range got {
		if ev.From.ID == e.fake.UserID() || ev.Kind != bot.EventMention || ev.Extra[x.ExtraConversationID] == "" {
			t.Fatalf("bad event %+v", ev)
		}
	}
	next := e.fake.AddMention(xtest.Mention{Text: "@brand one more"})
	got = e.inbox.Wait(t, 150)
	if got[149].ID != next.ID || len(e.inbox.Deliveries()) != 150 {
		t.Fatalf("second poll stored %d deliveries ending with %s, want only %s new", len(e.inbox.Deliveries()), got[len(got)-1].ID, next.ID)
	}
	var sinceIDs []string
	for _, r := range e.fake.Requests() {
		if r.Kind == "mentions" && r.Query.Get("since_id") != "" {
			sinceIDs = append(sinceIDs, r.Query.Get("since_id"))
		}
	}
	if len(sinceIDs) == 0 || sinceIDs[0] != last.ID {
		t.Fatalf("later polls asked since_id %v, want %s", sinceIDs, last.ID)
	}
}

func TestConfigValidate(t *testing.T) {
	c := x.Factory.NewConfig(bot.PlatformX).(*x.Config)
	if got := strings.Join(c.MissingSecrets(), ","); got != "consumer_key,consumer_secret,access_token,access_secret" {
		t.Errorf("MissingSecrets = %s", got)
	}
	c.APIBase, c.Mode, c.LongReplies = "api.x.com", "stream", "cut"
	err := c.Validate()
	for _, key := range []string{"api_base", "user_id", "mode", "long_replies"} {
		if err == nil || !strings.Contains(err.Error(), key+":") {
			t.Errorf("Validate = %v, want an error naming %s", err, key)
		}
	}
}

func TestConcurrentBurstDoesNotOverrunAnUnknownAllowance(t *testing.T) {
	e := newEnv(t, nil, nil, xtest.WithLimit("dm", 5, 15*time.Minute))
	type result struct{ err error }
	results := make(chan result, 12)
	for i := range 12 {
		_, id, from := e.fake.DMBody(xtest.DM{Text: "hi"})
		go func() {
			_, err := e.a.Send(context.Background(), &bot.Outbound{Chat: from, ChatType: bot.ChatPrivate, Kind: bot.OutReply, ReplyTo: id, Text: fmt.Sprint("answer ", i)})
			results <- result{err}
		}()
	}
	sent := 0
	for range 12 {
		if r := <-results; r.err == nil {
			sent++
		} else if se := sendErr(t, r.err); se.Kind != bot.SendRateLimited {
			t.Errorf("%v, want rate limited", r.err)
		}
	}
	if sent != 5 || e.fake.OverLimit() != 0 {
		t.Fatalf("sent %d with %d over the limit; want 5 and 0", sent, e.fake.OverLimit())
	}
}

func TestHideReply(t *testing.T) {
	e := newEnv(t, nil, nil)
	ev := mention(t, e, "@brand buy cheap pills at spam.example")
	d, err := e.a.Send(context.Background(), &bot.Outbound{Chat: ev.Chat, ChatType: bot.ChatPublic, Kind: bot.OutHide, ReplyTo: ev.ID})
	if err != nil {
		t.Fatal(err)
	}
	if s := e.fake.Sent(); len(s) != 1 || s[0].Kind != "hide" || s[0].ID != ev.ID || d.PlatformID != ev.ID {
		t.Fatalf("fake got %+v, want %s hidden", s, ev.ID)
	}
}

func TestRateText(t *testing.T) {
	for i, tc := range []struct {
		in   string
		want bot.Rate
		err  bool
	}{
		{"100/15m", bot.Rate{Count: 100, Per: 15 * time.Minute}, false},
		{"15/m", bot.Rate{Count: 15, Per: time.Minute}, false},
		{"0", bot.Rate{}, false},
		{"-1/s", bot.Rate{}, true},
		{"100", bot.Rate{}, true},
		{"1/0s", bot.Rate{}, true},
	} {
		var r bot.Rate
		err := r.UnmarshalText([]byte(tc.in))
		if (err != nil) != tc.err || (err == nil && r != tc.want) {
			t.Errorf("%d: %q -> %+v, %v", i, tc.in, r, err)
		}
	}
}

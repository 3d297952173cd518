package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"engagebot/adapters/meta/metatest"
	"engagebot/internal/wait"
)

// startMeta runs engagebot with one account (instagram.brand or
// facebook.brand) whose Graph API is fake; extra is YAML added to the
// account's section, indented by four spaces.
func startMeta(t *testing.T, fake *metatest.Server, extra string) (*Proc, string) {
	t.Helper()
	platform := fake.Platform()
	cfg := fmt.Sprintf(`
accounts:
  %s.brand:
    app_secret: ${META_APP_SECRET}
    verify_token: ${META_VERIFY_TOKEN}
    access_token: ${META_ACCESS_TOKEN}
    account_id: "%s"
    api_base: %s
%s`, platform, fake.AccountID(), fake.URL, extra)
	p := StartProc(t, ProcOptions{Config: cfg, Env: []string{
		"META_APP_SECRET=app-secret", "META_VERIFY_TOKEN=verify-token", "META_ACCESS_TOKEN=page-token"}})
	return p, p.URL + "/webhooks/" + platform + "/brand"
}

// sentOf lists what the fake accepted of one kind.
func sentOf(fake *metatest.Server, kind string) []metatest.Request {
	var out []metatest.Request
	for _, r := range fake.Sent() {
		if r.Kind == kind {
			out = append(out, r)
		}
	}
	return out
}

func TestMeta_InstagramDMGetsAReply(t *testing.T) {
	fake := metatest.NewServer(t, metatest.WithInstagram("17841400000000001"))
	p, hook := startMeta(t, fake, "")
	if ok, st := fake.Verify(hook, "verify-token"); !ok {
		t.Fatalf("webhook verification failed: %d", st)
	}
	body, mid, from := fake.DMBody(metatest.DM{Text: "سلام، ویتامین دی شما رو از کجا بخرم؟"})
	if st := fake.Post(hook, body); st != http.StatusOK {
		t.Fatalf("delivery answered %d\n%s", st, p.Logs())
	}
	wait.For(t, 15*time.Second, "the DM reply", func() bool { return len(sentOf(fake, "message")) > 0 })
	r := sentOf(fake, "message")[0]
	if r.Recipient != from || r.ReplyTo != mid || strings.TrimSpace(r.Text) == "" {
		t.Fatalf("reply %+v, want a text to %s after %s", r, from, mid)
	}
}

func TestMeta_FacebookCommentsAnsweredPubliclyOrPrivately(t *testing.T) {
	fake := metatest.NewServer(t, metatest.WithPage("111122223333"))
	p, hook := startMeta(t, fake, "")
	question, qid := fake.CommentBody(metatest.Comment{Username: "Jane", Text: "How much is your vitamin D syrup?"})
	sideEffect, sid := fake.CommentBody(metatest.Comment{Username: "Sara", Text: "بعد از خوردن قرص شما بدنم کهیر زد و سرگیجه گرفتم"})
	if st := fake.Post(hook, metatest.Batch(question, sideEffect)); st != http.StatusOK {
		t.Fatalf("delivery answered %d", st)
	}
	p.WaitIdle(20 * time.Second)
	pub, priv := sentOf(fake, "comment_reply"), sentOf(fake, "private_reply")
	if len(pub) != 1 || pub[0].CommentID != qid {
		t.Errorf("public replies %+v, want one under %s", pub, qid)
	}
	if len(priv) != 1 || priv[0].CommentID != sid {
		t.Errorf("private replies %+v, want one to the side-effect report %s", priv, sid)
	}
	for _, r := range pub {
		if r.CommentID == sid {
			t.Errorf("the side-effect report was answered in public: %q", r.Text)
		}
	}
}

func TestMeta_BadSignatureStoresNothing(t *testing.T) {
	fake := metatest.NewServer(t, metatest.WithPage("111122223333"))
	p, hook := startMeta(t, fake, "")
	body, _, _ := fake.DMBody(metatest.DM{Text: "hi"})
	sig := []byte(metatest.Sign("app-secret", body))
	sig[len(sig)-1] ^= 1 // one byte off
	if st := fake.PostSigned(hook, body, string(sig)); st != http.StatusUnauthorized && st != http.StatusForbidden {
		t.Fatalf("status %d, want 401 or 403", st)
	}
	if n := p.Metric("engagebot_messages_in_total"); n != 0 {
		t.Fatalf("%v events stored from a badly signed body", n)
	}
	if n := len(fake.Requests()); n != 0 {
		t.Fatalf("the fake received %d requests", n)
	}
}

func TestMeta_RedeliveryAnsweredOnce(t *testing.T) {
	fake := metatest.NewServer(t, metatest.WithPage("111122223333"))
	p, hook := startMeta(t, fake, "")
	body, _, from := fake.DMBody(metatest.DM{Text: "Hello, do you ship to Shiraz?"})
	for range 3 {
		if st := fake.Post(hook, body); st != http.StatusOK {
			t.Fatalf("status %d", st)
		}
	}
	if st := fake.Post(hook, metatest.Batch(body, body)); st != http.StatusOK {
		t.Fatalf("status %d", st)
	}
	p.WaitIdle(20 * time.Second)
	if got := sentOf(fake, "message"); len(got) != 1 || got[0].Recipient != from {
		t.Fatalf("replies %+v, want exactly one to %s", got, from)
	}
}

func TestMeta_BurstUnderRateLimit(t *testing.T) {
	const burst = 30
	// 12 calls a second allowed; the adapter holds at half of it.
	fake := metatest.NewServer(t, metatest.WithInstagram("17841400000000001"), metatest.WithRateLimit(12, time.Second))
	fake.FailNext(metatest.FailRateLimit) // and one hard rate-limit error on top
	p, hook := startMeta(t, fake, `    slow_down_at: 50
    slow_down_pause: 1s
    rate_limit_wait: 1s
`)
	senders := map[string]bool{}
	for i := range burst {
		body, _, from := fake.DMBody(metatest.DM{Text: fmt.Sprintf("سلام، سوال شماره %d دارم", i)})
		senders[from] = true
		if st := fake.Post(hook, body); st != http.StatusOK {
			t.Fatalf("delivery %d answered %d", i, st)
		}
	}
	wait.For(t, 60*time.Second, "every follower answered", func() bool { return len(sentOf(fake, "message")) >= burst })
	p.WaitIdle(20 * time.Second)
	for _, r := range sentOf(fake, "message") {
		delete(senders, r.Recipient)
	}
	if len(senders) != 0 || len(sentOf(fake, "message")) != burst {
		t.Errorf("%d replies, %d followers unanswered", len(sentOf(fake, "message")), len(senders))
	}
	if n := fake.OverLimit(); n != 0 {
		t.Errorf("%d requests over the limit", n)
	}
}

func TestMeta_ExpiredTokenNeedsAttention(t *testing.T) {
	fake := metatest.NewServer(t, metatest.WithPage("111122223333"))
	p, hook := startMeta(t, fake, "")
	fake.FailNext(metatest.FailUnauthorized)
	body, _, _ := fake.DMBody(metatest.DM{Text: "hi"})
	fake.Post(hook, body)
	wait.For(t, 15*time.Second, "the account marked as needing attention", func() bool {
		_, ready := p.Get("/readyz")
		return strings.Contains(ready, "facebook.brand") && strings.Contains(ready, "degraded")
	})
	if _, m := p.Get("/metrics"); !strings.Contains(m, `engagebot_account_up{account="facebook.brand"`) {
		t.Errorf("no account_up metric for facebook.brand")
	}
}

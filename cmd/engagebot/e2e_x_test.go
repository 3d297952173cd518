package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"engagebot/adapters/x/xtest"
	"engagebot/internal/testenv"
	"engagebot/internal/wait"
)

// xSpec is X's OpenAPI document beside the checkout; the fake validates
// every request against it when it is there.
const xSpec = "../../../shared/specs/x-api-v2-openapi.json"

// newXFake starts X's fake checking every request against xSpec. In CI a
// fake that cannot check fails the test rather than passing unchecked.
func newXFake(t *testing.T, opts ...xtest.Option) *xtest.Server {
	t.Helper()
	fake := xtest.NewServer(t, append([]xtest.Option{xtest.WithSpec(xSpec)}, opts...)...)
	if !fake.Validating() && testenv.CI() {
		t.Fatalf("the X fake does not validate against %s: in CI every request must be checked", xSpec)
	}
	return fake
}

// startX runs engagebot with x.brand on a fake X; extra is YAML added to
// the account's section, indented by four spaces.
func startX(t *testing.T, fake *xtest.Server, consumerSecret, extra string) (*Proc, string) {
	t.Helper()
	cfg := fmt.Sprintf(`
accounts:
  x.brand:
    consumer_key: ${X_CONSUMER_KEY}
    consumer_secret: ${X_CONSUMER_SECRET}
    access_token: ${X_ACCESS_TOKEN}
    access_secret: ${X_ACCESS_SECRET}
    user_id: "%s"
    api_base: %s
%s`, fake.UserID(), fake.URL, extra)
	p := StartProc(t, ProcOptions{Config: cfg, Env: []string{"X_CONSUMER_KEY=consumer-key",
		"X_CONSUMER_SECRET=" + consumerSecret, "X_ACCESS_TOKEN=access-token", "X_ACCESS_SECRET=access-secret"}})
	return p, p.URL + "/webhooks/x/brand"
}

func sentX(fake *xtest.Server, kind string) []xtest.Request {
	var out []xtest.Request
	for _, r := range fake.Sent() {
		if r.Kind == kind {
			out = append(out, r)
		}
	}
	return out
}

func TestX_MentionAndDMAnswered(t *testing.T) {
	fake := newXFake(t)
	p, hook := startX(t, fake, "consumer-secret", "")
	body, tw := fake.MentionBody(xtest.Mention{Username: "alice", Text: "@brand where can I buy your vitamin D?"})
	if st := fake.Post(hook, body); st != http.StatusOK {
		t.Fatalf("mention delivery answered %d\n%s", st, p.Logs())
	}
	dm, dmID, from := fake.DMBody(xtest.DM{Name: "Reza", Text: "سلام، قیمت شربت سرفه چنده؟"})
	if st := fake.Post(hook, dm); st != http.StatusOK {
		t.Fatalf("DM delivery answered %d", st)
	}
	p.WaitIdle(20 * time.Second)
	var reply *xtest.Request
	for _, r := range sentX(fake, "tweet") {
		if r.InReplyTo == tw.ID {
			reply = &r
		}
	}
	if reply == nil {
		t.Fatalf("no reply to mention %s; fake got %+v\n%s", tw.ID, fake.Requests(), p.Logs())
	}
	dms := sentX(fake, "dm")
	if len(dms) != 1 || dms[0].Participant != from || dms[0].ReplyTo != dmID {
		t.Fatalf("DMs %+v, want one to %s", dms, from)
	}
}

func TestX_CRCMatchesTheDocumentedVector(t *testing.T) {
	fake := xtest.NewServer(t, xtest.WithConsumer("consumer-key", "consumer-secret-123"))
	p, hook := startX(t, fake, "consumer-secret-123", "")
	resp, err := http.Get(hook + "?crc_token=challenge_string")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		ResponseToken string `json:"response_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("status %d, %v\n%s", resp.StatusCode, err, p.Logs())
	}
	if want := "sha256=7nL8HIrX26MeAfinEMdej/4J0pyTvFDYdQzCk2Lrewg="; out.ResponseToken != want {
		t.Fatalf("response_token %s, want %s", out.ResponseToken, want)
	}
	if ok, st := fake.CRC(hook); !ok {
		t.Fatalf("a random CRC challenge failed: %d", st)
	}
}

func TestX_BadSignatureStoresNothing(t *testing.T) {
	fake := xtest.NewServer(t)
	p, hook := startX(t, fake, "consumer-secret", "")
	body, _, _ := fake.DMBody(xtest.DM{Text: "hi"})
	sig := []byte(xtest.Sign("consumer-secret", body))
	sig[12] ^= 1 // one byte off
	if st := fake.PostSigned(hook, body, string(sig)); st != http.StatusUnauthorized && st != http.StatusForbidden {
		t.Fatalf("status %d, want 401 or 403", st)
	}
	if n := p.Metric("engagebot_messages_in_total"); n != 0 {
		t.Fatalf("%v events stored from a badly signed body", n)
	}
}

func TestX_RedeliveryAnsweredOnce(t *testing.T) {
	fake := newXFake(t)
	p, hook := startX(t, fake, "consumer-secret", "")
	body, tw := fake.MentionBody(xtest.Mention{Text: "@brand hello there"})
	for range 3 {
		if st := fake.Post(hook, body); st != http.StatusOK {
			t.Fatalf("status %d", st)
		}
	}
	p.WaitIdle(20 * time.Second)
	n := 0
	for _, r := range sentX(fake, "tweet") {
		if r.InReplyTo == tw.ID {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d replies to %s, want 1", n, tw.ID)
	}
}

func TestX_BurstUnderRateLimit(t *testing.T) {
	const burst = 12
	// 5 DMs per 2 s, and one injected 429 on top; the account's own
	// spacing is loosened to match the compressed window.
	fake := newXFake(t, xtest.WithLimit("dm", 5, 2*time.Second))
	fake.FailNext(xtest.FailRateLimit)
	p, hook := startX(t, fake, "consumer-secret", "    send_rate: 600/m\n    dm_rate: 100/s\n")
	senders := map[string]bool{}
	for i := range burst {
		body, _, from := fake.DMBody(xtest.DM{Text: fmt.Sprintf("سلام، سوال %d دارم", i)})
		senders[from] = true
		if st := fake.Post(hook, body); st != http.StatusOK {
			t.Fatalf("delivery %d answered %d", i, st)
		}
	}
	wait.For(t, 60*time.Second, "every follower answered", func() bool { return len(sentX(fake, "dm")) >= burst })
	p.WaitIdle(20 * time.Second)
	for _, r := range sentX(fake, "dm") {
		delete(senders, r.Participant)
	}
	if len(senders) != 0 || len(sentX(fake, "dm")) != burst {
		t.Errorf("%d DMs, %d followers unanswered", len(sentX(fake, "dm")), len(senders))
	}
	if n := fake.OverLimit(); n != 0 {
		t.Errorf("%d requests over the limit", n)
	}
}

func TestX_RevokedCredentialsNeedAttention(t *testing.T) {
	fake := xtest.NewServer(t)
	p, hook := startX(t, fake, "consumer-secret", "")
	fake.FailNext(xtest.FailUnauthorized)
	body, _, _ := fake.DMBody(xtest.DM{Text: "hi"})
	fake.Post(hook, body)
	wait.For(t, 15*time.Second, "the account marked as needing attention", func() bool {
		_, ready := p.Get("/readyz")
		return strings.Contains(ready, "x.brand") && strings.Contains(ready, "degraded")
	})
}

func TestX_PollerAnswersMentions(t *testing.T) {
	fake := newXFake(t)
	p, _ := startX(t, fake, "consumer-secret", "    mode: polling\n    poll_interval: 1s\n")
	tw := fake.AddMention(xtest.Mention{Text: "@brand where can I buy your vitamin C?"})
	wait.For(t, 20*time.Second, "a reply to the polled mention", func() bool {
		for _, r := range sentX(fake, "tweet") {
			if r.InReplyTo == tw.ID {
				return true
			}
		}
		return false
	})
	// A restart resumes after the stored cursor: nothing is answered twice.
	p.Stop()
	p.Restart()
	next := fake.AddMention(xtest.Mention{Text: "@brand thanks!"})
	wait.For(t, 20*time.Second, "a reply to the next mention", func() bool {
		for _, r := range sentX(fake, "tweet") {
			if r.InReplyTo == next.ID {
				return true
			}
		}
		return false
	})
	p.WaitIdle(20 * time.Second)
	n := 0
	for _, r := range sentX(fake, "tweet") {
		if r.InReplyTo == tw.ID {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d replies to the first mention after a restart, want 1", n)
	}
}

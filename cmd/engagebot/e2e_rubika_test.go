package main

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"engagebot/adapters/rubika/rubikatest"
	"engagebot/bot"
	"engagebot/internal/wait"
	"engagebot/store/bolt"
)

const rbSecret = "e2e-rubika-secret_0123456789abcdefghijkl"

var rbModes = []string{"webhook", "polling"}

// startRubika runs engagebot with the account rubika.brand on the fake;
// extra is YAML added to the account's section, indented by four spaces.
// In webhook mode the endpoints are registered with the CLI command.
func startRubika(t *testing.T, fake *rubikatest.Server, mode, extra string) *Proc {
	t.Helper()
	cfg := fmt.Sprintf(`
accounts:
  rubika.brand:
    token: ${RUBIKA_TOKEN}
    api_base: %s
    mode: %s
    webhook_secret: ${RUBIKA_WEBHOOK_SECRET}
    poll_interval: 50ms
%s`, fake.APIBase(), mode, extra)
	env := []string{"RUBIKA_TOKEN=" + fake.Token, "RUBIKA_WEBHOOK_SECRET=" + rbSecret}
	p := StartProc(t, ProcOptions{Config: cfg, Env: env})
	if mode == "webhook" {
		registerWebhook(t, p, "rubika.brand")
		if got := fake.Endpoint("ReceiveUpdate"); got != p.URL+"/webhooks/rubika/brand/"+rbSecret {
			t.Fatalf("registered endpoint %q", got)
		}
	}
	t.Cleanup(func() {
		for _, c := range fake.Refused() {
			t.Errorf("the fake refused %s(%v): %s", c.Method, c.Body, c.Error)
		}
	})
	return p
}

func rbPush(t *testing.T, fake *rubikatest.Server, mode string, u *rubikatest.Update) {
	t.Helper()
	if mode == "polling" {
		fake.Enqueue(u)
		return
	}
	if status, err := fake.Deliver(u); err != nil || status != http.StatusOK {
		t.Fatalf("webhook delivery answered %d, %v", status, err)
	}
}

// TestRubika_BadRateNamesItsKey: a rate that is not COUNT/PERIOD is
// refused by check-config under its own key.
func TestRubika_BadRateNamesItsKey(t *testing.T) {
	checkConfigRefuses(t, "accounts:\n  rubika.brand:\n    token: TOKEN\n    mode: polling\n    rate_limit: fast\n",
		"accounts.rubika.brand.rate_limit")
}

func TestRubika_PersianMessageGetsThreadedPersianReply(t *testing.T) {
	for _, mode := range rbModes {
		t.Run(mode, func(t *testing.T) {
			// Message ids as bare JSON numbers beyond 2^53, as Rubika's own
			// samples show them.
			fake := rubikatest.NewServer(t, rubikatest.WithNumericIDs())
			p := startRubika(t, fake, mode, "")
			u := fake.NewUser("سارا")
			up := rubikatest.Text(u.Chat, u.ID, "سلام، ویتامین دی شما رو از کجا بخرم؟")
			rbPush(t, fake, mode, up)
			sent := fake.WaitSent(t, 1, 20*time.Second)
			if sent[0].ChatID != u.Chat || sent[0].ReplyTo != up.NewMessage.MessageID {
				t.Errorf("reply to %s under %q, want %s under %s", sent[0].ChatID, sent[0].ReplyTo, u.Chat, up.NewMessage.MessageID)
			}
			if !hasPersian(sent[0].Text) {
				t.Errorf("reply %q is not Persian", sent[0].Text)
			}
			p.WaitIdle(20 * time.Second)
		})
	}
}

func TestRubika_MissingOrWrongSecretStoresNothing(t *testing.T) {
	fake := rubikatest.NewServer(t)
	p := startRubika(t, fake, "webhook", "")
	u := fake.NewUser("Sara")
	body := []byte(`{"update":{"type":"NewMessage","chat_id":"` + u.Chat + `","new_message":{"message_id":"9000000000000000001","text":"سلام","time":"1700000000","sender_type":"User","sender_id":"` + u.ID + `"}}}`)
	base := p.URL + "/webhooks/rubika/brand"
	for _, tc := range []struct {
		url  string
		want int
	}{
		{base, http.StatusUnauthorized},
		{base + "/receiveUpdate", http.StatusUnauthorized},
		{base + "/" + strings.Repeat("x", len(rbSecret)), http.StatusForbidden},
		{base + "/?token=" + rbSecret[1:], http.StatusForbidden},
	} {
		if status, err := fake.PostTo(tc.url, body); err != nil || status != tc.want {
			t.Errorf("%s: status %d %v, want %d", strings.TrimPrefix(tc.url, p.URL), status, err, tc.want)
		}
	}
	if n := p.Metric("engagebot_messages_in_total"); n != 0 {
		t.Errorf("%v events stored without the secret", n)
	}
	if n := len(fake.Sent()); n != 0 {
		t.Errorf("%d messages sent", n)
	}
}

func TestRubika_DuplicateDeliveryAnsweredOnce(t *testing.T) {
	for _, mode := range rbModes {
		t.Run(mode, func(t *testing.T) {
			fake := rubikatest.NewServer(t)
			p := startRubika(t, fake, mode, "")
			u := fake.NewUser("Ali")
			rbPush(t, fake, mode, rubikatest.Text(u.Chat, u.ID, "سلام، قیمت شربت سرفه چنده؟"))
			for range 2 {
				if mode == "polling" {
					fake.EnqueueDuplicate()
				} else if status, err := fake.Redeliver(); err != nil || status != http.StatusOK {
					t.Fatalf("redelivery: %d %v", status, err)
				}
			}
			fake.WaitSent(t, 1, 20*time.Second)
			wait.For(t, 20*time.Second, "the duplicates to be seen", func() bool { return p.Metric("engagebot_duplicates_total") >= 2 })
			p.WaitIdle(20 * time.Second)
			if n := len(fake.Sent()); n != 1 {
				t.Errorf("%d replies to one message delivered three times, want 1", n)
			}
		})
	}
}

// TestRubika_BurstUnderRateLimits sends 200 messages to one chat while
// the fake answers every 25th send with TOO_REQUESTS. The limits are raised
// to 50/s per chat and 100/s per bot, and rate_limited_wait to 1s, in the
// adapter's config and (limits) in the fake alike, so the test runs in
// seconds; the fake forgives 5ms of arrival jitter.
func TestRubika_BurstUnderRateLimits(t *testing.T) {
	const burst = 200
	for _, mode := range rbModes {
		t.Run(mode, func(t *testing.T) {
			fake := rubikatest.NewServer(t, rubikatest.WithLimits(rubikatest.Limits{
				Bot: bot.Rate{Count: 100, Per: time.Second}, Private: bot.Rate{Count: 50, Per: time.Second}, Slack: 5 * time.Millisecond,
			}))
			fake.FailEvery("sendMessage", 25, rubikatest.Failure{Kind: rubikatest.TooRequests})
			p := startRubika(t, fake, mode, `    rate_limit: 100/s
    private_chat_rate_limit: 50/s
    rate_limited_wait: 1s
`)
			u := fake.NewUser("Reza")
			want := map[string]bool{}
			start := time.Now()
			for i := range burst {
				up := rubikatest.Text(u.Chat, u.ID, fmt.Sprintf("سلام، سوال شماره %d دارم", i))
				rbPush(t, fake, mode, up)
				want[up.NewMessage.MessageID] = true
			}
			wait.For(t, 90*time.Second, "every message answered", func() bool { return len(fake.Sent()) >= burst })
			took := time.Since(start)
			p.WaitIdle(30 * time.Second)
			sent := fake.Sent()
			for _, s := range sent {
				delete(want, s.ReplyTo)
			}
			if len(sent) != burst || len(want) != 0 {
				t.Errorf("%d replies, %d messages unanswered", len(sent), len(want))
			}
			if v := fake.Violations(); len(v) != 0 {
				t.Errorf("%d sends over the limit, first %+v", len(v), v[0])
			}
			t.Logf("%s: %d replies in %v", mode, len(sent), took.Round(time.Millisecond))
		})
	}
}

func TestRubika_GroupChatterLoggedNotAnswered(t *testing.T) {
	for _, mode := range rbModes {
		t.Run(mode, func(t *testing.T) {
			fake := rubikatest.NewServer(t)
			p := startRubika(t, fake, mode, "    username: engage_test_bot\n")
			g := fake.NewGroup()
			u := fake.NewUser("Mina")
			chatter := rubikatest.Text(g, u.ID, "این کرم پوستم رو خراب کرد، واقعا افتضاحه")
			rbPush(t, fake, mode, chatter)
			mention := rubikatest.Text(g, u.ID, "@engage_test_bot سلام، قیمت ویتامین دی چنده؟")
			rbPush(t, fake, mode, mention)
			fake.WaitSent(t, 1, 20*time.Second)
			p.WaitIdle(20 * time.Second)
			sent := fake.Sent()
			if len(sent) != 1 || sent[0].ReplyTo != mention.NewMessage.MessageID {
				t.Fatalf("replies %+v, want one, to the mention", sent)
			}
			p.Stop()
			id := g + ":" + chatter.NewMessage.MessageID
			rec := sentimentOf(t, p, bot.PlatformRubika, id)
			if rec == nil {
				t.Fatalf("no sentiment record for the group message %s", id)
			}
			if rec.Sentiment.Label != bot.SentimentNegative {
				t.Errorf("sentiment %+v, want negative", rec.Sentiment)
			}
		})
	}
}

func TestRubika_StartAndStopRecordConsent(t *testing.T) {
	fake := rubikatest.NewServer(t)
	p := startRubika(t, fake, "polling", "")
	u := fake.NewUser("Neda")
	fake.Enqueue(rubikatest.Started(u.Chat))
	fake.Enqueue(rubikatest.Text(u.Chat, u.ID, "سلام"))
	fake.WaitSent(t, 1, 20*time.Second)
	p.WaitIdle(20 * time.Second)
	fake.Enqueue(rubikatest.Stopped(u.Chat))
	wait.For(t, 20*time.Second, "the stop", func() bool { return p.Metric("engagebot_messages_in_total") >= 3 })
	p.WaitIdle(20 * time.Second)
	p.Stop()
	f := followerOf(t, p, bot.FollowerKey{Platform: bot.PlatformRubika, UserID: u.ID})
	if f == nil || f.Consent != bot.ConsentRevoked {
		t.Fatalf("follower %+v, want consent revoked on the profile of %s", f, u.ID)
	}
}

// followerOf reads a follower's profile from a stopped process's store.
func followerOf(t *testing.T, p *Proc, k bot.FollowerKey) *bot.Follower {
	t.Helper()
	db, err := bolt.Open(filepath.Join(p.Data, "engagebot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var f *bot.Follower
	db.View(context.Background(), func(tx bot.Tx) error {
		f, _ = tx.Follower(k)
		return nil
	})
	return f
}

package main

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"engagebot/adapters/telegram/telegramtest"
	"engagebot/bot"
	"engagebot/internal/wait"
	"engagebot/store/bolt"
)

// tgSpec is the official Bot API method list, beside the checkout; the
// fake checks every call against it (and says so when it is absent).
const tgSpec = "../../../shared/specs/telegram-bot-api.json"

const tgSecret = "e2e-telegram-secret_0123456789"

var tgModes = []string{"webhook", "polling"}

// startTelegram runs engagebot with the account telegram.support on the
// fake; extra is YAML added to the account's section, indented by four
// spaces. In webhook mode the webhook is registered with the CLI command,
// as an operator would.
func startTelegram(t *testing.T, fake *telegramtest.Server, mode, extra string) *Proc {
	t.Helper()
	return startTelegramBinary(t, fake, mode, extra, "")
}

// startTelegramBinary is startTelegram with another build of engagebot.
func startTelegramBinary(t *testing.T, fake *telegramtest.Server, mode, extra, bin string) *Proc {
	t.Helper()
	cfg := fmt.Sprintf(`
accounts:
  telegram.support:
    token: ${TG_TOKEN}
    api_base: %s
    mode: %s
    webhook_secret: ${TG_WEBHOOK_SECRET}
    poll_timeout: 2s
%s`, fake.URL, mode, extra)
	env := []string{"TG_TOKEN=" + fake.Token, "TG_WEBHOOK_SECRET=" + tgSecret}
	p := StartProc(t, ProcOptions{Config: cfg, Env: env, Binary: bin})
	if mode == "webhook" {
		registerWebhook(t, p, "telegram.support")
		if h := fake.Webhook(); h.SecretToken != tgSecret || !strings.HasPrefix(h.URL, p.URL+"/webhooks/telegram/support") {
			t.Fatalf("registered webhook %+v", h)
		}
	}
	t.Cleanup(func() {
		for _, c := range fake.Refused() {
			t.Errorf("the fake refused %s(%v): %s", c.Method, c.Params, c.Error)
		}
	})
	return p
}

// tgPush hands an update to the service: a webhook delivery (which must
// be acknowledged) or an update queued for its poller.
func tgPush(t *testing.T, fake *telegramtest.Server, mode string, u *telegramtest.Update) {
	t.Helper()
	if mode == "polling" {
		fake.Enqueue(u)
		return
	}
	status, err := fake.Deliver(u)
	if err != nil || status != http.StatusOK {
		t.Fatalf("webhook delivery answered %d, %v", status, err)
	}
}

func hasPersian(s string) bool {
	return strings.ContainsAny(s, "اآبپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی")
}

// TestTelegram_BadRateNamesItsKey: a rate that is not COUNT/PERIOD is
// refused by check-config under its own key.
func TestTelegram_BadRateNamesItsKey(t *testing.T) {
	checkConfigRefuses(t, "accounts:\n  telegram.support:\n    token: 123:abc\n    mode: polling\n    group_rate_limit: 20 per minute\n",
		"accounts.telegram.support.group_rate_limit")
}

func TestTelegram_PersianMessageGetsThreadedPersianReply(t *testing.T) {
	for _, mode := range tgModes {
		t.Run(mode, func(t *testing.T) {
			fake := telegramtest.NewServer(t, telegramtest.WithSpec(tgSpec))
			p := startTelegram(t, fake, mode, "")
			u := fake.NewUser("سارا")
			up := telegramtest.Text(telegramtest.PrivateChat(u), u, "سلام، ویتامین دی شما رو از کجا بخرم؟")
			tgPush(t, fake, mode, up)
			sent := fake.WaitSent(t, 1, 20*time.Second)
			if sent[0].ChatID != u.ID || sent[0].ReplyTo != up.Message.MessageID {
				t.Errorf("reply to chat %d under %d, want chat %d under %d", sent[0].ChatID, sent[0].ReplyTo, u.ID, up.Message.MessageID)
			}
			if !hasPersian(sent[0].Text) {
				t.Errorf("reply %q is not Persian", sent[0].Text)
			}
			p.WaitIdle(20 * time.Second)
		})
	}
}

func TestTelegram_WrongOrMissingSecretStoresNothing(t *testing.T) {
	fake := telegramtest.NewServer(t, telegramtest.WithSpec(tgSpec))
	p := startTelegram(t, fake, "webhook", "")
	u := fake.NewUser("Sara")
	for _, tc := range []struct {
		mode telegramtest.SecretMode
		want int
	}{{telegramtest.NoSecret, http.StatusUnauthorized}, {telegramtest.WrongSecret, http.StatusForbidden}} {
		status, err := fake.DeliverWith(telegramtest.Text(telegramtest.PrivateChat(u), u, "سلام"), tc.mode)
		if err != nil || status != tc.want {
			t.Errorf("secret mode %d: status %d %v, want %d", tc.mode, status, err, tc.want)
		}
	}
	if n := p.Metric("engagebot_messages_in_total"); n != 0 {
		t.Errorf("%v events stored without the secret", n)
	}
	if n := len(fake.Sent()); n != 0 {
		t.Errorf("%d messages sent", n)
	}
}

func TestTelegram_DuplicateDeliveryAnsweredOnce(t *testing.T) {
	for _, mode := range tgModes {
		t.Run(mode, func(t *testing.T) {
			fake := telegramtest.NewServer(t, telegramtest.WithSpec(tgSpec))
			p := startTelegram(t, fake, mode, "")
			u := fake.NewUser("Ali")
			tgPush(t, fake, mode, telegramtest.Text(telegramtest.PrivateChat(u), u, "سلام، قیمت شربت سرفه چنده؟"))
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

// TestTelegram_BurstUnderRateLimits sends 200 messages to one chat while
// the fake answers every 25th send with 429 retry_after 1. The limits are
// raised to 50/s per chat and 100/s per bot, in the adapter's config and
// in the fake alike, so the test runs in seconds; the fake forgives 5ms
// of arrival jitter.
func TestTelegram_BurstUnderRateLimits(t *testing.T) {
	const burst = 200
	for _, mode := range tgModes {
		t.Run(mode, func(t *testing.T) {
			fake := telegramtest.NewServer(t, telegramtest.WithSpec(tgSpec), telegramtest.WithLimits(telegramtest.Limits{
				Bot: bot.Rate{Count: 100, Per: time.Second}, Private: bot.Rate{Count: 50, Per: time.Second}, Slack: 5 * time.Millisecond,
			}))
			fake.FailEvery("sendMessage", 25, telegramtest.Failure{Kind: telegramtest.RateLimit, RetryAfter: 1})
			p := startTelegram(t, fake, mode, `    rate_limit: 100/s
    private_chat_rate_limit: 50/s
`)
			u := fake.NewUser("Reza")
			chat := telegramtest.PrivateChat(u)
			want := map[int]bool{}
			start := time.Now()
			for i := range burst {
				up := telegramtest.Text(chat, u, fmt.Sprintf("سلام، سوال شماره %d دارم", i))
				tgPush(t, fake, mode, up)
				want[up.Message.MessageID] = true
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
			limited := 0
			for _, c := range fake.CallsOf("sendMessage") {
				if c.Status == http.StatusTooManyRequests {
					limited++
				}
			}
			if v := fake.Violations(); len(v) != 0 {
				t.Errorf("%d sends over the limit, first %+v", len(v), v[0])
			}
			t.Logf("%s: %d replies in %v, %d answered 429 (injected)", mode, len(sent), took.Round(time.Millisecond), limited)
		})
	}
}

func TestTelegram_GroupChatterLoggedNotAnswered(t *testing.T) {
	for _, mode := range tgModes {
		t.Run(mode, func(t *testing.T) {
			fake := telegramtest.NewServer(t, telegramtest.WithSpec(tgSpec))
			p := startTelegram(t, fake, mode, "    username: engage_test_bot\n")
			g := fake.NewGroup("طرفداران")
			u := fake.NewUser("Mina")
			chatter := telegramtest.Text(g, u, "این کرم پوستم رو خراب کرد، واقعا افتضاحه")
			tgPush(t, fake, mode, chatter)
			// An addressed message after it: once it is answered, the
			// chatter before it has been processed too.
			mention := telegramtest.Mention(g, u, fake.Bot.Username, "سلام، قیمت ویتامین دی چنده؟")
			tgPush(t, fake, mode, mention)
			fake.WaitSent(t, 1, 20*time.Second)
			p.WaitIdle(20 * time.Second)
			sent := fake.Sent()
			if len(sent) != 1 || sent[0].ReplyTo != mention.Message.MessageID {
				t.Fatalf("replies %+v, want one, to the mention", sent)
			}
			p.Stop()
			chatterID := strconv.FormatInt(g.ID, 10) + ":" + strconv.Itoa(chatter.Message.MessageID)
			rec := sentimentOf(t, p, bot.PlatformTelegram, chatterID)
			if rec == nil {
				t.Fatalf("no sentiment record for the group message %s", chatterID)
			}
			if rec.Sentiment.Label != bot.SentimentNegative {
				t.Errorf("sentiment %+v, want negative", rec.Sentiment)
			}
		})
	}
}

// sentimentOf finds the sentiment record of a message in a stopped
// process's store.
func sentimentOf(t *testing.T, p *Proc, platform, messageID string) *bot.SentimentRecord {
	t.Helper()
	db, err := bolt.Open(filepath.Join(p.Data, "engagebot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var found *bot.SentimentRecord
	err = db.View(context.Background(), func(tx bot.Tx) error {
		recs, err := tx.SentimentByDay(platform, time.Now().Add(-time.Hour), time.Now().Add(time.Hour), 0)
		for _, r := range recs {
			if r.MessageID == messageID {
				found = r
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

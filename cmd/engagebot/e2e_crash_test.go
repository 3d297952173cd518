package main

import (
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"engagebot/adapters/telegram/telegramtest"
	"engagebot/internal/wait"
)

// TestTelegram_CrashAnswersEveryAcknowledgedMessageOnce delivers 1,500
// webhook updates from 200 chats at Telegram's own limits (30/s for the
// bot, 1/s per chat, enforced by the fake with no slack) and kills the
// process with SIGKILL four times: once while the updates come in, three
// times while the replies drain. After each restart every update is
// delivered again, as Telegram redelivers what it is unsure of. Telegram's
// sendMessage is not idempotent, so this is the case the web chat's crash
// test cannot show: replies that were only waiting for a rate-limit slot
// must be sent after the restart, not left for a person as "unknown". It
// runs the production build (productionBinary).
func TestTelegram_CrashAnswersEveryAcknowledgedMessageOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end crash test: skipped with -short")
	}
	const (
		total = 1500
		chats = 200
	)
	fake := telegramtest.NewServer(t, telegramtest.WithSpec(tgSpec))
	p := startTelegramBinary(t, fake, "webhook", "", productionBinary(t))

	users := make([]telegramtest.User, chats)
	for i := range users {
		users[i] = fake.NewUser(fmt.Sprintf("Follower%03d", i))
	}
	updates := make([]*telegramtest.Update, total)
	for i := range updates {
		u := users[i%chats]
		text := []string{"سلام، شربت سرفه تون خوب بود، ممنون", "Hello, where can I buy your vitamin D?"}[i%2]
		updates[i] = telegramtest.Text(telegramtest.PrivateChat(u), u, fmt.Sprintf("%s (%d)", text, i))
	}

	start := time.Now()
	var acked atomic.Int64
	deliverAll := func(stop func() bool) {
		var wg sync.WaitGroup
		var next atomic.Int64
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := int(next.Add(1) - 1)
					if i >= total || stop() {
						return
					}
					if status, err := fake.Deliver(updates[i]); err == nil && status == http.StatusOK {
						acked.Add(1)
					}
				}
			}()
		}
		wg.Wait()
	}
	restart := func() {
		p.Restart()
		registerWebhook(t, p, "telegram.support")
		acked.Store(0)
		deliverAll(func() bool { return false })
		if n := acked.Load(); n != total {
			t.Fatalf("after a restart %d of %d redeliveries were acknowledged", n, total)
		}
	}

	// Kill 1, while the updates come in.
	var killed atomic.Bool
	go func() {
		wait.Until(2*time.Minute, func() bool { return acked.Load() >= total*2/5 })
		p.Kill()
		killed.Store(true)
	}()
	deliverAll(killed.Load)
	wait.For(t, time.Minute, "the first kill", killed.Load)
	if n := acked.Load(); n >= total {
		t.Fatalf("all %d updates acknowledged before the kill: it was not mid-burst", n)
	}
	restart()

	// Kills 2 to 4, while replies wait for their rate-limit slots.
	for _, at := range []int{300, 700, 1100} {
		wait.For(t, 2*time.Minute, fmt.Sprintf("%d replies", at), func() bool { return len(fake.Sent()) >= at })
		if pending := p.Metric(`engagebot_outbox_items{state="pending"}`); pending == 0 {
			t.Fatalf("no reply waiting at the kill after %d: it was not mid-burst", at)
		}
		p.Kill()
		restart()
		t.Logf("kill at %d replies after %v", at, time.Since(start).Round(time.Millisecond))
	}
	if !wait.Until(3*time.Minute, func() bool { return len(fake.Sent()) >= total }) {
		t.Errorf("%d of %d replies; outbox unknown=%v failed=%v pending=%v", len(fake.Sent()), total,
			p.Metric(`engagebot_outbox_items{state="unknown"}`), p.Metric(`engagebot_outbox_items{state="failed"}`), p.Metric(`engagebot_outbox_items{state="pending"}`))
	}
	p.WaitIdle(time.Minute)
	unknown := p.Metric(`engagebot_outbox_items{state="unknown"}`)
	p.Stop()

	replies := map[[2]int64]int{}
	for _, s := range fake.Sent() {
		replies[[2]int64{s.ChatID, int64(s.ReplyTo)}]++
	}
	for i, u := range updates {
		m := u.Message
		if n := replies[[2]int64{m.Chat.ID, int64(m.MessageID)}]; n != 1 {
			t.Errorf("update %d (chat %d, message %d) answered %d times, want exactly once", i, m.Chat.ID, m.MessageID, n)
		}
	}
	if len(replies) != total {
		t.Errorf("%d distinct messages answered, want %d", len(replies), total)
	}
	if v := fake.Violations(); len(v) != 0 {
		t.Errorf("%d sends over Telegram's limits, first %+v", len(v), v[0])
	}
	t.Logf("%d updates, %d replies, 4 kills; %v items left unknown (each reached the platform)", total, len(fake.Sent()), unknown)
}

// TestTelegram_LimitsHoldUnderFailures replies to 40 chats at Telegram's
// limits, enforced by the fake with no slack, while one send in five is
// answered 5xx and one in thirteen 429: every reply is delivered exactly
// once, and no request, failed ones included, comes closer than a second
// to the previous one of its chat or is the 31st within a second.
func TestTelegram_LimitsHoldUnderFailures(t *testing.T) {
	const chats, perChat = 40, 3
	fake := telegramtest.NewServer(t, telegramtest.WithSpec(tgSpec))
	fake.FailEvery("sendMessage", 5, telegramtest.Failure{Kind: telegramtest.ServerError, Status: http.StatusBadGateway})
	for range 4 {
		fake.FailNext("sendMessage", telegramtest.Failure{Kind: telegramtest.RateLimit, RetryAfter: 1})
	}
	p := startTelegram(t, fake, "webhook", "")
	var updates []*telegramtest.Update
	for c := range chats {
		u := fake.NewUser(fmt.Sprintf("Follower%02d", c))
		for i := range perChat {
			updates = append(updates, telegramtest.Text(telegramtest.PrivateChat(u), u, fmt.Sprintf("سلام، سوال %d دارم", i)))
		}
	}
	for _, u := range updates {
		tgPush(t, fake, "webhook", u)
	}
	fake.WaitSent(t, len(updates), 2*time.Minute)
	p.WaitIdle(time.Minute)

	replies := map[[2]int64]int{}
	for _, s := range fake.Sent() {
		replies[[2]int64{s.ChatID, int64(s.ReplyTo)}]++
	}
	for _, u := range updates {
		if n := replies[[2]int64{u.Message.Chat.ID, int64(u.Message.MessageID)}]; n != 1 {
			t.Errorf("chat %d message %d answered %d times, want once", u.Message.Chat.ID, u.Message.MessageID, n)
		}
	}
	if v := fake.Violations(); len(v) != 0 {
		t.Errorf("%d sends over the limits, first %+v", len(v), v[0])
	}
	calls := fake.CallsOf("sendMessage")
	lastOf := map[string]time.Time{}
	failed := 0
	for i, c := range calls {
		if c.Injected {
			failed++
		}
		chat := fmt.Sprint(c.Params["chat_id"])
		if last, ok := lastOf[chat]; ok && c.At.Sub(last) < time.Second {
			t.Errorf("request %d to chat %s came %v after the previous one", i, chat, c.At.Sub(last))
		}
		lastOf[chat] = c.At
		n := 0
		for j := i; j >= 0 && calls[j].At.After(c.At.Add(-time.Second)); j-- {
			n++
		}
		if n > 30 {
			t.Errorf("request %d is the %dth within a second", i, n)
		}
	}
	if failed < len(updates)/5 {
		t.Errorf("only %d injected failures: the test did not test retries", failed)
	}
}

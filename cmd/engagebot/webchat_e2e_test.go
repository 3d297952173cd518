package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"engagebot/bot"
	"engagebot/internal/wait"
	"engagebot/store/bolt"
)

func TestWebchat_AnswersInTheFollowersLanguage(t *testing.T) {
	p := StartProc(t, ProcOptions{})
	for i, tc := range []struct {
		text string
		lang string
	}{
		{"سلام، این شربت برای سرفه‌ی بچه‌ها مناسب است؟", "fa"},
		{"Hi! Is your vitamin D available in pharmacies?", "en"},
	} {
		session := chatSession(t, p)
		if code, body := p.Post("/chat/messages", fmt.Sprintf(`{"session":%q,"text":%q}`, session, tc.text)); code != http.StatusAccepted {
			t.Fatalf("%d: POST = %d %s", i, code, body)
		}
		var replies []map[string]any
		wait.For(t, 10*time.Second, "reply", func() bool { replies = chatReplies(t, p, session); return len(replies) > 0 })
		if got := replies[0]["lang"]; got != tc.lang {
			t.Errorf("%d: reply language %v, want %s: %v", i, got, tc.lang, replies[0]["text"])
		}
		text, _ := replies[0]["text"].(string)
		if hasPersian := strings.ContainsAny(text, "اآبپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"); hasPersian != (tc.lang == "fa") {
			t.Errorf("%d: reply %q: Persian letters = %v, want %v", i, text, hasPersian, tc.lang == "fa")
		}
	}
	code, page := p.Get("/chat/")
	if code != http.StatusOK || !strings.Contains(page, `dir="rtl"`) || !strings.Contains(page, `dir="auto"`) {
		t.Errorf("chat page = %d, want an RTL page with per-message direction", code)
	}
}

// TestWebchat_HistoryBothSides: what a reloaded page gets back is the
// follower's message and the bot's reply, in that order.
func TestWebchat_HistoryBothSides(t *testing.T) {
	p := StartProc(t, ProcOptions{})
	session := chatSession(t, p)
	text := "سلام، شماره پشتیبانی شما چیست؟"
	if code, body := p.Post("/chat/messages", fmt.Sprintf(`{"session":%q,"id":"msg-00000001","text":%q}`, session, text)); code != http.StatusAccepted {
		t.Fatalf("POST = %d %s", code, body)
	}
	wait.For(t, 10*time.Second, "reply", func() bool { return len(chatReplies(t, p, session)) > 0 })
	code, body := p.Get("/chat/history?session=" + session)
	var h struct {
		Messages []struct{ From, Text string } `json:"messages"`
	}
	if code != http.StatusOK || json.Unmarshal([]byte(body), &h) != nil {
		t.Fatalf("history = %d %s", code, body)
	}
	if len(h.Messages) != 2 || h.Messages[0].From != "me" || h.Messages[0].Text != text || h.Messages[1].From != "bot" || h.Messages[1].Text == "" {
		t.Fatalf("history %+v, want the message then the reply", h.Messages)
	}
}

// chatSession asks the web chat for a session, as its page does.
func chatSession(t testing.TB, p *Proc) string {
	t.Helper()
	code, body := p.Post("/chat/session", "")
	var out struct {
		Session string `json:"session"`
	}
	if code != http.StatusCreated || json.Unmarshal([]byte(body), &out) != nil || out.Session == "" {
		t.Fatalf("POST /chat/session = %d %s", code, body)
	}
	return out.Session
}

func TestWebchat_BadInput(t *testing.T) {
	p := StartProc(t, ProcOptions{})
	big := strings.Repeat("x", 2<<20)
	for i, tc := range []struct {
		name, path, body string
		want             int
	}{
		{"malformed JSON", "/chat/messages", `{"session":"abcdefgh","text":`, http.StatusBadRequest},
		{"not an object", "/chat/messages", `[1,2,3]`, http.StatusBadRequest},
		{"unknown field", "/chat/messages", `{"session":"abcdefgh","text":"hi","evil":1}`, http.StatusBadRequest},
		{"empty message", "/chat/messages", `{"session":"abcdefgh","text":"   "}`, http.StatusBadRequest},
		{"bad session", "/chat/messages", `{"session":"../../x","text":"hi"}`, http.StatusBadRequest},
		{"oversized body", "/chat/messages", `{"session":"abcdefgh","text":"` + big + `"}`, http.StatusRequestEntityTooLarge},
		{"text too long", "/chat/messages", `{"session":"abcdefgh","text":"` + strings.Repeat("ب", 5000) + `"}`, http.StatusRequestEntityTooLarge},
		{"invalid UTF-8", "/chat/messages", `{"session":"abcdefgh","text":"` + "\xff" + `"}`, http.StatusBadRequest},
		{"null", "/chat/messages", `null`, http.StatusBadRequest},
		{"session not issued", "/chat/messages", `{"session":"any-new-id-0001","text":"hi"}`, http.StatusNotFound},
		{"unknown account", "/webhooks/telegram/nobody", `{"update_id":1}`, http.StatusNotFound},
		{"unknown platform", "/webhooks/myspace/main", `{}`, http.StatusNotFound},
	} {
		code, body := p.Post(tc.path, tc.body)
		if code != tc.want {
			t.Errorf("%d %s: status %d, want %d (%s)", i, tc.name, code, tc.want, body)
		}
		if !strings.Contains(body, `"error"`) {
			t.Errorf("%d %s: body %q has no error message", i, tc.name, body)
		}
	}
	for _, path := range []string{"/chat/replies?wait=0&session=any-new-id-0001", "/chat/history?session=any-new-id-0001"} {
		if code, body := p.Get(path); code != http.StatusNotFound || !strings.Contains(body, `"error"`) {
			t.Errorf("GET %s = %d %s, want 404 with an error", path, code, body)
		}
	}
	// Still serving, and nothing was stored.
	if code, _ := p.Get("/healthz"); code != http.StatusOK {
		t.Fatalf("healthz = %d after bad input", code)
	}
	if got := p.Metric("engagebot_messages_in_total"); got != 0 {
		t.Errorf("stored %v messages from bad input, want 0", got)
	}
	p.Stop()
	db, err := bolt.Open(filepath.Join(p.Data, "engagebot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.View(context.Background(), func(tx bot.Tx) error {
		if th, _ := tx.Threads(bot.ThreadFilter{}); len(th) != 0 {
			t.Errorf("bad input created %d threads", len(th))
		}
		return nil
	})
}

// TestWebchat_CrashLosesNothing sends a few thousand messages, kills the
// process with SIGKILL mid-stream, restarts it, and checks that every
// acknowledged message is stored and answered exactly once.
func TestWebchat_CrashLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end crash test: skipped with -short")
	}
	const (
		total    = 3000
		sessions = 60
		senders  = 12
		killAt   = 1200
	)
	p := StartProc(t, ProcOptions{})
	// Sessions are issued by the service; they stay valid across the
	// restart, as a page open during it keeps its own.
	ids := make([]string, sessions)
	for i := range ids {
		ids[i] = chatSession(t, p)
	}
	var (
		mu    sync.Mutex
		acked = map[string]bool{} // event ids the service acknowledged
		sent  atomic.Int64
	)
	post := func(client *http.Client, url string, i int) {
		session := ids[i%sessions]
		id := fmt.Sprintf("msg-%06d", i)
		lang := []string{"سلام، ممنون از محصول خوبتون", "Thanks, your syrup helped a lot"}[i%2]
		body := fmt.Sprintf(`{"session":%q,"id":%q,"text":%q}`, session, id, fmt.Sprintf("%s #%d", lang, i))
		resp, err := client.Post(url+"/chat/messages", "application/json", strings.NewReader(body))
		if err != nil {
			return // not acknowledged: the sender would retry
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusAccepted {
			mu.Lock()
			acked[session+":"+id] = true
			mu.Unlock()
		}
	}
	run := func(url string, from, to int, killed func() bool) {
		var wg sync.WaitGroup
		next := atomic.Int64{}
		next.Store(int64(from))
		for range senders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				client := &http.Client{Timeout: 5 * time.Second}
				for {
					i := int(next.Add(1) - 1)
					if i >= to || killed() {
						return
					}
					post(client, url, i)
					sent.Add(1)
				}
			}()
		}
		wg.Wait()
	}
	var dead atomic.Bool
	go func() {
		wait.For(t, 2*time.Minute, "messages before the kill", func() bool { return sent.Load() >= killAt })
		p.Kill()
		dead.Store(true)
	}()
	run(p.URL, 0, total, func() bool { return false })
	wait.For(t, time.Minute, "kill", dead.Load)
	mu.Lock()
	before := len(acked)
	mu.Unlock()
	if before < killAt/2 || before >= total {
		t.Fatalf("acknowledged %d of %d before the kill; the kill was not mid-stream", before, total)
	}

	// Restart and resend everything: senders retry what was not
	// acknowledged, and redelivering what was must not answer it twice.
	p.Restart()
	run(p.URL, 0, total, func() bool { return false })
	p.WaitIdle(3 * time.Minute)
	p.Stop()

	db, err := bolt.Open(filepath.Join(p.Data, "engagebot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	inbound := map[string]int{}
	replies := map[string]int{}
	err = db.View(context.Background(), func(tx bot.Tx) error {
		threads, err := tx.Threads(bot.ThreadFilter{Platform: bot.PlatformWebchat})
		if err != nil {
			return err
		}
		for _, th := range threads {
			msgs, err := tx.Messages(th.Key, 0, 0)
			if err != nil {
				return err
			}
			for _, m := range msgs {
				if m.Direction == bot.DirIn {
					inbound[m.PlatformID]++
				}
			}
		}
		for _, st := range []bot.OutState{bot.OutPending, bot.OutSending, bot.OutSent, bot.OutFailed, bot.OutUnknown} {
			items, err := tx.Outbox(st, 0, 0)
			if err != nil {
				return err
			}
			for _, o := range items {
				if st != bot.OutSent {
					t.Errorf("outbox item %d is %s, want sent", o.ID, st)
				}
				replies[o.ReplyTo]++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	for id := range acked {
		if inbound[id] != 1 {
			t.Errorf("acknowledged message %s stored %d times, want 1", id, inbound[id])
		}
		if replies[id] != 1 {
			t.Errorf("acknowledged message %s answered %d times, want 1", id, replies[id])
		}
	}
	for id, n := range replies {
		if n > 1 {
			t.Errorf("message %s answered %d times", id, n)
		}
	}
	t.Logf("acknowledged %d before the kill, %d in all; %d stored, %d replies", before, len(acked), len(inbound), len(replies))
}

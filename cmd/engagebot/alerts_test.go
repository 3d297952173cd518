package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"engagebot/adapters/all"
	"engagebot/adapters/telegram/telegramtest"
	"engagebot/bot"
	"engagebot/config"
	"engagebot/store/bolt"
)

// The alerts section wires a detector that sends a spike's alert to the
// configured chat and webhook, and a token never reaches the log.
func TestCrisisDetectorFromConfig(t *testing.T) {
	tg := telegramtest.NewServer(t)
	group := tg.NewGroup("Crisis room")
	var mu sync.Mutex
	var posts []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		posts = append(posts, string(b))
		mu.Unlock()
	}))
	defer hook.Close()
	env := map[string]string{"ALERTS_TELEGRAM_TOKEN": tg.Token, "ALERTS_TELEGRAM_CHAT": fmt.Sprint(group.ID), "ALERTS_WEBHOOK_URL": hook.URL + "/k"}
	yaml := fmt.Sprintf(`
alerts:
  min_count: 5
  platforms: [telegram]
  lang: en
  telegram:
    token: ${ALERTS_TELEGRAM_TOKEN}
    chat: ${ALERTS_TELEGRAM_CHAT}
    api_base: %s
  webhook:
    url: ${ALERTS_WEBHOOK_URL}
`, tg.URL)
	cfg, err := config.Parse([]byte(yaml), all.Factories(), func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	db, err := bolt.Open(filepath.Join(t.TempDir(), "e.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var logs bytes.Buffer
	d, err := newCrisisDetector(cfg, db, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil || d == nil {
		t.Fatalf("detector %v, %v", d, err)
	}
	now := time.Now()
	err = db.Update(context.Background(), func(tx bot.Tx) error {
		for i := range 8 {
			r := &bot.SentimentRecord{Platform: "telegram", Account: "support", MessageID: fmt.Sprint(i),
				Thread:    bot.ThreadKey{Platform: "telegram", Account: "support", Chat: fmt.Sprint(i)},
				Sentiment: bot.Sentiment{Label: bot.SentimentNegative, Score: -0.5}, At: now.Add(-time.Duration(i) * time.Second)}
			if err := tx.AddSentiment(r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	raised, err := d.Check(context.Background())
	if err != nil || len(raised) != 1 {
		t.Fatalf("Check: %d alerts, %v; want 1", len(raised), err)
	}
	if sent := tg.Sent(); len(sent) != 1 || sent[0].ChatID != group.ID || !strings.Contains(sent[0].Text, "Crisis alert: telegram") {
		t.Errorf("chat got %+v", sent)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(posts) != 1 || !strings.Contains(posts[0], `"event":"crisis_alert"`) {
		t.Errorf("webhook got %q", posts)
	}
	if strings.Contains(logs.String(), tg.Token) || strings.Contains(logs.String(), hook.URL) {
		t.Errorf("the log shows a secret:\n%s", logs.String())
	}

	cfg.Alerts.Enabled = false
	if d, err := newCrisisDetector(cfg, db, slog.New(slog.DiscardHandler)); d != nil || err != nil {
		t.Errorf("disabled: %v, %v; want no detector", d, err)
	}
}

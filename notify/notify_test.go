package notify_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"engagebot/adapters/telegram/telegramtest"
	"engagebot/bot"
	"engagebot/notify"
)

func alert() *bot.Alert {
	from := time.Date(2026, 5, 11, 9, 15, 0, 0, time.UTC)
	return &bot.Alert{
		ID: 3, Platform: "instagram", Status: bot.AlertActive, From: from, To: from.Add(time.Hour),
		Negative: 42, Peak: 42, Usual: 4.5, SD: 1.2, Threshold: 10, Weeks: 4, Factor: 42 / 4.5,
		Threads: []bot.ThreadKey{{Platform: "instagram", Account: "brand", Chat: "1784"}}, Raised: from.Add(time.Hour),
	}
}

func TestText(t *testing.T) {
	for i, tc := range []struct {
		lang string
		want []string
	}{
		{bot.LangEn, []string{"Crisis alert: instagram", "2026-05-11 09:15–10:15 UTC: 42, usually 4.5 (×9.3), threshold 10", "- instagram.brand/1784"}},
		{bot.LangFa, []string{"هشدار بحران: instagram", "۲۰۲۶-۰۵-۱۱ ۰۹:۱۵–۱۰:۱۵ UTC: ۴۲، معمولاً ۴٫۵ (×۹٫۳)، آستانه ۱۰", "- instagram.brand/1784"}},
	} {
		got := notify.Text(alert(), tc.lang, "")
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%d: text %q lacks %q", i, got, w)
			}
		}
	}
}

func TestTelegram_Notify(t *testing.T) {
	fake := telegramtest.NewServer(t)
	group := fake.NewGroup("Crisis room")
	n := &notify.Telegram{APIBase: fake.URL, Token: fake.Token, Chat: jsonNumber(group.ID), Lang: bot.LangEn}
	if err := n.Notify(context.Background(), alert()); err != nil {
		t.Fatal(err)
	}
	sent := fake.Sent()
	if len(sent) != 1 || sent[0].ChatID != group.ID || sent[0].Text != notify.Text(alert(), bot.LangEn, "") {
		t.Fatalf("sent %+v, want the alert's text in the group", sent)
	}

	wrong := &notify.Telegram{APIBase: fake.URL, Token: "7000001:WrongSecretToken", Chat: n.Chat}
	err := wrong.Notify(context.Background(), alert())
	if err == nil || strings.Contains(err.Error(), "WrongSecretToken") {
		t.Errorf("a refused token: %v; want an error without the token", err)
	}
	down := &notify.Telegram{APIBase: "http://127.0.0.1:1", Token: "7000001:DownSecretToken", Chat: n.Chat}
	if err := down.Notify(context.Background(), alert()); err == nil || strings.Contains(err.Error(), "DownSecretToken") {
		t.Errorf("an unreachable API: %v; want an error without the token", err)
	}
}

func jsonNumber(id int64) string { b, _ := json.Marshal(id); return string(b) }

// hook is a webhook receiver that keeps what it was sent.
type hook struct {
	mu     sync.Mutex
	bodies []notify.WebhookBody
	status int
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var b notify.WebhookBody
	data, _ := io.ReadAll(r.Body)
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || json.Unmarshal(data, &b) != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.status != 0 {
		w.WriteHeader(h.status)
		return
	}
	h.bodies = append(h.bodies, b)
}

func (h *hook) received() []notify.WebhookBody {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]notify.WebhookBody(nil), h.bodies...)
}

func newHookServer(t *testing.T, h *hook) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestWebhook_Notify(t *testing.T) {
	h := &hook{}
	n := &notify.Webhook{URL: newHookServer(t, h) + "/hooks/crisis?key=SecretKey123", Lang: bot.LangFa}
	if err := n.Notify(context.Background(), alert()); err != nil {
		t.Fatal(err)
	}
	got := h.received()
	if len(got) != 1 || got[0].Event != "crisis_alert" || got[0].Alert.Negative != 42 || got[0].Alert.Platform != "instagram" ||
		len(got[0].Alert.Threads) != 1 || got[0].Text != notify.Text(alert(), bot.LangFa, "") {
		t.Fatalf("received %+v", got)
	}
	h.status = http.StatusServiceUnavailable
	if err := n.Notify(context.Background(), alert()); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("a 503: %v, want an error naming the status", err)
	}
	down := &notify.Webhook{URL: "http://127.0.0.1:1/x?key=SecretKey123"}
	if err := down.Notify(context.Background(), alert()); err == nil || strings.Contains(err.Error(), "SecretKey123") {
		t.Errorf("an unreachable hook: %v; want an error without the URL's key", err)
	}
}

// With the dashboard's address, each thread of an alert is a link to its
// page there.
func TestTextLinksThreads(t *testing.T) {
	a := alert()
	got := notify.Text(a, bot.LangEn, "https://engage.example/")
	for _, k := range a.Threads {
		if want := "https://engage.example/threads/" + k.ID(); !strings.Contains(got, want) {
			t.Errorf("text %q lacks the link %s", got, want)
		}
	}
}

package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"engagebot/adapters/rubika/rubikatest"
	"engagebot/adapters/telegram/telegramtest"
	"engagebot/internal/wait"
)

// prToken makes an API token for PR staff in a data folder before the
// service starts (tokens are made while it is stopped).
func prToken(t *testing.T, cfg, data string, env []string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(data, 0o700); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := cliEnv(t, "", env, "token", "create", "-config", path, "-data", data, "-name", "pr-desk", "-role", "pr")
	if code != 0 {
		t.Fatalf("token create: %d %s", code, errOut)
	}
	return strings.TrimSpace(out)
}

// A survey to followers on Telegram, Rubika and the web chat: a native
// poll on the first two, numbered choices with buttons on the web chat;
// a vote, a changed vote, a press and a typed number each leave one
// answer per follower, and the summary counts them.
func TestE2E_SurveyNativePollsAndNumberedChoices(t *testing.T) {
	tg := telegramtest.NewServer(t, telegramtest.WithSpec(tgSpec))
	rb := rubikatest.NewServer(t)
	cfg := fmt.Sprintf(`
accounts:
  telegram.support:
    token: ${TG_TOKEN}
    api_base: %s
    mode: polling
    poll_timeout: 1s
  rubika.brand:
    token: ${RUBIKA_TOKEN}
    api_base: %s
    mode: polling
    poll_interval: 50ms
  webchat.default: {}
`, tg.URL, rb.APIBase())
	env := []string{"TG_TOKEN=" + tg.Token, "RUBIKA_TOKEN=" + rb.Token}
	data := filepath.Join(t.TempDir(), "data")
	token := prToken(t, cfg, data, env)
	p := StartProc(t, ProcOptions{Config: cfg, Env: env, Data: data})

	// Followers start the bot (consent) on each platform.
	var tgUsers []telegramtest.User
	for i := range 3 {
		u := telegramtest.User{ID: int64(9100 + i), FirstName: fmt.Sprintf("Sara%d", i)}
		tgUsers = append(tgUsers, u)
		tg.Enqueue(telegramtest.Command(telegramtest.PrivateChat(u), u, "/start"))
	}
	var rbUsers []rubikatest.User
	for _, name := range []string{"Neda", "Reza"} {
		u := rb.NewUser(name)
		rbUsers = append(rbUsers, u)
		rb.Enqueue(rubikatest.Started(u.Chat))
	}
	session := chatSession(t, p)
	if code, body := p.Post("/chat/messages", fmt.Sprintf(`{"session":%q,"text":"شروع"}`, session)); code != http.StatusAccepted {
		t.Fatalf("web chat: %d %s", code, body)
	}
	tg.WaitSent(t, 3, 20*time.Second)
	rb.WaitSent(t, 2, 20*time.Second)
	wait.For(t, 20*time.Second, "web chat greeting", func() bool { return len(chatReplies(t, p, session)) >= 1 })
	p.WaitIdle(20 * time.Second)

	status, body := api(t, p, token, "POST", "/api/v1/segments", `{"name":"everyone","rule":{}}`)
	var seg struct{ ID string }
	if status != http.StatusCreated || json.Unmarshal([]byte(body), &seg) != nil {
		t.Fatalf("segment: %d %s", status, body)
	}
	code, out, errOut := cliEnv(t, "", []string{"ENGAGEBOT_TOKEN=" + token}, "survey", "create", "-server", p.URL,
		"-name", "after-sales", "-segment", seg.ID, "-accounts", "telegram.support,rubika.brand,webchat.default",
		"-question", "از خدمات ما راضی هستید؟", "-options", "بله|تا حدی|نه", "-window", "00:00-24:00")
	var c struct{ ID, Kind string }
	if code != 0 || json.Unmarshal([]byte(out), &c) != nil || c.Kind != "survey" {
		t.Fatalf("survey create: %d %s %s", code, out, errOut)
	}
	if code, out, errOut := cliEnv(t, "", []string{"ENGAGEBOT_TOKEN=" + token}, "survey", "start", c.ID, "-server", p.URL); code != 0 {
		t.Fatalf("survey start: %d %s %s", code, out, errOut)
	}
	tgPolls := tg.WaitPolls(t, 3, 20*time.Second)
	rbPolls := rb.WaitPolls(t, 2, 20*time.Second)
	for _, pl := range tgPolls {
		if pl.IsAnonymous || len(pl.Options) != 3 || pl.Question != "از خدمات ما راضی هستید؟" {
			t.Errorf("telegram poll %+v: want a non-anonymous poll of the question and its 3 options", pl)
		}
	}
	var survey map[string]any
	wait.For(t, 20*time.Second, "the survey in the web chat", func() bool {
		for _, r := range chatReplies(t, p, session) {
			if text, _ := r["text"].(string); strings.Contains(text, "1. بله") && strings.Contains(text, "3. نه") {
				survey = r
				return true
			}
		}
		return false
	})
	if b, _ := survey["buttons"].([]any); len(b) != 3 {
		t.Errorf("web chat survey %v: want a button per option", survey)
	}
	pollFor := func(chat int64) string {
		for _, pl := range tgPolls {
			if pl.ChatID == chat {
				return pl.PollID
			}
		}
		t.Fatalf("no poll to chat %d", chat)
		return ""
	}
	// Telegram: 0 votes "yes" then changes to "no"; 1 votes "partly"; 2 votes "yes".
	tg.Enqueue(tg.Voted(pollFor(tgUsers[0].ID), tgUsers[0], 0))
	tg.Enqueue(tg.Voted(pollFor(tgUsers[1].ID), tgUsers[1], 1))
	tg.Enqueue(tg.Voted(pollFor(tgUsers[2].ID), tgUsers[2], 0))
	tg.Enqueue(tg.Voted(pollFor(tgUsers[0].ID), tgUsers[0], 2))
	// Rubika: both vote "partly".
	for _, pl := range rbPolls {
		rb.Enqueue(rb.Voted(pl.MessageID, 1))
	}
	// The web chat: the follower writes the number, in Persian digits.
	if code, body := p.Post("/chat/messages", fmt.Sprintf(`{"session":%q,"text":"۱"}`, session)); code != http.StatusAccepted {
		t.Fatalf("web chat answer: %d %s", code, body)
	}
	var got struct {
		Answers []struct {
			Option string
			Count  int
		}
	}
	want := []int{2, 3, 1} // yes: tg2 + web; partly: tg1 + 2 rubika; no: tg0
	wait.For(t, 30*time.Second, "the answers counted", func() bool {
		_, body := api(t, p, token, "GET", "/api/v1/campaigns/"+c.ID, "")
		got.Answers = nil
		_ = json.Unmarshal([]byte(body), &got)
		if len(got.Answers) != 3 {
			return false
		}
		for i, w := range want {
			if got.Answers[i].Count != w {
				return false
			}
		}
		return true
	})
	code, out, _ = cliEnv(t, "", []string{"ENGAGEBOT_TOKEN=" + token}, "survey", "answers", c.ID, "-server", p.URL, "-csv")
	if code != 0 || strings.Count(out, "\n") != 7 { // the header and 6 recipients
		t.Errorf("answers export: %d\n%s", code, out)
	}
}

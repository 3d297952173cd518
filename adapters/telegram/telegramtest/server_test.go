package telegramtest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"engagebot/adapters/telegram/telegramtest"
	"engagebot/bot"
	"engagebot/internal/testenv"
)

const specPath = "../../../../shared/specs/telegram-bot-api.json"

type answer struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

func post(t *testing.T, s *telegramtest.Server, method string, form url.Values) (int, answer) {
	t.Helper()
	resp, err := http.PostForm(s.URL+"/bot"+s.Token+"/"+method, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a answer
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatalf("%s: answer %q is not the Bot API envelope", method, b)
	}
	return resp.StatusCode, a
}

func postJSON(t *testing.T, s *telegramtest.Server, method, body string) (int, answer) {
	t.Helper()
	resp, err := http.Post(s.URL+"/bot"+s.Token+"/"+method, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a answer
	json.NewDecoder(resp.Body).Decode(&a)
	return resp.StatusCode, a
}

func newServer(t *testing.T, opts ...telegramtest.Option) *telegramtest.Server {
	s := telegramtest.NewServer(t, append([]telegramtest.Option{telegramtest.WithSpec(specPath)}, opts...)...)
	if s.Spec() == nil {
		_, err := os.Stat(specPath)
		testenv.Need(t, "the Bot API spec", err)
	}
	return s
}

func TestSpecCheck(t *testing.T) {
	s := newServer(t, telegramtest.WithLimits(telegramtest.Limits{}))
	for i, tc := range []struct {
		method string
		form   url.Values
		json   string
		status int
		desc   string
	}{
		{method: "sendMessage", form: url.Values{"chat_id": {"5"}, "text": {"hi"}}, status: 200},
		{method: "SENDMESSAGE", form: url.Values{"chat_id": {"5"}, "text": {"hi"}}, status: 200}, // names are case-insensitive
		{method: "sendMessage", json: `{"chat_id":5,"text":"hi","reply_parameters":{"message_id":3,"allow_sending_without_reply":true}}`, status: 200},
		{method: "sendMessage", form: url.Values{"chat_id": {"5"}, "text": {"hi"}, "reply_parameters": {`{"message_id":3}`},
			"reply_markup": {`{"inline_keyboard":[[{"text":"yes","callback_data":"y"}]]}`}}, status: 200},
		{method: "sendMessage", form: url.Values{"chat_id": {"5"}}, status: 400, desc: "required field text is missing"},
		// v5.5.1's MessageConfig sends these; the current API has none of them.
		{method: "sendMessage", form: url.Values{"chat_id": {"5"}, "text": {"hi"}, "reply_to_message_id": {"3"}}, status: 400, desc: "unknown field reply_to_message_id"},
		{method: "sendMessage", form: url.Values{"chat_id": {"5"}, "text": {"hi"}, "disable_web_page_preview": {"true"}}, status: 400, desc: "unknown field disable_web_page_preview"},
		{method: "sendMessage", form: url.Values{"chat_id": {"5"}, "text": {"hi"}, "reply_parameters": {`{"msg_id":3}`}}, status: 400, desc: "ReplyParameters has no field msg_id"},
		{method: "sendMessage", form: url.Values{"chat_id": {"5"}, "text": {"hi"}, "reply_parameters": {`{"message_id":"x"}`}}, status: 400, desc: "want an integer"},
		{method: "sendMessage", form: url.Values{"chat_id": {"5"}, "text": {"hi"}, "reply_markup": {`{"inline_keyboard":[[{"text":"x","callback":"y"}]]}`}}, status: 400, desc: "matches none"},
		{method: "sendMessage", json: `{"chat_id":5,"text":"hi","disable_notification":"yes"}`, status: 400, desc: "want a boolean"},
		{method: "sendMesage", form: url.Values{}, status: 404, desc: "not found"},
		{method: "setWebhook", form: url.Values{"url": {"https://example.test/h"}, "secret_token": {"abc"}, "allowed_updates": {`["message"]`}}, status: 200},
		{method: "getUpdates", form: url.Values{"offset": {"x"}}, status: 400, desc: "want an integer"},
	} {
		var status int
		var a answer
		if tc.json != "" {
			status, a = postJSON(t, s, tc.method, tc.json)
		} else {
			status, a = post(t, s, tc.method, tc.form)
		}
		if status != tc.status || a.OK != (tc.status == 200) || (tc.status != 200 && a.ErrorCode != tc.status) {
			t.Errorf("%d %s: %d %+v, want %d", i, tc.method, status, a, tc.status)
		}
		if tc.desc != "" && !strings.Contains(strings.ToLower(a.Description), strings.ToLower(tc.desc)) {
			t.Errorf("%d %s: description %q, want it to say %q", i, tc.method, a.Description, tc.desc)
		}
		if tc.method == "setWebhook" {
			s.SetWebhook(telegramtest.Webhook{})
		}
	}
}

func TestWrongToken(t *testing.T) {
	s := telegramtest.NewServer(t)
	resp, err := http.PostForm(s.URL+"/bot1:wrong/getMe", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("status %d, want 401", resp.StatusCode)
	}
}

// The library's own typed calls work against the fake: its envelope and
// getMe are the real shapes.
func TestLibraryTalksToFake(t *testing.T) {
	s := newServer(t)
	api, err := tgbotapi.NewBotAPIWithAPIEndpoint(s.Token, s.URL+"/bot%s/%s")
	if err != nil {
		t.Fatalf("NewBotAPI: %v", err)
	}
	if api.Self.UserName != s.Bot.Username || !api.Self.IsBot {
		t.Errorf("Self = %+v", api.Self)
	}
	// MessageConfig still sends parameters the API dropped in 7.0: the
	// fake refuses, which is why the adapter builds its own parameters.
	msg := tgbotapi.NewMessage(5, "hi")
	msg.ReplyToMessageID = 3
	if _, err := api.Send(msg); err == nil {
		t.Errorf("v5.5.1's sendMessage passed the spec check")
	}
}

func TestGetUpdatesOffsetAndConflict(t *testing.T) {
	s := newServer(t)
	u := s.NewUser("Sara")
	first := s.Enqueue(telegramtest.Text(telegramtest.PrivateChat(u), u, "one"))
	s.Enqueue(telegramtest.Text(telegramtest.PrivateChat(u), u, "two"))
	ids := func(a answer) []int {
		var ups []struct {
			UpdateID int `json:"update_id"`
		}
		json.Unmarshal(a.Result, &ups)
		var out []int
		for _, u := range ups {
			out = append(out, u.UpdateID)
		}
		return out
	}
	if _, a := post(t, s, "getUpdates", nil); len(ids(a)) != 2 {
		t.Fatalf("first poll: %v", ids(a))
	}
	// Unconfirmed updates come again; an offset confirms what is below it.
	if _, a := post(t, s, "getUpdates", url.Values{"offset": {itoa(first + 1)}}); len(ids(a)) != 1 || ids(a)[0] != first+1 {
		t.Fatalf("poll from %d: %v", first+1, ids(a))
	}
	if s.Pending() != 1 {
		t.Errorf("pending %d, want 1", s.Pending())
	}
	// Long poll: an update enqueued while waiting is returned at once.
	go func() {
		time.Sleep(50 * time.Millisecond)
		s.Enqueue(telegramtest.Text(telegramtest.PrivateChat(u), u, "three"))
	}()
	if _, a := post(t, s, "getUpdates", url.Values{"offset": {itoa(first + 2)}, "timeout": {"10"}}); len(ids(a)) != 1 {
		t.Fatalf("long poll: %v", ids(a))
	}
	s.SetWebhook(telegramtest.Webhook{URL: "https://example.test/h"})
	if status, a := post(t, s, "getUpdates", nil); status != http.StatusConflict || a.ErrorCode != 409 {
		t.Errorf("getUpdates with a webhook set: %d %+v", status, a)
	}
}

func TestRateLimitEnforced(t *testing.T) {
	s := newServer(t, telegramtest.WithLimits(telegramtest.Limits{Private: bot.Rate{Count: 1, Per: time.Minute}, Group: bot.Rate{Count: 2, Per: time.Minute}}))
	g := s.NewGroup("Fans")
	if status, _ := post(t, s, "sendMessage", url.Values{"chat_id": {"5"}, "text": {"a"}}); status != 200 {
		t.Fatalf("first send: %d", status)
	}
	status, a := post(t, s, "sendMessage", url.Values{"chat_id": {"5"}, "text": {"b"}})
	if status != http.StatusTooManyRequests || a.Parameters.RetryAfter < 59 || a.Parameters.RetryAfter > 60 {
		t.Errorf("second send to a private chat: %d %+v, want 429 with retry_after ~60", status, a)
	}
	for i, want := range []int{200, 200, 429} {
		if status, _ := post(t, s, "sendMessage", url.Values{"chat_id": {itoa64(g.ID)}, "text": {"g"}}); status != want {
			t.Errorf("group send %d: %d, want %d", i, status, want)
		}
	}
	if v := s.Violations(); len(v) != 2 || v[0].Limit != "private" || v[1].Limit != "group" {
		t.Errorf("violations %+v", v)
	}
	if n := len(s.Sent()); n != 3 {
		t.Errorf("%d accepted, want 3", n)
	}
}

func itoa(n int) string     { return itoa64(int64(n)) }
func itoa64(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestSendPoll(t *testing.T) {
	s := newServer(t, telegramtest.WithLimits(telegramtest.Limits{Private: bot.Rate{Count: 1, Per: time.Minute}}))
	for i, tc := range []struct {
		form   url.Values
		json   string
		status int
		desc   string
	}{
		{form: url.Values{"chat_id": {"5"}, "question": {"q?"}, "options": {`[{"text":"a"},{"text":"b"}]`}, "is_anonymous": {"false"}}, status: 200},
		{json: `{"chat_id":6,"question":"q?","options":[{"text":"a"}]}`, status: 200},
		// Bot API 7.3 replaced the options' strings with InputPollOption objects.
		{form: url.Values{"chat_id": {"7"}, "question": {"q?"}, "options": {`["a","b"]`}}, status: 400, desc: "want a InputPollOption object"},
		{form: url.Values{"chat_id": {"7"}, "question": {"q?"}}, status: 400, desc: "required field options is missing"},
		{form: url.Values{"chat_id": {"7"}, "question": {""}, "options": {`[{"text":"a"}]`}}, status: 400, desc: "question must be non-empty"},
		{form: url.Values{"chat_id": {"7"}, "question": {strings.Repeat("q", 301)}, "options": {`[{"text":"a"}]`}}, status: 400, desc: "must not exceed 300"},
		{form: url.Values{"chat_id": {"7"}, "question": {"q"}, "options": {`[]`}}, status: 400, desc: "1-12 options"},
		{form: url.Values{"chat_id": {"7"}, "question": {"q"}, "options": {`[{"text":"` + strings.Repeat("o", 101) + `"}]`}}, status: 400, desc: "must not exceed 100"},
		{form: url.Values{"chat_id": {"@news"}, "question": {"q"}, "options": {`[{"text":"a"}]`}, "is_anonymous": {"false"}}, status: 400, desc: "non-anonymous"},
		// The same private chat within a minute: the limits apply to polls too.
		{form: url.Values{"chat_id": {"5"}, "question": {"again?"}, "options": {`[{"text":"a"}]`}}, status: 429},
	} {
		var status int
		var a answer
		if tc.json != "" {
			status, a = postJSON(t, s, "sendPoll", tc.json)
		} else {
			status, a = post(t, s, "sendPoll", tc.form)
		}
		if status != tc.status {
			t.Errorf("%d: %d %+v, want %d", i, status, a, tc.status)
		}
		if tc.desc != "" && !strings.Contains(strings.ToLower(a.Description), strings.ToLower(tc.desc)) {
			t.Errorf("%d: description %q, want it to say %q", i, a.Description, tc.desc)
		}
		if status != 200 {
			continue
		}
		var m struct {
			MessageID int `json:"message_id"`
			Poll      struct {
				ID          string `json:"id"`
				Question    string `json:"question"`
				IsAnonymous bool   `json:"is_anonymous"`
				Options     []struct {
					Text string `json:"text"`
				} `json:"options"`
			} `json:"poll"`
		}
		if err := json.Unmarshal(a.Result, &m); err != nil || m.MessageID == 0 || m.Poll.ID == "" || m.Poll.Question != "q?" || len(m.Poll.Options) == 0 {
			t.Errorf("%d: result %s (%v), want a Message with a poll", i, a.Result, err)
		}
		if want := tc.json != ""; m.Poll.IsAnonymous != want {
			t.Errorf("%d: is_anonymous = %v, want %v (Telegram's default is true)", i, m.Poll.IsAnonymous, want)
		}
	}
	polls := s.Polls()
	if len(polls) != 2 || polls[0].ChatID != 5 || len(polls[0].Options) != 2 || polls[0].Options[1] != "b" || polls[1].ChatID != 6 {
		t.Fatalf("polls = %+v", polls)
	}
	if n := len(s.Sent()); n != 0 {
		t.Errorf("polls listed as %d sent messages", n)
	}

	// A vote is a poll_answer update with the voter and the option ids.
	u := s.NewUser("Sara")
	var got map[string]any
	if err := json.Unmarshal(s.Encode(s.Voted(polls[0].PollID, u, 1)), &got); err != nil {
		t.Fatal(err)
	}
	pa, _ := got["poll_answer"].(map[string]any)
	if pa == nil || pa["poll_id"] != polls[0].PollID || pa["user"].(map[string]any)["id"] != float64(u.ID) ||
		len(pa["option_ids"].([]any)) != 1 || pa["option_ids"].([]any)[0] != float64(1) || got["update_id"] == nil {
		t.Errorf("vote = %v", got)
	}
	if err := json.Unmarshal(s.Encode(s.Voted(polls[0].PollID, u)), &got); err != nil {
		t.Fatal(err)
	}
	if ids, ok := got["poll_answer"].(map[string]any)["option_ids"].([]any); !ok || len(ids) != 0 {
		t.Errorf("withdrawn vote = %v, want option_ids []", got)
	}
}

// WithoutHistory counts what was sent, refused sends not included, and
// keeps no copy of it; by default both agree.
func TestSentCountWithoutHistory(t *testing.T) {
	for _, keep := range []bool{true, false} {
		opts := []telegramtest.Option{telegramtest.WithLimits(telegramtest.Limits{Private: bot.Rate{Count: 2, Per: time.Minute}})}
		if !keep {
			opts = append(opts, telegramtest.WithoutHistory())
		}
		s := newServer(t, opts...)
		for i, want := range []int{200, 200, 429} {
			if status, _ := post(t, s, "sendMessage", url.Values{"chat_id": {"5"}, "text": {"m" + itoa(i)}}); status != want {
				t.Fatalf("history %v, send %d: %d, want %d", keep, i, status, want)
			}
		}
		if n := s.SentCount(); n != 2 {
			t.Errorf("history %v: SentCount %d, want 2", keep, n)
		}
		want := map[bool]int{true: 2, false: 0}[keep]
		if n := len(s.Sent()); n != want {
			t.Errorf("history %v: %d kept, want %d", keep, n, want)
		}
	}
}

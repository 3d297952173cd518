package rubikatest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"engagebot/adapters/rubika/rubikatest"
	"engagebot/bot"
)

type envelope struct {
	Status     string          `json:"status"`
	Data       json.RawMessage `json:"data"`
	DevMessage string          `json:"dev_message"`
}

func call(t *testing.T, s *rubikatest.Server, token, method, body string) (int, envelope, string) {
	t.Helper()
	resp, err := http.Post(s.APIBase()+"/"+token+"/"+method, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var e envelope
	if err := json.Unmarshal(raw, &e); err != nil {
		t.Fatalf("%s: %q is not an envelope", method, raw)
	}
	return resp.StatusCode, e, string(raw)
}

func TestEnvelopeAndValidation(t *testing.T) {
	s := rubikatest.NewServer(t, rubikatest.WithLimits(rubikatest.Limits{}))
	for i, tc := range []struct {
		token, method, body, status string
	}{
		{s.Token, "getMe", `{}`, "OK"},
		{"wrong", "getMe", `{}`, "INVALID_ACCESS"},
		{s.Token, "getEverything", `{}`, "INVALID_INPUT"},
		{s.Token, "sendMessage", `{"chat_id":"b0x","text":"hi"}`, "OK"},
		{s.Token, "sendMessage", `{"chat_id":"b0x"}`, "INVALID_INPUT"},
		{s.Token, "sendMessage", `{"chat_id":"b0x","text":"hi","parse_mode":"HTML"}`, "INVALID_INPUT"},
		{s.Token, "sendMessage", `{"chat_id":"b0x","text":"hi","reply_to_message_id":12}`, "INVALID_INPUT"},
		{s.Token, "sendMessage", `{"chat_id":"b0x","text":"hi","inline_keypad":{"rows":[{"buttons":[{"id":"1","type":"Simple","button_text":"A"}]}]}}`, "OK"},
		{s.Token, "sendMessage", `{"chat_id":"b0x","text":"hi","inline_keypad":{"rows":[{"buttons":[{"id":"1","type":"Fancy","button_text":"A"}]}]}}`, "INVALID_INPUT"},
		{s.Token, "getUpdates", `{"limit":"10"}`, "INVALID_INPUT"},
		{s.Token, "getUpdates", `[]`, "INVALID_INPUT"},
	} {
		_, e, raw := call(t, s, tc.token, tc.method, tc.body)
		if e.Status != tc.status {
			t.Errorf("%d %s: %s, want %s", i, tc.method, raw, tc.status)
		}
		if e.Status == "OK" && len(e.Data) == 0 {
			t.Errorf("%d: OK without data", i)
		}
	}
}

func TestGetUpdatesOffsets(t *testing.T) {
	s := rubikatest.NewServer(t, rubikatest.WithNumericIDs())
	u := s.NewUser("Sara")
	s.Enqueue(rubikatest.Text(u.Chat, u.ID, "one"))
	s.Enqueue(rubikatest.Text(u.Chat, u.ID, "two"))
	get := func(body string) (updates []json.RawMessage, next string) {
		_, e, _ := call(t, s, s.Token, "getUpdates", body)
		var d struct {
			Updates []json.RawMessage `json:"updates"`
			Next    string            `json:"next_offset_id"`
		}
		json.Unmarshal(e.Data, &d)
		return d.Updates, d.Next
	}
	ups, next := get(`{"limit":1}`)
	if len(ups) != 1 || next == "" {
		t.Fatalf("first: %d updates, next %q", len(ups), next)
	}
	// Message ids come as bare numbers, every digit kept.
	if !strings.Contains(string(ups[0]), `"message_id":9000000000000000001`) {
		t.Errorf("update %s, want a bare numeric message_id", ups[0])
	}
	again, next2 := get(`{"limit":1}`)
	if string(again[0]) != string(ups[0]) || next2 != next {
		t.Errorf("the same offset gave other updates")
	}
	rest, _ := get(`{"limit":10,"offset_id":"` + next + `"}`)
	if len(rest) != 1 || !strings.Contains(string(rest[0]), `"two"`) {
		t.Errorf("after %s: %s", next, rest)
	}
}

func TestEndpointsAndLimits(t *testing.T) {
	s := rubikatest.NewServer(t, rubikatest.WithLimits(rubikatest.Limits{Private: bot.Rate{Count: 1, Per: time.Minute}}))
	_, e, _ := call(t, s, s.Token, "updateBotEndpoints", `{"url":"http://example.test/hook","type":"ReceiveUpdate"}`)
	if !strings.Contains(string(e.Data), "InvalidUrl") {
		t.Errorf("plain http outside loopback: %s", e.Data)
	}
	_, e, _ = call(t, s, s.Token, "updateBotEndpoints", `{"url":"https://example.test/hook","type":"ReceiveUpdate"}`)
	if !strings.Contains(string(e.Data), "Done") || s.Endpoint("ReceiveUpdate") != "https://example.test/hook" {
		t.Errorf("https endpoint: %s", e.Data)
	}
	if _, e, _ := call(t, s, s.Token, "sendMessage", `{"chat_id":"b0x","text":"a"}`); e.Status != "OK" {
		t.Fatalf("first send: %s", e.Status)
	}
	if _, e, _ := call(t, s, s.Token, "sendMessage", `{"chat_id":"b0x","text":"b"}`); e.Status != "TOO_REQUESTS" {
		t.Errorf("second send: %s, want TOO_REQUESTS", e.Status)
	}
	if v := s.Violations(); len(v) != 1 || v[0].Limit != "private" {
		t.Errorf("violations %+v", v)
	}
}

func TestSendPoll(t *testing.T) {
	s := rubikatest.NewServer(t, rubikatest.WithLimits(rubikatest.Limits{}))
	u := s.NewUser("Sara")
	for i, tc := range []struct {
		body   string
		status string
	}{
		{`{"chat_id":"` + u.Chat + `","question":"q?","options":["a","b"]}`, "OK"},
		{`{"chat_id":"` + u.Chat + `","question":"q?"}`, "INVALID_INPUT"},
		{`{"chat_id":"` + u.Chat + `","question":"q?","options":[{"text":"a"}]}`, "INVALID_INPUT"},
		{`{"chat_id":"` + u.Chat + `","question":"q?","options":[]}`, "INVALID_INPUT"},
		{`{"chat_id":"` + u.Chat + `","question":"","options":["a"]}`, "INVALID_INPUT"},
		{`{"chat_id":"` + u.Chat + `","question":"q?","options":["a",""]}`, "INVALID_INPUT"},
		{`{"chat_id":"` + u.Chat + `","question":"q?","options":["a"],"is_anonymous":false}`, "INVALID_INPUT"},
	} {
		_, env, _ := call(t, s, s.Token, "sendPoll", tc.body)
		if env.Status != tc.status {
			t.Errorf("%d: %s: status %s, want %s", i, tc.body, env.Status, tc.status)
		}
	}
	polls := s.Polls()
	if len(polls) != 1 || polls[0].ChatID != u.Chat || polls[0].Question != "q?" || len(polls[0].Options) != 2 || polls[0].MessageID == "" {
		t.Fatalf("polls = %+v", polls)
	}
	if n := len(s.Sent()); n != 0 {
		t.Errorf("polls listed as %d sent messages", n)
	}
	v := s.Voted(polls[0].MessageID, 1)
	m := v.UpdatedMessage
	if v.Type != "UpdatedMessage" || v.ChatID != u.Chat || m == nil || m.MessageID != polls[0].MessageID || m.Poll == nil ||
		m.Poll.PollStatus.SelectionIndex != 1 || m.Poll.PollStatus.TotalVote != 1 || m.Poll.PollStatus.PercentVoteOptions[1] != 100 {
		t.Errorf("vote = %+v", v)
	}
	if w := s.Voted(polls[0].MessageID, -1).UpdatedMessage.Poll.PollStatus; w.SelectionIndex != -1 || w.TotalVote != 0 {
		t.Errorf("withdrawn vote = %+v", w)
	}
}

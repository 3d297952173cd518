package webchat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"engagebot/adapters/adaptertest"
	"engagebot/bot"
	"engagebot/internal/wait"
)

// pageClient is what the chat page does, over HTTP against the adapter's
// handler mounted at /chat/ as web mounts it.
type pageClient struct {
	t   testing.TB
	url string // ends in /chat/
}

func newPage(t testing.TB, a *Adapter) *pageClient {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/chat/", http.StripPrefix("/chat", a.Webhook()))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &pageClient{t: t, url: srv.URL + "/chat/"}
}

// do makes a request and returns the status and the body.
func (p *pageClient) do(method, path, body string) (int, []byte) {
	p.t.Helper()
	req, err := http.NewRequest(method, p.url+path, strings.NewReader(body))
	if err != nil {
		p.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// session asks for a new session as the page does.
func (p *pageClient) session() string {
	p.t.Helper()
	st, b := p.do("POST", "session", "")
	var out struct{ Session string }
	if st != http.StatusCreated || json.Unmarshal(b, &out) != nil || out.Session == "" {
		p.t.Fatalf("POST session: %d %s", st, b)
	}
	return out.Session
}

func (p *pageClient) post(session, id, text string) (int, []byte) {
	p.t.Helper()
	b, _ := json.Marshal(map[string]string{"session": session, "id": id, "text": text})
	return p.do("POST", "messages", string(b))
}

func (p *pageClient) entries(path, field string) []Entry {
	p.t.Helper()
	st, b := p.do("GET", path, "")
	var out map[string][]Entry
	if st != http.StatusOK || json.Unmarshal(b, &out) != nil {
		p.t.Fatalf("GET %s: %d %s", path, st, b)
	}
	return out[field]
}

func (p *pageClient) replies(session string) []Entry {
	return p.entries("replies?wait=0&session="+session, "replies")
}

func (p *pageClient) history(session string) []Entry {
	return p.entries("history?session="+session, "messages")
}

// wantError checks a JSON {"error"} answer.
func wantError(t *testing.T, what string, st int, b []byte, status int) {
	t.Helper()
	var e struct{ Error string }
	if st != status || json.Unmarshal(b, &e) != nil || e.Error == "" {
		t.Errorf("%s: %d %s, want %d with a JSON error", what, st, b, status)
	}
}

func testConfig() Config {
	c := *NewConfig()
	c.PollTimeout = 5 * time.Second
	return c
}

func newAdapter(t testing.TB, inbox bot.Inbox, edit func(*Config)) *Adapter {
	t.Helper()
	cfg := testConfig()
	if edit != nil {
		edit(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return New("default", cfg, depsFor(inbox))
}

func depsFor(inbox bot.Inbox) bot.AdapterDeps { return bot.AdapterDeps{Inbox: inbox} }

// harness is the page as the conformance suite's platform.
type harness struct {
	a     *Adapter
	p     *pageClient
	mu    sync.Mutex
	users map[string]string // follower -> session
	chats []string
	last  string // the last message's body
}

func (h *harness) Deliver(t *testing.T, in adaptertest.Inbound) string {
	t.Helper()
	h.mu.Lock()
	sid := h.users[in.UserID]
	h.mu.Unlock()
	if sid == "" || in.UserID == "" {
		sid = h.p.session()
		h.mu.Lock()
		h.users[in.UserID], h.chats = sid, append(h.chats, sid)
		h.mu.Unlock()
	}
	b, _ := json.Marshal(map[string]string{"session": sid, "id": randomID(), "text": in.Text, "name": in.UserName})
	h.last = string(b)
	if st, body := h.p.do("POST", "messages", h.last); st != http.StatusAccepted {
		t.Fatalf("POST messages: %d %s", st, body)
	}
	return sid
}

func (h *harness) Redeliver(t *testing.T) {
	t.Helper()
	if st, body := h.p.do("POST", "messages", h.last); st != http.StatusAccepted {
		t.Fatalf("POST messages again: %d %s", st, body)
	}
}

func (h *harness) Sent(t *testing.T) []adaptertest.Sent {
	t.Helper()
	h.mu.Lock()
	chats := append([]string(nil), h.chats...)
	h.mu.Unlock()
	var out []adaptertest.Sent
	for _, c := range chats {
		for _, e := range h.p.replies(c) {
			out = append(out, adaptertest.Sent{Chat: c, Text: e.Text, ReplyTo: e.ReplyTo})
		}
	}
	return out
}

func (h *harness) FailNext(t *testing.T, f adaptertest.Failure) {
	var err error
	switch f {
	case adaptertest.FailRateLimit:
		err = &bot.SendError{Kind: bot.SendRateLimited, RetryAfter: adaptertest.RetryAfter, Code: "rate_limited"}
	case adaptertest.FailServer:
		err = &bot.SendError{Kind: bot.SendTemporary, Code: "unavailable"}
	case adaptertest.FailUnauthorized:
		err = &bot.SendError{Kind: bot.SendUnauthorized, Code: "unauthorized"}
	default:
		t.Fatalf("unknown failure %d", f)
	}
	h.a.failMu.Lock()
	h.a.failSend = err
	h.a.failMu.Unlock()
}

func TestConformance(t *testing.T) {
	adaptertest.Run(t, func(t *testing.T, inbox bot.Inbox) (bot.Adapter, adaptertest.Harness) {
		a := newAdapter(t, inbox, nil)
		return a, &harness{a: a, p: newPage(t, a), users: map[string]string{}}
	})
}

// TestUnknownSessionCreatesNothing: an id the service did not issue is
// answered 404 JSON on every endpoint, and nothing is stored or held.
func TestUnknownSessionCreatesNothing(t *testing.T) {
	inbox := &adaptertest.Recorder{}
	a := newAdapter(t, inbox, nil)
	p := newPage(t, a)
	real := p.session()
	forged := real[:len(real)-1] + string("0123456789abcdef"[(strings.IndexByte("0123456789abcdef", real[len(real)-1])+1)%16])
	for i, sid := range []string{"any-new-id-0001", strings.Repeat("a", 56), forged} {
		st, b := p.do("GET", "replies?wait=0&session="+sid, "")
		wantError(t, fmt.Sprint(i, " replies"), st, b, http.StatusNotFound)
		st, b = p.do("GET", "history?session="+sid, "")
		wantError(t, fmt.Sprint(i, " history"), st, b, http.StatusNotFound)
		for _, path := range []string{"messages", "send"} {
			st, b = p.do("POST", path, fmt.Sprintf(`{"session":%q,"text":"hi"}`, sid))
			wantError(t, fmt.Sprint(i, " ", path), st, b, http.StatusNotFound)
		}
		if _, err := a.Send(context.Background(), &bot.Outbound{ID: 1, Chat: sid, Kind: bot.OutReply, Text: "x"}); bot.SendErrorOf(err).Code != "unknown_session" {
			t.Errorf("%d: Send to an unknown session: %v, want unknown_session", i, err)
		}
	}
	if n := a.sessions.len(); n != 1 {
		t.Errorf("%d sessions held, want only the one issued", n)
	}
	if n := len(inbox.Events()); n != 0 {
		t.Errorf("%d events stored, want 0", n)
	}
	if st, b := p.post(real, "", "hello"); st != http.StatusAccepted {
		t.Errorf("the issued session: %d %s", st, b)
	}
}

func TestSessionIDs(t *testing.T) {
	a := newAdapter(t, &adaptertest.Recorder{}, nil)
	p := newPage(t, a)
	seen := map[string]bool{}
	for range 50 {
		id := p.session()
		if len(id) != idLen || !validID(id) || seen[id] {
			t.Fatalf("session id %q: want %d fresh hex characters", id, idLen)
		}
		seen[id] = true
	}
	if st, b := p.do("POST", "sessions", ""); st != http.StatusCreated {
		t.Errorf("POST sessions: %d %s", st, b)
	}
	// A GET must not create anything: a link or a crawler would.
	for _, path := range []string{"session", "sessions"} {
		st, b := p.do("GET", path, "")
		wantError(t, "GET "+path, st, b, http.StatusMethodNotAllowed)
	}
	if n := a.sessions.len(); n != 51 {
		t.Errorf("%d sessions, want 51", n)
	}
}

// TestSessionsSurviveARestart: the signing key is kept in the store, so an
// adapter built again on the same store takes the page's id back.
func TestSessionsSurviveARestart(t *testing.T) {
	inbox := &adaptertest.Recorder{}
	sid := newPage(t, newAdapter(t, inbox, nil)).session()
	p := newPage(t, newAdapter(t, inbox, nil))
	if st, b := p.post(sid, "msg-00000001", "hello again"); st != http.StatusAccepted {
		t.Fatalf("after a restart: %d %s", st, b)
	}
	other := newPage(t, newAdapter(t, &adaptertest.Recorder{}, nil))
	st, b := other.post(sid, "msg-00000002", "hello")
	wantError(t, "another store's adapter", st, b, http.StatusNotFound)
}

func TestSessionCap(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	var clock sync.Mutex
	tick := func(d time.Duration) { clock.Lock(); now = now.Add(d); clock.Unlock() }
	a := New("default", Config{MaxTextLength: 100, PollTimeout: 10 * time.Second, SessionTTL: time.Hour, MaxSessions: 3},
		bot.AdapterDeps{Inbox: &adaptertest.Recorder{}, Now: func() time.Time { clock.Lock(); defer clock.Unlock(); return now }})
	p := newPage(t, a)
	var ids []string
	for range 3 {
		ids = append(ids, p.session())
		tick(time.Second)
	}
	p.replies(ids[0]) // ids[1] is now the least recently used
	ids = append(ids, p.session())
	if n := a.sessions.len(); n != 3 {
		t.Fatalf("%d sessions, want the cap of 3", n)
	}
	a.sessions.mu.Lock()
	_, evicted := a.sessions.byID[ids[1]]
	a.sessions.mu.Unlock()
	if evicted {
		t.Errorf("the least recently used session was kept")
	}
	// An evicted id was issued: it comes back, empty, making room again.
	if got := p.history(ids[1]); len(got) != 0 {
		t.Errorf("evicted session came back with %d messages", len(got))
	}

	// Every session has a page waiting: a new one is refused, not evicted.
	var wg sync.WaitGroup
	a.sessions.mu.Lock()
	var held []string
	for id := range a.sessions.byID {
		held = append(held, id)
	}
	a.sessions.mu.Unlock()
	for _, id := range held {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.entries("replies?session="+id, "replies")
		}()
	}
	wait.For(t, 5*time.Second, "three waiting pages", func() bool {
		a.sessions.mu.Lock()
		defer a.sessions.mu.Unlock()
		n := 0
		for _, s := range a.sessions.byID {
			n += s.waiting
		}
		return n == 3
	})
	st, b := p.do("POST", "session", "")
	wantError(t, "a session over the cap", st, b, http.StatusServiceUnavailable)
	for i, id := range held {
		if _, err := a.Send(context.Background(), &bot.Outbound{ID: uint64(i + 1), Chat: id, Kind: bot.OutReply, Text: "done"}); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()

	// Idle past the TTL: forgotten, history and all.
	if _, err := a.Send(context.Background(), &bot.Outbound{ID: 9, Chat: held[0], Kind: bot.OutReply, Text: "kept?"}); err != nil {
		t.Fatal(err)
	}
	tick(2 * time.Hour)
	if h := p.history(held[0]); len(h) != 0 {
		t.Errorf("a session idle past the TTL came back with %d messages", len(h))
	}
	if n := a.sessions.len(); n != 1 {
		t.Errorf("%d sessions after the TTL, want only the one used again", n)
	}
}

// TestHistoryBothSidesInOrder: what a reload shows is the conversation,
// the follower's messages and the replies in the order they happened.
func TestHistoryBothSidesInOrder(t *testing.T) {
	inbox := &adaptertest.Recorder{}
	a := newAdapter(t, inbox, nil)
	p := newPage(t, a)
	sid := p.session()
	var want []string
	for i := range 3 {
		text := fmt.Sprintf("سوال %d: شماره 021-00000001", i)
		if st, b := p.post(sid, fmt.Sprintf("msg-%08d", i), text); st != http.StatusAccepted {
			t.Fatalf("%d: %d %s", i, st, b)
		}
		ev := inbox.Wait(t, i+1)[i]
		reply := fmt.Sprintf("reply %d", i)
		if _, err := a.Send(context.Background(), &bot.Outbound{ID: uint64(10 + i), Chat: ev.Chat, Kind: bot.OutReply, ReplyTo: ev.ID, Text: reply, Lang: "en"}); err != nil {
			t.Fatal(err)
		}
		want = append(want, "me:"+text, "bot:"+reply)
	}
	// A retried post and a resent reply do not repeat.
	if st, b := p.post(sid, "msg-00000001", "سوال 1: شماره 021-00000001"); st != http.StatusAccepted {
		t.Fatalf("retry: %d %s", st, b)
	}
	if _, err := a.Send(context.Background(), &bot.Outbound{ID: 11, Chat: sid, Kind: bot.OutReply, Text: "reply 1"}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range p.history(sid) {
		got = append(got, e.From+":"+e.Text)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("history:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := len(p.replies(sid)); n != 3 {
		t.Errorf("replies lists %d, want the 3 replies only", n)
	}

	// A message the store refused is not in the history either.
	inbox.SetFail(errors.New("disk full"))
	st, b := p.post(sid, "msg-00000099", "lost?")
	wantError(t, "store failure", st, b, http.StatusServiceUnavailable)
	if h := p.history(sid); len(h) != 6 {
		t.Errorf("history has %d entries after a refused message, want 6", len(h))
	}
}

func TestHistoryIsBounded(t *testing.T) {
	a := newAdapter(t, &adaptertest.Recorder{}, nil)
	p := newPage(t, a)
	sid := p.session()
	for i := range historyEntries + 20 {
		if _, err := a.Send(context.Background(), &bot.Outbound{ID: uint64(i + 1), Chat: sid, Kind: bot.OutReply, Text: strings.Repeat("ب", 100)}); err != nil {
			t.Fatal(err)
		}
	}
	h := p.history(sid)
	if len(h) > historyEntries {
		t.Fatalf("history holds %d entries, want at most %d", len(h), historyEntries)
	}
	size := 0
	for _, e := range h {
		size += len(e.Text)
	}
	if size > historyBytes {
		t.Errorf("history holds %d bytes of text, want at most %d", size, historyBytes)
	}
	if last := h[len(h)-1]; last.Seq != historyEntries+20 {
		t.Errorf("the newest reply has seq %d, want %d", last.Seq, historyEntries+20)
	}
}

// TestBadInput: each is refused with a JSON error and nothing is stored.
func TestBadInput(t *testing.T) {
	inbox := &adaptertest.Recorder{}
	a := newAdapter(t, inbox, func(c *Config) { c.MaxTextLength = 50 })
	p := newPage(t, a)
	sid := p.session()
	for i, tc := range []struct {
		name, body string
		status     int
	}{
		{"invalid UTF-8", `{"session":"` + sid + `","text":"سلام ` + "\xff\xfe" + `"}`, http.StatusBadRequest},
		{"invalid UTF-8 in the name", `{"session":"` + sid + `","text":"hi","name":"` + "\xc3" + `"}`, http.StatusBadRequest},
		{"lone surrogate", `{"session":"` + sid + `","text":"hi \ud800"}`, http.StatusBadRequest},
		{"null", `null`, http.StatusBadRequest},
		{"not an object", `["hi"]`, http.StatusBadRequest},
		{"trailing data", `{"session":"` + sid + `","text":"hi"} {}`, http.StatusBadRequest},
		{"unknown field", `{"session":"` + sid + `","text":"hi","evil":1}`, http.StatusBadRequest},
		{"empty", `{"session":"` + sid + `","text":"   "}`, http.StatusBadRequest},
		{"bad session", `{"session":"../../x","text":"hi"}`, http.StatusBadRequest},
		{"too long", `{"session":"` + sid + `","text":"` + strings.Repeat("ب", 51) + `"}`, http.StatusRequestEntityTooLarge},
		{"body too large", `{"session":"` + sid + `","text":"` + strings.Repeat("x", 100000) + `"}`, http.StatusRequestEntityTooLarge},
	} {
		st, b := p.do("POST", "messages", tc.body)
		wantError(t, fmt.Sprint(i, " ", tc.name), st, b, tc.status)
	}
	if n := len(inbox.Deliveries()); n != 0 {
		t.Errorf("%d events handed to the inbox, want 0", n)
	}
	if h := p.history(sid); len(h) != 0 {
		t.Errorf("history has %d entries, want 0", len(h))
	}
	// A replacement character the follower typed is text like any other.
	for i, text := range []string{"a \ufffd b", `a \ufffd b`, `a \uFFFD b`} {
		body := `{"session":"` + sid + `","id":"keep-000` + fmt.Sprint(i) + `","text":"` + text + `"}`
		if st, b := p.do("POST", "messages", body); st != http.StatusAccepted {
			t.Errorf("%d: %q: %d %s", i, text, st, b)
		}
	}
}

func TestRoutes(t *testing.T) {
	p := newPage(t, newAdapter(t, &adaptertest.Recorder{}, nil))
	st, b := p.do("GET", "", "")
	if st != http.StatusOK || !bytes.Contains(b, []byte("<html")) {
		t.Errorf("page: %d", st)
	}
	for i, tc := range []struct {
		method, path string
		status       int
	}{
		{"GET", "nothing-here", http.StatusNotFound},
		{"POST", "", http.StatusMethodNotAllowed},
		{"GET", "messages", http.StatusMethodNotAllowed},
		{"POST", "replies", http.StatusMethodNotAllowed},
		{"GET", "replies?session=../x", http.StatusBadRequest},
		{"GET", "history", http.StatusBadRequest},
	} {
		st, b := p.do(tc.method, tc.path, "")
		wantError(t, fmt.Sprint(i, " ", tc.method, " ", tc.path), st, b, tc.status)
	}
}

func TestConfigValidate(t *testing.T) {
	for i, tc := range []struct {
		edit func(*Config)
		key  string
	}{
		{func(*Config) {}, ""},
		{func(c *Config) { c.MaxSessions = 0 }, "max_sessions"},
		{func(c *Config) { c.MaxSessions = 2000000 }, "max_sessions"},
		{func(c *Config) { c.SessionTTL = 0 }, "session_ttl"},
	} {
		c := NewConfig()
		tc.edit(c)
		err := c.Validate()
		if (err == nil) != (tc.key == "") || (err != nil && !strings.Contains(err.Error(), tc.key)) {
			t.Errorf("%d: %v, want an error on %q", i, err, tc.key)
		}
	}
}

// TestSessionFlood: asking for far more sessions than max_sessions keeps
// the number held at the maximum, and the newest ones work.
func TestSessionFlood(t *testing.T) {
	a := newAdapter(t, &adaptertest.Recorder{}, func(c *Config) { c.MaxSessions = 500 })
	var last string
	for range 5000 {
		id, err := a.sessions.issue(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		last = id
	}
	if n := a.sessions.len(); n != 500 {
		t.Errorf("%d sessions held after a flood of 5000, want the maximum of 500", n)
	}
	if st, b := newPage(t, a).post(last, "", "hello"); st != http.StatusAccepted {
		t.Errorf("the newest session: %d %s", st, b)
	}
}

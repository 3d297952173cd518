// Package webchat is the built-in web chat: a page where a person tries the
// bot with no platform tokens. It is an adapter like the others: messages
// typed in the page become events, and replies are delivered to the page,
// which polls for them.
//
// # Sessions
//
// The page asks for a session (POST /session) and keeps its id; the id is
// unguessable and signed by the service, so an id it did not issue is
// answered 404 and creates nothing. Sessions live in memory, looked up by
// id, at most max_sessions of them: an idle one is forgotten after
// session_ttl, and when the maximum is reached the least recently used
// idle one makes room (if every session has a page waiting, a new one is
// refused with 503). Each keeps the conversation, both sides in order,
// bounded, so a reload of the page shows it again (GET /history).
package webchat

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"engagebot/adapters/internal/webhook"
	"engagebot/bot"
)

// Config is a webchat account's settings.
type Config struct {
	// MaxTextLength is the longest message a person may type, in characters.
	MaxTextLength int `yaml:"max_text_length"`
	// PollTimeout is how long the page's request for replies waits.
	PollTimeout time.Duration `yaml:"poll_timeout"`
	// SessionTTL forgets a session, and its history, after this long idle.
	SessionTTL time.Duration `yaml:"session_ttl"`
	// MaxSessions caps the sessions held in memory (default 10000); each
	// holds at most 100 messages or 32 KiB of text.
	MaxSessions int `yaml:"max_sessions"`
}

// Validate checks the settings.
func (c *Config) Validate() error {
	var errs []error
	if c.MaxTextLength < 1 || c.MaxTextLength > 100000 {
		errs = append(errs, &bot.FieldError{Key: "max_text_length", Reason: "must be between 1 and 100000"})
	}
	if c.PollTimeout <= 0 || c.PollTimeout > 2*time.Minute {
		errs = append(errs, &bot.FieldError{Key: "poll_timeout", Reason: "must be between 1s and 2m"})
	}
	if c.SessionTTL <= 0 {
		errs = append(errs, &bot.FieldError{Key: "session_ttl", Reason: "must be positive"})
	}
	if c.MaxSessions < 1 || c.MaxSessions > 1000000 {
		errs = append(errs, &bot.FieldError{Key: "max_sessions", Reason: "must be between 1 and 1000000"})
	}
	return errors.Join(errs...)
}

// MissingSecrets is empty: the web chat needs none.
func (c *Config) MissingSecrets() []string { return nil }

// NewConfig returns a Config with the defaults set.
func NewConfig() *Config {
	return &Config{MaxTextLength: 4000, PollTimeout: 25 * time.Second, SessionTTL: 24 * time.Hour, MaxSessions: 10000}
}

// Factory builds web chat accounts.
var Factory = bot.NewFactory([]string{bot.PlatformWebchat},
	func(string) *Config { return NewConfig() },
	func(_, name string, c *Config, deps bot.AdapterDeps) (bot.Adapter, error) {
		return New(name, *c, deps), nil
	})

// Adapter is one web chat account.
type Adapter struct {
	name     string
	cfg      Config
	inbox    bot.Inbox
	log      *slog.Logger
	now      func() time.Time
	sessions *sessions

	// failSend, when set, fails the next Send with its error: the page
	// cannot refuse a reply, so the conformance suite's platform failures
	// are made here.
	failMu   sync.Mutex
	failSend error
}

var (
	_ bot.Adapter          = (*Adapter)(nil)
	_ bot.WebhookHandler   = (*Adapter)(nil)
	_ bot.IdempotentSender = (*Adapter)(nil)
)

// New returns a web chat account.
func New(name string, cfg Config, deps bot.AdapterDeps) *Adapter {
	a := &Adapter{name: name, cfg: cfg, inbox: deps.Inbox, log: deps.Logger, now: deps.Now}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.cfg.MaxSessions < 1 {
		a.cfg.MaxSessions = NewConfig().MaxSessions
	}
	a.sessions = newSessions(a.cfg.MaxSessions, a.cfg.SessionTTL, a.now, storedKey(deps.Inbox, name))
	return a
}

// Platform returns "webchat".
func (a *Adapter) Platform() string { return bot.PlatformWebchat }

// Account returns the account name.
func (a *Adapter) Account() string { return a.name }

// Limits are generous: the page is local, but one chat still gets at most
// 20 replies a second so a loop cannot flood a browser.
func (a *Adapter) Limits() bot.Limits {
	return bot.Limits{Chat: map[bot.ChatType]bot.Rate{bot.ChatPrivate: {Count: 20, Per: time.Second}}, Burst: 20}
}

// IdempotentSend is true: a reply is keyed by its outbound id.
func (a *Adapter) IdempotentSend() bool { return true }

// Send delivers a reply to the session's page.
func (a *Adapter) Send(ctx context.Context, o *bot.Outbound) (bot.Delivery, error) {
	if o.Kind == bot.OutHide || o.Kind == bot.OutPost {
		return bot.Delivery{}, &bot.SendError{Kind: bot.SendPermanent, Code: "unsupported", Err: errors.New("webchat: " + string(o.Kind) + " is not supported")}
	}
	a.failMu.Lock()
	fail := a.failSend
	a.failSend = nil
	a.failMu.Unlock()
	if fail != nil {
		return bot.Delivery{}, fail
	}
	id := "out-" + strconv.FormatUint(o.ID, 10)
	err := a.sessions.use(ctx, o.Chat, func(s *session) {
		for _, e := range s.entries {
			if e.From == "bot" && e.outbound == o.ID {
				return // delivered before
			}
		}
		s.seq++
		s.add(Entry{Seq: s.seq, From: "bot", ID: id, Text: o.Text, Lang: o.Lang, ReplyTo: o.ReplyTo, Buttons: o.Buttons, At: a.now(), outbound: o.ID})
		close(s.notify)
		s.notify = make(chan struct{})
	})
	switch {
	case errors.Is(err, errUnknownSession):
		return bot.Delivery{}, &bot.SendError{Kind: bot.SendPermanent, Code: "unknown_session", Err: errors.New("webchat: the chat is not a session this service issued")}
	case errors.Is(err, errFull):
		return bot.Delivery{}, &bot.SendError{Kind: bot.SendTemporary, Code: "sessions_full", Err: errors.New("webchat: every session is busy")}
	case err != nil:
		return bot.Delivery{}, &bot.SendError{Kind: bot.SendTemporary, Code: "session_key", Err: err}
	}
	return bot.Delivery{PlatformID: id}, nil
}

// Webhook serves the page and its API; every refusal is JSON {"error"}:
//
//	GET  /                          the chat page
//	POST /session (or /sessions)    -> 201 {"session"}: a new session
//	POST /messages (or /send)       {"session","id","text","name","data"} -> 202
//	GET  /replies?session=&after=   replies after seq, waiting up to poll_timeout
//	GET  /history?session=          the conversation, both sides, in order
//
// An id the service did not issue is answered 404 and creates nothing.
func (a *Adapter) Webhook() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", only(http.MethodGet, a.handlePage))
	mux.HandleFunc("/session", only(http.MethodPost, a.handleNewSession))
	mux.HandleFunc("/sessions", only(http.MethodPost, a.handleNewSession))
	mux.HandleFunc("/messages", only(http.MethodPost, a.handleMessage))
	mux.HandleFunc("/send", only(http.MethodPost, a.handleMessage))
	mux.HandleFunc("/replies", only(http.MethodGet, a.handleReplies))
	mux.HandleFunc("/history", only(http.MethodGet, a.handleHistory))
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { webhook.NotFound(w) })
	return mux
}

// only answers a method other than method with 405 JSON.
func only(method string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != method && !(method == http.MethodGet && r.Method == http.MethodHead) {
			w.Header().Set("Allow", method)
			webhook.Error(w, http.StatusMethodNotAllowed, "method not allowed")
			return
		}
		h(w, r)
	}
}

//go:embed chat.html
var page []byte

func (a *Adapter) handlePage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'")
	w.Write(page)
}

func (a *Adapter) handleNewSession(w http.ResponseWriter, r *http.Request) {
	id, err := a.sessions.issue(r.Context())
	if err != nil {
		a.sessionError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"session": id})
}

// sessionError answers a failed session lookup or creation.
func (a *Adapter) sessionError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, errUnknownSession):
		webhook.Error(w, http.StatusNotFound, "unknown session: ask for a new one with POST session")
	case errors.Is(err, errFull):
		w.Header().Set("Retry-After", "60")
		webhook.Error(w, http.StatusServiceUnavailable, "too many open chats; try again in a minute")
	default:
		a.log.Error("webchat: session key", "err", err)
		webhook.Error(w, http.StatusServiceUnavailable, "chat is not available; try again")
	}
}

// MessageRequest is what the page posts.
type MessageRequest struct {
	Session string `json:"session"`
	// ID is the page's id for the message; a retried post with the same id
	// is stored once. Empty gets a fresh id.
	ID   string `json:"id"`
	Text string `json:"text"`
	Name string `json:"name"`
	// Data is a pressed button's payload, instead of text.
	Data string `json:"data"`
}

// maxBody bounds a message body: the longest text in 4-byte runes, and
// room for the other fields and escapes.
func (a *Adapter) maxBody() int64 { return int64(a.cfg.MaxTextLength)*4*2 + 4096 }

func (a *Adapter) handleMessage(w http.ResponseWriter, r *http.Request) {
	if a.inbox == nil {
		webhook.Error(w, http.StatusServiceUnavailable, "not receiving")
		return
	}
	raw, ok := webhook.ReadBody(w, r, a.maxBody())
	if !ok {
		return
	}
	req, status, msg := a.decodeMessage(raw)
	if status != 0 {
		webhook.Error(w, status, msg)
		return
	}
	if req.ID == "" {
		req.ID = randomID()
	}
	kind := bot.EventMessage
	if req.Data != "" {
		kind = bot.EventCallback
	}
	now := a.now()
	ev := bot.Event{
		Platform: bot.PlatformWebchat, Account: a.name, ID: req.Session + ":" + req.ID, Kind: kind,
		Chat: req.Session, ChatType: bot.ChatPrivate, Addressed: true,
		From: bot.Sender{ID: req.Session, Name: req.Name}, Text: req.Text, Data: req.Data, SentAt: now,
	}
	// The message joins the history before it is stored: the reply can
	// come before this handler runs again, and must come after it there.
	added := false
	err := a.sessions.use(r.Context(), req.Session, func(s *session) {
		for _, e := range s.entries {
			if e.From == "me" && e.ID == req.ID {
				return // a retried post
			}
		}
		text := req.Text
		if text == "" {
			text = req.Data
		}
		s.add(Entry{Seq: s.seq, From: "me", ID: req.ID, Text: text, At: now})
		added = true
	})
	if err != nil {
		a.sessionError(w, err)
		return
	}
	if err := a.inbox.Accept(r.Context(), []bot.Event{ev}, nil); err != nil {
		if added {
			a.forget(req.Session, req.ID)
		}
		a.log.Error("webchat: store message", "err", err)
		webhook.Error(w, http.StatusServiceUnavailable, "could not store the message; try again")
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"id": ev.ID})
}

// decodeMessage checks a posted message: a non-zero status refuses it.
func (a *Adapter) decodeMessage(raw []byte) (req MessageRequest, status int, msg string) {
	if !utf8.Valid(raw) {
		return req, http.StatusBadRequest, "body must be UTF-8"
	}
	if !webhook.IsObject(raw) {
		return req, http.StatusBadRequest, "body must be a JSON object"
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return req, http.StatusBadRequest, "malformed JSON: " + err.Error()
	}
	if _, err := dec.Token(); err != io.EOF {
		return req, http.StatusBadRequest, "malformed JSON: data after the object"
	}
	if repaired(req.Text+req.Name+req.Data+req.Session+req.ID, raw) {
		return req, http.StatusBadRequest, "text must be UTF-8: a lone surrogate escape is not a character"
	}
	req.Text = strings.TrimSpace(req.Text)
	switch {
	case !validID(req.Session):
		return req, http.StatusBadRequest, "session must be 8 to 64 letters, digits, '-' or '_'"
	case req.ID != "" && !validID(req.ID):
		return req, http.StatusBadRequest, "id must be 8 to 64 letters, digits, '-' or '_'"
	case req.Text == "" && req.Data == "":
		return req, http.StatusBadRequest, "text is empty"
	case utf8.RuneCountInString(req.Text) > a.cfg.MaxTextLength:
		return req, http.StatusRequestEntityTooLarge, "text longer than " + strconv.Itoa(a.cfg.MaxTextLength) + " characters"
	case len(req.Name) > 200 || len(req.Data) > 256:
		return req, http.StatusBadRequest, "name or data too long"
	}
	return req, 0, ""
}

// forget removes a follower's message that could not be stored.
func (a *Adapter) forget(sid, id string) {
	_ = a.sessions.use(context.Background(), sid, func(s *session) {
		for i, e := range s.entries {
			if e.From == "me" && e.ID == id {
				s.bytes -= len(e.Text)
				s.entries = append(s.entries[:i], s.entries[i+1:]...)
				return
			}
		}
	})
}

// sessionParam reads ?session=, answering 400 when it is malformed.
func sessionParam(w http.ResponseWriter, r *http.Request) (string, bool) {
	sid := r.URL.Query().Get("session")
	if !validID(sid) {
		webhook.Error(w, http.StatusBadRequest, "session must be 8 to 64 letters, digits, '-' or '_'")
		return "", false
	}
	return sid, true
}

func (a *Adapter) handleReplies(w http.ResponseWriter, r *http.Request) {
	sid, ok := sessionParam(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	after := 0
	if v := q.Get("after"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			webhook.Error(w, http.StatusBadRequest, "after must be a whole number")
			return
		}
		after = n
	}
	wait := a.cfg.PollTimeout
	if q.Get("wait") == "0" {
		wait = 0
	}
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	var waiting *session // counted as waiting while this request waits
	defer func() {
		if waiting != nil {
			_ = a.sessions.use(context.Background(), sid, func(s *session) {
				if s == waiting {
					s.waiting--
				}
			})
		}
	}()
	for {
		var out []Entry
		var notify chan struct{}
		err := a.sessions.use(r.Context(), sid, func(s *session) {
			for _, e := range s.entries {
				if e.From == "bot" && e.Seq > after {
					out = append(out, e)
				}
			}
			notify = s.notify
			if waiting != s && len(out) == 0 && wait > 0 {
				s.waiting++
				waiting = s
			}
		})
		if err != nil {
			a.sessionError(w, err)
			return
		}
		if len(out) > 0 || wait == 0 {
			writeJSON(w, http.StatusOK, map[string]any{"replies": nonNil(out)})
			return
		}
		select {
		case <-notify:
		case <-deadline.C:
			writeJSON(w, http.StatusOK, map[string]any{"replies": []Entry{}})
			return
		case <-r.Context().Done():
			return
		}
	}
}

func (a *Adapter) handleHistory(w http.ResponseWriter, r *http.Request) {
	sid, ok := sessionParam(w, r)
	if !ok {
		return
	}
	var out []Entry
	err := a.sessions.use(r.Context(), sid, func(s *session) { out = append(out, s.entries...) })
	if err != nil {
		a.sessionError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": nonNil(out)})
}

func nonNil(r []Entry) []Entry {
	if r == nil {
		return []Entry{}
	}
	return r
}

func validID(s string) bool {
	if len(s) < 8 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

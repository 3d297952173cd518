// Package webchat is the built-in web chat: a page where a person tries the
// bot with no platform tokens. It is an adapter like the others: messages
// typed in the page become events, and replies are delivered to the page,
// which polls for them.
package webchat

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"engagebot/bot"
)

// Config is a webchat account's settings.
type Config struct {
	// MaxTextLength is the longest message a person may type, in characters.
	MaxTextLength int `yaml:"max_text_length"`
	// PollTimeout is how long the page's request for replies waits.
	PollTimeout time.Duration `yaml:"poll_timeout"`
	// SessionTTL forgets delivered replies of an idle session after this long.
	SessionTTL time.Duration `yaml:"session_ttl"`
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
	return errors.Join(errs...)
}

// MissingSecrets is empty: the web chat needs none.
func (c *Config) MissingSecrets() []string { return nil }

// Factory builds web chat accounts.
var Factory = bot.NewFactory([]string{bot.PlatformWebchat},
	func(string) *Config {
		return &Config{MaxTextLength: 4000, PollTimeout: 25 * time.Second, SessionTTL: 24 * time.Hour}
	},
	func(_, name string, c *Config, deps bot.AdapterDeps) (bot.Adapter, error) {
		return New(name, *c, deps), nil
	})

// Adapter is one web chat account.
type Adapter struct {
	name  string
	cfg   Config
	inbox bot.Inbox
	log   *slog.Logger
	now   func() time.Time

	mu       sync.Mutex
	sessions map[string]*session
}

type session struct {
	replies []Reply
	seen    map[uint64]bool // outbound ids delivered: Send is idempotent
	notify  chan struct{}   // closed and replaced on each new reply
	touched time.Time
}

// Reply is a bot message as the page receives it.
type Reply struct {
	Seq     int            `json:"seq"`
	Text    string         `json:"text"`
	Lang    string         `json:"lang"`
	ReplyTo string         `json:"reply_to,omitempty"`
	Buttons [][]bot.Button `json:"buttons,omitempty"`
	At      time.Time      `json:"at"`
}

var (
	_ bot.Adapter          = (*Adapter)(nil)
	_ bot.WebhookHandler   = (*Adapter)(nil)
	_ bot.IdempotentSender = (*Adapter)(nil)
)

// New returns a web chat account.
func New(name string, cfg Config, deps bot.AdapterDeps) *Adapter {
	a := &Adapter{name: name, cfg: cfg, inbox: deps.Inbox, log: deps.Logger, now: deps.Now, sessions: map[string]*session{}}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.now == nil {
		a.now = time.Now
	}
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
func (a *Adapter) Send(_ context.Context, o *bot.Outbound) (bot.Delivery, error) {
	if o.Kind == bot.OutHide || o.Kind == bot.OutPost {
		return bot.Delivery{}, &bot.SendError{Kind: bot.SendPermanent, Code: "unsupported", Err: errors.New("webchat: " + string(o.Kind) + " is not supported")}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	s := a.session(o.Chat)
	id := "out-" + strconv.FormatUint(o.ID, 10)
	if s.seen[o.ID] {
		return bot.Delivery{PlatformID: id}, nil
	}
	s.seen[o.ID] = true
	s.replies = append(s.replies, Reply{Seq: len(s.replies) + 1, Text: o.Text, Lang: o.Lang, ReplyTo: o.ReplyTo, Buttons: o.Buttons, At: a.now()})
	close(s.notify)
	s.notify = make(chan struct{})
	return bot.Delivery{PlatformID: id}, nil
}

// session returns the session, creating it; a.mu must be held.
func (a *Adapter) session(id string) *session {
	s := a.sessions[id]
	if s == nil {
		a.gc()
		s = &session{seen: map[uint64]bool{}, notify: make(chan struct{})}
		a.sessions[id] = s
	}
	s.touched = a.now()
	return s
}

// gc forgets idle sessions; a.mu must be held.
func (a *Adapter) gc() {
	cut := a.now().Add(-a.cfg.SessionTTL)
	for id, s := range a.sessions {
		if s.touched.Before(cut) {
			delete(a.sessions, id)
		}
	}
}

// Webhook serves the page and its API:
//
//	GET  /                       the chat page
//	POST /messages               {"session","id","text","name"} -> 202
//	GET  /replies?session=&after= replies after seq, waiting up to poll_timeout
func (a *Adapter) Webhook() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", a.handlePage)
	mux.HandleFunc("POST /messages", a.handleMessage)
	mux.HandleFunc("GET /replies", a.handleReplies)
	mux.HandleFunc("GET /session", a.handleNewSession)
	return mux
}

//go:embed chat.html
var page []byte

func (a *Adapter) handlePage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'")
	w.Write(page)
}

func (a *Adapter) handleNewSession(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"session": newID()})
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

func (a *Adapter) handleMessage(w http.ResponseWriter, r *http.Request) {
	var req MessageRequest
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeError(w, http.StatusRequestEntityTooLarge, "message body too large")
			return
		}
		writeError(w, http.StatusBadRequest, "malformed JSON: "+err.Error())
		return
	}
	req.Text = strings.TrimSpace(req.Text)
	switch {
	case !validID(req.Session):
		writeError(w, http.StatusBadRequest, "session must be 8 to 64 letters, digits, '-' or '_'")
		return
	case req.ID != "" && !validID(req.ID):
		writeError(w, http.StatusBadRequest, "id must be 8 to 64 letters, digits, '-' or '_'")
		return
	case req.Text == "" && req.Data == "":
		writeError(w, http.StatusBadRequest, "text is empty")
		return
	case !utf8.ValidString(req.Text) || !utf8.ValidString(req.Name) || !utf8.ValidString(req.Data):
		writeError(w, http.StatusBadRequest, "text must be UTF-8")
		return
	case utf8.RuneCountInString(req.Text) > a.cfg.MaxTextLength:
		writeError(w, http.StatusRequestEntityTooLarge, "text longer than "+strconv.Itoa(a.cfg.MaxTextLength)+" characters")
		return
	case len(req.Name) > 200 || len(req.Data) > 256:
		writeError(w, http.StatusBadRequest, "name or data too long")
		return
	}
	if req.ID == "" {
		req.ID = newID()
	}
	kind := bot.EventMessage
	if req.Data != "" {
		kind = bot.EventCallback
	}
	ev := bot.Event{
		Platform: bot.PlatformWebchat, Account: a.name, ID: req.Session + ":" + req.ID, Kind: kind,
		Chat: req.Session, ChatType: bot.ChatPrivate, Addressed: true,
		From: bot.Sender{ID: req.Session, Name: req.Name}, Text: req.Text, Data: req.Data, SentAt: a.now(),
	}
	if err := a.inbox.Accept(r.Context(), []bot.Event{ev}, nil); err != nil {
		a.log.Error("webchat: store message", "err", err)
		writeError(w, http.StatusServiceUnavailable, "could not store the message; try again")
		return
	}
	a.mu.Lock()
	a.session(req.Session)
	a.mu.Unlock()
	writeJSON(w, http.StatusAccepted, map[string]string{"id": ev.ID})
}

func (a *Adapter) handleReplies(w http.ResponseWriter, r *http.Request) {
	sid := r.URL.Query().Get("session")
	if !validID(sid) {
		writeError(w, http.StatusBadRequest, "session must be 8 to 64 letters, digits, '-' or '_'")
		return
	}
	after, err := strconv.Atoi(r.URL.Query().Get("after"))
	if r.URL.Query().Get("after") == "" {
		after, err = 0, nil
	}
	if err != nil || after < 0 {
		writeError(w, http.StatusBadRequest, "after must be a whole number")
		return
	}
	wait := a.cfg.PollTimeout
	if r.URL.Query().Get("wait") == "0" {
		wait = 0
	}
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	for {
		a.mu.Lock()
		s := a.session(sid)
		var out []Reply
		if after < len(s.replies) {
			out = append(out, s.replies[after:]...)
		}
		notify := s.notify
		a.mu.Unlock()
		if len(out) > 0 || wait == 0 {
			writeJSON(w, http.StatusOK, map[string]any{"replies": nonNil(out)})
			return
		}
		select {
		case <-notify:
		case <-deadline.C:
			writeJSON(w, http.StatusOK, map[string]any{"replies": []Reply{}})
			return
		case <-r.Context().Done():
			return
		}
	}
}

func nonNil(r []Reply) []Reply {
	if r == nil {
		return []Reply{}
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

func newID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

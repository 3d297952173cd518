// Package telegramtest is a fake Telegram Bot API for tests: it serves
// /bot<token>/<method> like the real one, checks every call against the
// official method list (telegram-bot-api.json), feeds getUpdates or POSTs
// to a registered webhook, takes native polls (sendPoll) and delivers
// votes in them (Voted), enforces Telegram's sending limits, and injects
// failures (429 with retry_after, 5xx, timeouts, duplicate deliveries,
// malformed updates) on demand.
package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"engagebot/adapters/internal/fakeplatform"
	"engagebot/bot"
	"engagebot/internal/wait"
)

// DefaultToken is the token the fake accepts unless told otherwise; its
// bot id is 7000001.
const DefaultToken = "7000001:AAFakeTokenForTests_0123456789abcdefgh"

// Limits are the sending limits the fake enforces and records violations
// of. A zero Rate is unlimited.
type Limits struct {
	Bot     bot.Rate // all sends of the bot
	Private bot.Rate // per private chat
	Group   bot.Rate // per group or supergroup
	Channel bot.Rate // per channel
	// Slack forgives requests that arrive this much early, for jitter
	// between the sender's clock and the fake's.
	Slack time.Duration
}

// TelegramLimits are Telegram's documented limits.
var TelegramLimits = Limits{
	Bot:     bot.Rate{Count: 30, Per: time.Second},
	Private: bot.Rate{Count: 1, Per: time.Second},
	Group:   bot.Rate{Count: 20, Per: time.Minute},
	Channel: bot.Rate{Count: 20, Per: time.Minute},
}

// FailureKind is a failure the fake can inject.
type FailureKind int

const (
	// RateLimit answers 429 with parameters.retry_after = RetryAfter.
	RateLimit FailureKind = iota + 1
	// ServerError answers Status (default 500) with the error envelope.
	ServerError
	// Unauthorized answers 401, as for a revoked token.
	Unauthorized
	// Forbidden answers 403, as when the follower blocked the bot.
	Forbidden
	// BadRequest answers 400 with Description.
	BadRequest
	// MigrateChat answers 400 with parameters.migrate_to_chat_id = MigrateTo.
	MigrateChat
	// Timeout holds the answer for Delay (beyond the client's timeout);
	// with Deliver the call takes effect first, so the sender cannot know.
	Timeout
	// Garbled answers 200 with a body that is not JSON.
	Garbled
)

// Failure is one injected failure.
type Failure struct {
	Kind        FailureKind
	RetryAfter  int // seconds, RateLimit
	Status      int // ServerError
	Description string
	MigrateTo   int64
	Delay       time.Duration // Timeout
	Deliver     bool          // Timeout
}

// Call is one request the fake received.
type Call struct {
	Method string // canonical name when the spec knows it
	Params map[string]any
	// Status is the HTTP status the fake answered; Error its description
	// when it refused the call.
	Status int
	Error  string
	// Webhook marks a call made in a webhook's answer.
	Webhook bool
	// Injected marks a call failed on purpose (FailNext, FailEvery).
	Injected bool
	At       time.Time
}

// Sent is a message the fake accepted (sendMessage).
type Sent struct {
	ChatRef           string // chat_id as the adapter sent it
	ChatID            int64
	ChatType          string
	Text              string
	ReplyTo           int // reply_parameters.message_id; 0 when not a reply
	AllowWithoutReply bool
	Keyboard          *Keyboard
	MessageID         int
	At                time.Time
}

// Violation is a send the fake saw beyond a limit.
type Violation struct {
	ChatID int64
	Limit  string // "bot", "private", "group", "channel"
	At     time.Time
}

// Webhook is what setWebhook registered.
type Webhook struct {
	URL            string
	SecretToken    string
	AllowedUpdates []string
	MaxConnections int
}

// SecretMode is how a webhook delivery carries the secret token.
type SecretMode int

const (
	RightSecret SecretMode = iota
	WrongSecret
	NoSecret
)

// Option configures a Server.
type Option func(*Server)

// WithToken sets the bot token the fake accepts.
func WithToken(token string) Option { return func(s *Server) { s.Token = token } }

// WithUsername sets the bot's username.
func WithUsername(name string) Option { return func(s *Server) { s.Bot.Username = name } }

// WithLimits sets the enforced limits (default TelegramLimits).
func WithLimits(l Limits) Option { return func(s *Server) { s.limits = l } }

// WithoutEnforcement records limit violations without answering 429.
func WithoutEnforcement() Option { return func(s *Server) { s.enforce = false } }

// WithoutHistory keeps no calls and no sent messages, only their count
// (SentCount), for a benchmark whose process should hold the service's
// memory, not a copy of every message the fake was sent.
func WithoutHistory() Option { return func(s *Server) { s.noHistory = true } }

// WithSpec checks every call against the spec file at path. When the file
// is absent the check is skipped and the test log says why.
func WithSpec(path string) Option { return func(s *Server) { s.specPath = path } }

// Server is the fake Bot API. Use URL as the adapter's api_base.
type Server struct {
	URL   string
	Token string
	Bot   User

	t        testing.TB
	srv      *httptest.Server
	specPath string
	spec     *Spec
	limits   Limits
	enforce  bool
	// noHistory: WithoutHistory.
	noHistory bool
	hooks     *http.Client
	closed    chan struct{}

	mu         sync.Mutex
	nextUpdate int
	nextUser   int64
	nextGroup  int64
	msgIDs     map[int64]int
	chats      map[int64]Chat
	usernames  map[string]int64
	queue      []queued
	webhook    Webhook
	calls      []Call
	sent       []Sent
	sentN      int // messages sent, kept also WithoutHistory
	polls      []SentPoll
	pollByID   map[string]int // index in polls
	nextPoll   int64
	failures   fakeplatform.Failures[Failure]
	history    map[int64][]time.Time
	global     []time.Time
	violations []Violation
	last       []byte
	wake       chan struct{}
}

type queued struct {
	id     int
	raw    json.RawMessage
	forced bool // served once even below the offset (a redelivery)
}

// NewServer starts a fake on loopback, closed when the test ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{
		Token: DefaultToken, Bot: User{IsBot: true, FirstName: "Engage Test", Username: "engage_test_bot"},
		t: t, limits: TelegramLimits, enforce: true, closed: make(chan struct{}),
		nextUpdate: 100000001, nextUser: 5000001, nextGroup: 1000000001,
		msgIDs: map[int64]int{}, chats: map[int64]Chat{}, usernames: map[string]int64{},
		pollByID: map[string]int{}, nextPoll: 5300000000000000000,
		history: map[int64][]time.Time{},
		wake:    make(chan struct{}),
		hooks:   &http.Client{Timeout: 30 * time.Second},
	}
	for _, o := range opts {
		o(s)
	}
	id, err := strconv.ParseInt(strings.SplitN(s.Token, ":", 2)[0], 10, 64)
	if err != nil {
		t.Fatalf("telegramtest: token %q does not start with a bot id", s.Token)
	}
	s.Bot.ID = id
	if s.specPath != "" {
		spec, err := LoadSpec(s.specPath)
		switch {
		case errors.Is(err, os.ErrNotExist):
			specMissing(t, s.specPath)
		case err != nil:
			t.Fatalf("telegramtest: %v", err)
		default:
			s.spec = spec
		}
	}
	s.srv = httptest.NewServer(s)
	s.URL = s.srv.URL
	t.Cleanup(s.Close)
	return s
}

// Close stops the fake; long polls return at once.
func (s *Server) Close() {
	s.mu.Lock()
	select {
	case <-s.closed:
		s.mu.Unlock()
		return
	default:
		close(s.closed)
	}
	s.mu.Unlock()
	s.srv.Close()
}

// Spec is the loaded spec, nil when the check is skipped.
func (s *Server) Spec() *Spec { return s.spec }

// ---- test controls ----

// FailNext makes the next call of method ("sendMessage", case-insensitive)
// fail with f. Failures queue up in order.
func (s *Server) FailNext(method string, f Failure) {
	s.failures.Next(strings.ToLower(method), f)
}

// FailEvery makes every n-th call of method fail with f (n <= 0 stops it).
func (s *Server) FailEvery(method string, n int, f Failure) {
	s.failures.Every(strings.ToLower(method), n, f)
}

// NewUser returns a new follower.
func (s *Server) NewUser(firstName string) User {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextUser++
	return User{ID: s.nextUser, FirstName: firstName, LanguageCode: "fa"}
}

// NewGroup returns a new supergroup.
func (s *Server) NewGroup(title string) Chat {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextGroup++
	c := Chat{ID: -1000000000000 - s.nextGroup, Type: "supergroup", Title: title}
	s.chats[c.ID] = c
	return c
}

// NewChannel returns a new channel, reachable as @username too.
func (s *Server) NewChannel(username, title string) Chat {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.channelLocked(username, title)
}

func (s *Server) channelLocked(username, title string) Chat {
	s.nextGroup++
	c := Chat{ID: -1000000000000 - s.nextGroup, Type: "channel", Title: title, Username: username}
	s.chats[c.ID] = c
	if username != "" {
		s.usernames[strings.ToLower(username)] = c.ID
	}
	return c
}

// Enqueue queues an update for getUpdates, assigning update_id, message
// ids and dates where zero, and returns its update_id.
func (s *Server) Enqueue(u *Update) int {
	raw := s.prepare(u)
	s.enqueue(u.UpdateID, raw, false)
	return u.UpdateID
}

// EnqueueRaw queues a body verbatim (a malformed update, say). Its
// update_id, when readable, orders it; otherwise it gets the next one
// without the body showing it.
func (s *Server) EnqueueRaw(raw []byte) {
	var head struct {
		UpdateID *int `json:"update_id"`
	}
	s.mu.Lock()
	id := s.nextUpdate
	if json.Unmarshal(raw, &head) == nil && head.UpdateID != nil {
		id = *head.UpdateID
		s.nextUpdate = max(s.nextUpdate, id+1)
	} else {
		s.nextUpdate++
	}
	s.mu.Unlock()
	s.enqueue(id, slices.Clone(raw), false)
}

// EnqueueDuplicate serves the last update again, even if the poller has
// confirmed it, as after a lost acknowledgement.
func (s *Server) EnqueueDuplicate() {
	s.mu.Lock()
	last := s.last
	s.mu.Unlock()
	if last == nil {
		s.t.Errorf("telegramtest: EnqueueDuplicate before any update")
		return
	}
	var head struct {
		UpdateID int `json:"update_id"`
	}
	json.Unmarshal(last, &head)
	s.enqueue(head.UpdateID, last, true)
}

func (s *Server) enqueue(id int, raw json.RawMessage, forced bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, queued{id: id, raw: raw, forced: forced})
	s.last = raw
	close(s.wake)
	s.wake = make(chan struct{})
}

// Pending is the number of updates not yet confirmed by getUpdates.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// Deliver POSTs the update to the registered webhook with the right
// secret token and returns the HTTP status the adapter answered.
func (s *Server) Deliver(u *Update) (int, error) { return s.DeliverWith(u, RightSecret) }

// DeliverWith POSTs the update with the secret token right, wrong or absent.
func (s *Server) DeliverWith(u *Update, mode SecretMode) (int, error) {
	return s.DeliverRaw(s.prepare(u), mode)
}

// Redeliver POSTs the last update again, as Telegram does when it did not
// get a 2xx or the acknowledgement was lost.
func (s *Server) Redeliver() (int, error) {
	s.mu.Lock()
	last := s.last
	s.mu.Unlock()
	if last == nil {
		return 0, errors.New("telegramtest: nothing delivered yet")
	}
	return s.DeliverRaw(last, RightSecret)
}

// DeliverRaw POSTs a body verbatim to the registered webhook. A method in
// a 2xx answer (the webhook-reply form of a Bot API call) is checked and
// recorded like any call.
func (s *Server) DeliverRaw(raw []byte, mode SecretMode) (int, error) {
	s.mu.Lock()
	hook := s.webhook
	s.last = slices.Clone(raw)
	s.mu.Unlock()
	if hook.URL == "" {
		return 0, errors.New("telegramtest: no webhook registered (call setWebhook first)")
	}
	req, err := http.NewRequest(http.MethodPost, hook.URL, bytes.NewReader(raw))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	switch mode {
	case RightSecret:
		if hook.SecretToken != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", hook.SecretToken)
		}
	case WrongSecret:
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", hook.SecretToken+"x")
	}
	resp, err := s.hooks.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 == 2 && len(bytes.TrimSpace(body)) > 0 {
		var call map[string]any
		if err := unmarshalNumber(body, &call); err == nil {
			if m, ok := call["method"].(string); ok {
				delete(call, "method")
				s.handle(context.Background(), m, call, false, true)
			}
		}
	}
	return resp.StatusCode, nil
}

// Encode fills the update's ids and dates as Deliver does and returns its
// JSON, for a test that posts updates itself (a load test).
func (s *Server) Encode(u *Update) []byte { return s.prepare(u) }

// prepare fills ids and dates and returns the update's JSON.
func (s *Server) prepare(u *Update) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.UpdateID == 0 {
		u.UpdateID = s.nextUpdate
		s.nextUpdate++
	}
	now := time.Now().Unix()
	fill := func(m *Message) {
		if m == nil {
			return
		}
		s.chats[m.Chat.ID] = m.Chat
		if m.MessageID == 0 {
			s.msgIDs[m.Chat.ID]++
			m.MessageID = s.msgIDs[m.Chat.ID]
		}
		if m.Date == 0 {
			m.Date = now
		}
	}
	fill(u.message())
	if u.CallbackQuery != nil {
		fill(u.CallbackQuery.Message)
	}
	if u.MyChatMember != nil && u.MyChatMember.Date == 0 {
		u.MyChatMember.Date = now
	}
	b, err := json.Marshal(u)
	if err != nil {
		s.t.Errorf("telegramtest: %v", err)
	}
	return b
}

// Webhook returns what setWebhook registered.
func (s *Server) Webhook() Webhook {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook
}

// SetWebhook registers a webhook directly, as if setWebhook were called.
func (s *Server) SetWebhook(h Webhook) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook = h
}

// Calls lists every call received, refused ones included.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// CallsOf lists the calls of one method.
func (s *Server) CallsOf(method string) []Call {
	var out []Call
	for _, c := range s.Calls() {
		if strings.EqualFold(c.Method, method) {
			out = append(out, c)
		}
	}
	return out
}

// Refused lists calls the fake refused as invalid (unknown method, missing
// or unknown field), which a correct adapter never makes.
func (s *Server) Refused() []Call {
	var out []Call
	for _, c := range s.Calls() {
		if !c.Injected && (c.Status == http.StatusBadRequest || c.Status == http.StatusNotFound) {
			out = append(out, c)
		}
	}
	return out
}

// Sent lists the messages the fake accepted, in order.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sent)
}

// SentCount is len(Sent()) without the copy, for a caller that polls.
func (s *Server) SentCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sentN
}

// WaitSent waits up to d for at least n accepted messages.
func (s *Server) WaitSent(t testing.TB, n int, d time.Duration) []Sent {
	t.Helper()
	return wait.Len(t, d, "telegramtest: messages sent", n, s.Sent)
}

// Violations lists sends beyond the limits.
func (s *Server) Violations() []Violation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.violations)
}

// ---- the API ----

// ServeHTTP serves /bot<token>/<method>.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || method == "" || strings.Contains(method, "/") {
		writeJSON(w, http.StatusNotFound, apiResponse{ErrorCode: 404, Description: "Not Found"})
		return
	}
	if token != s.Token {
		writeJSON(w, http.StatusUnauthorized, apiResponse{ErrorCode: 401, Description: "Unauthorized"})
		return
	}
	params, form, err := readParams(r)
	if err != nil {
		s.record(Call{Method: method, Status: 400, Error: err.Error()})
		writeJSON(w, http.StatusBadRequest, apiResponse{ErrorCode: 400, Description: "Bad Request: " + err.Error()})
		return
	}
	status, body := s.handle(r.Context(), method, params, form, false)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}

// handle runs one call and returns the HTTP status and body.
func (s *Server) handle(ctx context.Context, method string, params map[string]any, form, webhook bool) (int, []byte) {
	call := Call{Method: method, Params: params, Webhook: webhook, At: time.Now()}
	fail := func(status int, desc string, p *responseParams) (int, []byte) {
		call.Status, call.Error = status, desc
		s.record(call)
		return status, mustJSON(apiResponse{ErrorCode: status, Description: desc, Parameters: p})
	}
	if s.spec != nil {
		name, ok := s.spec.Method(method)
		if !ok {
			return fail(http.StatusNotFound, "Not Found: method "+method+" not found", nil)
		}
		call.Method = name
		if err := s.spec.Check(name, params, form); err != nil {
			return fail(http.StatusBadRequest, "Bad Request: "+strings.ReplaceAll(err.Error(), "\n", "; "), nil)
		}
	}
	lower := strings.ToLower(call.Method)
	if f, ok := s.failures.Take(lower); ok {
		call.Injected = true
		switch f.Kind {
		case RateLimit:
			return fail(http.StatusTooManyRequests, fmt.Sprintf("Too Many Requests: retry after %d", f.RetryAfter), &responseParams{RetryAfter: f.RetryAfter})
		case ServerError:
			st := f.Status
			if st == 0 {
				st = http.StatusInternalServerError
			}
			return fail(st, http.StatusText(st), nil)
		case Unauthorized:
			return fail(http.StatusUnauthorized, "Unauthorized", nil)
		case Forbidden:
			return fail(http.StatusForbidden, "Forbidden: bot was blocked by the user", nil)
		case BadRequest:
			return fail(http.StatusBadRequest, "Bad Request: "+f.Description, nil)
		case MigrateChat:
			return fail(http.StatusBadRequest, "Bad Request: group chat was upgraded to a supergroup chat", &responseParams{MigrateToChatID: f.MigrateTo})
		case Garbled:
			call.Status = http.StatusOK
			s.record(call)
			return http.StatusOK, []byte("<html>upstream garbled</html>")
		case Timeout:
			status, body := http.StatusGatewayTimeout, mustJSON(apiResponse{ErrorCode: 504, Description: "Gateway Timeout"})
			if f.Deliver {
				status, body = s.dispatch(ctx, lower, params, &call)
			}
			select {
			case <-time.After(f.Delay):
			case <-ctx.Done():
			case <-s.closed:
			}
			call.Status = status
			s.record(call)
			return status, body
		}
	}
	status, body := s.dispatch(ctx, lower, params, &call)
	call.Status = status
	s.record(call)
	return status, body
}

func (s *Server) record(c Call) {
	if s.noHistory {
		return
	}
	if c.At.IsZero() {
		c.At = time.Now()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
}

func (s *Server) dispatch(ctx context.Context, method string, p map[string]any, call *Call) (int, []byte) {
	bad := func(desc string) (int, []byte) {
		call.Error = desc
		return http.StatusBadRequest, mustJSON(apiResponse{ErrorCode: 400, Description: "Bad Request: " + desc})
	}
	ok := func(v any) (int, []byte) { return http.StatusOK, mustJSON(apiResponse{OK: true, Result: v}) }
	switch method {
	case "getme":
		return ok(map[string]any{
			"id": s.Bot.ID, "is_bot": true, "first_name": s.Bot.FirstName, "username": s.Bot.Username,
			"can_join_groups": true, "can_read_all_group_messages": false, "supports_inline_queries": false,
		})
	case "sendmessage":
		return s.sendMessage(p, call)
	case "sendpoll":
		return s.sendPoll(p, call)
	case "answercallbackquery", "editmessagetext", "editmessagereplymarkup", "deletemessage", "setmycommands":
		return ok(true)
	case "getupdates":
		return s.getUpdates(ctx, p)
	case "setwebhook":
		u := str(p["url"])
		if u == "" {
			s.SetWebhook(Webhook{})
			return ok(true)
		}
		if pu, err := url.Parse(u); err != nil || (pu.Scheme != "https" && pu.Scheme != "http") || pu.Host == "" {
			return bad("bad webhook: invalid URL")
		}
		h := Webhook{URL: u, SecretToken: str(p["secret_token"])}
		if n, err := strconv.Atoi(str(p["max_connections"])); err == nil {
			h.MaxConnections = n
		}
		if err := decodeJSONField(p["allowed_updates"], &h.AllowedUpdates); err != nil {
			return bad("allowed_updates: " + err.Error())
		}
		s.SetWebhook(h)
		return ok(true)
	case "deletewebhook":
		s.mu.Lock()
		s.webhook = Webhook{}
		if str(p["drop_pending_updates"]) == "true" {
			s.queue = nil
		}
		s.mu.Unlock()
		return ok(true)
	case "getwebhookinfo":
		s.mu.Lock()
		defer s.mu.Unlock()
		return ok(map[string]any{"url": s.webhook.URL, "has_custom_certificate": false, "pending_update_count": len(s.queue), "allowed_updates": s.webhook.AllowedUpdates})
	case "getchat":
		c, found := s.resolveChat(str(p["chat_id"]))
		if !found {
			return bad("chat not found")
		}
		return ok(c)
	}
	return bad("the fake does not implement " + call.Method)
}

func (s *Server) getUpdates(ctx context.Context, p map[string]any) (int, []byte) {
	offset, _ := strconv.Atoi(str(p["offset"]))
	limit, err := strconv.Atoi(str(p["limit"]))
	if err != nil || limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(str(p["timeout"]))
	deadline := time.Now().Add(time.Duration(timeout) * time.Second)
	for {
		s.mu.Lock()
		if s.webhook.URL != "" {
			s.mu.Unlock()
			return http.StatusConflict, mustJSON(apiResponse{ErrorCode: 409, Description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"})
		}
		// An offset confirms every update below it.
		var keep []queued
		var out []json.RawMessage
		for _, q := range s.queue {
			switch {
			case q.forced:
				if len(out) < limit {
					out = append(out, q.raw)
					continue // served once
				}
				keep = append(keep, q)
			case q.id >= offset:
				if len(out) < limit {
					out = append(out, q.raw)
				}
				keep = append(keep, q)
			}
		}
		s.queue = keep
		wake := s.wake
		s.mu.Unlock()
		if len(out) > 0 || !time.Now().Before(deadline) {
			if out == nil {
				out = []json.RawMessage{}
			}
			return http.StatusOK, mustJSON(apiResponse{OK: true, Result: out})
		}
		select {
		case <-wake:
		case <-time.After(time.Until(deadline)):
		case <-ctx.Done():
			return http.StatusOK, mustJSON(apiResponse{OK: true, Result: []json.RawMessage{}})
		case <-s.closed:
			return http.StatusOK, mustJSON(apiResponse{OK: true, Result: []json.RawMessage{}})
		}
	}
}

func (s *Server) sendMessage(p map[string]any, call *Call) (int, []byte) {
	bad := func(desc string) (int, []byte) {
		call.Error = desc
		return http.StatusBadRequest, mustJSON(apiResponse{ErrorCode: 400, Description: "Bad Request: " + desc})
	}
	ref := str(p["chat_id"])
	text := str(p["text"])
	if text == "" {
		return bad("message text is empty")
	}
	if n := len(utf16Units(text)); n > 4096 {
		return bad("message is too long")
	}
	var rp struct {
		MessageID         int  `json:"message_id"`
		AllowWithoutReply bool `json:"allow_sending_without_reply"`
	}
	if err := decodeJSONField(p["reply_parameters"], &rp); err != nil {
		return bad("can't parse reply parameters: " + err.Error())
	}
	var kb *Keyboard
	if p["reply_markup"] != nil {
		kb = &Keyboard{}
		if err := decodeJSONField(p["reply_markup"], kb); err != nil {
			return bad("can't parse reply keyboard markup JSON object")
		}
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	chat, found := s.resolveChatLocked(ref)
	if !found {
		return bad("chat not found")
	}
	if status, body, ok := s.admitLocked(chat, now, call); !ok {
		return status, body
	}
	s.msgIDs[chat.ID]++
	msg := Message{MessageID: s.msgIDs[chat.ID], From: &s.Bot, Chat: chat, Date: now.Unix(), Text: text, ReplyMarkup: kb}
	if rp.MessageID != 0 {
		msg.ReplyToMessage = &Message{MessageID: rp.MessageID, Chat: chat, Date: now.Unix()}
	}
	s.sentN++
	if !s.noHistory {
		s.sent = append(s.sent, Sent{
			ChatRef: ref, ChatID: chat.ID, ChatType: chat.Type, Text: text, ReplyTo: rp.MessageID,
			AllowWithoutReply: rp.AllowWithoutReply, Keyboard: kb, MessageID: msg.MessageID, At: now,
		})
	}
	return http.StatusOK, mustJSON(apiResponse{OK: true, Result: msg})
}

// admitLocked applies the sending limits to one more message to chat at
// now: beyond them it records the violation and, when enforcing, returns
// the 429 to answer and ok false; otherwise it counts the send.
func (s *Server) admitLocked(chat Chat, now time.Time, call *Call) (status int, body []byte, ok bool) {
	if v := s.checkLimitsLocked(chat, now); v != nil {
		s.violations = append(s.violations, *v)
		if s.enforce {
			retry := s.retryAfterLocked(chat, now)
			call.Error = "rate limited: " + v.Limit
			return http.StatusTooManyRequests, mustJSON(apiResponse{ErrorCode: 429, Description: fmt.Sprintf("Too Many Requests: retry after %d", retry), Parameters: &responseParams{RetryAfter: retry}}), false
		}
	}
	s.history[chat.ID] = append(s.history[chat.ID], now)
	s.global = append(s.global, now)
	return 0, nil, true
}

func (s *Server) resolveChat(ref string) (Chat, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.resolveChatLocked(ref)
}

// resolveChatLocked finds a chat by id or @username. Unknown positive ids
// are private chats (a user's chat id is their user id); unknown
// @usernames are taken as channels.
func (s *Server) resolveChatLocked(ref string) (Chat, bool) {
	if name, ok := strings.CutPrefix(ref, "@"); ok {
		if name == "" {
			return Chat{}, false
		}
		if id, ok := s.usernames[strings.ToLower(name)]; ok {
			return s.chats[id], true
		}
		return s.channelLocked(name, name), true
	}
	id, err := strconv.ParseInt(ref, 10, 64)
	if err != nil || id == 0 {
		return Chat{}, false
	}
	if c, ok := s.chats[id]; ok {
		return c, true
	}
	if id > 0 {
		c := Chat{ID: id, Type: "private", FirstName: "Follower"}
		s.chats[id] = c
		return c, true
	}
	return Chat{}, false
}

func (s *Server) chatRate(c Chat) (bot.Rate, string) {
	switch c.Type {
	case "private":
		return s.limits.Private, "private"
	case "channel":
		return s.limits.Channel, "channel"
	default:
		return s.limits.Group, "group"
	}
}

// checkLimitsLocked reports a send at now beyond a limit, counting only
// sends the fake accepted.
func (s *Server) checkLimitsLocked(c Chat, now time.Time) *Violation {
	r, name := s.chatRate(c)
	if fakeplatform.Over(s.history[c.ID], r, now, s.limits.Slack) {
		return &Violation{ChatID: c.ID, Limit: name, At: now}
	}
	if fakeplatform.Over(s.global, s.limits.Bot, now, s.limits.Slack) {
		return &Violation{ChatID: c.ID, Limit: "bot", At: now}
	}
	return nil
}

// retryAfterLocked is the whole seconds until a send to c would be allowed.
func (s *Server) retryAfterLocked(c Chat, now time.Time) int {
	wait := time.Duration(0)
	r, _ := s.chatRate(c)
	for _, x := range []struct {
		h []time.Time
		r bot.Rate
	}{{s.history[c.ID], r}, {s.global, s.limits.Bot}} {
		if x.r.Count <= 0 || len(x.h) < x.r.Count {
			continue
		}
		free := x.h[len(x.h)-x.r.Count].Add(x.r.Per).Sub(now)
		wait = max(wait, free)
	}
	return max(1, int(math.Ceil(wait.Seconds())))
}

// ---- helpers ----

// readParams reads a call's parameters from the query, a form, a multipart
// form or a JSON body; form is true when values are strings.
func readParams(r *http.Request) (map[string]any, bool, error) {
	params := map[string]any{}
	for k, v := range r.URL.Query() {
		params[k] = v[0]
	}
	if r.Method == http.MethodGet || r.ContentLength == 0 {
		return params, true, nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		var body map[string]any
		b, err := io.ReadAll(io.LimitReader(r.Body, 10<<20))
		if err != nil {
			return nil, false, err
		}
		if err := unmarshalNumber(b, &body); err != nil {
			return nil, false, fmt.Errorf("can't parse JSON body: %v", err)
		}
		for k, v := range body {
			params[k] = v
		}
		return params, false, nil
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return nil, true, err
		}
		for k, v := range r.PostForm {
			params[k] = v[0]
		}
		return params, true, nil
	case "multipart/form-data":
		if err := r.ParseMultipartForm(10 << 20); err != nil {
			return nil, true, err
		}
		for k, v := range r.MultipartForm.Value {
			params[k] = v[0]
		}
		for k := range r.MultipartForm.File {
			params[k] = "attach://" + k
		}
		return params, true, nil
	}
	return nil, false, fmt.Errorf("unsupported content type %q", ct)
}

// str reads a parameter as a string, whether it came as a form string or
// a JSON value.
func str(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// decodeJSONField decodes an object parameter given as a JSON string
// (form) or as JSON (body). Absent is not an error.
func decodeJSONField(v any, out any) error {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		return json.Unmarshal([]byte(x), out)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

func utf16Units(s string) []rune {
	var out []rune
	for _, r := range s {
		out = append(out, r)
		if r >= 0x10000 {
			out = append(out, 0)
		}
	}
	return out
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return []byte(`{"ok":false,"error_code":500,"description":"fake: cannot encode"}`)
	}
	return b
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(mustJSON(v))
}

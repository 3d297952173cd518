// Package rubikatest is a fake Rubika Bot API for tests. It serves
// POST /v3/<token>/<method> with Rubika's {"status","data"} envelope,
// refuses unknown methods and fields with INVALID_INPUT and bad tokens with
// INVALID_ACCESS, keeps an update queue for getUpdates (offset_id /
// next_offset_id), POSTs {"update":...} and {"inline_message":...} to the
// endpoints registered with updateBotEndpoints, takes polls (sendPoll) and
// delivers votes in them (Voted), enforces sending limits,
// and injects failures (TOO_REQUESTS, 5xx, timeouts, duplicate deliveries,
// malformed updates) on demand.
package rubikatest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
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

// DefaultToken is the token the fake accepts unless told otherwise.
const DefaultToken = "BDJFAKE0TOKEN0FOR0TESTS0ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcd"

// Limits are the sending limits the fake enforces; a zero Rate is unlimited.
type Limits struct {
	Bot     bot.Rate
	Private bot.Rate
	Group   bot.Rate
	Channel bot.Rate
	// Slack forgives requests that arrive this much early (clock jitter).
	Slack time.Duration
}

// CautiousLimits are the adapter's defaults; Rubika publishes no limits.
var CautiousLimits = Limits{
	Bot:     bot.Rate{Count: 2, Per: time.Second},
	Private: bot.Rate{Count: 1, Per: time.Second},
	Group:   bot.Rate{Count: 20, Per: time.Minute},
	Channel: bot.Rate{Count: 20, Per: time.Minute},
}

// FailureKind is a failure the fake can inject.
type FailureKind int

const (
	// TooRequests answers status TOO_REQUESTS (HTTP status per
	// WithTooRequestsHTTPStatus), with a Retry-After header of RetryAfter
	// seconds when that is set.
	TooRequests FailureKind = iota + 1
	// ServerError answers HTTP Status (default 502) with a non-JSON body.
	ServerError
	// InvalidAccess answers INVALID_ACCESS, as for a revoked token.
	InvalidAccess
	// InvalidInput answers INVALID_INPUT with Description.
	InvalidInput
	// Timeout holds the answer for Delay; with Deliver the call takes
	// effect first.
	Timeout
	// Garbled answers 200 with a body that is not JSON.
	Garbled
)

// Failure is one injected failure.
type Failure struct {
	Kind        FailureKind
	RetryAfter  int
	Status      int
	Description string
	Delay       time.Duration
	Deliver     bool
}

// Call is one request the fake received.
type Call struct {
	Method   string
	Body     map[string]any
	Status   string // the envelope status answered
	Error    string
	Injected bool
	At       time.Time
}

// Sent is a message the fake accepted.
type Sent struct {
	ChatID    string
	Text      string
	ReplyTo   string // reply_to_message_id
	Keypad    *Keypad
	MessageID string
	At        time.Time
}

// Violation is a send beyond a limit.
type Violation struct {
	ChatID string
	Limit  string
	At     time.Time
}

// Option configures a Server.
type Option func(*Server)

// WithToken sets the accepted token.
func WithToken(token string) Option { return func(s *Server) { s.Token = token } }

// WithUsername sets the bot's username.
func WithUsername(name string) Option { return func(s *Server) { s.Username = name } }

// WithLimits sets the enforced limits (default CautiousLimits).
func WithLimits(l Limits) Option { return func(s *Server) { s.limits = l } }

// WithoutEnforcement records violations without answering TOO_REQUESTS.
func WithoutEnforcement() Option { return func(s *Server) { s.enforce = false } }

// WithNumericIDs sends message ids as bare JSON numbers.
func WithNumericIDs() Option { return func(s *Server) { s.numeric = true } }

// WithDeliverySuffix appends "/receiveUpdate" or "/receiveInlineMessage"
// to the registered URL when delivering (whether Rubika does is not known).
func WithDeliverySuffix() Option { return func(s *Server) { s.suffix = true } }

// WithTooRequestsHTTPStatus sets the HTTP status of TOO_REQUESTS answers
// (default 200; Rubika's is not known).
func WithTooRequestsHTTPStatus(code int) Option { return func(s *Server) { s.tooStatus = code } }

// Server is the fake. Use APIBase() as the adapter's api_base.
type Server struct {
	URL      string
	Token    string
	Username string
	BotID    string

	t         testing.TB
	srv       *httptest.Server
	limits    Limits
	enforce   bool
	numeric   bool
	suffix    bool
	tooStatus int
	hooks     *http.Client
	closed    chan struct{}

	mu         sync.Mutex
	seq        int64 // users, groups, channels
	qseq       int   // the update queue
	msgSeq     int64
	queue      []queued
	endpoints  map[string]string
	calls      []Call
	sent       []Sent
	polls      []SentPoll
	pollByID   map[string]int // index in polls
	failures   fakeplatform.Failures[Failure]
	history    map[string][]time.Time
	global     []time.Time
	violations []Violation
	users      map[string]User // by chat
	lastQueued []byte
	lastPost   struct {
		url  string
		body []byte
	}
	wake chan struct{}
}

type queued struct {
	seq int
	raw json.RawMessage
}

// NewServer starts a fake on loopback, closed when the test ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{
		Token: DefaultToken, Username: "engage_test_bot", BotID: "b0EngageTestBot",
		t: t, limits: CautiousLimits, enforce: true, tooStatus: http.StatusOK,
		hooks: &http.Client{Timeout: 30 * time.Second}, closed: make(chan struct{}),
		msgSeq: 9000000000000000000, endpoints: map[string]string{},
		history: map[string][]time.Time{},
		users:   map[string]User{}, wake: make(chan struct{}),
		pollByID: map[string]int{},
	}
	for _, o := range opts {
		o(s)
	}
	s.srv = httptest.NewServer(s)
	s.URL = s.srv.URL
	t.Cleanup(s.Close)
	return s
}

// APIBase is the base URL to configure: <URL>/v3.
func (s *Server) APIBase() string { return s.URL + "/v3" }

// Close stops the fake.
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

// ---- test controls ----

// NewUser returns a new follower with their private chat.
func (s *Server) NewUser(name string) User {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	u := User{ID: fmt.Sprintf("u0User%06d", s.seq), Chat: fmt.Sprintf("b0Chat%06d", s.seq), Name: name}
	s.users[u.Chat] = u
	return u
}

// NewGroup returns a new group's chat id.
func (s *Server) NewGroup() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return fmt.Sprintf("g0Group%06d", s.seq)
}

// NewChannel returns a new channel's chat id.
func (s *Server) NewChannel() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return fmt.Sprintf("c0Chan%06d", s.seq)
}

// Text is a new text message from sender in chat.
func Text(chat, sender, text string) *Update {
	return &Update{Type: "NewMessage", ChatID: chat, NewMessage: &Message{Text: text, SenderType: "User", SenderID: sender}}
}

// Edited is an edit of message msgID.
func Edited(chat, sender, msgID, text string) *Update {
	return &Update{Type: "UpdatedMessage", ChatID: chat, UpdatedMessage: &Message{MessageID: msgID, Text: text, IsEdited: true, SenderType: "User", SenderID: sender}}
}

// Removed is a removal of message msgID.
func Removed(chat, msgID string) *Update {
	return &Update{Type: "RemovedMessage", ChatID: chat, RemovedMessageID: msgID}
}

// Started is a follower starting the bot.
func Started(chat string) *Update { return &Update{Type: "StartedBot", ChatID: chat} }

// Stopped is a follower stopping the bot.
func Stopped(chat string) *Update { return &Update{Type: "StoppedBot", ChatID: chat} }

// Press is a press on inline button buttonID of message msgID.
func Press(chat, sender, msgID, buttonID, text string) *InlineMessage {
	return &InlineMessage{SenderID: sender, Text: text, AuxData: &AuxData{ButtonID: buttonID}, MessageID: msgID, ChatID: chat}
}

// FailNext fails the next call of method with f; failures queue up.
func (s *Server) FailNext(method string, f Failure) {
	s.failures.Next(method, f)
}

// FailEvery fails every n-th call of method with f (n <= 0 stops it).
func (s *Server) FailEvery(method string, n int, f Failure) {
	s.failures.Every(method, n, f)
}

// prepare assigns a message id and time where empty and returns the JSON.
func (s *Server) prepare(v any) []byte {
	s.mu.Lock()
	now := strconv.FormatInt(time.Now().Unix(), 10)
	switch x := v.(type) {
	case *Update:
		if m := x.message(); m != nil {
			if m.MessageID == "" {
				s.msgSeq++
				m.MessageID = strconv.FormatInt(s.msgSeq, 10)
			}
			if m.Time == "" {
				m.Time = now
			}
		}
	case *InlineMessage:
		if x.MessageID == "" {
			s.msgSeq++
			x.MessageID = strconv.FormatInt(s.msgSeq, 10)
		}
	}
	s.mu.Unlock()
	b, err := json.Marshal(v)
	if err != nil {
		s.t.Errorf("rubikatest: %v", err)
	}
	if s.numeric {
		b = numericIDs(b)
	}
	return b
}

// Enqueue queues an update for getUpdates and returns its message id ("" when none).
func (s *Server) Enqueue(u *Update) string {
	s.EnqueueRaw(s.prepare(u))
	if m := u.message(); m != nil {
		return m.MessageID
	}
	return ""
}

// EnqueueInline queues an inline press for getUpdates, as an update of
// type InlineMessage (whether Rubika sends these is not known).
func (s *Server) EnqueueInline(m *InlineMessage) {
	b := s.prepare(m)
	s.EnqueueRaw([]byte(`{"type":"InlineMessage","chat_id":` + strconv.Quote(m.ChatID) + `,"inline_message":` + string(b) + `}`))
}

// EnqueueRaw queues a body verbatim (a malformed update, say).
func (s *Server) EnqueueRaw(raw []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.qseq++
	s.queue = append(s.queue, queued{seq: s.qseq, raw: slices.Clone(raw)})
	s.lastQueued = slices.Clone(raw)
	close(s.wake)
	s.wake = make(chan struct{})
}

// EnqueueDuplicate queues the last update again, as a redelivery.
func (s *Server) EnqueueDuplicate() {
	s.mu.Lock()
	last := s.lastQueued
	s.mu.Unlock()
	if last == nil {
		s.t.Errorf("rubikatest: EnqueueDuplicate before any update")
		return
	}
	s.EnqueueRaw(last)
}

// Endpoint returns the URL registered for an endpoint type.
func (s *Server) Endpoint(typ string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.endpoints[typ]
}

// Deliver POSTs {"update": u} to the ReceiveUpdate endpoint and returns
// the adapter's HTTP status.
func (s *Server) Deliver(u *Update) (int, error) {
	body := s.prepare(u)
	return s.deliver("ReceiveUpdate", "/receiveUpdate", []byte(`{"update":`+string(body)+`}`))
}

// DeliverInline POSTs {"inline_message": m} to the ReceiveInlineMessage endpoint.
func (s *Server) DeliverInline(m *InlineMessage) (int, error) {
	body := s.prepare(m)
	return s.deliver("ReceiveInlineMessage", "/receiveInlineMessage", []byte(`{"inline_message":`+string(body)+`}`))
}

// DeliverRaw POSTs a body verbatim to the ReceiveUpdate endpoint.
func (s *Server) DeliverRaw(raw []byte) (int, error) {
	return s.deliver("ReceiveUpdate", "/receiveUpdate", raw)
}

func (s *Server) deliver(typ, suffix string, body []byte) (int, error) {
	u := s.Endpoint(typ)
	if u == "" {
		return 0, fmt.Errorf("rubikatest: no %s endpoint registered", typ)
	}
	if s.suffix {
		u += suffix
	}
	return s.PostTo(u, body)
}

// Redeliver POSTs the last delivery again.
func (s *Server) Redeliver() (int, error) {
	s.mu.Lock()
	u, body := s.lastPost.url, s.lastPost.body
	s.mu.Unlock()
	if u == "" {
		return 0, errors.New("rubikatest: nothing delivered yet")
	}
	return s.PostTo(u, body)
}

// PostTo POSTs body to any URL (to test a URL without the secret).
func (s *Server) PostTo(u string, body []byte) (int, error) {
	s.mu.Lock()
	s.lastPost.url, s.lastPost.body = u, slices.Clone(body)
	s.mu.Unlock()
	resp, err := s.hooks.Post(u, "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// Calls lists every call received.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// CallsOf lists the calls of one method.
func (s *Server) CallsOf(method string) []Call {
	var out []Call
	for _, c := range s.Calls() {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Refused lists calls refused as invalid (not injected), which a correct
// adapter never makes.
func (s *Server) Refused() []Call {
	var out []Call
	for _, c := range s.Calls() {
		if !c.Injected && (c.Status == "INVALID_INPUT" || c.Status == "INVALID_ACCESS") {
			out = append(out, c)
		}
	}
	return out
}

// Sent lists accepted messages in order.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sent)
}

// WaitSent waits up to d for at least n accepted messages.
func (s *Server) WaitSent(t testing.TB, n int, d time.Duration) []Sent {
	t.Helper()
	return wait.Len(t, d, "rubikatest: messages sent", n, s.Sent)
}

// Violations lists sends beyond the limits.
func (s *Server) Violations() []Violation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.violations)
}

// ---- the API ----

// fields lists each method's request fields (true = required), from the
// Bot API methods table; anything else is refused.
var fields = map[string]map[string]bool{
	"getMe":       {},
	"sendMessage": {"chat_id": true, "text": true, "disable_notification": false, "reply_to_message_id": false, "chat_keypad": false, "inline_keypad": false, "chat_keypad_type": false, "metadata": false},
	// The fields all libraries send; rubpy's extras are not confirmed.
	"sendPoll":           {"chat_id": true, "question": true, "options": true},
	"getUpdates":         {"limit": false, "offset_id": false, "timeout": false},
	"getChat":            {"chat_id": true},
	"updateBotEndpoints": {"url": true, "type": true},
	"editMessageText":    {"chat_id": true, "message_id": true, "text": true, "metadata": false},
	"editMessageKeypad":  {"chat_id": true, "message_id": true, "inline_keypad": true},
	"deleteMessage":      {"chat_id": true, "message_id": true},
	"setCommands":        {"bot_commands": true},
}

var endpointTypes = []string{"ReceiveUpdate", "ReceiveInlineMessage", "ReceiveQuery", "GetSelectionItem", "SearchSelectionItems"}

var buttonTypes = []string{"Simple", "Selection", "Calendar", "NumberPicker", "StringPicker", "Location", "Payment", "CameraImage", "CameraVideo", "GalleryImage", "GalleryVideo", "File", "Audio", "RecordAudio", "MyPhoneNumber", "MyLocation", "Textbox", "Link", "AskMyPhoneNumber", "AskLocation", "Barcode"}

// ServeHTTP serves POST /v3/<token>/<method>.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/v3/")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || method == "" || strings.Contains(method, "/") {
		http.NotFound(w, r)
		return
	}
	call := Call{Method: method, At: time.Now()}
	answer := func(httpStatus int, status, desc string, data any, header map[string]string) {
		call.Status, call.Error = status, desc
		s.record(call)
		env := map[string]any{"status": status}
		if status == "OK" {
			env["data"] = data
		} else if desc != "" {
			env["dev_message"] = desc
		}
		b, _ := json.Marshal(env)
		if s.numeric {
			b = numericIDs(b)
		}
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(httpStatus)
		w.Write(b)
	}
	if r.Method != http.MethodPost {
		answer(http.StatusOK, "INVALID_INPUT", "use POST", nil, nil)
		return
	}
	if token != s.Token {
		answer(http.StatusOK, "INVALID_ACCESS", "invalid token", nil, nil)
		return
	}
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	var body map[string]any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&body); err != nil || body == nil {
		answer(http.StatusOK, "INVALID_INPUT", "body must be a JSON object", nil, nil)
		return
	}
	call.Body = body
	if err := checkFields(method, body); err != nil {
		answer(http.StatusOK, "INVALID_INPUT", err.Error(), nil, nil)
		return
	}
	if f, ok := s.failures.Take(method); ok {
		call.Injected = true
		switch f.Kind {
		case TooRequests:
			h := map[string]string{}
			if f.RetryAfter > 0 {
				h["Retry-After"] = strconv.Itoa(f.RetryAfter)
			}
			answer(s.tooStatus, "TOO_REQUESTS", "", nil, h)
			return
		case ServerError:
			st := f.Status
			if st == 0 {
				st = http.StatusBadGateway
			}
			call.Status = strconv.Itoa(st)
			s.record(call)
			http.Error(w, http.StatusText(st), st)
			return
		case InvalidAccess:
			answer(http.StatusOK, "INVALID_ACCESS", "token revoked", nil, nil)
			return
		case InvalidInput:
			answer(http.StatusOK, "INVALID_INPUT", f.Description, nil, nil)
			return
		case Garbled:
			call.Status = "garbled"
			s.record(call)
			w.Write([]byte("<html>upstream garbled</html>"))
			return
		case Timeout:
			if f.Deliver {
				s.dispatch(r.Context(), method, body, &call)
			}
			select {
			case <-time.After(f.Delay):
			case <-r.Context().Done():
			case <-s.closed:
			}
			call.Status = "timeout"
			s.record(call)
			http.Error(w, "gateway timeout", http.StatusGatewayTimeout)
			return
		}
	}
	status, desc, data, hdr := s.dispatch(r.Context(), method, body, &call)
	httpStatus := http.StatusOK
	if status == "TOO_REQUESTS" {
		httpStatus = s.tooStatus
	}
	answer(httpStatus, status, desc, data, hdr)
}

func checkFields(method string, body map[string]any) error {
	known, ok := fields[method]
	if !ok {
		return fmt.Errorf("unknown method %s", method)
	}
	for k, v := range body {
		if _, ok := known[k]; !ok {
			return fmt.Errorf("unknown field %s", k)
		}
		switch k {
		case "chat_id", "text", "question", "reply_to_message_id", "offset_id", "url", "type", "message_id", "chat_keypad_type":
			if _, isStr := v.(string); !isStr {
				return fmt.Errorf("field %s must be a string", k)
			}
		case "limit", "timeout":
			if _, isNum := v.(json.Number); !isNum {
				return fmt.Errorf("field %s must be a number", k)
			}
		case "options":
			arr, isArr := v.([]any)
			if !isArr {
				return fmt.Errorf("field %s must be an array of strings", k)
			}
			for _, o := range arr {
				if _, isStr := o.(string); !isStr {
					return fmt.Errorf("field %s must be an array of strings", k)
				}
			}
		case "inline_keypad", "chat_keypad":
			if err := checkKeypad(v); err != nil {
				return fmt.Errorf("field %s: %v", k, err)
			}
		}
	}
	for k, req := range known {
		if _, ok := body[k]; req && !ok {
			return fmt.Errorf("field %s is required", k)
		}
	}
	return nil
}

func checkKeypad(v any) error {
	b, _ := json.Marshal(v)
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	var kp struct {
		Rows []struct {
			Buttons []struct {
				ID         *string `json:"id"`
				Type       string  `json:"type"`
				ButtonText string  `json:"button_text"`
				ButtonLink *struct {
					Type           string `json:"type"`
					LinkURL        string `json:"link_url"`
					JoinchannelURL any    `json:"joinchannel_data"`
				} `json:"button_link"`
			} `json:"buttons"`
		} `json:"rows"`
		ResizeKeyboard bool `json:"resize_keyboard"`
		OnTimeKeyboard bool `json:"on_time_keyboard"`
	}
	if err := d.Decode(&kp); err != nil {
		return err
	}
	if len(kp.Rows) == 0 {
		return errors.New("no rows")
	}
	for i, r := range kp.Rows {
		if len(r.Buttons) == 0 {
			return fmt.Errorf("row %d has no buttons", i)
		}
		for j, b := range r.Buttons {
			if b.ID == nil || *b.ID == "" || b.ButtonText == "" || !slices.Contains(buttonTypes, b.Type) {
				return fmt.Errorf("button %d.%d needs id, button_text and a known type", i, j)
			}
		}
	}
	return nil
}

func (s *Server) record(c Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
}

func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	}
	return ""
}

func (s *Server) dispatch(ctx context.Context, method string, body map[string]any, call *Call) (status, desc string, data any, hdr map[string]string) {
	switch method {
	case "getMe":
		return "OK", "", map[string]any{"bot": map[string]any{"bot_id": s.BotID, "bot_title": "Engage Test", "username": s.Username, "description": "", "start_message": "", "share_url": "https://rubika.ir/" + s.Username}}, nil
	case "getChat":
		chat := str(body["chat_id"])
		s.mu.Lock()
		u, ok := s.users[chat]
		s.mu.Unlock()
		if !ok {
			return "INVALID_INPUT", "chat not found", nil, nil
		}
		return "OK", "", map[string]any{"chat": map[string]any{"chat_id": chat, "chat_type": "User", "user_id": u.ID, "first_name": u.Name}}, nil
	case "sendMessage":
		return s.sendMessage(body)
	case "sendPoll":
		return s.sendPoll(body)
	case "getUpdates":
		return s.getUpdates(ctx, body)
	case "updateBotEndpoints":
		typ, u := str(body["type"]), str(body["url"])
		if !slices.Contains(endpointTypes, typ) {
			return "INVALID_INPUT", "unknown endpoint type " + typ, nil, nil
		}
		pu, err := url.Parse(u)
		if err != nil || pu.Host == "" || !(pu.Scheme == "https" || pu.Scheme == "http" && isLoopback(pu.Hostname())) {
			return "OK", "", map[string]any{"status": "InvalidUrl"}, nil
		}
		s.mu.Lock()
		s.endpoints[typ] = u
		s.mu.Unlock()
		return "OK", "", map[string]any{"status": "Done"}, nil
	}
	// editMessageText, editMessageKeypad, deleteMessage, setCommands.
	return "OK", "", map[string]any{}, nil
}

// isLoopback lets http webhooks through for local tests; Rubika itself
// wants https.
func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || ip != nil && ip.IsLoopback()
}

func (s *Server) sendMessage(body map[string]any) (string, string, any, map[string]string) {
	chat, text := str(body["chat_id"]), str(body["text"])
	if text == "" {
		return "INVALID_INPUT", "text is empty", nil, nil
	}
	if chat == "" || !strings.ContainsAny(chat[:1], "bgcu") {
		return "INVALID_INPUT", "chat not found", nil, nil
	}
	var kp *Keypad
	if v, ok := body["inline_keypad"]; ok {
		b, _ := json.Marshal(v)
		kp = &Keypad{}
		json.Unmarshal(b, kp)
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.admitLocked(chat, now) {
		return "TOO_REQUESTS", "", nil, nil
	}
	s.msgSeq++
	id := strconv.FormatInt(s.msgSeq, 10)
	s.sent = append(s.sent, Sent{ChatID: chat, Text: text, ReplyTo: str(body["reply_to_message_id"]), Keypad: kp, MessageID: id, At: now})
	return "OK", "", map[string]any{"message_id": id}, nil
}

// admitLocked applies the sending limits to one more message to chat at
// now: beyond them it records the violation and, when enforcing, returns
// false; otherwise it counts the send.
func (s *Server) admitLocked(chat string, now time.Time) bool {
	if v := s.checkLimitsLocked(chat, now); v != nil {
		s.violations = append(s.violations, *v)
		if s.enforce {
			return false
		}
	}
	s.history[chat] = append(s.history[chat], now)
	s.global = append(s.global, now)
	return true
}

func (s *Server) checkLimitsLocked(chat string, now time.Time) *Violation {
	r, name := s.limits.Group, "group"
	switch {
	case strings.HasPrefix(chat, "b"), strings.HasPrefix(chat, "u"):
		r, name = s.limits.Private, "private"
	case strings.HasPrefix(chat, "c"):
		r, name = s.limits.Channel, "channel"
	}
	if fakeplatform.Over(s.history[chat], r, now, s.limits.Slack) {
		return &Violation{ChatID: chat, Limit: name, At: now}
	}
	if fakeplatform.Over(s.global, s.limits.Bot, now, s.limits.Slack) {
		return &Violation{ChatID: chat, Limit: "bot", At: now}
	}
	return nil
}

// getUpdates returns up to limit updates after offset_id ("o<seq>"), with
// next_offset_id naming the last; the same offset gives the same updates.
func (s *Server) getUpdates(ctx context.Context, body map[string]any) (string, string, any, map[string]string) {
	after := 0
	if off := str(body["offset_id"]); off != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(off, "o"))
		if err != nil || !strings.HasPrefix(off, "o") {
			return "INVALID_INPUT", "bad offset_id", nil, nil
		}
		after = n
	}
	limit, _ := strconv.Atoi(str(body["limit"]))
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(str(body["timeout"]))
	deadline := time.Now().Add(time.Duration(min(timeout, 30)) * time.Second)
	for {
		s.mu.Lock()
		var out []json.RawMessage
		last := after
		for _, q := range s.queue {
			if q.seq > after && len(out) < limit {
				out = append(out, q.raw)
				last = q.seq
			}
		}
		wake := s.wake
		s.mu.Unlock()
		if len(out) > 0 || !time.Now().Before(deadline) {
			next := ""
			if last > 0 {
				next = "o" + strconv.Itoa(last)
			}
			if out == nil {
				out = []json.RawMessage{}
			}
			return "OK", "", map[string]any{"updates": out, "next_offset_id": next}, nil
		}
		select {
		case <-wake:
		case <-time.After(time.Until(deadline)):
		case <-ctx.Done():
			return "OK", "", map[string]any{"updates": []json.RawMessage{}, "next_offset_id": ""}, nil
		case <-s.closed:
			return "OK", "", map[string]any{"updates": []json.RawMessage{}, "next_offset_id": ""}, nil
		}
	}
}

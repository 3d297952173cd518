// Package metatest is a fake Meta Graph API and webhook sender for tests.
//
// The Graph side serves the endpoints the meta adapter uses (Send API,
// private replies, comment replies, hide, feed, photo and Instagram media
// posts) with Meta's JSON answers and error envelopes; it enforces the
// 24-hour messaging window, one private reply per comment and the access
// token, can report usage headers against a configured limit, and can fail
// the next request on demand. The webhook side signs deliveries with the
// app secret (X-Hub-Signature-256 and the legacy X-Hub-Signature) and POSTs
// them to an adapter's webhook URL, as Meta does.
package metatest

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Failure is a failure injected into the next Graph request.
type Failure int

const (
	// FailRateLimit answers code 613 ("calls to this api have exceeded
	// the rate limit") with HTTP 400, as Meta does.
	FailRateLimit Failure = iota + 1
	// FailServer answers 500 with code 2 (service temporarily unavailable).
	FailServer
	// FailUnauthorized answers code 190 (access token expired).
	FailUnauthorized
	// FailTimeout never answers: the request hangs until the client gives up.
	FailTimeout
	// FailMalformed answers 200 with a body that is not JSON.
	FailMalformed
)

// Request is one Graph API request the fake received.
type Request struct {
	// Kind is what it asked for: "message", "private_reply",
	// "comment_reply", "mention_reply", "hide", "feed", "photo", "media",
	// "media_publish", "subscribe".
	Kind   string
	Method string
	Path   string // below the version, e.g. "1784/messages"
	// Recipient is the DM recipient id; CommentID the comment answered,
	// privately replied to or hidden.
	Recipient     string
	CommentID     string
	Text          string
	MessagingType string
	Tag           string
	MediaURL      string
	// ReplyTo is, for a DM, the latest message the recipient sent before
	// it: the message the answer follows in the conversation.
	ReplyTo string
	// Status is the HTTP status answered; ID what was created.
	Status int
	ID     string
	At     time.Time
}

// Server is the fake. Its zero value is not usable; call NewServer.
type Server struct {
	// URL is the Graph API base to configure as api_base.
	URL string

	t           testing.TB
	srv         *httptest.Server
	appSecret   string
	verifyToken string
	token       string
	object      string // "page" or "instagram"
	accountID   string
	now         func() time.Time
	limit       int
	window      time.Duration
	client      *http.Client

	mu          sync.Mutex
	seq         int
	requests    []Request
	fail        []Failure
	lastInbound map[string]time.Time // user -> last DM time
	lastMID     map[string]string    // user -> last DM mid
	comments    map[string]time.Time // comment id -> created
	privReplied map[string]bool
	calls       []time.Time // Graph calls in the usage window
	overLimit   int
	lastBody    []byte
	published   []published       // feed posts, photos and Instagram media, in order
	containers  map[string]string // Instagram container id -> caption
}

// published is a post on the Page or the Instagram account, as the feed
// and media edges list it.
type published struct {
	id, text string
	at       time.Time
}

// Option configures a Server.
type Option func(*Server)

// WithAppSecret sets the secret deliveries are signed with (default "app-secret").
func WithAppSecret(s string) Option { return func(f *Server) { f.appSecret = s } }

// WithVerifyToken sets the verify token of the handshake (default "verify-token").
func WithVerifyToken(s string) Option { return func(f *Server) { f.verifyToken = s } }

// WithAccessToken sets the only token the Graph side accepts (default "page-token").
func WithAccessToken(s string) Option { return func(f *Server) { f.token = s } }

// WithInstagram makes deliveries Instagram ones (object "instagram") for
// account id; the default is a Facebook Page ("page", "111122223333").
func WithInstagram(id string) Option {
	return func(f *Server) { f.object, f.accountID = "instagram", id }
}

// WithPage makes deliveries Facebook Page ones for page id.
func WithPage(id string) Option { return func(f *Server) { f.object, f.accountID = "page", id } }

// WithClock sets the fake's clock (default time.Now).
func WithClock(now func() time.Time) Option { return func(f *Server) { f.now = now } }

// WithRateLimit limits Graph calls to limit per window: every answer
// carries X-App-Usage and X-Business-Use-Case-Usage in percent of it, and
// calls beyond it fail with code 4 and are counted by OverLimit.
func WithRateLimit(limit int, window time.Duration) Option {
	return func(f *Server) { f.limit, f.window = limit, window }
}

// NewServer starts a fake, closed when the test ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	s := &Server{t: t, appSecret: "app-secret", verifyToken: "verify-token", token: "page-token",
		object: "page", accountID: "111122223333", now: time.Now,
		lastInbound: map[string]time.Time{}, lastMID: map[string]string{},
		comments: map[string]time.Time{}, privReplied: map[string]bool{}, containers: map[string]string{},
		client: &http.Client{Timeout: 10 * time.Second}}
	for _, o := range opts {
		o(s)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveGraph))
	s.URL = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

// AccountID is the Page or Instagram account id deliveries are for.
func (s *Server) AccountID() string { return s.accountID }

// Platform is "facebook" or "instagram".
func (s *Server) Platform() string {
	if s.object == "instagram" {
		return "instagram"
	}
	return "facebook"
}

// FailNext makes the next Graph requests fail, one failure each, in order.
func (s *Server) FailNext(f ...Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = append(s.fail, f...)
}

// Requests lists every Graph request received, failed ones included.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Sent lists the Graph requests that succeeded, reads (the feed and media
// lists) left out.
func (s *Server) Sent() []Request {
	var ok []Request
	for _, r := range s.Requests() {
		if r.Status/100 == 2 && !strings.HasPrefix(r.Kind, "list_") {
			ok = append(ok, r)
		}
	}
	return ok
}

// OverLimit counts requests that arrived when the configured limit was
// already used up.
func (s *Server) OverLimit() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.overLimit
}

func (s *Server) nextID() int {
	s.seq++
	return s.seq
}

// ---- Graph side ----

type graphErr struct {
	status  int
	code    int
	subcode int
	msg     string
}

func (s *Server) serveGraph(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) < 2 || !strings.HasPrefix(parts[0], "v") {
		writeErr(w, graphErr{400, 100, 0, "Unknown path components: " + r.URL.Path})
		return
	}
	path := strings.Join(parts[1:], "/")
	req := Request{Method: r.Method, Path: path}

	s.mu.Lock()
	now := s.now()
	req.At = now
	var fail Failure
	if len(s.fail) > 0 {
		fail, s.fail = s.fail[0], s.fail[1:]
	}
	usageHdr := s.countCall(now)
	s.mu.Unlock()

	record := func(status int, id string) {
		req.Status, req.ID = status, id
		s.mu.Lock()
		s.requests = append(s.requests, req)
		s.mu.Unlock()
	}
	for k, v := range usageHdr {
		w.Header().Set(k, v)
	}
	switch fail {
	case FailTimeout:
		record(0, "")
		<-r.Context().Done()
		return
	case FailRateLimit:
		record(400, "")
		writeErr(w, graphErr{400, 613, 2500, "(#613) Calls to this api have exceeded the rate limit."})
		return
	case FailServer:
		record(500, "")
		writeErr(w, graphErr{500, 2, 0, "An unexpected error has occurred. Please retry your request later."})
		return
	case FailUnauthorized:
		record(400, "")
		writeErr(w, graphErr{400, 190, 463, "Error validating access token: Session has expired."})
		return
	}
	if !s.authorized(r) {
		record(400, "")
		writeErr(w, graphErr{400, 190, 0, "Invalid OAuth access token - Cannot parse access token"})
		return
	}
	if usageHdr["X-Over-Limit"] != "" {
		w.Header().Del("X-Over-Limit")
		record(400, "")
		writeErr(w, graphErr{400, 4, 0, "(#4) Application request limit reached"})
		return
	}
	in, err := decodeBody(r, body)
	if err != nil {
		record(400, "")
		writeErr(w, graphErr{400, 100, 0, "(#100) " + err.Error()})
		return
	}
	s.mu.Lock()
	res, gerr := s.handle(&req, r.Method, parts[1:], r.URL.Query(), in, now)
	s.mu.Unlock()
	if gerr != nil {
		record(gerr.status, "")
		writeErr(w, *gerr)
		return
	}
	if fail == FailMalformed {
		record(200, req.ID)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id": "12`)
		return
	}
	record(200, req.ID)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(res)
}

// countCall counts a Graph call against the configured limit and returns
// the usage headers to answer with (and X-Over-Limit when over).
func (s *Server) countCall(now time.Time) map[string]string {
	if s.limit <= 0 {
		return nil
	}
	kept := s.calls[:0]
	for _, c := range s.calls {
		if now.Sub(c) < s.window {
			kept = append(kept, c)
		}
	}
	s.calls = append(kept, now)
	n := len(s.calls)
	pct := min(100, n*100/s.limit)
	h := map[string]string{
		"X-App-Usage": fmt.Sprintf(`{"call_count":%d,"total_cputime":1,"total_time":1}`, pct),
	}
	eta := 0
	if n > s.limit {
		s.overLimit++
		h["X-Over-Limit"] = "1"
		eta = int((s.window + time.Minute - 1) / time.Minute)
	}
	typ := "pages"
	if s.object == "instagram" {
		typ = "instagram"
	}
	h["X-Business-Use-Case-Usage"] = fmt.Sprintf(`{%q:[{"type":%q,"call_count":%d,"total_cputime":1,"total_time":1,"estimated_time_to_regain_access":%d}]}`,
		s.accountID, typ, pct, eta)
	return h
}

func (s *Server) authorized(r *http.Request) bool {
	tok := r.URL.Query().Get("access_token")
	if h, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		tok = h
	}
	return tok != "" && tok == s.token
}

// graphBody is a request body: JSON, or a form whose recipient and
// message fields hold JSON strings (Meta's curl samples).
type graphBody struct {
	Recipient struct {
		ID        string `json:"id"`
		CommentID string `json:"comment_id"`
	} `json:"recipient"`
	MessagingType string          `json:"messaging_type"`
	Tag           string          `json:"tag"`
	Message       json.RawMessage `json:"-"`
	Text          string          `json:"-"`
	ImageURL      string          `json:"image_url"`
	URL           string          `json:"url"`
	Caption       string          `json:"caption"`
	CreationID    string          `json:"creation_id"`
	CommentID     string          `json:"comment_id"`
	MediaID       string          `json:"media_id"`
}

func decodeBody(r *http.Request, body []byte) (*graphBody, error) {
	var b graphBody
	if len(bytes.TrimSpace(body)) == 0 {
		return &b, nil
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		v, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, err
		}
		if rc := v.Get("recipient"); rc != "" {
			if err := json.Unmarshal([]byte(rc), &b.Recipient); err != nil {
				return nil, fmt.Errorf("param recipient must be JSON: %w", err)
			}
		}
		b.MessagingType, b.Tag, b.Message = v.Get("messaging_type"), v.Get("tag"), json.RawMessage(v.Get("message"))
		b.ImageURL, b.URL, b.Caption, b.CreationID = v.Get("image_url"), v.Get("url"), v.Get("caption"), v.Get("creation_id")
		b.CommentID, b.MediaID, b.Text = v.Get("comment_id"), v.Get("media_id"), v.Get("message")
	} else {
		var raw struct {
			graphBody
			Message json.RawMessage `json:"message"`
		}
		if err := json.Unmarshal(body, &raw); err != nil {
			return nil, fmt.Errorf("body is not JSON: %w", err)
		}
		b = raw.graphBody
		b.Message = raw.Message
	}
	// "message" is an object on the Send API and a string on comments.
	var m struct {
		Text string `json:"text"`
	}
	if len(b.Message) > 0 && b.Message[0] == '{' {
		if err := json.Unmarshal(b.Message, &m); err != nil {
			return nil, fmt.Errorf("param message must be JSON: %w", err)
		}
		b.Text = m.Text
	} else if len(b.Message) > 0 {
		var str string
		if json.Unmarshal(b.Message, &str) == nil {
			b.Text = str
		}
	}
	return &b, nil
}

// list answers GET /{id}/feed (a Page's posts: id, message,
// created_time; since= a Unix time) and GET /{id}/media (Instagram media:
// id, caption, timestamp), newest first, limit= of them (default 25);
// s.mu is held.
func (s *Server) list(req *Request, edge string, q url.Values) (any, *graphErr) {
	if (edge == "feed") != (s.object == "page") {
		return nil, &graphErr{400, 100, 0, "(#100) Unsupported edge " + edge}
	}
	req.Kind = "list_" + edge
	limit := 25
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 {
		limit = min(n, 100)
	}
	var since time.Time
	if n, err := strconv.ParseInt(q.Get("since"), 10, 64); err == nil {
		since = time.Unix(n, 0)
	}
	data := []map[string]string{}
	for i := len(s.published) - 1; i >= 0 && len(data) < limit; i-- {
		p := s.published[i]
		if p.at.Before(since) {
			continue
		}
		if edge == "feed" {
			data = append(data, map[string]string{"id": p.id, "message": p.text, "created_time": p.at.UTC().Format("2006-01-02T15:04:05-0700")})
		} else {
			data = append(data, map[string]string{"id": p.id, "caption": p.text, "timestamp": p.at.UTC().Format("2006-01-02T15:04:05-0700")})
		}
	}
	return map[string]any{"data": data}, nil
}

// handle serves one authorised request; s.mu is held.
func (s *Server) handle(req *Request, method string, parts []string, q url.Values, b *graphBody, now time.Time) (any, *graphErr) {
	if method == http.MethodGet && len(parts) == 2 && parts[0] == s.accountID && (parts[1] == "feed" || parts[1] == "media") {
		return s.list(req, parts[1], q)
	}
	if method != http.MethodPost {
		return nil, &graphErr{400, 100, 0, "Unsupported get request."}
	}
	req.Text = b.Text
	id := parts[0]
	edge := ""
	if len(parts) > 1 {
		edge = parts[1]
	}
	newID := func(prefix string) string { req.ID = prefix + strconv.Itoa(s.nextID()); return req.ID }
	switch edge {
	case "messages":
		req.MessagingType, req.Tag = b.MessagingType, b.Tag
		if id != "me" && id != s.accountID {
			return nil, &graphErr{400, 100, 33, "Unsupported post request. Object with ID '" + id + "' does not exist"}
		}
		if s.object == "page" && b.MessagingType == "" {
			return nil, &graphErr{400, 100, 0, "(#100) param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}"}
		}
		if b.Text == "" {
			return nil, &graphErr{400, 100, 0, "(#100) The parameter message is required"}
		}
		if c := b.Recipient.CommentID; c != "" {
			req.Kind, req.CommentID = "private_reply", c
			created, ok := s.comments[c]
			if !ok {
				return nil, &graphErr{400, 100, 0, "(#100) Invalid comment_id"}
			}
			if s.privReplied[c] || now.Sub(created) > 7*24*time.Hour {
				return nil, &graphErr{400, 10, 2018292, "(#10) This message is sent outside of allowed window or the comment was already answered."}
			}
			s.privReplied[c] = true
			return map[string]string{"recipient_id": "pr_" + c, "message_id": newID("m_")}, nil
		}
		to := b.Recipient.ID
		req.Kind, req.Recipient, req.ReplyTo = "message", to, s.lastMID[to]
		last, ok := s.lastInbound[to]
		age := now.Sub(last)
		tagged := b.MessagingType == "MESSAGE_TAG" && b.Tag == "HUMAN_AGENT" && age <= 7*24*time.Hour
		if !ok || (age > 24*time.Hour && !tagged) {
			return nil, &graphErr{400, 10, 2018278, "(#10) This message is sent outside of allowed window."}
		}
		return map[string]string{"recipient_id": to, "message_id": newID("m_")}, nil
	case "replies", "comments":
		req.Kind, req.CommentID = "comment_reply", id
		if (edge == "replies") != (s.object == "instagram") {
			return nil, &graphErr{400, 100, 0, "(#100) Unsupported edge " + edge}
		}
		if _, ok := s.comments[id]; !ok {
			return nil, &graphErr{400, 100, 33, "Object with ID '" + id + "' does not exist"}
		}
		if b.Text == "" {
			return nil, &graphErr{400, 100, 0, "(#100) The parameter message is required"}
		}
		return map[string]string{"id": newID("")}, nil
	case "mentions":
		req.Kind, req.CommentID = "mention_reply", b.CommentID
		return map[string]string{"id": newID("")}, nil
	case "feed":
		req.Kind = "feed"
		post := s.accountID + "_" + newID("")
		s.published = append(s.published, published{post, b.Text, now})
		return map[string]string{"id": post}, nil
	case "photos":
		req.Kind, req.MediaURL, req.Text = "photo", b.URL, b.Caption
		post := s.accountID + "_" + newID("")
		s.published = append(s.published, published{post, b.Caption, now})
		return map[string]string{"id": req.ID, "post_id": post}, nil
	case "media":
		req.Kind, req.MediaURL, req.Text = "media", b.ImageURL, b.Caption
		if b.ImageURL == "" {
			return nil, &graphErr{400, 100, 0, "(#100) The parameter image_url is required"}
		}
		c := newID("c")
		s.containers[c] = b.Caption
		return map[string]string{"id": c}, nil
	case "media_publish":
		req.Kind = "media_publish"
		caption, ok := s.containers[b.CreationID]
		if !ok {
			return nil, &graphErr{400, 100, 0, "(#100) Invalid creation_id"}
		}
		delete(s.containers, b.CreationID) // a container is published once
		media := newID("")
		s.published = append(s.published, published{media, caption, now})
		return map[string]string{"id": media}, nil
	case "subscribed_apps":
		req.Kind = "subscribe"
		return map[string]bool{"success": true}, nil
	case "":
		if q.Get("hide") == "true" || q.Get("is_hidden") == "true" {
			req.Kind, req.CommentID = "hide", id
			if _, ok := s.comments[id]; !ok {
				return nil, &graphErr{400, 100, 33, "Object with ID '" + id + "' does not exist"}
			}
			return map[string]bool{"success": true}, nil
		}
	}
	return nil, &graphErr{400, 100, 0, "Unsupported post request."}
}

func writeErr(w http.ResponseWriter, e graphErr) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("WWW-Authenticate", `OAuth "Facebook Platform" "invalid_request"`)
	w.WriteHeader(e.status)
	body := map[string]any{"message": e.msg, "type": "OAuthException", "code": e.code, "fbtrace_id": "AbCdEf" + strconv.Itoa(e.code)}
	if e.subcode != 0 {
		body["error_subcode"] = e.subcode
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"error": body})
}

// ---- Webhook side ----

// Verify performs Meta's subscription handshake against url with token
// and reports whether the adapter echoed the challenge with 200.
func (s *Server) Verify(webhookURL, token string) (ok bool, status int) {
	challenge := strconv.Itoa(int(randUint32()))
	q := url.Values{"hub.mode": {"subscribe"}, "hub.challenge": {challenge}, "hub.verify_token": {token}}
	resp, err := s.client.Get(webhookURL + "?" + q.Encode())
	if err != nil {
		s.t.Errorf("metatest: verify: %v", err)
		return false, 0
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode == 200 && string(b) == challenge, resp.StatusCode
}

// Post signs body with the app secret and POSTs it to the webhook URL,
// returning the status answered.
func (s *Server) Post(webhookURL string, body []byte) int {
	return s.PostSigned(webhookURL, body, Sign(s.appSecret, body))
}

// PostSigned POSTs body with the given X-Hub-Signature-256 value (empty:
// none), to test refusals.
func (s *Server) PostSigned(webhookURL string, body []byte, signature string) int {
	s.mu.Lock()
	s.lastBody = body
	s.mu.Unlock()
	req, err := http.NewRequest(http.MethodPost, webhookURL, bytes.NewReader(body))
	if err != nil {
		s.t.Errorf("metatest: post: %v", err)
		return 0
	}
	req.Header.Set("Content-Type", "application/json")
	if signature != "" {
		req.Header.Set("X-Hub-Signature-256", signature)
		m := hmac.New(sha1.New, []byte(s.appSecret))
		m.Write(body)
		req.Header.Set("X-Hub-Signature", "sha1="+hex.EncodeToString(m.Sum(nil)))
	}
	resp, err := s.client.Do(req)
	if err != nil {
		s.t.Errorf("metatest: post: %v", err)
		return 0
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// Redeliver POSTs the last delivery again, as Meta does when an
// acknowledgement was lost.
func (s *Server) Redeliver(webhookURL string) int {
	s.mu.Lock()
	b := s.lastBody
	s.mu.Unlock()
	return s.Post(webhookURL, b)
}

// Sign is the X-Hub-Signature-256 of body under secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// DM is a direct message to deliver.
type DM struct {
	From string // sender PSID/IGSID; generated when empty
	Text string
	// Payload makes it a postback (button press) instead of a message.
	Payload string
	// Echo makes it an echo of our own message to From.
	Echo bool
}

// DMBody builds the webhook body of a DM and records it as the sender's
// latest inbound message (which opens the messaging window). It returns
// the body, the message id and the sender.
func (s *Server) DMBody(dm DM) (body []byte, mid, from string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if dm.From == "" {
		dm.From = strconv.FormatInt(7000000000000000+int64(s.nextID()), 10)
	}
	now := s.now()
	mid = "m_" + strconv.Itoa(s.nextID())
	ev := map[string]any{"timestamp": now.UnixMilli()}
	switch {
	case dm.Echo:
		ev["sender"], ev["recipient"] = map[string]string{"id": s.accountID}, map[string]string{"id": dm.From}
		ev["message"] = map[string]any{"mid": mid, "text": dm.Text, "is_echo": true, "app_id": 1234}
	case dm.Payload != "":
		ev["sender"], ev["recipient"] = map[string]string{"id": dm.From}, map[string]string{"id": s.accountID}
		ev["postback"] = map[string]string{"mid": mid, "title": dm.Text, "payload": dm.Payload}
	default:
		ev["sender"], ev["recipient"] = map[string]string{"id": dm.From}, map[string]string{"id": s.accountID}
		ev["message"] = map[string]string{"mid": mid, "text": dm.Text}
	}
	if !dm.Echo {
		s.lastInbound[dm.From], s.lastMID[dm.From] = now, mid
	}
	return s.envelope(map[string]any{"messaging": []any{ev}}), mid, dm.From
}

// Comment is a public comment to deliver.
type Comment struct {
	From     string // commenter id; generated when empty
	Username string
	Text     string
	// Media is the media (Instagram) or post (Facebook) id; generated when empty.
	Media  string
	Parent string
}

// CommentBody builds the webhook body of a comment (Instagram "comments"
// or Facebook "feed") and returns it with the comment id.
func (s *Server) CommentBody(c Comment) (body []byte, commentID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.From == "" {
		c.From = strconv.FormatInt(7100000000000000+int64(s.nextID()), 10)
	}
	if c.Media == "" {
		c.Media = strconv.FormatInt(18100000000000000+int64(s.nextID()), 10)
	}
	now := s.now()
	var ch map[string]any
	if s.object == "instagram" {
		commentID = strconv.FormatInt(18000000000000000+int64(s.nextID()), 10)
		v := map[string]any{"id": commentID, "text": c.Text,
			"from":  map[string]string{"id": c.From, "username": c.Username},
			"media": map[string]string{"id": c.Media, "media_product_type": "FEED"}}
		if c.Parent != "" {
			v["parent_id"] = c.Parent
		}
		ch = map[string]any{"field": "comments", "value": v}
	} else {
		if !strings.Contains(c.Media, "_") {
			c.Media = s.accountID + "_" + c.Media
		}
		commentID = s.accountID + "_" + strconv.Itoa(9000000+s.nextID())
		parent := c.Parent
		if parent == "" {
			parent = c.Media
		}
		ch = map[string]any{"field": "feed", "value": map[string]any{"item": "comment", "verb": "add",
			"comment_id": commentID, "post_id": c.Media, "parent_id": parent,
			"from": map[string]string{"id": c.From, "name": c.Username}, "message": c.Text, "created_time": now.Unix()}}
	}
	s.comments[commentID] = now
	return s.envelope(map[string]any{"changes": []any{ch}}), commentID
}

// MentionBody builds an Instagram "mentions" delivery (ids only, as with
// Facebook Login).
func (s *Server) MentionBody(commentID, mediaID string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := map[string]string{"media_id": mediaID}
	if commentID != "" {
		v["comment_id"] = commentID
	}
	return s.envelope(map[string]any{"changes": []any{map[string]any{"field": "mentions", "value": v}}})
}

// Batch joins the entries of several bodies into one delivery, as Meta
// batches updates.
func Batch(bodies ...[]byte) []byte {
	var out struct {
		Object string            `json:"object"`
		Entry  []json.RawMessage `json:"entry"`
	}
	for _, b := range bodies {
		var env struct {
			Object string            `json:"object"`
			Entry  []json.RawMessage `json:"entry"`
		}
		if json.Unmarshal(b, &env) == nil {
			out.Object = env.Object
			out.Entry = append(out.Entry, env.Entry...)
		}
	}
	b, _ := json.Marshal(out)
	return b
}

// envelope wraps one entry's events; s.mu is held.
func (s *Server) envelope(fields map[string]any) []byte {
	e := map[string]any{"id": s.accountID, "time": s.now().UnixMilli()}
	for k, v := range fields {
		e[k] = v
	}
	b, err := json.Marshal(map[string]any{"object": s.object, "entry": []any{e}})
	if err != nil {
		s.t.Errorf("metatest: %v", err)
	}
	return b
}

func randUint32() uint32 {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

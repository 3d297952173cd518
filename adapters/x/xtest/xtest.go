// Package xtest is a fake X API v2 and Account Activity webhook sender for
// tests.
//
// The API side serves POST /2/tweets, POST
// /2/dm_conversations/with/:id/messages, GET /2/users/:id/mentions and PUT
// /2/tweets/:id/hidden with X's JSON answers and error bodies. It checks
// the OAuth 1.0a signature of every request by recomputing it with the
// known secrets, validates every request and every successful answer
// against X's own OpenAPI document (WithSpec), reports x-rate-limit-*
// headers per endpoint and answers 429 (code 88) beyond the configured
// allowance, and fails the next request on demand. Like X, it refuses a
// post or DM whose text equals one the account created recently (403 with
// X's problem body, "... with duplicate content."). Old v1.1 paths answer
// 403 code 453, as on current access tiers. The webhook side answers the
// CRC check and POSTs deliveries signed with x-twitter-webhooks-signature.
//
// A test fails at cleanup when the adapter sent anything the document
// does not allow.
package xtest

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dghubble/oauth1"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// Failure is a failure injected into the next API request.
type Failure int

const (
	// FailRateLimit answers 429 code 88 with x-rate-limit-reset RetryAfter
	// ahead of the fake's clock.
	FailRateLimit Failure = iota + 1
	// FailServer answers 503.
	FailServer
	// FailUnauthorized answers 401, as for revoked or expired credentials.
	FailUnauthorized
	// FailTimeout never answers: the request hangs until the client gives up.
	FailTimeout
	// FailMalformed answers 201 with a body that is not JSON.
	FailMalformed
)

// RetryAfter is how far ahead FailRateLimit puts x-rate-limit-reset.
const RetryAfter = 3 * time.Second

// Request is one API request the fake received.
type Request struct {
	// Kind is "tweet", "dm", "mentions", "timeline", "hide" or "v1.1".
	Kind   string
	Method string
	Path   string
	Query  url.Values
	Text   string
	// InReplyTo is the post a tweet replies to; Participant the DM
	// recipient.
	InReplyTo   string
	Participant string
	// ReplyTo is, for a DM, the latest DM the participant sent before it:
	// the message the answer follows in the conversation.
	ReplyTo string
	Status  int
	ID      string // what was created
}

// Tweet is a post the fake knows: delivered mentions and created posts.
type Tweet struct {
	ID, AuthorID, Username, Text, InReplyTo, ConversationID string
	Created                                                 time.Time
}

type limit struct {
	max    int
	window time.Duration
	start  time.Time
	used   int
}

// end is when the window resets: X reports it in whole epoch seconds, so
// the window ends on the second after start+window.
func (l *limit) end() time.Time {
	e := l.start.Add(l.window)
	if t := e.Truncate(time.Second); t.Before(e) {
		return t.Add(time.Second)
	}
	return e
}

// Server is the fake. Call NewServer.
type Server struct {
	// URL is the API base to configure as api_base.
	URL string

	t              testing.TB
	srv            *httptest.Server
	consumerKey    string
	consumerSecret string
	token          string
	tokenSecret    string
	userID         string
	now            func() time.Time
	spec           *spec
	client         *http.Client

	mu         sync.Mutex
	seq        int64
	requests   []Request
	fail       []Failure
	limits     map[string]*limit
	overLimit  int
	violations []string
	tweets     []Tweet // by creation
	// recent holds when each text was last created, per surface ("tweet",
	// "dm"), for X's refusal of duplicate content.
	recent    map[string]map[string]time.Time
	dupWindow time.Duration
	lastDM    map[string]string // participant -> last inbound DM id
	lastBody  []byte
}

// Option configures a Server.
type Option func(*Server)

// WithConsumer sets the app's key and secret (default "consumer-key",
// "consumer-secret").
func WithConsumer(key, secret string) Option {
	return func(s *Server) { s.consumerKey, s.consumerSecret = key, secret }
}

// WithToken sets the user's access token and secret (default
// "access-token", "access-secret").
func WithToken(token, secret string) Option {
	return func(s *Server) { s.token, s.tokenSecret = token, secret }
}

// WithUserID sets our account's user id (default "1500000000000000001").
func WithUserID(id string) Option { return func(s *Server) { s.userID = id } }

// WithClock sets the fake's clock (default time.Now).
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithLimit sets an endpoint family's allowance ("tweets", "dm",
// "mentions"); X's defaults per user are 100, 15 and 300 per 15 minutes.
func WithLimit(family string, max int, window time.Duration) Option {
	return func(s *Server) { s.limits[family] = &limit{max: max, window: window} }
}

// WithDuplicateWindow sets how long a created text blocks the same text
// (default 24 h; X does not document its window).
func WithDuplicateWindow(d time.Duration) Option { return func(s *Server) { s.dupWindow = d } }

// WithSpec validates every request and successful answer against the
// OpenAPI document at path. When the file is absent the fake logs that it
// does not validate, and Validating reports false.
func WithSpec(path string) Option {
	return func(s *Server) {
		sp, err := loadSpec(path)
		if err != nil {
			s.t.Logf("xtest: NOT validating against X's OpenAPI document: %v", err)
			return
		}
		s.spec = sp
	}
}

// NewServer starts a fake, closed when the test ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	s := &Server{t: t, consumerKey: "consumer-key", consumerSecret: "consumer-secret",
		token: "access-token", tokenSecret: "access-secret", userID: "1500000000000000001",
		now: time.Now, seq: 1900000000000000000, recent: map[string]map[string]time.Time{"tweet": {}, "dm": {}}, dupWindow: 24 * time.Hour, lastDM: map[string]string{},
		limits: map[string]*limit{
			"tweets":   {max: 100, window: 15 * time.Minute},
			"dm":       {max: 15, window: 15 * time.Minute},
			"mentions": {max: 300, window: 15 * time.Minute},
			"timeline": {max: 900, window: 15 * time.Minute},
			"hide":     {max: 50, window: 15 * time.Minute},
		},
		client: &http.Client{Timeout: 10 * time.Second}}
	for _, o := range opts {
		o(s)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	t.Cleanup(func() {
		s.srv.Close()
		for _, v := range s.Violations() {
			t.Errorf("xtest: the adapter broke X's API contract: %s", v)
		}
	})
	return s
}

// Validating reports whether requests are checked against the document.
func (s *Server) Validating() bool { return s.spec != nil }

// UserID is our account's id.
func (s *Server) UserID() string { return s.userID }

// FailNext makes the next API requests fail, one failure each, in order.
func (s *Server) FailNext(f ...Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = append(s.fail, f...)
}

// Requests lists every API request received, failed ones included.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Sent lists the requests that created something (2xx tweets, DMs, hides).
func (s *Server) Sent() []Request {
	var out []Request
	for _, r := range s.Requests() {
		if r.Status/100 == 2 && r.Kind != "mentions" && r.Kind != "timeline" {
			out = append(out, r)
		}
	}
	return out
}

// OverLimit counts requests that arrived after an allowance was used up.
func (s *Server) OverLimit() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.overLimit
}

// Violations lists requests or answers that broke the OpenAPI document or
// the OAuth signature rules.
func (s *Server) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.violations...)
}

func (s *Server) violate(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.violations = append(s.violations, fmt.Sprintf(format, args...))
}

func (s *Server) nextID() string {
	s.seq++
	return strconv.FormatInt(s.seq, 10)
}

// ---- API side ----

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	req := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query()}
	rec := httptest.NewRecorder()
	status := s.handle(rec, r, body, &req)
	req.Status = status
	s.mu.Lock()
	s.requests = append(s.requests, req)
	s.mu.Unlock()
	if status == 0 { // timeout
		<-r.Context().Done()
		return
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// handle answers into rec and returns the status (0: hang).
func (s *Server) handle(rec *httptest.ResponseRecorder, r *http.Request, body []byte, req *Request) int {
	if strings.HasPrefix(r.URL.Path, "/1.1/") {
		req.Kind = "v1.1"
		s.violate("%s %s: retired v1.1 endpoint", r.Method, r.URL.Path)
		return writeJSON(rec, 403, map[string]any{"errors": []map[string]any{{"code": 453, "message": "You currently have access to a subset of X API V2 endpoints and limited v1.1 endpoints (e.g. media post, oauth) only. If you need access to this endpoint, you may need a different access level."}}})
	}
	if err := s.checkOAuth(r, body); err != nil {
		return writeJSON(rec, 401, problem("about:blank", "Unauthorized", "Unauthorized: "+err.Error(), 401))
	}
	var in *openapi3filter.RequestValidationInput
	if s.spec != nil {
		v, err := s.spec.validateRequest(r, body)
		if err != nil {
			s.violate("request %s %s: %v", r.Method, r.URL.Path, err)
			return writeJSON(rec, 400, problem("https://api.x.com/2/problems/invalid-request", "Invalid Request",
				"One or more parameters to your request was invalid.", 400))
		}
		in = v
	}
	family, kind := route(r.Method, r.URL.Path)
	req.Kind = kind
	s.mu.Lock()
	now := s.now()
	var fail Failure
	if len(s.fail) > 0 {
		fail, s.fail = s.fail[0], s.fail[1:]
	}
	lim := s.limits[family]
	over := false
	if lim != nil {
		if lim.start.IsZero() || !now.Before(lim.end()) {
			lim.start, lim.used = now, 0
		}
		lim.used++
		over = lim.used > lim.max
		if over {
			s.overLimit++
		}
		remaining := max(0, lim.max-lim.used)
		rec.Header().Set("x-rate-limit-limit", strconv.Itoa(lim.max))
		rec.Header().Set("x-rate-limit-remaining", strconv.Itoa(remaining))
		rec.Header().Set("x-rate-limit-reset", strconv.FormatInt(lim.end().Unix(), 10))
	}
	s.mu.Unlock()

	rateLimited := func() int {
		rec.Header().Set("x-rate-limit-remaining", "0")
		return writeJSON(rec, 429, map[string]any{"errors": []map[string]any{{"code": 88, "message": "Rate limit exceeded"}}})
	}
	switch {
	case over:
		return rateLimited()
	case fail == FailRateLimit:
		rec.Header().Set("x-rate-limit-reset", strconv.FormatInt(now.Add(RetryAfter).Unix(), 10))
		return rateLimited()
	case fail == FailServer:
		return writeJSON(rec, 503, problem("about:blank", "Service Unavailable", "Service Unavailable", 503))
	case fail == FailUnauthorized:
		return writeJSON(rec, 401, problem("about:blank", "Unauthorized", "Unauthorized", 401))
	case fail == FailTimeout:
		return 0
	}

	status := s.operation(rec, r, body, req, now)
	if in != nil && status/100 == 2 {
		if err := validateResponse(in, status, rec.Header(), rec.Body.Bytes()); err != nil {
			s.violate("response to %s %s: %v", r.Method, r.URL.Path, err)
		}
	}
	if fail == FailMalformed && status/100 == 2 {
		rec.Body.Reset()
		rec.Body.WriteString(`{"data": {"id": "19`)
	}
	return status
}

func route(method, path string) (family, kind string) {
	switch {
	case method == "POST" && path == "/2/tweets":
		return "tweets", "tweet"
	case method == "POST" && strings.HasPrefix(path, "/2/dm_conversations/"):
		return "dm", "dm"
	case method == "GET" && strings.HasSuffix(path, "/mentions"):
		return "mentions", "mentions"
	case method == "GET" && strings.HasPrefix(path, "/2/users/") && strings.HasSuffix(path, "/tweets"):
		return "timeline", "timeline"
	case method == "PUT" && strings.HasSuffix(path, "/hidden"):
		return "hide", "hide"
	}
	return "", "other"
}

// operation serves one valid, authorised request; it returns the status.
func (s *Server) operation(rec *httptest.ResponseRecorder, r *http.Request, body []byte, req *Request, now time.Time) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch req.Kind {
	case "tweet":
		var b struct {
			Text  string `json:"text"`
			Reply *struct {
				InReplyTo string `json:"in_reply_to_tweet_id"`
			} `json:"reply"`
		}
		if err := json.Unmarshal(body, &b); err != nil {
			return writeJSON(rec, 400, problem("https://api.x.com/2/problems/invalid-request", "Invalid Request", err.Error(), 400))
		}
		req.Text = b.Text
		conv := ""
		if b.Reply != nil {
			req.InReplyTo = b.Reply.InReplyTo
			parent, ok := s.tweet(b.Reply.InReplyTo)
			if !ok {
				return writeJSON(rec, 403, problem("about:blank", "Forbidden", "You attempted to reply to a Tweet that is deleted or not visible to you.", 403))
			}
			conv = parent.ConversationID
		}
		if weighted(b.Text) > 280 {
			return writeJSON(rec, 400, problem("https://api.x.com/2/problems/invalid-request", "Invalid Request", "Your Tweet text is too long.", 400))
		}
		if s.duplicate("tweet", b.Text, now) {
			return writeJSON(rec, 403, problem("about:blank", "Forbidden", DuplicateTweet, 403))
		}
		id := s.nextID()
		if conv == "" {
			conv = id
		}
		s.tweets = append(s.tweets, Tweet{ID: id, AuthorID: s.userID, Text: b.Text, InReplyTo: req.InReplyTo, ConversationID: conv, Created: now})
		req.ID = id
		return writeJSON(rec, 201, map[string]any{"data": map[string]any{"id": id, "text": b.Text, "edit_history_post_ids": []string{id}}})
	case "dm":
		var b struct {
			Text string `json:"text"`
		}
		_ = json.Unmarshal(body, &b)
		p := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/2/dm_conversations/with/"), "/messages")
		req.Text, req.Participant, req.ReplyTo = b.Text, p, s.lastDM[p]
		if s.duplicate("dm", b.Text, now) {
			return writeJSON(rec, 403, problem("about:blank", "Forbidden", DuplicateDM, 403))
		}
		ids := []string{s.userID, p}
		sort.Strings(ids)
		req.ID = s.nextID()
		return writeJSON(rec, 201, map[string]any{"data": map[string]any{"dm_conversation_id": strings.Join(ids, "-"), "dm_event_id": req.ID}})
	case "hide":
		id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/2/tweets/"), "/hidden")
		if _, ok := s.tweet(id); !ok {
			return writeJSON(rec, 404, problem("https://api.x.com/2/problems/resource-not-found", "Not Found Error", "Could not find tweet with id: ["+id+"].", 404))
		}
		req.ID = id
		return writeJSON(rec, 200, map[string]any{"data": map[string]any{"hidden": true}})
	case "mentions":
		return s.mentions(rec, r)
	case "timeline":
		return s.timeline(rec, r)
	}
	return writeJSON(rec, 404, problem("https://api.x.com/2/problems/resource-not-found", "Not Found Error", "no such endpoint in the fake", 404))
}

// The details of X's 403 refusing a text the account created recently. The
// tweet one is X's own wording; X words the DM one alike.
const (
	DuplicateTweet = "You are not allowed to create a Tweet with duplicate content."
	DuplicateDM    = "You are not allowed to create a Direct Message with duplicate content."
)

// duplicate reports whether text was created on surface within the
// window, and otherwise records it; s.mu is held.
func (s *Server) duplicate(surface, text string, now time.Time) bool {
	if at, ok := s.recent[surface][text]; ok && now.Sub(at) < s.dupWindow {
		return true
	}
	s.recent[surface][text] = now
	return false
}

func (s *Server) tweet(id string) (Tweet, bool) {
	for _, t := range s.tweets {
		if t.ID == id {
			return t, true
		}
	}
	return Tweet{}, false
}

// mentions serves GET /2/users/:id/mentions, newest first, paged; s.mu is held.
func (s *Server) mentions(rec *httptest.ResponseRecorder, r *http.Request) int {
	q := r.URL.Query()
	user := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/2/users/"), "/mentions")
	since, _ := strconv.ParseInt(q.Get("since_id"), 10, 64)
	var start time.Time
	if v := q.Get("start_time"); v != "" {
		start, _ = time.Parse(time.RFC3339, v)
	}
	var all []Tweet
	for i := len(s.tweets) - 1; i >= 0 && len(all) < 800; i-- {
		t := s.tweets[i]
		id, _ := strconv.ParseInt(t.ID, 10, 64)
		if t.AuthorID != user && strings.Contains(t.Text, "@") && id > since && !t.Created.Before(start) {
			all = append(all, t)
		}
	}
	size := 10
	if v, err := strconv.Atoi(q.Get("max_results")); err == nil {
		size = v
	}
	off := 0
	if v := q.Get("pagination_token"); v != "" {
		off, _ = strconv.Atoi(strings.TrimPrefix(v, "p"))
	}
	page := all[min(off, len(all)):min(off+size, len(all))]
	meta := map[string]any{"result_count": len(page)}
	res := map[string]any{"meta": meta}
	if len(page) > 0 {
		var data, users []map[string]any
		for _, t := range page {
			data = append(data, map[string]any{"id": t.ID, "text": t.Text, "author_id": t.AuthorID,
				"conversation_id": t.ConversationID, "created_at": t.Created.UTC().Format(time.RFC3339),
				"edit_history_post_ids": []string{t.ID}})
			users = append(users, map[string]any{"id": t.AuthorID, "username": t.Username, "name": t.Username})
		}
		res["data"], res["includes"] = data, map[string]any{"users": users}
		meta["newest_id"], meta["oldest_id"] = all[0].ID, page[len(page)-1].ID
		if off+size < len(all) {
			meta["next_token"] = "p" + strconv.Itoa(off+size)
		}
	}
	return writeJSON(rec, 200, res)
}

// timeline answers GET /2/users/{id}/tweets: the user's own posts, newest
// first, from start_time on, max_results of them (default 10).
func (s *Server) timeline(rec *httptest.ResponseRecorder, r *http.Request) int {
	q := r.URL.Query()
	user := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/2/users/"), "/tweets")
	var start time.Time
	if v := q.Get("start_time"); v != "" {
		start, _ = time.Parse(time.RFC3339, v)
	}
	size := 10
	if v, err := strconv.Atoi(q.Get("max_results")); err == nil {
		size = v
	}
	var data []map[string]any
	for i := len(s.tweets) - 1; i >= 0 && len(data) < size; i-- {
		t := s.tweets[i]
		if t.AuthorID == user && !t.Created.Before(start) {
			data = append(data, map[string]any{"id": t.ID, "text": t.Text, "author_id": t.AuthorID,
				"created_at": t.Created.UTC().Format(time.RFC3339), "edit_history_post_ids": []string{t.ID}})
		}
	}
	meta := map[string]any{"result_count": len(data)}
	res := map[string]any{"meta": meta}
	if len(data) > 0 {
		res["data"] = data
		meta["newest_id"], meta["oldest_id"] = data[0]["id"], data[len(data)-1]["id"]
	}
	return writeJSON(rec, 200, res)
}

func problem(typ, title, detail string, status int) map[string]any {
	return map[string]any{"type": typ, "title": title, "detail": detail, "status": status}
}

func writeJSON(rec *httptest.ResponseRecorder, status int, v any) int {
	ct := "application/json; charset=utf-8"
	if m, ok := v.(map[string]any); ok && m["type"] != nil {
		ct = "application/problem+json"
	}
	rec.Header().Set("Content-Type", ct)
	rec.WriteHeader(status)
	_ = json.NewEncoder(rec).Encode(v)
	return status
}

// weighted counts like X (twitter-text v3 ranges, links 23), written
// apart from the adapter's counter so one checks the other.
func weighted(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if strings.HasPrefix(s[i:], "http://") || strings.HasPrefix(s[i:], "https://") {
			j := strings.IndexAny(s[i:], " \n\t\r")
			if j < 0 {
				j = len(s) - i
			}
			n, i = n+23, i+j
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r <= 0x10FF, r >= 0x2000 && r <= 0x200D, r >= 0x2010 && r <= 0x201F, r >= 0x2032 && r <= 0x2037:
			n++
		default:
			n += 2
		}
		i += size
	}
	return n
}

// checkOAuth recomputes the HMAC-SHA1 signature of an OAuth 1.0a
// Authorization header with the known secrets. The adapter signs the URL
// it calls, which is the fake's own.
func (s *Server) checkOAuth(r *http.Request, body []byte) error {
	h, ok := strings.CutPrefix(r.Header.Get("Authorization"), "OAuth ")
	if !ok {
		return fmt.Errorf("no OAuth Authorization header")
	}
	params := map[string]string{}
	for _, kv := range strings.Split(h, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok {
			return fmt.Errorf("bad Authorization parameter %q", kv)
		}
		v, err := url.PathUnescape(strings.Trim(v, `"`))
		if err != nil {
			return fmt.Errorf("bad Authorization parameter %q", kv)
		}
		params[k] = v
	}
	for _, k := range []string{"oauth_consumer_key", "oauth_nonce", "oauth_signature", "oauth_signature_method", "oauth_timestamp", "oauth_token", "oauth_version"} {
		if params[k] == "" {
			return fmt.Errorf("missing %s", k)
		}
	}
	if params["oauth_consumer_key"] != s.consumerKey || params["oauth_token"] != s.token {
		return fmt.Errorf("unknown consumer key or token")
	}
	if params["oauth_signature_method"] != "HMAC-SHA1" || params["oauth_version"] != "1.0" {
		return fmt.Errorf("unsupported signature method %q", params["oauth_signature_method"])
	}
	ts, err := strconv.ParseInt(params["oauth_timestamp"], 10, 64)
	if err != nil || time.Since(time.Unix(ts, 0)).Abs() > 5*time.Minute {
		return fmt.Errorf("timestamp out of range")
	}
	all := map[string]string{}
	for k, v := range r.URL.Query() {
		all[k] = v[0]
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		form, _ := url.ParseQuery(string(body))
		for k, v := range form {
			all[k] = v[0]
		}
	}
	for k, v := range params {
		if k != "oauth_signature" && k != "realm" {
			all[k] = v
		}
	}
	keys := make([]string, 0, len(all))
	for k := range all {
		keys = append(keys, oauth1.PercentEncode(k))
	}
	sort.Strings(keys)
	enc := map[string]string{}
	for k, v := range all {
		enc[oauth1.PercentEncode(k)] = oauth1.PercentEncode(v)
	}
	pairs := make([]string, len(keys))
	for i, k := range keys {
		pairs[i] = k + "=" + enc[k]
	}
	base := strings.ToUpper(r.Method) + "&" + oauth1.PercentEncode("http://"+strings.ToLower(r.Host)+r.URL.EscapedPath()) +
		"&" + oauth1.PercentEncode(strings.Join(pairs, "&"))
	m := hmac.New(sha1.New, []byte(oauth1.PercentEncode(s.consumerSecret)+"&"+oauth1.PercentEncode(s.tokenSecret)))
	m.Write([]byte(base))
	want := base64.StdEncoding.EncodeToString(m.Sum(nil))
	if !hmac.Equal([]byte(want), []byte(params["oauth_signature"])) {
		return fmt.Errorf("signature does not match")
	}
	return nil
}

// ---- Webhook side ----

// Sign is the x-twitter-webhooks-signature of body under secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// CRC sends X's challenge to the webhook and reports whether the answer
// was right.
func (s *Server) CRC(webhookURL string) (ok bool, status int) {
	var b [12]byte
	_, _ = rand.Read(b[:])
	token := hex.EncodeToString(b[:])
	resp, err := s.client.Get(webhookURL + "?crc_token=" + token)
	if err != nil {
		s.t.Errorf("xtest: crc: %v", err)
		return false, 0
	}
	defer resp.Body.Close()
	var out struct {
		ResponseToken string `json:"response_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&out)
	return err == nil && resp.StatusCode == 200 && out.ResponseToken == Sign(s.consumerSecret, []byte(token)), resp.StatusCode
}

// Post signs body with the consumer secret and POSTs it to the webhook,
// returning the status answered.
func (s *Server) Post(webhookURL string, body []byte) int {
	return s.PostSigned(webhookURL, body, Sign(s.consumerSecret, body))
}

// PostSigned POSTs body with the given signature (empty: none).
func (s *Server) PostSigned(webhookURL string, body []byte, signature string) int {
	s.mu.Lock()
	s.lastBody = body
	s.mu.Unlock()
	req, err := http.NewRequest(http.MethodPost, webhookURL, bytes.NewReader(body))
	if err != nil {
		s.t.Errorf("xtest: post: %v", err)
		return 0
	}
	req.Header.Set("Content-Type", "application/json")
	if signature != "" {
		req.Header.Set("x-twitter-webhooks-signature", signature)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		s.t.Errorf("xtest: post: %v", err)
		return 0
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// Redeliver POSTs the last delivery again.
func (s *Server) Redeliver(webhookURL string) int {
	s.mu.Lock()
	b := s.lastBody
	s.mu.Unlock()
	return s.Post(webhookURL, b)
}

// Mention is a post mentioning or replying to our account.
type Mention struct {
	From     string // author id; generated when empty
	Username string
	Text     string // should contain our @handle
	// InReplyTo is the post it replies to ("" for none).
	InReplyTo string
}

// AddMention records a mention, which GET /2/users/:id/mentions returns
// and replies may target, and returns it.
func (s *Server) AddMention(m Mention) Tweet {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m.From == "" {
		m.From = "16" + s.nextID()[2:]
	}
	if m.Username == "" {
		m.Username = "user" + m.From[len(m.From)-4:]
	}
	id := s.nextID()
	conv := id
	if p, ok := s.tweet(m.InReplyTo); ok {
		conv = p.ConversationID
	}
	t := Tweet{ID: id, AuthorID: m.From, Username: m.Username, Text: m.Text, InReplyTo: m.InReplyTo, ConversationID: conv, Created: s.now()}
	s.tweets = append(s.tweets, t)
	return t
}

// MentionBody records a mention and returns its Account Activity delivery.
func (s *Server) MentionBody(m Mention) ([]byte, Tweet) {
	t := s.AddMention(m)
	tw := map[string]any{
		"created_at": t.Created.UTC().Format(time.RubyDate), "id": json.Number(t.ID), "id_str": t.ID,
		"text": t.Text, "in_reply_to_status_id_str": nil,
		"user": map[string]any{"id": json.Number(t.AuthorID), "id_str": t.AuthorID, "screen_name": t.Username, "name": t.Username},
		"entities": map[string]any{"hashtags": []any{}, "urls": []any{}, "symbols": []any{},
			"user_mentions": []any{map[string]any{"screen_name": "brand", "id_str": s.userID, "id": json.Number(s.userID), "indices": []int{0, 6}}}},
	}
	if t.InReplyTo != "" {
		tw["in_reply_to_status_id_str"] = t.InReplyTo
		tw["in_reply_to_user_id_str"] = s.userID
	}
	b, _ := json.Marshal(map[string]any{"for_user_id": s.userID, "user_has_blocked": "false", "tweet_create_events": []any{tw}})
	return b, t
}

// DM is a direct message to our account.
type DM struct {
	From string // sender id; generated when empty
	Name string
	Text string
}

// DMBody returns the Account Activity delivery of a DM with its event id
// and sender, and records it as the sender's latest DM.
func (s *Server) DMBody(dm DM) (body []byte, id, from string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if dm.From == "" {
		dm.From = "16" + s.nextID()[2:]
	}
	id = s.nextID()
	s.lastDM[dm.From] = id
	ev := map[string]any{"type": "message_create", "id": id, "created_timestamp": strconv.FormatInt(s.now().UnixMilli(), 10),
		"message_create": map[string]any{"target": map[string]string{"recipient_id": s.userID}, "sender_id": dm.From,
			"message_data": map[string]any{"text": dm.Text, "entities": map[string]any{"hashtags": []any{}, "symbols": []any{}, "user_mentions": []any{}, "urls": []any{}}}}}
	body, _ = json.Marshal(map[string]any{"for_user_id": s.userID, "direct_message_events": []any{ev},
		"users": map[string]any{dm.From: map[string]string{"id": dm.From, "name": dm.Name, "screen_name": strings.ToLower(dm.Name)}}})
	return body, id, dm.From
}

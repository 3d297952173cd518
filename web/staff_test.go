package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"engagebot/bot"
	"engagebot/web"
)

// Auth is a fake of the sign-in service: one user, and a token per role.
type Auth struct {
	mu       sync.Mutex
	password map[string]string     // name -> password
	roles    map[string][]bot.Role // name -> roles
	sessions map[string]string     // secret -> name
	tokens   map[string]bot.Actor  // secret -> actor
	logins   int
}

func newAuth() *Auth {
	a := &Auth{
		password: map[string]string{"sara": "sara's long password"},
		roles:    map[string][]bot.Role{"sara": {bot.RoleModerator}},
		sessions: map[string]string{},
		tokens:   map[string]bot.Actor{},
	}
	for _, r := range bot.Roles {
		a.tokens["ebt_"+string(r)] = bot.Actor{Name: "token-" + string(r), Roles: []bot.Role{r}}
	}
	return a
}

func (a *Auth) Login(_ context.Context, name, pw string) (string, *bot.Session, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.logins++
	if want, ok := a.password[name]; !ok || want != pw {
		return "", nil, bot.Errorf(bot.EUNAUTHORIZED, "wrong name or password")
	}
	secret := "ebs_" + name + strconv.Itoa(a.logins)
	a.sessions[secret] = name
	return secret, &bot.Session{Hash: "h", User: name, Expires: time.Now().Add(time.Hour)}, nil
}

func (a *Auth) Logout(_ context.Context, secret string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.sessions, secret)
	return nil
}

func (a *Auth) SessionActor(_ context.Context, secret string) (bot.Actor, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	name, ok := a.sessions[secret]
	if !ok {
		return bot.Actor{}, bot.Errorf(bot.EUNAUTHORIZED, "not signed in")
	}
	return bot.Actor{Name: name, Roles: a.roles[name]}, nil
}

func (a *Auth) TokenActor(_ context.Context, secret string) (bot.Actor, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	act, ok := a.tokens[secret]
	if !ok {
		return bot.Actor{}, bot.Errorf(bot.EUNAUTHORIZED, "unknown API token")
	}
	return act, nil
}

// Data is a fake store for reads: a Tx that knows threads, messages,
// flags, followers and the audit log. Other Tx methods are not used by
// the staff area and would panic.
type Data struct {
	threads   map[bot.ThreadKey]*bot.Thread
	messages  map[bot.ThreadKey][]*bot.Message
	flags     []*bot.Flag
	followers map[bot.FollowerKey]*bot.Follower
	audit     []*bot.AuditEntry
	labels    []*bot.LabelOverride
}

func (d *Data) View(_ context.Context, fn func(bot.Tx) error) error { return fn(dataTx{d: d}) }

type dataTx struct {
	bot.Tx
	d *Data
}

func (t dataTx) Thread(k bot.ThreadKey) (*bot.Thread, error) {
	th, ok := t.d.threads[k]
	if !ok {
		return nil, bot.Errorf(bot.ENOTFOUND, "thread %s not found", k)
	}
	c := *th
	return &c, nil
}

func (t dataTx) Messages(k bot.ThreadKey, after uint64, limit int) ([]*bot.Message, error) {
	return t.d.messages[k], nil
}

func (t dataTx) Flags(f bot.FlagFilter) ([]*bot.Flag, error) {
	var out []*bot.Flag
	for _, fl := range t.d.flags {
		status := f.Status
		if f.Queue {
			status = bot.FlagOpen // the queue holds open flags only
		}
		if (status == "" || fl.Status == status) && (f.Thread == nil || *f.Thread == fl.Thread) {
			c := *fl
			out = append(out, &c)
		}
	}
	if f.Queue {
		// As a store's queue index reads them.
		slices.SortFunc(out, bot.QueueLess)
		if f.QueueAfter != nil {
			out = slices.DeleteFunc(out, func(x *bot.Flag) bool { return bot.QueueLess(x, f.QueueAfter) <= 0 })
		}
		if f.Limit > 0 && len(out) > f.Limit {
			out = out[:f.Limit]
		}
	}
	return out, nil
}

func (t dataTx) Follower(k bot.FollowerKey) (*bot.Follower, error) {
	f, ok := t.d.followers[k]
	if !ok {
		return nil, bot.Errorf(bot.ENOTFOUND, "follower not found")
	}
	return f, nil
}

func (t dataTx) Labels(k bot.ThreadKey) ([]*bot.LabelOverride, error) {
	var out []*bot.LabelOverride
	for _, l := range t.d.labels {
		if l.Thread == k {
			out = append(out, l)
		}
	}
	return out, nil
}

func (t dataTx) User(name string) (*bot.User, error) {
	if name != "sara" {
		return nil, bot.Errorf(bot.ENOTFOUND, "user %q not found", name)
	}
	return &bot.User{Name: "sara", Roles: []bot.Role{bot.RoleModerator}, PasswordHash: "$fake$hash-of-sara", Lang: bot.LangEn}, nil
}

func (t dataTx) Users() ([]*bot.User, error) {
	return []*bot.User{{Name: "sara", Roles: []bot.Role{bot.RoleModerator}, PasswordHash: "$fake$hash-of-sara", Created: t0, CreatedBy: "cli"}}, nil
}

func (t dataTx) Tokens() ([]*bot.APIToken, error) {
	return []*bot.APIToken{{Hash: "0123456789abcdef0123456789abcdef", Name: "crm", Roles: []bot.Role{bot.RoleViewer}, Created: t0, CreatedBy: "cli"}}, nil
}

// hasher is a fake password hasher.
type hasher struct{}

func (hasher) Hash(pw string) (string, error)    { return "$fake$" + pw, nil }
func (hasher) Verify(h, pw string) (bool, error) { return h == "$fake$"+pw, nil }

// post is the one post the fake store knows: published on Telegram,
// failed on X.
var (
	postAt = time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
	post   = &bot.Post{ID: 1, Text: "flu season: wash your hands", State: bot.PostFailed, Version: 2, Author: "sara", TZ: "Asia/Tehran",
		Targets: []bot.PostTarget{{Account: "telegram.support", Chat: "@brand"}, {Account: "x.brand"}}, At: postAt,
		Approvals: []bot.Approval{{By: "reza", At: t0, Version: 2, Note: "medical: ok"}}, Created: t0, Updated: t0}
	slot = &bot.Slot{Post: 1, At: postAt, Version: 2, Fired: postAt, Updated: postAt, Targets: []bot.SlotTarget{
		{Account: "telegram.support", Chat: "@brand", State: bot.SlotPublished, Outbound: 8, PlatformID: "77", URL: "https://t.me/brand/77"},
		{Account: "x.brand", State: bot.SlotFailed, Outbound: 9, Error: "send permanent (403)"},
	}}
)

func (t dataTx) Post(id uint64) (*bot.Post, error) {
	if id != post.ID {
		return nil, bot.Errorf(bot.ENOTFOUND, "post %d not found", id)
	}
	c := *post
	return &c, nil
}

func (t dataTx) Slots(id uint64) ([]*bot.Slot, error) {
	if id != post.ID {
		return nil, nil
	}
	c := *slot
	return []*bot.Slot{&c}, nil
}

func (t dataTx) Posts(f bot.PostFilter) ([]*bot.Post, error) {
	if f.After >= post.ID || f.State != "" && f.State != post.State {
		return nil, nil
	}
	p, _ := t.Post(post.ID)
	return []*bot.Post{p}, nil
}

func (t dataTx) SlotsBetween(f bot.SlotFilter) ([]*bot.Slot, error) {
	if slot.At.Before(f.From) || !f.To.IsZero() && !slot.At.Before(f.To) {
		return nil, nil
	}
	return t.Slots(post.ID)
}

func (t dataTx) AuditLog(f bot.AuditFilter) ([]*bot.AuditEntry, error) { return t.d.audit, nil }

// Actions is a fake of the people's actions: it records each call.
type Actions struct {
	mu    sync.Mutex
	calls []string
}

func (a *Actions) record(actor bot.Actor, what string, k bot.ThreadKey) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls = append(a.calls, actor.Name+" "+what+" "+k.String())
}

func (a *Actions) TakeOver(_ context.Context, actor bot.Actor, k bot.ThreadKey) error {
	a.record(actor, "takeover", k)
	return nil
}

func (a *Actions) Release(_ context.Context, actor bot.Actor, k bot.ThreadKey) error {
	a.record(actor, "release", k)
	return nil
}

func (a *Actions) Resolve(_ context.Context, actor bot.Actor, k bot.ThreadKey, note string) error {
	a.record(actor, "resolve("+note+")", k)
	return nil
}

func (a *Actions) Reply(_ context.Context, actor bot.Actor, k bot.ThreadKey, text string) (*bot.Outbound, error) {
	if strings.TrimSpace(text) == "" {
		return nil, bot.Errorf(bot.EINVALID, "text: a reply needs text")
	}
	a.record(actor, "reply("+text+")", k)
	return &bot.Outbound{ID: 7, State: bot.OutPending}, nil
}

func (a *Actions) AddNote(_ context.Context, actor bot.Actor, k bot.ThreadKey, text string) error {
	if strings.TrimSpace(text) == "" {
		return bot.Errorf(bot.EINVALID, "text: a note needs text")
	}
	a.record(actor, "note("+text+")", k)
	return nil
}

func (a *Actions) Mute(_ context.Context, actor bot.Actor, k bot.FollowerKey, mute, block bool, note string) error {
	a.record(actor, fmt.Sprintf("mute(%v,%v)", mute, block), bot.ThreadKey{Platform: k.Platform, Chat: k.UserID})
	return nil
}

func (a *Actions) AddUser(_ context.Context, actor bot.Actor, h bot.PasswordHasher, name string, roles []bot.Role, pw string) error {
	if err := bot.CheckPassword(pw); err != nil {
		return err
	}
	if _, err := h.Hash(pw); err != nil {
		return err
	}
	a.record(actor, "adduser("+name+")", bot.ThreadKey{})
	return nil
}

func (a *Actions) RevokeToken(_ context.Context, actor bot.Actor, id string) error {
	a.record(actor, "revoke("+id+")", bot.ThreadKey{})
	return nil
}

func (a *Actions) SetUserLang(_ context.Context, actor bot.Actor, lang string) error {
	a.record(actor, "lang("+lang+")", bot.ThreadKey{})
	return nil
}

func (a *Actions) CreatePost(_ context.Context, actor bot.Actor, in bot.PostInput) (*bot.Post, error) {
	if strings.TrimSpace(in.Text) == "" {
		return nil, bot.Errorf(bot.EINVALID, "text: a post needs text")
	}
	a.record(actor, "post.create("+in.Text+" at "+in.At.UTC().Format(time.RFC3339)+")", bot.ThreadKey{})
	return &bot.Post{ID: 2, State: bot.PostDraft, Text: in.Text, Targets: in.Targets, At: in.At, Version: 1, Author: actor.Name, Created: t0, Updated: t0}, nil
}

func (a *Actions) EditPost(_ context.Context, actor bot.Actor, id uint64, in bot.PostInput) (*bot.Post, error) {
	a.record(actor, fmt.Sprintf("post.edit(%d at %s)", id, in.At.UTC().Format(time.RFC3339)), bot.ThreadKey{})
	return &bot.Post{ID: id}, nil
}

func (a *Actions) SubmitPost(_ context.Context, actor bot.Actor, id uint64) (*bot.Post, error) {
	a.record(actor, fmt.Sprintf("post.submit(%d)", id), bot.ThreadKey{})
	return &bot.Post{ID: id}, nil
}

func (a *Actions) ApprovePost(_ context.Context, actor bot.Actor, id uint64, note string) (*bot.Post, error) {
	a.record(actor, fmt.Sprintf("post.approve(%d %s)", id, note), bot.ThreadKey{})
	return &bot.Post{ID: id}, nil
}

func (a *Actions) CancelPost(_ context.Context, actor bot.Actor, id uint64, note string) (*bot.Post, error) {
	a.record(actor, fmt.Sprintf("post.cancel(%d %s)", id, note), bot.ThreadKey{})
	return &bot.Post{ID: id}, nil
}

func (a *Actions) RetrySlot(_ context.Context, actor bot.Actor, id uint64, at time.Time, account string) (*bot.Slot, error) {
	a.record(actor, fmt.Sprintf("post.retry(%d %s %s)", id, at.UTC().Format(time.RFC3339), account), bot.ThreadKey{})
	return &bot.Slot{Post: id, At: at}, nil
}

func (a *Actions) took() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.calls)
}

var (
	t0     = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	thread = bot.ThreadKey{Platform: "telegram", Account: "support", Chat: "42"}
	other  = bot.ThreadKey{Platform: "instagram", Account: "brand", Chat: "c/7 ?#"}
	sara   = bot.FollowerKey{Platform: "telegram", UserID: "u1"}
	john   = bot.FollowerKey{Platform: "instagram", UserID: "u2"}
)

func newData() *Data {
	return &Data{
		threads: map[bot.ThreadKey]*bot.Thread{
			thread: {Key: thread, ChatType: bot.ChatPrivate, Follower: sara, Mode: bot.ModeHuman, Moderator: "sara", Flagged: bot.SeverityCritical, Created: t0},
			other:  {Key: other, ChatType: bot.ChatPrivate, Follower: john, Mode: bot.ModeBot, Flagged: bot.SeverityHigh, Created: t0},
		},
		messages: map[bot.ThreadKey][]*bot.Message{
			thread: {
				{Seq: 1, Thread: thread, Direction: bot.DirIn, Kind: bot.EventMessage, Text: "بعد از قرص سرگیجه گرفتم", At: t0,
					Analysis: &bot.Analysis{Lang: "fa", Sentiment: bot.Sentiment{Label: bot.SentimentNegative, Score: -0.6}, Intent: "complaint",
						Signals: []bot.Signal{{Name: bot.SignalAdverseEvent, Severity: bot.SeverityCritical}}}},
				{Seq: 2, Thread: thread, Direction: bot.DirOut, Kind: bot.EventMessage, Text: "متاسفیم", At: t0.Add(time.Minute)},
			},
		},
		flags: []*bot.Flag{
			{ID: 1, Thread: other, Follower: john, Severity: bot.SeverityMedium, Reason: "complaint", Status: bot.FlagOpen, Created: t0},
			{ID: 2, Thread: other, Follower: john, Severity: bot.SeverityHigh, Reason: "legal_threat", Status: bot.FlagOpen, Created: t0.Add(2 * time.Hour)},
			{ID: 3, Thread: thread, Follower: sara, Severity: bot.SeverityCritical, Reason: "adverse_event", Status: bot.FlagOpen, Created: t0.Add(3 * time.Hour)},
			{ID: 4, Thread: other, Follower: john, Severity: bot.SeverityHigh, Reason: "legal_threat", Status: bot.FlagOpen, Created: t0.Add(time.Hour)},
			{ID: 5, Thread: thread, Follower: sara, Severity: bot.SeverityCritical, Reason: "self_harm", Status: bot.FlagOpen, Created: t0.Add(time.Hour)},
			{ID: 6, Thread: thread, Follower: sara, Severity: bot.SeverityLow, Reason: "abuse", Status: bot.FlagClosed, Created: t0},
		},
		followers: map[bot.FollowerKey]*bot.Follower{
			sara: {Key: sara, Lang: "fa"},
			john: {Key: john, Lang: "en"},
		},
		labels: []*bot.LabelOverride{{Thread: thread, Message: 1, MessageID: "m1", Label: bot.SentimentNeutral, By: "sara", At: t0}},
		audit:  []*bot.AuditEntry{{Seq: 1, At: t0, Actor: "sara", Action: "thread.takeover", Target: "thread:" + thread.String()}},
	}
}

// staff is a server with the staff area on fakes, and its log.
type staff struct {
	ts      *httptest.Server
	srv     *web.Server
	auth    *Auth
	actions *Actions
	log     *bytes.Buffer
	now     *time.Time
}

func newStaff(t *testing.T, publicURL string) *staff {
	t.Helper()
	st := &staff{auth: newAuth(), actions: &Actions{}, log: &bytes.Buffer{}}
	now := t0
	st.now = &now
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(lockedWriter{&mu, st.log}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	st.srv = web.New(web.Options{
		Engine: &Core{}, Logger: logger, Version: "v-test",
		Auth: st.auth, Data: newData(), Actions: st.actions, PublicURL: publicURL, Passwords: hasher{}, UploadDir: t.TempDir(),
		Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return *st.now },
	})
	st.ts = httptest.NewServer(st.srv.Handler())
	t.Cleanup(st.ts.Close)
	return st
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// request is one call to the staff area.
type request struct {
	method, path, body string
	token              string // a bearer token
	cookie             *http.Cookie
	header             map[string]string
	form               url.Values
}

type answer struct {
	status int
	header http.Header
	body   string
}

func (st *staff) do(t *testing.T, rq request) answer {
	t.Helper()
	var body io.Reader = strings.NewReader(rq.body)
	if rq.form != nil {
		body = strings.NewReader(rq.form.Encode())
	}
	req, err := http.NewRequest(rq.method, st.ts.URL+rq.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if rq.form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else if rq.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if rq.token != "" {
		req.Header.Set("Authorization", "Bearer "+rq.token)
	}
	if rq.cookie != nil {
		req.AddCookie(rq.cookie)
	}
	for k, v := range rq.header {
		req.Header.Set(k, v)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, string(b)}
}

// errorBody fails unless the answer is a JSON {"error": ...}.
func errorBody(t *testing.T, what string, a answer) {
	t.Helper()
	var e struct{ Error string }
	if err := json.Unmarshal([]byte(a.body), &e); err != nil || e.Error == "" {
		t.Errorf("%s: body %q, want JSON {\"error\": ...}", what, a.body)
	}
}

// who is one column of the role matrix: a role, or no credentials.
var who = []string{"admin", "pr", "moderator", "safety", "viewer", "none"}

// matrix says, for every staff route, who may use it. A route the server
// serves that has no row here fails the test, and so does a row for a
// route it does not serve: a new route must be declared with its roles.
var matrix = map[string][]string{
	"POST /login":                                     {"public"},
	"POST /logout":                                    {"public"},
	"POST /api/v1/me/lang":                            {"admin", "pr", "moderator", "safety", "viewer"},
	"GET /api/v1/me":                                  {"admin", "pr", "moderator", "safety", "viewer"},
	"GET /api/v1/openapi.json":                        {"admin", "pr", "moderator", "safety", "viewer"},
	"GET /api/v1/flags":                               {"admin", "pr", "moderator", "safety", "viewer"},
	"GET /api/v1/threads/{id}":                        {"admin", "pr", "moderator", "safety", "viewer"},
	"POST /api/v1/threads/{id}/takeover":              {"admin", "moderator"},
	"POST /api/v1/threads/{id}/release":               {"admin", "moderator"},
	"POST /api/v1/threads/{id}/resolve":               {"admin", "moderator", "safety"},
	"POST /api/v1/threads/{id}/reply":                 {"admin", "moderator", "safety"},
	"POST /api/v1/threads/{id}/note":                  {"admin", "moderator", "safety"},
	"POST /api/v1/threads/{id}/mute":                  {"admin", "moderator"},
	"GET /api/v1/audit":                               {"admin"},
	"GET /api/v1/users":                               {"admin"},
	"POST /api/v1/users":                              {"admin"},
	"GET /api/v1/tokens":                              {"admin"},
	"DELETE /api/v1/tokens/{id}":                      {"admin"},
	"GET /api/v1/posts":                               {"admin", "pr", "moderator", "safety", "viewer"},
	"POST /api/v1/posts":                              {"admin", "pr"},
	"GET /api/v1/posts/{id}":                          {"admin", "pr", "moderator", "safety", "viewer"},
	"PUT /api/v1/posts/{id}":                          {"admin", "pr"},
	"POST /api/v1/posts/{id}/submit":                  {"admin", "pr"},
	"POST /api/v1/posts/{id}/approve":                 {"admin", "pr"},
	"POST /api/v1/posts/{id}/cancel":                  {"admin", "pr"},
	"POST /api/v1/posts/{id}/retry":                   {"admin", "pr"},
	"GET /api/v1/schedule/hours":                      {"admin", "pr", "moderator", "safety", "viewer"},
	"POST /api/v1/uploads":                            {"admin", "pr"},
	"GET /media/{name}":                               {"public"},
	"GET /api/v1/catalogue":                           {"admin", "pr", "moderator", "safety", "viewer"},
	"POST /api/v1/catalogue":                          {"admin", "pr"},
	"POST /api/v1/catalogue/import":                   {"admin", "pr"},
	"GET /api/v1/catalogue/{id}":                      {"admin", "pr", "moderator", "safety", "viewer"},
	"PUT /api/v1/catalogue/{id}":                      {"admin", "pr"},
	"DELETE /api/v1/catalogue/{id}":                   {"admin", "pr"},
	"GET /api/v1/segments":                            {"admin", "pr", "moderator", "safety", "viewer"},
	"POST /api/v1/segments":                           {"admin", "pr"},
	"POST /api/v1/segments/preview":                   {"admin", "pr"},
	"GET /api/v1/segments/{id}":                       {"admin", "pr", "moderator", "safety", "viewer"},
	"PUT /api/v1/segments/{id}":                       {"admin", "pr"},
	"DELETE /api/v1/segments/{id}":                    {"admin", "pr"},
	"GET /api/v1/campaigns":                           {"admin", "pr", "moderator", "safety", "viewer"},
	"POST /api/v1/campaigns":                          {"admin", "pr"},
	"GET /api/v1/campaigns/{id}":                      {"admin", "pr", "moderator", "safety", "viewer"},
	"POST /api/v1/campaigns/{id}/start":               {"admin", "pr"},
	"POST /api/v1/campaigns/{id}/pause":               {"admin", "pr"},
	"POST /api/v1/campaigns/{id}/resume":              {"admin", "pr"},
	"POST /api/v1/campaigns/{id}/cancel":              {"admin", "pr"},
	"GET /api/v1/campaigns/{id}/recipients":           {"admin", "pr"},
	"POST /api/v1/threads/{id}/csat":                  {"admin", "moderator", "safety"},
	"GET /api/v1/followers/{platform}/{user}":         {"admin", "pr", "moderator", "safety"},
	"POST /api/v1/followers/{platform}/{user}/link":   {"admin", "moderator"},
	"DELETE /api/v1/followers/{platform}/{user}/link": {"admin", "moderator"},
	"PUT /api/v1/followers/{platform}/{user}/tz":      {"admin", "pr", "moderator"},
	"GET /api/v1/model":                               {"admin", "pr", "moderator"},
	"POST /api/v1/model/train":                        {"admin", "pr"},
	"POST /api/v1/model/rollback":                     {"admin", "pr"},
	"POST /api/v1/model/examples":                     {"admin", "pr"},

	// The dashboard's pages.
	"GET /login":                        {"public"},
	"GET /dashboard":                    {"admin", "pr", "moderator", "safety", "viewer"},
	"POST /lang":                        {"admin", "pr", "moderator", "safety", "viewer"},
	"GET /queue":                        {"admin", "pr", "moderator", "safety", "viewer"},
	"GET /threads/{id}":                 {"admin", "pr", "moderator", "safety", "viewer"},
	"POST /threads/{id}/takeover":       {"admin", "moderator"},
	"POST /threads/{id}/release":        {"admin", "moderator"},
	"POST /threads/{id}/resolve":        {"admin", "moderator", "safety"},
	"POST /threads/{id}/reply":          {"admin", "moderator", "safety"},
	"POST /threads/{id}/note":           {"admin", "moderator", "safety"},
	"POST /threads/{id}/mute":           {"admin", "moderator"},
	"POST /threads/{id}/label":          {"admin", "moderator"},
	"POST /threads/{id}/assign":         {"admin", "moderator"},
	"POST /threads/{id}/outbound/{out}": {"admin", "moderator"},
	"GET /safety":                       {"admin", "safety"},
	"POST /safety/cases/{id}":           {"admin", "safety"},
	"GET /safety/export":                {"admin", "safety"},
	"GET /charts":                       {"admin", "pr", "moderator", "viewer"},
	"GET /charts/export":                {"admin", "pr", "moderator", "viewer"},
	"GET /alerts":                       {"admin", "pr", "moderator", "viewer"},
	"GET /model":                        {"admin", "pr", "moderator"},
	"POST /model/train":                 {"admin", "pr"},
	"POST /model/rollback":              {"admin", "pr"},
	"GET /admin/users":                  {"admin"},
	"POST /admin/users":                 {"admin"},
	"GET /admin/tokens":                 {"admin"},
	"POST /admin/tokens/{id}/revoke":    {"admin"},
	"GET /admin/followers":              {"admin"},
	"POST /admin/followers/export":      {"admin"},
	"POST /admin/followers/erase":       {"admin"},
	"GET /admin/audit":                  {"admin"},
	"GET /segments":                     {"admin", "pr", "moderator", "safety", "viewer"},
	"POST /segments":                    {"admin", "pr"},
	"POST /segments/preview":            {"admin", "pr"},
	"GET /segments/{id}":                {"admin", "pr", "moderator", "safety", "viewer"},
	"POST /segments/{id}/delete":        {"admin", "pr"},
	"POST /segments/{id}/edit":          {"admin", "pr"},
	"GET /campaigns":                    {"admin", "pr", "moderator", "safety", "viewer"},
	"POST /campaigns":                   {"admin", "pr"},
	"GET /campaigns/{id}":               {"admin", "pr", "moderator", "safety", "viewer"},
	"POST /campaigns/{id}/dry-run":      {"admin", "pr"},
	"POST /campaigns/{id}/start":        {"admin", "pr"},
	"POST /campaigns/{id}/pause":        {"admin", "pr"},
	"POST /campaigns/{id}/resume":       {"admin", "pr"},
	"POST /campaigns/{id}/cancel":       {"admin", "pr"},
	"GET /catalogue":                    {"admin", "pr", "moderator", "safety", "viewer"},
	"POST /catalogue":                   {"admin", "pr"},
	"POST /catalogue/import":            {"admin", "pr"},
	"POST /catalogue/{id}/remove":       {"admin", "pr"},

	// A follower's page, with the followers API's roles.
	"GET /followers/{platform}/{user}":         {"admin", "pr", "moderator", "safety"},
	"POST /followers/{platform}/{user}/link":   {"admin", "moderator"},
	"POST /followers/{platform}/{user}/unlink": {"admin", "moderator"},
	"POST /followers/{platform}/{user}/tz":     {"admin", "pr", "moderator"},
	"GET /calendar":                            {"admin", "pr", "moderator", "safety", "viewer"},

	// A post's page, with the posts API's roles.
	"GET /posts/{id}":          {"admin", "pr", "moderator", "safety", "viewer"},
	"POST /posts/{id}/submit":  {"admin", "pr"},
	"POST /posts/{id}/approve": {"admin", "pr"},
	"POST /posts/{id}/cancel":  {"admin", "pr"},
	"POST /posts/{id}/retry":   {"admin", "pr"},
}

// forms are valid forms of the pages' POSTs.
var forms = map[string]url.Values{
	"POST /lang":                        {"lang": {"en"}, "back": {"/queue"}},
	"POST /threads/{id}/resolve":        {"note": {"done"}},
	"POST /threads/{id}/reply":          {"text": {"hello"}},
	"POST /threads/{id}/note":           {"text": {"called her back"}},
	"POST /threads/{id}/mute":           {"do": {"mute"}},
	"POST /threads/{id}/label":          {"seq": {"1"}, "label": {"pos"}},
	"POST /threads/{id}/assign":         {"to": {"sara"}},
	"POST /threads/{id}/outbound/{out}": {"do": {"resend"}},
	"POST /safety/cases/{id}":           {"do": {"confirm"}, "note": {"a case"}},
	"POST /admin/users":                 {"name": {"reza"}, "role": {"viewer"}, "password": {"reza's long password"}},
	"POST /admin/followers/export":      {"platform": {"telegram"}, "user": {"u1"}},
	"POST /admin/followers/erase":       {"platform": {"telegram"}, "user": {"u1"}, "confirm": {"u1"}},
	"POST /segments":                    {"name": {"fa"}, "lang": {"fa"}, "interests": {"diabetes, skin"}},
	"POST /segments/preview":            {"lang": {"fa"}},
	"POST /segments/{id}/edit":          {"name": {"fa"}, "lang": {"fa"}},
	"POST /campaigns":                   {"name": {"winter"}, "kind": {"message"}, "segment": {"1"}, "accounts": {"telegram.support"}, "text": {"hello"}},
	"POST /catalogue":                   {"id": {"winter"}, "kind": {"offer"}, "title_fa": {"زمستان"}, "from": {"1405-10-01"}},
	"POST /catalogue/import":            {"text": {"id,kind,title_fa\na,article,x\n"}},

	"POST /followers/{platform}/{user}/link": {"platform": {"instagram"}, "user_id": {"9"}},
	"POST /followers/{platform}/{user}/tz":   {"tz": {"Europe/Berlin"}},
	"POST /posts/{id}/approve":               {"note": {"medical: ok"}},
	"POST /posts/{id}/cancel":                {"note": {"withdrawn"}},
	"POST /posts/{id}/retry":                 {"at": {"2026-12-02T06:00:00Z"}, "account": {"x.brand"}},
}

// bodies are valid bodies of the routes that take one.
var bodies = map[string]string{
	"POST /api/v1/me/lang":                          `{"lang":"en"}`,
	"POST /api/v1/threads/{id}/reply":               `{"text":"hello"}`,
	"POST /api/v1/threads/{id}/note":                `{"text":"called her back"}`,
	"POST /api/v1/threads/{id}/mute":                `{"mute":true}`,
	"POST /api/v1/threads/{id}/resolve":             `{"note":"done"}`,
	"POST /api/v1/users":                            `{"name":"reza","roles":["viewer"],"password":"reza's long password"}`,
	"POST /api/v1/posts":                            `{"text":"hello","targets":[{"account":"telegram.support","chat":"@brand"}],"at":"2026-12-02T09:30:00+03:30"}`,
	"PUT /api/v1/posts/{id}":                        `{"text":"hello","targets":[{"account":"telegram.support","chat":"@brand"}],"at":"1405-09-11 09:30"}`,
	"POST /api/v1/posts/{id}/approve":               `{"note":"medical: ok"}`,
	"POST /api/v1/posts/{id}/cancel":                `{"note":"withdrawn"}`,
	"POST /api/v1/posts/{id}/retry":                 `{"at":"2026-12-02T06:00:00Z","account":"telegram.support"}`,
	"POST /api/v1/uploads":                          `{"image":"` + pngBase64 + `"}`,
	"POST /api/v1/catalogue":                        `{"id":"diabetes-guide","kind":"article","title":{"fa":"x"},"tags":["diabetes"]}`,
	"PUT /api/v1/catalogue/{id}":                    `{"kind":"article","title":{"en":"A guide"}}`,
	"POST /api/v1/catalogue/import":                 `{"items":[{"id":"a","kind":"article","title":{"fa":"x"}}]}`,
	"POST /api/v1/segments":                         `{"name":"fa","rule":{"lang":"fa"}}`,
	"PUT /api/v1/segments/{id}":                     `{"name":"fa","rule":{"lang":"fa"}}`,
	"POST /api/v1/segments/preview":                 `{"rule":{"lang":"fa"}}`,
	"POST /api/v1/campaigns":                        `{"name":"winter","segment":"1","accounts":["telegram.support"],"text":"hello"}`,
	"POST /api/v1/followers/{platform}/{user}/link": `{"platform":"instagram","user_id":"9"}`,
	"PUT /api/v1/followers/{platform}/{user}/tz":    `{"tz":"Europe/Berlin"}`,
	"POST /api/v1/model/examples":                   `{"name":"brand.tsv","tsv":"text\tlabel\nok\tpos\n"}`,
}

// pngBase64 is a 1x1 PNG image.
const pngBase64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"

// noAction are the POST routes that change no data, so reach no action:
// an upload writes a file; a campaign's dry run only shows.
var noAction = map[string]bool{"POST /api/v1/uploads": true, "POST /campaigns/{id}/dry-run": true}

// pathOf fills a route's pattern with ids the fakes know.
func pathOf(rt web.Route) string {
	switch {
	case strings.Contains(rt.Pattern, "/tokens/"):
		return strings.ReplaceAll(rt.Pattern, "{id}", "0123456789abcdef")
	case strings.HasPrefix(rt.Pattern, "/api/v1/catalogue/"), strings.HasPrefix(rt.Pattern, "/catalogue/"):
		return strings.ReplaceAll(rt.Pattern, "{id}", "diabetes-guide")
	case strings.Contains(rt.Pattern, "/cases/"), strings.HasPrefix(rt.Pattern, "/api/v1/posts/"), strings.HasPrefix(rt.Pattern, "/api/v1/segments/"),
		strings.HasPrefix(rt.Pattern, "/api/v1/campaigns/"), strings.HasPrefix(rt.Pattern, "/segments/"), strings.HasPrefix(rt.Pattern, "/campaigns/"),
		strings.HasPrefix(rt.Pattern, "/posts/"):
		return strings.ReplaceAll(rt.Pattern, "{id}", "1")
	case strings.HasPrefix(rt.Pattern, "/api/v1/followers/"), strings.HasPrefix(rt.Pattern, "/followers/"):
		return strings.NewReplacer("{platform}", "telegram", "{user}", "u1").Replace(rt.Pattern)
	case rt.Pattern == "/api/v1/schedule/hours":
		return rt.Pattern + "?platform=telegram"
	case rt.Pattern == "/charts/export":
		return rt.Pattern + "?from=2026-03-01&to=2026-03-02"
	}
	return strings.ReplaceAll(strings.ReplaceAll(rt.Pattern, "{out}", "9"), "{id}", web.ThreadID(thread))
}

func TestRoutes_RoleMatrix(t *testing.T) {
	st := newStaff(t, "")
	served := map[string]bool{}
	for _, rt := range st.srv.Routes() {
		key := rt.Key()
		served[key] = true
		allowed, ok := matrix[key]
		if !ok {
			t.Errorf("route %s is served but has no row in the role matrix: declare who may use it", key)
			continue
		}
		path := pathOf(rt)
		if slices.Contains(allowed, "public") {
			if !rt.Public {
				t.Errorf("%s: the matrix says public, the route wants roles %v", key, rt.Roles)
			}
			continue // sign-in and sign-out have their own test
		}
		for _, w := range who {
			rq := request{method: rt.Method, path: path, body: bodies[key], form: forms[key]}
			if w != "none" {
				rq.token = "ebt_" + w
			}
			before := len(st.actions.took())
			a := st.do(t, rq)
			changed := len(st.actions.took()) > before
			// A page refuses with a page: to the sign-in form without
			// credentials, an HTML page saying why for a role that may not.
			page := rt.Deny != nil
			switch {
			case page && w == "none":
				if a.status != http.StatusSeeOther || !strings.HasPrefix(a.header.Get("Location"), "/login?next=") {
					t.Errorf("%s without credentials = %d to %q, want 303 to the sign-in form", key, a.status, a.header.Get("Location"))
				}
			case page && !slices.Contains(allowed, w):
				if a.status != http.StatusForbidden || !strings.Contains(a.header.Get("Content-Type"), "text/html") {
					t.Errorf("%s as %s = %d %s, want a 403 page", key, w, a.status, a.header.Get("Content-Type"))
				}
			case page && a.status == http.StatusSeeOther && strings.Contains(a.header.Get("Location"), "problem="):
				t.Errorf("%s as %s was refused: %s", key, w, a.header.Get("Location"))
			case w == "none":
				if a.status != http.StatusUnauthorized {
					t.Errorf("%s without credentials = %d, want 401", key, a.status)
				}
				errorBody(t, key+" without credentials", a)
			case slices.Contains(allowed, w):
				if a.status >= 400 {
					t.Errorf("%s as %s = %d %s, want success", key, w, a.status, a.body)
				}
				if rt.Method != "GET" && !changed && !noAction[key] {
					t.Errorf("%s as %s did not reach the action", key, w)
				}
			default:
				if a.status != http.StatusForbidden {
					t.Errorf("%s as %s = %d, want 403", key, w, a.status)
				}
				errorBody(t, key+" as "+w, a)
			}
			if changed && (w == "none" || !slices.Contains(allowed, w)) {
				t.Errorf("%s as %s changed something: %v", key, w, st.actions.took())
			}
		}
	}
	for key := range matrix {
		if !served[key] {
			t.Errorf("the role matrix has a row for %s, which is not served", key)
		}
	}
	// A viewer changes nothing but its own workspace language, and PR
	// staff only that, posts, the catalogue, segments, the model and
	// campaigns: every other POST
	// they tried was refused.
	prOwn := func(c string) bool {
		return strings.Contains(c, " post.") || strings.Contains(c, " catalogue.") || strings.Contains(c, " segment.") || strings.Contains(c, " model.") || strings.Contains(c, " campaign.") || strings.Contains(c, " follower.tz(")
	}
	for _, c := range st.actions.took() {
		if (strings.HasPrefix(c, "token-viewer ") || strings.HasPrefix(c, "token-pr ") && !prOwn(c)) && !strings.Contains(c, " lang(") {
			t.Errorf("action done by a role that may not: %s", c)
		}
	}
}

func TestRoutes_UndeclaredRolesRefuseEveryone(t *testing.T) {
	st := newStaff(t, "")
	st.srv.Handle(web.Route{Method: "GET", Pattern: "/api/v1/nobody", Handle: func(w http.ResponseWriter, r *http.Request, _ bot.Actor) {
		w.WriteHeader(http.StatusOK)
	}})
	for _, w := range who[:5] {
		if a := st.do(t, request{method: "GET", path: "/api/v1/nobody", token: "ebt_" + w}); a.status != http.StatusForbidden {
			t.Errorf("a route without roles as %s = %d, want 403", w, a.status)
		}
	}
}

// A page is a route too: same role check, its own answer to a refusal.
func TestRoutes_PageRedirectsToLogin(t *testing.T) {
	st := newStaff(t, "")
	st.srv.Handle(web.Route{Method: "GET", Pattern: "/test-page", Roles: []bot.Role{bot.RoleModerator}, Deny: web.RedirectToLogin,
		Handle: func(w http.ResponseWriter, r *http.Request, a bot.Actor) { io.WriteString(w, "queue of "+a.Name) }})
	st.srv.Handle(web.Route{Method: "POST", Pattern: "/test-page", Roles: []bot.Role{bot.RoleModerator}, Deny: web.RedirectToLogin,
		Handle: func(w http.ResponseWriter, r *http.Request, a bot.Actor) { io.WriteString(w, "posted") }})
	if a := st.do(t, request{method: "GET", path: "/test-page?platform=x"}); a.status != http.StatusSeeOther || a.header.Get("Location") != "/login?next=%2Ftest-page%3Fplatform%3Dx" {
		t.Errorf("a page without a session = %d to %q, want 303 to the sign-in", a.status, a.header.Get("Location"))
	}
	if a := st.do(t, request{method: "GET", path: "/test-page", token: "ebt_viewer"}); a.status != http.StatusForbidden || strings.HasPrefix(a.body, "{") {
		t.Errorf("a page for a role that may not = %d %q, want 403 as text", a.status, a.body)
	}
	if a := st.do(t, request{method: "GET", path: "/test-page", token: "ebt_moderator"}); a.status != 200 || a.body != "queue of token-moderator" {
		t.Errorf("the page = %d %q", a.status, a.body)
	}
	if a := st.do(t, request{method: "POST", path: "/test-page", token: "ebt_moderator", header: map[string]string{"Sec-Fetch-Site": "cross-site"}}); a.status != http.StatusForbidden || a.body == "posted" {
		t.Errorf("a cross-site POST to a page = %d %q, want 403", a.status, a.body)
	}
}

func TestAPI_BadCredentials(t *testing.T) {
	st := newStaff(t, "")
	for i, h := range []string{"Bearer ebt_nope", "Basic c2FyYTpwdw==", "Bearer ", "ebt_admin"} {
		a := st.do(t, request{method: "GET", path: "/api/v1/me", header: map[string]string{"Authorization": h}})
		if a.status != http.StatusUnauthorized || a.header.Get("WWW-Authenticate") == "" {
			t.Errorf("%d: Authorization %q = %d, want 401 with WWW-Authenticate", i, h, a.status)
		}
		errorBody(t, h, a)
	}
	if a := st.do(t, request{method: "GET", path: "/api/v1/me", cookie: &http.Cookie{Name: web.SessionCookie, Value: "ebs_forged"}}); a.status != http.StatusUnauthorized {
		t.Errorf("a forged session cookie = %d, want 401", a.status)
	}
	if a := st.do(t, request{method: "GET", path: "/api/v1/nothing-here", token: "ebt_admin"}); a.status != http.StatusNotFound {
		t.Errorf("an unknown API path = %d, want 404", a.status)
	}
}

func TestCrossSiteRefused(t *testing.T) {
	st := newStaff(t, "https://bot.example.com")
	takeover := "/api/v1/threads/" + web.ThreadID(thread) + "/takeover"
	for i, tc := range []struct {
		method, path string
		header       map[string]string
		status       int
	}{
		{"POST", takeover, map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"POST", takeover, map[string]string{"Origin": "https://evil.example"}, 403},
		{"POST", takeover, map[string]string{"Sec-Fetch-Site": "same-site"}, 403},
		{"POST", takeover, map[string]string{"Origin": "https://bot.example.com"}, 200},
		{"POST", takeover, map[string]string{"Sec-Fetch-Site": "same-origin"}, 200},
		{"POST", takeover, nil, 200}, // a program, not a browser
		{"POST", "/login", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"POST", "/logout", map[string]string{"Origin": "https://evil.example"}, 403},
		{"GET", "/api/v1/me", map[string]string{"Sec-Fetch-Site": "cross-site"}, 200}, // reads change nothing
	} {
		before := len(st.actions.took())
		a := st.do(t, request{method: tc.method, path: tc.path, token: "ebt_admin", header: tc.header})
		if a.status != tc.status {
			t.Errorf("%d: %s %s with %v = %d, want %d", i, tc.method, tc.path, tc.header, a.status, tc.status)
		}
		if tc.status == 403 {
			errorBody(t, "cross-site", a)
			if len(st.actions.took()) != before {
				t.Errorf("%d: a refused cross-site request still acted", i)
			}
		}
	}
	// Same host as the request itself (no public_url needed).
	a := st.do(t, request{method: "POST", path: takeover, token: "ebt_admin", header: map[string]string{"Origin": st.ts.URL}})
	if a.status != 200 {
		t.Errorf("POST with the service's own Origin = %d, want 200", a.status)
	}
}

func signIn(t *testing.T, st *staff, name, pw string) answer {
	t.Helper()
	return st.do(t, request{method: "POST", path: "/login", form: url.Values{"name": {name}, "password": {pw}, "next": {"/queue"}}})
}

func TestLogin_SessionAndLogout(t *testing.T) {
	for _, tc := range []struct {
		publicURL string
		secure    bool
	}{{"", false}, {"http://127.0.0.1:8080", false}, {"https://bot.example.com", true}} {
		st := newStaff(t, tc.publicURL)
		if a := signIn(t, st, "sara", "wrong password here"); a.status != http.StatusUnauthorized {
			t.Fatalf("a wrong password = %d, want 401", a.status)
		}
		a := signIn(t, st, "sara", "sara's long password")
		if a.status != http.StatusSeeOther || a.header.Get("Location") != "/queue" {
			t.Fatalf("sign-in = %d to %q, want 303 to /queue", a.status, a.header.Get("Location"))
		}
		cookies := (&http.Response{Header: a.header}).Cookies()
		if len(cookies) != 1 || cookies[0].Name != web.SessionCookie {
			t.Fatalf("cookies %v: want the session cookie", cookies)
		}
		c := cookies[0]
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != tc.secure || c.Path != "/" {
			t.Errorf("public_url %q: cookie HttpOnly=%v SameSite=%v Secure=%v Path=%q; want HttpOnly, Lax, Secure=%v, /",
				tc.publicURL, c.HttpOnly, c.SameSite, c.Secure, c.Path, tc.secure)
		}
		me := st.do(t, request{method: "GET", path: "/api/v1/me", cookie: c})
		if me.status != 200 || !strings.Contains(me.body, `"name":"sara"`) || !strings.Contains(me.body, `"lang":"en"`) {
			t.Errorf("/me with the cookie = %d %s", me.status, me.body)
		}
		out := st.do(t, request{method: "POST", path: "/logout", cookie: c})
		if out.status != http.StatusSeeOther {
			t.Errorf("logout = %d, want 303", out.status)
		}
		if me := st.do(t, request{method: "GET", path: "/api/v1/me", cookie: c}); me.status != http.StatusUnauthorized {
			t.Errorf("/me after logout = %d, want 401: the session was not revoked", me.status)
		}
	}
}

// Served over TLS, the cookie is Secure without a public_url.
func TestLogin_SecureOverTLS(t *testing.T) {
	srv := web.New(web.Options{Engine: &Core{}, Auth: newAuth(), Data: newData(), Actions: &Actions{}})
	ts := httptest.NewTLSServer(srv.Handler())
	defer ts.Close()
	client := ts.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.PostForm(ts.URL+"/login", url.Values{"name": {"sara"}, "password": {"sara's long password"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if c := resp.Cookies(); resp.StatusCode != http.StatusSeeOther || len(c) != 1 || !c[0].Secure {
		t.Errorf("sign-in over TLS = %d, cookies %v: want a Secure session cookie", resp.StatusCode, c)
	}
}

func TestLogin_NextStaysOnTheService(t *testing.T) {
	st := newStaff(t, "")
	for _, next := range []string{"https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", ""} {
		a := st.do(t, request{method: "POST", path: "/login", form: url.Values{"name": {"sara"}, "password": {"sara's long password"}, "next": {next}}})
		if loc := a.header.Get("Location"); a.status != http.StatusSeeOther || loc != "/" {
			t.Errorf("next=%q: %d to %q, want 303 to /", next, a.status, loc)
		}
	}
}

func TestLogin_Throttled(t *testing.T) {
	st := newStaff(t, "")
	for i := 1; i <= 5; i++ {
		if a := signIn(t, st, "sara", "guess number "+strconv.Itoa(i)); a.status != http.StatusUnauthorized {
			t.Fatalf("failure %d = %d, want 401", i, a.status)
		}
	}
	logins := st.auth.logins
	// The sixth attempt is refused, even with the right password, before
	// the password is checked.
	a := signIn(t, st, "sara", "sara's long password")
	if a.status != http.StatusTooManyRequests {
		t.Fatalf("sixth attempt = %d, want 429", a.status)
	}
	errorBody(t, "throttled", a)
	retry, err := strconv.Atoi(a.header.Get("Retry-After"))
	if err != nil || retry < 890 || retry > 900 {
		t.Errorf("Retry-After %q, want about 900 seconds", a.header.Get("Retry-After"))
	}
	if st.auth.logins != logins {
		t.Errorf("the throttled attempt reached the password check")
	}
	// Another name from the same address is throttled too: the address
	// has five failures.
	if a := signIn(t, st, "reza", "whatever it is"); a.status != http.StatusTooManyRequests {
		t.Errorf("another name from the same address = %d, want 429", a.status)
	}
	*st.now = st.now.Add(15*time.Minute + time.Second)
	if a := signIn(t, st, "sara", "sara's long password"); a.status != http.StatusSeeOther {
		t.Errorf("after the window = %d, want 303", a.status)
	}
}

func decode(t *testing.T, a answer, v any) {
	t.Helper()
	if a.status >= 300 {
		t.Fatalf("answer %d %s", a.status, a.body)
	}
	if err := json.Unmarshal([]byte(a.body), v); err != nil {
		t.Fatalf("decode %s: %v", a.body, err)
	}
}

type flagList struct {
	Flags []struct {
		ID       uint64 `json:"id"`
		Severity string `json:"severity"`
		Reason   string `json:"reason"`
		Created  time.Time
		Lang     string
		Thread   struct{ ID, Platform, Moderator string }
	} `json:"flags"`
	Next string `json:"next"`
}

func (l flagList) ids() []uint64 {
	var out []uint64
	for _, f := range l.Flags {
		out = append(out, f.ID)
	}
	return out
}

func TestAPI_FlagsQueue(t *testing.T) {
	st := newStaff(t, "")
	for i, tc := range []struct {
		query string
		want  []uint64
	}{
		// Critical first (self-harm and side effects), oldest first within.
		{"status=open", []uint64{5, 3, 4, 2, 1}},
		{"", []uint64{5, 3, 4, 2, 1}},
		{"status=closed", []uint64{6}},
		{"status=open&platform=instagram", []uint64{4, 2, 1}},
		{"status=open&account=support", []uint64{5, 3}},
		{"status=open&reason=legal_threat", []uint64{4, 2}},
		{"status=open&lang=en", []uint64{4, 2, 1}},
		{"status=open&assignee=sara", []uint64{5, 3}},
		{"status=open&assignee=reza", nil},
	} {
		var l flagList
		decode(t, st.do(t, request{method: "GET", path: "/api/v1/flags?" + tc.query, token: "ebt_viewer"}), &l)
		if !slices.Equal(l.ids(), tc.want) {
			t.Errorf("%d: flags?%s = %v, want %v", i, tc.query, l.ids(), tc.want)
		}
	}
	var l flagList
	decode(t, st.do(t, request{method: "GET", path: "/api/v1/flags?status=open", token: "ebt_viewer"}), &l)
	f := l.Flags[0]
	if f.Severity != "critical" || f.Reason != "self_harm" || f.Thread.ID != web.ThreadID(thread) || f.Thread.Moderator != "sara" || f.Lang != "fa" || !f.Created.Equal(t0.Add(time.Hour)) {
		t.Errorf("first flag %+v", f)
	}
	// Pages of two continue each other.
	var got []uint64
	next := ""
	for range 4 {
		var p flagList
		decode(t, st.do(t, request{method: "GET", path: "/api/v1/flags?limit=2&after=" + url.QueryEscape(next), token: "ebt_viewer"}), &p)
		got = append(got, p.ids()...)
		if next = p.Next; next == "" {
			break
		}
	}
	if !slices.Equal(got, []uint64{5, 3, 4, 2, 1}) {
		t.Errorf("paged = %v", got)
	}
	for _, q := range []string{"status=pending", "limit=0", "limit=x", "after=garbage"} {
		a := st.do(t, request{method: "GET", path: "/api/v1/flags?" + q, token: "ebt_viewer"})
		if a.status != http.StatusBadRequest {
			t.Errorf("flags?%s = %d, want 400", q, a.status)
		}
		errorBody(t, q, a)
	}
}

func TestAPI_Thread(t *testing.T) {
	st := newStaff(t, "")
	var v struct {
		ID       string `json:"id"`
		Mode     string `json:"mode"`
		Messages []struct {
			Direction string         `json:"direction"`
			Text      string         `json:"text"`
			Sentiment *bot.Sentiment `json:"sentiment"`
			Signals   []string       `json:"signals"`
			Override  *struct{ Label, By string }
		} `json:"messages"`
		Flags []struct{ ID uint64 } `json:"flags"`
	}
	decode(t, st.do(t, request{method: "GET", path: "/api/v1/threads/" + web.ThreadID(thread), token: "ebt_viewer"}), &v)
	if v.ID != web.ThreadID(thread) || v.Mode != bot.ModeHuman || len(v.Messages) != 2 || len(v.Flags) != 3 {
		t.Fatalf("thread %+v", v)
	}
	in, out := v.Messages[0], v.Messages[1]
	if in.Direction != "in" || in.Text != "بعد از قرص سرگیجه گرفتم" || in.Sentiment == nil || in.Sentiment.Label != bot.SentimentNegative || !slices.Equal(in.Signals, []string{bot.SignalAdverseEvent}) {
		t.Errorf("inbound message %+v", in)
	}
	if in.Override == nil || in.Override.Label != bot.SentimentNeutral || in.Override.By != "sara" {
		t.Errorf("inbound message's override %+v: want sara's neutral beside the machine's negative", in.Override)
	}
	if out.Direction != "out" || out.Sentiment != nil || out.Override != nil {
		t.Errorf("outbound message %+v: want no sentiment", out)
	}
	for i, tc := range []struct {
		id     string
		status int
	}{
		{web.ThreadID(bot.ThreadKey{Platform: "telegram", Account: "support", Chat: "404"}), 404},
		{"not base64!", 400},
		{web.ThreadID(bot.ThreadKey{}), 400},
	} {
		a := st.do(t, request{method: "GET", path: "/api/v1/threads/" + url.PathEscape(tc.id), token: "ebt_viewer"})
		if a.status != tc.status {
			t.Errorf("%d: thread %q = %d, want %d", i, tc.id, a.status, tc.status)
		}
		errorBody(t, tc.id, a)
	}
}

func TestThreadID_RoundTrip(t *testing.T) {
	for _, k := range []bot.ThreadKey{thread, other, {Platform: "x", Account: "brand.fa", Chat: "dm/1:2"}} {
		id := web.ThreadID(k)
		if url.PathEscape(id) != id {
			t.Errorf("ThreadID(%v) = %q is not URL-safe", k, id)
		}
		got, err := web.ParseThreadID(id)
		if err != nil || got != k {
			t.Errorf("ParseThreadID(ThreadID(%v)) = %v, %v", k, got, err)
		}
	}
}

func TestAPI_ThreadActions(t *testing.T) {
	st := newStaff(t, "")
	base := "/api/v1/threads/" + web.ThreadID(other)
	for i, tc := range []struct {
		path, body string
		status     int
		call       string
	}{
		{"/takeover", "", 200, "token-moderator takeover " + other.String()},
		{"/reply", `{"text":"we are on it"}`, 202, "token-moderator reply(we are on it) " + other.String()},
		{"/reply", `{"text":""}`, 400, ""},
		{"/reply", `{"text":"hi","extra":1}`, 400, ""},
		{"/reply", `not json`, 400, ""},
		{"/resolve", `{"note":"refund agreed"}`, 200, "token-moderator resolve(refund agreed) " + other.String()},
		{"/resolve", "", 200, "token-moderator resolve() " + other.String()},
		{"/release", "", 200, "token-moderator release " + other.String()},
	} {
		before := st.actions.took()
		a := st.do(t, request{method: "POST", path: base + tc.path, body: tc.body, token: "ebt_moderator"})
		if a.status != tc.status {
			t.Errorf("%d: %s %s = %d %s, want %d", i, tc.path, tc.body, a.status, a.body, tc.status)
		}
		after := st.actions.took()
		switch {
		case tc.call == "" && len(after) != len(before):
			t.Errorf("%d: a refused request acted: %v", i, after[len(before):])
		case tc.call != "" && (len(after) != len(before)+1 || after[len(after)-1] != tc.call):
			t.Errorf("%d: calls %v, want %q", i, after[len(before):], tc.call)
		}
		if tc.status == 400 {
			errorBody(t, tc.body, a)
		}
	}
}

func TestAPI_Audit(t *testing.T) {
	st := newStaff(t, "")
	var v struct {
		Entries []bot.AuditEntry `json:"entries"`
	}
	decode(t, st.do(t, request{method: "GET", path: "/api/v1/audit", token: "ebt_admin"}), &v)
	if len(v.Entries) != 1 || v.Entries[0].Action != "thread.takeover" {
		t.Errorf("audit %+v", v)
	}
}

// Nothing secret reaches an answer or the log: the password, the
// session secret, the token.
func TestNoSecretsInAnswersOrLogs(t *testing.T) {
	st := newStaff(t, "")
	pw := "sara's long password"
	var answers []string
	add := func(a answer) {
		answers = append(answers, a.body)
		for k, v := range a.header {
			if k != "Set-Cookie" {
				answers = append(answers, strings.Join(v, " "))
			}
		}
	}
	add(signIn(t, st, "sara", "a wrong one, twice"))
	a := signIn(t, st, "sara", pw)
	add(a)
	c := (&http.Response{Header: a.header}).Cookies()[0]
	for _, rt := range st.srv.Routes() {
		if rt.Public {
			continue
		}
		path := pathOf(rt)
		add(st.do(t, request{method: rt.Method, path: path, token: "ebt_admin", body: bodies[rt.Key()]}))
		add(st.do(t, request{method: rt.Method, path: path, cookie: c, body: bodies[rt.Key()]}))
	}
	add(st.do(t, request{method: "POST", path: "/logout", cookie: c}))
	all := strings.Join(answers, "\n") + "\n" + st.log.String()
	for _, secret := range []string{pw, "a wrong one", c.Value, "ebt_admin", "$fake$hash-of-sara", "0123456789abcdef0123456789abcdef", "reza's long password"} {
		if strings.Contains(all, secret) {
			t.Errorf("%q appears in an answer or the log", secret)
		}
	}
	if !strings.Contains(st.log.String(), "signed in") {
		t.Errorf("the log was not captured: %q", st.log.String())
	}
}

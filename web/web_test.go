package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"engagebot/bot"
	"engagebot/web"
)

// Core is a fake of the conversation core.
type Core struct {
	mu       sync.Mutex
	adapters map[string]bot.Adapter
	accounts []bot.AccountStatus
	stats    bot.Stats
}

var _ web.Core = (*Core)(nil)

func (c *Core) Adapter(key string) (bot.Adapter, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.adapters[key]
	return a, ok
}

func (c *Core) Accounts() []bot.AccountStatus {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.accounts
}

func (c *Core) Stats() bot.Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// Adapter is a fake account; with a handler it takes webhooks.
type Adapter struct {
	platform, name string
	handler        http.Handler
}

func (a *Adapter) Platform() string { return a.platform }
func (a *Adapter) Account() string  { return a.name }
func (a *Adapter) Limits() bot.Limits {
	return bot.Limits{}
}
func (a *Adapter) Send(context.Context, *bot.Outbound) (bot.Delivery, error) {
	return bot.Delivery{}, nil
}

// Hooked is an Adapter that takes webhooks.
type Hooked struct{ Adapter }

func (a *Hooked) Webhook() http.Handler { return a.handler }

func newServer(t *testing.T, c *Core) *httptest.Server {
	t.Helper()
	s := web.New(web.Options{Engine: c, MaxBodyBytes: 64, ChatAccount: "webchat.default", Version: "v-test"})
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts
}

func do(t *testing.T, method, url, body string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func TestServer_Webhooks(t *testing.T) {
	var gotPath string
	hook := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath = r.URL.Path
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	})
	c := &Core{adapters: map[string]bot.Adapter{
		"telegram.support": &Hooked{Adapter{platform: "telegram", name: "support", handler: hook}},
		"x.brand":          &Adapter{platform: "x", name: "brand"},
		"webchat.default":  &Hooked{Adapter{platform: "webchat", name: "default", handler: hook}},
	}}
	ts := newServer(t, c)
	for i, tc := range []struct {
		method, path, body string
		status             int
		mounted            string // the path the adapter saw, when it was called
		errPart            string
	}{
		{"POST", "/webhooks/telegram/support", "{}", 200, "/", ""},
		{"POST", "/webhooks/telegram/support/sub/path", "{}", 200, "/sub/path", ""},
		{"POST", "/webhooks/telegram/nobody", "{}", 404, "", "unknown account"},
		{"POST", "/webhooks/x/brand", "{}", 404, "", "does not take webhooks"},
		{"POST", "/webhooks/telegram", "{}", 404, "", "/webhooks/<platform>/<account>"},
		{"POST", "/webhooks/telegram/support", strings.Repeat("x", 65), 413, "", "larger than 64 bytes"},
		{"GET", "/chat/history", "", 200, "/history", ""},
	} {
		gotPath = ""
		status, h, body := do(t, tc.method, ts.URL+tc.path, tc.body)
		if status != tc.status || gotPath != tc.mounted {
			t.Errorf("%d: %s %s = %d (adapter saw %q), want %d (%q)", i, tc.method, tc.path, status, gotPath, tc.status, tc.mounted)
		}
		if tc.errPart != "" {
			var e struct{ Error, Code string }
			if err := json.Unmarshal([]byte(body), &e); err != nil || !strings.Contains(e.Error, tc.errPart) || e.Code == "" {
				t.Errorf("%d: error body %q, want JSON naming %q with a code", i, body, tc.errPart)
			}
			if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("%d: error content type %q", i, ct)
			}
		}
	}
}

func TestServer_Probes(t *testing.T) {
	c := &Core{stats: bot.Stats{Inbox: 3, Pending: 2, Unknown: 1, Failed: 4}}
	ts := newServer(t, c)
	if status, _, body := do(t, "GET", ts.URL+"/healthz", ""); status != 200 || !strings.Contains(body, `"version":"v-test"`) {
		t.Errorf("healthz = %d %s", status, body)
	}
	for _, tc := range []struct {
		accounts []bot.AccountStatus
		want     string
	}{
		{[]bot.AccountStatus{{Account: "telegram.support", State: bot.AccountOK}}, `"status":"ok"`},
		{[]bot.AccountStatus{{Account: "telegram.support", State: bot.AccountNeedsAttention, Reason: "credentials rejected: 401"}}, `"status":"degraded"`},
	} {
		c.mu.Lock()
		c.accounts = tc.accounts
		c.mu.Unlock()
		status, _, body := do(t, "GET", ts.URL+"/readyz", "")
		if status != 200 || !strings.Contains(body, tc.want) || !strings.Contains(body, `"inbox":3`) {
			t.Errorf("readyz = %d %s, want 200 with %s and the queues", status, body, tc.want)
		}
	}
	_, _, metrics := do(t, "GET", ts.URL+"/metrics", "")
	for _, want := range []string{
		`engagebot_outbox_items{state="unknown"} 1`,
		`engagebot_outbox_items{state="failed"} 4`,
		`engagebot_outbox_items{state="pending"} 2`,
		`engagebot_inbox_depth 3`,
		`engagebot_account_up{account="telegram.support",reason="credentials rejected: 401"} 0`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestServer_ShutdownDrains(t *testing.T) {
	c := &Core{}
	s := web.New(web.Options{Engine: c})
	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "draining") {
		t.Errorf("readyz while draining = %d %s", rec.Code, rec.Body.String())
	}
}

func TestErrorStatus(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{bot.Errorf(bot.EINVALID, "x"), 400},
		{bot.Errorf(bot.EUNAUTHORIZED, "x"), 401},
		{bot.Errorf(bot.EFORBIDDEN, "x"), 403},
		{bot.Errorf(bot.ENOTFOUND, "x"), 404},
		{bot.Errorf(bot.ECONFLICT, "x"), 409},
		{bot.Errorf(bot.ETOOLARGE, "x"), 413},
		{bot.Errorf(bot.EUNAVAILABLE, "x"), 503},
		{io.EOF, 500},
	} {
		if got := web.ErrorStatus(tc.err); got != tc.want {
			t.Errorf("ErrorStatus(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
	rec := httptest.NewRecorder()
	web.Error(rec, httptest.NewRequest("GET", "/", nil), io.ErrUnexpectedEOF)
	if strings.Contains(rec.Body.String(), "unexpected EOF") {
		t.Errorf("an internal error's details reached the answer: %s", rec.Body.String())
	}
}

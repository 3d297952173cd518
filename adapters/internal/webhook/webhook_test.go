package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"engagebot/bot"
)

func TestSecretEqual(t *testing.T) {
	for i, tc := range []struct {
		got, want string
		ok        bool
	}{
		{"s3cret-0123456789", "s3cret-0123456789", true},
		{"s3cret-0123456788", "s3cret-0123456789", false},
		{"s3cret", "s3cret-0123456789", false},
		{"", "", false},
	} {
		if SecretEqual(tc.got, tc.want) != tc.ok {
			t.Errorf("%d: SecretEqual(%q, %q) = %v", i, tc.got, tc.want, !tc.ok)
		}
	}
}

func TestValidSecret(t *testing.T) {
	for i, tc := range []struct {
		s   string
		min int
		ok  bool
	}{
		{strings.Repeat("a", 16), 16, true},
		{strings.Repeat("a", 15), 16, false},
		{strings.Repeat("a", 31), 32, false},
		{"Az09_-" + strings.Repeat("x", 26), 32, true},
		{strings.Repeat("a", 257), 16, false},
		{strings.Repeat("a", 20) + "/", 16, false},
		{strings.Repeat("a", 20) + " ", 16, false},
		{strings.Repeat("ب", 20), 16, false},
	} {
		if ValidSecret(tc.s, tc.min) != tc.ok {
			t.Errorf("%d: ValidSecret(%q, %d) = %v", i, tc.s, tc.min, !tc.ok)
		}
	}
}

func TestGetPost(t *testing.T) {
	h := GetPost(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusAccepted) },
		func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusCreated) })
	for _, tc := range []struct {
		method string
		code   int
	}{
		{http.MethodGet, http.StatusAccepted},
		{http.MethodPost, http.StatusCreated},
		{http.MethodPut, http.StatusMethodNotAllowed},
		{http.MethodDelete, http.StatusMethodNotAllowed},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tc.method, "/", nil))
		if rec.Code != tc.code {
			t.Errorf("%s: %d, want %d", tc.method, rec.Code, tc.code)
		}
		if tc.code == http.StatusMethodNotAllowed && rec.Header().Get("Allow") != "GET, POST" {
			t.Errorf("%s: Allow %q", tc.method, rec.Header().Get("Allow"))
		}
	}
}

func TestReadBody(t *testing.T) {
	for i, tc := range []struct {
		body   string
		ok     bool
		status int
	}{
		{"12345", true, http.StatusOK},
		{"123456", false, http.StatusRequestEntityTooLarge},
	} {
		rec := httptest.NewRecorder()
		b, ok := ReadBody(rec, httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tc.body)), 5)
		if ok != tc.ok || rec.Code != tc.status || (ok && string(b) != tc.body) {
			t.Errorf("%d: %q, %v, status %d", i, b, ok, rec.Code)
		}
	}
}

type inbox struct {
	err    error
	events int
}

func (in *inbox) Accept(_ context.Context, events []bot.Event, _ *bot.Cursor) error {
	in.events += len(events)
	return in.err
}

func (in *inbox) Cursor(context.Context, string) (string, error) { return "", nil }

func TestAccept(t *testing.T) {
	events := []bot.Event{{ID: "1"}}
	for i, tc := range []struct {
		inbox  *inbox
		events []bot.Event
		err    bool
		status int
	}{
		{&inbox{}, events, false, http.StatusOK},
		{&inbox{err: errors.New("disk full")}, events, true, http.StatusServiceUnavailable},
		{&inbox{err: errors.New("never called")}, nil, false, http.StatusOK},
	} {
		rec := httptest.NewRecorder()
		err := Accept(rec, httptest.NewRequest(http.MethodPost, "/", nil), tc.inbox, tc.events)
		if (err != nil) != tc.err || rec.Code != tc.status || tc.inbox.events != len(tc.events) {
			t.Errorf("%d: err %v, status %d, %d events stored", i, err, rec.Code, tc.inbox.events)
		}
	}
}

func TestIsObject(t *testing.T) {
	for i, tc := range []struct {
		raw string
		ok  bool
	}{
		{`{}`, true},
		{" \n\t{\"update_id\":1}", true},
		{`null`, false},
		{` null `, false},
		{`[]`, false},
		{`"text"`, false},
		{`1`, false},
		{``, false},
		{`   `, false},
	} {
		if IsObject([]byte(tc.raw)) != tc.ok {
			t.Errorf("%d: IsObject(%q) = %v", i, tc.raw, !tc.ok)
		}
	}
}

// TestRefusalsAreJSON: every refusal the helpers make is {"error": ...}.
func TestRefusalsAreJSON(t *testing.T) {
	get := func(w http.ResponseWriter, _ *http.Request) { NotFound(w) }
	post := func(w http.ResponseWriter, r *http.Request) {
		if _, ok := ReadBody(w, r, 5); !ok {
			return
		}
		_ = Accept(w, r, &inbox{err: errors.New("disk full")}, []bot.Event{{ID: "1"}})
	}
	h := GetPost(get, post)
	for i, tc := range []struct {
		method, body string
		status       int
	}{
		{http.MethodGet, "", http.StatusNotFound},
		{http.MethodPut, "", http.StatusMethodNotAllowed},
		{http.MethodPost, "123456", http.StatusRequestEntityTooLarge},
		{http.MethodPost, "1", http.StatusServiceUnavailable},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tc.method, "/", strings.NewReader(tc.body)))
		if rec.Code != tc.status {
			t.Errorf("%d: status %d, want %d", i, rec.Code, tc.status)
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%d: Content-Type %q, want JSON", i, ct)
		}
		var body struct {
			Error string `json:"error"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error == "" {
			t.Errorf("%d: body %q is not {\"error\": ...} (%v)", i, rec.Body.String(), err)
		}
	}
}

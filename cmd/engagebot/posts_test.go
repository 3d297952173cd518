package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// TestPostCLI: -h lists every verb; each verb calls its route with the
// token from ENGAGEBOT_TOKEN and prints the answer; refusals exit 1 with
// the API's reason.
func TestPostCLI(t *testing.T) {
	code, _, errOut := runCLI(t, "", "post", "-h")
	for _, v := range postVerbs {
		if !strings.Contains(errOut, "\n  "+v+" ") {
			t.Errorf("post -h lacks the verb %s:\n%s", v, errOut)
		}
	}
	if code != 0 {
		t.Errorf("post -h exit %d", code)
	}
	if code, _, _ := runCLI(t, "", "post", "publish"); code != 2 {
		t.Errorf("an unknown verb: exit %d, want 2", code)
	}

	var (
		mu    sync.Mutex
		calls []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		calls = append(calls, r.Method+" "+r.URL.RequestURI()+" "+r.Header.Get("Authorization")+" "+string(b))
		mu.Unlock()
		if strings.HasSuffix(r.URL.Path, "/approve") {
			w.WriteHeader(http.StatusForbidden)
			w.Write([]byte(`{"error":"approver: sara wrote post 7; someone else approves it","code":"forbidden"}`))
			return
		}
		w.Write([]byte(`{"id":7,"state":"draft"}`))
	}))
	defer srv.Close()
	t.Setenv("ENGAGEBOT_TOKEN", "ebt_test")
	for i, tc := range []struct {
		args []string
		code int
		call string
	}{
		{[]string{"create", "-server", srv.URL, "-text", "hello", "-target", "telegram.support:@brand", "-target", "x.brand",
			"-at", "1405-09-11 09:30", "-variant", "x=hi"}, 0,
			`POST /api/v1/posts Bearer ebt_test {"at":"1405-09-11 09:30","cron":"","image_url":"","lateness":"","targets":[{"account":"telegram.support","chat":"@brand"},{"account":"x.brand","chat":""}],"text":"hello","tz":"","variants":{"x":"hi"}}`},
		{[]string{"list", "-server", srv.URL, "-state", "scheduled"}, 0, "GET /api/v1/posts?state=scheduled Bearer ebt_test "},
		{[]string{"show", "7", "-server", srv.URL}, 0, "GET /api/v1/posts/7 Bearer ebt_test "},
		{[]string{"submit", "-server", srv.URL, "7"}, 0, "POST /api/v1/posts/7/submit Bearer ebt_test "},
		{[]string{"cancel", "7", "-server", srv.URL, "-note", "withdrawn"}, 0, `POST /api/v1/posts/7/cancel Bearer ebt_test {"note":"withdrawn"}`},
		{[]string{"retry", "7", "-server", srv.URL, "-at", "2026-12-02T06:00:00Z", "-account", "x.brand"}, 0,
			`POST /api/v1/posts/7/retry Bearer ebt_test {"account":"x.brand","at":"2026-12-02T06:00:00Z"}`},
		{[]string{"approve", "7", "-server", srv.URL, "-note", "ok"}, 1, `POST /api/v1/posts/7/approve Bearer ebt_test {"note":"ok"}`},
	} {
		mu.Lock()
		calls = nil
		mu.Unlock()
		code, out, errOut := runCLI(t, "", append([]string{"post"}, tc.args...)...)
		if code != tc.code {
			t.Errorf("%d: exit %d, want %d: %s", i, code, tc.code, errOut)
		}
		mu.Lock()
		got := strings.Join(calls, "\n")
		mu.Unlock()
		if got != tc.call {
			t.Errorf("%d: called\n %s\nwant\n %s", i, got, tc.call)
		}
		var v map[string]any
		if tc.code == 0 && json.Unmarshal([]byte(out), &v) != nil {
			t.Errorf("%d: stdout is not the answer: %q", i, out)
		}
		if tc.code == 1 && !strings.Contains(errOut, "someone else approves it") {
			t.Errorf("%d: stderr %q lacks the API's reason", i, errOut)
		}
	}
	t.Setenv("ENGAGEBOT_TOKEN", "")
	if code, _, errOut := runCLI(t, "", "post", "show", "7", "-server", srv.URL); code != 1 || !strings.Contains(errOut, "ENGAGEBOT_TOKEN") {
		t.Errorf("without a token: exit %d %q", code, errOut)
	}
	if code, _, _ := runCLI(t, "", "post", "show", "-server", srv.URL); code != 2 {
		t.Errorf("show without an id: exit %d, want 2", code)
	}
}

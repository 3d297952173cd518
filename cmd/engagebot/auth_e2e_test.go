package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"engagebot/bot"
	"engagebot/internal/wait"
	"engagebot/store/bolt"
)

// cli runs an engagebot command and returns its exit code and outputs.
func cli(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	return cliEnv(t, stdin, nil, args...)
}

// cliEnv is cli with variables added to the environment.
func cliEnv(t *testing.T, stdin string, env []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String(), errb.String()
}

// staffClient calls the staff area of a process, without following
// redirects, and keeps every answer for the secrets check.
type staffClient struct {
	t       *testing.T
	p       *Proc
	answers []string
}

func (c *staffClient) do(method, path, body string, hdr map[string]string) (int, http.Header, string) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.p.URL+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	c.answers = append(c.answers, string(b))
	return resp.StatusCode, resp.Header, string(b)
}

func bearer(token string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token}
}

func (c *staffClient) login(name, pw string) (int, http.Header) {
	c.t.Helper()
	form := url.Values{"name": {name}, "password": {pw}}.Encode()
	code, h, _ := c.do("POST", "/login", form, map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	return code, h
}

// The workspace end to end through the binary: the first admin and the
// tokens come from the CLI while the service is stopped (and the CLI says
// so when it runs), people sign in, work a side-effect report's thread
// through the API and the reply reaches the follower, roles hold, and no
// password, hash or token shows in an answer or the log.
func TestStaff_EndToEnd(t *testing.T) {
	p := StartProc(t, ProcOptions{})
	adminPW, saraPW := "the admin's long password", "sara's own long password"

	// While the service runs the CLI refuses, saying why.
	code, out, errOut := cli(t, adminPW+"\n", "user", "add", "-config", p.Config, "-data", p.Data, "-name", "ali", "-role", "admin")
	if code == 0 || !strings.Contains(errOut, "in use by a running engagebot serve") || out != "" {
		t.Fatalf("user add while serving: exit %d, stdout %q, stderr %q; want a non-zero exit naming the running service", code, out, errOut)
	}
	if code, _, errOut := cli(t, "", "token", "create", "-config", p.Config, "-data", p.Data, "-name", "crm", "-role", "viewer"); code == 0 || !strings.Contains(errOut, "in use") {
		t.Fatalf("token create while serving: exit %d, %q", code, errOut)
	}
	p.Stop()

	users := []struct {
		stdin, name, roles string
		ok                 bool
		why                string
	}{
		{"short pw\n", "ali", "admin", false, "at least 12 characters"},
		{"", "ali", "admin", false, "first line of standard input"},
		{adminPW + "\n", "ali", "root", false, "unknown role"},
		{adminPW + "\n", "a li", "admin", false, "name"},
		{adminPW + "\r\nsecond line ignored\n", "ali", "admin", true, ""},
		{adminPW + "\n", "ali", "viewer", false, "exists already"},
		{saraPW, "sara", "moderator,safety", true, ""},
	}
	for i, u := range users {
		code, out, errOut := cli(t, u.stdin, "user", "add", "-config", p.Config, "-data", p.Data, "-name", u.name, "-role", u.roles)
		if (code == 0) != u.ok || !u.ok && !strings.Contains(errOut, u.why) {
			t.Fatalf("%d: user add %s: exit %d, stdout %q, stderr %q; want ok=%v (%s)", i, u.name, code, out, errOut, u.ok, u.why)
		}
	}
	token := func(name, roles string) string {
		t.Helper()
		code, out, errOut := cli(t, "", "token", "create", "-config", p.Config, "-data", p.Data, "-name", name, "-role", roles)
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if code != 0 || len(lines) != 1 || !strings.HasPrefix(lines[0], bot.TokenPrefix) || strings.Contains(errOut, lines[0]) {
			t.Fatalf("token create %s: exit %d, stdout %q, stderr %q; want one token line on stdout only", name, code, out, errOut)
		}
		return lines[0]
	}
	for i, args := range [][]string{
		{"-name", "crm", "-role", "root"},
		{"-name", "c r m", "-role", "viewer"},
		{"-role", "viewer"},
		{"-name", "crm"},
	} {
		code, out, errOut := cli(t, "", append([]string{"token", "create", "-config", p.Config, "-data", p.Data}, args...)...)
		if code == 0 || out != "" || errOut == "" {
			t.Errorf("%d: token create %v: exit %d, stdout %q, stderr %q; want a non-zero exit, nothing on stdout, the reason on stderr", i, args, code, out, errOut)
		}
	}
	viewerToken, modToken := token("crm", "viewer"), token("triage-bot", "moderator")

	p.Restart()
	c := &staffClient{t: t, p: p}

	// A follower reports a side effect in the web chat.
	session := chatSession(t, p)
	if code, body := p.Post("/chat/messages", fmt.Sprintf(`{"session":%q,"text":%q}`, session,
		"I took your vitamin D tablets and now I have a terrible rash and dizziness")); code != http.StatusAccepted {
		t.Fatalf("chat message = %d %s", code, body)
	}
	wait.For(t, 10*time.Second, "the bot's reply", func() bool { return len(chatReplies(t, p, session)) > 0 })

	// Nothing without credentials.
	for _, path := range []string{"/api/v1/me", "/api/v1/flags?status=open", "/api/v1/audit", "/api/v1/openapi.json"} {
		if code, _, body := c.do("GET", path, "", nil); code != http.StatusUnauthorized || !strings.Contains(body, `"error"`) {
			t.Errorf("GET %s without credentials = %d %s, want 401 with an error", path, code, body)
		}
	}

	var flags struct {
		Flags []struct {
			ID       uint64
			Severity string
			Reason   string
			Thread   struct{ ID string }
		}
	}
	code, _, body := c.do("GET", "/api/v1/flags?status=open", "", bearer(viewerToken))
	if err := json.Unmarshal([]byte(body), &flags); code != 200 || err != nil || len(flags.Flags) == 0 {
		t.Fatalf("flags = %d %s", code, body)
	}
	f := flags.Flags[0]
	if f.Severity != "critical" || f.Reason != bot.SignalAdverseEvent || f.Thread.ID == "" {
		t.Fatalf("first flag %+v: want the critical side-effect report", f)
	}
	thread := "/api/v1/threads/" + f.Thread.ID
	code, _, body = c.do("GET", thread, "", bearer(viewerToken))
	if code != 200 || !strings.Contains(body, `"direction":"in"`) || !strings.Contains(body, "terrible rash") || !strings.Contains(body, `"sentiment":{"label":"neg"`) {
		t.Fatalf("thread = %d %s", code, body)
	}

	// A viewer changes nothing; a moderator's token may.
	if code, _, _ := c.do("POST", thread+"/takeover", "", bearer(viewerToken)); code != http.StatusForbidden {
		t.Errorf("a viewer taking over = %d, want 403", code)
	}

	// Sara signs in and works the thread.
	for i := range 2 {
		if code, _ := c.login("sara", fmt.Sprintf("not the password %d", i)); code != http.StatusUnauthorized {
			t.Errorf("a wrong password = %d, want 401", code)
		}
	}
	code, h := c.login("sara", saraPW)
	cookies := (&http.Response{Header: h}).Cookies()
	if code != http.StatusSeeOther || len(cookies) != 1 || !cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteLaxMode {
		t.Fatalf("sign-in = %d, cookies %v", code, cookies)
	}
	cookie := map[string]string{"Cookie": cookies[0].Name + "=" + cookies[0].Value}
	if code, _, body := c.do("GET", "/api/v1/me", "", cookie); code != 200 || !strings.Contains(body, `"lang":"fa"`) {
		t.Errorf("/me = %d %s, want Persian by default", code, body)
	}
	if code, _, body := c.do("POST", "/api/v1/me/lang", `{"lang":"en"}`, cookie); code != 200 || !strings.Contains(body, `"lang":"en"`) {
		t.Errorf("choosing English = %d %s", code, body)
	}
	crossSite := map[string]string{"Cookie": cookie["Cookie"], "Sec-Fetch-Site": "cross-site"}
	if code, _, _ := c.do("POST", thread+"/takeover", "", crossSite); code != http.StatusForbidden {
		t.Errorf("a cross-site takeover with Sara's cookie = %d, want 403", code)
	}
	if code, _, body := c.do("POST", thread+"/takeover", "", cookie); code != 200 || !strings.Contains(body, `"moderator":"sara"`) {
		t.Fatalf("takeover = %d %s", code, body)
	}
	reply := "Sara from the safety team here: please stop taking them, I will call you today."
	if code, _, body := c.do("POST", thread+"/reply", fmt.Sprintf(`{"text":%q}`, reply), cookie); code != http.StatusAccepted {
		t.Fatalf("reply = %d %s", code, body)
	}
	wait.For(t, 10*time.Second, "the moderator's reply in the chat", func() bool {
		for _, r := range chatReplies(t, p, session) {
			if r["text"] == reply {
				return true
			}
		}
		return false
	})
	if code, _, _ := c.do("GET", "/api/v1/audit", "", cookie); code != http.StatusForbidden {
		t.Errorf("a moderator reading the audit log = %d, want 403", code)
	}
	if code, _, body := c.do("POST", thread+"/resolve", `{"note":"pharmacovigilance case opened"}`, cookie); code != 200 || !strings.Contains(body, `"mode":"bot"`) {
		t.Fatalf("resolve = %d %s", code, body)
	}
	code, _, body = c.do("GET", "/api/v1/flags?status=open", "", bearer(modToken))
	if code != 200 || strings.Contains(body, f.Thread.ID) {
		t.Errorf("open flags after resolve = %d %s, want the thread's flags closed", code, body)
	}
	if code, _, _ := c.do("POST", "/logout", "", cookie); code != http.StatusSeeOther {
		t.Errorf("logout = %d", code)
	}
	if code, _, _ := c.do("GET", "/api/v1/me", "", cookie); code != http.StatusUnauthorized {
		t.Errorf("/me after logout = %d, want 401", code)
	}

	// The admin reads the audit log.
	code, h = c.login("ali", adminPW)
	adminCookie := map[string]string{"Cookie": (&http.Response{Header: h}).Cookies()[0].String()}
	code, _, body = c.do("GET", "/api/v1/audit", "", adminCookie)
	var audit struct{ Entries []bot.AuditEntry }
	json.Unmarshal([]byte(body), &audit)
	var trail []string
	for _, e := range audit.Entries {
		trail = append(trail, e.Actor+" "+e.Action)
	}
	want := "cli user.add, cli user.add, cli token.create, cli token.create, sara user.login, sara user.lang, sara thread.takeover, sara thread.reply, sara thread.resolve, sara user.logout, ali user.login"
	if code != 200 || strings.Join(trail, ", ") != want {
		t.Errorf("audit = %d:\n got  %s\n want %s", code, strings.Join(trail, ", "), want)
	}

	// The admin manages tokens and users through the API; a moderator's
	// token may not.
	newUser := `{"name":"reza","roles":["viewer"],"password":"reza's long password"}`
	if code, _, _ := c.do("POST", "/api/v1/users", newUser, bearer(modToken)); code != http.StatusForbidden {
		t.Errorf("a moderator adding a user = %d, want 403", code)
	}
	if code, _, body := c.do("POST", "/api/v1/users", newUser, adminCookie); code != http.StatusCreated || strings.Contains(body, "password") {
		t.Errorf("add user = %d %s", code, body)
	}
	var tokens struct{ Tokens []struct{ ID, Name string } }
	code, _, body = c.do("GET", "/api/v1/tokens", "", adminCookie)
	json.Unmarshal([]byte(body), &tokens)
	if code != 200 || len(tokens.Tokens) != 2 || tokens.Tokens[0].Name != "crm" {
		t.Fatalf("tokens = %d %s", code, body)
	}
	if code, _, _ := c.do("DELETE", "/api/v1/tokens/"+tokens.Tokens[0].ID, "", bearer(modToken)); code != http.StatusForbidden {
		t.Errorf("a moderator revoking a token = %d, want 403", code)
	}
	if code, _, body := c.do("DELETE", "/api/v1/tokens/"+tokens.Tokens[0].ID, "", adminCookie); code != 200 {
		t.Errorf("revoke = %d %s", code, body)
	}
	if code, _, _ := c.do("GET", "/api/v1/me", "", bearer(viewerToken)); code != http.StatusUnauthorized {
		t.Errorf("a revoked token = %d, want 401", code)
	}

	// The sixth sign-in after five failures from one address within 15
	// minutes is throttled, even with the right password: this address
	// has Sara's two failures already, so three more make five.
	for i := range 3 {
		if code, _ := c.login("sara", fmt.Sprintf("guess %d of five", i)); code != http.StatusUnauthorized {
			t.Fatalf("failure %d = %d, want 401", i+1, code)
		}
	}
	code, h = c.login("sara", saraPW)
	if code != http.StatusTooManyRequests || h.Get("Retry-After") == "" {
		t.Errorf("the sixth attempt = %d (Retry-After %q), want 429 with Retry-After", code, h.Get("Retry-After"))
	}

	p.Stop()
	db, err := bolt.Open(filepath.Join(p.Data, "engagebot.db"))
	if err != nil {
		t.Fatal(err)
	}
	var hashes []string
	db.View(context.Background(), func(tx bot.Tx) error {
		list, err := tx.Users()
		for _, u := range list {
			hashes = append(hashes, u.PasswordHash)
		}
		return err
	})
	db.Close()
	if len(hashes) != 3 || !strings.HasPrefix(hashes[0], "$argon2id$") {
		t.Fatalf("stored hashes %q: want three argon2id hashes", hashes)
	}
	everything := strings.Join(c.answers, "\n") + "\n" + p.Logs()
	for _, secret := range append([]string{adminPW, saraPW, "reza's long password", viewerToken, modToken, cookies[0].Value, "guess 2 of five"}, hashes...) {
		if strings.Contains(everything, secret) {
			t.Errorf("a secret (%.12s...) appears in an answer or the log", secret)
		}
	}
	if data, err := os.ReadFile(filepath.Join(p.Data, "engagebot.db")); err == nil {
		for _, secret := range []string{adminPW, saraPW, viewerToken, modToken, cookies[0].Value} {
			if bytes.Contains(data, []byte(secret)) {
				t.Errorf("a secret (%.12s...) is stored in the data file", secret)
			}
		}
	}
}

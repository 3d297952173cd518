package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"engagebot/internal/wait"
)

// catalogueCSV is what PR staff import: an article on diabetes care and a
// product the built-in vocabulary does not know.
const catalogueCSV = `id,kind,canonical,title_fa,title_en,summary_fa,tags,terms,url
diabetes-guide,article,,راهنمای مراقبت روزانه از دیابت,A daily guide to diabetes care,قند خون، تغذیه و پای دیابتی,diabetes,,https://example.com/diabetes
glucovit,product,Glucovit,گلوکوویت,Glucovit,,diabetes,گلوکوویت|گلوکو ویت|glucovit|glukovit,
`

// cliAs runs an engagebot command with the API token in the environment.
func cliAs(t *testing.T, token string, args ...string) (int, string, string) {
	t.Helper()
	return cliEnv(t, "", []string{"ENGAGEBOT_TOKEN=" + token}, args...)
}

// chatter is one web-chat follower: each say waits for its own reply.
type chatter struct {
	t       *testing.T
	p       *Proc
	session string
	name    string
	n       int
}

func (c *chatter) say(text string) map[string]any {
	c.t.Helper()
	c.n++
	body := fmt.Sprintf(`{"session":%q,"id":"m-%08d","name":%q,"text":%q}`, c.session, c.n, c.name, text)
	if code, b := c.p.Post("/chat/messages", body); code != http.StatusAccepted {
		c.t.Fatalf("POST %q = %d %s", text, code, b)
	}
	var replies []map[string]any
	wait.For(c.t, 15*time.Second, fmt.Sprintf("reply %d", c.n), func() bool {
		replies = chatReplies(c.t, c.p, c.session)
		return len(replies) >= c.n
	})
	return replies[c.n-1]
}

func replyText(r map[string]any) string {
	s, _ := r["text"].(string)
	b, _ := json.Marshal(r["buttons"])
	return s + "\n" + string(b)
}

func api(t *testing.T, p *Proc, token, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, p.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp.StatusCode, b.String()
}

// TestPersonal_EndToEnd: through the web chat, a follower's later replies
// differ from the first as the profile says: the name throughout, the
// catalogue article once they ask about diabetes, what they asked before
// when they ask again, and the apology without any offer once their mood
// has turned; a product added to the catalogue is recognised without a
// restart; a dose question gets the safe reply and a flag; consent words
// work both ways; a segment counts who matches.
func TestPersonal_EndToEnd(t *testing.T) {
	p := StartProc(t, ProcOptions{})
	p.Stop()
	code, out, errOut := cli(t, "", "token", "create", "-config", p.Config, "-data", p.Data, "-name", "pr-team", "-role", "pr")
	if code != 0 {
		t.Fatalf("token create: %d %s", code, errOut)
	}
	token := strings.TrimSpace(out)
	p.Restart()
	server := []string{"-server", p.URL}

	if code, _, errOut := cliAs(t, token, "catalogue", "-h"); code != 0 || !strings.Contains(errOut, "list") || !strings.Contains(errOut, "import") ||
		!strings.Contains(errOut, "remove") || !strings.Contains(errOut, "edit") || !strings.Contains(errOut, "add") {
		t.Errorf("catalogue -h = %d, want the verbs:\n%s", code, errOut)
	}
	// The vocabulary seeded the catalogue on the first start.
	code, out, errOut = cliAs(t, token, append([]string{"catalogue", "list", "-kind", "product"}, server...)...)
	if code != 0 || !strings.Contains(out, `"zinkofer"`) || !strings.Contains(out, "zincofer") {
		t.Fatalf("catalogue list = %d %s %s, want the seeded products with their misspellings", code, out, errOut)
	}

	// Before the import the new product is not known.
	other := &chatter{t: t, p: p, session: chatSession(t, p), name: "Sara"}
	if r := replyText(other.say("گلوکوویت چیه؟")); strings.Contains(r, "گلوکوویت") {
		t.Errorf("an unknown product named in the reply:\n%s", r)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "catalogue.csv")
	if err := os.WriteFile(file, []byte(catalogueCSV), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("id,kind,colour\nx,article,red\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := cliAs(t, token, append([]string{"catalogue", "import", bad}, server...)...); code == 0 || !strings.Contains(errOut, `"colour"`) {
		t.Errorf("import of an unknown column = %d %q, want a refusal naming it", code, errOut)
	}
	code, out, errOut = cliAs(t, token, append([]string{"catalogue", "import", file}, server...)...)
	if code != 0 || !strings.Contains(out, "diabetes-guide") || !strings.Contains(out, "glucovit") {
		t.Fatalf("catalogue import = %d %s %s", code, out, errOut)
	}
	if r := replyText(other.say("گلوکوویت چیه؟")); !strings.Contains(r, "گلوکوویت") {
		t.Errorf("a product added to the catalogue is not recognised:\n%s", r)
	}

	m := &chatter{t: t, p: p, session: chatSession(t, p), name: "مریم"}
	const guide = "راهنمای مراقبت روزانه از دیابت"
	first := replyText(m.say("سلام"))
	second := replyText(m.say("درباره‌ی کنترل قند خون سؤال دارم"))
	third := replyText(m.say("باز هم درباره‌ی دیابت سؤال دارم"))
	for i, tc := range []struct {
		reply     string
		want, not []string
	}{
		{first, []string{"مریم"}, []string{guide, "پرسیده بودید"}},
		{second, []string{"مریم", guide}, []string{"پرسیده بودید"}},
		{third, []string{"مریم", guide, "قبلاً درباره‌ی مراقبت از دیابت پرسیده بودید"}, nil},
	} {
		for _, w := range tc.want {
			if !strings.Contains(tc.reply, w) {
				t.Errorf("reply %d: want %q in:\n%s", i+1, w, tc.reply)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(tc.reply, w) {
				t.Errorf("reply %d: do not want %q in:\n%s", i+1, w, tc.reply)
			}
		}
	}
	if first == second || second == third {
		t.Errorf("replies do not change with the profile:\n%s\n---\n%s\n---\n%s", first, second, third)
	}

	// A segment over profile fields counts her, with her in the sample.
	code, body := api(t, p, token, "POST", "/api/v1/segments",
		`{"name": "diabetes, web chat, Persian", "rule": {"platform": "webchat", "lang": "fa", "interests": ["diabetes"]}}`)
	var seg struct {
		ID    string `json:"id"`
		Count int    `json:"count"`
	}
	if code != http.StatusCreated || json.Unmarshal([]byte(body), &seg) != nil || seg.ID == "" || seg.Count != 1 {
		t.Fatalf("POST /api/v1/segments = %d %s, want the segment with id and count 1", code, body)
	}
	code, body = api(t, p, token, "GET", "/api/v1/segments/"+seg.ID+"?sample=5", "")
	if code != http.StatusOK || !strings.Contains(body, `"user_id": "`+m.session+`"`) && !strings.Contains(body, `"user_id":"`+m.session+`"`) {
		t.Errorf("segment sample = %d %s, want her", code, body)
	}

	// Her mood turns: complaints, then a plain hello gets the apology,
	// never the article.
	m.say("خیلی از شما ناراضی هستم، هیچ جواب درستی نگرفتم، افتضاح است")
	m.say("واقعاً افتضاح است، خیلی ناراضی‌ام و کسی جوابم را نمی‌دهد")
	upset := replyText(m.say("سلام"))
	if !strings.Contains(upset, "متأسفیم") || !strings.Contains(upset, "صحبت با کارشناس") || strings.Contains(upset, guide) || strings.Contains(upset, "پیشنهاد") {
		t.Errorf("after her mood turned: want the apology with a person one button away and no offer:\n%s", upset)
	}

	// A dose question: the safe reply and a flag on the thread.
	if r := replyText(other.say("دوز مصرف دیابتان برای من چقدر است؟")); !strings.Contains(r, "پزشک") || !strings.Contains(r, "داروساز") {
		t.Errorf("a dose question: want the reply pointing to a physician and a pharmacist:\n%s", r)
	}
	wait.For(t, 10*time.Second, "the medical_advice flag", func() bool {
		_, body := api(t, p, token, "GET", "/api/v1/flags?status=open&reason=medical_advice", "")
		return strings.Contains(body, `"medical_advice"`)
	})

	// Consent words, both ways, each confirmed; the segment of those who
	// opted in follows.
	consented := `{"rule": {"platform": "webchat", "consent": "given"}}`
	count := func() int {
		_, body := api(t, p, token, "POST", "/api/v1/segments/preview", consented)
		var c struct {
			Count int `json:"count"`
		}
		json.Unmarshal([]byte(body), &c)
		return c.Count
	}
	if r := replyText(other.say("شروع")); !strings.Contains(r, "«لغو»") || count() != 1 {
		t.Errorf("شروع: want the opt-in confirmed and one follower opted in (%d):\n%s", count(), r)
	}
	if r := replyText(other.say("توقف")); !strings.Contains(r, "درخواست شما ثبت شد") || count() != 0 {
		t.Errorf("توقف: want the opt-out confirmed and nobody opted in (%d):\n%s", count(), r)
	}
}

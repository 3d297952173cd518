package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	browserpkg "engagebot/internal/browser"
	"engagebot/internal/testenv"
	"engagebot/internal/wait"
)

// browser drives one headless Chromium tab against a process.
type browser struct {
	t   *testing.T
	ctx context.Context
	p   *Proc
	dir string
}

func newBrowser(t *testing.T, p *Proc) *browser {
	ctx := browserpkg.New(t, 1280, 900, 4*time.Minute)
	return &browser{t: t, ctx: ctx, p: p, dir: browserpkg.Screenshots(t)}
}

func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// open goes to a path of the service and waits for the page's heading.
func (b *browser) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.p.URL+path), chromedp.WaitVisible(chromedp.CSS("main h1")))
}

// js evaluates expr in the page; an error (the page is between two
// loads) is the zero value, for conditions that are polled.
func js[T any](b *browser, expr string) T {
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		var zero T
		return zero
	}
	return v
}

// until waits for expr to be true in the page.
func (b *browser) until(what, expr string) {
	b.t.Helper()
	wait.For(b.t, 20*time.Second, what, func() bool { return js[bool](b, expr) })
}

// press clicks a button that posts a form and waits for the page it
// leads to, which says what was done.
func (b *browser) press(what, sel string) {
	b.t.Helper()
	// The page before is marked, so the wait is for the next one.
	b.do(what, chromedp.Evaluate[chromedp.Void](`document.body.dataset.left = "1"`), chromedp.Click(chromedp.CSS(sel)))
	b.until(what+" done", `document.body.dataset.left !== "1" && (document.querySelector('p.notice') !== null || document.querySelector('p.problem') !== null)`)
	if p := js[string](b, `(document.querySelector('p.problem')||{}).textContent||''`); p != "" {
		b.t.Fatalf("%s: the page says %q", what, p)
	}
}

func (b *browser) shot(name string) {
	b.t.Helper()
	// The whole page: the viewport is made as tall as the page for the
	// shot, then given back.
	h := max(js[int64](b, `Math.ceil(document.querySelector("main").getBoundingClientRect().bottom) + 16`), 600)
	b.do("size the page "+name, chromedp.EmulateViewport(1280, h))
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	b.do("unsize the page", chromedp.ResetViewport())
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(b.dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", path)
}

// fetch reads a path of the service from inside the page, with its
// session, as a download link would.
func (b *browser) fetch(path string) (int, string) {
	b.t.Helper()
	var out struct {
		Status int    `json:"status"`
		Body   string `json:"body"`
	}
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](fmt.Sprintf(
		`fetch(%q, {credentials: "same-origin"}).then(async r => JSON.stringify({status: r.status, body: await r.text()}))`, path),
		chromedp.EvalAwaitPromise))
	if err != nil || json.Unmarshal([]byte(v), &out) != nil {
		b.t.Fatalf("fetch %s: %v %s", path, err, v)
	}
	return out.Status, out.Body
}

// The dashboard end to end through the binary in headless Chromium: a
// follower reports a side effect in the web chat; a moderator who is
// also on the safety team signs in, finds it first in the queue, takes
// the thread over, replies (the reply reaches the follower's chat),
// corrects the message's sentiment and sees the chart change, works the
// safety case and exports it, resolves the thread, and sees a new flag
// come into the queue by itself. Screenshots of the queue, a thread, the
// safety queue and the charts are taken in Persian and in English.
func TestBrowser_Dashboard(t *testing.T) {
	if _, err := browserpkg.Path(); err != nil {
		testenv.Need(t, "Chromium", err)
	}
	p := StartProc(t, ProcOptions{})
	p.Stop()
	pw := "sara's own long password"
	if code, _, errOut := cli(t, pw+"\n", "user", "add", "-config", p.Config, "-data", p.Data, "-name", "sara", "-role", "moderator,safety,pr"); code != 0 {
		t.Fatalf("user add: %d %s", code, errOut)
	}
	p.Restart()

	session := chatSession(t, p)
	report := "I took your vitamin D tablets and now I have a terrible rash and dizziness"
	if code, body := p.Post("/chat/messages", fmt.Sprintf(`{"session":%q,"text":%q}`, session, report)); code != http.StatusAccepted {
		t.Fatalf("chat message = %d %s", code, body)
	}
	wait.For(t, 10*time.Second, "the bot's reply", func() bool { return len(chatReplies(t, p, session)) > 0 })
	// A Persian complaint from another follower, so the queue holds text
	// of both directions.
	fa := chatSession(t, p)
	if code, body := p.Post("/chat/messages", fmt.Sprintf(`{"session":%q,"text":%q}`, fa,
		"از شما شکایت دارم، سفارشم دو هفته است نرسیده و کسی جواب نمی‌دهد. شماره من 09120000000 است")); code != http.StatusAccepted {
		t.Fatalf("chat message = %d %s", code, body)
	}
	wait.For(t, 10*time.Second, "the bot's reply in Persian", func() bool { return len(chatReplies(t, p, fa)) > 0 })

	b := newBrowser(t, p)

	// A page without a session leads to the sign-in form, which comes
	// back to it; a wrong password shows the form again, saying so.
	b.do("open the queue", chromedp.Navigate(p.URL+"/queue"), chromedp.WaitVisible(chromedp.CSS("#login")))
	if dir := js[string](b, `document.documentElement.dir`); dir != "rtl" {
		t.Errorf("the sign-in form is %q, want Persian right to left", dir)
	}
	b.do("a wrong password", chromedp.SetValue(chromedp.CSS("#name"), "sara"), chromedp.SetValue(chromedp.CSS("#password"), "not the password"),
		chromedp.Click(chromedp.CSS("#sign-in")))
	b.until("the refusal", `document.querySelector('p.problem') !== null && document.querySelector('#login') !== null`)
	b.do("sign in", chromedp.SetValue(chromedp.CSS("#name"), "sara"), chromedp.SetValue(chromedp.CSS("#password"), pw),
		chromedp.Click(chromedp.CSS("#sign-in")))
	b.until("the queue", `document.querySelectorAll('#queue tbody tr').length === 2`)

	// The side-effect report is first, critical, in Persian.
	first := js[string](b, `document.querySelector('#queue tbody tr').className + ' ' + document.querySelector('#queue tbody tr td.text').textContent`)
	if !strings.Contains(first, "sev-critical") || !strings.Contains(first, "terrible rash") {
		t.Fatalf("first row %q: want the critical side-effect report", first)
	}
	if js[string](b, `document.documentElement.lang`) != "fa" {
		t.Errorf("the queue is not in Persian, the default")
	}
	b.shot("queue-fa.png")
	threadURL := js[string](b, `document.querySelector('#queue tbody tr a.button').getAttribute('href')`)
	b.open(threadURL)
	b.shot("thread-fa.png")

	// Take over and reply: the reply reaches the follower's chat.
	b.press("take over", "#takeover")
	if m := js[string](b, `document.querySelector('#mode').dataset.mode`); m != "human" {
		t.Fatalf("after take over the mode is %q", m)
	}
	reply := "Sara from the safety team here: please stop taking them, I will call you today."
	b.do("type the reply", chromedp.SetValue(chromedp.CSS("#reply-text"), reply))
	b.press("send the reply", "#send")
	wait.For(t, 15*time.Second, "the moderator's reply in the follower's chat", func() bool {
		for _, r := range chatReplies(t, p, session) {
			if r["text"] == reply {
				return true
			}
		}
		return false
	})

	// Correct the report's sentiment: the chart counts the person's label.
	b.open("/charts")
	type totals struct{ Pos, Neu, Neg, Volume string }
	read := func() totals {
		return js[totals](b, `(d => ({pos: d.pos, neu: d.neu, neg: d.neg, volume: d.volume}))(document.querySelector('#totals').dataset)`)
	}
	before := read()
	if before.Neg == "" || before.Neg == "0" {
		t.Fatalf("the chart before the correction: %+v, want the negative report counted", before)
	}
	b.open(threadURL)
	b.do("choose positive", chromedp.SetValue(chromedp.CSS(`article.msg.in form.relabel select`), "pos"))
	b.press("correct the label", `article.msg.in form.relabel button`)
	if l := js[string](b, `document.querySelector('article.msg.in .label').dataset.label`); l != "pos" {
		t.Errorf("the thread shows the label %q after the correction, want pos", l)
	}
	b.open("/charts")
	after := read()
	if after.Volume != before.Volume || after.Neg == before.Neg || after.Pos == before.Pos {
		t.Errorf("the chart did not move with the correction: before %+v, after %+v", before, after)
	}
	b.shot("charts-fa.png")

	// The safety case: 15 days on the clock, then worked.
	b.open("/safety")
	if d := js[string](b, `(document.querySelector('article.case .clock')||{dataset:{}}).dataset.days||''`); d != "15" {
		t.Errorf("days left on the new case = %q, want 15", d)
	}
	b.shot("safety-fa.png")

	// The same pages in English.
	b.do("switch to English", chromedp.Click(chromedp.CSS("#lang-en")))
	b.until("the page in English", `document.documentElement.lang === 'en'`)
	if js[string](b, `document.documentElement.dir`) != "ltr" {
		t.Errorf("English is not left to right")
	}
	b.open("/queue")
	b.shot("queue-en.png")
	b.open(threadURL)
	b.shot("thread-en.png")
	b.open("/charts")
	b.shot("charts-en.png")
	b.open("/safety")
	b.shot("safety-en.png")

	b.press("mark serious", `article.case button[value="serious"]`)
	b.do("a note", chromedp.SetValue(chromedp.CSS(`article.case input[name="note"]`), "confirmed by phone"))
	b.press("confirm", `article.case button[value="confirm"]`)
	if s := js[string](b, `document.querySelector('article.case').className`); !strings.Contains(s, "status-confirmed") {
		t.Errorf("the case after confirming: %q", s)
	}
	code, body := b.fetch("/safety/export?format=json")
	var exp struct {
		Reports []json.RawMessage `json:"reports"`
	}
	if code != 200 || json.Unmarshal([]byte(body), &exp) != nil || len(exp.Reports) != 1 || !strings.Contains(body, "terrible rash") {
		t.Errorf("JSON export = %d %s", code, body)
	}
	if code, body := b.fetch("/safety/export?format=csv"); code != 200 || !strings.Contains(body, "terrible rash") || strings.Count(body, "\n") < 2 {
		t.Errorf("CSV export = %d %s", code, body)
	}

	// Resolve: the thread leaves the queue.
	b.open(threadURL)
	b.press("resolve", "#resolve")
	b.open("/queue")
	rows := `document.querySelectorAll("#queue tbody tr").length`
	if n := js[int](b, rows); n != 1 || js[bool](b, fmt.Sprintf(`document.querySelector('#queue a[href=%q]') !== null`, threadURL)) {
		t.Errorf("the queue after resolving lists %d rows, want only the complaint's", n)
	}

	// A new flag comes into the open queue page by itself.
	other := chatSession(t, p)
	if code, body := p.Post("/chat/messages", fmt.Sprintf(`{"session":%q,"text":%q}`, other,
		"After your syrup my child has a high fever and is vomiting")); code != http.StatusAccepted {
		t.Fatalf("chat message = %d %s", code, body)
	}
	b.until("the new flag in the open queue page", rows+` === 2`)

	// Sign out: the pages are closed again.
	b.do("sign out", chromedp.Click(chromedp.CSS("#sign-out")))
	b.until("the sign-out's redirect", `location.pathname.startsWith("/chat")`)
	b.do("the queue after sign-out", chromedp.Navigate(p.URL+"/queue"), chromedp.WaitVisible(chromedp.CSS("#login")))
}

package webchat_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"engagebot/adapters/adaptertest"
	"engagebot/adapters/webchat"
	"engagebot/bot"
	"engagebot/internal/browser"
	"engagebot/internal/wait"
)

// bubble is what the page shows of one message, read from the DOM.
type bubble struct {
	From     string `json:"from"`
	Dir      string `json:"dir"`
	Lang     string `json:"lang"`
	Text     string `json:"text"`
	Time     string `json:"time"`
	TimeDir  string `json:"timeDir"`
	DateTime string `json:"dateTime"`
	// TimeInOrder: the time's characters are laid out in reading order
	// for its direction (left to right for ltr).
	TimeInOrder bool  `json:"timeInOrder"`
	Runs        []run `json:"runs"`
}

// run is an isolated left-to-right element inside a bubble.
type run struct {
	Tag, Dir, Text, Bidi string
	// LeftToRight: each character is drawn to the right of the one before.
	LeftToRight bool `json:"leftToRight"`
}

// readBubbles reads every message bubble, measuring where characters are
// drawn, which is what a reader sees.
const readBubbles = `(() => {
  function inOrder(el, ltr) {
    const node = el.firstChild && el.firstChild.nodeType === 3 ? el.firstChild : (el.querySelector("a") || el).firstChild;
    if (!node) return false;
    const r = document.createRange(); let prev = null, top = null;
    for (let i = 0; i < node.length; i++) {
      if (/\s/.test(node.data[i])) continue;
      r.setStart(node, i); r.setEnd(node, i + 1);
      const box = r.getBoundingClientRect();
      if (top !== null && Math.abs(box.top - top) > box.height / 2) prev = null; // a new line
      if (prev !== null && (ltr ? box.left <= prev : box.left >= prev)) return false;
      prev = box.left; top = box.top;
    }
    return true;
  }
  return Array.from(document.querySelectorAll("#log .msg"), d => {
    const t = d.querySelector("time");
    return {
      from: d.classList.contains("bot") ? "bot" : "me", dir: d.dir, lang: d.lang,
      text: d.querySelector(".text").textContent,
      time: t.textContent, timeDir: t.dir, dateTime: t.dateTime,
      timeInOrder: t.dir === "ltr" ? inOrder(t, true) : true,
      runs: Array.from(d.querySelectorAll(".text bdi"), b => ({
        Tag: b.tagName.toLowerCase(), Dir: b.dir, Text: b.textContent,
        Bidi: getComputedStyle(b).unicodeBidi, leftToRight: inOrder(b, true),
      })),
    };
  });
})()`

// TestBrowser_WebChat drives the page in headless Chromium in Persian and
// English: the follower's messages and the replies show both sides, phone
// numbers, e-mail addresses and links read left to right inside Persian
// text, timestamps come out whole in each bubble's language, and after a
// reload the whole conversation is there again, in order. It fails in CI
// (CI=true) when Chromium is missing, and is skipped elsewhere.
func TestBrowser_WebChat(t *testing.T) {

	inbox := &adaptertest.Recorder{}
	cfg := webchat.NewConfig()
	cfg.PollTimeout = 2 * time.Second
	a := webchat.New("default", *cfg, bot.AdapterDeps{Inbox: inbox})
	mux := http.NewServeMux()
	mux.Handle("/chat/", http.StripPrefix("/chat", a.Webhook()))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	ctx := browser.New(t, 480, 820, 90*time.Second)
	dir := browser.Screenshots(t)

	do := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	bubbles := func() []bubble {
		t.Helper()
		b, err := chromedp.Run(ctx, chromedp.Evaluate[[]bubble](readBubbles))
		if err != nil {
			t.Fatalf("read the bubbles: %v", err)
		}
		return b
	}
	waitBubbles := func(n int) []bubble {
		t.Helper()
		return wait.Len(t, 10*time.Second, "bubbles", n, bubbles)
	}
	// say types text in the page and sends it; the test then answers as
	// the bot with reply.
	var outID uint64
	say := func(text, reply, lang string) {
		t.Helper()
		n := len(inbox.Events())
		do("type "+text, chromedp.SetValue(chromedp.CSS("#t"), text), chromedp.Click(chromedp.CSS("#f button")))
		ev := inbox.Wait(t, n+1)[n]
		if ev.Text != text {
			t.Fatalf("stored %q, want %q", ev.Text, text)
		}
		outID++
		if _, err := a.Send(context.Background(), &bot.Outbound{ID: outID, Chat: ev.Chat, ChatType: bot.ChatPrivate,
			Kind: bot.OutReply, ReplyTo: ev.ID, Text: reply, Lang: lang}); err != nil {
			t.Fatal(err)
		}
	}
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", path)
	}

	do("open the page", chromedp.Navigate(srv.URL+"/chat/"), chromedp.WaitVisible(chromedp.CSS(`body[data-ready="1"]`)))
	say("سلام، شماره من 021-00000001 است", "ممنون! با شماره 021-00000001 یا support@example.com تماس بگیرید.", "fa")
	waitBubbles(2)
	shot("webchat-fa.png")
	say("Hi, is it safe with coffee? Call me at +1 555-0100", `Yes. See https://example.com/help or call +1 555-0100. <img src=x onerror="document.title='owned'">`, "en")
	waitBubbles(4)
	shot("webchat-en.png")

	check := func(when string, got []bubble) {
		t.Helper()
		want := []struct{ from, lang, dir string }{{"me", "fa", "rtl"}, {"bot", "fa", "rtl"}, {"me", "en", "ltr"}, {"bot", "en", "ltr"}}
		if len(got) != len(want) {
			t.Fatalf("%s: %d bubbles, want %d: %+v", when, len(got), len(want), got)
		}
		for i, w := range want {
			b := got[i]
			if b.From != w.from || b.Lang != w.lang || b.Dir != w.dir {
				t.Errorf("%s: bubble %d is %s/%s/%s, want %s/%s/%s", when, i, b.From, b.Lang, b.Dir, w.from, w.lang, w.dir)
			}
			if b.TimeDir != w.dir || !b.TimeInOrder {
				t.Errorf("%s: bubble %d: time %q (dir %s) is not laid out in order", when, i, b.Time, b.TimeDir)
			}
			if _, err := time.Parse(time.RFC3339, b.DateTime); err != nil {
				t.Errorf("%s: bubble %d: datetime %q: %v", when, i, b.DateTime, err)
			}
			if w.lang == "en" && !regexp.MustCompile(`^\d{1,2} [A-Z][a-z]{2},? \d{2}:\d{2}$`).MatchString(b.Time) {
				t.Errorf("%s: bubble %d: English time %q, want like 2 Dec, 04:15", when, i, b.Time)
			}
			if w.lang == "fa" && (regexp.MustCompile(`[A-Za-z0-9]`).MatchString(b.Time) || !regexp.MustCompile(`[۰-۹]`).MatchString(b.Time)) {
				t.Errorf("%s: bubble %d: Persian time %q mixes in Latin letters or digits", when, i, b.Time)
			}
		}
		// Numbers, addresses and links are isolated and read left to right.
		wantRuns := [][]string{
			{"021-00000001"},
			{"021-00000001", "support@example.com"},
			{"+1 555-0100"},
			{"https://example.com/help", "+1 555-0100"},
		}
		for i, texts := range wantRuns {
			var runs []string
			for _, r := range got[i].Runs {
				runs = append(runs, r.Text)
				if r.Tag != "bdi" || r.Dir != "ltr" || r.Bidi != "isolate" || !r.LeftToRight {
					t.Errorf("%s: bubble %d: run %+v: want an isolated ltr <bdi> drawn left to right", when, i, r)
				}
			}
			if strings.Join(runs, "|") != strings.Join(texts, "|") {
				t.Errorf("%s: bubble %d isolates %q, want %q", when, i, runs, texts)
			}
		}
		if !strings.Contains(got[3].Text, `<img src=x onerror=`) {
			t.Errorf("%s: markup in a reply was not shown as text: %q", when, got[3].Text)
		}
	}
	first := bubbles()
	check("before the reload", first)

	do("reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`body[data-ready="1"]`)))
	again := waitBubbles(4)
	check("after the reload", again)
	for i := range first {
		// A reply's time is the service's; the follower's own was the
		// page's clock until the reload, the service's after it.
		if first[i].Text != again[i].Text || (first[i].From == "bot" && first[i].DateTime != again[i].DateTime) {
			t.Errorf("bubble %d after the reload: %q at %s, want %q at %s", i, again[i].Text, again[i].DateTime, first[i].Text, first[i].DateTime)
		}
	}
	imgs, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#log img").length`))
	if err != nil {
		t.Fatal(err)
	}
	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil {
		t.Fatal(err)
	}
	if imgs != 0 || title == "owned" {
		t.Errorf("a reply's markup became elements (%d img, title %q)", imgs, title)
	}
	shot("webchat-reloaded.png")
}

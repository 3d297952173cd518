package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	browserpkg "engagebot/internal/browser"

	"engagebot/bot"
	"engagebot/password"
	"engagebot/web"
)

// BenchmarkQueuePageBrowser measures the dashboard's queue page (its
// first page, 50 flags) with 100,000 open flags in the store over 20,000
// threads: the page as the server answers it over HTTP with a session,
// beside the JSON API's first page of the same flags in turns in the same
// run, and, when Chromium is there, the page in headless Chromium from
// navigation to the rendered table.
//
//	go test -run '^$' -bench QueuePageBrowser -benchtime 20x ./cmd/engagebot/
//
// Reported: ms per request and p99 of the page and of the API, their
// ratio, and the browser's mean and p99 (browser-ms, browser-p99-ms)
// beside its mean for the sign-in form, a page that reads nothing
// (browser-login-ms), and their ratio; the browser's are absent without
// Chromium.
func BenchmarkQueuePageBrowser(b *testing.B) {
	ctx := context.Background()
	db, e := queueBenchEngine(b)
	hasher := password.New(password.Params{Memory: 1024, Time: 1, Threads: 1})
	const pw = "the moderator's long password"
	if err := e.Actions().AddUser(ctx, cliActor, hasher, "mina", []bot.Role{bot.RoleModerator}, pw); err != nil {
		b.Fatal(err)
	}
	auth, err := bot.NewAuth(db, hasher, nil, 0)
	if err != nil {
		b.Fatal(err)
	}
	secret, _, err := auth.Login(ctx, "mina", pw)
	if err != nil {
		b.Fatal(err)
	}
	srv := web.New(web.Options{Engine: e, Auth: auth, Data: db, Actions: e.Actions(), Passwords: hasher})
	ts := httptest.NewServer(srv.Handler())
	b.Cleanup(ts.Close)

	get := func(path, want string) {
		req, _ := http.NewRequest("GET", ts.URL+path, nil)
		req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: secret})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || strings.Count(string(body), want) != 50 {
			b.Fatalf("%s = %d, %d of %q", path, resp.StatusCode, strings.Count(string(body), want), want)
		}
	}
	page := func() { get("/queue", `data-flag="`) }
	api := func() { get("/api/v1/flags?status=open&limit=50", `"severity":`) }
	page()
	api()

	// The browser, when there is one: signed in once through the form.
	var nav, ref func() time.Duration
	if bctx, ok := browserpkg.Try(b, 1280, 900, 10*time.Minute); ok {
		err := chromedp.Do(bctx,
			chromedp.Navigate(ts.URL+"/login?next="+url.QueryEscape("/queue")),
			chromedp.SetValue(chromedp.CSS("#name"), "mina"), chromedp.SetValue(chromedp.CSS("#password"), pw),
			chromedp.Click(chromedp.CSS("#sign-in")), chromedp.WaitVisible(chromedp.CSS("#queue tbody tr")))
		if err != nil {
			b.Fatalf("sign in in the browser: %v", err)
		}
		nav = func() time.Duration {
			t := time.Now()
			if err := chromedp.Do(bctx, chromedp.Navigate(ts.URL+"/queue"), chromedp.WaitVisible(chromedp.CSS("#queue tbody tr:last-child"))); err != nil {
				b.Fatalf("the queue in the browser: %v", err)
			}
			return time.Since(t)
		}
		// The reference: the sign-in form, a page of the same layout
		// that reads nothing, so what the browser itself costs.
		ref = func() time.Duration {
			t := time.Now()
			if err := chromedp.Do(bctx, chromedp.Navigate(ts.URL+"/login"), chromedp.WaitVisible(chromedp.CSS("#sign-in"))); err != nil {
				b.Fatalf("the sign-in form in the browser: %v", err)
			}
			return time.Since(t)
		}
	} else {
		b.Logf("no browser measure: %v", err)
	}

	// Turns of each, so all see the same load on a shared machine.
	var pages, apis, navs, refs []time.Duration
	b.ResetTimer()
	for b.Loop() {
		t := time.Now()
		page()
		pages = append(pages, time.Since(t))
		t = time.Now()
		api()
		apis = append(apis, time.Since(t))
		if nav != nil {
			navs = append(navs, nav())
			refs = append(refs, ref())
		}
	}
	b.StopTimer()
	ms := func(d []time.Duration) float64 {
		var sum time.Duration
		for _, x := range d {
			sum += x
		}
		return float64(sum) / float64(len(d)) / 1e6
	}
	p99 := func(d []time.Duration) float64 {
		s := slices.Clone(d)
		slices.Sort(s)
		return float64(s[(len(s)*99)/100]) / 1e6
	}
	b.ReportMetric(ms(pages), "page-ms/req")
	b.ReportMetric(p99(pages), "page-p99-ms")
	b.ReportMetric(ms(apis), "api-ms/req")
	b.ReportMetric(ms(pages)/ms(apis), "page/api")
	if len(navs) > 0 {
		b.ReportMetric(ms(navs), "browser-ms")
		b.ReportMetric(p99(navs), "browser-p99-ms")
		b.ReportMetric(ms(refs), "browser-login-ms")
		b.ReportMetric(ms(navs)/ms(refs), "browser-queue/login")
	}
	b.ReportMetric(0, "ns/op")
}

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"engagebot/adapters/meta/metatest"
	"engagebot/adapters/rubika/rubikatest"
	"engagebot/adapters/telegram/telegramtest"
	"engagebot/adapters/x/xtest"
	"engagebot/internal/wait"
)

// postCLI runs `engagebot post ...` against a process with a token.
func postCLI(t *testing.T, p *Proc, token string, args ...string) (int, string, string) {
	t.Helper()
	return cliEnv(t, "", []string{"ENGAGEBOT_TOKEN=" + token, "ENGAGEBOT_SERVER=" + p.URL}, append([]string{"post"}, args...)...)
}

// api calls the JSON API with a token and decodes the answer into out.
func callAPI(t testing.TB, p *Proc, token, method, path string, body any, out any) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, p.URL+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	} else if resp.StatusCode >= 300 {
		if e, ok := out.(*callErr); ok {
			json.Unmarshal(b, e)
		}
	}
	return resp.StatusCode
}

type callErr struct{ Error string }

type e2ePost struct {
	ID      uint64
	State   string
	Text    string
	Notices []struct{ Text string }
	Slots   []struct {
		At      time.Time
		State   string
		Targets []struct {
			Account, Chat, State string
			PlatformID           string `json:"platform_id"`
			URL, Error           string
		}
	}
}

// TestSchedule_CompressedDayAcrossKills publishes 500 posts to all five
// platforms (Telegram and Rubika channels, X, a Facebook Page, Instagram
// with an uploaded image) and a recurring one, over a day compressed into
// 50 seconds by the scheduler's clock (ENGAGEBOT_SCHEDULE_CLOCK), while
// the service is killed with SIGKILL and restarted twice. Every approved
// post goes out exactly once or is missed (its slot came while the
// service was down, past the lateness) and its author is told; a publish
// a kill interrupted is looked for on the platform where it lists recent
// posts, else left for a person, never sent twice; unapproved
// posts never go out; no fake records a duplicate or a request over a
// limit. It runs the production build (productionBinary).
func TestSchedule_CompressedDayAcrossKills(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end schedule test: skipped with -short")
	}
	const (
		total = 500
		scale = 1440           // a day in a minute
		span  = 20 * time.Hour // the posts' times, in the compressed day
	)
	tg := telegramtest.NewServer(t, telegramtest.WithSpec(tgSpec))
	xf := newXFake(t, xtest.WithLimit("tweets", 10000, 15*time.Minute))
	fb := metatest.NewServer(t, metatest.WithPage("111122223333"))
	ig := metatest.NewServer(t, metatest.WithInstagram("17841400000000001"))
	rb := rubikatest.NewServer(t)
	var tgChannels, rbChannels []string
	for i := range 20 {
		c := tg.NewChannel(fmt.Sprintf("brand%02d", i), fmt.Sprintf("Brand %d", i))
		tgChannels = append(tgChannels, "@"+c.Username)
	}
	for range 10 {
		rbChannels = append(rbChannels, rb.NewChannel())
	}
	cfg := fmt.Sprintf(`
server:
  public_url: https://brand.example
schedule:
  approvals: 1
  lateness: 15m
  every: 50ms
accounts:
  telegram.support:
    token: ${TG_TOKEN}
    api_base: %s
    mode: polling
    poll_timeout: 1s
  x.brand:
    consumer_key: ${X_CONSUMER_KEY}
    consumer_secret: ${X_CONSUMER_SECRET}
    access_token: ${X_ACCESS_TOKEN}
    access_secret: ${X_ACCESS_SECRET}
    user_id: "%s"
    api_base: %s
    send_rate: 6000/15m
  facebook.brand:
    app_secret: ${META_APP_SECRET}
    verify_token: ${META_VERIFY_TOKEN}
    access_token: ${META_ACCESS_TOKEN}
    account_id: "%s"
    api_base: %s
  instagram.brand:
    app_secret: ${META_APP_SECRET}
    verify_token: ${META_VERIFY_TOKEN}
    access_token: ${META_ACCESS_TOKEN}
    account_id: "%s"
    api_base: %s
  rubika.brand:
    token: ${RUBIKA_TOKEN}
    api_base: %s
    mode: polling
    poll_interval: 200ms
`, tg.URL, xf.UserID(), xf.URL, fb.AccountID(), fb.URL, ig.AccountID(), ig.URL, rb.APIBase())
	env := []string{"TG_TOKEN=" + tg.Token, "X_CONSUMER_KEY=consumer-key", "X_CONSUMER_SECRET=consumer-secret",
		"X_ACCESS_TOKEN=access-token", "X_ACCESS_SECRET=access-secret",
		"META_APP_SECRET=app-secret", "META_VERIFY_TOKEN=verify-token", "META_ACCESS_TOKEN=page-token",
		"RUBIKA_TOKEN=" + rb.Token}
	p := StartProc(t, ProcOptions{Config: cfg, Env: env, Binary: productionBinary(t)})
	p.Stop()
	token := func(name string) string {
		code, out, errOut := cli(t, "", "token", "create", "-config", p.Config, "-data", p.Data, "-name", name, "-role", "pr")
		if code != 0 {
			t.Fatalf("token create %s: %d %s", name, code, errOut)
		}
		return strings.TrimSpace(out)
	}
	sara, reza := token("sara"), token("reza")
	p.Restart()

	// An uploaded image, served at server.public_url for Instagram.
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")
	var up struct{ Name, URL string }
	if code := callAPI(t, p, sara, "POST", "/api/v1/uploads", map[string]any{"image": png}, &up); code != 201 ||
		up.URL != "https://brand.example/media/"+up.Name {
		t.Fatalf("upload = %d %+v", code, up)
	}
	if code, body := p.Get("/media/" + up.Name); code != 200 || body != string(png) {
		t.Fatalf("GET /media/%s = %d", up.Name, code)
	}

	// The day starts an hour from now in real time, so every post is in
	// the future while they are made; the compressed clock starts just
	// before it.
	dayStart := time.Now().Add(time.Hour).Truncate(time.Minute)
	type planned struct {
		id       uint64
		platform string
		text     string
		approved bool
	}
	plan := make([]planned, total)
	var (
		mu     sync.Mutex
		failed []string
	)
	make1 := func(i int) {
		at := dayStart.Add(5*time.Minute + span*time.Duration(i)/total)
		body := map[string]any{"at": at.Format(time.RFC3339)}
		text := fmt.Sprintf("Post %03d: flu season, wash your hands. پست %03d", i, i)
		var platform string
		switch i % 5 {
		case 0:
			platform = "telegram"
			body["targets"] = []map[string]string{{"account": "telegram.support", "chat": tgChannels[i/5%len(tgChannels)]}}
		case 1:
			platform = "x"
			body["targets"] = []map[string]string{{"account": "x.brand"}}
		case 2:
			platform = "facebook"
			body["targets"] = []map[string]string{{"account": "facebook.brand"}}
		case 3:
			platform = "instagram"
			body["targets"] = []map[string]string{{"account": "instagram.brand"}}
			body["image_url"] = up.URL
			text += " #flu #health"
		case 4:
			platform = "rubika"
			body["targets"] = []map[string]string{{"account": "rubika.brand", "chat": rbChannels[i/5%len(rbChannels)]}}
		}
		body["text"] = text
		var v e2ePost
		var e callErr
		if code := callAPI(t, p, sara, "POST", "/api/v1/posts", body, &v); code != 201 {
			callAPI(t, p, sara, "POST", "/api/v1/posts", body, &e)
			mu.Lock()
			failed = append(failed, fmt.Sprintf("create %d: %d %s", i, code, e.Error))
			mu.Unlock()
			return
		}
		// Two in ten stay unapproved: one a draft, one awaiting approval.
		approved := i%10 != 3 && i%10 != 7
		if i%10 != 7 {
			if code := callAPI(t, p, sara, "POST", fmt.Sprintf("/api/v1/posts/%d/submit", v.ID), nil, nil); code != 200 {
				mu.Lock()
				failed = append(failed, fmt.Sprintf("submit %d: %d", i, code))
				mu.Unlock()
			}
		}
		if approved {
			if code := callAPI(t, p, reza, "POST", fmt.Sprintf("/api/v1/posts/%d/approve", v.ID), map[string]string{"note": "medical: ok"}, nil); code != 200 {
				mu.Lock()
				failed = append(failed, fmt.Sprintf("approve %d: %d", i, code))
				mu.Unlock()
			}
		}
		plan[i] = planned{id: v.ID, platform: platform, text: text, approved: approved}
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				make1(i)
			}
		}()
	}
	for i := range total {
		next <- i
	}
	close(next)
	wg.Wait()
	if len(failed) > 0 {
		t.Fatalf("%d calls failed, first: %s", len(failed), failed[0])
	}
	// A recurring post, every two hours of the day, made with the CLI.
	code, out, errOut := postCLI(t, p, sara, "create", "-text", "Every two hours: drink water", "-target", "telegram.support:"+tgChannels[0],
		"-cron", "0 0 */2 * * *", "-tz", "UTC")
	var rec e2ePost
	if code != 0 || json.Unmarshal([]byte(out), &rec) != nil || rec.ID == 0 {
		t.Fatalf("post create: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := postCLI(t, p, sara, "submit", fmt.Sprint(rec.ID)); code != 0 {
		t.Fatalf("post submit: %s", errOut)
	}
	if code, _, errOut := postCLI(t, p, sara, "approve", fmt.Sprint(rec.ID), "-note", "mine"); code == 0 || !strings.Contains(errOut, "someone else") {
		t.Fatalf("the author approving: exit %d %s", code, errOut)
	}
	if code, _, errOut := postCLI(t, p, reza, "approve", fmt.Sprint(rec.ID), "-note", "legal: ok"); code != 0 {
		t.Fatalf("post approve: %s", errOut)
	}
	p.Stop()

	// The compressed day: the scheduler's clock reads dayStart from now
	// and runs scale times faster.
	epoch := time.Now()
	clock := func() time.Time { return dayStart.Add(time.Duration(float64(time.Since(epoch)) * scale)) }
	p.Env = append(p.Env, fmt.Sprintf("%s=%s,%s,%d", clockEnv, epoch.Format(time.RFC3339Nano), dayStart.Format(time.RFC3339Nano), scale))
	p.Restart()
	for _, at := range []time.Duration{6 * time.Hour, 13 * time.Hour} {
		wait.For(t, time.Minute, fmt.Sprintf("the compressed clock at %s", at), func() bool { return clock().After(dayStart.Add(at)) })
		p.Kill()
		// Down for an hour of the day: its slots are past the lateness.
		back := clock().Add(time.Hour)
		wait.For(t, time.Minute, "an hour down", func() bool { return clock().After(back) })
		p.Restart()
		t.Logf("killed at %s of the day, back at %s", at, clock().Sub(dayStart).Round(time.Minute))
	}
	end := dayStart.Add(span + 30*time.Minute)
	wait.For(t, 2*time.Minute, "the end of the compressed day", func() bool { return clock().After(end) })

	// Every approved post reaches an end.
	var posts map[uint64]e2ePost
	settled := wait.Until(time.Minute, func() bool {
		var l struct{ Posts []e2ePost }
		if callAPI(t, p, sara, "GET", "/api/v1/posts?limit=1000", nil, &l) != 200 {
			return false
		}
		posts = map[uint64]e2ePost{}
		open := 0
		for _, v := range l.Posts {
			posts[v.ID] = v
			if v.ID != rec.ID && (v.State == "approved" || v.State == "scheduled") {
				open++
			}
		}
		return open == 0
	})
	if !settled {
		t.Fatalf("approved posts still waiting after the day: outbox pending=%v", p.Metric(`engagebot_outbox_items{state="pending"}`))
	}

	// What each platform's fake received, by text.
	got := map[string]map[string]int{"telegram": {}, "x": {}, "facebook": {}, "instagram": {}, "rubika": {}}
	for _, s := range tg.Sent() {
		got["telegram"][s.Text]++
	}
	for _, r := range sentX(xf, "tweet") {
		got["x"][r.Text]++
	}
	for _, r := range sentOf(fb, "feed") {
		got["facebook"][r.Text]++
	}
	containers := map[string]int{}
	for _, r := range sentOf(ig, "media") {
		containers[r.Text]++
	}
	published := len(sentOf(ig, "media_publish"))
	for text, n := range containers {
		got["instagram"][text] = n
	}
	for _, s := range rb.Sent() {
		got["rubika"][s.Text]++
	}

	counts := map[string]int{}
	for i, pl := range plan {
		v := posts[pl.id]
		n := got[pl.platform][pl.text]
		switch {
		case !pl.approved:
			if n != 0 || len(v.Slots) != 0 {
				t.Errorf("post %d (%s) was not approved but went out %d times with %d slots", i, pl.platform, n, len(v.Slots))
			}
			counts["unapproved"]++
			continue
		case len(v.Slots) != 1:
			t.Errorf("post %d (%s): %d slots, want 1", i, pl.platform, len(v.Slots))
			continue
		}
		target := v.Slots[0].Targets[0]
		switch v.State {
		case "published":
			if n != 1 || target.State != "published" || target.PlatformID == "" {
				t.Errorf("post %d (%s) published, went out %d times; target %+v", i, pl.platform, n, target)
			}
			if pl.platform != "instagram" && pl.platform != "rubika" && target.URL == "" {
				t.Errorf("post %d (%s): no link", i, pl.platform)
			}
		case "missed":
			if n != 0 || len(v.Notices) == 0 || target.State != "missed" {
				t.Errorf("post %d (%s) missed, went out %d times, notices %v", i, pl.platform, n, v.Notices)
			}
		case "failed":
			// A publish a kill interrupted: where the platform lists recent
			// posts (X, Meta) it was not there, so it did not go out;
			// elsewhere it is left for a person, out at most once.
			if target.State == "failed" && n != 0 || target.State == "unknown" && n > 1 ||
				target.State != "failed" && target.State != "unknown" || len(v.Notices) == 0 {
				t.Errorf("post %d (%s) failed, went out %d times; target %+v", i, pl.platform, n, target)
			}
		default:
			t.Errorf("post %d (%s) ended %s", i, pl.platform, v.State)
		}
		counts[v.State]++
	}
	const every2h = "Every two hours: drink water"
	for platform, texts := range got {
		for text, n := range texts {
			if n > 1 && text != every2h {
				t.Errorf("%s received %q %d times", platform, text, n)
			}
		}
	}
	if published > len(containers) {
		t.Errorf("%d Instagram publishes for %d containers", published, len(containers))
	}
	if counts["published"] < total/2 || counts["missed"] == 0 {
		t.Errorf("outcomes %v: want most published and some missed while the service was down", counts)
	}

	// The recurring post: one slot per two hours of the day that passed,
	// each out once or missed.
	r := posts[rec.ID]
	if r.State != "scheduled" || len(r.Slots) < 8 {
		t.Errorf("recurring post %s with %d slots", r.State, len(r.Slots))
	}
	for _, s := range r.Slots {
		if s.At.UTC().Hour()%2 != 0 || s.At.Minute() != 0 {
			t.Errorf("recurring slot at %s", s.At)
		}
	}
	out2h := 0
	for _, s := range r.Slots {
		if s.State == "published" {
			out2h++
		}
	}
	if n := got["telegram"][every2h]; n < out2h || n > len(r.Slots) {
		t.Errorf("the recurring post went out %d times for %d published of %d slots", n, out2h, len(r.Slots))
	}

	if v := tg.Violations(); len(v) != 0 {
		t.Errorf("%d Telegram sends over its limits, first %+v", len(v), v[0])
	}
	if v := rb.Violations(); len(v) != 0 {
		t.Errorf("%d Rubika sends over its limits, first %+v", len(v), v[0])
	}
	if v := xf.Violations(); len(v) != 0 || xf.OverLimit() != 0 {
		t.Errorf("X: %d violations (%v), %d over its limit", len(v), v, xf.OverLimit())
	}
	if fb.OverLimit()+ig.OverLimit() != 0 {
		t.Errorf("Meta: %d calls over the limit", fb.OverLimit()+ig.OverLimit())
	}
	p.Stop()
	t.Logf("%d posts: %v; recurring: %d slots", total, counts, len(r.Slots))
}

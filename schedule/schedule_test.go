package schedule_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"engagebot/bot"
	"engagebot/internal/wait"
	"engagebot/jalali"
	"engagebot/schedule"
	"engagebot/store/bolt"
)

func tehran(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Tehran")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestCronNext checks fire times against a table, without sleeping:
// Tehran keeps +03:30 all year since 2022 (it had summer time before),
// months without a 31st are skipped, 29 February waits for a leap year.
func TestCronNext(t *testing.T) {
	teh := tehran(t)
	for i, tc := range []struct {
		spec  string
		loc   *time.Location
		after string
		want  string // "" when it never fires, "error" when refused
	}{
		{"0 30 9 * * 1", teh, "2026-12-02T06:00:00Z", "2026-12-07T06:00:00Z"}, // Wednesday to Monday 09:30 Tehran
		{"30 9 * * *", teh, "2026-12-02T06:00:00Z", "2026-12-03T06:00:00Z"},   // five fields; strictly after
		{"30 9 * * *", teh, "2026-12-02T05:59:59Z", "2026-12-02T06:00:00Z"},
		{"0 0 12 * * *", teh, "2026-01-10T00:00:00Z", "2026-01-10T08:30:00Z"}, // winter
		{"0 0 12 * * *", teh, "2026-07-10T00:00:00Z", "2026-07-10T08:30:00Z"}, // summer: no DST since 2022
		{"0 0 12 * * *", teh, "2021-07-10T00:00:00Z", "2021-07-10T07:30:00Z"}, // summer time still in 2021
		{"0 0 0 * * *", teh, "2026-03-20T20:00:00Z", "2026-03-20T20:30:00Z"},  // Nowruz 1405 midnight
		{"0 0 9 31 * *", time.UTC, "2026-04-01T00:00:00Z", "2026-05-31T09:00:00Z"},
		{"0 0 9 31 * *", time.UTC, "2026-01-31T09:00:00Z", "2026-03-31T09:00:00Z"},
		{"0 0 9 29 2 *", time.UTC, "2026-03-01T00:00:00Z", "2028-02-29T09:00:00Z"},
		{"0 0 9 30 2 *", time.UTC, "2026-03-01T00:00:00Z", ""},
		{"0 0 9 1 * *", teh, "2026-11-30T00:00:00Z", "2026-12-01T05:30:00Z"},
		{"@daily", teh, "2026-12-02T06:00:00Z", "2026-12-02T20:30:00Z"},
		{"@every 90m", teh, "2026-12-02T06:00:00Z", "2026-12-02T07:30:00Z"},
		{"0 30 9 * * 1-5", teh, "2026-12-04T07:00:00Z", "2026-12-07T06:00:00Z"}, // Friday after to Monday
		{"61 * * * *", teh, "2026-12-02T06:00:00Z", "error"},
		{"* * *", teh, "2026-12-02T06:00:00Z", "error"},
		{"CRON_TZ=UTC 0 9 * * *", teh, "2026-12-02T06:00:00Z", "error"},
		{"every monday", teh, "2026-12-02T06:00:00Z", "error"},
	} {
		got, err := schedule.Cron{}.Next(tc.spec, tc.loc, utc(tc.after))
		switch {
		case tc.want == "error":
			if err == nil {
				t.Errorf("%d: Next(%q) = %s, want an error", i, tc.spec, got)
			}
		case err != nil:
			t.Errorf("%d: Next(%q): %v", i, tc.spec, err)
		case tc.want == "" && !got.IsZero():
			t.Errorf("%d: Next(%q) = %s, want never", i, tc.spec, got)
		case tc.want != "" && !got.Equal(utc(tc.want)):
			t.Errorf("%d: Next(%q, after %s) = %s, want %s", i, tc.spec, tc.after, got.Format(time.RFC3339), tc.want)
		}
	}
}

// adapter is a fake platform account that records what it publishes.
type adapter struct {
	platform, name string
	mu             sync.Mutex
	sent           []string // texts, in order
	// fail answers a send instead of publishing, when set.
	fail func(o *bot.Outbound) error
}

func (a *adapter) Platform() string   { return a.platform }
func (a *adapter) Account() string    { return a.name }
func (a *adapter) Limits() bot.Limits { return bot.Limits{} }

func (a *adapter) Send(_ context.Context, o *bot.Outbound) (bot.Delivery, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.fail != nil {
		if err := a.fail(o); err != nil {
			return bot.Delivery{}, err
		}
	}
	a.sent = append(a.sent, o.Text)
	return bot.Delivery{PlatformID: fmt.Sprint(len(a.sent))}, nil
}

func (a *adapter) texts() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.sent...)
}

func (a *adapter) PostURL(chat, id string) string {
	return "https://t.me/" + strings.TrimPrefix(chat, "@") + "/" + id
}

// finder is an adapter that can list the account's recent posts: recent
// are the texts the platform holds, by id.
type finder struct {
	*adapter
	recent map[string]string
}

func (f *finder) FindPost(_ context.Context, _, text string, _ time.Time) (string, error) {
	for id, t := range f.recent {
		if t == text {
			return id, nil
		}
	}
	return "", nil
}

type nopAnalyzer struct{}

func (nopAnalyzer) Analyze(context.Context, string, string) (bot.Analysis, error) {
	return bot.Analysis{}, nil
}

type nopRenderer struct{}

func (nopRenderer) Render(context.Context, bot.RenderRequest) (bot.Reply, error) {
	return bot.Reply{}, nil
}

// clock is a fake clock the test moves.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// env is a running engine on a store file, and a scheduler on the fake
// clock. restart closes both and opens them again on the same file, as a
// restart of the service does.
type env struct {
	t        *testing.T
	path     string
	clock    *clock
	adapters []bot.Adapter
	store    *bolt.DB
	eng      *bot.Engine
	sch      *schedule.Scheduler
	stop     func()
	wrap     func(schedule.Engine) schedule.Engine
	// idle opens the engine without running it: nothing is sent.
	idle bool
}

var (
	sara = bot.Actor{Name: "sara", Roles: []bot.Role{bot.RolePR}}
	reza = bot.Actor{Name: "reza", Roles: []bot.Role{bot.RolePR}}
)

func newEnv(t *testing.T, start time.Time, adapters ...bot.Adapter) *env {
	e := &env{t: t, path: filepath.Join(t.TempDir(), "engagebot.db"), clock: &clock{now: start}, adapters: adapters}
	e.open()
	t.Cleanup(e.close)
	return e
}

func (e *env) open() {
	t := e.t
	db, err := bolt.Open(e.path)
	if err != nil {
		t.Fatal(err)
	}
	// The engine's clock is the scheduler's: posts are made "now".
	eng, err := bot.NewEngine(bot.Options{Store: db, Analyzer: nopAnalyzer{}, Renderer: nopRenderer{}, Now: e.clock.Now,
		Send: bot.SendOptions{RetryBase: time.Millisecond, RetryMax: time.Millisecond, MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range e.adapters {
		eng.AddAdapter(a)
	}
	eng.SetPostPolicy(bot.PostPolicy{Approvals: 1, Lateness: 15 * time.Minute, Clocks: schedule.Cron{}})
	var se schedule.Engine = eng
	if e.wrap != nil {
		se = e.wrap(eng)
	}
	sch, err := schedule.New(schedule.Options{Engine: se, Store: db, Clock: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	if e.idle {
		close(done)
	} else {
		go func() { defer close(done); _ = eng.Run(ctx) }()
	}
	e.store, e.eng, e.sch = db, eng, sch
	e.stop = func() { cancel(); <-done; db.Close() }
}

func (e *env) close() {
	if e.stop != nil {
		e.stop()
		e.stop = nil
	}
}

func (e *env) restart() { e.close(); e.open() }

func (e *env) tick() {
	e.t.Helper()
	if err := e.sch.Tick(context.Background()); err != nil {
		e.t.Fatalf("Tick: %v", err)
	}
}

// approved makes a post as sara and has reza approve it.
func (e *env) approved(in bot.PostInput) *bot.Post {
	e.t.Helper()
	ctx := context.Background()
	acts := e.eng.Actions()
	p, err := acts.CreatePost(ctx, sara, in)
	if err != nil {
		e.t.Fatalf("CreatePost: %v", err)
	}
	if _, err := acts.SubmitPost(ctx, sara, p.ID); err != nil {
		e.t.Fatalf("SubmitPost: %v", err)
	}
	if p, err = acts.ApprovePost(ctx, reza, p.ID, "medical: ok"); err != nil {
		e.t.Fatalf("ApprovePost: %v", err)
	}
	return p
}

func (e *env) post(id uint64) (*bot.Post, []*bot.Slot) {
	e.t.Helper()
	var (
		p     *bot.Post
		slots []*bot.Slot
	)
	if err := e.store.View(context.Background(), func(tx bot.Tx) (err error) {
		if p, err = tx.Post(id); err != nil {
			return err
		}
		slots, err = tx.Slots(id)
		return err
	}); err != nil {
		e.t.Fatal(err)
	}
	return p, slots
}

// settled ticks until the post's slots all have an outcome.
func (e *env) settled(id uint64) (*bot.Post, []*bot.Slot) {
	e.t.Helper()
	wait.For(e.t, 10*time.Second, fmt.Sprintf("post %d's slots to settle", id), func() bool {
		e.tick()
		_, slots := e.post(id)
		for _, s := range slots {
			if s.Open() {
				return false
			}
		}
		return true
	})
	return e.post(id)
}

// TestOneOff fires a post entered as a Solar Hijri date at its time, once,
// whatever the passes and restarts after it.
func TestOneOff(t *testing.T) {
	teh := tehran(t)
	at, err := jalali.ParseDateTime("1405-09-11 09:30", teh)
	if err != nil {
		t.Fatal(err)
	}
	tg := &adapter{platform: "telegram", name: "support"}
	e := newEnv(t, at.Add(-time.Hour), tg)
	p := e.approved(bot.PostInput{Text: "flu season: wash your hands", At: at,
		Targets: []bot.PostTarget{{Account: "telegram.support", Chat: "@brand"}}})
	if got, want := p.Next, utc("2026-12-02T06:00:00Z"); !got.Equal(want) {
		t.Fatalf("Next = %s, want %s", got, want)
	}
	e.tick()
	if _, slots := e.post(p.ID); len(slots) != 0 || len(tg.texts()) != 0 {
		t.Fatalf("an hour early: %d slots, sent %v", len(slots), tg.texts())
	}
	e.clock.Set(at.Add(-time.Second))
	e.tick()
	if _, slots := e.post(p.ID); len(slots) != 0 {
		t.Fatalf("a second early: %d slots", len(slots))
	}
	e.clock.Set(at)
	got, slots := e.settled(p.ID)
	if len(slots) != 1 || !slots[0].At.Equal(at) {
		t.Fatalf("slots %+v, want one at %s", slots, at)
	}
	st := slots[0].Targets[0]
	if st.State != bot.SlotPublished || st.PlatformID != "1" || st.URL != "https://t.me/brand/1" {
		t.Errorf("target %+v, want published with id 1 and its link", st)
	}
	if got.State != bot.PostPublished || !got.Next.IsZero() {
		t.Errorf("post state %s next %s, want published and no next", got.State, got.Next)
	}
	for range 3 {
		e.clock.Set(e.clock.Now().Add(time.Hour))
		e.restart()
		e.tick()
	}
	if texts := tg.texts(); len(texts) != 1 || texts[0] != "flu season: wash your hands" {
		t.Errorf("sent %q, want the post once", texts)
	}
}

// TestRestartBetweenFireAndSend: a slot fired just before the service
// stopped, its outbox item not sent yet, is not fired again after the
// restart, and its item goes out once.
func TestRestartBetweenFireAndSend(t *testing.T) {
	at := utc("2026-12-02T06:00:00Z")
	tg := &adapter{platform: "telegram", name: "support"}
	e := newEnv(t, at.Add(-time.Minute), tg)
	p := e.approved(bot.PostInput{Text: "one", At: at, Targets: []bot.PostTarget{{Account: "telegram.support", Chat: "@brand"}}})
	e.idle = true // the next engine stores but does not send
	e.restart()
	e.clock.Set(at)
	e.tick()
	if _, slots := e.post(p.ID); len(slots) != 1 || len(tg.texts()) != 0 {
		t.Fatalf("before the restart: %d slots, sent %q", len(slots), tg.texts())
	}
	e.idle = false
	e.restart()
	for range 3 {
		e.tick()
	}
	got, slots := e.settled(p.ID)
	if len(slots) != 1 || got.State != bot.PostPublished {
		t.Fatalf("%d slots after the restart, post %s; want 1, published", len(slots), got.State)
	}
	if texts := tg.texts(); len(texts) != 1 {
		t.Errorf("sent %q, want once", texts)
	}
}

// TestLateness: a slot that came due while the scheduler did not run goes
// out late within the lateness, and is missed after it, with a notice.
func TestLateness(t *testing.T) {
	at := utc("2026-12-02T06:00:00Z")
	for i, tc := range []struct {
		late     time.Duration
		lateness time.Duration // the post's; 0 is the scheduler's 15m
		want     bot.PostState
	}{
		{0, 0, bot.PostPublished},
		{14 * time.Minute, 0, bot.PostPublished},
		{15 * time.Minute, 0, bot.PostPublished},
		{16 * time.Minute, 0, bot.PostMissed},
		{3 * time.Hour, 0, bot.PostMissed},
		{3 * time.Hour, 4 * time.Hour, bot.PostPublished},
		{20 * time.Minute, 10 * time.Minute, bot.PostMissed},
	} {
		tg := &adapter{platform: "telegram", name: "support"}
		e := newEnv(t, at.Add(-time.Minute), tg)
		p := e.approved(bot.PostInput{Text: "hello", At: at, Lateness: tc.lateness,
			Targets: []bot.PostTarget{{Account: "telegram.support", Chat: "@brand"}}})
		e.clock.Set(at.Add(tc.late))
		got, slots := e.settled(p.ID)
		if got.State != tc.want {
			t.Errorf("%d: %s late: post %s, want %s", i, tc.late, got.State, tc.want)
		}
		sent := len(tg.texts())
		if missed := tc.want == bot.PostMissed; missed != (sent == 0) || len(slots) != 1 {
			t.Errorf("%d: %s late: %d slots, sent %d times", i, tc.late, len(slots), sent)
		}
		if tc.want == bot.PostMissed && (len(got.Notices) != 1 || slots[0].Targets[0].State != bot.SlotMissed) {
			t.Errorf("%d: missed without telling: notices %+v, target %+v", i, got.Notices, slots[0].Targets[0])
		}
		e.close()
	}
}

// TestRecurring: a daily post fires each day at 09:00 Tehran; days the
// service was down are missed one by one, and the scheduler goes on.
func TestRecurring(t *testing.T) {
	teh := tehran(t)
	start := time.Date(2026, 12, 1, 8, 0, 0, 0, teh)
	tg := &adapter{platform: "telegram", name: "support"}
	e := newEnv(t, start, tg)
	p := e.approved(bot.PostInput{Text: "good morning", Cron: "0 0 9 * * *", TZ: "Asia/Tehran",
		Targets: []bot.PostTarget{{Account: "telegram.support", Chat: "@brand"}}})
	day := func(n int) time.Time { return time.Date(2026, 12, 1+n, 9, 0, 0, 0, teh) }
	if !p.Next.Equal(day(0)) {
		t.Fatalf("first slot %s, want %s", p.Next, day(0))
	}
	for n := range 3 {
		e.clock.Set(day(n).Add(time.Minute))
		e.tick()
	}
	// Down for three days; back on day 6 at 09:05.
	e.restart()
	e.clock.Set(day(6).Add(5 * time.Minute))
	e.tick()
	got, slots := e.settled(p.ID)
	if n := len(tg.texts()); n != 4 {
		t.Errorf("sent %d times, want 4", n)
	}
	var states []string
	for _, s := range slots {
		states = append(states, s.At.In(teh).Format("01-02")+":"+string(s.State()))
	}
	want := "12-01:published 12-02:published 12-03:published 12-04:missed 12-05:missed 12-06:missed 12-07:published"
	if strings.Join(states, " ") != want {
		t.Errorf("slots\n %s\nwant\n %s", strings.Join(states, " "), want)
	}
	if got.State != bot.PostScheduled || !got.Next.Equal(day(7)) || len(got.Notices) != 3 {
		t.Errorf("post %s next %s notices %d, want scheduled, next %s, 3 notices", got.State, got.Next, len(got.Notices), day(7))
	}
}

// panicky is an engine whose FireSlot panics for one post.
type panicky struct {
	schedule.Engine
	post uint64
}

func (p panicky) FireSlot(ctx context.Context, id uint64, at, next time.Time, missed bool) (*bot.Slot, error) {
	if id == p.post {
		panic("a bad post")
	}
	return p.Engine.FireSlot(ctx, id, at, next, missed)
}

// TestRecover: a post whose job panics is left for later; the others go.
func TestRecover(t *testing.T) {
	at := utc("2026-12-02T06:00:00Z")
	tg := &adapter{platform: "telegram", name: "support"}
	e := newEnv(t, at.Add(-time.Minute), tg)
	var ids []uint64
	for i := range 3 {
		p := e.approved(bot.PostInput{Text: fmt.Sprint("post ", i), At: at.Add(time.Duration(i) * time.Second),
			Targets: []bot.PostTarget{{Account: "telegram.support", Chat: "@brand"}}})
		ids = append(ids, p.ID)
	}
	e.wrap = func(eng schedule.Engine) schedule.Engine { return panicky{Engine: eng, post: ids[0]} }
	e.restart()
	e.clock.Set(at.Add(time.Minute))
	e.tick()
	for _, id := range ids[1:] {
		if got, _ := e.settled(id); got.State != bot.PostPublished {
			t.Errorf("post %d: %s, want published past the panicking one", id, got.State)
		}
	}
	if got, slots := e.post(ids[0]); len(slots) != 0 || !got.Next.Equal(at) {
		t.Errorf("the panicking post: %d slots, next %s; want it still due", len(slots), got.Next)
	}
}

// TestUnknownOutcome: a publish whose outcome is unknown is never sent
// again by itself. Where the adapter lists recent posts it is found
// there (published) or not (failed, for a person to retry); otherwise
// the target waits for a person.
func TestUnknownOutcome(t *testing.T) {
	at := utc("2026-12-02T06:00:00Z")
	unknown := func(*bot.Outbound) error {
		return &bot.SendError{Kind: bot.SendUnknown, Err: errors.New("timeout after the request went out")}
	}
	for i, tc := range []struct {
		name   string
		recent map[string]string // nil: the adapter cannot check
		want   bot.SlotState
		id     string
	}{
		{"found", map[string]string{"9001": "hello"}, bot.SlotPublished, "9001"},
		{"not found", map[string]string{"9001": "another"}, bot.SlotFailed, ""},
		{"cannot check", nil, bot.SlotUnknown, ""},
	} {
		tg := &adapter{platform: "telegram", name: "support", fail: unknown}
		var a bot.Adapter = tg
		if tc.recent != nil {
			a = &finder{adapter: tg, recent: tc.recent}
		}
		e := newEnv(t, at.Add(-time.Minute), a)
		p := e.approved(bot.PostInput{Text: "hello", At: at, Targets: []bot.PostTarget{{Account: "telegram.support", Chat: "@brand"}}})
		e.clock.Set(at)
		_, slots := e.settled(p.ID)
		st := slots[0].Targets[0]
		if st.State != tc.want || st.PlatformID != tc.id {
			t.Errorf("%d %s: target %+v, want %s with id %q", i, tc.name, st, tc.want, tc.id)
		}
		if tc.want != bot.SlotPublished && st.Error == "" {
			t.Errorf("%d %s: no reason given", i, tc.name)
		}
		// A person retries: a new outbox item goes out, once.
		if tc.want != bot.SlotPublished {
			tg.mu.Lock()
			tg.fail = nil
			tg.mu.Unlock()
			if _, err := e.eng.Actions().RetrySlot(context.Background(), sara, p.ID, at, "telegram.support"); err != nil {
				t.Fatalf("%d: RetrySlot: %v", i, err)
			}
			got, slots := e.settled(p.ID)
			if st := slots[0].Targets[0]; st.State != bot.SlotPublished || st.Retries != 1 || got.State != bot.PostPublished {
				t.Errorf("%d %s: after the retry: %+v, post %s", i, tc.name, st, got.State)
			}
			if n := len(tg.texts()); n != 1 {
				t.Errorf("%d %s: sent %d times after one retry", i, tc.name, n)
			}
		}
		e.close()
	}
}

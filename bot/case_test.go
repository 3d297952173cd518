package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"engagebot/bot"
	"engagebot/store/bolt"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// fakeClock is a settable time for the engine and the detector.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// startEngineAt is startEngine with the engine's clock.
func startEngineAt(t *testing.T, c *fakeClock, adapters ...*Adapter) *harness {
	t.Helper()
	path := filepath.Join(t.TempDir(), "e.db")
	db, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	e, err := bot.NewEngine(bot.Options{Store: db, Analyzer: keywordAnalyzer(), Renderer: Renderer{}, Workers: 2, Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range adapters {
		e.AddAdapter(a)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &harness{engine: e, db: db, path: path, cancel: cancel, done: make(chan error, 1)}
	go func() { h.done <- e.Run(ctx) }()
	t.Cleanup(h.stop)
	return h
}

var safety = bot.Actor{Name: "mina", Roles: []bot.Role{bot.RoleSafety}}

func TestCase_DaysLeft(t *testing.T) {
	tehran := time.FixedZone("IRST", 3*3600+1800)
	aware := time.Date(2026, 3, 1, 22, 0, 0, 0, time.UTC) // 1 March in UTC, 2 March in Tehran
	for i, tc := range []struct {
		serious bot.Seriousness
		status  bot.CaseStatus
		now     time.Time
		days    int
		ok      bool
	}{
		{bot.SeriousYes, bot.CaseOpen, aware, 15, true},
		{bot.SeriousYes, bot.CaseConfirmed, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), 14, true},
		{bot.SeriousYes, bot.CaseConfirmed, time.Date(2026, 3, 16, 23, 59, 0, 0, time.UTC), 0, true},
		{bot.SeriousYes, bot.CaseConfirmed, time.Date(2026, 3, 18, 0, 0, 0, 0, time.UTC), -2, true},
		// Calendar days in the reader's zone: in Tehran awareness fell on
		// 2 March, so the last day is 17 March there.
		{bot.SeriousYes, bot.CaseOpen, time.Date(2026, 3, 2, 9, 0, 0, 0, tehran), 15, true},
		{bot.SeriousYes, bot.CaseOpen, time.Date(2026, 3, 17, 9, 0, 0, 0, tehran), 0, true},
		// Not assessed yet: the clock runs, the report may be serious.
		{bot.SeriousUnknown, bot.CaseOpen, time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC), 11, true},
		{bot.SeriousNo, bot.CaseConfirmed, aware, 0, false},
		{bot.SeriousUnknown, bot.CaseDismissed, aware, 0, false},
	} {
		c := &bot.Case{Aware: aware, Serious: tc.serious, Status: tc.status}
		days, ok := c.DaysLeft(tc.now)
		if days != tc.days || ok != tc.ok {
			t.Errorf("%d: DaysLeft(%v) = %d, %v; want %d, %v", i, tc.now, days, ok, tc.days, tc.ok)
		}
	}
}

// A side-effect report opens a case in the flag's transaction, with the
// arrival time as the awareness date; safety staff decide it, each step
// audited, and others may not.
func TestActions_SafetyCase(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 5, 10, 8, 0, 0, 0, time.UTC)}
	a := newAdapter("fake")
	h := startEngineAt(t, clk, a)
	ctx := context.Background()
	ev := msg("m1", "c1", "this syrup gave my son a rash")
	received := clk.now().Add(-3 * time.Hour) // it waited in the inbox
	ev.ReceivedAt = received
	if err := h.engine.Accept(ctx, []bot.Event{ev, msg("m2", "c2", "this is bad")}, nil); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "both replies", func() bool { return len(a.delivered()) == 2 })
	acts := h.engine.Actions()
	cases, err := acts.Cases(ctx, safety, bot.CaseFilter{Status: bot.CaseOpen})
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 1 {
		t.Fatalf("%d open cases, want 1 (the complaint opens none)", len(cases))
	}
	c := cases[0]
	want := bot.Case{ID: c.ID, Flag: c.Flag, Kind: bot.SignalAdverseEvent, Queue: bot.CaseQueueSafety, Severity: bot.SeverityCritical, Product: "syrup", Effect: "rash", Follower: ev.FollowerKey(), FollowerName: "Sara",
		Thread: ev.ThreadKey(), MessageID: "m1", Text: ev.Text, Lang: bot.LangEn, Aware: received, Created: clk.now(),
		Status: bot.CaseOpen, Serious: bot.SeriousUnknown}
	if c.Flag == 0 || !c.Aware.Equal(want.Aware) || !c.Created.Equal(want.Created) {
		t.Errorf("case flag %d aware %v created %v; want a flag, aware %v (arrival), created %v", c.Flag, c.Aware, c.Created, received, clk.now())
	}
	c.Aware, c.Created = want.Aware, want.Created
	if !jsonEqual(c, &want) {
		t.Errorf("case\n got  %+v\n want %+v", *c, want)
	}
	h.view(t, func(tx bot.Tx) error {
		f, err := tx.Flag(c.Flag)
		if err == nil && f.Reason != bot.SignalAdverseEvent {
			t.Errorf("the case's flag has reason %q", f.Reason)
		}
		return err
	})

	for i, tc := range []struct {
		actor bot.Actor
		do    func(actor bot.Actor) error
		code  string
	}{
		{moderator, func(ac bot.Actor) error { return acts.ConfirmCase(ctx, ac, c.ID, "") }, bot.EFORBIDDEN},
		{viewer, func(ac bot.Actor) error { return acts.MarkSerious(ctx, ac, c.ID, true, "") }, bot.EFORBIDDEN},
		{safety, func(ac bot.Actor) error { return acts.DismissCase(ctx, ac, c.ID, "  ") }, bot.EINVALID},
		{safety, func(ac bot.Actor) error { return acts.ConfirmCase(ctx, ac, c.ID+100, "") }, bot.ENOTFOUND},
		{moderator, func(ac bot.Actor) error { _, err := acts.Cases(ctx, ac, bot.CaseFilter{}); return err }, bot.EFORBIDDEN},
		{safety, func(ac bot.Actor) error { return acts.MarkSerious(ctx, ac, c.ID, true, "hospitalised") }, ""},
		{admin, func(ac bot.Actor) error { return acts.ConfirmCase(ctx, ac, c.ID, "entered as 2026-0042") }, ""},
		{safety, func(ac bot.Actor) error { return acts.DismissCase(ctx, ac, c.ID, "duplicate") }, bot.ECONFLICT},
	} {
		if got := bot.ErrorCode(tc.do(tc.actor)); got != tc.code && !(tc.code == "" && got == "") {
			t.Errorf("%d: %s: code %q, want %q", i, tc.actor.Name, got, tc.code)
		}
	}
	got, err := acts.Case(ctx, safety, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := acts.Case(ctx, viewer, c.ID); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("a viewer reads a case: %v, want forbidden", err)
	}
	if got.Status != bot.CaseConfirmed || got.Serious != bot.SeriousYes || got.DecidedBy != "ali" || got.Reason != "entered as 2026-0042" {
		t.Errorf("case after the decisions: %+v", *got)
	}
	if days, ok := got.DaysLeft(clk.now()); !ok || days != 15 {
		t.Errorf("days left %d, %v: want 15 on the day of awareness", days, ok)
	}
	var actions []string
	for _, e := range auditLog(t, h) {
		actions = append(actions, e.Actor+":"+e.Action+":"+e.Target+":"+e.Before+"->"+e.After)
	}
	wantLog := []string{
		`mina:case.serious:case:1:{"status":"open","serious":"unknown"}->{"status":"open","serious":"yes"}`,
		`ali:case.confirm:case:1:{"status":"open","serious":"yes"}->{"status":"confirmed","serious":"yes"}`,
	}
	if strings.Join(actions, "\n") != strings.Join(wantLog, "\n") {
		t.Errorf("audit log:\n%s\nwant\n%s", strings.Join(actions, "\n"), strings.Join(wantLog, "\n"))
	}

	reports, err := acts.ExportCases(ctx, safety, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != 1 || reports[0].Narrative.Narrative != ev.Text || reports[0].Drug.ProductName != "syrup" {
		t.Errorf("export: %+v", reports)
	}
	if _, err := acts.ExportCases(ctx, moderator, c.ID); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("a moderator's export: %v, want forbidden", err)
	}
	if log := auditLog(t, h); log[len(log)-1].Action != "case.export" {
		t.Errorf("the export is not in the audit log: last entry %+v", log[len(log)-1])
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// The reports of a Persian and an English case, as JSON and CSV, are
// kept as golden files: the safety team's import depends on their shape.
func TestCaseReport_Golden(t *testing.T) {
	tehran := time.FixedZone("IRST", 3*3600+1800)
	now := time.Date(2026, 5, 12, 10, 30, 0, 0, tehran)
	for _, tc := range []struct {
		name string
		c    bot.Case
	}{
		{"fa", bot.Case{
			ID: 7, Flag: 31, Product: "شربت سرماخوردگی", Effect: "کهیر", FollowerName: "مریم",
			Follower:  bot.FollowerKey{Platform: "telegram", UserID: "5000123"},
			Thread:    bot.ThreadKey{Platform: "telegram", Account: "support", Chat: "5000123"},
			MessageID: "881", Text: "بعد از خوردن شربت سرماخوردگی بدنم کهیر زد، چه کار کنم؟", Lang: bot.LangFa,
			Aware: time.Date(2026, 5, 10, 20, 45, 0, 0, time.UTC), Created: time.Date(2026, 5, 10, 20, 45, 2, 0, time.UTC),
			Status: bot.CaseOpen, Serious: bot.SeriousUnknown,
		}},
		{"en", bot.Case{
			ID: 8, Flag: 32, Product: "vitamin d", Effect: "rash",
			Follower:  bot.FollowerKey{Platform: "instagram", UserID: "17841400000000001"},
			Thread:    bot.ThreadKey{Platform: "instagram", Account: "brand", Chat: "17841400000000001"},
			MessageID: "mid.abc", Text: "Got a rash, \"itchy\", after the vitamin D, is that normal?", Lang: bot.LangEn,
			Aware: time.Date(2026, 5, 11, 7, 0, 0, 0, time.UTC), Created: time.Date(2026, 5, 11, 7, 0, 1, 0, time.UTC),
			Status: bot.CaseConfirmed, Serious: bot.SeriousNo, DecidedBy: "mina", Reason: "non-serious, known reaction",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := bot.NewCaseReport(&tc.c, now)
			js, err := json.MarshalIndent(r, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			var csv bytes.Buffer
			if err := bot.WriteCaseCSV(&csv, []bot.CaseReport{r}); err != nil {
				t.Fatal(err)
			}
			golden(t, "case_"+tc.name+".json", append(js, '\n'))
			golden(t, "case_"+tc.name+".csv", csv.Bytes())
		})
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n got\n%s\n want\n%s", name, got, want)
	}
}

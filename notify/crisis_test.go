package notify_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"engagebot/adapters/telegram/telegramtest"
	"engagebot/bot"
	"engagebot/internal/wait"
	"engagebot/notify"
	"engagebot/store/bolt"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// analyzer calls a text with "awful" in it negative, others neutral.
type analyzer struct{}

func (analyzer) Analyze(_ context.Context, text, _ string) (bot.Analysis, error) {
	a := bot.Analysis{Lang: bot.LangEn, Intent: bot.IntentOther, Sentiment: bot.Sentiment{Label: bot.SentimentNeutral}}
	if strings.Contains(text, "awful") {
		a.Intent, a.Sentiment = bot.IntentComplaint, bot.Sentiment{Label: bot.SentimentNegative, Score: -0.7}
	}
	return a, nil
}

// silent never answers: the test is about what comes in.
type silent struct{}

func (silent) Render(context.Context, bot.RenderRequest) (bot.Reply, error) {
	return bot.Reply{Skip: true}, nil
}

// spike is an engine on a real store with a settable clock, a crisis
// detector sending to a fake Telegram chat and a webhook receiver.
type spike struct {
	clk    *clock
	db     *bolt.DB
	engine *bot.Engine
	det    *bot.CrisisDetector
	tg     *telegramtest.Server
	hook   *hook
	seq    int
}

func newSpike(t *testing.T, start time.Time) *spike {
	t.Helper()
	s := &spike{clk: &clock{t: start}, tg: telegramtest.NewServer(t), hook: &hook{}}
	var err error
	if s.db, err = bolt.Open(filepath.Join(t.TempDir(), "e.db"), bolt.WithNow(s.clk.now)); err != nil {
		t.Fatal(err)
	}
	if s.engine, err = bot.NewEngine(bot.Options{Store: s.db, Analyzer: analyzer{}, Renderer: silent{}, Workers: 2, Now: s.clk.now}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.engine.Run(ctx) }()
	srv := newHookServer(t, s.hook)
	group := s.tg.NewGroup("Crisis room")
	s.det, err = bot.NewCrisisDetector(bot.CrisisOptions{
		Store: s.db, Platforms: []string{"telegram", "instagram"}, Weeks: 4, K: 3, MinCount: 10, Now: s.clk.now,
		Notifiers: []bot.Notifier{
			&notify.Telegram{APIBase: s.tg.URL, Token: s.tg.Token, Chat: jsonNumber(group.ID), Lang: bot.LangFa},
			&notify.Webhook{URL: srv + "/crisis", Lang: bot.LangEn},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); <-done; s.db.Close() })
	return s
}

// history writes the usual traffic of the past weeks straight into the
// log: per hour, negatives on the given platform at that hour of the week.
func (s *spike) history(t *testing.T, platform string, at time.Time, perWeek []int) {
	t.Helper()
	err := s.db.Update(context.Background(), func(tx bot.Tx) error {
		for w, n := range perWeek {
			for i := range n {
				r := &bot.SentimentRecord{Platform: platform, Account: "support", MessageID: fmt.Sprintf("h%d-%d", w, i),
					Follower:  bot.FollowerKey{Platform: platform, UserID: fmt.Sprint(i)},
					Thread:    bot.ThreadKey{Platform: platform, Account: "support", Chat: fmt.Sprint(i)},
					Sentiment: bot.Sentiment{Label: bot.SentimentNegative, Score: -0.5},
					At:        at.AddDate(0, 0, -7*(w+1)).Add(time.Duration(i) * time.Minute)}
				if err := tx.AddSentiment(r); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// messages sends n messages from n followers through the engine now and
// waits until they are processed.
func (s *spike) messages(t *testing.T, platform string, n int, text string) {
	t.Helper()
	var evs []bot.Event
	for range n {
		s.seq++
		id := fmt.Sprint(s.seq)
		evs = append(evs, bot.Event{Platform: platform, Account: "support", ID: id, Kind: bot.EventMessage, Chat: "c" + id,
			ChatType: bot.ChatPrivate, From: bot.Sender{ID: "u" + id}, Text: text + " " + id})
	}
	if err := s.engine.Accept(context.Background(), evs, nil); err != nil {
		t.Fatal(err)
	}
	wait.For(t, 15*time.Second, "the messages processed", func() bool { return s.engine.Stats().Inbox == 0 })
}

func (s *spike) check(t *testing.T) []*bot.Alert {
	t.Helper()
	raised, err := s.det.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return raised
}

func (s *spike) alerts(t *testing.T) []*bot.Alert {
	t.Helper()
	var list []*bot.Alert
	err := s.db.View(context.Background(), func(tx bot.Tx) (err error) {
		list, err = tx.Alerts(bot.AlertFilter{})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// Monday 11 May 2026, 09:00 UTC.
var monday9 = time.Date(2026, 5, 11, 9, 0, 0, 0, time.UTC)

// A burst of negative messages on one platform raises one alert, sent
// once to the chat and once to the webhook, however long it lasts and
// however often the detector looks; it clears when the volume falls back.
func TestCrisis_Spike(t *testing.T) {
	s := newSpike(t, monday9.Add(5*time.Minute))
	s.history(t, "telegram", monday9, []int{4, 6, 5, 5})
	s.history(t, "instagram", monday9, []int{4, 6, 5, 5})

	s.messages(t, "telegram", 5, "awful")
	s.messages(t, "instagram", 3, "awful")
	if got := s.check(t); len(got) != 0 {
		t.Fatalf("usual traffic raised %d alerts", len(got))
	}
	// The burst: 40 negative messages on Telegram within 20 minutes,
	// with the detector looking every 5.
	var raised []*bot.Alert
	for step := range 4 {
		s.clk.set(monday9.Add(time.Duration(10+5*step) * time.Minute))
		s.messages(t, "telegram", 10, "awful")
		s.messages(t, "instagram", 1, "awful")
		raised = append(raised, s.check(t)...)
	}
	if len(raised) != 1 {
		t.Fatalf("the burst raised %d alerts, want 1", len(raised))
	}
	a := raised[0]
	if a.Platform != "telegram" || a.Usual != 5 || a.Negative < 15 || a.Factor != float64(a.Negative)/5 || len(a.Threads) == 0 {
		t.Errorf("alert %+v", *a)
	}
	sent := wait.Len(t, 5*time.Second, "the chat's alert", 1, s.tg.Sent)
	if !strings.Contains(sent[0].Text, "هشدار بحران: telegram") {
		t.Errorf("chat got %q", sent[0].Text)
	}
	hooks := s.hook.received()
	if len(hooks) != 1 || hooks[0].Alert.ID != a.ID || hooks[0].Alert.Platform != "telegram" {
		t.Fatalf("webhook got %+v, want the alert once", hooks)
	}
	stored := s.alerts(t)
	if len(stored) != 1 || stored[0].Status != bot.AlertActive || stored[0].Peak != 45 || len(stored[0].Delivered) != 2 {
		t.Errorf("stored alerts %+v: want one active, peak 45, delivered to both", stored)
	}

	// The volume falls back: the episode ends, and nothing more is sent.
	s.clk.set(monday9.Add(2 * time.Hour))
	s.messages(t, "telegram", 2, "awful")
	if got := s.check(t); len(got) != 0 {
		t.Fatalf("calm raised %d alerts", len(got))
	}
	if stored := s.alerts(t); len(stored) != 1 || stored[0].Status != bot.AlertCleared || stored[0].Cleared.IsZero() {
		t.Errorf("after calm: %+v, want the alert cleared", stored)
	}
	if n, m := len(s.tg.Sent()), len(s.hook.received()); n != 1 || m != 1 {
		t.Errorf("sent %d to the chat and %d to the webhook, want 1 each", n, m)
	}
}

// A normal day, busy at the usual hours, raises nothing.
func TestCrisis_NormalTraffic(t *testing.T) {
	s := newSpike(t, monday9)
	for h := range 12 {
		at := monday9.Add(time.Duration(h) * time.Hour)
		usual := 8 + 4*(h%3) // a daily rhythm: 8, 12, 16 an hour
		s.history(t, "telegram", at, []int{usual, usual + 2, usual - 2, usual})
	}
	for h := range 12 {
		usual := 8 + 4*(h%3)
		for q := range 4 {
			s.clk.set(monday9.Add(time.Duration(h)*time.Hour + time.Duration(q*15+1)*time.Minute))
			s.messages(t, "telegram", usual/4, "awful")
			s.messages(t, "telegram", 3, "fine")
			if got := s.check(t); len(got) != 0 {
				t.Fatalf("hour %d quarter %d: usual traffic raised %+v", h, q, *got[0])
			}
		}
	}
	if n := len(s.tg.Sent()) + len(s.hook.received()); n != 0 {
		t.Errorf("%d notifications for a normal day", n)
	}
}

func TestCrisisDetector_Options(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "e.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i, tc := range []struct {
		o    bot.CrisisOptions
		want string
	}{
		{bot.CrisisOptions{}, "a store is required"},
		{bot.CrisisOptions{Store: db, Weeks: 60}, "weeks 60"},
		{bot.CrisisOptions{Store: db, K: -1}, "k -1"},
		{bot.CrisisOptions{Store: db, MinCount: -2}, "min count -2"},
		{bot.CrisisOptions{Store: db}, ""},
	} {
		_, err := bot.NewCrisisDetector(tc.o)
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%d: %v, want %q", i, err, tc.want)
		}
	}
}

// The dashboard reads alerts through Actions, for PR staff, moderators
// and viewers; safety staff have their own queue.
func TestActions_Alerts(t *testing.T) {
	s := newSpike(t, monday9)
	s.messages(t, "telegram", 12, "awful")
	if got := s.check(t); len(got) != 1 {
		t.Fatalf("%d alerts, want 1", len(got))
	}
	acts := s.engine.Actions()
	for i, tc := range []struct {
		roles []bot.Role
		n     int
		code  string
	}{
		{[]bot.Role{bot.RolePR}, 1, ""},
		{[]bot.Role{bot.RoleViewer}, 1, ""},
		{[]bot.Role{bot.RoleModerator}, 1, ""},
		{[]bot.Role{bot.RoleSafety}, 0, bot.EFORBIDDEN},
	} {
		list, err := acts.Alerts(context.Background(), bot.Actor{Name: "p", Roles: tc.roles}, bot.AlertFilter{Status: bot.AlertActive})
		if bot.ErrorCode(err) != tc.code && !(tc.code == "" && err == nil) || len(list) != tc.n {
			t.Errorf("%d: %d alerts, %v; want %d, %q", i, len(list), err, tc.n, tc.code)
		}
	}
}

// A person's label counts in the detector as in the figures: a message
// corrected to positive is neither counted nor listed.
func TestCrisis_HumanLabels(t *testing.T) {
	s := newSpike(t, monday9)
	s.messages(t, "telegram", 12, "awful")
	k := bot.ThreadKey{Platform: "telegram", Account: "support", Chat: "c5"}
	var seq uint64
	err := s.db.View(context.Background(), func(tx bot.Tx) error {
		msgs, err := tx.Messages(k, 0, 0)
		if len(msgs) == 1 {
			seq = msgs[0].Seq
		}
		return err
	})
	if err != nil || seq == 0 {
		t.Fatalf("message of %s: %v", k, err)
	}
	mod := bot.Actor{Name: "sara", Roles: []bot.Role{bot.RoleModerator}}
	if err := s.engine.Actions().CorrectSentiment(context.Background(), mod, k, seq, bot.SentimentPositive); err != nil {
		t.Fatal(err)
	}
	got := s.check(t)
	if len(got) != 1 {
		t.Fatalf("%d alerts, want 1", len(got))
	}
	if got[0].Negative != 11 || len(got[0].Threads) != 11 {
		t.Errorf("alert counts %d negatives in %d threads, want 11 in 11", got[0].Negative, len(got[0].Threads))
	}
	for _, th := range got[0].Threads {
		if th == k {
			t.Errorf("the corrected thread %s is listed", k)
		}
	}
}

// A crisis hovering around the threshold is one episode: a dip just
// under it neither clears the alert nor, on the next rise, raises another.
func TestCrisis_Hovering(t *testing.T) {
	s := newSpike(t, monday9.Add(time.Minute))
	s.messages(t, "telegram", 12, "awful") // 12 ≥ 10: raised
	if got := s.check(t); len(got) != 1 {
		t.Fatalf("%d alerts, want 1", len(got))
	}
	// An hour on, the window holds 9 (just under the threshold, above 5).
	s.clk.set(monday9.Add(61 * time.Minute))
	s.messages(t, "telegram", 9, "awful")
	s.clk.set(monday9.Add(76 * time.Minute))
	if got := s.check(t); len(got) != 0 {
		t.Fatalf("a dip raised %d alerts", len(got))
	}
	if a := s.alerts(t); len(a) != 1 || a[0].Status != bot.AlertActive {
		t.Fatalf("after a dip: %+v, want the alert still active", a)
	}
	s.messages(t, "telegram", 3, "awful") // back at 12
	if got := s.check(t); len(got) != 0 {
		t.Fatalf("the rise after a dip raised %d alerts", len(got))
	}
	// Two hours of calm end it.
	s.clk.set(monday9.Add(4 * time.Hour))
	s.check(t)
	if a := s.alerts(t); len(a) != 1 || a[0].Status != bot.AlertCleared {
		t.Fatalf("after calm: %+v, want one alert, cleared", a)
	}
	if n := len(s.tg.Sent()); n != 1 {
		t.Errorf("%d messages to the chat, want 1", n)
	}
}

package bot_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"engagebot/bot"
	"engagebot/store/bolt"
)

// Each reportable situation opens one case, with the flag's reason as its
// kind, its queue and its severity; a plain complaint opens none.
func TestCase_SpecialSituationsOpenCases(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 5, 10, 8, 0, 0, 0, time.UTC)}
	a := newAdapter("fake")
	h := startEngineWith(t, clk, signalAnalyzer(), a)
	ctx := context.Background()
	tests := []struct {
		signal, effect string
		queue          string
		severity       bot.Severity
		cases          int
	}{
		{bot.SignalAdverseEvent, "rash", bot.CaseQueueSafety, bot.SeverityCritical, 1},
		{bot.SignalOverdose, "too much", bot.CaseQueueSafety, bot.SeverityCritical, 1},
		{bot.SignalOverdose, "self-poisoning", bot.CaseQueueSafety, bot.SeverityCritical, 1},
		{bot.SignalPregnancy, "pregnancy", bot.CaseQueueSafety, bot.SeverityCritical, 1},
		{bot.SignalPregnancy, "breastfeeding", bot.CaseQueueSafety, bot.SeverityCritical, 1},
		{bot.SignalMedicationError, "wrong dose", bot.CaseQueueSafety, bot.SeverityHigh, 1},
		{bot.SignalMisuse, "abuse", bot.CaseQueueSafety, bot.SeverityHigh, 1},
		{bot.SignalOffLabel, "", bot.CaseQueueSafety, bot.SeverityMedium, 1},
		{bot.SignalLackOfEfficacy, "", bot.CaseQueueSafety, bot.SeverityMedium, 1},
		{bot.SignalQualityComplaint, "broken seal", bot.CaseQueueQuality, bot.SeverityHigh, 1},
		{"complaint", "", "", 0, 0},
		{bot.SignalLegalThreat, "", "", 0, 0},
	}
	for i, tc := range tests {
		t.Run(fmt.Sprintf("%d %s %s", i, tc.signal, tc.effect), func(t *testing.T) {
			chat := fmt.Sprintf("c%d", i)
			before := len(a.delivered())
			ev := msg(fmt.Sprintf("m%d", i), chat, tc.signal+" "+tc.effect)
			if err := h.engine.Accept(ctx, []bot.Event{ev}, nil); err != nil {
				t.Fatal(err)
			}
			waitUntil(t, "the reply", func() bool { return len(a.delivered()) > before })
			k := ev.FollowerKey()
			var cases []*bot.Case
			var flags []*bot.Flag
			h.view(t, func(tx bot.Tx) (err error) {
				if cases, err = tx.Cases(bot.CaseFilter{Follower: &k}); err != nil {
					return err
				}
				th := ev.ThreadKey()
				flags, err = tx.Flags(bot.FlagFilter{Thread: &th})
				return err
			})
			if len(cases) != tc.cases {
				t.Fatalf("%d cases, want %d", len(cases), tc.cases)
			}
			if tc.cases == 0 {
				return
			}
			c := cases[0]
			if c.Kind != tc.signal || c.Queue != tc.queue || c.Severity != tc.severity || c.Status != bot.CaseOpen {
				t.Errorf("case kind %q queue %q severity %s status %s, want %q %q %s open", c.Kind, c.Queue, c.Severity, c.Status, tc.signal, tc.queue, tc.severity)
			}
			if c.Product != "Diabetan" || c.Effect != tc.effect || c.Text != ev.Text {
				t.Errorf("case product %q effect %q text %q, want Diabetan, %q, the message", c.Product, c.Effect, c.Text, tc.effect)
			}
			if len(flags) != 1 || flags[0].ID != c.Flag || flags[0].Reason != tc.signal {
				t.Errorf("flags %+v, want one of reason %s, the case's", flags, tc.signal)
			}
			// A quality complaint is for the quality team: no regulatory clock.
			if _, clock := c.DaysLeft(clk.now()); clock != (tc.queue == bot.CaseQueueSafety) {
				t.Errorf("15-day clock %v for the %s queue", clock, tc.queue)
			}
		})
	}
}

// A case stored before cases had kinds was a side effect for safety.
func TestCase_FillDefaults(t *testing.T) {
	for i, tc := range []struct {
		in, want bot.Case
	}{
		{bot.Case{}, bot.Case{Kind: bot.SignalAdverseEvent, Queue: bot.CaseQueueSafety, Severity: bot.SeverityCritical}},
		{bot.Case{Kind: bot.SignalQualityComplaint, Severity: bot.SeverityHigh}, bot.Case{Kind: bot.SignalQualityComplaint, Queue: bot.CaseQueueQuality, Severity: bot.SeverityHigh}},
		{bot.Case{Kind: bot.SignalOffLabel, Queue: bot.CaseQueueSafety, Severity: bot.SeverityMedium}, bot.Case{Kind: bot.SignalOffLabel, Queue: bot.CaseQueueSafety, Severity: bot.SeverityMedium}},
	} {
		got := tc.in
		got.FillDefaults()
		if got.Kind != tc.want.Kind || got.Queue != tc.want.Queue || got.Severity != tc.want.Severity {
			t.Errorf("%d: %+v, want %+v", i, got, tc.want)
		}
	}
}

// signalAnalyzer reads "<signal> <effect>" as that signal on Diabetan,
// and "complaint" as a plain complaint.
func signalAnalyzer() *Analyzer {
	return &Analyzer{AnalyzeFn: func(text string) bot.Analysis {
		a := bot.Analysis{Lang: bot.LangEn, Intent: bot.IntentOther, Sentiment: bot.Sentiment{Label: bot.SentimentNegative, Score: -0.5}}
		name, effect, _ := strings.Cut(text, " ")
		if name == "complaint" {
			a.Intent = bot.IntentComplaint
			return a
		}
		a.Signals = []bot.Signal{{Name: name, Severity: bot.SeverityHigh, Product: "Diabetan", Effect: effect}}
		a.Products = []string{"Diabetan"}
		return a
	}}
}

// startEngineWith is startEngineAt with its own analyzer.
func startEngineWith(t *testing.T, c *fakeClock, an bot.Analyzer, adapters ...*Adapter) *harness {
	t.Helper()
	path := filepath.Join(t.TempDir(), "e.db")
	db, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	e, err := bot.NewEngine(bot.Options{Store: db, Analyzer: an, Renderer: Renderer{}, Workers: 2, Now: c.now})
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

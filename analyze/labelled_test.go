package analyze_test

import (
	"bufio"
	"context"
	"os"
	"strings"
	"testing"

	"engagebot/analyze"
	"engagebot/bot"
)

// labelled is one row of testdata/labelled.tsv, the project's own examples.
type labelled struct {
	line      int
	text      string
	sentiment string
	intent    string
	ae        bool
}

func readLabelled(tb testing.TB) []labelled {
	tb.Helper()
	f, err := os.Open("testdata/labelled.tsv")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		if line == 1 || strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		p := strings.Split(sc.Text(), "\t")
		if len(p) != 4 {
			tb.Fatalf("labelled.tsv:%d: want 4 fields, got %d", line, len(p))
		}
		out = append(out, labelled{line, p[0], p[1], p[2], p[3] == "1"})
	}
	return out
}

// TestLabelled_AdverseEvents is the side-effect contract: recall >= 0.9 and
// precision >= 0.8 on our own Persian and English reports and hard negatives.
func TestLabelled_AdverseEvents(t *testing.T) {
	a := mustNew(t)
	var tp, fp, fn int
	for _, r := range readLabelled(t) {
		res, err := a.Analyze(context.Background(), r.text, "")
		if err != nil {
			t.Fatal(err)
		}
		got := res.Has(bot.SignalAdverseEvent)
		switch {
		case got && r.ae:
			tp++
			if res.Intent != bot.IntentSideEffect {
				t.Errorf("line %d %q: intent %s, want side_effect", r.line, r.text, res.Intent)
			}
			for _, s := range res.Signals {
				if s.Name == bot.SignalAdverseEvent && (s.Severity != bot.SeverityCritical || s.Effect == "") {
					t.Errorf("line %d %q: signal %+v, want critical with an effect", r.line, r.text, s)
				}
			}
		case got && !r.ae:
			fp++
			t.Logf("false alarm, line %d: %q", r.line, r.text)
		case !got && r.ae:
			fn++
			t.Logf("missed, line %d: %q", r.line, r.text)
		}
	}
	recall := float64(tp) / float64(tp+fn)
	precision := float64(tp) / float64(max(tp+fp, 1))
	t.Logf("adverse events: recall %.3f precision %.3f (tp %d fp %d fn %d)", recall, precision, tp, fp, fn)
	if recall < 0.9 || precision < 0.8 {
		t.Errorf("recall %.3f (want >= 0.9), precision %.3f (want >= 0.8)", recall, precision)
	}
}

// TestBlindSets_AdverseEvents measures side-effect reports on sets written
// by people who had not seen the rules or the vocabulary (see README: each
// was first measured untouched, then used to find gaps, so later figures on
// it are optimistic too). The contract is the same as on our own set.
func TestBlindSets_AdverseEvents(t *testing.T) {
	a := mustNew(t)
	for _, file := range []string{"testdata/blind_ae.tsv", "testdata/blind_ae2.tsv", "testdata/blind_ae3.tsv"} {
		t.Run(file, func(t *testing.T) {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var tp, fp, fn int
			for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
				text, ae, ok := strings.Cut(line, "\t")
				if !ok || ae != "0" && ae != "1" {
					t.Fatalf("%s:%d: want text<TAB>0|1", file, i+2)
				}
				res, err := a.Analyze(context.Background(), text, "")
				if err != nil {
					t.Fatal(err)
				}
				got, want := res.Has(bot.SignalAdverseEvent), ae == "1"
				switch {
				case got && want:
					tp++
				case got:
					fp++
					t.Logf("false alarm, line %d: %q", i+2, text)
				case want:
					fn++
					t.Logf("missed, line %d: %q", i+2, text)
				}
			}
			recall := float64(tp) / float64(max(tp+fn, 1))
			precision := float64(tp) / float64(max(tp+fp, 1))
			t.Logf("%s: recall %.3f precision %.3f (tp %d fp %d fn %d)", file, recall, precision, tp, fp, fn)
			if recall < 0.9 || precision < 0.8 {
				t.Errorf("recall %.3f (want >= 0.9), precision %.3f (want >= 0.8)", recall, precision)
			}
		})
	}
}

// TestLabelled_SentimentAndIntent is a sanity check on our own set: the
// figures are logged, and a floor catches a broken lexicon or rule.
func TestLabelled_SentimentAndIntent(t *testing.T) {
	a := mustNew(t)
	rows := readLabelled(t)
	var sOK, iOK int
	for _, r := range rows {
		res, err := a.Analyze(context.Background(), r.text, "")
		if err != nil {
			t.Fatal(err)
		}
		if res.Sentiment.Label == r.sentiment {
			sOK++
		} else if testing.Verbose() {
			t.Logf("sentiment line %d %q: got %s (%.2f) want %s", r.line, r.text, res.Sentiment.Label, res.Sentiment.Score, r.sentiment)
		}
		if res.Intent == r.intent {
			iOK++
		} else if testing.Verbose() {
			t.Logf("intent line %d %q: got %s want %s", r.line, r.text, res.Intent, r.intent)
		}
	}
	sAcc, iAcc := float64(sOK)/float64(len(rows)), float64(iOK)/float64(len(rows))
	t.Logf("own set: %d rows, sentiment accuracy %.3f, intent accuracy %.3f", len(rows), sAcc, iAcc)
	if sAcc < 0.8 {
		t.Errorf("sentiment accuracy %.3f on our own set, want >= 0.8", sAcc)
	}
	if iAcc < 0.8 {
		t.Errorf("intent accuracy %.3f on our own set, want >= 0.8", iAcc)
	}
}

func mustNew(tb testing.TB, opts ...analyze.Option) *analyze.Analyzer {
	tb.Helper()
	a, err := analyze.New(opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

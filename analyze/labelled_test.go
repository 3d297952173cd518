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
	var out []labelled
	for _, r := range readTSV(tb, "testdata/labelled.tsv", 4) {
		out = append(out, labelled{r.line, r.f[0], r.f[1], r.f[2], r.f[3] == "1"})
	}
	return out
}

// tsvRow is one data row of a TSV file with a header, and its line number.
type tsvRow struct {
	line int
	f    []string
}

// readTSV reads a TSV test file with a header line and n fields per row.
func readTSV(tb testing.TB, path string, n int) []tsvRow {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []tsvRow
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		if line == 1 || strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		p := strings.Split(sc.Text(), "\t")
		if len(p) != n {
			tb.Fatalf("%s:%d: want %d fields, got %d", path, line, n, len(p))
		}
		out = append(out, tsvRow{line, p})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// aeCase is a message and whether it reports a side effect.
type aeCase struct {
	line int
	text string
	ae   bool
}

// checkAdverseEvents is the side-effect contract on a set: recall >= 0.9
// and precision >= 0.8, and every report found is critical, names its
// effect and has the intent side_effect.
func checkAdverseEvents(t *testing.T, a *analyze.Analyzer, cases []aeCase) {
	t.Helper()
	var tp, fp, fn int
	for _, r := range cases {
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
	recall := float64(tp) / float64(max(tp+fn, 1))
	precision := float64(tp) / float64(max(tp+fp, 1))
	t.Logf("adverse events: recall %.3f precision %.3f (tp %d fp %d fn %d)", recall, precision, tp, fp, fn)
	if tp+fn == 0 {
		t.Fatal("no side-effect reports in the set")
	}
	if recall < 0.9 || precision < 0.8 {
		t.Errorf("recall %.3f (want >= 0.9), precision %.3f (want >= 0.8)", recall, precision)
	}
}

// TestLabelled_AdverseEvents is the side-effect contract on our own Persian
// and English reports and hard negatives.
func TestLabelled_AdverseEvents(t *testing.T) {
	var cases []aeCase
	for _, r := range readLabelled(t) {
		cases = append(cases, aeCase{r.line, r.text, r.ae})
	}
	checkAdverseEvents(t, mustNew(t), cases)
}

// TestBlindSets_AdverseEvents measures side-effect reports on sets written
// by people who had not seen the rules or the vocabulary (see README: each
// was first measured untouched, then used to find gaps, so later figures on
// it are optimistic too). The contract is the same as on our own set.
func TestBlindSets_AdverseEvents(t *testing.T) {
	a := mustNew(t)
	for _, file := range []string{"testdata/blind_ae.tsv", "testdata/blind_ae2.tsv", "testdata/blind_ae3.tsv"} {
		t.Run(file, func(t *testing.T) {
			var cases []aeCase
			for _, r := range readTSV(t, file, 2) {
				if r.f[1] != "0" && r.f[1] != "1" {
					t.Fatalf("%s:%d: ae %q, want 0 or 1", file, r.line, r.f[1])
				}
				cases = append(cases, aeCase{r.line, r.f[0], r.f[1] == "1"})
			}
			checkAdverseEvents(t, a, cases)
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

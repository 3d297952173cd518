package analyze_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"engagebot/analyze"
	"engagebot/bot"
)

func TestRunLines(t *testing.T) {
	a := mustNew(t)
	long := strings.Repeat("خیلی خوبه ", 58000) // just under 1 MiB on one line
	in := strings.Join([]string{
		"بعد از خوردن این قرص سرگیجه گرفتم",
		"",
		"this syrup gave my son a rash",
		"سلام",
		long,
	}, "\n") + "\n"
	var out bytes.Buffer
	if err := analyze.RunLines(context.Background(), a, strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if got, want := len(lines), 5; got != want {
		t.Fatalf("got %d output lines, want %d", got, want)
	}
	type row struct {
		Lang      string `json:"lang"`
		Sentiment struct {
			Label string  `json:"label"`
			Score float64 `json:"score"`
		} `json:"sentiment"`
		Intent  string   `json:"intent"`
		Signals []string `json:"signals"`
		Product string   `json:"product"`
		Effect  string   `json:"effect"`
	}
	var rows []row
	for i, l := range lines {
		var r row
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("line %d: %v: %s", i+1, err, l)
		}
		if r.Signals == nil {
			t.Errorf("line %d: signals must be a list, even empty: %s", i+1, l)
		}
		rows = append(rows, r)
	}
	if r := rows[0]; r.Lang != "fa" || r.Intent != bot.IntentSideEffect || len(r.Signals) != 1 || r.Signals[0] != bot.SignalAdverseEvent || r.Effect != "dizziness" {
		t.Errorf("line 1: %+v", r)
	}
	if r := rows[2]; r.Lang != "en" || r.Intent != bot.IntentSideEffect || r.Product != "syrup" || r.Effect != "rash" {
		t.Errorf("line 3: %+v", r)
	}
	if r := rows[3]; r.Intent != bot.IntentGreeting {
		t.Errorf("line 4: %+v", r)
	}
	if r := rows[4]; r.Sentiment.Label != bot.SentimentPositive {
		t.Errorf("long line: %+v", r)
	}
}

func TestRunEval(t *testing.T) {
	a := mustNew(t)
	in := "text\tlabel\nعالی بود\tpos\nافتضاح بود\tnegative\nفردا میام\t0\nخیلی بد\t-1\nخوبه\tpos\n"
	var out bytes.Buffer
	r, err := analyze.RunEval(context.Background(), a, strings.NewReader(in), &out)
	if err != nil {
		t.Fatal(err)
	}
	if r.N != 5 || r.Accuracy != 1 || r.MacroF1 != 1 {
		t.Errorf("report %+v\n%s", r, out.String())
	}
	for _, want := range []string{"accuracy  1.000", "macro-F1  1.000", "pos", "neg", "neu"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRunEval_BinarySet(t *testing.T) {
	// No neu gold rows: a neu prediction is wrong, and neu is not averaged.
	a := mustNew(t)
	in := "text\tlabel\nعالی بود\tpos\nفردا میام\tneg\n"
	r, err := analyze.RunEval(context.Background(), a, strings.NewReader(in), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Accuracy != 0.5 || len(r.Classes) != 2 {
		t.Errorf("accuracy %.2f, classes %d; want 0.5 over 2 classes", r.Accuracy, len(r.Classes))
	}
}

func TestRunEval_Errors(t *testing.T) {
	a := mustNew(t)
	for i, tc := range []struct{ in, want string }{
		{"text\tlabel\nخوب\tpos\nبد\tmaybe\n", "line 3: unknown label \"maybe\""},
		{"sentence\tpolarity\nخوب\tpos\n", "line 1: header"},
		{"", "empty input"},
		{"text\tlabel\nonly-one-field\n", "line 2"},
	} {
		_, err := analyze.RunEval(context.Background(), a, strings.NewReader(tc.in), &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Test %d: err %v, want it to contain %q", i, err, tc.want)
		}
	}
}

func TestWithVocabulary(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "brand.tsv")
	body := "# new products\nproduct\tSkinora Cream\tاسکینورا | skinora | skinnora\neffect\tpeeling\tپوسته شدن | peeling skin\n"
	if err := os.WriteFile(good, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	a := mustNew(t, analyze.WithVocabulary(good))
	res, err := a.Analyze(context.Background(), "بعد از استفاده از اسکینورا پوسته شدن گرفتم", "")
	if err != nil {
		t.Fatal(err)
	}
	var ae *bot.Signal
	for i := range res.Signals {
		if res.Signals[i].Name == bot.SignalAdverseEvent {
			ae = &res.Signals[i]
		}
	}
	if ae == nil || ae.Product != "Skinora Cream" || ae.Effect != "peeling" {
		t.Errorf("signals %+v, want an adverse event for Skinora Cream / peeling", res.Signals)
	}
	// The default vocabulary is still there.
	res, _ = a.Analyze(context.Background(), "nikavit", "")
	if len(res.Products) != 1 || res.Products[0] != "Nikavit" {
		t.Errorf("default products lost: %v", res.Products)
	}

	for i, tc := range []struct{ body, want string }{
		{"product\tX\n", "bad.tsv:1: want 3 TAB-separated fields"},
		{"# c\n\nprodct\tX\tx\n", "bad.tsv:3: unknown kind \"prodct\""},
		{"product\t\tx\n", "bad.tsv:1: empty canonical name"},
		{"effect\tpain\t | \n", "bad.tsv:1: no terms"},
		{"topic\tskin\tپوست + خشک\n", "bad.tsv:1: term \"پوست + خشک\": only an effect may be written in parts"},
		{"effect\tdry\tپوست + \n", "bad.tsv:1: term \"پوست +\": empty part"},
		{"effect\tdry\tپوست + خشک~ | dry skin\n", ""},
		{"effect\ttremor\tلرز~\n", ""},
		{"effect\tdry\tپو~ست + خشک\n", "bad.tsv:1: term \"پو~ست + خشک\": ~ marks a verb stem"},
		{"effect\tdry\ta + b + c + d\n", "bad.tsv:1: term \"a + b + c + d\": want 2 or 3 parts, got 4"},
	} {
		bad := filepath.Join(dir, "bad.tsv")
		if err := os.WriteFile(bad, []byte(tc.body), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := analyze.New(analyze.WithVocabulary(bad))
		if tc.want == "" {
			// a valid line, beside the invalid ones for contrast
			if err != nil {
				t.Errorf("Test %d: err %v, want none", i, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Test %d: err %v, want it to contain %q", i, err, tc.want)
		}
		if bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("Test %d: code %s, want invalid", i, bot.ErrorCode(err))
		}
	}
	if _, err := analyze.New(analyze.WithVocabulary(filepath.Join(dir, "missing.tsv"))); err == nil || !strings.Contains(err.Error(), "missing.tsv") {
		t.Errorf("missing file: err %v", err)
	}
}

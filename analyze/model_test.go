package analyze_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"engagebot/analyze"
	"engagebot/bot"
)

// slang are examples in a register the lexicon cannot know: a brand's
// followers call what they like "zorbix" and "فیلونی" and what they do not
// "plonky" and "شلمبه". The model must learn it from labels alone.
func slang() []analyze.Example {
	var out []analyze.Example
	subjects := []string{"the new syrup", "your app", "this pack", "Nikavit", "the delivery", "my order", "the cream", "today's post",
		"این شربت", "اپتون", "این بسته", "نیکاویت", "ارسالتون", "سفارشم", "این کرم", "پست امروز"}
	goods := []string{"zorbix", "so zorbix", "totally zorbix", "فیلونیه", "خیلی فیلونیه", "zorbix as always"}
	bads := []string{"plonky", "so plonky", "really plonky", "شلمبه است", "خیلی شلمبه بود", "plonky again"}
	for i, s := range subjects {
		for j := range goods {
			out = append(out, analyze.Example{Text: s + " " + goods[(i+j)%len(goods)], Label: bot.SentimentPositive})
			out = append(out, analyze.Example{Text: s + " " + bads[(i+j)%len(bads)], Label: bot.SentimentNegative})
		}
	}
	return out
}

func train(t *testing.T, ex []analyze.Example, seed uint64) *analyze.Model {
	t.Helper()
	m, err := analyze.Train(context.Background(), ex, analyze.TrainOptions{Seed: seed, Buckets: 1 << 16})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func modelBytes(t *testing.T, m *analyze.Model) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := m.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestTrain_Learns(t *testing.T) {
	ex := slang()
	r, err := analyze.CrossValidate(context.Background(), ex, 4, analyze.TrainOptions{Seed: 3, Buckets: 1 << 16})
	if err != nil {
		t.Fatal(err)
	}
	if r.N != len(ex) || r.Accuracy < 0.95 {
		t.Errorf("cross-validated on %d of %d examples: accuracy %.3f, want >= 0.95", r.N, len(ex), r.Accuracy)
	}
	m := train(t, ex, 1)
	for _, tc := range []struct{ text, want string }{
		{"honestly the website is zorbix", bot.SentimentPositive},
		{"the website is plonky", bot.SentimentNegative},
		{"سایتتون فیلونیه", bot.SentimentPositive},
		{"سایتتون شلمبه است", bot.SentimentNegative},
	} {
		p, best := m.Predict(tc.text)
		if got := m.Labels()[best]; got != tc.want {
			t.Errorf("%q: %s (%v), want %s", tc.text, got, p, tc.want)
		}
	}
	if info := m.Info(); info.Examples != len(ex) || info.Counts[bot.SentimentPositive] != len(ex)/2 {
		t.Errorf("info %+v", info)
	}
}

func TestTrain_Deterministic(t *testing.T) {
	ex := slang()
	a, b := modelBytes(t, train(t, ex, 7)), modelBytes(t, train(t, ex, 7))
	if !bytes.Equal(a, b) {
		t.Error("the same seed gave two different models")
	}
	if c := modelBytes(t, train(t, ex, 8)); bytes.Equal(a, c) {
		t.Error("another seed gave the same model: the seed is not used")
	}
}

func TestTrain_BadExamples(t *testing.T) {
	for i, ex := range [][]analyze.Example{
		nil,
		{{Text: "a", Label: "pos"}, {Text: "b", Label: "pos"}},
		{{Text: "a", Label: "pos"}, {Text: "b", Label: "happy"}},
	} {
		if _, err := analyze.Train(context.Background(), ex, analyze.TrainOptions{}); bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("%d: err %v, want EINVALID", i, err)
		}
	}
}

func TestModelFile_RoundTrip(t *testing.T) {
	m := train(t, slang(), 1)
	path := filepath.Join(t.TempDir(), "m.model")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := analyze.LoadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"zorbix", "شلمبه", "nothing known here", ""} {
		p1, b1 := m.Predict(text)
		p2, b2 := back.Predict(text)
		if b1 != b2 || fmt.Sprint(p1) != fmt.Sprint(p2) {
			t.Errorf("%q: %v %d before saving, %v %d after", text, p1, b1, p2, b2)
		}
	}
	if !bytes.Equal(modelBytes(t, m), modelBytes(t, back)) {
		t.Error("a loaded model writes other bytes")
	}
	if _, err := os.Stat(path + ".tmp"); !os.IsNotExist(err) {
		t.Errorf("temporary file left: %v", err)
	}
}

func TestModelFile_Bad(t *testing.T) {
	good := modelBytes(t, train(t, slang(), 1))
	dir := t.TempDir()
	flip := func(i int) []byte {
		b := bytes.Clone(good)
		b[i] ^= 0x40
		return b
	}
	version := bytes.Clone(good)
	version[4] = 9
	for i, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "no model header"},
		{"text", []byte("pos\tneg\nhello world and more bytes than a header\n"), "no model header"},
		{"version", version, "format version 9"},
		{"weight changed", flip(len(good) - 40), "checksum"},
		{"header changed", flip(12), "checksum"},
		{"cut short", good[:len(good)/2], "checksum"},
	} {
		path := filepath.Join(dir, fmt.Sprintf("m%d", i))
		if err := os.WriteFile(path, tc.data, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := analyze.LoadModel(path)
		if !errors.Is(err, analyze.ErrModelFormat) || !errors.Is(err, analyze.ErrModel) ||
			!strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want ErrModelFormat naming %s and %q", tc.name, err, path, tc.want)
		}
		if _, err := analyze.New(analyze.WithModelFile(path)); err == nil {
			t.Errorf("%s: New accepted the file", tc.name)
		}
	}
	if _, err := analyze.LoadModel(filepath.Join(dir, "missing")); !errors.Is(err, analyze.ErrModel) || errors.Is(err, analyze.ErrModelFormat) {
		t.Errorf("missing file: %v", err)
	}
}

// TestBlend: the model decides where the lexicon has no cue and the model
// is sure; the lexicon keeps what it knows; the rules keep the last word on
// safety whatever the model was taught.
func TestBlend(t *testing.T) {
	ex := slang()
	// Teach the model, wrongly, that a side-effect report and a threat are
	// good news: the rules must still flag them and keep them negative.
	for range 20 {
		ex = append(ex,
			analyze.Example{Text: "this syrup gave my son a rash zorbix", Label: bot.SentimentPositive},
			analyze.Example{Text: "بعد از خوردن این قرص سرگیجه گرفتم فیلونیه", Label: bot.SentimentPositive},
			analyze.Example{Text: "I will sue you zorbix", Label: bot.SentimentPositive},
			analyze.Example{Text: "مرسی ولی اصلا راضی نیستم zorbix", Label: bot.SentimentPositive})
	}
	m := train(t, ex, 1)
	plain, err := analyze.New()
	if err != nil {
		t.Fatal(err)
	}
	a, err := analyze.New(analyze.WithModel(m))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, tc := range []struct {
		text, lexicon, blend, signal string
	}{
		{"your app is zorbix", bot.SentimentNeutral, bot.SentimentPositive, ""},
		{"سایتتون شلمبه است", bot.SentimentNeutral, bot.SentimentNegative, ""},
		{"this syrup gave my son a rash", bot.SentimentNegative, bot.SentimentNegative, bot.SignalAdverseEvent},
		{"بعد از خوردن این قرص سرگیجه گرفتم", bot.SentimentNegative, bot.SentimentNegative, bot.SignalAdverseEvent},
		{"I will sue you", bot.SentimentNegative, bot.SentimentNegative, bot.SignalLegalThreat},
		{"I took two Diabetan tablets instead of one", bot.SentimentNegative, bot.SentimentNegative, bot.SignalOverdose},
	} {
		r0, err := plain.Analyze(ctx, tc.text, "")
		if err != nil {
			t.Fatal(err)
		}
		r1, err := a.Analyze(ctx, tc.text, "")
		if err != nil {
			t.Fatal(err)
		}
		if r0.Sentiment.Label != tc.lexicon || r1.Sentiment.Label != tc.blend {
			t.Errorf("%q: lexicon %s, blend %s; want %s, %s", tc.text, r0.Sentiment.Label, r1.Sentiment.Label, tc.lexicon, tc.blend)
		}
		if tc.signal != "" && !r1.Has(tc.signal) {
			t.Errorf("%q: blend lost %s: %+v", tc.text, tc.signal, r1.Signals)
		}
		// Signals and the flags they raise are the rules' alone; only the
		// complaint flag follows the sentiment (a message the model reads
		// as negative and the lexicon as neutral may be a complaint).
		if fmt.Sprint(r0.Signals) != fmt.Sprint(r1.Signals) || fmt.Sprint(safetyFlags(r0)) != fmt.Sprint(safetyFlags(r1)) {
			t.Errorf("%q: the model changed signals or flags: %+v / %+v", tc.text, r0.Signals, r1.Signals)
		}
	}
	// A complaint stays a complaint whatever the model says of its mood.
	if r, err := a.Analyze(ctx, "مرسی ولی اصلا راضی نیستم", ""); err != nil || r.Intent != bot.IntentComplaint {
		t.Errorf("thanks but not satisfied: %+v %v, want a complaint", r, err)
	}
	if _, err := analyze.New(analyze.WithBlend(analyze.Blend{Confident: 1.5})); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("blend threshold 1.5: %v", err)
	}
}

// TestSetModel: a model is swapped whole while analyses run, the previous
// one is returned for a rollback, and nil turns the model off.
func TestSetModel(t *testing.T) {
	a, err := analyze.New()
	if err != nil {
		t.Fatal(err)
	}
	m1 := train(t, slang(), 1)
	flipped := slang()
	for i := range flipped {
		if flipped[i].Label == bot.SentimentPositive {
			flipped[i].Label = bot.SentimentNegative
		} else {
			flipped[i].Label = bot.SentimentPositive
		}
	}
	m2 := train(t, flipped, 1)
	if prev := a.SetModel(m1); prev != nil {
		t.Fatalf("first SetModel returned %p", prev)
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				r, err := a.Analyze(ctx, "your app is zorbix", "")
				if err != nil {
					errs <- err
					return
				}
				if r.Sentiment.Label != bot.SentimentPositive && r.Sentiment.Label != bot.SentimentNegative {
					errs <- fmt.Errorf("label %s: an analysis saw no model or half of one", r.Sentiment.Label)
					return
				}
			}
		}()
	}
	for i := range 200 {
		next := m2
		if i%2 == 1 {
			next = m1
		}
		if prev := a.SetModel(next); prev == next {
			t.Fatalf("swap %d returned the model it set", i)
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// Roll back: the previous model comes back with its answers.
	a.SetModel(m1)
	prev := a.SetModel(m2)
	if r, _ := a.Analyze(ctx, "your app is zorbix", ""); r.Sentiment.Label != bot.SentimentNegative {
		t.Errorf("with the flipped model: %s", r.Sentiment.Label)
	}
	a.SetModel(prev)
	if r, _ := a.Analyze(ctx, "your app is zorbix", ""); r.Sentiment.Label != bot.SentimentPositive || a.Model() != m1 {
		t.Errorf("after rollback: %s", r.Sentiment.Label)
	}
	a.SetModel(nil)
	if r, _ := a.Analyze(ctx, "your app is zorbix", ""); r.Sentiment.Label != bot.SentimentNeutral || a.Model() != nil {
		t.Errorf("without a model: %s", r.Sentiment.Label)
	}
}

func TestReadExamples(t *testing.T) {
	ex, err := analyze.ReadExamples("x.tsv", strings.NewReader("text\tlabel\nخوبه\tpos\n\nbad\tNegative\nok\t0\n"))
	if err != nil || len(ex) != 3 || ex[1] != (analyze.Example{Text: "bad", Label: "neg"}) || ex[2].Label != "neu" {
		t.Fatalf("%v %+v", err, ex)
	}
	for _, tc := range []struct{ in, want string }{
		{"", "x.tsv: empty"},
		{"words\n", "x.tsv:1: header must have text and label"},
		{"text\tlabel\nfine\tpos\nno label here\n", "x.tsv:3: want 2 TAB-separated fields"},
		{"text\tlabel\nfine\tpos\nhm\tmaybe\n", `x.tsv:3: unknown label "maybe"`},
	} {
		if _, err := analyze.ReadExamples("x.tsv", strings.NewReader(tc.in)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestRunTrain(t *testing.T) {
	dir := t.TempDir()
	var tsv strings.Builder
	tsv.WriteString("text\tlabel\n")
	for _, e := range slang() {
		tsv.WriteString(e.Text + "\t" + e.Label + "\n")
	}
	a, b := filepath.Join(dir, "a.tsv"), filepath.Join(dir, "b.tsv")
	lines := strings.SplitAfter(tsv.String(), "\n")
	half := len(lines) / 2
	if err := os.WriteFile(a, []byte(strings.Join(lines[:half], "")), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(b, []byte("text\tlabel\n"+strings.Join(lines[half:], "")), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "m.model")
	var stdout bytes.Buffer
	tr, err := analyze.RunTrain(context.Background(), analyze.TrainConfig{Files: []string{a, b}, Out: out, Folds: 3}, &stdout)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Split(strings.TrimRight(stdout.String(), "\n"), "\n")
	var got map[string]any
	if err := json.Unmarshal([]byte(all[len(all)-1]), &got); err != nil {
		t.Fatalf("last line is not JSON: %v\n%s", err, stdout.String())
	}
	pc, _ := got["per_class"].(map[string]any)
	if got["examples"] != float64(len(slang())) || got["accuracy"].(float64) < 0.9 || pc["pos"] == nil || pc["neg"] == nil || got["folds"] != 3.0 {
		t.Errorf("report %v", got)
	}
	m, err := analyze.LoadModel(out)
	if err != nil {
		t.Fatal(err)
	}
	if m.Info().CV == nil || m.Info().CV.Accuracy != tr.Accuracy && fmt.Sprintf("%.4f", m.Info().CV.Accuracy) != fmt.Sprintf("%.4f", tr.Accuracy) {
		t.Errorf("the model file keeps no cross-validated figures: %+v", m.Info())
	}
	if _, err := analyze.RunTrain(context.Background(), analyze.TrainConfig{Files: []string{filepath.Join(dir, "none.tsv")}, Out: out}, &stdout); err == nil {
		t.Error("a missing file trained")
	}
}

func safetyFlags(a bot.Analysis) []bot.Flag {
	var out []bot.Flag
	for _, f := range bot.Flags(a) {
		if f.Reason != bot.IntentComplaint && f.Reason != bot.IntentHuman {
			out = append(out, f)
		}
	}
	return out
}

// TestLearn: learning from examples in memory cross-validates, puts the
// model in use and hands back the one it replaced; a bad set changes
// nothing.
func TestLearn(t *testing.T) {
	a, err := analyze.New()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	old := train(t, slang(), 5)
	a.SetModel(old)
	m, prev, err := a.Learn(ctx, slang(), 3, analyze.TrainOptions{Seed: 2, Buckets: 1 << 16})
	if err != nil {
		t.Fatal(err)
	}
	if prev != old || a.Model() != m || m.Info().CV == nil || m.Info().CV.N != len(slang()) || m.Info().CV.Accuracy < 0.9 {
		t.Errorf("prev %p (want %p), in use %p (want %p), cv %+v", prev, old, a.Model(), m, m.Info().CV)
	}
	if _, _, err := a.Learn(ctx, []analyze.Example{{Text: "x", Label: "pos"}}, 0, analyze.TrainOptions{}); err == nil || a.Model() != m {
		t.Errorf("a set of one label: err %v, model in use changed: %v", err, a.Model() != m)
	}
}

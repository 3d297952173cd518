package analyze_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"engagebot/analyze"
)

// trainExamples reads a shared training split. The model trained on it
// lives in memory only: no model of the Persian sets is written anywhere.
func trainExamples(b *testing.B, file string, n int) []analyze.Example {
	b.Helper()
	path := filepath.Join(sharedEval, "..", "train", file)
	f, err := os.Open(path)
	if err != nil {
		b.Skipf("the shared training split %s is not present beside the checkout: %v", file, err)
	}
	defer f.Close()
	ex, err := analyze.ReadExamples(path, f)
	if err != nil {
		b.Fatal(err)
	}
	if n > 0 && len(ex) > n {
		ex = ex[:n]
	}
	return ex
}

// BenchmarkTrain trains on 10,000 Instagram comments, on one goroutine, and
// reports the time beside one analysis pass (without a model) over the same
// texts measured in the same run, as a yardstick of the machine's speed at
// that moment; and the size of the model file.
func BenchmarkTrain(b *testing.B) {
	ex := trainExamples(b, "fa_instagram_comments.tsv", 10000)
	if len(ex) < 10000 {
		b.Fatalf("%d examples, want 10,000", len(ex))
	}
	a := mustNew(b)
	ctx := context.Background()
	var tTrain, tPass time.Duration
	var size int
	for b.Loop() {
		start := time.Now()
		m, err := analyze.Train(ctx, ex, analyze.TrainOptions{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		tTrain += time.Since(start)
		start = time.Now()
		for _, e := range ex {
			if _, err := a.Analyze(ctx, e.Text, ""); err != nil {
				b.Fatal(err)
			}
		}
		tPass += time.Since(start)
		var buf bytes.Buffer
		if _, err := m.WriteTo(&buf); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(tTrain.Seconds()/float64(b.N), "train-s")
	b.ReportMetric(tTrain.Seconds()/tPass.Seconds(), "train/analysis-pass")
	b.ReportMetric(float64(size)/1e6, "model-MB")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkModelOverhead runs the analyzer with and without a model in
// turns of 1/60 of each set, so that both see the same load, and reports
// the time with a model as a ratio to the time without (target <= 1.5).
// The Persian model is trained on the Instagram split, the English one on
// the reviews and editorials, in memory.
func BenchmarkModelOverhead(b *testing.B) {
	ctx := context.Background()
	plain := mustNew(b)
	for _, bc := range []struct{ name, eval, train string }{
		{"fa", "fa_sentipers.tsv", "fa_instagram_comments.tsv"},
		{"en", "en_vader_tweets.tsv", "en_reviews_editorials.tsv"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			texts := benchTexts(b, bc.eval)
			m, err := analyze.Train(ctx, trainExamples(b, bc.train, 0), analyze.TrainOptions{Seed: 1})
			if err != nil {
				b.Fatal(err)
			}
			withModel, err := analyze.New(analyze.WithModel(m))
			if err != nil {
				b.Fatal(err)
			}
			run := func(a *analyze.Analyzer, texts []string) time.Duration {
				start := time.Now()
				for _, t := range texts {
					if _, err := a.Analyze(ctx, t, ""); err != nil {
						b.Fatal(err)
					}
				}
				return time.Since(start)
			}
			const turns = 60
			slice := func(k int) []string { return texts[k*len(texts)/turns : (k+1)*len(texts)/turns] }
			run(plain, texts)
			run(withModel, texts)
			var tPlain, tModel time.Duration
			for b.Loop() {
				for k := range turns {
					tPlain += run(plain, slice(k))
					tModel += run(withModel, slice(k))
				}
			}
			us := func(d time.Duration) float64 { return d.Seconds() * 1e6 / float64(b.N*len(texts)) }
			b.ReportMetric(us(tPlain), "plain-µs/msg")
			b.ReportMetric(us(tModel), "model-µs/msg")
			b.ReportMetric(us(tModel)/us(tPlain), "model/plain")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkLexiconWeightCV is how the default weight of the lexicon's
// reading among a model's features was chosen: 5-fold cross-validated
// accuracy on the Instagram training split (1,000 examples drawn as
// `analyze train -limit 1000` draws them, and all), for each weight; -1 is
// no lexicon. Run with -benchtime 1x; it measures no evaluation set.
func BenchmarkLexiconWeightCV(b *testing.B) {
	all := trainExamples(b, "fa_instagram_comments.tsv", 0)
	some := slices.Clone(all)
	rand.New(rand.NewPCG(1, 0x6c696d6974)).Shuffle(len(some), func(i, j int) { some[i], some[j] = some[j], some[i] })
	some = some[:1000]
	for _, set := range []struct {
		name string
		ex   []analyze.Example
	}{{"1000", some}, {"all", all}} {
		for _, w := range []int{-1, 1, 2, 3, 5, 10} {
			b.Run(fmt.Sprintf("n=%s/lexicon=%d", set.name, w), func(b *testing.B) {
				var r analyze.Report
				for b.Loop() {
					var err error
					if r, err = analyze.CrossValidate(context.Background(), set.ex, 5, analyze.TrainOptions{Seed: 1, Lexicon: w}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(r.Accuracy, "cv-accuracy")
				b.ReportMetric(0, "ns/op")
			})
		}
	}
}

// BenchmarkBlendHeldOut is how the default blend was chosen, and what a
// stricter one costs: a model trained on four fifths of the Instagram
// training split, the blend's accuracy on the fifth it did not see, and
// the macro-F1 on the SentiPers training split (pos and neu, out of the
// model's domain), for the lexicon alone, the blend at several thresholds,
// and the model only where the lexicon has no cue. Run with
// -benchtime 1x; it measures no evaluation set.
func BenchmarkBlendHeldOut(b *testing.B) {
	ctx := context.Background()
	all := trainExamples(b, "fa_instagram_comments.tsv", 0)
	other := trainExamples(b, "fa_sentipers.tsv", 0)
	var learn, held []analyze.Example
	for i, e := range all {
		if i%5 == 0 {
			held = append(held, e)
		} else {
			learn = append(learn, e)
		}
	}
	m, err := analyze.Train(ctx, learn, analyze.TrainOptions{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	score := func(a *analyze.Analyzer, ex []analyze.Example) analyze.Report {
		var tsv strings.Builder
		tsv.WriteString("text\tlabel\n")
		for _, e := range ex {
			tsv.WriteString(strings.ReplaceAll(e.Text, "\t", " ") + "\t" + e.Label + "\n")
		}
		r, err := analyze.RunEval(ctx, a, strings.NewReader(tsv.String()), io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		return r
	}
	type tc struct {
		name  string
		blend *analyze.Blend // nil: the lexicon alone
	}
	cases := []tc{{"lexicon", nil}}
	for _, c := range []float64{0.5, 0.6, 0.7, 0.9, 0.99, 0.999} {
		cases = append(cases, tc{fmt.Sprintf("confident=%g", c), &analyze.Blend{Confident: c, NoCue: c}})
	}
	// The model only where the lexicon found no sentiment word.
	for _, c := range []float64{0.5, 0.9, 0.99} {
		cases = append(cases, tc{fmt.Sprintf("nocue-only=%g", c), &analyze.Blend{Confident: 1, NoCue: c}})
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			var opts []analyze.Option
			if bc.blend != nil {
				opts = []analyze.Option{analyze.WithModel(m), analyze.WithBlend(*bc.blend)}
			}
			a := mustNew(b, opts...)
			var in, out analyze.Report
			for b.Loop() {
				in, out = score(a, held), score(a, other)
			}
			b.ReportMetric(in.Accuracy, "held-out-accuracy")
			b.ReportMetric(out.MacroF1, "sentipers-train-macroF1")
			b.ReportMetric(0, "ns/op")
		})
	}
}

package analyze_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/jonreiter/govader"
)

// benchTexts reads the text column of a shared eval set. A benchmark without
// the set skips: measuring another set in its place (our own short examples)
// would print figures that cannot be compared with the README's.
func benchTexts(b *testing.B, file string) []string {
	b.Helper()
	f, err := os.Open(filepath.Join(sharedEval, file))
	if err != nil {
		b.Skipf("the shared eval set %s is not present beside the checkout, so there is nothing to measure: %v", file, err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	sc.Scan() // header
	for sc.Scan() {
		text, _, _ := strings.Cut(sc.Text(), "\t")
		out = append(out, text)
	}
	if err := sc.Err(); err != nil {
		b.Fatal(err)
	}
	if len(out) == 0 {
		b.Fatalf("%s has no rows", file)
	}
	return out
}

// BenchmarkAnalyze reports the whole analysis (normalisation, language,
// sentiment, intent and signals) per message, on one goroutine: English on
// the 3,000 VADER tweets, Persian on the 3,000 SentiPers reviews. One
// iteration is one pass over the whole set, so every figure averages the
// same texts in the same proportions; a benchmark that stopped part way
// through a set would weigh its first rows more. The Analyzer is built and
// a first pass made before the clock starts.
func BenchmarkAnalyze(b *testing.B) {
	a := mustNew(b)
	for _, bc := range []struct{ name, file string }{
		{"en", "en_vader_tweets.tsv"},
		{"fa", "fa_sentipers.tsv"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			texts := benchTexts(b, bc.file)
			ctx := context.Background()
			pass := func() {
				for _, t := range texts {
					if _, err := a.Analyze(ctx, t, ""); err != nil {
						b.Fatal(err)
					}
				}
			}
			pass()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for b.Loop() {
				pass()
			}
			runtime.ReadMemStats(&after)
			perMsg(b, b.Elapsed(), b.N*len(texts), &before, &after)
		})
	}
}

// BenchmarkGovader is VADER (govader) on the same English tweets, sentiment
// only, for comparison.
func BenchmarkGovader(b *testing.B) {
	sia := govader.NewSentimentIntensityAnalyzer()
	texts := benchTexts(b, "en_vader_tweets.tsv")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		for _, t := range texts {
			_ = sia.PolarityScores(t)
		}
	}
	runtime.ReadMemStats(&after)
	perMsg(b, b.Elapsed(), b.N*len(texts), &before, &after)
}

// BenchmarkSpeedVsGovader measures our analyzer on both sets and govader on
// the English one in turns, and reports each per message and ours as a ratio
// to govader's. Separate benchmarks run seconds apart, and on a machine
// shared with other work the load changes in between; here the turns are
// slices of 1/60 of each set (a few milliseconds), so a burst of load falls on
// all three alike and the ratios hold where the absolute figures do not.
// One iteration is one pass over each set.
func BenchmarkSpeedVsGovader(b *testing.B) {
	a := mustNew(b)
	sia := govader.NewSentimentIntensityAnalyzer()
	en := benchTexts(b, "en_vader_tweets.tsv")
	fa := benchTexts(b, "fa_sentipers.tsv")
	ctx := context.Background()
	ours := func(texts []string) time.Duration {
		start := time.Now()
		for _, t := range texts {
			if _, err := a.Analyze(ctx, t, ""); err != nil {
				b.Fatal(err)
			}
		}
		return time.Since(start)
	}
	vader := func(texts []string) time.Duration {
		start := time.Now()
		for _, t := range texts {
			_ = sia.PolarityScores(t)
		}
		return time.Since(start)
	}
	const turns = 60
	slice := func(texts []string, k int) []string {
		return texts[k*len(texts)/turns : (k+1)*len(texts)/turns]
	}
	// A first pass of each, untimed, warms the caches.
	ours(en)
	ours(fa)
	vader(en)
	var tEn, tFa, tVader time.Duration
	for b.Loop() {
		for k := range turns {
			tVader += vader(slice(en, k))
			tEn += ours(slice(en, k))
			tFa += ours(slice(fa, k))
		}
	}
	us := func(d time.Duration, n int) float64 { return d.Seconds() * 1e6 / float64(b.N*n) }
	b.ReportMetric(us(tEn, len(en)), "en-µs/msg")
	b.ReportMetric(us(tFa, len(fa)), "fa-µs/msg")
	b.ReportMetric(us(tVader, len(en)), "govader-µs/msg")
	b.ReportMetric(us(tEn, len(en))/us(tVader, len(en)), "en/govader")
	b.ReportMetric(us(tFa, len(fa))/us(tVader, len(en)), "fa/govader")
	b.ReportMetric(0, "ns/op") // one op is three passes: not a figure to read
}

// perMsg reports d over n messages as µs/msg and msgs/s, and the memory
// allocated between before and after per message.
func perMsg(b *testing.B, d time.Duration, n int, before, after *runtime.MemStats) {
	b.ReportMetric(d.Seconds()*1e6/float64(n), "µs/msg")
	b.ReportMetric(float64(n)/d.Seconds(), "msgs/s")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(n), "B/msg")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(n), "allocs/msg")
	b.ReportMetric(0, "ns/op") // one op is a pass over the set
}

// BenchmarkNew is building an Analyzer: lexicons, VADER, cue index and
// vocabulary (the list files are parsed once before, when the package loads).
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		mustNew(b)
	}
}

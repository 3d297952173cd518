package analyze_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jonreiter/govader"
)

// benchTexts reads the text column of a shared eval set, or of our own
// labelled set (filtered by script) when the shared folder is absent.
func benchTexts(b *testing.B, file string, persian bool) []string {
	b.Helper()
	path := filepath.Join(sharedEval, file)
	if _, err := os.Stat(sharedEval); err != nil {
		b.Logf("shared eval sets absent (%v); using testdata/labelled.tsv", err)
		path = "testdata/labelled.tsv"
	}
	f, err := os.Open(path)
	if err != nil {
		b.Skipf("no benchmark texts: %v", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	sc.Scan() // header
	for sc.Scan() {
		text, _, _ := strings.Cut(sc.Text(), "\t")
		if path == "testdata/labelled.tsv" && isPersian(text) != persian {
			continue
		}
		out = append(out, text)
	}
	if len(out) == 0 {
		b.Skip("no benchmark texts")
	}
	return out
}

func isPersian(s string) bool {
	for _, r := range s {
		if r >= 0x0600 && r <= 0x06FF {
			return true
		}
	}
	return false
}

// BenchmarkAnalyze reports messages per second per core (msgs/s) for the
// whole analysis: normalisation, language, sentiment, intent and signals.
func BenchmarkAnalyze(b *testing.B) {
	a := mustNew(b)
	for _, bc := range []struct {
		name, file string
		fa         bool
	}{
		{"en", "en_vader_tweets.tsv", false},
		{"fa", "fa_sentipers.tsv", true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			texts := benchTexts(b, bc.file, bc.fa)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := a.Analyze(ctx, texts[i%len(texts)], ""); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

// BenchmarkGovader is VADER (govader) on the same English texts, sentiment
// only, for comparison in the same run.
func BenchmarkGovader(b *testing.B) {
	sia := govader.NewSentimentIntensityAnalyzer()
	texts := benchTexts(b, "en_vader_tweets.tsv", false)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = sia.PolarityScores(texts[i%len(texts)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

package analyze_test

import (
	"bytes"
	"context"
	"os"
	"testing"

	"engagebot/analyze"
)

// TestOwnSets measures sentiment on sets the project wrote itself for the
// rules that are calibrated rather than lexical (the English neutral band,
// Persian morphology, Finglish, comment phrases). Unlike the shared sets
// these may be read and extended; the floors catch a rule that breaks.
func TestOwnSets(t *testing.T) {
	a := mustNew(t)
	for _, tc := range []struct {
		file               string
		minMacroF1, minAcc float64
	}{
		{"testdata/en_tweets.tsv", 0.85, 0},
		{"testdata/fa_forms.tsv", 0.95, 0},
		// grievances, contests, sport, celebrities, religious frames, and
		// symptoms named as a purpose or in a question (neutral)
		{"testdata/fa_areas.tsv", 0.90, 0},
		// Instagram-style comments written blind to the lexicon (pos/neg)
		{"testdata/blind_comments.tsv", 0, 0.80},
	} {
		t.Run(tc.file, func(t *testing.T) {
			f, err := os.Open(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var out bytes.Buffer
			r, err := analyze.RunEval(context.Background(), a, f, &out)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s:\n%s", tc.file, out.String())
			if r.MacroF1 < tc.minMacroF1 {
				t.Errorf("macro-F1 %.3f < floor %.2f", r.MacroF1, tc.minMacroF1)
			}
			if r.Accuracy < tc.minAcc {
				t.Errorf("accuracy %.3f < floor %.2f", r.Accuracy, tc.minAcc)
			}
		})
	}
}

package analyze

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"engagebot/bot"
)

// Report is the result of RunEval.
type Report struct {
	N        int     // rows evaluated
	Accuracy float64 // share of rows whose predicted label equals the gold label
	MacroF1  float64 // mean F1 over the classes present in the gold labels
	// Classes are the gold classes in the order pos, neg, neu.
	Classes []ClassScore
	// Confusion[gold][predicted] counts rows.
	Confusion map[string]map[string]int
}

// ClassScore is precision, recall and F1 of one class.
type ClassScore struct {
	Label     string
	Support   int // gold rows of this class
	Predicted int // rows predicted as this class
	Precision float64
	Recall    float64
	F1        float64
}

var labelOrder = []string{bot.SentimentPositive, bot.SentimentNegative, bot.SentimentNeutral}

// goldLabels maps the label vocabularies of common sentiment sets to ours.
var goldLabels = map[string]string{
	"pos": bot.SentimentPositive, "positive": bot.SentimentPositive, "1": bot.SentimentPositive,
	"+1": bot.SentimentPositive, "2": bot.SentimentPositive, "+2": bot.SentimentPositive, "p": bot.SentimentPositive,
	"happy": bot.SentimentPositive,
	"neg":   bot.SentimentNegative, "negative": bot.SentimentNegative, "-1": bot.SentimentNegative,
	"-2": bot.SentimentNegative, "n": bot.SentimentNegative, "sad": bot.SentimentNegative,
	"neu": bot.SentimentNeutral, "neutral": bot.SentimentNeutral, "0": bot.SentimentNeutral,
	"none": bot.SentimentNeutral, "objective": bot.SentimentNeutral,
}

// RunEval is `engagebot analyze --eval`: it reads a "text<TAB>label" file
// with a header line, analyses every text and writes accuracy, macro-F1 and
// per-class precision, recall and F1 to out.
//
// Labels pos/positive/1/+1/2/+2, neg/negative/-1/-2 and neu/neutral/0 are
// accepted in any case; any other label is an error naming its line.
// A 0/1 binary set ("0" = negative) is not guessed: relabel it first.
//
// Macro-F1 averages only the classes present in the gold labels. On a set
// with no neutral rows (pos/neg only) the analyzer may still answer neu:
// such a row counts as wrong for accuracy and as a missed pos or neg
// (lower recall), but neu is not a class of the average. This is the strict
// reading: the analyzer is not told the set is binary.
func RunEval(ctx context.Context, a bot.Analyzer, in io.Reader, out io.Writer) (Report, error) {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64*1024), maxLine+2)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return Report{}, fmt.Errorf("eval: read header: %w", err)
		}
		return Report{}, bot.Errorf(bot.EINVALID, "eval: empty input, want a text<TAB>label header")
	}
	header := strings.Split(strings.TrimPrefix(strings.TrimRight(sc.Text(), "\r"), "\uFEFF"), "\t")
	textCol, labelCol := -1, -1
	for i, h := range header {
		switch strings.ToLower(strings.TrimSpace(h)) {
		case "text":
			textCol = i
		case "label":
			labelCol = i
		}
	}
	if textCol < 0 || labelCol < 0 {
		return Report{}, bot.Errorf(bot.EINVALID, "eval: line 1: header must have text and label columns, got %q", sc.Text())
	}
	r := Report{Confusion: map[string]map[string]int{}}
	line := 1
	for sc.Scan() {
		line++
		raw := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(raw) == "" {
			continue
		}
		f := strings.Split(raw, "\t")
		if len(f) <= max(textCol, labelCol) {
			return r, bot.Errorf(bot.EINVALID, "eval: line %d: want %d TAB-separated fields, got %d", line, len(header), len(f))
		}
		lab := strings.ToLower(strings.TrimSpace(f[labelCol]))
		gold, ok := goldLabels[lab]
		if !ok {
			return r, bot.Errorf(bot.EINVALID, "eval: line %d: unknown label %q (want pos/neg/neu, positive/negative/neutral or 1/-1/0)", line, f[labelCol])
		}
		res, err := a.Analyze(ctx, f[textCol], "")
		if err != nil {
			return r, fmt.Errorf("eval: line %d: %w", line, err)
		}
		if r.Confusion[gold] == nil {
			r.Confusion[gold] = map[string]int{}
		}
		r.Confusion[gold][res.Sentiment.Label]++
		r.N++
	}
	if err := sc.Err(); err != nil {
		return r, fmt.Errorf("eval: read line %d: %w", line+1, err)
	}
	r.score()
	r.Write(out)
	return r, nil
}

// score fills accuracy, per-class figures and macro-F1 from Confusion.
func (r *Report) score() {
	correct := 0
	for _, c := range labelOrder {
		correct += r.Confusion[c][c]
	}
	if r.N > 0 {
		r.Accuracy = float64(correct) / float64(r.N)
	}
	r.Classes = nil
	sum := 0.0
	for _, c := range labelOrder {
		support := 0
		for _, n := range r.Confusion[c] {
			support += n
		}
		if support == 0 {
			continue
		}
		pred := 0
		for _, g := range labelOrder {
			pred += r.Confusion[g][c]
		}
		cs := ClassScore{Label: c, Support: support, Predicted: pred}
		tp := float64(r.Confusion[c][c])
		if pred > 0 {
			cs.Precision = tp / float64(pred)
		}
		cs.Recall = tp / float64(support)
		if cs.Precision+cs.Recall > 0 {
			cs.F1 = 2 * cs.Precision * cs.Recall / (cs.Precision + cs.Recall)
		}
		sum += cs.F1
		r.Classes = append(r.Classes, cs)
	}
	if len(r.Classes) > 0 {
		r.MacroF1 = sum / float64(len(r.Classes))
	}
}

// Write prints the report in a fixed, diff-friendly format.
func (r Report) Write(w io.Writer) {
	fmt.Fprintf(w, "rows      %d\n", r.N)
	fmt.Fprintf(w, "accuracy  %.3f\n", r.Accuracy)
	fmt.Fprintf(w, "macro-F1  %.3f  (over %d gold classes)\n", r.MacroF1, len(r.Classes))
	fmt.Fprintf(w, "%-6s %9s %9s %9s %8s %9s\n", "class", "precision", "recall", "f1", "support", "predicted")
	for _, c := range r.Classes {
		fmt.Fprintf(w, "%-6s %9.3f %9.3f %9.3f %8d %9d\n", c.Label, c.Precision, c.Recall, c.F1, c.Support, c.Predicted)
	}
	fmt.Fprintf(w, "confusion (rows gold, columns predicted: pos neg neu)\n")
	for _, g := range labelOrder {
		if len(r.Confusion[g]) == 0 {
			continue
		}
		fmt.Fprintf(w, "%-6s %6d %6d %6d\n", g, r.Confusion[g][bot.SentimentPositive], r.Confusion[g][bot.SentimentNegative], r.Confusion[g][bot.SentimentNeutral])
	}
}

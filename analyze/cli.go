package analyze

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"engagebot/bot"
)

// maxLine is the longest input line RunLines and RunEval accept.
const maxLine = 1 << 20

// lineResult is one output line of `engagebot analyze`. Signals are names,
// so a spreadsheet or jq can filter on them; details are in the
// adverse-event fields.
type lineResult struct {
	Lang      string        `json:"lang"`
	Sentiment bot.Sentiment `json:"sentiment"`
	Intent    string        `json:"intent"`
	Signals   []string      `json:"signals"`
	Severity  string        `json:"severity,omitempty"`
	Product   string        `json:"product,omitempty"`
	Effect    string        `json:"effect,omitempty"`
	Products  []string      `json:"products,omitempty"`
	Topics    []string      `json:"topics,omitempty"`
}

// RunLines is `engagebot analyze`: it reads one text per line from in and
// writes one JSON object per line to out, in the same order. An empty line
// gives an object too, so line numbers always correspond. Lines may be up to
// 1 MiB.
func RunLines(ctx context.Context, a bot.Analyzer, in io.Reader, out io.Writer) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64*1024), maxLine+2)
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSuffix(sc.Text(), "\r")
		res, err := a.Analyze(ctx, text, "")
		if err != nil {
			return fmt.Errorf("analyze line %d: %w", line, err)
		}
		r := lineResult{
			Lang:      res.Lang,
			Sentiment: res.Sentiment,
			Intent:    res.Intent,
			Signals:   make([]string, 0, len(res.Signals)),
			Products:  res.Products,
			Topics:    res.Topics,
		}
		if m := res.MaxSeverity(); m > bot.SeverityNone {
			r.Severity = m.String()
		}
		for _, s := range res.Signals {
			r.Signals = append(r.Signals, s.Name)
			if s.Name == bot.SignalAdverseEvent {
				r.Product, r.Effect = s.Product, s.Effect
			}
		}
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("write line %d: %w", line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read line %d: %w", line+1, err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}

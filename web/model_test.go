package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"engagebot/bot"
)

// The fake's model: one trained on 40 examples, with a previous one.
var fakeModel = bot.ModelStatus{
	Trained: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), By: "pari", Examples: 40, Corrections: 30, Imported: 10,
	Folds: 5, Accuracy: 0.85, MacroF1: 0.8, F1: map[string]float64{"pos": 0.9, "neg": 0.8, "neu": 0.7},
	Curve:    []bot.CurvePoint{{Examples: 10, Accuracy: 0.6, MacroF1: 0.5}, {Examples: 40, Accuracy: 0.85, MacroF1: 0.8}},
	Previous: true, Files: []string{"brand.tsv"},
}

func (a *Actions) ModelStatus(_ context.Context, actor bot.Actor) (bot.ModelStatus, error) {
	return fakeModel, nil
}

func (a *Actions) TrainModel(_ context.Context, actor bot.Actor) (bot.ModelStatus, error) {
	a.record(actor, "model.train", bot.ThreadKey{})
	return fakeModel, nil
}

func (a *Actions) RollbackModel(_ context.Context, actor bot.Actor) (bot.ModelStatus, error) {
	a.record(actor, "model.rollback", bot.ThreadKey{})
	return bot.ModelStatus{}, nil
}

// ImportExamples refuses a file whose second line has no label, as the
// service does, naming the line.
func (a *Actions) ImportExamples(_ context.Context, actor bot.Actor, name string, r io.Reader) (bot.ExamplesImport, error) {
	b, _ := io.ReadAll(r)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	for i, l := range lines[1:] {
		if !strings.Contains(l, "\t") {
			return bot.ExamplesImport{}, bot.Errorf(bot.EINVALID, "%s:%d: want 2 TAB-separated fields, got 1", name, i+2)
		}
	}
	a.record(actor, fmt.Sprintf("model.import(%s %d)", name, len(lines)-1), bot.ThreadKey{})
	return bot.ExamplesImport{File: name, Examples: len(lines) - 1}, nil
}

func TestModelAPI(t *testing.T) {
	st := newStaff(t, "")
	tests := []struct {
		name, method, path, body string
		status                   int
		want                     string // part of the body
	}{
		{"figures", "GET", "/api/v1/model", "", http.StatusOK, `"macro_f1":0.8`},
		{"curve", "GET", "/api/v1/model", "", http.StatusOK, `"curve":[{"examples":10`},
		{"rollback lists stay lists", "POST", "/api/v1/model/rollback", "", http.StatusOK, `"previous":false`},
		{"import", "POST", "/api/v1/model/examples", `{"name":"brand.tsv","tsv":"text\tlabel\nok\tpos\n"}`, http.StatusCreated, `"examples":1`},
		{"bad file names its line", "POST", "/api/v1/model/examples", `{"name":"bad.tsv","tsv":"text\tlabel\nok\tpos\nno label\n"}`, http.StatusBadRequest, `bad.tsv:3`},
		{"no name", "POST", "/api/v1/model/examples", `{"tsv":"text\tlabel\nok\tpos\n"}`, http.StatusBadRequest, `name`},
		{"not JSON", "POST", "/api/v1/model/examples", "text\tlabel\n", http.StatusBadRequest, `JSON`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := st.do(t, request{method: tc.method, path: tc.path, body: tc.body, token: "ebt_pr"})
			if a.status != tc.status || !strings.Contains(a.body, tc.want) {
				t.Errorf("%s %s = %d %s, want %d with %q", tc.method, tc.path, a.status, a.body, tc.status, tc.want)
			}
			if tc.status < 400 && !json.Valid([]byte(a.body)) {
				t.Errorf("not JSON: %s", a.body)
			}
		})
	}
	for _, c := range st.actions.took() {
		if strings.Contains(c, "bad.tsv") {
			t.Errorf("a refused file reached the action: %s", c)
		}
	}
}

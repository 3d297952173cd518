package config_test

import (
	"strings"
	"testing"
	"time"

	"engagebot/config"
)

// TestAnalyzeRetrain: analyze.retrain is a duration, empty for never; a
// bad one is refused naming the key and the reason.
func TestAnalyzeRetrain(t *testing.T) {
	for i, tc := range []struct {
		yaml string
		want time.Duration
		err  string // part of the error, "" for none
	}{
		{"analyze: {}", 0, ""},
		{`analyze: {retrain: ""}`, 0, ""},
		{"analyze: {retrain: }", 0, ""},
		{`analyze: {retrain: "0"}`, 0, ""},
		{`analyze: {retrain: "24h"}`, 24 * time.Hour, ""},
		{`analyze: {retrain: 90m}`, 90 * time.Minute, ""},
		{`analyze: {retrain: daily}`, 0, `analyze.retrain: invalid duration "daily"`},
		{`analyze: {retrain: "0 3 * * *"}`, 0, `analyze.retrain: invalid duration "0 3 * * *"`},
		{`analyze: {retrain: "-1h"}`, 0, `analyze.retrain: invalid duration "-1h"`},
		{`analyze: {retrain: "10s"}`, 0, "analyze.retrain: must be at least 1m, or empty for never"},
		{`analyze: {retrain: [24h]}`, 0, "analyze.retrain: must be a single value"},
	} {
		c, err := config.Parse([]byte(tc.yaml), factories, env(nil))
		if tc.err == "" {
			if err != nil {
				t.Errorf("%d: %s: %v", i, tc.yaml, err)
			} else if got := c.Analyze.Retrain.Duration(); got != tc.want {
				t.Errorf("%d: %s: retrain %v, want %v", i, tc.yaml, got, tc.want)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%d: %s: error %v, want %q", i, tc.yaml, err, tc.err)
		}
	}
}

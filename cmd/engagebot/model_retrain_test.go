package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"engagebot/config"
	"engagebot/internal/wait"
)

// analyze.retrain runs the model's retraining in the service: off when
// empty, every period when set.
func TestModelRetrainConfig(t *testing.T) {
	f := newModelFixture(t)
	c := config.Default()
	if r := newRetraining(c, f.svc); r != nil {
		t.Errorf("no analyze.retrain gave a runner %v", r)
	}
	c.Analyze.Retrain = config.Period(24 * time.Hour)
	r, ok := newRetraining(c, f.svc).(retraining)
	if !ok || r.every != 24*time.Hour || r.model != f.svc {
		t.Fatalf("analyze.retrain 24h gave %+v, want a retraining every 24h", r)
	}

	// Run as the service runs it, with a short period: each training is
	// the audited action, done as the config key.
	f.correctSlang(6)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- retraining{model: f.svc, every: 10 * time.Millisecond}.Run(ctx) }()
	wait.For(t, 30*time.Second, "a scheduled training", func() bool {
		f.audit.mu.Lock()
		defer f.audit.mu.Unlock()
		return len(f.audit.entries) > 0
	})
	cancel()
	if err := <-done; err != nil {
		t.Errorf("retraining stopped with %v", err)
	}
	f.audit.mu.Lock()
	entries := slices.Clone(f.audit.entries)
	f.audit.mu.Unlock()
	if entries[0] != "model.train model by analyze.retrain" {
		t.Errorf("audit %v, want the training by analyze.retrain", entries)
	}
	st, err := f.svc.ModelStatus(context.Background(), prActor)
	if err != nil || st.By != "analyze.retrain" || st.Examples != 18 {
		t.Errorf("model after a scheduled training: %+v, %v", st, err)
	}
	if got := f.sentiment(t, "the parcel was zorbix"); got != "neg" {
		t.Errorf("the scheduled model is not in use: %q", got)
	}
}

// check-config refuses a bad analyze.retrain by its key and reason.
func TestConfigRetrain(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		value string
		code  int
		want  string
	}{
		{`"24h"`, 0, ""},
		{`""`, 0, ""},
		{`"0 3 * * *"`, 1, `analyze.retrain: invalid duration "0 3 * * *"`},
		{`"5s"`, 1, "analyze.retrain: must be at least 1m"},
	} {
		path := filepath.Join(dir, "config.yaml")
		if err := os.WriteFile(path, []byte("analyze:\n  retrain: "+tc.value+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := runCLI(t, "", "check-config", "-config", path)
		if code != tc.code || !strings.Contains(stdout+stderr, tc.want) {
			t.Errorf("check-config with analyze.retrain %s: exit %d, want %d with %q\n%s%s", tc.value, code, tc.code, tc.want, stdout, stderr)
		}
	}
}

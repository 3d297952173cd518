package fakeplatform

import (
	"slices"
	"testing"
	"time"

	"engagebot/bot"
)

func TestFailures(t *testing.T) {
	var fs Failures[string]
	fs.Next("send", "a")
	fs.Next("send", "b")
	fs.Every("send", 2, "every")
	var got []string
	for range 6 {
		f, _ := fs.Take("send")
		got = append(got, f)
	}
	// Queued failures come first and do not count towards every n-th.
	if want := []string{"a", "b", "", "every", "", "every"}; !slices.Equal(got, want) {
		t.Fatalf("failures %q, want %q", got, want)
	}
	fs.Every("send", 0, "")
	if f, ok := fs.Take("send"); ok {
		t.Errorf("Every stopped, still got %q", f)
	}
	if _, ok := fs.Take("other"); ok {
		t.Errorf("a method without failures failed")
	}
}

func TestOver(t *testing.T) {
	now := time.Unix(1000, 0)
	sec := bot.Rate{Count: 2, Per: time.Second}
	for i, tc := range []struct {
		history []time.Time
		r       bot.Rate
		slack   time.Duration
		over    bool
	}{
		{nil, sec, 0, false},
		{[]time.Time{now.Add(-500 * time.Millisecond)}, sec, 0, false},
		{[]time.Time{now.Add(-900 * time.Millisecond), now.Add(-500 * time.Millisecond)}, sec, 0, true},
		{[]time.Time{now.Add(-time.Second), now.Add(-500 * time.Millisecond)}, sec, 0, false},
		{[]time.Time{now.Add(-995 * time.Millisecond), now.Add(-500 * time.Millisecond)}, sec, 10 * time.Millisecond, false},
		{[]time.Time{now, now, now}, bot.Rate{}, 0, false},
	} {
		if got := Over(tc.history, tc.r, now, tc.slack); got != tc.over {
			t.Errorf("%d: Over = %v, want %v", i, got, tc.over)
		}
	}
}

// Package wait polls a condition in tests until it holds or time runs out,
// so a test waits for what it needs to see and never for a fixed time.
package wait

import (
	"testing"
	"time"
)

// Poll intervals: quick at first, so a condition met at once costs little
// time, then slower, so a long wait costs little CPU on a shared machine.
const (
	firstInterval = time.Millisecond
	maxInterval   = 20 * time.Millisecond
)

// Until polls cond until it holds or d has passed, and reports whether it
// held. cond is called at least once, and once more after d has passed.
func Until(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	interval := firstInterval
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(interval)
		interval = min(2*interval, maxInterval)
	}
	return true
}

// For polls cond until it holds, and fails t when d passes first, naming
// what it waited for.
func For(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	if !Until(d, cond) {
		t.Fatalf("timed out after %v waiting for %s", d, what)
	}
}

// Len polls list until it holds at least n items and returns them; when d
// passes first it fails t with what (the items' name) and how many there
// were.
func Len[T any](t testing.TB, d time.Duration, what string, n int, list func() []T) []T {
	t.Helper()
	var items []T
	if !Until(d, func() bool { items = list(); return len(items) >= n }) {
		t.Fatalf("%s: %d after %v, want %d", what, len(items), d, n)
	}
	return items
}

package wait_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"engagebot/internal/wait"
)

// recordTB records a failure instead of ending the test.
type recordTB struct {
	testing.TB
	failed string
}

func (r *recordTB) Helper() {}

func (r *recordTB) Fatalf(format string, args ...any) { r.failed = fmt.Sprintf(format, args...) }

// soon returns a condition that holds from its n-th call on, and the count
// of calls.
func soon(n int64) (func() bool, *atomic.Int64) {
	var calls atomic.Int64
	return func() bool { return calls.Add(1) >= n }, &calls
}

func TestUntil(t *testing.T) {
	for i, tc := range []struct {
		name      string
		holdsFrom int64 // 0: never
		d         time.Duration
		want      bool
	}{
		{"holds at once", 1, time.Second, true},
		{"holds after a few polls", 4, 5 * time.Second, true},
		{"never holds", 0, 30 * time.Millisecond, false},
		{"no time at all still checks once", 1, 0, true},
	} {
		cond, calls := soon(tc.holdsFrom)
		if tc.holdsFrom == 0 {
			cond = func() bool { calls.Add(1); return false }
		}
		if got := wait.Until(tc.d, cond); got != tc.want {
			t.Errorf("%d %s: Until = %v, want %v", i, tc.name, got, tc.want)
		}
		if tc.want && calls.Load() != tc.holdsFrom {
			t.Errorf("%d %s: cond called %d times, want %d (it must stop once the condition holds)", i, tc.name, calls.Load(), tc.holdsFrom)
		}
		if !tc.want && calls.Load() < 2 {
			t.Errorf("%d %s: cond called %d times, want it checked again after the deadline", i, tc.name, calls.Load())
		}
	}
}

func TestFor(t *testing.T) {
	cond, _ := soon(3)
	ok := &recordTB{TB: t}
	wait.For(ok, 5*time.Second, "the third call", cond)
	if ok.failed != "" {
		t.Errorf("For failed on a condition that holds: %s", ok.failed)
	}
	late := &recordTB{TB: t}
	wait.For(late, 10*time.Millisecond, "a reply", func() bool { return false })
	if want := "timed out after 10ms waiting for a reply"; late.failed != want {
		t.Errorf("For failure = %q, want %q", late.failed, want)
	}
}

func TestLen(t *testing.T) {
	var n atomic.Int64
	list := func() []int { return make([]int, n.Add(1)) }
	ok := &recordTB{TB: t}
	if got := wait.Len(ok, 5*time.Second, "items", 3, list); len(got) != 3 || ok.failed != "" {
		t.Errorf("Len = %d items (failure %q), want 3", len(got), ok.failed)
	}
	short := &recordTB{TB: t}
	wait.Len(short, 10*time.Millisecond, "messages sent", 2, func() []string { return []string{"one"} })
	if want := "messages sent: 1 after 10ms, want 2"; short.failed != want {
		t.Errorf("Len failure = %q, want %q", short.failed, want)
	}
}

package bot

import (
	"sync"
	"time"
)

// limiter spaces events by a Rate with a burst, using the generic cell rate
// algorithm: one timestamp per key, no goroutines, exact under a fake
// clock. The dispatcher loop peeks with when() to schedule, and each send
// reserves its slot with reserve() right before calling the platform, so
// the spacing holds at the platform, whatever the store's latency.
type limiter struct {
	mu    sync.Mutex
	tat   map[string]time.Time // theoretical arrival time per key
	until map[string]time.Time // blocked until, after a platform's retry-after
}

func newLimiter() *limiter {
	return &limiter{tat: map[string]time.Time{}, until: map[string]time.Time{}}
}

// when returns the earliest time an event for key may happen under r,
// never before now.
func (l *limiter) when(key string, r Rate, burst int, now time.Time) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.whenLocked(key, r, burst, now)
}

func (l *limiter) whenLocked(key string, r Rate, burst int, now time.Time) time.Time {
	at := now
	if u, ok := l.until[key]; ok {
		if u.After(now) {
			at = u
		} else {
			delete(l.until, key)
		}
	}
	iv := r.Interval()
	if iv == 0 {
		return at
	}
	burst = max(burst, 1)
	tat, ok := l.tat[key]
	if !ok || tat.Before(at) {
		tat = at
	}
	if allowAt := tat.Add(-time.Duration(burst-1) * iv); allowAt.After(at) {
		return allowAt
	}
	return at
}

// reserve takes the earliest slot for key at or after earliest and returns it.
func (l *limiter) reserve(key string, r Rate, burst int, earliest time.Time) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	at := l.whenLocked(key, r, burst, earliest)
	if iv := r.Interval(); iv > 0 {
		tat, ok := l.tat[key]
		if !ok || tat.Before(at) {
			tat = at
		}
		l.tat[key] = tat.Add(iv)
	}
	return at
}

// block makes key wait until t at least (a platform's retry-after).
func (l *limiter) block(key string, t time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.until[key].Before(t) {
		l.until[key] = t
	}
}

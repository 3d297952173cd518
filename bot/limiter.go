package bot

import "time"

// limiter spaces events by a Rate with a burst, using the generic cell rate
// algorithm: one timestamp per key, no goroutines, exact under a fake clock.
// It is not safe for concurrent use; the dispatcher loop owns it.
type limiter struct {
	tat   map[string]time.Time // theoretical arrival time per key
	until map[string]time.Time // blocked until, after a platform's retry-after
}

func newLimiter() *limiter {
	return &limiter{tat: map[string]time.Time{}, until: map[string]time.Time{}}
}

// when returns the earliest time an event for key may happen under r,
// never before now.
func (l *limiter) when(key string, r Rate, burst int, now time.Time) time.Time {
	if u, ok := l.until[key]; ok {
		if u.After(now) {
			return u
		}
		delete(l.until, key)
	}
	iv := r.Interval()
	if iv == 0 {
		return now
	}
	if burst < 1 {
		burst = 1
	}
	tat, ok := l.tat[key]
	if !ok || tat.Before(now) {
		tat = now
	}
	allowAt := tat.Add(-time.Duration(burst-1) * iv)
	if allowAt.Before(now) {
		return now
	}
	return allowAt
}

// take records an event for key at now, which must not be before when().
func (l *limiter) take(key string, r Rate, now time.Time) {
	iv := r.Interval()
	if iv == 0 {
		return
	}
	tat, ok := l.tat[key]
	if !ok || tat.Before(now) {
		tat = now
	}
	l.tat[key] = tat.Add(iv)
}

// block makes key wait until t at least (a platform's retry-after).
func (l *limiter) block(key string, t time.Time) {
	if l.until[key].Before(t) {
		l.until[key] = t
	}
}

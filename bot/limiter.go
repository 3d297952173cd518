package bot

import (
	"sync"
	"time"
)

// Limit is one spacing rule a send must keep: at most Burst sends at once
// under Key, then one per Interval.
type Limit struct {
	Key      string
	Interval time.Duration
	Burst    int
}

// Limiter spaces sends by Limits. The dispatcher peeks to decide when an
// item may go and reserves right before the request leaves, so the spacing
// holds at the platform whatever the store's latency. The default keeps its
// state in memory for one process; replicas that share an account share a
// Limiter (queue/nats).
type Limiter interface {
	// Peek returns the earliest time, not before now, at which a send under
	// every one of limits may happen, without reserving it.
	Peek(now time.Time, limits ...Limit) time.Time
	// Reserve takes the earliest slot at or after earliest that every one
	// of limits allows, for all of them at once, and returns it.
	Reserve(earliest time.Time, limits ...Limit) time.Time
	// Block makes key wait until t at least (a platform's retry-after).
	Block(key string, t time.Time)
}

// NewLimiter returns the single-process Limiter: the generic cell rate
// algorithm with one timestamp per key, no goroutines, exact under a fake
// clock.
func NewLimiter() Limiter {
	return &memLimiter{tat: map[string]time.Time{}, until: map[string]time.Time{}}
}

type memLimiter struct {
	mu    sync.Mutex
	tat   map[string]time.Time // theoretical arrival time per key
	until map[string]time.Time // blocked until, after a platform's retry-after
}

func (l *memLimiter) Peek(now time.Time, limits ...Limit) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.earliest(now, limits)
}

func (l *memLimiter) Reserve(earliest time.Time, limits ...Limit) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	at := l.earliest(earliest, limits)
	for _, lm := range limits {
		if lm.Interval <= 0 {
			continue
		}
		tat, ok := l.tat[lm.Key]
		if !ok || tat.Before(at) {
			tat = at
		}
		l.tat[lm.Key] = tat.Add(lm.Interval)
	}
	return at
}

func (l *memLimiter) Block(key string, t time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.until[key].Before(t) {
		l.until[key] = t
	}
}

// earliest is the first time at or after now that all limits allow. Each
// key's allowed times form a half-line, so the latest of the keys' own
// earliest times is allowed by all of them.
func (l *memLimiter) earliest(now time.Time, limits []Limit) time.Time {
	at := now
	for _, lm := range limits {
		if t := l.keyEarliest(lm, now); t.After(at) {
			at = t
		}
	}
	return at
}

func (l *memLimiter) keyEarliest(lm Limit, now time.Time) time.Time {
	at := now
	if u, ok := l.until[lm.Key]; ok {
		if u.After(now) {
			at = u
		} else {
			delete(l.until, lm.Key)
		}
	}
	if lm.Interval <= 0 {
		return at
	}
	tat, ok := l.tat[lm.Key]
	if !ok || tat.Before(at) {
		return at
	}
	if allowAt := tat.Add(-time.Duration(max(lm.Burst, 1)-1) * lm.Interval); allowAt.After(at) {
		return allowAt
	}
	return at
}

// paced is the Limit for r under key, its interval lengthened by a small
// margin: requests leave a few milliseconds apart from when they were
// timed (goroutine scheduling, the network), and a platform counts them
// when they arrive, so spacing them exactly at the limit would now and
// then put two inside one window.
func paced(key string, r Rate, burst int) Limit {
	iv := r.Interval()
	if iv > 0 {
		iv += min(max(iv/20, 2*time.Millisecond), 50*time.Millisecond)
	}
	return Limit{Key: key, Interval: iv, Burst: max(burst, 1)}
}

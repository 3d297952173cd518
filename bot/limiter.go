package bot

import (
	"sync"
	"time"
)

// Limit is one of a platform's sending rules: at most Rate.Count requests
// under Key in any span of Rate.Per, as the platform counts them.
type Limit struct {
	Key  string
	Rate Rate
}

// Limiter keeps the platform's count of requests: each send takes its
// place in it, and waits for it, just before the item is claimed and the
// request leaves. The dispatcher plans its sends to stay inside the
// limits, so Take rarely waits; it is what holds when requests planned
// apart bunch up. The default keeps its state in
// memory for one process; replicas that share an account share a Limiter
// (queue/nats).
type Limiter interface {
	// Take returns the earliest time, not before now, at which one more
	// request keeps every one of limits, and counts the request then.
	Take(now time.Time, limits ...Limit) time.Time
	// Block makes key wait until t at least (a platform's retry-after).
	Block(key string, t time.Time)
}

// NewLimiter returns the single-process Limiter: the times of the recent
// requests of each key, kept for one period.
func NewLimiter() Limiter {
	return &memLimiter{log: map[string][]time.Time{}, until: map[string]time.Time{}}
}

type memLimiter struct {
	mu    sync.Mutex
	log   map[string][]time.Time // recent requests per key, oldest first
	until map[string]time.Time   // blocked until, after a platform's retry-after
	takes int
}

func (l *memLimiter) Take(now time.Time, limits ...Limit) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	at := l.next(now, limits)
	for _, lm := range limits {
		n, per := lm.Rate.Count, windowOf(lm.Rate)
		if n <= 0 {
			continue
		}
		h := append(l.log[lm.Key], at)
		for len(h) > n || (len(h) > 0 && !h[0].After(at.Add(-per))) {
			h = h[1:]
		}
		l.log[lm.Key] = h
	}
	if l.takes++; l.takes%4096 == 0 {
		l.sweep(at)
	}
	return at
}

func (l *memLimiter) next(now time.Time, limits []Limit) time.Time {
	at := now
	for _, lm := range limits {
		if u := l.until[lm.Key]; u.After(at) {
			at = u
		}
		if n, per := lm.Rate.Count, windowOf(lm.Rate); n > 0 {
			if h := l.log[lm.Key]; len(h) >= n {
				if free := h[len(h)-n].Add(per); free.After(at) {
					at = free
				}
			}
		}
	}
	return at
}

// sweep forgets keys whose requests are all older than any window, so a
// campaign to many chats does not leave a key per chat behind.
func (l *memLimiter) sweep(now time.Time) {
	for k, h := range l.log {
		if len(h) == 0 || h[len(h)-1].Before(now.Add(-time.Hour)) {
			delete(l.log, k)
		}
	}
	for k, u := range l.until {
		if u.Before(now) {
			delete(l.until, k)
		}
	}
}

func (l *memLimiter) Block(key string, t time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.until[key].Before(t) {
		l.until[key] = t
	}
}

// windowOf is the span in which a platform counts r, widened a little:
// requests arrive a little later than they leave (the network, the
// platform's own clock), so two that leave just one period apart could
// land inside one.
func windowOf(r Rate) time.Duration {
	if r.Count <= 0 || r.Per <= 0 {
		return 0
	}
	return r.Per + min(max(r.Per/50, time.Millisecond), 20*time.Millisecond)
}

// pacer spaces events evenly by the generic cell rate algorithm: one
// timestamp per key, exact under a fake clock. The dispatcher's loop plans
// with it, so that sends start apart and at most the burst at once.
//
// It knows nothing of the sends an earlier run of the process made, which
// the platform still counts, so every key starts as if its burst had been
// spent when the pacer was made (for at most maxCarry): after a restart
// the spacing the platform saw before it carries on.
type pacer struct {
	start time.Time
	tat   map[string]time.Time // theoretical arrival time per key
	until map[string]time.Time // blocked until, after a platform's retry-after
}

// maxCarry bounds how long a restart holds back a key: longer windows
// (X's 15 minutes) rely on the platform's own retry-after instead.
const maxCarry = 1500 * time.Millisecond

// pace is how a pacer spaces one key.
type pace struct {
	key      string
	interval time.Duration
	burst    int
}

func newPacer(start time.Time) *pacer {
	return &pacer{start: start, tat: map[string]time.Time{}, until: map[string]time.Time{}}
}

// paced is the pace for r under key, its interval lengthened by a
// margin: requests leave later than they were counted, by the varying
// latency of the claim's commit, and spacing them exactly at the limit
// would now and then bring too many into one of the platform's periods. A
// tenth keeps the count of any period a few requests short of the limit:
// room for commits up to about 100 ms apart in latency at Telegram's 30/s
// and 1/s per chat.
func paced(key string, r Rate, burst int) pace {
	iv := r.Interval()
	if iv > 0 {
		iv += min(max(iv/10, 2*time.Millisecond), 100*time.Millisecond)
	}
	return pace{key: key, interval: iv, burst: max(burst, 1)}
}

func (p *pacer) tatOf(pc pace) time.Time {
	if tat, ok := p.tat[pc.key]; ok {
		return tat
	}
	carry := min(time.Duration(pc.burst)*pc.interval, maxCarry+time.Duration(pc.burst-1)*pc.interval)
	return p.start.Add(carry)
}

// when is the earliest time at or after now that pc allows.
func (p *pacer) when(pc pace, now time.Time) time.Time {
	at := now
	if u, ok := p.until[pc.key]; ok {
		if u.After(now) {
			at = u
		} else {
			delete(p.until, pc.key)
		}
	}
	if pc.interval <= 0 {
		return at
	}
	tat := p.tatOf(pc)
	if allowAt := tat.Add(-time.Duration(pc.burst-1) * pc.interval); allowAt.After(at) {
		return allowAt
	}
	return at
}

// reserve takes the slot at t, which when allowed.
func (p *pacer) reserve(pc pace, t time.Time) {
	if pc.interval <= 0 {
		return
	}
	tat := p.tatOf(pc)
	if tat.Before(t) {
		tat = t
	}
	p.tat[pc.key] = tat.Add(pc.interval)
}

// forget drops a key's state once it no longer holds anything back.
func (p *pacer) forget(key string, now time.Time) {
	if tat, ok := p.tat[key]; ok && tat.Before(now) {
		delete(p.tat, key)
	}
}

func (p *pacer) block(key string, t time.Time) {
	if p.until[key].Before(t) {
		p.until[key] = t
	}
}

// Package fakeplatform holds what the fake platforms in adapters' tests
// share: failures injected per method and sliding rate windows. (Waiting
// for what a fake received is engagebot/internal/wait.)
package fakeplatform

import (
	"sync"
	"time"

	"engagebot/bot"
)

// Failures are the failures a test injects into a fake's calls of a
// method: the queued ones first, in order, then every n-th call. The zero
// value is ready; it is safe for concurrent use.
type Failures[F any] struct {
	mu    sync.Mutex
	next  map[string][]F
	every map[string]*everyN[F]
}

type everyN[F any] struct {
	n, count int
	f        F
}

// Next queues f for the next call of method.
func (fs *Failures[F]) Next(method string, f F) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.next == nil {
		fs.next = map[string][]F{}
	}
	fs.next[method] = append(fs.next[method], f)
}

// Every fails every n-th call of method with f; n <= 0 stops it.
func (fs *Failures[F]) Every(method string, n int, f F) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if n <= 0 {
		delete(fs.every, method)
		return
	}
	if fs.every == nil {
		fs.every = map[string]*everyN[F]{}
	}
	fs.every[method] = &everyN[F]{n: n, f: f}
}

// Take returns the failure for this call of method, if any.
func (fs *Failures[F]) Take(method string) (F, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if q := fs.next[method]; len(q) > 0 {
		fs.next[method] = q[1:]
		return q[0], true
	}
	if e := fs.every[method]; e != nil {
		e.count++
		if e.count%e.n == 0 {
			return e.f, true
		}
	}
	var none F
	return none, false
}

// Over reports whether one more send at now would exceed r, given the
// times of the sends accepted before it, oldest first. Slack forgives
// sends that arrive this much early (clock jitter). A zero Rate is
// unlimited.
func Over(history []time.Time, r bot.Rate, now time.Time, slack time.Duration) bool {
	if r.Count <= 0 || r.Per <= 0 {
		return false
	}
	since := now.Add(-(r.Per - slack))
	n := 0
	for i := len(history) - 1; i >= 0 && history[i].After(since); i-- {
		n++
	}
	return n >= r.Count
}

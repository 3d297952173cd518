// Package poll holds what adapters' pollers share: waits that end with
// the context, back-off after failures, and reading the stored cursor.
package poll

import (
	"context"
	"log/slog"
	"time"

	"engagebot/bot"
)

// Back-off between failed polls.
const (
	MinBackoff = 500 * time.Millisecond
	MaxBackoff = time.Minute
)

// Sleep waits d or until ctx is done; it reports whether ctx is still live.
func Sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// Backoff spaces out retries after failures: each step doubles, from
// MinBackoff up to MaxBackoff, until Reset. The zero value is ready.
type Backoff struct {
	next time.Duration
}

// Wait sleeps d when the platform said how long to wait (a retry-after),
// or else the next back-off step. It reports whether ctx is still live.
func (b *Backoff) Wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		d = max(b.next, MinBackoff)
		b.next = min(d*2, MaxBackoff)
	}
	return Sleep(ctx, d)
}

// Reset starts the back-off over, after a poll that worked.
func (b *Backoff) Reset() { b.next = 0 }

// ReadCursor reads a poller's stored cursor ("" when none), retrying with
// back-off while the inbox fails. ok is false when ctx ended first.
func ReadCursor(ctx context.Context, inbox bot.Inbox, key string, log *slog.Logger) (cursor string, ok bool) {
	var b Backoff
	for {
		v, err := inbox.Cursor(ctx, key)
		if err == nil {
			return v, true
		}
		log.Error("reading the stored cursor failed", "key", key, "err", err)
		if !b.Wait(ctx, 0) {
			return "", false
		}
	}
}

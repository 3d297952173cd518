package rubika

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"engagebot/adapters/internal/poll"
	"engagebot/bot"
)

// CursorKey is where the poller keeps its offset_id.
func (a *Adapter) CursorKey() string {
	return bot.AccountKey(bot.PlatformRubika, a.name) + "/updates"
}

// Run polls getUpdates until ctx is done and returns nil then. Each batch
// is stored together with its next_offset_id, so the offset advances only
// after the updates are stored and a restart resumes where it was.
func (p *Poller) Run(ctx context.Context) error {
	if p.inbox == nil {
		return fmt.Errorf("rubika: account %s: polling needs an inbox", p.name)
	}
	offset, ok := poll.ReadCursor(ctx, p.inbox, p.CursorKey(), p.log)
	if !ok {
		return nil
	}
	p.log.Info("rubika: polling", "resume", offset != "")
	var backoff poll.Backoff
	for ctx.Err() == nil {
		cctx, cancel := context.WithTimeout(ctx, p.cfg.PollTimeout+p.cfg.RequestTimeout)
		res, err := p.client.GetUpdates(cctx, offset, p.cfg.PollLimit, p.cfg.PollTimeout)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			var ae *APIError
			wait := time.Duration(0)
			if errors.As(err, &ae) && ae.RateLimited() {
				wait = ae.RetryAfter
				if wait == 0 {
					wait = p.cfg.RateLimitedWait
				}
			}
			p.log.Warn("rubika: getUpdates failed", "err", err)
			backoff.Wait(ctx, wait)
			continue
		}
		next := string(res.NextOffsetID)
		if next == "" {
			next = offset
		}
		if len(res.Updates) == 0 && next == offset {
			backoff.Reset()
			poll.Sleep(ctx, p.cfg.PollInterval)
			continue
		}
		events := p.parseBatch(ctx, res.Updates, offset)
		if err := p.resolveSenders(ctx, events); err != nil {
			p.log.Warn("rubika: polled updates not stored yet", "err", err)
			backoff.Wait(ctx, 0)
			continue
		}
		if err := p.inbox.Accept(ctx, events, &bot.Cursor{Key: p.CursorKey(), Value: next}); err != nil {
			if ctx.Err() != nil {
				break
			}
			// The offset stays: the same updates come again.
			p.log.Error("rubika: storing polled updates failed", "err", err, "count", len(events))
			backoff.Wait(ctx, 0)
			continue
		}
		backoff.Reset()
		offset = next
		if len(res.Updates) < p.cfg.PollLimit {
			poll.Sleep(ctx, p.cfg.PollInterval)
		}
	}
	p.log.Info("rubika: polling stopped")
	return nil
}

// parseBatch maps a batch; unreadable updates are logged and skipped (the
// offset moves past them with the batch). An update's place in the stream
// ("<offset>#<index>") makes start and stop ids unique and stable when
// the same batch is fetched again.
func (p *Poller) parseBatch(ctx context.Context, raws []json.RawMessage, offset string) []bot.Event {
	pr := p.parser(ctx)
	var events []bot.Event
	for i, raw := range raws {
		evs, err := pr.parseUpdate(raw, offset+"#"+strconv.Itoa(i))
		if err != nil {
			p.log.Warn("rubika: skipping an unreadable update", "err", err)
			continue
		}
		events = append(events, evs...)
	}
	return events
}

package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"engagebot/adapters/internal/poll"
	"engagebot/adapters/internal/webhook"
	"engagebot/bot"
)

// Poller is an Adapter in polling mode: Run calls getUpdates and stores
// what it gets together with the next offset, so a restart resumes exactly
// after the last stored batch.
type Poller struct {
	*Adapter
}

// Webhook answers 409 Conflict: the account is in polling mode, and
// Telegram refuses getUpdates while a webhook is set.
func (p *Poller) Webhook() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		webhook.Error(w, http.StatusConflict, "this account is in polling mode")
	})
}

// RegisterWebhook refuses: the account is in polling mode.
func (p *Poller) RegisterWebhook(context.Context, string) error {
	return fmt.Errorf("telegram: account %s is in polling mode; set mode: webhook to use a webhook", p.name)
}

// CursorKey is where the poller keeps its offset.
func (a *Adapter) CursorKey() string {
	return bot.AccountKey(bot.PlatformTelegram, a.name) + "/updates"
}

// Run polls until ctx is done; it returns nil then.
func (p *Poller) Run(ctx context.Context) error {
	if p.inbox == nil {
		return fmt.Errorf("telegram: account %s: polling needs an inbox", p.name)
	}
	offset, ok := p.loadOffset(ctx)
	if !ok {
		return nil
	}
	p.log.Info("telegram: polling", "offset", offset)
	var backoff poll.Backoff
	for ctx.Err() == nil {
		raws, err := p.getUpdates(ctx, offset)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			var ae *apiError
			wait := time.Duration(0)
			switch {
			case errors.As(err, &ae) && ae.Code == http.StatusTooManyRequests:
				wait = ae.RetryAfter
				p.log.Warn("telegram: getUpdates rate limited", "retry_after", wait)
			case errors.As(err, &ae) && ae.Code == http.StatusConflict:
				p.log.Error("telegram: getUpdates refused while a webhook is set; delete the webhook (deleteWebhook) or use mode: webhook", "err", err)
			default:
				p.log.Warn("telegram: getUpdates failed", "err", err)
			}
			backoff.Wait(ctx, wait)
			continue
		}
		if len(raws) == 0 {
			backoff.Reset()
			poll.Sleep(ctx, p.cfg.PollInterval)
			continue
		}
		next, events, callbacks := p.parseBatch(ctx, raws, offset)
		if next == offset && len(events) == 0 {
			// Nothing readable and nothing to step over: wait rather than
			// ask for the same batch in a tight loop.
			p.log.Error("telegram: getUpdates returned only unreadable updates", "count", len(raws))
			backoff.Wait(ctx, 0)
			continue
		}
		cur := &bot.Cursor{Key: p.CursorKey(), Value: strconv.Itoa(next)}
		if err := p.inbox.Accept(ctx, events, cur); err != nil {
			if ctx.Err() != nil {
				break
			}
			// The offset stays: the same updates come again.
			p.log.Error("telegram: storing polled updates failed", "err", err, "count", len(events))
			backoff.Wait(ctx, 0)
			continue
		}
		backoff.Reset()
		offset = next
		for _, id := range callbacks {
			p.answerCallback(ctx, id)
		}
	}
	p.log.Info("telegram: polling stopped")
	return nil
}

// loadOffset reads the stored offset, retrying until ctx is done.
func (p *Poller) loadOffset(ctx context.Context) (int, bool) {
	v, ok := poll.ReadCursor(ctx, p.inbox, p.CursorKey(), p.log)
	if !ok || v == "" {
		return 0, ok
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		p.log.Error("telegram: stored offset is not a number; starting from Telegram's oldest pending update", "value", v)
		return 0, true
	}
	return n, true
}

func (p *Poller) getUpdates(ctx context.Context, offset int) ([]json.RawMessage, error) {
	allowed, _ := json.Marshal(allowedUpdates)
	params := map[string]string{
		"limit":           strconv.Itoa(p.cfg.PollLimit),
		"timeout":         strconv.Itoa(int(p.cfg.PollTimeout / time.Second)),
		"allowed_updates": string(allowed),
	}
	if offset != 0 {
		params["offset"] = strconv.Itoa(offset)
	}
	ctx, cancel := context.WithTimeout(ctx, p.cfg.PollTimeout+p.cfg.RequestTimeout)
	defer cancel()
	res, err := p.client.call(ctx, p.pollHC, "getUpdates", params)
	if err != nil {
		return nil, err
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(res, &raws); err != nil {
		return nil, fmt.Errorf("telegram: getUpdates: result is not a list: %w", err)
	}
	return raws, nil
}

// parseBatch maps a batch and finds the next offset. Unreadable updates are
// logged and stepped over when their update_id can be read.
func (p *Poller) parseBatch(ctx context.Context, raws []json.RawMessage, offset int) (next int, events []bot.Event, callbacks []string) {
	pr := p.parser(ctx)
	next = offset
	for _, raw := range raws {
		u, err := pr.parseUpdate(raw)
		id := u.UpdateID
		if err != nil {
			var ok bool
			if id, ok = updateIDOf(raw); !ok {
				p.log.Warn("telegram: skipping an update without a readable update_id", "err", err)
				continue
			}
			p.log.Warn("telegram: skipping an unreadable update", "update_id", id, "err", err)
		}
		next = max(next, id+1)
		events = append(events, u.Events...)
		if u.CallbackID != "" {
			callbacks = append(callbacks, u.CallbackID)
		}
	}
	return next, events, callbacks
}

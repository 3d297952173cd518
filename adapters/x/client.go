package x

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"engagebot/bot"
)

// Endpoint families, each with its own allowance at X.
const (
	famTweets   = "tweets"
	famDM       = "dm"
	famMentions = "mentions"
	famTimeline = "timeline"
	famHide     = "hide"
)

// budget is what X said is left of an endpoint's allowance, and the calls
// to it in flight, which X may not have counted yet.
type budget struct {
	remaining int
	reset     time.Time // zero: unknown
	inflight  int
	wake      chan struct{} // closed when a call ends
	// limited is the last 429 and limitedGen counts them: calls that were
	// waiting when one came back are refused with it instead of probing
	// one after another into the same exhausted window.
	limited    *bot.SendError
	limitedGen int
}

// apiError is X's error body: v2 problem fields, or the v1.1-style
// errors array (rate limits: code 88).
type apiError struct {
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Type   string `json:"type"`
	Errors []struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"errors"`
}

// call makes one signed v2 request and decodes a 2xx answer into out.
// Failures are *bot.SendError.
func (a *Adapter) call(ctx context.Context, family, method, path string, query url.Values, body, out any) error {
	release, err := a.take(ctx, family)
	if err != nil {
		return err
	}
	var answer http.Header // the headers X answered with, if any
	defer func() { release(answer) }()
	u := a.cfg.APIBase + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return &bot.SendError{Kind: bot.SendPermanent, Code: "bad_body", Err: fmt.Errorf("x: %s %s: %w", method, path, err)}
		}
		rd = bytes.NewReader(b)
	}
	// wrote tells a failure before the request went out (safe to retry)
	// from one after (X may have acted on it).
	var wrote atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { wrote.Store(true) },
	})
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return &bot.SendError{Kind: bot.SendPermanent, Code: "bad_request", Err: fmt.Errorf("x: %s %s: %w", method, path, err)}
	}
	if body != nil {
		// JSON bodies are not part of the OAuth 1.0a signature.
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := a.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		err = fmt.Errorf("x: %s %s: %w", method, path, err)
		if wrote.Load() && method != http.MethodGet {
			return &bot.SendError{Kind: bot.SendUnknown, Code: "no_answer", Err: err}
		}
		return &bot.SendError{Kind: bot.SendTemporary, Code: "network", Err: err}
	}
	defer resp.Body.Close()
	answer = resp.Header
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if resp.StatusCode/100 == 2 {
		if err == nil {
			err = json.Unmarshal(raw, out)
		}
		if err != nil {
			kind := bot.SendUnknown // X acted; sending again could repeat it
			if method == http.MethodGet {
				kind = bot.SendTemporary
			}
			return &bot.SendError{Kind: kind, Code: "bad_answer",
				Err: fmt.Errorf("x: %s %s: status %d, unreadable answer: %w", method, path, resp.StatusCode, err)}
		}
		a.auth.Accepted()
		return nil
	}
	se := a.classify(resp.StatusCode, raw, resp.Header)
	se.Err = fmt.Errorf("x: %s %s: %w", method, path, se.Err)
	switch se.Kind {
	case bot.SendUnauthorized:
		if a.auth.Rejected(se) {
			a.log.Warn("credentials rejected: the account needs attention", "err", se)
		}
	case bot.SendRateLimited:
		// The dispatcher waits RetryAfter; what we knew is stale, and the
		// calls waiting behind this one are refused with it.
		answer = nil
		a.mu.Lock()
		b := a.budgets[family]
		b.reset, b.limited = time.Time{}, se
		b.limitedGen++
		a.mu.Unlock()
	}
	return se
}

// classify turns a failed answer into a SendError.
func (a *Adapter) classify(status int, raw []byte, h http.Header) *bot.SendError {
	var ae apiError
	_ = json.Unmarshal(raw, &ae)
	msg, code := ae.Detail, "http_"+strconv.Itoa(status)
	if msg == "" {
		msg = ae.Title
	}
	if len(ae.Errors) > 0 {
		if msg == "" {
			msg = ae.Errors[0].Message
		}
		if ae.Errors[0].Code != 0 {
			code = strconv.Itoa(ae.Errors[0].Code)
		}
	} else if i := strings.LastIndex(ae.Type, "/problems/"); i >= 0 {
		code = ae.Type[i+len("/problems/"):]
	}
	if status == http.StatusForbidden && duplicateContent(ae) {
		code = codeDuplicate
	}
	se := &bot.SendError{Kind: bot.SendPermanent, Code: code, Err: fmt.Errorf("status %d: %s", status, msg)}
	switch {
	case status == http.StatusUnauthorized:
		se.Kind = bot.SendUnauthorized
	case status == http.StatusTooManyRequests:
		se.Kind, se.RetryAfter = bot.SendRateLimited, a.cfg.RateLimitWait
		if reset, ok := header(h, "x-rate-limit-reset"); ok {
			se.RetryAfter = max(time.Second, ceilSecond(time.Unix(int64(reset), 0).Sub(a.now())))
		}
	case status >= 500:
		se.Kind = bot.SendTemporary
	}
	return se
}

// codeDuplicate is the Code of X's refusal of a text the account created
// recently: the dispatcher fails such an item and a person sees this reason.
const codeDuplicate = "duplicate_content"

// duplicateContent reports whether a 403 body is X's duplicate refusal: v2
// answers a problem whose detail says "duplicate content" (its type is
// about:blank, so the detail is all there is), v1.1 answered code 187.
func duplicateContent(ae apiError) bool {
	if strings.Contains(strings.ToLower(ae.Detail), "duplicate content") {
		return true
	}
	for _, e := range ae.Errors {
		if e.Code == 187 {
			return true
		}
	}
	return false
}

// take reserves one call of a family's allowance and returns the function
// that ends it with X's answer headers (nil for none). While the allowance
// is known, it refuses when only the reserve is left, counting the calls
// in flight as spent. While it is unknown (at start, after a reset or a
// 429), one call goes alone and the others wait for its answer, so a burst
// cannot overrun a limit it has not heard of yet.
func (a *Adapter) take(ctx context.Context, family string) (func(http.Header), error) {
	gen := -1 // the 429 count when this call started waiting
	for {
		a.mu.Lock()
		b := a.budgets[family]
		if b == nil {
			b = &budget{}
			a.budgets[family] = b
		}
		now := a.now()
		if gen >= 0 && b.limitedGen > gen {
			se := *b.limited
			a.mu.Unlock()
			return nil, &se
		}
		known := !b.reset.IsZero() && now.Before(b.reset)
		if known && b.remaining-b.inflight <= a.cfg.RateLimitReserve {
			reset := b.reset
			left := b.remaining - b.inflight
			a.mu.Unlock()
			return nil, &bot.SendError{Kind: bot.SendRateLimited, RetryAfter: ceilSecond(reset.Sub(now)), Code: "allowance_brake",
				Err: fmt.Errorf("x: %d calls left to %s until %s; holding", left, family, reset.UTC().Format(time.RFC3339))}
		}
		if known || b.inflight == 0 {
			b.inflight++
			a.mu.Unlock()
			return func(h http.Header) { a.release(b, h) }, nil
		}
		if gen < 0 {
			gen = b.limitedGen
		}
		if b.wake == nil {
			b.wake = make(chan struct{})
		}
		wake := b.wake
		a.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return nil, &bot.SendError{Kind: bot.SendTemporary, Code: "canceled", Err: fmt.Errorf("x: waiting for %s allowance: %w", family, ctx.Err())}
		}
	}
}

// release ends a call and records the allowance X reported. Within one
// window the lowest report wins, since answers may arrive out of order.
func (a *Adapter) release(b *budget, h http.Header) {
	a.mu.Lock()
	defer a.mu.Unlock()
	b.inflight--
	if b.wake != nil {
		close(b.wake)
		b.wake = nil
	}
	rem, ok1 := header(h, "x-rate-limit-remaining")
	reset, ok2 := header(h, "x-rate-limit-reset")
	if !ok1 || !ok2 {
		return
	}
	switch r := time.Unix(int64(reset), 0); {
	case r.After(b.reset):
		b.remaining, b.reset = rem, r
	case r.Equal(b.reset):
		b.remaining = min(b.remaining, rem)
	}
}

func header(h http.Header, name string) (int, bool) {
	if h == nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(h.Get(name)))
	return n, err == nil && n >= 0
}

func ceilSecond(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return (d + time.Second - 1).Truncate(time.Second)
}

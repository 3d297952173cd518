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
	famHide     = "hide"
)

// budget is what X said is left of an endpoint's allowance.
type budget struct {
	remaining int
	reset     time.Time
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
	if err := a.take(family); err != nil {
		return err
	}
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
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if resp.StatusCode/100 == 2 {
		a.observe(family, resp.Header)
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
		a.setAuthErr(nil)
		return nil
	}
	se := a.classify(resp.StatusCode, raw, resp.Header)
	se.Err = fmt.Errorf("x: %s %s: %w", method, path, se.Err)
	switch se.Kind {
	case bot.SendUnauthorized:
		a.setAuthErr(se)
	case bot.SendRateLimited:
		// The dispatcher waits RetryAfter; what we knew is stale.
		a.mu.Lock()
		delete(a.budgets, family)
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

// take spends one call of a family's allowance, or refuses while only
// the reserve is left before X's reset.
func (a *Adapter) take(family string) error {
	now := a.now()
	a.mu.Lock()
	defer a.mu.Unlock()
	b := a.budgets[family]
	if b == nil || !now.Before(b.reset) {
		return nil
	}
	if b.remaining <= a.cfg.RateLimitReserve {
		wait := ceilSecond(b.reset.Sub(now))
		return &bot.SendError{Kind: bot.SendRateLimited, RetryAfter: wait, Code: "allowance_brake",
			Err: fmt.Errorf("x: %d calls left to %s until %s; holding", b.remaining, family, b.reset.UTC().Format(time.RFC3339))}
	}
	b.remaining--
	return nil
}

// observe records the allowance X reported.
func (a *Adapter) observe(family string, h http.Header) {
	rem, ok1 := header(h, "x-rate-limit-remaining")
	reset, ok2 := header(h, "x-rate-limit-reset")
	if !ok1 || !ok2 {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.budgets[family] = &budget{remaining: rem, reset: time.Unix(int64(reset), 0)}
}

func header(h http.Header, name string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(h.Get(name)))
	return n, err == nil && n >= 0
}

func ceilSecond(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return (d + time.Second - 1).Truncate(time.Second)
}

package meta

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
	"sync/atomic"
	"time"

	"engagebot/bot"
)

// graphError is Meta's error envelope.
type graphError struct {
	Error *struct {
		Message   string `json:"message"`
		Type      string `json:"type"`
		Code      int    `json:"code"`
		Subcode   int    `json:"error_subcode"`
		FBTraceID string `json:"fbtrace_id"`
	} `json:"error"`
}

// call makes one Graph API request: path below the version, query
// parameters, a JSON body (nil for none), and decodes a 2xx answer into
// out. Failures are *bot.SendError.
func (a *Adapter) call(ctx context.Context, method, path string, query map[string]string, body, out any) error {
	u, err := url.Parse(a.cfg.APIBase + "/" + a.cfg.APIVersion + "/" + path)
	if err != nil {
		return permanent("bad_url", fmt.Errorf("meta: %s %s: %w", method, path, err))
	}
	q := u.Query()
	for k, v := range query {
		q.Set(k, v)
	}
	if a.cfg.TokenIn == "query" {
		q.Set("access_token", a.cfg.AccessToken)
	}
	u.RawQuery = q.Encode()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return permanent("bad_body", fmt.Errorf("meta: %s %s: %w", method, path, err))
		}
		rd = bytes.NewReader(b)
	}
	// wrote tells a timeout before the request went out (safe to retry)
	// from one after (Meta may have acted on it).
	var wrote atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { wrote.Store(true) },
	})
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return permanent("bad_request", fmt.Errorf("meta: %s %s: %w", method, path, err))
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if a.cfg.TokenIn == "header" {
		req.Header.Set("Authorization", "Bearer "+a.cfg.AccessToken)
	}
	resp, err := a.http.Do(req)
	if err != nil {
		// The URL may carry the token: keep only the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		err = fmt.Errorf("meta: %s %s: %w", method, path, err)
		if wrote.Load() {
			return &bot.SendError{Kind: bot.SendUnknown, Code: "no_answer", Err: err}
		}
		return &bot.SendError{Kind: bot.SendTemporary, Code: "network", Err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 == 2 {
		a.observeUsage(resp.Header)
		if err == nil {
			err = json.Unmarshal(raw, out)
		}
		if err != nil {
			// Meta acted but its answer is unreadable: sending again could
			// repeat the message, so a person decides.
			return &bot.SendError{Kind: bot.SendUnknown, Code: "bad_answer",
				Err: fmt.Errorf("meta: %s %s: status %d, unreadable answer: %w", method, path, resp.StatusCode, err)}
		}
		a.auth.Accepted()
		return nil
	}
	se := a.classify(resp.StatusCode, raw, resp.Header)
	se.Err = fmt.Errorf("meta: %s %s: %w", method, path, se.Err)
	if se.Kind == bot.SendUnauthorized && a.auth.Rejected(se) {
		a.log.Warn("access token rejected: the account needs attention", "err", se)
	}
	return se
}

// classify turns a failed answer into a SendError by Meta's error code,
// not the HTTP status: rate limits come back as 400 or 403.
func (a *Adapter) classify(status int, raw []byte, h http.Header) *bot.SendError {
	var ge graphError
	if json.Unmarshal(raw, &ge) != nil || ge.Error == nil {
		kind := bot.SendPermanent
		if status >= 500 || status == http.StatusTooManyRequests {
			kind = bot.SendTemporary
		}
		if status == http.StatusUnauthorized {
			kind = bot.SendUnauthorized
		}
		return &bot.SendError{Kind: kind, Code: "http_" + strconv.Itoa(status), Err: fmt.Errorf("status %d", status)}
	}
	e := ge.Error
	code := strconv.Itoa(e.Code)
	if e.Subcode != 0 {
		code += "/" + strconv.Itoa(e.Subcode)
	}
	err := fmt.Errorf("status %d, code %s (%s): %s", status, code, e.Type, e.Message)
	se := &bot.SendError{Kind: bot.SendPermanent, Code: code, Err: err}
	switch {
	case e.Code == 190 || e.Code == 102:
		se.Kind = bot.SendUnauthorized
	case e.Code == 4 || e.Code == 17 || e.Code == 32 || e.Code == 341 || e.Code == 613 ||
		(e.Code >= 80001 && e.Code <= 80014):
		se.Kind, se.RetryAfter = bot.SendRateLimited, a.cfg.RateLimitWait
		if _, eta := usage(h); eta > 0 {
			se.RetryAfter = eta
		}
	case e.Code == 1 || e.Code == 2 || e.Code == 368 || status >= 500:
		se.Kind = bot.SendTemporary
	case e.Code == 10 && (e.Subcode == 2018278 || e.Subcode == 2534022):
		se.Code = "outside_window"
	}
	return se
}

// usageReport is one entry of a usage header.
type usageReport struct {
	CallCount    float64 `json:"call_count"`
	TotalCPUTime float64 `json:"total_cputime"`
	TotalTime    float64 `json:"total_time"`
	// ETA is in minutes (business use case header only).
	ETA float64 `json:"estimated_time_to_regain_access"`
}

func (r usageReport) max() float64 { return max(r.CallCount, r.TotalCPUTime, r.TotalTime) }

// usage reads Meta's usage headers: the highest percentage of any limit,
// and the longest time Meta says it needs to regain access.
func usage(h http.Header) (pct float64, eta time.Duration) {
	for _, name := range []string{"X-App-Usage", "X-Page-Usage"} {
		var r usageReport
		if v := h.Get(name); v != "" && json.Unmarshal([]byte(v), &r) == nil {
			pct = max(pct, r.max())
		}
	}
	var buc map[string][]usageReport
	if v := h.Get("X-Business-Use-Case-Usage"); v != "" && json.Unmarshal([]byte(v), &buc) == nil {
		for _, rs := range buc {
			for _, r := range rs {
				pct = max(pct, r.max())
				if d := time.Duration(r.ETA * float64(time.Minute)); d > eta {
					eta = d
				}
			}
		}
	}
	return pct, eta
}

// observeUsage engages the brake when a successful answer reports usage
// at or above slow_down_at.
func (a *Adapter) observeUsage(h http.Header) {
	if a.cfg.SlowDownAt <= 0 {
		return
	}
	pct, eta := usage(h)
	if pct < float64(a.cfg.SlowDownAt) {
		return
	}
	until := a.now().Add(max(a.cfg.SlowDownPause, eta))
	a.mu.Lock()
	defer a.mu.Unlock()
	if until.After(a.holdUntil) {
		a.holdUntil = until
		a.log.Info("usage near Meta's limit: holding sends", "usage_pct", pct, "until", until)
	}
}

// brake refuses a send while the usage brake holds.
func (a *Adapter) brake() error {
	now := a.now()
	a.mu.Lock()
	defer a.mu.Unlock()
	if now.Before(a.holdUntil) {
		return &bot.SendError{Kind: bot.SendRateLimited, RetryAfter: a.holdUntil.Sub(now), Code: "usage_brake",
			Err: fmt.Errorf("meta: usage reached %d%% of Meta's limit; holding sends", a.cfg.SlowDownAt)}
	}
	return nil
}

package apiclient

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"

	"engagebot/bot"
)

// Do sends req with hc and reports whether the whole request went out:
// after that, the platform may have acted on it even when no answer comes.
func Do(hc *http.Client, req *http.Request) (resp *http.Response, wrote bool, err error) {
	var w atomic.Bool
	trace := &httptrace.ClientTrace{WroteRequest: func(info httptrace.WroteRequestInfo) {
		if info.Err == nil {
			w.Store(true)
		}
	}}
	resp, err = hc.Do(req.WithContext(httptrace.WithClientTrace(req.Context(), trace)))
	return resp, w.Load(), err
}

// TransportError is a call that got no usable answer.
type TransportError struct {
	Platform string // "telegram"
	Method   string
	// Wrote is true when the whole request went out, so the platform may
	// have acted on it.
	Wrote bool
	// Status is the HTTP status of an answer that could not be read, 0
	// when none came.
	Status int
	Err    error
}

func (e *TransportError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("%s: %s: HTTP %d: %v", e.Platform, e.Method, e.Status, e.Err)
	}
	return fmt.Sprintf("%s: %s: %v", e.Platform, e.Method, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

// SendError classifies the failure for the dispatcher: a 5xx is
// temporary; no readable answer after the request went out is unknown (the
// message may be in the chat already, so a person decides); anything
// before that is temporary.
func (e *TransportError) SendError() *bot.SendError {
	switch {
	case e.Status >= 500:
		return &bot.SendError{Kind: bot.SendTemporary, Code: "http_" + strconv.Itoa(e.Status), Err: e}
	case e.Wrote:
		return &bot.SendError{Kind: bot.SendUnknown, Code: "no_answer", Err: e}
	}
	return &bot.SendError{Kind: bot.SendTemporary, Code: "transport", Err: e}
}

// Redact removes secret (a token that is part of every URL) from err's
// text, keeping *url.Error (and so Timeout()) intact.
func Redact(err error, secret string) error {
	if err == nil || secret == "" || !strings.Contains(err.Error(), secret) {
		return err
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		cp := *ue
		cp.URL = strings.ReplaceAll(ue.URL, secret, "<token>")
		if cp.Err != nil && strings.Contains(cp.Err.Error(), secret) {
			cp.Err = errors.New(strings.ReplaceAll(cp.Err.Error(), secret, "<token>"))
		}
		return &cp
	}
	return errors.New(strings.ReplaceAll(err.Error(), secret, "<token>"))
}

// ValidBase reports whether s can be an adapter's api_base: an absolute
// http(s) URL.
func ValidBase(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"engagebot/adapters/internal/apiclient"
	"engagebot/bot"
)

// client makes Bot API calls through tgbotapi.BotAPI.MakeRequest, adding
// what v5.5.1 lacks: a context per call, knowing whether the request went
// out (a timeout after that may have delivered), and errors that never
// carry the token (it is part of every URL).
type client struct {
	api   *tgbotapi.BotAPI // a template, copied per call with its own HTTP doer
	token string
	// auth is whether Telegram accepts the token: rejected by a 401 to any
	// call (a poller's getUpdates included), accepted again by the next
	// call that works.
	auth apiclient.AuthStatus
}

func newClient(token, apiBase string) *client {
	// Built by hand rather than with tgbotapi.NewBotAPI, which calls getMe
	// at once: building an adapter must not need the network.
	api := &tgbotapi.BotAPI{Token: token, Buffer: 100}
	api.SetAPIEndpoint(strings.TrimRight(apiBase, "/") + "/bot%s/%s")
	return &client{api: api, token: token}
}

// apiError is an answer of the Bot API with ok=false.
type apiError struct {
	Method      string
	Code        int
	Description string
	RetryAfter  time.Duration
	MigrateTo   int64
}

func (e *apiError) Error() string {
	s := fmt.Sprintf("telegram: %s: %d %s", e.Method, e.Code, e.Description)
	if e.MigrateTo != 0 {
		s += fmt.Sprintf(" (group moved to %d)", e.MigrateTo)
	}
	return s
}

// call makes one API call with hc and returns its result.
func (c *client) call(ctx context.Context, hc *http.Client, method string, params tgbotapi.Params) (json.RawMessage, error) {
	d := &doer{ctx: ctx, hc: hc}
	api := *c.api
	api.Client = d
	resp, err := api.MakeRequest(method, params)
	if err == nil {
		c.auth.Accepted()
		return resp.Result, nil
	}
	var te *tgbotapi.Error
	if errors.As(err, &te) {
		ae := &apiError{
			Method: method, Code: te.Code, Description: te.Message,
			RetryAfter: time.Duration(te.RetryAfter) * time.Second, MigrateTo: te.MigrateToChatID,
		}
		if ae.Code == http.StatusUnauthorized {
			c.auth.Rejected(ae)
		}
		return nil, ae
	}
	return nil, &apiclient.TransportError{Platform: "telegram", Method: method, Wrote: d.wrote.Load(), Status: int(d.status.Load()), Err: apiclient.Redact(err, c.token)}
}

// doer is the tgbotapi.HTTPClient of one call.
type doer struct {
	ctx    context.Context
	hc     *http.Client
	wrote  atomic.Bool
	status atomic.Int32
}

func (d *doer) Do(req *http.Request) (*http.Response, error) {
	resp, wrote, err := apiclient.Do(d.hc, req.WithContext(d.ctx))
	d.wrote.Store(wrote)
	if resp != nil {
		d.status.Store(int32(resp.StatusCode))
	}
	return resp, err
}

// classify turns a failed send into the dispatcher's terms.
func classify(err error) *bot.SendError {
	var ae *apiError
	if errors.As(err, &ae) {
		code := strconv.Itoa(ae.Code)
		switch {
		case ae.Code == http.StatusTooManyRequests:
			return &bot.SendError{Kind: bot.SendRateLimited, RetryAfter: ae.RetryAfter, Code: code, Err: err}
		case ae.Code == http.StatusUnauthorized:
			return &bot.SendError{Kind: bot.SendUnauthorized, Code: code, Err: err}
		case ae.Code >= 500:
			return &bot.SendError{Kind: bot.SendTemporary, Code: code, Err: err}
		case ae.Code == http.StatusForbidden && strings.Contains(ae.Description, "blocked by the user"):
			return &bot.SendError{Kind: bot.SendPermanent, Code: bot.CodeBlocked, Err: err}
		case ae.Code >= 400:
			// 400 bad request (including a group that became a supergroup:
			// the text names the new id), 403 blocked by the user or removed
			// from the chat, 404, 409: sending again will not help.
			return &bot.SendError{Kind: bot.SendPermanent, Code: code, Err: err}
		}
		return &bot.SendError{Kind: bot.SendTemporary, Code: code, Err: err}
	}
	var te *apiclient.TransportError
	if errors.As(err, &te) {
		return te.SendError()
	}
	return bot.SendErrorOf(err)
}

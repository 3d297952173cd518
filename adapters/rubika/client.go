package rubika

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"engagebot/adapters/internal/apiclient"
)

// Client is a small typed client of the Rubika Bot API: every method is a
// POST of a JSON object to <base>/<token>/<method>, answered with the
// envelope {"status": "OK", "data": {...}} or a non-OK status such as
// INVALID_ACCESS, INVALID_INPUT or TOO_REQUESTS.
type Client struct {
	base  string
	token string
	hc    *http.Client
	// auth is whether Rubika accepts the token: rejected by INVALID_ACCESS
	// or HTTP 401, accepted again by the next call that works.
	auth apiclient.AuthStatus
}

// NewClient returns a client of the API at base (DefaultAPIBase for the
// real one).
func NewClient(base, token string, hc *http.Client) *Client {
	if hc == nil {
		hc = &http.Client{}
	}
	return &Client{base: strings.TrimRight(base, "/"), token: token, hc: hc}
}

// Error statuses Rubika answers with.
const (
	StatusOK            = "OK"
	StatusInvalidAccess = "INVALID_ACCESS"
	StatusInvalidInput  = "INVALID_INPUT"
	StatusTooRequests   = "TOO_REQUESTS"
)

// APIError is an answer with a status other than OK, or an HTTP error
// status with a readable envelope.
type APIError struct {
	Method     string
	HTTPStatus int
	Status     string
	DevMessage string
	// RetryAfter is the Retry-After header's value, 0 when absent.
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("rubika: %s: %s", e.Method, e.Status)
	if e.HTTPStatus != http.StatusOK {
		s += fmt.Sprintf(" (HTTP %d)", e.HTTPStatus)
	}
	if e.DevMessage != "" {
		s += ": " + e.DevMessage
	}
	return s
}

// RateLimited reports a TOO_REQUESTS answer (both spellings seen in the
// wild) or an HTTP 429.
func (e *APIError) RateLimited() bool {
	return e.Status == StatusTooRequests || e.Status == "TOO_REQUEST" || e.HTTPStatus == http.StatusTooManyRequests
}

// Unauthorized reports an answer refusing the token.
func (e *APIError) Unauthorized() bool {
	return e.Status == StatusInvalidAccess || e.HTTPStatus == http.StatusUnauthorized
}

// TransportError is a call that got no usable answer.
type TransportError = apiclient.TransportError

const maxAnswerBytes = 8 << 20

// ErrBadData is an OK answer whose data could not be read: the call took
// effect, only its result is lost.
var ErrBadData = errors.New("OK answer with unreadable data")

// Call posts req (nil for {}) to method and decodes the answer's data into
// out (when not nil).
func (c *Client) Call(ctx context.Context, method string, req, out any) error {
	if req == nil {
		req = struct{}{}
	}
	body, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("rubika: %s: encode: %w", method, err)
	}
	hreq, err := http.NewRequest(http.MethodPost, c.base+"/"+c.token+"/"+method, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("rubika: %s: %w", method, apiclient.Redact(err, c.token))
	}
	hreq.Header.Set("Content-Type", "application/json")
	resp, wrote, err := apiclient.Do(c.hc, hreq.WithContext(ctx))
	if err != nil {
		return &TransportError{Platform: "rubika", Method: method, Wrote: wrote, Err: apiclient.Redact(err, c.token)}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes))
	if err != nil {
		return &TransportError{Platform: "rubika", Method: method, Wrote: true, Status: resp.StatusCode, Err: apiclient.Redact(err, c.token)}
	}
	var env struct {
		Status     string          `json:"status"`
		Data       json.RawMessage `json:"data"`
		DevMessage string          `json:"dev_message"`
	}
	if err := json.Unmarshal(raw, &env); err != nil || env.Status == "" {
		if resp.StatusCode == http.StatusTooManyRequests {
			return &APIError{Method: method, HTTPStatus: resp.StatusCode, Status: StatusTooRequests, RetryAfter: retryAfter(resp.Header)}
		}
		return &TransportError{Platform: "rubika", Method: method, Wrote: true, Status: resp.StatusCode, Err: errors.New("answer is not a Rubika envelope")}
	}
	if env.Status != StatusOK || resp.StatusCode >= 400 {
		ae := &APIError{Method: method, HTTPStatus: resp.StatusCode, Status: env.Status, DevMessage: env.DevMessage, RetryAfter: retryAfter(resp.Header)}
		if ae.Unauthorized() {
			c.auth.Rejected(ae)
		}
		return ae
	}
	c.auth.Accepted()
	if out == nil {
		return nil
	}
	if len(env.Data) == 0 || string(env.Data) == "null" {
		return &TransportError{Platform: "rubika", Method: method, Wrote: true, Status: resp.StatusCode, Err: fmt.Errorf("%w: none", ErrBadData)}
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		return &TransportError{Platform: "rubika", Method: method, Wrote: true, Status: resp.StatusCode, Err: fmt.Errorf("%w: %v", ErrBadData, err)}
	}
	return nil
}

func retryAfter(h http.Header) time.Duration {
	n, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After")))
	if err != nil || n <= 0 {
		return 0
	}
	return time.Duration(n) * time.Second
}

// ---- methods ----

// Bot is getMe's bot.
type Bot struct {
	BotID    string `json:"bot_id"`
	BotTitle string `json:"bot_title"`
	Username string `json:"username"`
}

// GetMe returns the bot.
func (c *Client) GetMe(ctx context.Context) (Bot, error) {
	var out struct {
		Bot Bot `json:"bot"`
	}
	err := c.Call(ctx, "getMe", nil, &out)
	return out.Bot, err
}

// Chat is getChat's chat.
type Chat struct {
	ChatID    ID     `json:"chat_id"`
	ChatType  string `json:"chat_type"` // User, Bot, Group, Channel
	UserID    ID     `json:"user_id"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Title     string `json:"title"`
	Username  string `json:"username"`
}

// GetChat returns a chat.
func (c *Client) GetChat(ctx context.Context, chatID string) (Chat, error) {
	var out struct {
		Chat Chat `json:"chat"`
	}
	err := c.Call(ctx, "getChat", map[string]string{"chat_id": chatID}, &out)
	return out.Chat, err
}

// Keypad is an inline or chat keypad.
type Keypad struct {
	Rows []KeypadRow `json:"rows"`
}

// KeypadRow is one row of buttons.
type KeypadRow struct {
	Buttons []Button `json:"buttons"`
}

// Button is a keypad button; Type "Simple" reports its ID when pressed.
type Button struct {
	ID         string      `json:"id"`
	Type       string      `json:"type"`
	ButtonText string      `json:"button_text"`
	ButtonLink *ButtonLink `json:"button_link,omitempty"`
}

// ButtonLink opens a URL (type "url").
type ButtonLink struct {
	Type    string `json:"type"`
	LinkURL string `json:"link_url"`
}

// SendMessage is sendMessage's request.
type SendMessage struct {
	ChatID              string  `json:"chat_id"`
	Text                string  `json:"text"`
	ReplyToMessageID    string  `json:"reply_to_message_id,omitempty"`
	InlineKeypad        *Keypad `json:"inline_keypad,omitempty"`
	DisableNotification bool    `json:"disable_notification,omitempty"`
}

// SendMessage sends a text and returns the new message's id.
func (c *Client) SendMessage(ctx context.Context, m SendMessage) (string, error) {
	var out struct {
		MessageID ID `json:"message_id"`
	}
	err := c.Call(ctx, "sendMessage", m, &out)
	return string(out.MessageID), err
}

// SendPoll is sendPoll's request: the fields every library sends. rubpy
// alone sends more (type, is_anonymous, allows_multiple_answers,
// reply_to_message_id, ...), which Rubika's own documentation does not
// name, so they are left out.
type SendPoll struct {
	ChatID   string   `json:"chat_id"`
	Question string   `json:"question"`
	Options  []string `json:"options"`
}

// SendPoll sends a poll and returns its message's id.
func (c *Client) SendPoll(ctx context.Context, p SendPoll) (string, error) {
	var out struct {
		MessageID ID `json:"message_id"`
	}
	err := c.Call(ctx, "sendPoll", p, &out)
	return string(out.MessageID), err
}

// Updates is getUpdates' answer: raw updates, decoded one by one so a
// malformed one does not hide the others.
type Updates struct {
	Updates      []json.RawMessage `json:"updates"`
	NextOffsetID ID                `json:"next_offset_id"`
}

// GetUpdates returns updates after offset ("" for the oldest kept).
func (c *Client) GetUpdates(ctx context.Context, offset string, limit int, timeout time.Duration) (Updates, error) {
	req := map[string]any{"limit": limit}
	if offset != "" {
		req["offset_id"] = offset
	}
	if timeout > 0 {
		req["timeout"] = int(timeout / time.Second)
	}
	var out Updates
	err := c.Call(ctx, "getUpdates", req, &out)
	return out, err
}

// UpdateBotEndpoints registers url for one endpoint type.
func (c *Client) UpdateBotEndpoints(ctx context.Context, url, typ string) error {
	var out struct {
		Status string `json:"status"`
	}
	if err := c.Call(ctx, "updateBotEndpoints", map[string]string{"url": url, "type": typ}, &out); err != nil {
		return err
	}
	if out.Status != "Done" {
		return fmt.Errorf("rubika: updateBotEndpoints %s: status %q", typ, out.Status)
	}
	return nil
}

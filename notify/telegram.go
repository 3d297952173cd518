package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"engagebot/bot"
)

// Telegram sends alerts to a Telegram chat through a bot (sendMessage).
type Telegram struct {
	// APIBase is the Bot API's base URL (default https://api.telegram.org).
	APIBase string
	// Token is the bot's token; it is never logged or put in an error.
	Token string
	// Chat is the chat id (a group's is negative) or @channel.
	Chat string
	// Lang is the language of the text (fa or en).
	Lang string
	// Dashboard is the service's public address (server.public_url): the
	// text links each thread's page there.
	Dashboard string
	// Client defaults to one with a 15 s timeout.
	Client *http.Client
}

var _ bot.Notifier = (*Telegram)(nil)

// Name tells this notifier apart in Alert.Delivered.
func (t *Telegram) Name() string { return "telegram:" + t.Chat }

// Notify sends the alert's text to the chat.
func (t *Telegram) Notify(ctx context.Context, a *bot.Alert) error {
	base := strings.TrimSuffix(t.APIBase, "/")
	if base == "" {
		base = "https://api.telegram.org"
	}
	body, err := json.Marshal(map[string]any{"chat_id": t.Chat, "text": Text(a, t.Lang, t.Dashboard)})
	if err != nil {
		return fmt.Errorf("telegram alert: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/bot"+t.Token+"/sendMessage", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("telegram alert: bad api_base")
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client(t.Client).Do(req)
	if err != nil {
		return fmt.Errorf("telegram alert: %w", redact(err))
	}
	defer resp.Body.Close()
	var r struct {
		OK          bool   `json:"ok"`
		Description string `json:"description"`
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err := json.Unmarshal(data, &r); err != nil || !r.OK {
		return fmt.Errorf("telegram alert: status %d: %s", resp.StatusCode, r.Description)
	}
	return nil
}

func client(c *http.Client) *http.Client {
	if c != nil {
		return c
	}
	return &http.Client{Timeout: 15 * time.Second}
}

package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"engagebot/bot"
)

// Webhook posts alerts as JSON to a URL: the alert's fields under
// "alert" and the text people read under "text".
type Webhook struct {
	// URL is where to post; it may hold a key, so it is never logged.
	URL string
	// Lang is the language of the text (fa or en).
	Lang string
	// Dashboard is the service's public address (server.public_url): the
	// text links each thread's page there.
	Dashboard string
	// Client defaults to one with a 15 s timeout.
	Client *http.Client
}

var _ bot.Notifier = (*Webhook)(nil)

// WebhookBody is what Webhook posts.
type WebhookBody struct {
	Event string     `json:"event"` // "crisis_alert"
	Text  string     `json:"text"`
	Alert *bot.Alert `json:"alert"`
}

// Name tells this notifier apart in Alert.Delivered (without the URL).
func (w *Webhook) Name() string { return "webhook" }

// Notify posts the alert; any 2xx answer is success.
func (w *Webhook) Notify(ctx context.Context, a *bot.Alert) error {
	body, err := json.Marshal(WebhookBody{Event: "crisis_alert", Text: Text(a, w.Lang, w.Dashboard), Alert: a})
	if err != nil {
		return fmt.Errorf("webhook alert: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook alert: bad url")
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client(w.Client).Do(req)
	if err != nil {
		return fmt.Errorf("webhook alert: %w", redact(err))
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook alert: status %d", resp.StatusCode)
	}
	return nil
}

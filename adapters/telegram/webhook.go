package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"engagebot/adapters/internal/webhook"
)

// SecretHeader carries setWebhook's secret_token on every delivery.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// maxUpdateBytes bounds one webhook body.
const maxUpdateBytes = 1 << 20

// Webhook serves Telegram's deliveries at the account's mount
// (/webhooks/telegram/<name>/). It answers 401 without the secret header
// and 403 with a wrong one, before reading the body; 400 for a body that is
// not an update; 503 when the update could not be stored (Telegram then
// delivers it again); 200 once it is stored. A button press is answered in
// the 200 itself (answerCallbackQuery as the webhook reply), which stops
// the follower's spinner without another request.
func (a *Adapter) Webhook() http.Handler { return http.HandlerFunc(a.serveWebhook) }

func (a *Adapter) serveWebhook(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" && r.URL.Path != "" {
		webhook.NotFound(w)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		webhook.Error(w, http.StatusMethodNotAllowed, "method not allowed")
		return
	}
	switch got := r.Header.Get(SecretHeader); {
	case got == "":
		a.log.Warn("telegram: webhook delivery without the secret token refused", "remote", r.RemoteAddr)
		webhook.Error(w, http.StatusUnauthorized, "missing secret token")
		return
	case !webhook.SecretEqual(got, a.cfg.WebhookSecret):
		a.log.Warn("telegram: webhook delivery with a wrong secret token refused", "remote", r.RemoteAddr)
		webhook.Error(w, http.StatusForbidden, "wrong secret token")
		return
	}
	if a.inbox == nil {
		webhook.Error(w, http.StatusServiceUnavailable, "not receiving")
		return
	}
	body, ok := webhook.ReadBody(w, r, maxUpdateBytes)
	if !ok {
		return
	}
	p, err := a.parser(r.Context()).parseUpdate(body)
	if err != nil {
		a.log.Warn("telegram: webhook body is not an update", "err", err, "bytes", len(body))
		webhook.Error(w, http.StatusBadRequest, "not an update")
		return
	}
	if err := webhook.Accept(w, r, a.inbox, p.Events); err != nil {
		a.log.Error("telegram: storing a webhook update failed; Telegram will deliver it again", "update_id", p.UpdateID, "err", err)
		return
	}
	a.log.Debug("telegram: webhook update stored", "update_id", p.UpdateID, "events", len(p.Events))
	w.Header().Set("Content-Type", "application/json")
	if p.CallbackID != "" {
		b, _ := json.Marshal(map[string]string{"method": "answerCallbackQuery", "callback_query_id": p.CallbackID})
		w.Write(b)
		return
	}
	io.WriteString(w, "{}")
}

// RegisterWebhook points Telegram at url (the public address of the
// account's webhook mount, https://host/webhooks/telegram/<name>) with
// setWebhook, including the secret token and the update kinds the adapter
// uses.
func (a *Adapter) RegisterWebhook(ctx context.Context, publicURL string) error {
	u, err := url.Parse(publicURL)
	if err != nil || u.Host == "" {
		return fmt.Errorf("telegram: account %s: register webhook: %q is not an absolute URL", a.name, publicURL)
	}
	// The mount is /webhooks/telegram/<name>/; Telegram POSTs to exactly
	// the registered URL and follows no redirect, so name the mount itself.
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	allowed, _ := json.Marshal(allowedUpdates)
	params := map[string]string{"url": u.String(), "secret_token": a.cfg.WebhookSecret, "allowed_updates": string(allowed)}
	if a.cfg.WebhookMaxConnections > 0 {
		params["max_connections"] = strconv.Itoa(a.cfg.WebhookMaxConnections)
	}
	ctx, cancel := context.WithTimeout(ctx, a.cfg.RequestTimeout)
	defer cancel()
	if _, err := a.client.call(ctx, a.hc, "setWebhook", params); err != nil {
		return fmt.Errorf("telegram: account %s: register webhook: %w", a.name, err)
	}
	a.log.Info("telegram: webhook registered", "url", u.Redacted())
	return nil
}

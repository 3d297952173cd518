package rubika

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"engagebot/adapters/internal/webhook"
)

// Sub-paths Rubika may append to the registered URL, one per endpoint type
// (whether it does is not known, so both forms are served).
var endpointPaths = []string{"receiveUpdate", "receiveInlineMessage", "receiveQuery", "getSelectionItem", "searchSelectionItems"}

const maxUpdateBytes = 1 << 20

// Webhook serves Rubika's deliveries at the account's mount
// (/webhooks/rubika/<name>/): /<secret>[/receiveUpdate|...], or /[receiveUpdate|...]
// with ?token=<secret>. It answers 401 when the secret is missing and 403
// when it is wrong, before reading the body; 400 for a body that is not
// JSON; 503 when the events could not be stored; and 200 {"status":"OK"}
// once they are.
func (a *Adapter) Webhook() http.Handler { return http.HandlerFunc(a.serveWebhook) }

func (a *Adapter) serveWebhook(w http.ResponseWriter, r *http.Request) {
	got, rest, ok := a.secretOf(r)
	if !ok {
		webhook.NotFound(w)
		return
	}
	switch {
	case got == "":
		a.log.Warn("rubika: webhook delivery without the secret refused", "remote", r.RemoteAddr)
		webhook.Error(w, http.StatusUnauthorized, "missing secret")
		return
	case !webhook.SecretEqual(got, a.cfg.WebhookSecret):
		a.log.Warn("rubika: webhook delivery with a wrong secret refused", "remote", r.RemoteAddr)
		webhook.Error(w, http.StatusForbidden, "wrong secret")
		return
	}
	if rest != "" && !isEndpointPath(rest) {
		webhook.NotFound(w)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		webhook.Error(w, http.StatusMethodNotAllowed, "method not allowed")
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
	events, err := a.parser(r.Context()).parseWebhook(body, "at"+strconv.FormatInt(a.now().Unix(), 10))
	if err != nil {
		a.log.Warn("rubika: webhook body is not an update", "err", err, "bytes", len(body))
		webhook.Error(w, http.StatusBadRequest, "not an update")
		return
	}
	if len(events) > 0 {
		if err := a.resolveSenders(r.Context(), events); err != nil {
			a.log.Error("rubika: webhook update not stored", "err", err)
			webhook.Error(w, http.StatusServiceUnavailable, "not stored, try again")
			return
		}
		if err := webhook.Accept(w, r, a.inbox, events); err != nil {
			a.log.Error("rubika: storing a webhook update failed", "err", err)
			return
		}
	} else {
		a.log.Debug("rubika: webhook delivery with nothing to store", "path", rest)
	}
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, `{"status":"OK"}`)
}

// secretOf finds the secret a delivery carries and the endpoint sub-path
// after it. ok is false for a path that cannot be a delivery.
func (a *Adapter) secretOf(r *http.Request) (secret, rest string, ok bool) {
	path := strings.Trim(r.URL.Path, "/")
	if tok, has := r.URL.Query()["token"]; has && len(tok) > 0 {
		secret = tok[0]
		// Rubika may append "/receiveUpdate" to the registered URL even
		// when it ends in a query.
		for _, p := range endpointPaths {
			if s, cut := strings.CutSuffix(secret, "/"+p); cut {
				return s, p, true
			}
		}
		return secret, path, true
	}
	if path == "" || isEndpointPath(path) {
		return "", path, true
	}
	secret, rest, _ = strings.Cut(path, "/")
	return secret, rest, true
}

func isEndpointPath(p string) bool {
	for _, e := range endpointPaths {
		if strings.EqualFold(p, e) {
			return true
		}
	}
	return false
}

// WebhookURL is the URL registered for publicURL (the account's webhook
// mount, https://host/webhooks/rubika/<name>): the secret goes in the path
// or in the query, as configured.
func (a *Adapter) WebhookURL(publicURL string) (string, error) {
	u, err := url.Parse(publicURL)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("%q is not an absolute URL", publicURL)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	if a.cfg.WebhookSecretIn == SecretInQuery {
		q := u.Query()
		q.Set("token", a.cfg.WebhookSecret)
		u.RawQuery = q.Encode()
	} else {
		u.Path += a.cfg.WebhookSecret
	}
	return u.String(), nil
}

// RegisterWebhook registers the account's webhook URL (see WebhookURL) for
// every configured endpoint type with updateBotEndpoints.
func (a *Adapter) RegisterWebhook(ctx context.Context, publicURL string) error {
	u, err := a.WebhookURL(publicURL)
	if err != nil {
		return fmt.Errorf("rubika: account %s: register webhook: %w", a.name, err)
	}
	for _, typ := range a.cfg.WebhookTypes {
		cctx, cancel := context.WithTimeout(ctx, a.cfg.RequestTimeout)
		err := a.client.UpdateBotEndpoints(cctx, u, typ)
		cancel()
		if err != nil {
			return fmt.Errorf("rubika: account %s: register webhook: %w", a.name, err)
		}
	}
	a.log.Info("rubika: webhook registered", "url", publicURL, "secret_in", a.cfg.WebhookSecretIn, "types", len(a.cfg.WebhookTypes))
	return nil
}

package x

import (
	"encoding/json"
	"net/http"

	"engagebot/adapters/internal/webhook"
)

// maxBody caps a delivery.
const maxBody = 4 << 20

// Webhook is the handler web mounts at /webhooks/x/<account>/.
func (a *Adapter) Webhook() http.Handler { return webhook.GetPost(a.crc, a.receive) }

// crc answers X's challenge, which it sends on registration and
// periodically; a wrong answer disables the webhook.
func (a *Adapter) crc(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("crc_token")
	if token == "" {
		webhook.Error(w, http.StatusBadRequest, "crc_token required")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{"response_token": CRC(a.cfg.ConsumerSecret, token)})
}

func (a *Adapter) receive(w http.ResponseWriter, r *http.Request) {
	body, ok := webhook.ReadBody(w, r, maxBody)
	if !ok {
		return
	}
	if !ValidSignature(a.cfg.ConsumerSecret, body, r.Header.Get("X-Twitter-Webhooks-Signature")) {
		a.log.Warn("webhook delivery with a bad signature refused", "bytes", len(body))
		webhook.Error(w, http.StatusUnauthorized, "bad signature")
		return
	}
	events, err := ParseActivity(a.name, a.cfg.UserID, body)
	if err != nil {
		// Signed but unreadable: retrying will not help, so no 5xx.
		a.log.Warn("webhook delivery unreadable", "err", err, "bytes", len(body))
		webhook.Error(w, http.StatusBadRequest, "malformed body")
		return
	}
	if err := webhook.Accept(w, r, a.inbox, events); err != nil {
		a.log.Error("storing webhook events failed; X will redeliver", "err", err, "events", len(events))
		return
	}
	a.log.Debug("webhook delivery stored", "events", len(events))
	w.WriteHeader(http.StatusOK)
}

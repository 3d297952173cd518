package meta

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"

	"engagebot/adapters/internal/webhook"
)

// maxBody caps a delivery: Meta batches up to 1000 updates per POST.
const maxBody = 4 << 20

// Webhook is the handler web mounts at /webhooks/<platform>/<account>/.
func (a *Adapter) Webhook() http.Handler { return webhook.GetPost(a.verify, a.receive) }

// verify answers Meta's subscription handshake: echo hub.challenge when
// hub.verify_token matches.
func (a *Adapter) verify(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	token := q.Get("hub.verify_token")
	if q.Get("hub.mode") != "subscribe" || !webhook.SecretEqual(token, a.cfg.VerifyToken) {
		a.log.Warn("webhook verification refused", "mode", q.Get("hub.mode"))
		webhook.Error(w, http.StatusForbidden, "verification refused")
		return
	}
	// The challenge is the caller's text echoed back: plain text that a
	// browser must not sniff into HTML.
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = io.WriteString(w, q.Get("hub.challenge"))
}

func (a *Adapter) receive(w http.ResponseWriter, r *http.Request) {
	body, ok := webhook.ReadBody(w, r, maxBody)
	if !ok {
		return
	}
	if !ValidSignature(a.cfg.AppSecret, body, r.Header.Get("X-Hub-Signature-256")) {
		a.log.Warn("webhook delivery with a bad signature refused", "bytes", len(body))
		webhook.Error(w, http.StatusUnauthorized, "bad signature")
		return
	}
	events, err := ParseWebhook(a.platform, a.name, a.cfg.AccountID, body)
	if err != nil {
		// Signed but unreadable: retrying will not help, so no 5xx.
		a.log.Warn("webhook delivery unreadable", "err", err, "bytes", len(body))
		webhook.Error(w, http.StatusBadRequest, "malformed body")
		return
	}
	if err := webhook.Accept(w, r, a.inbox, events); err != nil {
		a.log.Error("storing webhook events failed; Meta will redeliver", "err", err, "events", len(events))
		return
	}
	a.log.Debug("webhook delivery stored", "events", len(events))
	w.WriteHeader(http.StatusOK)
}

// Sign returns the X-Hub-Signature-256 value of body: "sha256=" and the
// hex HMAC-SHA256 keyed with the app secret.
func Sign(appSecret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// ValidSignature reports, in constant time, whether header is the
// X-Hub-Signature-256 of body. An empty secret never validates.
func ValidSignature(appSecret string, body []byte, header string) bool {
	hexSig, ok := strings.CutPrefix(header, "sha256=")
	if !ok || appSecret == "" {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}

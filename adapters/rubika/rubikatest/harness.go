package rubikatest

import (
	"net/http"
	"testing"

	"engagebot/adapters/adaptertest"
)

// Harness drives the fake for adapters/adaptertest. With Webhook it
// delivers to the endpoint the adapter registered (the test calls
// RegisterWebhook first); otherwise it queues updates for getUpdates.
// Sent.ReplyTo is given as "<chat_id>:<message_id>", the adapter's event id.
type Harness struct {
	S       *Server
	Webhook bool
}

var _ adaptertest.Harness = (*Harness)(nil)

// Deliver sends a private text message from a new follower.
func (h *Harness) Deliver(t *testing.T, in adaptertest.Inbound) string {
	t.Helper()
	name := in.UserName
	if name == "" {
		name = "Follower"
	}
	u := h.S.NewUser(name)
	if in.UserID != "" {
		u.ID = in.UserID
	}
	up := Text(u.Chat, u.ID, in.Text)
	if !h.Webhook {
		h.S.Enqueue(up)
		return u.Chat
	}
	status, err := h.S.Deliver(up)
	if err != nil {
		t.Fatalf("rubikatest: webhook delivery: %v", err)
	}
	if status != http.StatusOK {
		t.Fatalf("rubikatest: webhook answered %d, want 200", status)
	}
	return u.Chat
}

// Redeliver delivers the last update again.
func (h *Harness) Redeliver(t *testing.T) {
	t.Helper()
	if !h.Webhook {
		h.S.EnqueueDuplicate()
		return
	}
	if status, err := h.S.Redeliver(); err != nil || status != http.StatusOK {
		t.Fatalf("rubikatest: redelivery: status %d, %v", status, err)
	}
}

// Sent lists the accepted messages.
func (h *Harness) Sent(t *testing.T) []adaptertest.Sent {
	var out []adaptertest.Sent
	for _, s := range h.S.Sent() {
		as := adaptertest.Sent{Chat: s.ChatID, Text: s.Text}
		if s.ReplyTo != "" {
			as.ReplyTo = s.ChatID + ":" + s.ReplyTo
		}
		out = append(out, as)
	}
	return out
}

// FailNext fails the next sendMessage. A rate limit is a bare
// TOO_REQUESTS (Rubika sends no wait time that anyone has seen), so the
// adapter under test must be configured with rate_limited_wait equal to
// adaptertest.RetryAfter.
func (h *Harness) FailNext(t *testing.T, f adaptertest.Failure) {
	switch f {
	case adaptertest.FailRateLimit:
		h.S.FailNext("sendMessage", Failure{Kind: TooRequests})
	case adaptertest.FailServer:
		h.S.FailNext("sendMessage", Failure{Kind: ServerError, Status: http.StatusBadGateway})
	case adaptertest.FailUnauthorized:
		h.S.FailNext("sendMessage", Failure{Kind: InvalidAccess})
	default:
		t.Fatalf("rubikatest: unknown failure %d", f)
	}
}

package metatest

import (
	"testing"

	"engagebot/adapters/adaptertest"
)

// Harness drives the fake behind an adapter whose webhook is served at
// webhookURL, for adapters/adaptertest.
func (s *Server) Harness(webhookURL string) adaptertest.Harness {
	return &harness{s: s, url: webhookURL}
}

type harness struct {
	s   *Server
	url string
}

func (h *harness) Deliver(t *testing.T, in adaptertest.Inbound) string {
	t.Helper()
	body, _, from := h.s.DMBody(DM{From: in.UserID, Text: in.Text})
	if st := h.s.Post(h.url, body); st != 200 {
		t.Fatalf("metatest: delivery answered %d, want 200", st)
	}
	return from
}

func (h *harness) Redeliver(t *testing.T) {
	t.Helper()
	if st := h.s.Redeliver(h.url); st != 200 {
		t.Fatalf("metatest: redelivery answered %d, want 200", st)
	}
}

func (h *harness) Sent(t *testing.T) []adaptertest.Sent {
	var out []adaptertest.Sent
	for _, r := range h.s.Sent() {
		chat := r.Recipient
		if chat == "" {
			chat = r.CommentID
		}
		out = append(out, adaptertest.Sent{Chat: chat, Text: r.Text, ReplyTo: r.ReplyTo})
	}
	return out
}

func (h *harness) FailNext(t *testing.T, f adaptertest.Failure) {
	switch f {
	case adaptertest.FailRateLimit:
		h.s.FailNext(FailRateLimit)
	case adaptertest.FailServer:
		h.s.FailNext(FailServer)
	case adaptertest.FailUnauthorized:
		h.s.FailNext(FailUnauthorized)
	default:
		t.Fatalf("metatest: unknown failure %d", f)
	}
}

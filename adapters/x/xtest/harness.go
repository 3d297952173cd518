package xtest

import (
	"testing"

	"engagebot/adapters/adaptertest"
)

// Harness drives the fake behind an adapter whose webhook is served at
// webhookURL, for adapters/adaptertest: inbound messages are DMs.
func (s *Server) Harness(webhookURL string) adaptertest.Harness {
	return &harness{s: s, url: webhookURL}
}

type harness struct {
	s   *Server
	url string
}

func (h *harness) Deliver(t *testing.T, in adaptertest.Inbound) string {
	t.Helper()
	body, _, from := h.s.DMBody(DM{From: in.UserID, Name: in.UserName, Text: in.Text})
	if st := h.s.Post(h.url, body); st != 200 {
		t.Fatalf("xtest: delivery answered %d, want 200", st)
	}
	return from
}

func (h *harness) Redeliver(t *testing.T) {
	t.Helper()
	if st := h.s.Redeliver(h.url); st != 200 {
		t.Fatalf("xtest: redelivery answered %d, want 200", st)
	}
}

func (h *harness) Sent(t *testing.T) []adaptertest.Sent {
	var out []adaptertest.Sent
	for _, r := range h.s.Sent() {
		switch r.Kind {
		case "dm":
			out = append(out, adaptertest.Sent{Chat: r.Participant, Text: r.Text, ReplyTo: r.ReplyTo})
		case "tweet":
			out = append(out, adaptertest.Sent{Chat: r.InReplyTo, Text: r.Text, ReplyTo: r.InReplyTo})
		}
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
		t.Fatalf("xtest: unknown failure %d", f)
	}
}

// Package adaptertest is the conformance suite every platform adapter
// passes: inbound messages become valid events, redeliveries keep their id,
// replies reach the platform threaded, and send failures are classified so
// the dispatcher can wait, retry or ask a person.
//
// An adapter package runs it from its tests with a Setup that wires the
// adapter to the fake of its platform (e.g. adapters/telegram/telegramtest).
package adaptertest

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"engagebot/bot"
	"engagebot/internal/wait"
)

// Inbound is a private text message a follower sends on the fake platform.
type Inbound struct {
	UserID   string
	UserName string
	Text     string
}

// Sent is what the fake platform received from the adapter.
type Sent struct {
	Chat    string
	Text    string
	ReplyTo string
}

// Failure is a failure the fake injects into the next send.
type Failure int

const (
	// FailRateLimit answers the platform's rate-limit error asking to wait
	// RetryAfter (3 s in the suite).
	FailRateLimit Failure = iota + 1
	// FailServer answers a 5xx.
	FailServer
	// FailUnauthorized answers the platform's invalid or expired token error.
	FailUnauthorized
)

// RetryAfter is what FailRateLimit asks for.
const RetryAfter = 3 * time.Second

// Harness drives the fake platform behind one adapter.
type Harness interface {
	// Deliver makes the platform deliver a private message to the adapter
	// (a webhook POST, or an update queued for the poller). It returns the
	// chat id replies must go to.
	Deliver(t *testing.T, in Inbound) (chat string)
	// Redeliver delivers the last message again, as platforms do when an
	// acknowledgement was lost.
	Redeliver(t *testing.T)
	// Sent lists what the platform received, in order.
	Sent(t *testing.T) []Sent
	// FailNext makes the platform fail the next send with f.
	FailNext(t *testing.T, f Failure)
}

// Setup builds the adapter under test, with inbox as its Inbox, and the
// harness of its fake platform. It registers its own cleanup.
type Setup func(t *testing.T, inbox bot.Inbox) (bot.Adapter, Harness)

// Run runs the conformance suite.
func Run(t *testing.T, setup Setup) {
	t.Run("InboundMessage", func(t *testing.T) {
		inbox, a, h := start(t, setup)
		chat := h.Deliver(t, Inbound{UserID: "", UserName: "Sara", Text: "سلام، این قرص رو کجا بخرم؟"})
		e := inbox.Wait(t, 1)[0]
		if err := e.Validate(); err != nil {
			t.Fatalf("event invalid: %v", err)
		}
		if got, want := e.Platform, a.Platform(); got != want {
			t.Errorf("Platform = %q, want %q", got, want)
		}
		if got, want := e.Account, a.Account(); got != want {
			t.Errorf("Account = %q, want %q", got, want)
		}
		if got, want := e.Kind, bot.EventMessage; got != want {
			t.Errorf("Kind = %q, want %q", got, want)
		}
		if got, want := e.Text, "سلام، این قرص رو کجا بخرم؟"; got != want {
			t.Errorf("Text = %q, want %q", got, want)
		}
		if got, want := e.Chat, chat; got != want {
			t.Errorf("Chat = %q, want %q", got, want)
		}
		if e.ChatType != bot.ChatPrivate {
			t.Errorf("ChatType = %q, want private", e.ChatType)
		}
		if e.From.ID == "" || e.From.IsBot {
			t.Errorf("From = %+v, want a human sender with an id", e.From)
		}
		if !e.Addressed {
			t.Errorf("a private message must be addressed to the bot")
		}
	})

	t.Run("RedeliveryKeepsID", func(t *testing.T) {
		inbox, _, h := start(t, setup)
		h.Deliver(t, Inbound{Text: "hello"})
		inbox.Wait(t, 1)
		h.Redeliver(t)
		if got := inbox.WaitDeliveries(t, 2); got[0].DedupeKey() != got[1].DedupeKey() {
			t.Fatalf("redelivery changed the dedupe key: %q then %q", got[0].DedupeKey(), got[1].DedupeKey())
		}
		if n := len(inbox.Events()); n != 1 {
			t.Fatalf("stored %d events after a redelivery, want 1", n)
		}
	})

	t.Run("ReplyThreaded", func(t *testing.T) {
		inbox, a, h := start(t, setup)
		chat := h.Deliver(t, Inbound{Text: "hi"})
		e := inbox.Wait(t, 1)[0]
		o := replyTo(e, "Hello! How can we help?")
		d, err := a.Send(context.Background(), o)
		if err != nil {
			t.Fatalf("Send: %v", err)
		}
		if d.PlatformID == "" {
			t.Errorf("Delivery.PlatformID is empty")
		}
		sent := h.Sent(t)
		i := slices.IndexFunc(sent, func(s Sent) bool { return s.Text == o.Text })
		if i < 0 {
			t.Fatalf("platform did not receive the reply; got %+v", sent)
		}
		if sent[i].Chat != chat {
			t.Errorf("reply went to chat %q, want %q", sent[i].Chat, chat)
		}
		if sent[i].ReplyTo != e.ID {
			t.Errorf("reply threaded under %q, want %q", sent[i].ReplyTo, e.ID)
		}
	})

	for _, tc := range []struct {
		name    string
		failure Failure
		kind    bot.SendErrorKind
	}{
		{"RateLimited", FailRateLimit, bot.SendRateLimited},
		{"ServerError", FailServer, bot.SendTemporary},
		{"Unauthorized", FailUnauthorized, bot.SendUnauthorized},
	} {
		t.Run("SendError/"+tc.name, func(t *testing.T) {
			inbox, a, h := start(t, setup)
			h.Deliver(t, Inbound{Text: "hi"})
			e := inbox.Wait(t, 1)[0]
			h.FailNext(t, tc.failure)
			_, err := a.Send(context.Background(), replyTo(e, "retry me"))
			if err == nil {
				t.Fatalf("Send succeeded, want a %v error", tc.kind)
			}
			var se *bot.SendError
			if !errors.As(err, &se) {
				t.Fatalf("Send error %v is not a *bot.SendError", err)
			}
			if se.Kind != tc.kind {
				t.Errorf("kind = %v, want %v (%v)", se.Kind, tc.kind, err)
			}
			if tc.failure == FailRateLimit && se.RetryAfter != RetryAfter {
				t.Errorf("RetryAfter = %v, want %v", se.RetryAfter, RetryAfter)
			}
			// The platform recovers: the same item then goes through.
			if _, err := a.Send(context.Background(), replyTo(e, "after recovery")); err != nil {
				t.Errorf("Send after the failure: %v", err)
			}
		})
	}
}

func start(t *testing.T, setup Setup) (*Recorder, bot.Adapter, Harness) {
	t.Helper()
	inbox := &Recorder{}
	a, h := setup(t, inbox)
	if _, ok := a.(bot.Runner); ok {
		StartRunner(t, a)
	}
	return inbox, a, h
}

// StartRunner runs a bot.Runner adapter (a poller) until the test ends, and
// fails the test if Run returns an error.
func StartRunner(t testing.TB, a bot.Adapter) {
	t.Helper()
	r, ok := a.(bot.Runner)
	if !ok {
		t.Fatalf("%T is not a bot.Runner", a)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
}

func replyTo(e bot.Event, text string) *bot.Outbound {
	return &bot.Outbound{
		ID: 1, Platform: e.Platform, Account: e.Account, Chat: e.Chat, ChatType: e.ChatType,
		Kind: bot.OutReply, ReplyTo: e.ID, Recipient: e.From.ID, Text: text, Lang: "fa",
		Extra: e.Extra, LastInbound: time.Now(), Source: "bot", State: bot.OutSending,
	}
}

// Recorder is an in-memory bot.Inbox that de-duplicates like the real one
// and remembers every delivery, for adapter tests.
type Recorder struct {
	mu         sync.Mutex
	events     []bot.Event
	deliveries []bot.Event
	seen       map[string]bool
	cursors    map[string]string
	// Fail, when set, makes Accept fail with it (to test that adapters do
	// not acknowledge what was not stored).
	Fail error
}

var _ bot.Inbox = (*Recorder)(nil)

// Accept records events, de-duplicated, and the cursor.
func (r *Recorder) Accept(_ context.Context, events []bot.Event, c *bot.Cursor) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Fail != nil {
		return r.Fail
	}
	if r.seen == nil {
		r.seen, r.cursors = map[string]bool{}, map[string]string{}
	}
	for _, e := range events {
		if err := e.Validate(); err != nil {
			return err
		}
		r.deliveries = append(r.deliveries, e)
		if !r.seen[e.DedupeKey()] {
			r.seen[e.DedupeKey()] = true
			r.events = append(r.events, e)
		}
	}
	if c != nil {
		r.cursors[c.Key] = c.Value
	}
	return nil
}

// SetFail makes Accept fail with err from now on (nil: succeed again).
func (r *Recorder) SetFail(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Fail = err
}

// Cursor returns a recorded cursor.
func (r *Recorder) Cursor(_ context.Context, key string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cursors[key], nil
}

// Events returns the distinct events stored so far.
func (r *Recorder) Events() []bot.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

// Deliveries returns every event handed to Accept, duplicates included.
func (r *Recorder) Deliveries() []bot.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.deliveries)
}

// Wait waits up to 10 s for at least n distinct events and returns them.
func (r *Recorder) Wait(t testing.TB, n int) []bot.Event {
	t.Helper()
	return wait.Len(t, 10*time.Second, "events", n, r.Events)
}

// WaitDeliveries waits up to 10 s for at least n deliveries.
func (r *Recorder) WaitDeliveries(t testing.TB, n int) []bot.Event {
	t.Helper()
	return wait.Len(t, 10*time.Second, "deliveries", n, r.Deliveries)
}

package bot

import "time"

// OutKind is what an outbound item does on the platform.
type OutKind string

const (
	// OutReply answers in the conversation, threaded under ReplyTo when set.
	OutReply OutKind = "reply"
	// OutPrivateReply answers a public comment privately (Meta private
	// replies); used for complaints and side-effect reports.
	OutPrivateReply OutKind = "private_reply"
	// OutDirect opens or continues a private conversation unprompted
	// (campaigns, surveys).
	OutDirect OutKind = "direct"
	// OutPost publishes to a channel, page or timeline.
	OutPost OutKind = "post"
	// OutHide hides a public comment (ReplyTo) at a moderator's request.
	OutHide OutKind = "hide"
)

// OutState is the outbox state machine:
// pending -> sending -> sent | failed; pending again after a retryable
// failure; sending -> unknown when a crash interrupted a send, which a
// person resolves (resend or drop) because it may have been delivered;
// pending -> withdrawn when the campaign it belongs to was cancelled.
type OutState string

const (
	OutPending OutState = "pending"
	OutSending OutState = "sending"
	OutSent    OutState = "sent"
	OutFailed  OutState = "failed"
	OutUnknown OutState = "unknown"
	// OutWithdrawn: taken back before it was sent, because the campaign
	// it belonged to was cancelled after it was queued. It is never sent.
	OutWithdrawn OutState = "withdrawn"
)

// Button is a quick answer under a message: a callback with Data, or a link.
type Button struct {
	Text string `json:"text"`
	Data string `json:"data,omitempty"`
	URL  string `json:"url,omitempty"`
}

// Poll is a native poll's question and options (at most 10, Telegram's
// limit, each at most 100 characters).
type Poll struct {
	Question string   `json:"question"`
	Options  []string `json:"options"`
}

// Outbound is one item of the outbox.
type Outbound struct {
	ID       uint64   `json:"id"` // store-assigned, increasing
	Platform string   `json:"platform"`
	Account  string   `json:"account"`
	Chat     string   `json:"chat"`
	ChatType ChatType `json:"chat_type"`
	Kind     OutKind  `json:"kind"`
	// ReplyTo is the platform id of the message or comment answered.
	ReplyTo string `json:"reply_to,omitempty"`
	// Recipient is the person addressed, where the platform needs it apart
	// from Chat (a DM partner, the author of a commented comment).
	Recipient string     `json:"recipient,omitempty"`
	Text      string     `json:"text"`
	Buttons   [][]Button `json:"buttons,omitempty"`
	MediaURL  string     `json:"media_url,omitempty"`
	// Poll, when set, asks for a native poll (Telegram sendPoll, Rubika
	// sendPoll) with Poll.Question instead of Text. An adapter whose
	// platform has none sends Text, which the survey writes as numbered
	// choices with buttons. The delivery's PlatformID is then the id that
	// answers carry (EventPollAnswer's Extra[ExtraPollID]).
	Poll     *Poll  `json:"poll,omitempty"`
	Lang     string `json:"lang,omitempty"`
	Template string `json:"template,omitempty"`
	// Extra is copied from the inbound event for the adapter's use.
	Extra map[string]string `json:"extra,omitempty"`
	// LastInbound is when the follower last wrote in this conversation,
	// for platforms with a messaging window.
	LastInbound time.Time `json:"last_inbound,omitzero"`
	// Key makes enqueueing idempotent: a second item with the same
	// non-empty key is not created. Replies use the inbound event's dedupe
	// key; scheduled posts use (post, slot).
	Key string `json:"key,omitempty"`
	// Source says who made it: "bot", "moderator:<name>", "schedule:<id>".
	Source string `json:"source"`

	State      OutState  `json:"state"`
	Attempts   int       `json:"attempts"`
	NotBefore  time.Time `json:"not_before,omitzero"`
	LastError  string    `json:"last_error,omitempty"`
	PlatformID string    `json:"platform_id,omitempty"`
	Created    time.Time `json:"created"`
	Updated    time.Time `json:"updated"`
}

// AccountKey returns "<platform>.<account>".
func (o *Outbound) AccountKey() string { return AccountKey(o.Platform, o.Account) }

// LaneKey is the unit of ordering and per-chat rate limiting.
func (o *Outbound) LaneKey() string { return o.AccountKey() + "/" + o.Chat }

// OutboxStore is the outbox's part of a transaction.
type OutboxStore interface {
	// Enqueue adds o to the outbox, assigning o.ID, o.Created and the
	// pending state. When o.Key is not empty and an item with that key
	// exists, nothing is added, o is set to the existing item and created
	// is false.
	Enqueue(o *Outbound) (created bool, err error)
	Outbound(id uint64) (*Outbound, error)
	// PutOutbound stores a changed item (state transitions). Once an item
	// is sent, a store may drop its body (Text, Buttons, MediaURL,
	// Extra): the thread's outbound message keeps the text.
	PutOutbound(o *Outbound) error
	// Outbox lists items by state with ID > after, oldest first; a scan of
	// that state only.
	Outbox(state OutState, after uint64, limit int) ([]*Outbound, error)
	// OutboxByKey finds an item by its idempotency key.
	OutboxByKey(key string) (*Outbound, error)
}

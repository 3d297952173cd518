package bot

import "time"

// ThreadKey identifies one conversation on one account.
type ThreadKey struct {
	Platform string `json:"platform"`
	Account  string `json:"account"`
	Chat     string `json:"chat"`
}

// String returns "<platform>.<account>/<chat>".
func (k ThreadKey) String() string { return AccountKey(k.Platform, k.Account) + "/" + k.Chat }

// Thread modes.
const (
	ModeBot   = "bot"   // the bot answers
	ModeHuman = "human" // a moderator took it over: no automatic replies
)

// Thread is one conversation and who answers it.
type Thread struct {
	Key      ThreadKey   `json:"key"`
	ChatType ChatType    `json:"chat_type"`
	Follower FollowerKey `json:"follower"`
	Mode     string      `json:"mode"`
	// Moderator is who took the thread over, when Mode is ModeHuman.
	Moderator string    `json:"moderator,omitempty"`
	Flagged   Severity  `json:"flagged"`
	Messages  int       `json:"messages"`
	Created   time.Time `json:"created"`
	// LastInbound is when the follower last wrote: some platforms only
	// allow free replies within a window after it.
	LastInbound time.Time `json:"last_inbound"`
	LastMessage time.Time `json:"last_message"`
}

// Message is one stored message of a thread, inbound or outbound.
type Message struct {
	Seq       uint64    `json:"seq"` // store-assigned, increasing
	Thread    ThreadKey `json:"thread"`
	Direction string    `json:"direction"` // DirIn or DirOut
	// PlatformID is the platform's id for the message (empty for an
	// outbound one not yet sent).
	PlatformID string      `json:"platform_id,omitempty"`
	Kind       EventKind   `json:"kind"`
	Follower   FollowerKey `json:"follower"`
	Author     string      `json:"author,omitempty"` // display name, or the moderator
	Text       string      `json:"text"`
	Lang       string      `json:"lang,omitempty"`
	Analysis   *Analysis   `json:"analysis,omitempty"`
	// Outbound is the outbox id of an outbound message.
	Outbound uint64    `json:"outbound,omitempty"`
	At       time.Time `json:"at"`
}

// Message directions.
const (
	DirIn  = "in"
	DirOut = "out"
)

// SentimentRecord is one entry of the sentiment log.
type SentimentRecord struct {
	Seq       uint64      `json:"seq"`
	Platform  string      `json:"platform"`
	Account   string      `json:"account"`
	Follower  FollowerKey `json:"follower"`
	Thread    ThreadKey   `json:"thread"`
	MessageID string      `json:"message_id"`
	Lang      string      `json:"lang"`
	Sentiment Sentiment   `json:"sentiment"`
	Intent    string      `json:"intent"`
	Signals   []string    `json:"signals,omitempty"`
	At        time.Time   `json:"at"`
}

// Flag marks a thread for a person.
type Flag struct {
	ID       uint64      `json:"id"`
	Thread   ThreadKey   `json:"thread"`
	Follower FollowerKey `json:"follower"`
	// MessageID is the platform id of the message that raised it.
	MessageID string   `json:"message_id"`
	Severity  Severity `json:"severity"`
	// Reason is the rule that fired: a signal or intent name, or
	// "delivery_unknown" for an outbox item a person must decide on.
	Reason   string    `json:"reason"`
	Detail   string    `json:"detail,omitempty"`
	Text     string    `json:"text,omitempty"`
	Status   string    `json:"status"` // FlagOpen or FlagClosed
	Created  time.Time `json:"created"`
	Closed   time.Time `json:"closed,omitzero"`
	ClosedBy string    `json:"closed_by,omitempty"`
}

// Flag statuses.
const (
	FlagOpen   = "open"
	FlagClosed = "closed"
)

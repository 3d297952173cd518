package bot

import (
	"encoding/base64"
	"time"
)

// ThreadKey identifies one conversation on one account.
type ThreadKey struct {
	Platform string `json:"platform"`
	Account  string `json:"account"`
	Chat     string `json:"chat"`
}

// String returns "<platform>.<account>/<chat>".
func (k ThreadKey) String() string { return AccountKey(k.Platform, k.Account) + "/" + k.Chat }

// ID is the thread's id in URLs (the dashboard's /threads/{id}, the
// API's): base64url, unpadded, of String. It carries no character a path
// must escape, whatever the chat id holds, and maps back without a lookup.
func (k ThreadKey) ID() string { return base64.RawURLEncoding.EncodeToString([]byte(k.String())) }

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
	Direction string    `json:"direction"` // DirIn, DirOut or DirNote
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
	// DirNote is a staff member's private note in a thread: kept with the
	// conversation, never sent.
	DirNote = "note"
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

// ThreadStore is the threads' part of a transaction.
type ThreadStore interface {
	Thread(k ThreadKey) (*Thread, error)
	PutThread(t *Thread) error
	Threads(filter ThreadFilter) ([]*Thread, error)
}

// ThreadFilter selects threads. Zero fields match all.
type ThreadFilter struct {
	Platform string
	Account  string
	Mode     string
	// MinFlag keeps threads flagged at least this high.
	MinFlag Severity
	After   ThreadKey
	Limit   int
}

// MessageStore is the part of a transaction that keeps threads' messages.
type MessageStore interface {
	// AddMessage assigns m.Seq and stores it.
	AddMessage(m *Message) error
	// Messages lists a thread's messages with Seq > after, oldest first.
	Messages(k ThreadKey, after uint64, limit int) ([]*Message, error)
}

// SentimentStore is the sentiment log's part of a transaction.
type SentimentStore interface {
	// AddSentiment assigns r.Seq and logs the record.
	AddSentiment(r *SentimentRecord) error
	// SentimentByDay lists records of a platform ("" for all) with At in
	// [from, to), by time; a range scan of the by-day index.
	SentimentByDay(platform string, from, to time.Time, limit int) ([]*SentimentRecord, error)
	// SentimentByFollower lists a follower's records with At in [from, to).
	SentimentByFollower(k FollowerKey, from, to time.Time, limit int) ([]*SentimentRecord, error)
	// SentimentSeries counts the records of a platform ("" for all) per
	// step from from up to to: one bucket per step, empty ones included,
	// from counts kept beside the log in the same transaction as each
	// record (so its cost grows with the buckets, not the records).
	// Counts are kept per quarter hour, so bucket edges are taken to the
	// quarter hour that holds them. A series longer than
	// MaxSeriesBuckets is EINVALID.
	SentimentSeries(platform string, from, to time.Time, step Step) ([]SentimentBucket, error)
}

// Step is the width of a SentimentSeries bucket.
type Step int

const (
	// StepHour buckets by the hour.
	StepHour Step = iota + 1
	// StepDay buckets by the calendar day of from's location, so a
	// series for Tehran starts each bucket at Tehran's midnight.
	StepDay
)

// Next is the start of the bucket after the one starting at t.
func (s Step) Next(t time.Time) time.Time {
	if s == StepDay {
		return t.AddDate(0, 0, 1)
	}
	return t.Add(time.Hour)
}

// MaxSeriesBuckets bounds one SentimentSeries call (ten years by day).
const MaxSeriesBuckets = 3660

// SentimentBucket is one step of a sentiment series.
type SentimentBucket struct {
	Start    time.Time `json:"start"`
	Positive int       `json:"positive"`
	Neutral  int       `json:"neutral"`
	Negative int       `json:"negative"`
	// Volume counts every record, whatever its label.
	Volume int `json:"volume"`
	// ScoreSum is the sum of the records' scores: ScoreSum/Volume is the
	// bucket's mean sentiment.
	ScoreSum float64 `json:"score_sum"`
}

// FlagStore is the flags' part of a transaction.
type FlagStore interface {
	// AddFlag assigns f.ID and stores it.
	AddFlag(f *Flag) error
	Flag(id uint64) (*Flag, error)
	PutFlag(f *Flag) error
	Flags(filter FlagFilter) ([]*Flag, error)
}

// FlagFilter selects flags. Zero fields match all.
type FlagFilter struct {
	Status string
	Thread *ThreadKey
	After  uint64
	Limit  int
	// Queue lists open flags in the moderators' queue order: most severe
	// first, then oldest, then by id; a range scan of the queue index.
	// QueueAfter continues a listing after that flag's place (only its
	// Severity, Created and ID are read); After is not used. Status must
	// be FlagOpen or empty, and Thread nil.
	Queue      bool
	QueueAfter *Flag
}

// QueueLess orders flags as the moderators' queue does: most severe
// first, then oldest, then by id.
func QueueLess(a, b *Flag) int {
	switch {
	case a.Severity != b.Severity:
		return int(b.Severity) - int(a.Severity)
	case !a.Created.Equal(b.Created):
		return a.Created.Compare(b.Created)
	case a.ID < b.ID:
		return -1
	case a.ID > b.ID:
		return 1
	}
	return 0
}

package bot

import (
	"context"
	"time"
)

// InboxItem is a stored inbound event not yet processed.
type InboxItem struct {
	Seq   uint64 `json:"seq"` // store-assigned, increasing in arrival order
	Event Event  `json:"event"`
}

// Store is durable storage. bbolt is the embedded default; every
// implementation passes store/storetest.
type Store interface {
	// Accept stores the events that are not already known (by
	// Event.DedupeKey) in the inbox, and the cursor when not nil, in one
	// durable transaction. It returns the items it stored, in order;
	// duplicates are left out. Events must be valid (Event.Validate).
	Accept(ctx context.Context, events []Event, cursor *Cursor) ([]InboxItem, error)
	// Cursor returns a stored cursor value, "" when none.
	Cursor(ctx context.Context, key string) (string, error)
	// Update runs fn in a read-write transaction, committed durably when fn
	// returns nil and rolled back otherwise. fn may be called more than once
	// (implementations may batch concurrent transactions and retry one
	// alone), so it must have no effect outside the Tx.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction; write methods fail in it.
	View(ctx context.Context, fn func(Tx) error) error

	// Store maintenance. Each walks a time index from the oldest entry in
	// small transactions of its own, so it never holds up other writers
	// for long, and stops at ctx's end; what it deleted before stays
	// deleted.

	// PurgeMessages deletes messages with At before the given time (the
	// retention limit) and returns how many.
	PurgeMessages(ctx context.Context, before time.Time) (int, error)
	// PruneDedupe forgets the de-duplication keys of events accepted
	// before the given time and returns how many; a redelivery older than
	// that is then accepted again, so keep well beyond the longest
	// redelivery window of any platform. A store may keep a key up to a
	// day longer than asked (bolt forgets whole days).
	PruneDedupe(ctx context.Context, before time.Time) (int, error)

	Close() error
}

// Tx is one transaction's view of the data. Methods that find nothing
// return an *Error with code ENOTFOUND. List methods return items in key
// order and stop at the filter's Limit (0 means no limit).
type Tx interface {
	AuditStore

	// Inbox lists unprocessed items with Seq > after.
	Inbox(after uint64, limit int) ([]InboxItem, error)
	// DeleteInbox removes a processed item. Deleting a missing one is not
	// an error.
	DeleteInbox(seq uint64) error
	// InboxLen is the number of unprocessed items.
	InboxLen() (int, error)

	Follower(k FollowerKey) (*Follower, error)
	PutFollower(f *Follower) error
	Followers(filter FollowerFilter) ([]*Follower, error)
	// DeleteFollower erases a follower's profile, messages and sentiment
	// records (erasure on request).
	DeleteFollower(k FollowerKey) error

	Thread(k ThreadKey) (*Thread, error)
	PutThread(t *Thread) error
	Threads(filter ThreadFilter) ([]*Thread, error)

	// AddMessage assigns m.Seq and stores it.
	AddMessage(m *Message) error
	// Messages lists a thread's messages with Seq > after, oldest first.
	Messages(k ThreadKey, after uint64, limit int) ([]*Message, error)

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

	// AddFlag assigns f.ID and stores it.
	AddFlag(f *Flag) error
	Flag(id uint64) (*Flag, error)
	PutFlag(f *Flag) error
	Flags(filter FlagFilter) ([]*Flag, error)

	// Enqueue adds o to the outbox, assigning o.ID, o.Created and the
	// pending state. When o.Key is not empty and an item with that key
	// exists, nothing is added, o is set to the existing item and created
	// is false.
	Enqueue(o *Outbound) (created bool, err error)
	Outbound(id uint64) (*Outbound, error)
	// PutOutbound stores a changed item (state transitions). Once an item
	// is sent, a store may drop its body (Text, Buttons, MediaURL, Extra,
	// LastError): the thread's outbound message keeps the text.
	PutOutbound(o *Outbound) error
	// Outbox lists items by state with ID > after, oldest first; a scan of
	// that state only.
	Outbox(state OutState, after uint64, limit int) ([]*Outbound, error)
	// OutboxByKey finds an item by its idempotency key.
	OutboxByKey(key string) (*Outbound, error)

	// Meta reads and writes small named values (schema version, settings).
	Meta(key string) (string, error)
	PutMeta(key, value string) error
}

// FollowerFilter selects followers. Zero fields match all.
type FollowerFilter struct {
	Platform string
	Lang     string
	// Consent selects by consent state when not nil.
	Consent *Consent
	// After continues a listing after this key.
	After FollowerKey
	Limit int
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

// FlagFilter selects flags. Zero fields match all.
type FlagFilter struct {
	Status string
	Thread *ThreadKey
	After  uint64
	Limit  int
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

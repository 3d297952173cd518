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

// Tx is one transaction's view of the data: a part per noun, each
// declared beside its type, so that one transaction spans them all (that
// is what makes a reply exactly-once) while a consumer asks only for the
// part it uses. Methods that find nothing return an *Error with code
// ENOTFOUND. List methods return items in key order and stop at the
// filter's Limit (0 means no limit).
type Tx interface {
	InboxStore
	FollowerStore
	ThreadStore
	MessageStore
	SentimentStore
	FlagStore
	OutboxStore
	MetaStore
	AuditStore
	CaseStore
	LabelStore
	AlertStore
	EraseStore
	UserStore
	SessionStore
	TokenStore
	PostStore
	SlotStore
	CatalogueStore
	SegmentStore
	CampaignStore
}

// InboxStore is the inbox's part of a transaction: stored inbound events
// not yet processed.
type InboxStore interface {
	// Inbox lists unprocessed items with Seq > after.
	Inbox(after uint64, limit int) ([]InboxItem, error)
	// InboxHas reports whether the item is still unprocessed, without
	// reading it.
	InboxHas(seq uint64) (bool, error)
	// DeleteInbox removes a processed item. Deleting a missing one is not
	// an error.
	DeleteInbox(seq uint64) error
	// InboxLen is the number of unprocessed items.
	InboxLen() (int, error)
}

// MetaStore holds small named values (schema version, settings).
type MetaStore interface {
	Meta(key string) (string, error)
	PutMeta(key, value string) error
}

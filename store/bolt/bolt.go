package bolt

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	bbolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"engagebot/bot"
)

// SchemaVersion is the layout this build reads and writes.
const SchemaVersion = 2

// schemaKey is the meta key holding the schema version.
const schemaKey = "schema_version"

// ErrInUse is returned by Open when another process holds the file lock.
var ErrInUse = bot.Errorf(bot.EUNAVAILABLE,
	"database is in use by another process (is engagebot serve running?)")

// Bucket names. See doc.go for the key layout of each.
var (
	bucketMeta             = []byte("meta")
	bucketInbox            = []byte("inbox")
	bucketDedupeDay        = []byte("dedupe_by_day")
	bucketCursors          = []byte("cursors")
	bucketFollowers        = []byte("followers")
	bucketFollowersLang    = []byte("followers_by_lang")
	bucketFollowersConsent = []byte("followers_by_consent")
	bucketThreads          = []byte("threads")
	bucketThreadsFollower  = []byte("threads_by_follower")
	bucketMessages         = []byte("messages")
	bucketMessagesFollower = []byte("messages_by_follower")
	bucketMessagesTime     = []byte("messages_by_time")
	bucketSentiment        = []byte("sentiment")
	bucketSentimentFol     = []byte("sentiment_by_follower")
	bucketSentimentSeries  = []byte("sentiment_series")
	bucketFlags            = []byte("flags")
	bucketFlagsStatus      = []byte("flags_by_status")
	bucketFlagsThread      = []byte("flags_by_thread")
	bucketOutbox           = []byte("outbox")
	bucketOutboxState      = []byte("outbox_by_state")
	bucketOutboxKey        = []byte("outbox_by_key")
)

var allBuckets = [][]byte{
	bucketMeta, bucketInbox, bucketDedupeDay, bucketCursors,
	bucketFollowers, bucketFollowersLang, bucketFollowersConsent,
	bucketThreads, bucketThreadsFollower,
	bucketMessages, bucketMessagesFollower, bucketMessagesTime,
	bucketSentiment, bucketSentimentFol, bucketSentimentSeries,
	bucketFlags, bucketFlagsStatus, bucketFlagsThread,
	bucketOutbox, bucketOutboxState, bucketOutboxKey,
}

// migrations[i] upgrades a database from schema version i+1 to i+2. It runs
// inside the transaction that then records the new version, so a failed
// migration leaves the file as it was. Append here when SchemaVersion grows.
var migrations = []func(tx *bbolt.Tx) error{migrate1to2}

// DB is a bot.Store on one bbolt file. It is safe for concurrent use.
type DB struct {
	db     *bbolt.DB
	path   string
	now    func() time.Time
	logger *slog.Logger

	// writes queues functions for the committer goroutine (commit.go),
	// which closes committed when it has drained the queue after Close.
	writes    chan *write
	first     chan *write // Accepts, ahead of the other writes
	committed chan struct{}
	groupSize int
	closeMu   sync.RWMutex // held to read closed and send on writes
	closed    bool

	closeOnce sync.Once
	closeErr  error
}

// Option configures Open.
type Option func(*options)

type options struct {
	now       func() time.Time
	logger    *slog.Logger
	timeout   time.Duration
	groupSize int
}

// WithNow sets the clock used for store-assigned times (Outbound.Created,
// the time a dedupe key was recorded). Default time.Now.
func WithNow(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithLogger sets the logger. Default: discard.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithTimeout sets how long Open waits for the file lock before it returns
// ErrInUse. Default 1s. Zero waits forever.
func WithTimeout(d time.Duration) Option { return func(o *options) { o.timeout = d } }

// WithGroupSize bounds how many concurrent writes (Accept, Update) share
// one commit. Default 1000. Writes are grouped only with those that queued
// while the previous commit was being written, so the bound matters only
// under heavy load, where it keeps one transaction's dirty pages small.
func WithGroupSize(n int) Option { return func(o *options) { o.groupSize = n } }

// Open opens or creates the database file at path, checks its schema
// version and creates missing buckets. When another process holds the file
// it returns an error wrapping ErrInUse.
func Open(path string, opts ...Option) (*DB, error) {
	o := options{now: time.Now, timeout: time.Second}
	for _, opt := range opts {
		opt(&o)
	}
	if o.logger == nil {
		o.logger = slog.New(slog.DiscardHandler)
	}
	bdb, err := bbolt.Open(path, 0o600, &bbolt.Options{
		Timeout:      o.timeout,
		FreelistType: bbolt.FreelistMapType,
		// The free list is rebuilt at Open instead of written at every
		// commit: after a purge it holds thousands of pages, and writing
		// it would add to every webhook's commit.
		NoFreelistSync: true,
	})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("bolt: open %s: %w", path, ErrInUse)
	} else if err != nil {
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	if o.groupSize <= 0 {
		o.groupSize = defaultGroupSize
	}
	db := &DB{db: bdb, path: path, now: o.now, logger: o.logger,
		writes: make(chan *write, o.groupSize), first: make(chan *write, o.groupSize), committed: make(chan struct{}), groupSize: o.groupSize}
	if err := db.init(); err != nil {
		_ = bdb.Close()
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	go db.commitLoop()
	return db, nil
}

// init checks the schema version, runs migrations and creates buckets.
func (db *DB) init() error {
	return db.db.Update(func(tx *bbolt.Tx) error {
		version := 0
		if b := tx.Bucket(bucketMeta); b != nil {
			if v := b.Get([]byte(schemaKey)); v != nil {
				n, err := strconv.Atoi(string(v))
				if err != nil || n < 1 {
					return fmt.Errorf("schema version %q unreadable", v)
				}
				version = n
			}
		}
		switch {
		case version > SchemaVersion:
			return bot.Errorf(bot.EUNAVAILABLE,
				"database schema version %d is newer than this build supports (%d): upgrade engagebot",
				version, SchemaVersion)
		case version == 0:
			db.logger.Info("bolt: creating database", "path", db.path, "schema", SchemaVersion)
		case version < SchemaVersion:
			for v := version; v < SchemaVersion; v++ {
				if v-1 >= len(migrations) {
					return fmt.Errorf("no migration from schema version %d", v)
				}
				db.logger.Info("bolt: migrating", "path", db.path, "from", v, "to", v+1)
				if err := migrations[v-1](tx); err != nil {
					return fmt.Errorf("migrate %d to %d: %w", v, v+1, err)
				}
			}
		}
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		return tx.Bucket(bucketMeta).Put([]byte(schemaKey), []byte(strconv.Itoa(SchemaVersion)))
	})
}

// Path is the database file.
func (db *DB) Path() string { return db.path }

// Close lets the writes already queued commit, refuses new ones, and
// closes the file. Calling it more than once is safe.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		db.closeMu.Lock()
		db.closed = true
		close(db.writes)
		close(db.first)
		db.closeMu.Unlock()
		<-db.committed
		if err := db.db.Close(); err != nil {
			db.closeErr = fmt.Errorf("bolt: close: %w", err)
		}
	})
	return db.closeErr
}

// Update runs fn in a read-write transaction. Concurrent calls are grouped
// into one commit (see commit.go), so fn may run more than once: when one
// fn of a group fails, the others are run again without it and it is run
// again alone. fn must therefore have no effect outside the Tx.
func (db *DB) Update(ctx context.Context, fn func(bot.Tx) error) error {
	return db.submit(ctx, func(btx *bbolt.Tx) error {
		return fn(&Tx{tx: btx, now: db.now})
	})
}

// View runs fn in a read-only transaction.
func (db *DB) View(ctx context.Context, fn func(bot.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.db.View(func(btx *bbolt.Tx) error {
		return fn(&Tx{tx: btx, now: db.now})
	})
}

// Maintenance deletes in chunks of at most this many records, each chunk
// one write of its own. Deleting old messages touches pages all over the
// file (messages are keyed by thread), so a chunk's cost is mostly its
// commit: BenchmarkPurge measures 50 at about 4 ms of work and a commit
// of a few ms on top, against 12-20 ms of commit for 200.
const maintenanceChunk = 50

// PurgeMessages deletes messages with At before the given time, oldest
// first, walking messages_by_time in chunks of maintenanceChunk, each its
// own write, so webhook commits interleave with it.
func (db *DB) PurgeMessages(ctx context.Context, before time.Time) (int, error) {
	n, err := db.chunked(ctx, func(tx *Tx) (int, error) {
		return tx.purgeMessages(appendTime(nil, before), maintenanceChunk)
	})
	if err != nil {
		return n, fmt.Errorf("bolt: purge messages: %w", err)
	}
	return n, nil
}

// PruneDedupe forgets the dedupe keys accepted on UTC days that ended at
// or before the given time (so a key is kept up to a day longer than
// asked) and returns how many, in chunks like PurgeMessages.
func (db *DB) PruneDedupe(ctx context.Context, before time.Time) (int, error) {
	n, err := db.chunked(ctx, func(tx *Tx) (int, error) {
		return tx.pruneDedupe(before, maintenanceChunk)
	})
	if err != nil {
		return n, fmt.Errorf("bolt: prune dedupe: %w", err)
	}
	return n, nil
}

// chunked runs chunk as separate writes until it deletes fewer than
// maintenanceChunk, and returns the total deleted.
func (db *DB) chunked(ctx context.Context, chunk func(tx *Tx) (int, error)) (int, error) {
	total := 0
	for {
		var n int
		err := db.submit(ctx, func(btx *bbolt.Tx) (err error) {
			n, err = chunk(&Tx{tx: btx, now: db.now})
			return err
		})
		if err != nil {
			return total, err
		}
		total += n
		if n < maintenanceChunk {
			return total, nil
		}
	}
}

// Interface guards.
var (
	_ bot.Store = (*DB)(nil)
	_ bot.Tx    = (*Tx)(nil)
)

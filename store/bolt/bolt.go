package bolt

import (
	"bytes"
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
const SchemaVersion = 1

// schemaKey is the meta key holding the schema version.
const schemaKey = "schema_version"

// ErrInUse is returned by Open when another process holds the file lock.
var ErrInUse = bot.Errorf(bot.EUNAVAILABLE,
	"database is in use by another process (is engagebot serve running?)")

// Bucket names. See doc.go for the key layout of each.
var (
	bucketMeta             = []byte("meta")
	bucketInbox            = []byte("inbox")
	bucketDedupe           = []byte("dedupe")
	bucketCursors          = []byte("cursors")
	bucketFollowers        = []byte("followers")
	bucketThreads          = []byte("threads")
	bucketThreadsFollower  = []byte("threads_by_follower")
	bucketMessages         = []byte("messages")
	bucketMessagesFollower = []byte("messages_by_follower")
	bucketSentiment        = []byte("sentiment")
	bucketSentimentTime    = []byte("sentiment_by_time")
	bucketSentimentPlat    = []byte("sentiment_by_platform")
	bucketSentimentFol     = []byte("sentiment_by_follower")
	bucketFlags            = []byte("flags")
	bucketFlagsStatus      = []byte("flags_by_status")
	bucketFlagsThread      = []byte("flags_by_thread")
	bucketOutbox           = []byte("outbox")
	bucketOutboxState      = []byte("outbox_by_state")
	bucketOutboxKey        = []byte("outbox_by_key")
)

var allBuckets = [][]byte{
	bucketMeta, bucketInbox, bucketDedupe, bucketCursors,
	bucketFollowers, bucketThreads, bucketThreadsFollower,
	bucketMessages, bucketMessagesFollower,
	bucketSentiment, bucketSentimentTime, bucketSentimentPlat, bucketSentimentFol,
	bucketFlags, bucketFlagsStatus, bucketFlagsThread,
	bucketOutbox, bucketOutboxState, bucketOutboxKey,
}

// migrations[i] upgrades a database from schema version i+1 to i+2. It runs
// inside the transaction that then records the new version, so a failed
// migration leaves the file as it was. Append here when SchemaVersion grows.
var migrations []func(tx *bbolt.Tx) error

// DB is a bot.Store on one bbolt file. It is safe for concurrent use.
type DB struct {
	db     *bbolt.DB
	path   string
	now    func() time.Time
	logger *slog.Logger

	// writes queues functions for the committer goroutine (commit.go),
	// which closes committed when it has drained the queue after Close.
	writes    chan *write
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
		writes: make(chan *write, o.groupSize), committed: make(chan struct{}), groupSize: o.groupSize}
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

// PruneDedupe forgets dedupe keys recorded before the given time and
// returns how many. A redelivery older than that is then accepted again, so
// keep well beyond the longest redelivery window of any platform. It scans
// the whole dedupe bucket (keys are ordered by event, not by time) in one
// transaction; run it rarely, such as daily.
func (db *DB) PruneDedupe(ctx context.Context, before time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var n int
	err := db.db.Update(func(tx *bbolt.Tx) error {
		n = 0
		b := tx.Bucket(bucketDedupe)
		var old [][]byte
		err := b.ForEach(func(k, v []byte) error {
			if readTime(v).Before(before) {
				old = append(old, bytes.Clone(k))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range old {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		n = len(old)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("bolt: prune dedupe: %w", err)
	}
	return n, nil
}

// Interface guards.
var (
	_ bot.Store = (*DB)(nil)
	_ bot.Tx    = (*Tx)(nil)
)

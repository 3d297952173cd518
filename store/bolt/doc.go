// Package bolt is the embedded bot.Store: one bbolt file, owned by one
// process (bbolt locks it; Open reports ErrInUse when another process,
// normally a running "engagebot serve", holds it).
//
// # Transactions
//
// Accept and Update are queued to one committer goroutine (commit.go),
// which runs every write queued at that moment in one read-write
// transaction and commits it with one fsync; the writes that queue while
// that fsync runs form the next group, which starts as soon as the
// previous commit is on disk. There is no batch timer, so a writer alone
// waits only for its own commit, and under load one fsync serves as many
// writers as arrived during the last one (at most WithGroupSize). A
// function that fails inside a group rolls the group back; the group runs
// again without it and it runs again alone, so Update functions may run
// more than once, as bot.Store allows. A write whose context ends while it
// is queued is dropped unrun; Close lets the queued writes commit first.
// View uses a read-only bbolt transaction; write methods of its Tx fail.
//
// # Encoding
//
// Values are JSON (encoding/json) of the bot types, except messages, which
// carry their time in a 12-byte header before the JSON. Keys are built
// from parts that sort byte-wise in value order (see key.go):
//
//	u64     8 bytes big-endian (sequences and ids, so order = arrival)
//	time    12 bytes: Unix seconds big-endian with the sign bit flipped,
//	        then nanoseconds big-endian (an instant; the zone is dropped)
//	str     the bytes, 0x00 escaped as 0x00 0xFF, then 0x00 0x01
//	fkey    str(platform) str(user id)
//	tkey    str(platform) str(account) str(chat)
//
// A tuple of str parts is never a prefix of another tuple, so a key prefix
// selects exactly one value's range.
//
// # Buckets
//
//	meta                  name -> value; "schema_version" -> decimal
//	inbox                 u64 seq -> Event JSON (seq from the bucket sequence)
//	dedupe                Event.DedupeKey() -> time it was first accepted
//	cursors               cursor key -> value
//	followers             fkey -> Follower
//	threads               tkey -> Thread
//	threads_by_follower   fkey tkey -> empty
//	messages              tkey u64 seq -> time + Message JSON
//	messages_by_follower  fkey tkey u64 seq -> empty
//	sentiment             u64 seq -> SentimentRecord
//	sentiment_by_time     time u64 seq -> empty
//	sentiment_by_platform str(platform) time u64 seq -> empty
//	sentiment_by_follower fkey time u64 seq -> empty
//	flags                 u64 id -> Flag
//	flags_by_status       str(status) u64 id -> empty
//	flags_by_thread       tkey u64 id -> empty
//	outbox                u64 id -> Outbound
//	outbox_by_state       str(state) u64 id -> empty
//	outbox_by_key         idempotency key -> u64 id
//
// Index entries are written in the same transaction as the record they
// point to. Listings with a platform (followers, threads, sentiment), a
// thread (messages, flags), a follower (sentiment, erasure), a flag status
// or an outbox state are range scans of one index. PurgeMessages reads
// every message's time header, and PruneDedupe every dedupe entry: both
// are scans, meant for a daily job.
//
// # Schema
//
// The meta bucket holds the schema version. Open refuses a file written by
// a newer schema, upgrades an older one by running the migrations in one
// transaction, and stamps a new file with SchemaVersion.
package bolt

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
// writers as arrived during the last one (at most WithGroupSize); after a
// group of 8 or more the committer waits a share of that commit's time
// (at most 1 ms) first, so the next group is larger still. A
// function that fails inside a group rolls the group back; the group runs
// again without it and it runs again alone, so Update functions may run
// more than once, as bot.Store allows. A write whose context ends while it
// is queued is dropped unrun; Close lets the queued writes commit first.
// View uses a read-only bbolt transaction; write methods of its Tx fail.
// The free-page list is not written at each commit (bbolt's
// NoFreelistSync) but rebuilt when the file is opened: after a purge it
// is thousands of pages long, and every webhook's commit would carry it.
//
// # Encoding
//
// Followers, threads, messages, sentiment records, outbox items and the
// sentiment counts are compact binary records (codec.go, record.go): a
// version byte, then the fields in a fixed order as varints, length-
// prefixed strings and times, without field names. Parts of the key are
// not repeated in the value, strings that usually equal another field take
// one byte when they do, and message text and names are packed so that
// Persian letters take one byte each. Analysis.Normalized is not stored
// (the analyzer derives it from the text). A sent outbox item keeps what
// it was, where, when and under which key, not its body: the thread's
// outbound message has the text. Inbox events and flags are JSON.
// Keys are built from parts that sort byte-wise in value order (key.go):
//
//	u64     8 bytes big-endian (sequences and ids, so order = arrival)
//	time    12 bytes: Unix seconds big-endian with the sign bit flipped,
//	        then nanoseconds big-endian (an instant; the zone is dropped)
//	str     the bytes, 0x00 escaped as 0x00 0xFF, then 0x00 0x01
//	fkey    str(platform) str(user id)
//	tkey    str(platform) str(account) str(chat)
//	day     u64 of the UTC day number with the sign bit flipped
//	quarter u64 of the Unix quarter hour (15 min) with the sign bit flipped
//
// A tuple of str parts is never a prefix of another tuple, so a key prefix
// selects exactly one value's range.
//
// # Buckets
//
//	meta                  name -> value; "schema_version" -> decimal
//	inbox                 u64 seq -> Event JSON (seq from the bucket sequence)
//	dedupe_by_day         day -> bucket of Event.DedupeKey() -> empty
//	cursors               cursor key -> value
//	followers             fkey -> Follower
//	followers_by_lang     str(lang) fkey -> empty (known languages only)
//	followers_by_consent  str(consent) fkey -> empty
//	threads               tkey -> Thread
//	threads_by_follower   fkey tkey -> empty
//	messages              tkey u64 seq -> Message
//	messages_by_follower  fkey tkey u64 seq -> empty
//	messages_by_time      time tkey u64 seq -> empty
//	sentiment             str(platform) time u64 seq -> SentimentRecord
//	sentiment_by_follower fkey time u64 seq -> platform when not fkey's, else empty
//	sentiment_series      str(platform or "" for all) quarter -> counts per label,
//	                      volume, score sum
//	flags                 u64 id -> Flag JSON
//	flags_by_status       str(status) u64 id -> empty
//	flags_by_thread       tkey u64 id -> empty
//	outbox                u64 id -> Outbound
//	outbox_by_state       str(state) u64 id -> empty (every state but sent)
//	outbox_by_key         idempotency key -> u64 id
//
// These buckets are made by the first write that needs them (so a file of
// an older build needs no migration for them); a read of a missing one
// finds nothing. Values are JSON; index values are empty.
//
//	flags_queue           (255 - severity) time(created) u64 id, open flags only;
//	                      built from flags_by_status on first use (flagqueue.go)
//	audit                 u64 seq -> AuditEntry (append-only)
//	audit_by_actor        str(actor) u64 seq
//	users                 name -> User (password hash only)
//	sessions, tokens      hash of the secret -> Session, APIToken (auth.go)
//	cases                 u64 id -> Case
//	cases_by_status       str(status) u64 id
//	cases_by_follower     fkey u64 id
//	sentiment_labels      tkey u64 message seq -> a person's label (label.go)
//	alerts                u64 id -> Alert
//	posts                 u64 id -> Post
//	posts_due             time(next slot) u64 id
//	slots                 u64 post time(slot) -> Slot
//	slots_by_time         time(slot) u64 post
//	slots_open            u64 post time(slot), slots whose outcome is not known
//	catalogue             item id -> CatalogueItem
//	segments              u64 id -> Segment
//	campaigns             u64 id -> Campaign
//	campaign_recipients   u64 campaign fkey -> Recipient
//	campaign_due          u64 campaign time(due) fkey, pending recipients only
//	campaign_polls        str(platform) str(poll id) -> campaign id
//	campaign_last         fkey -> u64 campaign time, the last to reach them
//
// The meta bucket also keeps "pseudonym_key", the key of the pseudonyms
// that erasure gives a confirmed safety case's follower.
//
// Index entries and counts are written in the same transaction as the
// record they describe. Every listing is a range scan: followers by
// platform (the key), language or consent (an index each; both together
// walk the two indexes side by side, both being in fkey order); threads by
// platform and account; messages by thread; sentiment by platform and
// time (all platforms merge the platforms' ranges), by follower, and as a
// series, which sums at most one counts entry per quarter hour; flags by
// status or thread; the outbox by state (sent items, the bulk of it, by
// scanning the outbox). Erasure follows the follower indexes.
//
// # Maintenance
//
// PurgeMessages walks messages_by_time from the oldest entry and
// PruneDedupe drops dedupe_by_day's oldest days, in chunks of
// maintenanceChunk deletes; each chunk is a write of its own through the
// committer, so it shares commits with webhook writes and never holds
// them up for long (BenchmarkPurge measures the chunks). Dedupe keys are
// forgotten a whole UTC day at a time.
//
// # Schema
//
// The meta bucket holds the schema version. Open refuses a file written by
// a newer schema, upgrades an older one by running the migrations in one
// transaction, and stamps a new file with SchemaVersion. Schema 2 (binary
// records, the time indexes, the counts and the follower indexes) is
// migrated from schema 1 (JSON records) by migrate1to2, which re-encodes
// every record and builds the new indexes and counts from them.
package bolt

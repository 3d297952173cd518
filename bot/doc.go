// Package bot is engagebot's core: the domain types, the small interfaces
// every other package implements or calls, and the Engine that moves a
// follower's message from the platform to an answer. It imports the
// standard library only, so every other package may import it and none of
// them needs another.
//
// # Domain
//
// An Event is one normalised inbound message, comment or mention from a
// platform account (account keys are "<platform>.<name>"). Events belong
// to a Thread, one conversation, and come from a Follower, whose profile
// (language, consent, sentiment so far) is kept across threads. An
// Analysis is what the Analyzer understood of a message; Flags turns it
// into the Flags a person must see. An Outbound is one reply or post on its
// way out, a state machine: pending, sending, then sent, failed or unknown.
//
// # Seams
//
//   - Adapter, one platform account: it hands Events to an Inbox and
//     sends Outbound items; Runner, WebhookHandler and WebhookRegistrar are
//     optional abilities found by type assertion. A Factory builds adapters
//     from their typed AccountConfig.
//   - Store and Tx, the durable data. Store.Update may run its function
//     more than once, so that function has no effect outside the Tx.
//   - Analyzer and Renderer, understanding a message and choosing and
//     rendering its answer.
//   - Limiter, the spacing of sends per account and chat.
//
// # Engine
//
// Engine.Accept stores events in the inbox, dropping redeliveries, before
// the platform is acknowledged. Workers then process each thread in arrival
// order: analysis, follower profile, flags and the rendered reply are
// committed in one transaction with the removal from the inbox, so a reply
// is enqueued exactly once. The dispatcher sends the outbox within each
// adapter's Limits, retries temporary failures (SendError says which),
// and never sends again an item it may already have delivered.
//
// # Errors
//
// An Error carries a Code for programs (ECONFLICT, EINVALID, ...) and a
// Message that is safe to show a person; ErrorCode and ErrorMessage read
// them from any error, treating anything else as internal.
package bot

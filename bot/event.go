package bot

import (
	"strings"
	"time"
)

// Platforms engagebot speaks to. Instagram and Facebook share one adapter
// package but are distinct platforms: their accounts, limits and reply
// rules differ.
const (
	PlatformTelegram  = "telegram"
	PlatformRubika    = "rubika"
	PlatformInstagram = "instagram"
	PlatformFacebook  = "facebook"
	PlatformX         = "x"
	PlatformWebchat   = "webchat"
)

// EventKind says what happened on the platform.
type EventKind string

const (
	// EventMessage is a message in a conversation: a private chat, a DM, or
	// a group message.
	EventMessage EventKind = "message"
	// EventComment is a public comment on one of our posts.
	EventComment EventKind = "comment"
	// EventMention is a public post that mentions our account.
	EventMention EventKind = "mention"
	// EventCallback is a press on one of our buttons; Data carries its payload.
	EventCallback EventKind = "callback"
	// EventChannelPost is a post or comment in a channel: logged, never answered.
	EventChannelPost EventKind = "channel_post"
	// EventStart is a follower starting the bot: consent to be messaged.
	EventStart EventKind = "start"
	// EventStop is a follower stopping or blocking the bot: consent withdrawn.
	EventStop EventKind = "stop"
	// EventEdit is an edit of an earlier message: logged, not answered again.
	EventEdit EventKind = "edit"
	// EventPollAnswer is a follower's vote in a native poll we sent (a
	// survey): Data is the chosen option's index from 0 ("" when the vote
	// was withdrawn), Extra[ExtraPollID] the platform's id of the poll,
	// which is the PlatformID its adapter gave the poll's delivery.
	EventPollAnswer EventKind = "poll_answer"
)

// ChatType is the kind of conversation, which decides whether the bot may
// answer and which rate limits apply.
type ChatType string

const (
	ChatPrivate ChatType = "private" // one follower and the bot (DMs too)
	ChatGroup   ChatType = "group"   // a group: answer only when addressed
	ChatChannel ChatType = "channel" // a broadcast channel
	ChatPublic  ChatType = "public"  // a public thread: comments, mentions
)

// Event is one inbound thing from a platform, normalised by its adapter.
// Adapters fill what the platform gives; the Engine fills the rest.
type Event struct {
	// Platform and Account name the account that received the event
	// (account "support" of platform "telegram" is "telegram.support").
	Platform string `json:"platform"`
	Account  string `json:"account"`
	// ID is the platform's id of the message, comment or update. Together
	// with Platform and Account it de-duplicates redeliveries, so it must be
	// stable across deliveries of the same thing.
	ID   string    `json:"id"`
	Kind EventKind `json:"kind"`
	// Chat is the platform's id of the conversation: the chat id, DM
	// partner, or the post a comment belongs to. Replies go there.
	Chat     string   `json:"chat"`
	ChatType ChatType `json:"chat_type"`
	// From is who wrote it.
	From Sender `json:"from"`
	Text string `json:"text,omitempty"`
	// Data is the payload of a button press (EventCallback).
	Data string `json:"data,omitempty"`
	// ReplyTo is the platform id of the message this one answers, if any.
	ReplyTo string `json:"reply_to,omitempty"`
	// Addressed is true when a group message is meant for the bot: it
	// mentions the bot, replies to it, or is a command. Private messages,
	// DMs, comments and mentions are always addressed.
	Addressed bool `json:"addressed,omitempty"`
	// Extra carries platform details an adapter needs again when it
	// replies (a comment's media id, a Meta page id). The core never reads it.
	Extra map[string]string `json:"extra,omitempty"`
	// SentAt is when the platform says it was written; ReceivedAt when we
	// got it (set by Engine.Accept when zero).
	SentAt     time.Time `json:"sent_at,omitzero"`
	ReceivedAt time.Time `json:"received_at,omitzero"`
}

// ExtraPollID is the Extra key of a poll answer's poll id.
const ExtraPollID = "poll_id"

// Sender is the author of an event as the platform names them.
type Sender struct {
	ID       string `json:"id"`
	Name     string `json:"name,omitempty"`
	Username string `json:"username,omitempty"`
	// Lang is the platform's language hint (Telegram's language_code), if any.
	Lang string `json:"lang,omitempty"`
	// IsBot marks our own or other bots' messages, which are never answered.
	IsBot bool `json:"is_bot,omitempty"`
}

// AccountKey returns "<platform>.<account>".
func (e *Event) AccountKey() string { return AccountKey(e.Platform, e.Account) }

// DedupeKey is the key under which redeliveries of the event collapse.
func (e *Event) DedupeKey() string { return e.AccountKey() + "\x00" + e.ID }

// ThreadKey is the conversation the event belongs to.
func (e *Event) ThreadKey() ThreadKey {
	return ThreadKey{Platform: e.Platform, Account: e.Account, Chat: e.Chat}
}

// FollowerKey is the follower who wrote the event.
func (e *Event) FollowerKey() FollowerKey {
	return FollowerKey{Platform: e.Platform, UserID: e.From.ID}
}

// Validate reports the first thing missing from an event.
func (e *Event) Validate() error {
	switch {
	case e.Platform == "":
		return Errorf(EINVALID, "event: platform required")
	case e.Account == "":
		return Errorf(EINVALID, "event: account required")
	case e.ID == "":
		return Errorf(EINVALID, "event: id required")
	case e.Kind == "":
		return Errorf(EINVALID, "event: kind required")
	case e.Chat == "":
		return Errorf(EINVALID, "event: chat required")
	}
	return nil
}

// AccountKey joins a platform and account name as "<platform>.<name>".
func AccountKey(platform, account string) string { return platform + "." + account }

// SplitAccountKey splits "<platform>.<name>"; ok is false when either part is empty.
func SplitAccountKey(key string) (platform, account string, ok bool) {
	platform, account, ok = strings.Cut(key, ".")
	return platform, account, ok && platform != "" && account != ""
}

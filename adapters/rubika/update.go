package rubika

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"engagebot/adapters/internal/mention"
	"engagebot/adapters/internal/webhook"
	"engagebot/bot"
)

// ID is an identifier Rubika sends as a JSON string or a bare number
// (message ids exceed 2^53, so never a float): either way it is kept as
// the decimal text. null is "".
type ID string

// UnmarshalJSON accepts a string, a number or null.
func (id *ID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return errors.New("rubika: empty id")
	case string(b) == "null":
		*id = ""
		return nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*id = ID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("rubika: id %s is neither a string nor a number", b)
	}
	*id = ID(n.String())
	return nil
}

// Update types.
const (
	TypeNewMessage     = "NewMessage"
	TypeUpdatedMessage = "UpdatedMessage"
	TypeRemovedMessage = "RemovedMessage"
	TypeStartedBot     = "StartedBot"
	TypeStoppedBot     = "StoppedBot"
	TypeUpdatedPayment = "UpdatedPayment"
	TypeInlineMessage  = "InlineMessage" // seen only in getUpdates parsers
)

// Message is a Rubika message (the fields the adapter reads).
type Message struct {
	MessageID        ID       `json:"message_id"`
	Text             string   `json:"text"`
	Time             ID       `json:"time"` // Unix seconds
	IsEdited         bool     `json:"is_edited"`
	SenderType       string   `json:"sender_type"` // User or Bot
	SenderID         ID       `json:"sender_id"`
	AuxData          *AuxData `json:"aux_data"`
	ReplyToMessageID ID       `json:"reply_to_message_id"`
	Poll             *Poll    `json:"poll"`
}

// Poll is a poll message's poll. Its options' shape (strings, as sendPoll
// takes them, or objects) is not known, so they are only counted.
type Poll struct {
	Question   string            `json:"question"`
	Options    []json.RawMessage `json:"options"`
	PollStatus *PollStatus       `json:"poll_status"`
}

// PollStatus is a poll's state as the receiver of the update sees it.
type PollStatus struct {
	State string `json:"state"` // Open or Closed
	// SelectionIndex is the chosen option from 0, -1 for none. Number or
	// string on the wire: neither is confirmed.
	SelectionIndex ID `json:"selection_index"`
	TotalVote      ID `json:"total_vote"`
}

// AuxData carries the button a keypad press came from.
type AuxData struct {
	StartID  ID `json:"start_id"`
	ButtonID ID `json:"button_id"`
}

// InlineMessage is a press on an inline keypad.
type InlineMessage struct {
	SenderID  ID       `json:"sender_id"`
	Text      string   `json:"text"`
	AuxData   *AuxData `json:"aux_data"`
	MessageID ID       `json:"message_id"`
	ChatID    ID       `json:"chat_id"`
}

// Update is one update, from getUpdates or a webhook's "update".
type Update struct {
	Type             string          `json:"type"`
	ChatID           ID              `json:"chat_id"`
	NewMessage       *Message        `json:"new_message"`
	UpdatedMessage   *Message        `json:"updated_message"`
	RemovedMessageID ID              `json:"removed_message_id"`
	UpdatedPayment   json.RawMessage `json:"updated_payment"`
	InlineMessage    *InlineMessage  `json:"inline_message"`
	UpdateTime       ID              `json:"update_time"`
}

// webhookBody is a webhook delivery: exactly one of the two keys.
type webhookBody struct {
	Update        *Update        `json:"update"`
	InlineMessage *InlineMessage `json:"inline_message"`
}

// errNotUpdate is a body that is not a Rubika update.
var errNotUpdate = errors.New("not a Rubika update")

// parser turns updates into events. It does no I/O; sentByUs, when set,
// tells whether a message id in a chat is one the bot sent (for replies
// to the bot in groups).
type parser struct {
	platform, account string
	username          string // lower-case, without "@"; "" when unknown
	sentByUs          func(chat, msg string) bool
}

// parseWebhook decodes a webhook body. A JSON object with neither key (the
// query and selection endpoints, whose shapes are not known) gives no
// events and no error.
func (p *parser) parseWebhook(raw []byte, fallback string) ([]bot.Event, error) {
	if !webhook.IsObject(raw) {
		return nil, fmt.Errorf("%w: not a JSON object", errNotUpdate)
	}
	var b webhookBody
	if err := json.Unmarshal(raw, &b); err != nil {
		return nil, fmt.Errorf("%w: %v", errNotUpdate, err)
	}
	switch {
	case b.Update != nil:
		return p.update(b.Update, fallback)
	case b.InlineMessage != nil:
		if e := p.inline(b.InlineMessage); e != nil {
			return []bot.Event{*e}, nil
		}
	}
	return nil, nil
}

// parseUpdate decodes one update of getUpdates.
func (p *parser) parseUpdate(raw []byte, fallback string) ([]bot.Event, error) {
	if !webhook.IsObject(raw) {
		return nil, fmt.Errorf("%w: not a JSON object", errNotUpdate)
	}
	var u Update
	if err := json.Unmarshal(raw, &u); err != nil {
		return nil, fmt.Errorf("%w: %v", errNotUpdate, err)
	}
	return p.update(&u, fallback)
}

// update maps one update. fallback makes the id of start and stop updates
// unique when the update carries no update_time (their only other field is
// the chat): the poller passes the update's place in the stream, the
// webhook the time it arrived. An error is an update that cannot be read
// (a poll vote without a readable selection).
func (p *parser) update(u *Update, fallback string) ([]bot.Event, error) {
	chat := string(u.ChatID)
	one := func(e *bot.Event) ([]bot.Event, error) {
		if e == nil {
			return nil, nil
		}
		return []bot.Event{*e}, nil
	}
	switch u.Type {
	case TypeNewMessage:
		return one(p.message(chat, u.NewMessage, false))
	case TypeUpdatedMessage:
		if m := u.UpdatedMessage; m != nil && m.Poll != nil {
			e, err := p.pollVote(chat, m, u.UpdateTime)
			if err != nil {
				return nil, fmt.Errorf("%w: poll: %v", errNotUpdate, err)
			}
			return one(e)
		}
		return one(p.message(chat, u.UpdatedMessage, true))
	case TypeStartedBot, TypeStoppedBot:
		if chat == "" {
			return nil, nil
		}
		kind, tag := bot.EventStart, "started"
		if u.Type == TypeStoppedBot {
			kind, tag = bot.EventStop, "stopped"
		}
		at := string(u.UpdateTime)
		if at == "" {
			at = fallback
		}
		// From is filled by the adapter (getChat): the update names only
		// the chat.
		e := p.event(kind, tag+":"+chat+":"+at, chat)
		e.Addressed = true
		if t, ok := unixTime(u.UpdateTime); ok {
			e.SentAt = t
		}
		return one(e)
	case TypeInlineMessage:
		if u.InlineMessage != nil {
			m := *u.InlineMessage
			if m.ChatID == "" {
				m.ChatID = u.ChatID
			}
			return one(p.inline(&m))
		}
	}
	// RemovedMessage and UpdatedPayment name no sender and carry nothing
	// to answer or log as sentiment; unknown types are skipped too.
	return nil, nil
}

// pollVote maps an UpdatedMessage carrying a poll: a follower's vote in a
// poll we sent, or its withdrawal (selection_index -1, Data "").
//
// [UNCONFIRMED] Nothing Rubika publishes says how a vote reaches a bot.
// platforms.md knows only that a message's poll has poll_status {state,
// selection_index (-1 = none), percent_vote_options, total_vote,
// show_total_votes}. This reads a vote as Rubika's usual way of telling
// a bot that one of its messages changed: an UpdatedMessage of the poll
// message in the voter's private chat, whose selection_index is the
// follower's choice. Not known either: whether selection_index is the
// voter's choice or the receiver's own (a bot never votes, so it would
// always be -1), whether the sender fields name the bot or the voter, and
// whether votes are sent at all. The fake (rubikatest.Server.Voted)
// follows the same reading.
//
// A poll in a group or channel names no voter (the update names only
// the chat), so it gives no event. The voter of a private chat is filled
// in by the adapter as for StartedBot (resolveSenders), never taken from
// the message's sender, which for our poll is the bot. The poll id is the
// poll message's bare id, the PlatformID its delivery got. The event id
// "pa:<chat_id>:<message_id>:<selection_index>[:<update_time>]" is the
// same in a redelivery; without update_time a vote changed back to an
// earlier choice collapses into that earlier event.
func (p *parser) pollVote(chat string, m *Message, updateTime ID) (*bot.Event, error) {
	if m.Poll.PollStatus == nil {
		return nil, errors.New("no poll_status")
	}
	sel, err := strconv.Atoi(string(m.Poll.PollStatus.SelectionIndex))
	switch {
	case err != nil:
		return nil, fmt.Errorf("selection_index %q is not a number", m.Poll.PollStatus.SelectionIndex)
	case sel < -1:
		return nil, fmt.Errorf("selection_index %d", sel)
	case len(m.Poll.Options) > 0 && sel >= len(m.Poll.Options):
		return nil, fmt.Errorf("selection_index %d of %d options", sel, len(m.Poll.Options))
	}
	if chat == "" || m.MessageID == "" || chatType(chat) != bot.ChatPrivate {
		return nil, nil
	}
	poll := string(m.MessageID)
	id := "pa:" + chat + ":" + poll + ":" + strconv.Itoa(sel)
	if updateTime != "" {
		id += ":" + string(updateTime)
	}
	e := p.event(bot.EventPollAnswer, id, chat)
	if sel >= 0 {
		e.Data = strconv.Itoa(sel)
	}
	e.Extra = map[string]string{bot.ExtraPollID: poll}
	e.Addressed = true
	if t, ok := unixTime(updateTime); ok {
		e.SentAt = t
	}
	return e, nil
}

func (p *parser) event(kind bot.EventKind, id, chat string) *bot.Event {
	return &bot.Event{Platform: p.platform, Account: p.account, ID: id, Kind: kind, Chat: chat, ChatType: chatType(chat)}
}

// message maps a new or edited message.
func (p *parser) message(chat string, m *Message, edited bool) *bot.Event {
	if m == nil || chat == "" || m.MessageID == "" {
		return nil
	}
	ct := chatType(chat)
	id := messageID(chat, string(m.MessageID))
	kind := bot.EventMessage
	switch {
	case edited:
		// The message id stays across edits; the text tells edits apart
		// and is the same in a redelivery.
		sum := sha256.Sum256([]byte(m.Text))
		kind, id = bot.EventEdit, id+":edit:"+hex.EncodeToString(sum[:6])
	case ct == bot.ChatChannel:
		kind = bot.EventChannelPost
	case ct == bot.ChatPrivate && isStart(m.Text):
		kind = bot.EventStart
	}
	e := p.event(kind, id, chat)
	e.Text = m.Text
	e.From = bot.Sender{ID: string(m.SenderID), IsBot: m.SenderType == "Bot"}
	if m.ReplyToMessageID != "" {
		e.ReplyTo = messageID(chat, string(m.ReplyToMessageID))
	}
	if m.AuxData != nil && m.AuxData.ButtonID != "" {
		// A chat-keypad tap arrives as a message with the button's id.
		e.Data = string(m.AuxData.ButtonID)
	}
	if t, ok := unixTime(m.Time); ok {
		e.SentAt = t
	}
	switch ct {
	case bot.ChatPrivate:
		e.Addressed = true
	case bot.ChatGroup:
		e.Addressed = p.addressed(chat, m)
	}
	return e
}

// inline maps an inline-keypad press.
func (p *parser) inline(m *InlineMessage) *bot.Event {
	chat := string(m.ChatID)
	if chat == "" || m.SenderID == "" {
		return nil
	}
	var button string
	if m.AuxData != nil {
		button = string(m.AuxData.ButtonID)
	}
	e := p.event(bot.EventCallback, "cb:"+chat+":"+string(m.MessageID)+":"+string(m.SenderID)+":"+button, chat)
	e.From = bot.Sender{ID: string(m.SenderID)}
	e.Data = button
	e.Text = m.Text
	if m.MessageID != "" {
		e.ReplyTo = messageID(chat, string(m.MessageID))
	}
	e.Addressed = true
	return e
}

// addressed tells whether a group message is meant for the bot: a reply
// to one of its messages, a mention of its username, or a command.
func (p *parser) addressed(chat string, m *Message) bool {
	if m.ReplyToMessageID != "" && p.sentByUs != nil && p.sentByUs(chat, string(m.ReplyToMessageID)) {
		return true
	}
	if p.username != "" && mention.Has(m.Text, p.username) {
		return true
	}
	return strings.HasPrefix(m.Text, "/") && len(m.Text) > 1
}

func isStart(text string) bool {
	cmd, _, _ := strings.Cut(strings.TrimSpace(text), " ")
	return cmd == "/start"
}

// chatType reads a chat id's kind from its first letter: b (a user's chat
// with the bot), g (group), c (channel).
func chatType(chat string) bot.ChatType {
	switch {
	case strings.HasPrefix(chat, "b"), strings.HasPrefix(chat, "u"):
		return bot.ChatPrivate
	case strings.HasPrefix(chat, "c"):
		return bot.ChatChannel
	default:
		return bot.ChatGroup
	}
}

func unixTime(v ID) (time.Time, bool) {
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}, false
	}
	return time.Unix(n, 0).UTC(), true
}

// messageID is the event id of a message, "<chat_id>:<message_id>".
func messageID(chat, msg string) string { return chat + ":" + msg }

// parseMessageID reads an id made by messageID (or a bare message id)
// back; edits' suffixes are dropped.
func parseMessageID(id string) (chat, msg string, ok bool) {
	parts := strings.Split(id, ":")
	switch {
	case len(parts) == 1:
		msg = parts[0]
	case parts[0] == "cb" || parts[0] == "started" || parts[0] == "stopped" || parts[0] == "pa":
		return "", "", false
	default:
		chat, msg = parts[0], parts[1]
	}
	if msg == "" || strings.TrimLeft(msg, "0123456789") != "" {
		return "", "", false
	}
	return chat, msg, true
}

package telegram

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"engagebot/adapters/internal/mention"
	"engagebot/adapters/internal/webhook"
	"engagebot/bot"
)

// allowedUpdates are the update kinds the adapter asks for; anything else
// Telegram would send is ignored. "poll" (a poll's new counts or its
// closing) is left out: only poll_answer says who voted.
var allowedUpdates = []string{"message", "edited_message", "channel_post", "edited_channel_post", "callback_query", "my_chat_member", "poll_answer"}

// parser turns Bot API updates into events. It is pure: no I/O, so the
// fuzzer can drive it.
type parser struct {
	platform, account string
	// botID is the bot's user id (the token's prefix): replies to it
	// address the bot.
	botID int64
	// username is the bot's lower-case username without "@"; "" when not
	// known, and then only replies and commands address the bot in groups.
	username string
}

// parsed is one decoded update.
type parsed struct {
	UpdateID int
	Events   []bot.Event
	// CallbackID is the callback query to answer once the events are stored.
	CallbackID string
}

// errNotUpdate is a body that is not a Bot API update.
var errNotUpdate = errors.New("not a Telegram update")

// parseUpdate decodes one update. Update kinds the bot does not use give no
// events and no error.
func (p *parser) parseUpdate(raw []byte) (parsed, error) {
	if !webhook.IsObject(raw) {
		return parsed{}, fmt.Errorf("%w: not a JSON object", errNotUpdate)
	}
	var u tgbotapi.Update
	if err := json.Unmarshal(raw, &u); err != nil {
		return parsed{}, fmt.Errorf("%w: %v", errNotUpdate, err)
	}
	out := parsed{UpdateID: u.UpdateID}
	var e *bot.Event
	switch {
	case u.Message != nil:
		e = p.message(u.Message, false)
	case u.EditedMessage != nil:
		e = p.message(u.EditedMessage, true)
	case u.ChannelPost != nil:
		e = p.message(u.ChannelPost, false)
	case u.EditedChannelPost != nil:
		e = p.message(u.EditedChannelPost, true)
	case u.CallbackQuery != nil:
		e = p.callback(u.CallbackQuery)
		if e != nil {
			out.CallbackID = u.CallbackQuery.ID
		}
	case u.MyChatMember != nil:
		e = p.myChatMember(u.MyChatMember)
	case u.PollAnswer != nil:
		var err error
		if e, err = p.pollAnswer(raw, u.UpdateID); err != nil {
			return out, fmt.Errorf("%w: poll_answer: %v", errNotUpdate, err)
		}
	case u.Poll != nil:
		// A poll's state (counts, closed): nobody's vote. Not asked for,
		// but a webhook registered by hand may still deliver it.
	}
	if e != nil {
		out.Events = []bot.Event{*e}
	}
	return out, nil
}

// updateIDOf reads only the update_id of a body that failed to decode as a
// whole, so a poller can step over it.
func updateIDOf(raw []byte) (int, bool) {
	var u struct {
		UpdateID *int `json:"update_id"`
	}
	if json.Unmarshal(raw, &u) != nil || u.UpdateID == nil {
		return 0, false
	}
	return *u.UpdateID, true
}

func (p *parser) event(kind bot.EventKind, id, chat string, ct bot.ChatType) *bot.Event {
	return &bot.Event{Platform: p.platform, Account: p.account, ID: id, Kind: kind, Chat: chat, ChatType: ct}
}

// message maps a message or channel post, or an edit of one.
func (p *parser) message(m *tgbotapi.Message, edited bool) *bot.Event {
	if m.Chat == nil || m.MessageID == 0 {
		return nil
	}
	chat := strconv.FormatInt(m.Chat.ID, 10)
	ct := chatType(m.Chat.Type)
	id := messageID(chat, m.MessageID)
	kind := bot.EventMessage
	text := m.Text
	if text == "" {
		text = m.Caption
	}
	switch {
	case edited:
		// The same message id comes back with each edit: the edit date
		// keeps edits apart from the original and from each other.
		kind = bot.EventEdit
		id += ":edit:" + strconv.Itoa(m.EditDate)
	case ct == bot.ChatChannel:
		kind = bot.EventChannelPost
	case ct == bot.ChatPrivate && isStart(text):
		kind = bot.EventStart
	}
	e := p.event(kind, id, chat, ct)
	e.Text = text
	switch {
	case m.From != nil:
		e.From = sender(m.From)
	case m.SenderChat != nil:
		// Channel posts and anonymous group admins speak as a chat.
		e.From = bot.Sender{ID: strconv.FormatInt(m.SenderChat.ID, 10), Name: m.SenderChat.Title, Username: m.SenderChat.UserName}
	}
	if m.ReplyToMessage != nil && m.ReplyToMessage.MessageID != 0 {
		e.ReplyTo = messageID(chat, m.ReplyToMessage.MessageID)
	}
	if m.Date > 0 {
		e.SentAt = time.Unix(int64(m.Date), 0).UTC()
	}
	switch ct {
	case bot.ChatPrivate:
		e.Addressed = true
	case bot.ChatGroup:
		e.Addressed = p.addressed(m, text)
	}
	return e
}

// callback maps a press on one of our inline buttons.
func (p *parser) callback(q *tgbotapi.CallbackQuery) *bot.Event {
	if q.ID == "" || q.From == nil {
		return nil
	}
	// A press on an inline-mode message has no chat: the private chat with
	// the presser (whose id equals theirs) is where an answer can go.
	chat, ct := strconv.FormatInt(q.From.ID, 10), bot.ChatPrivate
	var replyTo string
	if q.Message != nil && q.Message.Chat != nil {
		chat, ct = strconv.FormatInt(q.Message.Chat.ID, 10), chatType(q.Message.Chat.Type)
		if q.Message.MessageID != 0 {
			replyTo = messageID(chat, q.Message.MessageID)
		}
	}
	e := p.event(bot.EventCallback, "cb:"+q.ID, chat, ct)
	e.From = sender(q.From)
	e.Data = q.Data
	e.ReplyTo = replyTo
	e.Addressed = true
	return e
}

// myChatMember maps a follower blocking the bot in a private chat (consent
// withdrawn). The bot joining or leaving groups is not a follower event.
func (p *parser) myChatMember(m *tgbotapi.ChatMemberUpdated) *bot.Event {
	if m.Chat.Type != "private" || m.NewChatMember.Status != "kicked" {
		return nil
	}
	chat := strconv.FormatInt(m.Chat.ID, 10)
	e := p.event(bot.EventStop, "member:"+chat+":"+strconv.Itoa(m.Date)+":kicked", chat, bot.ChatPrivate)
	e.From = sender(&m.From)
	if e.From.ID == "0" {
		e.From.ID = chat
	}
	e.Addressed = true
	if m.Date > 0 {
		e.SentAt = time.Unix(int64(m.Date), 0).UTC()
	}
	return e
}

// pollAnswer maps a follower's vote in one of our polls (sent
// non-anonymous, so Telegram names the voter). The event goes to the
// voter's private chat, whose id is theirs. Its id is
// "pa:<poll_id>:<user_id>:<update_id>": each change of a vote is a new
// update, and the poll and user keep ids apart should update_id restart
// (Telegram restarts it at random after a week without updates).
//
// tgbotapi v5.5.1 decodes a poll_answer without voter_chat and with a
// zero user when none is given, so the body is read again here.
func (p *parser) pollAnswer(raw []byte, updateID int) (*bot.Event, error) {
	var w struct {
		PollAnswer struct {
			PollID    string         `json:"poll_id"`
			User      *tgbotapi.User `json:"user"`
			VoterChat *tgbotapi.Chat `json:"voter_chat"`
			OptionIDs *[]int         `json:"option_ids"`
		} `json:"poll_answer"`
	}
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, err
	}
	a := w.PollAnswer
	switch {
	case a.PollID == "":
		return nil, errors.New("no poll_id")
	case a.OptionIDs == nil:
		return nil, errors.New("no option_ids")
	case (a.User == nil || a.User.ID == 0) && a.VoterChat != nil:
		// A chat voting anonymously (a channel, an anonymous group
		// admin): no follower to count, and none of our polls allows it.
		return nil, nil
	case a.User == nil || a.User.ID == 0:
		return nil, errors.New("no user")
	}
	data := ""
	for i, id := range *a.OptionIDs {
		if id < 0 {
			return nil, fmt.Errorf("option id %d is negative", id)
		}
		if i == 0 {
			// Our polls allow one answer; an empty list withdraws the vote.
			data = strconv.Itoa(id)
		}
	}
	user := strconv.FormatInt(a.User.ID, 10)
	e := p.event(bot.EventPollAnswer, "pa:"+a.PollID+":"+user+":"+strconv.Itoa(updateID), user, bot.ChatPrivate)
	e.From = sender(a.User)
	e.Data = data
	e.Extra = map[string]string{bot.ExtraPollID: a.PollID}
	e.Addressed = true
	return e, nil
}

// addressed tells whether a group message is meant for the bot: it
// replies to the bot, mentions it, or is a command (for us, when it names
// a bot: /help@ourbot).
func (p *parser) addressed(m *tgbotapi.Message, text string) bool {
	if r := m.ReplyToMessage; r != nil && r.From != nil && p.botID != 0 && r.From.ID == p.botID {
		return true
	}
	for _, ent := range m.Entities {
		if ent.Type == "text_mention" && ent.User != nil && p.botID != 0 && ent.User.ID == p.botID {
			return true
		}
	}
	if p.username != "" && mention.Has(text, p.username) {
		return true
	}
	if strings.HasPrefix(text, "/") {
		cmd, _, _ := strings.Cut(text, " ")
		cmd, _, _ = strings.Cut(cmd, "\n")
		if _, target, ok := strings.Cut(cmd, "@"); ok {
			return p.username != "" && strings.EqualFold(target, p.username)
		}
		return len(cmd) > 1
	}
	return false
}

func isStart(text string) bool {
	cmd, _, _ := strings.Cut(text, " ")
	cmd, _, _ = strings.Cut(cmd, "@")
	return cmd == "/start"
}

func chatType(t string) bot.ChatType {
	switch t {
	case "private":
		return bot.ChatPrivate
	case "channel":
		return bot.ChatChannel
	default:
		// group, supergroup, and anything new: answer only when addressed.
		return bot.ChatGroup
	}
}

func sender(u *tgbotapi.User) bot.Sender {
	name := strings.TrimSpace(u.FirstName + " " + u.LastName)
	return bot.Sender{ID: strconv.FormatInt(u.ID, 10), Name: name, Username: u.UserName, Lang: u.LanguageCode, IsBot: u.IsBot}
}

// messageID is the event id of a message: message ids are unique only
// within a chat.
func messageID(chat string, id int) string { return chat + ":" + strconv.Itoa(id) }

// parseMessageID reads an id made by messageID (or a bare message id)
// back into the chat and the message id.
func parseMessageID(id string) (chat string, msg int, ok bool) {
	if c, rest, found := strings.Cut(id, ":"); found {
		if _, err := strconv.ParseInt(c, 10, 64); err != nil {
			return "", 0, false
		}
		chat, id = c, rest
		// An edit's id carries a suffix; it still names the message.
		id, _, _ = strings.Cut(id, ":")
	}
	n, err := strconv.Atoi(id)
	if err != nil || n <= 0 {
		return "", 0, false
	}
	return chat, n, true
}

// botIDOf reads the bot's user id from its token, "123456:ABC...".
func botIDOf(token string) (int64, error) {
	idPart, secret, ok := strings.Cut(token, ":")
	if !ok || secret == "" {
		return 0, errors.New("token has no colon")
	}
	id, err := strconv.ParseInt(idPart, 10, 64)
	if err != nil || id <= 0 {
		return 0, errors.New("token does not start with the bot id")
	}
	return id, nil
}

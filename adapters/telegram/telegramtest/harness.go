package telegramtest

import (
	"net/http"
	"strconv"
	"testing"
	"unicode/utf16"

	"engagebot/adapters/adaptertest"
)

// PrivateChat is a follower's private chat with the bot (its id is theirs).
func PrivateChat(u User) Chat {
	return Chat{ID: u.ID, Type: "private", FirstName: u.FirstName, Username: u.Username}
}

// Text is a text message update from a follower in chat.
func Text(chat Chat, from User, text string) *Update {
	return &Update{Message: &Message{From: &from, Chat: chat, Text: text}}
}

// Command is a text update starting with a bot command ("/start"), with
// its bot_command entity.
func Command(chat Chat, from User, text string) *Update {
	u := Text(chat, from, text)
	n := 0
	for _, r := range text {
		if r == ' ' || r == '\n' {
			break
		}
		n += len(utf16.Encode([]rune{r}))
	}
	u.Message.Entities = []Entity{{Type: "bot_command", Offset: 0, Length: n}}
	return u
}

// Mention is a group message mentioning @username, with its entity.
func Mention(chat Chat, from User, username, rest string) *Update {
	tag := "@" + username
	u := Text(chat, from, tag+" "+rest)
	u.Message.Entities = []Entity{{Type: "mention", Offset: 0, Length: len(utf16.Encode([]rune(tag)))}}
	return u
}

// ReplyTo makes the update's message a reply to m.
func (u *Update) ReplyTo(m *Message) *Update {
	if msg := u.message(); msg != nil {
		msg.ReplyToMessage = m
	}
	return u
}

// Press is a press on an inline button of the bot's message msgID in chat.
func Press(chat Chat, from User, msgID int, data string) *Update {
	return &Update{CallbackQuery: &CallbackQuery{
		ID: strconv.FormatInt(from.ID, 10) + "-" + strconv.Itoa(msgID) + "-" + data, From: from,
		ChatInstance: "ci" + strconv.FormatInt(chat.ID, 10), Data: data,
		Message: &Message{MessageID: msgID, Chat: chat, Text: "survey"},
	}}
}

// Blocked is the follower blocking the bot in their private chat.
func (s *Server) Blocked(from User) *Update {
	me := s.Bot
	return &Update{MyChatMember: &ChatMemberUpdated{
		Chat: PrivateChat(from), From: from,
		OldChatMember: ChatMember{Status: "member", User: me},
		NewChatMember: ChatMember{Status: "kicked", User: me},
	}}
}

// Harness drives the fake for adapters/adaptertest. With Webhook it
// delivers to the webhook the adapter registered (the test calls
// RegisterWebhook first); otherwise it queues updates for getUpdates.
// Sent.ReplyTo is given as "<chat_id>:<message_id>", the adapter's event id.
type Harness struct {
	S       *Server
	Webhook bool
}

var _ adaptertest.Harness = (*Harness)(nil)

// Deliver sends a private text message from a follower.
func (h *Harness) Deliver(t *testing.T, in adaptertest.Inbound) string {
	t.Helper()
	name := in.UserName
	if name == "" {
		name = "Follower"
	}
	user := h.S.NewUser(name)
	if in.UserID != "" {
		id, err := strconv.ParseInt(in.UserID, 10, 64)
		if err != nil {
			t.Fatalf("telegramtest: user id %q is not a number", in.UserID)
		}
		user.ID = id
	}
	h.push(t, Text(PrivateChat(user), user, in.Text))
	return strconv.FormatInt(user.ID, 10)
}

func (h *Harness) push(t *testing.T, u *Update) {
	t.Helper()
	if !h.Webhook {
		h.S.Enqueue(u)
		return
	}
	status, err := h.S.Deliver(u)
	if err != nil {
		t.Fatalf("telegramtest: webhook delivery: %v", err)
	}
	if status != http.StatusOK {
		t.Fatalf("telegramtest: webhook answered %d, want 200", status)
	}
}

// Redeliver delivers the last update again.
func (h *Harness) Redeliver(t *testing.T) {
	t.Helper()
	if !h.Webhook {
		h.S.EnqueueDuplicate()
		return
	}
	status, err := h.S.Redeliver()
	if err != nil || status != http.StatusOK {
		t.Fatalf("telegramtest: redelivery: status %d, %v", status, err)
	}
}

// Sent lists the accepted messages.
func (h *Harness) Sent(t *testing.T) []adaptertest.Sent {
	var out []adaptertest.Sent
	for _, s := range h.S.Sent() {
		chat := strconv.FormatInt(s.ChatID, 10)
		as := adaptertest.Sent{Chat: chat, Text: s.Text}
		if s.ReplyTo != 0 {
			as.ReplyTo = chat + ":" + strconv.Itoa(s.ReplyTo)
		}
		out = append(out, as)
	}
	return out
}

// FailNext fails the next sendMessage.
func (h *Harness) FailNext(t *testing.T, f adaptertest.Failure) {
	switch f {
	case adaptertest.FailRateLimit:
		h.S.FailNext("sendMessage", Failure{Kind: RateLimit, RetryAfter: int(adaptertest.RetryAfter.Seconds())})
	case adaptertest.FailServer:
		h.S.FailNext("sendMessage", Failure{Kind: ServerError, Status: http.StatusBadGateway})
	case adaptertest.FailUnauthorized:
		h.S.FailNext("sendMessage", Failure{Kind: Unauthorized})
	default:
		t.Fatalf("telegramtest: unknown failure %d", f)
	}
}

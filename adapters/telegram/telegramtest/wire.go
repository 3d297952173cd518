package telegramtest

// Wire types of the Bot API, as the fake sends them: only the fields the
// tests use, with Telegram's names.

// User is a Telegram user or bot.
type User struct {
	ID           int64  `json:"id"`
	IsBot        bool   `json:"is_bot"`
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name,omitempty"`
	Username     string `json:"username,omitempty"`
	LanguageCode string `json:"language_code,omitempty"`
}

// Chat is a private chat, group, supergroup or channel.
type Chat struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"` // private, group, supergroup, channel
	Title     string `json:"title,omitempty"`
	Username  string `json:"username,omitempty"`
	FirstName string `json:"first_name,omitempty"`
}

// Entity is a MessageEntity; offsets are in UTF-16 units.
type Entity struct {
	Type   string `json:"type"`
	Offset int    `json:"offset"`
	Length int    `json:"length"`
	User   *User  `json:"user,omitempty"`
}

// Message is a message or channel post.
type Message struct {
	MessageID      int       `json:"message_id"`
	From           *User     `json:"from,omitempty"`
	SenderChat     *Chat     `json:"sender_chat,omitempty"`
	Date           int64     `json:"date"`
	EditDate       int64     `json:"edit_date,omitempty"`
	Chat           Chat      `json:"chat"`
	Text           string    `json:"text,omitempty"`
	Entities       []Entity  `json:"entities,omitempty"`
	ReplyToMessage *Message  `json:"reply_to_message,omitempty"`
	ReplyMarkup    *Keyboard `json:"reply_markup,omitempty"`
	Poll           *Poll     `json:"poll,omitempty"`
}

// Poll is a native poll, with the fields the Bot API marks required.
type Poll struct {
	ID                    string       `json:"id"`
	Question              string       `json:"question"`
	Options               []PollOption `json:"options"`
	TotalVoterCount       int          `json:"total_voter_count"`
	IsClosed              bool         `json:"is_closed"`
	IsAnonymous           bool         `json:"is_anonymous"`
	Type                  string       `json:"type"` // regular, quiz
	AllowsMultipleAnswers bool         `json:"allows_multiple_answers"`
	AllowsRevoting        bool         `json:"allows_revoting"`
	MembersOnly           bool         `json:"members_only"`
}

// PollOption is one option of a Poll.
type PollOption struct {
	PersistentID string `json:"persistent_id"`
	Text         string `json:"text"`
	VoterCount   int    `json:"voter_count"`
}

// PollAnswer is a user's vote in a non-anonymous poll; empty option lists
// withdraw it.
type PollAnswer struct {
	PollID              string   `json:"poll_id"`
	User                *User    `json:"user,omitempty"`
	VoterChat           *Chat    `json:"voter_chat,omitempty"`
	OptionIDs           []int    `json:"option_ids"`
	OptionPersistentIDs []string `json:"option_persistent_ids"`
}

// Keyboard is an InlineKeyboardMarkup.
type Keyboard struct {
	InlineKeyboard [][]Button `json:"inline_keyboard"`
}

// Button is an InlineKeyboardButton.
type Button struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
	URL          string `json:"url,omitempty"`
}

// CallbackQuery is a press on an inline button.
type CallbackQuery struct {
	ID           string   `json:"id"`
	From         User     `json:"from"`
	Message      *Message `json:"message,omitempty"`
	ChatInstance string   `json:"chat_instance"`
	Data         string   `json:"data,omitempty"`
}

// ChatMember is the bot's membership in a chat.
type ChatMember struct {
	Status string `json:"status"`
	User   User   `json:"user"`
}

// ChatMemberUpdated is a change of the bot's membership (my_chat_member).
type ChatMemberUpdated struct {
	Chat          Chat       `json:"chat"`
	From          User       `json:"from"`
	Date          int64      `json:"date"`
	OldChatMember ChatMember `json:"old_chat_member"`
	NewChatMember ChatMember `json:"new_chat_member"`
}

// Update is one update. The fake assigns UpdateID (and message ids) when
// they are zero.
type Update struct {
	UpdateID          int                `json:"update_id"`
	Message           *Message           `json:"message,omitempty"`
	EditedMessage     *Message           `json:"edited_message,omitempty"`
	ChannelPost       *Message           `json:"channel_post,omitempty"`
	EditedChannelPost *Message           `json:"edited_channel_post,omitempty"`
	CallbackQuery     *CallbackQuery     `json:"callback_query,omitempty"`
	MyChatMember      *ChatMemberUpdated `json:"my_chat_member,omitempty"`
	Poll              *Poll              `json:"poll,omitempty"`
	PollAnswer        *PollAnswer        `json:"poll_answer,omitempty"`
}

// message returns the message the update carries, if any.
func (u *Update) message() *Message {
	switch {
	case u.Message != nil:
		return u.Message
	case u.EditedMessage != nil:
		return u.EditedMessage
	case u.ChannelPost != nil:
		return u.ChannelPost
	case u.EditedChannelPost != nil:
		return u.EditedChannelPost
	}
	return nil
}

// apiResponse is the Bot API envelope.
type apiResponse struct {
	OK          bool            `json:"ok"`
	Result      any             `json:"result,omitempty"`
	ErrorCode   int             `json:"error_code,omitempty"`
	Description string          `json:"description,omitempty"`
	Parameters  *responseParams `json:"parameters,omitempty"`
}

type responseParams struct {
	RetryAfter      int   `json:"retry_after,omitempty"`
	MigrateToChatID int64 `json:"migrate_to_chat_id,omitempty"`
}

package rubikatest

import (
	"encoding/json"
	"strings"
)

// Wire types of the Rubika Bot API as the fake sends them. Ids are decimal
// strings; WithNumericIDs sends message ids as bare JSON numbers instead,
// as some of Rubika's own samples do.

// User is a follower: their user id and their private chat with the bot.
type User struct {
	ID   string // u0...
	Chat string // b0...
	Name string
}

// Message is a message in an update.
type Message struct {
	MessageID        string   `json:"message_id"`
	Text             string   `json:"text,omitempty"`
	Time             string   `json:"time"`
	IsEdited         bool     `json:"is_edited"`
	SenderType       string   `json:"sender_type"`
	SenderID         string   `json:"sender_id"`
	AuxData          *AuxData `json:"aux_data,omitempty"`
	ReplyToMessageID string   `json:"reply_to_message_id,omitempty"`
	Poll             *Poll    `json:"poll,omitempty"`
}

// Poll is a poll message's poll, as platforms.md lists its fields. The
// options' shape is not known; they are sent back as the strings sendPoll
// took.
type Poll struct {
	Question   string     `json:"question"`
	Options    []string   `json:"options"`
	PollStatus PollStatus `json:"poll_status"`
}

// PollStatus is a poll's state as the receiver of the update sees it.
type PollStatus struct {
	State              string `json:"state"`           // Open or Closed
	SelectionIndex     int    `json:"selection_index"` // -1 = none
	PercentVoteOptions []int  `json:"percent_vote_options"`
	TotalVote          int    `json:"total_vote"`
	ShowTotalVotes     bool   `json:"show_total_votes"`
}

// AuxData names the button of a keypad press.
type AuxData struct {
	StartID  *string `json:"start_id"`
	ButtonID string  `json:"button_id"`
}

// InlineMessage is an inline-keypad press.
type InlineMessage struct {
	SenderID  string   `json:"sender_id"`
	Text      string   `json:"text"`
	Location  any      `json:"location"`
	AuxData   *AuxData `json:"aux_data"`
	MessageID string   `json:"message_id"`
	ChatID    string   `json:"chat_id"`
}

// Update is one update.
type Update struct {
	Type             string   `json:"type"`
	ChatID           string   `json:"chat_id"`
	NewMessage       *Message `json:"new_message,omitempty"`
	UpdatedMessage   *Message `json:"updated_message,omitempty"`
	RemovedMessageID string   `json:"removed_message_id,omitempty"`
	UpdatedPayment   any      `json:"updated_payment,omitempty"`
}

func (u *Update) message() *Message {
	if u.NewMessage != nil {
		return u.NewMessage
	}
	return u.UpdatedMessage
}

// Keypad is an inline keypad as the adapter sent it.
type Keypad struct {
	Rows []struct {
		Buttons []KeypadButton `json:"buttons"`
	} `json:"rows"`
}

// KeypadButton is one keypad button.
type KeypadButton struct {
	ID         string `json:"id"`
	Type       string `json:"type"`
	ButtonText string `json:"button_text"`
	ButtonLink *struct {
		Type    string `json:"type"`
		LinkURL string `json:"link_url"`
	} `json:"button_link,omitempty"`
}

// numericIDs rewrites every "message_id" that holds digits as a bare
// number, keeping all digits (values beyond 2^53 included).
func numericIDs(raw []byte) []byte {
	var v any
	d := json.NewDecoder(strings.NewReader(string(raw)))
	d.UseNumber()
	if d.Decode(&v) != nil {
		return raw
	}
	var walk func(any)
	walk = func(x any) {
		switch t := x.(type) {
		case map[string]any:
			for k, val := range t {
				if s, ok := val.(string); ok && (k == "message_id" || k == "reply_to_message_id") && s != "" && strings.Trim(s, "0123456789") == "" {
					t[k] = json.Number(s)
					continue
				}
				walk(val)
			}
		case []any:
			for _, e := range t {
				walk(e)
			}
		}
	}
	walk(v)
	b, err := json.Marshal(v)
	if err != nil {
		return raw
	}
	return b
}

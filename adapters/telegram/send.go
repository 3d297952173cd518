package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"engagebot/bot"
)

// Bot API limits on what we send.
const (
	maxTextUTF16     = 4096 // sendMessage text, in UTF-16 code units
	maxCallbackBytes = 64   // callback_data
)

// Send delivers one outbound item with sendMessage: a reply threaded under
// the follower's message, a direct message, or a channel post (Chat is the
// channel's -100... id or @username). Buttons become an inline keyboard.
// An item with a Poll goes out with sendPoll instead (see sendPoll).
// It is safe for concurrent use.
func (a *Adapter) Send(ctx context.Context, o *bot.Outbound) (bot.Delivery, error) {
	if o.Poll != nil {
		return a.sendPoll(ctx, o)
	}
	params, err := sendParams(o)
	if err != nil {
		return bot.Delivery{}, &bot.SendError{Kind: bot.SendPermanent, Code: "invalid_item", Err: fmt.Errorf("telegram: send %d: %w", o.ID, err)}
	}
	ctx, cancel := context.WithTimeout(ctx, a.cfg.RequestTimeout)
	defer cancel()
	res, err := a.client.call(ctx, a.hc, "sendMessage", params)
	if err != nil {
		se := classify(err)
		a.log.Debug("telegram: send failed", "outbound", o.ID, "kind", se.Kind.String(), "err", err)
		return bot.Delivery{}, se
	}
	var m struct {
		MessageID int `json:"message_id"`
		Chat      struct {
			ID int64 `json:"id"`
		} `json:"chat"`
	}
	if err := json.Unmarshal(res, &m); err != nil || m.MessageID == 0 {
		// ok:true means it went out; only its id is lost.
		a.log.Warn("telegram: sendMessage succeeded with an unreadable result", "outbound", o.ID)
		return bot.Delivery{}, nil
	}
	return bot.Delivery{PlatformID: messageID(strconv.FormatInt(m.Chat.ID, 10), m.MessageID)}, nil
}

// sendParams builds sendMessage's parameters; an error means the item can
// never be sent as it is.
func sendParams(o *bot.Outbound) (map[string]string, error) {
	chat, err := chatOf(o)
	if err != nil {
		return nil, err
	}
	if o.Text == "" {
		return nil, errors.New("empty text")
	}
	if n := utf16Len(o.Text); n > maxTextUTF16 {
		return nil, fmt.Errorf("text is %d UTF-16 units, Telegram takes at most %d", n, maxTextUTF16)
	}
	p := map[string]string{"chat_id": chat, "text": o.Text}
	if rp, ok := replyParameters(o, chat); ok {
		p["reply_parameters"] = rp
	}
	if len(o.Buttons) > 0 {
		kb, err := inlineKeyboard(o.Buttons)
		if err != nil {
			return nil, err
		}
		p["reply_markup"] = kb
	}
	return p, nil
}

// chatOf checks the item's kind and finds the chat it goes to.
func chatOf(o *bot.Outbound) (string, error) {
	switch o.Kind {
	case bot.OutReply, bot.OutDirect, bot.OutPost:
	default:
		return "", fmt.Errorf("kind %q is not supported on Telegram", o.Kind)
	}
	chat := o.Chat
	if chat == "" && o.Kind == bot.OutDirect {
		// A user's private chat id is the user id.
		chat = o.Recipient
	}
	if chat == "" {
		return "", errors.New("no chat")
	}
	return chat, nil
}

// replyParameters threads a reply under the message it answers; ok is
// false when the item is no reply or ReplyTo names no message (a button
// press "cb:..."), which leaves it unthreaded.
func replyParameters(o *bot.Outbound, chat string) (string, bool) {
	if o.Kind != bot.OutReply || o.ReplyTo == "" {
		return "", false
	}
	replyChat, msg, ok := parseMessageID(o.ReplyTo)
	if !ok {
		return "", false
	}
	rp := map[string]any{"message_id": msg, "allow_sending_without_reply": true}
	if replyChat != "" && replyChat != chat {
		rp["chat_id"] = replyChat
		delete(rp, "allow_sending_without_reply")
	}
	b, _ := json.Marshal(rp)
	return string(b), true
}

// inlineKeyboard encodes buttons as an InlineKeyboardMarkup.
func inlineKeyboard(rows [][]bot.Button) (string, error) {
	type button struct {
		Text         string `json:"text"`
		CallbackData string `json:"callback_data,omitempty"`
		URL          string `json:"url,omitempty"`
	}
	kb := struct {
		InlineKeyboard [][]button `json:"inline_keyboard"`
	}{InlineKeyboard: make([][]button, 0, len(rows))}
	for i, row := range rows {
		if len(row) == 0 {
			continue
		}
		out := make([]button, 0, len(row))
		for j, b := range row {
			switch {
			case b.Text == "":
				return "", fmt.Errorf("button %d.%d has no text", i, j)
			case (b.Data == "") == (b.URL == ""):
				return "", fmt.Errorf("button %d.%d needs exactly one of data and url", i, j)
			case len(b.Data) > maxCallbackBytes:
				return "", fmt.Errorf("button %d.%d data is %d bytes, Telegram takes at most %d", i, j, len(b.Data), maxCallbackBytes)
			}
			out = append(out, button{Text: b.Text, CallbackData: b.Data, URL: b.URL})
		}
		kb.InlineKeyboard = append(kb.InlineKeyboard, out)
	}
	b, err := json.Marshal(kb)
	return string(b), err
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}

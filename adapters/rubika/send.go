package rubika

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"engagebot/bot"
)

// Send delivers one outbound item with sendMessage: a reply threaded
// under the follower's message, a direct message, or a channel post (Chat
// is the channel's c0... id). Buttons become an inline keypad: a data
// button is a "Simple" button whose id is the data, a URL button a "Link"
// button. An item with a Poll goes out with sendPoll instead (see
// sendPoll). It is safe for concurrent use.
func (a *Adapter) Send(ctx context.Context, o *bot.Outbound) (bot.Delivery, error) {
	if o.Poll != nil {
		return a.sendPoll(ctx, o)
	}
	req, err := sendRequest(o)
	if err != nil {
		return bot.Delivery{}, &bot.SendError{Kind: bot.SendPermanent, Code: "invalid_item", Err: fmt.Errorf("rubika: send %d: %w", o.ID, err)}
	}
	ctx, cancel := context.WithTimeout(ctx, a.cfg.RequestTimeout)
	defer cancel()
	id, err := a.client.SendMessage(ctx, req)
	if err != nil {
		if errors.Is(err, ErrBadData) {
			// Status OK with unreadable data: it went out; only its id is lost.
			a.log.Warn("rubika: sendMessage succeeded with an unreadable answer", "outbound", o.ID, "err", err)
			return bot.Delivery{}, nil
		}
		se := a.classify(err)
		a.log.Debug("rubika: send failed", "outbound", o.ID, "kind", se.Kind.String(), "err", err)
		return bot.Delivery{}, se
	}
	if id == "" {
		return bot.Delivery{}, nil
	}
	a.sent.add(req.ChatID, id)
	return bot.Delivery{PlatformID: messageID(req.ChatID, id)}, nil
}

// chatOf checks the item's kind and finds the chat it goes to.
func chatOf(o *bot.Outbound) (string, error) {
	switch o.Kind {
	case bot.OutReply, bot.OutDirect, bot.OutPost:
	default:
		return "", fmt.Errorf("kind %q is not supported on Rubika", o.Kind)
	}
	if o.Chat == "" {
		return "", errors.New("no chat")
	}
	return o.Chat, nil
}

func sendRequest(o *bot.Outbound) (SendMessage, error) {
	chat, err := chatOf(o)
	if err != nil {
		return SendMessage{}, err
	}
	if o.Text == "" {
		return SendMessage{}, errors.New("empty text")
	}
	req := SendMessage{ChatID: chat, Text: o.Text}
	if o.Kind == bot.OutReply && o.ReplyTo != "" {
		// Ids that name no message (a button press "cb:...") leave the
		// reply unthreaded; Rubika threads only within the chat.
		if replyChat, msg, ok := parseMessageID(o.ReplyTo); ok && (replyChat == "" || replyChat == chat) {
			req.ReplyToMessageID = msg
		}
	}
	if len(o.Buttons) > 0 {
		kp := &Keypad{}
		for i, row := range o.Buttons {
			var r KeypadRow
			for j, b := range row {
				switch {
				case b.Text == "":
					return SendMessage{}, fmt.Errorf("button %d.%d has no text", i, j)
				case (b.Data == "") == (b.URL == ""):
					return SendMessage{}, fmt.Errorf("button %d.%d needs exactly one of data and url", i, j)
				case b.URL != "":
					r.Buttons = append(r.Buttons, Button{ID: "link-" + strconv.Itoa(i) + "-" + strconv.Itoa(j), Type: "Link", ButtonText: b.Text, ButtonLink: &ButtonLink{Type: "url", LinkURL: b.URL}})
				default:
					r.Buttons = append(r.Buttons, Button{ID: b.Data, Type: "Simple", ButtonText: b.Text})
				}
			}
			if len(r.Buttons) > 0 {
				kp.Rows = append(kp.Rows, r)
			}
		}
		req.InlineKeypad = kp
	}
	return req, nil
}

// classify turns a failed call into the dispatcher's terms.
func (a *Adapter) classify(err error) *bot.SendError {
	var ae *APIError
	if errors.As(err, &ae) {
		code := ae.Status
		switch {
		case ae.RateLimited():
			wait := ae.RetryAfter
			if wait == 0 {
				wait = a.cfg.RateLimitedWait
			}
			return &bot.SendError{Kind: bot.SendRateLimited, RetryAfter: wait, Code: code, Err: err}
		case ae.Unauthorized():
			return &bot.SendError{Kind: bot.SendUnauthorized, Code: code, Err: err}
		case ae.HTTPStatus >= 500:
			return &bot.SendError{Kind: bot.SendTemporary, Code: code, Err: err}
		case ae.Status == StatusInvalidInput || ae.HTTPStatus >= 400:
			return &bot.SendError{Kind: bot.SendPermanent, Code: code, Err: err}
		}
		// A status no one has documented: retrying with back-off is the
		// safe guess, and the dispatcher gives up in the end.
		return &bot.SendError{Kind: bot.SendTemporary, Code: code, Err: err}
	}
	var te *TransportError
	if errors.As(err, &te) {
		return te.SendError()
	}
	return bot.SendErrorOf(err)
}

package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"engagebot/bot"
)

// sendPoll's limits, from the Bot API's method list (10.1, June 2026:
// ../shared/specs/telegram-bot-api.json): a question of 1-300 characters
// and 1-12 options of 1-100 characters each. Older Bot API versions took
// 2-10 options; bot.Poll's own comment still says at most 10. Lengths are
// counted in UTF-16 units, as Telegram counts text.
const (
	minPollOptions     = 1
	maxPollOptions     = 12
	maxPollQuestion    = 300
	maxPollOptionUTF16 = 100
)

// sendPoll delivers an item with a Poll as a native, non-anonymous poll,
// so that each follower's vote reaches the bot as a poll_answer update.
// The item's Text and Buttons (the survey's fallback for platforms without
// polls) are not sent. The delivery's PlatformID is the poll's id, the
// only thing a poll_answer names.
//
// Telegram refuses non-anonymous polls in channels, and votes in an
// anonymous one never reach the bot, so a poll for a channel
// (ChatType channel) fails permanently before any call.
func (a *Adapter) sendPoll(ctx context.Context, o *bot.Outbound) (bot.Delivery, error) {
	params, err := pollParams(o)
	if err != nil {
		return bot.Delivery{}, &bot.SendError{Kind: bot.SendPermanent, Code: "invalid_item", Err: fmt.Errorf("telegram: send poll %d: %w", o.ID, err)}
	}
	ctx, cancel := context.WithTimeout(ctx, a.cfg.RequestTimeout)
	defer cancel()
	res, err := a.client.call(ctx, a.hc, "sendPoll", params)
	if err != nil {
		se := classify(err)
		a.log.Debug("telegram: send poll failed", "outbound", o.ID, "kind", se.Kind.String(), "err", err)
		return bot.Delivery{}, se
	}
	var m struct {
		Poll struct {
			ID string `json:"id"`
		} `json:"poll"`
	}
	if err := json.Unmarshal(res, &m); err != nil || m.Poll.ID == "" {
		// ok:true means it went out; sending again would ask twice. Only
		// its id is lost, and with it the votes' link to this item.
		a.log.Warn("telegram: sendPoll succeeded with an unreadable result; votes in this poll will not match it", "outbound", o.ID)
		return bot.Delivery{}, nil
	}
	return bot.Delivery{PlatformID: m.Poll.ID}, nil
}

// pollParams builds sendPoll's parameters; an error means the item can
// never be sent as it is.
func pollParams(o *bot.Outbound) (map[string]string, error) {
	chat, err := chatOf(o)
	if err != nil {
		return nil, err
	}
	if o.ChatType == bot.ChatChannel {
		return nil, errors.New("a channel takes only anonymous polls, whose votes never reach the bot")
	}
	q := o.Poll.Question
	switch n := utf16Len(q); {
	case strings.TrimSpace(q) == "":
		return nil, errors.New("poll has no question")
	case n > maxPollQuestion:
		return nil, fmt.Errorf("poll question is %d UTF-16 units, Telegram takes at most %d", n, maxPollQuestion)
	}
	if n := len(o.Poll.Options); n < minPollOptions || n > maxPollOptions {
		return nil, fmt.Errorf("poll has %d options, Telegram takes %d to %d", n, minPollOptions, maxPollOptions)
	}
	type inputPollOption struct {
		Text string `json:"text"`
	}
	opts := make([]inputPollOption, 0, len(o.Poll.Options))
	for i, opt := range o.Poll.Options {
		switch n := utf16Len(opt); {
		case strings.TrimSpace(opt) == "":
			return nil, fmt.Errorf("poll option %d is empty", i)
		case n > maxPollOptionUTF16:
			return nil, fmt.Errorf("poll option %d is %d UTF-16 units, Telegram takes at most %d", i, n, maxPollOptionUTF16)
		}
		opts = append(opts, inputPollOption{Text: opt})
	}
	b, err := json.Marshal(opts)
	if err != nil {
		return nil, err
	}
	p := map[string]string{"chat_id": chat, "question": q, "options": string(b), "is_anonymous": "false"}
	if rp, ok := replyParameters(o, chat); ok {
		p["reply_parameters"] = rp
	}
	return p, nil
}

package rubika

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"engagebot/bot"
)

// Limits the adapter puts on a poll before sending it. Rubika publishes
// none [UNCONFIRMED]: these are cautious guesses, Telegram's older ones
// (2-10 options) with its lengths (question 300, option 100 characters),
// so a survey that fits here fits both platforms.
const (
	minPollOptions  = 2
	maxPollOptions  = 10
	maxPollQuestion = 300
	maxPollOption   = 100
)

// sendPoll delivers an item with a Poll as a native poll (sendPoll with
// chat_id, question and options). The item's Text and Buttons (the
// survey's fallback for platforms without polls) are not sent, and a poll
// is never threaded (reply_to_message_id on sendPoll is known only from
// rubpy). The delivery's PlatformID is the poll message's bare id, which
// is what a vote names (EventPollAnswer's Extra[bot.ExtraPollID]; see
// parser.pollVote).
func (a *Adapter) sendPoll(ctx context.Context, o *bot.Outbound) (bot.Delivery, error) {
	req, err := pollRequest(o)
	if err != nil {
		return bot.Delivery{}, &bot.SendError{Kind: bot.SendPermanent, Code: "invalid_item", Err: fmt.Errorf("rubika: send poll %d: %w", o.ID, err)}
	}
	ctx, cancel := context.WithTimeout(ctx, a.cfg.RequestTimeout)
	defer cancel()
	id, err := a.client.SendPoll(ctx, req)
	if err != nil {
		if errors.Is(err, ErrBadData) {
			// Status OK: it went out; sending again would ask twice.
			a.log.Warn("rubika: sendPoll succeeded with an unreadable answer; votes in this poll will not match it", "outbound", o.ID, "err", err)
			return bot.Delivery{}, nil
		}
		se := a.classify(err)
		a.log.Debug("rubika: send poll failed", "outbound", o.ID, "kind", se.Kind.String(), "err", err)
		return bot.Delivery{}, se
	}
	if id == "" {
		a.log.Warn("rubika: sendPoll answered no message_id; votes in this poll will not match it", "outbound", o.ID)
		return bot.Delivery{}, nil
	}
	a.sent.add(req.ChatID, id)
	return bot.Delivery{PlatformID: id}, nil
}

// pollRequest builds sendPoll's request; an error means the item can
// never be sent as it is.
func pollRequest(o *bot.Outbound) (SendPoll, error) {
	chat, err := chatOf(o)
	if err != nil {
		return SendPoll{}, err
	}
	q := o.Poll.Question
	switch n := utf8.RuneCountInString(q); {
	case strings.TrimSpace(q) == "":
		return SendPoll{}, errors.New("poll has no question")
	case n > maxPollQuestion:
		return SendPoll{}, fmt.Errorf("poll question is %d characters, at most %d are sent", n, maxPollQuestion)
	}
	if n := len(o.Poll.Options); n < minPollOptions || n > maxPollOptions {
		return SendPoll{}, fmt.Errorf("poll has %d options, %d to %d are sent", n, minPollOptions, maxPollOptions)
	}
	for i, opt := range o.Poll.Options {
		switch n := utf8.RuneCountInString(opt); {
		case strings.TrimSpace(opt) == "":
			return SendPoll{}, fmt.Errorf("poll option %d is empty", i)
		case n > maxPollOption:
			return SendPoll{}, fmt.Errorf("poll option %d is %d characters, at most %d are sent", i, n, maxPollOption)
		}
	}
	return SendPoll{ChatID: chat, Question: q, Options: append([]string(nil), o.Poll.Options...)}, nil
}

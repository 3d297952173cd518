package bot

import (
	"strconv"
	"strings"
	"time"
)

// A follower answers a survey or an event invitation by voting in a native
// poll (EventPollAnswer), pressing a button ("survey:<campaign>:<option>"),
// or writing the option's number (or yes or no to an event) in reply to
// the campaign that last reached them. Each recipient keeps one answer, the
// latest; the campaign's counts follow it in the same transaction.

// answer is an answer an event carries: the option, or -1 for a vote
// withdrawn.
type answer struct {
	campaign string
	option   int
}

// answerWords are the words that answer an event invitation: yes (0) or
// no (1).
var answerWords = map[string]int{
	"yes": 0, "y": 0, "بله": 0, "بلی": 0, "آره": 0, "اره": 0, "میام": 0, "می‌آیم": 0, "شرکت می‌کنم": 0,
	"no": 1, "n": 1, "نه": 1, "خیر": 1, "نمیام": 1, "نمی‌آیم": 1,
}

// typedAnswer turns a private message that answers the campaign that last
// reached the follower ("2", "۲", "yes") into the press of that answer's
// button, so it is stored and answered as one. It reports whether it did.
func (e *Engine) typedAnswer(tx Tx, ev *Event, text string, fk FollowerKey, now time.Time) (bool, error) {
	if ev.Kind != EventMessage || ev.ChatType != ChatPrivate || ev.From.ID == "" {
		return false, nil
	}
	word := strings.ToLower(strings.Trim(strings.TrimSpace(latinDigits(text)), ".!)؟?"))
	n, numErr := strconv.Atoi(word)
	yesNo, isWord := answerWords[word]
	if (numErr != nil || n < 1 || n > 10) && !isWord {
		return false, nil
	}
	id, at, err := tx.LastCampaign(fk)
	if err != nil || id == "" || now.Sub(at) > ReplyWindow {
		return false, err
	}
	c, err := tx.Campaign(id)
	if err != nil {
		return false, ignoreNotFound(err)
	}
	opts := c.Options()
	opt := n - 1
	if numErr != nil {
		if c.Kind != CampaignEvent {
			return false, nil
		}
		opt = yesNo
	}
	if opt < 0 || opt >= len(opts) {
		return false, nil
	}
	ev.Kind, ev.Data = EventCallback, answerData(id, opt)
	return true, nil
}

// latinDigits writes Persian and Arabic-Indic digits as ASCII ones.
func latinDigits(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '۰' && r <= '۹':
			return '0' + r - '۰'
		case r >= '٠' && r <= '٩':
			return '0' + r - '٠'
		}
		return r
	}, s)
}

// answerIn reads the answer an event carries, if any.
func answerIn(tx Tx, ev *Event) (answer, bool, error) {
	switch {
	case ev.Kind == EventPollAnswer:
		id, err := tx.PollRef(ev.Platform, ev.Extra[ExtraPollID])
		if err != nil {
			return answer{}, false, ignoreNotFound(err)
		}
		if ev.Data == "" {
			return answer{campaign: id, option: -1}, true, nil
		}
		opt, err := strconv.Atoi(ev.Data)
		return answer{campaign: id, option: opt}, err == nil && opt >= 0, nil
	case ev.Kind == EventCallback && strings.HasPrefix(ev.Data, "survey:"):
		id, o, ok := strings.Cut(strings.TrimPrefix(ev.Data, "survey:"), ":")
		opt, err := strconv.Atoi(o)
		return answer{campaign: id, option: opt}, ok && err == nil && opt >= 0, nil
	}
	return answer{}, false, nil
}

func ignoreNotFound(err error) error {
	if ErrorCode(err) == ENOTFOUND {
		return nil
	}
	return err
}

// campaignInbound records what a follower's event means for the campaign
// that reached them: an answer, or a reply or an opt-out within
// ReplyWindow, counted for the variant they received.
func (e *Engine) campaignInbound(tx Tx, ev *Event, a Analysis, f *Follower, logged bool, now time.Time) error {
	ans, ok, err := answerIn(tx, ev)
	if err != nil {
		return err
	}
	if ok {
		return recordAnswer(tx, ans, f.Key, now)
	}
	optOut := ev.Kind == EventStop || a.Intent == IntentOptOut
	if !logged && !optOut {
		return nil
	}
	id, at, err := tx.LastCampaign(f.Key)
	if err != nil || id == "" || now.Sub(at) > ReplyWindow {
		return err
	}
	r, err := tx.Recipient(id, f.Key)
	if err != nil {
		return ignoreNotFound(err)
	}
	if r.State != RecipientSent || (r.Replied && (r.OptedOut || !optOut)) {
		return nil
	}
	c, err := tx.Campaign(id)
	if err != nil {
		return ignoreNotFound(err)
	}
	st := c.stats(r.Variant)
	if logged && !r.Replied {
		r.Replied, r.Sentiment = true, a.Sentiment.Score
		st.Replies++
		st.Sentiment += a.Sentiment.Score
	}
	if optOut && !r.OptedOut {
		r.OptedOut = true
		st.OptOuts++
	}
	c.Updated = now
	if err := tx.PutRecipient(r); err != nil {
		return err
	}
	return tx.PutCampaign(c)
}

// recordAnswer keeps a recipient's latest answer and the campaign's counts.
// An answer from someone the campaign did not reach, or to an option it
// does not have, is ignored.
func recordAnswer(tx Tx, ans answer, fk FollowerKey, now time.Time) error {
	c, err := tx.Campaign(ans.campaign)
	if err != nil {
		return ignoreNotFound(err)
	}
	opts := c.Options()
	if ans.option >= len(opts) {
		return nil
	}
	r, err := tx.Recipient(c.ID, fk)
	if err != nil {
		return ignoreNotFound(err)
	}
	if r.State != RecipientSent && r.State != RecipientQueued {
		return nil
	}
	if r.Answer == ans.option+1 {
		return nil // the same answer again (a redelivery, a second press)
	}
	if len(c.Answers) < len(opts) {
		c.Answers = append(c.Answers, make([]int, len(opts)-len(c.Answers))...)
	}
	if r.Answer > 0 && r.Answer <= len(c.Answers) {
		c.Answers[r.Answer-1]--
	}
	r.Answer, r.AnsweredAt = 0, now
	if ans.option >= 0 {
		c.Answers[ans.option]++
		r.Answer = ans.option + 1
	}
	if c.Kind == CampaignEvent && ans.option == 0 && c.Reminded && !r.Reminded && c.Event != nil && now.Before(c.Event.At) {
		// A yes after the reminders went: the runner reminds them too.
		c.Reminded = false
		if c.State == CampaignDone {
			c.State, c.Finished = CampaignRunning, time.Time{}
		}
	}
	c.Updated = now
	if err := tx.PutRecipient(r); err != nil {
		return err
	}
	return tx.PutCampaign(c)
}

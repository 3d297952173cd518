package bot

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// After a moderator resolves a thread they may ask the follower how
// satisfied they are (CSAT, 1 to 5). Every ask belongs to one standing
// survey, made on first use, whose answers are the brand's CSAT figures;
// a follower asked again gets a new item (a key with the time), and
// their latest answer counts.

// csatMeta is the meta key of the standing CSAT survey's id.
const csatMeta = "csat_campaign"

var csatQuestion = map[string]string{
	LangFa: "از ۱ (اصلاً) تا ۵ (خیلی زیاد)، چقدر از پاسخ ما راضی بودید؟",
	LangEn: "From 1 (not at all) to 5 (very), how satisfied are you with our answer?",
}

var csatOptions = []string{"1", "2", "3", "4", "5"}

// csatCampaign returns the standing CSAT survey, made on first use.
func csatCampaign(tx Tx, now func() time.Time) (*Campaign, error) {
	id, err := tx.Meta(csatMeta)
	if err != nil && ErrorCode(err) != ENOTFOUND {
		return nil, err
	}
	if id != "" {
		return tx.Campaign(id)
	}
	t := now()
	c := &Campaign{Name: "CSAT", Kind: CampaignSurvey, Window: "00:00-24:00", State: CampaignRunning, Listed: true, Standing: true,
		Survey: &Survey{Question: csatQuestion[LangFa], Options: csatOptions}, Author: "system",
		Progress: Progress{Skipped: map[string]int{}}, Created: t, Updated: t, Started: t}
	if err := tx.AddCampaign(c); err != nil {
		return nil, err
	}
	return c, tx.PutMeta(csatMeta, c.ID)
}

// AskCSAT sends the follower of a private thread the satisfaction
// question, unless they opted out or were blocked.
func (s *Actions) AskCSAT(ctx context.Context, actor Actor, k ThreadKey) error {
	return s.do(ctx, actor, "thread.csat", threadTarget(k), []Role{RoleModerator, RoleSafety}, func(tx *actTx) (change, error) {
		th, err := tx.Thread(k)
		if err != nil {
			return change{}, err
		}
		if th.ChatType != ChatPrivate {
			return change{}, Errorf(EINVALID, "a satisfaction question goes to a private conversation, not a %s one", th.ChatType)
		}
		f, err := loadFollower(tx, th.Follower)
		if err != nil {
			return change{}, err
		}
		if f.Consent == ConsentRevoked || f.Blocked {
			return change{}, Errorf(ECONFLICT, "%s opted out or is blocked: no survey goes to them", f.Key)
		}
		c, err := csatCampaign(tx, s.e.now)
		if err != nil {
			return change{}, err
		}
		now := s.e.now()
		lang := f.Lang
		if lang != LangFa && lang != LangEn {
			lang = s.e.lang
		}
		acct := k.Platform + "." + k.Account
		o := &Outbound{Platform: k.Platform, Account: k.Account, Chat: k.Chat, ChatType: ChatPrivate, Kind: OutDirect,
			Recipient: f.Key.UserID, Lang: lang, LastInbound: th.LastInbound, Source: campaignSource(c.ID),
			Key: campaignKey(c.ID, f.Key) + "#" + strconv.FormatInt(now.UnixNano(), 10)}
		o.Text = csatQuestion[lang]
		if nativePoll[k.Platform] {
			o.Poll = &Poll{Question: csatQuestion[lang], Options: csatOptions}
		} else {
			var row []Button
			for i, opt := range csatOptions {
				row = append(row, Button{Text: opt, Data: answerData(c.ID, i)})
			}
			o.Buttons = [][]Button{row}
		}
		if reason := s.e.refused(o, now); reason != "" {
			return change{}, Errorf(ECONFLICT, "the platform would refuse it now: %s", reason)
		}
		if err := tx.enqueue(o); err != nil {
			return change{}, err
		}
		if err := threadOut(tx, o, f.Key, actor.Name, now); err != nil {
			return change{}, err
		}
		var old *Recipient
		r, err := tx.Recipient(c.ID, f.Key)
		switch {
		case err == nil:
			cp := *r
			old = &cp
		case ErrorCode(err) == ENOTFOUND:
			r = &Recipient{Campaign: c.ID, Follower: f.Key, Variant: "A"}
		default:
			return change{}, err
		}
		// A new ask: the latest answer is the one that counts.
		if r.Answer > 0 && r.Answer <= len(c.Answers) {
			c.Answers[r.Answer-1]--
		}
		r.Account, r.Chat, r.State, r.Reason, r.Outbound, r.Answer = acct, k.Chat, RecipientQueued, "", o.ID, 0
		c.count(old, r)
		c.Updated = now
		if err := tx.PutRecipient(r); err != nil {
			return change{}, err
		}
		return change{after: map[string]any{"campaign": c.ID, "outbound": o.ID}}, tx.PutCampaign(c)
	})
}

// isCampaignItem reports whether an outbox key is the campaign's message
// to the follower (one of its asks, for the standing CSAT survey), not a
// reminder.
func isCampaignItem(key, id string, fk FollowerKey) bool {
	rest, ok := strings.CutPrefix(key, campaignKey(id, fk))
	return ok && (rest == "" || strings.HasPrefix(rest, "#"))
}

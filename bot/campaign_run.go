package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The campaign runner sends running campaigns in small steps, each its own
// transaction: list the next page of the segment as recipients (the
// listing's position is stored with them, so a restart continues where it
// stopped), then queue the recipients that are due (in their send window)
// while few of the campaign's items wait in the outbox. Every recipient's
// outbox item has the key (campaign, follower), so a step that runs again
// after a crash finds the item instead of making a second one. Outcomes
// come back through campaignSettled, in the transaction that records them.

const (
	// listPage is how many profiles one listing transaction reads.
	listPage = 512
	// campaignInFlight bounds the campaign's items waiting in the outbox:
	// replies to followers who wrote go first in the dispatcher, and a
	// paused or cancelled campaign stops within this many messages.
	campaignInFlight = 64
	// campaignTick is how often the runner looks at running campaigns
	// when nothing wakes it.
	campaignTick = time.Second
)

// wakeCampaigns makes the runner look now (a campaign started or resumed,
// an item settled).
func (e *Engine) wakeCampaigns() {
	select {
	case e.campWake <- struct{}{}:
	default:
	}
}

// runCampaigns steps running campaigns until ctx ends.
func (e *Engine) runCampaigns(ctx context.Context) {
	t := time.NewTicker(campaignTick)
	defer t.Stop()
	for {
		if err := e.campaignStep(ctx); err != nil && ctx.Err() == nil {
			e.log.Error("campaigns", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-e.campWake:
		}
	}
}

// campaignStep does one round over the campaigns that have work.
func (e *Engine) campaignStep(ctx context.Context) error {
	if err := e.loadSegments(ctx); err != nil {
		return err
	}
	var cs []*Campaign
	if err := e.store.View(ctx, func(tx Tx) (err error) {
		cs, err = tx.Campaigns()
		return err
	}); err != nil {
		return err
	}
	var errs []error
	for _, c := range cs {
		switch {
		case c.State == CampaignRunning:
			errs = append(errs, e.stepCampaign(ctx, c))
		case c.State == CampaignCancelled && c.Progress.Pending > c.Queued:
			errs = append(errs, e.drainCancelled(ctx, c.ID))
		}
	}
	return errors.Join(errs...)
}

func (e *Engine) stepCampaign(ctx context.Context, c *Campaign) error {
	id := c.ID
	deadline := time.Now().Add(200 * time.Millisecond)
	for !c.Listed && time.Now().Before(deadline) {
		next, err := e.listRecipients(ctx, id)
		if err != nil {
			return fmt.Errorf("campaign %s: list: %w", id, err)
		}
		c = next
		if c.State != CampaignRunning {
			return nil
		}
	}
	if err := e.queueDue(ctx, c.ID); err != nil {
		return fmt.Errorf("campaign %s: queue: %w", c.ID, err)
	}
	if c.Kind == CampaignEvent && c.Event != nil && c.Event.Remind > 0 && !c.Reminded &&
		!e.now().Before(c.Event.At.Add(-time.Duration(c.Event.Remind))) {
		if err := e.remind(ctx, c.ID); err != nil {
			return fmt.Errorf("campaign %s: remind: %w", c.ID, err)
		}
	}
	return nil
}

// listRecipients records the next page of the campaign's segment as
// recipients, each pending or skipped with its reason.
func (e *Engine) listRecipients(ctx context.Context, id string) (*Campaign, error) {
	var c *Campaign
	now := e.now()
	err := e.store.Update(ctx, func(tx Tx) error {
		var err error
		if c, err = tx.Campaign(id); err != nil || c.Listed || c.State != CampaignRunning {
			return err
		}
		r := c.Rule
		filter := FollowerFilter{Platform: r.Platform, Lang: r.Lang, Consent: r.consent(), After: c.Cursor, Limit: listPage}
		if filter.Platform == "" && len(c.Accounts) == 1 {
			filter.Platform, _, _ = SplitAccountKey(c.Accounts[0])
		}
		page, err := tx.Followers(filter)
		if err != nil {
			return err
		}
		open, err := openCases(tx)
		if err != nil {
			return err
		}
		for _, f := range page {
			acct, ok := c.accountFor(f.Key.Platform)
			if !ok || !r.Match(f, open[f.Key], now) {
				continue
			}
			if _, err := tx.Recipient(c.ID, f.Key); err == nil {
				continue // listed before a restart
			} else if ErrorCode(err) != ENOTFOUND {
				return err
			}
			rc := &Recipient{Campaign: c.ID, Follower: f.Key, Variant: c.VariantFor(f.Key).Name, Account: acct}
			e.classify(c, rc, f, open[f.Key], now)
			if err := tx.PutRecipient(rc); err != nil {
				return err
			}
			c.count(nil, rc)
		}
		if len(page) > 0 {
			c.Cursor = page[len(page)-1].Key
		}
		if len(page) < listPage {
			c.Listed = true
			c.finishIfDone(now)
		}
		c.Updated = now
		return tx.PutCampaign(c)
	})
	return c, err
}

// openCases are the followers with an open side-effect case: they get no
// campaign at all.
func openCases(tx CaseStore) (map[FollowerKey]bool, error) {
	cases, err := tx.Cases(CaseFilter{Status: CaseOpen})
	if err != nil {
		return nil, err
	}
	open := make(map[FollowerKey]bool, len(cases))
	for _, c := range cases {
		open[c.Follower] = true
	}
	return open, nil
}

// classify decides whether a recipient may be sent to, from the profile
// as it is now: consent, block, open case, and a private chat with the
// account the platform lets us write in. It leaves r pending and due at
// the next opening of the send window, or skipped with the reason.
func (e *Engine) classify(c *Campaign, r *Recipient, f *Follower, openCase bool, now time.Time) {
	skip := func(reason string) { r.State, r.Reason, r.Due = RecipientSkipped, reason, time.Time{} }
	switch {
	case f.Consent == ConsentRevoked:
		skip(SkipOptedOut)
		return
	case f.Consent != ConsentGiven:
		skip(SkipNoConsent)
		return
	case f.Blocked:
		skip(SkipBlocked)
		return
	case openCase:
		skip(SkipOpenCase)
		return
	}
	ch, ok := f.Chat(r.Account)
	if !ok {
		switch f.Key.Platform {
		case PlatformX:
			skip(SkipNoDM)
		case PlatformInstagram, PlatformFacebook:
			skip(SkipMetaWindow)
		default:
			skip(SkipNotStarted)
		}
		return
	}
	r.Chat = ch.Chat
	w, _ := ParseWindow(c.Window) // validated when the campaign was made
	r.State, r.Reason, r.Due = RecipientPending, "", w.Next(now.In(f.Location())).UTC()
}

// queueDue renders and queues the campaign's due recipients, as many as
// the in-flight bound leaves room for.
func (e *Engine) queueDue(ctx context.Context, id string) error {
	now := e.now()
	var queued []*Outbound
	err := e.store.Update(ctx, func(tx Tx) error {
		queued = queued[:0]
		c, err := tx.Campaign(id)
		if err != nil || c.State != CampaignRunning {
			return err
		}
		room := campaignInFlight - c.Queued
		if room <= 0 {
			return nil
		}
		due, err := tx.DueRecipients(c.ID, now, room)
		if err != nil {
			return err
		}
		if len(due) == 0 {
			if c.finishIfDone(now) {
				return tx.PutCampaign(c)
			}
			return nil
		}
		open, err := openCases(tx)
		if err != nil {
			return err
		}
		for _, r := range due {
			o, err := e.queueOne(ctx, tx, c, r, open, now)
			if err != nil {
				return err
			}
			if o != nil {
				queued = append(queued, o)
			}
		}
		c.finishIfDone(now)
		c.Updated = now
		return tx.PutCampaign(c)
	})
	if err != nil {
		return err
	}
	for _, o := range queued {
		e.disp.add(o)
	}
	return nil
}

// queueOne sends one due recipient to the outbox, or finds it must wait
// for its window or be skipped. It returns the item it created.
func (e *Engine) queueOne(ctx context.Context, tx Tx, c *Campaign, r *Recipient, open map[FollowerKey]bool, now time.Time) (*Outbound, error) {
	old := *r
	f, err := tx.Follower(r.Follower)
	if ErrorCode(err) == ENOTFOUND {
		r.State, r.Reason = RecipientSkipped, SkipNoConsent // erased since it was listed
		c.count(&old, r)
		return nil, tx.PutRecipient(r)
	} else if err != nil {
		return nil, err
	}
	// The profile may have changed since the listing: ask again.
	e.classify(c, r, f, open[f.Key], now)
	if r.State == RecipientPending && r.Due.After(now) {
		c.count(&old, r)
		return nil, tx.PutRecipient(r) // outside the window: wait for it
	}
	var o *Outbound
	if r.State == RecipientPending {
		o, err = e.campaignItem(ctx, c, r, f, open[f.Key], now)
		var reason string
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, err
		case err != nil:
			e.log.Warn("campaign: render", "campaign", c.ID, "follower", f.Key.String(), "err", err)
			reason = SkipRenderFailed
		default:
			reason = e.refused(o, now)
		}
		if reason != "" {
			r.State, r.Reason, o = RecipientSkipped, reason, nil
		}
	}
	var made *Outbound
	if o != nil {
		created, err := tx.Enqueue(o)
		if err != nil {
			return nil, err
		}
		r.State, r.Outbound = RecipientQueued, o.ID
		if created {
			made = o
			if err := threadOut(tx, o, f.Key, "campaign:"+c.Name, now); err != nil {
				return nil, err
			}
		} else if st := recipientState(o.State); st != RecipientQueued {
			r.State = st // settled before a restart
		}
	}
	c.count(&old, r)
	return made, tx.PutRecipient(r)
}

// refused is the skip reason when the account's adapter says the platform
// would refuse the item now (Meta outside its messaging window), else "".
func (e *Engine) refused(o *Outbound, now time.Time) string {
	a, ok := e.Adapter(o.AccountKey())
	if !ok {
		return ""
	}
	sc, ok := a.(SendChecker)
	if !ok {
		return ""
	}
	if err := sc.CheckSend(o, now); err != nil {
		if o.Platform == PlatformInstagram || o.Platform == PlatformFacebook {
			return SkipMetaWindow
		}
		return SkipRefused
	}
	return ""
}

// threadOut records an outbound item in its private thread, made on first
// use, so that the follower's answer lands in a thread that shows it.
func threadOut(tx Tx, o *Outbound, fk FollowerKey, author string, now time.Time) error {
	k := ThreadKey{Platform: o.Platform, Account: o.Account, Chat: o.Chat}
	th, err := tx.Thread(k)
	if ErrorCode(err) == ENOTFOUND {
		th = &Thread{Key: k, ChatType: o.ChatType, Follower: fk, Mode: ModeBot, Created: now}
	} else if err != nil {
		return err
	}
	th.Messages++
	th.LastMessage = now
	m := &Message{Thread: k, Direction: DirOut, Kind: EventMessage, Follower: fk, Author: author,
		Text: o.Text, Lang: o.Lang, Outbound: o.ID, At: now}
	if o.Poll != nil && o.Text == "" {
		m.Text = o.Poll.Question
	}
	if err := tx.AddMessage(m); err != nil {
		return err
	}
	return tx.PutThread(th)
}

// nativePoll lists the platforms whose adapters send Outbound.Poll as a
// native poll.
var nativePoll = map[string]bool{PlatformTelegram: true, PlatformRubika: true}

// campaignItem renders a recipient's message as an outbox item.
func (e *Engine) campaignItem(ctx context.Context, c *Campaign, r *Recipient, f *Follower, openCase bool, now time.Time) (*Outbound, error) {
	platform, account, _ := SplitAccountKey(r.Account)
	lang := f.Lang
	if lang != LangFa && lang != LangEn {
		lang = e.lang
	}
	req := c.request(r, lang)
	req.Follower, req.Now, req.OpenCase = f, now, openCase
	req.Event = &Event{Platform: platform, Account: account, Chat: r.Chat, ChatType: ChatPrivate, From: Sender{ID: f.Key.UserID, Name: f.Name}}
	o := &Outbound{
		Platform: platform, Account: account, Chat: r.Chat, ChatType: ChatPrivate, Kind: OutDirect,
		Recipient: f.Key.UserID, Key: campaignKey(c.ID, f.Key), Source: campaignSource(c.ID),
	}
	if ch, ok := f.Chat(r.Account); ok {
		o.LastInbound = ch.At
	}
	if c.Kind == CampaignSurvey && nativePoll[platform] {
		// A native poll says it all; the text is kept for the thread.
		o.Poll = &Poll{Question: c.Survey.Question, Options: c.Survey.Options}
		o.Text, o.Lang = c.Survey.Question, lang
		return o, nil
	}
	rep, err := e.renderer.Render(ctx, req)
	if err != nil {
		return nil, err
	}
	if rep.Skip || strings.TrimSpace(rep.Text) == "" {
		return nil, Errorf(EINVALID, "the template rendered nothing")
	}
	o.Text, o.Buttons, o.Lang, o.Template = rep.Text, rep.Buttons, rep.Lang, rep.Template
	if c.Kind == CampaignEvent {
		o.Buttons = append(o.Buttons, []Button{
			{Text: rsvpLabels[lang][0], Data: answerData(c.ID, 0)},
			{Text: rsvpLabels[lang][1], Data: answerData(c.ID, 1)},
		})
	}
	return o, nil
}

var rsvpLabels = map[string][2]string{
	LangFa: {"بله، شرکت می‌کنم", "نه، نمی‌توانم"},
	LangEn: {"Yes, I'll come", "No, I can't"},
}

// request is the render request of a recipient's variant.
func (c *Campaign) request(r *Recipient, lang string) RenderRequest {
	v := c.VariantFor(r.Follower)
	req := RenderRequest{Purpose: PurposeCampaign, Lang: lang, Text: v.Text, Template: v.Template, Data: map[string]any{}}
	for k, x := range c.Data {
		req.Data[k] = x
	}
	req.Data["campaign"] = c.Name
	switch c.Kind {
	case CampaignSurvey:
		req.Purpose = PurposeSurvey
		if req.Text == "" && req.Template == "" {
			req.Template = "survey.generic"
		}
		req.Data["id"], req.Data["question"], req.Data["options"] = c.ID, c.Survey.Question, c.Survey.Options
		var b strings.Builder
		for i, o := range c.Survey.Options {
			fmt.Fprintf(&b, "%d. %s\n", i+1, o)
		}
		req.Data["choices"] = strings.TrimSpace(b.String())
	case CampaignEvent:
		if req.Text == "" && req.Template == "" {
			req.Template = "campaign.event"
		}
		ev := c.Event
		req.Data["title"], req.Data["when"] = ev.Title, ev.At
		for k, x := range map[string]string{"place": ev.Place, "link": ev.Link} {
			if x != "" {
				req.Data[k] = x
			}
		}
	}
	return req
}

func campaignKey(id string, f FollowerKey) string { return "campaign:" + id + ":" + f.String() }

// answerData is the button payload of a survey or event answer.
func answerData(id string, option int) string { return "survey:" + id + ":" + strconv.Itoa(option) }

// recipientState is what an outbox state means for the recipient.
func recipientState(s OutState) RecipientState {
	switch s {
	case OutSent:
		return RecipientSent
	case OutFailed, OutUnknown:
		return RecipientFailed
	case OutWithdrawn:
		return RecipientSkipped
	}
	return RecipientQueued
}

// withdrawCancelled takes back a pending item of a cancelled campaign, in
// the transaction that would have claimed it: cancelling stops what was
// already queued too, not only the recipients not yet reached.
func (e *Engine) withdrawCancelled(tx Tx, o *Outbound) (bool, error) {
	id, ok := campaignOf(o.Source)
	if !ok {
		return false, nil
	}
	c, err := tx.Campaign(id)
	if ErrorCode(err) == ENOTFOUND {
		return false, nil
	} else if err != nil || c.State != CampaignCancelled {
		return false, err
	}
	now := e.now()
	o.State, o.LastError, o.Updated = OutWithdrawn, "campaign cancelled", now
	return true, e.putOutbound(tx, o, now)
}

// finishIfDone ends a running campaign whose recipients are all listed and
// settled, and reports whether it did.
func (c *Campaign) finishIfDone(now time.Time) bool {
	if c.State != CampaignRunning || !c.Listed || c.Progress.Pending > 0 || c.Standing || c.remindLater() {
		return false
	}
	c.State, c.Finished = CampaignDone, now
	return true
}

// remindLater reports an event whose reminder has yet to go: the campaign
// runs until it has.
func (c *Campaign) remindLater() bool {
	return c.Kind == CampaignEvent && c.Event != nil && c.Event.Remind > 0 && !c.Reminded
}

// campaignSettled follows an outbox item of a campaign to its recipient,
// in the transaction that records the item's new state: sent, failed, or
// waiting for a person. Every writer of outbox states calls it.
func (e *Engine) campaignSettled(tx Tx, o *Outbound, now time.Time) error {
	id, ok := campaignOf(o.Source)
	if !ok || !isCampaignItem(o.Key, id, FollowerKey{Platform: o.Platform, UserID: o.Recipient}) {
		return nil // not a campaign's message (a reminder, a moderator's)
	}
	fk := FollowerKey{Platform: o.Platform, UserID: o.Recipient}
	r, err := tx.Recipient(id, fk)
	if ErrorCode(err) == ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	st := recipientState(o.State)
	if r.Outbound != o.ID || r.State == st || (r.State != RecipientQueued && r.State != RecipientSent && r.State != RecipientFailed) {
		return nil
	}
	c, err := tx.Campaign(id)
	if err != nil {
		return err
	}
	old := *r
	r.State, r.Reason = st, ""
	switch st {
	case RecipientFailed:
		r.Reason = o.LastError
	case RecipientSkipped:
		r.Reason = SkipCancelled
	}
	if st == RecipientSent {
		r.SentAt = now
		c.stats(r.Variant).Sent++
		if err := tx.SetLastCampaign(fk, id, now); err != nil {
			return err
		}
		if o.Poll != nil && o.PlatformID != "" {
			if err := tx.PutPollRef(o.Platform, o.PlatformID, id); err != nil {
				return err
			}
		}
	}
	c.count(&old, r)
	c.finishIfDone(now)
	c.Updated = now
	if err := tx.PutRecipient(r); err != nil {
		return err
	}
	return tx.PutCampaign(c)
}

// putOutbound stores an item's new state and follows it to its campaign.
func (e *Engine) putOutbound(tx Tx, o *Outbound, now time.Time) error {
	if err := tx.PutOutbound(o); err != nil {
		return err
	}
	return e.campaignSettled(tx, o, now)
}

// drainCancelled skips the pending recipients of a cancelled campaign, a
// page per transaction.
func (e *Engine) drainCancelled(ctx context.Context, id string) error {
	now := e.now()
	for {
		var more bool
		err := e.store.Update(ctx, func(tx Tx) error {
			c, err := tx.Campaign(id)
			if err != nil {
				return err
			}
			due, err := tx.DueRecipients(id, time.Unix(1<<40, 0), listPage)
			if err != nil {
				return err
			}
			for _, r := range due {
				old := *r
				r.State, r.Reason = RecipientSkipped, SkipCancelled
				if err := tx.PutRecipient(r); err != nil {
					return err
				}
				c.count(&old, r)
			}
			more = len(due) == listPage
			c.Updated = now
			return tx.PutCampaign(c)
		})
		if err != nil || !more {
			return err
		}
	}
}

// remind sends the event's reminder to those who said yes, once each.
func (e *Engine) remind(ctx context.Context, id string) error {
	now := e.now()
	var after FollowerKey
	for {
		var queued []*Outbound
		var done bool
		err := e.store.Update(ctx, func(tx Tx) error {
			queued = queued[:0]
			c, err := tx.Campaign(id)
			if err != nil {
				return err
			}
			rs, err := tx.Recipients(id, after, listPage)
			if err != nil {
				return err
			}
			for _, r := range rs {
				if r.Answer != 1 || r.Reminded {
					continue
				}
				f, err := tx.Follower(r.Follower)
				if err != nil || !f.Reachable() {
					continue
				}
				o, err := e.reminder(ctx, c, r, f, now)
				if err != nil {
					return err
				}
				created, err := tx.Enqueue(o)
				if err != nil {
					return err
				}
				if created {
					queued = append(queued, o)
					if err := threadOut(tx, o, f.Key, "campaign:"+c.Name, now); err != nil {
						return err
					}
				}
				r.Reminded = true
				if err := tx.PutRecipient(r); err != nil {
					return err
				}
			}
			if len(rs) > 0 {
				after = rs[len(rs)-1].Follower
			}
			if done = len(rs) < listPage; done {
				c.Reminded, c.Updated = true, now
				c.finishIfDone(now)
				return tx.PutCampaign(c)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, o := range queued {
			e.disp.add(o)
		}
		if done {
			return nil
		}
	}
}

// reminder is the event reminder for one who said yes.
func (e *Engine) reminder(ctx context.Context, c *Campaign, r *Recipient, f *Follower, now time.Time) (*Outbound, error) {
	platform, account, _ := SplitAccountKey(r.Account)
	lang := f.Lang
	if lang != LangFa && lang != LangEn {
		lang = e.lang
	}
	data := map[string]any{"title": c.Event.Title, "when": c.Event.At}
	if c.Event.Place != "" {
		data["place"] = c.Event.Place
	}
	rep, err := e.renderer.Render(ctx, RenderRequest{Purpose: PurposeCampaign, Template: "campaign.reminder", Lang: lang, Follower: f, Now: now, Data: data})
	if err != nil {
		return nil, err
	}
	o := &Outbound{
		Platform: platform, Account: account, Chat: r.Chat, ChatType: ChatPrivate, Kind: OutDirect,
		Recipient: f.Key.UserID, Key: "campaign:" + c.ID + ":remind:" + f.Key.String(), Source: campaignSource(c.ID),
		Text: rep.Text, Lang: rep.Lang, Template: rep.Template,
	}
	if ch, ok := f.Chat(r.Account); ok {
		o.LastInbound = ch.At
	}
	return o, nil
}

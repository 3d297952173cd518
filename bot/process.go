package bot

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// flagRule raises a flag when an analysis matches.
type flagRule struct {
	reason   string
	severity Severity
	match    func(a Analysis) bool
}

// flagRules decide what needs a person. Side effects and self-harm come
// first: they are the ones a pharmaceutical brand must never miss.
var flagRules = []flagRule{
	{SignalAdverseEvent, SeverityCritical, func(a Analysis) bool {
		return a.Has(SignalAdverseEvent) || a.Intent == IntentSideEffect
	}},
	{SignalSelfHarm, SeverityCritical, func(a Analysis) bool { return a.Has(SignalSelfHarm) }},
	{SignalOverdose, SeverityCritical, func(a Analysis) bool { return a.Has(SignalOverdose) }},
	{SignalPregnancy, SeverityCritical, func(a Analysis) bool { return a.Has(SignalPregnancy) }},
	{SignalMedicationError, SeverityHigh, func(a Analysis) bool { return a.Has(SignalMedicationError) }},
	{SignalMisuse, SeverityHigh, func(a Analysis) bool { return a.Has(SignalMisuse) }},
	{SignalQualityComplaint, SeverityHigh, func(a Analysis) bool { return a.Has(SignalQualityComplaint) }},
	{SignalLackOfEfficacy, SeverityMedium, func(a Analysis) bool { return a.Has(SignalLackOfEfficacy) }},
	{SignalOffLabel, SeverityMedium, func(a Analysis) bool { return a.Has(SignalOffLabel) }},
	{SignalLegalThreat, SeverityHigh, func(a Analysis) bool { return a.Has(SignalLegalThreat) }},
	{IntentComplaint, SeverityMedium, func(a Analysis) bool { return a.Intent == IntentComplaint }},
	{IntentHuman, SeverityMedium, func(a Analysis) bool { return a.Intent == IntentHuman }},
	// A question about doses gets the safe answer, never advice; a person
	// sees the thread in case it hides more than it says. Low: the answer
	// sent is safe to give in public, so it does not turn a public reply
	// private (see discreet).
	{IntentMedicalAdvice, SeverityLow, func(a Analysis) bool { return a.Intent == IntentMedicalAdvice }},
	{SignalAbuse, SeverityLow, func(a Analysis) bool { return a.Has(SignalAbuse) }},
}

// Flags returns the flags an analysis raises, most severe first.
func Flags(a Analysis) []Flag {
	var out []Flag
	for _, r := range flagRules {
		if r.match(a) {
			f := Flag{Reason: r.reason, Severity: r.severity, Status: FlagOpen}
			for _, s := range a.Signals {
				if s.Name == r.reason && (s.Product != "" || s.Effect != "") {
					f.Detail = strings.TrimSpace(fmt.Sprintf("product=%s effect=%s", s.Product, s.Effect))
				}
			}
			out = append(out, f)
		}
	}
	return out
}

// analyzed is an inbox item with its analysis, ready for its transaction.
type analyzed struct {
	it   InboxItem
	text string
	a    Analysis
}

// analyzeItem runs the analyzer outside any transaction: it is the slow,
// pure part of processing.
func (e *Engine) analyzeItem(ctx context.Context, it InboxItem) (analyzed, error) {
	ev := it.Event
	x := analyzed{it: it, text: ev.Text}
	if ev.Kind == EventCallback && x.text == "" {
		x.text = ev.Data
	}
	if strings.TrimSpace(x.text) != "" {
		var err error
		if x.a, err = e.analyzer.Analyze(ctx, x.text, ev.From.Lang); err != nil {
			return x, fmt.Errorf("analyze: %w", err)
		}
	}
	if ev.Kind == EventCallback {
		if intent, ok := strings.CutPrefix(ev.Data, "intent:"); ok {
			x.a.Intent = intent
		}
	}
	return x, nil
}

// process runs inbound items through analysis, profile, flags and reply,
// writing everything in one transaction together with the removal of the
// items from the inbox: either all of it happened, or none and the items
// are processed again. Several items of one worker share the transaction
// (and its fsync); they are applied in order, so a thread stays in order.
func (e *Engine) process(ctx context.Context, items ...InboxItem) error {
	xs := make([]analyzed, 0, len(items))
	for _, it := range items {
		x, err := e.analyzeItem(ctx, it)
		if err != nil {
			return err
		}
		xs = append(xs, x)
	}
	now := e.now()
	pre := e.prerender(ctx, xs, now)
	var enqueued []*Outbound
	err := e.store.Update(ctx, func(tx Tx) error {
		enqueued = enqueued[:0]
		for _, x := range xs {
			o, err := e.apply(ctx, tx, x, now, pre[x.it.Seq])
			if err != nil {
				return fmt.Errorf("message %d: %w", x.it.Seq, err)
			}
			if o != nil {
				enqueued = append(enqueued, o)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	e.inboxDepth.Add(-int64(len(xs)))
	seqs := make([]uint64, len(xs))
	for i, x := range xs {
		e.obs.Processed(x.it.Event.Platform, now.Sub(x.it.Event.ReceivedAt))
		seqs[i] = x.it.Seq
	}
	e.ack(ctx, seqs...)
	for _, o := range enqueued {
		e.disp.add(o)
	}
	return nil
}

// prerendered is a reply rendered before the item's transaction, from the
// follower and thread as a read saw them. Rendering is the slow part of
// processing, and the store has one writer: apply takes this reply when it
// finds the same follower and thread, so the writer does not wait on
// templates.
type prerendered struct {
	f        *Follower
	th       *Thread
	openCase bool
	o        *Outbound
}

// prerender renders the replies of the items that are alone in their
// thread in this batch (the others depend on the writes of the items
// before them) in one read transaction. What it cannot do, apply does.
func (e *Engine) prerender(ctx context.Context, xs []analyzed, now time.Time) map[uint64]*prerendered {
	perThread := map[ThreadKey]int{}
	for _, x := range xs {
		perThread[x.it.Event.ThreadKey()]++
	}
	out := map[uint64]*prerendered{}
	_ = e.store.View(ctx, func(tx Tx) error {
		for _, x := range xs {
			ev := x.it.Event
			if perThread[ev.ThreadKey()] > 1 {
				continue
			}
			f, err := loadFollower(tx, ev.FollowerKey())
			if err != nil {
				return nil
			}
			th, err := loadThread(tx, &ev, now)
			if err != nil {
				return nil
			}
			if _, err := e.typedAnswer(tx, &ev, x.text, f.Key, now); err != nil {
				return nil
			}
			observe(f, th, &ev, x, now)
			p := &prerendered{f: f, th: th}
			var linked []*Follower
			if ev.From.ID != "" {
				if linked, p.openCase, err = personOf(tx, f); err != nil {
					return nil
				}
			}
			if p.o, err = e.reply(ctx, &ev, x.a, together(f, linked), th, p.openCase, now); err != nil {
				continue
			}
			out[x.it.Seq] = p
		}
		return nil
	})
	return out
}

// observe folds an item into its follower's profile and its thread, in
// memory, and reports whether the message is logged (stored with its
// sentiment). apply and prerender share it, so both see the same state.
func observe(f *Follower, th *Thread, ev *Event, x analyzed, now time.Time) (logged bool) {
	a := x.a
	logged = ev.Kind != EventStart && ev.Kind != EventStop && strings.TrimSpace(x.text) != ""
	if ev.From.ID != "" {
		f.Observe(ev, a, now)
		via := ev.Platform + "." + ev.Account
		switch {
		case ev.Kind == EventStart || a.Intent == IntentOptIn:
			f.SetConsentVia(ConsentGiven, now, via)
		case ev.Kind == EventStop || a.Intent == IntentOptOut:
			f.SetConsentVia(ConsentRevoked, now, via)
		}
	}
	th.LastMessage = now
	if ev.Kind != EventStop {
		th.LastInbound = now
	}
	if logged {
		th.Messages++
		for _, fl := range Flags(a) {
			th.Flagged = max(th.Flagged, fl.Severity)
		}
	}
	return logged
}

// apply writes one analysed item in tx and returns the reply it enqueued.
// pre, when not nil, is its reply rendered beforehand.
func (e *Engine) apply(ctx context.Context, tx Tx, x analyzed, now time.Time, pre *prerendered) (*Outbound, error) {
	if has, err := tx.InboxHas(x.it.Seq); err != nil || !has {
		return nil, err // processed already, by a claim that ran out
	}
	ev, a := x.it.Event, x.a
	f, err := loadFollower(tx, ev.FollowerKey())
	if err != nil {
		return nil, err
	}
	th, err := loadThread(tx, &ev, now)
	if err != nil {
		return nil, err
	}
	if _, err := e.typedAnswer(tx, &ev, x.text, f.Key, now); err != nil {
		return nil, err
	}
	logged := observe(f, th, &ev, x, now)
	if ev.From.ID != "" {
		if err := tx.PutFollower(f); err != nil {
			return nil, err
		}
	}
	if logged {
		in := &Message{
			Thread: th.Key, Direction: DirIn, PlatformID: ev.ID, Kind: ev.Kind,
			Follower: f.Key, Author: ev.From.Name, Text: ev.Text, Lang: a.Lang, Analysis: &a, At: now,
		}
		if err := tx.AddMessage(in); err != nil {
			return nil, err
		}
		rec := &SentimentRecord{
			Platform: ev.Platform, Account: ev.Account, Follower: f.Key, Thread: th.Key,
			MessageID: ev.ID, Lang: a.Lang, Sentiment: a.Sentiment, Intent: a.Intent, At: now,
		}
		for _, s := range a.Signals {
			rec.Signals = append(rec.Signals, s.Name)
		}
		if err := tx.AddSentiment(rec); err != nil {
			return nil, err
		}
		for _, fl := range Flags(a) {
			fl.Thread, fl.Follower, fl.MessageID, fl.Text, fl.Created = th.Key, f.Key, ev.ID, ev.Text, now
			if err := tx.AddFlag(&fl); err != nil {
				return nil, err
			}
			if opensCase(fl.Reason) {
				if err := openCase(tx, &fl, &ev, a, f, now); err != nil {
					return nil, err
				}
			}
		}
	}
	var openCase bool
	var linked []*Follower
	if ev.From.ID != "" {
		if err := e.campaignInbound(tx, &ev, a, f, logged, now); err != nil {
			return nil, err
		}
		if linked, openCase, err = personOf(tx, f); err != nil {
			return nil, err
		}
	}
	var o *Outbound
	if pre != nil && pre.openCase == openCase && reflect.DeepEqual(pre.f, f) && reflect.DeepEqual(pre.th, th) {
		if pre.o != nil {
			cp := *pre.o // Enqueue fills it in, and this function may run again
			o = &cp
		}
	} else if o, err = e.reply(ctx, &ev, a, together(f, linked), th, openCase, now); err != nil {
		return nil, err
	}
	if o != nil {
		created, err := tx.Enqueue(o)
		if err != nil {
			return nil, err
		}
		if !created {
			o = nil
		} else {
			th.Messages++
			out := &Message{
				Thread: th.Key, Direction: DirOut, Kind: ev.Kind, Follower: f.Key, Author: "bot",
				Text: o.Text, Lang: o.Lang, Outbound: o.ID, At: now,
			}
			if err := tx.AddMessage(out); err != nil {
				return nil, err
			}
		}
	}
	if err := tx.PutThread(th); err != nil {
		return nil, err
	}
	return o, tx.DeleteInbox(x.it.Seq)
}

// reply decides whether and how the bot answers, and renders the answer.
func (e *Engine) reply(ctx context.Context, ev *Event, a Analysis, f *Follower, th *Thread, openCase bool, now time.Time) (*Outbound, error) {
	switch {
	case ev.From.IsBot:
		return nil, nil // never answer bots, our own echoes included
	case ev.Kind == EventChannelPost || ev.Kind == EventEdit || ev.Kind == EventStop:
		return nil, nil // logged only
	case ev.Kind == EventPollAnswer:
		return nil, nil // the poll shows the vote; it is recorded
	case ev.ChatType == ChatGroup && !ev.Addressed:
		return nil, nil // groups: sentiment only, unless the bot is addressed
	case ev.ChatType == ChatChannel:
		return nil, nil
	case th.Mode == ModeHuman:
		return nil, nil // a moderator has the thread
	case f.Muted || f.Blocked:
		return nil, nil // a moderator silenced the bot for this follower
	case ev.Kind != EventStart && strings.TrimSpace(ev.Text) == "" && ev.Data == "":
		return nil, nil // stickers, photos without caption: nothing to answer
	}
	if ev.Kind == EventStart && a.Intent == "" {
		a.Intent = IntentGreeting
	}
	lang := a.Lang
	if lang != LangFa && lang != LangEn {
		lang = f.Lang
	}
	if lang == "" {
		lang = e.lang
	}
	r, err := e.renderer.Render(ctx, RenderRequest{
		Purpose: PurposeReply, Lang: lang, Event: ev, Analysis: a, Follower: f, Thread: th, Now: now,
		OpenCase: openCase, Segments: e.segmentsOf(f, openCase, now),
	})
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	if r.Skip || strings.TrimSpace(r.Text) == "" {
		return nil, nil
	}
	kind := OutReply
	public := ev.Kind == EventComment || ev.Kind == EventMention
	if public && (r.Private || th.Flagged >= SeverityMedium || discreet(a)) {
		kind = OutPrivateReply // complaints and side effects are not discussed in public
	}
	return &Outbound{
		Platform: ev.Platform, Account: ev.Account, Chat: ev.Chat, ChatType: ev.ChatType,
		Kind: kind, ReplyTo: ev.ID, Recipient: ev.From.ID, Text: r.Text, Buttons: r.Buttons,
		Lang: r.Lang, Template: r.Template, Extra: ev.Extra, LastInbound: th.LastInbound,
		Key: "reply:" + ev.DedupeKey(), Source: "bot",
	}, nil
}

// discreet reports a message whose flags keep its answer out of public: any
// but a dose question's, whose safe answer (ask a physician or pharmacist)
// may stand under the comment.
func discreet(a Analysis) bool {
	for _, f := range Flags(a) {
		if f.Reason != IntentMedicalAdvice {
			return true
		}
	}
	return false
}

func loadFollower(tx FollowerStore, k FollowerKey) (*Follower, error) {
	f, err := tx.Follower(k)
	if ErrorCode(err) == ENOTFOUND {
		return &Follower{Key: k}, nil
	}
	return f, err
}

func loadThread(tx ThreadStore, ev *Event, now time.Time) (*Thread, error) {
	t, err := tx.Thread(ev.ThreadKey())
	if ErrorCode(err) == ENOTFOUND {
		return &Thread{Key: ev.ThreadKey(), ChatType: ev.ChatType, Follower: ev.FollowerKey(), Mode: ModeBot, Created: now}, nil
	}
	return t, err
}

// deadLetter stores a message that could not be processed, without a
// reply, and flags it so a person sees it.
func (e *Engine) deadLetter(ctx context.Context, it InboxItem, cause error) error {
	ev := it.Event
	now := e.now()
	err := e.store.Update(ctx, func(tx Tx) error {
		if has, err := tx.InboxHas(it.Seq); err != nil || !has {
			return err
		}
		th, err := loadThread(tx, &ev, now)
		if err != nil {
			return err
		}
		th.Flagged = max(th.Flagged, SeverityMedium)
		th.LastMessage = now
		if err := tx.AddMessage(&Message{Thread: th.Key, Direction: DirIn, PlatformID: ev.ID, Kind: ev.Kind,
			Follower: ev.FollowerKey(), Author: ev.From.Name, Text: ev.Text, At: now}); err != nil {
			return err
		}
		if err := tx.AddFlag(&Flag{Thread: th.Key, Follower: ev.FollowerKey(), MessageID: ev.ID, Severity: SeverityMedium,
			Reason: "processing_failed", Detail: ErrorMessage(cause), Text: ev.Text, Status: FlagOpen, Created: now}); err != nil {
			return err
		}
		if err := tx.PutThread(th); err != nil {
			return err
		}
		return tx.DeleteInbox(it.Seq)
	})
	if err == nil {
		e.inboxDepth.Add(-1)
		e.ack(ctx, it.Seq)
	}
	return err
}

// ack ends the queue's claims on processed items. A failure only means
// the claims run out by themselves; the items are gone from the inbox.
func (e *Engine) ack(ctx context.Context, seqs ...uint64) {
	if err := e.queue.Ack(ctx, seqs...); err != nil {
		e.log.Warn("acknowledge inbox items", "count", len(seqs), "err", err)
	}
}

package bot

import (
	"context"
	"fmt"
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
	// sees the thread in case it hides more than it says.
	{IntentMedicalAdvice, SeverityMedium, func(a Analysis) bool { return a.Intent == IntentMedicalAdvice }},
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
	var enqueued []*Outbound
	err := e.store.Update(ctx, func(tx Tx) error {
		enqueued = enqueued[:0]
		for _, x := range xs {
			o, err := e.apply(ctx, tx, x, now)
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

// apply writes one analysed item in tx and returns the reply it enqueued.
func (e *Engine) apply(ctx context.Context, tx Tx, x analyzed, now time.Time) (*Outbound, error) {
	if has, err := inboxHas(tx, x.it.Seq); err != nil || !has {
		return nil, err // processed already, by a claim that ran out
	}
	ev, a, text := x.it.Event, x.a, x.text
	f, err := loadFollower(tx, ev.FollowerKey())
	if err != nil {
		return nil, err
	}
	th, err := loadThread(tx, &ev, now)
	if err != nil {
		return nil, err
	}
	logged := ev.Kind != EventStart && ev.Kind != EventStop && strings.TrimSpace(text) != ""
	if ev.From.ID != "" {
		f.Observe(&ev, a, now)
		via := ev.Platform + "." + ev.Account
		switch {
		case ev.Kind == EventStart || a.Intent == IntentOptIn:
			f.SetConsentVia(ConsentGiven, now, via)
		case ev.Kind == EventStop || a.Intent == IntentOptOut:
			f.SetConsentVia(ConsentRevoked, now, via)
		}
		if err := tx.PutFollower(f); err != nil {
			return nil, err
		}
	}
	th.LastMessage = now
	if ev.Kind != EventStop {
		th.LastInbound = now
	}
	if logged {
		th.Messages++
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
			if fl.Reason == SignalAdverseEvent {
				if err := openCase(tx, &fl, &ev, a, f, now); err != nil {
					return nil, err
				}
			}
			th.Flagged = max(th.Flagged, fl.Severity)
		}
	}
	var openCase bool
	if ev.From.ID != "" {
		if openCase, err = HasOpenCase(tx, f.Key); err != nil {
			return nil, err
		}
	}
	o, err := e.reply(ctx, &ev, a, f, th, openCase, now)
	if err != nil {
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
	case ev.ChatType == ChatGroup && !ev.Addressed:
		return nil, nil // groups: sentiment only, unless the bot is addressed
	case ev.ChatType == ChatChannel:
		return nil, nil
	case th.Mode == ModeHuman:
		return nil, nil // a moderator has the thread
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
		OpenCase: openCase,
	})
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	if r.Skip || strings.TrimSpace(r.Text) == "" {
		return nil, nil
	}
	kind := OutReply
	public := ev.Kind == EventComment || ev.Kind == EventMention
	if public && (r.Private || th.Flagged >= SeverityMedium || len(Flags(a)) > 0) {
		kind = OutPrivateReply // complaints and side effects are not discussed in public
	}
	return &Outbound{
		Platform: ev.Platform, Account: ev.Account, Chat: ev.Chat, ChatType: ev.ChatType,
		Kind: kind, ReplyTo: ev.ID, Recipient: ev.From.ID, Text: r.Text, Buttons: r.Buttons,
		Lang: r.Lang, Template: r.Template, Extra: ev.Extra, LastInbound: th.LastInbound,
		Key: "reply:" + ev.DedupeKey(), Source: "bot",
	}, nil
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
		if has, err := inboxHas(tx, it.Seq); err != nil || !has {
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

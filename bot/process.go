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
	{SignalLegalThreat, SeverityHigh, func(a Analysis) bool { return a.Has(SignalLegalThreat) }},
	{IntentComplaint, SeverityMedium, func(a Analysis) bool { return a.Intent == IntentComplaint }},
	{IntentHuman, SeverityMedium, func(a Analysis) bool { return a.Intent == IntentHuman }},
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

// process runs one inbound item through analysis, profile, flags and reply,
// writing everything in one transaction together with the removal of the
// item from the inbox: either all of it happened, or none and the item is
// processed again.
func (e *Engine) process(ctx context.Context, it InboxItem) error {
	ev := it.Event
	text := ev.Text
	if ev.Kind == EventCallback && text == "" {
		text = ev.Data
	}
	var a Analysis
	if strings.TrimSpace(text) != "" {
		var err error
		if a, err = e.analyzer.Analyze(ctx, text, ev.From.Lang); err != nil {
			return fmt.Errorf("analyze: %w", err)
		}
	}
	if ev.Kind == EventCallback {
		if intent, ok := strings.CutPrefix(ev.Data, "intent:"); ok {
			a.Intent = intent
		}
	}
	now := e.now()
	var enqueued []*Outbound
	err := e.store.Update(ctx, func(tx Tx) error {
		enqueued = enqueued[:0]
		f, err := loadFollower(tx, ev.FollowerKey())
		if err != nil {
			return err
		}
		th, err := loadThread(tx, &ev, now)
		if err != nil {
			return err
		}
		logged := ev.Kind != EventStart && ev.Kind != EventStop && strings.TrimSpace(text) != ""
		if ev.From.ID != "" {
			f.Observe(&ev, a, now)
			switch {
			case ev.Kind == EventStart || a.Intent == IntentOptIn:
				f.SetConsent(ConsentGiven, now)
			case ev.Kind == EventStop || a.Intent == IntentOptOut:
				f.SetConsent(ConsentRevoked, now)
			}
			if err := tx.PutFollower(f); err != nil {
				return err
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
				return err
			}
			rec := &SentimentRecord{
				Platform: ev.Platform, Account: ev.Account, Follower: f.Key, Thread: th.Key,
				MessageID: ev.ID, Lang: a.Lang, Sentiment: a.Sentiment, Intent: a.Intent, At: now,
			}
			for _, s := range a.Signals {
				rec.Signals = append(rec.Signals, s.Name)
			}
			if err := tx.AddSentiment(rec); err != nil {
				return err
			}
			for _, fl := range Flags(a) {
				fl.Thread, fl.Follower, fl.MessageID, fl.Text, fl.Created = th.Key, f.Key, ev.ID, ev.Text, now
				if err := tx.AddFlag(&fl); err != nil {
					return err
				}
				th.Flagged = max(th.Flagged, fl.Severity)
			}
		}
		if o, err := e.reply(ctx, &ev, a, f, th, now); err != nil {
			return err
		} else if o != nil {
			created, err := tx.Enqueue(o)
			if err != nil {
				return err
			}
			if created {
				enqueued = append(enqueued, o)
				th.Messages++
				out := &Message{
					Thread: th.Key, Direction: DirOut, Kind: ev.Kind, Follower: f.Key, Author: "bot",
					Text: o.Text, Lang: o.Lang, Outbound: o.ID, At: now,
				}
				if err := tx.AddMessage(out); err != nil {
					return err
				}
			}
		}
		if err := tx.PutThread(th); err != nil {
			return err
		}
		return tx.DeleteInbox(it.Seq)
	})
	if err != nil {
		return err
	}
	e.inboxDepth.Add(-1)
	e.obs.Processed(ev.Platform, now.Sub(ev.ReceivedAt))
	for _, o := range enqueued {
		e.disp.add(o)
	}
	return nil
}

// reply decides whether and how the bot answers, and renders the answer.
func (e *Engine) reply(ctx context.Context, ev *Event, a Analysis, f *Follower, th *Thread, now time.Time) (*Outbound, error) {
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

func loadFollower(tx Tx, k FollowerKey) (*Follower, error) {
	f, err := tx.Follower(k)
	if ErrorCode(err) == ENOTFOUND {
		return &Follower{Key: k}, nil
	}
	return f, err
}

func loadThread(tx Tx, ev *Event, now time.Time) (*Thread, error) {
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
	}
	return err
}

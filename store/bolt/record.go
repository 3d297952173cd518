package bolt

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"engagebot/bot"
)

// Binary records of schema 2 (codec.go for the field encodings). A field
// that is also part of the record's key (a follower's or thread's key, a
// message's thread and seq, an outbox id) is not repeated in the value.
// Strings that usually equal another field are written relative to it
// (rel): one byte when equal.

var (
	langs      = enum{"", bot.LangFa, bot.LangEn, bot.LangOther}
	labels     = enum{"", bot.SentimentNeutral, bot.SentimentPositive, bot.SentimentNegative}
	directions = enum{bot.DirIn, bot.DirOut}
	eventKinds = enum{string(bot.EventMessage), string(bot.EventComment), string(bot.EventMention),
		string(bot.EventCallback), string(bot.EventChannelPost), string(bot.EventStart),
		string(bot.EventStop), string(bot.EventEdit), ""}
	chatTypes = enum{string(bot.ChatPrivate), string(bot.ChatGroup), string(bot.ChatChannel),
		string(bot.ChatPublic), ""}
	intents = enum{"", bot.IntentGreeting, bot.IntentThanks, bot.IntentProductQuestion, bot.IntentPrice,
		bot.IntentWhereToBuy, bot.IntentComplaint, bot.IntentPraise, bot.IntentHuman,
		bot.IntentMedicalAdvice, bot.IntentSideEffect, bot.IntentOptOut, bot.IntentOptIn, bot.IntentOther}
	signalNames = enum{bot.SignalAdverseEvent, bot.SignalLegalThreat, bot.SignalAbuse,
		bot.SignalSelfHarm, bot.SignalSpam}
	modes    = enum{bot.ModeBot, bot.ModeHuman, ""}
	consents = enum{string(bot.ConsentUnknown), string(bot.ConsentGiven), string(bot.ConsentRevoked)}
	outKinds = enum{string(bot.OutReply), string(bot.OutPrivateReply), string(bot.OutDirect),
		string(bot.OutPost), string(bot.OutHide)}
	outStates = enum{string(bot.OutPending), string(bot.OutSending), string(bot.OutSent),
		string(bot.OutFailed), string(bot.OutUnknown)}
)

// rel writes s as 0 when it equals ref, else as its length plus one and
// its bytes.
func (e *enc) rel(s, ref string) {
	if s == ref {
		e.uvar(0)
		return
	}
	e.uvar(uint64(len(s)) + 1)
	e.b = append(e.b, s...)
}

func (d *dec) rel(ref string) string {
	n := d.uvar()
	if d.err != nil || n == 0 {
		return ref
	}
	n--
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (e *enc) strMap(m map[string]string) {
	e.uvar(uint64(len(m)))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		e.str(k)
		e.str(m[k])
	}
}

func (d *dec) strMap() map[string]string {
	n := d.uvar()
	if d.err != nil || n == 0 {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.fail()
		return nil
	}
	m := make(map[string]string, n)
	for range n {
		k := d.str()
		m[k] = d.str()
	}
	return m
}

func (d *dec) done(what string) error {
	if d.err != nil {
		return fmt.Errorf("decode %s: %w", what, d.err)
	}
	return nil
}

// Analysis. Normalized is not stored: the analyzer derives it from the
// message text, and keeping it would double every stored message.

func (e *enc) analysis(a *bot.Analysis) {
	if a == nil {
		e.uvar(0)
		return
	}
	e.uvar(1)
	langs.put(e, a.Lang)
	labels.put(e, a.Sentiment.Label)
	e.f64(a.Sentiment.Score)
	intents.put(e, a.Intent)
	e.uvar(uint64(len(a.Signals)))
	for _, s := range a.Signals {
		signalNames.put(e, s.Name)
		e.uvar(uint64(s.Severity))
		e.str(s.Product)
		e.str(s.Effect)
		e.text(s.Evidence)
	}
	e.strs(a.Products)
	e.strs(a.Topics)
}

func (d *dec) analysis() *bot.Analysis {
	if d.uvar() == 0 {
		return nil
	}
	a := &bot.Analysis{Lang: langs.get(d)}
	a.Sentiment.Label = labels.get(d)
	a.Sentiment.Score = d.f64()
	a.Intent = intents.get(d)
	if n := d.uvar(); n > 0 && n <= uint64(len(d.b)) {
		a.Signals = make([]bot.Signal, n)
		for i := range a.Signals {
			a.Signals[i] = bot.Signal{Name: signalNames.get(d), Severity: bot.Severity(d.uvar()),
				Product: d.str(), Effect: d.str(), Evidence: d.text()}
		}
	} else if n > 0 {
		d.fail()
	}
	a.Products = d.strs()
	a.Topics = d.strs()
	return a
}

// Message: key tkey u64 seq.

func encodeMessage(m *bot.Message) []byte {
	e := newEnc(64 + len(m.Text) + len(m.Author))
	e.time(m.At)
	directions.put(e, m.Direction)
	e.str(m.PlatformID)
	eventKinds.put(e, string(m.Kind))
	e.rel(m.Follower.Platform, m.Thread.Platform)
	e.str(m.Follower.UserID)
	e.text(m.Author)
	e.text(m.Text)
	langs.put(e, m.Lang)
	e.analysis(m.Analysis)
	e.uvar(m.Outbound)
	return e.b
}

func decodeMessage(k, v []byte) (*bot.Message, error) {
	tk, rest, ok := readThreadKey(k)
	if !ok || len(rest) != 8 {
		return nil, fmt.Errorf("decode message: bad key %x", k)
	}
	d := newDec(v)
	m := &bot.Message{Seq: readUint64(rest), Thread: tk}
	m.At = d.time()
	m.Direction = directions.get(d)
	m.PlatformID = d.str()
	m.Kind = bot.EventKind(eventKinds.get(d))
	m.Follower.Platform = d.rel(tk.Platform)
	m.Follower.UserID = d.str()
	m.Author = d.text()
	m.Text = d.text()
	m.Lang = langs.get(d)
	m.Analysis = d.analysis()
	m.Outbound = d.uvar()
	return m, d.done("message")
}

// messageFollowerAt reads only what deleting a message needs, its
// follower and time, from the fields before its text.
func messageFollowerAt(k, v []byte) (bot.FollowerKey, []byte, error) {
	tk, _, ok := readThreadKey(k)
	if !ok {
		return bot.FollowerKey{}, nil, fmt.Errorf("decode message: bad key %x", k)
	}
	d := newDec(v)
	at := d.time()
	directions.get(d)
	d.str() // platform id
	eventKinds.get(d)
	f := bot.FollowerKey{Platform: d.rel(tk.Platform), UserID: d.str()}
	if err := d.done("message"); err != nil {
		return bot.FollowerKey{}, nil, err
	}
	return f, appendTime(nil, at), nil
}

// SentimentRecord: key str(platform) time u64 seq. The thread and
// follower are written relative to the record's platform, account and
// follower.

func encodeSentiment(r *bot.SentimentRecord) []byte {
	e := newEnc(64)
	e.str(r.Account)
	e.rel(r.Follower.Platform, r.Platform)
	e.str(r.Follower.UserID)
	e.rel(r.Thread.Platform, r.Platform)
	e.rel(r.Thread.Account, r.Account)
	e.rel(r.Thread.Chat, r.Follower.UserID)
	e.str(r.MessageID)
	langs.put(e, r.Lang)
	labels.put(e, r.Sentiment.Label)
	e.f64(r.Sentiment.Score)
	intents.put(e, r.Intent)
	e.uvar(uint64(len(r.Signals)))
	for _, s := range r.Signals {
		signalNames.put(e, s)
	}
	return e.b
}

func decodeSentiment(k, v []byte) (*bot.SentimentRecord, error) {
	platform, rest, ok := readString(k)
	if !ok || len(rest) != timeLen+8 {
		return nil, fmt.Errorf("decode sentiment record: bad key %x", k)
	}
	d := newDec(v)
	r := &bot.SentimentRecord{Seq: readUint64(rest), Platform: platform, At: readTime(rest)}
	r.Account = d.str()
	r.Follower.Platform = d.rel(r.Platform)
	r.Follower.UserID = d.str()
	r.Thread.Platform = d.rel(r.Platform)
	r.Thread.Account = d.rel(r.Account)
	r.Thread.Chat = d.rel(r.Follower.UserID)
	r.MessageID = d.str()
	r.Lang = langs.get(d)
	r.Sentiment.Label = labels.get(d)
	r.Sentiment.Score = d.f64()
	r.Intent = intents.get(d)
	if n := d.uvar(); n > 0 && n <= uint64(len(d.b)) {
		r.Signals = make([]string, n)
		for i := range r.Signals {
			r.Signals[i] = signalNames.get(d)
		}
	} else if n > 0 {
		d.fail()
	}
	return r, d.done("sentiment record")
}

// Follower: key fkey.

func encodeFollower(f *bot.Follower) []byte {
	e := newEnc(64 + len(f.Name) + len(f.Username))
	e.text(f.Name)
	e.str(f.Username)
	langs.put(e, f.Lang)
	e.time(f.FirstSeen)
	e.time(f.LastSeen)
	e.svar(int64(f.Messages))
	e.f64(f.Mood)
	e.uvar(uint64(len(f.Interests)))
	for _, k := range slices.Sorted(maps.Keys(f.Interests)) {
		e.str(k)
		e.svar(int64(f.Interests[k]))
	}
	consents.put(e, string(f.Consent))
	e.time(f.ConsentAt)
	// Written after the older fields, so a record of an older build
	// decodes as one without them.
	e.str(f.ConsentVia)
	e.f64(f.MoodSlow)
	e.str(f.TZ)
	for _, k := range slices.Sorted(maps.Keys(f.Interests)) {
		e.time(f.InterestSeen[k]) // in the order of Interests, zero when unknown
	}
	var hold uint64 // written last: older records end before it
	if f.Muted {
		hold |= 1
	}
	if f.Blocked {
		hold |= 2
	}
	e.uvar(hold)
	e.uvar(uint64(len(f.Chats)))
	for _, c := range f.Chats {
		e.str(c.Account)
		e.rel(c.Chat, f.Key.UserID)
		e.time(c.At)
	}
	e.uvar(uint64(len(f.Linked)))
	for _, k := range f.Linked {
		e.str(k.Platform)
		e.str(k.UserID)
	}
	return e.b
}

func decodeFollower(k, v []byte) (*bot.Follower, error) {
	fk, rest, ok := readFollowerKey(k)
	if !ok || len(rest) != 0 {
		return nil, fmt.Errorf("decode follower: bad key %x", k)
	}
	d := newDec(v)
	f := &bot.Follower{Key: fk}
	f.Name = d.text()
	f.Username = d.str()
	f.Lang = langs.get(d)
	f.FirstSeen = d.time()
	f.LastSeen = d.time()
	f.Messages = int(d.svar())
	f.Mood = d.f64()
	if n := d.uvar(); n > 0 && n <= uint64(len(d.b)) {
		f.Interests = make(map[string]int, n)
		for range n {
			k := d.str()
			f.Interests[k] = int(d.svar())
		}
	} else if n > 0 {
		d.fail()
	}
	f.Consent = bot.Consent(consents.get(d))
	f.ConsentAt = d.time()
	if d.more() {
		f.ConsentVia = d.str()
		f.MoodSlow = d.f64()
		f.TZ = d.str()
		for _, k := range slices.Sorted(maps.Keys(f.Interests)) {
			if t := d.time(); !t.IsZero() {
				if f.InterestSeen == nil {
					f.InterestSeen = map[string]time.Time{}
				}
				f.InterestSeen[k] = t
			}
		}
		if d.more() {
			hold := d.uvar()
			f.Muted, f.Blocked = hold&1 != 0, hold&2 != 0
		}
		if d.more() {
			if n := d.uvar(); n <= uint64(len(d.b)) {
				for range n {
					f.Chats = append(f.Chats, bot.PrivateChat{Account: d.str(), Chat: d.rel(fk.UserID), At: d.time()})
				}
			} else {
				d.fail()
			}
		}
		if d.more() {
			if n := d.uvar(); n <= uint64(len(d.b)) {
				for range n {
					f.Linked = append(f.Linked, bot.FollowerKey{Platform: d.str(), UserID: d.str()})
				}
			} else {
				d.fail()
			}
		}
	}
	return f, d.done("follower")
}

// Thread: key tkey.

func encodeThread(th *bot.Thread) []byte {
	e := newEnc(64)
	chatTypes.put(e, string(th.ChatType))
	e.rel(th.Follower.Platform, th.Key.Platform)
	e.rel(th.Follower.UserID, th.Key.Chat)
	modes.put(e, th.Mode)
	e.str(th.Moderator)
	e.svar(int64(th.Flagged))
	e.svar(int64(th.Messages))
	e.time(th.Created)
	e.time(th.LastInbound)
	e.time(th.LastMessage)
	return e.b
}

func decodeThread(k, v []byte) (*bot.Thread, error) {
	tk, rest, ok := readThreadKey(k)
	if !ok || len(rest) != 0 {
		return nil, fmt.Errorf("decode thread: bad key %x", k)
	}
	d := newDec(v)
	th := &bot.Thread{Key: tk}
	th.ChatType = bot.ChatType(chatTypes.get(d))
	th.Follower.Platform = d.rel(tk.Platform)
	th.Follower.UserID = d.rel(tk.Chat)
	th.Mode = modes.get(d)
	th.Moderator = d.str()
	th.Flagged = bot.Severity(d.svar())
	th.Messages = int(d.svar())
	th.Created = d.time()
	th.LastInbound = d.time()
	th.LastMessage = d.time()
	return th, d.done("thread")
}

// Outbound: key u64 id.

func encodeOutbound(o *bot.Outbound) []byte {
	e := newEnc(96 + len(o.Text))
	e.str(o.Platform)
	e.str(o.Account)
	e.str(o.Chat)
	chatTypes.put(e, string(o.ChatType))
	outKinds.put(e, string(o.Kind))
	e.str(o.ReplyTo)
	e.rel(o.Recipient, o.Chat)
	e.text(o.Text)
	e.uvar(uint64(len(o.Buttons)))
	for _, row := range o.Buttons {
		e.uvar(uint64(len(row)))
		for _, b := range row {
			e.text(b.Text)
			e.str(b.Data)
			e.str(b.URL)
		}
	}
	e.str(o.MediaURL)
	langs.put(e, o.Lang)
	e.str(o.Template)
	e.strMap(o.Extra)
	e.time(o.LastInbound)
	e.rel(o.Key, replyKey(o))
	e.str(o.Source)
	outStates.put(e, string(o.State))
	e.svar(int64(o.Attempts))
	e.time(o.NotBefore)
	e.str(o.LastError)
	e.str(o.PlatformID)
	e.time(o.Created)
	e.time(o.Updated)
	if o.Poll != nil { // written last: older records end before it
		e.text(o.Poll.Question)
		e.uvar(uint64(len(o.Poll.Options)))
		for _, opt := range o.Poll.Options {
			e.text(opt)
		}
	}
	return e.b
}

func decodeOutbound(id uint64, v []byte) (*bot.Outbound, error) {
	d := newDec(v)
	o := &bot.Outbound{ID: id}
	o.Platform = d.str()
	o.Account = d.str()
	o.Chat = d.str()
	o.ChatType = bot.ChatType(chatTypes.get(d))
	o.Kind = bot.OutKind(outKinds.get(d))
	o.ReplyTo = d.str()
	o.Recipient = d.rel(o.Chat)
	o.Text = d.text()
	if n := d.uvar(); n > 0 && n <= uint64(len(d.b)) {
		o.Buttons = make([][]bot.Button, n)
		for i := range o.Buttons {
			m := d.uvar()
			if m > uint64(len(d.b)) {
				d.fail()
				break
			}
			for range m {
				o.Buttons[i] = append(o.Buttons[i], bot.Button{Text: d.text(), Data: d.str(), URL: d.str()})
			}
		}
	} else if n > 0 {
		d.fail()
	}
	o.MediaURL = d.str()
	o.Lang = langs.get(d)
	o.Template = d.str()
	o.Extra = d.strMap()
	o.LastInbound = d.time()
	o.Key = d.rel(replyKey(o))
	o.Source = d.str()
	o.State = bot.OutState(outStates.get(d))
	o.Attempts = int(d.svar())
	o.NotBefore = d.time()
	o.LastError = d.str()
	o.PlatformID = d.str()
	o.Created = d.time()
	o.Updated = d.time()
	if d.more() {
		o.Poll = &bot.Poll{Question: d.text()}
		if n := d.uvar(); n <= uint64(len(d.b)) {
			for range n {
				o.Poll.Options = append(o.Poll.Options, d.text())
			}
		} else {
			d.fail()
		}
	}
	return o, d.done("outbound")
}

// replyKey is the idempotency key the Engine gives the reply to the
// message ReplyTo ("reply:" and the event's dedupe key), so a reply's key
// is written relative to it in one byte.
func replyKey(o *bot.Outbound) string {
	if o.ReplyTo == "" {
		return ""
	}
	ev := bot.Event{Platform: o.Platform, Account: o.Account, ID: o.ReplyTo}
	return "reply:" + ev.DedupeKey()
}

// trimSent drops what a delivered item no longer needs: its body, which
// the thread's outbound message keeps, and the adapter's extras. What
// stays says what was sent where, when, and under which key.
func trimSent(o *bot.Outbound) *bot.Outbound {
	if o.State != bot.OutSent {
		return o
	}
	t := *o
	t.Text, t.Buttons, t.MediaURL, t.Extra, t.Poll = "", nil, "", nil, nil
	return &t
}

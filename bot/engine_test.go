package bot_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"engagebot/bot"
	"engagebot/store/bolt"

	"engagebot/internal/wait"
)

// Analyzer is a bot.Analyzer made of a function.
type Analyzer struct {
	AnalyzeFn func(text string) bot.Analysis
}

var _ bot.Analyzer = (*Analyzer)(nil)

func (a *Analyzer) Analyze(_ context.Context, text, _ string) (bot.Analysis, error) {
	return a.AnalyzeFn(text), nil
}

// keywordAnalyzer understands just enough for the engine's rules.
func keywordAnalyzer() *Analyzer {
	return &Analyzer{AnalyzeFn: func(text string) bot.Analysis {
		a := bot.Analysis{Lang: bot.LangEn, Intent: bot.IntentOther, Sentiment: bot.Sentiment{Label: bot.SentimentNeutral}}
		if strings.ContainsAny(text, "سلامی") {
			a.Lang = bot.LangFa
		}
		switch {
		case strings.Contains(text, "rash"):
			a.Intent = bot.IntentSideEffect
			a.Signals = []bot.Signal{{Name: bot.SignalAdverseEvent, Severity: bot.SeverityCritical, Product: "syrup", Effect: "rash"}}
			a.Sentiment = bot.Sentiment{Label: bot.SentimentNegative, Score: -0.6}
		case strings.Contains(text, "bad"):
			a.Intent = bot.IntentComplaint
			a.Sentiment = bot.Sentiment{Label: bot.SentimentNegative, Score: -0.8}
		case strings.Contains(text, "stop"):
			a.Intent = bot.IntentOptOut
		case strings.Contains(text, "great"):
			a.Intent = bot.IntentPraise
			a.Sentiment = bot.Sentiment{Label: bot.SentimentPositive, Score: 0.8}
		}
		return a
	}}
}

// Renderer echoes the intent and text so tests can see what was answered.
type Renderer struct{}

func (Renderer) Render(_ context.Context, r bot.RenderRequest) (bot.Reply, error) {
	text := ""
	if r.Event != nil {
		text = r.Event.Text
	}
	if r.Text != "" || r.Template != "" {
		name := ""
		if r.Follower != nil {
			name = r.Follower.Name
		}
		return bot.Reply{Template: "campaign", Lang: r.Lang, Text: fmt.Sprintf("[%s]%s%s to %s", r.Lang, r.Text, r.Template, name)}, nil
	}
	return bot.Reply{Template: r.Analysis.Intent, Lang: r.Lang, Text: fmt.Sprintf("[%s/%s] %s", r.Lang, r.Analysis.Intent, text),
		Private: r.Analysis.Intent == bot.IntentSideEffect}, nil
}

// Adapter is a scripted platform account.
type Adapter struct {
	platform, name string
	limits         bot.Limits
	idempotent     bool

	mu    sync.Mutex
	sent  []sent
	fails []error // returned by the next sends, in order
	// failEach, when set, decides the outcome of the n-th send (from 1)
	// once fails is used up; nil lets it through.
	failEach func(n int) error
	block    chan struct{}
	ok       atomic.Int64 // successful sends
}

type sent struct {
	o  bot.Outbound
	at time.Time
}

func newAdapter(platform string) *Adapter { return &Adapter{platform: platform, name: "test"} }

func (a *Adapter) Platform() string     { return a.platform }
func (a *Adapter) Account() string      { return a.name }
func (a *Adapter) Limits() bot.Limits   { return a.limits }
func (a *Adapter) IdempotentSend() bool { return a.idempotent }
func (a *Adapter) failNext(errs ...error) {
	a.mu.Lock()
	a.fails = append(a.fails, errs...)
	a.mu.Unlock()
}

func (a *Adapter) Send(ctx context.Context, o *bot.Outbound) (bot.Delivery, error) {
	a.mu.Lock()
	block := a.block
	a.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return bot.Delivery{}, ctx.Err()
		}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	var err error
	if len(a.fails) > 0 {
		err = a.fails[0]
		a.fails = a.fails[1:]
	} else if a.failEach != nil {
		err = a.failEach(len(a.sent) + 1)
	}
	if err != nil {
		a.sent = append(a.sent, sent{o: bot.Outbound{ID: o.ID, Chat: o.Chat, Text: "FAILED " + o.Text}, at: time.Now()})
		return bot.Delivery{}, err
	}
	a.sent = append(a.sent, sent{o: *o, at: time.Now()})
	a.ok.Add(1)
	return bot.Delivery{PlatformID: fmt.Sprintf("p%d", o.ID)}, nil
}

// delivered returns successful sends.
func (a *Adapter) delivered() []sent {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []sent
	for _, s := range a.sent {
		if !strings.HasPrefix(s.o.Text, "FAILED ") {
			out = append(out, s)
		}
	}
	return out
}

func (a *Adapter) attempts() []sent {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.sent)
}

type harness struct {
	engine *bot.Engine
	db     *bolt.DB
	path   string
	cancel context.CancelFunc
	done   chan error
}

func startEngine(t *testing.T, path string, send bot.SendOptions, adapters ...*Adapter) *harness {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "e.db")
	}
	db, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	e, err := bot.NewEngine(bot.Options{Store: db, Analyzer: keywordAnalyzer(), Renderer: Renderer{}, Workers: 4, Send: send})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range adapters {
		e.AddAdapter(a)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &harness{engine: e, db: db, path: path, cancel: cancel, done: make(chan error, 1)}
	go func() { h.done <- e.Run(ctx) }()
	t.Cleanup(h.stop)
	return h
}

func (h *harness) stop() {
	if h.cancel == nil {
		return
	}
	h.cancel()
	<-h.done
	h.db.Close()
	h.cancel = nil
}

func msg(id, chat, text string) bot.Event {
	return bot.Event{Platform: "fake", Account: "test", ID: id, Kind: bot.EventMessage, Chat: chat,
		ChatType: bot.ChatPrivate, Addressed: true, From: bot.Sender{ID: "u-" + chat, Name: "Sara"}, Text: text}
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	wait.For(t, 15*time.Second, what, cond)
}

func (h *harness) view(t *testing.T, fn func(tx bot.Tx) error) {
	t.Helper()
	if err := h.db.View(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func TestEngine_Reply(t *testing.T) {
	a := newAdapter("fake")
	h := startEngine(t, "", bot.SendOptions{}, a)
	ctx := context.Background()
	if err := h.engine.Accept(ctx, []bot.Event{msg("m1", "c1", "سلام")}, nil); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "reply", func() bool { return len(a.delivered()) == 1 })
	got := a.delivered()[0].o
	if got.Chat != "c1" || got.ReplyTo != "m1" || got.Kind != bot.OutReply || got.Lang != bot.LangFa {
		t.Errorf("reply = %+v, want a Persian reply threaded under m1 in c1", got)
	}
	waitUntil(t, "sent state", func() bool { return h.engine.Stats().Pending == 0 && h.engine.Stats().Sending == 0 })
	h.view(t, func(tx bot.Tx) error {
		f, err := tx.Follower(bot.FollowerKey{Platform: "fake", UserID: "u-c1"})
		if err != nil {
			return err
		}
		if f.Messages != 1 || f.Lang != bot.LangFa || f.Name != "Sara" || f.FirstSeen.IsZero() {
			t.Errorf("follower = %+v", f)
		}
		msgs, err := tx.Messages(bot.ThreadKey{Platform: "fake", Account: "test", Chat: "c1"}, 0, 0)
		if err != nil {
			return err
		}
		if len(msgs) != 2 || msgs[0].Direction != bot.DirIn || msgs[1].Direction != bot.DirOut {
			t.Errorf("thread messages = %d, want in then out", len(msgs))
		}
		recs, err := tx.SentimentByFollower(f.Key, time.Time{}, time.Now().Add(time.Hour), 0)
		if err != nil {
			return err
		}
		if len(recs) != 1 || recs[0].MessageID != "m1" {
			t.Errorf("sentiment records = %+v", recs)
		}
		o, err := tx.Outbound(got.ID)
		if err != nil {
			return err
		}
		if o.State != bot.OutSent || o.PlatformID == "" {
			t.Errorf("outbox item = %s %q, want sent with a platform id", o.State, o.PlatformID)
		}
		n, err := tx.InboxLen()
		if n != 0 {
			t.Errorf("inbox has %d items after processing", n)
		}
		return err
	})
}

func TestEngine_DuplicateAnsweredOnce(t *testing.T) {
	a := newAdapter("fake")
	h := startEngine(t, "", bot.SendOptions{}, a)
	ctx := context.Background()
	ev := msg("m1", "c1", "hello")
	for range 3 {
		if err := h.engine.Accept(ctx, []bot.Event{ev, ev}, nil); err != nil {
			t.Fatal(err)
		}
	}
	waitUntil(t, "reply", func() bool { return len(a.delivered()) >= 1 })
	h.stop() // drains: anything pending would be sent before Run returns
	if n := len(a.delivered()); n != 1 {
		t.Fatalf("answered %d times, want once", n)
	}
}

func TestEngine_Policies(t *testing.T) {
	for i, tc := range []struct {
		name      string
		ev        bot.Event
		wantReply bool
		wantKind  bot.OutKind
		wantFlag  string
	}{
		{"private message", msg("a", "c", "hello"), true, bot.OutReply, ""},
		{"group not addressed", func() bot.Event {
			e := msg("b", "g", "great stuff")
			e.ChatType, e.Addressed = bot.ChatGroup, false
			return e
		}(), false, "", ""},
		{"group addressed", func() bot.Event { e := msg("c", "g", "@bot hi"); e.ChatType = bot.ChatGroup; return e }(), true, bot.OutReply, ""},
		{"channel post", func() bot.Event {
			e := msg("d", "ch", "news")
			e.Kind, e.ChatType = bot.EventChannelPost, bot.ChatChannel
			return e
		}(), false, "", ""},
		{"bot echo", func() bot.Event { e := msg("e", "c", "hello"); e.From.IsBot = true; return e }(), false, "", ""},
		{"side effect in a comment goes private", func() bot.Event {
			e := msg("f", "post1", "this syrup gave my son a rash")
			e.Kind, e.ChatType = bot.EventComment, bot.ChatPublic
			return e
		}(), true, bot.OutPrivateReply, bot.SignalAdverseEvent},
		{"complaint in a comment goes private", func() bot.Event {
			e := msg("g", "post1", "bad service")
			e.Kind, e.ChatType = bot.EventComment, bot.ChatPublic
			return e
		}(), true, bot.OutPrivateReply, bot.IntentComplaint},
		{"praise in a comment is public", func() bot.Event {
			e := msg("h", "post2", "great product")
			e.Kind, e.ChatType = bot.EventComment, bot.ChatPublic
			return e
		}(), true, bot.OutReply, ""},
		{"edit is logged only", func() bot.Event { e := msg("i", "c", "hello again"); e.Kind = bot.EventEdit; return e }(), false, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newAdapter("fake")
			h := startEngine(t, "", bot.SendOptions{}, a)
			if err := h.engine.Accept(context.Background(), []bot.Event{tc.ev}, nil); err != nil {
				t.Fatal(err)
			}
			var last string
			defer func() {
				if t.Failed() {
					t.Logf("last state: %s", last)
				}
			}()
			// The inbox empties when the worker commits; the reply is sent
			// after, by the dispatcher, so wait for it rather than for the inbox.
			waitUntil(t, "processing", func() bool {
				st := h.engine.Stats()
				ok := st.Inbox == 0 && st.Pending == 0 && st.Sending == 0 && (!tc.wantReply || len(a.delivered()) > 0)
				if !ok {
					last = fmt.Sprintf("%+v delivered=%d", st, len(a.delivered()))
				}
				return ok
			})
			h.stop()
			d := a.delivered()
			if got := len(d) == 1; got != tc.wantReply {
				t.Fatalf("%d: replies = %d, want reply %v", i, len(d), tc.wantReply)
			}
			if tc.wantReply && d[0].o.Kind != tc.wantKind {
				t.Errorf("%d: kind = %s, want %s", i, d[0].o.Kind, tc.wantKind)
			}
			db, err := bolt.Open(h.path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			db.View(context.Background(), func(tx bot.Tx) error {
				flags, _ := tx.Flags(bot.FlagFilter{Status: bot.FlagOpen})
				var reasons []string
				for _, f := range flags {
					reasons = append(reasons, f.Reason)
				}
				if tc.wantFlag != "" && !slices.Contains(reasons, tc.wantFlag) {
					t.Errorf("%d: flags %v, want %s", i, reasons, tc.wantFlag)
				}
				if tc.wantFlag == "" && len(reasons) > 0 {
					t.Errorf("%d: unexpected flags %v", i, reasons)
				}
				recs, _ := tx.SentimentByDay("", time.Time{}, time.Now().Add(time.Hour), 0)
				if tc.ev.Kind != bot.EventStart && len(recs) != 1 {
					t.Errorf("%d: %d sentiment records, want every message logged", i, len(recs))
				}
				return nil
			})
		})
	}
}

func TestEngine_TakenOverThreadGetsNoReply(t *testing.T) {
	a := newAdapter("fake")
	h := startEngine(t, "", bot.SendOptions{}, a)
	ctx := context.Background()
	h.engine.Accept(ctx, []bot.Event{msg("m1", "c1", "hello")}, nil)
	waitUntil(t, "first reply", func() bool { return len(a.delivered()) == 1 })
	err := h.db.Update(ctx, func(tx bot.Tx) error {
		th, err := tx.Thread(bot.ThreadKey{Platform: "fake", Account: "test", Chat: "c1"})
		if err != nil {
			return err
		}
		th.Mode, th.Moderator = bot.ModeHuman, "maryam"
		return tx.PutThread(th)
	})
	if err != nil {
		t.Fatal(err)
	}
	h.engine.Accept(ctx, []bot.Event{msg("m2", "c1", "are you there?")}, nil)
	waitUntil(t, "processing", func() bool { return h.engine.Stats().Inbox == 0 })
	h.stop()
	if n := len(a.delivered()); n != 1 {
		t.Fatalf("replies = %d, want none after take-over", n)
	}
}

func TestEngine_OrderPerChat(t *testing.T) {
	a := newAdapter("fake")
	h := startEngine(t, "", bot.SendOptions{}, a)
	ctx := context.Background()
	const n = 50
	for i := range n {
		for _, chat := range []string{"c1", "c2", "c3"} {
			if err := h.engine.Accept(ctx, []bot.Event{msg(fmt.Sprintf("%s-%03d", chat, i), chat, fmt.Sprintf("hello %03d", i))}, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	waitUntil(t, "all replies", func() bool { return len(a.delivered()) == 3*n })
	last := map[string]string{}
	for _, s := range a.delivered() {
		if s.o.ReplyTo <= last[s.o.Chat] {
			t.Fatalf("chat %s: reply to %s after %s", s.o.Chat, s.o.ReplyTo, last[s.o.Chat])
		}
		last[s.o.Chat] = s.o.ReplyTo
	}
}

// A chat's replies keep its limit as the platform counts it: never more
// than Count within any Per. The limiter may be late, never early.
func TestEngine_RateLimits(t *testing.T) {
	rate := bot.Rate{Count: 2, Per: 200 * time.Millisecond}
	a := newAdapter("fake")
	a.limits = bot.Limits{Chat: map[bot.ChatType]bot.Rate{bot.ChatPrivate: rate}, Burst: 2}
	h := startEngine(t, "", bot.SendOptions{}, a)
	ctx := context.Background()
	for i := range 12 {
		h.engine.Accept(ctx, []bot.Event{msg(fmt.Sprintf("m%02d", i), "c1", "hi")}, nil)
	}
	waitUntil(t, "replies", func() bool { return len(a.delivered()) == 12 })
	d := a.delivered()
	for i := range d {
		n := 0
		for j := i; j >= 0 && d[j].at.After(d[i].at.Add(-rate.Per)); j-- {
			n++
		}
		if n > rate.Count {
			t.Errorf("send %d is the %dth within %v, over the chat's %v", i, n, rate.Per, rate)
		}
	}
	if took := d[len(d)-1].at.Sub(d[0].at); took < 5*rate.Per {
		t.Errorf("12 sends took %v, want at least %v at %v", took, 5*rate.Per, rate)
	}
}

// Every request keeps the chat's and the account's spacing by the time it
// reaches the platform, with no slack, while sends fail and retry and the
// platform asks for pauses; and every reply is delivered exactly once.
func TestEngine_LimitsHoldUnderFailures(t *testing.T) {
	const chats, perChat = 40, 3
	chatRate := bot.Rate{Count: 1, Per: 200 * time.Millisecond} // one in any 200ms
	acctRate := bot.Rate{Count: 50, Per: time.Second}           // 50 in any second
	a := newAdapter("fake")
	a.limits = bot.Limits{Account: acctRate, Chat: map[bot.ChatType]bot.Rate{bot.ChatPrivate: chatRate}, Burst: 1}
	a.failEach = func(n int) error {
		switch {
		case n%5 == 0: // 20% answered 5xx
			return &bot.SendError{Kind: bot.SendTemporary, Code: "502"}
		case n%17 == 0:
			return &bot.SendError{Kind: bot.SendRateLimited, RetryAfter: 30 * time.Millisecond}
		}
		return nil
	}
	h := startEngine(t, "", bot.SendOptions{RetryBase: 20 * time.Millisecond, RetryMax: 100 * time.Millisecond, MaxAttempts: 20}, a)
	ctx := context.Background()
	for i := range perChat {
		var evs []bot.Event
		for c := range chats {
			evs = append(evs, msg(fmt.Sprintf("m%d-%d", c, i), fmt.Sprintf("c%02d", c), "hi"))
		}
		if err := h.engine.Accept(ctx, evs, nil); err != nil {
			t.Fatal(err)
		}
	}
	waitUntil(t, "every reply", func() bool { return len(a.delivered()) >= chats*perChat })
	h.stop()

	all := a.attempts()
	byChat := map[string][]time.Time{}
	ids := map[uint64]int{}
	for i, s := range all {
		byChat[s.o.Chat] = append(byChat[s.o.Chat], s.at)
		// As a platform counts: the requests in the window ending at this one.
		n := 0
		for j := i; j >= 0 && all[j].at.After(s.at.Add(-acctRate.Per)); j-- {
			n++
		}
		if n > acctRate.Count {
			t.Errorf("request %d is the %dth within %v, over the account's %v", i, n, acctRate.Per, acctRate)
		}
		if !strings.HasPrefix(s.o.Text, "FAILED ") {
			ids[s.o.ID]++
		}
	}
	for chat, at := range byChat {
		for i := 1; i < len(at); i++ {
			if gap := at[i].Sub(at[i-1]); gap < chatRate.Interval() {
				t.Errorf("chat %s: request %d came %v after the previous one, over the chat's %v", chat, i, gap, chatRate)
			}
		}
	}
	if len(ids) != chats*perChat {
		t.Errorf("%d replies delivered, want %d", len(ids), chats*perChat)
	}
	for id, n := range ids {
		if n != 1 {
			t.Errorf("outbound %d delivered %d times", id, n)
		}
	}
}

// Items that wait for a rate-limit slot stay pending, in the store too: a
// stop (or a crash) while they wait leaves nothing that a person must
// check, and they are sent after the restart.
func TestEngine_WaitingItemsStayPending(t *testing.T) {
	a := newAdapter("fake")
	a.limits = bot.Limits{Account: bot.Rate{Count: 1, Per: time.Hour}, Burst: 1}
	h := startEngine(t, "", bot.SendOptions{}, a)
	for c := range 3 {
		if err := h.engine.Accept(context.Background(), []bot.Event{msg(fmt.Sprintf("m%d", c), fmt.Sprintf("c%d", c), "hi")}, nil); err != nil {
			t.Fatal(err)
		}
	}
	waitUntil(t, "the first reply and two waiting", func() bool {
		s := h.engine.Stats()
		return len(a.delivered()) == 1 && s.Pending == 2 && s.Sending == 0
	})
	// Copy the file as a crash would leave it, then stop: neither may
	// leave an item in "sending".
	crashed := filepath.Join(t.TempDir(), "crashed.db")
	if err := copyFile(h.path, crashed); err != nil {
		t.Fatal(err)
	}
	h.stop()
	for _, path := range []string{h.path, crashed} {
		db, err := bolt.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		counts := map[bot.OutState]int{}
		for _, st := range []bot.OutState{bot.OutPending, bot.OutSending, bot.OutSent, bot.OutUnknown} {
			db.View(context.Background(), func(tx bot.Tx) error {
				items, err := tx.Outbox(st, 0, 0)
				counts[st] = len(items)
				return err
			})
		}
		db.Close()
		if want := map[bot.OutState]int{bot.OutPending: 2, bot.OutSending: 0, bot.OutSent: 1, bot.OutUnknown: 0}; !maps.Equal(counts, want) {
			t.Errorf("%s: outbox %v, want %v", filepath.Base(path), counts, want)
		}
	}
	b := newAdapter("fake")
	h2 := startEngine(t, crashed, bot.SendOptions{}, b)
	waitUntil(t, "the waiting replies after the restart", func() bool { return len(b.delivered()) == 2 })
	if s := h2.engine.Stats(); s.Unknown != 0 {
		t.Errorf("stats %+v, want nothing unknown", s)
	}
}

func TestEngine_SendErrors(t *testing.T) {
	for _, tc := range []struct {
		name      string
		err       error
		wantState bot.OutState
		minGap    time.Duration
		attention bool
	}{
		{"retry after is honoured", &bot.SendError{Kind: bot.SendRateLimited, RetryAfter: 300 * time.Millisecond}, bot.OutSent, 300 * time.Millisecond, false},
		{"temporary is retried with back-off", &bot.SendError{Kind: bot.SendTemporary}, bot.OutSent, 100 * time.Millisecond, false},
		{"plain error is temporary", errors.New("connection reset"), bot.OutSent, 100 * time.Millisecond, false},
		{"permanent fails for a person", &bot.SendError{Kind: bot.SendPermanent, Code: "outside_window"}, bot.OutFailed, 0, false},
		{"unknown delivery waits for a person", &bot.SendError{Kind: bot.SendUnknown}, bot.OutUnknown, 0, false},
		{"unauthorized needs attention", &bot.SendError{Kind: bot.SendUnauthorized, Code: "190"}, bot.OutPending, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newAdapter("fake")
			a.failNext(tc.err)
			h := startEngine(t, "", bot.SendOptions{RetryBase: 100 * time.Millisecond, RetryMax: time.Hour}, a)
			h.engine.Accept(context.Background(), []bot.Event{msg("m1", "c1", "hi")}, nil)
			waitUntil(t, "outcome", func() bool {
				if tc.wantState == bot.OutSent {
					return len(a.delivered()) == 1
				}
				return len(a.attempts()) == 1 && h.engine.Stats().Sending == 0
			})
			at := a.attempts()
			if tc.minGap > 0 {
				if gap := at[1].at.Sub(at[0].at); gap < tc.minGap {
					t.Errorf("retried after %v, want >= %v", gap, tc.minGap)
				}
			}
			var needs bool
			for _, s := range h.engine.Accounts() {
				needs = needs || s.State == bot.AccountNeedsAttention
			}
			if needs != tc.attention {
				t.Errorf("account needs attention = %v, want %v", needs, tc.attention)
			}
			waitUntil(t, "state recorded", func() bool { return outState(h.db, 1) == tc.wantState })
			if tc.wantState == bot.OutFailed || tc.wantState == bot.OutUnknown {
				h.view(t, func(tx bot.Tx) error {
					flags, err := tx.Flags(bot.FlagFilter{Status: bot.FlagOpen})
					if len(flags) != 1 || !strings.HasPrefix(flags[0].Reason, "delivery_") {
						t.Errorf("flags = %+v, want one delivery flag for a person", flags)
					}
					return err
				})
			}
		})
	}
}

// A crash between "sending" and the platform's answer must not send twice:
// the item becomes unknown for a person, unless the adapter is idempotent.
func TestEngine_RecoverSending(t *testing.T) {
	for _, idempotent := range []bool{false, true} {
		t.Run(fmt.Sprintf("idempotent=%v", idempotent), func(t *testing.T) {
			a := newAdapter("fake")
			a.block = make(chan struct{}) // the send hangs: we "crash" during it
			h := startEngine(t, "", bot.SendOptions{Timeout: time.Hour}, a)
			h.engine.Accept(context.Background(), []bot.Event{msg("m1", "c1", "hi")}, nil)
			waitUntil(t, "sending", func() bool { return outState(h.db, 1) == bot.OutSending })
			// Simulate the crash: copy the file while the item is "sending".
			crashed := filepath.Join(t.TempDir(), "crashed.db")
			if err := copyFile(h.path, crashed); err != nil {
				t.Fatal(err)
			}
			close(a.block)
			h.stop()

			b := newAdapter("fake")
			b.idempotent = idempotent
			h2 := startEngine(t, crashed, bot.SendOptions{}, b)
			if idempotent {
				waitUntil(t, "resend", func() bool { return len(b.delivered()) == 1 })
				return
			}
			waitUntil(t, "recovery", func() bool { return outState(h2.db, 1) == bot.OutUnknown })
			h2.stop()
			if n := len(b.attempts()); n != 0 {
				t.Fatalf("sent %d times after recovery, want 0: a person decides", n)
			}
		})
	}
}

// copyFile copies the store file as a crash would leave it: every
// transaction so far is committed, and nothing writes while the send hangs.
func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o600)
}

func outState(db *bolt.DB, id uint64) (st bot.OutState) {
	db.View(context.Background(), func(tx bot.Tx) error {
		if o, err := tx.Outbound(id); err == nil {
			st = o.State
		}
		return nil
	})
	return st
}

// healthAdapter reports its own health, as pollers do.
type healthAdapter struct {
	*Adapter
	err error
}

func (h *healthAdapter) Health() error { return h.err }

func TestEngine_AccountHealth(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	e, _ := bot.NewEngine(bot.Options{Store: db, Analyzer: keywordAnalyzer(), Renderer: Renderer{}})
	good, bad := newAdapter("fake"), &healthAdapter{Adapter: newAdapter("other"), err: errors.New("token revoked (401)")}
	e.AddAdapter(good)
	e.AddAdapter(bad)
	got := e.Accounts()
	if len(got) != 2 || got[0].Account != "fake.test" || got[0].State != bot.AccountOK {
		t.Fatalf("accounts = %+v", got)
	}
	if got[1].State != bot.AccountNeedsAttention || !strings.Contains(got[1].Reason, "revoked") {
		t.Errorf("unhealthy account = %+v, want needs attention with the reason", got[1])
	}
	bad.err = nil
	if got := e.Accounts(); got[1].State != bot.AccountOK {
		t.Errorf("recovered account = %+v, want ok", got[1])
	}
}

// twiceQueue hands every item out twice, as a shared queue does when a
// claim's lease runs out while its first holder still works on it.
type twiceQueue struct {
	bot.InboxQueue
	mu    sync.Mutex
	again []bot.InboxItem
	acked map[uint64]int
}

func (q *twiceQueue) Claim(ctx context.Context, n int, lease time.Duration) ([]bot.InboxItem, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.again) > 0 {
		items := q.again
		q.again = nil
		return items, nil
	}
	items, err := q.InboxQueue.Claim(ctx, n, lease)
	q.again = slices.Clone(items)
	return items, err
}

func (q *twiceQueue) Ack(_ context.Context, seqs ...uint64) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, s := range seqs {
		q.acked[s]++
	}
	return nil
}

// An item handed out twice is processed and answered once: the
// transaction that processes it removes it from the inbox, and the second
// finds it gone.
func TestEngine_QueueHandsAnItemTwice(t *testing.T) {
	path := filepath.Join(t.TempDir(), "e.db")
	db, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	q := &twiceQueue{InboxQueue: bot.NewStoreQueue(db), acked: map[uint64]int{}}
	e, err := bot.NewEngine(bot.Options{Store: db, Analyzer: keywordAnalyzer(), Renderer: Renderer{}, Queue: q})
	if err != nil {
		t.Fatal(err)
	}
	a := newAdapter("fake")
	e.AddAdapter(a)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	defer func() { cancel(); <-done; db.Close() }()
	for i := range 20 {
		if err := e.Accept(ctx, []bot.Event{msg(fmt.Sprintf("m%d", i), fmt.Sprintf("c%d", i%3), "great")}, nil); err != nil {
			t.Fatal(err)
		}
	}
	waitUntil(t, "20 replies", func() bool { return len(a.delivered()) >= 20 })
	waitUntil(t, "every item acknowledged", func() bool {
		q.mu.Lock()
		defer q.mu.Unlock()
		return len(q.acked) == 20
	})
	var msgs int
	if err := db.View(ctx, func(tx bot.Tx) error {
		for c := range 3 {
			m, err := tx.Messages(bot.ThreadKey{Platform: "fake", Account: "test", Chat: fmt.Sprintf("c%d", c)}, 0, 0)
			msgs += len(m)
			if err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n := len(a.delivered()); n != 20 || msgs != 40 {
		t.Errorf("%d replies and %d stored messages for 20 messages handed out twice, want 20 and 40", n, msgs)
	}
}

// updateWatch is a store that knows when one of its write functions runs.
type updateWatch struct {
	bot.Store
	inside atomic.Int32
}

func (s *updateWatch) Update(ctx context.Context, fn func(bot.Tx) error) error {
	return s.Store.Update(ctx, func(tx bot.Tx) error {
		s.inside.Add(1)
		defer s.inside.Add(-1)
		return fn(tx)
	})
}

// countingRenderer counts renders done inside a write function.
type countingRenderer struct {
	Renderer
	store          *updateWatch
	total, insideN atomic.Int32
}

func (r *countingRenderer) Render(ctx context.Context, req bot.RenderRequest) (bot.Reply, error) {
	r.total.Add(1)
	if r.store.inside.Load() > 0 {
		r.insideN.Add(1)
	}
	return r.Renderer.Render(ctx, req)
}

// A reply is rendered before its transaction, so the store's one writer
// does not wait on templates; the reply is the same as one rendered inside.
func TestEngine_RendersOutsideTheTransaction(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "e.db"))
	if err != nil {
		t.Fatal(err)
	}
	s := &updateWatch{Store: db}
	r := &countingRenderer{store: s}
	e, err := bot.NewEngine(bot.Options{Store: s, Analyzer: keywordAnalyzer(), Renderer: r})
	if err != nil {
		t.Fatal(err)
	}
	a := newAdapter("fake")
	e.AddAdapter(a)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	defer func() { cancel(); <-done; db.Close() }()
	for i := range 5 {
		if err := e.Accept(ctx, []bot.Event{msg(fmt.Sprintf("m%d", i), fmt.Sprintf("c%d", i), "great product")}, nil); err != nil {
			t.Fatal(err)
		}
		waitUntil(t, "the reply", func() bool { return len(a.delivered()) == i+1 })
	}
	if n := r.insideN.Load(); n != 0 {
		t.Errorf("%d of %d renders ran inside a write", n, r.total.Load())
	}
	for i, d := range a.delivered() {
		if want := "[en/praise] great product"; d.o.Text != want {
			t.Errorf("reply %d = %q, want %q", i, d.o.Text, want)
		}
	}
}

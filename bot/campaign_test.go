package bot_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"engagebot/bot"
	"engagebot/store/bolt"
)

// seedFollower stores a follower of telegram.test with a private chat.
type seed struct {
	id      string
	consent bot.Consent
	tz      string
	noChat  bool
	blocked bool
	lang    string
}

func seedFollowers(t *testing.T, db *bolt.DB, now time.Time, seeds []seed) {
	t.Helper()
	err := db.Update(context.Background(), func(tx bot.Tx) error {
		for _, s := range seeds {
			f := &bot.Follower{Key: bot.FollowerKey{Platform: "telegram", UserID: s.id}, Name: "F" + s.id, Lang: s.lang,
				Consent: s.consent, TZ: s.tz, Blocked: s.blocked, Messages: 1, FirstSeen: now, LastSeen: now}
			if !s.noChat {
				f.Chats = []bot.PrivateChat{{Account: "telegram.test", Chat: "c" + s.id, At: now.Add(-time.Hour)}}
			}
			if err := tx.PutFollower(f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func startCampaignEngine(t *testing.T, path string, c *fakeClock, a *Adapter) *harness {
	t.Helper()
	db, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	o := bot.Options{Store: db, Analyzer: keywordAnalyzer(), Renderer: Renderer{}, Workers: 2}
	if c != nil {
		o.Now = c.now
	}
	e, err := bot.NewEngine(o)
	if err != nil {
		t.Fatal(err)
	}
	e.AddAdapter(a)
	ctx, cancel := context.WithCancel(context.Background())
	h := &harness{engine: e, db: db, path: path, cancel: cancel, done: make(chan error, 1)}
	go func() { h.done <- e.Run(ctx) }()
	t.Cleanup(h.stop)
	return h
}

func campaignOf(t *testing.T, h *harness, id string) *bot.Campaign {
	t.Helper()
	c, err := h.engine.Actions().Campaign(context.Background(), pr, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func progressTotal(pg bot.Progress) int {
	n := pg.Sent + pg.Failed + pg.Pending
	for _, v := range pg.Skipped {
		n += v
	}
	return n
}

// A campaign reaches every opted-in follower of its segment once, inside
// their send window, across a restart, and skips the others with reasons
// whose counts add up to those targeted.
func TestCampaign_SendsOnceInWindow(t *testing.T) {
	ctx := context.Background()
	// 10:00 in Tehran is 01:30 in New York: night there.
	clock := &fakeClock{t: time.Date(2026, 12, 2, 6, 30, 0, 0, time.UTC)}
	path := filepath.Join(t.TempDir(), "c.db")
	a := newAdapter("telegram")
	h := startCampaignEngine(t, path, clock, a)
	var seeds []seed
	for i := range 40 {
		seeds = append(seeds, seed{id: fmt.Sprint(100 + i), consent: bot.ConsentGiven})
	}
	seeds = append(seeds,
		seed{id: "200", consent: bot.ConsentRevoked}, seed{id: "201", consent: bot.ConsentRevoked},
		seed{id: "210"}, seed{id: "220", consent: bot.ConsentGiven, noChat: true},
		seed{id: "230", consent: bot.ConsentGiven, blocked: true},
		seed{id: "240", consent: bot.ConsentGiven, tz: "America/New_York"},
		seed{id: "241", consent: bot.ConsentGiven, tz: "America/New_York"},
	)
	seedFollowers(t, h.db, clock.now(), seeds)
	act := h.engine.Actions()
	seg, err := act.CreateSegment(ctx, pr, &bot.Segment{Name: "all on telegram", Rule: bot.Rule{Platform: "telegram"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := act.CreateCampaign(ctx, pr, &bot.Campaign{Name: "bad", Segment: seg.ID, Accounts: []string{"telegram.nope"}, Text: "x"}); bot.ErrorCode(err) != bot.EINVALID {
		t.Fatalf("an unknown account: %v, want EINVALID", err)
	}
	if _, err := act.CreateCampaign(ctx, pr, &bot.Campaign{Name: "dose", Segment: seg.ID, Accounts: []string{"telegram.test"}, Text: "take 2 tablets a day"}); bot.ErrorCode(err) != bot.EINVALID {
		t.Fatalf("a campaign giving a dose: %v, want EINVALID", err)
	}
	c, err := act.CreateCampaign(ctx, pr, &bot.Campaign{Name: "winter", Segment: seg.ID, Accounts: []string{"telegram.test"},
		Variants: []bot.Variant{{Name: "A", Text: "hello"}, {Name: "B", Text: "hi there"}}})
	if err != nil {
		t.Fatal(err)
	}
	dry, err := act.DryRunCampaign(ctx, pr, c.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(dry) != len(seeds) {
		t.Fatalf("dry run: %d items, want %d", len(dry), len(seeds))
	}
	if len(a.delivered()) != 0 {
		t.Fatal("a dry run sent something")
	}
	if _, err := act.StartCampaign(ctx, pr, c.ID); err != nil {
		t.Fatal(err)
	}
	// Stop midway, as a crash would between steps, and start again.
	waitUntil(t, "some sent", func() bool { return len(a.delivered()) >= 5 })
	h.stop()
	h = startCampaignEngine(t, path, clock, a)
	waitUntil(t, "the 40 in the window sent", func() bool { return len(a.delivered()) >= 40 && campaignOf(t, h, c.ID).Progress.Pending == 2 })
	got := campaignOf(t, h, c.ID)
	want := map[string]int{bot.SkipOptedOut: 2, bot.SkipNoConsent: 1, bot.SkipNotStarted: 1, bot.SkipBlocked: 1}
	for k, v := range want {
		if got.Progress.Skipped[k] != v {
			t.Errorf("skipped[%s] = %d, want %d (%v)", k, got.Progress.Skipped[k], v, got.Progress.Skipped)
		}
	}
	if got.Progress.Targeted != len(seeds) || progressTotal(got.Progress) != len(seeds) || got.Progress.Sent != 40 {
		t.Errorf("progress %+v: want 40 sent of %d targeted, adding up", got.Progress, len(seeds))
	}
	// Morning in New York: the last two go.
	clock.set(time.Date(2026, 12, 2, 14, 0, 0, 0, time.UTC))
	waitUntil(t, "the campaign done", func() bool { return campaignOf(t, h, c.ID).State == bot.CampaignDone })
	seen := map[string]int{}
	for _, s := range a.delivered() {
		seen[s.o.Recipient]++
		if s.o.Kind != bot.OutDirect || s.o.Chat != "c"+s.o.Recipient {
			t.Errorf("item %+v: want a direct message in the follower's chat", s.o)
		}
	}
	for _, s := range seeds {
		wantN := 0
		if s.consent == bot.ConsentGiven && !s.noChat && !s.blocked {
			wantN = 1
		}
		if seen[s.id] != wantN {
			t.Errorf("follower %s received %d, want %d", s.id, seen[s.id], wantN)
		}
	}
	got = campaignOf(t, h, c.ID)
	if got.Stats["A"] == nil || got.Stats["B"] == nil || got.Stats["A"].Sent+got.Stats["B"].Sent != 42 {
		t.Errorf("variant stats %+v: want both variants used, 42 sent in all", got.Stats)
	}
	// The message is in the follower's thread.
	var msgs []*bot.Message
	h.view(t, func(tx bot.Tx) (err error) {
		msgs, err = tx.Messages(bot.ThreadKey{Platform: "telegram", Account: "test", Chat: "c100"}, 0, 0)
		return err
	})
	if len(msgs) != 1 || msgs[0].Direction != bot.DirOut || !strings.Contains(msgs[0].Text, "F100") {
		t.Errorf("thread of 100: %+v, want the campaign message", msgs)
	}
	// A reply and an opt-out count for the variant the follower received.
	h.engine.Accept(ctx, []bot.Event{
		{Platform: "telegram", Account: "test", ID: "r1", Kind: bot.EventMessage, Chat: "c100", ChatType: bot.ChatPrivate,
			Addressed: true, From: bot.Sender{ID: "100"}, Text: "great, thanks"},
		{Platform: "telegram", Account: "test", ID: "r2", Kind: bot.EventMessage, Chat: "c101", ChatType: bot.ChatPrivate,
			Addressed: true, From: bot.Sender{ID: "101"}, Text: "stop"},
	}, nil)
	waitUntil(t, "reply and opt-out counted", func() bool {
		var replies, optOuts int
		for _, s := range campaignOf(t, h, c.ID).Stats {
			replies += s.Replies
			optOuts += s.OptOuts
		}
		return replies == 2 && optOuts == 1
	})
}

// A survey over a platform without native polls is numbered choices with
// buttons; a press, a typed number and a vote changed are each one answer
// per follower.
func TestCampaign_SurveyAnswers(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{t: time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)}
	a := newAdapter("telegram")
	h := startCampaignEngine(t, filepath.Join(t.TempDir(), "s.db"), clock, a)
	seedFollowers(t, h.db, clock.now(), []seed{{id: "1", consent: bot.ConsentGiven}, {id: "2", consent: bot.ConsentGiven}, {id: "3", consent: bot.ConsentGiven}})
	act := h.engine.Actions()
	seg, err := act.CreateSegment(ctx, pr, &bot.Segment{Name: "everyone", Rule: bot.Rule{}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := act.CreateCampaign(ctx, pr, &bot.Campaign{Name: "csat", Segment: seg.ID, Accounts: []string{"telegram.test"},
		Survey: &bot.Survey{Question: "How did we do?", Options: []string{"well", "so so", "badly"}}})
	if err != nil {
		t.Fatal(err)
	}
	if c.Kind != bot.CampaignSurvey {
		t.Fatalf("kind %q, want survey", c.Kind)
	}
	if _, err := act.StartCampaign(ctx, pr, c.ID); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "sent", func() bool { return campaignOf(t, h, c.ID).State == bot.CampaignDone })
	for _, s := range a.delivered() {
		if s.o.Poll == nil || len(s.o.Poll.Options) != 3 {
			t.Fatalf("telegram item %+v: want a native poll", s.o)
		}
	}
	ev := func(id, user string, kind bot.EventKind, text, data string, extra map[string]string) bot.Event {
		return bot.Event{Platform: "telegram", Account: "test", ID: id, Kind: kind, Chat: "c" + user, ChatType: bot.ChatPrivate,
			Addressed: true, From: bot.Sender{ID: user}, Text: text, Data: data, Extra: extra}
	}
	pollOf := func(user string) string {
		for _, s := range a.delivered() {
			if s.o.Recipient == user {
				return fmt.Sprintf("p%d", s.o.ID) // the fake's PlatformID
			}
		}
		return ""
	}
	if err := h.engine.Accept(ctx, []bot.Event{
		ev("a1", "1", bot.EventPollAnswer, "", "0", map[string]string{bot.ExtraPollID: pollOf("1")}),
		ev("a2", "2", bot.EventMessage, "۳", "", nil),
		ev("a3", "3", bot.EventCallback, "", "survey:"+c.ID+":1", nil),
		ev("a4", "1", bot.EventPollAnswer, "", "1", map[string]string{bot.ExtraPollID: pollOf("1")}), // changed vote
		ev("a5", "3", bot.EventCallback, "", "survey:"+c.ID+":1", nil),                               // pressed twice
		ev("a6", "9", bot.EventCallback, "", "survey:"+c.ID+":0", nil),                               // not a recipient
	}, nil); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "answers counted", func() bool {
		got := campaignOf(t, h, c.ID).Answers
		return len(got) == 3 && got[0] == 0 && got[1] == 2 && got[2] == 1
	})
	rs, err := act.CampaignRecipients(ctx, pr, c.ID, bot.RecipientFilter{Answer: 2})
	if err != nil || len(rs) != 2 {
		t.Fatalf("recipients who answered 'so so': %v %v, want 2", rs, err)
	}
}

func TestWindow(t *testing.T) {
	teh := time.FixedZone("IRST", 3*3600+1800)
	for i, tc := range []struct {
		window string
		at     time.Time
		in     bool
		next   time.Time
	}{
		{"08:00-21:00", time.Date(2026, 12, 2, 10, 0, 0, 0, teh), true, time.Date(2026, 12, 2, 10, 0, 0, 0, teh)},
		{"08:00-21:00", time.Date(2026, 12, 2, 21, 0, 0, 0, teh), false, time.Date(2026, 12, 3, 8, 0, 0, 0, teh)},
		{"08:00-21:00", time.Date(2026, 12, 2, 3, 0, 0, 0, teh), false, time.Date(2026, 12, 2, 8, 0, 0, 0, teh)},
		{"22:00-02:00", time.Date(2026, 12, 2, 1, 0, 0, 0, teh), true, time.Date(2026, 12, 2, 1, 0, 0, 0, teh)},
		{"22:00-02:00", time.Date(2026, 12, 2, 12, 0, 0, 0, teh), false, time.Date(2026, 12, 2, 22, 0, 0, 0, teh)},
	} {
		w, err := bot.ParseWindow(tc.window)
		if err != nil {
			t.Fatal(err)
		}
		if w.Contains(tc.at) != tc.in || !w.Next(tc.at).Equal(tc.next) {
			t.Errorf("Test %d: %s at %v: in %v next %v, want %v %v", i, tc.window, tc.at, w.Contains(tc.at), w.Next(tc.at), tc.in, tc.next)
		}
	}
	for _, bad := range []string{"", "8-21", "08:00-08:00", "25:00-26:00", "08:00"} {
		if _, err := bot.ParseWindow(bad); bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("window %q: %v, want EINVALID", bad, err)
		}
	}
}

// An event invitation: followers answer with a button or a word, the
// reminder goes to those who said yes, once, and they are the attendees.
func TestCampaign_EventRSVPAndReminder(t *testing.T) {
	ctx := context.Background()
	a := newAdapter("webchat")
	h := startCampaignEngine(t, filepath.Join(t.TempDir(), "ev.db"), nil, a)
	now := time.Now()
	err := h.db.Update(ctx, func(tx bot.Tx) error {
		for _, id := range []string{"1", "2", "3"} {
			f := &bot.Follower{Key: bot.FollowerKey{Platform: "webchat", UserID: id}, Name: "F" + id, Consent: bot.ConsentGiven,
				Chats: []bot.PrivateChat{{Account: "webchat.test", Chat: id, At: now}}}
			if err := tx.PutFollower(f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	act := h.engine.Actions()
	seg, err := act.CreateSegment(ctx, pr, &bot.Segment{Name: "web", Rule: bot.Rule{Platform: "webchat"}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := act.CreateCampaign(ctx, pr, &bot.Campaign{Name: "pharmacy day", Kind: bot.CampaignEvent, Segment: seg.ID,
		Accounts: []string{"webchat.test"}, Window: "00:00-24:00",
		Event: &bot.CampaignEventInfo{Title: "Pharmacy day", At: now.Add(2 * time.Hour), Remind: bot.Duration(3 * time.Hour)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := act.StartCampaign(ctx, pr, c.ID); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "invitations sent", func() bool { return campaignOf(t, h, c.ID).Progress.Sent == 3 })
	for _, s := range a.delivered() {
		if len(s.o.Buttons) == 0 || s.o.Buttons[len(s.o.Buttons)-1][0].Data != "survey:"+c.ID+":0" {
			t.Fatalf("invitation %+v: want yes and no buttons", s.o)
		}
	}
	ev := func(id, user string, kind bot.EventKind, text, data string) bot.Event {
		return bot.Event{Platform: "webchat", Account: "test", ID: id, Kind: kind, Chat: user, ChatType: bot.ChatPrivate,
			Addressed: true, From: bot.Sender{ID: user}, Text: text, Data: data}
	}
	if err := h.engine.Accept(ctx, []bot.Event{
		ev("e1", "1", bot.EventCallback, "", "survey:"+c.ID+":0"),
		ev("e2", "2", bot.EventMessage, "بله", ""),
		ev("e3", "3", bot.EventMessage, "no", ""),
	}, nil); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the reminders", func() bool {
		n := 0
		for _, s := range a.delivered() {
			if s.o.Template == "campaign.reminder" || strings.Contains(s.o.Key, ":remind:") {
				n++
			}
		}
		got := campaignOf(t, h, c.ID)
		return n == 2 && got.Reminded && len(got.Answers) == 2 && got.Answers[0] == 2 && got.Answers[1] == 1
	})
	rs, err := act.CampaignRecipients(ctx, pr, c.ID, bot.RecipientFilter{Answer: 1})
	if err != nil || len(rs) != 2 {
		t.Fatalf("attendees %v %v, want followers 1 and 2", rs, err)
	}
}

// The satisfaction question after a resolved thread: a native poll on
// Telegram, whose latest answer counts in the standing CSAT survey.
func TestCampaign_CSATAfterResolve(t *testing.T) {
	ctx := context.Background()
	a := newAdapter("telegram")
	h := startCampaignEngine(t, filepath.Join(t.TempDir(), "csat.db"), nil, a)
	in := bot.Event{Platform: "telegram", Account: "test", ID: "m1", Kind: bot.EventMessage, Chat: "77", ChatType: bot.ChatPrivate,
		Addressed: true, From: bot.Sender{ID: "77", Name: "Sara"}, Text: "bad service"}
	if err := h.engine.Accept(ctx, []bot.Event{in}, nil); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the reply", func() bool { return len(a.delivered()) == 1 })
	mod := bot.Actor{Name: "mona", Roles: []bot.Role{bot.RoleModerator}}
	act := h.engine.Actions()
	if err := act.Resolve(ctx, mod, in.ThreadKey(), "called her"); err != nil {
		t.Fatal(err)
	}
	ask := func(option string) {
		t.Helper()
		before := len(a.delivered())
		if err := act.AskCSAT(ctx, mod, in.ThreadKey()); err != nil {
			t.Fatal(err)
		}
		waitUntil(t, "the question", func() bool { return len(a.delivered()) == before+1 })
		q := a.delivered()[before].o
		if q.Poll == nil || len(q.Poll.Options) != 5 {
			t.Fatalf("CSAT item %+v: want a native poll of 1-5", q)
		}
		vote := bot.Event{Platform: "telegram", Account: "test", ID: "v" + option, Kind: bot.EventPollAnswer, Chat: "77", ChatType: bot.ChatPrivate,
			Addressed: true, From: bot.Sender{ID: "77"}, Data: option, Extra: map[string]string{bot.ExtraPollID: fmt.Sprintf("p%d", q.ID)}}
		if err := h.engine.Accept(ctx, []bot.Event{vote}, nil); err != nil {
			t.Fatal(err)
		}
	}
	csat := func() *bot.Campaign {
		cs, err := act.Campaigns(ctx, pr)
		if err != nil || len(cs) != 1 || !cs[0].Standing {
			t.Fatalf("campaigns %v %v: want the standing CSAT survey", cs, err)
		}
		return cs[0]
	}
	ask("4")
	waitUntil(t, "a 5 counted", func() bool { c := csat(); return len(c.Answers) == 5 && c.Answers[4] == 1 })
	ask("1")
	waitUntil(t, "the latest answer counted", func() bool {
		c := csat()
		return c.Answers[4] == 0 && c.Answers[1] == 1 && c.State == bot.CampaignRunning
	})
}

// A follower who blocked the bot is told to us by the send that fails:
// their consent is withdrawn through that account, so no later campaign
// tries them again.
func TestCampaign_BlockedBotWithdrawsConsent(t *testing.T) {
	ctx := context.Background()
	a := newAdapter("telegram")
	a.failNext(&bot.SendError{Kind: bot.SendPermanent, Code: bot.CodeBlocked, Err: fmt.Errorf("Forbidden: bot was blocked by the user")})
	h := startCampaignEngine(t, filepath.Join(t.TempDir(), "b.db"), nil, a)
	seedFollowers(t, h.db, time.Now(), []seed{{id: "1", consent: bot.ConsentGiven}})
	act := h.engine.Actions()
	seg, _ := act.CreateSegment(ctx, pr, &bot.Segment{Name: "all", Rule: bot.Rule{}})
	c, err := act.CreateCampaign(ctx, pr, &bot.Campaign{Name: "x", Segment: seg.ID, Accounts: []string{"telegram.test"}, Text: "hi", Window: "00:00-24:00"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := act.StartCampaign(ctx, pr, c.ID); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the send failed", func() bool { return campaignOf(t, h, c.ID).Progress.Failed == 1 })
	var f *bot.Follower
	h.view(t, func(tx bot.Tx) (err error) {
		f, err = tx.Follower(bot.FollowerKey{Platform: "telegram", UserID: "1"})
		return err
	})
	if f.Consent != bot.ConsentRevoked || f.ConsentVia != "telegram.test" {
		t.Errorf("follower consent %q via %q, want revoked via telegram.test", f.Consent, f.ConsentVia)
	}
}

// Cancelling a campaign stops what was already queued too: items waiting
// for their rate-limit slot are withdrawn, never sent, and their
// recipients count as skipped "cancelled"; only a request already on its
// way may still land.
func TestCampaign_CancelWithdrawsQueued(t *testing.T) {
	ctx := context.Background()
	// 10:00 in Tehran, moving with the real clock so that the rate
	// limit's waits end.
	base, start := time.Date(2026, 12, 2, 6, 30, 0, 0, time.UTC), time.Now()
	clock := &fakeClock{t: base}
	stopClock := make(chan struct{})
	defer close(stopClock)
	go func() {
		for {
			select {
			case <-stopClock:
				return
			case <-time.After(5 * time.Millisecond):
				clock.set(base.Add(time.Since(start)))
			}
		}
	}()
	a := newAdapter("telegram")
	a.limits = bot.Limits{Account: bot.Rate{Count: 1, Per: 150 * time.Millisecond}, Burst: 1}
	h := startCampaignEngine(t, filepath.Join(t.TempDir(), "c.db"), clock, a)
	const n = 20
	var seeds []seed
	for i := range n {
		seeds = append(seeds, seed{id: fmt.Sprint(100 + i), consent: bot.ConsentGiven})
	}
	seedFollowers(t, h.db, clock.now(), seeds)
	act := h.engine.Actions()
	seg, err := act.CreateSegment(ctx, pr, &bot.Segment{Name: "all", Rule: bot.Rule{Platform: "telegram"}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := act.CreateCampaign(ctx, pr, &bot.Campaign{Name: "oops", Segment: seg.ID, Accounts: []string{"telegram.test"}, Text: "hello"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := act.StartCampaign(ctx, pr, c.ID); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "all queued and two sent", func() bool {
		c := campaignOf(t, h, c.ID)
		return c.Queued+c.Progress.Sent >= n && len(a.delivered()) >= 2
	})
	if _, err := act.CancelCampaign(ctx, pr, c.ID); err != nil {
		t.Fatal(err)
	}
	atCancel := len(a.delivered())
	waitUntil(t, "nothing left pending", func() bool {
		st := h.engine.Stats()
		return campaignOf(t, h, c.ID).Progress.Pending == 0 && st.Pending == 0 && st.Sending == 0
	})
	got := campaignOf(t, h, c.ID)
	sent := len(a.delivered())
	// One request leaves every 150 ms, so one, two under a loaded
	// machine's slow commits, may have been claimed before the cancel.
	if sent > atCancel+2 {
		t.Errorf("%d sent after the cancel, want at most those on their way", sent-atCancel)
	}
	if got.Progress.Sent != sent || got.Progress.Sent+got.Progress.Skipped[bot.SkipCancelled] != n || got.Progress.Failed != 0 {
		t.Errorf("progress %+v with %d delivered, want sent = delivered and the rest skipped as cancelled", got.Progress, sent)
	}
	if st := h.engine.Stats(); st.Failed != 0 || st.Unknown != 0 {
		t.Errorf("withdrawn items count as failed %d / unknown %d, want none waiting for a person", st.Failed, st.Unknown)
	}
}

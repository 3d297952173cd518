package bot_test

import (
	"context"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"engagebot/bot"
	"engagebot/store/bolt"
)

// captureRenderer is Renderer, keeping the requests it was given.
type captureRenderer struct {
	Renderer
	mu   sync.Mutex
	reqs []bot.RenderRequest
}

func (c *captureRenderer) Render(ctx context.Context, r bot.RenderRequest) (bot.Reply, error) {
	c.mu.Lock()
	c.reqs = append(c.reqs, r)
	c.mu.Unlock()
	return c.Renderer.Render(ctx, r)
}

func (c *captureRenderer) last() bot.RenderRequest {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.reqs) == 0 {
		return bot.RenderRequest{}
	}
	return c.reqs[len(c.reqs)-1]
}

// Two profiles linked as one person: a reply on one channel reads the
// interests and history of both, and the segments the person is in;
// consent stays each channel's own.
func TestPerson_LinkedProfilesReadTogether(t *testing.T) {
	ctx := context.Background()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	rend := &captureRenderer{}
	e, err := bot.NewEngine(bot.Options{Store: db, Analyzer: keywordAnalyzer(), Renderer: rend, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	a := newAdapter("telegram")
	e.AddAdapter(a)
	runCtx, cancel := context.WithCancel(ctx)
	h := &harness{engine: e, db: db, cancel: cancel, done: make(chan error, 1)}
	go func() { h.done <- e.Run(runCtx) }()
	t.Cleanup(h.stop)

	tg := bot.FollowerKey{Platform: "telegram", UserID: "1"}
	ig := bot.FollowerKey{Platform: "instagram", UserID: "2"}
	err = db.Update(ctx, func(tx bot.Tx) error {
		if err := tx.PutFollower(&bot.Follower{Key: tg, Name: "Sara", Messages: 1, Interests: map[string]int{"diabetes": 1}}); err != nil {
			return err
		}
		return tx.PutFollower(&bot.Follower{Key: ig, Messages: 3, Interests: map[string]int{"heart": 2}, Consent: bot.ConsentRevoked})
	})
	if err != nil {
		t.Fatal(err)
	}
	mod := bot.Actor{Name: "mona", Roles: []bot.Role{bot.RoleModerator}}
	act := e.Actions()
	if err := act.LinkFollowers(ctx, mod, tg, tg); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("linking a follower to themselves: %v, want EINVALID", err)
	}
	if err := act.LinkFollowers(ctx, mod, tg, ig); err != nil {
		t.Fatal(err)
	}
	if _, err := act.CreateSegment(ctx, pr, &bot.Segment{Name: "heart", Rule: bot.Rule{Interests: []string{"heart"}}}); err != nil {
		t.Fatal(err)
	}
	p, err := act.Person(ctx, mod, tg)
	if err != nil || len(p.Linked) != 1 || p.Linked[0].Key != ig {
		t.Fatalf("person %+v %v: want the Instagram profile linked", p, err)
	}
	ev := bot.Event{Platform: "telegram", Account: "test", ID: "m1", Kind: bot.EventMessage, Chat: "1", ChatType: bot.ChatPrivate,
		Addressed: true, From: bot.Sender{ID: "1", Name: "Sara"}, Text: "hello"}
	if err := e.Accept(ctx, []bot.Event{ev}, nil); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the reply", func() bool { return len(a.delivered()) == 1 })
	req := rend.last()
	if req.Follower == nil || req.Follower.Interests["heart"] != 2 || req.Follower.Interests["diabetes"] != 1 || req.Follower.Messages < 5 {
		t.Errorf("the reply read %+v: want both profiles' interests and messages", req.Follower)
	}
	if !slices.Contains(req.Segments, "heart") {
		t.Errorf("segments %v: want heart, an interest of the linked profile", req.Segments)
	}
	if req.Follower.Consent == bot.ConsentRevoked {
		t.Error("the Instagram profile's opt-out leaked into the Telegram one")
	}
	if err := act.SetFollowerTZ(ctx, mod, tg, "Mars/Olympus"); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("a bad zone: %v, want EINVALID", err)
	}
	if err := act.SetFollowerTZ(ctx, mod, tg, "Europe/Berlin"); err != nil {
		t.Fatal(err)
	}
	if err := act.UnlinkFollower(ctx, mod, ig); err != nil {
		t.Fatal(err)
	}
	p, err = act.Person(ctx, mod, tg)
	if err != nil || len(p.Linked) != 0 || p.Follower.TZ != "Europe/Berlin" {
		t.Errorf("after unlinking: %+v %v", p, err)
	}
}

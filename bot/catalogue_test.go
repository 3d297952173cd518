package bot_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"engagebot/bot"
	"engagebot/store/bolt"
)

var pr = bot.Actor{Name: "nima", Roles: []bot.Role{bot.RolePR}}

// users records what the engine hands a CatalogueUser.
type users struct {
	mu   sync.Mutex
	sets [][]string
}

func (u *users) SetCatalogue(items []*bot.CatalogueItem) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	var ids []string
	for _, c := range items {
		ids = append(ids, c.ID)
	}
	u.sets = append(u.sets, ids)
	return nil
}

// catalogueRenderer is the test Renderer that also takes the catalogue,
// as the real one does.
type catalogueRenderer struct {
	Renderer
	*users
}

func TestActions_Catalogue(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	u := &users{}
	e, err := bot.NewEngine(bot.Options{Store: db, Analyzer: keywordAnalyzer(), Renderer: catalogueRenderer{users: u}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	acts := e.Actions()
	item := func(id string) *bot.CatalogueItem {
		return &bot.CatalogueItem{ID: id, Kind: bot.ItemArticle, Title: map[string]string{"fa": "راهنما"}, Tags: []string{"diabetes"}}
	}

	// Seeding happens once: an item removed later does not come back.
	if n, err := e.SeedCatalogue(ctx, []*bot.CatalogueItem{item("seeded")}); err != nil || n != 1 {
		t.Fatalf("SeedCatalogue = %d, %v; want 1 added", n, err)
	}
	if err := acts.AddCatalogueItem(ctx, pr, item("guide")); err != nil {
		t.Fatal(err)
	}
	if got := u.sets[len(u.sets)-1]; !slices.Equal(got, []string{"guide", "seeded"}) {
		t.Errorf("the renderer was handed %v after an add, want guide and seeded", got)
	}
	for i, tc := range []struct {
		err  error
		code string
	}{
		{acts.AddCatalogueItem(ctx, pr, item("guide")), bot.ECONFLICT},
		{acts.AddCatalogueItem(ctx, viewer, item("other")), bot.EFORBIDDEN},
		{acts.AddCatalogueItem(ctx, moderator, item("other")), bot.EFORBIDDEN},
		{acts.AddCatalogueItem(ctx, pr, &bot.CatalogueItem{ID: "x", Kind: "coupon"}), bot.EINVALID},
		{acts.EditCatalogueItem(ctx, pr, item("missing")), bot.ENOTFOUND},
		{acts.RemoveCatalogueItem(ctx, pr, "missing"), bot.ENOTFOUND},
	} {
		if bot.ErrorCode(tc.err) != tc.code {
			t.Errorf("Test %d: err = %v, want %s", i, tc.err, tc.code)
		}
	}
	edited := item("guide")
	edited.Title = map[string]string{"en": "A guide"}
	if err := acts.EditCatalogueItem(ctx, pr, edited); err != nil {
		t.Fatal(err)
	}
	if got, err := acts.CatalogueItem(ctx, viewer, "guide"); err != nil || got.Version != 2 || got.Title["en"] != "A guide" || got.Created.IsZero() {
		t.Errorf("after edit: %+v, %v; want version 2 with the new title, created kept", got, err)
	}
	if err := acts.RemoveCatalogueItem(ctx, pr, "seeded"); err != nil {
		t.Fatal(err)
	}
	if n, err := e.SeedCatalogue(ctx, []*bot.CatalogueItem{item("seeded")}); err != nil || n != 0 {
		t.Errorf("second SeedCatalogue = %d, %v; want nothing added", n, err)
	}

	// An import is all or none.
	bad := []*bot.CatalogueItem{item("a"), {ID: "b", Kind: bot.ItemOffer}}
	if _, err := acts.ImportCatalogue(ctx, pr, bad); bot.ErrorCode(err) != bot.EINVALID || !strings.Contains(bot.ErrorMessage(err), "item 2") {
		t.Errorf("import with a bad item: %v, want EINVALID naming item 2", err)
	}
	if _, err := acts.ImportCatalogue(ctx, pr, []*bot.CatalogueItem{item("a"), item("a")}); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("import with an id twice: %v, want EINVALID", err)
	}
	res, err := acts.ImportCatalogue(ctx, pr, []*bot.CatalogueItem{item("a"), item("guide")})
	if err != nil || !slices.Equal(res.Added, []string{"a"}) || !slices.Equal(res.Updated, []string{"guide"}) {
		t.Errorf("import = %+v, %v; want a added and guide updated", res, err)
	}
	list, err := acts.CatalogueItems(ctx, viewer, bot.CatalogueFilter{})
	if err != nil || len(list) != 2 {
		t.Errorf("catalogue = %v, %v; want a and guide", list, err)
	}

	var actions []string
	err = db.View(ctx, func(tx bot.Tx) error {
		log, err := tx.AuditLog(bot.AuditFilter{})
		for _, e := range log {
			actions = append(actions, e.Actor+" "+e.Action+" "+e.Target)
		}
		return err
	})
	want := []string{"nima catalogue.add catalogue:guide", "nima catalogue.edit catalogue:guide",
		"nima catalogue.remove catalogue:seeded", "nima catalogue.import catalogue"}
	if err != nil || !slices.Equal(actions, want) {
		t.Errorf("audit log = %v, want %v (refused actions leave no entry)", actions, want)
	}
}

// captured keeps every render request the engine makes.
type captured struct {
	Renderer
	mu   sync.Mutex
	reqs []bot.RenderRequest
}

func (c *captured) Render(ctx context.Context, r bot.RenderRequest) (bot.Reply, error) {
	c.mu.Lock()
	c.reqs = append(c.reqs, r)
	c.mu.Unlock()
	return c.Renderer.Render(ctx, r)
}

// runCapturing runs an engine on db with an, over the "fake" adapter,
// keeping every render request, until the test ends.
func runCapturing(t *testing.T, db *bolt.DB, an *Analyzer, workers int) (*bot.Engine, *captured) {
	t.Helper()
	rd := &captured{}
	e, err := bot.NewEngine(bot.Options{Store: db, Analyzer: an, Renderer: rd, Workers: workers})
	if err != nil {
		t.Fatal(err)
	}
	e.AddAdapter(newAdapter("fake"))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return e, rd
}

// of returns the request of the reply to the message with id.
func (c *captured) of(id string) (bot.RenderRequest, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range slices.Backward(c.reqs) {
		if r.Event != nil && r.Event.ID == id {
			return r, true
		}
	}
	return bot.RenderRequest{}, false
}

// waitFor waits for the request of the reply to the message with id.
func (c *captured) waitFor(t *testing.T, id string) bot.RenderRequest {
	t.Helper()
	var r bot.RenderRequest
	waitUntil(t, "the reply to "+id, func() bool {
		var ok bool
		r, ok = c.of(id)
		return ok
	})
	return r
}

// The engine tells the renderer of an open side-effect case, records the
// channel consent came through, flags a dose question, and segments count
// the followers the messages made.
func TestEngine_PersonalProfile(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	an := keywordAnalyzer()
	kw := an.AnalyzeFn
	an.AnalyzeFn = func(text string) bot.Analysis {
		a := kw(text)
		if strings.Contains(text, "dose") {
			a.Intent = bot.IntentMedicalAdvice
		}
		if strings.Contains(text, "diabetes") {
			a.Topics = []string{"diabetes"}
		}
		if strings.HasPrefix(text, "start") {
			a.Intent = bot.IntentOptIn
		}
		return a
	}
	e, rd := runCapturing(t, db, an, 2)

	say := func(id, chat, text string) bot.RenderRequest {
		t.Helper()
		if err := e.Accept(context.Background(), []bot.Event{msg(id, chat, text)}, nil); err != nil {
			t.Fatal(err)
		}
		return rd.waitFor(t, id)
	}
	if r := say("m1", "c1", "about diabetes"); r.OpenCase {
		t.Error("OpenCase before any side-effect report")
	}
	say("m2", "c1", "I got a rash")
	if r := say("m3", "c1", "about diabetes again"); !r.OpenCase || r.Follower.Interests["diabetes"] != 2 {
		t.Errorf("after a side-effect report: OpenCase %v, interests %v; want true and diabetes twice", r.OpenCase, r.Follower.Interests)
	}
	if r := say("m4", "c2", "what dose should I take"); r.Analysis.Intent != bot.IntentMedicalAdvice {
		t.Errorf("intent %s", r.Analysis.Intent)
	}
	say("m5", "c2", "stop")
	k2 := bot.FollowerKey{Platform: "fake", UserID: "u-c2"}
	// The renderer runs inside the transaction: wait for its commit.
	waitUntil(t, "the opt-out committed", func() bool {
		var c bot.Consent
		db.View(context.Background(), func(tx bot.Tx) error {
			if f, err := tx.Follower(k2); err == nil {
				c = f.Consent
			}
			return nil
		})
		return c == bot.ConsentRevoked
	})
	err = db.View(context.Background(), func(tx bot.Tx) error {
		f, err := tx.Follower(k2)
		if err != nil {
			return err
		}
		if f.Consent != bot.ConsentRevoked || f.ConsentVia != "fake.test" || f.ConsentAt.IsZero() {
			t.Errorf("consent %q via %q at %v, want revoked via fake.test with a time", f.Consent, f.ConsentVia, f.ConsentAt)
		}
		th := bot.ThreadKey{Platform: "fake", Account: "test", Chat: "c2"}
		flags, err := tx.Flags(bot.FlagFilter{Status: bot.FlagOpen, Thread: &th})
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(flags, func(f *bot.Flag) bool { return f.Reason == bot.IntentMedicalAdvice }) {
			t.Errorf("flags of the dose question's thread = %v, want medical_advice", flags)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// Only the follower who opted in is reachable; the one who opted out
	// is not, whatever the rule says.
	say("m6", "c3", "start about diabetes")
	waitUntil(t, "the opt-in committed", func() bool {
		var c bot.Consent
		db.View(context.Background(), func(tx bot.Tx) error {
			if f, err := tx.Follower(bot.FollowerKey{Platform: "fake", UserID: "u-c3"}); err == nil {
				c = f.Consent
			}
			return nil
		})
		return c == bot.ConsentGiven
	})
	reach := func(r bot.Rule) []string {
		var got []string
		if err := e.EachReachable(context.Background(), r, time.Now(), func(f *bot.Follower) bool {
			got = append(got, f.Key.UserID)
			return true
		}); err != nil {
			t.Fatal(err)
		}
		return got
	}
	revokedRule := bot.ConsentRevoked
	if got := reach(bot.Rule{}); !slices.Equal(got, []string{"u-c3"}) {
		t.Errorf("reachable of everyone = %v, want only u-c3", got)
	}
	if got := reach(bot.Rule{Consent: &revokedRule}); len(got) != 0 {
		t.Errorf("reachable of the opted out = %v, want nobody", got)
	}

	acts := e.Actions()
	open := true
	v, err := acts.CreateSegment(context.Background(), pr, &bot.Segment{Name: "diabetes with a case", Rule: bot.Rule{Interests: []string{"diabetes"}, OpenCase: &open}})
	if err != nil || v.ID == "" || v.Count != 1 {
		t.Fatalf("CreateSegment = %+v, %v; want an id and count 1", v, err)
	}
	if got, err := acts.Segment(context.Background(), pr, v.ID, 5); err != nil || len(got.Sample) != 1 || got.Sample[0].Key.UserID != "u-c1" {
		t.Errorf("Segment sample = %+v, %v; want u-c1", got.Sample, err)
	}
	if got, err := acts.Segment(context.Background(), viewer, v.ID, 5); err != nil || got.Count != 1 || len(got.Sample) != 0 {
		t.Errorf("a viewer's Segment = %+v, %v; want the count without profiles", got, err)
	}
	revoked := bot.ConsentRevoked
	if c, err := acts.PreviewSegment(context.Background(), pr, bot.Rule{Consent: &revoked}, 0); err != nil || c.Count != 1 {
		t.Errorf("preview of revoked = %+v, %v; want 1", c, err)
	}
	if _, err := acts.PreviewSegment(context.Background(), viewer, bot.Rule{}, 0); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("a viewer's preview: %v, want EFORBIDDEN", err)
	}
	if _, err := acts.CreateSegment(context.Background(), viewer, &bot.Segment{Name: "x"}); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("a viewer's CreateSegment: %v, want EFORBIDDEN", err)
	}
	if err := acts.DeleteSegment(context.Background(), pr, v.ID); err != nil {
		t.Fatal(err)
	}
	if list, err := acts.Segments(context.Background(), viewer); err != nil || len(list) != 0 {
		t.Errorf("segments after delete = %v, %v", list, err)
	}
}

package bot_test

import (
	"context"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"engagebot/bot"
	"engagebot/store/bolt"
)

// segmentEngine is an engine with a fake and a telegram account, not
// running: the actions alone, so a campaign stays in the state it is put.
func segmentEngine(t *testing.T) (*bot.Engine, *bolt.DB) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e, err := bot.NewEngine(bot.Options{Store: db, Analyzer: keywordAnalyzer(), Renderer: Renderer{}})
	if err != nil {
		t.Fatal(err)
	}
	e.AddAdapter(newAdapter("telegram"))
	return e, db
}

// lastAudit is the newest audit entry.
func lastAudit(t *testing.T, db *bolt.DB) *bot.AuditEntry {
	t.Helper()
	var log []*bot.AuditEntry
	if err := db.View(context.Background(), func(tx bot.Tx) (err error) {
		log, err = tx.AuditLog(bot.AuditFilter{})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(log) == 0 {
		t.Fatal("no audit entry")
	}
	return log[len(log)-1]
}

// EditSegment changes the name and rule with create's checks, keeps the
// author and creation, and writes the audit entry with both versions.
func TestActions_EditSegment(t *testing.T) {
	ctx := context.Background()
	mood := 2.0
	for _, tc := range []struct {
		name  string
		actor bot.Actor
		id    string // "" is the segment created for the case
		seg   string
		rule  bot.Rule
		code  string // the refusal's code; "" succeeds
	}{
		{name: "OK", actor: pr, seg: "  tg fa  ", rule: bot.Rule{Platform: "telegram", Lang: "fa"}},
		{name: "EmptyRule", actor: pr, seg: "everyone", rule: bot.Rule{}},
		{name: "ErrNameRequired", actor: pr, seg: "  ", rule: bot.Rule{}, code: bot.EINVALID},
		{name: "ErrNameTooLong", actor: pr, seg: strings.Repeat("ب", 101), code: bot.EINVALID},
		{name: "ErrBadLang", actor: pr, seg: "x", rule: bot.Rule{Lang: "de"}, code: bot.EINVALID},
		{name: "ErrBadMood", actor: pr, seg: "x", rule: bot.Rule{MinMood: &mood}, code: bot.EINVALID},
		{name: "ErrNotFound", actor: pr, id: "99", seg: "x", code: bot.ENOTFOUND},
		{name: "ErrNotAnID", actor: pr, id: "abc", seg: "x", code: bot.ENOTFOUND},
		{name: "ErrViewer", actor: viewer, seg: "x", code: bot.EFORBIDDEN},
		{name: "ErrModerator", actor: bot.Actor{Name: "mina", Roles: []bot.Role{bot.RoleModerator}}, seg: "x", code: bot.EFORBIDDEN},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, db := segmentEngine(t)
			acts := e.Actions()
			made, err := acts.CreateSegment(ctx, pr, &bot.Segment{Name: "all", Rule: bot.Rule{Platform: "rubika"}})
			if err != nil {
				t.Fatal(err)
			}
			id := tc.id
			if id == "" {
				id = made.ID
			}
			created := lastAudit(t, db)
			v, err := acts.EditSegment(ctx, tc.actor, id, tc.seg, tc.rule)
			if got, want := bot.ErrorCode(err), tc.code; err != nil && got != want || err == nil && want != "" {
				t.Fatalf("EditSegment: %v (code %q), want code %q", err, got, want)
			}
			got, rerr := acts.Segment(ctx, pr, made.ID, 0)
			if rerr != nil {
				t.Fatal(rerr)
			}
			if tc.code != "" {
				if got.Name != "all" || got.Rule.Platform != "rubika" {
					t.Errorf("a refused edit changed the segment: %+v", got.Segment)
				}
				if a := lastAudit(t, db); a.Seq != created.Seq {
					t.Errorf("a refused edit wrote the audit entry %+v", a)
				}
				return
			}
			wantName := strings.TrimSpace(tc.seg)
			if v.Name != wantName || got.Name != wantName || !slices.Equal([]string{got.Rule.Platform, got.Rule.Lang}, []string{tc.rule.Platform, tc.rule.Lang}) {
				t.Errorf("after the edit: answered %+v, stored %+v; want %q with %+v", v.Segment, got.Segment, wantName, tc.rule)
			}
			if got.Author != "nima" || !got.Created.Equal(made.Created) || got.ID != made.ID {
				t.Errorf("the edit lost the author, creation or id: %+v", got.Segment)
			}
			a := lastAudit(t, db)
			if a.Action != "segment.edit" || a.Target != "segment:"+made.ID || a.Actor != "nima" ||
				!strings.Contains(a.Before, `"name":"all"`) || !strings.Contains(a.After, `"name":`+strconv.Quote(wantName)) {
				t.Errorf("audit = %+v, want segment.edit of segment:%s by nima with before and after", a, made.ID)
			}
		})
	}
}

// DeleteSegment removes a segment no live campaign targets and writes the
// audit entry; a draft, running or paused campaign's segment is refused
// with ECONFLICT naming the campaign, and a done or cancelled one's is not.
func TestActions_DeleteSegment(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		actor bot.Actor
		// state, when set, is the state of a campaign on the segment.
		state bot.CampaignState
		id    string // "" is the segment created for the case
		code  string
	}{
		{name: "OK", actor: pr},
		{name: "CancelledCampaign", actor: pr, state: bot.CampaignCancelled},
		{name: "DoneCampaign", actor: pr, state: bot.CampaignDone},
		{name: "ErrDraftCampaign", actor: pr, state: bot.CampaignDraft, code: bot.ECONFLICT},
		{name: "ErrRunningCampaign", actor: pr, state: bot.CampaignRunning, code: bot.ECONFLICT},
		{name: "ErrPausedCampaign", actor: pr, state: bot.CampaignPaused, code: bot.ECONFLICT},
		{name: "ErrNotFound", actor: pr, id: "99", code: bot.ENOTFOUND},
		{name: "ErrViewer", actor: viewer, code: bot.EFORBIDDEN},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, db := segmentEngine(t)
			acts := e.Actions()
			seg, err := acts.CreateSegment(ctx, pr, &bot.Segment{Name: "tg", Rule: bot.Rule{Platform: "telegram"}})
			if err != nil {
				t.Fatal(err)
			}
			// Another segment's live campaign does not hold this one.
			other, err := acts.CreateSegment(ctx, pr, &bot.Segment{Name: "other"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := acts.CreateCampaign(ctx, pr, &bot.Campaign{Name: "elsewhere", Segment: other.ID, Accounts: []string{"telegram.test"}, Text: "hello"}); err != nil {
				t.Fatal(err)
			}
			var camp *bot.Campaign
			if tc.state != "" {
				if camp, err = acts.CreateCampaign(ctx, pr, &bot.Campaign{Name: "winter offer", Segment: seg.ID, Accounts: []string{"telegram.test"}, Text: "hello"}); err != nil {
					t.Fatal(err)
				}
				putCampaignState(t, e, db, camp.ID, tc.state)
			}
			id := tc.id
			if id == "" {
				id = seg.ID
			}
			before := lastAudit(t, db)
			err = acts.DeleteSegment(ctx, tc.actor, id)
			if got, want := bot.ErrorCode(err), tc.code; err != nil && got != want || err == nil && want != "" {
				t.Fatalf("DeleteSegment: %v (code %q), want code %q", err, got, want)
			}
			_, gerr := acts.Segment(ctx, pr, seg.ID, 0)
			if tc.code != "" {
				if gerr != nil {
					t.Errorf("a refused delete removed the segment: %v", gerr)
				}
				if a := lastAudit(t, db); a.Seq != before.Seq {
					t.Errorf("a refused delete wrote the audit entry %+v", a)
				}
				if tc.code == bot.ECONFLICT {
					msg := bot.ErrorMessage(err)
					for _, want := range []string{camp.ID, `"winter offer"`, string(tc.state)} {
						if !strings.Contains(msg, want) {
							t.Errorf("refusal %q does not name %s", msg, want)
						}
					}
					if strings.Contains(msg, "elsewhere") {
						t.Errorf("refusal %q names another segment's campaign", msg)
					}
				}
				return
			}
			if bot.ErrorCode(gerr) != bot.ENOTFOUND {
				t.Errorf("after the delete Segment = %v, want ENOTFOUND", gerr)
			}
			a := lastAudit(t, db)
			if a.Action != "segment.delete" || a.Target != "segment:"+seg.ID || a.Actor != "nima" || !strings.Contains(a.Before, `"name":"tg"`) || a.After != "" {
				t.Errorf("audit = %+v, want segment.delete of segment:%s with what was removed", a, seg.ID)
			}
		})
	}
}

// putCampaignState moves a draft through the actions where they lead
// there (start, pause, cancel), else (done) in the store, as the runner
// would.
func putCampaignState(t *testing.T, e *bot.Engine, db *bolt.DB, id string, state bot.CampaignState) {
	t.Helper()
	ctx := context.Background()
	acts := e.Actions()
	var err error
	switch state {
	case bot.CampaignDraft:
	case bot.CampaignRunning:
		_, err = acts.StartCampaign(ctx, pr, id)
	case bot.CampaignPaused:
		if _, err = acts.StartCampaign(ctx, pr, id); err == nil {
			_, err = acts.PauseCampaign(ctx, pr, id)
		}
	case bot.CampaignCancelled:
		_, err = acts.CancelCampaign(ctx, pr, id)
	default:
		err = db.Update(ctx, func(tx bot.Tx) error {
			c, err := tx.Campaign(id)
			if err != nil {
				return err
			}
			c.State = state
			return tx.PutCampaign(c)
		})
	}
	if err != nil {
		t.Fatal(err)
	}
}

// A reply sees a segment's change at once: the engine's segments are read
// again when an action changes one, not only at the runner's next step.
func TestActions_SegmentChangeReachesReplies(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e, rd := runCapturing(t, db, keywordAnalyzer(), 1)
	acts := e.Actions()

	say := func(id string) []string {
		t.Helper()
		if err := e.Accept(context.Background(), []bot.Event{msg(id, "c1", "hello")}, nil); err != nil {
			t.Fatal(err)
		}
		return rd.waitFor(t, id).Segments
	}
	seg, err := acts.CreateSegment(context.Background(), pr, &bot.Segment{Name: "everyone"})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name   string
		change func() error
		want   []string
	}{
		{"created", func() error { return nil }, []string{"everyone"}},
		{"renamed", func() error {
			_, err := acts.EditSegment(context.Background(), pr, seg.ID, "renamed", bot.Rule{MinMessages: 1})
			return err
		}, []string{"renamed"}},
		{"a rule they miss", func() error {
			_, err := acts.EditSegment(context.Background(), pr, seg.ID, "renamed", bot.Rule{MinMessages: 1000})
			return err
		}, nil},
		{"back", func() error {
			_, err := acts.EditSegment(context.Background(), pr, seg.ID, "back", bot.Rule{})
			return err
		}, []string{"back"}},
		{"deleted", func() error { return acts.DeleteSegment(context.Background(), pr, seg.ID) }, nil},
	}
	for i, s := range steps {
		if err := s.change(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := say("m" + strconv.Itoa(i)); !slices.Equal(got, s.want) {
			t.Errorf("%s: the reply's segments = %q, want %q", s.name, got, s.want)
		}
	}
}

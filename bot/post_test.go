package bot_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"engagebot/bot"
)

// xAdapter is an adapter with X's length rule (a simple count here; the
// X adapter counts as X does).
type xAdapter struct{ *Adapter }

func (xAdapter) CheckPost(c bot.PostContent) error {
	if n := utf8.RuneCountInString(c.Text); n > 280 {
		return fmt.Errorf("text: %d characters, over X's limit of 280: give an x variant", n)
	}
	return nil
}

// hourly is a bot.Clocks that knows one spec: "hourly".
type hourly struct{}

func (hourly) Next(spec string, loc *time.Location, after time.Time) (time.Time, error) {
	if spec != "hourly" {
		return time.Time{}, errors.New("expected 5 to 6 fields")
	}
	return after.Truncate(time.Hour).Add(time.Hour), nil
}

var (
	author   = bot.Actor{Name: "sara", Roles: []bot.Role{bot.RolePR}}
	second   = bot.Actor{Name: "reza", Roles: []bot.Role{bot.RolePR}}
	third    = bot.Actor{Name: "mina", Roles: []bot.Role{bot.RoleAdmin}}
	onlooker = bot.Actor{Name: "vida", Roles: []bot.Role{bot.RoleViewer}}
)

func postEngine(t *testing.T, pol bot.PostPolicy) *harness {
	t.Helper()
	tg, ig := newAdapter("telegram"), newAdapter("instagram")
	x := &Adapter{platform: "x", name: "test"}
	h := startEngine(t, "", bot.SendOptions{}, tg, ig)
	h.engine.AddAdapter(xAdapter{x})
	pol.Clocks = hourly{}
	h.engine.SetPostPolicy(pol)
	return h
}

func (h *harness) counts(t *testing.T) (posts, audit int) {
	t.Helper()
	if err := h.db.View(context.Background(), func(tx bot.Tx) error {
		ps, err := tx.Posts(bot.PostFilter{})
		if err != nil {
			return err
		}
		es, err := tx.AuditLog(bot.AuditFilter{})
		posts, audit = len(ps), len(es)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return posts, audit
}

// TestCreatePost_Refused: each mistake is refused with an error naming
// its field, and nothing is stored.
func TestCreatePost_Refused(t *testing.T) {
	h := postEngine(t, bot.PostPolicy{})
	soon := time.Now().Add(time.Hour)
	tg := []bot.PostTarget{{Account: "telegram.test", Chat: "@brand"}}
	long := strings.Repeat("a", 281)
	for i, tc := range []struct {
		in    bot.PostInput
		actor bot.Actor
		want  string // in the error
		code  string
	}{
		{bot.PostInput{Text: "hi", Targets: tg, Cron: "every monday"}, author, "cron: ", bot.EINVALID},
		{bot.PostInput{Text: "hi", Targets: tg, Cron: "hourly", TZ: "Mars/Olympus"}, author, "tz: ", bot.EINVALID},
		{bot.PostInput{Text: "hi", Targets: tg, At: time.Now().Add(-time.Minute)}, author, "at: ", bot.EINVALID},
		{bot.PostInput{Text: "hi", Targets: tg}, author, "at: ", bot.EINVALID},
		{bot.PostInput{Text: "hi", Targets: tg, At: soon, Cron: "hourly"}, author, "at: ", bot.EINVALID},
		{bot.PostInput{Text: "hi", Targets: []bot.PostTarget{{Account: "telegram.nobody", Chat: "@brand"}}, At: soon}, author, "targets[0].account: ", bot.EINVALID},
		{bot.PostInput{Text: "hi", Targets: []bot.PostTarget{{Account: "telegram.test"}}, At: soon}, author, "targets[0].chat: ", bot.EINVALID},
		{bot.PostInput{Text: "hi", At: soon}, author, "targets: ", bot.EINVALID},
		{bot.PostInput{Text: long, Targets: []bot.PostTarget{{Account: "x.test"}}, At: soon}, author, "text: 281 characters", bot.EINVALID},
		{bot.PostInput{Text: "hi", Targets: []bot.PostTarget{{Account: "instagram.test"}}, At: soon}, author, "image_url: ", bot.EINVALID},
		{bot.PostInput{Text: "hi", ImageURL: "ftp://x/y.jpg", Targets: []bot.PostTarget{{Account: "instagram.test"}}, At: soon}, author, "image_url: ", bot.EINVALID},
		{bot.PostInput{Text: "  ", Targets: tg, At: soon}, author, "text: ", bot.EINVALID},
		{bot.PostInput{Text: "hi", Targets: append(tg, tg...), At: soon}, author, "targets[1]: ", bot.EINVALID},
		{bot.PostInput{Text: "hi", Targets: tg, At: soon}, onlooker, "may not", bot.EFORBIDDEN},
	} {
		_, err := h.engine.Actions().CreatePost(context.Background(), tc.actor, tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) || bot.ErrorCode(err) != tc.code {
			t.Errorf("%d: CreatePost = %v, want %s naming %q", i, err, tc.code, tc.want)
		}
	}
	if posts, audit := h.counts(t); posts != 0 || audit != 0 {
		t.Errorf("refusals stored %d posts and %d audit entries", posts, audit)
	}
	// The same X post with an X variant that fits, and an Instagram one
	// with an image, are taken.
	for i, in := range []bot.PostInput{
		{Text: long, Variants: map[string]string{"x": "short"}, Targets: []bot.PostTarget{{Account: "x.test"}}, At: soon},
		{Text: "hi", ImageURL: "https://cdn.example/p.jpg", Targets: []bot.PostTarget{{Account: "instagram.test"}}, At: soon},
		{Text: "hi", Targets: tg, Cron: "hourly"},
	} {
		p, err := h.engine.Actions().CreatePost(context.Background(), author, in)
		if err != nil {
			t.Errorf("%d: CreatePost: %v", i, err)
			continue
		}
		if p.State != bot.PostDraft || p.Author != "sara" || p.Version != 1 || p.ID == 0 {
			t.Errorf("%d: made %+v", i, p)
		}
		if in.Cron != "" && p.TZ != "Asia/Tehran" {
			t.Errorf("%d: tz %q, want the default Asia/Tehran", i, p.TZ)
		}
	}
}

// TestApprovePost walks the states: the author may not approve, the
// policy's approvals and note are asked for, and an edit after approval
// sends the post back with its sign-offs dropped; the audit log tells
// who approved which version.
func TestApprovePost(t *testing.T) {
	ctx := context.Background()
	h := postEngine(t, bot.PostPolicy{Approvals: 2, NoteRequired: true})
	acts := h.engine.Actions()
	in := bot.PostInput{Text: "new syrup", Targets: []bot.PostTarget{{Account: "telegram.test", Chat: "@brand"}}, At: time.Now().Add(time.Hour)}
	p, err := acts.CreatePost(ctx, author, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := acts.ApprovePost(ctx, second, p.ID, "ok"); bot.ErrorCode(err) != bot.ECONFLICT {
		t.Errorf("approving a draft: %v, want ECONFLICT", err)
	}
	if p, err = acts.SubmitPost(ctx, author, p.ID); err != nil || p.State != bot.PostAwaiting {
		t.Fatalf("SubmitPost: %v, %+v", err, p)
	}
	_, before := h.counts(t)
	for i, tc := range []struct {
		actor bot.Actor
		note  string
		code  string
		want  string
	}{
		{author, "medical ok", bot.EFORBIDDEN, "approver: "},
		{second, "", bot.EINVALID, "note: "},
		{onlooker, "ok", bot.EFORBIDDEN, "may not"},
	} {
		_, err := acts.ApprovePost(ctx, tc.actor, p.ID, tc.note)
		if bot.ErrorCode(err) != tc.code || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%d: ApprovePost = %v, want %s naming %q", i, err, tc.code, tc.want)
		}
	}
	if _, audit := h.counts(t); audit != before {
		t.Errorf("refused approvals wrote %d audit entries", audit-before)
	}
	if p, err = acts.ApprovePost(ctx, second, p.ID, "medical: dosage checked"); err != nil || p.State != bot.PostAwaiting || len(p.Approvals) != 1 {
		t.Fatalf("first of two approvals: %v, %+v", err, p)
	}
	if _, err = acts.ApprovePost(ctx, second, p.ID, "again"); bot.ErrorCode(err) != bot.ECONFLICT {
		t.Errorf("the same approver twice: %v, want ECONFLICT", err)
	}
	if p, err = acts.ApprovePost(ctx, third, p.ID, "legal: ok"); err != nil || p.State != bot.PostApproved || !p.Next.Equal(in.At.UTC()) {
		t.Fatalf("second approval: %v, %+v", err, p)
	}
	in.Text = "new syrup, now in 100 ml"
	if p, err = acts.EditPost(ctx, author, p.ID, in); err != nil || p.State != bot.PostAwaiting || p.Version != 2 || len(p.Approvals) != 0 || !p.Next.IsZero() {
		t.Fatalf("edit after approval: %v, %+v", err, p)
	}
	if p, err = acts.ApprovePost(ctx, second, p.ID, "medical: ok"); err != nil || p.Approvals[0].Version != 2 {
		t.Fatalf("approval of version 2: %v, %+v", err, p)
	}
	if p, err = acts.CancelPost(ctx, author, p.ID, "withdrawn"); err != nil || p.State != bot.PostCancelled || !p.Next.IsZero() {
		t.Fatalf("CancelPost: %v, %+v", err, p)
	}
	if _, err = acts.EditPost(ctx, author, p.ID, in); bot.ErrorCode(err) != bot.ECONFLICT {
		t.Errorf("editing a cancelled post: %v, want ECONFLICT", err)
	}
	var approvals []string
	if err := h.db.View(ctx, func(tx bot.Tx) error {
		es, err := tx.AuditLog(bot.AuditFilter{})
		for _, e := range es {
			if e.Action == "post.approve" {
				approvals = append(approvals, e.Actor+" "+e.After+" "+e.Note)
			}
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`reza {"state":"awaiting_approval","version":1,"approvals":1} medical: dosage checked`,
		`mina {"state":"approved","version":1,"approvals":2} legal: ok`,
		`reza {"state":"awaiting_approval","version":2,"approvals":1} medical: ok`,
	}
	if strings.Join(approvals, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit of approvals:\n%s\nwant\n%s", strings.Join(approvals, "\n"), strings.Join(want, "\n"))
	}
}

func TestSlotKey(t *testing.T) {
	at := time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
	a := bot.SlotKey(7, at, "telegram.support", "@brand", 0)
	for i, other := range []string{
		bot.SlotKey(8, at, "telegram.support", "@brand", 0),
		bot.SlotKey(7, at.Add(time.Second), "telegram.support", "@brand", 0),
		bot.SlotKey(7, at, "x.brand", "", 0),
		bot.SlotKey(7, at, "telegram.support", "@other", 0),
		bot.SlotKey(7, at, "telegram.support", "@brand", 1),
	} {
		if other == a {
			t.Errorf("%d: %q is the key of another slot target", i, other)
		}
	}
	if b := bot.SlotKey(7, at.In(time.FixedZone("IRST", 12600)), "telegram.support", "@brand", 0); b != a {
		t.Errorf("the same instant in another zone: %q, want %q", b, a)
	}
}

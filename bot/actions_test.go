package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"engagebot/bot"
)

var (
	moderator = bot.Actor{Name: "sara", Roles: []bot.Role{bot.RoleModerator}}
	viewer    = bot.Actor{Name: "vida", Roles: []bot.Role{bot.RoleViewer}}
	admin     = bot.Actor{Name: "ali", Roles: []bot.Role{bot.RoleAdmin}}
)

func auditLog(t *testing.T, h *harness) []*bot.AuditEntry {
	t.Helper()
	var out []*bot.AuditEntry
	h.view(t, func(tx bot.Tx) (err error) {
		out, err = tx.AuditLog(bot.AuditFilter{})
		return err
	})
	return out
}

// A moderator takes a complaint's thread over, replies by hand through the
// outbox, and resolves it: the bot is silent while it is taken over, each
// step is in the audit log with what it changed, and the flags close.
func TestActions_WorkAThread(t *testing.T) {
	a := newAdapter("fake")
	h := startEngine(t, "", bot.SendOptions{}, a)
	ctx := context.Background()
	k := bot.ThreadKey{Platform: "fake", Account: "test", Chat: "c1"}
	if err := h.engine.Accept(ctx, []bot.Event{msg("m1", "c1", "this is bad")}, nil); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the bot's reply", func() bool { return len(a.delivered()) == 1 })
	acts := h.engine.Actions()

	if err := acts.TakeOver(ctx, moderator, k); err != nil {
		t.Fatal(err)
	}
	h.engine.Accept(ctx, []bot.Event{msg("m2", "c1", "hello?")}, nil)
	o, err := acts.Reply(ctx, moderator, k, "  Sorry for the trouble, I am looking into it.  ")
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the moderator's reply", func() bool { return len(a.delivered()) == 2 })
	if got := a.delivered()[1].o; got.ID != o.ID || got.Text != "Sorry for the trouble, I am looking into it." || got.Source != "moderator:sara" {
		t.Errorf("delivered %+v, want the moderator's reply, trimmed", got)
	}
	if err := acts.Resolve(ctx, moderator, k, "refund agreed"); err != nil {
		t.Fatal(err)
	}
	h.view(t, func(tx bot.Tx) error {
		th, err := tx.Thread(k)
		if err != nil {
			return err
		}
		if th.Mode != bot.ModeBot || th.Moderator != "" {
			t.Errorf("thread after resolve: mode %q moderator %q, want back with the bot", th.Mode, th.Moderator)
		}
		open, err := tx.Flags(bot.FlagFilter{Status: bot.FlagOpen, Thread: &k})
		if len(open) != 0 {
			t.Errorf("%d flags still open after resolve", len(open))
		}
		msgs, err := tx.Messages(k, 0, 0)
		var authors []string
		for _, m := range msgs {
			authors = append(authors, m.Direction+":"+m.Author)
		}
		if !strings.Contains(strings.Join(authors, " "), "out:sara") {
			t.Errorf("thread messages %v: the moderator's reply is missing", authors)
		}
		return err
	})
	if n := len(a.delivered()); n != 2 {
		t.Errorf("%d sends, want 2: the bot answered while the thread was taken over", n)
	}
	log := auditLog(t, h)
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action)
		if e.Actor != "sara" {
			t.Errorf("entry %s by %q, want sara", e.Action, e.Actor)
		}
	}
	if got, want := strings.Join(actions, ","), "thread.takeover,thread.reply,thread.resolve"; got != want {
		t.Fatalf("audit log %s, want %s", got, want)
	}
	if log[0].Before != `{"mode":"bot"}` || log[0].After != `{"mode":"human","moderator":"sara"}` {
		t.Errorf("takeover entry before %s after %s", log[0].Before, log[0].After)
	}
	if log[2].Note != "refund agreed" || !strings.Contains(log[2].After, `"flags_closed":[1]`) {
		t.Errorf("resolve entry %+v", log[2])
	}
}

// Roles are checked before anything changes, and a refused or failed
// action leaves no audit entry.
func TestActions_Refused(t *testing.T) {
	a := newAdapter("fake")
	h := startEngine(t, "", bot.SendOptions{}, a)
	ctx := context.Background()
	k := bot.ThreadKey{Platform: "fake", Account: "test", Chat: "c1"}
	h.engine.Accept(ctx, []bot.Event{msg("m1", "c1", "hi")}, nil)
	waitUntil(t, "the bot's reply", func() bool { return len(a.delivered()) == 1 })
	acts := h.engine.Actions()
	for _, tc := range []struct {
		name string
		err  error
		code string
	}{
		{"viewer takes over", acts.TakeOver(ctx, viewer, k), bot.EFORBIDDEN},
		{"nobody replies", func() error { _, err := acts.Reply(ctx, bot.Actor{}, k, "hi"); return err }(), bot.EUNAUTHORIZED},
		{"empty reply", func() error { _, err := acts.Reply(ctx, moderator, k, "  "); return err }(), bot.EINVALID},
		{"unknown thread", acts.TakeOver(ctx, moderator, bot.ThreadKey{Platform: "fake", Account: "test", Chat: "nope"}), bot.ENOTFOUND},
		{"bad consent", acts.SetConsent(ctx, admin, bot.FollowerKey{Platform: "fake", UserID: "u-c1"}, "maybe", ""), bot.EINVALID},
		{"closed flag", acts.CloseFlag(ctx, moderator, 999, ""), bot.ENOTFOUND},
	} {
		if got := bot.ErrorCode(tc.err); got != tc.code {
			t.Errorf("%s: %v (code %q), want %q", tc.name, tc.err, got, tc.code)
		}
	}
	if log := auditLog(t, h); len(log) != 0 {
		t.Errorf("%d audit entries after refused actions, want none", len(log))
	}
	// An admin may do what a moderator may.
	if err := acts.SetConsent(ctx, admin, bot.FollowerKey{Platform: "fake", UserID: "u-c1"}, bot.ConsentRevoked, "asked by phone"); err != nil {
		t.Fatal(err)
	}
	if log := auditLog(t, h); len(log) != 1 || log[0].Action != "follower.consent" || log[0].After != `{"consent":"revoked"}` {
		t.Errorf("audit log %+v, want the consent change", log)
	}
}

func TestParseRoles(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		err  bool
	}{
		{"moderator", "moderator", false},
		{"moderator, safety,moderator", "moderator,safety", false},
		{"root", "", true},
		{"", "", true},
	} {
		got, err := bot.ParseRoles(tc.in)
		var names []string
		for _, r := range got {
			names = append(names, string(r))
		}
		if (err != nil) != tc.err || strings.Join(names, ",") != tc.want {
			t.Errorf("ParseRoles(%q) = %v, %v", tc.in, names, err)
		}
	}
}

// checkingAdapter refuses, before anything is queued, what its platform
// would refuse.
type checkingAdapter struct {
	*Adapter
	refuse error
}

func (a *checkingAdapter) CheckSend(*bot.Outbound, time.Time) error { return a.refuse }

// A reply the platform will refuse (Meta's window closed) is refused at
// once with the reason, and nothing is queued or audited; a reply in a
// public thread answers the follower's last comment.
func TestActions_ReplyChecksThePlatform(t *testing.T) {
	a := &checkingAdapter{Adapter: newAdapter("fake"), refuse: errors.New("the 24h messaging window closed at 2026-12-01T10:00:00Z")}
	h := startEngine(t, "", bot.SendOptions{}, a.Adapter)
	h.engine.AddAdapter(a) // the same account, now with the check
	ctx := context.Background()
	k := bot.ThreadKey{Platform: "fake", Account: "test", Chat: "c1"}
	h.engine.Accept(ctx, []bot.Event{msg("m1", "c1", "hi")}, nil)
	waitUntil(t, "the bot's reply", func() bool { return len(a.delivered()) == 1 })
	_, err := h.engine.Actions().Reply(ctx, moderator, k, "Following up on your message")
	if bot.ErrorCode(err) != bot.ECONFLICT || !strings.Contains(bot.ErrorMessage(err), "messaging window closed") {
		t.Fatalf("Reply = %v, want a conflict naming the window", err)
	}
	if log := auditLog(t, h); len(log) != 0 {
		t.Errorf("audit log %+v after a refused reply", log)
	}

	a.refuse = nil
	pub := msg("c-77", "post-5", "nice product")
	pub.ChatType, pub.Kind = bot.ChatPublic, bot.EventComment
	h.engine.Accept(ctx, []bot.Event{pub}, nil)
	waitUntil(t, "the bot's comment reply", func() bool { return len(a.delivered()) == 2 })
	o, err := h.engine.Actions().Reply(ctx, moderator, bot.ThreadKey{Platform: "fake", Account: "test", Chat: "post-5"}, "Thank you!")
	if err != nil {
		t.Fatal(err)
	}
	if o.ReplyTo != "c-77" {
		t.Errorf("reply in a public thread answers %q, want the comment c-77", o.ReplyTo)
	}
}

// A private note stays in the thread for the staff, audited, and is never
// sent to the follower.
func TestActions_AddNote(t *testing.T) {
	a := newAdapter("fake")
	h := startEngine(t, "", bot.SendOptions{}, a)
	ctx := context.Background()
	k := bot.ThreadKey{Platform: "fake", Account: "test", Chat: "c1"}
	h.engine.Accept(ctx, []bot.Event{msg("m1", "c1", "hi")}, nil)
	waitUntil(t, "the bot's reply", func() bool { return len(a.delivered()) == 1 })
	acts := h.engine.Actions()
	if err := acts.AddNote(ctx, viewer, k, "x"); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("a viewer's note: %v, want forbidden", err)
	}
	if err := acts.AddNote(ctx, moderator, k, "  called her back, she is fine  "); err != nil {
		t.Fatal(err)
	}
	var notes []string
	h.view(t, func(tx bot.Tx) error {
		msgs, err := tx.Messages(k, 0, 0)
		for _, m := range msgs {
			if m.Direction == bot.DirNote {
				notes = append(notes, m.Author+": "+m.Text)
			}
		}
		return err
	})
	if len(notes) != 1 || notes[0] != "sara: called her back, she is fine" {
		t.Errorf("notes %q", notes)
	}
	if log := auditLog(t, h); len(log) != 1 || log[0].Action != "thread.note" {
		t.Errorf("audit log %+v", log)
	}
	if n := len(a.attempts()); n != 1 {
		t.Errorf("%d sends, want only the bot's reply: a note is never sent", n)
	}
}

// A muted follower's messages are stored and flagged but get no automatic
// reply; a blocked one is also not reachable by campaigns; unmuting
// brings the bot back.
func TestActions_Mute(t *testing.T) {
	a := newAdapter("fake")
	h := startEngine(t, "", bot.SendOptions{}, a)
	ctx := context.Background()
	fk := bot.FollowerKey{Platform: "fake", UserID: "u-c1"}
	h.engine.Accept(ctx, []bot.Event{msg("m1", "c1", "hi")}, nil)
	waitUntil(t, "the bot's reply", func() bool { return len(a.delivered()) == 1 })
	acts := h.engine.Actions()
	if err := acts.Mute(ctx, viewer, fk, true, false, ""); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("a viewer mutes: %v, want forbidden", err)
	}
	if err := acts.Mute(ctx, moderator, fk, false, true, "abusive"); err != nil {
		t.Fatal(err)
	}
	h.engine.Accept(ctx, []bot.Event{msg("m2", "c1", "this is bad")}, nil)
	k := bot.ThreadKey{Platform: "fake", Account: "test", Chat: "c1"}
	waitUntil(t, "the message stored and flagged", func() bool {
		var n int
		h.view(t, func(tx bot.Tx) error {
			flags, err := tx.Flags(bot.FlagFilter{Status: bot.FlagOpen, Thread: &k})
			n = len(flags)
			return err
		})
		return n == 1
	})
	h.view(t, func(tx bot.Tx) error {
		f, err := tx.Follower(fk)
		if err == nil && (f.Reachable() || !f.Muted || !f.Blocked) {
			t.Errorf("blocked follower: muted %v blocked %v reachable %v", f.Muted, f.Blocked, f.Reachable())
		}
		return err
	})
	if err := acts.Mute(ctx, moderator, fk, false, false, "apologised"); err != nil {
		t.Fatal(err)
	}
	h.engine.Accept(ctx, []bot.Event{msg("m3", "c1", "great")}, nil)
	waitUntil(t, "the bot back", func() bool { return len(a.delivered()) == 2 })
	if got := a.delivered()[1].o.ReplyTo; got != "m3" {
		t.Errorf("replied to %s while blocked, want only m3 after unmuting", got)
	}
}

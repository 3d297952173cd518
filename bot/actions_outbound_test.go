package bot_test

import (
	"context"
	"strconv"
	"testing"

	"engagebot/bot"
)

// A thread is assigned to a person who works threads, and to nobody else.
func TestActions_Assign(t *testing.T) {
	a := newAdapter("fake")
	h := startEngine(t, "", bot.SendOptions{}, a)
	ctx := context.Background()
	k := bot.ThreadKey{Platform: "fake", Account: "test", Chat: "c1"}
	if err := h.engine.Accept(ctx, []bot.Event{msg("m1", "c1", "this is bad")}, nil); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the bot's reply", func() bool { return len(a.delivered()) == 1 })
	acts := h.engine.Actions()
	for _, u := range []struct {
		name  string
		roles []bot.Role
	}{{"reza", []bot.Role{bot.RoleModerator}}, {"pari", []bot.Role{bot.RolePR}}} {
		if err := acts.AddUser(ctx, admin, plainHasher{}, u.name, u.roles, "a long enough password"); err != nil {
			t.Fatal(err)
		}
	}
	for i, tc := range []struct {
		actor bot.Actor
		to    string
		code  string
	}{
		{viewer, "reza", bot.EFORBIDDEN},
		{moderator, "pari", bot.EINVALID}, // not a moderator
		{moderator, "nobody", bot.EINVALID},
		{moderator, " ", bot.EINVALID},
		{moderator, "reza", ""},
	} {
		if err := acts.Assign(ctx, tc.actor, k, tc.to); bot.ErrorCode(err) != tc.code && !(tc.code == "" && err == nil) {
			t.Errorf("%d: Assign(%s, %q) = %v, want %q", i, tc.actor.Name, tc.to, err, tc.code)
		}
	}
	h.view(t, func(tx bot.Tx) error {
		th, err := tx.Thread(k)
		if err == nil && (th.Mode != bot.ModeHuman || th.Moderator != "reza") {
			t.Errorf("thread after assign: %s by %q, want taken over by reza", th.Mode, th.Moderator)
		}
		return err
	})
	log := auditLog(t, h)
	last := log[len(log)-1]
	if last.Action != "thread.assign" || last.Actor != "sara" || last.After != `{"mode":"human","moderator":"reza"}` {
		t.Errorf("audit %+v", last)
	}
}

// An outbox item whose delivery is unknown is marked sent, or sent again,
// by a person; each is audited, and an item in another state is refused.
func TestActions_UnknownOutbound(t *testing.T) {
	a := newAdapter("fake")
	h := startEngine(t, "", bot.SendOptions{}, a)
	ctx := context.Background()
	for _, m := range []string{"m1", "m2"} {
		if err := h.engine.Accept(ctx, []bot.Event{msg(m, "c-"+m, "hello")}, nil); err != nil {
			t.Fatal(err)
		}
	}
	waitUntil(t, "the bot's replies", func() bool { return len(a.delivered()) == 2 })
	var ids []uint64
	for _, d := range a.delivered() {
		ids = append(ids, d.o.ID)
	}
	// As a restart in the middle of the sends leaves them.
	err := h.db.Update(ctx, func(tx bot.Tx) error {
		for _, id := range ids {
			o, err := tx.Outbound(id)
			if err != nil {
				return err
			}
			o.State = bot.OutUnknown
			if err := tx.PutOutbound(o); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The restart counts what waits for a person.
	h.stop()
	h = startEngine(t, h.path, bot.SendOptions{}, a)
	waitUntil(t, "the restart's count of unknown items", func() bool { return h.engine.Stats().Unknown == 2 })
	acts := h.engine.Actions()
	if err := acts.MarkOutboundSent(ctx, viewer, ids[0], ""); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("a viewer marking sent = %v, want EFORBIDDEN", err)
	}
	if err := acts.MarkOutboundSent(ctx, moderator, ids[0], "seen in the chat"); err != nil {
		t.Fatal(err)
	}
	if err := acts.ResendOutbound(ctx, moderator, ids[0], ""); bot.ErrorCode(err) != bot.ECONFLICT {
		t.Errorf("resending a sent item = %v, want ECONFLICT", err)
	}
	if err := acts.ResendOutbound(ctx, moderator, ids[1], "not in the chat"); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the item sent again", func() bool { return len(a.delivered()) == 3 })
	if got := a.delivered()[2].o.ID; got != ids[1] {
		t.Errorf("sent again %d, want %d", got, ids[1])
	}
	if err := acts.MarkOutboundSent(ctx, moderator, ids[1], ""); bot.ErrorCode(err) != bot.ECONFLICT {
		t.Errorf("marking a resent item = %v, want ECONFLICT", err)
	}
	h.view(t, func(tx bot.Tx) error {
		for _, id := range ids {
			o, err := tx.Outbound(id)
			if err != nil {
				return err
			}
			if o.State != bot.OutSent {
				t.Errorf("outbound %d is %s, want sent", id, o.State)
			}
		}
		return nil
	})
	var actions []string
	for _, e := range auditLog(t, h) {
		actions = append(actions, e.Action+" "+e.Target+" "+e.Note)
	}
	want := []string{
		"outbound.mark_sent outbound:" + strconv.FormatUint(ids[0], 10) + " seen in the chat",
		"outbound.resend outbound:" + strconv.FormatUint(ids[1], 10) + " not in the chat",
	}
	if len(actions) != 2 || actions[0] != want[0] || actions[1] != want[1] {
		t.Errorf("audit %q, want %q", actions, want)
	}
	if st := h.engine.Stats(); st.Unknown != 0 {
		t.Errorf("stats after both decided: %+v, want no unknown", st)
	}
}

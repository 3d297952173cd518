package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"engagebot/bot"
)

// occurrences lists "bucket: key or value" for every place in the bbolt
// file (nested buckets too) whose key or value holds needle.
func occurrences(t *testing.T, path string, needle string) []string {
	t.Helper()
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var found []string
	var walk func(name string, b *bbolt.Bucket) error
	walk = func(name string, b *bbolt.Bucket) error {
		return b.ForEach(func(k, v []byte) error {
			if bytes.Contains(k, []byte(needle)) {
				found = append(found, name+": key")
			}
			if v == nil {
				return walk(name+"/"+string(k), b.Bucket(k))
			}
			if bytes.Contains(v, []byte(needle)) {
				found = append(found, name+": value")
			}
			return nil
		})
	}
	err = db.View(func(tx *bbolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bbolt.Bucket) error { return walk(string(name), b) })
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

func person(id, chat, userID, name, text string) bot.Event {
	ev := msg(id, chat, text)
	ev.From = bot.Sender{ID: userID, Name: name}
	return ev
}

// Erasure leaves nothing of the follower's words or identity in the file,
// except in a confirmed safety case, which keeps the report under a
// pseudonym; another follower's data stays, and so do the figures.
func TestActions_EraseFollower(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 5, 10, 8, 7, 0, 0, time.UTC)}
	a := newAdapter("fake")
	h := startEngineAt(t, clk, a)
	ctx := context.Background()
	gone := bot.FollowerKey{Platform: "fake", UserID: "uid-4711"}
	kept := bot.FollowerKey{Platform: "fake", UserID: "uid-8800"}
	err := h.engine.Accept(ctx, []bot.Event{
		person("m1", "chat-4711", gone.UserID, "Parvaneh", "the syrup gave me a rash zebra"),
		person("m2", "chat-4711", gone.UserID, "Parvaneh", "this is bad quokka"),
		person("m3", "chat-8800", kept.UserID, "Dariush", "this is bad narwhal"),
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the replies", func() bool { return len(a.delivered()) == 3 })
	acts := h.engine.Actions()
	k := bot.ThreadKey{Platform: "fake", Account: "test", Chat: "chat-4711"}
	var seq uint64
	h.view(t, func(tx bot.Tx) error {
		msgs, err := tx.Messages(k, 0, 0)
		for _, m := range msgs {
			if m.PlatformID == "m2" {
				seq = m.Seq
			}
		}
		return err
	})
	if err := acts.CorrectSentiment(ctx, moderator, k, seq, bot.SentimentNeutral); err != nil {
		t.Fatal(err)
	}

	// A crisis alert listed the thread.
	err = h.db.Update(ctx, func(tx bot.Tx) error {
		return tx.AddAlert(&bot.Alert{Platform: "fake", Status: bot.AlertActive, Threads: []bot.ThreadKey{k,
			{Platform: "fake", Account: "test", Chat: "chat-8800"}}})
	})
	if err != nil {
		t.Fatal(err)
	}

	x, err := acts.ExportFollower(ctx, admin, gone)
	if err != nil {
		t.Fatal(err)
	}
	if x.Follower == nil || x.Follower.Name != "Parvaneh" || len(x.Threads) != 1 || len(x.Threads[0].Messages) != 4 ||
		len(x.Threads[0].Labels) != 1 || len(x.Sentiment) != 2 || len(x.Flags) != 2 || len(x.Cases) != 1 || len(x.Outbox) != 2 {
		js, _ := json.MarshalIndent(x, "", " ")
		t.Errorf("export: %s", js)
	}
	if _, err := acts.ExportFollower(ctx, moderator, gone); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("a moderator's export: %v, want forbidden", err)
	}
	if _, err := acts.ExportFollower(ctx, admin, bot.FollowerKey{Platform: "fake", UserID: "nobody"}); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("export of an unknown follower: %v, want not found", err)
	}

	// An open case is not erased before the safety team decides it.
	if _, err := acts.EraseFollower(ctx, admin, gone, ""); bot.ErrorCode(err) != bot.ECONFLICT {
		t.Fatalf("erasure with an open case: %v, want conflict", err)
	}
	if _, err := acts.EraseFollower(ctx, moderator, gone, ""); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Fatalf("a moderator's erasure: %v, want forbidden", err)
	}
	caseID := x.Cases[0].ID
	if err := acts.ConfirmCase(ctx, safety, caseID, ""); err != nil {
		t.Fatal(err)
	}
	res, err := acts.EraseFollower(ctx, admin, gone, "request by email 12 May")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.CasesKept) != 1 || res.CasesKept[0] != caseID || res.Note == "" || !strings.HasPrefix(res.Pseudonym, "fake:anon-") ||
		res.Messages != 4 || res.Flags != 2 || res.Outbox != 2 || res.Labels != 1 || res.Sentiment != 2 {
		t.Errorf("result: %+v", res)
	}
	again, err := acts.EraseFollower(ctx, admin, gone, "")
	if err != nil || again.Pseudonym != res.Pseudonym {
		t.Errorf("a second erasure: %+v, %v; want the same pseudonym", again, err)
	}
	var c *bot.Case
	h.view(t, func(tx bot.Tx) error {
		c, err = tx.Case(caseID)
		if err != nil {
			return err
		}
		from := time.Date(2026, 5, 10, 8, 0, 0, 0, time.UTC)
		bs, err := tx.SentimentSeries("fake", from, from.Add(time.Hour), bot.StepHour)
		if err == nil && (bs[0].Volume != 1 || bs[0].Negative != 1 || bs[0].Neutral != 0) {
			t.Errorf("series after erasure: %+v, want only the other follower's negative", bs[0])
		}
		return err
	})
	if !c.Pseudonymized || c.Follower.String() != res.Pseudonym || c.FollowerName != "" || c.Text == "" || strings.Contains(c.Thread.Chat, "4711") {
		t.Errorf("kept case: %+v", *c)
	}
	for _, e := range auditLog(t, h) {
		if e.Action == "follower.erase" && (strings.Contains(e.Target+e.Before+e.After+e.Note, "4711") || e.Target != "follower:"+res.Pseudonym) {
			t.Errorf("erasure audit entry names the follower: %+v", e)
		}
	}

	h.stop()
	for _, tc := range []struct {
		needle string
		want   []string
	}{
		{"quokka", nil},
		{"zebra", []string{"cases: value"}},
		{"Parvaneh", nil},
		// The audit log keeps the targets of staff actions on threads,
		// which name the chat; the follower's own id is nowhere.
		{gone.UserID, nil},
		// The other follower's data is all there: the scan sees text.
		{"narwhal", []string{"flags: value", "messages: value", "messages: value"}},
		{kept.UserID, nil},
		// The private chat's id is left only in the audit log, as the
		// target of the moderator's correction in it.
		{"chat-4711", []string{"audit: value"}},
	} {
		got := occurrences(t, h.path, tc.needle)
		if tc.needle == kept.UserID {
			if len(got) == 0 {
				t.Errorf("%q is nowhere: the scan is blind", tc.needle)
			}
			continue
		}
		if strings.Join(got, ", ") != strings.Join(tc.want, ", ") {
			t.Errorf("%q found in %v, want %v", tc.needle, got, tc.want)
		}
	}
}

// A dismissed case is no legal record: erasure removes it with the rest,
// and the follower's text is then nowhere in the file.
func TestActions_EraseFollower_DismissedCase(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 5, 10, 8, 7, 0, 0, time.UTC)}
	a := newAdapter("fake")
	h := startEngineAt(t, clk, a)
	ctx := context.Background()
	gone := bot.FollowerKey{Platform: "fake", UserID: "uid-5150"}
	if err := h.engine.Accept(ctx, []bot.Event{person("m1", "chat-5150", gone.UserID, "Golnar", "a rash from the syrup, yak")}, nil); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the reply", func() bool { return len(a.delivered()) == 1 })
	acts := h.engine.Actions()
	cases, err := acts.Cases(ctx, safety, bot.CaseFilter{Follower: &gone})
	if err != nil || len(cases) != 1 {
		t.Fatalf("cases %v, %v", cases, err)
	}
	if err := acts.DismissCase(ctx, safety, cases[0].ID, "a joke, no product taken"); err != nil {
		t.Fatal(err)
	}
	res, err := acts.EraseFollower(ctx, admin, gone, "")
	if err != nil {
		t.Fatal(err)
	}
	if res.CasesDeleted != 1 || len(res.CasesKept) != 0 || res.Note != "" {
		t.Errorf("result %+v: want the dismissed case deleted, nothing kept", res)
	}
	h.stop()
	for _, needle := range []string{"yak", "Golnar", gone.UserID} {
		if got := occurrences(t, h.path, needle); len(got) != 0 {
			t.Errorf("%q still in %v", needle, got)
		}
	}
}

// A reply still waiting to be sent (here for a rate limit) is failed and
// scrubbed by erasure, and never sent afterwards.
func TestActions_EraseFollower_PendingReply(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 5, 10, 8, 7, 0, 0, time.UTC)}
	a := newAdapter("fake")
	a.failNext(&bot.SendError{Kind: bot.SendRateLimited, RetryAfter: time.Hour})
	h := startEngineAt(t, clk, a)
	ctx := context.Background()
	gone := bot.FollowerKey{Platform: "fake", UserID: "uid-6060"}
	if err := h.engine.Accept(ctx, []bot.Event{person("m1", "chat-6060", gone.UserID, "Shirin", "hello ibex")}, nil); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the rate-limited attempt", func() bool { return len(a.attempts()) == 1 })
	var id uint64
	waitUntil(t, "the reply back to pending", func() bool {
		var pending []*bot.Outbound
		h.view(t, func(tx bot.Tx) (err error) {
			pending, err = tx.Outbox(bot.OutPending, 0, 0)
			return err
		})
		if len(pending) == 1 {
			id = pending[0].ID
		}
		return len(pending) == 1
	})
	if _, err := h.engine.Actions().EraseFollower(ctx, admin, gone, ""); err != nil {
		t.Fatal(err)
	}
	h.view(t, func(tx bot.Tx) error {
		o, err := tx.Outbound(id)
		if err == nil && (o.State != bot.OutFailed || o.Text != "" || o.Recipient == gone.UserID) {
			t.Errorf("the pending reply after erasure: %+v", *o)
		}
		return err
	})
	clk.set(clk.now().Add(2 * time.Hour))
	if err := h.engine.Accept(ctx, []bot.Event{msg("m2", "c2", "hello")}, nil); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the other follower's reply", func() bool { return len(a.delivered()) == 1 })
	for _, s := range a.attempts()[1:] {
		if s.o.ID == id {
			t.Errorf("the erased follower's reply was sent: %+v", s.o)
		}
	}
}

// In a group, erasure takes the follower's messages, the replies to them
// and the flags about them (a failed delivery's flag names no follower,
// only the message it answered), and leaves the others' part.
func TestActions_EraseFollower_Group(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 5, 10, 8, 7, 0, 0, time.UTC)}
	a := newAdapter("fake")
	h := startEngineAt(t, clk, a)
	ctx := context.Background()
	gone := bot.FollowerKey{Platform: "fake", UserID: "uid-7070"}
	in := func(id, userID, name, text string) bot.Event {
		ev := person(id, "group-1", userID, name, text)
		ev.ChatType = bot.ChatGroup
		return ev
	}
	if err := h.engine.Accept(ctx, []bot.Event{in("m1", "uid-9090", "Bahram", "this is bad heron")}, nil); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the first reply", func() bool { return len(a.attempts()) == 1 })
	a.failNext(&bot.SendError{Kind: bot.SendPermanent, Err: errors.New("blocked")})
	if err := h.engine.Accept(ctx, []bot.Event{in("m2", gone.UserID, "Roya", "this is bad okapi")}, nil); err != nil {
		t.Fatal(err)
	}
	k := bot.ThreadKey{Platform: "fake", Account: "test", Chat: "group-1"}
	waitUntil(t, "the failed delivery's flag", func() bool {
		var n int
		h.view(t, func(tx bot.Tx) error {
			flags, err := tx.Flags(bot.FlagFilter{Thread: &k})
			for _, f := range flags {
				if f.Reason == "delivery_failed" {
					n++
				}
			}
			return err
		})
		return n == 1
	})
	res, err := h.engine.Actions().EraseFollower(ctx, admin, gone, "")
	if err != nil {
		t.Fatal(err)
	}
	if res.Threads != 1 || res.Messages != 2 || res.Flags != 2 {
		t.Errorf("result %+v: want the group, their message and its reply, their complaint flag and the delivery flag", res)
	}
	h.stop()
	for _, tc := range []struct {
		needle string
		want   int
	}{
		{"okapi", 0}, {"Roya", 0}, {gone.UserID, 0},
		{"heron", 3}, // the other's message, the reply to it, their flag
	} {
		if got := occurrences(t, h.path, tc.needle); len(got) != tc.want {
			t.Errorf("%q found in %v, want %d places", tc.needle, got, tc.want)
		}
	}
}

package bot_test

import (
	"context"
	"testing"
	"time"

	"engagebot/bot"
)

// A moderator corrects a message's label: the message and its record keep
// the machine's, the series counts the person's, and it is audited.
func TestActions_CorrectSentiment(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 5, 10, 8, 7, 0, 0, time.UTC)}
	a := newAdapter("fake")
	h := startEngineAt(t, clk, a)
	ctx := context.Background()
	k := bot.ThreadKey{Platform: "fake", Account: "test", Chat: "c1"}
	if err := h.engine.Accept(ctx, []bot.Event{msg("m1", "c1", "this is bad, ha ha")}, nil); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the reply", func() bool { return len(a.delivered()) == 1 })
	var in, out uint64
	h.view(t, func(tx bot.Tx) error {
		msgs, err := tx.Messages(k, 0, 0)
		for _, m := range msgs {
			if m.Direction == bot.DirIn {
				in = m.Seq
			} else {
				out = m.Seq
			}
		}
		return err
	})
	series := func() (pos, neg int) {
		h.view(t, func(tx bot.Tx) error {
			from := time.Date(2026, 5, 10, 8, 0, 0, 0, time.UTC)
			bs, err := tx.SentimentSeries("fake", from, from.Add(time.Hour), bot.StepHour)
			if err == nil {
				pos, neg = bs[0].Positive, bs[0].Negative
			}
			return err
		})
		return pos, neg
	}
	if pos, neg := series(); pos != 0 || neg != 1 {
		t.Fatalf("series before: pos %d neg %d, want the machine's negative", pos, neg)
	}
	acts := h.engine.Actions()
	for i, tc := range []struct {
		actor bot.Actor
		seq   uint64
		label string
		code  string
	}{
		{viewer, in, bot.SentimentPositive, bot.EFORBIDDEN},
		{moderator, in, "happy", bot.EINVALID},
		{moderator, out, bot.SentimentPositive, bot.EINVALID},
		{moderator, out + 10, bot.SentimentPositive, bot.ENOTFOUND},
		{moderator, in, bot.SentimentPositive, ""},
	} {
		if got := bot.ErrorCode(acts.CorrectSentiment(ctx, tc.actor, k, tc.seq, tc.label)); got != tc.code && !(tc.code == "" && got == "") {
			t.Errorf("%d: code %q, want %q", i, got, tc.code)
		}
	}
	if pos, neg := series(); pos != 1 || neg != 0 {
		t.Errorf("series after the override: pos %d neg %d, want the person's positive", pos, neg)
	}
	h.view(t, func(tx bot.Tx) error {
		labels, err := tx.Labels(k)
		if err != nil {
			return err
		}
		if len(labels) != 1 || labels[0].Label != bot.SentimentPositive || labels[0].Machine.Label != bot.SentimentNegative || labels[0].By != "sara" {
			t.Errorf("labels: %+v", labels)
		}
		msgs, err := tx.Messages(k, in-1, 1)
		if err == nil && msgs[0].Analysis.Sentiment.Label != bot.SentimentNegative {
			t.Errorf("the message's machine label became %q", msgs[0].Analysis.Sentiment.Label)
		}
		return err
	})
	byMsg, err := acts.Labels(ctx, viewer, k)
	if err != nil || len(byMsg) != 1 || byMsg[in] == nil || byMsg[in].Label != bot.SentimentPositive {
		t.Errorf("Labels for a viewer: %v, %v; want the override of message %d", byMsg, err, in)
	}
	if _, err := acts.Labels(ctx, bot.Actor{Name: "x"}, k); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("Labels without a role: %v, want forbidden", err)
	}
	log := auditLog(t, h)
	if len(log) != 1 || log[0].Action != "sentiment.correct" || log[0].Before != `{"by":"machine","label":"neg"}` || log[0].After != `{"by":"sara","label":"pos"}` {
		t.Errorf("audit log: %+v", log)
	}
}

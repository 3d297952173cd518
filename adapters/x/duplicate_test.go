package x_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"engagebot/adapters/x"
	"engagebot/adapters/x/xtest"
	"engagebot/bot"
)

// answer is the one reply every follower asking the same question gets.
const answer = "سلام! این دارو را می‌توانید از داروخانه‌های معتبر تهیه کنید. Thanks for asking."

// TestSameAnswerToFortyFollowers: X refuses a text the account posted
// lately, so the second and later followers' replies must be varied, and
// all 40 get theirs, each to the right post or person.
func TestSameAnswerToFortyFollowers(t *testing.T) {
	for _, surface := range []string{"mention", "dm"} {
		t.Run(surface, func(t *testing.T) {
			e := newEnv(t, nil, nil, xtest.WithLimit("tweets", 1000, 15*time.Minute), xtest.WithLimit("dm", 1000, 15*time.Minute))
			type asked struct{ target, text string }
			var want []asked
			for i := range 40 {
				var o *bot.Outbound
				if surface == "mention" {
					ev := mention(t, e, fmt.Sprintf("@brand where can I buy it? (%d)", i))
					o = replyOutbound(ev, uint64(100+i), answer)
					want = append(want, asked{target: ev.ID})
				} else {
					_, id, from := e.fake.DMBody(xtest.DM{Text: "where can I buy it?"})
					o = &bot.Outbound{ID: uint64(100 + i), Chat: from, ChatType: bot.ChatPrivate, Kind: bot.OutReply, ReplyTo: id, Recipient: from, Text: answer}
					want = append(want, asked{target: from})
				}
				if _, err := e.a.Send(context.Background(), o); err != nil {
					t.Fatalf("follower %d: %v", i, err)
				}
			}
			sent := e.fake.Sent()
			if len(sent) != 40 {
				t.Fatalf("the fake created %d, want 40", len(sent))
			}
			texts := map[string]bool{}
			for i, s := range sent {
				target := s.InReplyTo
				if surface == "dm" {
					target = s.Participant
				}
				if target != want[i].target {
					t.Errorf("reply %d went to %s, want %s", i, target, want[i].target)
				}
				if !strings.HasPrefix(s.Text, answer) {
					t.Errorf("reply %d = %q, want the answer itself", i, s.Text)
				}
				if texts[s.Text] {
					t.Errorf("reply %d repeats %q", i, s.Text)
				}
				texts[s.Text] = true
			}
			if sent[0].Text != answer {
				t.Errorf("the first reply was changed to %q though nothing refused it", sent[0].Text)
			}
			refused := 0
			for _, r := range e.fake.Requests() {
				if r.Status == 403 {
					refused++
				}
			}
			if refused != 39 {
				t.Errorf("X refused %d sends, want 39 (each later follower's first try)", refused)
			}
		})
	}
}

// TestDuplicateTwiceIsPermanent: when the varied text is refused as well,
// the item fails for good with the reason a person will see.
func TestDuplicateTwiceIsPermanent(t *testing.T) {
	e := newEnv(t, nil, nil)
	for i, tc := range []struct {
		id      uint64
		wantErr bool
	}{
		{5, false}, // the answer itself
		{6, false}, // refused, then varied with ref 6
		{6, true},  // the same item again: both texts were used lately
	} {
		ev := mention(t, e, fmt.Sprintf("@brand price? %d", i))
		_, err := e.a.Send(context.Background(), replyOutbound(ev, tc.id, answer))
		if !tc.wantErr {
			if err != nil {
				t.Fatalf("%d: %v", i, err)
			}
			continue
		}
		se := sendErr(t, err)
		if se.Kind != bot.SendPermanent || se.Code != "duplicate_content" {
			t.Fatalf("%d: %v (kind %v, code %q), want permanent duplicate_content", i, err, se.Kind, se.Code)
		}
	}
	if n := len(e.fake.Sent()); n != 2 {
		t.Errorf("the fake created %d posts, want 2", n)
	}
}

// TestDuplicateVariantFitsTheLimit: an answer of exactly the longest post
// is shortened so that the reference still fits, counted as X counts.
func TestDuplicateVariantFitsTheLimit(t *testing.T) {
	for _, counting := range []string{"weighted", "characters"} {
		t.Run(counting, func(t *testing.T) {
			e := newEnv(t, nil, func(c *x.Config) { c.Counting = counting; c.MaxTweetLength = 200 })
			full := strings.Repeat("پاسخ ", 40) // 200 either way
			full = strings.TrimSpace(full) + "!"
			if n := x.Length(full, counting); n != 200 {
				t.Fatalf("setup: the answer is %d long, want 200", n)
			}
			for i := range 2 {
				ev := mention(t, e, fmt.Sprintf("@brand hello %d", i))
				if _, err := e.a.Send(context.Background(), replyOutbound(ev, uint64(40+i), full)); err != nil {
					t.Fatalf("follower %d: %v", i, err)
				}
			}
			sent := e.fake.Sent()
			if len(sent) != 2 {
				t.Fatalf("the fake created %d posts, want 2", len(sent))
			}
			v := sent[1].Text
			if n := x.Length(v, counting); n > 200 {
				t.Errorf("varied reply is %d long, over 200: %q", n, v)
			}
			if !strings.HasSuffix(v, "(ref 15)") || !strings.Contains(v, "…") {
				t.Errorf("varied reply %q: want the answer shortened with … and ending with the reference", v)
			}
		})
	}
}

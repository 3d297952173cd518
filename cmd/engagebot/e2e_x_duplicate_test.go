package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"engagebot/adapters/x/xtest"
	"engagebot/internal/wait"
)

// TestX_SameQuestionFromFortyFollowers: forty followers ask the same
// question, the templates give each the same answer, and X refuses every
// repeat as duplicate content; each follower still gets a reply, under
// their own post, and none is left failed.
func TestX_SameQuestionFromFortyFollowers(t *testing.T) {
	const followers = 40
	fake := newXFake(t, xtest.WithLimit("tweets", 1000, 15*time.Minute))
	p, hook := startX(t, fake, "consumer-secret", "    send_rate: 6000/m\n    send_burst: 40\n")
	asked := map[string]bool{}
	for i := range followers {
		body, tw := fake.MentionBody(xtest.Mention{Username: fmt.Sprintf("follower%02d", i), Text: "@brand where can I buy your vitamin D?"})
		asked[tw.ID] = true
		if st := fake.Post(hook, body); st != http.StatusOK {
			t.Fatalf("mention %d answered %d", i, st)
		}
	}
	wait.For(t, 60*time.Second, "every follower answered", func() bool { return len(sentX(fake, "tweet")) >= followers })
	p.WaitIdle(20 * time.Second)
	texts := map[string]bool{}
	for _, r := range sentX(fake, "tweet") {
		if !asked[r.InReplyTo] {
			t.Errorf("reply %s to %s: not one of the questions, or a second reply", r.ID, r.InReplyTo)
		}
		delete(asked, r.InReplyTo)
		texts[r.Text] = true
	}
	if len(asked) != 0 {
		t.Errorf("%d followers got no reply\n%s", len(asked), p.Logs())
	}
	refused := 0
	for _, r := range fake.Requests() {
		if r.Kind == "tweet" && r.Status == http.StatusForbidden {
			refused++
		}
	}
	if refused == 0 || len(texts) != followers {
		t.Errorf("%d refusals, %d distinct texts: want X to have refused repeats and %d distinct replies", refused, len(texts), followers)
	}
	_, metrics := p.Get("/metrics")
	for _, line := range strings.Split(metrics, "\n") {
		if strings.HasPrefix(line, "engagebot_send_failures_total{") && strings.Contains(line, `kind="permanent"`) && !strings.HasSuffix(line, " 0") {
			t.Errorf("permanent send failures: %s", line)
		}
	}
}

package xtest_test

import (
	"encoding/json"
	"testing"
	"time"

	"engagebot/adapters/x/xtest"
)

// TestFakeRefusesDuplicateContent: a text the account created lately is
// refused with X's 403 problem body, a different one is not, and the same
// one is accepted again once the window has passed.
func TestFakeRefusesDuplicateContent(t *testing.T) {
	now := time.Now()
	s := xtest.NewServer(t, xtest.WithClock(func() time.Time { return now }), xtest.WithDuplicateWindow(time.Hour))
	c := signedClient("consumer-secret", "access-secret")
	dm := "/2/dm_conversations/with/1600000000000000003/messages"
	for i, tc := range []struct {
		advance    time.Duration
		path, body string
		status     int
		detail     string
	}{
		{0, "/2/tweets", `{"text":"same answer"}`, 201, ""},
		{0, "/2/tweets", `{"text":"same answer"}`, 403, xtest.DuplicateTweet},
		{0, "/2/tweets", `{"text":"other answer"}`, 201, ""},
		{0, dm, `{"text":"same answer"}`, 201, ""}, // DMs and posts are apart
		{0, "/2/dm_conversations/with/1600000000000000004/messages", `{"text":"same answer"}`, 403, xtest.DuplicateDM},
		{61 * time.Minute, "/2/tweets", `{"text":"same answer"}`, 201, ""},
	} {
		now = now.Add(tc.advance)
		st, body := do(t, c, "POST", s.URL+tc.path, tc.body)
		if st != tc.status {
			t.Fatalf("%d: status %d (%s), want %d", i, st, body, tc.status)
		}
		if tc.detail == "" {
			continue
		}
		var p struct {
			Type, Title, Detail string
			Status              int
		}
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			t.Fatalf("%d: %v: %s", i, err, body)
		}
		if p.Type != "about:blank" || p.Title != "Forbidden" || p.Detail != tc.detail || p.Status != 403 {
			t.Errorf("%d: body %s, want X's duplicate-content problem", i, body)
		}
	}
}

package xtest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/dghubble/oauth1"

	"engagebot/adapters/x/xtest"
	"engagebot/internal/testenv"
)

const specPath = "../../../../shared/specs/x-api-v2-openapi.json"

// quietTB records the fake's cleanup complaints instead of failing.
type quietTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (q *quietTB) Errorf(format string, args ...any) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.errs = append(q.errs, fmt.Sprintf(format, args...))
}

func signedClient(consumerSecret, tokenSecret string) *http.Client {
	return oauth1.NewConfig("consumer-key", consumerSecret).Client(context.Background(), oauth1.NewToken("access-token", tokenSecret))
}

func do(t *testing.T, c *http.Client, method, url, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestFakeEnforcesTheContract(t *testing.T) {
	_, err := os.Stat(specPath)
	testenv.Need(t, "X's OpenAPI document", err)
	q := &quietTB{TB: t}
	s := xtest.NewServer(q, xtest.WithSpec(specPath))
	if !s.Validating() {
		t.Fatal("not validating")
	}
	good := signedClient("consumer-secret", "access-secret")
	for i, tc := range []struct {
		client       *http.Client
		method, path string
		body         string
		status       int
		violation    bool
	}{
		{good, "POST", "/2/tweets", `{"text":"hello"}`, 201, false},
		{good, "POST", "/2/tweets", `{"text":"hello again","colour":"red"}`, 400, true},
		{good, "POST", "/2/tweets", `{"text":"x","reply":{"in_reply_to_tweet_id":"abc"}}`, 400, true},
		{good, "POST", "/2/tweets", `{"text":"x","reply":{"in_reply_to_tweet_id":"123"}}`, 403, false},
		{good, "POST", "/2/dm_conversations/with/1600000000000000003/messages", `{}`, 400, true},
		{good, "POST", "/2/dm_conversations/with/1600000000000000003/messages", `{"text":"hi"}`, 201, false},
		{good, "GET", "/2/users/1500000000000000001/mentions?max_results=500", ``, 400, true},
		{good, "POST", "/1.1/statuses/update.json", ``, 403, true},
		{signedClient("consumer-secret", "wrong"), "POST", "/2/tweets", `{"text":"sneaky"}`, 401, false},
		{http.DefaultClient, "POST", "/2/tweets", `{"text":"anon"}`, 401, false},
	} {
		before := len(s.Violations())
		st, body := do(t, tc.client, tc.method, s.URL+tc.path, tc.body)
		if st != tc.status {
			t.Errorf("%d: %s %s: status %d (%s), want %d", i, tc.method, tc.path, st, body, tc.status)
		}
		if got := len(s.Violations()) > before; got != tc.violation {
			t.Errorf("%d: violation recorded = %v, want %v (%v)", i, got, tc.violation, s.Violations())
		}
	}
}

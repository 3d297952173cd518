package x_test

import (
	"strings"
	"testing"

	"engagebot/adapters/x"
	"engagebot/bot"
)

func TestCheckPost(t *testing.T) {
	for i, tc := range []struct {
		counting string
		limit    int
		c        bot.PostContent
		ok       bool
	}{
		{"weighted", 280, bot.PostContent{Text: strings.Repeat("a", 280)}, true},
		{"weighted", 280, bot.PostContent{Text: strings.Repeat("a", 281)}, false},
		// CJK counts two under weighted counting, one under characters.
		{"weighted", 280, bot.PostContent{Text: strings.Repeat("界", 141)}, false},
		{"characters", 280, bot.PostContent{Text: strings.Repeat("界", 141)}, true},
		// Persian counts one.
		{"weighted", 280, bot.PostContent{Text: strings.Repeat("س", 280)}, true},
		// The image goes as a link of 23 after a new line.
		{"weighted", 280, bot.PostContent{Text: strings.Repeat("a", 256), ImageURL: "https://cdn.example/very/long/path/image.jpg"}, true},
		{"weighted", 280, bot.PostContent{Text: strings.Repeat("a", 257), ImageURL: "https://cdn.example/i.jpg"}, false},
		{"weighted", 100, bot.PostContent{Text: strings.Repeat("a", 101)}, false},
	} {
		e := newEnv(t, nil, func(c *x.Config) { c.Counting, c.MaxTweetLength = tc.counting, tc.limit })
		err := e.a.CheckPost(tc.c)
		if (err == nil) != tc.ok {
			t.Errorf("%d: CheckPost = %v, want ok %v", i, err, tc.ok)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "text: ") {
			t.Errorf("%d: %q does not name the field", i, err)
		}
	}
	e := newEnv(t, nil, nil)
	if got := e.a.PostURL("", "1600000000000000001"); got != "https://x.com/i/web/status/1600000000000000001" {
		t.Errorf("PostURL = %q", got)
	}
}

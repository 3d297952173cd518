package x_test

import (
	"context"
	"strings"
	"testing"
	"time"

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

// TestFindPost: a post is found among the account's own recent posts by
// its text (with its image link after it), and nothing else is.
func TestFindPost(t *testing.T) {
	e := newEnv(t, nil, nil)
	ctx := context.Background()
	since := time.Now().Add(-time.Minute)
	d1, err := e.a.Send(ctx, &bot.Outbound{ID: 1, Kind: bot.OutPost, Text: "flu season: wash your hands"})
	if err != nil {
		t.Fatal(err)
	}
	d2, err := e.a.Send(ctx, &bot.Outbound{ID: 2, Kind: bot.OutPost, Text: "new syrup", MediaURL: "https://brand.example/media/a.jpg"})
	if err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct {
		text  string
		since time.Time
		want  string
	}{
		{"flu season: wash your hands", since, d1.PlatformID},
		{"new syrup", since, d2.PlatformID},
		{"flu season", since, ""},
		{"never posted", since, ""},
		{"flu season: wash your hands", time.Now().Add(time.Hour), ""},
	} {
		got, err := e.a.FindPost(ctx, "", tc.text, tc.since)
		if err != nil || got != tc.want {
			t.Errorf("%d: FindPost(%q) = %q, %v; want %q", i, tc.text, got, err, tc.want)
		}
	}
	if v := e.fake.Violations(); len(v) != 0 {
		t.Errorf("the fake saw %v", v)
	}
}

package meta_test

import (
	"context"
	"testing"
	"time"

	"engagebot/bot"
)

// TestFindPost: a published post is found among the account's recent
// ones by its text (a Page post, a Page photo, an Instagram caption), and
// nothing else is; a Page post has a link, Instagram media none. The
// lists are reads: the fake counts two sends a post on Instagram
// (container and publish), one on a Page.
func TestFindPost(t *testing.T) {
	ctx := context.Background()
	since := time.Now().Add(-time.Minute)
	for _, platform := range []string{bot.PlatformFacebook, bot.PlatformInstagram} {
		e := newEnv(t, platform, nil, nil)
		posts := []*bot.Outbound{
			{ID: 1, Kind: bot.OutPost, Text: "flu season: wash your hands", MediaURL: "https://brand.example/media/a.jpg"},
			{ID: 2, Kind: bot.OutPost, Text: "new syrup", MediaURL: "https://brand.example/media/b.jpg"},
		}
		if platform == bot.PlatformFacebook {
			posts[0].MediaURL = "" // a feed post; the other a photo
		}
		var ids []string
		for _, o := range posts {
			d, err := e.a.Send(ctx, o)
			if err != nil {
				t.Fatalf("%s: %v", platform, err)
			}
			ids = append(ids, d.PlatformID)
		}
		for i, tc := range []struct {
			text  string
			since time.Time
			want  string
		}{
			{"flu season: wash your hands", since, ids[0]},
			{"new syrup", since, ids[1]},
			{"flu season", since, ""},
			{"new syrup", time.Now().Add(time.Hour), ""},
		} {
			got, err := e.a.FindPost(ctx, "", tc.text, tc.since)
			if err != nil || got != tc.want {
				t.Errorf("%s %d: FindPost(%q) = %q, %v; want %q", platform, i, tc.text, got, err, tc.want)
			}
		}
		link := e.a.PostURL("", ids[0])
		if (platform == bot.PlatformFacebook) != (link == "https://www.facebook.com/"+ids[0]) {
			t.Errorf("%s: PostURL = %q", platform, link)
		}
		if n := len(e.fake.Sent()); n != 4 && platform == bot.PlatformInstagram || n != 2 && platform == bot.PlatformFacebook {
			t.Errorf("%s: the fake counts %d sends; the lists are reads", platform, n)
		}
	}
}

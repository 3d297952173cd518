package x

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"engagebot/bot"
)

// Interface guards.
var (
	_ bot.PostChecker = (*Adapter)(nil)
	_ bot.PostLinker  = (*Adapter)(nil)
	_ bot.PostFinder  = (*Adapter)(nil)
)

// CheckPost refuses a scheduled post that does not fit one post under the
// account's limit and counting, so it is refused when it is made: a
// scheduled post is one post, never a thread or a shortened text.
func (a *Adapter) CheckPost(c bot.PostContent) error {
	text := c.Text
	if c.ImageURL != "" {
		text += "\n" + c.ImageURL // the link shows the image
	}
	if n := Length(text, a.cfg.Counting); n > a.cfg.MaxTweetLength {
		return fmt.Errorf("text: %d characters as X counts them, over the limit of %d: give an x variant", n, a.cfg.MaxTweetLength)
	}
	return nil
}

// PostURL is a post's public link; X finds the author from the id.
func (a *Adapter) PostURL(_, id string) string { return "https://x.com/i/web/status/" + id }

// FindPost looks for a post of this text among the account's posts since
// the given time (GET /2/users/{id}/tweets, the newest 100): a publish
// whose outcome is unknown is settled by what X shows, never by posting
// again. A post with an image carries its link after a new line, which X
// shows as a t.co link, so the text is matched up to there.
func (a *Adapter) FindPost(ctx context.Context, _, text string, since time.Time) (string, error) {
	q := url.Values{"max_results": {"100"}, "start_time": {since.UTC().Format(time.RFC3339)}}
	var res struct {
		Data []struct {
			ID   string `json:"id"`
			Text string `json:"text"`
		} `json:"data"`
	}
	path := "/2/users/" + url.PathEscape(a.cfg.UserID) + "/tweets"
	if err := a.call(ctx, famTimeline, "GET", path, q, nil, &res); err != nil {
		return "", err
	}
	for _, t := range res.Data {
		if t.Text == text || strings.HasPrefix(t.Text, text+"\n") {
			return t.ID, nil
		}
	}
	return "", nil
}

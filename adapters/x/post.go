package x

import (
	"fmt"

	"engagebot/bot"
)

// Interface guards.
var (
	_ bot.PostChecker = (*Adapter)(nil)
	_ bot.PostLinker  = (*Adapter)(nil)
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

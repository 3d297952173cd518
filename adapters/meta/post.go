package meta

import (
	"context"
	"strconv"
	"time"

	"engagebot/bot"
)

// Interface guards.
var (
	_ bot.PostLinker = (*Adapter)(nil)
	_ bot.PostFinder = (*Adapter)(nil)
)

// PostURL is a post's public link where the id alone makes one: a Page
// post's id is "<page id>_<post id>", which facebook.com opens. An
// Instagram media id has no link without another Graph call for its
// permalink, so it has none here.
func (a *Adapter) PostURL(_, id string) string {
	if a.platform != bot.PlatformFacebook || id == "" {
		return ""
	}
	return "https://www.facebook.com/" + id
}

// FindPost looks for a post of this text among the account's recent ones
// (a Page's feed, an Instagram account's media, the newest 100), so a
// publish whose outcome is unknown is settled by what Meta shows, never
// by publishing again. An Instagram post is its caption.
func (a *Adapter) FindPost(ctx context.Context, _, text string, since time.Time) (string, error) {
	edge, field, stamp := "feed", "message", "created_time"
	q := map[string]string{"limit": "100", "since": strconv.FormatInt(since.Unix(), 10)}
	if a.platform == bot.PlatformInstagram {
		edge, field, stamp = "media", "caption", "timestamp"
	}
	q["fields"] = "id," + field + "," + stamp
	var res struct {
		Data []map[string]string `json:"data"`
	}
	if err := a.call(ctx, "GET", a.accountPath()+"/"+edge, q, nil, &res); err != nil {
		return "", err
	}
	for _, p := range res.Data {
		at, err := time.Parse("2006-01-02T15:04:05-0700", p[stamp])
		if p[field] == text && (err != nil || !at.Before(since.Truncate(time.Second))) {
			return p["id"], nil
		}
	}
	return "", nil
}

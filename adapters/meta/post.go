package meta

import (
	"engagebot/bot"
)

var _ bot.PostLinker = (*Adapter)(nil)

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

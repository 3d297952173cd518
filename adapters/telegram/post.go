package telegram

import (
	"strings"

	"engagebot/bot"
)

var _ bot.PostLinker = (*Adapter)(nil)

// PostURL is a channel post's public link: only a public channel, named
// @name, has one. The Bot API cannot list a channel's recent posts, so
// this adapter is no bot.PostFinder: a channel post whose outcome is
// unknown waits for a person.
func (a *Adapter) PostURL(chat, id string) string {
	name, ok := strings.CutPrefix(chat, "@")
	if !ok || name == "" || id == "" {
		return ""
	}
	return "https://t.me/" + name + "/" + id
}

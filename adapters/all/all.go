// Package all lists every platform adapter the service can run. Adding a
// platform means a new adapter package and one line here; the core does
// not change.
package all

import (
	"engagebot/adapters/meta"
	"engagebot/adapters/rubika"
	"engagebot/adapters/telegram"
	"engagebot/adapters/webchat"
	"engagebot/adapters/x"
	"engagebot/bot"
)

// Factories returns the factory of every adapter.
func Factories() []bot.Factory {
	return []bot.Factory{
		webchat.Factory,
		meta.Factory,
		x.Factory,
		telegram.Factory,
		rubika.Factory,
	}
}

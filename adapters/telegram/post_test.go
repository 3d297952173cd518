package telegram_test

import (
	"testing"

	"engagebot/adapters/adaptertest"
	"engagebot/adapters/telegram"
	"engagebot/adapters/telegram/telegramtest"
	"engagebot/bot"
)

func TestPostURL(t *testing.T) {
	cfg := telegram.NewConfig()
	cfg.Token, cfg.WebhookSecret = telegramtest.DefaultToken, secret
	a, err := telegram.New("support", cfg, bot.AdapterDeps{Inbox: &adaptertest.Recorder{}})
	if err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct{ chat, id, want string }{
		{"@brand", "77", "https://t.me/brand/77"},
		{"-1001234567890", "77", ""}, // a private channel has no public link
		{"@brand", "", ""},
	} {
		if got := a.PostURL(tc.chat, tc.id); got != tc.want {
			t.Errorf("%d: PostURL(%q, %q) = %q, want %q", i, tc.chat, tc.id, got, tc.want)
		}
	}
}

package config_test

import (
	"strings"
	"testing"
	"time"

	"engagebot/config"
)

func TestAlerts(t *testing.T) {
	env := map[string]string{"TG_TOKEN": "7000001:AAsecretPart_xyz", "TG_CHAT": "-1001234", "HOOK": "https://hooks.example.com/k/SecretKey"}
	getenv := func(k string) string { return env[k] }
	for i, tc := range []struct {
		yaml string
		errs []string // each a line of the error, in order
		want func(a config.Alerts) bool
	}{
		{"", nil, func(a config.Alerts) bool {
			return a.Enabled && a.Interval == time.Minute && a.Weeks == 4 && a.K == 3 && a.MinCount == 10 && a.Lang == "fa" &&
				a.Telegram.APIBase == "https://api.telegram.org"
		}},
		{"alerts:\n  weeks: 8\n  k: 2.5\n  min_count: 20\n  interval: 5m\n  platforms: [telegram, instagram]\n  lang: en\n" +
			"  telegram:\n    token: ${TG_TOKEN}\n    chat: ${TG_CHAT}\n  webhook:\n    url: ${HOOK}\n", nil, func(a config.Alerts) bool {
			return a.Weeks == 8 && a.K == 2.5 && a.MinCount == 20 && a.Interval == 5*time.Minute && len(a.Platforms) == 2 &&
				a.Telegram.Token == env["TG_TOKEN"] && a.Telegram.Chat == "-1001234" && a.Webhook.URL == env["HOOK"]
		}},
		// A chat without its token (the variable not set) is not a
		// mistake: the chat is skipped, like an account with enabled: auto.
		{"alerts:\n  telegram:\n    token: ${UNSET_TOKEN}\n    chat: '@crisis_room'\n", nil, func(a config.Alerts) bool { return a.Telegram.Token == "" }},
		{"alerts:\n  weeks: 0\n  k: -1\n  min_count: 0\n  interval: 1s\n  lang: de\n", []string{
			"alerts.interval: must be at least 10s, got 1s",
			"alerts.weeks: must be between 1 and 52, got 0",
			"alerts.k: must be 0 or more, got -1",
			"alerts.min_count: must be at least 1, got 0",
			`alerts.lang: must be fa or en, got "de"`,
		}, nil},
		{"alerts:\n  platforms: ['telegram.support']\n  telegram:\n    token: not-a-token\n    api_base: ftp://x\n  webhook:\n    url: hooks.example.com\n", []string{
			`alerts.platforms[0]: must be a platform name (telegram, instagram, ...), got "telegram.support"`,
			"alerts.telegram.token: is not a bot token (<bot id>:<secret>)",
			"alerts.telegram.chat: required when telegram.token is set",
			"alerts.telegram.api_base: must be an absolute http(s) URL",
			"alerts.webhook.url: must be an absolute http(s) URL",
		}, nil},
		{"alerts:\n  telegram:\n    chat: friends\n", []string{`alerts.telegram.chat: must be a chat id (a group's is negative) or @channel, got "friends"`}, nil},
		{"alerts:\n  treshold: 3\n", []string{"alerts.treshold"}, nil},
	} {
		c, err := config.Parse([]byte(tc.yaml), nil, getenv)
		if tc.errs != nil {
			if err == nil {
				t.Errorf("%d: no error, want %q", i, tc.errs)
				continue
			}
			got := err.Error()
			for _, w := range tc.errs {
				if !strings.Contains(got, w) {
					t.Errorf("%d: error\n%s\nlacks %q", i, got, w)
				}
			}
			if strings.Contains(got, "AAsecretPart") || strings.Contains(got, "not-a-token") {
				t.Errorf("%d: the error shows a token: %s", i, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("%d: %v", i, err)
			continue
		}
		if !tc.want(c.Alerts) {
			t.Errorf("%d: alerts %+v", i, c.Alerts)
		}
	}
}

package config

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"engagebot/bot"
)

// Alerts configures the crisis detector: it watches negative volume per
// platform and raises an alert when the last hour's rises well above the
// usual level for that hour and weekday, sent to the notifiers below.
type Alerts struct {
	// Enabled runs the detector; alerts are stored and shown on the
	// dashboard even without a notifier.
	Enabled bool `yaml:"enabled"`
	// Interval is how often the detector looks.
	Interval time.Duration `yaml:"interval"`
	// Weeks is how many past weeks make the usual level of an hour.
	Weeks int `yaml:"weeks"`
	// K: a crisis starts at the usual mean plus K standard deviations.
	K float64 `yaml:"k"`
	// MinCount is the fewest negative messages in an hour that can be a
	// crisis.
	MinCount int `yaml:"min_count"`
	// Platforms are watched; empty watches the platforms of the accounts.
	Platforms []string `yaml:"platforms"`
	// Lang is the language of the alert's text (fa, en).
	Lang     string        `yaml:"lang"`
	Telegram AlertTelegram `yaml:"telegram"`
	Webhook  AlertWebhook  `yaml:"webhook"`
}

// AlertTelegram sends alerts to a Telegram chat through a bot. It is used
// when both token and chat are set.
type AlertTelegram struct {
	// Token is the bot's token: a secret, from the environment.
	Token string `yaml:"token"`
	// Chat is the chat id (a group's is negative) or @channel.
	Chat string `yaml:"chat"`
	// APIBase is the Bot API's base URL.
	APIBase string `yaml:"api_base"`
}

// AlertWebhook posts alerts as JSON. It is used when url is set.
type AlertWebhook struct {
	// URL may hold a key: treat it as a secret, from the environment.
	URL string `yaml:"url"`
}

func defaultAlerts() Alerts {
	return Alerts{Enabled: true, Interval: time.Minute, Weeks: 4, K: 3, MinCount: 10, Lang: bot.LangFa,
		Telegram: AlertTelegram{APIBase: "https://api.telegram.org"}}
}

var (
	telegramToken = regexp.MustCompile(`^[0-9]+:[A-Za-z0-9_-]+$`)
	telegramChat  = regexp.MustCompile(`^(-?[0-9]+|@[A-Za-z][A-Za-z0-9_]{3,})$`)
)

func httpURL(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

// validate names every mistake by its key. Secrets are never echoed.
func (a *Alerts) validate() []error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, &KeyError{Key: "alerts." + key, Reason: fmt.Sprintf(format, args...)})
	}
	if a.Interval < 10*time.Second {
		bad("interval", "must be at least 10s, got %s", a.Interval)
	}
	if a.Weeks < 1 || a.Weeks > 52 {
		bad("weeks", "must be between 1 and 52, got %d", a.Weeks)
	}
	if a.K < 0 {
		bad("k", "must be 0 or more, got %v", a.K)
	}
	if a.MinCount < 1 {
		bad("min_count", "must be at least 1, got %d", a.MinCount)
	}
	for i, p := range a.Platforms {
		if strings.TrimSpace(p) == "" || strings.ContainsAny(p, ". /") {
			bad(fmt.Sprintf("platforms[%d]", i), "must be a platform name (telegram, instagram, ...), got %q", p)
		}
	}
	if a.Lang != bot.LangFa && a.Lang != bot.LangEn {
		bad("lang", "must be fa or en, got %q", a.Lang)
	}
	t := a.Telegram
	if t.Token != "" && !telegramToken.MatchString(t.Token) {
		bad("telegram.token", "is not a bot token (<bot id>:<secret>)")
	}
	if t.Chat != "" && !telegramChat.MatchString(t.Chat) {
		bad("telegram.chat", "must be a chat id (a group's is negative) or @channel, got %q", t.Chat)
	}
	if t.Token != "" && t.Chat == "" {
		bad("telegram.chat", "required when telegram.token is set")
	}
	if !httpURL(t.APIBase) {
		bad("telegram.api_base", "must be an absolute http(s) URL")
	}
	if u := a.Webhook.URL; u != "" && !httpURL(u) {
		bad("webhook.url", "must be an absolute http(s) URL")
	}
	return errs
}

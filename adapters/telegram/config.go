package telegram

import (
	"errors"
	"strings"
	"time"

	"engagebot/adapters/internal/apiclient"
	"engagebot/adapters/internal/webhook"
	"engagebot/bot"
)

// Modes an account receives updates in.
const (
	// ModeWebhook: Telegram POSTs each update to
	// /webhooks/telegram/<name>; `engagebot` registers the URL with setWebhook.
	ModeWebhook = "webhook"
	// ModePolling: the adapter calls getUpdates itself, for machines that
	// cannot receive webhooks.
	ModePolling = "polling"
)

// DefaultAPIBase is the real Bot API.
const DefaultAPIBase = "https://api.telegram.org"

// Config is one Telegram bot account, the section `telegram.<name>` of
// config.yaml's accounts.
type Config struct {
	// Token is the bot token from @BotFather ("123456:ABC..."), normally
	// "${TELEGRAM_<NAME>_TOKEN}". Required. Never logged.
	Token string `yaml:"token"`
	// APIBase is the Bot API base URL; requests go to
	// <api_base>/bot<token>/<method>. Default https://api.telegram.org; point
	// it at a local Bot API server or a test fake.
	APIBase string `yaml:"api_base"`
	// Mode is how updates arrive: "webhook" (default) or "polling".
	Mode string `yaml:"mode"`
	// WebhookSecret is the secret_token given to setWebhook; Telegram sends
	// it back in X-Telegram-Bot-Api-Secret-Token on every delivery, and a
	// delivery without it is refused. 16-256 characters of A-Z a-z 0-9 _ -.
	// Required in webhook mode; normally "${TELEGRAM_<NAME>_WEBHOOK_SECRET}".
	WebhookSecret string `yaml:"webhook_secret"`
	// WebhookMaxConnections is setWebhook's max_connections (1-100); 0 keeps
	// Telegram's default of 40.
	WebhookMaxConnections int `yaml:"webhook_max_connections"`
	// PollTimeout is getUpdates' long-poll timeout (polling mode). Default
	// 30s; 0 makes short polls, which then need a poll_interval.
	PollTimeout time.Duration `yaml:"poll_timeout"`
	// PollInterval is the pause between two getUpdates calls when the last
	// one brought nothing (polling mode). Default 0: long polling already waits.
	PollInterval time.Duration `yaml:"poll_interval"`
	// PollLimit is the most updates one getUpdates call returns, 1-100.
	// Default 100.
	PollLimit int `yaml:"poll_limit"`
	// RequestTimeout bounds one API call other than a long poll. A send that
	// times out after its request went out is reported as "delivery
	// unknown" for a person to decide. Default 30s.
	RequestTimeout time.Duration `yaml:"request_timeout"`
	// RateLimit is the bot's overall sending limit, written COUNT/PERIOD
	// ("30/s", "20/m", "100/90s"; "0" for none). Default "30/s".
	RateLimit bot.Rate `yaml:"rate_limit"`
	// PrivateChatRateLimit limits sends to one private chat. Default "1/s".
	PrivateChatRateLimit bot.Rate `yaml:"private_chat_rate_limit"`
	// GroupRateLimit limits sends to one group. Default "20/m".
	GroupRateLimit bot.Rate `yaml:"group_rate_limit"`
	// ChannelRateLimit limits posts to one channel. Default "20/m".
	ChannelRateLimit bot.Rate `yaml:"channel_rate_limit"`
	// Username is the bot's @username (without "@"), used to tell when a
	// group message mentions the bot. Optional: fetched with getMe when empty.
	Username string `yaml:"username"`
}

var _ bot.AccountConfig = (*Config)(nil)

// NewConfig returns a Config with the defaults set.
func NewConfig() *Config {
	return &Config{
		APIBase:              DefaultAPIBase,
		Mode:                 ModeWebhook,
		PollTimeout:          30 * time.Second,
		PollLimit:            100,
		RequestTimeout:       30 * time.Second,
		RateLimit:            bot.Rate{Count: 30, Per: time.Second},
		PrivateChatRateLimit: bot.Rate{Count: 1, Per: time.Second},
		GroupRateLimit:       bot.Rate{Count: 20, Per: time.Minute},
		ChannelRateLimit:     bot.Rate{Count: 20, Per: time.Minute},
	}
}

// Validate checks the values; keys are relative to the account's section.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, reason string) { errs = append(errs, &bot.FieldError{Key: key, Reason: reason}) }

	if !apiclient.ValidBase(c.APIBase) {
		bad("api_base", "must be an absolute http(s) URL")
	}
	if c.Token != "" {
		// The part before ":" is the bot's user id, which tells replies to
		// the bot apart from replies to others.
		if _, err := botIDOf(c.Token); err != nil {
			bad("token", "must look like 123456:ABC... (the bot id, a colon, the secret)")
		}
	}
	switch c.Mode {
	case ModeWebhook, ModePolling:
	default:
		bad("mode", `must be "webhook" or "polling"`)
	}
	if c.WebhookSecret != "" && !webhook.ValidSecret(c.WebhookSecret, minSecret) {
		bad("webhook_secret", "must be 16-256 characters of A-Z a-z 0-9 _ -")
	}
	if c.WebhookMaxConnections < 0 || c.WebhookMaxConnections > 100 {
		bad("webhook_max_connections", "must be between 1 and 100, or 0 for Telegram's default")
	}
	if c.PollTimeout < 0 {
		bad("poll_timeout", "must not be negative")
	}
	if c.PollInterval < 0 {
		bad("poll_interval", "must not be negative")
	}
	if c.Mode == ModePolling && c.PollTimeout < time.Second && c.PollInterval <= 0 {
		bad("poll_interval", "must be set when poll_timeout is under 1s, or the poller would spin")
	}
	if c.PollLimit < 1 || c.PollLimit > 100 {
		bad("poll_limit", "must be between 1 and 100")
	}
	if c.RequestTimeout <= 0 {
		bad("request_timeout", "must be positive")
	}
	if c.Username != "" && strings.ContainsAny(c.Username, "@ ") {
		bad("username", `must be the bare username, without "@"`)
	}
	return errors.Join(errs...)
}

// MissingSecrets names the required secrets that are empty.
func (c *Config) MissingSecrets() []string {
	var missing []string
	if c.Token == "" {
		missing = append(missing, "token")
	}
	if c.Mode == ModeWebhook && c.WebhookSecret == "" {
		missing = append(missing, "webhook_secret")
	}
	return missing
}

// minSecret is the shortest webhook secret accepted: setWebhook allows 1,
// but a short secret could be guessed.
const minSecret = 16

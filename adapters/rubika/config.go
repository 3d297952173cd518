package rubika

import (
	"errors"
	"slices"
	"strings"
	"time"

	"engagebot/adapters/internal/apiclient"
	"engagebot/adapters/internal/webhook"
	"engagebot/bot"
)

// Modes an account receives updates in.
const (
	// ModeWebhook: Rubika POSTs updates to /webhooks/rubika/<name>/<secret>;
	// `engagebot` registers the URL with updateBotEndpoints.
	ModeWebhook = "webhook"
	// ModePolling: the adapter calls getUpdates itself.
	ModePolling = "polling"
)

// Where the webhook secret goes in the registered URL.
const (
	SecretInPath  = "path"  // https://host/webhooks/rubika/<name>/<secret>
	SecretInQuery = "query" // https://host/webhooks/rubika/<name>/?token=<secret>
)

// DefaultAPIBase is the real Bot API.
const DefaultAPIBase = "https://botapi.rubika.ir/v3"

// EndpointTypes are updateBotEndpoints' types, each registered separately.
var EndpointTypes = []string{"ReceiveUpdate", "ReceiveInlineMessage", "ReceiveQuery", "GetSelectionItem", "SearchSelectionItems"}

// Config is one Rubika bot account, the section `rubika.<name>` of
// config.yaml's accounts.
type Config struct {
	// Token is the bot token from Rubika's @BotFather, normally
	// "${RUBIKA_<NAME>_TOKEN}". Required. Never logged.
	Token string `yaml:"token"`
	// APIBase is the Bot API base URL; requests go to
	// <api_base>/<token>/<method>. Default https://botapi.rubika.ir/v3.
	APIBase string `yaml:"api_base"`
	// Mode is how updates arrive: "webhook" (default) or "polling".
	Mode string `yaml:"mode"`
	// WebhookSecret is the long random secret that must be in every
	// webhook delivery's URL, since Rubika signs nothing: at least 32
	// characters of A-Z a-z 0-9 _ -. Required in webhook mode; normally
	// "${RUBIKA_<NAME>_WEBHOOK_SECRET}". Deliveries without it are refused.
	WebhookSecret string `yaml:"webhook_secret"`
	// WebhookSecretIn is where the registered URL carries the secret:
	// "path" (default: .../<name>/<secret>) or "query" (.../<name>/?token=<secret>).
	// Deliveries are accepted with either.
	WebhookSecretIn string `yaml:"webhook_secret_in"`
	// WebhookTypes are the updateBotEndpoints types registered, all five
	// by default.
	WebhookTypes []string `yaml:"webhook_types"`
	// PollInterval is the pause between getUpdates calls when the last one
	// did not fill a batch (polling mode). Default 2s.
	PollInterval time.Duration `yaml:"poll_interval"`
	// PollTimeout, when set, is sent as getUpdates' "timeout" for long
	// polling, which Rubika may or may not honour. Default 0: not sent.
	PollTimeout time.Duration `yaml:"poll_timeout"`
	// PollLimit is getUpdates' "limit". Default 100.
	PollLimit int `yaml:"poll_limit"`
	// RequestTimeout bounds one API call. A send that times out after its
	// request went out is reported as "delivery unknown". Default 30s.
	RequestTimeout time.Duration `yaml:"request_timeout"`
	// RateLimit is the bot's overall sending limit, written COUNT/PERIOD
	// ("30/s", "20/m", "100/90s"; "0" for none). Rubika publishes none;
	// default "2/s".
	RateLimit bot.Rate `yaml:"rate_limit"`
	// PrivateChatRateLimit limits sends to one private chat. Default "1/s".
	PrivateChatRateLimit bot.Rate `yaml:"private_chat_rate_limit"`
	// GroupRateLimit limits sends to one group. Default "20/m".
	GroupRateLimit bot.Rate `yaml:"group_rate_limit"`
	// ChannelRateLimit limits posts to one channel. Default "20/m".
	ChannelRateLimit bot.Rate `yaml:"channel_rate_limit"`
	// RateLimitedWait is how long to wait after Rubika answers
	// TOO_REQUESTS without a Retry-After header. Default 10s.
	RateLimitedWait time.Duration `yaml:"rate_limited_wait"`
	// Username is the bot's username (without "@"), to tell when a group
	// message mentions the bot. Optional: fetched with getMe when empty.
	Username string `yaml:"username"`
}

var _ bot.AccountConfig = (*Config)(nil)

// NewConfig returns a Config with the defaults set.
func NewConfig() *Config {
	return &Config{
		APIBase:              DefaultAPIBase,
		Mode:                 ModeWebhook,
		WebhookSecretIn:      SecretInPath,
		WebhookTypes:         slices.Clone(EndpointTypes),
		PollInterval:         2 * time.Second,
		PollLimit:            100,
		RequestTimeout:       30 * time.Second,
		RateLimit:            bot.Rate{Count: 2, Per: time.Second},
		PrivateChatRateLimit: bot.Rate{Count: 1, Per: time.Second},
		GroupRateLimit:       bot.Rate{Count: 20, Per: time.Minute},
		ChannelRateLimit:     bot.Rate{Count: 20, Per: time.Minute},
		RateLimitedWait:      10 * time.Second,
	}
}

// Validate checks the values; keys are relative to the account's section.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, reason string) { errs = append(errs, &bot.FieldError{Key: key, Reason: reason}) }
	if !apiclient.ValidBase(c.APIBase) {
		bad("api_base", "must be an absolute http(s) URL")
	}
	if strings.ContainsAny(c.Token, "/?# ") {
		bad("token", "must not contain / ? # or spaces")
	}
	switch c.Mode {
	case ModeWebhook, ModePolling:
	default:
		bad("mode", `must be "webhook" or "polling"`)
	}
	if c.WebhookSecret != "" && !webhook.ValidSecret(c.WebhookSecret, minSecret) {
		bad("webhook_secret", "must be at least 32 characters of A-Z a-z 0-9 _ -")
	}
	switch c.WebhookSecretIn {
	case SecretInPath, SecretInQuery:
	default:
		bad("webhook_secret_in", `must be "path" or "query"`)
	}
	if c.Mode == ModeWebhook && len(c.WebhookTypes) == 0 {
		bad("webhook_types", "must name at least one type")
	}
	for _, t := range c.WebhookTypes {
		if !slices.Contains(EndpointTypes, t) {
			bad("webhook_types", "unknown type "+t+"; known: "+strings.Join(EndpointTypes, ", "))
		}
	}
	if c.PollInterval <= 0 {
		bad("poll_interval", "must be positive")
	}
	if c.PollTimeout < 0 {
		bad("poll_timeout", "must not be negative")
	}
	if c.PollLimit < 1 || c.PollLimit > 1000 {
		bad("poll_limit", "must be between 1 and 1000")
	}
	if c.RequestTimeout <= 0 {
		bad("request_timeout", "must be positive")
	}
	if c.RateLimitedWait <= 0 {
		bad("rate_limited_wait", "must be positive")
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

// minSecret is the shortest webhook secret accepted: Rubika signs nothing,
// so the secret in the URL is all that authenticates a delivery.
const minSecret = 32

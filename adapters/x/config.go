package x

import (
	"errors"
	"regexp"
	"time"

	"engagebot/adapters/internal/apiclient"
	"engagebot/bot"
)

// Config is one X account, the section `x.<name>` of config.yaml.
type Config struct {
	// ConsumerKey and ConsumerSecret are the app's API key and secret.
	// The secret also signs webhook deliveries and answers the CRC
	// challenge. Required.
	ConsumerKey    string `yaml:"consumer_key"`
	ConsumerSecret string `yaml:"consumer_secret"`
	// AccessToken and AccessSecret are the account's OAuth 1.0a user
	// token; every API call is signed with them. Required.
	AccessToken  string `yaml:"access_token"`
	AccessSecret string `yaml:"access_secret"`
	// UserID is the account's numeric user id. Events written by it are
	// our own and never answered; mentions are read for it. Required.
	UserID string `yaml:"user_id"`
	// APIBase is the X API base URL.
	APIBase string `yaml:"api_base"`
	// Mode is how events arrive: "webhook" (Account Activity deliveries to
	// /webhooks/x/<name>) or "polling" (GET /2/users/:id/mentions every
	// poll_interval, for accounts without webhook access; DMs are not
	// polled).
	Mode string `yaml:"mode"`
	// PollInterval is the time between two mention polls. X allows 300
	// per 15 minutes per user; the default stays far below.
	PollInterval time.Duration `yaml:"poll_interval"`
	// FieldsParam is the name of the field-list parameter of the mentions
	// call: the guides write "tweet.fields", the 2026 OpenAPI document
	// "post.fields".
	FieldsParam string `yaml:"fields_param"`

	// MaxTweetLength is the longest post, counted as X counts (see
	// Counting).
	MaxTweetLength int `yaml:"max_tweet_length"`
	// Counting is how length is counted: "weighted" (X's rule: most Latin,
	// Persian and Arabic characters count 1, CJK and emoji 2, every link 23)
	// or "characters" (every character counts 1).
	Counting string `yaml:"counting"`
	// LongReplies says what happens to a text longer than
	// max_tweet_length: "thread" (split at word boundaries into posts, each
	// replying to the previous) or "shorten" (cut at a word boundary,
	// ending with "…").
	LongReplies string `yaml:"long_replies"`
	// MaxThreadParts caps a thread; the last part is shortened to fit.
	MaxThreadParts int `yaml:"max_thread_parts"`

	// RateLimitReserve is how many calls of X's per-endpoint allowance
	// (x-rate-limit-remaining) the adapter leaves unused: when only that
	// many remain, it holds sends until x-rate-limit-reset instead of
	// calling, so the hard limit (HTTP 429) is not reached.
	RateLimitReserve int `yaml:"rate_limit_reserve"`
	// RateLimitWait is how long to wait after a 429 that carries no
	// x-rate-limit-reset.
	RateLimitWait time.Duration `yaml:"rate_limit_wait"`
	// SendRate limits all sends of the account together, as COUNT/PERIOD.
	// POST /2/tweets allows 100 per 15 minutes per user; default "100/15m".
	SendRate bot.Rate `yaml:"send_rate"`
	// SendBurst lets this many sends go at once before send_rate's spacing
	// applies, so a few answers at the same moment do not queue for
	// minutes; x-rate-limit-remaining still guards X's own allowance.
	SendBurst int `yaml:"send_burst"`
	// DMRate limits DMs to one person, as COUNT/PERIOD. X allows 15 DMs
	// per 15 minutes per user in all; default "15/15m".
	DMRate bot.Rate `yaml:"dm_rate"`
}

func newConfig() *Config {
	return &Config{
		APIBase:        "https://api.x.com",
		Mode:           "webhook",
		PollInterval:   time.Minute,
		FieldsParam:    "tweet.fields",
		MaxTweetLength: 280,
		Counting:       "weighted",
		LongReplies:    "thread",
		MaxThreadParts: 4,
		RateLimitWait:  time.Minute,
		SendRate:       bot.Rate{Count: 100, Per: 15 * time.Minute},
		SendBurst:      10,
		DMRate:         bot.Rate{Count: 15, Per: 15 * time.Minute},
	}
}

var digits = regexp.MustCompile(`^[0-9]{1,19}$`)

// Validate checks the values.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, reason string) { errs = append(errs, &bot.FieldError{Key: key, Reason: reason}) }
	if !apiclient.ValidBase(c.APIBase) {
		bad("api_base", "must be an absolute http(s) URL")
	}
	if !digits.MatchString(c.UserID) {
		bad("user_id", "required: the account's numeric user id")
	}
	if c.Mode != "webhook" && c.Mode != "polling" {
		bad("mode", `must be "webhook" or "polling"`)
	}
	if c.Mode == "polling" && c.PollInterval < time.Second {
		bad("poll_interval", "must be at least 1s")
	}
	if c.FieldsParam != "tweet.fields" && c.FieldsParam != "post.fields" {
		bad("fields_param", `must be "tweet.fields" or "post.fields"`)
	}
	if c.MaxTweetLength < 10 {
		bad("max_tweet_length", "must be at least 10")
	}
	if c.Counting != "weighted" && c.Counting != "characters" {
		bad("counting", `must be "weighted" or "characters"`)
	}
	if c.LongReplies != "thread" && c.LongReplies != "shorten" {
		bad("long_replies", `must be "thread" or "shorten"`)
	}
	if c.MaxThreadParts < 1 {
		bad("max_thread_parts", "must be at least 1")
	}
	if c.RateLimitReserve < 0 {
		bad("rate_limit_reserve", "must not be negative")
	}
	if c.RateLimitWait <= 0 {
		bad("rate_limit_wait", "must be positive")
	}
	if c.SendBurst < 1 {
		bad("send_burst", "must be at least 1")
	}
	return errors.Join(errs...)
}

// MissingSecrets names the required secrets that are empty.
func (c *Config) MissingSecrets() []string {
	var m []string
	for _, s := range []struct{ key, v string }{
		{"consumer_key", c.ConsumerKey}, {"consumer_secret", c.ConsumerSecret},
		{"access_token", c.AccessToken}, {"access_secret", c.AccessSecret},
	} {
		if s.v == "" {
			m = append(m, s.key)
		}
	}
	return m
}

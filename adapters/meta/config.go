package meta

import (
	"errors"
	"regexp"
	"time"

	"engagebot/adapters/internal/apiclient"
	"engagebot/bot"
)

// Config is one Instagram account or Facebook page, the section
// `instagram.<name>` or `facebook.<name>` of config.yaml.
type Config struct {
	// AppSecret is the Meta app's secret. Webhook deliveries are signed with
	// it (X-Hub-Signature-256); a delivery whose signature does not match is
	// refused. Required; keep it in an environment variable.
	AppSecret string `yaml:"app_secret"`
	// VerifyToken is the string typed into the app dashboard's webhook
	// form; Meta sends it back when it verifies the callback URL. Required.
	VerifyToken string `yaml:"verify_token"`
	// AccessToken is the Page access token (Facebook, and Instagram accounts
	// linked to a Page) or the Instagram user access token. Required.
	AccessToken string `yaml:"access_token"`
	// AccountID is the Page id (facebook) or the Instagram professional
	// account id (instagram). Webhook entries carry it; comments written by
	// it are our own and never answered; posts and messages are sent as it.
	AccountID string `yaml:"account_id"`
	// APIBase is the Graph API base URL: https://graph.facebook.com for
	// Facebook Login setups, https://graph.instagram.com for Instagram
	// accounts using Instagram Login.
	APIBase string `yaml:"api_base"`
	// APIVersion is the Graph API version path element, e.g. "v23.0".
	APIVersion string `yaml:"api_version"`
	// TokenIn says how the token travels: "header" (Authorization: Bearer,
	// the default; the token never appears in a URL) or "query"
	// (access_token parameter, as in Meta's samples).
	TokenIn string `yaml:"token_in"`

	// MessagingWindow is how long after the follower's last message a free
	// reply may be sent (Meta's standard window is 24h).
	MessagingWindow time.Duration `yaml:"messaging_window"`
	// MessageTag is the tag used to answer outside the messaging window,
	// e.g. HUMAN_AGENT (needs the Human Agent permission). Empty: outside
	// the window nothing is sent and the item fails with the reason
	// "outside_window", which the dashboard shows.
	MessageTag string `yaml:"message_tag"`
	// TagWindow is how long after the follower's last message the tag
	// allows a reply (HUMAN_AGENT: 7 days).
	TagWindow time.Duration `yaml:"tag_window"`

	// CommentReplies says how answers to public comments go out: "public"
	// (a reply under the comment; the default) or "private" (every answer
	// to a comment is sent as a private reply, one DM to the commenter).
	// Answers the engine marks private (complaints, side-effect reports)
	// are always private.
	CommentReplies string `yaml:"comment_replies"`
	// PrivateReplyNotice, when not empty, is posted publicly under a
	// comment after it was answered privately, e.g. "We sent you a message".
	PrivateReplyNotice string `yaml:"private_reply_notice"`

	// SlowDownAt is the usage, in percent of Meta's limit as reported by the
	// X-App-Usage and X-Business-Use-Case-Usage headers, at which the
	// adapter stops sending for SlowDownPause (or for the time Meta says it
	// needs to regain access, when longer). 0 turns the brake off.
	SlowDownAt int `yaml:"slow_down_at"`
	// SlowDownPause is how long the brake holds sends once usage crossed
	// SlowDownAt. The next answer's headers decide whether it holds again.
	SlowDownPause time.Duration `yaml:"slow_down_pause"`
	// RateLimitWait is how long to wait after a rate-limit error (codes 4,
	// 17, 32, 613, 80001...) when Meta does not say how long.
	RateLimitWait time.Duration `yaml:"rate_limit_wait"`
	// SendRate limits all sends of the account together, as COUNT/PERIOD.
	// Meta allows 100/s (Instagram, the default there) or 300/s
	// (Messenger, the default for Facebook) for text.
	SendRate bot.Rate `yaml:"send_rate"`
	// PublicRate limits answers to public comments (public and private
	// replies), per post, as COUNT/PERIOD. Meta allows 750 private replies
	// per hour; default "750/h".
	PublicRate bot.Rate `yaml:"public_rate"`
}

// Defaults for a platform.
func newConfig(platform string) *Config {
	c := &Config{
		APIBase:         "https://graph.facebook.com",
		APIVersion:      "v23.0",
		TokenIn:         "header",
		MessagingWindow: 24 * time.Hour,
		TagWindow:       7 * 24 * time.Hour,
		CommentReplies:  "public",
		SlowDownAt:      80,
		SlowDownPause:   30 * time.Second,
		RateLimitWait:   time.Minute,
		SendRate:        bot.Rate{Count: 300, Per: time.Second},
		PublicRate:      bot.Rate{Count: 750, Per: time.Hour},
	}
	if platform == bot.PlatformInstagram {
		c.SendRate = bot.Rate{Count: 100, Per: time.Second}
	}
	return c
}

var versionRE = regexp.MustCompile(`^v[0-9]+\.[0-9]+$`)

// Validate checks the values.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, reason string) { errs = append(errs, &bot.FieldError{Key: key, Reason: reason}) }
	if !apiclient.ValidBase(c.APIBase) {
		bad("api_base", "must be an absolute http(s) URL")
	}
	if !versionRE.MatchString(c.APIVersion) {
		bad("api_version", `must look like "v23.0"`)
	}
	if c.AccountID == "" {
		bad("account_id", "required: the Page id or Instagram account id")
	}
	if c.TokenIn != "header" && c.TokenIn != "query" {
		bad("token_in", `must be "header" or "query"`)
	}
	if c.CommentReplies != "public" && c.CommentReplies != "private" {
		bad("comment_replies", `must be "public" or "private"`)
	}
	if c.MessagingWindow <= 0 {
		bad("messaging_window", "must be positive")
	}
	if c.MessageTag != "" && c.TagWindow < c.MessagingWindow {
		bad("tag_window", "must not be shorter than messaging_window")
	}
	if c.SlowDownAt < 0 || c.SlowDownAt > 100 {
		bad("slow_down_at", "must be a percentage from 0 (off) to 100")
	}
	if c.SlowDownAt > 0 && c.SlowDownPause <= 0 {
		bad("slow_down_pause", "must be positive")
	}
	if c.RateLimitWait <= 0 {
		bad("rate_limit_wait", "must be positive")
	}
	return errors.Join(errs...)
}

// MissingSecrets names the required secrets that are empty.
func (c *Config) MissingSecrets() []string {
	var m []string
	for _, s := range []struct{ key, v string }{
		{"app_secret", c.AppSecret}, {"verify_token", c.VerifyToken}, {"access_token", c.AccessToken},
	} {
		if s.v == "" {
			m = append(m, s.key)
		}
	}
	return m
}

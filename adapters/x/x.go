// Package x is the adapter for X accounts.
//
// # Inbound
//
// In webhook mode X delivers Account Activity events to
// /webhooks/x/<account>. The handler answers the CRC challenge, checks
// x-twitter-webhooks-signature over the raw body before reading it, and
// stores mentions of and replies to the account (tweet_create_events) and
// DMs (direct_message_events) in one Accept call before answering 200.
// Payload items are decoded with go-twitter's v1.1 types; the envelope and
// CRC are ours. In polling mode, for accounts without webhook access, Run
// reads GET /2/users/:id/mentions with since_id and stores the newest id as
// the cursor together with the events.
//
// # Outbound
//
// Replies to mentions and posts go through POST /2/tweets; a text longer
// than max_tweet_length is split at word boundaries into a thread or
// shortened, as configured. DMs go through
// /2/dm_conversations/with/:id/messages. Every call is signed with OAuth
// 1.0a. go-twitter's REST calls are not used: they target retired v1.1
// endpoints. X refuses a text the account posted or sent lately (403,
// "duplicate content"), which happens when followers ask the same question:
// the text is then sent once more with a short reference to the item
// appended (shortened to fit when needed), and if that is refused too the
// item fails for good with the code duplicate_content, for a person.
//
// # Rate limits
//
// X reports each endpoint's allowance in x-rate-limit-remaining and
// x-rate-limit-reset. When only rate_limit_reserve calls remain, the
// adapter holds sends to that endpoint until the reset, returning a
// rate-limited error without calling, so HTTP 429 is not reached. A 429
// (code 88) is returned as rate-limited until x-rate-limit-reset; a 401 as
// unauthorized, and Health reports it until a call succeeds again.
package x

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/dghubble/oauth1"

	"engagebot/adapters/internal/apiclient"
	"engagebot/bot"
)

// Factory builds X adapters.
var Factory = bot.NewFactory([]string{bot.PlatformX},
	func(string) *Config { return newConfig() },
	func(_, name string, c *Config, deps bot.AdapterDeps) (bot.Adapter, error) {
		a, err := New(name, c, deps)
		if err != nil {
			return nil, err // not a nil *Adapter inside a non-nil bot.Adapter
		}
		return a, nil
	})

// Adapter is one X account.
type Adapter struct {
	name    string
	cfg     Config
	inbox   bot.Inbox
	log     *slog.Logger
	http    *http.Client // signs every request with OAuth 1.0a
	now     func() time.Time
	started time.Time
	auth    apiclient.AuthStatus // are the credentials accepted

	mu       sync.Mutex
	budgets  map[string]*budget  // per endpoint family
	progress map[uint64][]string // ids of thread parts already posted, by outbound id
}

// Interface guards.
var (
	_ bot.Adapter        = (*Adapter)(nil)
	_ bot.WebhookHandler = (*Adapter)(nil)
	_ bot.HealthChecker  = (*Adapter)(nil)
	_ bot.Runner         = (*Adapter)(nil)
)

// New builds the adapter of account name from a validated config.
func New(name string, cfg *Config, deps bot.AdapterDeps) (*Adapter, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("x: x.%s: %w", name, err)
	}
	if deps.Inbox == nil {
		return nil, errors.New("x: no inbox")
	}
	a := &Adapter{name: name, cfg: *cfg, inbox: deps.Inbox, log: deps.Logger, now: deps.Now,
		budgets: map[string]*budget{}, progress: map[uint64][]string{}}
	a.cfg.APIBase = strings.TrimRight(a.cfg.APIBase, "/")
	if a.log == nil {
		a.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	a.log = a.log.With("adapter", bot.AccountKey(bot.PlatformX, name))
	if a.now == nil {
		a.now = time.Now
	}
	a.started = a.now()
	base := deps.HTTPClient
	if base == nil {
		base = &http.Client{Timeout: 30 * time.Second}
	}
	signed := oauth1.NewConfig(cfg.ConsumerKey, cfg.ConsumerSecret).
		Client(context.WithValue(context.Background(), oauth1.HTTPClient, base), oauth1.NewToken(cfg.AccessToken, cfg.AccessSecret))
	signed.Timeout = base.Timeout
	a.http = signed
	return a, nil
}

// Platform is "x".
func (a *Adapter) Platform() string { return bot.PlatformX }

// Account is the account's name.
func (a *Adapter) Account() string { return a.name }

// Limits are the configured rates: all sends together, and DMs per person.
func (a *Adapter) Limits() bot.Limits {
	return bot.Limits{
		Account: a.cfg.SendRate,
		Chat:    map[bot.ChatType]bot.Rate{bot.ChatPrivate: a.cfg.DMRate},
		Burst:   a.cfg.SendBurst,
	}
}

// Health reports whether the account works: an error while X rejects the
// credentials (HTTP 401), nil once a call succeeds again. It covers the
// poller too, whose failures no send reports.
func (a *Adapter) Health() error { return a.auth.Err() }

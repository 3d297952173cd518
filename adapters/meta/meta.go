// Package meta is the adapter for Instagram accounts and Facebook pages,
// which share Meta's Graph API and webhook format.
//
// # Inbound
//
// Meta POSTs signed webhook deliveries to /webhooks/<platform>/<account>.
// The handler answers the GET verification, checks X-Hub-Signature-256 over
// the raw body before reading it, turns DMs, postbacks, comments and
// mentions into events and stores all events of a delivery in one Accept
// call before answering 200. Echoes of our own messages and comments by our
// own account are dropped.
//
// # Outbound
//
// DM replies go through the Send API inside the messaging window; outside
// it only with the configured tag, or not at all (the item fails with code
// "outside_window" and a message that says why). Comment answers go out as
// public replies or private replies; hide and posts are supported.
//
// # Rate limits
//
// Meta reports usage in percent of its limits in the X-App-Usage and
// X-Business-Use-Case-Usage headers. When a successful answer reports usage
// at or above slow_down_at, the adapter holds further sends for
// slow_down_pause (or as long as Meta says it needs), returning a
// rate-limited error without calling Meta, so the dispatcher waits before
// the hard limit is reached. Rate-limit errors (codes 4, 17, 32, 613,
// 80001...) are returned as rate-limited with Meta's estimate or
// rate_limit_wait. An expired token (code 190) is returned as unauthorized
// and reported by Health until a call succeeds again.
package meta

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"engagebot/adapters/internal/apiclient"
	"engagebot/bot"
)

// Factory builds Instagram and Facebook adapters.
var Factory = bot.NewFactory([]string{bot.PlatformInstagram, bot.PlatformFacebook}, newConfig,
	func(platform, name string, c *Config, deps bot.AdapterDeps) (bot.Adapter, error) {
		a, err := New(platform, name, c, deps)
		if err != nil {
			return nil, err // not a nil *Adapter inside a non-nil bot.Adapter
		}
		return a, nil
	})

// Adapter is one Instagram account or Facebook page.
type Adapter struct {
	platform, name string
	cfg            Config
	inbox          bot.Inbox
	log            *slog.Logger
	http           *http.Client
	now            func() time.Time

	auth apiclient.AuthStatus // is the access token accepted

	mu        sync.Mutex
	holdUntil time.Time // usage brake: no sends before this
}

// Interface guards.
var (
	_ bot.Adapter        = (*Adapter)(nil)
	_ bot.WebhookHandler = (*Adapter)(nil)
	_ bot.HealthChecker  = (*Adapter)(nil)
)

// New builds the adapter of account name on platform (instagram or
// facebook) from a validated config.
func New(platform, name string, cfg *Config, deps bot.AdapterDeps) (*Adapter, error) {
	if platform != bot.PlatformInstagram && platform != bot.PlatformFacebook {
		return nil, fmt.Errorf("meta: unknown platform %q", platform)
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("meta: %s.%s: %w", platform, name, err)
	}
	if deps.Inbox == nil {
		return nil, errors.New("meta: no inbox")
	}
	a := &Adapter{platform: platform, name: name, cfg: *cfg, inbox: deps.Inbox,
		log: deps.Logger, http: deps.HTTPClient, now: deps.Now}
	a.cfg.APIBase = strings.TrimRight(a.cfg.APIBase, "/")
	if a.log == nil {
		a.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	a.log = a.log.With("adapter", bot.AccountKey(platform, name))
	if a.http == nil {
		a.http = &http.Client{Timeout: 30 * time.Second}
	}
	if a.now == nil {
		a.now = time.Now
	}
	return a, nil
}

// Platform is "instagram" or "facebook".
func (a *Adapter) Platform() string { return a.platform }

// Account is the account's name.
func (a *Adapter) Account() string { return a.name }

// Limits are the configured send rates: all sends together, and answers
// to public comments per post.
func (a *Adapter) Limits() bot.Limits {
	return bot.Limits{
		Account: a.cfg.SendRate,
		Chat:    map[bot.ChatType]bot.Rate{bot.ChatPublic: a.cfg.PublicRate},
		Burst:   1,
	}
}

// Health reports whether the account works: an error while Meta rejects
// the access token (code 190), nil once a call succeeds again. /readyz,
// the metrics and the dashboard show it so an expired token is not missed.
func (a *Adapter) Health() error { return a.auth.Err() }

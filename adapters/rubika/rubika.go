// Package rubika is the Rubika Bot API adapter: one bot account per
// Adapter, receiving updates by webhook (updateBotEndpoints) or by polling
// getUpdates with offset_id, and sending replies, direct messages and
// channel posts with inline keypads, over a small typed client of its own
// (Client; no Go library for the API exists).
//
// # Events
//
// Messages have the id "<chat_id>:<message_id>", edits
// "<chat_id>:<message_id>:edit:<text hash>", inline-keypad presses
// "cb:<chat_id>:<message_id>:<sender_id>:<button_id>", and StartedBot /
// StoppedBot "started:<chat_id>:<time>" / "stopped:<chat_id>:<time>".
// StartedBot and StoppedBot name only the chat; the adapter finds the
// follower's user id with getChat before storing them, so consent lands
// on the same profile as their messages.
//
// # Polls
//
// An outbound item with a Poll goes out with sendPoll; its delivery's
// PlatformID is the poll message's id. A vote is read from an
// UpdatedMessage of that message in the follower's private chat
// (poll_status.selection_index) as an EventPollAnswer with id
// "pa:<chat_id>:<message_id>:<selection_index>[:<update_time>]" and the
// message id in Extra[bot.ExtraPollID]. How Rubika really tells a bot of
// votes is not documented anywhere we could read (see parser.pollVote).
//
// # Webhook security
//
// Rubika signs nothing. The registered URL carries a long random secret,
// as a path segment (/webhooks/rubika/<name>/<secret>) or a query token
// (?token=<secret>); a delivery without it is refused with 401 (missing)
// or 403 (wrong) and stores nothing.
package rubika

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"engagebot/adapters/internal/webhook"
	"engagebot/bot"
)

// Factory builds Rubika adapters; add it to adapters/all.
var Factory = bot.NewFactory([]string{bot.PlatformRubika},
	func(string) *Config { return NewConfig() },
	func(_, name string, c *Config, deps bot.AdapterDeps) (bot.Adapter, error) {
		a, err := New(name, c, deps)
		if err != nil {
			return nil, err
		}
		if c.Mode == ModePolling {
			return &Poller{Adapter: a}, nil
		}
		return a, nil
	})

// Adapter is one Rubika bot account in webhook mode. In polling mode it is
// wrapped in a Poller.
type Adapter struct {
	name   string
	cfg    Config
	inbox  bot.Inbox
	log    *slog.Logger
	now    func() time.Time
	client *Client

	mu        sync.Mutex
	username  string    // lower-case, without "@"
	nextGetMe time.Time // when a failed getMe may be tried again
	// users maps private chats to their follower's user id, learned from
	// messages and getChat.
	users map[string]string
	// sent remembers the bot's recent message ids per chat: Rubika says
	// only which message a reply answers, not who wrote it.
	sent *recentSet
}

// Interface guards.
var (
	_ bot.Adapter          = (*Adapter)(nil)
	_ bot.WebhookHandler   = (*Adapter)(nil)
	_ bot.WebhookRegistrar = (*Adapter)(nil)
	_ bot.HealthChecker    = (*Adapter)(nil)
	_ bot.Runner           = (*Poller)(nil)
)

// New builds the adapter of account name. It does not reach the network.
// deps.Inbox may be nil for an adapter that only sends or registers its
// webhook (the CLI); it then refuses deliveries and does not poll.
func New(name string, cfg *Config, deps bot.AdapterDeps) (*Adapter, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("rubika: account %s: %w", name, err)
	}
	if missing := cfg.MissingSecrets(); len(missing) > 0 {
		return nil, fmt.Errorf("rubika: account %s: missing %s", name, strings.Join(missing, ", "))
	}
	a := &Adapter{
		name: name, cfg: *cfg, inbox: deps.Inbox, log: deps.Logger, now: deps.Now,
		client:   NewClient(cfg.APIBase, cfg.Token, deps.HTTPClient),
		username: strings.ToLower(strings.TrimPrefix(cfg.Username, "@")),
		users:    map[string]string{},
		sent:     newRecentSet(10000),
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	a.log = a.log.With("platform", bot.PlatformRubika, "account", name)
	if a.now == nil {
		a.now = time.Now
	}
	return a, nil
}

// Platform is "rubika".
func (a *Adapter) Platform() string { return bot.PlatformRubika }

// Account is the account's name.
func (a *Adapter) Account() string { return a.name }

// Limits are the configured sending limits (Rubika publishes none; the
// defaults are cautious: 2/s per bot, 1/s per private chat, 20/min per
// group or channel).
func (a *Adapter) Limits() bot.Limits {
	return bot.Limits{
		Account: a.cfg.RateLimit,
		Chat: map[bot.ChatType]bot.Rate{
			bot.ChatPrivate: a.cfg.PrivateChatRateLimit,
			bot.ChatGroup:   a.cfg.GroupRateLimit,
			bot.ChatChannel: a.cfg.ChannelRateLimit,
		},
		Burst: 1,
	}
}

// Health reports whether the account works: an error while Rubika
// refuses the token (INVALID_ACCESS to a send, getMe or a poller's
// getUpdates), nil once a call succeeds again.
func (a *Adapter) Health() error { return a.client.auth.Err() }

// parser returns the update parser, fetching the bot's username with getMe
// when the config does not name it (at most once a minute after a
// failure; without it only mentions go unnoticed).
func (a *Adapter) parser(ctx context.Context) *parser {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.username == "" && !a.now().Before(a.nextGetMe) {
		ctx, cancel := context.WithTimeout(ctx, a.cfg.RequestTimeout)
		me, err := a.client.GetMe(ctx)
		cancel()
		switch {
		case err != nil:
			a.nextGetMe = a.now().Add(time.Minute)
			a.log.Warn("rubika: getMe failed; group mentions of the bot go unnoticed until it works", "err", err)
		case me.Username == "":
			a.nextGetMe = a.now().Add(time.Hour)
			a.log.Warn("rubika: getMe gave no username; set username in the config")
		default:
			a.username = strings.ToLower(strings.TrimPrefix(me.Username, "@"))
		}
	}
	return &parser{platform: bot.PlatformRubika, account: a.name, username: a.username, sentByUs: a.sent.has}
}

// resolveSenders fills the follower of start and stop events, which name
// only the chat, and learns chat->user from messages in private chats. An
// error means the events must not be stored yet (try again later).
func (a *Adapter) resolveSenders(ctx context.Context, events []bot.Event) error {
	for i := range events {
		e := &events[i]
		if e.ChatType != bot.ChatPrivate {
			continue
		}
		if e.From.ID != "" {
			if !e.From.IsBot {
				a.mu.Lock()
				if len(a.users) > 100000 {
					clear(a.users)
				}
				a.users[e.Chat] = e.From.ID
				a.mu.Unlock()
			}
			continue
		}
		a.mu.Lock()
		user := a.users[e.Chat]
		a.mu.Unlock()
		if user == "" {
			cctx, cancel := context.WithTimeout(ctx, a.cfg.RequestTimeout)
			c, err := a.client.GetChat(cctx, e.Chat)
			cancel()
			var ae *APIError
			switch {
			case err == nil && c.UserID != "":
				user = string(c.UserID)
			case err == nil, errors.As(err, &ae) && !ae.RateLimited() && ae.Status != StatusInvalidAccess:
				// Rubika will not say (the chat is gone): the chat id is the
				// best stable key left.
				a.log.Warn("rubika: cannot find the user of a private chat; using the chat id", "chat", e.Chat, "err", err)
				user = e.Chat
			default:
				return fmt.Errorf("rubika: find the user of chat %s: %w", e.Chat, err)
			}
			a.mu.Lock()
			a.users[e.Chat] = user
			a.mu.Unlock()
		}
		e.From.ID = user
	}
	return nil
}

// recentSet is a bounded set of (chat, message id) pairs, oldest dropped first.
type recentSet struct {
	mu    sync.Mutex
	max   int
	set   map[string]bool
	order []string
}

func newRecentSet(max int) *recentSet { return &recentSet{max: max, set: map[string]bool{}} }

func (r *recentSet) add(chat, msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := chat + ":" + msg
	if r.set[k] {
		return
	}
	r.set[k] = true
	r.order = append(r.order, k)
	if len(r.order) > r.max {
		delete(r.set, r.order[0])
		r.order = r.order[1:]
	}
}

func (r *recentSet) has(chat, msg string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.set[chat+":"+msg]
}

// errPolling is returned by a Poller's RegisterWebhook.
var errPolling = errors.New("account is in polling mode; set mode: webhook to use a webhook")

// Poller is an Adapter in polling mode.
type Poller struct {
	*Adapter
}

// Webhook answers 409 Conflict: the account is in polling mode.
func (p *Poller) Webhook() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		webhook.Error(w, http.StatusConflict, "this account is in polling mode")
	})
}

// RegisterWebhook refuses: the account is in polling mode.
func (p *Poller) RegisterWebhook(context.Context, string) error {
	return fmt.Errorf("rubika: account %s: %w", p.name, errPolling)
}

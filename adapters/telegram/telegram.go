// Package telegram is the Telegram Bot API adapter: one bot account per
// Adapter, receiving updates by webhook or by polling getUpdates, and
// sending replies, direct messages and channel posts with inline keyboards.
//
// It speaks the Bot API through github.com/go-telegram-bot-api/telegram-bot-api/v5
// (MakeRequest only: v5.5.1 predates secret_token and reply_parameters, and
// its typed configs send parameters the current API no longer has).
//
// # Events
//
// Message events have the id "<chat_id>:<message_id>" (message ids are
// unique only within a chat), edits "<chat_id>:<message_id>:edit:<edit_date>",
// button presses "cb:<callback_query_id>", a follower blocking the bot
// "member:<chat_id>:<date>:kicked", and votes in our native polls
// "pa:<poll_id>:<user_id>:<update_id>". All are stable across
// redeliveries. A reply's ReplyTo is such a message id.
//
// # Polls
//
// An outbound item with a Poll goes out with sendPoll as a non-anonymous
// poll; its delivery's PlatformID is the poll id, which each vote
// (EventPollAnswer, from a poll_answer update) carries in
// Extra[bot.ExtraPollID].
package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"engagebot/bot"
)

// Factory builds Telegram adapters; add it to adapters/all.
var Factory = bot.NewFactory([]string{bot.PlatformTelegram},
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

// Adapter is one Telegram bot account in webhook mode. In polling mode it
// is wrapped in a Poller.
type Adapter struct {
	name   string
	cfg    Config
	inbox  bot.Inbox
	log    *slog.Logger
	hc     *http.Client
	pollHC *http.Client // hc with room for a long poll
	now    func() time.Time
	client *client
	botID  int64

	mu        sync.Mutex
	username  string    // lower-case, without "@"
	nextGetMe time.Time // when a failed getMe may be tried again
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
		return nil, fmt.Errorf("telegram: account %s: %w", name, err)
	}
	if missing := cfg.MissingSecrets(); len(missing) > 0 {
		return nil, fmt.Errorf("telegram: account %s: missing %s", name, strings.Join(missing, ", "))
	}
	botID, err := botIDOf(cfg.Token)
	if err != nil {
		return nil, fmt.Errorf("telegram: account %s: token: %w", name, err)
	}
	a := &Adapter{
		name: name, cfg: *cfg, inbox: deps.Inbox, log: deps.Logger, hc: deps.HTTPClient, now: deps.Now,
		client: newClient(cfg.Token, cfg.APIBase), botID: botID,
		username: strings.ToLower(strings.TrimPrefix(cfg.Username, "@")),
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	a.log = a.log.With("platform", bot.PlatformTelegram, "account", name)
	if a.hc == nil {
		a.hc = &http.Client{}
	}
	if a.now == nil {
		a.now = time.Now
	}
	// A client timeout shorter than the long poll would cut every poll
	// short; the poller bounds its calls with a context instead.
	a.pollHC = a.hc
	if a.hc.Timeout != 0 && a.hc.Timeout <= cfg.PollTimeout+5*time.Second {
		cp := *a.hc
		cp.Timeout = 0
		a.pollHC = &cp
	}
	return a, nil
}

// Platform is "telegram".
func (a *Adapter) Platform() string { return bot.PlatformTelegram }

// Account is the account's name.
func (a *Adapter) Account() string { return a.name }

// Limits are the configured sending limits (by default Telegram's: 30/s
// per bot, 1/s per private chat, 20/min per group).
func (a *Adapter) Limits() bot.Limits {
	return bot.Limits{
		Account: a.cfg.RateLimit,
		Chat: map[bot.ChatType]bot.Rate{
			bot.ChatPrivate: a.cfg.PrivateChatRateLimit,
			bot.ChatGroup:   a.cfg.GroupRateLimit,
			bot.ChatChannel: a.cfg.ChannelRateLimit,
		},
		// No burst: Telegram answers a burst to one chat with 429.
		Burst: 1,
	}
}

// Health reports whether the account works: an error while Telegram
// rejects the token (401 to a send, getMe or a poller's getUpdates), nil
// once a call succeeds again.
func (a *Adapter) Health() error { return a.client.auth.Err() }

// parser returns the update parser with the bot's username, fetching it
// with getMe when the config does not name it (at most once a minute after
// a failure, and never failing the caller: without it only mentions go
// unnoticed).
func (a *Adapter) parser(ctx context.Context) *parser {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.username == "" && !a.now().Before(a.nextGetMe) {
		u, err := a.getMe(ctx)
		if err != nil {
			a.nextGetMe = a.now().Add(time.Minute)
			a.log.Warn("telegram: getMe failed; group mentions of the bot go unnoticed until it works", "err", err)
		} else {
			a.username = strings.ToLower(u)
		}
	}
	return &parser{platform: bot.PlatformTelegram, account: a.name, botID: a.botID, username: a.username}
}

func (a *Adapter) getMe(ctx context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, a.cfg.RequestTimeout)
	defer cancel()
	res, err := a.client.call(ctx, a.hc, "getMe", nil)
	if err != nil {
		return "", err
	}
	var me struct {
		Username string `json:"username"`
	}
	if err := json.Unmarshal(res, &me); err != nil || me.Username == "" {
		return "", fmt.Errorf("telegram: getMe: no username in the answer")
	}
	return me.Username, nil
}

// answerCallback stops the follower's spinner; best effort.
func (a *Adapter) answerCallback(ctx context.Context, id string) {
	ctx, cancel := context.WithTimeout(ctx, a.cfg.RequestTimeout)
	defer cancel()
	if _, err := a.client.call(ctx, a.hc, "answerCallbackQuery", map[string]string{"callback_query_id": id}); err != nil {
		a.log.Debug("telegram: answerCallbackQuery failed", "err", err)
	}
}

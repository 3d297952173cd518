package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// Adapter is one platform account. It turns the platform's deliveries into
// Events handed to its Inbox, and sends Outbound items. Optional abilities
// are found by type assertion: Runner, WebhookHandler, WebhookRegistrar.
type Adapter interface {
	// Platform and Account name it: "telegram", "support".
	Platform() string
	Account() string
	// Send delivers one outbound item. Errors should be *SendError so the
	// dispatcher knows whether to retry, wait or ask a person; any other
	// error is treated as temporary.
	Send(ctx context.Context, o *Outbound) (Delivery, error)
	// Limits are the platform's sending limits for this account.
	Limits() Limits
}

// Runner is an adapter with background work, such as a poller. Run blocks
// until ctx is done and returns nil then.
type Runner interface {
	Run(ctx context.Context) error
}

// WebhookHandler is an adapter that receives deliveries over HTTP. The web
// package mounts the handler at /webhooks/<platform>/<account>/ and strips
// that prefix; the handler may serve sub-paths. A handler must store what it
// accepts through its Inbox before answering 2xx.
type WebhookHandler interface {
	Webhook() http.Handler
}

// SendChecker is an adapter that can tell, before an item is queued, that
// its platform will refuse it (Meta's messaging window). A person's reply
// is then refused at once with the reason, instead of failing later in
// the outbox. The error's text is for the person.
type SendChecker interface {
	CheckSend(o *Outbound, now time.Time) error
}

// WebhookRegistrar is an adapter that can tell its platform where to
// deliver: url is the public address of its webhook.
type WebhookRegistrar interface {
	RegisterWebhook(ctx context.Context, url string) error
}

// Delivery is what the platform said about a sent item.
type Delivery struct {
	// PlatformID is the platform's id of what was created (the last one,
	// when a long text went out in parts).
	PlatformID string
}

// Inbox takes inbound events. Accept returns only when the events (and the
// cursor, if any) are durably stored, so the caller may acknowledge the
// platform after it returns nil. Redeliveries are de-duplicated.
type Inbox interface {
	Accept(ctx context.Context, events []Event, cursor *Cursor) error
	// Cursor returns a poller's stored position ("" when none).
	Cursor(ctx context.Context, key string) (string, error)
}

// Cursor is a poller's position, stored atomically with the events it
// covers so a restart resumes exactly where the last stored batch ended.
type Cursor struct {
	Key   string // e.g. "telegram.support/updates"
	Value string
}

// Rate is Count events per Per. The zero Rate is unlimited.
type Rate struct {
	Count int
	Per   time.Duration
}

// Interval is the minimum spacing the rate allows, 0 when unlimited.
func (r Rate) Interval() time.Duration {
	if r.Count <= 0 || r.Per <= 0 {
		return 0
	}
	return r.Per / time.Duration(r.Count)
}

// Limits are an account's sending limits, enforced by the dispatcher
// before it calls Send.
type Limits struct {
	// Account limits all sends of the account together.
	Account Rate
	// Chat limits sends to one chat, by chat type.
	Chat map[ChatType]Rate
	// Burst lets this many sends through at once before spacing applies.
	Burst int
}

// SendErrorKind says what the dispatcher should do about a failed send.
type SendErrorKind int

const (
	// SendTemporary: retry with back-off.
	SendTemporary SendErrorKind = iota
	// SendRateLimited: retry after RetryAfter, exactly.
	SendRateLimited
	// SendPermanent: will never succeed as is (bad request, outside a
	// messaging window); the item fails and is shown to a person.
	SendPermanent
	// SendUnauthorized: the account's credentials are invalid or expired;
	// the account needs attention and the item waits.
	SendUnauthorized
	// SendUnknown: the platform may or may not have delivered (a timeout
	// after the request went out); a person decides, so nothing is sent twice.
	SendUnknown
)

var sendErrorKindNames = [...]string{"temporary", "rate_limited", "permanent", "unauthorized", "unknown"}

func (k SendErrorKind) String() string {
	if int(k) < len(sendErrorKindNames) {
		return sendErrorKindNames[k]
	}
	return "invalid"
}

// CodeBlocked is the SendError code of a permanent failure because the
// recipient blocked the account (Telegram's 403 "bot was blocked by the
// user"): the follower is no longer reachable there, so their consent to
// be messaged is withdrawn, as when the platform tells us they stopped
// the bot.
const CodeBlocked = "blocked"

// SendError is an adapter's classified send failure.
type SendError struct {
	Kind SendErrorKind
	// RetryAfter is how long the platform asked us to wait (rate limits).
	RetryAfter time.Duration
	// Code is the platform's error code or status, for people and metrics.
	Code string
	Err  error
}

func (e *SendError) Error() string {
	s := "send " + e.Kind.String()
	if e.Code != "" {
		s += " (" + e.Code + ")"
	}
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" retry after %s", e.RetryAfter)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *SendError) Unwrap() error { return e.Err }

// SendErrorOf classifies any error: a *SendError anywhere in the chain, or
// a temporary one.
func SendErrorOf(err error) *SendError {
	var se *SendError
	if errors.As(err, &se) {
		return se
	}
	return &SendError{Kind: SendTemporary, Err: err}
}

// AdapterDeps are what the composition root gives every adapter.
type AdapterDeps struct {
	Inbox  Inbox
	Logger *slog.Logger
	// HTTPClient is the client for the platform API; adapters use it as is
	// so tests and proxies can shape it.
	HTTPClient *http.Client
	Now        func() time.Time
}

// AccountConfig is an adapter's typed account config, decoded from the
// account's section of config.yaml.
type AccountConfig interface {
	// Validate checks the values. It returns a *FieldError, or errors.Join
	// of several, naming keys relative to the account's section.
	Validate() error
	// MissingSecrets names the required secret keys that are empty. An
	// account with enabled: auto is skipped when any is missing.
	MissingSecrets() []string
}

// FieldError is a config mistake: the key and the reason.
type FieldError struct {
	Key    string
	Reason string
}

func (e *FieldError) Error() string { return e.Key + ": " + e.Reason }

// Factory builds adapters of one or more platforms.
type Factory struct {
	Platforms []string
	// NewConfig returns a pointer to a typed config with defaults set.
	NewConfig func(platform string) AccountConfig
	// New builds the adapter of account name from its validated config.
	New func(platform, name string, cfg AccountConfig, deps AdapterDeps) (Adapter, error)
}

// NewFactory builds the Factory of an adapter whose config type is C. New
// is given the config that newConfig made, already as a C, so no adapter
// repeats the type check (and none can panic on a wrong type).
func NewFactory[C AccountConfig](platforms []string, newConfig func(platform string) C,
	build func(platform, name string, cfg C, deps AdapterDeps) (Adapter, error)) Factory {
	return Factory{
		Platforms: platforms,
		NewConfig: func(platform string) AccountConfig { return newConfig(platform) },
		New: func(platform, name string, cfg AccountConfig, deps AdapterDeps) (Adapter, error) {
			c, ok := cfg.(C)
			if !ok {
				var want C
				return nil, fmt.Errorf("%s.%s: config is %T, want %T", platform, name, cfg, want)
			}
			return build(platform, name, c, deps)
		},
	}
}

package bot

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Observer receives the Engine's measurements; the web package turns them
// into Prometheus metrics. Methods must be cheap and safe for concurrent use.
type Observer interface {
	// Received counts inbound events stored (new) and redeliveries dropped.
	Received(platform string, stored, duplicates int)
	// Processed records one inbound event processed, with the time from
	// receipt to the end of its transaction.
	Processed(platform string, latency time.Duration)
	// Sent counts one outbound item delivered.
	Sent(platform string)
	// SendFailed counts one failed attempt, by SendErrorKind name.
	SendFailed(platform, kind string)
}

type nopObserver struct{}

func (nopObserver) Received(string, int, int)       {}
func (nopObserver) Processed(string, time.Duration) {}
func (nopObserver) Sent(string)                     {}
func (nopObserver) SendFailed(string, string)       {}

// Options configure an Engine. Store, Analyzer and Renderer are required.
type Options struct {
	Store    Store
	Analyzer Analyzer
	Renderer Renderer
	// Logger defaults to discarding.
	Logger *slog.Logger
	// Now defaults to time.Now.
	Now func() time.Time
	// Observer defaults to none.
	Observer Observer
	// Workers is how many threads are processed in parallel (default 4).
	Workers int
	// DefaultLang answers followers whose language is unknown (default "fa").
	DefaultLang string
	// Send tunes the dispatcher.
	Send SendOptions
	// Queue hands stored inbox items to the workers. Default: the store's
	// inbox, for one process (NewStoreQueue).
	Queue InboxQueue
}

// DefaultSendConcurrency is how many sends are in flight at most unless
// SendOptions say otherwise.
const DefaultSendConcurrency = 64

// SendOptions tune retries of failed sends.
type SendOptions struct {
	// RetryBase is the first back-off after a temporary failure, doubled
	// each time up to RetryMax (defaults 1s and 5m).
	RetryBase, RetryMax time.Duration
	// MaxAttempts is how many temporary failures an item survives before
	// it fails for good (default 8). Rate-limit answers do not count.
	MaxAttempts int
	// Timeout bounds one Send call (default 30s).
	Timeout time.Duration
	// Concurrency bounds sends in flight (default DefaultSendConcurrency).
	Concurrency int
	// Limiter spaces requests per account and chat as they leave; replicas
	// that share accounts share one. Default: NewLimiter at Run, for one
	// process.
	Limiter Limiter
}

// Engine is the conversation core: it stores inbound events, processes each
// thread in order, and dispatches the outbox. See design.md for the flow.
type Engine struct {
	store    Store
	analyzer Analyzer
	renderer Renderer
	log      *slog.Logger
	now      func() time.Time
	obs      Observer
	workers  int
	lang     string

	mu       sync.RWMutex
	adapters map[string]Adapter // by account key
	status   map[string]AccountStatus

	queue      InboxQueue
	inboxDepth atomic.Int64
	// depthMu orders Run's count of the stored inbox with Accept's
	// additions: Accept holds it shared from its commit to its addition,
	// so Run's count never includes an item that is then added again.
	depthMu  sync.RWMutex
	disp     *dispatcher
	posts    PostPolicy // SetPostPolicy
	campWake chan struct{}
	// segs are the segments as the campaign runner last read them, for
	// the templates written for a segment ("reply.greeting.<segment>").
	segs atomic.Pointer[[]*Segment]
	// segsMu holds each read of the segments until it is in segs, so a
	// read from before a segment's change never replaces one from after.
	segsMu  sync.Mutex
	running atomic.Bool
}

// NewEngine returns an Engine; add adapters, then Run it.
func NewEngine(o Options) (*Engine, error) {
	if o.Store == nil || o.Analyzer == nil || o.Renderer == nil {
		return nil, errors.New("engine: store, analyzer and renderer are required")
	}
	e := &Engine{
		store: o.Store, analyzer: o.Analyzer, renderer: o.Renderer,
		log: o.Logger, now: o.Now, obs: o.Observer, workers: o.Workers, lang: o.DefaultLang,
		adapters: map[string]Adapter{}, status: map[string]AccountStatus{},
		queue: o.Queue, campWake: make(chan struct{}, 1),
	}
	if e.queue == nil {
		e.queue = NewStoreQueue(o.Store)
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.obs == nil {
		e.obs = nopObserver{}
	}
	if e.workers <= 0 {
		e.workers = 4
	}
	if e.lang == "" {
		e.lang = LangFa
	}
	e.disp = newDispatcher(e, o.Send)
	return e, nil
}

// AddAdapter registers an account's adapter. Call it before Run.
func (e *Engine) AddAdapter(a Adapter) {
	e.mu.Lock()
	defer e.mu.Unlock()
	k := AccountKey(a.Platform(), a.Account())
	e.adapters[k] = a
	e.status[k] = AccountStatus{Account: k, State: AccountOK}
}

// Adapter returns the adapter of an account key.
func (e *Engine) Adapter(key string) (Adapter, bool) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	a, ok := e.adapters[key]
	return a, ok
}

// Adapters returns every registered adapter.
func (e *Engine) Adapters() []Adapter {
	e.mu.RLock()
	defer e.mu.RUnlock()
	out := make([]Adapter, 0, len(e.adapters))
	for _, a := range e.adapters {
		out = append(out, a)
	}
	return out
}

// Account states.
const (
	AccountOK             = "ok"
	AccountNeedsAttention = "needs_attention"
)

// AccountStatus tells whether an account works.
type AccountStatus struct {
	Account string    `json:"account"`
	State   string    `json:"state"`
	Reason  string    `json:"reason,omitempty"`
	Since   time.Time `json:"since,omitzero"`
}

// Accounts returns the status of every account, by account key: what the
// dispatcher learnt from sends, and what adapters that check their own
// health (pollers) report.
func (e *Engine) Accounts() []AccountStatus {
	e.mu.RLock()
	defer e.mu.RUnlock()
	out := make([]AccountStatus, 0, len(e.status))
	for k, s := range e.status {
		if h, ok := e.adapters[k].(HealthChecker); ok && s.State == AccountOK {
			if err := h.Health(); err != nil {
				s = AccountStatus{Account: k, State: AccountNeedsAttention, Reason: err.Error(), Since: e.now()}
			}
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b AccountStatus) int { return strings.Compare(a.Account, b.Account) })
	return out
}

func (e *Engine) setStatus(key, state, reason string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.status[key]
	if s.State == state && s.Reason == reason {
		return
	}
	e.status[key] = AccountStatus{Account: key, State: state, Reason: reason, Since: e.now()}
	if state != AccountOK {
		e.log.Warn("account needs attention", "account", key, "reason", reason)
	}
}

// Stats are queue depths for metrics and readiness. Unknown and Failed
// count the outbox items that wait for a person: counted at start, then
// kept as sends end in those states.
type Stats struct {
	Inbox   int `json:"inbox"`
	Pending int `json:"pending"`
	Sending int `json:"sending"`
	Unknown int `json:"unknown"`
	Failed  int `json:"failed"`
}

// Stats returns the current queue depths.
func (e *Engine) Stats() Stats {
	d := e.disp
	return Stats{
		Inbox: int(e.inboxDepth.Load()), Pending: d.count(OutPending), Sending: d.count(OutSending),
		Unknown: d.count(OutUnknown), Failed: d.count(OutFailed),
	}
}

var _ Inbox = (*Engine)(nil)

// Accept stores events durably, de-duplicated, with the cursor; when it
// returns nil the caller may acknowledge the platform.
func (e *Engine) Accept(ctx context.Context, events []Event, cursor *Cursor) error {
	now := e.now()
	for i := range events {
		if events[i].ReceivedAt.IsZero() {
			events[i].ReceivedAt = now
		}
		if err := events[i].Validate(); err != nil {
			return err
		}
	}
	e.depthMu.RLock()
	items, err := e.store.Accept(ctx, events, cursor)
	if err == nil {
		e.inboxDepth.Add(int64(len(items)))
	}
	e.depthMu.RUnlock()
	if err != nil {
		return fmt.Errorf("accept: %w", err)
	}
	perPlatform := map[string][2]int{}
	for _, ev := range events {
		c := perPlatform[ev.Platform]
		c[1]++
		perPlatform[ev.Platform] = c
	}
	for _, it := range items {
		c := perPlatform[it.Event.Platform]
		c[0]++
		c[1]--
		perPlatform[it.Event.Platform] = c
	}
	for p, c := range perPlatform {
		e.obs.Received(p, c[0], c[1])
	}
	if len(items) > 0 {
		e.queue.Stored(items)
	}
	return nil
}

// Cursor returns a poller's stored position.
func (e *Engine) Cursor(ctx context.Context, key string) (string, error) {
	return e.store.Cursor(ctx, key)
}

// Run processes the inbox and dispatches the outbox until ctx is done, then
// drains: it finishes the items in hand and waits for sends in flight.
func (e *Engine) Run(ctx context.Context) error {
	if !e.running.CompareAndSwap(false, true) {
		return errors.New("engine: already running")
	}
	var n int
	e.depthMu.Lock()
	err := e.store.View(ctx, func(tx Tx) (err error) {
		n, err = tx.InboxLen()
		return err
	})
	if err == nil {
		e.inboxDepth.Store(int64(n))
	}
	e.depthMu.Unlock()
	if err != nil {
		return fmt.Errorf("engine: inbox length: %w", err)
	}
	if err := e.disp.recover(ctx); err != nil {
		return err
	}

	queues := make([]chan InboxItem, e.workers)
	var wg sync.WaitGroup
	for i := range queues {
		queues[i] = make(chan InboxItem, 64)
		wg.Add(1)
		go func(q <-chan InboxItem) {
			defer wg.Done()
			for it := range q {
				batch := append(make([]InboxItem, 0, maxBatch), it)
			more:
				for len(batch) < maxBatch {
					select {
					case x, ok := <-q:
						if !ok {
							break more
						}
						batch = append(batch, x)
					default:
						break more
					}
				}
				e.handleBatch(ctx, batch)
			}
		}(queues[i])
	}
	dispDone := make(chan struct{})
	go func() {
		defer close(dispDone)
		e.disp.run(ctx)
	}()
	campDone := make(chan struct{})
	go func() {
		defer close(campDone)
		e.runCampaigns(ctx)
	}()

	err = e.feedLoop(ctx, queues)
	for _, q := range queues {
		close(q)
	}
	wg.Wait()
	<-dispDone
	<-campDone
	return err
}

// inboxLease is how long a claimed inbox item is this process's before
// another may take it: far beyond the time one takes to process.
const inboxLease = 5 * time.Minute

// feedLoop claims inbox items in arrival order and hands each to the
// worker owning its thread, so one thread is processed in order while
// different threads run in parallel. The store holds every item until the
// transaction that processes it: nothing is held only in memory, so a
// crash loses nothing.
func (e *Engine) feedLoop(ctx context.Context, queues []chan InboxItem) error {
	for {
		items, err := e.queue.Claim(ctx, 256, inboxLease)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			e.log.Error("read inbox", "err", err)
			items = nil
		}
		for _, it := range items {
			q := queues[shard(it.Event.ThreadKey().String(), len(queues))]
			select {
			case q <- it:
			case <-ctx.Done():
				return nil
			}
		}
		if len(items) == 256 {
			continue
		}
		select {
		case <-e.queue.Ready():
		case <-time.After(time.Second): // safety net; Accept normally signals
		case <-ctx.Done():
			return nil
		}
	}
}

func shard(key string, n int) int {
	h := fnv.New32a()
	h.Write([]byte(key))
	return int(h.Sum32() % uint32(n))
}

// maxBatch bounds how many items of one worker share a transaction.
const maxBatch = 64

// handleBatch processes the items a worker has in hand in one transaction;
// if that fails, each is processed alone so one bad message cannot hold
// back the others.
func (e *Engine) handleBatch(ctx context.Context, items []InboxItem) {
	if len(items) > 1 {
		if err := e.process(ctx, items...); err == nil || ctx.Err() != nil {
			return
		}
	}
	for _, it := range items {
		e.handle(ctx, it)
	}
}

// handle processes one item, retrying transient failures; an item that
// keeps failing is stored without a reply and flagged for a person, so one
// bad message never blocks its thread.
func (e *Engine) handle(ctx context.Context, it InboxItem) {
	var err error
	for attempt := range 3 {
		if err = e.process(ctx, it); err == nil {
			return
		}
		if ctx.Err() != nil {
			return // processed again after restart
		}
		e.log.Warn("process message", "platform", it.Event.Platform, "seq", it.Seq, "attempt", attempt+1, "err", err)
		select {
		case <-time.After(time.Duration(attempt+1) * 200 * time.Millisecond):
		case <-ctx.Done():
			return
		}
	}
	e.log.Error("message failed processing; flagged for review", "platform", it.Event.Platform, "seq", it.Seq, "err", err)
	if err := e.deadLetter(ctx, it, err); err != nil {
		e.log.Error("store failed message", "seq", it.Seq, "err", err)
	}
}

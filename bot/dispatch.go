package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// IdempotentSender is an adapter whose Send of the same Outbound.ID twice
// delivers once (the built-in web chat). An item it was sending when the
// process died is simply sent again instead of waiting for a person.
type IdempotentSender interface {
	IdempotentSend() bool
}

// dispatcher sends the outbox. One loop owns the lanes (one per chat, so a
// chat's replies leave in order) and the rate limiters; sends run in
// goroutines and report back to the loop.
type dispatcher struct {
	e    *Engine
	opts SendOptions

	mu       sync.Mutex
	lanes    map[string]*lane
	incoming []*Outbound
	wake     chan struct{}
	pending  int
	sending  int
}

type lane struct {
	items []*Outbound // ordered by ID; head is next
	busy  bool
}

// remove drops an item by id: an item with a lower id may have been
// inserted ahead of the one in flight, so the head is not always it.
func (l *lane) remove(id uint64) {
	l.items = slices.DeleteFunc(l.items, func(x *Outbound) bool { return x.ID == id })
}

type sendResult struct {
	o   *Outbound
	err error
}

func newDispatcher(e *Engine, o SendOptions) *dispatcher {
	if o.RetryBase <= 0 {
		o.RetryBase = time.Second
	}
	if o.RetryMax <= 0 {
		o.RetryMax = 5 * time.Minute
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 8
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 64
	}
	return &dispatcher{e: e, opts: o, lanes: map[string]*lane{}, wake: make(chan struct{}, 1)}
}

// add queues a newly enqueued item (called after its transaction commits).
func (d *dispatcher) add(o *Outbound) {
	d.mu.Lock()
	d.incoming = append(d.incoming, o)
	d.pending++
	d.mu.Unlock()
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Enqueue adds an outbound item outside the inbound flow (moderator
// replies, scheduled posts) and hands it to the dispatcher. With a Key that
// exists already nothing is added and the existing item is returned.
func (e *Engine) Enqueue(ctx context.Context, o *Outbound) (*Outbound, bool, error) {
	if o.Source == "" {
		return nil, false, Errorf(EINVALID, "outbound: source required")
	}
	var created bool
	err := e.store.Update(ctx, func(tx Tx) (err error) {
		created, err = tx.Enqueue(o)
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("enqueue: %w", err)
	}
	if created {
		e.disp.add(o)
	}
	return o, created, nil
}

func (d *dispatcher) depth() (pending, sending int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.pending, d.sending
}

// recover runs before anything is sent: items left in "sending" by a crash
// may or may not have reached the platform, so they become "unknown" and a
// flag asks a person, unless the adapter can resend without a duplicate.
// Pending items are loaded into their lanes.
func (d *dispatcher) recover(ctx context.Context) error {
	e := d.e
	for {
		var items []*Outbound
		if err := e.store.View(ctx, func(tx Tx) (err error) {
			items, err = tx.Outbox(OutSending, 0, 256)
			return err
		}); err != nil {
			return fmt.Errorf("dispatcher: list sending: %w", err)
		}
		if len(items) == 0 {
			break
		}
		now := e.now()
		err := e.store.Update(ctx, func(tx Tx) error {
			for _, o := range items {
				o := *o
				o.Updated = now
				if a, ok := e.Adapter(o.AccountKey()); ok && isIdempotent(a) {
					o.State = OutPending
				} else {
					o.State = OutUnknown
					o.LastError = "interrupted while sending; it may have been delivered"
					if err := tx.AddFlag(&Flag{
						Thread:    ThreadKey{Platform: o.Platform, Account: o.Account, Chat: o.Chat},
						MessageID: o.ReplyTo, Severity: SeverityMedium, Reason: "delivery_unknown",
						Detail: fmt.Sprintf("outbox item %d", o.ID), Text: o.Text, Status: FlagOpen, Created: now,
					}); err != nil {
						return err
					}
				}
				if err := tx.PutOutbound(&o); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("dispatcher: recover sending: %w", err)
		}
		e.log.Warn("outbox items interrupted by a restart", "count", len(items))
	}
	var after uint64
	for {
		var items []*Outbound
		if err := e.store.View(ctx, func(tx Tx) (err error) {
			items, err = tx.Outbox(OutPending, after, 1024)
			return err
		}); err != nil {
			return fmt.Errorf("dispatcher: list pending: %w", err)
		}
		for _, o := range items {
			d.add(o)
			after = o.ID
		}
		if len(items) < 1024 {
			return nil
		}
	}
}

func isIdempotent(a Adapter) bool {
	i, ok := a.(IdempotentSender)
	return ok && i.IdempotentSend()
}

// run is the dispatcher loop. On ctx done it stops starting sends and
// waits for those in flight, whose results are still recorded.
func (d *dispatcher) run(ctx context.Context) {
	e := d.e
	lim := newLimiter()
	results := make(chan sendResult)
	inFlight := 0
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	// Results are recorded with a context that outlives ctx, so a send
	// that completed during shutdown is not later taken for interrupted.
	recordCtx := context.WithoutCancel(ctx)

	for {
		d.mu.Lock()
		for _, o := range d.incoming {
			l := d.lanes[o.LaneKey()]
			if l == nil {
				l = &lane{}
				d.lanes[o.LaneKey()] = l
			}
			i, _ := slices.BinarySearchFunc(l.items, o.ID, func(x *Outbound, id uint64) int { return cmpU64(x.ID, id) })
			if i < len(l.items) && l.items[i].ID == o.ID {
				d.pending-- // already queued
				continue
			}
			l.items = slices.Insert(l.items, i, o)
		}
		d.incoming = d.incoming[:0]
		d.mu.Unlock()

		next := time.Time{}
		if ctx.Err() == nil {
			now := e.now()
			for key, l := range d.lanes {
				if len(l.items) == 0 {
					if !l.busy {
						delete(d.lanes, key)
					}
					continue
				}
				if l.busy || inFlight >= d.opts.Concurrency {
					continue
				}
				o := l.items[0]
				a, ok := e.Adapter(o.AccountKey())
				if !ok {
					// No adapter (account disabled): fail it for a person.
					l.items = l.items[1:]
					d.mu.Lock()
					d.pending--
					d.mu.Unlock()
					d.finish(recordCtx, o, &SendError{Kind: SendPermanent, Code: "no_account", Err: fmt.Errorf("account %s is not configured", o.AccountKey())})
					continue
				}
				lm := a.Limits()
				at := o.NotBefore
				if w := lim.when(o.AccountKey(), lm.Account, lm.Burst, now); w.After(at) {
					at = w
				}
				chatRate := lm.Chat[o.ChatType]
				if w := lim.when(key, chatRate, 1, now); w.After(at) {
					at = w
				}
				if at.After(now) {
					if next.IsZero() || at.Before(next) {
						next = at
					}
					continue
				}
				l.busy = true
				inFlight++
				d.mu.Lock()
				d.pending--
				d.sending++
				d.mu.Unlock()
				gate := func() {
					// Reserve the slot at the moment of sending: the lane's
					// first, then the account's no earlier than it.
					slot := lim.reserve(key, chatRate, 1, e.now())
					slot = lim.reserve(o.AccountKey(), lm.Account, lm.Burst, slot)
					if wait := slot.Sub(e.now()); wait > 0 {
						time.Sleep(wait)
					}
				}
				// The send works on its own copy: the loop keeps reading the
				// lane while it runs.
				mine := *o
				go func() { results <- sendResult{o: &mine, err: d.send(recordCtx, a, &mine, gate)} }()
			}
		}
		if ctx.Err() != nil && inFlight == 0 {
			return
		}
		wait := time.Hour
		if !next.IsZero() {
			wait = max(next.Sub(e.now()), time.Millisecond)
		}
		timer.Reset(wait)
		var done <-chan struct{}
		if ctx.Err() == nil {
			done = ctx.Done()
		}
		select {
		case <-d.wake:
		case <-timer.C:
		case <-done:
		case r := <-results:
			inFlight--
			l := d.lanes[r.o.LaneKey()]
			l.busy = false
			d.mu.Lock()
			d.sending--
			d.mu.Unlock()
			if r.err == nil || r.err == errSkipped {
				l.remove(r.o.ID)
				break
			}
			if se := SendErrorOf(r.err); se.Kind == SendRateLimited {
				// The platform asked the whole account to wait.
				lim.block(r.o.AccountKey(), e.now().Add(se.RetryAfter))
			}
			if r.o.State == OutPending {
				d.mu.Lock()
				d.pending++
				d.mu.Unlock()
				if i := slices.IndexFunc(l.items, func(x *Outbound) bool { return x.ID == r.o.ID }); i >= 0 {
					l.items[i] = r.o // its new NotBefore and attempts
				}
			} else {
				l.remove(r.o.ID)
			}
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
	}
}

var errSkipped = errors.New("outbox item no longer pending")

func cmpU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// send moves one item to "sending" durably, calls the adapter, and records
// the outcome. It leaves o in its new state for the loop to read.
func (d *dispatcher) send(ctx context.Context, a Adapter, o *Outbound, gate func()) error {
	e := d.e
	claimed := false
	err := e.store.Update(ctx, func(tx Tx) error {
		cur, err := tx.Outbound(o.ID)
		if err != nil {
			return err
		}
		claimed = cur.State == OutPending
		if !claimed {
			*o = *cur
			return nil
		}
		cur.State, cur.Updated = OutSending, e.now()
		if err := tx.PutOutbound(cur); err != nil {
			return err
		}
		*o = *cur
		return nil
	})
	if err != nil {
		// Not claimed: leave it pending and try again later.
		o.State, o.NotBefore = OutPending, e.now().Add(d.opts.RetryBase)
		return &SendError{Kind: SendTemporary, Err: fmt.Errorf("claim: %w", err)}
	}
	if !claimed {
		return errSkipped // a person resolved it, or a duplicate in a lane
	}
	gate()
	sctx, cancel := context.WithTimeout(ctx, d.opts.Timeout)
	del, serr := a.Send(sctx, o)
	cancel()
	if serr == nil {
		o.PlatformID = del.PlatformID
	}
	return d.finish(ctx, o, serr)
}

// finish records the outcome of a send in the store.
func (d *dispatcher) finish(ctx context.Context, o *Outbound, serr error) error {
	e := d.e
	now := e.now()
	o.Updated = now
	var se *SendError
	if serr == nil {
		o.State, o.LastError, o.NotBefore = OutSent, "", time.Time{}
		e.obs.Sent(o.Platform)
		e.setStatus(o.AccountKey(), AccountOK, "")
	} else {
		se = SendErrorOf(serr)
		e.obs.SendFailed(o.Platform, se.Kind.String())
		o.LastError = se.Error()
		switch se.Kind {
		case SendRateLimited:
			o.State, o.NotBefore = OutPending, now.Add(se.RetryAfter)
		case SendUnauthorized:
			e.setStatus(o.AccountKey(), AccountNeedsAttention, "credentials rejected: "+se.Code)
			o.State, o.NotBefore = OutPending, now.Add(d.opts.RetryMax)
		case SendPermanent:
			o.State = OutFailed
		case SendUnknown:
			o.State = OutUnknown
		default:
			o.Attempts++
			if o.Attempts >= d.opts.MaxAttempts {
				o.State = OutFailed
			} else {
				o.State, o.NotBefore = OutPending, now.Add(backoff(d.opts, o.Attempts))
			}
		}
		e.log.Warn("send failed", "account", o.AccountKey(), "outbound", o.ID, "kind", se.Kind.String(), "code", se.Code, "state", o.State)
	}
	err := e.store.Update(ctx, func(tx Tx) error {
		if err := tx.PutOutbound(o); err != nil {
			return err
		}
		if o.State == OutFailed || o.State == OutUnknown {
			return tx.AddFlag(&Flag{
				Thread:    ThreadKey{Platform: o.Platform, Account: o.Account, Chat: o.Chat},
				MessageID: o.ReplyTo, Severity: SeverityMedium, Reason: "delivery_" + string(o.State),
				Detail: o.LastError, Text: o.Text, Status: FlagOpen, Created: now,
			})
		}
		return nil
	})
	if err != nil {
		e.log.Error("record send outcome", "outbound", o.ID, "err", err)
	}
	if serr != nil {
		return se
	}
	return nil
}

func backoff(o SendOptions, attempts int) time.Duration {
	d := o.RetryBase << min(attempts-1, 20)
	return min(d, o.RetryMax)
}

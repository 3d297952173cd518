package bot

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
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
// chat's replies leave in order) and decides when each may go; sends run in
// goroutines and report back to the loop.
//
// An item stays "pending", in the store and here, for as long as it waits
// for a rate-limit slot. It becomes "sending" only right before its
// request leaves, so a crash or a shutdown while it waits leaves it
// pending, to be sent after the restart; only an item whose request may
// have reached the platform can be found in "sending" and become
// "unknown".
//
// The loop plans sends to keep the platform's limits: a lane's next item
// is due one chat interval after its previous request left, and the
// account's pacer spaces the items it starts. A margin on both intervals
// absorbs the varying latency of the claim between the start and the
// request. The Limiter keeps the platform's own count: a send takes its
// place in it and waits for it while still pending, then claims the item
// and sends at once; a second count, of the moments requests leave,
// holds back the rare request that a slow claim bunched with others.
type dispatcher struct {
	e    *Engine
	opts SendOptions
	wire Limiter
	plan *pacer // owned by run's goroutine
	from time.Time

	stop     chan struct{} // closed when run's context ends
	mu       sync.Mutex
	incoming []*Outbound
	wake     chan struct{}
	counts   map[OutState]int
}

type sendResult struct {
	o   *Outbound
	err error
	at  time.Time // when the request left; zero when it did not
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
		o.Concurrency = DefaultSendConcurrency
	}
	return &dispatcher{
		e: e, opts: o,
		wake: make(chan struct{}, 1), counts: map[OutState]int{}, stop: make(chan struct{}),
	}
}

// add queues a newly enqueued item (called after its transaction commits).
func (d *dispatcher) add(o *Outbound) {
	d.mu.Lock()
	d.incoming = append(d.incoming, o)
	d.counts[OutPending]++
	d.mu.Unlock()
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// move records that an item went from one state to another, for Stats.
func (d *dispatcher) move(from, to OutState) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if from != "" {
		d.counts[from]--
	}
	if to != "" {
		d.counts[to]++
	}
}

func (d *dispatcher) count(s OutState) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.counts[s]
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

// recover runs before anything is sent: items left in "sending" by a crash
// may have reached the platform, so they become "unknown" and a flag asks
// a person, unless the adapter can resend without a duplicate. Pending
// items are loaded into their lanes, and the items that wait for a person
// are counted.
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
					if err := tx.AddFlag(deliveryFlag(&o, now)); err != nil {
						return err
					}
				}
				if err := e.putOutbound(tx, &o, now); err != nil {
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
	for _, st := range []OutState{OutUnknown, OutFailed} {
		n := 0
		if err := d.eachOutbox(ctx, st, func(*Outbound) { n++ }); err != nil {
			return err
		}
		d.mu.Lock()
		d.counts[st] = n
		d.mu.Unlock()
	}
	return d.eachOutbox(ctx, OutPending, d.add)
}

// eachOutbox calls fn for every item in state st, a page at a time.
func (d *dispatcher) eachOutbox(ctx context.Context, st OutState, fn func(*Outbound)) error {
	var after uint64
	for {
		var items []*Outbound
		if err := d.e.store.View(ctx, func(tx Tx) (err error) {
			items, err = tx.Outbox(st, after, 1024)
			return err
		}); err != nil {
			return fmt.Errorf("dispatcher: list %s: %w", st, err)
		}
		for _, o := range items {
			fn(o)
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

func deliveryFlag(o *Outbound, now time.Time) *Flag {
	return &Flag{
		Thread:    ThreadKey{Platform: o.Platform, Account: o.Account, Chat: o.Chat},
		MessageID: o.ReplyTo, Severity: SeverityMedium, Reason: "delivery_" + string(o.State),
		Detail: o.LastError, Text: o.Text, Status: FlagOpen, Created: now,
	}
}

// lane is one chat's queue of items, sent one at a time in id order.
type lane struct {
	key     string
	acct    *account
	adapter Adapter
	chat    Limit
	pace    time.Duration // the chat's interval, with its margin
	last    time.Time     // when its previous request left
	items   []*Outbound   // ordered by ID; head is next
	state   laneState
	at      time.Time // when state is laneTimed: when it is due
}

type laneState int

const (
	laneIdle    laneState = iota // nothing to do, or no adapter
	laneTimed                    // in the timer heap until at
	laneWaiting                  // ready, in its account's queue
	laneBusy                     // its head is being sent
)

// remove drops an item by id: an item with a lower id may have been
// inserted ahead of the one in flight, so the head is not always it.
func (l *lane) remove(id uint64) {
	l.items = slices.DeleteFunc(l.items, func(x *Outbound) bool { return x.ID == id })
}

// account is one platform account's share of the loop: its limit and the
// lanes that are ready and wait for one of its slots, first come first
// served, except that lanes whose next item is bulk (a campaign's) wait
// behind every other: replies to followers who wrote go first.
type account struct {
	key     string
	limit   Limit
	pace    pace
	waiting []*lane
	bulk    []*lane
	at      time.Time // its entry in the timer heap, zero when none
}

// ready reports whether lanes wait for the account's next slot.
func (a *account) ready() bool { return len(a.waiting) > 0 || len(a.bulk) > 0 }

// next takes the lane that goes next.
func (a *account) next() *lane {
	q := &a.waiting
	if len(a.waiting) == 0 {
		q = &a.bulk
	}
	l := (*q)[0]
	*q = (*q)[1:]
	return l
}

// isBulk reports an item that may wait behind replies.
func isBulk(o *Outbound) bool { return o.Kind == OutDirect && strings.HasPrefix(o.Source, "campaign:") }

// wakeup is an entry of the loop's timer heap: a lane or an account that
// is due at at. Entries are not removed when plans change; one that no
// longer matches its lane or account is skipped.
type wakeup struct {
	at   time.Time
	lane *lane
	acct *account
}

type wakeups []wakeup

func (h wakeups) Len() int           { return len(h) }
func (h wakeups) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h wakeups) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *wakeups) Push(x any)        { *h = append(*h, x.(wakeup)) }
func (h *wakeups) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// loop is the state the dispatcher loop owns; only run's goroutine touches it.
type loop struct {
	d        *dispatcher
	ctx      context.Context // for recording results; outlives run's ctx
	lanes    map[string]*lane
	accounts map[string]*account
	timers   wakeups
	starved  map[*account]bool // have ready lanes but no send slot was free
	inFlight int
	results  chan sendResult
}

// run is the dispatcher loop. On ctx done it stops starting sends and
// waits for those in flight, whose results are still recorded; items that
// wait for a slot stay pending.
func (d *dispatcher) run(ctx context.Context) {
	d.from = d.e.now()
	d.plan, d.wire = newPacer(d.from), d.opts.Limiter
	if d.wire == nil {
		d.wire = NewLimiter()
	}
	s := &loop{
		d: d,
		// Results are recorded with a context that outlives ctx, so a send
		// that completed during shutdown is not later taken for interrupted.
		ctx:   context.WithoutCancel(ctx),
		lanes: map[string]*lane{}, accounts: map[string]*account{},
		starved: map[*account]bool{}, results: make(chan sendResult),
	}
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	defer context.AfterFunc(ctx, func() { close(d.stop) })()
	for {
		stopping := ctx.Err() != nil
		if !stopping {
			s.admit()
			s.fire(d.e.now())
		}
		if stopping && s.inFlight == 0 {
			return
		}
		wait := time.Hour
		if len(s.timers) > 0 && !stopping {
			wait = max(s.timers[0].at.Sub(d.e.now()), time.Millisecond)
		}
		timer.Reset(wait)
		var done <-chan struct{}
		if !stopping {
			done = ctx.Done()
		}
		select {
		case <-d.wake:
		case <-timer.C:
		case <-done:
		case r := <-s.results:
			s.result(r, stopping)
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
	}
}

// admit moves newly added items into their lanes.
func (s *loop) admit() {
	d := s.d
	d.mu.Lock()
	incoming := d.incoming
	d.incoming = nil
	d.mu.Unlock()
	now := d.e.now()
	for _, o := range incoming {
		l := s.lane(o)
		i, found := slices.BinarySearchFunc(l.items, o.ID, func(x *Outbound, id uint64) int { return cmpU64(x.ID, id) })
		if found {
			d.move(OutPending, "") // already queued
			continue
		}
		l.items = slices.Insert(l.items, i, o)
		if l.adapter == nil {
			// No adapter (account disabled): fail it for a person.
			l.items = l.items[:0]
			d.move(OutPending, "")
			d.finish(s.ctx, o, &SendError{Kind: SendPermanent, Code: "no_account", Err: fmt.Errorf("account %s is not configured", o.AccountKey())})
			continue
		}
		if i == 0 && l.state != laneBusy && l.state != laneWaiting {
			s.plan(l, now) // a new head: it may be due earlier
		}
	}
}

// lane returns the lane of o, made on first use.
func (s *loop) lane(o *Outbound) *lane {
	key := o.LaneKey()
	if l := s.lanes[key]; l != nil {
		return l
	}
	l := &lane{key: key}
	s.lanes[key] = l
	a, ok := s.d.e.Adapter(o.AccountKey())
	if !ok {
		return l
	}
	l.adapter = a
	lm := a.Limits()
	chat := lm.Chat[o.ChatType]
	l.chat, l.pace = Limit{Key: key, Rate: chat}, paced(key, chat, 1).interval
	acct := s.accounts[o.AccountKey()]
	if acct == nil {
		acct = &account{key: o.AccountKey(), limit: Limit{Key: o.AccountKey(), Rate: lm.Account}, pace: paced(o.AccountKey(), lm.Account, lm.Burst)}
		s.accounts[acct.key] = acct
	}
	l.acct = acct
	return l
}

// plan decides what an idle or timed lane does next: nothing (empty), wait
// until its head is due, or queue for its account's next slot.
func (s *loop) plan(l *lane, now time.Time) {
	if len(l.items) == 0 {
		l.state = laneIdle
		delete(s.lanes, l.key)
		return
	}
	at := now
	if l.pace > 0 {
		// A lane that has not sent in this run counts from the start, as
		// the pacer does: its last request may have left just before it.
		last := l.last
		if last.IsZero() {
			last = s.d.from.Add(-l.pace + min(l.pace, maxCarry))
		}
		if due := last.Add(l.pace); due.After(at) {
			at = due
		}
	}
	if nb := l.items[0].NotBefore; nb.After(at) {
		at = nb
	}
	if at.After(now) {
		l.state, l.at = laneTimed, at
		heap.Push(&s.timers, wakeup{at: at, lane: l})
		return
	}
	l.state = laneWaiting
	if isBulk(l.items[0]) {
		l.acct.bulk = append(l.acct.bulk, l)
	} else {
		l.acct.waiting = append(l.acct.waiting, l)
	}
	s.serve(l.acct, now)
}

// serve starts the ready lanes of an account while it has slots.
func (s *loop) serve(a *account, now time.Time) {
	for a.ready() {
		if s.inFlight >= s.d.opts.Concurrency {
			s.starved[a] = true
			return
		}
		if at := s.d.plan.when(a.pace, now); at.After(now) {
			if !a.at.Equal(at) {
				a.at = at
				heap.Push(&s.timers, wakeup{at: at, acct: a})
			}
			return
		}
		l := a.next()
		s.d.plan.reserve(a.pace, now)
		s.start(l)
	}
	delete(s.starved, a)
}

// fire handles the timers that are due.
func (s *loop) fire(now time.Time) {
	for len(s.timers) > 0 && !s.timers[0].at.After(now) {
		w := heap.Pop(&s.timers).(wakeup)
		switch {
		case w.lane != nil:
			if w.lane.state == laneTimed && w.lane.at.Equal(w.at) {
				s.plan(w.lane, now)
			}
		case w.acct.at.Equal(w.at):
			w.acct.at = time.Time{}
			s.serve(w.acct, now)
		}
	}
}

// start sends a lane's head in a goroutine.
func (s *loop) start(l *lane) {
	d := s.d
	l.state = laneBusy
	s.inFlight++
	d.move(OutPending, OutSending)
	// The send works on its own copy: the loop keeps reading the lane.
	mine := *l.items[0]
	limits := []Limit{l.chat, l.acct.limit}
	go func() {
		at, err := d.send(s.ctx, l.adapter, &mine, limits)
		s.results <- sendResult{o: &mine, err: err, at: at}
	}()
}

// result takes a finished send back into its lane.
func (s *loop) result(r sendResult, stopping bool) {
	d := s.d
	s.inFlight--
	l := s.lanes[r.o.LaneKey()]
	d.move(OutSending, "")
	if !r.at.IsZero() {
		l.last = r.at
	}
	switch {
	case r.err == nil || errors.Is(r.err, errSkipped):
		l.remove(r.o.ID)
	case errors.Is(r.err, errStopped):
		d.move("", OutPending) // still pending, in the store too
	default:
		if se := SendErrorOf(r.err); se.Kind == SendRateLimited {
			// The platform asked the whole account to wait.
			until := d.e.now().Add(se.RetryAfter)
			d.plan.block(l.acct.key, until)
			d.wire.Block(l.acct.key, until)
		}
		if r.o.State == OutPending {
			d.move("", OutPending)
			if i := slices.IndexFunc(l.items, func(x *Outbound) bool { return x.ID == r.o.ID }); i >= 0 {
				l.items[i] = r.o // its new NotBefore and attempts
			}
		} else {
			l.remove(r.o.ID)
		}
	}
	l.state = laneIdle
	if stopping {
		return
	}
	now := d.e.now()
	s.plan(l, now)
	for a := range s.starved {
		s.serve(a, now)
	}
}

var (
	errSkipped = errors.New("outbox item no longer pending")
	// errStopped: the dispatcher stopped while the item waited for its
	// slot, before it was claimed.
	errStopped = errors.New("dispatcher stopped before the send")
)

// onWire are the limits counted by when requests leave, beside the same
// limits counted before the claim.
func onWire(limits []Limit) []Limit {
	out := make([]Limit, len(limits))
	for i, lm := range limits {
		out[i] = Limit{Key: lm.Key + "@wire", Rate: lm.Rate}
	}
	return out
}

func cmpU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// send moves one item to "sending" durably, calls the adapter, and
// records the outcome; it returns when the request left (zero when it did
// not). It leaves o in its new state for the loop to read.
//
// A crash while it waits for its slot leaves it pending.
func (d *dispatcher) send(ctx context.Context, a Adapter, o *Outbound, limits []Limit) (time.Time, error) {
	e := d.e
	// Take the request's place in the platform's count, and wait for it,
	// while the item is still pending: after the claim nothing but the
	// request itself comes, so that an item is "sending" only while its
	// request may be on its way.
	at := d.wire.Take(e.now(), limits...)
	if wait := at.Sub(e.now()); wait > 0 {
		// A platform's retry-after can be long (X: up to 15 minutes), so
		// a stop does not wait for it: the item is not claimed yet and
		// stays pending for the next start.
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-d.stop:
			t.Stop()
			return time.Time{}, errStopped
		}
	}
	claimed, withdrawn := false, false
	err := e.store.Update(ctx, func(tx Tx) error {
		cur, err := tx.Outbound(o.ID)
		if err != nil {
			return err
		}
		claimed = cur.State == OutPending
		if claimed {
			if withdrawn, err = e.withdrawCancelled(tx, cur); err != nil || withdrawn {
				claimed = false
			}
		}
		if !claimed {
			*o = *cur
			return err
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
		return time.Time{}, &SendError{Kind: SendTemporary, Err: fmt.Errorf("claim: %w", err)}
	}
	if withdrawn {
		e.wakeCampaigns() // the campaign may be done now
	}
	if !claimed {
		return time.Time{}, errSkipped // a person resolved it, a duplicate in a lane, or withdrawn
	}
	// The claim's latency varies; when a slow one bunched requests beyond
	// what the margins absorb, the count of requests as they leave holds
	// this one back. That is rare, and the only wait while "sending".
	if wait := d.wire.Take(e.now(), onWire(limits)...).Sub(e.now()); wait > 0 {
		time.Sleep(wait)
	}
	sctx, cancel := context.WithTimeout(ctx, d.opts.Timeout)
	del, serr := a.Send(sctx, o)
	cancel()
	if serr == nil {
		o.PlatformID = del.PlatformID
	}
	return at, d.finish(ctx, o, serr)
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
		if err := e.putOutbound(tx, o, now); err != nil {
			return err
		}
		if se != nil && se.Code == CodeBlocked {
			if err := blockedBy(tx, o, now); err != nil {
				return err
			}
		}
		if o.State == OutFailed || o.State == OutUnknown {
			return tx.AddFlag(deliveryFlag(o, now))
		}
		return nil
	})
	if err != nil {
		e.log.Error("record send outcome", "outbound", o.ID, "err", err)
	}
	if isBulk(o) && o.State != OutPending {
		e.wakeCampaigns() // room for the campaign's next recipients
	}
	if o.State == OutFailed || o.State == OutUnknown {
		d.move("", o.State)
	}
	if serr != nil {
		return se
	}
	return nil
}

// blockedBy withdraws the consent of the follower who blocked the account
// an item went to, through that account.
func blockedBy(tx Tx, o *Outbound, now time.Time) error {
	user := o.Recipient
	if user == "" && o.ChatType == ChatPrivate {
		user = o.Chat
	}
	if user == "" {
		return nil
	}
	f, err := tx.Follower(FollowerKey{Platform: o.Platform, UserID: user})
	if ErrorCode(err) == ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	f.SetConsentVia(ConsentRevoked, now, o.AccountKey())
	return tx.PutFollower(f)
}

func backoff(o SendOptions, attempts int) time.Duration {
	d := o.RetryBase << min(attempts-1, 20)
	return min(d, o.RetryMax)
}

// Package schedule fires the slots of approved posts: once at a time, or
// on a recurring cron spec (robfig/cron/v3, seconds optional) read in the
// post's time zone.
//
// # Durability
//
// Nothing of the schedule lives only in memory. Each post keeps the time
// of its next slot in the store (bot.Post.Next, indexed), and each firing
// is a bot.Slot keyed by (post, slot time) made in the same transaction as
// its outbox items and the move of Next: a restart neither loses a slot
// (Next is still due) nor repeats one (the slot and its items exist, keyed
// by post, slot time and account). A slot that came due while the service
// was down goes out late when it is within the lateness (the post's, else
// the configured one), and is marked missed otherwise, with a notice to
// the author.
//
// # Outcomes
//
// Publishing goes through the outbox and its rate limits. The scheduler
// follows each slot's items and records per account whether it went out,
// with the platform's id and link, or why not. A publish whose outcome is
// unknown is never retried by itself (bot.Engine.SettleSlot).
//
// # Clock
//
// The clock is injected (Options.Clock); Tick is one pass and is what the
// tests drive with a fake clock. Every post's work runs under a recover
// wrapper, so one failing post never stops the others.
package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"engagebot/bot"
)

// parser reads specs of five fields (minute first) or six (seconds
// first), and descriptors such as @daily and @every 90m.
var parser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// Cron reads cron specs; it is the bot.Clocks the engine validates posts
// with.
type Cron struct{}

var _ bot.Clocks = Cron{}

// Next is the first fire time of spec in loc strictly after t, in UTC.
// The zone is the post's tz, so a spec may not name one itself.
func (Cron) Next(spec string, loc *time.Location, after time.Time) (time.Time, error) {
	if strings.Contains(spec, "TZ=") {
		return time.Time{}, errors.New("give the time zone in tz, not in the spec")
	}
	s, err := parser.Parse(spec)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: %w", spec, err)
	}
	if ss, ok := s.(*cron.SpecSchedule); ok {
		ss.Location = loc
	}
	next := s.Next(after.In(loc))
	if next.IsZero() {
		return time.Time{}, nil
	}
	return next.UTC(), nil
}

// Engine is what the scheduler needs of the core; *bot.Engine is one.
type Engine interface {
	FireSlot(ctx context.Context, id uint64, at, next time.Time, missed bool) (*bot.Slot, error)
	SettleSlot(ctx context.Context, id uint64, at time.Time) (*bot.Slot, error)
	PostPolicy() bot.PostPolicy
}

// Reader reads the store; bot.Store is one.
type Reader interface {
	View(ctx context.Context, fn func(bot.Tx) error) error
}

// Options configure a Scheduler. Engine and Store are required.
type Options struct {
	Engine Engine
	Store  Reader
	// Clock is the scheduler's time (default time.Now). Tests give a fake
	// one, or a Scaled one to run a day in minutes.
	Clock func() time.Time
	// Lateness is how late a slot may still go out when the post sets
	// none (default: the engine's policy, 15m).
	Lateness time.Duration
	// Every is how often Run makes a pass, in real time (default 1s).
	Every  time.Duration
	Logger *slog.Logger
}

// Scheduler fires due slots and follows their outcomes.
type Scheduler struct {
	o   Options
	log *slog.Logger
}

// New returns a Scheduler; Run it.
func New(o Options) (*Scheduler, error) {
	if o.Engine == nil || o.Store == nil {
		return nil, errors.New("schedule: engine and store are required")
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Lateness <= 0 {
		o.Lateness = o.Engine.PostPolicy().Lateness
	}
	if o.Every <= 0 {
		o.Every = time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Scheduler{o: o, log: o.Logger}, nil
}

// Scaled is a clock that reads start at real time epoch and runs scale
// times faster from there: real epoch+d reads as start+d*scale.
// Processes given the same values agree on the time, so a restart
// resumes the same compressed day. Only tests use it.
func Scaled(epoch, start time.Time, scale float64) func() time.Time {
	return func() time.Time {
		d := time.Since(epoch)
		return start.Add(time.Duration(float64(d) * scale))
	}
}

// Run makes a pass every Options.Every until ctx is done, then returns nil.
func (s *Scheduler) Run(ctx context.Context) error {
	t := time.NewTicker(s.o.Every)
	defer t.Stop()
	for {
		if err := s.Tick(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("schedule pass", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Batch sizes of one pass.
const (
	duePage    = 256
	openPage   = 256
	maxRounds  = 1000
	noProgress = 0
)

// Tick is one pass: it fires every slot due at the clock's time (a
// recurring post that missed several comes round once per slot), then
// takes the outcomes of open slots in. A post that fails is logged and
// left for the next pass; the others go on.
func (s *Scheduler) Tick(ctx context.Context) error {
	now := s.o.Clock()
	skip := map[uint64]bool{}
	for range maxRounds {
		var due []*bot.Post
		if err := s.o.Store.View(ctx, func(tx bot.Tx) (err error) {
			due, err = tx.DuePosts(now, duePage)
			return err
		}); err != nil {
			return fmt.Errorf("schedule: due posts: %w", err)
		}
		fired := noProgress
		for _, p := range due {
			if skip[p.ID] || ctx.Err() != nil {
				continue
			}
			ok := s.safely("fire", p.ID, func() (bool, error) { return s.fire(ctx, p, now) })
			if ok {
				fired++
			} else {
				skip[p.ID] = true
			}
		}
		if fired == noProgress {
			break
		}
	}
	return s.settle(ctx)
}

// fire makes the slot at p.Next and moves p to its next one.
func (s *Scheduler) fire(ctx context.Context, p *bot.Post, now time.Time) (bool, error) {
	at := p.Next
	var next time.Time
	if p.Recurring() {
		loc, err := time.LoadLocation(p.TZ)
		if err != nil {
			return false, fmt.Errorf("tz %q: %w", p.TZ, err)
		}
		if next, err = (Cron{}).Next(p.Cron, loc, at); err != nil {
			return false, err
		}
	}
	lateness := p.Lateness
	if lateness <= 0 {
		lateness = s.o.Lateness
	}
	missed := now.Sub(at) > lateness
	sl, err := s.o.Engine.FireSlot(ctx, p.ID, at, next, missed)
	if err != nil || sl == nil {
		return false, err
	}
	s.log.Info("post slot fired", "post", p.ID, "at", at, "missed", missed, "targets", len(sl.Targets))
	return true, nil
}

// settle follows every open slot.
func (s *Scheduler) settle(ctx context.Context) error {
	var (
		afterPost uint64
		afterAt   time.Time
	)
	for ctx.Err() == nil {
		var open []*bot.Slot
		if err := s.o.Store.View(ctx, func(tx bot.Tx) (err error) {
			open, err = tx.OpenSlots(afterPost, afterAt, openPage)
			return err
		}); err != nil {
			return fmt.Errorf("schedule: open slots: %w", err)
		}
		for _, sl := range open {
			s.safely("settle", sl.Post, func() (bool, error) {
				_, err := s.o.Engine.SettleSlot(ctx, sl.Post, sl.At)
				return err == nil, err
			})
			afterPost, afterAt = sl.Post, sl.At
		}
		if len(open) < openPage {
			return nil
		}
	}
	return nil
}

// safely runs one post's job, turning a panic into a logged failure so
// the pass goes on with the other posts.
func (s *Scheduler) safely(what string, post uint64, fn func() (bool, error)) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("schedule job panicked", "job", what, "post", post, "panic", r, "stack", string(debug.Stack()))
			ok = false
		}
	}()
	ok, err := fn()
	if err != nil {
		s.log.Warn("schedule job failed", "job", what, "post", post, "err", err)
		return false
	}
	return ok
}

package main

import (
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"engagebot/bot"
	"engagebot/config"
	"engagebot/schedule"
)

// clockEnv compresses the scheduler's time for end-to-end tests:
// "<real epoch>,<start>,<scale>" (RFC 3339 times) makes the scheduler's
// clock read start at the real time epoch and run scale times faster, so
// a day of posts fits in a minute and restarts resume the same day. Only
// tests set it; the engine's own clock, and so the platforms' rate
// limits, stay real.
const clockEnv = "ENGAGEBOT_SCHEDULE_CLOCK"

// newScheduler sets the engine's post policy from the config and builds
// the scheduler that fires approved posts.
func newScheduler(c *config.Config, e *bot.Engine, store bot.Store, log *slog.Logger) (*schedule.Scheduler, error) {
	s := c.Schedule
	clock, err := scheduleClock(os.Getenv(clockEnv))
	if err != nil {
		return nil, err
	}
	e.SetPostPolicy(bot.PostPolicy{Approvals: s.Approvals, NoteRequired: s.NoteRequired, Lateness: s.Lateness, TZ: s.TZ,
		Clocks: schedule.Cron{}, Now: clock})
	return schedule.New(schedule.Options{Engine: e, Store: store, Clock: clock, Lateness: s.Lateness, Every: s.Every, Logger: log})
}

func scheduleClock(v string) (func() time.Time, error) {
	if v == "" {
		return time.Now, nil
	}
	parts := strings.Split(v, ",")
	bad := fmt.Errorf("%s: want <real epoch>,<start>,<scale of 1 or more>, got %q", clockEnv, v)
	if len(parts) != 3 {
		return nil, bad
	}
	epoch, err1 := time.Parse(time.RFC3339Nano, parts[0])
	start, err2 := time.Parse(time.RFC3339Nano, parts[1])
	scale, err3 := strconv.ParseFloat(parts[2], 64)
	if err1 != nil || err2 != nil || err3 != nil || scale < 1 {
		return nil, bad
	}
	return schedule.Scaled(epoch, start, scale), nil
}

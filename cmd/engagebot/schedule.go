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
// "<RFC 3339 epoch>,<scale>" runs the scheduler's clock scale times faster
// than real time from epoch on, so a day of posts fits in minutes and
// restarts resume the same day. Only tests set it; the engine's own
// clock, and so the platforms' rate limits, stay real.
const clockEnv = "ENGAGEBOT_SCHEDULE_CLOCK"

// newScheduler sets the engine's post policy from the config and builds
// the scheduler that fires approved posts.
func newScheduler(c *config.Config, e *bot.Engine, store bot.Store, log *slog.Logger) (*schedule.Scheduler, error) {
	s := c.Schedule
	e.SetPostPolicy(bot.PostPolicy{Approvals: s.Approvals, NoteRequired: s.NoteRequired, Lateness: s.Lateness, TZ: s.TZ, Clocks: schedule.Cron{}})
	clock, err := scheduleClock(os.Getenv(clockEnv))
	if err != nil {
		return nil, err
	}
	return schedule.New(schedule.Options{Engine: e, Store: store, Clock: clock, Lateness: s.Lateness, Every: s.Every, Logger: log})
}

func scheduleClock(v string) (func() time.Time, error) {
	if v == "" {
		return time.Now, nil
	}
	epoch, scale, ok := strings.Cut(v, ",")
	t, err1 := time.Parse(time.RFC3339Nano, epoch)
	f, err2 := strconv.ParseFloat(scale, 64)
	if !ok || err1 != nil || err2 != nil || f < 1 {
		return nil, fmt.Errorf("%s: want <RFC 3339 epoch>,<scale of 1 or more>, got %q", clockEnv, v)
	}
	return schedule.Scaled(t, f), nil
}

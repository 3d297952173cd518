package config

import (
	"time"
)

// Schedule configures scheduled posts: how they are approved and how a
// slot missed while the service was down is treated.
type Schedule struct {
	// Approvals is how many people other than the author sign a post's
	// version off before it is scheduled: 1 or 2.
	Approvals int `yaml:"approvals"`
	// NoteRequired makes each approval carry a sign-off note (medical,
	// legal).
	NoteRequired bool `yaml:"note_required"`
	// Lateness is how late a slot missed while the service was down may
	// still go out; later ones are marked missed and the author told. A
	// post may set its own.
	Lateness time.Duration `yaml:"lateness"`
	// TZ is the time zone of cron specs and of dates given without an
	// offset, when a post names none.
	TZ string `yaml:"tz"`
	// Every is how often the scheduler looks for due slots.
	Every time.Duration `yaml:"every"`
}

func defaultSchedule() Schedule {
	return Schedule{Approvals: 1, Lateness: 15 * time.Minute, TZ: "Asia/Tehran", Every: time.Second}
}

// validate names every mistake by its key.
func (s *Schedule) validate() []error {
	var errs []error
	bad := func(key, reason string) {
		errs = append(errs, &KeyError{Key: "schedule." + key, Reason: reason})
	}
	if s.Approvals != 1 && s.Approvals != 2 {
		bad("approvals", "must be 1 or 2")
	}
	if s.Lateness < 0 || s.Lateness > 7*24*time.Hour {
		bad("lateness", "must be between 0s and 168h")
	}
	if _, err := time.LoadLocation(s.TZ); err != nil || s.TZ == "" {
		bad("tz", "must be a time zone name such as Asia/Tehran")
	}
	if s.Every < 10*time.Millisecond || s.Every > time.Minute {
		bad("every", "must be between 10ms and 1m")
	}
	return errs
}

package config_test

import (
	"strings"
	"testing"
	"time"

	"engagebot/config"
)

func TestSchedule(t *testing.T) {
	for i, tc := range []struct {
		yaml string
		errs []string
		want func(s config.Schedule) bool
	}{
		{"", nil, func(s config.Schedule) bool {
			return s.Approvals == 1 && !s.NoteRequired && s.Lateness == 15*time.Minute && s.TZ == "Asia/Tehran" && s.Every == time.Second
		}},
		{"schedule:\n  approvals: 2\n  note_required: true\n  lateness: 1h\n  tz: UTC\n  every: 250ms\n", nil, func(s config.Schedule) bool {
			return s.Approvals == 2 && s.NoteRequired && s.Lateness == time.Hour && s.TZ == "UTC" && s.Every == 250*time.Millisecond
		}},
		{"schedule:\n  approvals: 3\n  lateness: 200h\n  tz: Mars/Olympus\n  every: 1h\n", []string{
			"schedule.approvals: must be 1 or 2",
			"schedule.lateness: must be between 0s and 168h",
			"schedule.tz: must be a time zone name such as Asia/Tehran",
			"schedule.every: must be between 10ms and 1m",
		}, nil},
		{"schedule:\n  aprovals: 2\n", []string{"schedule.aprovals"}, nil},
	} {
		c, err := config.Parse([]byte(tc.yaml), nil, func(string) string { return "" })
		if tc.errs != nil {
			if err == nil {
				t.Errorf("%d: no error, want %q", i, tc.errs)
				continue
			}
			for _, w := range tc.errs {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%d: error\n%s\nlacks %q", i, err, w)
				}
			}
			continue
		}
		if err != nil {
			t.Errorf("%d: %v", i, err)
			continue
		}
		if !tc.want(c.Schedule) {
			t.Errorf("%d: schedule %+v", i, c.Schedule)
		}
	}
}

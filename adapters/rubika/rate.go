package rubika

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"engagebot/bot"
)

// Rate is a sending limit written as "COUNT/PERIOD" in config.yaml: "30/s",
// "1/s", "20/m", "100/90s". PERIOD is a Go duration; a bare unit means one
// of it. "0" or "" means unlimited.
type Rate bot.Rate

// UnmarshalText parses "COUNT/PERIOD".
func (r *Rate) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "" || s == "0" {
		*r = Rate{}
		return nil
	}
	count, period, ok := strings.Cut(s, "/")
	if !ok {
		return fmt.Errorf("rate %q: want COUNT/PERIOD, e.g. 30/s or 20/m", s)
	}
	n, err := strconv.Atoi(strings.TrimSpace(count))
	if err != nil || n < 0 {
		return fmt.Errorf("rate %q: count must be a whole number >= 0", s)
	}
	period = strings.TrimSpace(period)
	if period != "" && (period[0] < '0' || period[0] > '9') {
		period = "1" + period
	}
	d, err := time.ParseDuration(period)
	if err != nil || d <= 0 {
		return fmt.Errorf("rate %q: period must be a positive duration such as s, m or 90s", s)
	}
	*r = Rate{Count: n, Per: d}
	return nil
}

// MarshalText writes the rate back as "COUNT/PERIOD".
func (r Rate) MarshalText() ([]byte, error) {
	if r.Count <= 0 || r.Per <= 0 {
		return []byte("0"), nil
	}
	return []byte(strconv.Itoa(r.Count) + "/" + r.Per.String()), nil
}

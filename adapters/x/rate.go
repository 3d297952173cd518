package x

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"engagebot/bot"
)

// Rate is a sending limit written "COUNT/PERIOD" in config.yaml, as for
// every platform: "100/s", "750/h", "100/15m". PERIOD is a Go duration; a
// bare unit means one of it. "0" means unlimited.
type Rate struct{ bot.Rate }

// UnmarshalText parses "COUNT/PERIOD".
func (r *Rate) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "0" {
		r.Rate = bot.Rate{}
		return nil
	}
	count, period, ok := strings.Cut(s, "/")
	n, err := strconv.Atoi(strings.TrimSpace(count))
	if !ok || err != nil || n < 0 {
		return fmt.Errorf("want COUNT/PERIOD such as 100/s or 750/h, got %q", s)
	}
	period = strings.TrimSpace(period)
	if period != "" && (period[0] < '0' || period[0] > '9') {
		period = "1" + period
	}
	d, err := time.ParseDuration(period)
	if err != nil || d <= 0 {
		return fmt.Errorf("period must be a positive duration such as s, h or 15m, got %q", s)
	}
	r.Rate = bot.Rate{Count: n, Per: d}
	return nil
}

// MarshalText writes the rate back as "COUNT/PERIOD".
func (r Rate) MarshalText() ([]byte, error) {
	if r.Count == 0 {
		return []byte("0"), nil
	}
	return []byte(strconv.Itoa(r.Count) + "/" + r.Per.String()), nil
}

func rate(count int, per time.Duration) Rate { return Rate{bot.Rate{Count: count, Per: per}} }

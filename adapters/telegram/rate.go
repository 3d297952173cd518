package telegram

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"engagebot/bot"
)

// Rate is a sending limit written as "COUNT/PERIOD" in config.yaml: "30/s",
// "1/s", "20/m", "100/90s". PERIOD is a Go duration; a bare unit means one
// of it. "0" means unlimited.
type Rate string

// Parse reads the rate.
func (r Rate) Parse() (bot.Rate, error) {
	s := strings.TrimSpace(string(r))
	if s == "0" {
		return bot.Rate{}, nil
	}
	count, period, ok := strings.Cut(s, "/")
	if !ok {
		return bot.Rate{}, fmt.Errorf("want COUNT/PERIOD such as 30/s or 20/m, got %q", s)
	}
	n, err := strconv.Atoi(strings.TrimSpace(count))
	if err != nil || n < 0 {
		return bot.Rate{}, fmt.Errorf("count must be a whole number >= 0, got %q", count)
	}
	period = strings.TrimSpace(period)
	if period != "" && (period[0] < '0' || period[0] > '9') {
		period = "1" + period
	}
	d, err := time.ParseDuration(period)
	if err != nil || d <= 0 {
		return bot.Rate{}, fmt.Errorf("period must be a positive duration such as s, m or 90s, got %q", s)
	}
	return bot.Rate{Count: n, Per: d}, nil
}

// rate is Parse for a validated value.
func (r Rate) rate() bot.Rate {
	br, _ := r.Parse()
	return br
}

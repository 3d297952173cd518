package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// UnmarshalText parses a rate written "COUNT/PERIOD" in config.yaml:
// "30/s", "20/m", "750/h", "100/15m". PERIOD is a Go duration; a bare unit
// means one of it. "0" means unlimited.
func (r *Rate) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "0" {
		*r = Rate{}
		return nil
	}
	count, period, ok := strings.Cut(s, "/")
	n, err := strconv.Atoi(strings.TrimSpace(count))
	if !ok || err != nil || n < 0 {
		return fmt.Errorf("want COUNT/PERIOD such as 30/s or 750/h, got %q", s)
	}
	period = strings.TrimSpace(period)
	if period != "" && (period[0] < '0' || period[0] > '9') {
		period = "1" + period
	}
	d, err := time.ParseDuration(period)
	if err != nil || d <= 0 {
		return fmt.Errorf("period must be a positive duration such as s, h or 15m, got %q", s)
	}
	*r = Rate{Count: n, Per: d}
	return nil
}

// MarshalText writes the rate as "COUNT/PERIOD".
func (r Rate) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// String returns "COUNT/PERIOD", or "0" when unlimited.
func (r Rate) String() string {
	if r.Count <= 0 || r.Per <= 0 {
		return "0"
	}
	return strconv.Itoa(r.Count) + "/" + r.Per.String()
}

// HealthChecker is an adapter that knows whether its account works (for
// example a poller whose token was revoked). A non-nil error marks the
// account as needing attention; its text must not contain secrets.
type HealthChecker interface {
	Health() error
}

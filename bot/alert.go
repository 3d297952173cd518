package bot

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"time"
)

// Alert is a crisis starting: negative volume on a platform well above its
// usual level for that hour and weekday. One alert covers one episode: it
// is raised when the volume crosses the threshold, kept up to date while
// it stays above, and cleared when it falls back.
type Alert struct {
	ID       uint64      `json:"id"` // store-assigned, increasing
	Platform string      `json:"platform"`
	Status   AlertStatus `json:"status"`
	// From and To bound the hour of messages that raised it.
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Negative counts that hour's negative messages; Peak is the highest
	// count seen during the episode.
	Negative int `json:"negative"`
	Peak     int `json:"peak"`
	// Usual is the mean negative count of the same hour on the same
	// weekday over the past Weeks weeks, SD its standard deviation, and
	// Threshold the count above which the volume is a crisis.
	Usual     float64 `json:"usual"`
	SD        float64 `json:"sd"`
	Threshold float64 `json:"threshold"`
	Weeks     int     `json:"weeks"`
	// Factor is Negative / Usual, 0 when usually there are none.
	Factor float64 `json:"factor"`
	// Threads are the negative threads of the hour, flagged ones first.
	Threads []ThreadKey `json:"threads,omitempty"`
	Raised  time.Time   `json:"raised"`
	Cleared time.Time   `json:"cleared,omitzero"`
	// Delivered names the notifiers that have sent it, so a failed one is
	// retried without sending it twice through the others.
	Delivered []string `json:"delivered,omitempty"`
}

// AlertStatus is whether an alert's episode goes on.
type AlertStatus string

const (
	AlertActive  AlertStatus = "active"
	AlertCleared AlertStatus = "cleared"
)

// MaxAlertThreads bounds the threads an alert lists.
const MaxAlertThreads = 20

// AlertFilter selects alerts. Zero fields match all.
type AlertFilter struct {
	Platform string
	Status   AlertStatus
	After    uint64
	Limit    int
}

// AlertStore is the crisis alerts' part of a transaction.
type AlertStore interface {
	// AddAlert assigns a.ID and stores it.
	AddAlert(a *Alert) error
	// PutAlert stores a changed alert; it must exist.
	PutAlert(a *Alert) error
	// Alerts lists alerts by id with ID > filter.After.
	Alerts(filter AlertFilter) ([]*Alert, error)
}

// Notifier sends an alert to people outside the workspace (a chat, a
// webhook). Notify must not log or return the notifier's secrets.
type Notifier interface {
	// Name tells notifiers apart in Alert.Delivered.
	Name() string
	Notify(ctx context.Context, a *Alert) error
}

// CrisisOptions configure a CrisisDetector.
type CrisisOptions struct {
	Store Store
	// Platforms are the platforms watched, one episode each.
	Platforms []string
	Notifiers []Notifier
	// Weeks is how many past weeks make the usual level (default 4).
	Weeks int
	// K is how many standard deviations above the mean a crisis starts
	// (default 3).
	K float64
	// MinCount is the fewest negative messages in an hour that can be a
	// crisis, so a quiet platform's two complaints are not one (default 10).
	MinCount int
	// Interval is how often Run checks (default 1m).
	Interval time.Duration
	Logger   *slog.Logger
	// Now defaults to time.Now.
	Now func() time.Time
}

// CrisisDetector watches the sentiment counts for negative volume well
// above its usual level and raises one alert per episode.
type CrisisDetector struct{ o CrisisOptions }

// NewCrisisDetector checks the options and fills in defaults.
func NewCrisisDetector(o CrisisOptions) (*CrisisDetector, error) {
	if o.Store == nil {
		return nil, Errorf(EINVALID, "crisis detector: a store is required")
	}
	if o.Weeks == 0 {
		o.Weeks = 4
	}
	if o.K == 0 {
		o.K = 3
	}
	if o.MinCount == 0 {
		o.MinCount = 10
	}
	if o.Interval == 0 {
		o.Interval = time.Minute
	}
	switch {
	case o.Weeks < 1 || o.Weeks > 52:
		return nil, Errorf(EINVALID, "crisis detector: weeks %d: want 1 to 52", o.Weeks)
	case o.K < 0 || math.IsNaN(o.K):
		return nil, Errorf(EINVALID, "crisis detector: k %v: want 0 or more", o.K)
	case o.MinCount < 1:
		return nil, Errorf(EINVALID, "crisis detector: min count %d: want 1 or more", o.MinCount)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &CrisisDetector{o: o}, nil
}

// Run checks every Interval until ctx ends. A failed check is logged and
// tried again at the next tick.
func (d *CrisisDetector) Run(ctx context.Context) error {
	t := time.NewTicker(d.o.Interval)
	defer t.Stop()
	for {
		if _, err := d.Check(ctx); err != nil && ctx.Err() == nil {
			d.o.Logger.Warn("crisis check", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// window is the hour that ends with the quarter hour holding now: the
// counts are kept per quarter hour, so this is the latest full-resolution
// hour, and it moves on every quarter.
func window(now time.Time) (from, to time.Time) {
	to = now.UTC().Truncate(15 * time.Minute).Add(15 * time.Minute)
	return to.Add(-time.Hour), to
}

// level is one platform's negative count now and its usual level.
type level struct {
	negative        int
	mean, sd, limit float64
}

// Check looks at every platform once: it raises an alert for a platform
// that crossed its threshold and has no episode going on, updates a going
// one, and clears one whose volume fell back below halfway between the
// usual level and the threshold. It returns the alerts it
// raised, after sending them.
func (d *CrisisDetector) Check(ctx context.Context) ([]*Alert, error) {
	now := d.o.Now()
	from, to := window(now)
	var raised []*Alert
	err := d.o.Store.Update(ctx, func(tx Tx) error {
		raised = raised[:0]
		for _, p := range d.o.Platforms {
			a, err := d.checkPlatform(tx, p, from, to, now)
			if err != nil {
				return fmt.Errorf("platform %s: %w", p, err)
			}
			if a != nil {
				raised = append(raised, a)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("crisis check: %w", err)
	}
	d.deliver(ctx)
	return raised, nil
}

func (d *CrisisDetector) level(tx Tx, platform string, from, to time.Time) (level, error) {
	var l level
	cur, err := tx.SentimentSeries(platform, from, to, StepHour)
	if err != nil {
		return l, err
	}
	for _, b := range cur {
		l.negative += b.Negative
	}
	past := make([]float64, d.o.Weeks)
	for w := range past {
		off := time.Duration(w+1) * 7 * 24 * time.Hour
		bs, err := tx.SentimentSeries(platform, from.Add(-off), to.Add(-off), StepHour)
		if err != nil {
			return l, err
		}
		for _, b := range bs {
			past[w] += float64(b.Negative)
		}
	}
	for _, v := range past {
		l.mean += v
	}
	l.mean /= float64(len(past))
	for _, v := range past {
		l.sd += (v - l.mean) * (v - l.mean)
	}
	l.sd = math.Sqrt(l.sd / float64(len(past)))
	l.limit = math.Max(float64(d.o.MinCount), l.mean+d.o.K*l.sd)
	return l, nil
}

func (d *CrisisDetector) checkPlatform(tx Tx, platform string, from, to, now time.Time) (*Alert, error) {
	l, err := d.level(tx, platform, from, to)
	if err != nil {
		return nil, err
	}
	active, err := tx.Alerts(AlertFilter{Platform: platform, Status: AlertActive})
	if err != nil {
		return nil, err
	}
	above := float64(l.negative) >= l.limit
	// An episode ends when the volume is back nearer the usual level than
	// the threshold, not as soon as it dips under it: a crisis that
	// hovers at the threshold is one episode, not one alert per dip.
	calm := float64(l.negative) < l.mean+(l.limit-l.mean)/2
	switch {
	case len(active) > 0 && calm:
		for _, a := range active {
			a.Status, a.Cleared = AlertCleared, now
			if err := tx.PutAlert(a); err != nil {
				return nil, err
			}
		}
		return nil, nil
	case len(active) > 0:
		a := active[len(active)-1]
		if l.negative <= a.Peak {
			return nil, nil
		}
		a.Peak = l.negative
		if a.Threads, err = negativeThreads(tx, platform, from, to); err != nil {
			return nil, err
		}
		return nil, tx.PutAlert(a)
	case !above:
		return nil, nil
	}
	a := &Alert{
		Platform: platform, Status: AlertActive, From: from, To: to, Negative: l.negative, Peak: l.negative,
		Usual: l.mean, SD: l.sd, Threshold: l.limit, Weeks: d.o.Weeks, Raised: now,
	}
	if l.mean > 0 {
		a.Factor = float64(l.negative) / l.mean
	}
	if a.Threads, err = negativeThreads(tx, platform, from, to); err != nil {
		return nil, err
	}
	return a, tx.AddAlert(a)
}

// negativeThreads lists the threads with negative messages in [from, to),
// flagged ones first, then by how many negatives they had.
func negativeThreads(tx Tx, platform string, from, to time.Time) ([]ThreadKey, error) {
	recs, err := tx.SentimentByDay(platform, from, to, 0)
	if err != nil {
		return nil, err
	}
	count := map[ThreadKey]int{}
	var keys []ThreadKey
	human := map[ThreadKey]map[string]string{} // a thread's overrides by message id
	for _, r := range recs {
		labels, ok := human[r.Thread]
		if !ok {
			list, err := tx.Labels(r.Thread)
			if err != nil {
				return nil, err
			}
			labels = map[string]string{}
			for _, l := range list {
				labels[l.MessageID] = l.Label
			}
			human[r.Thread] = labels
		}
		label := r.Sentiment.Label
		if l, ok := labels[r.MessageID]; ok {
			label = l // a person's label counts, as in the series
		}
		if label != SentimentNegative {
			continue
		}
		if count[r.Thread] == 0 {
			keys = append(keys, r.Thread)
		}
		count[r.Thread]++
	}
	flagged := map[ThreadKey]Severity{}
	for _, k := range keys {
		th, err := tx.Thread(k)
		if ErrorCode(err) == ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		flagged[k] = th.Flagged
	}
	slices.SortStableFunc(keys, func(a, b ThreadKey) int {
		if fa, fb := flagged[a], flagged[b]; fa != fb {
			return int(fb - fa)
		}
		return count[b] - count[a]
	})
	if len(keys) > MaxAlertThreads {
		keys = keys[:MaxAlertThreads]
	}
	return keys, nil
}

// deliver sends every active alert to the notifiers that have not sent it
// yet, outside any transaction, and records each success.
func (d *CrisisDetector) deliver(ctx context.Context) {
	if len(d.o.Notifiers) == 0 {
		return
	}
	var pending []*Alert
	err := d.o.Store.View(ctx, func(tx Tx) (err error) {
		pending, err = tx.Alerts(AlertFilter{Status: AlertActive})
		return err
	})
	if err != nil {
		d.o.Logger.Warn("crisis alerts to send", "err", err)
		return
	}
	for _, a := range pending {
		var sent []string
		for _, n := range d.o.Notifiers {
			if slices.Contains(a.Delivered, n.Name()) {
				continue
			}
			if err := n.Notify(ctx, a); err != nil {
				d.o.Logger.Warn("send crisis alert", "alert", a.ID, "notifier", n.Name(), "err", err)
				continue
			}
			sent = append(sent, n.Name())
		}
		if len(sent) == 0 {
			continue
		}
		err := d.o.Store.Update(ctx, func(tx Tx) error {
			list, err := tx.Alerts(AlertFilter{After: a.ID - 1, Limit: 1})
			if err != nil || len(list) == 0 || list[0].ID != a.ID {
				return err
			}
			cur := list[0]
			for _, n := range sent {
				if !slices.Contains(cur.Delivered, n) {
					cur.Delivered = append(cur.Delivered, n)
				}
			}
			return tx.PutAlert(cur)
		})
		if err != nil {
			d.o.Logger.Warn("record crisis alert sent", "alert", a.ID, "err", err)
		}
	}
}

// Alerts lists crisis alerts for the dashboard, newest last. Reading
// changes nothing, so it is not audited.
func (s *Actions) Alerts(ctx context.Context, actor Actor, filter AlertFilter) ([]*Alert, error) {
	if err := s.may(actor, "see alerts", RolePR, RoleModerator, RoleViewer); err != nil {
		return nil, err
	}
	var out []*Alert
	err := s.e.store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.Alerts(filter)
		return err
	})
	return out, err
}

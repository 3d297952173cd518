package web

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"engagebot/bot"
)

// Metrics implements bot.Observer with Prometheus collectors.
type Metrics struct {
	reg        *prometheus.Registry
	in         *prometheus.CounterVec
	dup        *prometheus.CounterVec
	out        *prometheus.CounterVec
	fail       *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	httpStatus *prometheus.CounterVec
}

var _ bot.Observer = (*Metrics)(nil)

// NewMetrics registers the service's metrics in a fresh registry.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		in: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "engagebot_messages_in_total", Help: "Inbound events stored, by platform.",
		}, []string{"platform"}),
		dup: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "engagebot_duplicates_total", Help: "Redelivered inbound events dropped, by platform.",
		}, []string{"platform"}),
		out: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "engagebot_replies_out_total", Help: "Outbound items delivered, by platform.",
		}, []string{"platform"}),
		fail: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "engagebot_send_failures_total", Help: "Failed send attempts, by platform and kind.",
		}, []string{"platform", "kind"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "engagebot_processing_seconds", Help: "Time from receipt to the end of processing, by platform.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 12),
		}, []string{"platform"}),
		httpStatus: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "engagebot_webhook_responses_total", Help: "Webhook responses, by platform and status code.",
		}, []string{"platform", "code"}),
	}
	m.reg.MustRegister(m.in, m.dup, m.out, m.fail, m.latency, m.httpStatus,
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return m
}

// Received implements bot.Observer.
func (m *Metrics) Received(platform string, stored, duplicates int) {
	m.in.WithLabelValues(platform).Add(float64(stored))
	if duplicates > 0 {
		m.dup.WithLabelValues(platform).Add(float64(duplicates))
	}
}

// Processed implements bot.Observer.
func (m *Metrics) Processed(platform string, d time.Duration) {
	m.latency.WithLabelValues(platform).Observe(d.Seconds())
}

// Sent implements bot.Observer.
func (m *Metrics) Sent(platform string) { m.out.WithLabelValues(platform).Inc() }

// SendFailed implements bot.Observer.
func (m *Metrics) SendFailed(platform, kind string) { m.fail.WithLabelValues(platform, kind).Inc() }

// watchEngine adds gauges read from the engine at scrape time.
func (m *Metrics) watchEngine(e Core) {
	gauge := func(name, help string, f func(bot.Stats) int) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 { return float64(f(e.Stats())) })
	}
	m.reg.MustRegister(
		gauge("engagebot_inbox_depth", "Inbound events stored and not yet processed.", func(s bot.Stats) int { return s.Inbox }),
		gauge("engagebot_outbox_pending", "Outbound items waiting to be sent.", func(s bot.Stats) int { return s.Pending }),
		gauge("engagebot_outbox_sending", "Outbound items being sent.", func(s bot.Stats) int { return s.Sending }),
		outboxCollector{e},
		accountCollector{e},
	)
}

// outboxCollector reports engagebot_outbox_items per state, so an operator
// sees at a glance what waits for a person (unknown, failed).
type outboxCollector struct{ e Core }

var outboxItems = prometheus.NewDesc("engagebot_outbox_items", "Outbound items by state: pending and sending in the queue; unknown (may have been delivered) and failed wait for a person.", []string{"state"}, nil)

func (c outboxCollector) Describe(ch chan<- *prometheus.Desc) { ch <- outboxItems }

func (c outboxCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.e.Stats()
	for _, x := range []struct {
		state bot.OutState
		n     int
	}{{bot.OutPending, s.Pending}, {bot.OutSending, s.Sending}, {bot.OutUnknown, s.Unknown}, {bot.OutFailed, s.Failed}} {
		ch <- prometheus.MustNewConstMetric(outboxItems, prometheus.GaugeValue, float64(x.n), string(x.state))
	}
}

// accountCollector reports engagebot_account_up per account: 1 when it
// works, 0 when it needs attention (e.g. an expired token).
type accountCollector struct{ e Core }

var accountUp = prometheus.NewDesc("engagebot_account_up", "1 when the account works, 0 when it needs attention.", []string{"account", "reason"}, nil)

func (c accountCollector) Describe(ch chan<- *prometheus.Desc) { ch <- accountUp }

func (c accountCollector) Collect(ch chan<- prometheus.Metric) {
	for _, s := range c.e.Accounts() {
		v := 1.0
		if s.State != bot.AccountOK {
			v = 0
		}
		ch <- prometheus.MustNewConstMetric(accountUp, prometheus.GaugeValue, v, s.Account, s.Reason)
	}
}

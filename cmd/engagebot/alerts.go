package main

import (
	"log/slog"
	"net/http"
	"slices"
	"time"

	"engagebot/bot"
	"engagebot/config"
	"engagebot/notify"
)

// newCrisisDetector builds the crisis detector of the alerts section with
// its notifiers; nil when alerts are disabled. It watches the configured
// platforms, or else those of the accounts that run.
func newCrisisDetector(c *config.Config, store bot.Store, log *slog.Logger) (*bot.CrisisDetector, error) {
	a := c.Alerts
	if !a.Enabled {
		log.Info("crisis alerts disabled")
		return nil, nil
	}
	platforms := a.Platforms
	if len(platforms) == 0 {
		for _, acc := range c.Accounts {
			if acc.Skip == "" && !slices.Contains(platforms, acc.Platform) {
				platforms = append(platforms, acc.Platform)
			}
		}
	}
	client := &http.Client{Timeout: 15 * time.Second}
	var notifiers []bot.Notifier
	switch {
	case a.Telegram.Token != "" && a.Telegram.Chat != "":
		notifiers = append(notifiers, &notify.Telegram{APIBase: a.Telegram.APIBase, Token: a.Telegram.Token, Chat: a.Telegram.Chat, Lang: a.Lang, Client: client, Dashboard: c.Server.PublicURL})
	case a.Telegram.Chat != "":
		log.Warn("crisis alerts: telegram chat skipped", "reason", "alerts.telegram.token not set")
	}
	if a.Webhook.URL != "" {
		notifiers = append(notifiers, &notify.Webhook{URL: a.Webhook.URL, Lang: a.Lang, Client: client, Dashboard: c.Server.PublicURL})
	}
	d, err := bot.NewCrisisDetector(bot.CrisisOptions{
		Store: store, Platforms: platforms, Notifiers: notifiers, Weeks: a.Weeks, K: a.K, MinCount: a.MinCount,
		Interval: a.Interval, Logger: log,
	})
	if err != nil {
		return nil, err
	}
	names := make([]string, len(notifiers))
	for i, n := range notifiers {
		names[i] = n.Name()
	}
	log.Info("crisis alerts on", "platforms", platforms, "notifiers", names, "interval", a.Interval)
	return d, nil
}

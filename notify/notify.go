// Package notify sends crisis alerts (bot.Alert) to people outside the
// workspace: a Telegram chat of the staff (Telegram) and any HTTP
// endpoint that takes JSON (Webhook). Both are bot.Notifier.
package notify

import (
	"fmt"
	"net/url"
	"strings"

	"engagebot/bot"
)

// Text is an alert as a short message for people, in lang (fa or en;
// anything else is English). With the dashboard's address each thread is
// a link to its page there; without, its key.
func Text(a *bot.Alert, lang, dashboard string) string {
	var b strings.Builder
	window := a.From.UTC().Format("2006-01-02 15:04") + "–" + a.To.UTC().Format("15:04") + " UTC"
	usual := fmt.Sprintf("%.1f", a.Usual)
	factor := ""
	if a.Factor > 0 {
		factor = fmt.Sprintf(" (×%.1f)", a.Factor)
	}
	if lang == bot.LangFa {
		fmt.Fprintf(&b, "هشدار بحران: %s\n", a.Platform)
		fmt.Fprintf(&b, "پیام‌های منفی در %s: %s، معمولاً %s%s، آستانه %s (میانگین %s هفتهٔ گذشته)\n",
			faDigits(window), faDigits(fmt.Sprint(a.Negative)), faDigits(usual), faDigits(factor),
			faDigits(fmt.Sprintf("%.0f", a.Threshold)), faDigits(fmt.Sprint(a.Weeks)))
		if len(a.Threads) > 0 {
			b.WriteString("گفتگوها:\n")
		}
	} else {
		fmt.Fprintf(&b, "Crisis alert: %s\n", a.Platform)
		fmt.Fprintf(&b, "Negative messages %s: %d, usually %s%s, threshold %.0f (over the past %d weeks)\n", window, a.Negative, usual, factor, a.Threshold, a.Weeks)
		if len(a.Threads) > 0 {
			b.WriteString("Threads:\n")
		}
	}
	dashboard = strings.TrimSuffix(dashboard, "/")
	for _, k := range a.Threads {
		if dashboard != "" {
			fmt.Fprintf(&b, "- %s/threads/%s\n", dashboard, k.ID())
			continue
		}
		fmt.Fprintf(&b, "- %s\n", k)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// faDigits writes Western digits as Persian ones, and the decimal point
// as the Persian decimal separator. Thread keys are left alone: they are
// ids to copy.
func faDigits(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9':
			return '۰' + (r - '0')
		case r == '.':
			return '٫'
		}
		return r
	}, s)
}

// redact takes the address out of a transport error: a Telegram address
// holds the bot token, and a webhook's may hold a key.
func redact(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}

package notify_test

import (
	"fmt"
	"time"

	"engagebot/bot"
	"engagebot/notify"
)

func ExampleText() {
	from := time.Date(2026, 5, 11, 9, 15, 0, 0, time.UTC)
	a := &bot.Alert{
		Platform: "instagram", From: from, To: from.Add(time.Hour), Negative: 42, Usual: 4.5, Factor: 42 / 4.5,
		Threshold: 10, Weeks: 4, Threads: []bot.ThreadKey{{Platform: "instagram", Account: "brand", Chat: "1784"}},
	}
	fmt.Println(notify.Text(a, bot.LangEn, ""))
	// Output:
	// Crisis alert: instagram
	// Negative messages 2026-05-11 09:15–10:15 UTC: 42, usually 4.5 (×9.3), threshold 10 (over the past 4 weeks)
	// Threads:
	// - instagram.brand/1784
}

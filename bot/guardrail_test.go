package bot_test

import (
	"testing"

	"engagebot/bot"
)

func TestDosingAdvice(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"Take 2 tablets after dinner", true},
		{"500 mg is enough for adults", true},
		{"روزی ۳ بار در روز مصرف کنید", true},
		{"هر ۸ ساعت یک قرص", true},
		{"۲ قرص بخورید", true},
		{"دو عدد کپسول ۵۰۰ میلی‌گرم", true},
		{"take it twice, every 6 hours", true},
		{"Our winter care guide is ready: 5 tips for healthy skin", false},
		{"۲۰٪ تخفیف تا ۱۵ آذر", false},
		{"Ask your pharmacist how much to take", false},
		{"پاسخ ۱ تا ۵", false},
		{"Call us at 021-1234-5678", false},
	} {
		if got := bot.DosingAdvice(tc.text); got != tc.want {
			t.Errorf("DosingAdvice(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

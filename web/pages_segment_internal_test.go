package web

import (
	"reflect"
	"testing"
	"time"

	"engagebot/bot"
)

// The edit form opens with the segment as kept: each rule written into
// the form's fields reads back as the same rule.
func TestFormOf_ReadsBack(t *testing.T) {
	low, high, zero := -0.25, 1.0, 0.0
	given, unknown := bot.ConsentGiven, bot.Consent("unknown")
	yes, no := true, false
	for i, r := range []bot.Rule{
		{},
		{Platform: "telegram", Lang: "fa"},
		{Interests: []string{"diabetes", "پوست"}, Trend: bot.TrendFalling},
		{MinMood: &low, MaxMood: &high},
		{MinMood: &zero},
		{MinMessages: 2, MaxMessages: 40},
		{LastContactWithin: bot.Duration(30 * 24 * time.Hour), InactiveFor: bot.Duration(72 * time.Hour)},
		{InactiveFor: bot.Duration(90 * time.Minute)},
		{Consent: &given, OpenCase: &yes},
		{Consent: &unknown, OpenCase: &no},
	} {
		f := formOf("name", r)
		got, err := f.rule()
		if err != nil {
			t.Errorf("Test %d: %+v read back: %v", i, f, err)
			continue
		}
		if !reflect.DeepEqual(got, r) {
			t.Errorf("Test %d: %+v read back as %+v, want %+v", i, f, got, r)
		}
	}
}

package bot_test

import (
	"testing"
	"time"

	"engagebot/bot"
)

func TestRuleMatch(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	f := &bot.Follower{
		Key: bot.FollowerKey{Platform: "telegram", UserID: "1"}, Lang: "fa", Messages: 3,
		Mood: -0.4, MoodSlow: 0.1, LastSeen: now.Add(-48 * time.Hour),
		Interests: map[string]int{"diabetes": 2, "Nikavit": 1}, Consent: bot.ConsentGiven,
	}
	for i, tc := range []struct {
		rule     string
		openCase bool
		want     bool
	}{
		{`{}`, false, true},
		{`{"platform": "telegram", "lang": "fa", "interests": ["diabetes"]}`, false, true},
		{`{"platform": "x"}`, false, false},
		{`{"lang": "en"}`, false, false},
		{`{"interests": ["diabetes", "heart"]}`, false, false},
		{`{"trend": "falling"}`, false, true},
		{`{"trend": "rising"}`, false, false},
		{`{"last_contact_within": "3d"}`, false, true},
		{`{"last_contact_within": "24h"}`, false, false},
		{`{"inactive_for": "24h"}`, false, true},
		{`{"min_messages": 4}`, false, false},
		{`{"max_messages": 3}`, false, true},
		{`{"consent": "given"}`, false, true},
		{`{"consent": "revoked"}`, false, false},
		{`{"open_case": false}`, true, false},
		{`{"open_case": true}`, true, true},
		{`{"max_mood": -0.2}`, false, true},
		{`{"min_mood": -0.2}`, false, false},
	} {
		r, err := bot.ParseRule([]byte(tc.rule))
		if err != nil {
			t.Fatalf("Test %d: %s: %v", i, tc.rule, err)
		}
		if got := r.Match(f, tc.openCase, now); got != tc.want {
			t.Errorf("Test %d: %s: Match = %v, want %v", i, tc.rule, got, tc.want)
		}
	}
}

func TestParseRuleErrors(t *testing.T) {
	for i, rule := range []string{
		`{"platfrom": "telegram"}`,
		`{"platform": "myspace"}`,
		`{"lang": "de"}`,
		`{"trend": "down"}`,
		`{"last_contact_within": "soon"}`,
		`{"min_messages": 5, "max_messages": 2}`,
		`{"consent": "maybe"}`,
		`{"min_mood": 3}`,
		`[1]`,
	} {
		_, err := bot.ParseRule([]byte(rule))
		if bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("Test %d: %s: err = %v, want EINVALID", i, rule, err)
		}
	}
}

func TestFollowerTrend(t *testing.T) {
	at := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for i, tc := range []struct {
		scores   []float64
		trend    string
		negative bool
	}{
		{[]float64{0.5}, bot.TrendSteady, false},
		{[]float64{0.5, 0.5, 0.5}, bot.TrendSteady, false},
		{[]float64{0.6, 0.5, -0.8, -0.9}, bot.TrendFalling, true},
		{[]float64{-0.6, -0.5, 0.8, 0.9}, bot.TrendRising, false},
	} {
		f := &bot.Follower{}
		for j, s := range tc.scores {
			f.Observe(&bot.Event{Text: "x"}, bot.Analysis{Lang: "en", Sentiment: bot.Sentiment{Score: s}, Topics: []string{"diabetes", "diabetes"}}, at.Add(time.Duration(j)*time.Minute))
		}
		if got := f.Trend(); got != tc.trend {
			t.Errorf("Test %d: Trend = %s (mood %.2f, slow %.2f), want %s", i, got, f.Mood, f.MoodSlow, tc.trend)
		}
		if got := f.TurnedNegative(); got != tc.negative {
			t.Errorf("Test %d: TurnedNegative = %v, want %v", i, got, tc.negative)
		}
		if got := f.Interests["diabetes"]; got != len(tc.scores) {
			t.Errorf("Test %d: diabetes counted %d times, want once per message (%d)", i, got, len(tc.scores))
		}
		if got, want := f.InterestSeen["diabetes"], at.Add(time.Duration(len(tc.scores)-1)*time.Minute); !got.Equal(want) {
			t.Errorf("Test %d: diabetes last seen %v, want %v", i, got, want)
		}
	}
}

func TestCatalogueItemValidate(t *testing.T) {
	ok := func() bot.CatalogueItem {
		return bot.CatalogueItem{ID: "diabetes-guide", Kind: bot.ItemArticle, Title: map[string]string{"fa": "راهنما"},
			Tags: []string{"diabetes"}, URL: "https://example.com/g"}
	}
	good := ok()
	if err := good.Validate(); err != nil {
		t.Fatalf("a good item: %v", err)
	}
	for i, mod := range []func(c *bot.CatalogueItem){
		func(c *bot.CatalogueItem) { c.ID = "Bad ID" },
		func(c *bot.CatalogueItem) { c.Kind = "coupon" },
		func(c *bot.CatalogueItem) { c.Title = nil },
		func(c *bot.CatalogueItem) { c.Title = map[string]string{"de": "x"} },
		func(c *bot.CatalogueItem) { c.Terms = []string{"x"} },
		func(c *bot.CatalogueItem) { c.URL = "javascript:alert(1)" },
		func(c *bot.CatalogueItem) { c.Platforms = []string{"myspace"} },
		func(c *bot.CatalogueItem) { c.Tags = []string{"a|b"} },
		func(c *bot.CatalogueItem) {
			c.From, c.Until = time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		},
	} {
		c := ok()
		mod(&c)
		if err := c.Validate(); bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("Test %d: err = %v, want EINVALID", i, err)
		}
	}
}

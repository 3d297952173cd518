package templates_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"engagebot/bot"
)

// TestSpecialSituationReplies renders the reply of every special situation
// in both languages: its own template, private, never skipped, naming the
// product, pointing to the safety (or quality) team and its contact, with
// no sales words, no buttons and no amount or schedule of a dose.
func TestSpecialSituationReplies(t *testing.T) {
	r := mustNew(t)
	sales := map[string][]string{
		"fa": {"قیمت", "خرید کنید", "بخرید", "تخفیف", "فروش", "سفارش"},
		"en": {"price", "buy", "discount", "sale", "order now", "shop", "offer"},
	}
	// A dose is a number with a unit or a schedule: "2 tablets", "twice a
	// day", "روزی دو بار", "۵ میلی". The replies must never hold one.
	dose := regexp.MustCompile(`(?i)([0-9۰-۹]+\s*(mg|ml|tablet|pill|capsule|drop|میلی|عدد|قرص|قطره))|twice|three times|once a day|a day\b|روزی|بار در روز|هر [0-9۰-۹]+ ساعت|every [0-9]+ hours`)
	for _, bad := range []string{"take 2 tablets", "twice a day", "روزی دو بار", "۵ میلی", "every 8 hours"} {
		if !dose.MatchString(bad) {
			t.Fatalf("dose pattern misses %q", bad)
		}
	}
	team := map[string]map[bool]string{
		"en": {false: "drug safety", true: "quality team"},
		"fa": {false: "ایمنی دارویی", true: "کیفیت"},
	}
	seen := map[string]bool{}
	for _, s := range bot.SpecialSituations {
		for _, lang := range []string{"fa", "en"} {
			a := bot.Analysis{Intent: bot.IntentMedicalAdvice, Products: []string{"Calcifort D"},
				Signals: []bot.Signal{{Name: s, Severity: bot.SeverityHigh, Product: "Calcifort D"}}}
			got, err := r.Render(context.Background(), request(lang, a))
			if err != nil {
				t.Fatalf("%s/%s: %v", s, lang, err)
			}
			if got.Template != "reply."+s || !got.Private || got.Skip || len(got.Buttons) != 0 {
				t.Errorf("%s/%s: template %s private=%v skip=%v buttons=%v", s, lang, got.Template, got.Private, got.Skip, got.Buttons)
			}
			checkText(t, got)
			low := strings.ToLower(got.Text)
			for _, w := range sales[lang] {
				if strings.Contains(low, w) {
					t.Errorf("%s/%s: sales word %q:\n%s", s, lang, w, got.Text)
				}
			}
			if m := dose.FindString(got.Text); m != "" {
				t.Errorf("%s/%s: reads like dosing advice (%q):\n%s", s, lang, m, got.Text)
			}
			if name := products["Calcifort D"].Name[lang]; !strings.Contains(got.Text, name) {
				t.Errorf("%s/%s: product %q not named:\n%s", s, lang, name, got.Text)
			}
			if w := team[lang][s == bot.SignalQualityComplaint]; !strings.Contains(got.Text, w) {
				t.Errorf("%s/%s: no %q:\n%s", s, lang, w, got.Text)
			}
			if !strings.Contains(got.Text, brand.SafetyPhone) {
				t.Errorf("%s/%s: no safety contact:\n%s", s, lang, got.Text)
			}
			if seen[got.Text] {
				t.Errorf("%s/%s: same text as another situation", s, lang)
			}
			seen[got.Text] = true
		}
	}
}

// TestSpecialSituationChoice: safety replies outrank the intent and each
// other in the order of urgency.
func TestSpecialSituationChoice(t *testing.T) {
	r := mustNew(t)
	both := func(names ...string) []bot.Signal {
		var out []bot.Signal
		for _, n := range names {
			out = append(out, bot.Signal{Name: n, Severity: bot.SeverityHigh})
		}
		return out
	}
	for i, tc := range []struct {
		signals []bot.Signal
		want    string
	}{
		{both(bot.SignalMedicationError, bot.SignalOverdose), "reply.overdose"},
		{both(bot.SignalAdverseEvent, bot.SignalPregnancy), "reply.pregnancy_exposure"},
		{both(bot.SignalOverdose, bot.SignalSelfHarm), "reply.self_harm"},
		{both(bot.SignalAdverseEvent, bot.SignalLackOfEfficacy), "reply.side_effect"},
		{both(bot.SignalLegalThreat, bot.SignalQualityComplaint), "reply.quality_complaint"},
		{both(bot.SignalLegalThreat, bot.SignalLackOfEfficacy), "reply.legal_threat"},
		{both(bot.SignalAbuse, bot.SignalOffLabel), "reply.off_label"},
		{both(bot.SignalMisuse), "reply.misuse"},
	} {
		got, err := r.Render(context.Background(), request("en", bot.Analysis{Intent: bot.IntentPrice, Signals: tc.signals}))
		if err != nil {
			t.Fatal(err)
		}
		if got.Template != tc.want {
			t.Errorf("%d: got %s, want %s", i, got.Template, tc.want)
		}
	}
}

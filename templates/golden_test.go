package templates_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"engagebot/bot"
)

var update = flag.Bool("update", false, "rewrite the golden files of TestGolden")

// goldenCatalogue is what the golden replies may offer.
var goldenCatalogue = []*bot.CatalogueItem{
	{ID: "diabetes-guide", Kind: bot.ItemArticle, Tags: []string{"diabetes"}, URL: "https://example.com/diabetes",
		Title:   map[string]string{"fa": "راهنمای مراقبت روزانه از دیابت", "en": "A daily guide to diabetes care"},
		Summary: map[string]string{"fa": "قند خون، تغذیه و پای دیابتی", "en": "blood sugar, food and foot care"}},
	{ID: "diabetan", Kind: bot.ItemProduct, Canonical: "Diabetan", Tags: []string{"diabetes"},
		Title: map[string]string{"fa": "دیابتان", "en": "Diabetan"}},
	{ID: "winter-offer", Kind: bot.ItemOffer, Tags: []string{"immunity"},
		Title: map[string]string{"fa": "تخفیف زمستانی کلدکس", "en": "Coldex winter offer"}},
	{ID: "expired", Kind: bot.ItemArticle, Tags: []string{"diabetes", "heart"}, Until: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Title: map[string]string{"fa": "قدیمی", "en": "Old"}},
}

// goldenProfiles are the followers the golden replies are written for.
var goldenProfiles = []struct {
	name     string
	follower bot.Follower
	openCase bool
	analysis bot.Analysis
}{
	{"new", bot.Follower{Name: "Sara", Messages: 1}, false, bot.Analysis{}},
	{"diabetes-twice", bot.Follower{Name: "مریم", Messages: 3, Mood: 0.2, MoodSlow: 0.2, Interests: map[string]int{"diabetes": 2}},
		false, bot.Analysis{Topics: []string{"diabetes"}}},
	{"turned-negative", bot.Follower{Name: "Reza", Messages: 5, Mood: -0.5, MoodSlow: 0.1, Interests: map[string]int{"diabetes": 2}},
		false, bot.Analysis{Sentiment: bot.Sentiment{Label: bot.SentimentNegative, Score: -0.7}}},
	// Worried, not upset: a negative message from a follower whose mood
	// holds. Something to read, never a product.
	{"worried", bot.Follower{Name: "Sara", Messages: 3, Mood: 0.05, MoodSlow: 0.1, Interests: map[string]int{"diabetes": 2}},
		false, bot.Analysis{Topics: []string{"diabetes"}, Sentiment: bot.Sentiment{Label: bot.SentimentNegative, Score: -0.3}}},
	{"open-case", bot.Follower{Name: "Ali", Messages: 4, Mood: 0.3, MoodSlow: 0.3, Interests: map[string]int{"diabetes": 3}},
		true, bot.Analysis{}},
}

// goldenIntents are the replies rendered for each profile.
var goldenIntents = []string{bot.IntentGreeting, bot.IntentProductQuestion, bot.IntentOther, bot.IntentMedicalAdvice}

// TestGolden renders intents x profiles x languages and compares each
// reply with testdata/golden/<lang>/<intent>.<profile>.txt (text, then a
// line per button). Run with -update to rewrite them after a change, and
// read the diff.
func TestGolden(t *testing.T) {
	r := mustNew(t)
	if err := r.SetCatalogue(goldenCatalogue); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC) // 09:30 in Tehran
	for _, lang := range []string{bot.LangFa, bot.LangEn} {
		for _, intent := range goldenIntents {
			for _, p := range goldenProfiles {
				name := fmt.Sprintf("%s/%s.%s", lang, intent, p.name)
				t.Run(name, func(t *testing.T) {
					f := p.follower
					f.Key = bot.FollowerKey{Platform: bot.PlatformTelegram, UserID: "7"}
					a := p.analysis
					a.Lang, a.Intent = lang, intent
					ev := &bot.Event{Platform: bot.PlatformTelegram, Account: "support", ID: "m1", Kind: bot.EventMessage,
						Chat: "7", ChatType: bot.ChatPrivate, From: bot.Sender{ID: "7", Name: f.Name}, Text: "x"}
					got, err := r.Render(t.Context(), bot.RenderRequest{Purpose: bot.PurposeReply, Lang: lang, Event: ev,
						Analysis: a, Follower: &f, Thread: &bot.Thread{}, Now: now, OpenCase: p.openCase})
					if err != nil {
						t.Fatal(err)
					}
					var b strings.Builder
					fmt.Fprintf(&b, "template: %s\n%s\n", got.Template, got.Text)
					for _, row := range got.Buttons {
						for _, btn := range row {
							fmt.Fprintf(&b, "[%s]", btn.Text)
						}
						b.WriteString("\n")
					}
					file := filepath.Join("testdata", "golden", lang, intent+"."+p.name+".txt")
					if *update {
						if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
							t.Fatal(err)
						}
						if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
							t.Fatal(err)
						}
						return
					}
					want, err := os.ReadFile(file)
					if err != nil {
						t.Fatalf("%v (run with -update to write it)", err)
					}
					if b.String() != string(want) {
						t.Errorf("%s differs:\n--- got\n%s--- want\n%s", file, b.String(), want)
					}
				})
			}
		}
	}
}

// TestPersonalRules checks what the golden files show, so that a rewrite
// with -update cannot quietly lose it.
func TestPersonalRules(t *testing.T) {
	for _, lang := range []string{bot.LangFa, bot.LangEn} {
		read := func(intent, profile string) string {
			b, err := os.ReadFile(filepath.Join("testdata", "golden", lang, intent+"."+profile+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
		guide := map[string]string{"fa": "راهنمای مراقبت روزانه از دیابت", "en": "A daily guide to diabetes care"}[lang]
		topic := map[string]string{"fa": "مراقبت از دیابت", "en": "diabetes care"}[lang]
		for _, intent := range []string{bot.IntentGreeting, bot.IntentProductQuestion, bot.IntentOther} {
			twice := read(intent, "diabetes-twice")
			for _, w := range []string{"مریم", topic, guide} {
				if !strings.Contains(twice, w) {
					t.Errorf("%s %s diabetes-twice: want %q in\n%s", lang, intent, w, twice)
				}
			}
			neg := read(intent, "turned-negative")
			if !strings.Contains(neg, "template: reply.upset") || strings.Contains(neg, guide) {
				t.Errorf("%s %s turned-negative: want the upset reply and no offer:\n%s", lang, intent, neg)
			}
			if oc := read(intent, "open-case"); strings.Contains(oc, guide) || strings.Contains(oc, "Diabetan") || strings.Contains(oc, "دیابتان") {
				t.Errorf("%s %s open-case: an offer despite an open case:\n%s", lang, intent, oc)
			}
			if w := read(intent, "worried"); !strings.Contains(w, guide) || strings.Contains(w, "Diabetan") || strings.Contains(w, "دیابتان") || strings.Contains(w, "reply.upset") {
				t.Errorf("%s %s worried: want the article only, no product and no apology:\n%s", lang, intent, w)
			}
			if nw := read(intent, "new"); strings.Contains(nw, guide) {
				t.Errorf("%s %s new: an offer without interests:\n%s", lang, intent, nw)
			}
		}
		for _, p := range goldenProfiles {
			if med := read(bot.IntentMedicalAdvice, p.name); !strings.Contains(med, "template: reply.medical_advice") || strings.Contains(med, guide) {
				t.Errorf("%s medical_advice %s: want the safe reply only:\n%s", lang, p.name, med)
			}
		}
	}
}

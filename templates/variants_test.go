package templates_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"engagebot/bot"
	"engagebot/templates"
)

// A chosen reply falls back from the most specific variant a folder has:
// upset before segment, platform before none, the request's language
// before the default one.
func TestVariants(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"en/reply.greeting.telegram.tmpl":        "greeting for telegram",
		"en/reply.greeting.diabetes-fans.tmpl":   "greeting for the diabetes segment",
		"en/reply.greeting.upset.tmpl":           "sorry, in English",
		"en/reply.price.upset.x.tmpl":            "sorry about prices, on x",
		"fa/reply.greeting.diabetes-fans.x.tmpl": "سلام بخش دیابت در ایکس",
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := mustNew(t, templates.WithDir(dir))
	calm := bot.Follower{Name: "Sara", Messages: 3, Mood: 0.3, MoodSlow: 0.3}
	angry := bot.Follower{Name: "Sara", Messages: 3, Mood: -0.6, MoodSlow: 0}
	for i, tc := range []struct {
		lang, platform, intent string
		segments               []string
		follower               bot.Follower
		template               string
	}{
		{"en", "telegram", bot.IntentGreeting, nil, calm, "reply.greeting.telegram"},
		{"en", "rubika", bot.IntentGreeting, nil, calm, "reply.greeting"},
		{"en", "telegram", bot.IntentGreeting, []string{"diabetes-fans"}, calm, "reply.greeting.diabetes-fans"},
		{"en", "telegram", bot.IntentGreeting, []string{"diabetes-fans"}, angry, "reply.greeting.upset"},
		{"en", "x", bot.IntentPrice, nil, angry, "reply.price.upset.x"},
		{"en", "rubika", bot.IntentPrice, nil, angry, "reply.upset"},
		{"fa", "x", bot.IntentGreeting, []string{"other", "diabetes-fans"}, calm, "reply.greeting.diabetes-fans.x"},
		// fa has no plain segment variant: the English one is more
		// specific than none, but the follower's language comes first.
		{"fa", "rubika", bot.IntentGreeting, []string{"diabetes-fans"}, calm, "reply.greeting"},
		// Safety answers are never swapped for a variant.
		{"en", "telegram", bot.IntentMedicalAdvice, []string{"diabetes-fans"}, angry, "reply.medical_advice"},
	} {
		f := tc.follower
		ev := &bot.Event{Platform: tc.platform, Account: "a", ID: "m", Kind: bot.EventMessage, Chat: "c", ChatType: bot.ChatPrivate, Text: "x"}
		got, err := r.Render(t.Context(), bot.RenderRequest{Purpose: bot.PurposeReply, Lang: tc.lang, Event: ev,
			Analysis: bot.Analysis{Lang: tc.lang, Intent: tc.intent}, Follower: &f, Segments: tc.segments})
		if err != nil {
			t.Fatalf("Test %d: %v", i, err)
		}
		if got.Template != tc.template || got.Lang != tc.lang {
			t.Errorf("Test %d: rendered %s in %s, want %s in %s", i, got.Template, got.Lang, tc.template, tc.lang)
		}
	}
}

// A broken variant in the folder fails at load, naming its file, as
// check-config reports it.
func TestVariantErrorAtLoad(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "en", "reply.upset.tmpl")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("Sorry {{.Nope}}"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := templates.New(templates.WithDir(dir))
	if err == nil || !strings.Contains(err.Error(), "reply.upset.tmpl") {
		t.Errorf("New = %v, want an error naming reply.upset.tmpl", err)
	}
}

// A campaign template renders a catalogue item by id, in the recipient's
// language, and nothing once the item has expired.
func TestItemFunc(t *testing.T) {
	dir := t.TempDir()
	for lang, text := range map[string]string{
		"en": `{{with item "diabetes-guide"}}{{if .Title}}Read "{{.Title}}": {{.URL}}{{else}}Nothing new.{{end}}{{end}}`,
		"fa": `{{with item "diabetes-guide"}}{{if .Title}}بخوانید: «{{.Title}}»{{else}}خبر تازه‌ای نیست.{{end}}{{end}}`,
	} {
		p := filepath.Join(dir, lang, "campaign.article.tmpl")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := mustNew(t, templates.WithDir(dir))
	if err := r.SetCatalogue(goldenCatalogue); err != nil {
		t.Fatal(err)
	}
	render := func(lang string, now time.Time) string {
		got, err := r.Render(t.Context(), bot.RenderRequest{Purpose: bot.PurposeCampaign, Template: "campaign.article", Lang: lang,
			Follower: &bot.Follower{Name: "Sara"}, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		return got.Text
	}
	now := time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
	if got, want := render("en", now), `Read "A daily guide to diabetes care": https://example.com/diabetes`; got != want {
		t.Errorf("en = %q, want %q", got, want)
	}
	if got, want := render("fa", now), "بخوانید: «راهنمای مراقبت روزانه از دیابت»"; got != want {
		t.Errorf("fa = %q, want %q", got, want)
	}
	expired := []*bot.CatalogueItem{{ID: "diabetes-guide", Kind: bot.ItemArticle, Title: map[string]string{"en": "Old"},
		Until: now.Add(-time.Hour)}}
	if err := r.SetCatalogue(expired); err != nil {
		t.Fatal(err)
	}
	if got := render("en", now); got != "Nothing new." {
		t.Errorf("an expired item rendered: %q", got)
	}
}

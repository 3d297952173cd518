package templates_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"engagebot/bot"
	"engagebot/templates"
)

var brand = bot.Brand{
	Name:         map[string]string{"fa": "نیکان دارو", "en": "Nikan Daru"},
	SupportPhone: "+98 21 0000 1000",
	Website:      "https://nikandaru.example",
	SafetyPhone:  "+98 21 0000 1100",
	SafetyEmail:  "safety@nikandaru.example",
}

var products = map[string]templates.Product{
	"Calcifort D": {Name: map[string]string{"fa": "کلسیفورت دی", "en": "Calcifort D"}, URL: "https://nikandaru.example/calcifort-d"},
	"Zinkofer":    {Name: map[string]string{"fa": "زینکوفر", "en": "Zinkofer"}},
}

func mustNew(t *testing.T, opts ...templates.Option) *templates.Renderer {
	t.Helper()
	r, err := templates.New(append([]templates.Option{templates.WithBrand(brand), templates.WithProducts(products)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// tehranAt is a time of day in Tehran on 2026-11-25.
func tehranAt(hour int) time.Time {
	return time.Date(2026, 11, 25, hour, 0, 0, 0, time.FixedZone("IRST", 3*3600+1800))
}

func request(lang string, a bot.Analysis) bot.RenderRequest {
	return bot.RenderRequest{
		Purpose:  bot.PurposeReply,
		Lang:     lang,
		Event:    &bot.Event{Platform: "telegram", Account: "support", ID: "m1", Kind: bot.EventMessage, Chat: "c1", ChatType: bot.ChatPrivate, From: bot.Sender{ID: "u1"}, Text: "..."},
		Analysis: a,
		Follower: &bot.Follower{Key: bot.FollowerKey{Platform: "telegram", UserID: "u1"}, Messages: 1},
		Thread:   &bot.Thread{},
		Now:      tehranAt(10),
	}
}

func sig(name string, sev bot.Severity) []bot.Signal {
	return []bot.Signal{{Name: name, Severity: sev}}
}

func checkText(t *testing.T, r bot.Reply) {
	t.Helper()
	for _, bad := range []string{"{{", "}}", "<no value>", "\x1f", "  "} {
		if strings.Contains(r.Text, bad) {
			t.Errorf("%s/%s: text contains %q:\n%s", r.Lang, r.Template, bad, r.Text)
		}
	}
	if strings.HasPrefix(r.Text, "\n") || strings.HasSuffix(r.Text, "\n") || strings.Contains(r.Text, "\n\n") {
		t.Errorf("%s/%s: untidy blank lines:\n%q", r.Lang, r.Template, r.Text)
	}
}

func TestChoice(t *testing.T) {
	r := mustNew(t)
	for i, tc := range []struct {
		name     string
		a        bot.Analysis
		event    *bot.Event
		template string
		private  bool
		skip     bool
	}{
		{name: "greeting", a: bot.Analysis{Intent: bot.IntentGreeting}, template: "reply.greeting"},
		{name: "thanks", a: bot.Analysis{Intent: bot.IntentThanks}, template: "reply.thanks"},
		{name: "praise", a: bot.Analysis{Intent: bot.IntentPraise, Products: []string{"Calcifort D"}}, template: "reply.praise"},
		{name: "product", a: bot.Analysis{Intent: bot.IntentProductQuestion, Products: []string{"Calcifort D"}}, template: "reply.product_question"},
		{name: "product unnamed", a: bot.Analysis{Intent: bot.IntentProductQuestion}, template: "reply.product_question"},
		{name: "price", a: bot.Analysis{Intent: bot.IntentPrice, Products: []string{"Zinkofer"}}, template: "reply.price"},
		{name: "where", a: bot.Analysis{Intent: bot.IntentWhereToBuy}, template: "reply.where_to_buy"},
		{name: "complaint", a: bot.Analysis{Intent: bot.IntentComplaint}, template: "reply.complaint", private: true},
		{name: "angry complaint", a: bot.Analysis{Intent: bot.IntentComplaint, Signals: sig(bot.SignalAbuse, bot.SeverityLow)}, template: "reply.complaint", private: true},
		{name: "human", a: bot.Analysis{Intent: bot.IntentHuman}, template: "reply.human"},
		{name: "medical", a: bot.Analysis{Intent: bot.IntentMedicalAdvice, Products: []string{"Calcifort D"}}, template: "reply.medical_advice"},
		{name: "side effect intent", a: bot.Analysis{Intent: bot.IntentSideEffect}, template: "reply.side_effect", private: true},
		{name: "adverse signal wins over price", a: bot.Analysis{Intent: bot.IntentPrice, Signals: sig(bot.SignalAdverseEvent, bot.SeverityHigh)}, template: "reply.side_effect", private: true},
		{name: "self harm wins over all", a: bot.Analysis{Intent: bot.IntentSideEffect, Signals: append(sig(bot.SignalAdverseEvent, bot.SeverityHigh), sig(bot.SignalSelfHarm, bot.SeverityCritical)...)}, template: "reply.self_harm", private: true},
		{name: "legal", a: bot.Analysis{Intent: bot.IntentComplaint, Signals: sig(bot.SignalLegalThreat, bot.SeverityHigh)}, template: "reply.legal_threat", private: true},
		{name: "opt out", a: bot.Analysis{Intent: bot.IntentOptOut, Signals: sig(bot.SignalAbuse, bot.SeverityLow)}, template: "reply.opt_out"},
		{name: "opt in", a: bot.Analysis{Intent: bot.IntentOptIn}, template: "reply.opt_in"},
		{name: "abuse private", a: bot.Analysis{Intent: bot.IntentOther, Signals: sig(bot.SignalAbuse, bot.SeverityMedium)}, template: "reply.abuse"},
		{name: "abuse public", a: bot.Analysis{Signals: sig(bot.SignalAbuse, bot.SeverityMedium)}, template: "reply.abuse", skip: true,
			event: &bot.Event{ID: "c9", Kind: bot.EventComment, ChatType: bot.ChatPublic}},
		{name: "spam", a: bot.Analysis{Intent: bot.IntentGreeting, Signals: sig(bot.SignalSpam, bot.SeverityLow)}, template: "reply.spam", skip: true},
		{name: "other", a: bot.Analysis{Intent: bot.IntentOther}, template: "reply.other"},
		{name: "empty intent", a: bot.Analysis{}, template: "reply.other"},
		{name: "unknown intent", a: bot.Analysis{Intent: "weather"}, template: "reply.other"},
		{name: "survey press", a: bot.Analysis{Intent: bot.IntentOther}, template: "reply.survey_answer",
			event: &bot.Event{ID: "cb1", Kind: bot.EventCallback, Data: "survey:7:1"}},
	} {
		for _, lang := range []string{"fa", "en"} {
			req := request(lang, tc.a)
			if tc.event != nil {
				req.Event = tc.event
			}
			got, err := r.Render(context.Background(), req)
			if err != nil {
				t.Errorf("%d %s/%s: %v", i, tc.name, lang, err)
				continue
			}
			if got.Template != tc.template || got.Private != tc.private || got.Skip != tc.skip || got.Lang != lang {
				t.Errorf("%d %s/%s: got template=%s private=%v skip=%v lang=%s, want %s %v %v %s",
					i, tc.name, lang, got.Template, got.Private, got.Skip, got.Lang, tc.template, tc.private, tc.skip, lang)
			}
			if tc.skip {
				if got.Text != "" || got.Buttons != nil {
					t.Errorf("%d %s/%s: skipped reply has text %q", i, tc.name, lang, got.Text)
				}
				continue
			}
			if got.Text == "" {
				t.Errorf("%d %s/%s: empty text", i, tc.name, lang)
			}
			checkText(t, got)
		}
	}
}

// TestEveryTemplate renders every reply template of both languages with a
// bare and a full request.
func TestEveryTemplate(t *testing.T) {
	r := mustNew(t)
	full := request("", bot.Analysis{Products: []string{"Calcifort D", "Zinkofer"}, Signals: sig(bot.SignalAdverseEvent, bot.SeverityHigh)})
	full.Follower.Name, full.Follower.Messages = "Sara", 4
	full.Follower.Interests = map[string]int{"Calcifort D": 2, "Zinkofer": 1}
	for _, lang := range []string{"fa", "en"} {
		for _, name := range r.Templates(lang) {
			if !strings.HasPrefix(name, "reply.") {
				continue
			}
			for _, req := range []bot.RenderRequest{{Lang: lang, Template: name}, full} {
				req.Lang, req.Template = lang, name
				got, err := r.Render(context.Background(), req)
				if err != nil {
					t.Errorf("%s/%s: %v", lang, name, err)
					continue
				}
				if got.Lang != lang {
					t.Errorf("%s/%s: rendered in %s", lang, name, got.Lang)
				}
				checkText(t, got)
			}
		}
	}
}

func TestAdverseEventReply(t *testing.T) {
	r := mustNew(t)
	sales := map[string][]string{
		"fa": {"قیمت", "خرید", "بخرید", "تخفیف", "فروش", "سفارش", "تهیه"},
		"en": {"price", "buy", "discount", "sale", "order", "shop", "offer"},
	}
	for _, lang := range []string{"fa", "en"} {
		for _, sev := range []bot.Severity{bot.SeverityMedium, bot.SeverityCritical} {
			req := request(lang, bot.Analysis{Intent: bot.IntentPrice, Products: []string{"Calcifort D"}, Signals: sig(bot.SignalAdverseEvent, sev)})
			got, err := r.Render(context.Background(), req)
			if err != nil {
				t.Fatalf("%s: %v", lang, err)
			}
			if !got.Private || got.Skip {
				t.Errorf("%s: private=%v skip=%v", lang, got.Private, got.Skip)
			}
			low := strings.ToLower(got.Text)
			for _, w := range sales[lang] {
				if strings.Contains(low, w) {
					t.Errorf("%s: adverse-event reply has sales word %q:\n%s", lang, w, got.Text)
				}
			}
			for _, w := range []string{brand.SafetyPhone, brand.SafetyEmail} {
				if !strings.Contains(got.Text, w) {
					t.Errorf("%s: missing safety contact %q:\n%s", lang, w, got.Text)
				}
			}
			emergency := map[string]string{"fa": "۱۱۵", "en": "emergency services"}[lang]
			if !strings.Contains(got.Text, emergency) {
				t.Errorf("%s: no emergency advice:\n%s", lang, got.Text)
			}
			if len(got.Buttons) != 0 {
				t.Errorf("%s: adverse-event reply has buttons %v", lang, got.Buttons)
			}
		}
	}
	// Without a safety contact the support phone stands in.
	r = mustNew(t, templates.WithBrand(bot.Brand{SupportPhone: "021-1234"}))
	got, err := r.Render(context.Background(), request("fa", bot.Analysis{Intent: bot.IntentSideEffect}))
	if err != nil || !strings.Contains(got.Text, "021-1234") {
		t.Errorf("support phone fallback: %v\n%s", err, got.Text)
	}
}

func TestSelfHarmReply(t *testing.T) {
	r := mustNew(t)
	for lang, want := range map[string][]string{
		"fa": {"۱۴۸۰", "۱۲۳", "۱۱۵"},
		"en": {"local emergency services", "1480", "123"},
	} {
		got, err := r.Render(context.Background(), request(lang, bot.Analysis{Signals: sig(bot.SignalSelfHarm, bot.SeverityCritical)}))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(got.Text, w) {
				t.Errorf("%s: missing %q:\n%s", lang, w, got.Text)
			}
		}
		if !got.Private {
			t.Errorf("%s: not private", lang)
		}
	}
}

func TestPersonalisation(t *testing.T) {
	r := mustNew(t)
	greet := func(lang string, edit func(*bot.RenderRequest)) string {
		t.Helper()
		req := request(lang, bot.Analysis{Intent: bot.IntentGreeting})
		edit(&req)
		got, err := r.Render(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		return got.Text
	}
	for i, tc := range []struct {
		lang      string
		edit      func(*bot.RenderRequest)
		want, not []string
	}{
		{"fa", func(q *bot.RenderRequest) {}, []string{"سلام، صبحتان به\u200cخیر.", "خوش آمدید", "نیکان دارو"}, []string{"دوباره"}},
		{"en", func(q *bot.RenderRequest) {}, []string{"Hi there,", "Welcome to Nikan Daru!"}, []string{"again"}},
		// The name comes from the profile, or from the event when the profile has none.
		{"fa", func(q *bot.RenderRequest) { q.Follower.Name = "🌸 مریم 🌸 احمدی" }, []string{"سلام مریم عزیز،"}, []string{"🌸"}},
		{"en", func(q *bot.RenderRequest) { q.Event.From.Name = "Sara K." }, []string{"Hi Sara,"}, nil},
		// A returning follower hears of what they asked about before.
		{"fa", func(q *bot.RenderRequest) {
			q.Follower.Messages, q.Follower.Interests = 6, map[string]int{"Calcifort D": 3, "skin": 9}
		}, []string{"دوباره", "کلسیفورت دی"}, []string{"خوش آمدید", "skin"}},
		{"en", func(q *bot.RenderRequest) {
			q.Follower.Messages, q.Follower.Interests = 6, map[string]int{"Calcifort D": 3, "Zinkofer": 3}
		}, []string{"again", "Calcifort D"}, []string{"Welcome"}},
		// ...recalled as asked before when this message asks again, and
		// not at all when they are unhappy: they get the apology instead.
		{"en", func(q *bot.RenderRequest) {
			q.Follower.Messages, q.Follower.Interests = 6, map[string]int{"Calcifort D": 3}
			q.Analysis.Products = []string{"Calcifort D"}
		}, []string{"again", "You asked us about Calcifort D before"}, []string{"more questions about Calcifort D"}},
		{"fa", func(q *bot.RenderRequest) {
			q.Follower.Messages, q.Follower.Mood, q.Follower.Interests = 6, -0.6, map[string]int{"Calcifort D": 3}
		}, []string{"متأسفیم", "با کارشناس صحبت کنید"}, []string{"کلسیفورت", "خوش آمدید"}},
		// Time of day in Tehran, whatever the zone of Now.
		{"fa", func(q *bot.RenderRequest) { q.Now = tehranAt(14).UTC() }, []string{"روزتان به\u200cخیر"}, []string{"صبح"}},
		{"fa", func(q *bot.RenderRequest) { q.Now = tehranAt(18) }, []string{"عصرتان به\u200cخیر"}, nil},
		{"fa", func(q *bot.RenderRequest) { q.Now = tehranAt(23) }, []string{"وقت\u200cتان به\u200cخیر"}, nil},
	} {
		text := greet(tc.lang, tc.edit)
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%d %s: want %q in:\n%s", i, tc.lang, w, text)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(text, w) {
				t.Errorf("%d %s: do not want %q in:\n%s", i, tc.lang, w, text)
			}
		}
	}
}

func TestProductsAndButtons(t *testing.T) {
	r := mustNew(t)
	req := request("fa", bot.Analysis{Intent: bot.IntentProductQuestion, Products: []string{"Calcifort D", "Zinkofer", "Calcifort D"}})
	got, err := r.Render(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got.Text, "کلسیفورت دی و زینکوفر") {
		t.Errorf("products not listed:\n%s", got.Text)
	}
	want := [][]bot.Button{{{Text: "کلسیفورت دی", URL: "https://nikandaru.example/calcifort-d"}}, {{Text: "صحبت با کارشناس", Data: "intent:human"}}}
	if !slices.EqualFunc(got.Buttons, want, slices.Equal) {
		t.Errorf("buttons = %v, want %v", got.Buttons, want)
	}
	got, err = r.Render(context.Background(), request("en", bot.Analysis{Intent: bot.IntentOther}))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Buttons) != 2 || len(got.Buttons[0]) != 2 || got.Buttons[1][1].Data != "intent:human" {
		t.Errorf("menu = %v", got.Buttons)
	}
	// An unknown product shows its canonical name.
	got, _ = r.Render(context.Background(), request("en", bot.Analysis{Intent: bot.IntentPrice, Products: []string{"omega3"}}))
	if !strings.Contains(got.Text, "omega3") {
		t.Errorf("unknown product:\n%s", got.Text)
	}
}

func TestDeterministic(t *testing.T) {
	r := mustNew(t)
	seen := map[string]bool{}
	for _, id := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"} {
		req := request("en", bot.Analysis{Intent: bot.IntentThanks})
		req.Event.ID = id
		first, err := r.Render(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := r.Render(context.Background(), req)
		if first.Text != again.Text {
			t.Errorf("id %s: %q then %q", id, first.Text, again.Text)
		}
		seen[first.Text] = true
	}
	if len(seen) < 2 {
		t.Errorf("12 messages got the same wording: %v", seen)
	}
}

func TestLanguageFallback(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "fa", "campaign.fa_only.tmpl"), `فقط فارسی {{faDigits 1405}}`)
	r := mustNew(t, templates.WithDir(dir))
	for i, tc := range []struct {
		lang, template, wantLang string
	}{
		{"de", "", "fa"},
		{"", "", "fa"},
		{bot.LangOther, "", "fa"},
		{"en", "", "en"},
		{"en", "campaign.fa_only", "fa"},
	} {
		req := request(tc.lang, bot.Analysis{Intent: bot.IntentThanks})
		req.Template = tc.template
		got, err := r.Render(context.Background(), req)
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		if got.Lang != tc.wantLang {
			t.Errorf("%d: lang %q template %q rendered in %q, want %q", i, tc.lang, tc.template, got.Lang, tc.wantLang)
		}
		if tc.template == "campaign.fa_only" && got.Text != "فقط فارسی ۱۴۰۵" {
			t.Errorf("%d: text %q", i, got.Text)
		}
	}
	en, err := templates.New(templates.WithDefaultLang("en"))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := en.Render(context.Background(), request("de", bot.Analysis{Intent: bot.IntentThanks})); got.Lang != "en" {
		t.Errorf("default en: rendered in %q", got.Lang)
	}
	if _, err := templates.New(templates.WithDefaultLang("de")); err == nil {
		t.Error("default language without templates: no error")
	}
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestOverrideDir(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "en", "reply.thanks.tmpl"), "Cheers, {{name \"friend\"}}!{{button \"More\" \"intent:other\"}}")
	write(t, filepath.Join(dir, "en", "README.txt"), "not a template")
	write(t, filepath.Join(dir, "ar", "reply.thanks.tmpl"), "شكراً")
	r := mustNew(t, templates.WithDir(dir))

	req := request("en", bot.Analysis{Intent: bot.IntentThanks})
	got, err := r.Render(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if got.Text != "Cheers, friend!" || len(got.Buttons) != 1 || got.Buttons[0][0].Data != "intent:other" {
		t.Errorf("override: %q %v", got.Text, got.Buttons)
	}
	// Others are still the embedded ones, and fa is untouched.
	if got, _ := r.Render(context.Background(), request("en", bot.Analysis{Intent: bot.IntentPraise})); !strings.Contains(got.Text, "Thank you so much") {
		t.Errorf("embedded praise lost: %q", got.Text)
	}
	if got, _ := r.Render(context.Background(), request("fa", bot.Analysis{Intent: bot.IntentThanks})); strings.Contains(got.Text, "Cheers") {
		t.Errorf("fa overridden: %q", got.Text)
	}
	// A new language folder is a new language; what it lacks comes from the default.
	if got, _ := r.Render(context.Background(), request("ar", bot.Analysis{Intent: bot.IntentThanks})); got.Text != "شكراً" || got.Lang != "ar" {
		t.Errorf("ar: %q in %s", got.Text, got.Lang)
	}
	if got, _ := r.Render(context.Background(), request("ar", bot.Analysis{Intent: bot.IntentGreeting})); got.Lang != "fa" {
		t.Errorf("ar greeting rendered in %s", got.Lang)
	}
}

func TestBadOverride(t *testing.T) {
	for i, tc := range []struct {
		name string
		file string // relative to the folder
		text string
		want []string
	}{
		{"parse error", "fa/reply.thanks.tmpl", "ممنون {{if}}", []string{"fa/reply.thanks.tmpl", "missing value for if"}},
		{"unknown function", "en/reply.praise.tmpl", "{{shout .Name}}", []string{"en/reply.praise.tmpl", `"shout" not defined`}},
		{"fails when run", "en/reply.praise.tmpl", `{{template "nope" .}}`, []string{"en/reply.praise.tmpl", "nope"}},
		{"bad link", "fa/reply.other.tmpl", `{{link "x" "javascript:alert(1)"}}متن`, []string{"fa/reply.other.tmpl", "not an absolute http(s) URL"}},
		{"safety reply skips", "en/reply.side_effect.tmpl", `{{skip}}`, []string{"en/reply.side_effect.tmpl", "may not skip"}},
		{"empty reply", "fa/reply.greeting.tmpl", `{{/* nothing */}}`, []string{"fa/reply.greeting.tmpl", "no text"}},
		{"outside a language folder", "reply.thanks.tmpl", "x", []string{"reply.thanks.tmpl", "language folder"}},
	} {
		dir := t.TempDir()
		write(t, filepath.Join(dir, tc.file), tc.text)
		_, err := templates.New(templates.WithDir(dir))
		if err == nil {
			t.Errorf("%d %s: no error", i, tc.name)
			continue
		}
		for _, w := range append(tc.want, dir) {
			if !strings.Contains(err.Error(), filepath.FromSlash(w)) {
				t.Errorf("%d %s: error %q does not name %q", i, tc.name, err, w)
			}
		}
	}
}

func TestUnreadableDir(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	if _, err := templates.New(templates.WithDir(missing)); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing folder: %v", err)
	}
	file := filepath.Join(t.TempDir(), "file")
	write(t, file, "x")
	if _, err := templates.New(templates.WithDir(file)); err == nil || !strings.Contains(err.Error(), file) {
		t.Errorf("a file as folder: %v", err)
	}
	// A language "folder" that is a dangling link cannot be read either.
	dir := t.TempDir()
	if err := os.Symlink(filepath.Join(dir, "gone"), filepath.Join(dir, "fa")); err != nil {
		t.Skip("no symlinks:", err)
	}
	if _, err := templates.New(templates.WithDir(dir)); err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "fa")) {
		t.Errorf("dangling language folder: %v", err)
	}
}

func TestCampaignPostSurvey(t *testing.T) {
	r := mustNew(t)
	follower := &bot.Follower{Name: "Sara", Messages: 3}
	for i, tc := range []struct {
		lang, template string
		data           map[string]any
		want           []string
		buttons        [][]bot.Button
	}{
		{"fa", "campaign.generic", map[string]any{"title": "هفته‌ی سلامت", "body": "نکته‌ی امروز", "link": "https://example.com/w"},
			[]string{"سلام Sara عزیز", "هفته‌ی سلامت\nنکته‌ی امروز", "«لغو»"},
			[][]bot.Button{{{Text: "اطلاعات بیشتر", URL: "https://example.com/w"}}}},
		{"en", "campaign.generic", map[string]any{"title": "Health week", "body": "Tip of the day", "link": "https://example.com/w", "link_text": "Read"},
			[]string{"Hello Sara,", "Health week\nTip of the day", `send "stop"`},
			[][]bot.Button{{{Text: "Read", URL: "https://example.com/w"}}}},
		{"fa", "campaign.event", map[string]any{"title": "همایش", "when": "2026-11-25", "place": "تهران"},
			[]string{"زمان: ۴ آذر ۱۴۰۵ (2026-11-25)", "مکان: تهران"}, nil},
		{"en", "campaign.event", map[string]any{"title": "Seminar", "when": time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)},
			[]string{"When: 25 November 2026 (4 Azar 1405)"}, nil},
		{"fa", "post.generic", map[string]any{"title": "عنوان", "body": "بند اول\n\n\nبند دوم", "tags": "#سلامت"},
			[]string{"عنوان\n\nبند اول\n\nبند دوم\n#سلامت"}, nil},
		{"en", "survey.generic", map[string]any{"id": 42, "question": "How did we do?", "options": []string{"Great", "OK", "Poor"}},
			[]string{"How did we do?"},
			[][]bot.Button{{{Text: "Great", Data: "survey:42:0"}}, {{Text: "OK", Data: "survey:42:1"}}, {{Text: "Poor", Data: "survey:42:2"}}}},
	} {
		purpose, _, _ := strings.Cut(tc.template, ".")
		got, err := r.Render(context.Background(), bot.RenderRequest{Purpose: purpose, Template: tc.template, Lang: tc.lang, Follower: follower, Data: tc.data, Now: tehranAt(9)})
		if err != nil {
			t.Errorf("%d %s: %v", i, tc.template, err)
			continue
		}
		checkText(t, bot.Reply{Text: strings.ReplaceAll(got.Text, "\n\n", "\n"), Lang: got.Lang, Template: got.Template})
		for _, w := range tc.want {
			if !strings.Contains(got.Text, w) {
				t.Errorf("%d %s: want %q in:\n%s", i, tc.template, w, got.Text)
			}
		}
		if !slices.EqualFunc(got.Buttons, tc.buttons, slices.Equal) {
			t.Errorf("%d %s: buttons %v, want %v", i, tc.template, got.Buttons, tc.buttons)
		}
	}
	// A required value that is missing is an error, not "<no value>".
	_, err := r.Render(context.Background(), bot.RenderRequest{Purpose: bot.PurposeCampaign, Template: "campaign.generic", Lang: "en", Data: map[string]any{"title": "x"}})
	if err == nil || !strings.Contains(err.Error(), "body") {
		t.Errorf("missing body: %v", err)
	}
}

func TestRequestErrors(t *testing.T) {
	r := mustNew(t)
	_, err := r.Render(context.Background(), bot.RenderRequest{Purpose: bot.PurposeCampaign})
	if bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("campaign without template: %v", err)
	}
	_, err = r.Render(context.Background(), bot.RenderRequest{Template: "campaign.nope", Lang: "en"})
	if bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("unknown template: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Render(ctx, request("fa", bot.Analysis{})); err == nil {
		t.Error("cancelled context: no error")
	}
}

// TestEmbeddedLanguagesMatch keeps fa and en in step: a template in one
// language only would fall back to the other for half the followers.
func TestEmbeddedLanguagesMatch(t *testing.T) {
	list := func(lang string) []string {
		entries, err := os.ReadDir(lang)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		return names
	}
	fa, en := list("fa"), list("en")
	if !slices.Equal(fa, en) {
		t.Errorf("fa has %v\nen has %v", fa, en)
	}
	// Partials (names without a dot) may differ; templates may not.
	top := func(names []string) []string {
		return slices.DeleteFunc(names, func(n string) bool { return !strings.Contains(n, ".") })
	}
	r := mustNew(t)
	if fa, en := top(r.Templates("fa")), top(r.Templates("en")); !slices.Equal(fa, en) {
		t.Errorf("defined templates differ:\nfa %v\nen %v", fa, en)
	}
	if got := r.Languages(); !slices.Equal(got, []string{"en", "fa"}) {
		t.Errorf("languages %v", got)
	}
}

var spacedPrefix = regexp.MustCompile(`(^|[\s«(])ن?می [\p{Arabic}]+`)

// TestPersianText checks habits of written Persian in the fa templates.
func TestPersianText(t *testing.T) {
	entries, err := os.ReadDir("fa")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("fa", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		if m := spacedPrefix.FindString(text); m != "" {
			t.Errorf("fa/%s: %q: می and نمی take a ZWNJ, not a space", e.Name(), m)
		}
		for _, bad := range []string{"ي", "ك", "?", " ,", "بخیر"} {
			if strings.Contains(text, bad) {
				t.Errorf("fa/%s contains %q (use Persian ی and ک, ؟ and ، and به‌خیر)", e.Name(), bad)
			}
		}
	}
}

func TestConcurrentRender(t *testing.T) {
	r := mustNew(t)
	intents := []string{bot.IntentGreeting, bot.IntentThanks, bot.IntentPrice, bot.IntentOther}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				req := request([]string{"fa", "en"}[i%2], bot.Analysis{Intent: intents[(g+i)%len(intents)]})
				if _, err := r.Render(context.Background(), req); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

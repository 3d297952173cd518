package analyze_test

import (
	"slices"
	"testing"

	"engagebot/analyze"
	"engagebot/bot"
)

// A product added to the catalogue is recognised from the next analysis
// on, with its misspellings; one replaced loses its old terms; the seed
// carries the built-in products.
func TestSetCatalogue(t *testing.T) {
	a, err := analyze.New()
	if err != nil {
		t.Fatal(err)
	}
	products := func(text string) []string {
		res, err := a.Analyze(t.Context(), text, "")
		if err != nil {
			t.Fatal(err)
		}
		return res.Products
	}
	if got := products("آیا گلوکوویت برای قند خون خوب است؟"); len(got) != 0 {
		t.Fatalf("before: products %v, want none", got)
	}
	seed := a.CatalogueSeed()
	i := slices.IndexFunc(seed, func(c *bot.CatalogueItem) bool { return c.Canonical == "Zinkofer" })
	if i < 0 || seed[i].ID != "zinkofer" || !slices.Contains(seed[i].Terms, "zincofer") {
		t.Fatalf("seed lacks Zinkofer with its terms: %+v", seed)
	}
	for _, c := range seed {
		if err := c.Validate(); err != nil {
			t.Errorf("seed item %s: %v", c.ID, err)
		}
	}
	items := []*bot.CatalogueItem{
		{ID: "glucovit", Kind: bot.ItemProduct, Canonical: "Glucovit", Title: map[string]string{"fa": "گلوکوویت"},
			Terms: []string{"گلوکوویت", "گلوکو ویت", "glucovit", "glukovit"}},
		{ID: "zinkofer", Kind: bot.ItemProduct, Canonical: "Zinkofer", Title: map[string]string{"en": "Zinkofer"}, Terms: []string{"zinkofer"}},
	}
	if err := a.SetCatalogue(items); err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct {
		text string
		want []string
	}{
		{"آیا گلوکوویت برای قند خون خوب است؟", []string{"Glucovit"}},
		{"is glukovit any good", []string{"Glucovit"}},
		{"zinkofer price?", []string{"Zinkofer"}},
		{"zincofer price?", nil}, // replaced: the old misspelling is gone
		{"nikavit price?", []string{"Nikavit"}},
	} {
		if got := products(tc.text); !slices.Equal(got, tc.want) {
			t.Errorf("Test %d: %q: products %v, want %v", i, tc.text, got, tc.want)
		}
	}
	if !slices.ContainsFunc(a.Products(), func(p analyze.Product) bool { return p.Canonical == "Glucovit" && p.Names["fa"] == "گلوکوویت" }) {
		t.Errorf("Products lacks Glucovit: %v", a.Products())
	}
	bad := []*bot.CatalogueItem{{ID: "x", Kind: bot.ItemProduct, Terms: []string{"\u200c"}}}
	if err := a.SetCatalogue(bad); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("a term that normalises to nothing: %v, want EINVALID", err)
	}
	if got := products("is glukovit any good"); !slices.Equal(got, []string{"Glucovit"}) {
		t.Errorf("a refused catalogue changed the vocabulary: %v", got)
	}
}

// The plain words of consent, alone or nearly so, in Persian and English;
// the same words inside a longer sentence about something else are not.
func TestConsentWords(t *testing.T) {
	a, err := analyze.New()
	if err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct {
		text, want string
	}{
		{"لغو", bot.IntentOptOut},
		{"توقف", bot.IntentOptOut},
		{"stop", bot.IntentOptOut},
		{"unsubscribe", bot.IntentOptOut},
		{"شروع", bot.IntentOptIn},
		{"start", bot.IntentOptIn},
		{"درمان را از هفته‌ی پیش شروع کردم و حالم بهتر است", ""},
	} {
		res, err := a.Analyze(t.Context(), tc.text, "")
		if err != nil {
			t.Fatal(err)
		}
		if tc.want == "" {
			if res.Intent == bot.IntentOptOut || res.Intent == bot.IntentOptIn {
				t.Errorf("Test %d: %q: intent %s, want neither opt-in nor opt-out", i, tc.text, res.Intent)
			}
			continue
		}
		if res.Intent != tc.want {
			t.Errorf("Test %d: %q: intent %s, want %s", i, tc.text, res.Intent, tc.want)
		}
	}
}

// Analyses running while the catalogue changes each see one vocabulary:
// the product is found or not, and nothing races (go test -race).
func TestSetCatalogueWhileAnalysing(t *testing.T) {
	a, err := analyze.New()
	if err != nil {
		t.Fatal(err)
	}
	with := []*bot.CatalogueItem{{ID: "glucovit", Kind: bot.ItemProduct, Canonical: "Glucovit", Title: map[string]string{"en": "Glucovit"}, Terms: []string{"glucovit"}}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 20 {
			items := with
			if i%2 == 1 {
				items = nil
			}
			if err := a.SetCatalogue(items); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for range 200 {
		res, err := a.Analyze(t.Context(), "is glucovit any good", "")
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Products) > 1 || len(res.Products) == 1 && res.Products[0] != "Glucovit" {
			t.Fatalf("products %v, want Glucovit or none", res.Products)
		}
	}
	<-done
}

package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseItems(t *testing.T) {
	want := []cliItem{
		{ID: "diabetes-guide", Kind: "article", Title: map[string]string{"fa": "راهنما", "en": "Guide"},
			Tags: []string{"diabetes", "Diabetan"}, From: "1405-10-01", URL: "https://example.com/g"},
		{ID: "glucovit", Kind: "product", Canonical: "Glucovit", Title: map[string]string{"fa": "گلوکوویت"},
			Terms: []string{"گلوکوویت", "glucovit"}},
	}
	for i, tc := range []struct{ name, text string }{
		{"c.yaml", `
- id: diabetes-guide
  kind: article
  title: {fa: راهنما, en: Guide}
  tags: [diabetes, Diabetan]
  from: "1405-10-01"
  url: https://example.com/g
- id: glucovit
  kind: product
  canonical: Glucovit
  title: {fa: گلوکوویت}
  terms: [گلوکوویت, glucovit]
`},
		{"c.yml", "items:\n" + `  - {id: diabetes-guide, kind: article, title: {fa: راهنما, en: Guide}, tags: [diabetes, Diabetan], from: "1405-10-01", url: "https://example.com/g"}
  - {id: glucovit, kind: product, canonical: Glucovit, title: {fa: گلوکوویت}, terms: [گلوکوویت, glucovit]}
`},
		{"c.json", `[{"id": "diabetes-guide", "kind": "article", "title": {"fa": "راهنما", "en": "Guide"}, "tags": ["diabetes", "Diabetan"], "from": "1405-10-01", "url": "https://example.com/g"},
			{"id": "glucovit", "kind": "product", "canonical": "Glucovit", "title": {"fa": "گلوکوویت"}, "terms": ["گلوکوویت", "glucovit"]}]`},
		{"c.CSV", "\uFEFFid,kind,canonical,title_fa,title_en,tags,terms,from,url\n" +
			"diabetes-guide,article,,راهنما,Guide,diabetes|Diabetan,,1405-10-01,https://example.com/g\n" +
			"glucovit,product,Glucovit,گلوکوویت,,, گلوکوویت | glucovit ,,\n"},
	} {
		got, err := parseItems(tc.name, []byte(tc.text))
		if err != nil {
			t.Fatalf("Test %d (%s): %v", i, tc.name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Test %d (%s):\n got %+v\nwant %+v", i, tc.name, got, want)
		}
	}
	for i, tc := range []struct{ name, text, why string }{
		{"c.yaml", "- id: a\n  kind: article\n  colour: red\n", "colour"},
		{"c.yaml", "", "no items"},
		{"c.yaml", "- id: [\n", "c.yaml"},
		{"c.csv", "id,kind,colour\na,article,red\n", `"colour"`},
		{"c.csv", "kind,title_fa\narticle,x\n", `"id"`},
		{"c.csv", "id,kind\n", "no items"},
		{"c.csv", "id,kind\n\"a,article\n", "c.csv"},
	} {
		if _, err := parseItems(tc.name, []byte(tc.text)); err == nil || !strings.Contains(err.Error(), tc.why) {
			t.Errorf("Test %d (%s %q): err = %v, want one naming %s", i, tc.name, tc.text, err, tc.why)
		}
	}
}

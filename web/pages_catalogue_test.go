package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"engagebot/bot"
	"engagebot/web"
)

// catalogueActions are the fake actions with a catalogue of each kind:
// a product with terms and platforms, an offer valid for a winter, and
// the fake's article; none lists nothing.
type catalogueActions struct {
	*Actions
	none bool
}

var _ web.CatalogueActions = catalogueActions{}

func (a catalogueActions) items() []*bot.CatalogueItem {
	return []*bot.CatalogueItem{
		{ID: "diabetes-guide", Kind: bot.ItemArticle, Title: map[string]string{"fa": "راهنمای دیابت", "en": "A diabetes guide"}, Tags: []string{"diabetes"},
			URL: "https://example.com/guide", Version: 1},
		{ID: "nikavit", Kind: bot.ItemProduct, Canonical: "Nikavit", Title: map[string]string{"fa": "نیکاویت"}, Terms: []string{"نیکاویت", "nikavit"},
			Platforms: []string{"telegram", "rubika"}, Lang: "fa", Version: 3},
		{ID: "winter", Kind: bot.ItemOffer, Title: map[string]string{"en": "Winter offer"}, Summary: map[string]string{"en": "Call 021-8888"},
			From: time.Date(2026, 12, 21, 20, 30, 0, 0, time.UTC), Until: time.Date(2027, 1, 20, 20, 30, 0, 0, time.UTC), Version: 1},
	}
}

func (a catalogueActions) CatalogueItems(_ context.Context, actor bot.Actor, f bot.CatalogueFilter) ([]*bot.CatalogueItem, error) {
	if a.none {
		return nil, nil
	}
	var out []*bot.CatalogueItem
	for _, c := range a.items() {
		if f.Kind == "" || c.Kind == f.Kind {
			out = append(out, c)
		}
	}
	return out, nil
}

func (a catalogueActions) CatalogueItem(_ context.Context, actor bot.Actor, id string) (*bot.CatalogueItem, error) {
	for _, c := range a.items() {
		if c.ID == id {
			return c, nil
		}
	}
	return nil, bot.Errorf(bot.ENOTFOUND, "catalogue item %q not found", id)
}

// ImportCatalogue validates as the service does, all or none; an id the
// catalogue has is updated.
func (a catalogueActions) ImportCatalogue(ctx context.Context, actor bot.Actor, items []*bot.CatalogueItem) (bot.ImportResult, error) {
	var res bot.ImportResult
	for i, c := range items {
		if err := c.Validate(); err != nil {
			return res, bot.Errorf(bot.EINVALID, "item %d (%s): %s", i+1, c.ID, bot.ErrorMessage(err))
		}
		if _, err := a.CatalogueItem(ctx, actor, c.ID); err == nil {
			res.Updated = append(res.Updated, c.ID)
		} else {
			res.Added = append(res.Added, c.ID)
		}
	}
	a.record(actor, "catalogue.import("+strings.Join(append(res.Added, res.Updated...), ",")+")", bot.ThreadKey{})
	return res, nil
}

func newCatalogueStaff(t *testing.T, acts catalogueActions) *staff {
	t.Helper()
	st := &staff{auth: newAuth(), actions: acts.Actions}
	loc, _ := time.LoadLocation("Asia/Tehran")
	st.srv = web.New(web.Options{Engine: &Core{}, Version: "v-test", Auth: st.auth, Data: newData(),
		Actions: acts, Passwords: hasher{}, UploadDir: t.TempDir(), Location: loc})
	st.ts = httptest.NewServer(st.srv.Handler())
	t.Cleanup(st.ts.Close)
	return st
}

// The list in each language: both titles, tags, terms, platforms and the
// offer's validity in both calendars; the buttons only for PR staff.
func TestPages_Catalogue(t *testing.T) {
	st := newCatalogueStaff(t, catalogueActions{Actions: &Actions{}})
	for i, tc := range []struct {
		token      string
		want, not  []string
		wantStatus int
	}{
		{"ebt_pr", []string{`lang="fa" dir="rtl"`, "فهرست محتوا", `data-item="nikavit"`, "راهنمای دیابت", "A diabetes guide", "نیکاویت",
			`<bdi dir="ltr">telegram</bdi>`, "۱ دی ۱۴۰۵", "2026-12-22", "۱ بهمن ۱۴۰۵", `<bdi dir="ltr">021-8888</bdi>`,
			`action="/catalogue/nikavit/remove"`, `id="item-form"`, `id="import-form"`, `enctype="multipart/form-data"`, "همهٔ سکوها"},
			[]string{"cat_", `id="catalogue-empty"`}, 200},
		{"ebt_viewer", []string{`data-item="winter"`, `id="catalogue-readonly"`},
			[]string{`id="item-form"`, `/remove"`, `id="import-form"`}, 200},
	} {
		a := st.do(t, request{method: "GET", path: "/catalogue", token: tc.token})
		if a.status != tc.wantStatus {
			t.Fatalf("Test %d: /catalogue = %d:\n%s", i, a.status, a.body)
		}
		wantAll(t, "the catalogue", a.body, tc.want...)
		wantNone(t, "the catalogue", a.body, tc.not...)
	}

	// In English, for a user who chose it (sara, a moderator: read only).
	cookie := signedIn(t, st)
	a := st.do(t, request{method: "GET", path: "/catalogue?kind=offer", cookie: cookie})
	wantAll(t, "the English catalogue", a.body, `lang="en" dir="ltr"`, "Content catalogue", "Winter offer", "2026-12-22", "1 Dey 1405", `option value="offer" selected`)
	wantNone(t, "the offers", a.body, `data-item="nikavit"`, `data-item="diabetes-guide"`)
}

func TestPages_CatalogueEmpty(t *testing.T) {
	st := newCatalogueStaff(t, catalogueActions{Actions: &Actions{}, none: true})
	a := st.do(t, request{method: "GET", path: "/catalogue", token: "ebt_pr"})
	wantAll(t, "an empty catalogue", a.body, `id="catalogue-empty"`, "هنوز چیزی در فهرست نیست.", `id="item-form"`)
	a = st.do(t, request{method: "GET", path: "/catalogue?kind=product", token: "ebt_pr"})
	wantAll(t, "no products", a.body, "از این نوع چیزی در فهرست نیست.")
}

// The form adds, edits (the item's fields in the form) and refuses with
// the field at fault, keeping what was typed.
func TestPages_CatalogueForm(t *testing.T) {
	acts := catalogueActions{Actions: &Actions{}}
	st := newCatalogueStaff(t, acts)
	a := st.do(t, request{method: "GET", path: "/catalogue?edit=winter", token: "ebt_pr"})
	wantAll(t, "the edit form", a.body, `name="editing" value="winter"`, `value="Winter offer"`, `name="from" dir="ltr" size="18" value="1405-10-01 00:00"`, `name="until" dir="ltr" size="18" value="1405-11-01 00:00"`)
	for i, tc := range []struct {
		form url.Values
		took string // the action recorded, "" for refused
		want string // on the refused page
	}{
		{url.Values{"id": {"spring"}, "kind": {"offer"}, "title_en": {"Spring"}, "from": {"2027-03-21"}, "platform": {"telegram"}},
			"catalogue.add(spring from=2027-03-20T20:30Z)", ""},
		{url.Values{"editing": {"winter"}, "id": {"winter"}, "kind": {"offer"}, "title_en": {"Winter"}}, "catalogue.edit(winter)", ""},
		{url.Values{"editing": {"winter"}, "id": {"other"}, "kind": {"offer"}, "title_en": {"Winter"}}, "", "an item&#39;s id does not change"},
		{url.Values{"id": {"Bad Id"}, "kind": {"offer"}, "title_fa": {"بد"}}, "", "id: &#34;Bad Id&#34;"},
		{url.Values{"id": {"x"}, "kind": {"offer"}, "title_fa": {"ایکس"}, "from": {"tomorrow"}}, "", "from: "},
		{url.Values{"id": {"x"}, "kind": {"article"}, "title_fa": {"ایکس"}, "terms": {"x"}}, "", "terms: only a product"},
	} {
		before := len(acts.took())
		a := st.do(t, request{method: "POST", path: "/catalogue", token: "ebt_pr", form: tc.form})
		got := acts.took()[before:]
		if tc.took != "" {
			if a.status != http.StatusSeeOther || !strings.Contains(a.header.Get("Location"), "done=") || len(got) != 1 || !strings.Contains(got[0], tc.took) {
				t.Errorf("Test %d: = %d %s, took %v, want %s", i, a.status, a.header.Get("Location"), got, tc.took)
			}
			continue
		}
		if a.status != http.StatusBadRequest || len(got) != 0 || !strings.Contains(a.body, tc.want) || !strings.Contains(a.body, tc.form.Get("id")) {
			t.Errorf("Test %d: = %d, took %v; want 400 saying %q with the form as typed:\n%s", i, a.status, got, tc.want, a.body)
		}
	}
	a = st.do(t, request{method: "POST", path: "/catalogue/winter/remove", token: "ebt_pr"})
	if got := acts.took(); a.status != http.StatusSeeOther || !strings.Contains(got[len(got)-1], "catalogue.remove(winter)") {
		t.Errorf("remove = %d, took %v", a.status, got)
	}
}

// An import of pasted CSV or JSON, or of an uploaded file, shows what
// was added and updated; a bad row is named and nothing is imported.
func TestPages_CatalogueImport(t *testing.T) {
	acts := catalogueActions{Actions: &Actions{}}
	st := newCatalogueStaff(t, acts)
	const good = "id,kind,title_fa,title_en,tags,platforms,from,until\n" +
		"nikavit,product,نیکاویت,,vitamins|skin,telegram|rubika,,\n" +
		"autumn,offer,پاییز,Autumn,,,1405-07-01,1405-08-01\n"
	for i, tc := range []struct {
		name, text string // name: uploaded as this file, else pasted
		status     int
		want       []string
	}{
		{"", good, 200, []string{`data-added="autumn"`, `data-updated="nikavit"`}},
		{"items.csv", good, 200, []string{`data-added="autumn"`}},
		{"", `[{"id":"spring","kind":"article","title":{"en":"Spring"},"from":"2027-03-21"}]`, 200, []string{`data-added="spring"`}},
		{"items.json", `{"items":[{"id":"winter","kind":"offer","title":{"fa":"زمستان"}}]}`, 200, []string{`data-updated="winter"`}},
		{"", "id,kind,title_fa\nok,article,خوب\nbad,coupon,بد\n", 400, []string{"CSV row 3 (bad): kind: want product, article or offer", "bad,coupon"}},
		{"", "id,kind,title_fa,from\nok,article,خوب,soon\n", 400, []string{"CSV row 2 (ok): from: "}},
		{"", "id,kind,colour\na,article,red\n", 400, []string{"column &#34;colour&#34;: unknown"}},
		{"", `[{"id":"a","kind":"article","title":{"fa":"x"}},{"id":"b","kind":"article"}]`, 400, []string{"item 2 (b): title"}},
		{"", `[{"id":"a","kind":"article","titel":{"fa":"x"}}]`, 400, []string{"unknown field"}},
		{"items.yaml", "- id: a\n", 400, []string{"YAML is imported with the CLI"}},
		{"", "  ", 400, []string{"text: paste CSV or JSON"}},
	} {
		before := len(acts.took())
		rq := request{method: "POST", path: "/catalogue/import", token: "ebt_pr", form: url.Values{"text": {tc.text}}}
		var a answer
		if tc.name != "" {
			a = st.upload(t, rq, tc.name, tc.text)
		} else {
			a = st.do(t, rq)
		}
		got := acts.took()[before:]
		if a.status != tc.status {
			t.Errorf("Test %d: import = %d, want %d:\n%s", i, a.status, tc.status, a.body)
			continue
		}
		wantAll(t, "the import's answer", a.body, tc.want...)
		if (tc.status == 200) != (len(got) == 1) {
			t.Errorf("Test %d: took %v", i, got)
		}
	}
}

// upload posts a multipart form with the file as "file".
func (st *staff) upload(t *testing.T, rq request, name, content string) answer {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(fw, content)
	mw.WriteField("text", "")
	mw.Close()
	req, _ := http.NewRequest(rq.method, st.ts.URL+rq.path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+rq.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, string(body)}
}

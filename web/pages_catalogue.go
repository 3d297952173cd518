package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"engagebot/bot"
)

// The content catalogue's page: the items with their titles, tags,
// platforms and validity in both calendars, filtered by kind; a form
// that adds an item or edits one; remove; and an import of many items
// from a pasted or uploaded CSV or JSON file, all or none. Reads go
// through the catalogue API in process; changes call CatalogueActions,
// as the API's routes do.
//
// YAML files are the CLI's (engagebot catalogue import): web may not
// import a YAML decoder (bot/deps_test.go), so the page takes CSV, with
// the CLI's columns, and JSON.

// cataloguePageRoutes are the catalogue's pages: anyone signed in sees
// it (as the API's GET); pr changes it.
func (s *Server) cataloguePageRoutes() []Route {
	pr := []bot.Role{bot.RolePR}
	page := s.pageRoute
	return []Route{
		page("GET", "/catalogue", anyRole, s.pageCatalogue),
		page("POST", "/catalogue", pr, s.postCatalogueItem),
		page("POST", "/catalogue/import", pr, s.postCatalogueImport),
		page("POST", "/catalogue/{id}/remove", pr, s.postCatalogueRemove),
	}
}

// maxImportBytes bounds a pasted or uploaded import.
const maxImportBytes = 4 << 20

// catalogueColumns are the columns of a catalogue CSV, as the CLI reads
// them; a list column separates its values with "|".
var catalogueColumns = []string{"id", "kind", "canonical", "title_fa", "title_en", "summary_fa", "summary_en",
	"tags", "lang", "terms", "platforms", "from", "until", "url", "image"}

// itemForm is an item as the form's fields hold it, so a refused form
// comes back as it was typed. Editing is the id of the item edited ("" to
// add one).
type itemForm struct {
	Editing                                string
	ID, Kind, Canonical                    string
	TitleFa, TitleEn, SummaryFa, SummaryEn string
	Tags, Lang, Terms, From, Until         string
	URL, Image                             string
	Platforms                              map[string]bool
}

func readItemForm(r *http.Request) itemForm {
	_ = r.ParseForm() // a form that cannot be read is an empty one, refused as such
	f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	picked := map[string]bool{}
	for _, p := range r.PostForm["platform"] {
		if p = strings.TrimSpace(p); p != "" {
			picked[p] = true
		}
	}
	return itemForm{Editing: f("editing"), ID: f("id"), Kind: f("kind"), Canonical: f("canonical"),
		TitleFa: f("title_fa"), TitleEn: f("title_en"), SummaryFa: f("summary_fa"), SummaryEn: f("summary_en"),
		Tags: f("tags"), Lang: f("lang"), Terms: f("terms"), From: f("from"), Until: f("until"), URL: f("url"), Image: f("image"),
		Platforms: picked}
}

// formOfItem fills the form with an item to edit; its times are written
// in Asia/Tehran, in the page's calendar.
func formOfItem(c *bot.CatalogueItem, lang string) itemForm {
	f := itemForm{Editing: c.ID, ID: c.ID, Kind: string(c.Kind), Canonical: c.Canonical,
		TitleFa: c.Title[bot.LangFa], TitleEn: c.Title[bot.LangEn], SummaryFa: c.Summary[bot.LangFa], SummaryEn: c.Summary[bot.LangEn],
		Tags: strings.Join(c.Tags, ", "), Lang: c.Lang, Terms: strings.Join(c.Terms, ", "), URL: c.URL, Image: c.Image,
		Platforms: map[string]bool{}}
	for _, p := range c.Platforms {
		f.Platforms[p] = true
	}
	f.From, f.Until = formTime(c.From, lang), formTime(c.Until, lang)
	return f
}

func formTime(t time.Time, lang string) string {
	if t.IsZero() {
		return ""
	}
	greg, solar := wallClock(t, tehran())
	if lang == bot.LangEn {
		return greg
	}
	return solar
}

func tehran() *time.Location {
	loc, err := time.LoadLocation(defaultTZ)
	if err != nil {
		return time.FixedZone("+0330", 3*3600+1800)
	}
	return loc
}

// item reads the form's item; the action checks the rest.
func (f itemForm) item() (*bot.CatalogueItem, error) {
	b := itemBody{ID: f.ID, Kind: bot.ItemKind(f.Kind), Canonical: f.Canonical, Title: byLang(f.TitleFa, f.TitleEn),
		Summary: byLang(f.SummaryFa, f.SummaryEn), Tags: splitItemList(f.Tags), Lang: f.Lang, Terms: splitItemList(f.Terms),
		URL: f.URL, Image: f.Image}
	for _, p := range platforms {
		if f.Platforms[p] {
			b.Platforms = append(b.Platforms, p)
		}
	}
	var err error
	if b.From, err = itemTime("from", f.From); err != nil {
		return nil, err
	}
	if b.Until, err = itemTime("until", f.Until); err != nil {
		return nil, err
	}
	return b.item(), nil
}

func byLang(fa, en string) map[string]string {
	m := map[string]string{}
	if fa != "" {
		m[bot.LangFa] = fa
	}
	if en != "" {
		m[bot.LangEn] = en
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

// splitItemList splits a list field by commas (Latin or Persian), "|" or
// new lines.
func splitItemList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '،' || r == '|' || r == '\n' || r == '\r' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// itemTime reads a time as the API does: RFC 3339 or a date (and time) in
// Asia/Tehran in either calendar.
func itemTime(field, s string) (*timeValue, error) {
	if s == "" {
		return nil, nil
	}
	b, _ := json.Marshal(s)
	v := &timeValue{}
	if err := v.UnmarshalJSON(b); err != nil {
		return nil, bot.Errorf(bot.EINVALID, "%s: %s", field, bot.ErrorMessage(err))
	}
	return v, nil
}

// cataloguePage is what the catalogue's template gets.
type cataloguePage struct {
	Items []*bot.CatalogueItem
	// Kind is the kind the list is filtered by ("" for all).
	Kind      string
	Kinds     []bot.ItemKind
	Next      string
	Platforms []string
	Form      itemForm
	// Import is what an import did, when one was made; ImportText the
	// text pasted, kept when it was refused.
	Import     *bot.ImportResult
	ImportText string
	Columns    string
}

func (s *Server) pageCatalogue(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	f := itemForm{Kind: string(bot.ItemArticle), Platforms: map[string]bool{}}
	if id := r.URL.Query().Get("edit"); id != "" && actor.Can(bot.RolePR) {
		var c bot.CatalogueItem
		if err := s.callAPI(r, actor, s.handleItem, "/api/v1/catalogue/"+url.PathEscape(id), map[string]string{"id": id}, &c); err != nil {
			s.pageError(w, r, actor, err)
			return
		}
		me, _ := s.me(r.Context(), actor)
		f = formOfItem(&c, me.Lang)
	}
	s.showCatalogue(w, r, actor, http.StatusOK, f, nil, "", nil)
}

func (s *Server) showCatalogue(w http.ResponseWriter, r *http.Request, actor bot.Actor, status int, f itemForm, imp *bot.ImportResult, pasted string, problem error) {
	q := url.Values{}
	kind := r.URL.Query().Get("kind")
	if kind != "" {
		q.Set("kind", kind)
	}
	if a := r.URL.Query().Get("after"); a != "" {
		q.Set("after", a)
	}
	var list struct {
		Items []*bot.CatalogueItem `json:"items"`
		Next  string               `json:"next"`
	}
	if err := s.callAPI(r, actor, s.handleCatalogue, "/api/v1/catalogue?"+q.Encode(), nil, &list); err != nil {
		s.pageError(w, r, actor, err)
		return
	}
	d := cataloguePage{Items: list.Items, Kind: kind, Kinds: bot.ItemKinds, Platforms: platforms, Form: f,
		Import: imp, ImportText: pasted, Columns: strings.Join(catalogueColumns, ",")}
	if list.Next != "" {
		nq := url.Values{"after": {list.Next}}
		if kind != "" {
			nq.Set("kind", kind)
		}
		d.Next = "/catalogue?" + nq.Encode()
	}
	s.renderProblem(w, r, actor, status, "catalogue", "catalogue", d, problem)
}

// postCatalogueItem adds the form's item, or replaces the one it edits.
func (s *Server) postCatalogueItem(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	f := readItemForm(r)
	ca, err := s.catalogue()
	if err == nil {
		var c *bot.CatalogueItem
		if c, err = f.item(); err == nil {
			done := "done_cat_add"
			if f.Editing != "" {
				done = "done_cat_edit"
				if c.ID != f.Editing {
					err = bot.Errorf(bot.EINVALID, "id: an item's id does not change (%q is edited); add a new item instead", f.Editing)
				} else {
					err = ca.EditCatalogueItem(r.Context(), actor, c)
				}
			} else {
				err = ca.AddCatalogueItem(r.Context(), actor, c)
			}
			if err == nil {
				back(w, r, "/catalogue", done, nil)
				return
			}
		}
	}
	s.logPageError("catalogue.save", err)
	s.showCatalogue(w, r, actor, ErrorStatus(err), f, nil, "", err)
}

func (s *Server) postCatalogueRemove(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	ca, err := s.catalogue()
	if err == nil {
		err = ca.RemoveCatalogueItem(r.Context(), actor, r.PathValue("id"))
	}
	s.logPageError("catalogue.remove", err)
	back(w, r, "/catalogue", "done_cat_remove", err)
}

// postCatalogueImport reads the pasted text or the uploaded file and
// imports every item in it, or none, showing what was added and updated.
func (s *Server) postCatalogueImport(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	name, data, err := importInput(r)
	pasted := ""
	if name == "" {
		pasted = string(data)
	}
	var res bot.ImportResult
	if err == nil {
		var ca CatalogueActions
		if ca, err = s.catalogue(); err == nil {
			var items []*bot.CatalogueItem
			if items, err = parseCatalogue(name, data); err == nil {
				res, err = ca.ImportCatalogue(r.Context(), actor, items)
			}
		}
	}
	if err != nil {
		s.logPageError("catalogue.import", err)
		s.showCatalogue(w, r, actor, ErrorStatus(err), itemForm{Kind: string(bot.ItemArticle)}, nil, pasted, err)
		return
	}
	s.showCatalogue(w, r, actor, http.StatusOK, itemForm{Kind: string(bot.ItemArticle)}, &res, "", nil)
}

// importInput is the file uploaded (with its name) or else the text
// pasted (name "").
func importInput(r *http.Request) (string, []byte, error) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(maxImportBytes); err != nil {
			return "", nil, bot.Errorf(bot.EINVALID, "file: the form could not be read: %v", err)
		}
		if file, hdr, err := r.FormFile("file"); err == nil {
			defer file.Close()
			b, err := io.ReadAll(io.LimitReader(file, maxImportBytes+1))
			if err != nil {
				return hdr.Filename, nil, bot.Errorf(bot.EINVALID, "file: %v", err)
			}
			if len(b) > maxImportBytes {
				return hdr.Filename, nil, bot.Errorf(bot.ETOOLARGE, "file: larger than %d bytes", maxImportBytes)
			}
			if len(bytes.TrimSpace(b)) > 0 {
				return hdr.Filename, b, nil
			}
		}
	}
	text := r.FormValue("text")
	if strings.TrimSpace(text) == "" {
		return "", nil, bot.Errorf(bot.EINVALID, "text: paste CSV or JSON, or choose a file")
	}
	return "", []byte(text), nil
}

// parseCatalogue reads items from a file by its name (.csv, .json), or
// from pasted text by its first character: JSON starts with [ or {,
// anything else is CSV. Each item is checked here so that an error names
// its CSV row or JSON place; the import checks them again.
func parseCatalogue(name string, data []byte) ([]*bot.CatalogueItem, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	ext := strings.ToLower(filepath.Ext(name))
	switch ext {
	case ".yaml", ".yml":
		return nil, bot.Errorf(bot.EINVALID, "%s: YAML is imported with the CLI (engagebot catalogue import %s); here give CSV or JSON", name, name)
	case ".csv":
		return parseCatalogueCSV(data)
	case ".json":
		return parseCatalogueJSON(data)
	}
	if t := bytes.TrimSpace(data); len(t) > 0 && (t[0] == '[' || t[0] == '{') {
		return parseCatalogueJSON(data)
	}
	return parseCatalogueCSV(data)
}

func parseCatalogueJSON(data []byte) ([]*bot.CatalogueItem, error) {
	t := bytes.TrimSpace(data)
	var bodies []itemBody
	strict := func(v any) error {
		dec := json.NewDecoder(bytes.NewReader(t))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v); err != nil {
			return bot.Errorf(bot.EINVALID, "JSON: %s", jsonProblem(err))
		}
		if dec.More() {
			return bot.Errorf(bot.EINVALID, "JSON: one list or object only")
		}
		return nil
	}
	switch {
	case len(t) > 0 && t[0] == '[':
		if err := strict(&bodies); err != nil {
			return nil, err
		}
	case bytes.Contains(t, []byte(`"items"`)):
		var wrap struct {
			Items []itemBody `json:"items"`
		}
		if err := strict(&wrap); err != nil {
			return nil, err
		}
		bodies = wrap.Items
	default:
		var one itemBody
		if err := strict(&one); err != nil {
			return nil, err
		}
		bodies = []itemBody{one}
	}
	if len(bodies) == 0 {
		return nil, bot.Errorf(bot.EINVALID, "JSON: no items")
	}
	items := make([]*bot.CatalogueItem, len(bodies))
	for i := range bodies {
		items[i] = bodies[i].item()
		if err := items[i].Validate(); err != nil {
			return nil, bot.Errorf(bot.EINVALID, "item %d (%s): %s", i+1, items[i].ID, bot.ErrorMessage(err))
		}
	}
	return items, nil
}

// jsonProblem is a decoding error as a person reads it: a time's own
// message rather than the decoder's wrapping.
func jsonProblem(err error) string {
	var be *bot.Error
	if errors.As(err, &be) {
		return bot.ErrorMessage(be)
	}
	return err.Error()
}

func parseCatalogueCSV(data []byte) ([]*bot.CatalogueItem, error) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.TrimLeadingSpace = true
	head, err := cr.Read()
	if err != nil {
		return nil, bot.Errorf(bot.EINVALID, "CSV: the header row: %v", err)
	}
	col := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(h))
		if !slices.Contains(catalogueColumns, h) {
			return nil, bot.Errorf(bot.EINVALID, "CSV: column %q: unknown (columns: %s)", h, strings.Join(catalogueColumns, ", "))
		}
		col[h] = i
	}
	for _, need := range []string{"id", "kind"} {
		if _, ok := col[need]; !ok {
			return nil, bot.Errorf(bot.EINVALID, "CSV: the header row lacks the column %q", need)
		}
	}
	var items []*bot.CatalogueItem
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, bot.Errorf(bot.EINVALID, "CSV: %v", err)
		}
		get := func(c string) string {
			if i, ok := col[c]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		list := func(c string) []string {
			var out []string
			for _, v := range strings.Split(get(c), "|") {
				if v = strings.TrimSpace(v); v != "" {
					out = append(out, v)
				}
			}
			return out
		}
		b := itemBody{ID: get("id"), Kind: bot.ItemKind(get("kind")), Canonical: get("canonical"),
			Title: byLang(get("title_fa"), get("title_en")), Summary: byLang(get("summary_fa"), get("summary_en")),
			Tags: list("tags"), Lang: get("lang"), Terms: list("terms"), Platforms: list("platforms"), URL: get("url"), Image: get("image")}
		rowErr := func(err error) error {
			return bot.Errorf(bot.EINVALID, "CSV row %d (%s): %s", row, b.ID, bot.ErrorMessage(err))
		}
		if b.From, err = itemTime("from", get("from")); err != nil {
			return nil, rowErr(err)
		}
		if b.Until, err = itemTime("until", get("until")); err != nil {
			return nil, rowErr(err)
		}
		c := b.item()
		if err := c.Validate(); err != nil {
			return nil, rowErr(err)
		}
		items = append(items, c)
	}
	if len(items) == 0 {
		return nil, bot.Errorf(bot.EINVALID, "CSV: no items below the header row")
	}
	return items, nil
}

// ItemTitle is an item's title in one language, "" when it has none.
func (v *view) ItemTitle(c *bot.CatalogueItem, lang string) string { return c.Title[lang] }

package web

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"strconv"
	"time"

	"engagebot/bot"
	"engagebot/jalali"
)

// CatalogueActions are the content catalogue's actions the API offers;
// *bot.Actions is one. The server finds them on Options.Actions.
type CatalogueActions interface {
	CatalogueItems(ctx context.Context, actor bot.Actor, filter bot.CatalogueFilter) ([]*bot.CatalogueItem, error)
	CatalogueItem(ctx context.Context, actor bot.Actor, id string) (*bot.CatalogueItem, error)
	AddCatalogueItem(ctx context.Context, actor bot.Actor, c *bot.CatalogueItem) error
	EditCatalogueItem(ctx context.Context, actor bot.Actor, c *bot.CatalogueItem) error
	RemoveCatalogueItem(ctx context.Context, actor bot.Actor, id string) error
	ImportCatalogue(ctx context.Context, actor bot.Actor, items []*bot.CatalogueItem) (bot.ImportResult, error)
}

// catalogueRoutes are the catalogue's rows of the API's route table.
func (s *Server) catalogueRoutes() []Route {
	pr := []bot.Role{bot.RolePR}
	return []Route{
		{Method: "GET", Pattern: "/api/v1/catalogue", Roles: anyRole, Handle: s.handleCatalogue, Doc: docCatalogue},
		{Method: "POST", Pattern: "/api/v1/catalogue", Roles: pr, Handle: s.handleAddItem(), Doc: docAddItem},
		{Method: "POST", Pattern: "/api/v1/catalogue/import", Roles: pr, Handle: s.handleImportCatalogue, Doc: docImportCatalogue},
		{Method: "GET", Pattern: "/api/v1/catalogue/{id}", Roles: anyRole, Handle: s.handleItem, Doc: docItem},
		{Method: "PUT", Pattern: "/api/v1/catalogue/{id}", Roles: pr, Handle: s.handleEditItem(), Doc: docEditItem},
		{Method: "DELETE", Pattern: "/api/v1/catalogue/{id}", Roles: pr, Handle: s.handleRemoveItem, Doc: docRemoveItem},
	}
}

func (s *Server) catalogue() (CatalogueActions, error) {
	c, ok := s.opts.Actions.(CatalogueActions)
	if !ok {
		return nil, bot.Errorf(bot.EUNAVAILABLE, "the catalogue is not set up")
	}
	return c, nil
}

// itemBody is an item as the API takes it: the stored fields less those
// the store keeps (version, created, updated), which a body may not set.
type itemBody struct {
	ID        string            `json:"id"`
	Kind      bot.ItemKind      `json:"kind"`
	Canonical string            `json:"canonical"`
	Title     map[string]string `json:"title"`
	Summary   map[string]string `json:"summary"`
	Tags      []string          `json:"tags"`
	Lang      string            `json:"lang"`
	Terms     []string          `json:"terms"`
	Platforms []string          `json:"platforms"`
	From      *timeValue        `json:"from"`
	Until     *timeValue        `json:"until"`
	URL       string            `json:"url"`
	Image     string            `json:"image"`
}

// timeValue is a time as staff type it: RFC 3339, or a date (and time) in
// Asia/Tehran in either calendar ("1405-10-01", "2026-12-22 08:00").
type timeValue struct{ t time.Time }

func (v *timeValue) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return bot.Errorf(bot.EINVALID, "a time is a string: RFC 3339 or a date such as 1405-10-01")
	}
	if s == "" {
		return nil
	}
	loc, err := time.LoadLocation(defaultTZ)
	if err != nil {
		loc = time.FixedZone("+0330", 3*3600+1800)
	}
	if len(s) <= len("2026-12-22") {
		s += " 00:00" // a date alone is the start of that day
	}
	t, err := jalali.ParseDateTime(s, loc)
	if err != nil {
		return bot.Errorf(bot.EINVALID, "time %q: %v", s, err)
	}
	v.t = t.UTC()
	return nil
}

func (b *itemBody) item() *bot.CatalogueItem {
	c := &bot.CatalogueItem{ID: b.ID, Kind: b.Kind, Canonical: b.Canonical, Title: b.Title, Summary: b.Summary,
		Tags: b.Tags, Lang: b.Lang, Terms: b.Terms, Platforms: b.Platforms, URL: b.URL, Image: b.Image}
	if b.From != nil {
		c.From = b.From.t
	}
	if b.Until != nil {
		c.Until = b.Until.t
	}
	return c
}

func (s *Server) handleCatalogue(w http.ResponseWriter, r *http.Request, a bot.Actor) {
	ca, err := s.catalogue()
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	q := r.URL.Query()
	f := bot.CatalogueFilter{Kind: bot.ItemKind(q.Get("kind")), After: q.Get("after"), Limit: 500}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			Error(w, r, bot.Errorf(bot.EINVALID, "limit: want 1-1000, got %q", v))
			return
		}
		f.Limit = n
	}
	items, err := ca.CatalogueItems(r.Context(), a, f)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	next := ""
	if len(items) == f.Limit {
		next = items[len(items)-1].ID
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": nonNil(items), "next": next})
}

func (s *Server) handleItem(w http.ResponseWriter, r *http.Request, a bot.Actor) {
	ca, err := s.catalogue()
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	c, err := ca.CatalogueItem(r.Context(), a, r.PathValue("id"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *Server) handleAddItem() func(http.ResponseWriter, *http.Request, bot.Actor) {
	return withBody(s, http.StatusCreated, func(r *http.Request, a bot.Actor, body itemBody) (any, error) {
		ca, err := s.catalogue()
		if err != nil {
			return nil, err
		}
		c := body.item()
		return c, ca.AddCatalogueItem(r.Context(), a, c)
	})
}

func (s *Server) handleEditItem() func(http.ResponseWriter, *http.Request, bot.Actor) {
	return withBody(s, http.StatusOK, func(r *http.Request, a bot.Actor, body itemBody) (any, error) {
		ca, err := s.catalogue()
		if err != nil {
			return nil, err
		}
		id := r.PathValue("id")
		if body.ID != "" && body.ID != id {
			return nil, bot.Errorf(bot.EINVALID, "id: the body's id %q is not the path's %q (an id does not change)", body.ID, id)
		}
		body.ID = id
		c := body.item()
		return c, ca.EditCatalogueItem(r.Context(), a, c)
	})
}

func (s *Server) handleRemoveItem(w http.ResponseWriter, r *http.Request, a bot.Actor) {
	ca, err := s.catalogue()
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	id := r.PathValue("id")
	if err := ca.RemoveCatalogueItem(r.Context(), a, id); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"removed": id})
}

func (s *Server) handleImportCatalogue(w http.ResponseWriter, r *http.Request, a bot.Actor) {
	ca, err := s.catalogue()
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var body struct {
		Items []itemBody `json:"items"`
	}
	if err := readJSON(r, &body, false); err != nil {
		Error(w, r, err)
		return
	}
	items := make([]*bot.CatalogueItem, len(body.Items))
	for i := range body.Items {
		items[i] = body.Items[i].item()
	}
	res, err := ca.ImportCatalogue(r.Context(), a, items)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"added": nonNil(res.Added), "updated": nonNil(res.Updated)})
}

// Route documents and schemas of the catalogue API.
var (
	docCatalogue = &OpDoc{Summary: "the content catalogue by id: products, articles and offers",
		Query: map[string]string{
			"kind":  "only items of this kind: product, article, offer",
			"after": "continue after this id (the previous page's next)",
			"limit": "at most this many, 1-1000 (default 500)",
		}, Response: "CatalogueList"}
	docAddItem         = &OpDoc{Summary: "add an item; 409 when its id is taken", Body: "NewItem", Status: http.StatusCreated, Response: "Item"}
	docImportCatalogue = &OpDoc{Summary: "add or replace many items at once, all or none", Body: "ImportItems", Response: "ImportResult"}
	docItem            = &OpDoc{Summary: "one item", Response: "Item"}
	docEditItem        = &OpDoc{Summary: "replace an item (the id stays; a body's id, if any, must be the path's)", Body: "EditItem", Response: "Item"}
	docRemoveItem      = &OpDoc{Summary: "remove an item", Response: "Removed"}
)

var catalogueSchemas = map[string]any{
	"NewItem":  object(itemProps, "id", "kind", "title"),
	"EditItem": object(itemProps, "kind", "title"),
	"Item": object(map[string]any{
		"id": str(""), "kind": enumOf("product", "article", "offer"), "title": map[string]any{"type": "object"},
		"version": map[string]any{"type": "integer"}, "created": dateTime(), "updated": dateTime(),
	}, "id", "kind", "title", "version"),
	"CatalogueList": object(map[string]any{"items": arrayOf(ref("Item")), "next": str("the id to continue after, \"\" at the end")}, "items"),
	"Removed":       object(map[string]any{"removed": str("the id removed")}, "removed"),
	"ImportItems":   object(map[string]any{"items": arrayOf(ref("NewItem"))}, "items"),
	"ImportResult":  object(map[string]any{"added": arrayOf(str("")), "updated": arrayOf(str(""))}, "added", "updated"),
}

// itemProps are the fields of an item as the API takes it.
var itemProps = map[string]any{
	"id":        str("1-64 lower-case letters, digits, - or _: diabetes-guide"),
	"kind":      enumOf("product", "article", "offer"),
	"canonical": str("a product's name in analyses and interests (default: the id)"),
	"title":     map[string]any{"type": "object", "additionalProperties": str(""), "description": "by language: fa, en"},
	"summary":   map[string]any{"type": "object", "additionalProperties": str(""), "description": "one line by language"},
	"tags":      arrayOf(str("an interest it matches: diabetes, skin, a product name")),
	"lang":      str("only for followers of this language (fa, en); empty for any"),
	"terms":     arrayOf(str("a product's name or misspelling recognised in messages")),
	"platforms": arrayOf(str("telegram, rubika, instagram, facebook, x, webchat; empty for all")),
	"from":      str("valid from: RFC 3339 or a date (Asia/Tehran) in either calendar"),
	"until":     str("valid until (exclusive), as from"),
	"url":       str("a link, http or https"),
	"image":     str("an image's link, http or https"),
}

func init() { maps.Copy(schemas, catalogueSchemas) }

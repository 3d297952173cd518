package bot

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// ItemKind is what a catalogue item is.
type ItemKind string

const (
	// ItemProduct is one of the brand's products; its Terms (names and
	// misspellings) are the brand vocabulary the analyzer recognises.
	ItemProduct ItemKind = "product"
	// ItemArticle is something to read: care advice, a leaflet, a guide.
	ItemArticle ItemKind = "article"
	// ItemOffer is a promotion: never offered to a follower who is upset,
	// has an open side-effect case or opted out.
	ItemOffer ItemKind = "offer"
)

// ItemKinds lists every kind, for validation and help texts.
var ItemKinds = []ItemKind{ItemProduct, ItemArticle, ItemOffer}

// CatalogueItem is one entry of the content catalogue PR staff keep:
// what replies offer and campaigns render.
type CatalogueItem struct {
	// ID is a short name chosen by staff ("nikavit", "diabetes-guide"):
	// lower-case letters, digits, '-' and '_'. For a product it is also
	// the name the analyzer reports (Analysis.Products) unless Canonical
	// says otherwise.
	ID   string   `json:"id"`
	Kind ItemKind `json:"kind"`
	// Canonical is a product's name in analyses and interests ("Nikavit");
	// the ID when empty.
	Canonical string `json:"canonical,omitempty"`
	// Title is the display name by language ({"fa": "...", "en": "..."}).
	Title map[string]string `json:"title"`
	// Summary is one line by language that a reply may quote.
	Summary map[string]string `json:"summary,omitempty"`
	// Tags are the interests the item matches: topics ("diabetes") and
	// product names, as the follower profile counts them.
	Tags []string `json:"tags,omitempty"`
	// Lang limits the item to followers of one language; "" is any.
	Lang string `json:"lang,omitempty"`
	// Terms are a product's names and misspellings in messages.
	Terms []string `json:"terms,omitempty"`
	// Platforms limits where the item may go ("telegram", "instagram");
	// empty is everywhere.
	Platforms []string `json:"platforms,omitempty"`
	// From and Until bound when the item may be offered (Until exclusive);
	// zero is open.
	From  time.Time `json:"from,omitzero"`
	Until time.Time `json:"until,omitzero"`
	URL   string    `json:"url,omitempty"`
	Image string    `json:"image,omitempty"`

	Version int       `json:"version"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// Name is the name a product has in analyses and interests.
func (c *CatalogueItem) Name() string {
	if c.Canonical != "" {
		return c.Canonical
	}
	return c.ID
}

// TitleIn is the item's title in lang, else in Persian, else in English,
// else its name.
func (c *CatalogueItem) TitleIn(lang string) string {
	for _, l := range []string{lang, LangFa, LangEn} {
		if t := c.Title[l]; t != "" {
			return t
		}
	}
	return c.Name()
}

// ValidAt reports whether the item may be offered at t.
func (c *CatalogueItem) ValidAt(t time.Time) bool {
	return (c.From.IsZero() || !t.Before(c.From)) && (c.Until.IsZero() || t.Before(c.Until))
}

// AllowedOn reports whether the item may go to a platform.
func (c *CatalogueItem) AllowedOn(platform string) bool {
	return len(c.Platforms) == 0 || slices.Contains(c.Platforms, platform)
}

// Fits reports whether the item may be offered to a follower of lang on
// platform at t. An empty lang or platform is not checked.
func (c *CatalogueItem) Fits(lang, platform string, t time.Time) bool {
	return c.ValidAt(t) && (platform == "" || c.AllowedOn(platform)) &&
		(c.Lang == "" || lang == "" || c.Lang == lang)
}

// knownPlatforms are the platforms an item may be limited to.
var knownPlatforms = []string{PlatformTelegram, PlatformRubika, PlatformInstagram, PlatformFacebook, PlatformX, PlatformWebchat}

var itemID = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// Validate checks an item as staff wrote it, naming the field at fault.
func (c *CatalogueItem) Validate() error {
	switch {
	case !itemID.MatchString(c.ID):
		return Errorf(EINVALID, "id: %q: use 1-64 lower-case letters, digits, '-' or '_', starting with a letter or digit", c.ID)
	case !slices.Contains(ItemKinds, c.Kind):
		return Errorf(EINVALID, "kind: want product, article or offer, got %q", c.Kind)
	case len(c.Title) == 0:
		return Errorf(EINVALID, "title: an item needs a title in at least one language")
	case c.Lang != "" && c.Lang != LangFa && c.Lang != LangEn:
		return Errorf(EINVALID, "lang: want fa, en or empty, got %q", c.Lang)
	case !c.From.IsZero() && !c.Until.IsZero() && !c.Until.After(c.From):
		return Errorf(EINVALID, "until: must be after from")
	case c.Kind != ItemProduct && len(c.Terms) > 0:
		return Errorf(EINVALID, "terms: only a product has terms (names recognised in messages)")
	}
	for l, t := range c.Title {
		if l != LangFa && l != LangEn {
			return Errorf(EINVALID, "title: language %q: want fa or en", l)
		}
		if err := checkText("title."+l, t, 200); err != nil {
			return err
		}
	}
	for l, t := range c.Summary {
		if l != LangFa && l != LangEn {
			return Errorf(EINVALID, "summary: language %q: want fa or en", l)
		}
		if err := checkText("summary."+l, t, 1000); err != nil {
			return err
		}
	}
	if err := checkText("canonical", c.Canonical, 100); err != nil {
		return err
	}
	for _, list := range []struct {
		field string
		vals  []string
	}{{"tags", c.Tags}, {"terms", c.Terms}, {"platforms", c.Platforms}} {
		for _, v := range list.vals {
			if strings.TrimSpace(v) == "" {
				return Errorf(EINVALID, "%s: an empty value", list.field)
			}
			if err := checkText(list.field, v, 100); err != nil {
				return err
			}
			if strings.ContainsAny(v, "\t\n|") {
				return Errorf(EINVALID, "%s: %q: no tabs, line breaks or '|'", list.field, v)
			}
		}
	}
	for _, p := range c.Platforms {
		if !slices.Contains(knownPlatforms, p) {
			return Errorf(EINVALID, "platforms: unknown platform %q", p)
		}
	}
	for _, u := range []struct{ field, v string }{{"url", c.URL}, {"image", c.Image}} {
		if u.v == "" {
			continue
		}
		p, err := url.Parse(u.v)
		if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			return Errorf(EINVALID, "%s: want an http or https address, got %q", u.field, u.v)
		}
	}
	return nil
}

func checkText(field, s string, max int) error {
	switch {
	case !utf8.ValidString(s):
		return Errorf(EINVALID, "%s: not valid UTF-8", field)
	case utf8.RuneCountInString(s) > max:
		return Errorf(EINVALID, "%s: at most %d characters", field, max)
	}
	return nil
}

// CatalogueFilter selects catalogue items. Zero fields match all.
type CatalogueFilter struct {
	Kind ItemKind
	// After continues a listing after this id.
	After string
	Limit int
}

// CatalogueStore is the content catalogue's part of a transaction.
type CatalogueStore interface {
	// CatalogueItem returns an item by id; ENOTFOUND when there is none.
	CatalogueItem(id string) (*CatalogueItem, error)
	// PutCatalogueItem adds or replaces an item by its id.
	PutCatalogueItem(c *CatalogueItem) error
	// DeleteCatalogueItem removes an item; ENOTFOUND when there is none.
	DeleteCatalogueItem(id string) error
	// CatalogueItems lists items by id.
	CatalogueItems(filter CatalogueFilter) ([]*CatalogueItem, error)
}

// CatalogueUser is a part of the service that reads the catalogue as a
// whole (the analyzer for product names, the renderer for what replies
// offer). The engine hands it every item after each change and at start;
// it must be safe to call while messages are being processed.
type CatalogueUser interface {
	SetCatalogue(items []*CatalogueItem) error
}

// Catalogue lists the whole catalogue, by id.
func (e *Engine) Catalogue(ctx context.Context) ([]*CatalogueItem, error) {
	var out []*CatalogueItem
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.CatalogueItems(CatalogueFilter{})
		return err
	})
	return out, err
}

// refreshMu makes reading the catalogue and handing it on one step, so
// that of two changes refreshed at once the later read is the one handed
// on last, and a user never keeps a catalogue older than the last commit.
var refreshMu sync.Mutex

// RefreshCatalogue hands the stored catalogue to users, and to the engine's
// analyzer and renderer when they are CatalogueUsers. The service calls it
// at start; catalogue actions call it after each change.
func (e *Engine) RefreshCatalogue(ctx context.Context, users ...CatalogueUser) error {
	refreshMu.Lock()
	defer refreshMu.Unlock()
	items, err := e.Catalogue(ctx)
	if err != nil {
		return fmt.Errorf("catalogue: %w", err)
	}
	for _, x := range []any{e.analyzer, e.renderer} {
		if u, ok := x.(CatalogueUser); ok {
			users = append(users, u)
		}
	}
	for _, u := range users {
		if err := u.SetCatalogue(items); err != nil {
			return fmt.Errorf("catalogue: %w", err)
		}
	}
	return nil
}

// SeedCatalogue adds items whose ids are not in the catalogue yet, and
// only while the catalogue has never been seeded, so that an item staff
// removed does not come back at the next start. It returns how many it
// added.
func (e *Engine) SeedCatalogue(ctx context.Context, items []*CatalogueItem) (int, error) {
	const seeded = "catalogue_seeded"
	n := 0
	err := e.store.Update(ctx, func(tx Tx) error {
		n = 0
		if v, err := tx.Meta(seeded); err != nil && ErrorCode(err) != ENOTFOUND {
			return err
		} else if v != "" {
			return nil
		}
		now := e.now()
		for _, c := range items {
			if err := c.Validate(); err != nil {
				return fmt.Errorf("seed %s: %w", c.ID, err)
			}
			if _, err := tx.CatalogueItem(c.ID); ErrorCode(err) != ENOTFOUND {
				if err != nil {
					return err
				}
				continue
			}
			x := *c
			x.Version, x.Created, x.Updated = 1, now, now
			if err := tx.PutCatalogueItem(&x); err != nil {
				return err
			}
			n++
		}
		return tx.PutMeta(seeded, now.UTC().Format(time.RFC3339))
	})
	return n, err
}

// catalogueTarget names an item in the audit log.
func catalogueTarget(id string) string { return "catalogue:" + id }

// AddCatalogueItem adds an item; ECONFLICT when its id is taken.
func (s *Actions) AddCatalogueItem(ctx context.Context, actor Actor, c *CatalogueItem) error {
	if err := c.Validate(); err != nil {
		return err
	}
	err := s.do(ctx, actor, "catalogue.add", catalogueTarget(c.ID), []Role{RolePR}, func(tx *actTx) (change, error) {
		if _, err := tx.CatalogueItem(c.ID); ErrorCode(err) != ENOTFOUND {
			if err != nil {
				return change{}, err
			}
			return change{}, Errorf(ECONFLICT, "catalogue item %q exists already", c.ID)
		}
		now := s.e.now()
		c.Version, c.Created, c.Updated = 1, now, now
		return change{after: c}, tx.PutCatalogueItem(c)
	})
	return s.catalogueChanged(ctx, err)
}

// EditCatalogueItem replaces an item; ENOTFOUND when there is none.
func (s *Actions) EditCatalogueItem(ctx context.Context, actor Actor, c *CatalogueItem) error {
	if err := c.Validate(); err != nil {
		return err
	}
	err := s.do(ctx, actor, "catalogue.edit", catalogueTarget(c.ID), []Role{RolePR}, func(tx *actTx) (change, error) {
		old, err := tx.CatalogueItem(c.ID)
		if err != nil {
			return change{}, err
		}
		c.Version, c.Created, c.Updated = old.Version+1, old.Created, s.e.now()
		return change{before: old, after: c}, tx.PutCatalogueItem(c)
	})
	return s.catalogueChanged(ctx, err)
}

// RemoveCatalogueItem removes an item; ENOTFOUND when there is none.
func (s *Actions) RemoveCatalogueItem(ctx context.Context, actor Actor, id string) error {
	err := s.do(ctx, actor, "catalogue.remove", catalogueTarget(id), []Role{RolePR}, func(tx *actTx) (change, error) {
		old, err := tx.CatalogueItem(id)
		if err != nil {
			return change{}, err
		}
		return change{before: old}, tx.DeleteCatalogueItem(id)
	})
	return s.catalogueChanged(ctx, err)
}

// ImportResult is what an import did.
type ImportResult struct {
	Added   []string `json:"added"`
	Updated []string `json:"updated"`
}

// ImportCatalogue adds or replaces every item in one transaction with one
// audit entry: all of them or, when one is wrong, none (the error names
// it by its place in the list).
func (s *Actions) ImportCatalogue(ctx context.Context, actor Actor, items []*CatalogueItem) (ImportResult, error) {
	var res ImportResult
	seen := map[string]bool{}
	for i, c := range items {
		if err := c.Validate(); err != nil {
			return res, Errorf(EINVALID, "item %d (%s): %s", i+1, c.ID, ErrorMessage(err))
		}
		if seen[c.ID] {
			return res, Errorf(EINVALID, "item %d: id %q appears twice", i+1, c.ID)
		}
		seen[c.ID] = true
	}
	if len(items) == 0 {
		return res, Errorf(EINVALID, "import: no items")
	}
	err := s.do(ctx, actor, "catalogue.import", "catalogue", []Role{RolePR}, func(tx *actTx) (change, error) {
		res = ImportResult{}
		now := s.e.now()
		for _, c := range items {
			old, err := tx.CatalogueItem(c.ID)
			switch {
			case ErrorCode(err) == ENOTFOUND:
				c.Version, c.Created = 1, now
				res.Added = append(res.Added, c.ID)
			case err != nil:
				return change{}, err
			default:
				c.Version, c.Created = old.Version+1, old.Created
				res.Updated = append(res.Updated, c.ID)
			}
			c.Updated = now
			if err := tx.PutCatalogueItem(c); err != nil {
				return change{}, err
			}
		}
		return change{after: res}, nil
	})
	return res, s.catalogueChanged(ctx, err)
}

// catalogueChanged passes the catalogue on after a committed change. A
// failure there is logged, not returned: the change is made and audited,
// and the next change or start hands the catalogue on again.
func (s *Actions) catalogueChanged(ctx context.Context, err error) error {
	if err != nil {
		return err
	}
	if rerr := s.e.RefreshCatalogue(ctx); rerr != nil {
		s.e.log.Error("catalogue changed but not passed on", "err", rerr)
	}
	return nil
}

// CatalogueItems lists the catalogue for any signed-in role.
func (s *Actions) CatalogueItems(ctx context.Context, actor Actor, filter CatalogueFilter) ([]*CatalogueItem, error) {
	if err := s.may(actor, "read the catalogue", Roles...); err != nil {
		return nil, err
	}
	var out []*CatalogueItem
	err := s.e.store.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.CatalogueItems(filter)
		return err
	})
	return out, err
}

// CatalogueItem reads one item for any signed-in role.
func (s *Actions) CatalogueItem(ctx context.Context, actor Actor, id string) (*CatalogueItem, error) {
	if err := s.may(actor, "read the catalogue", Roles...); err != nil {
		return nil, err
	}
	var out *CatalogueItem
	err := s.e.store.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.CatalogueItem(id)
		return err
	})
	return out, err
}

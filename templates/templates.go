// Package templates renders replies, posts, campaigns and surveys from
// text templates, one folder per language, and implements bot.Renderer.
//
// # Layout
//
// The defaults are embedded from fa/*.tmpl and en/*.tmpl. Each file is one
// template named after the file without ".tmpl" ("reply.greeting",
// "campaign.generic"); common.tmpl holds the partials ({{define}}) shared by
// a language. WithDir adds a folder with the same layout whose files
// replace embedded files of the same language and name, or add new ones
// (a new folder is a new language).
//
// # Choice
//
// A request that names no Template is a reply, chosen from the analysis:
// self-harm first, then adverse events, legal threats, the intents that
// need a person (opt_out, complaint, human, medical_advice), abuse, spam,
// and finally the intent itself ("reply.<intent>", "reply.other" when
// unknown). See choose.
//
// A chosen reply then falls back from the most specific variant that
// exists, in the requested language and then the default one: for a
// follower whose mood turned negative, a plain reply (greeting, product
// question, price ...) becomes "reply.<intent>.upset" or else
// "reply.upset", apologetic and never selling; otherwise
// "reply.<intent>.<segment>" for each segment of the request; each of
// these first with the platform ("reply.greeting.x"), then without. See
// variants.
//
// # Personalization
//
// SetCatalogue hands the renderer the content catalogue. A reply recalls
// what the follower asked about before (.Earlier) and offers the item that
// matches their interests (.Offer, partial "offer"), except when the
// follower has an open side-effect case, is upset, or writes negatively
// (.NoPromotion). Golden files of the rendered text are in
// testdata/golden.
//
// # Writing templates
//
// Templates are text/template (replies are plain text, not HTML). The dot
// is a View. Functions: name, faDigits, date, jdate, product, list, pick,
// button, link, row, para and skip (see funcs.go). Output is tidied: lines
// are trimmed and empty lines dropped, so a conditional may sit on a line of
// its own; {{para}} (and a blank line inside a Data text) makes a blank line.
package templates

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"text/template"
	"time"

	"engagebot/bot"
)

//go:embed */*.tmpl
var embedded embed.FS

// Product is a catalogue entry for a product the analyzer reports by
// canonical name.
type Product struct {
	// Name is the display name by language; the canonical name is shown
	// when the language has none.
	Name map[string]string `yaml:"name"`
	// URL is the product page, offered as a link button.
	URL string `yaml:"url"`
}

// Option configures a Renderer.
type Option func(*config)

type config struct {
	dir         string
	defaultLang string
	brand       bot.Brand
	products    map[string]Product
	loc         *time.Location
}

// WithDir adds templates from a folder laid out like the embedded ones
// (<dir>/<lang>/<name>.tmpl). Its files replace embedded ones of the same
// language and name and add new ones.
func WithDir(path string) Option { return func(c *config) { c.dir = path } }

// WithDefaultLang sets the language used when a request's language has no
// templates or lacks the template (default "fa").
func WithDefaultLang(lang string) Option { return func(c *config) { c.defaultLang = lang } }

// WithBrand sets the brand details templates may show.
func WithBrand(b bot.Brand) Option { return func(c *config) { c.brand = b } }

// WithProducts sets the product catalogue by canonical name. Display names
// and links come from it, and only catalogue products are mentioned as a
// follower's earlier interest (interests also hold plain topics).
func WithProducts(p map[string]Product) Option { return func(c *config) { c.products = p } }

// WithLocation sets the time zone for dates and the time of day (default
// Asia/Tehran).
func WithLocation(loc *time.Location) Option { return func(c *config) { c.loc = loc } }

// Renderer renders templates. It is safe for concurrent use.
type Renderer struct {
	cfg config
	// sets holds one parsed template set per language; never executed
	// directly, only cloned, so per-render functions can be bound.
	sets map[string]*template.Template
	// pools hand out those clones (pool.go), by language.
	pools map[string]*execPool
	// files names the file each template came from, for error messages.
	files map[string]map[string]string
	// live is the content catalogue (SetCatalogue).
	live catalogueRef
	// inline caches the parsed sets of inline texts (RenderRequest.Text)
	// by language and text: a campaign renders one text per recipient.
	inline inlineCache
}

var _ bot.Renderer = (*Renderer)(nil)

// tehran is Iran's zone; Iran has kept +03:30 all year since 2022, so the
// fixed zone stands in when the system has no zone database.
func tehran() *time.Location {
	if loc, err := time.LoadLocation("Asia/Tehran"); err == nil {
		return loc
	}
	return time.FixedZone("+0330", 3*3600+1800)
}

// New loads the embedded templates and those of WithDir, parses them, and
// checks that every reply template renders in every language.
func New(opts ...Option) (*Renderer, error) {
	cfg := config{defaultLang: bot.LangFa}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.loc == nil {
		cfg.loc = tehran()
	}
	srcs, err := loadFS(embedded, "embedded ")
	if err != nil {
		return nil, err
	}
	if cfg.dir != "" {
		over, err := loadDir(cfg.dir)
		if err != nil {
			return nil, err
		}
		for lang, files := range over {
			if srcs[lang] == nil {
				srcs[lang] = map[string]source{}
			}
			for name, s := range files {
				srcs[lang][name] = s
			}
		}
	}
	r := &Renderer{cfg: cfg, sets: map[string]*template.Template{}, pools: map[string]*execPool{}, files: map[string]map[string]string{}}
	for lang, files := range srcs {
		set := template.New(lang).Option("missingkey=error").Funcs(funcMap(lang, &render{cfg: &r.cfg}))
		r.files[lang] = map[string]string{}
		for _, name := range sortedKeys(files) {
			s := files[name]
			if _, err := set.New(name).Parse(s.text); err != nil {
				return nil, fmt.Errorf("templates: %s: %w", s.file, err)
			}
			r.files[lang][name] = s.file
		}
		r.sets[lang] = set
		r.pools[lang] = newExecPool(set, lang)
	}
	if r.sets[cfg.defaultLang] == nil {
		return nil, fmt.Errorf("templates: default language %q has no templates", cfg.defaultLang)
	}
	if err := r.check(); err != nil {
		return nil, err
	}
	return r, nil
}

// source is one template file's text and where it came from.
type source struct {
	file string
	text string
}

// loadFS reads <lang>/<name>.tmpl files of an fs.FS.
func loadFS(fsys fs.FS, origin string) (map[string]map[string]source, error) {
	paths, err := fs.Glob(fsys, "*/*.tmpl")
	if err != nil {
		return nil, fmt.Errorf("templates: %s: %w", origin, err)
	}
	out := map[string]map[string]source{}
	for _, p := range paths {
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("templates: %s%s: %w", origin, p, err)
		}
		lang, file := path.Split(p)
		lang = strings.TrimSuffix(lang, "/")
		if out[lang] == nil {
			out[lang] = map[string]source{}
		}
		out[lang][strings.TrimSuffix(file, ".tmpl")] = source{file: origin + p, text: string(b)}
	}
	return out, nil
}

// loadDir reads an override folder. Unlike the embedded files it may be
// wrong in many ways, so every error names the file or folder at fault.
func loadDir(dir string) (map[string]map[string]source, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("templates: read %s: %w", dir, err)
	}
	out := map[string]map[string]source{}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		fi, err := os.Stat(p) // follows symlinks, unlike the entry
		if err != nil {
			return nil, fmt.Errorf("templates: %s: %w", p, err)
		}
		if !fi.IsDir() {
			if strings.HasSuffix(e.Name(), ".tmpl") {
				return nil, fmt.Errorf("templates: %s: templates go in a language folder such as fa/ or en/", p)
			}
			continue
		}
		files, err := os.ReadDir(p)
		if err != nil {
			return nil, fmt.Errorf("templates: read %s: %w", p, err)
		}
		lang := e.Name()
		for _, f := range files {
			if f.IsDir() || strings.HasPrefix(f.Name(), ".") || !strings.HasSuffix(f.Name(), ".tmpl") {
				continue
			}
			fp := filepath.Join(p, f.Name())
			b, err := os.ReadFile(fp)
			if err != nil {
				return nil, fmt.Errorf("templates: read %s: %w", fp, err)
			}
			if out[lang] == nil {
				out[lang] = map[string]source{}
			}
			out[lang][strings.TrimSuffix(f.Name(), ".tmpl")] = source{file: fp, text: string(b)}
		}
	}
	return out, nil
}

// check makes sure every reply the chooser can pick exists in the default
// language, and renders every reply template of every language with sample
// requests, so a broken override fails at start and not on a follower.
func (r *Renderer) check() error {
	for _, name := range replyTemplates {
		if r.sets[r.cfg.defaultLang].Lookup(name) == nil {
			return fmt.Errorf("templates: %s/%s.tmpl is missing", r.cfg.defaultLang, name)
		}
	}
	for _, lang := range sortedKeys(r.files) {
		for _, name := range sortedKeys(r.files[lang]) {
			if !strings.HasPrefix(name, bot.PurposeReply+".") {
				continue
			}
			for _, req := range r.sampleRequests() {
				req.Lang, req.Template = lang, name
				if _, err := r.Render(context.Background(), req); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// sampleRequests are a bare and a full request, to exercise both sides of
// the usual {{with}} and {{if}} in reply templates.
func (r *Renderer) sampleRequests() []bot.RenderRequest {
	now := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	interests := map[string]int{"sample-c": 3}
	if keys := sortedKeys(r.cfg.products); len(keys) > 0 {
		interests[keys[0]] = 2 // so that Interest is set
	}
	ev := &bot.Event{Platform: bot.PlatformInstagram, Account: "brand", ID: "sample", Kind: bot.EventComment,
		Chat: "post", ChatType: bot.ChatPublic, From: bot.Sender{ID: "u", Name: "Sara"}, Text: "sample"}
	return []bot.RenderRequest{
		{Purpose: bot.PurposeReply},
		{
			Purpose: bot.PurposeReply, Event: ev, Now: now,
			Analysis: bot.Analysis{
				Sentiment: bot.Sentiment{Label: bot.SentimentNegative, Score: -0.6},
				Signals:   []bot.Signal{{Name: bot.SignalAdverseEvent, Severity: bot.SeverityHigh}},
				Products:  []string{"sample-a", "sample-b"},
			},
			Follower: &bot.Follower{Name: "Sara", Messages: 5, Mood: -0.5, Interests: interests},
			Thread:   &bot.Thread{},
		},
	}
}

// Languages lists the languages that have templates, sorted.
func (r *Renderer) Languages() []string { return sortedKeys(r.sets) }

// Templates lists the template names of a language, sorted, partials
// defined inside files included.
func (r *Renderer) Templates(lang string) []string {
	set := r.sets[lang]
	if set == nil {
		return nil
	}
	var names []string
	for _, t := range set.Templates() {
		if t.Name() != lang {
			names = append(names, t.Name())
		}
	}
	slices.Sort(names)
	return names
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

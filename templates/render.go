package templates

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"

	"engagebot/bot"
)

// View is the dot of every template.
type View struct {
	// Lang is the language being rendered (the default one when the
	// requested language lacks the template).
	Lang     string
	Purpose  string
	Template string
	// Event, Follower and Thread are copies of the request's, never nil
	// (empty when the request had none).
	Event    *bot.Event
	Analysis bot.Analysis
	Follower *bot.Follower
	Thread   *bot.Thread
	// Data is what a campaign or post passes; never nil. A missing key is
	// an error: use {{index .Data "key"}} for optional values.
	Data map[string]any
	// Now is the request's time in the renderer's zone (Asia/Tehran).
	Now   time.Time
	Brand BrandView

	// Name is the follower's first name, cleaned of symbols, or "".
	Name string
	// Returning is true when the follower wrote before this message.
	Returning bool
	// Careful is true when this message or the follower's mood is
	// negative: no jokes, emoji or suggestions to buy.
	Careful bool
	// Public is true for public comments and mentions.
	Public bool
	// Severe is true when a signal is of high severity or more.
	Severe bool
	// Products are the products named in this message.
	Products []ProductView
	// Interest is a catalogue product the follower asked about before and
	// not in this message (their most frequent); zero when none.
	Interest ProductView
	// Daypart is "morning" (05-12), "afternoon" (12-17), "evening" (17-21),
	// "night", or "" when the request has no time.
	Daypart string

	// Earlier is what the follower asked about in earlier messages (a
	// product or topic, in the rendered language), or "".
	Earlier string
	// Offer is the catalogue item matching the follower's interests, for
	// their language and platform now; zero when none or NoPromotion, and
	// only an article when Careful.
	Offer ItemView
	// Upset is true when the follower's recent messages turned negative.
	Upset bool
	// NoPromotion is true when nothing may be offered: the follower has an
	// open side-effect case or is upset.
	NoPromotion bool
	// Segments are the segments the request says the follower is in.
	Segments []string
}

// BrandView is bot.Brand with the name in the rendered language.
type BrandView struct {
	Name, SupportPhone, Website, SafetyPhone, SafetyEmail string
}

// ProductView is a product in the rendered language.
type ProductView struct {
	Key  string // canonical name
	Name string // display name
	URL  string
}

// render is the state of one rendering: what the template functions
// collect besides text.
type render struct {
	cfg *config
	// products and cat are the catalogue at the start of the rendering.
	products map[string]Product
	cat      *catalogue
	r        *Renderer
	view     *View
	seed     string
	picks    int
	rows     [][]bot.Button
	row      []bot.Button
	skip     bool
}

// Render renders req.Template, or for a reply without one the template
// chosen from the analysis, in req.Lang or the default language.
func (r *Renderer) Render(ctx context.Context, req bot.RenderRequest) (bot.Reply, error) {
	if err := ctx.Err(); err != nil {
		return bot.Reply{}, err
	}
	if req.Purpose == "" {
		req.Purpose = bot.PurposeReply
	}
	if req.Text != "" {
		return r.renderInline(req)
	}
	name := req.Template
	if name == "" {
		if req.Purpose != bot.PurposeReply {
			return bot.Reply{}, bot.Errorf(bot.EINVALID, "templates: a %s needs a template name", req.Purpose)
		}
		name = choose(req)
	}
	names := []string{name}
	if req.Template == "" {
		names = variants(req, name)
	}
	name, lang, ok := r.lookup(names, req.Lang)
	if !ok {
		return bot.Reply{}, bot.Errorf(bot.ENOTFOUND, "templates: no template %q", names[len(names)-1])
	}
	c := r.cat()
	pool := r.pools[lang]
	x, err := pool.get(render{cfg: &r.cfg, products: c.products, cat: c, r: r, view: r.view(req, lang, name), seed: seed(req, name)})
	if err != nil {
		return bot.Reply{}, fmt.Errorf("templates: %s: %w", name, err)
	}
	defer pool.put(x)
	st := x.st
	var buf bytes.Buffer
	file := r.files[lang][name]
	if err := x.t.ExecuteTemplate(&buf, name, st.view); err != nil {
		return bot.Reply{}, fmt.Errorf("templates: %s: %w", file, err)
	}
	st.endRow()
	out := bot.Reply{Template: name, Lang: lang, Private: private[name]}
	if st.skip {
		if mustAnswer[name] {
			return bot.Reply{}, fmt.Errorf("templates: %s: %s may not skip", file, name)
		}
		out.Skip = true
		return out, nil
	}
	out.Text, out.Buttons = tidy(buf.String()), st.rows
	switch {
	case out.Text == "":
		return bot.Reply{}, fmt.Errorf("templates: %s: rendered no text", file)
	case strings.Contains(out.Text, "{{") || strings.Contains(out.Text, "}}") || strings.Contains(out.Text, "<no value>"):
		return bot.Reply{}, fmt.Errorf("templates: %s: output has template syntax or a missing value", file)
	}
	return out, nil
}

// view builds the dot from the request.
func (r *Renderer) view(req bot.RenderRequest, lang, name string) *View {
	v := &View{
		Lang: lang, Purpose: req.Purpose, Template: name,
		Event: &bot.Event{}, Analysis: req.Analysis, Follower: &bot.Follower{}, Thread: &bot.Thread{},
	}
	if req.Event != nil {
		ev := *req.Event
		v.Event = &ev
	}
	if req.Follower != nil {
		f := *req.Follower
		v.Follower = &f
	}
	if req.Thread != nil {
		th := *req.Thread
		v.Thread = &th
	}
	// A copy, so the caller's map is left alone.
	v.Data = make(map[string]any, len(req.Data))
	for k, x := range req.Data {
		if s, ok := x.(string); ok {
			x = keepParagraphs(s)
		}
		v.Data[k] = x
	}
	b := r.cfg.brand
	v.Brand = BrandView{Name: r.localName(b.Name, lang), SupportPhone: b.SupportPhone, Website: b.Website,
		SafetyPhone: b.SafetyPhone, SafetyEmail: b.SafetyEmail}

	v.Name = firstName(cmp.Or(v.Follower.Name, v.Event.From.Name))
	// Observe has counted this message already.
	v.Returning = v.Follower.Messages > 1
	v.Careful = req.Analysis.Sentiment.Label == bot.SentimentNegative || req.Analysis.Sentiment.Score <= -0.25 ||
		(v.Follower.Messages > 1 && v.Follower.Mood <= -0.25)
	v.Public = v.Event.Kind == bot.EventComment || v.Event.Kind == bot.EventMention || v.Event.ChatType == bot.ChatPublic
	v.Severe = req.Analysis.MaxSeverity() >= bot.SeverityHigh

	seen := map[string]bool{}
	for _, p := range req.Analysis.Products {
		if !seen[p] {
			seen[p] = true
			v.Products = append(v.Products, r.product(p, lang))
		}
	}
	for _, t := range req.Analysis.Topics {
		seen[t] = true
	}
	var best string
	for k, n := range v.Follower.Interests {
		if _, ok := r.cat().products[k]; !ok || seen[k] {
			continue
		}
		if best == "" || n > v.Follower.Interests[best] || (n == v.Follower.Interests[best] && k < best) {
			best = k
		}
	}
	if best != "" {
		v.Interest = r.product(best, lang)
	}
	r.personalize(v, req, lang)

	if !req.Now.IsZero() {
		v.Now = req.Now.In(r.cfg.loc)
		switch h := v.Now.Hour(); {
		case h >= 5 && h < 12:
			v.Daypart = "morning"
		case h >= 12 && h < 17:
			v.Daypart = "afternoon"
		case h >= 17 && h < 21:
			v.Daypart = "evening"
		default:
			v.Daypart = "night"
		}
	}
	return v
}

// product looks a canonical product name up in the catalogue.
func (r *Renderer) product(key, lang string) ProductView {
	p := r.cat().products[key]
	return ProductView{Key: key, Name: cmp.Or(r.localName(p.Name, lang), key), URL: p.URL}
}

// localName is a name in lang, else in the default language, else "".
func (r *Renderer) localName(names map[string]string, lang string) string {
	return cmp.Or(names[lang], names[r.cfg.defaultLang])
}

// firstName is the first word of a display name that has a letter, with
// emoji and punctuation trimmed from its ends ("🌸Sara🌸 K." -> "Sara"),
// and "" when there is none. Long words are cut: display names are
// sometimes whole sentences.
func firstName(s string) string {
	for _, w := range strings.Fields(s) {
		w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsMark(r) })
		if w == "" || strings.HasSuffix(w, ".") {
			continue
		}
		if rs := []rune(w); len(rs) > 24 {
			w = string(rs[:24])
		}
		return w
	}
	return ""
}

// seed makes choices deterministic per message: the same event always gets
// the same wording, different events get variety.
func seed(req bot.RenderRequest, name string) string {
	s := name
	if req.Event != nil {
		s += "\x00" + req.Event.DedupeKey()
	}
	if req.Follower != nil {
		s += "\x00" + req.Follower.Key.String()
	}
	return s
}

// paraMark stands for a blank line that must survive tidy: one written
// with {{para}} or one inside a Data text.
const paraMark = "\x1f"

// tidy trims every line and drops empty ones, so templates can put
// conditionals on lines of their own without leaving gaps; only paragraph
// marks become blank lines, never two in a row nor at either end.
func tidy(s string) string {
	var out []string
	blank := false
	for _, l := range strings.Split(strings.ReplaceAll(s, paraMark, "\n"+paraMark+"\n"), "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == paraMark:
			blank = len(out) > 0
		case l != "":
			if blank {
				out = append(out, "")
				blank = false
			}
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// keepParagraphs marks the blank lines of a text from Data, so tidy keeps
// a post's paragraphs.
func keepParagraphs(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			lines[i] = paraMark
		}
	}
	return strings.Join(lines, "\n")
}

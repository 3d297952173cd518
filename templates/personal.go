package templates

import (
	"cmp"
	"slices"
	"sync/atomic"

	"engagebot/bot"
)

// catalogue is the content catalogue as the renderer reads it, swapped
// whole by SetCatalogue so that a rendering sees one version throughout.
type catalogue struct {
	// products by canonical name: WithProducts' and the catalogue's.
	products map[string]Product
	// items are what a reply may offer, by id.
	items []*bot.CatalogueItem
}

// catalogueRef holds the live catalogue; a field of its own so that
// config stays a plain value.
type catalogueRef struct{ p atomic.Pointer[catalogue] }

func (r *Renderer) cat() *catalogue {
	if c := r.live.p.Load(); c != nil {
		return c
	}
	return &catalogue{products: r.cfg.products}
}

// SetCatalogue implements bot.CatalogueUser: replies name products by their
// catalogue titles and offer the item that matches a follower's interests.
func (r *Renderer) SetCatalogue(items []*bot.CatalogueItem) error {
	c := &catalogue{products: make(map[string]Product, len(r.cfg.products)+len(items))}
	for k, p := range r.cfg.products {
		c.products[k] = p
	}
	for _, it := range items {
		if it.Kind == bot.ItemProduct {
			c.products[it.Name()] = Product{Name: it.Title, URL: it.URL}
		}
		c.items = append(c.items, it)
	}
	r.live.p.Store(c)
	return nil
}

var _ bot.CatalogueUser = (*Renderer)(nil)

// ItemView is a catalogue item in the rendered language.
type ItemView struct {
	ID, Kind, Title, Summary, URL, Image string
}

// upsetVariant is the suffix of a reply's variant for a follower whose mood
// turned negative, and upsetReply the reply that stands in for every plain
// intent without one: apologetic, with a person one button away.
const (
	upsetVariant = "upset"
	upsetReply   = "reply.upset"
)

// plainIntents are the replies that may sell or chat; an upset follower
// gets the upset variant of these instead. Safety answers are never
// swapped.
var plainIntents = map[string]bool{
	"reply." + bot.IntentGreeting: true, "reply." + bot.IntentThanks: true, "reply." + bot.IntentPraise: true,
	"reply." + bot.IntentProductQuestion: true, "reply." + bot.IntentPrice: true,
	"reply." + bot.IntentWhereToBuy: true, tmplOther: true,
}

// upset reports a follower whose recent messages turned negative. One
// negative message is not enough: naming an illness reads negative, and a
// worried question about blood sugar is not anger.
func upset(req bot.RenderRequest) bool {
	return req.Follower != nil && req.Follower.TurnedNegative()
}

// variants lists the templates tried for a chosen reply, most specific
// first: the upset variant (safety over marketing), then one per segment
// the follower is in, each first for the platform ("reply.greeting.x"),
// then the reply itself for the platform, then the reply.
func variants(req bot.RenderRequest, name string) []string {
	platform := ""
	if req.Event != nil {
		platform = req.Event.Platform
	}
	var out []string
	add := func(n string) {
		if platform != "" {
			out = append(out, n+"."+platform)
		}
		out = append(out, n)
	}
	if plainIntents[name] && upset(req) {
		add(name + "." + upsetVariant)
		add(upsetReply)
		return out
	}
	for _, s := range req.Segments {
		add(name + "." + s)
	}
	add(name)
	return out
}

// lookup finds the first of names that lang (else the default language)
// has.
func (r *Renderer) lookup(names []string, lang string) (name, in string, ok bool) {
	for _, l := range []string{lang, r.cfg.defaultLang} {
		if r.sets[l] == nil {
			continue
		}
		for _, n := range names {
			if r.sets[l].Lookup(n) != nil {
				return n, l, true
			}
		}
	}
	return "", "", false
}

// earlier is the interest the follower wrote about before this message:
// a catalogue product first (the brand's own), else a topic, the most
// frequent and then most recent; "" when none.
func earlier(c *catalogue, f *bot.Follower, a bot.Analysis) string {
	now := map[string]bool{}
	for _, t := range append(append([]string(nil), a.Products...), a.Topics...) {
		now[t] = true
	}
	top := f.TopInterests()
	for _, products := range []bool{true, false} {
		for _, k := range top {
			if _, ok := c.products[k]; ok != products {
				continue
			}
			n := f.Interests[k]
			if now[k] {
				n-- // Observe counted this message already
			}
			if n > 0 {
				return k
			}
		}
	}
	return ""
}

// offer is the catalogue item that best matches the follower's interests
// (the sum of their counts over its tags), fit for their language and
// platform now; nil when nothing matches or when promotion is off.
//
// With articlesOnly (a negative message) only something to read is
// offered, never a product or an offer.
func offer(c *catalogue, f *bot.Follower, lang, platform string, req bot.RenderRequest, articlesOnly bool) *bot.CatalogueItem {
	var best *bot.CatalogueItem
	bestScore := 0
	for _, it := range c.items {
		switch {
		case !it.Fits(lang, platform, req.Now),
			it.Kind == bot.ItemOffer && f.Consent == bot.ConsentRevoked,
			articlesOnly && it.Kind != bot.ItemArticle:
			continue
		}
		score := 0
		for _, t := range it.Tags {
			score += f.Interests[t]
		}
		if it.Kind == bot.ItemProduct {
			score += f.Interests[it.Name()]
		}
		if score > bestScore || (score == bestScore && score > 0 && before(it, best)) {
			best, bestScore = it, score
		}
	}
	return best
}

// kindRank orders items of equal score: something to read before a
// product, a product before an offer; then by id, so the choice is stable.
var kindRank = map[bot.ItemKind]int{bot.ItemArticle: 0, bot.ItemProduct: 1, bot.ItemOffer: 2}

func before(a, b *bot.CatalogueItem) bool {
	if ra, rb := kindRank[a.Kind], kindRank[b.Kind]; ra != rb {
		return ra < rb
	}
	return a.ID < b.ID
}

func (r *Renderer) itemView(it *bot.CatalogueItem, lang string) ItemView {
	if it == nil {
		return ItemView{}
	}
	return ItemView{ID: it.ID, Kind: string(it.Kind), Title: it.TitleIn(lang),
		Summary: cmp.Or(it.Summary[lang], it.Summary[r.cfg.defaultLang]), URL: it.URL, Image: it.Image}
}

// topicNames are the vocabulary's topics by language, for a reply that
// recalls what a follower asked about.
var topicNames = map[string]map[string]string{
	bot.LangFa: {
		"skin": "مراقبت از پوست", "hair": "مراقبت از مو", "vitamins": "ویتامین‌ها و مکمل‌ها", "immunity": "سیستم ایمنی",
		"children": "سلامت کودکان", "pregnancy": "دوران بارداری", "diabetes": "مراقبت از دیابت", "bones": "سلامت استخوان",
		"heart": "سلامت قلب", "digestion": "گوارش", "sun care": "محافظت در برابر آفتاب", "iron": "آهن و کم‌خونی",
		"pain": "تسکین درد", "allergy": "حساسیت فصلی",
	},
	bot.LangEn: {
		"skin": "skin care", "hair": "hair care", "vitamins": "vitamins and supplements", "immunity": "immunity",
		"children": "children's health", "pregnancy": "pregnancy", "diabetes": "diabetes care", "bones": "bone health",
		"heart": "heart health", "digestion": "digestion", "sun care": "sun care", "iron": "iron and anaemia",
		"pain": "pain relief", "allergy": "seasonal allergies",
	},
}

// interestName is an interest's display name: a product's catalogue name,
// a topic's name in lang, else the interest itself.
func (r *Renderer) interestName(c *catalogue, k, lang string) string {
	if p, ok := c.products[k]; ok {
		return cmp.Or(r.localName(p.Name, lang), k)
	}
	if n := topicNames[lang][k]; n != "" {
		return n
	}
	return k
}

// personalize fills the view's personal fields.
func (r *Renderer) personalize(v *View, req bot.RenderRequest, lang string) {
	c := r.cat()
	f := v.Follower
	v.Upset = upset(req)
	v.NoPromotion = req.OpenCase || v.Upset
	if k := earlier(c, f, req.Analysis); k != "" && f.Messages > 1 {
		v.Earlier = r.interestName(c, k, lang)
	}
	if !v.NoPromotion {
		v.Offer = r.itemView(offer(c, f, lang, v.Event.Platform, req, v.Careful), lang)
	}
	v.Segments = slices.Clone(req.Segments)
}

// item is a catalogue item by id for a template (a campaign naming the
// article it sends), zero when unknown or not valid at the request's time.
func (st *render) item(id, lang string) ItemView {
	if st.cat == nil || st.r == nil {
		return ItemView{}
	}
	for _, it := range st.cat.items {
		if it.ID == id && (st.view == nil || st.view.Now.IsZero() || it.ValidAt(st.view.Now)) {
			return st.r.itemView(it, lang)
		}
	}
	return ItemView{}
}

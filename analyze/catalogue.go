package analyze

import (
	"fmt"
	"sort"
	"sync/atomic"

	"engagebot/bot"
)

// live is the vocabulary as the catalogue last set it: the built-in index
// with the catalogue's products added or replaced, swapped whole so an
// analysis sees one version from start to end.
type live struct {
	ix       index
	products []Product
}

// liveRef holds the live vocabulary; nil until SetCatalogue.
type liveRef struct{ p atomic.Pointer[live] }

// index is the index an analysis scans now.
func (a *Analyzer) index() index {
	if l := a.live.p.Load(); l != nil {
		return l.ix
	}
	return a.ix
}

// SetCatalogue implements bot.CatalogueUser: the products of the content
// catalogue, with their names and misspellings (Terms), are recognised in
// messages from the next analysis on, without a rebuild. A product of the
// built-in or file vocabulary with the same canonical name is replaced by
// the catalogue's; other products stay. Items with no terms change
// nothing. A term that normalises to nothing is an error naming the item,
// and then nothing changes.
func (a *Analyzer) SetCatalogue(items []*bot.CatalogueItem) error {
	byName := map[string][]*entry{}
	for _, it := range items {
		if it.Kind != bot.ItemProduct || len(it.Terms) == 0 {
			continue
		}
		name := it.Name()
		for _, term := range it.Terms {
			words, _, err := termWords(term)
			if err != nil || len(words) == 0 {
				return bot.Errorf(bot.EINVALID, "catalogue %s: term %q is not a name the analyzer can match", it.ID, term)
			}
			byName[name] = append(byName[name], &entry{words: words, kind: kProduct, label: name, term: term})
		}
	}
	ix := make(index, len(a.ix))
	for k, es := range a.ix {
		kept := make([]*entry, 0, len(es))
		for _, e := range es {
			if e.kind == kProduct && byName[e.label] != nil {
				continue
			}
			kept = append(kept, e)
		}
		if len(kept) > 0 {
			ix[k] = kept
		}
	}
	var added []*entry
	for _, es := range byName {
		for _, e := range es {
			ix.add(e)
			added = append(added, e)
		}
	}
	products := make([]Product, 0, len(a.products)+len(byName))
	for _, p := range a.products {
		if byName[p.Canonical] == nil {
			products = append(products, p)
		}
	}
	sort.Slice(added, func(i, j int) bool { return added[i].label < added[j].label })
	products = append(products, buildProducts(added)...)
	sort.Slice(products, func(i, j int) bool { return products[i].Canonical < products[j].Canonical })
	a.live.p.Store(&live{ix: ix, products: products})
	a.logger.Info("analyze: catalogue products set", "products", len(byName), "terms", len(added))
	return nil
}

var _ bot.CatalogueUser = (*Analyzer)(nil)

// CatalogueSeed is the built-in and file vocabulary's products as
// catalogue items, to seed an empty catalogue on first start.
func (a *Analyzer) CatalogueSeed() []*bot.CatalogueItem {
	terms := map[string][]string{}
	for _, es := range a.ix {
		for _, e := range es {
			if e.kind == kProduct {
				terms[e.label] = append(terms[e.label], e.term)
			}
		}
	}
	var out []*bot.CatalogueItem
	for _, p := range a.products {
		ts := terms[p.Canonical]
		sort.Strings(ts)
		title := map[string]string{}
		for k, v := range p.Names {
			title[k] = v
		}
		if len(title) == 0 {
			title[bot.LangEn] = p.Canonical
		}
		out = append(out, &bot.CatalogueItem{ID: itemID(p.Canonical), Kind: bot.ItemProduct, Canonical: p.Canonical,
			Title: title, Terms: ts})
	}
	return out
}

// itemID makes a catalogue id of a canonical name: "Calcifort D" ->
// "calcifort-d".
func itemID(name string) string {
	b := make([]byte, 0, len(name))
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b = append(b, byte(r))
		case r >= 'A' && r <= 'Z':
			b = append(b, byte(r-'A'+'a'))
		case len(b) > 0 && b[len(b)-1] != '-':
			b = append(b, '-')
		}
	}
	for len(b) > 0 && b[len(b)-1] == '-' {
		b = b[:len(b)-1]
	}
	if len(b) == 0 {
		return fmt.Sprintf("product-%x", name)
	}
	return string(b)
}

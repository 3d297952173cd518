package analyze

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"unicode/utf8"

	"engagebot/bot"
)

// defaultVocab is the brand vocabulary shipped with the binary. A brand
// extends it with WithVocabulary, without a rebuild.
//
//go:embed data/vocab.tsv
var defaultVocab []byte

// vocabKinds maps the first field of a vocabulary line to an entry kind.
var vocabKinds = map[string]kind{
	"product":  kProduct,
	"medicine": kMedicine,
	"effect":   kEffect,
	"topic":    kTopic,
}

// parseVocab reads a vocabulary file: one group per line,
// "kind<TAB>canonical<TAB>term | term ...", # comments and blank lines
// ignored. Errors name the file and line, because a brand editor must be
// able to find and fix the line without reading Go.
func parseVocab(name string, r io.Reader) ([]*entry, error) {
	var out []*entry
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), " \r")
		if line == 1 {
			text = strings.TrimPrefix(text, "\uFEFF")
		}
		if strings.TrimSpace(text) == "" || strings.HasPrefix(strings.TrimSpace(text), "#") {
			continue
		}
		f := strings.Split(text, "\t")
		if len(f) != 3 {
			return nil, vocabError(name, line, "want 3 TAB-separated fields (kind, canonical, terms), got %d", len(f))
		}
		k, ok := vocabKinds[strings.TrimSpace(f[0])]
		if !ok {
			return nil, vocabError(name, line, "unknown kind %q (want product, medicine, effect or topic)", f[0])
		}
		canon := strings.TrimSpace(f[1])
		if canon == "" {
			return nil, vocabError(name, line, "empty canonical name")
		}
		n := 0
		for term := range strings.SplitSeq(f[2], "|") {
			term = strings.TrimSpace(term)
			if strings.Contains(term, "+") {
				if k != kEffect {
					return nil, vocabError(name, line, "term %q: only an effect may be written in parts with +", term)
				}
				parts, err := effectParts(canon, term)
				if err != nil {
					return nil, vocabError(name, line, "%v", err)
				}
				out = append(out, parts...)
				n++
				continue
			}
			words, verb, err := termWords(term)
			if err != nil {
				return nil, vocabError(name, line, "term %q: %v", term, err)
			}
			if len(words) == 0 {
				continue
			}
			out = append(out, &entry{words: words, kind: k, label: canon, term: term, verb: verb})
			n++
		}
		if n == 0 {
			return nil, vocabError(name, line, "no terms for %q", canon)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("vocabulary %s: line %d: %w", name, line+1, err)
	}
	return out, nil
}

// effectParts reads an effect written in parts, "مو + ریخت~": the body
// part and what happened to it may stand in either order with other words
// between them (موهام خیلی بیشتر ریخت, ریزش شدید موهام), which one phrase
// per wording could never list. A part whose last word ends in ~ is a verb
// stem and takes می/نمی/ن/ب and the person endings; a negative form
// (موهام نریخت) then denies the effect.
func effectParts(canon, term string) ([]*entry, error) {
	combo := &entry{kind: kEffect, label: canon, term: term}
	var out []*entry
	for p := range strings.SplitSeq(term, "+") {
		words, verb, err := termWords(p)
		if err != nil {
			return nil, fmt.Errorf("term %q: %v", term, err)
		}
		if len(words) == 0 {
			return nil, fmt.Errorf("term %q: empty part", term)
		}
		out = append(out, &entry{words: words, kind: kEffectPart, label: canon, term: term, verb: verb,
			combo: combo, part: len(out)})
	}
	if len(out) < 2 || len(out) > 3 {
		return nil, fmt.Errorf("term %q: want 2 or 3 parts, got %d", term, len(out))
	}
	combo.parts = len(out)
	return out, nil
}

// termWords normalises a term (or one part of one) into words; a trailing ~
// says the last word is a verb stem.
func termWords(t string) (words []string, verb bool, err error) {
	t = strings.TrimSpace(t)
	verb = strings.HasSuffix(t, "~")
	t = strings.TrimSuffix(t, "~")
	if strings.Contains(t, "~") {
		return nil, false, fmt.Errorf("~ marks a verb stem and goes only at the end")
	}
	return strings.Fields(Normalize(t)), verb, nil
}

func vocabError(name string, line int, format string, args ...any) error {
	return bot.Errorf(bot.EINVALID, "vocabulary %s:%d: %s", name, line, fmt.Sprintf(format, args...))
}

// loadVocabFile parses a brand vocabulary file from disk.
func loadVocabFile(path string) ([]*entry, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("vocabulary %s: %w", path, err)
	}
	return parseVocab(path, bytes.NewReader(b))
}

// Product is one product of the brand catalogue, for naming it in replies.
type Product struct {
	// Canonical is the catalogue name, as Analysis.Products reports it.
	Canonical string
	// Names maps a language to the product's name in it: "fa" is the first
	// Persian-script term of the vocabulary and "en" the first Latin-script
	// term. A language with no such term is absent.
	Names map[string]string
}

// Products returns the catalogue: the products of the embedded vocabulary
// and of any vocabulary files, sorted by Canonical. The result is the
// caller's to keep or change.
func (a *Analyzer) Products() []Product {
	products := a.products
	if l := a.live.p.Load(); l != nil {
		products = l.products
	}
	out := make([]Product, 0, len(products))
	for _, p := range products {
		names := make(map[string]string, len(p.Names))
		for k, v := range p.Names {
			names[k] = v
		}
		out = append(out, Product{Canonical: p.Canonical, Names: names})
	}
	return out
}

// buildProducts collects the catalogue from vocabulary entries in file
// order, so that the first term written for a language names the product.
func buildProducts(voc []*entry) []Product {
	byName := map[string]*Product{}
	var order []*Product
	for _, e := range voc {
		if e.kind != kProduct {
			continue
		}
		p := byName[e.label]
		if p == nil {
			p = &Product{Canonical: e.label, Names: map[string]string{}}
			byName[e.label] = p
			order = append(order, p)
		}
		if lang := termScript(e.term); lang != "" && p.Names[lang] == "" {
			p.Names[lang] = e.term
		}
	}
	out := make([]Product, 0, len(order))
	for _, p := range order {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Canonical < out[j].Canonical })
	return out
}

// termScript gives the language of a term by its first letter: "fa" for
// the Arabic script, "en" for Latin, "" otherwise.
func termScript(t string) string {
	for len(t) > 0 {
		r, n := utf8.DecodeRuneInString(t)
		t = t[n:]
		switch {
		case isArabicLetter(r):
			return bot.LangFa
		case r < 0x250 && isLetter(r):
			return bot.LangEn
		case isLetter(r):
			return ""
		}
	}
	return ""
}

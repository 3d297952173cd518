package analyze

import (
	"strings"
)

// kind says what a term means to the analyzer. One index holds every kind,
// so a message is scanned once for sentiment words, cues and vocabulary.
type kind uint8

const (
	kSentiment  kind = iota // a word or phrase with a valence in [-4, 4]
	kBooster                // intensifier (score > 0) or dampener (score < 0)
	kNegator                // flips the valence of a nearby sentiment word
	kContrast               // ولی, اما, but: what follows weighs more
	kCue                    // evidence for an intent or signal; label names it
	kProduct                // a brand product; label is its canonical name
	kMedicine               // a generic medicine form (قرص, syrup); label is canonical
	kEffect                 // a possible adverse effect; label is canonical
	kTopic                  // an interest topic; label is the topic
	kEffectPart             // one part of an effect written as parts ("مو + ریخت~"); combo is the effect
)

// entry is one term of the index.
type entry struct {
	words []string // normalised words
	kind  kind
	score float64
	label string
	cue   cue // for kCue
	// verb marks a term whose last word is a Persian verb stem: it then
	// accepts the prefixes می/نمی/ن/ب and the person endings, and a negative
	// prefix (نمی, ن) negates it (دوست نداشتم).
	verb bool
	// symptom marks a Persian symptom or illness (درد, جوش, سرطان). Named
	// as a purpose (برای سردرد, ضد جوش) or in a question it asks about a
	// remedy and says nothing of the product (see facts.muted).
	symptom bool
	// term is the vocabulary term as its file wrote it, for display.
	term string
	// combo is the effect a kEffectPart belongs to, part its place in it
	// and combo.parts how many parts the effect has.
	combo *entry
	part  int
	parts int
}

// index maps a first word to the terms that start with it.
type index map[string][]*entry

func (ix index) add(e *entry) {
	ix[e.words[0]] = append(ix[e.words[0]], e)
}

// match is one term found in a message: tokens [start, end).
type match struct {
	e          *entry
	start, end int
	neg        bool // the term carried its own negation (ن/نمی/بی/نا prefix)
	suffix     string
}

// Persian suffixes that attach to nouns and adjectives once the ZWNJ is
// gone: plural, possessive, indefinite, colloquial copula ("خوبه"),
// comparative and superlative. Longer first, so the shortest stem wins last.
var nounSuffixes = []string{
	"هاشون", "هامون", "هاتون", "ترینه", "هایی", "یشون", "یتون", "یمون",
	"اشون", "امون", "اتون", "ترین", "های", "هاش", "هام", "هات", "تره", "تری", "شون", "تون", "مون", "ترش", "اشو",
	"ها", "تر", "ای", "یی", "اش", "ام", "ات", "ست", "یه", "یش", "یت", "یم", "شو", "مو", "تو", "رو",
	// the copula of "you" (plural or polite) and "they": افتضاحید, زشتین, خوبند
	"ید", "ین", "ند",
	"ی", "ش", "م", "ت", "ه", "و", "ن", "ا",
}

// cliticEnds are possessive and object clitics that may stand between a
// word and its copula ending (دیوونتم = دیوونه+ت+م, "I'm crazy about you").
// A word ending in ه drops the ه before them in speech (شرمندتم, خستم), so
// the ه is put back to find the word; such a reading ranks below a direct
// one (گلم is گل+م, not گله).
var cliticEnds = []string{"تونم", "شونم", "تم", "شم", "تی", "شی", "تون", "شون", "مون", "ید", "ین", "ست", "ت", "ش", "م", "ی", "ن", "س"}

// Persian verb person endings (with a few object clitics) after a stem.
var verbEndings = []string{
	"ندش", "یدش", "ننش", "یمش",
	"ند", "ید", "یم", "ین", "ست", "مش", "یش", "دش", "نش", "مت", "یت", "هش", "هم",
	"م", "ی", "د", "ه", "ن", "ش", "",
}

// verbPrefixes in the order tried; neg marks the negative ones.
var verbPrefixes = []struct {
	p   string
	neg bool
}{{"نمی", true}, {"می", false}, {"ن", true}, {"ب", false}}

// byLastByte groups suffixes by their last byte, so a token is only tested
// against the suffixes it could end with (the scan's hottest loop).
func byLastByte(sufs []string) [256][]string {
	var t [256][]string
	for _, s := range sufs {
		if s != "" {
			t[s[len(s)-1]] = append(t[s[len(s)-1]], s)
		}
	}
	return t
}

var (
	nounSufByLast = byLastByte(nounSuffixes)
	verbEndByLast = byLastByte(verbEndings)
)

// candidates calls fn with every form under which tok could be indexed:
// itself, itself less a suffix, and, for Persian verbs, itself less a prefix
// and a person ending. fn returns false to stop.
//
// ix, when not nil, is consulted before a reading that puts back a dropped
// ه is built, so that the common clitic endings cost no allocation.
func candidates(tok string, ix index, fn func(key string, neg, verb bool, suffix string) bool) {
	if !fn(tok, false, false, "") {
		return
	}
	if !startsArabic(tok) {
		// Latin letters stretched for emphasis: "vaaaaram" is squeezed to
		// "vaaram" by Normalize and found here as "varam".
		// Not for a phrase's later words (ix == nil): wordMatches reads
		// only the word as written.
		if ix != nil {
			var buf [64]byte
			if d, ok := undouble(tok, buf[:0]); ok && ix[string(d)] != nil {
				fn(string(d), false, false, undoubled)
			}
		}
		return
	}
	if len(tok) < 4 {
		return
	}
	last := tok[len(tok)-1]
	for _, suf := range nounSufByLast[last] {
		if len(tok) > len(suf)+2 && strings.HasSuffix(tok, suf) {
			if !fn(tok[:len(tok)-len(suf)], false, false, suf) {
				return
			}
		}
	}
	// A word ending in ه that dropped it before a clitic: شرمندتم, خستم.
	var buf [64]byte
	for _, c := range cliticEnds {
		if ix != nil && len(tok) > len(c)+4 && len(tok) < len(buf) && strings.HasSuffix(tok, c) {
			b := append(append(buf[:0], tok[:len(tok)-len(c)]...), "ه"...)
			if _, ok := ix[string(b)]; !ok {
				continue
			}
			if !fn(string(b), false, false, restored+c) {
				return
			}
		}
	}
	// بی and نا make an opposite of a noun or adjective (بیفایده, ناراضی).
	for _, p := range []string{"بی", "نا"} {
		if len(tok) > len(p)+4 && strings.HasPrefix(tok, p) {
			if !fn(tok[len(p):], true, false, "") {
				return
			}
		}
	}
	for _, vp := range verbPrefixes {
		if !strings.HasPrefix(tok, vp.p) || len(tok) <= len(vp.p)+2 {
			continue
		}
		rest := tok[len(vp.p):]
		if !fn(rest, vp.neg, true, "") { // no ending: میخور, نکن
			return
		}
		for _, end := range verbEndByLast[last] {
			if len(rest) > len(end)+2 && strings.HasSuffix(rest, end) {
				if !fn(rest[:len(rest)-len(end)], vp.neg, true, end) {
					return
				}
			}
		}
	}
	// A verb stem with an ending and no prefix (داشتم, دارم).
	for _, end := range verbEndByLast[last] {
		if len(tok) > len(end)+2 && strings.HasSuffix(tok, end) {
			if !fn(tok[:len(tok)-len(end)], false, true, end) {
				return
			}
		}
	}
}

// undouble appends to buf a Latin word with its doubled letters made
// single, when it has any. The caller looks the result up before turning it
// into a string, so most English words cost no allocation.
func undouble(w string, buf []byte) ([]byte, bool) {
	found := false
	for i := 1; i < len(w); i++ {
		if w[i] == w[i-1] && w[i] >= 'a' && w[i] <= 'z' {
			found = true
			break
		}
	}
	if !found {
		return nil, false
	}
	for j := 0; j < len(w); j++ {
		if j > 0 && w[j] == w[j-1] && w[j] >= 'a' && w[j] <= 'z' {
			continue
		}
		buf = append(buf, w[j])
	}
	return buf, true
}

// restored marks the suffix of a reading that put back a dropped ه.
const restored = "~"

// undoubled marks a reading of a stretched Latin word with its doubled
// letters made single. Only brand vocabulary is read so ("vaaaaram" is
// varam, swelling): for other words it would misread "good" as "god".
const undoubled = "="

// wordMatches reports whether tok is word w, allowing the Persian affixes
// that candidates allows; last says whether w is the verb word of a verb term.
func wordMatches(tok, w string, verbWord bool) (ok, neg bool) {
	if tok == w {
		return true, false
	}
	if !startsArabic(tok) {
		return false, false
	}
	found := false
	candidates(tok, nil, func(key string, n, verb bool, _ string) bool {
		if key != w || (verb && !verbWord) {
			return true
		}
		ok, neg, found = true, n, true
		return false
	})
	return found && ok, neg
}

// scan finds every indexed term in toks. Terms may overlap; callers choose.
func (ix index) scan(toks []token, out []match) []match {
	for i := range toks {
		t := toks[i].s
		lookalike := ix.lookalike(t)
		candidates(t, ix, func(key string, neg, verb bool, suffix string) bool {
			if lookalike && key != t {
				return false // خرید is "purchase", never خر+ید
			}
			for _, e := range ix[key] {
				if suffix == undoubled && e.kind < kProduct {
					continue
				}
				if len(e.words) == 1 {
					if verb && !e.verb {
						continue
					}
					if neg && !e.verb && !isBiNa(t, key) {
						continue
					}
					out = append(out, match{e: e, start: i, end: i + 1, neg: neg, suffix: suffix})
					continue
				}
				// A phrase: its first word took this form (no verb affixes
				// except on the last word); the rest must follow in order.
				if verb || neg {
					continue
				}
				if m, ok := matchRest(toks, i, e); ok {
					m.suffix = suffix
					out = append(out, m)
				}
			}
			return true
		})
	}
	return out
}

// lookalike reports a word the lexicon lists with valence 0 because it
// only looks like a listed word plus an affix (بدن, گلو, خرید): it is read
// as itself only, also as the first word of a phrase.
func (ix index) lookalike(w string) bool {
	for _, e := range ix[w] {
		if e.kind == kSentiment && e.score == 0 && len(e.words) == 1 && !e.verb {
			return true
		}
	}
	return false
}

// isBiNa reports whether tok is key with a بی or نا prefix.
func isBiNa(tok, key string) bool {
	return tok == "بی"+key || tok == "نا"+key
}

func matchRest(toks []token, i int, e *entry) (match, bool) {
	m := match{e: e, start: i}
	j := i + 1
	for k := 1; k < len(e.words); k++ {
		if j >= len(toks) || toks[j-1].brk != 0 && toks[j-1].brk != ',' && k > 0 && toks[j-1].brk != ':' {
			return m, false
		}
		last := k == len(e.words)-1
		ok, neg := wordMatches(toks[j].s, e.words[k], last && e.verb)
		if !ok {
			return m, false
		}
		if neg {
			if !last || !e.verb {
				return m, false
			}
			m.neg = true
		}
		j++
	}
	m.end = j
	return m, true
}

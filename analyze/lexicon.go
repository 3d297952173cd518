package analyze

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"strconv"
	"strings"

	"github.com/jonreiter/govader/data"
)

// faLexicon is the project's own Persian (and Finglish and emoji) sentiment
// lexicon; see the header of the file for its format.
//
//go:embed data/lexicon_fa.tsv
var faLexicon []byte

// enLexicon adds health, pharmacy and service words that the VADER lexicon
// lacks. VADER's own values win where both have a word.
//
//go:embed data/lexicon_en.tsv
var enLexicon []byte

// parseLexicon reads "term<TAB>valence[<TAB>v|s]" lines. name is how errors
// name the file. A term listed twice (the same words after Normalize, both
// verbs or both not) is an error naming both lines, with or without the same
// score: a later line would otherwise silently correct or repeat an earlier
// one, and nobody could tell which score counts.
func parseLexicon(name string, b []byte) ([]*entry, error) {
	type seenAt struct {
		line int
		e    *entry
	}
	var out []*entry
	seen := map[string]seenAt{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Split(text, "\t")
		if len(f) < 2 {
			return nil, fmt.Errorf("%s:%d: want term<TAB>valence", name, line)
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(f[1]), 64)
		if err != nil || v < -4 || v > 4 {
			return nil, fmt.Errorf("%s:%d: valence %q is not a number in [-4, 4]", name, line, f[1])
		}
		words := strings.Fields(Normalize(f[0]))
		if len(words) == 0 {
			continue
		}
		e := &entry{words: words, kind: kSentiment, score: v}
		if len(f) > 2 {
			switch strings.TrimSpace(f[2]) {
			case "":
			case "v":
				e.verb = true
			case "s":
				e.symptom = true
			default:
				return nil, fmt.Errorf("%s:%d: unknown marker %q (want v or s)", name, line, f[2])
			}
		}
		key := strings.Join(words, " ")
		if e.verb {
			key += " ~"
		}
		if first, ok := seen[key]; ok {
			if first.e.score != e.score || first.e.symptom != e.symptom {
				return nil, fmt.Errorf("%s:%d: %q listed twice with different scores (%s at line %d, %s here)",
					name, line, strings.TrimSpace(f[0]), lexValue(first.e), first.line, lexValue(e))
			}
			return nil, fmt.Errorf("%s:%d: %q listed twice (first at line %d)", name, line, strings.TrimSpace(f[0]), first.line)
		}
		seen[key] = seenAt{line, e}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

// lexValue writes an entry's valence and symptom marker as the file does.
func lexValue(e *entry) string {
	s := strconv.FormatFloat(e.score, 'g', -1, 64)
	if e.symptom {
		s += " s"
	}
	return s
}

// vaderLexicon returns the VADER word valences (MIT licence, C.J. Hutto),
// read from the govader module so the project does not carry a copy.
func vaderLexicon() (map[string]float64, error) {
	raw, err := data.Asset("rawdata/vaderLexicon.txt")
	if err != nil {
		return nil, fmt.Errorf("vader lexicon: %w", err)
	}
	m := make(map[string]float64, 7600)
	for line := range strings.SplitSeq(string(raw), "\n") {
		f := strings.SplitN(line, "\t", 3)
		if len(f) < 2 {
			continue
		}
		v, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			continue
		}
		m[f[0]] = v
	}
	return m, nil
}

// VADER's booster scalar: the boosters of data/words.tsv use it, so Persian
// and English scores live on one scale.
const (
	bIncr = 0.293
	bDecr = -0.293
)

// Closed word classes that modify sentiment, from data/words.tsv.
var boosterWords = builtin.scalars("booster")

// negatorsBefore negate a sentiment word that follows within three words
// (Persian نه, بدون, هیچ; English not, never, n't ...).
var negatorsBefore = builtin.set("negator")

// contrastWords shift weight to the clause after them: "خوبه ولی گرونه" is
// a complaint about price. The first one in a message counts, as in VADER.
var contrastWords = builtin.set("contrast")

// lessWords turn the sentiment word next to them around: "عوارضش کمتره"
// (fewer side effects) is good news, "less effective" is bad.
var lessWords = builtin.set("less")

// negVerbStems are the light verbs whose negative forms (ن/نمی + stem +
// ending) negate the sentiment word before them: "خوب نیست", "کیفیت خوبی
// نداره", "راضی نبودم". Persian puts the verb, and so the negation, last.
var negVerbStems = builtin.keys("neg_verb_stem")

func buildNegVerbs() map[string]bool {
	m := map[string]bool{}
	for _, w := range builtin.keys("neg_verb") {
		m[w] = true
	}
	for _, st := range negVerbStems {
		for _, p := range []string{"ن", "نمی"} {
			for _, e := range verbEndings {
				m[p+st+e] = true
			}
		}
	}
	return m
}

// vaderEmoji gives each emoji of VADER's emoji table the valence of its
// description ("smiling face with heart-eyes"), as VADER does by replacing
// the emoji with its description. Our own emoji valences take precedence.
func vaderEmoji(en map[string]float64, into map[string]float64) error {
	raw, err := data.Asset("rawdata/emojiUTF8Lexicon.txt")
	if err != nil {
		return fmt.Errorf("vader emoji: %w", err)
	}
	for line := range strings.SplitSeq(string(raw), "\n") {
		f := strings.SplitN(line, "\t", 2)
		if len(f) < 2 {
			continue
		}
		e := Normalize(f[0])
		if _, ok := into[e]; ok || e == "" {
			continue
		}
		v := 0.0
		for _, w := range strings.Fields(strings.ToLower(f[1])) {
			v += en[strings.Trim(w, ",.:;")]
		}
		if v != 0 {
			into[e] = v
		}
	}
	return nil
}

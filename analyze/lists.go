package analyze

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// The word lists are data, not code: the cue words of the intents and
// signals (data/cues.tsv), the closed word classes that modify sentiment and
// the words the English rules look at (data/words.tsv), and the words that
// mark a language (data/lang.tsv). Adding a phrase means adding a line.
//
//go:embed data/cues.tsv data/words.tsv data/lang.tsv
var listFiles embed.FS

// listKind says how the terms of a list are read.
type listKind uint8

const (
	// lPhrases are words or phrases found in a message by the index, as
	// the cue words are.
	lPhrases listKind = iota
	// lWords are single words looked up per token: a phrase there could
	// never match, so it is refused.
	lWords
	// lScalars are single words with a number (the boosters).
	lScalars
)

// listSpec describes one list: the file that holds it, how its terms are
// read, and for a list that refines another (strong_price refines price) the
// list each of its terms must also be in, since only those can match.
type listSpec struct {
	file   string
	kind   listKind
	within string
}

// cueNames are the list names of the cues, in data/cues.tsv.
var cueNames = [numCues]string{
	cGreeting: "greeting", cThanks: "thanks", cPraise: "praise", cComplaint: "complaint",
	cPrice: "price", cWhere: "where_to_buy", cProductQ: "product_question", cHuman: "human",
	cMedical: "medical", cOptOut: "opt_out", cOptIn: "opt_in", cQuestion: "question",
	cHypo: "hypothetical", cExpPast: "experience_past", cExp: "experience", cIntake: "intake",
	cCause: "cause", cAENeg: "no_effect", cLegal: "legal_threat", cSelfHarm: "self_harm",
	cSpam: "spam", cAbuse: "abuse", cFirstPers: "first_person", cResolved: "resolved",
	cNoIntake: "no_intake", cNotTaken: "not_taken", cFollowUp: "follow_up",
	cOverdose: "overdose", cInstead: "instead", cMistake: "mistake", cWrongPerson: "wrong_person",
	cChild: "child", cSwallow: "swallow", cMisuse: "misuse", cOffLabel: "off_label",
	cNoEffect: "no_efficacy", cPregnancy: "pregnancy", cAskIntake: "ask_intake", cQuality: "quality",
	cTooMuch: "too_much", cAppearance: "appearance", cChanged: "changed",
	cMany: "many", cWhy: "why",
}

// listSpecs are all the lists the files may hold.
var listSpecs = func() map[string]listSpec {
	const cues, words, lang = "data/cues.tsv", "data/words.tsv", "data/lang.tsv"
	m := map[string]listSpec{
		"strong_medical":      {file: cues, kind: lPhrases, within: "medical"},
		"strong_where_to_buy": {file: cues, kind: lPhrases, within: "where_to_buy"},
		"strong_price":        {file: cues, kind: lPhrases, within: "price"},
		"short_only":          {file: cues, kind: lWords},

		"booster":           {file: words, kind: lScalars},
		"negator":           {file: words, kind: lWords},
		"contrast":          {file: words, kind: lWords},
		"less":              {file: words, kind: lWords},
		"neg_verb_stem":     {file: words, kind: lWords},
		"neg_verb":          {file: words, kind: lWords},
		"neutral_neg":       {file: words, kind: lWords},
		"rhetorical":        {file: words, kind: lWords},
		"a_little":          {file: words, kind: lWords},
		"laugh":             {file: words, kind: lWords},
		"purpose":           {file: words, kind: lWords},
		"exclaim":           {file: words, kind: lWords},
		"like_subject":      {file: words, kind: lWords},
		"like_simile":       {file: words, kind: lWords},
		"like_object":       {file: words, kind: lWords},
		"wh_word":           {file: words, kind: lWords},
		"neg_aux":           {file: words, kind: lWords},
		"yes_no_aux":        {file: words, kind: lWords},
		"swear_intensifier": {file: words, kind: lWords},

		"persian":  {file: lang, kind: lWords},
		"arabic":   {file: lang, kind: lWords},
		"english":  {file: lang, kind: lWords},
		"finglish": {file: lang, kind: lWords},
	}
	for _, n := range cueNames {
		m[n] = listSpec{file: cues, kind: lPhrases}
	}
	return m
}()

// listTerm is one term of a list, normalised.
type listTerm struct {
	words []string // as a message is split into words
	key   string   // words joined by one space
	val   float64  // for lScalars
	line  int
}

// wordLists holds the terms of every list, in file order.
type wordLists struct {
	terms map[string][]listTerm
}

// builtin holds the embedded lists, parsed once when the package is loaded so
// that building an Analyzer and analysing cost what they did when the lists
// were Go literals. A broken file leaves builtin empty and errBuiltin set,
// which New returns; the package's tests fail on it before a build ships.
var builtin, errBuiltin = loadBuiltin()

func loadBuiltin() (*wordLists, error) {
	l := &wordLists{terms: map[string][]listTerm{}}
	for _, name := range []string{"data/cues.tsv", "data/words.tsv", "data/lang.tsv"} {
		b, err := listFiles.ReadFile(name)
		if err == nil {
			err = l.parse("analyze/"+name, b, listSpecs)
		}
		if err != nil {
			return &wordLists{terms: map[string][]listTerm{}}, err
		}
	}
	// A list the code reads but no file holds would silently be empty.
	for _, n := range slices.Sorted(maps.Keys(listSpecs)) {
		if len(l.terms[n]) == 0 {
			return &wordLists{terms: map[string][]listTerm{}}, fmt.Errorf("analyze/%s: list %q has no terms", listSpecs[n].file, n)
		}
	}
	return l, nil
}

// parse reads one list file into l. name is how errors name the file; only
// lists of specs whose file the name ends with may appear in it. Every error
// names the file and the line.
func (l *wordLists) parse(name string, b []byte, specs map[string]listSpec) error {
	type seenAt struct {
		line int
		val  float64
	}
	seen := map[string]map[string]seenAt{} // list -> key -> first line
	fail := func(line int, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", name, line, fmt.Sprintf(format, args...))
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Split(text, "\t")
		if len(f) < 2 || len(f) > 3 {
			return fail(line, "want list<TAB>term or list<TAB>term<TAB>value, got %d fields", len(f))
		}
		list, raw := strings.TrimSpace(f[0]), strings.TrimSpace(f[1])
		spec, ok := specs[list]
		if !ok || !strings.HasSuffix(name, spec.file) {
			return fail(line, "unknown list %q (this file holds %s)", list, strings.Join(listsOf(name, specs), ", "))
		}
		t := listTerm{words: splitWords(Normalize(raw)), line: line}
		t.key = strings.Join(t.words, " ")
		if len(t.words) == 0 {
			return fail(line, "empty term in %s", list)
		}
		if spec.kind != lPhrases && (len(t.words) != 1 || t.key != Normalize(raw)) {
			return fail(line, "%q in %s is not one word: a message is split into %q, so it never matches", raw, list, t.words)
		}
		switch {
		case spec.kind == lScalars && len(f) < 3:
			return fail(line, "%s wants a number after the term", list)
		case spec.kind == lScalars:
			v, err := strconv.ParseFloat(strings.TrimSpace(f[2]), 64)
			if err != nil || v < -4 || v > 4 {
				return fail(line, "value %q of %q is not a number in [-4, 4]", f[2], raw)
			}
			t.val = v
		case len(f) > 2:
			return fail(line, "%s takes no value after the term", list)
		}
		if seen[list] == nil {
			seen[list] = map[string]seenAt{}
		}
		if first, ok := seen[list][t.key]; ok {
			if first.val != t.val {
				return fail(line, "%q listed twice in %s with different values (%g at line %d, %g here)", raw, list, first.val, first.line, t.val)
			}
			return fail(line, "%q listed twice in %s (first at line %d)", raw, list, first.line)
		}
		seen[list][t.key] = seenAt{line, t.val}
		l.terms[list] = append(l.terms[list], t)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	// A refining list names terms of the list it refines: anything else
	// could never match, which is a mistake to point at, not to keep.
	for _, list := range listsOf(name, specs) {
		within := specs[list].within
		if within == "" {
			continue
		}
		for _, t := range l.terms[list] {
			if !slices.ContainsFunc(l.terms[within], func(o listTerm) bool { return o.key == t.key }) {
				return fail(t.line, "%q in %s is not a term of %s, so it never matches", t.key, list, within)
			}
		}
	}
	return nil
}

// listsOf names the lists a file may hold, sorted.
func listsOf(name string, specs map[string]listSpec) []string {
	var out []string
	for n, s := range specs {
		if strings.HasSuffix(name, s.file) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// set is a word list as a set of its normalised terms.
func (l *wordLists) set(list string) map[string]bool {
	m := make(map[string]bool, len(l.terms[list]))
	for _, t := range l.terms[list] {
		m[t.key] = true
	}
	return m
}

// scalars is a list of words with values as a map.
func (l *wordLists) scalars(list string) map[string]float64 {
	m := make(map[string]float64, len(l.terms[list]))
	for _, t := range l.terms[list] {
		m[t.key] = t.val
	}
	return m
}

// keys are the normalised terms of a list, in file order.
func (l *wordLists) keys(list string) []string {
	out := make([]string, 0, len(l.terms[list]))
	for _, t := range l.terms[list] {
		out = append(out, t.key)
	}
	return out
}

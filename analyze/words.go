package analyze

// wordInfo is everything the closed word lists say about one word, merged
// into one map so that each token costs one lookup instead of one per list
// (map lookups were most of the English profile).
type wordInfo struct {
	en       float64 // English valence (VADER + ours), when hasEn
	boost    float64 // booster scalar, when isBoost
	hasEn    bool
	isBoost  bool
	negator  bool // negates a following sentiment word
	contrast bool
	negVerb  bool // Persian negative verb that negates the word before it
	less     bool
	laugh    bool // laughter: its sign follows the rest of the message
	enMark   bool // language evidence
	finMark  bool
	faMark   bool
	arMark   bool
}

var noInfo = &wordInfo{}

func (a *Analyzer) buildWords() {
	m := make(map[string]*wordInfo, len(a.en)+len(a.negVerbs)+512)
	get := func(w string) *wordInfo {
		wi := m[w]
		if wi == nil {
			wi = &wordInfo{}
			m[w] = wi
		}
		return wi
	}
	for w, v := range a.en {
		wi := get(w)
		wi.en, wi.hasEn, wi.enMark = v, true, true
	}
	for w, b := range boosterWords {
		wi := get(w)
		wi.boost, wi.isBoost = b, true
	}
	for w := range negatorsBefore {
		get(w).negator = true
	}
	for w := range contrastWords {
		get(w).contrast = true
	}
	for w := range a.negVerbs {
		if !neutralNeg[w] {
			get(w).negVerb = true
		}
	}
	for w := range lessWords {
		get(w).less = true
		get(w + "ه").less = true
		get(w + "ی").less = true
	}
	for _, w := range laughWords {
		get(Normalize(w)).laugh = true
	}
	for w := range englishWords {
		get(w).enMark = true
	}
	for w := range finglishWords {
		wi := get(w)
		wi.finMark, wi.enMark = true, false
	}
	for w := range persianWords {
		get(w).faMark = true
	}
	for w := range arabicWords {
		get(w).arMark = true
	}
	a.words = m
}

// info returns the word's entry, never nil.
func (a *Analyzer) info(w string) *wordInfo {
	if wi := a.words[w]; wi != nil {
		return wi
	}
	return noInfo
}

// tokInfo is info for a message token: an English word stretched for
// emphasis ("soo", "nooo" after Normalize) that is not a word itself is
// looked up again with its double letters made single, so a stretched
// booster or negator still modifies ("soooo happy").
func (a *Analyzer) tokInfo(w string) *wordInfo {
	if wi := a.words[w]; wi != nil {
		return wi
	}
	if len(w) > 32 {
		return noInfo
	}
	var (
		buf [32]byte // on the stack: most tokens come here and are not stretched
		b   []byte
	)
	for i := 1; i < len(w); i++ {
		if w[i] >= 0x80 {
			return noInfo
		}
		if w[i] == w[i-1] {
			if b == nil {
				b = append(buf[:0], w[:i]...)
			}
			continue
		}
		if b != nil {
			b = append(b, w[i])
		}
	}
	if b == nil {
		return noInfo
	}
	if wi := a.words[string(b)]; wi != nil && (wi.isBoost || wi.negator) {
		return wi
	}
	return noInfo
}

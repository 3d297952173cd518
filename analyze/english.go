package analyze

import "strings"

// English rules that VADER's word list alone gets wrong on social-media text.

// likeIsVerb reports whether "like" at toks[i] is the verb of liking ("I
// like it", "kids like this") rather than the preposition or filler that
// carries no sentiment ("looks like rain", "it's like 20 degrees", "like,
// seriously"). "would like" is a polite "want" and is not liking either.
func likeIsVerb(toks []token, i int) bool {
	if i == 0 || toks[i-1].brk != 0 {
		return false
	}
	prev := toks[i-1].s
	if likeSubject[prev] || strings.HasSuffix(prev, "n't") {
		return true
	}
	if likeSimile[prev] {
		return false
	}
	return i+1 < len(toks) && likeObject[toks[i+1].s] && toks[i].brk == 0
}

var (
	// likeSubject: a subject, auxiliary or adverb before "like" makes it
	// the verb.
	likeSubject = builtin.set("like_subject")
	// likeSimile: these make "like" a comparison ("looks like", "more like").
	likeSimile = builtin.set("like_simile")
	// likeObject: an object after "like" makes it the verb ("kids like it").
	likeObject = builtin.set("like_object")
)

// enStem looks up an English word not in the lexicon through its
// superlative or its -ier comparative: "sweetest", "saddest", "comfier"
// take the valence of sweet, sad, comfy. Plain -er is not stripped: too
// many nouns end so (number is not "more numb", player not "more play").
func (a *Analyzer) enStem(w string) (float64, bool) {
	for _, suf := range []string{"est", "ier"} {
		stem, ok := strings.CutSuffix(w, suf)
		if !ok || len(stem) < 3 {
			continue
		}
		if suf == "ier" {
			stem += "i"
		}
		cands := [...]string{stem, stem + "e", "", ""}
		if last := stem[len(stem)-1]; last == 'i' {
			cands[2] = stem[:len(stem)-1] + "y" // happiest → happy
		} else if len(stem) >= 4 && last == stem[len(stem)-2] {
			cands[2] = stem[:len(stem)-1] // saddest → sad
		}
		for _, c := range cands {
			if c == "" {
				continue
			}
			if v, ok := a.en[c]; ok {
				return v, true
			}
		}
	}
	return 0, false
}

// hashtagValence reads a hashtag written as one word ("#notgood",
// "#sohappy", "#epicfail") by splitting it into known words, then scoring
// the parts as a short phrase: a negator turns the sentiment word after it,
// a booster strengthens it. It returns false unless the whole tag splits
// into known words and one of them carries sentiment.
func (a *Analyzer) hashtagValence(tag string) (float64, bool) {
	if len(tag) < 5 || len(tag) > 40 {
		return 0, false
	}
	// best[i]: the fewest known words that spell tag[:i]; from[i] where the
	// last of them starts.
	var best, from [41]int
	for i := 1; i <= len(tag); i++ {
		best[i] = -1
		for j := max(0, i-16); j < i; j++ {
			if best[j] < 0 && j > 0 || i-j < 2 && tag[j:i] != "i" && tag[j:i] != "a" {
				continue
			}
			if a.words[tag[j:i]] == nil {
				continue
			}
			if best[i] < 0 || best[j]+1 < best[i] {
				best[i], from[i] = best[j]+1, j
			}
		}
	}
	if best[len(tag)] < 2 {
		return 0, false
	}
	var parts []string
	for i := len(tag); i > 0; i = from[i] {
		parts = append(parts, tag[from[i]:i])
	}
	sum, boost, neg, found := 0.0, 0.0, false, false
	for k := len(parts) - 1; k >= 0; k-- {
		wi := a.info(parts[k])
		switch {
		case wi.negator:
			neg = true
		case wi.isBoost:
			boost += wi.boost
		case wi.hasEn && wi.en != 0:
			v := wi.en
			if v > 0 {
				v += boost
			} else {
				v -= boost
			}
			if neg {
				v *= negScalar
			}
			sum += v
			boost, neg, found = 0, false, true
		}
	}
	return sum, found
}

// clauseEnd returns the index of the last token of the clause holding
// toks[i].
func clauseEnd(toks []token, i int) int {
	for ; i < len(toks)-1 && toks[i].brk == 0; i++ {
	}
	return i
}

// clauseOpens reports whether toks[i] opens a clause.
func clauseOpens(toks []token, i int) bool {
	return i == 0 || toks[i-1].brk != 0
}

// rhetoricalNeg: a negative auxiliary that opens a question asks for
// agreement and does not deny ("isn't this the best song ever?").
func rhetoricalNeg(toks []token, j int) bool {
	return negAux[toks[j].s] && clauseOpens(toks, j) && toks[clauseEnd(toks, j)].brk == '?'
}

// askedQuestions mutes the English sentiment words of a yes/no question
// ("is the new menu any good?", "are the tickets still free?"): it asks
// whether, it does not say so. A question that shares a feeling ("anyone
// else loving this?") and rhetorical ones opened by a negative auxiliary
// keep their sentiment.
func askedQuestions(toks []token, pieces []sentPiece) {
	for k := range pieces {
		p := &pieces[k]
		if !toks[p.pos].latin() {
			continue
		}
		start := p.pos
		for start > 0 && toks[start-1].brk == 0 {
			start--
		}
		end := clauseEnd(toks, p.pos)
		if toks[end].brk != '?' || !yesNoAux[toks[start].s] && !infoQuestion(toks, start, p.pos) {
			continue
		}
		shared := false
		for i := start; i <= end; i++ {
			shared = shared || toks[i].s == "else"
		}
		if !shared {
			p.v *= questionScale
		}
	}
}

// infoQuestion reports a wh- question that asks for a fact ("who won the
// game?", "what time does the party starts?"). "why" complains and "how"
// or "what" right before the sentiment word exclaims ("how cool is that?"),
// so those are not asking.
func infoQuestion(toks []token, start, pos int) bool {
	w := toks[start].s
	exclaims := (w == "how" || w == "what") && pos == start+1 || start+1 < len(toks) && toks[start+1].s == "a"
	return whWords[w] && !exclaims
}

var whWords = builtin.set("wh_word")

// questionScale weighs a sentiment word inside a yes/no question.
const questionScale = 0.0

var (
	negAux   = builtin.set("neg_aux")
	yesNoAux = builtin.set("yes_no_aux")
)

// swearBoosts reports a swear word used as an intensifier: right before an
// English sentiment word in the same clause it only says how much ("damn
// good", "bloody brilliant", "fucking awesome" are praise), so its own
// negative valence does not count. Alone ("damn, missed the bus") it does.
func swearBoosts(toks []token, i int) bool {
	if !swearIntensifiers[toks[i].s] || i+1 >= len(toks) || toks[i].brk != 0 {
		return false
	}
	next := toks[i+1].info
	return next.hasEn && next.en != 0 && !next.negator && !swearIntensifiers[toks[i+1].s]
}

var swearIntensifiers = builtin.set("swear_intensifier")

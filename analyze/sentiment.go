package analyze

import (
	"math"
	"strings"

	"engagebot/bot"
)

// The arithmetic follows VADER (Hutto & Gilbert 2014) so that Persian and
// English scores share one scale and one set of thresholds: valences in
// [-4, 4], additive boosters, negation scaled by -0.74, the clause after a
// contrast word weighted 1.5 and the one before 0.5, '!' adds emphasis, and
// the sum is squashed to [-1, 1] by x/sqrt(x²+15).
const (
	negScalar   = -0.74
	capsIncr    = 0.733
	contrastPre = 0.5
	contrastPst = 1.5
	alpha       = 15.0
	// neutralBand: |score| below it is neutral. VADER's 0.05 is kept for
	// both languages: a single sentiment word is always outside it.
	neutralBand = 0.05
)

// sentScorer holds the per-message state of sentiment scoring.
type sentPiece struct {
	pos   int     // token index of the sentiment word
	end   int     // one past its last token
	v     float64 // valence after modifiers
	neg   bool    // already negated
	fixed bool    // a lexical antonym (بی/نا) or a self-negating verb
}

// sentiment scores toks, given the index matches (sorted by start).
//
// mute marks tokens whose valence does not count: symptoms named in a
// question ("does it cause dizziness?") ask, they do not complain.
func (a *Analyzer) sentiment(toks []token, ms []match, pu punct, mute []bool, buf []sentPiece) (bot.Sentiment, []sentPiece) {
	pieces := buf[:0]
	covered := -1 // tokens before this index are inside a chosen phrase
	capsWords, words := 0, 0
	for _, t := range toks {
		if t.kind == tokWord && t.latin() {
			words++
			if t.caps {
				capsWords++
			}
		}
	}
	capDiff := capsWords > 0 && capsWords < words

	mi, laughs := 0, 0
	for i := 0; i < len(toks); i++ {
		if i < covered {
			continue
		}
		// The longest sentiment term starting here, the exact form first.
		var best *match
		for ; mi < len(ms) && ms[mi].start < i; mi++ {
		}
		for k := mi; k < len(ms) && ms[k].start == i; k++ {
			m := &ms[k]
			if m.e.kind != kSentiment {
				continue
			}
			if best == nil || m.end > best.end || m.end == best.end && better(m, best) {
				best = m
			}
		}
		t := toks[i]
		if t.info.laugh && best == nil {
			if !mute[i] {
				laughs++
			}
			continue
		}
		if (t.info.isBoost || t.info.negator || t.info.contrast || isKindOf(toks, i)) && (best == nil || best.end == i+1) {
			// A modifier, even if it also looks like a word + suffix (اصلا ≠
			// اصل+ا); but a phrase it opens is the phrase ("can't wait").
			continue
		}
		var p sentPiece
		switch {
		case best != nil:
			p = sentPiece{pos: i, end: best.end, v: best.e.score}
			if best.neg {
				if best.e.verb {
					p.v *= negScalar
				} else {
					p.v = -p.v // بی/نا: a lexical opposite, not a hedge
				}
				p.neg, p.fixed = true, true
			}
			switch best.suffix {
			case "تر", "تره", "تری", "ترش":
				p.v *= 1.1
			case "ترین", "ترینه":
				p.v *= 1.25
			}
			covered = best.end
		case t.kind == tokEmoji || t.kind == tokEmoticon:
			v, ok := a.emoji[t.s]
			if !ok {
				v, ok = t.info.en, t.info.hasEn
			}
			if !ok {
				continue
			}
			p = sentPiece{pos: i, end: i + 1, v: v}
		case t.kind == tokWord && !t.arabic():
			v, ok := t.info.en, t.info.hasEn
			if !ok {
				v, ok = a.enValence(t.s)
			}
			if !ok && t.tag {
				v, ok = a.hashtagValence(t.s)
			}
			if !ok || t.s == "like" && !likeIsVerb(toks, i) || swearBoosts(toks, i) {
				continue
			}
			if t.s == "no" && i+1 < len(toks) {
				if toks[i+1].info.hasEn {
					continue // "no" before a sentiment word only negates it
				}
			}
			p = sentPiece{pos: i, end: i + 1, v: v}
			if t.caps && capDiff {
				if v > 0 {
					p.v += capsIncr
				} else {
					p.v -= capsIncr
				}
			}
		default:
			continue
		}
		if p.v == 0 || mute[p.pos] {
			continue
		}
		a.modifiers(toks, &p, capDiff)
		pieces = append(pieces, p)
	}
	askedQuestions(toks, pieces)
	residual := a.negateAfter(toks, pieces)
	a.lessRule(toks, pieces)

	// Contrast: the first ولی/اما/but splits the message.
	ci := -1
	for i, t := range toks {
		if t.info.contrast {
			ci = i
			break
		}
	}
	// A negative verb that negates no sentiment word still leans negative:
	// "داخل کشور نمیشه خرید" (you can't buy it here) is a complaint.
	sum := float64(residual) * residualNeg
	for _, p := range pieces {
		v := p.v
		if ci >= 0 {
			if p.pos < ci {
				v *= contrastPre
			} else if p.pos > ci {
				v *= contrastPst
			}
		}
		sum += v
	}
	sum += laughter(laughs, sum)
	if sum == 0 && pu.indignant > 0 {
		// "?!" with no other sentiment: indignant surprise, a weak complaint.
		sum = indignantVal
	}
	if sum != 0 {
		amp := math.Min(float64(pu.excl), 4) * 0.292
		if pu.quest > 1 {
			amp += math.Min(float64(pu.quest)*0.18, 0.96)
		}
		if sum > 0 {
			sum += amp
		} else {
			sum -= amp
		}
	}
	score := sum / math.Sqrt(sum*sum+alpha)
	score = math.Max(-1, math.Min(1, score))
	score = math.Round(score*10000) / 10000
	if score == 0 {
		score = 0 // not -0, which JSON would print as "-0"
	}
	label := bot.SentimentNeutral
	switch {
	case score >= neutralBand:
		label = bot.SentimentPositive
	case score <= -neutralBand:
		label = bot.SentimentNegative
	}
	return bot.Sentiment{Label: label, Score: score}, pieces
}

// indignantVal is the valence of "?!" in a message with no sentiment word.
const indignantVal = -0.6

// laughVal is the weight of one laugh; at most laughMax count.
const (
	laughVal = 0.9
	laughMax = 3
)

// laughWords are laughter written as emoji or letters. Laughter says how
// strongly, not which way: with praise it is joy ("عالی بود 😂😂"), with
// insults it is mockery ("چه زشته 😂😂", "اینم شد خواننده خخخ"). Alone it is
// amusement, mildly positive.
var laughWords = builtin.keys("laugh")

// laughter gives n laughs the sign of the rest of the message.
func laughter(n int, rest float64) float64 {
	v := float64(min(n, laughMax)) * laughVal
	if rest < 0 {
		return -v
	}
	return v
}

// better prefers an exact form over one found through affixes, and among
// affixed forms the longest known stem (the shortest suffix): خریدید is
// خرید+ید (bought), not خر+یدید. A reading that put back a dropped ه comes
// last.
func better(m, than *match) bool {
	mx, tx := m.neg || m.suffix != "", than.neg || than.suffix != ""
	if !mx || !tx {
		return !mx && tx
	}
	mr, tr := strings.HasPrefix(m.suffix, restored), strings.HasPrefix(than.suffix, restored)
	if mr != tr {
		return tr
	}
	return len(m.suffix) < len(than.suffix)
}

// modifiers applies the words before a sentiment word: boosters and
// dampeners (decaying with distance) and preceding negators, within three
// words and the same clause.
func (a *Analyzer) modifiers(toks []token, p *sentPiece, capDiff bool) {
	for k := 1; k <= 3; k++ {
		j := p.pos - k
		if j < 0 || toks[j].brk != 0 {
			break
		}
		w, wi := toks[j].s, toks[j].info
		boost, isB := wi.boost, wi.isBoost
		if w == "of" && isKindOf(toks, j-1) {
			boost, isB = bDecr, true // "kind of", "sort of" dampen
		}
		if k == 1 && swearBoosts(toks, j) {
			boost, isB = bIncr, true // "damn good"
		}
		if isB && boost != 0 {
			s := boost
			if p.v < 0 {
				s = -s
			}
			if toks[j].caps && capDiff {
				if p.v > 0 {
					s += capsIncr
				} else {
					s -= capsIncr
				}
			}
			switch k {
			case 2:
				s *= 0.95
			case 3:
				s *= 0.9
			}
			p.v += s
		}
		if !p.neg && (wi.negator || len(w) > 3 && w[len(w)-3:] == "n't") && !rhetoricalNeg(toks, j) {
			// VADER: "never so good" intensifies; "without doubt" is not negation.
			if w == "never" && k > 1 && (toks[p.pos-1].s == "so" || toks[p.pos-1].s == "this") {
				p.v *= 1.25
			} else if w == "without" && k > 1 && toks[j+1].s == "doubt" {
			} else if w == "نه" && k > 1 && (toks[j+1].s == "تنها" || toks[j+1].s == "فقط") {
				// "نه تنها ... بلکه" (not only ... but) adds, it does not deny.
			} else {
				p.v *= negScalar
				p.neg = true
			}
		}
		// VADER: "no" up to two words before negates ("no good reason").
		if !p.neg && w == "no" && k <= 2 {
			p.v *= negScalar
			p.neg = true
		}
		if w == "least" && (j == 0 || toks[j-1].s != "at" && toks[j-1].s != "very") && k == 1 {
			p.v *= negScalar
		}
	}
}

// negateAfter handles Persian negation that follows its word: a negative
// verb (نیست, ندارد, نشد ...) within three words and the same clause negates
// the sentiment word right before it (at most one word between):
// "کیفیتش خوب نیست", "خوب به نظر نمیرسه" is out of reach and stays positive.
//
// It returns how many negative verbs negated nothing.
func (a *Analyzer) negateAfter(toks []token, pieces []sentPiece) (residual int) {
	pi := 0
	for j := range toks {
		if !toks[j].info.negVerb {
			continue
		}
		if len(pieces) == 0 {
			residual++
			continue
		}
		// the last piece that ends at or before j
		for pi+1 < len(pieces) && pieces[pi+1].end <= j {
			pi++
		}
		p := &pieces[pi]
		if p.pos <= j && j < p.end {
			continue // j is inside the piece (دوست نداشتم)
		}
		if p.pos > j || j-p.end > 1 {
			residual++
			continue
		}
		ok := true
		for k := p.end - 1; k < j; k++ {
			if k >= 0 && toks[k].brk != 0 {
				ok = false
				break
			}
		}
		if !ok {
			residual++
			continue
		}
		if p.neg && !p.fixed || rhetoricalQ[toks[p.pos].s] {
			continue
		}
		p.v *= negScalar
		p.neg = true
	}
	return residual
}

// rhetoricalQ are question particles that complain whatever the verb says:
// "چرا جواب نمیدید" (why don't you answer) is no less a complaint than "چرا
// جواب دادید", so a negative verb after them does not turn them around.
var rhetoricalQ = builtin.set("rhetorical")

// residualNeg is the valence of a negative verb that negates no sentiment
// word; neutralNeg lists negative verbs that say nothing about sentiment.
const residualNeg = -0.6

var neutralNeg = builtin.set("neutral_neg")

// aLittle before کم makes "a little": یه کم, یک کم.
var aLittle = builtin.set("a_little")

// lessRule turns "less X"/"X کمتر" around: fewer side effects is good.
func (a *Analyzer) lessRule(toks []token, pieces []sentPiece) {
	for i := range pieces {
		p := &pieces[i]
		before := p.pos-1 >= 0 && toks[p.pos-1].info.less && toks[p.pos-1].brk == 0
		after := p.end < len(toks) && toks[p.end].info.less && toks[p.end-1].brk == 0
		if before && p.pos >= 2 && aLittle[toks[p.pos-2].s] {
			// "یه کم گرونه" is "a bit pricey": a dampener, not "less".
			if p.v > 0 {
				p.v = math.Max(p.v+bDecr, 0)
			} else {
				p.v = math.Min(p.v-bDecr, 0)
			}
			continue
		}
		if before || after {
			p.v *= -0.5
		}
	}
}

// riskSentiment makes a message that reports a side effect, threatens legal
// action or speaks of self-harm at least clearly negative, even when its
// words are not in the lexicon ("Coldex gave me palpitations").
func riskSentiment(s bot.Sentiment, sigs []bot.Signal) bot.Sentiment {
	for _, g := range sigs {
		switch g.Name {
		case bot.SignalAdverseEvent, bot.SignalLegalThreat, bot.SignalSelfHarm,
			bot.SignalOverdose, bot.SignalMedicationError, bot.SignalQualityComplaint, bot.SignalLackOfEfficacy:
			if s.Score > -0.4 {
				return bot.Sentiment{Label: bot.SentimentNegative, Score: -0.4}
			}
		}
	}
	return s
}

// enValence looks an English word up, and a stretched one ("loove",
// "gooood" after Normalize) again with its double letters made single.
func (a *Analyzer) enValence(w string) (float64, bool) {
	b := []byte(nil)
	for i := 0; i < len(w); i++ {
		if i > 0 && w[i] == w[i-1] && w[i] < 0x80 {
			if b == nil {
				b = append(make([]byte, 0, len(w)), w[:i]...)
			}
			continue
		}
		if b != nil {
			b = append(b, w[i])
		}
	}
	if v, ok := a.enStem(w); ok || b == nil {
		return v, ok
	}
	if v, ok := a.en[string(b)]; ok {
		return v, ok
	}
	return a.enStem(string(b))
}

// isKindOf reports "kind of" / "sort of" starting at token i: "kind" is
// then a hedge, not the positive adjective.
func isKindOf(toks []token, i int) bool {
	return i >= 0 && i+1 < len(toks) && (toks[i].s == "kind" || toks[i].s == "sort") && toks[i+1].s == "of" && toks[i].brk == 0
}

package analyze

import (
	"engagebot/bot"
)

// Cues that decide an intent on their own (strong_* in data/cues.tsv); the
// weaker cues of the same class need a question ("قرص" or "buy" alone do not
// make a question).
var (
	strongMedical = builtin.set("strong_medical")
	strongWhere   = builtin.set("strong_where_to_buy")
	strongPrice   = builtin.set("strong_price")
	// Opt-out and opt-in words that are ordinary words in a longer message
	// ("I can't stop smiling") count only when the message is short.
	shortOnly = builtin.set("short_only")
)

// intent chooses one intent. The order encodes what matters most to the
// brand: a side-effect report outranks everything, a wish to leave or to
// talk to a person outranks a question, and a question outranks politeness.
func (a *Analyzer) intent(toks []token, f *facts, res bot.Analysis) string {
	if res.Has(bot.SignalAdverseEvent) {
		return bot.IntentSideEffect
	}
	question := false
	for _, q := range f.question {
		question = question || q
	}
	short := f.words <= 4
	explicit := func(c cue) bool {
		for _, m := range f.cues[c] {
			if !shortOnly[m.e.words[0]] || len(m.e.words) > 1 || short {
				return true
			}
		}
		return false
	}
	strong := func(c cue, set map[string]bool) bool {
		for _, m := range f.cues[c] {
			if set[joinWords(m.e.words)] {
				return true
			}
		}
		return false
	}
	product := len(f.products) > 0 || len(f.medicines) > 0
	s := res.Sentiment.Score
	if res.Has(bot.SignalSelfHarm) {
		return bot.IntentHuman // a person must answer, never a template
	}
	spam := res.Has(bot.SignalSpam)
	switch {
	case explicit(cOptOut) && !question:
		return bot.IntentOptOut
	case explicit(cOptIn) && !f.has(cOptOut) && (!question || short):
		return bot.IntentOptIn
	case f.has(cHuman):
		return bot.IntentHuman
	case strong(cMedical, strongMedical):
		return bot.IntentMedicalAdvice
	case question && len(f.products) > 0 && f.has(cProductQ) && !f.has(cMedical):
		return bot.IntentProductQuestion
	case question && (f.has(cMedical) || len(f.effects) > 0) && !strong(cPrice, strongPrice) && !strong(cWhere, strongWhere):
		return bot.IntentMedicalAdvice
	case f.has(cComplaint) && !question || s <= -0.5 && !question && (product || f.has(cComplaint)):
		return bot.IntentComplaint
	case reproach(toks, f) || f.has(cComplaint) && s < 0:
		return bot.IntentComplaint // "چرا جواب نمیدید؟": a question that reproaches
	case thanksBut(toks, f) && s < 0:
		return bot.IntentComplaint // "مرسی ولی اصلا راضی نیستم": the thanks is politeness
	case strong(cWhere, strongWhere) || question && f.has(cWhere) && !strong(cPrice, strongPrice):
		return bot.IntentWhereToBuy
	case strong(cPrice, strongPrice) || question && f.has(cPrice):
		return bot.IntentPrice
	case question && (product || f.has(cProductQ)):
		return bot.IntentProductQuestion
	case f.has(cComplaint) && s < 0:
		return bot.IntentComplaint
	case spam:
		return bot.IntentOther
	case f.has(cPraise) && s > 0 && !question:
		return bot.IntentPraise
	case f.has(cThanks):
		return bot.IntentThanks
	case f.has(cGreeting) && f.words <= 6 && !question:
		return bot.IntentGreeting
	case question && f.has(cGreeting) && f.words <= 4:
		return bot.IntentGreeting // "سلام خوبی؟"
	case s >= 0.3 && !question:
		return bot.IntentPraise
	case s <= -0.3 && !question:
		return bot.IntentComplaint
	case question && product:
		return bot.IntentProductQuestion
	}
	return bot.IntentOther
}

func joinWords(ws []string) string {
	if len(ws) == 1 {
		return ws[0]
	}
	n := 0
	for _, w := range ws {
		n += len(w) + 1
	}
	b := make([]byte, 0, n)
	for i, w := range ws {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, w...)
	}
	return string(b)
}

// reproach reports a sentence opened by "why" (چرا) that holds a negative
// verb: "چرا جواب نمیدید؟", "why don't you answer?", "چرا هیچکس پیگیری
// نمیکنه". It asks nothing a template can answer; it complains. "چرا که
// نه" and "why not?" (sure) have no negative verb after a word of their own.
func reproach(toks []token, f *facts) bool {
	for _, m := range f.cues[cWhy] {
		s := f.sentence[m.start]
		if m.start > 0 && f.sentence[m.start-1] == s && (m.start < 2 || f.sentence[m.start-2] == s) {
			continue // "why" must open its sentence, or nearly
		}
		if f.inSentence(cComplaint, s, -1) {
			return true // "why is nobody replying?", "chera javab nemidid?"
		}
		for j := m.end; j < len(toks) && f.sentence[j] == s; j++ {
			t := toks[j]
			if t.info.negVerb {
				return true
			}
			if t.info.negator && !startsArabic(t.s) && !whyNot[t.s] {
				return true // "why don't you", but not "why not"
			}
		}
	}
	return false
}

// whyNot are negators that after "why" agree or suggest ("why not?") or
// only qualify ("why without a box?"): no reproach.
var whyNot = map[string]bool{"not": true, "no": true, "nope": true, "without": true, "despite": true, "none": true, "nor": true, "neither": true}

// thanksBut reports thanks followed by a contrast ("مرسی ولی ...", "thanks,
// but ..."): what follows the contrast is the message.
func thanksBut(toks []token, f *facts) bool {
	for _, m := range f.cues[cThanks] {
		for j := m.end; j < len(toks); j++ {
			if toks[j].info.contrast {
				return true
			}
		}
	}
	return false
}

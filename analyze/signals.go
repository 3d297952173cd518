package analyze

import (
	"strings"

	"engagebot/bot"
)

// facts is what the index scan found, grouped for the signal and intent
// rules, with every token placed in a sentence and a clause.
type facts struct {
	products  []string
	medicines []string
	topics    []string
	effects   []match
	parts     []match // parts of effects written in parts; facts joins them into effects
	named     []match // product and medicine mentions
	topicMs   []match // topic mentions
	symptoms  []match // sentiment terms marked as symptoms (درد, جوش)
	cues      [numCues][]match
	sentence  []int  // sentence number of each token (split at . ! ? ;)
	clause    []int  // clause number of each token (also split at , and ولی/but)
	question  []bool // per sentence: asks something
	words     int    // word tokens
	norm      string // the normalised text, lower case
}

func (f *facts) has(c cue) bool { return len(f.cues[c]) > 0 }

// muted marks the tokens of effects and symptoms named in a question or a
// hypothetical, or as a purpose, which carry no sentiment (see
// Analyzer.sentiment): "برای سردرد خوبه" praises a remedy, "برای درد زانو
// چی خوبه؟" asks for one. A symptom told as news ("درد دارم") still counts.
func (f *facts) muted(toks []token, buf []bool) []bool {
	m := buf[:0]
	for range f.sentence {
		m = append(m, false)
	}
	mute := func(e match) {
		s := f.sentence[e.start]
		if f.question[s] || f.inSentence(cHypo, s, -1) || f.purpose(toks, e.start) {
			for i := e.start; i < e.end; i++ {
				m[i] = true
			}
		}
	}
	for _, e := range f.effects {
		mute(e)
	}
	for _, e := range f.symptoms {
		mute(e)
	}
	return m
}

// purpose reports a word of purpose right before token i in its clause:
// "برای سردرد", "ضد جوش", "درمان ریزش مو".
func (f *facts) purpose(toks []token, i int) bool {
	return i > 0 && f.clause[i-1] == f.clause[i] && purposeWords[toks[i-1].s]
}

// purposeWords name what a remedy is for. واسه and برا are the spoken برای.
var purposeWords = builtin.set("purpose")

// inSentence reports a cue match in sentence s (optionally only clause c).
func (f *facts) inSentence(c cue, s int, clause int) bool {
	for _, m := range f.cues[c] {
		if f.sentence[m.start] == s && (clause < 0 || f.clause[m.start] == clause) {
			return true
		}
	}
	return false
}

func (a *Analyzer) facts(toks []token, ms []match) facts {
	var f facts
	f.sentence = make([]int, len(toks))
	f.clause = make([]int, len(toks))
	s, c := 0, 0
	for i, t := range toks {
		if t.info.contrast && i > 0 {
			c++
		}
		f.sentence[i], f.clause[i] = s, c
		switch t.brk {
		case '.', '!', '?', ';':
			s++
			c++
		case ',', ':':
			c++
		}
		if t.kind == tokWord {
			f.words++
		}
	}
	f.question = make([]bool, s+1)
	for i, t := range toks {
		if t.brk == '?' {
			f.question[f.sentence[i]] = true
		}
	}
	add := func(list []string, v string) []string {
		for _, x := range list {
			if x == v {
				return list
			}
		}
		return append(list, v)
	}
	for _, m := range ms {
		switch m.e.kind {
		case kProduct:
			f.products = add(f.products, m.e.label)
			f.named = append(f.named, m)
		case kMedicine:
			f.medicines = add(f.medicines, m.e.label)
			f.named = append(f.named, m)
		case kTopic:
			f.topics = add(f.topics, m.e.label)
			f.topicMs = append(f.topicMs, m)
		case kEffect:
			f.effects = append(f.effects, m)
		case kEffectPart:
			f.parts = append(f.parts, m)
		case kCue:
			f.cues[m.e.cue] = append(f.cues[m.e.cue], m)
		case kSentiment:
			if m.e.symptom {
				f.symptoms = append(f.symptoms, m)
			}
		}
	}
	f.effects = f.joinParts(f.effects)
	f.effects = f.dropInTopics(f.effects)
	// A sentence that opens with a question word or contains آیا asks,
	// except an exclamation: "چه زشته", "what a mess" (no '?').
	for _, m := range f.cues[cQuestion] {
		st := f.sentence[m.start]
		first := m.start == 0 || f.sentence[m.start-1] != st
		if exclaimWords[toks[m.start].s] && sentimentAt(ms, m.start) {
			continue
		}
		if first || toks[m.start].s == "ایا" {
			f.question[st] = true
		}
	}
	return f
}

// partGap is how many tokens may stand between the parts of an effect
// written in parts: "موهام از وقتی اینو میزنم خیلی بیشتر ریخته" keeps the
// parts apart by six.
const partGap = 6

// joinParts adds to effects every effect whose parts were all found in one
// clause, each within partGap tokens of the first part found. The match
// spans the parts and is negated when a part was (موهام نریخت).
func (f *facts) joinParts(effects []match) []match {
	for _, m := range f.parts {
		if m.e.part != 0 {
			continue
		}
		// Parts are matched at most once each, nearest first.
		var arr [3]match // an effect has at most 3 parts (effectParts)
		found := arr[:m.e.combo.parts]
		found[0] = m
		got := 1
		for _, o := range f.parts {
			if o.e.combo != m.e.combo || o.e.part == 0 || found[o.e.part].e != nil {
				continue
			}
			if o.start < m.end && m.start < o.end {
				continue // one token is one part: پوستم is not پوست twice
			}
			if f.clause[o.start] != f.clause[m.start] || o.start-m.end > partGap || m.start-o.end > partGap {
				continue
			}
			found[o.e.part] = o
			got++
		}
		if got < len(found) {
			continue
		}
		j := match{e: m.e.combo, start: m.start, end: m.end}
		for _, o := range found {
			j.start, j.end = min(j.start, o.start), max(j.end, o.end)
			j.neg = j.neg || o.neg
		}
		effects = append(effects, j)
	}
	return effects
}

// dropInTopics removes effects that lie inside a longer topic term: "hay
// fever" is an allergy, not a fever.
func (f *facts) dropInTopics(effects []match) []match {
	out := effects[:0]
	for _, e := range effects {
		inside := false
		for _, t := range f.topicMs {
			if t.start <= e.start && e.end <= t.end && t.end-t.start > e.end-e.start {
				inside = true
				break
			}
		}
		if !inside {
			out = append(out, e)
		}
	}
	return out
}

// exclaimWords open an exclamation when a sentiment word follows them.
var exclaimWords = builtin.set("exclaim")

// sentimentAt reports a sentiment term starting at token i or right after it.
func sentimentAt(ms []match, i int) bool {
	for _, m := range ms {
		if m.e.kind == kSentiment && (m.start == i || m.start == i+1) {
			return true
		}
	}
	return false
}

// signals finds the risk signals of a message.
func (a *Analyzer) signals(toks []token, ms []match, f *facts) []bot.Signal {
	var out []bot.Signal
	if s, ok := a.adverseEvent(toks, f); ok {
		out = append(out, s)
	}
	out = append(out, a.special(toks, f)...)
	if m, ok := first(f.cues[cSelfHarm]); ok {
		out = append(out, bot.Signal{Name: bot.SignalSelfHarm, Severity: bot.SeverityCritical, Evidence: span(toks, m.start, m.end)})
	}
	if m, ok := first(f.cues[cLegal]); ok {
		out = append(out, bot.Signal{Name: bot.SignalLegalThreat, Severity: bot.SeverityHigh, Evidence: span(toks, m.start, m.end)})
	}
	if m, ok := first(f.cues[cAbuse]); ok {
		out = append(out, bot.Signal{Name: bot.SignalAbuse, Severity: bot.SeverityMedium, Evidence: span(toks, m.start, m.end)})
	}
	if ev, ok := a.spam(toks, f); ok {
		out = append(out, bot.Signal{Name: bot.SignalSpam, Severity: bot.SeverityLow, Evidence: ev})
	}
	return out
}

func first(ms []match) (match, bool) {
	if len(ms) == 0 {
		return match{}, false
	}
	return ms[0], true
}

func span(toks []token, start, end int) string {
	start = max(start, 0)
	end = min(end, len(toks))
	var b strings.Builder
	for i := start; i < end; i++ {
		if i > start {
			b.WriteByte(' ')
		}
		b.WriteString(toks[i].s)
	}
	return b.String()
}

// adverseEvent decides whether the message reports a suspected side effect.
// A report needs an effect word (سرگیجه, rash) that is
//   - not negated in its clause ("no side effects", "عوارضی نداشت"),
//   - in a message about a medicine (a product, a medicine form such as
//     قرص/syrup, or taking one), unless the effect is "side effect" itself,
//   - told as an experience: a past one (گرفتم, gave me, after taking) even
//     in a question ("I got dizzy, is that normal?"), or a present one (دارم,
//     I have) in a statement that is not hypothetical ("if I get dizzy").
//
// So "does this cause dizziness?" is a medical question, not a report.
func (a *Analyzer) adverseEvent(toks []token, f *facts) (bot.Signal, bool) {
	if len(f.effects) == 0 {
		return bot.Signal{}, false
	}
	taken := intakeApart(f)
	context := len(f.products) > 0 || len(f.medicines) > 0 || taken
	if f.has(cNoIntake) && !taken {
		// "هنوز هیچ دارویی نخوردم", "I haven't taken anything yet": the
		// symptom came before any medicine.
		context = false
	}
	for _, e := range f.effects {
		if !context && e.e.label != "side effect" {
			continue
		}
		if e.neg || a.effectNegated(toks, f, e) || f.purpose(toks, e.start) || enPurpose(toks, f, e.start) {
			continue
		}
		s, c := f.sentence[e.start], f.clause[e.start]
		if f.resolved(e) {
			continue // "جوشم با درماکلین خوب شد": the effect went away
		}
		strong := f.expPast(s) && !a.expNegated(toks, f, s)
		weak := f.inSentence(cExp, s, -1) || f.inSentence(cCause, s, -1) || f.inSentence(cIntake, s, -1) ||
			f.inSentence(cFirstPers, s, c)
		hypo := f.inSentence(cHypo, s, -1)
		// "سرم درد میکنه، طبیعیه؟" reports and then asks; "does it cause
		// headaches?" only asks.
		asks := f.question[s] && !f.inSentence(cFollowUp, s, -1)
		if !(strong || weak && !asks && !hypo) {
			continue
		}
		sig := bot.Signal{
			Name:     bot.SignalAdverseEvent,
			Severity: bot.SeverityCritical,
			Effect:   e.e.label,
			Evidence: span(toks, max(e.start-4, 0), min(e.end+3, len(toks))),
		}
		switch {
		case len(f.products) > 0:
			sig.Product = f.products[0]
		case len(f.medicines) > 0:
			sig.Product = f.medicines[0]
		}
		// Prefer a named effect to the generic "side effect".
		if sig.Effect == "side effect" {
			for _, o := range f.effects {
				if o.e.label != "side effect" && !a.effectNegated(toks, f, o) {
					sig.Effect = o.e.label
					break
				}
			}
		}
		return sig, true
	}
	return bot.Signal{}, false
}

// intakeApart reports an intake word (خوردم, taking) that is not the verb
// of an effect idiom: in "حالم بهم خورد" (I was disgusted, or nauseous)
// خورد belongs to the idiom and says nothing of taking a medicine.
func intakeApart(f *facts) bool {
	for _, m := range f.cues[cIntake] {
		// "what should I take?" asks; "haven't taken" denies; "سرما خوردم"
		// is catching a cold.
		if f.question[f.sentence[m.start]] || within(m, f.cues[cNoIntake]) || within(m, f.cues[cNotTaken]) {
			continue
		}
		own := false
		for _, e := range f.effects {
			if m.start == e.end {
				own = true
				break
			}
		}
		if !own {
			return true
		}
	}
	return false
}

// expPast reports a past experience in sentence s that is not the verb of
// an idiom ("سرما خوردم" is catching a cold).
func (f *facts) expPast(s int) bool {
	for _, m := range f.cues[cExpPast] {
		if f.sentence[m.start] == s && !within(m, f.cues[cNotTaken]) {
			return true
		}
	}
	return false
}

// resolved reports a resolution in the effect's sentence that is about the
// effect: "جوشم با درماکلین خوب شد" (it went away thanks to the product).
// An effect told as an experience and only later gone is still a report:
// "گر گرفتم صورتم داغ شد، بعد یه ساعت خوب شدم".
func (f *facts) resolved(e match) bool {
	s := f.sentence[e.start]
	for _, r := range f.cues[cResolved] {
		if f.sentence[r.start] != s {
			continue
		}
		// "جوش زده بودم با درماکلین خوب شد" credits the product with the cure.
		if r.start < e.start || !f.between(cExpPast, e.start, r.start) || startsIn(f.named, e.start, r.start) {
			return true
		}
	}
	return false
}

// between reports a match of cue c starting in tokens [from, to).
func (f *facts) between(c cue, from, to int) bool {
	return startsIn(f.cues[c], from, to)
}

// startsIn reports a match of ms starting in tokens [from, to).
func startsIn(ms []match, from, to int) bool {
	for _, m := range ms {
		if m.start >= from && m.start < to {
			return true
		}
	}
	return false
}

// within reports whether m lies inside one of ms.
func within(m match, ms []match) bool {
	for _, o := range ms {
		if o.start <= m.start && m.end <= o.end {
			return true
		}
	}
	return false
}

// enPurpose reports an English word of purpose shortly before token i in
// its clause: "works so fast on my cramps", "good for my headache" name
// what the medicine treats, not what it did.
func enPurpose(toks []token, f *facts, i int) bool {
	for k := 1; k <= 3 && i-k >= 0 && f.clause[i-k] == f.clause[i]; k++ {
		switch toks[i-k].s {
		case "for", "against":
			return true
		case "on":
			if k <= 2 {
				return true
			}
		}
	}
	return false
}

// effectNegated: a negator shortly before the effect in its clause ("no
// rash", "بدون عوارض", "هیچ عوارضی") or a Persian negative verb shortly
// after it ("سرگیجه نگرفتم", "عوارضی نداشت").
func (a *Analyzer) effectNegated(toks []token, f *facts, e match) bool {
	c := f.clause[e.start]
	for _, m := range f.cues[cAENeg] {
		if f.clause[m.start] == c && m.end <= e.start && e.start-m.end <= 4 {
			if toks[m.start].s == "نه" && m.end < len(toks) && (toks[m.end].s == "تنها" || toks[m.end].s == "فقط") {
				continue // "نه تنها بهتر نشد ... بیشتر شد" (not only ... but) denies nothing
			}
			return true
		}
	}
	for j := e.end; j < len(toks) && j <= e.end+3 && f.clause[j] == c; j++ {
		if f.between(cExpPast, j, j+1) || f.between(cExp, j, j+1) {
			// "یبوست گرفتم اصلا نمیتونم ...": the experience verb took the
			// effect; a later negative verb says something else.
			return false
		}
		if toks[j].info.negVerb {
			return true
		}
	}
	return false
}

// expNegated: the experience verb itself is negative ("didn't get").
func (a *Analyzer) expNegated(toks []token, f *facts, s int) bool {
	for _, m := range f.cues[cExpPast] {
		if f.sentence[m.start] != s {
			continue
		}
		if m.start > 0 && f.sentence[m.start-1] == s {
			p := toks[m.start-1].s
			if p == "didn't" || p == "never" || p == "not" || p == "haven't" || p == "hasn't" {
				continue
			}
		}
		return false
	}
	return true
}

// spam: links, or two or more promotion cues (one alone, such as "free"
// or "link", is too common in honest messages).
func (a *Analyzer) spam(toks []token, f *facts) (string, bool) {
	n := f.norm
	if strings.IndexByte(n, '/') < 0 && !strings.Contains(n, "www.") {
		goto cues
	}
	for _, l := range []string{"http://", "https://", "www.", "t.me/", "bit.ly/", ".com/", ".ir/"} {
		if i := strings.Index(n, l); i >= 0 {
			end := strings.IndexByte(n[i:], ' ')
			if end < 0 {
				end = len(n) - i
			}
			return n[i : i+end], true
		}
	}
cues:
	if ms := f.cues[cSpam]; len(ms) >= 2 {
		return span(toks, ms[0].start, ms[0].end), true
	}
	return "", false
}

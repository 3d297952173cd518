package analyze

import (
	"strconv"

	"engagebot/bot"
)

// The special situations of drug safety (ICH E2D, GVP Module VI) are
// reported to the safety team like adverse reactions, even when nothing
// happened to the patient: an overdose, a medication error, misuse or abuse,
// off-label use, lack of efficacy, exposure during pregnancy or
// breastfeeding, and a product quality complaint.
//
// Each needs its cue (data/cues.tsv) in a message about a medicine (a
// product, a medicine form, or taking one), told as something that
// happened: a cue in a clause that asks ("can you overdose on vitamins?",
// "is it fake?") or after a hypothetical ("if I took two") does not count.
// The severities are those of the flag rules in bot/process.go.
var specialSeverity = map[string]bot.Severity{
	bot.SignalOverdose:         bot.SeverityCritical,
	bot.SignalPregnancy:        bot.SeverityCritical,
	bot.SignalMedicationError:  bot.SeverityHigh,
	bot.SignalMisuse:           bot.SeverityHigh,
	bot.SignalQualityComplaint: bot.SeverityHigh,
	bot.SignalLackOfEfficacy:   bot.SeverityMedium,
	bot.SignalOffLabel:         bot.SeverityMedium,
}

// special finds the special situations of a message, most urgent first.
func (a *Analyzer) special(toks []token, f *facts) []bot.Signal {
	// Unlike a side effect, a special situation needs the medicine named:
	// "I took too much" or "زیادی خوردم" alone is as often about food, and
	// "using" or استفاده alone about anything.
	if len(f.products) == 0 && len(f.medicines) == 0 {
		return nil
	}
	sc := specialScan{toks: toks, f: f}
	sc.happened = intakeApart(f) || f.anyExpPast()
	sc.overdose()
	sc.childIngestion()
	sc.medicationError()
	if m, ok := sc.told(cMisuse); ok {
		sc.add(bot.SignalMisuse, "misuse", m)
	}
	sc.pregnancy()
	sc.quality()
	sc.efficacy()
	// "to my dog" needs no verb of taking: it says who got the medicine.
	if m, ok := sc.told(cOffLabel); ok {
		sc.add(bot.SignalOffLabel, "off-label", m)
	}
	return sc.out
}

// specialScan holds what the special situations of one message share.
type specialScan struct {
	toks []token
	f    *facts
	// happened: a medicine was taken (an intake word not denied, or a past
	// experience), as a medication error needs.
	happened bool
	out      []bot.Signal
}

// add records a situation once, with the product and the kind.
func (sc *specialScan) add(name, kind string, m match) {
	for _, s := range sc.out {
		if s.Name == name {
			return
		}
	}
	s := bot.Signal{
		Name: name, Severity: specialSeverity[name], Effect: kind,
		Evidence: span(sc.toks, max(m.start-4, 0), min(m.end+3, len(sc.toks))),
	}
	switch f := sc.f; {
	case len(f.products) > 0:
		s.Product = f.products[0]
	case len(f.medicines) > 0:
		s.Product = f.medicines[0]
	}
	sc.out = append(sc.out, s)
}

// told finds the first cue c that tells rather than asks, supposes,
// denies taking or wishes.
func (sc *specialScan) told(c cue) (match, bool) {
	f := sc.f
	for _, m := range f.cues[c] {
		if !f.asks(sc.toks, m) && !f.hypoBefore(m) && !within(m, f.cues[cNoIntake]) && !subjunctive(sc.toks, m) {
			return m, true
		}
	}
	return match{}, false
}

// overdose: self-poisoning, an overdose said outright, too much taken, or
// an amount taken in place of a smaller one ("two tablets instead of one",
// "دو تا به جای یکی"), which is also a wrong dose.
func (sc *specialScan) overdose() {
	f := sc.f
	// A message of self-harm that tells a medicine taken or swallowed
	// ("خوردم که بمیرم") is an intentional overdose, whatever the amount.
	if f.has(cSelfHarm) && (sc.happened || f.has(cSwallow)) {
		sc.add(bot.SignalOverdose, "self-poisoning", f.cues[cSelfHarm][0])
	}
	if m, ok := sc.told(cOverdose); ok {
		sc.add(bot.SignalOverdose, "overdose", m)
	}
	// "زیادی قرص خوردم", "took too many pills": too much with a past intake
	// in its clause.
	if m, ok := sc.told(cTooMuch); ok && f.pastIntakeIn(f.clause[m.start]) {
		sc.add(bot.SignalOverdose, "overdose", m)
	}
	if m, ok := sc.told(cInstead); ok && sc.happened {
		before, after := amountBefore(sc.toks, f, m.start), amountAfter(sc.toks, f, m.end)
		switch {
		case before > 0 && after > 0 && before > after:
			sc.add(bot.SignalOverdose, "wrong dose", m)
			sc.add(bot.SignalMedicationError, "wrong dose", m)
		case before > 0 && after > 0 && before < after:
			sc.add(bot.SignalMedicationError, "wrong dose", m)
		case f.has(cMistake) || f.has(cSwallow):
			sc.add(bot.SignalMedicationError, "wrong medicine", m)
		}
	}
}

// childIngestion: a child who swallowed a medicine, or took some of it by
// themself, is an accidental exposure of the wrong person; the amount is
// rarely known, so it counts as an overdose. "پسرم آرامیکس خورد" alone is a
// child given their medicine.
func (sc *specialScan) childIngestion() {
	f := sc.f
	if !f.has(cChild) {
		return
	}
	c := f.clause[f.cues[cChild][0].start]
	m, ok := sc.told(cSwallow)
	if ok && f.clause[m.start] != c {
		ok = false
	}
	for _, mm := range f.cues[cMany] {
		if ok {
			break
		}
		if f.clause[mm.start] == c && f.amountOfMedicine(mm) && (f.pastIntakeIn(c) || f.intakeIn(c)) && !f.asks(sc.toks, mm) {
			m, ok = mm, true
		}
	}
	if ok {
		sc.add(bot.SignalOverdose, "accidental ingestion", m)
		sc.add(bot.SignalMedicationError, "wrong person", m)
	}
}

// medicationError: a mistake with an intake, someone else's medicine, or a
// cream or gel swallowed (the wrong route).
func (sc *specialScan) medicationError() {
	if m, ok := sc.told(cMistake); ok && sc.happened {
		// "اشتباهی دوبار خوردم", "took it twice by mistake": a repeated dose.
		if twice(sc.toks) {
			sc.add(bot.SignalOverdose, "wrong dose", m)
		}
		sc.add(bot.SignalMedicationError, "medication error", m)
	}
	if m, ok := sc.told(cWrongPerson); ok && sc.happened {
		sc.add(bot.SignalMedicationError, "wrong person", m)
	}
	if m, ok := sc.told(cSwallow); ok && sc.f.topical(sc.toks, m) {
		sc.add(bot.SignalMedicationError, "wrong route", m)
	}
}

// pregnancy: pregnancy or breastfeeding told with the medicine taken.
func (sc *specialScan) pregnancy() {
	m, ok := sc.told(cPregnancy)
	if !ok || !sc.f.exposed(m) {
		return
	}
	kind := "pregnancy"
	if breastfeeding[sc.toks[m.start].s] {
		kind = "breastfeeding"
	}
	sc.add(bot.SignalPregnancy, kind, m)
}

// quality: a quality cue, or a colour, smell or taste said to have changed
// in one clause ("رنگ قرصا عوض شده", "turned a weird yellow colour").
func (sc *specialScan) quality() {
	f := sc.f
	if m, ok := sc.told(cQuality); ok {
		sc.add(bot.SignalQualityComplaint, "quality", m)
		return
	}
	for _, m := range f.cues[cAppearance] {
		if !f.asks(sc.toks, m) && f.inSentence(cChanged, f.sentence[m.start], f.clause[m.start]) {
			sc.add(bot.SignalQualityComplaint, "quality", m)
			return
		}
	}
}

// efficacy: "did nothing", "اثر نکرد" in a sentence about the medicine, not
// after an effect (what is not better is then the side effect).
func (sc *specialScan) efficacy() {
	f := sc.f
	for _, m := range f.cues[cNoEffect] {
		if f.asks(sc.toks, m) || f.hypoBefore(m) || subjunctive(sc.toks, m) || !f.aboutMedicine(m) || f.effectBefore(m) {
			continue
		}
		sc.add(bot.SignalLackOfEfficacy, "lack of efficacy", m)
		return
	}
}

// breastfeeding are the first words of the pregnancy cues that speak of
// breastfeeding, so the flag can say which exposure it is.
var breastfeeding = map[string]bool{
	"breastfeeding": true, "breast": true, "breast-feeding": true, "breastfeed": true, "breastfed": true,
	"nursing": true, "my": true, "i'm": true, "im": true, "شیردهی": true, "شیرده": true, "شیر": true,
	"بچمو": true, "بچه": true, "شیرم": true, "shir": true, "shirdehi": true,
}

// asks reports a cue in a clause that ends in a question mark, or in a
// sentence that opens with a question word, and nothing told as past in
// that clause: "is it fake?" asks; "the seal was broken, is it safe?" and
// "I took two instead of one, what now?" tell.
func (f *facts) asks(toks []token, m match) bool {
	s, c := f.sentence[m.start], f.clause[m.start]
	if !f.question[s] {
		return false
	}
	if f.clauseAsksIntake(c) {
		return true // "در بارداری میشه نیکاویت خورد؟" asks, whatever its verb
	}
	for _, e := range f.cues[cExpPast] {
		if f.clause[e.start] == c && !within(e, f.cues[cNotTaken]) {
			return false
		}
	}
	// The '?' may close a later clause of the sentence.
	for i := m.start; i < len(toks) && f.sentence[i] == s; i++ {
		if toks[i].brk == '?' {
			return f.clause[i] == c || f.askedFrom(c, s)
		}
	}
	return true
}

// askedFrom reports a question word at or before clause c in sentence s.
func (f *facts) askedFrom(c, s int) bool {
	for _, q := range f.cues[cQuestion] {
		if f.sentence[q.start] == s && f.clause[q.start] <= c {
			return true
		}
	}
	for _, q := range f.cues[cAskIntake] {
		if f.sentence[q.start] == s && f.clause[q.start] == c {
			return true
		}
	}
	return false
}

// subjunctive reports a cue followed by باشد or باشه: "تا تاثیر نداشته
// باشد" (so that it has no effect) wishes, it does not tell.
func subjunctive(toks []token, m match) bool {
	if m.end >= len(toks) {
		return false
	}
	switch toks[m.end].s {
	case "باشد", "باشه", "باشن", "باشند":
		return true
	}
	return false
}

// hypoBefore reports a hypothetical ("if", "اگه") before m in its sentence.
func (f *facts) hypoBefore(m match) bool {
	for _, h := range f.cues[cHypo] {
		if f.sentence[h.start] == f.sentence[m.start] && h.start < m.start && hypoIf[joinWords(h.e.words)] {
			return true
		}
	}
	return false
}

// hypoIf are the hypothetical cues that open a condition; "worried" or
// "might" do not undo a report of what happened.
var hypoIf = map[string]bool{"if": true, "اگه": true, "اگر": true, "in case": true}

func (f *facts) anyExpPast() bool {
	for _, m := range f.cues[cExpPast] {
		if !within(m, f.cues[cNotTaken]) {
			return true
		}
	}
	return false
}

// exposed reports that the pregnant or breastfeeding writer (or the one
// they speak of) took the medicine, rather than asks whether they may or
// advises everyone: an intake not asked about in its clause ("I'm pregnant
// and took Coldex", "باردارم و درماکلین میزنم", "در بارداری مویسا استفاده
// کردم، مشکلی نداره؟"), or a past experience.
func (f *facts) exposed(p match) bool {
	for _, m := range f.cues[cIntake] {
		if within(m, f.cues[cNoIntake]) || f.clauseAsksIntake(f.clause[m.start]) || f.hypoBefore(m) {
			continue
		}
		return true
	}
	for _, m := range f.cues[cExpPast] {
		if !within(m, f.cues[cNotTaken]) && !f.hypoBefore(m) && !f.clauseAsksIntake(f.clause[m.start]) {
			return true
		}
	}
	return false
}

// amountOfMedicine reports an amount right before a medicine named ("چند
// تا از قرصای نیکاویت", "some of the pills"); "کل صورتش" (all his face) is
// not one.
func (f *facts) amountOfMedicine(m match) bool {
	for _, n := range f.named {
		if d := n.start - m.end; d >= 0 && d <= 3 {
			return true
		}
	}
	return false
}

// intakeIn reports an intake (taking, خوردم, مصرف) in clause c.
func (f *facts) intakeIn(c int) bool {
	for _, m := range f.cues[cIntake] {
		if f.clause[m.start] == c && !within(m, f.cues[cNoIntake]) {
			return true
		}
	}
	return false
}

// aboutMedicine reports a product or medicine named in the sentence of m:
// "didn't work" and "جواب نمیده" in a sentence about the shop or the
// support team speak of them, not of the medicine.
func (f *facts) aboutMedicine(m match) bool {
	s := f.sentence[m.start]
	for _, n := range f.named {
		if f.sentence[n.start] == s {
			return true
		}
	}
	return false
}

// effectBefore reports an effect named before m in its sentence: in
// "معدم سوزش گرفته هنوزم خوب نشده" what is not better is the effect, a
// side effect, not the illness the medicine was for.
func (f *facts) effectBefore(m match) bool {
	for _, e := range f.effects {
		if f.sentence[e.start] == f.sentence[m.start] && e.start < m.start {
			return true
		}
	}
	return false
}

// pastIntakeIn reports a past intake (took, خوردم) in clause c.
func (f *facts) pastIntakeIn(c int) bool {
	for _, m := range f.cues[cExpPast] {
		if f.clause[m.start] == c && !within(m, f.cues[cNotTaken]) {
			return true
		}
	}
	return false
}

// twice reports a repeated dose: twice, دوبار, دو بار, two times.
func twice(toks []token) bool {
	for i, t := range toks {
		switch t.s {
		case "twice", "دوبار", "dobar":
			return true
		case "دو", "do", "two":
			if i+1 < len(toks) && (toks[i+1].s == "بار" || toks[i+1].s == "bar" || toks[i+1].s == "times") {
				return true
			}
		}
	}
	return false
}

// clauseAsksIntake reports "can I take", "should not" and the like in
// clause c: nothing was taken yet, or it is advice to everyone.
func (f *facts) clauseAsksIntake(c int) bool {
	for _, q := range f.cues[cAskIntake] {
		if f.clause[q.start] == c {
			return true
		}
	}
	return false
}

// topical reports a medicine form that is not to be swallowed (a cream, a
// gel, a sunscreen) named in the clause of m; "ice cream" is food.
func (f *facts) topical(toks []token, m match) bool {
	for _, n := range f.named {
		if n.e.kind != kMedicine || f.clause[n.start] != f.clause[m.start] {
			continue
		}
		if n.e.label != "cream" && n.e.label != "sunscreen" {
			continue
		}
		if n.start > 0 && toks[n.start-1].s == "ice" {
			continue
		}
		return true
	}
	return false
}

// amountBefore is the amount a few tokens before token i in its clause
// ("two tablets instead", "دو تا قرص به جای"), 0 when none is said.
func amountBefore(toks []token, f *facts, i int) int {
	for k := i - 1; k >= 0 && k >= i-4 && f.clause[k] == f.clause[i-1]; k-- {
		if n := amount(toks[k].s); n > 0 {
			return n
		}
	}
	return 0
}

// amountAfter is the amount right after token i ("instead of one", "به جای
// یکی", "instead of the one").
func amountAfter(toks []token, f *facts, i int) int {
	for k := i; k < len(toks) && k <= i+1; k++ {
		if n := amount(toks[k].s); n > 0 {
			return n
		}
	}
	return 0
}

// amount reads a small count; numbers are grammar, not vocabulary, so the
// words stay in code. Digits are ASCII after Normalize.
func amount(w string) int {
	if n, err := strconv.Atoi(w); err == nil && n > 0 && n < 1000 {
		return n
	}
	return amountWords[w]
}

var amountWords = map[string]int{
	"one": 1, "a": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10,
	"double": 2, "twice": 2, "both": 2,
	"یک": 1, "یه": 1, "یکی": 1, "یدونه": 1, "یکیش": 1, "دو": 2, "دوتا": 2, "دونه": 0, "سه": 3, "سه تا": 3,
	"سهتا": 3, "چهار": 4, "چهارتا": 4, "پنج": 5, "پنجتا": 5, "ده": 10, "دوبار": 2, "دوبرابر": 2,
	"yek": 1, "ye": 1, "yeki": 1, "do": 2, "dota": 2, "se": 3, "seta": 3, "char": 4, "panj": 5,
}

package analyze

// cue identifies a class of evidence that intent.go and signals.go weigh.
// Its words and phrases are the list of data/cues.tsv named in cueNames
// (lists.go); they are normalised on load, so any spelling works there.
type cue int

const (
	cGreeting cue = iota
	cThanks
	cPraise
	cComplaint
	cPrice
	cWhere
	cProductQ
	cHuman
	cMedical
	cOptOut
	cOptIn
	cQuestion  // question words
	cHypo      // if, might: a hypothetical, not a report
	cExpPast   // a past experience: got, gave me, گرفتم
	cExp       // a present experience: I have, دارم
	cIntake    // taking a medicine: after taking, خوردم
	cCause     // causes, باعث
	cAENeg     // no, without, بدون: no side effect
	cLegal     // legal threat
	cSelfHarm  // self-harm
	cSpam      // spam
	cAbuse     // profanity or insult
	cFirstPers // I, my, من: the writer speaks of themself
	cResolved  // خوب شد, cleared up: the effect went away
	cNoIntake  // نخوردم, haven't taken: no medicine was taken
	cNotTaken  // سرما خوردم, زمین خوردم: خورد in an idiom, not taking anything
	cFollowUp  // طبیعیه؟, is that normal?: a question that follows a report
	// The special situations (special.go).
	cOverdose    // overdosed, took too many, کل بسته رو خوردم
	cInstead     // instead of, به جای: a dose or a medicine in place of another
	cMistake     // by mistake, اشتباهی: a medication error
	cWrongPerson // someone else's medicine: my mother's pills, مال شوهرم
	cChild       // a child who may have got at a medicine: my son, بچم
	cSwallow     // swallowed, got into, قورت داد: got at, not given
	cMisuse      // to get high, نشئه, addicted
	cOffLabel    // for my dog, to lose weight, برای لاغری
	cNoEffect    // did nothing, اثر نکرد: lack of efficacy
	cPregnancy   // pregnant, breastfeeding, باردارم, شیر میدم
	cAskIntake   // can I take, میتونم بخورم: asks before taking
	cQuality     // broken seal, odd smell, counterfeit, پلمپ باز
	cTooMuch     // زیادی, too many: beyond the dose
	cAppearance  // رنگ, smell: what a changed product shows
	cChanged     // عوض, turned, weird
	cMany        // چند تا, some, the whole: an amount
	cWhy         // چرا, why: with a negative verb, a reproach
	numCues
)

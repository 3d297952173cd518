package analyze

import (
	"unicode/utf8"

	"engagebot/bot"
)

// detectLang places a message as Persian, English or other. Script decides
// first: Arabic-script text is Persian unless it reads as Arabic, and
// Cyrillic, CJK and other scripts are "other". Latin text is English unless
// it reads as Finglish (Persian in Latin letters: "salam, ghimatesh chande?").
// The hint (the follower's known language) breaks ties and places texts with
// no words, such as a lone emoji.
func (a *Analyzer) detectLang(toks []token, hint string) string {
	var arabic, latin, other int
	var faMark, arMark, enMark, finMark, latinWords int
	for _, t := range toks {
		if t.kind != tokWord {
			continue
		}
		// A word's script is its first letter's; weigh it by length.
		r, _ := utf8.DecodeRuneInString(t.s)
		switch {
		case isArabicLetter(r):
			arabic += len(t.s) / 2
		case r < 0x250 && isLetter(r):
			latin += len(t.s)
		case r >= 0x250 && isLetter(r):
			other += utf8.RuneCountInString(t.s)
		}
		switch {
		case t.arabic():
			if t.info.faMark || hasPersianLetter(t.s) {
				faMark++
			}
			if t.info.arMark {
				arMark++
			}
		case t.latin():
			latinWords++
			if t.info.finMark {
				finMark++
			} else if t.info.enMark {
				enMark++
			}
		}
	}
	switch {
	case arabic == 0 && latin == 0 && other == 0:
		return hintOr(hint, bot.LangOther)
	case other > arabic && other > latin:
		return bot.LangOther
	case arabic >= latin:
		if arMark > faMark && arMark >= 2 {
			return bot.LangOther // Arabic, not Persian
		}
		return bot.LangFa
	}
	// Latin script.
	switch {
	case finMark > enMark:
		return bot.LangFa
	case enMark > 0 && enMark >= finMark:
		if finMark == enMark && hint == bot.LangFa {
			return bot.LangFa
		}
		return bot.LangEn
	case latinWords <= 2:
		// a name or a product alone ("Nikavit"): trust the hint
		return hintOr(hint, bot.LangEn)
	}
	return bot.LangOther
}

func hintOr(hint, def string) string {
	if hint == bot.LangFa || hint == bot.LangEn {
		return hint
	}
	return def
}

// hasPersianLetter: پ چ ژ گ do not occur in Arabic.
func hasPersianLetter(s string) bool {
	for _, r := range s {
		switch r {
		case 'پ', 'چ', 'ژ', 'گ':
			return true
		}
	}
	return false
}

var persianWords = builtin.set("persian")

var arabicWords = builtin.set("arabic")

var englishWords = builtin.set("english")

var finglishWords = builtin.set("finglish")

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

var persianWords = setOf("است", "این", "که", "را", "رو", "از", "به", "با", "من", "تو", "ما", "شما", "هست",
	"نیست", "خیلی", "برای", "چرا", "چی", "چیه", "هم", "یه", "یک", "بود", "شد", "میشه", "دارم", "داره",
	"کنم", "کنید", "میخوام", "سلام", "ممنون", "مرسی", "خوب", "خوبه", "ولی", "اما", "اون", "اینو", "دیگه",
	"کجا", "چطور", "بعد", "قبل", "هر", "همه", "باید", "نه", "آره", "اره", "بله")

var arabicWords = setOf("فی", "هذا", "هذه", "التی", "الذی", "ذلک", "کان", "علی", "الی", "انا", "انت", "نحن",
	"هو", "هی", "لا", "لم", "لن", "قد", "کیف", "ماذا", "لماذا", "شکرا", "جدا", "مع", "عن", "او", "ایضا",
	"الله", "اللهم", "یا", "والله", "هل", "لیس")

var englishWords = setOf("the", "a", "an", "is", "are", "was", "were", "be", "been", "i", "you", "he", "she",
	"it", "we", "they", "me", "my", "your", "our", "this", "that", "these", "those", "and", "or", "but",
	"if", "of", "to", "in", "on", "at", "for", "with", "from", "by", "about", "as", "do", "does", "did",
	"have", "has", "had", "not", "no", "yes", "can", "could", "will", "would", "should", "what", "why",
	"how", "when", "where", "which", "who", "there", "here", "just", "so", "very", "all", "any", "some",
	"hi", "hello", "hey", "thanks", "thank", "please", "pls", "plz", "ok", "okay", "get", "got", "take",
	"took", "after", "before", "since", "much", "many", "price", "buy", "stop", "son", "daughter", "baby",
	"kid", "gave", "made", "its", "it's", "i'm", "im", "don't", "dont", "am", "been", "also", "too", "than",
	"then", "now", "out", "up", "one", "new", "today", "day", "time", "rash", "dizzy", "syrup", "pill",
	"pills", "tablet", "cream", "vitamin", "vitamins", "where", "store", "pharmacy", "subscribe")

var finglishWords = setOf("salam", "slm", "merci", "mersi", "mamnoon", "mamnun", "mamnoonam", "khoobi",
	"khubi", "chetori", "chetorin", "kheili", "kheyli", "khyli", "kheily", "mikham", "mikhastam", "chera",
	"chi", "chie", "chiye", "ghimat", "gheimat", "gheymat", "ghimatesh", "chande", "kojast", "koja",
	"kojas", "mishe", "nemishe", "hast", "nist", "dare", "nadare", "shoma", "baraye", "vase", "vaseye",
	"lotfan", "dorood", "bebakhshid", "bebakhshin", "ke", "khoob", "khub", "khobe", "khube", "zesht",
	"aali", "awli", "eyval", "damet", "garm", "nemidoonam", "nemidunam", "midoonam", "dashtam", "daram",
	"dari", "kardam", "shod", "shodam", "gereftam", "khordam", "sargije", "sardard", "ghors", "sharbat",
	"daroo", "daru", "hasasiat", "aslan", "vaghean", "vaghan", "pool", "gerun", "geroon", "arzoon",
	"kharidam", "bekharam", "azizam", "joon", "jan", "eshgh", "ghorbunet", "fadat", "khodafez",
	"khodahafez", "bekheir", "bekheyr", "ina", "una", "injoori", "intori", "chejoori", "mikhay",
	"mikhaid", "bedid", "begid", "begin", "bashe", "mishod", "shodid", "hastid", "hastin", "dastet",
	"dastetun", "dard", "nakone", "afarin", "ghashang", "ghashange", "ziba", "mamnunam", "tashakor",
	"sepas", "kharab", "kharabe", "bad-e", "boodam", "budam", "bood", "bud", "mikonam", "mikone",
	"mishe?", "chand", "chanda", "tomann", "toman", "tooman", "alan", "inja", "unja", "chetor")

func setOf(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

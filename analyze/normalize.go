package analyze

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Normalize maps the many ways followers write the same Persian or English
// word to one form, so that lexicons, vocabularies and de-duplication match
// on meaning rather than on keyboard layout. The caller keeps the original
// text for display; the normalised form is for matching only.
//
// It maps Arabic letter forms to Persian (ي ى→ی, ك→ک, ة ۀ→ه, أ إ ٱ آ→ا,
// ؤ→و, ئ→ی), drops diacritics, tatweel, zero-width and direction marks and
// emoji variation selectors, joins words split by a zero-width non-joiner or
// by a space after the verb prefixes می/نمی and before the plural and
// comparative suffixes (می‌خوام, میخوام and می خوام all become میخوام),
// turns Persian and Arabic-Indic digits into ASCII, maps Persian punctuation
// to ASCII (، ؛ ؟ « »), decodes HTML entities (&amp; &lt;3), squeezes letters stretched three or more times
// (خیلیییی→خیلی, soooo→soo), lower-cases Latin letters and collapses white
// space.
func Normalize(s string) string {
	return strings.ToLower(normalize(s))
}

// normalize is Normalize without lower-casing: the English scorer needs to
// see which words were written in capitals.
func normalize(s string) string {
	if s == "" {
		return ""
	}
	if strings.IndexByte(s, '&') >= 0 && strings.IndexByte(s, ';') >= 0 {
		// Platform APIs (X, Instagram exports) deliver &amp; &lt;3 &gt;.
		s = html.UnescapeString(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	var (
		cur     rune // the letter being repeated, 0 when none
		n       int  // how many times cur was seen in a row
		pending bool // a space is owed before the next visible rune
	)
	flush := func() {
		if n == 0 {
			return
		}
		k := n
		switch {
		case isArabicLetter(cur) && n >= 3:
			k = 1 // خیلیییی → خیلی; two stay two, as in ببین
		case n >= 3:
			k = 2 // soooo → soo; English has real double letters
		}
		for range k {
			b.WriteRune(cur)
		}
		cur, n = 0, 0
	}
	for _, r := range s {
		r = mapRune(r)
		switch {
		case r == dropRune, r == joinRune:
			// A ZWNJ joins the two halves into one word (می‌خوام).
			continue
		case isSpace(r):
			flush()
			if b.Len() > 0 {
				pending = true
			}
			continue
		}
		if pending {
			flush()
			b.WriteByte(' ')
			pending = false
		}
		if isLetter(r) {
			if r != cur {
				flush()
				cur = r
			}
			n++
			continue
		}
		flush()
		b.WriteRune(r)
	}
	flush()
	return joinAffixes(b.String())
}

const (
	dropRune = -1
	joinRune = -2
)

// mapRune maps one rune to its canonical form, or to dropRune / joinRune.
func mapRune(r rune) rune {
	if r < 0x80 {
		return r
	}
	switch r {
	case 'ي', 'ى', 'ئ', 'ې':
		return 'ی'
	case 'ك':
		return 'ک'
	case 'ة', 'ۀ', 'ە':
		return 'ه'
	case 'أ', 'إ', 'ٱ', 'آ':
		return 'ا'
	case 'ؤ':
		return 'و'
	case '،':
		return ','
	case '؛':
		return ';'
	case '؟':
		return '?'
	case '«', '»':
		return '"'
	case '\u066B': // Arabic decimal separator
		return '.'
	case '\u066C': // Arabic thousands separator
		return ','
	case '\u0640': // tatweel (کشیده)
		return dropRune
	case '\u200C': // zero-width non-joiner
		return joinRune
	case '\u200B', '\u200D', '\u200E', '\u200F', '\uFEFF', '\u2066', '\u2067', '\u2068', '\u2069',
		'\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u00AD':
		return dropRune
	case '\u00A0', '\u2028', '\u2029':
		return ' '
	}
	switch {
	case r >= '۰' && r <= '۹':
		return '0' + (r - '۰')
	case r >= '٠' && r <= '٩':
		return '0' + (r - '٠')
	case r >= 0x064B && r <= 0x065F, r == 0x0670: // harakat, tanwin, shadda, hamza above
		return dropRune
	case r >= 0xFE00 && r <= 0xFE0F: // emoji variation selectors
		return dropRune
	case r >= 0x1F3FB && r <= 0x1F3FF: // skin-tone modifiers
		return dropRune
	}
	return r
}

// isArabicLetter reports whether r is a letter of the Arabic script block,
// which Persian uses.
//
// It is written out as ranges because it runs for every rune of every
// message and unicode.IsLetter's table search dominated the profile.
func isArabicLetter(r rune) bool {
	switch {
	case r < 0x0620 || r > 0x06FF:
		return false
	case r <= 0x063F, r >= 0x0641 && r <= 0x064A, r == 0x066E, r == 0x066F,
		r >= 0x0671 && r <= 0x06D3, r == 0x06D5, r == 0x06E5, r == 0x06E6,
		r == 0x06EE, r == 0x06EF, r >= 0x06FA && r <= 0x06FC, r == 0x06FF:
		return true
	}
	return false
}

// isLetter is unicode.IsLetter with fast paths for ASCII and Persian.
func isLetter(r rune) bool {
	switch {
	case r < 0x80:
		return r|0x20 >= 'a' && r|0x20 <= 'z'
	case r >= 0x0600 && r <= 0x06FF:
		return isArabicLetter(r)
	}
	return unicode.IsLetter(r)
}

// isSpace is unicode.IsSpace with an ASCII fast path.
func isSpace(r rune) bool {
	if r < 0x80 {
		return r == ' ' || r >= '\t' && r <= '\r'
	}
	return unicode.IsSpace(r)
}

// prefixWords are verb prefixes that some followers write as a separate
// word; suffixWords are suffixes written the same way. Joining them gives
// every spelling the same form.
var (
	// بی is joined too: "بی ادب" and "بی‌ادب" are one word, so its
	// opposite reading applies (بی+ادب, rude).
	prefixWords = map[string]bool{"می": true, "نمی": true, "بی": true}
	suffixWords = map[string]bool{"ها": true, "های": true, "هایی": true, "هام": true, "هات": true,
		"هاش": true, "هامون": true, "هاتون": true, "هاشون": true, "تر": true, "ترین": true}
)

// joinAffixes joins space-separated verb prefixes and plural/comparative
// suffixes to their Persian neighbour. It allocates only when it changes s.
func joinAffixes(s string) string {
	if !strings.Contains(s, "می ") && !strings.Contains(s, "بی ") && !strings.Contains(s, " ها") && !strings.Contains(s, " تر") {
		return s
	}
	words := strings.Split(s, " ")
	out := words[:0]
	for i := 0; i < len(words); i++ {
		w := words[i]
		if prefixWords[w] && i+1 < len(words) && startsArabic(words[i+1]) {
			out = append(out, w+words[i+1])
			i++
			continue
		}
		if suffixWords[w] && len(out) > 0 && endsArabic(out[len(out)-1]) {
			out[len(out)-1] += w
			continue
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}

func startsArabic(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return isArabicLetter(r)
}

func endsArabic(w string) bool {
	r, _ := utf8.DecodeLastRuneInString(w)
	return isArabicLetter(r)
}

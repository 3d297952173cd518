package x

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// urlLen is what X counts for any link: it wraps every link in a t.co
// address of this length.
const urlLen = 23

var (
	urlRE = regexp.MustCompile(`https?://[^\s]+`)
)

// tokens cuts s into words, each with the spaces after it (unicode
// spaces, as strings.Fields; a zero-width non-joiner inside a Persian word
// is not one).
func tokens(s string) []string {
	var out []string
	start, inSpace := 0, false
	for i, r := range s {
		sp := unicode.IsSpace(r)
		if !sp && inSpace && i > start {
			out = append(out, s[start:i])
			start = i
		}
		inSpace = sp
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// light are the code point ranges X counts as 1 in weighted counting
// (twitter-text's configuration v3): Latin, Greek, Cyrillic, Hebrew,
// Arabic and Persian, and some punctuation. Everything else, such as
// CJK and emoji, counts 2.
var light = [][2]rune{{0x0000, 0x10FF}, {0x2000, 0x200D}, {0x2010, 0x201F}, {0x2032, 0x2037}}

// Length counts s as X does under the given counting ("weighted" or
// "characters"). Links count 23 either way.
func Length(s, counting string) int {
	n := 0
	last := 0
	for _, m := range urlRE.FindAllStringIndex(s, -1) {
		n += runesLen(s[last:m[0]], counting) + urlLen
		last = m[1]
	}
	return n + runesLen(s[last:], counting)
}

func runesLen(s, counting string) int {
	if counting != "weighted" {
		return utf8.RuneCountInString(s)
	}
	n := 0
	for _, r := range s {
		w := 2
		for _, rg := range light {
			if r >= rg[0] && r <= rg[1] {
				w = 1
				break
			}
		}
		n += w
	}
	return n
}

// Split cuts text into parts of at most limit, at word boundaries. A word
// longer than limit on its own is the only thing ever cut inside.
func Split(text string, limit int, counting string) []string {
	text = strings.TrimSpace(text)
	if Length(text, counting) <= limit {
		return []string{text}
	}
	var parts []string
	cur := ""
	flush := func() {
		if s := strings.TrimSpace(cur); s != "" {
			parts = append(parts, s)
		}
		cur = ""
	}
	for _, tok := range tokens(text) {
		if Length(strings.TrimSpace(cur+tok), counting) <= limit {
			cur += tok
			continue
		}
		flush()
		for Length(strings.TrimSpace(tok), counting) > limit {
			head := cutRunes(tok, limit, counting)
			parts = append(parts, head)
			tok = tok[len(head):]
		}
		cur = tok
	}
	flush()
	return parts
}

// Shorten cuts text to at most limit at a word boundary, ending with "…".
func Shorten(text string, limit int, counting string) string {
	text = strings.TrimSpace(text)
	if Length(text, counting) <= limit {
		return text
	}
	const ell = "…"
	room := limit - Length(ell, counting)
	out := ""
	for _, tok := range tokens(text) {
		if Length(strings.TrimSpace(out+tok), counting) > room {
			break
		}
		out += tok
	}
	if out = strings.TrimSpace(out); out == "" {
		out = cutRunes(text, room, counting) // one word longer than a post
	}
	return out + ell
}

// cutRunes is the longest prefix of s (at least one rune) within limit.
func cutRunes(s string, limit int, counting string) string {
	end := 0
	for end < len(s) {
		_, size := utf8.DecodeRuneInString(s[end:]) // size 1 for invalid bytes
		if end > 0 && Length(s[:end+size], counting) > limit {
			break
		}
		end += size
	}
	return s[:end]
}

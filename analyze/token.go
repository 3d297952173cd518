package analyze

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one word, number, emoji or emoticon of a normalised message.
type token struct {
	s    string // lower-cased normalised text
	caps bool   // written in capitals (an English word of two or more letters)
	kind tokKind
	info *wordInfo // closed-list facts about s, set by Analyze
	// brk is the clause-ending punctuation written right after the token
	// ('.', '!', '?', ',' or ';'), 0 when none. Negation and contrast do not
	// reach across it.
	brk byte
	// tag: the word was written right after '#' ("#notgood"), so it may be
	// several words run together.
	tag bool
}

type tokKind uint8

const (
	tokWord tokKind = iota
	tokNumber
	tokEmoji
	tokEmoticon // :) <3 and the like
)

func (t token) latin() bool {
	r, _ := utf8.DecodeRuneInString(t.s)
	return r < 0x250 && isLetter(r)
}

func (t token) arabic() bool {
	r, _ := utf8.DecodeRuneInString(t.s)
	return isArabicLetter(r)
}

// tokenize splits a normalised (case-kept) text. Emoji stand alone even when
// written against a word (عالی😍), punctuation ends clauses, and a white-space
// chunk with no letters that the emoticon set knows (":)", "<3") is kept
// whole. It returns the tokens and the counts of '!' and '?' in the text,
// which intensify sentiment.
func tokenize(n string, emoticons map[string]bool, buf []token) (toks []token, pu punct) {
	toks = buf[:0]
	var prev rune // the previous rune of the chunk, for "?!"

	for chunk := range strings.FieldsSeq(n) {
		if len(chunk) <= 6 && emoticons != nil && hasASCIIPunct(chunk) {
			if l := strings.ToLower(chunk); emoticons[l] {
				toks = append(toks, token{s: l, kind: tokEmoticon})
				continue
			}
		}
		start, skip := -1, 0
		emit := func(end int) {
			if start < 0 {
				return
			}
			hash := start > 0 && chunk[start-1] == '#'
			w := chunk[start:end]
			start = -1
			t := token{s: w, kind: tokWord, tag: hash}
			if c := w[0]; c >= '0' && c <= '9' {
				t.kind = tokNumber
			}
			if hasUpper(w) {
				t.caps = isAllCaps(w)
				t.s = strings.ToLower(w)
			}
			toks = append(toks, t)
		}
		prev = 0
		for i, r := range chunk {
			if i < skip {
				continue // inside an emoticon already taken
			}
			if (r == '!' && prev == '?') || (r == '?' && prev == '!') {
				pu.indignant++
			}
			prev = r
			switch {
			case isLetter(r) || r >= '0' && r <= '9' || r >= 0x80 && (unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)):
				if start < 0 {
					start = i
				}
			case (r == '\'' || r == '-') && start >= 0 && i+1 < len(chunk):
				// don't, e-mail: the mark stays inside the word
			case isEmoji(r):
				emit(i)
				toks = append(toks, token{s: string(r), kind: tokEmoji})
			default:
				emit(i)
				if e, n := emoticonAt(chunk[i:]); n > 0 && emoticons[e] {
					// ":)))" or "عالی:(" : Persian and chat writers repeat the
					// mouth and write the face against a word.
					toks = append(toks, token{s: e, kind: tokEmoticon})
					skip = i + n
					continue
				}
				switch r {
				case '!':
					pu.excl++
					setBrk(toks, '!')
				case '?':
					pu.quest++
					setBrk(toks, '?')
				case '.', ',', ';', ':':
					setBrk(toks, byte(r))
				}
			}
		}
		emit(len(chunk))
	}
	return toks, pu
}

// punct counts the marks that colour a message: '!' and '?' intensify, and
// "?!" or "!?" written together is indignant surprise ("این چه وضعیه؟!").
type punct struct {
	excl, quest, indignant int
}

func setBrk(toks []token, b byte) {
	if len(toks) == 0 {
		return
	}
	t := &toks[len(toks)-1]
	// '?' and '!' say more about the clause than '.' or ','.
	if t.brk == 0 || b == '?' || (b == '!' && t.brk != '?') {
		t.brk = b
	}
}

func hasLetter(s string) bool {
	for _, r := range s {
		if isLetter(r) {
			return true
		}
	}
	return false
}

func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			return true
		}
		if c >= 0x80 {
			for _, r := range s[i:] {
				if unicode.IsUpper(r) {
					return true
				}
			}
			return false
		}
	}
	return false
}

// isAllCaps reports an English word written in capitals ("GREAT"), which
// VADER-style scoring treats as emphasis. One capital letter ("I") is not.
func isAllCaps(s string) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= 2
}

// isEmoji reports pictographs, dingbats and the heart, which followers use as
// words.
func isEmoji(r rune) bool {
	switch {
	case r >= 0x1F000 && r <= 0x1FAFF:
		return true
	case r >= 0x2600 && r <= 0x27BF:
		return true
	case r >= 0x2B00 && r <= 0x2BFF:
		return true
	case r == 0x2665 || r == 0x2763 || r == 0x2764:
		return true
	}
	return false
}

// hasASCIIPunct: only such chunks can be emoticons (":)", "<3", "xD").
func hasASCIIPunct(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 && c > ' ' && !(c|0x20 >= 'a' && c|0x20 <= 'z') {
			return true
		}
	}
	return false
}

// emoticonAt reads a face written with punctuation at the start of s: eyes
// (: ; =), an optional nose (- or '), and a mouth repeated any number of
// times (":)))", ":-((", ":DDD"). It returns the face with one mouth, in
// lower case, as the lexicon lists it, and the bytes it spans; n is 0 when
// s does not start with a face.
func emoticonAt(s string) (face string, n int) {
	if len(s) < 2 || s[0] != ':' && s[0] != ';' && s[0] != '=' {
		return "", 0
	}
	i := 1
	if s[i] == '-' || s[i] == '\'' {
		i++
	}
	if i >= len(s) {
		return "", 0
	}
	m := s[i]
	switch m {
	case ')', '(', 'D', 'd', 'P', 'p', '|', '/', '*', ']', '[':
	default:
		return "", 0
	}
	j := i + 1
	for j < len(s) && s[j] == m {
		j++
	}
	// "http://" is no face: a slanted mouth is written once.
	if m == '/' && (j-i > 1 || j < len(s) && isLetter(rune(s[j]))) {
		return "", 0
	}
	// ":d" must not be the start of a word (":dige"): a letter mouth stands
	// alone or before punctuation.
	if (m|0x20 == 'd' || m|0x20 == 'p') && j < len(s) && isLetter(rune(s[j])) {
		return "", 0
	}
	eyes := s[0]
	if eyes == '=' {
		eyes = ':'
	}
	mouth := m
	if mouth >= 'A' && mouth <= 'Z' {
		mouth += 'a' - 'A'
	}
	return string([]byte{eyes, mouth}), j
}

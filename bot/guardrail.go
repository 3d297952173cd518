package bot

import (
	"regexp"
	"strings"
)

// The guardrail: nothing the brand sends on its own (a campaign, a survey,
// an invitation) may tell a follower how much of a medicine to take. A
// text staff write is refused when it reads as a dose: a number with a
// dose unit or a frequency ("2 tablets", "500 mg", "۳ بار در روز", "هر ۸
// ساعت"). Questions about doses from followers get the safe template that
// points to a pharmacist or physician (see the flag rules).

var dosing = regexp.MustCompile(`(?i)` +
	`\d+(?:[.,/]\d+)?\s*(?:mg|mcg|µg|ml|g|iu|units?|tablets?|tabs?|capsules?|caps?|pills?|drops?|puffs?|doses?|sachets?|` +
	`میلی\s?گرم|میکروگرم|میلی\s?لیتر|گرم|واحد|قرص|کپسول|قطره|پاف|دوز|ساشه|عدد)(?:[^\p{L}]|$)|` +
	`\d+\s*(?:times?\s+(?:a|per)\s+day|x\s*(?:a|per)?\s*day|بار\s+در\s+روز|بار\s+روزانه)|` +
	`(?:every|each|هر)\s*\d+\s*(?:hours?|hrs?|h|ساعت)`)

// DosingAdvice reports whether a text reads as dosing advice.
func DosingAdvice(text string) bool {
	return dosing.MatchString(latinDigits(strings.ReplaceAll(text, "\u200c", " ")))
}

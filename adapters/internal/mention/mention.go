// Package mention finds an @username mention in message text, as Telegram
// and Rubika write them: usernames are letters a-z, digits and "_", and
// compared without regard to case.
package mention

import "strings"

// Has reports whether text holds @username as a whole word: "@brand" is in
// "hi @Brand!" but not in "hi @brand_support". username is lower-case,
// without "@".
func Has(text, username string) bool {
	if username == "" {
		return false
	}
	lower := strings.ToLower(text)
	needle := "@" + username
	for i := 0; ; {
		j := strings.Index(lower[i:], needle)
		if j < 0 {
			return false
		}
		end := i + j + len(needle)
		if end == len(lower) || !isUsernameByte(lower[end]) {
			return true
		}
		i = end
	}
}

// isUsernameByte reports whether b may continue a (lower-cased) username.
func isUsernameByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '_'
}

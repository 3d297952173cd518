package jalali

import (
	"fmt"
	"strings"
	"time"
)

// firstGregorianYear tells the calendars apart in ParseDateTime: a year
// below it is Solar Hijri (1405 SH is 2026 CE), so no date of either
// calendar a person would type is read in the other.
const firstGregorianYear = 1800

// ParseDateTime reads a wall-clock time in loc as a person types it,
// in either calendar: "1405-09-11 09:30" (Solar Hijri) or
// "2026-12-02 09:30" (Gregorian); "/" may separate the date's parts,
// seconds are optional and Persian or Arabic-Indic digits are read as
// ASCII. An RFC 3339 time carries its own offset and is taken as is. A
// Solar Hijri day that does not exist (Esfand 30 of a common year) is an
// error, not the next day.
func ParseDateTime(s string, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	s = strings.TrimSpace(asciiDigits(s))
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	norm := strings.ReplaceAll(strings.Replace(s, "T", " ", 1), "/", "-")
	var (
		y, m, d, hh, mm, ss int
		rest                string
	)
	n, _ := fmt.Sscanf(norm, "%d-%d-%d %d:%d%s", &y, &m, &d, &hh, &mm, &rest)
	switch {
	case n == 6 && strings.HasPrefix(rest, ":"):
		if _, err := fmt.Sscanf(rest, ":%d", &ss); err != nil {
			return time.Time{}, fmt.Errorf("date %q: want YYYY-MM-DD HH:MM[:SS]", s)
		}
	case n != 5:
		return time.Time{}, fmt.Errorf("date %q: want YYYY-MM-DD HH:MM in the Solar Hijri or Gregorian calendar, or RFC 3339", s)
	}
	if hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59 {
		return time.Time{}, fmt.Errorf("date %q: no such time of day", s)
	}
	if y < firstGregorianYear {
		if !(Date{Year: y, Month: m, Day: d}).Valid() {
			return time.Time{}, fmt.Errorf("date %q: no such Solar Hijri day", s)
		}
		day := ToTime(y, m, d, loc)
		return time.Date(day.Year(), day.Month(), day.Day(), hh, mm, ss, 0, loc), nil
	}
	t := time.Date(y, time.Month(m), d, hh, mm, ss, 0, loc)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return time.Time{}, fmt.Errorf("date %q: no such Gregorian day", s)
	}
	return t, nil
}

// asciiDigits replaces Persian (۰-۹) and Arabic-Indic (٠-٩) digits with
// ASCII ones.
func asciiDigits(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '۰' && r <= '۹':
			return '0' + (r - '۰')
		case r >= '٠' && r <= '٩':
			return '0' + (r - '٠')
		}
		return r
	}, s)
}

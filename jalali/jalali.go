// Package jalali converts between the Gregorian calendar and the Solar
// Hijri (Jalali) calendar used in Iran, and formats Solar Hijri dates the
// way Persian readers expect them.
//
// # Leap years
//
// The official calendar is astronomical: a year starts on the day whose
// noon in Tehran follows the March equinox. This package uses the
// arithmetic 33-year cycle instead (year y is leap when (25y+11) mod 33 < 8),
// which agrees with the astronomical calendar from 1181 to 1633 SH
// (1802 to 2255 CE). Outside that range dates are proleptic and may be a
// day off the official calendar.
//
// # Digits
//
// Digits (ASCII to Persian digits) lives here because the long Persian
// form needs it; templates and other packages use it from here.
package jalali

import (
	"fmt"
	"strings"
	"time"
)

// Date is a Solar Hijri calendar date. Month is 1 (Farvardin) to 12 (Esfand).
type Date struct {
	Year, Month, Day int
}

// monthNames are the Persian month names, Farvardin first.
var monthNames = [12]string{
	"فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
	"مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
}

// monthNamesLatin are the usual English transliterations.
var monthNamesLatin = [12]string{
	"Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
	"Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand",
}

// MonthName returns the Persian name of month m (1-12), "" when out of range.
func MonthName(m int) string {
	if m < 1 || m > 12 {
		return ""
	}
	return monthNames[m-1]
}

// MonthNameLatin returns the transliterated name of month m (1-12), ""
// when out of range.
func MonthNameLatin(m int) string {
	if m < 1 || m > 12 {
		return ""
	}
	return monthNamesLatin[m-1]
}

// IsLeap reports whether Solar Hijri year y has 366 days (Esfand 30).
func IsLeap(y int) bool {
	return mod(25*y+11, 33) < 8
}

// MonthDays is the number of days in month m of year y: 31 for the first
// six months, 30 for the next five, and 29 or 30 for Esfand.
func MonthDays(y, m int) int {
	switch {
	case m >= 1 && m <= 6:
		return 31
	case m >= 7 && m <= 11:
		return 30
	case m == 12 && IsLeap(y):
		return 30
	case m == 12:
		return 29
	}
	return 0
}

// Valid reports whether d names a day of the calendar.
func (d Date) Valid() bool {
	return d.Month >= 1 && d.Month <= 12 && d.Day >= 1 && d.Day <= MonthDays(d.Year, d.Month)
}

// The anchor ties the arithmetic cycle to the civil calendar: 1 Farvardin
// 1403 is 2024-03-20, day 19802 since 1970-01-01.
const (
	anchorYear = 1403
	anchorDays = 19802
)

// leapsBefore counts the leap years in [anchorYear, y) (negative when y is
// before the anchor).
func leapsBefore(y int) int {
	return leapsFromZero(y) - leapsFromZero(anchorYear)
}

// leapsFromZero counts leap years in [0, y) for y >= 0, and minus the count
// in [y, 0) for y < 0, so that differences work across zero. 8 of every 33
// consecutive years are leap.
func leapsFromZero(y int) int {
	q, r := div(y, 33)
	n := 8 * q
	for k := 0; k < r; k++ {
		if IsLeap(q*33 + k) {
			n++
		}
	}
	return n
}

// startDays is 1 Farvardin of year y as days since 1970-01-01.
func startDays(y int) int {
	return anchorDays + 365*(y-anchorYear) + leapsBefore(y)
}

// monthStart is the number of days in the year before month m (1-12).
func monthStart(m int) int {
	if m <= 7 {
		return 31 * (m - 1)
	}
	return 186 + 30*(m-7)
}

// civilDays is the Gregorian date y-m-d as days since 1970-01-01.
func civilDays(y int, m time.Month, d int) int {
	q, _ := div64(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix(), 86400)
	return int(q)
}

// FromTime returns the Solar Hijri date of t's calendar day in t's location.
func FromTime(t time.Time) Date {
	gy, gm, gd := t.Date()
	return fromDays(civilDays(gy, gm, gd))
}

func fromDays(days int) Date {
	// A first guess from the mean year, then step to the exact year.
	y := anchorYear + int(float64(days-anchorDays)/365.2424)
	for startDays(y) > days {
		y--
	}
	for startDays(y+1) <= days {
		y++
	}
	doy := days - startDays(y) // 0-based day of the year
	var m int
	if doy < 186 {
		m = doy/31 + 1
	} else {
		m = (doy-186)/30 + 7
	}
	return Date{Year: y, Month: m, Day: doy - monthStart(m) + 1}
}

// ToTime returns midnight of Solar Hijri day y/m/d in loc (UTC when nil).
// Like time.Date, a month or day out of range is normalised: month 13 is
// Farvardin of the next year and Esfand 31 of a common year is 2 Farvardin.
func ToTime(y, m, d int, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	q, r := div(m-1, 12)
	y, m = y+q, r+1
	days := startDays(y) + monthStart(m) + d - 1
	g := time.Unix(int64(days)*86400, 0).UTC()
	return time.Date(g.Year(), g.Month(), g.Day(), 0, 0, 0, 0, loc)
}

// Time is ToTime of d.
func (d Date) Time(loc *time.Location) time.Time { return ToTime(d.Year, d.Month, d.Day, loc) }

// String formats d as "1405/09/04", the usual numeric form (ASCII digits).
func (d Date) String() string {
	return fmt.Sprintf("%04d/%02d/%02d", d.Year, d.Month, d.Day)
}

// Long formats d in Persian with Persian digits: "۴ آذر ۱۴۰۵".
func (d Date) Long() string {
	return Digits(fmt.Sprintf("%d %s %d", d.Day, MonthName(d.Month), d.Year))
}

// LongLatin formats d with a transliterated month: "4 Azar 1405".
func (d Date) LongLatin() string {
	return fmt.Sprintf("%d %s %d", d.Day, MonthNameLatin(d.Month), d.Year)
}

// Digits replaces ASCII digits 0-9 with Persian digits ۰-۹ and leaves
// everything else as it is.
func Digits(s string) string {
	if !strings.ContainsAny(s, "0123456789") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) * 2)
	for _, r := range s {
		if r >= '0' && r <= '9' {
			r = '۰' + (r - '0')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// div is floor division with a non-negative remainder.
func div(a, b int) (q, r int) {
	q, r = a/b, a%b
	if r < 0 {
		q, r = q-1, r+b
	}
	return q, r
}

func div64(a, b int64) (q, r int64) {
	q, r = a/b, a%b
	if r < 0 {
		q, r = q-1, r+b
	}
	return q, r
}

func mod(a, b int) int {
	_, r := div(a, b)
	return r
}

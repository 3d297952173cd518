package jalali_test

import (
	"testing"
	"time"

	"engagebot/jalali"
)

func gdate(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// knownDates are Solar Hijri / Gregorian pairs from the civil calendar.
var knownDates = []struct {
	j jalali.Date
	g time.Time
}{
	// Nowruz: a year starts on March 20 or 21, depending on the equinox.
	{jalali.Date{Year: 1357, Month: 1, Day: 1}, gdate(1978, 3, 21)},
	{jalali.Date{Year: 1391, Month: 1, Day: 1}, gdate(2012, 3, 20)},
	{jalali.Date{Year: 1395, Month: 1, Day: 1}, gdate(2016, 3, 20)},
	{jalali.Date{Year: 1396, Month: 1, Day: 1}, gdate(2017, 3, 21)},
	{jalali.Date{Year: 1398, Month: 1, Day: 1}, gdate(2019, 3, 21)},
	{jalali.Date{Year: 1399, Month: 1, Day: 1}, gdate(2020, 3, 20)},
	{jalali.Date{Year: 1400, Month: 1, Day: 1}, gdate(2021, 3, 21)},
	{jalali.Date{Year: 1401, Month: 1, Day: 1}, gdate(2022, 3, 21)},
	{jalali.Date{Year: 1402, Month: 1, Day: 1}, gdate(2023, 3, 21)},
	{jalali.Date{Year: 1403, Month: 1, Day: 1}, gdate(2024, 3, 20)},
	{jalali.Date{Year: 1404, Month: 1, Day: 1}, gdate(2025, 3, 21)},
	{jalali.Date{Year: 1405, Month: 1, Day: 1}, gdate(2026, 3, 21)},
	{jalali.Date{Year: 1406, Month: 1, Day: 1}, gdate(2027, 3, 21)},
	{jalali.Date{Year: 1407, Month: 1, Day: 1}, gdate(2028, 3, 20)},
	{jalali.Date{Year: 1408, Month: 1, Day: 1}, gdate(2029, 3, 20)},
	{jalali.Date{Year: 1409, Month: 1, Day: 1}, gdate(2030, 3, 21)},
	// Leap-year edges: Esfand 30 exists in 1399 and 1403.
	{jalali.Date{Year: 1399, Month: 12, Day: 30}, gdate(2021, 3, 20)},
	{jalali.Date{Year: 1403, Month: 12, Day: 30}, gdate(2025, 3, 20)},
	{jalali.Date{Year: 1404, Month: 12, Day: 29}, gdate(2026, 3, 20)},
	// Well-known days.
	{jalali.Date{Year: 1357, Month: 11, Day: 22}, gdate(1979, 2, 11)},
	{jalali.Date{Year: 1358, Month: 8, Day: 13}, gdate(1979, 11, 4)},
	{jalali.Date{Year: 1403, Month: 10, Day: 1}, gdate(2024, 12, 21)},
	{jalali.Date{Year: 1405, Month: 9, Day: 4}, gdate(2026, 11, 25)},
}

func TestKnownDates(t *testing.T) {
	for _, tc := range knownDates {
		if got := jalali.FromTime(tc.g); got != tc.j {
			t.Errorf("FromTime(%s) = %v, want %v", tc.g.Format(time.DateOnly), got, tc.j)
		}
		if got := jalali.ToTime(tc.j.Year, tc.j.Month, tc.j.Day, time.UTC); !got.Equal(tc.g) {
			t.Errorf("ToTime(%v) = %s, want %s", tc.j, got.Format(time.DateOnly), tc.g.Format(time.DateOnly))
		}
	}
}

func TestIsLeap(t *testing.T) {
	for _, tc := range []struct {
		year int
		want bool
	}{
		{1370, true}, {1375, true}, {1395, true}, {1398, false}, {1399, true},
		{1400, false}, {1403, true}, {1404, false}, {1407, false}, {1408, true},
	} {
		if got := jalali.IsLeap(tc.year); got != tc.want {
			t.Errorf("IsLeap(%d) = %v, want %v", tc.year, got, tc.want)
		}
	}
}

// TestRoundTrip walks every day of a century: each day converts back to
// itself, is a valid date, and follows the previous one.
func TestRoundTrip(t *testing.T) {
	start, end := gdate(1950, 1, 1), gdate(2050, 1, 1)
	prev := jalali.FromTime(start.AddDate(0, 0, -1))
	for g := start; g.Before(end); g = g.AddDate(0, 0, 1) {
		j := jalali.FromTime(g)
		if !j.Valid() {
			t.Fatalf("%s: invalid %v", g.Format(time.DateOnly), j)
		}
		if back := j.Time(time.UTC); !back.Equal(g) {
			t.Fatalf("%s -> %v -> %s", g.Format(time.DateOnly), j, back.Format(time.DateOnly))
		}
		var want jalali.Date
		switch {
		case prev.Day < jalali.MonthDays(prev.Year, prev.Month):
			want = jalali.Date{Year: prev.Year, Month: prev.Month, Day: prev.Day + 1}
		case prev.Month < 12:
			want = jalali.Date{Year: prev.Year, Month: prev.Month + 1, Day: 1}
		default:
			want = jalali.Date{Year: prev.Year + 1, Month: 1, Day: 1}
		}
		if j != want {
			t.Fatalf("%s: got %v after %v, want %v", g.Format(time.DateOnly), j, prev, want)
		}
		prev = j
	}
}

func TestFromTimeUsesLocation(t *testing.T) {
	tehran := time.FixedZone("IRST", 3*3600+1800)
	instant := time.Date(2026, 3, 20, 22, 0, 0, 0, time.UTC) // 01:30 on 21 March in Tehran
	if got, want := jalali.FromTime(instant), (jalali.Date{Year: 1404, Month: 12, Day: 29}); got != want {
		t.Errorf("UTC: got %v, want %v", got, want)
	}
	if got, want := jalali.FromTime(instant.In(tehran)), (jalali.Date{Year: 1405, Month: 1, Day: 1}); got != want {
		t.Errorf("Tehran: got %v, want %v", got, want)
	}
	got := jalali.ToTime(1405, 1, 1, tehran)
	if got.Location() != tehran || got.Hour() != 0 || got.Day() != 21 {
		t.Errorf("ToTime in Tehran = %s", got)
	}
}

func TestToTimeNormalises(t *testing.T) {
	for _, tc := range []struct {
		y, m, d int
		want    time.Time
	}{
		{1404, 12, 30, gdate(2026, 3, 21)}, // 1404 is common: Esfand 30 is 1 Farvardin 1405
		{1404, 13, 1, gdate(2026, 3, 21)},
		{1405, 0, 1, gdate(2026, 2, 20)}, // month 0 is Esfand of 1404
		{1405, 1, 0, gdate(2026, 3, 20)},
	} {
		if got := jalali.ToTime(tc.y, tc.m, tc.d, nil); !got.Equal(tc.want) {
			t.Errorf("ToTime(%d, %d, %d) = %s, want %s", tc.y, tc.m, tc.d, got.Format(time.DateOnly), tc.want.Format(time.DateOnly))
		}
	}
}

func TestFormat(t *testing.T) {
	d := jalali.Date{Year: 1405, Month: 9, Day: 4}
	for _, tc := range []struct{ got, want string }{
		{d.String(), "1405/09/04"},
		{d.Long(), "۴ آذر ۱۴۰۵"},
		{d.LongLatin(), "4 Azar 1405"},
		{jalali.MonthName(1), "فروردین"},
		{jalali.MonthName(12), "اسفند"},
		{jalali.MonthNameLatin(2), "Ordibehesht"},
		{jalali.MonthName(13), ""},
		{jalali.Digits("tel 021-8899, 1405/09/04"), "tel ۰۲۱-۸۸۹۹, ۱۴۰۵/۰۹/۰۴"},
		{jalali.Digits("بدون رقم"), "بدون رقم"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestMonthDays(t *testing.T) {
	total := func(y int) int {
		n := 0
		for m := 1; m <= 12; m++ {
			n += jalali.MonthDays(y, m)
		}
		return n
	}
	if got := total(1403); got != 366 {
		t.Errorf("1403 has %d days, want 366", got)
	}
	if got := total(1404); got != 365 {
		t.Errorf("1404 has %d days, want 365", got)
	}
	if (jalali.Date{Year: 1404, Month: 12, Day: 30}).Valid() {
		t.Error("Esfand 30 1404 should be invalid")
	}
}

package jalali_test

import (
	"testing"
	"time"

	"engagebot/jalali"
)

func TestParseDateTime(t *testing.T) {
	tehran, err := time.LoadLocation("Asia/Tehran")
	if err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct {
		in   string
		want string // RFC 3339 in UTC, "" for an error
	}{
		{"1405-09-11 09:30", "2026-12-02T06:00:00Z"},
		{"2026-12-02 09:30", "2026-12-02T06:00:00Z"},
		{"1405/09/11 09:30:15", "2026-12-02T06:00:15Z"},
		{"۱۴۰۵-۰۹-۱۱ ۰۹:۳۰", "2026-12-02T06:00:00Z"},
		{"2026-12-02T09:30:00+03:30", "2026-12-02T06:00:00Z"},
		{"2026-12-02T09:30", "2026-12-02T06:00:00Z"},
		// Esfand 30 exists in a leap year (1403) only.
		{"1403-12-30 12:00", "2025-03-20T08:30:00Z"},
		{"1404-12-30 12:00", ""},
		{"1404-12-29 12:00", "2026-03-20T08:30:00Z"},
		{"1405-01-01 00:00", "2026-03-20T20:30:00Z"},
		{"1405-07-31 10:00", ""}, // Mehr has 30 days
		{"1405-06-31 10:00", "2026-09-22T06:30:00Z"},
		{"2026-02-29 10:00", ""},
		{"2028-02-29 10:00", "2028-02-29T06:30:00Z"},
		{"2026-12-02 24:00", ""},
		{"2026-12-02", ""},
		{"tomorrow", ""},
	} {
		got, err := jalali.ParseDateTime(tc.in, tehran)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("%d: ParseDateTime(%q) = %s, want an error", i, tc.in, got)
		case tc.want != "" && err != nil:
			t.Errorf("%d: ParseDateTime(%q): %v", i, tc.in, err)
		case tc.want != "" && got.UTC().Format(time.RFC3339) != tc.want:
			t.Errorf("%d: ParseDateTime(%q) = %s, want %s", i, tc.in, got.UTC().Format(time.RFC3339), tc.want)
		}
	}
}

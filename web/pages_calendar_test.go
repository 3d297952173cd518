package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"engagebot/bot"
	"engagebot/web"
)

// calendarCore is the fake core with the posts' policy: its clocks fire
// a recurring post every day at 09:00 in the post's zone.
type calendarCore struct{ *Core }

func (calendarCore) PostPolicy() bot.PostPolicy { return bot.PostPolicy{Clocks: dailyAtNine{}} }

type dailyAtNine struct{}

func (dailyAtNine) Next(spec string, loc *time.Location, after time.Time) (time.Time, error) {
	l := after.In(loc)
	t := time.Date(l.Year(), l.Month(), l.Day(), 9, 0, 0, 0, loc)
	if !t.After(after) {
		t = t.AddDate(0, 0, 1)
	}
	return t, nil
}

// calendarData is the fake store with a second post, recurring daily
// from December 2026.
type calendarData struct{ *Data }

var daily = &bot.Post{ID: 2, Text: "tip of the day", State: bot.PostScheduled, Version: 1, Author: "pari", TZ: "Asia/Tehran",
	Targets: []bot.PostTarget{{Account: "telegram.support", Chat: "@brand"}}, Cron: "0 0 9 * * *",
	Next: time.Date(2026, 12, 16, 5, 30, 0, 0, time.UTC), Created: t0, Updated: t0}

func (d calendarData) View(_ context.Context, fn func(bot.Tx) error) error {
	return fn(calendarTx{dataTx{d: d.Data}})
}

type calendarTx struct{ dataTx }

func (t calendarTx) Posts(f bot.PostFilter) ([]*bot.Post, error) {
	out, _ := t.dataTx.Posts(f)
	if f.After < daily.ID {
		c := *daily
		out = append(out, &c)
	}
	return out, nil
}

func (t calendarTx) Post(id uint64) (*bot.Post, error) {
	if id == daily.ID {
		c := *daily
		return &c, nil
	}
	return t.dataTx.Post(id)
}

func newCalendarStaff(t *testing.T, now time.Time, clocks bool) *staff {
	t.Helper()
	st := &staff{auth: newAuth(), actions: &Actions{}}
	loc, _ := time.LoadLocation("Asia/Tehran")
	var core web.Core = &Core{}
	if clocks {
		core = calendarCore{&Core{}}
	}
	st.srv = web.New(web.Options{Engine: core, Version: "v-test", Auth: st.auth, Data: calendarData{newData()}, Actions: st.actions,
		Passwords: hasher{}, UploadDir: t.TempDir(), Location: loc, Now: func() time.Time { return now }})
	st.ts = httptest.NewServer(st.srv.Handler())
	t.Cleanup(st.ts.Close)
	return st
}

// A month in each calendar and language: the one-off post's slot on its
// day with its outcome, the recurring post's days to come, both
// calendars' names, and links to the months around.
func TestPages_Calendar(t *testing.T) {
	now := time.Date(2026, 12, 15, 8, 0, 0, 0, time.UTC) // 24 Azar 1405
	st := newCalendarStaff(t, now, true)
	for i, tc := range []struct {
		path      string
		sara      bool // as sara, in English
		want, not []string
	}{
		// Azar 1405 is 22 November - 21 December 2026: the failed slot on
		// the 2nd (11 Azar), the daily post from the 16th (25 Azar) to
		// the 21st (30 Azar), not before now.
		{"/calendar", false, []string{`lang="fa" dir="rtl"`, "تقویم انتشار", `data-cal="jalali"`, "آذر ۱۴۰۵", "۲۲ نوامبر ۲۰۲۶ – ۲۱ دسامبر ۲۰۲۶",
			`data-day="2026-12-02"`, `class="cal-entry st-failed"`, "flu season", `href="/posts/1"`,
			`class="cal-entry st-scheduled planned" href="/posts/2"`, "۰۹:۰۰", "↻",
			`href="/calendar?cal=jalali&amp;m=8&amp;y=1405"`, `href="/calendar?cal=jalali&amp;m=10&amp;y=1405"`, `href="/calendar?cal=gregorian&amp;m=11&amp;y=2026"`,
			"شنبه</th><th scope=\"col\">یکشنبه", `class="day today" data-day="2026-12-15"`, `id="calendar-list"`, "۱۱ آذر ۱۴۰۵"},
			[]string{"cal_", `id="calendar-empty"`}},
		{"/calendar?cal=gregorian&y=2026&m=12", true, []string{`lang="en" dir="ltr"`, "December 2026", "10 Azar 1405 – 10 Dey 1405",
			`data-day="2026-12-02"`, "Mon</th>", "failed", "09:00", "tip of the day"},
			[]string{"cal_"}},
	} {
		rq := request{method: "GET", path: tc.path, token: "ebt_viewer"}
		if tc.sara {
			rq = request{method: "GET", path: tc.path, cookie: signedIn(t, st)}
		}
		a := st.do(t, rq)
		if a.status != 200 {
			t.Fatalf("Test %d: %s = %d:\n%s", i, tc.path, a.status, a.body)
		}
		wantAll(t, tc.path, a.body, tc.want...)
		wantNone(t, tc.path, a.body, tc.not...)
		// The daily post from tomorrow to the month's end, each day once.
		if i == 0 {
			if n := strings.Count(a.body, `class="cal-entry st-scheduled planned"`); n != 6 {
				t.Errorf("the daily post shows %d times in the grid, want 6 (16-21 December)", n)
			}
			if strings.Contains(a.body, `data-day="2026-12-15"`) && strings.Contains(a.body[strings.Index(a.body, `data-day="2026-12-14"`):strings.Index(a.body, `data-day="2026-12-15"`)], "tip of the day") {
				t.Errorf("a past day shows a slot to come")
			}
		}
	}
}

// Without the engine's clocks a recurring post shows its next slot only;
// a month without posts says so; a bad month is refused.
func TestPages_CalendarEmptyAndNoClocks(t *testing.T) {
	st := newCalendarStaff(t, time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC), false)
	a := st.do(t, request{method: "GET", path: "/calendar?cal=gregorian&y=2026&m=12", token: "ebt_pr"})
	if n := strings.Count(a.body, `class="cal-entry st-scheduled planned"`); n != 1 || !strings.Contains(a.body, "فقط نوبت بعدی") {
		t.Errorf("without clocks the daily post shows %d times, want its next slot once", n)
	}
	a = st.do(t, request{method: "GET", path: "/calendar?cal=gregorian&y=2026&m=3", token: "ebt_safety"})
	wantAll(t, "an empty month", a.body, `id="calendar-empty"`, "در این ماه پستی زمان‌بندی نشده است.")
	for _, q := range []string{"m=13", "y=x", "m=0"} {
		if a := st.do(t, request{method: "GET", path: "/calendar?" + q, token: "ebt_pr"}); a.status != http.StatusBadRequest {
			t.Errorf("/calendar?%s = %d, want 400", q, a.status)
		}
	}
	if a := st.do(t, request{method: "GET", path: "/calendar"}); a.status != http.StatusSeeOther {
		t.Errorf("the calendar without a session = %d, want 303 to the sign-in", a.status)
	}
}

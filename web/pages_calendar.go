package web

import (
	"cmp"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"engagebot/bot"
	"engagebot/jalali"
)

// The calendar: scheduled posts by month, in the Solar Hijri calendar
// (the default in Persian) or the Gregorian one, each day with the other
// calendar's date beside it. A post shows at each of its slots in the
// month: the slots it has had, coloured by their outcome, and the ones
// still to come, coloured by the post's state: a one-off post's time, and
// a recurring post's next fire times, read from its cron spec through
// the engine's clocks when the server has them (else its next slot
// only). Posts are read through the posts API in process. Each entry
// links to the post's page (pages_post.go). Below the
// month, the same entries as a list by day, for small screens.

// calendarPageRoutes are the calendar's pages: anyone signed in sees
// them, as the posts API's GET.
func (s *Server) calendarPageRoutes() []Route {
	return []Route{{Method: "GET", Pattern: "/calendar", Roles: anyRole, Handle: s.pageCalendar, Deny: s.denyPage}}
}

// Calendars a month is shown in.
const (
	calSolar     = "jalali"
	calGregorian = "gregorian"
)

// maxPerPost bounds the fire times of one recurring post in a month (a
// post every hour would fill the page otherwise); the rest are counted.
const maxPerPost = 62

// policyReader is a Core that tells the posts' policy, whose Clocks read
// cron specs: *bot.Engine is one.
type policyReader interface {
	PostPolicy() bot.PostPolicy
}

// calEntry is one slot of a post in the month.
type calEntry struct {
	At   time.Time
	Post uint64
	// State is the slot's outcome (queued, published, failed, unknown,
	// missed) or, for a slot to come, the post's state.
	State string
	// Planned is a slot to come, not made yet.
	Planned   bool
	Recurring bool
	Text      string
	Link      string
}

// calDay is one day of the month's grid; a zero Date is a blank cell.
type calDay struct {
	Date    time.Time
	Num     int
	Alt     string
	Today   bool
	Entries []calEntry
}

// calendarPage is what the calendar's template gets.
type calendarPage struct {
	Cal string
	// Title is the month in its calendar; Span the same days in the
	// other calendar.
	Title, Span        string
	Prev, Next, Switch string
	Weekdays           []string
	Weeks              [][]calDay
	// Days are the days with posts, for the list.
	Days  []calDay
	Count int
	// More counts fire times left out (maxPerPost); NoClocks says
	// recurring posts show only their next slot.
	More     int
	NoClocks bool
}

func (s *Server) pageCalendar(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	me, _ := s.me(r.Context(), actor)
	lang := cmp.Or(me.Lang, bot.LangFa)
	q := r.URL.Query()
	cal := q.Get("cal")
	if cal != calSolar && cal != calGregorian {
		cal = calSolar
		if lang == bot.LangEn {
			cal = calGregorian
		}
	}
	now := s.opts.Now().In(s.loc)
	y, m := monthOf(cal, now)
	if v := q.Get("y"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 3000 {
			s.pageError(w, r, actor, bot.Errorf(bot.EINVALID, "y: a year, got %q", v))
			return
		}
		y = n
	}
	if v := q.Get("m"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 12 {
			s.pageError(w, r, actor, bot.Errorf(bot.EINVALID, "m: a month from 1 to 12, got %q", v))
			return
		}
		m = n
	}
	start, end := monthSpan(cal, y, m, s.loc)
	api := "/api/v1/posts?" + url.Values{"from": {start.Format(time.DateOnly)}, "to": {end.Format(time.DateOnly)},
		"tz": {s.loc.String()}, "limit": {strconv.Itoa(maxPostPage)}}.Encode()
	var list struct {
		Posts []postView `json:"posts"`
	}
	if err := s.callAPI(r, actor, s.handlePosts, api, nil, &list); err != nil {
		s.pageError(w, r, actor, err)
		return
	}
	var clocks bot.Clocks
	if pr, ok := s.opts.Engine.(policyReader); ok {
		clocks = pr.PostPolicy().Clocks
	}
	d := calendarPage{Cal: cal, NoClocks: clocks == nil}
	var entries []calEntry
	for _, p := range list.Posts {
		es, more := postEntries(p, start, end, now, clocks)
		entries = append(entries, es...)
		d.More += more
	}
	slices.SortStableFunc(entries, func(a, b calEntry) int { return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.Post, b.Post)) })
	d.Count = len(entries)
	d.Title, d.Span = monthTitle(lang, cal, y, m), spanTitle(lang, cal, start, end)
	py, pm := y, m-1
	if pm == 0 {
		py, pm = y-1, 12
	}
	ny, nm := y, m+1
	if nm == 13 {
		ny, nm = y+1, 1
	}
	d.Prev, d.Next = calLink(cal, py, pm), calLink(cal, ny, nm)
	other := calGregorian
	if cal == calGregorian {
		other = calSolar
	}
	oy, om := monthOf(other, start)
	d.Switch = calLink(other, oy, om)
	d.Weekdays, d.Weeks, d.Days = grid(lang, cal, start, end, now, entries)
	s.render(w, r, actor, http.StatusOK, "calendar", "calendar", d)
}

func calLink(cal string, y, m int) string {
	return "/calendar?" + url.Values{"cal": {cal}, "y": {strconv.Itoa(y)}, "m": {strconv.Itoa(m)}}.Encode()
}

// monthOf is the year and month of t in a calendar.
func monthOf(cal string, t time.Time) (int, int) {
	if cal == calSolar {
		j := jalali.FromTime(t)
		return j.Year, j.Month
	}
	return t.Year(), int(t.Month())
}

// monthSpan is the month's first midnight and the next month's, in loc.
func monthSpan(cal string, y, m int, loc *time.Location) (time.Time, time.Time) {
	if cal == calSolar {
		ny, nm := y, m+1
		if nm == 13 {
			ny, nm = y+1, 1
		}
		return jalali.ToTime(y, m, 1, loc), jalali.ToTime(ny, nm, 1, loc)
	}
	start := time.Date(y, time.Month(m), 1, 0, 0, 0, 0, loc)
	return start, start.AddDate(0, 1, 0)
}

// postEntries are a post's slots in [start, end): those it has had, and
// those still to come after now.
func postEntries(p postView, start, end, now time.Time, clocks bot.Clocks) ([]calEntry, int) {
	in := func(t time.Time) bool { return !t.Before(start) && t.Before(end) }
	entry := func(at time.Time, state string, planned bool) calEntry {
		return calEntry{At: at, Post: p.ID, State: state, Planned: planned, Recurring: p.Cron != "", Text: shortText(p.Text, 60),
			Link: postPath(p.ID)}
	}
	var out []calEntry
	for _, sl := range p.Slots {
		if in(sl.At) {
			out = append(out, entry(sl.At, string(sl.State), false))
		}
	}
	// From the later of the month's start and now: what is past has its
	// slot, or was never made.
	after := start.Add(-time.Nanosecond)
	if now.After(after) {
		after = now
	}
	n, more := 0, 0
	for t := range comingTimes(p, after, end, clocks) {
		switch {
		case !in(t):
		case n < maxPerPost:
			out = append(out, entry(t, string(p.State), true))
			n++
		default:
			if more++; more > 10_000 {
				return out, more
			}
		}
	}
	return out, more
}

// comingTimes are a post's slots still to come, none for an ended post: a
// one-off's time, or a recurring post's next slot and then the fire times
// of its cron spec after after and before until (none without clocks),
// leaving out the times it has a slot for already. The calendar and the
// post's page both list them so.
func comingTimes(p postView, after, until time.Time, clocks bot.Clocks) iter.Seq[time.Time] {
	return func(yield func(time.Time) bool) {
		if p.State.Ended() {
			return
		}
		had := map[int64]bool{}
		for _, sl := range p.Slots {
			had[sl.At.Unix()] = true
		}
		emit := func(t time.Time) bool {
			if had[t.Unix()] {
				return true
			}
			had[t.Unix()] = true
			return yield(t)
		}
		if p.Cron == "" {
			if p.At != nil {
				emit(*p.At)
			}
			return
		}
		if p.Next != nil && !emit(*p.Next) || clocks == nil {
			return
		}
		loc := postLoc(p.TZ)
		for {
			t, err := clocks.Next(p.Cron, loc, after)
			if err != nil || t.IsZero() || !t.Before(until) || !t.After(after) {
				return
			}
			after = t
			if !emit(t) {
				return
			}
		}
	}
}

// shortText is s cut to n characters.
func shortText(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// gregorianFa are the Gregorian months' Persian names.
var gregorianFa = [12]string{"ژانویه", "فوریه", "مارس", "آوریل", "مه", "ژوئن", "ژوئیه", "اوت", "سپتامبر", "اکتبر", "نوامبر", "دسامبر"}

// weekdayNames are the days of the week by language, Sunday first as
// time.Weekday counts them.
var weekdayNames = map[string][7]string{
	bot.LangFa: {"یکشنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه"},
	bot.LangEn: {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
}

func monthName(lang, cal string, m int) string {
	switch {
	case cal == calSolar && lang == bot.LangEn:
		return jalali.MonthNameLatin(m)
	case cal == calSolar:
		return jalali.MonthName(m)
	case lang == bot.LangEn:
		return time.Month(m).String()
	}
	return gregorianFa[m-1]
}

func monthTitle(lang, cal string, y, m int) string {
	return digits(lang, fmt.Sprintf("%s %d", monthName(lang, cal, m), y))
}

// spanTitle names the month's days in the other calendar: "22 December
// 2026 – 20 January 2027".
func spanTitle(lang, cal string, start, end time.Time) string {
	last := end.AddDate(0, 0, -1)
	name := func(t time.Time) string {
		if cal == calSolar {
			return fmt.Sprintf("%d %s %d", t.Day(), monthName(lang, calGregorian, int(t.Month())), t.Year())
		}
		j := jalali.FromTime(t)
		return fmt.Sprintf("%d %s %d", j.Day, monthName(lang, calSolar, j.Month), j.Year)
	}
	return digits(lang, name(start)+" – "+name(last))
}

// grid lays the month out in weeks: from Saturday in the Solar Hijri
// calendar, from Monday in the Gregorian one.
func grid(lang, cal string, start, end, now time.Time, entries []calEntry) ([]string, [][]calDay, []calDay) {
	first := time.Saturday
	if cal == calGregorian {
		first = time.Monday
	}
	names := weekdayNames[bot.LangFa]
	if lang == bot.LangEn {
		names = weekdayNames[bot.LangEn]
	}
	var heads []string
	for i := range 7 {
		heads = append(heads, names[(int(first)+i)%7])
	}
	var weeks [][]calDay
	var days []calDay
	week := make([]calDay, (int(start.Weekday())-int(first)+7)%7)
	ei := 0
	for t := start; t.Before(end); t = t.AddDate(0, 0, 1) {
		next := t.AddDate(0, 0, 1)
		d := calDay{Date: t, Today: !now.Before(t) && now.Before(next)}
		j := jalali.FromTime(t)
		if cal == calSolar {
			d.Num, d.Alt = j.Day, fmt.Sprintf("%d %s", t.Day(), monthName(lang, calGregorian, int(t.Month())))
		} else {
			d.Num, d.Alt = t.Day(), fmt.Sprintf("%d %s", j.Day, monthName(lang, calSolar, j.Month))
		}
		d.Alt = digits(lang, d.Alt)
		for ei < len(entries) && entries[ei].At.Before(next) {
			if !entries[ei].At.Before(t) {
				d.Entries = append(d.Entries, entries[ei])
			}
			ei++
		}
		if len(d.Entries) > 0 {
			days = append(days, d)
		}
		week = append(week, d)
		if len(week) == 7 {
			weeks = append(weeks, week)
			week = nil
		}
	}
	if len(week) > 0 {
		for len(week) < 7 {
			week = append(week, calDay{})
		}
		weeks = append(weeks, week)
	}
	return heads, weeks, days
}

// Clock writes a time of day in the page's zone and digits.
func (v *view) Clock(t time.Time) string { return digits(v.Lang, t.In(v.loc).Format("15:04")) }

package web

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"engagebot/bot"
	"engagebot/jalali"
)

// The safety queue, the charts and the alerts.

type caseRow struct {
	*bot.Case
	ThreadID string
	DaysLeft int
	Clock    bool
}

type safetyPage struct {
	Open, Decided []caseRow
}

func (s *Server) pageSafety(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	cases, err := s.pageActions().Cases(r.Context(), actor, bot.CaseFilter{})
	if err != nil {
		s.pageError(w, r, actor, err)
		return
	}
	now := s.opts.Now().In(s.loc)
	var d safetyPage
	for _, c := range cases {
		row := caseRow{Case: c, ThreadID: ThreadID(c.Thread)}
		row.DaysLeft, row.Clock = c.DaysLeft(now)
		if c.Status == bot.CaseOpen {
			d.Open = append(d.Open, row)
		} else {
			d.Decided = append(d.Decided, row)
		}
	}
	// The nearest deadline first: a serious case cannot wait.
	slices.SortStableFunc(d.Open, func(a, b caseRow) int {
		if a.Clock != b.Clock {
			if a.Clock {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.DaysLeft, b.DaysLeft)
	})
	slices.Reverse(d.Decided)
	s.render(w, r, actor, http.StatusOK, "safety", "safety", d)
}

// postCase decides a case: confirm, dismiss (with a reason), serious.
func (s *Server) postCase(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	if err != nil {
		back(w, r, "/safety", "", bot.Errorf(bot.EINVALID, "case: a case number"))
		return
	}
	pa, ctx, note := s.pageActions(), r.Context(), strings.TrimSpace(r.FormValue("note"))
	what := r.FormValue("do")
	switch what {
	case "confirm":
		err = pa.ConfirmCase(ctx, actor, id, note)
	case "dismiss":
		err = pa.DismissCase(ctx, actor, id, note)
	case "serious", "not_serious":
		err = pa.MarkSerious(ctx, actor, id, what == "serious", note)
	default:
		err = bot.Errorf(bot.EINVALID, "do: confirm, dismiss, serious or not_serious")
	}
	back(w, r, "/safety", "done_case_"+what, err)
}

// exportCases answers the chosen cases' reports as JSON or CSV, as a
// file to save.
func (s *Server) exportCases(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	var ids []uint64
	for _, v := range r.URL.Query()["id"] {
		id, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			s.pageError(w, r, actor, bot.Errorf(bot.EINVALID, "id: a case number, not %q", v))
			return
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		cases, err := s.pageActions().Cases(r.Context(), actor, bot.CaseFilter{Status: bot.CaseStatus(r.URL.Query().Get("status"))})
		if err != nil {
			s.pageError(w, r, actor, err)
			return
		}
		for _, c := range cases {
			ids = append(ids, c.ID)
		}
	}
	if len(ids) == 0 {
		s.pageError(w, r, actor, bot.Errorf(bot.ENOTFOUND, "no cases to export"))
		return
	}
	reports, err := s.pageActions().ExportCases(r.Context(), actor, ids...)
	if err != nil {
		s.pageError(w, r, actor, err)
		return
	}
	name := "cases-" + s.opts.Now().UTC().Format("20060102-150405")
	var b bytes.Buffer
	if r.URL.Query().Get("format") == "csv" {
		if err := bot.WriteCaseCSV(&b, reports); err != nil {
			s.pageError(w, r, actor, err)
			return
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		name += ".csv"
	} else {
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"reports": reports}); err != nil {
			s.pageError(w, r, actor, err)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		name += ".json"
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Write(b.Bytes())
}

// chartDays and chartHours are the charts' spans.
const (
	chartDays  = 30
	chartHours = 48
	// chartRecords bounds the records read for the tables beside the
	// charts (accounts, topics); the charts themselves come from counts.
	chartRecords = 50_000
)

type chartsPage struct {
	Platform string
	// Account is the account name the charts are limited to ("" for all).
	Account   string
	Platforms []string
	Daily     chart
	Hourly    chart
	Totals    bot.SentimentBucket
	Accounts  []countRow
	Topics    []countRow
	Signals   []countRow
	From, To  string
	Truncated bool
}

type countRow struct {
	Name  string
	Count int
}

func (s *Server) pageCharts(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	platform := r.URL.Query().Get("platform")
	me, err := s.me(r.Context(), actor)
	if err != nil {
		s.pageError(w, r, actor, err)
		return
	}
	lang := me.Lang
	now := s.opts.Now().In(s.loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, s.loc)
	dayFrom, dayTo := today.AddDate(0, 0, -chartDays+1), today.AddDate(0, 0, 1)
	hourTo := now.Truncate(time.Hour).Add(time.Hour)
	hourFrom := hourTo.Add(-chartHours * time.Hour)
	d := chartsPage{Platform: platform, Platforms: platforms,
		From: today.AddDate(0, 0, -6).Format(time.DateOnly), To: today.Format(time.DateOnly)}
	account := strings.TrimSpace(r.URL.Query().Get("account"))
	d.Account = account
	err = s.opts.Data.View(r.Context(), func(tx bot.Tx) error {
		var days, hours []bot.SentimentBucket
		var err error
		if account != "" {
			// The store counts per platform; an account's series is
			// counted here from its records, with people's labels.
			if days, d.Truncated, err = accountSeries(tx, platform, account, dayFrom, dayTo, bot.StepDay); err != nil {
				return err
			}
			if hours, _, err = accountSeries(tx, platform, account, hourFrom, hourTo, bot.StepHour); err != nil {
				return err
			}
		} else {
			if days, err = tx.SentimentSeries(platform, dayFrom, dayTo, bot.StepDay); err != nil {
				return err
			}
			if hours, err = tx.SentimentSeries(platform, hourFrom, hourTo, bot.StepHour); err != nil {
				return err
			}
		}
		d.Totals = bot.SentimentBucket{}
		for _, b := range days {
			d.Totals.Positive += b.Positive
			d.Totals.Neutral += b.Neutral
			d.Totals.Negative += b.Negative
			d.Totals.Volume += b.Volume
		}
		dayLabel, hourLabel := func(t time.Time) string { return t.In(s.loc).Format("Jan 2") }, func(t time.Time) string { return t.In(s.loc).Format("15h") }
		if lang != bot.LangEn {
			// A Persian page names the days in the Solar Hijri calendar.
			dayLabel = func(t time.Time) string {
				j := jalali.FromTime(t.In(s.loc))
				return fmt.Sprintf("%d %s", j.Day, jalali.MonthName(j.Month))
			}
			hourLabel = func(t time.Time) string { return t.In(s.loc).Format("15:00") }
		}
		d.Daily = drawChart(days, dayLabel, 5)
		d.Hourly = drawChart(hours, hourLabel, 6)
		recs, err := tx.SentimentByDay(platform, dayFrom, dayTo, chartRecords)
		if err != nil {
			return err
		}
		d.Truncated = d.Truncated || len(recs) == chartRecords
		accounts, topics, signals := map[string]int{}, map[string]int{}, map[string]int{}
		for _, rec := range recs {
			accounts[bot.AccountKey(rec.Platform, rec.Account)]++
			if rec.Intent != "" {
				topics[rec.Intent]++
			}
			for _, sg := range rec.Signals {
				signals[sg]++
			}
		}
		d.Accounts, d.Topics, d.Signals = top(accounts, 10), top(topics, 10), top(signals, 10)
		return nil
	})
	if err != nil {
		s.pageError(w, r, actor, err)
		return
	}
	s.render(w, r, actor, http.StatusOK, "charts", "charts", d)
}

// accountSeries counts one account's records (account is its name, or
// "<platform>.<name>") per step, counting a message under a person's
// label where there is one, as the store's series does. It reads at most
// chartRecords records and says when there were more.
func accountSeries(tx bot.Tx, platform, account string, from, to time.Time, step bot.Step) ([]bot.SentimentBucket, bool, error) {
	if p, name, ok := strings.Cut(account, "."); ok {
		platform, account = p, name
	}
	recs, err := tx.SentimentByDay(platform, from, to, chartRecords)
	if err != nil {
		return nil, false, err
	}
	var out []bot.SentimentBucket
	for at := from; at.Before(to) && len(out) < bot.MaxSeriesBuckets; at = step.Next(at) {
		out = append(out, bot.SentimentBucket{Start: at})
	}
	labels := map[bot.ThreadKey]map[string]string{} // thread -> message id -> label
	for _, rec := range recs {
		if rec.Account != account {
			continue
		}
		i, _ := slices.BinarySearchFunc(out, rec.At, func(b bot.SentimentBucket, t time.Time) int {
			if b.Start.After(t) {
				return 1
			}
			if !step.Next(b.Start).After(t) {
				return -1
			}
			return 0
		})
		if i >= len(out) {
			continue
		}
		byMsg, ok := labels[rec.Thread]
		if !ok {
			list, err := tx.Labels(rec.Thread)
			if err != nil {
				return nil, false, err
			}
			byMsg = map[string]string{}
			for _, l := range list {
				byMsg[l.MessageID] = l.Label
			}
			labels[rec.Thread] = byMsg
		}
		label := rec.Sentiment.Label
		if l, ok := byMsg[rec.MessageID]; ok && rec.MessageID != "" {
			label = l
		}
		b := &out[i]
		switch label {
		case bot.SentimentPositive:
			b.Positive++
		case bot.SentimentNegative:
			b.Negative++
		default:
			b.Neutral++
		}
		b.Volume++
		b.ScoreSum += rec.Sentiment.Score
	}
	return out, len(recs) == chartRecords, nil
}

func top(m map[string]int, n int) []countRow {
	var out []countRow
	for k, v := range m {
		out = append(out, countRow{k, v})
	}
	slices.SortFunc(out, func(a, b countRow) int { return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Name, b.Name)) })
	return out[:min(n, len(out))]
}

// chart is a stacked bar chart drawn as SVG on the server: no script and
// nothing to vendor, and the same picture in every browser.
type chart struct {
	Width, Height int
	Bars          []bar
	Ticks         []tick
	Max           int
}

type bar struct {
	X, W                        float64
	Pos, Neu, Neg               rect
	Label                       string
	Positive, Neutral, Negative int
	Volume                      int
}

type rect struct{ Y, H float64 }

type tick struct {
	X     float64
	Label string
}

// Chart geometry, in SVG user units.
const (
	chartW, chartH = 720.0, 220.0
	chartTop       = 10.0
	chartBottom    = 24.0
)

func drawChart(buckets []bot.SentimentBucket, label func(time.Time) string, every int) chart {
	c := chart{Width: int(chartW), Height: int(chartH)}
	for _, b := range buckets {
		c.Max = max(c.Max, b.Positive+b.Neutral+b.Negative)
	}
	scale := 0.0
	if c.Max > 0 {
		scale = (chartH - chartTop - chartBottom) / float64(c.Max)
	}
	step := chartW / float64(max(len(buckets), 1))
	base := chartH - chartBottom
	for i, b := range buckets {
		x := float64(i) * step
		neg := float64(b.Negative) * scale
		neu := float64(b.Neutral) * scale
		pos := float64(b.Positive) * scale
		br := bar{X: x + step*0.1, W: step * 0.8, Label: label(b.Start),
			Positive: b.Positive, Neutral: b.Neutral, Negative: b.Negative, Volume: b.Volume,
			Neg: rect{base - neg, neg}, Neu: rect{base - neg - neu, neu}, Pos: rect{base - neg - neu - pos, pos}}
		c.Bars = append(c.Bars, br)
		if i%every == 0 {
			// Kept clear of the edges, where a centred label is cut.
			c.Ticks = append(c.Ticks, tick{X: min(max(x+step/2, 28), chartW-28), Label: br.Label})
		}
	}
	return c
}

// exportSentiment answers a period's daily series as CSV.
func (s *Server) exportSentiment(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	q := r.URL.Query()
	from, err1 := time.ParseInLocation(time.DateOnly, q.Get("from"), s.loc)
	to, err2 := time.ParseInLocation(time.DateOnly, q.Get("to"), s.loc)
	if err1 != nil || err2 != nil || to.Before(from) {
		s.pageError(w, r, actor, bot.Errorf(bot.EINVALID, "from and to: dates as 2026-03-01, from not after to"))
		return
	}
	step, stepName := bot.StepDay, "day"
	if q.Get("step") == "hour" {
		step, stepName = bot.StepHour, "hour"
	}
	platform, account := q.Get("platform"), strings.TrimSpace(q.Get("account"))
	var series []bot.SentimentBucket
	err := s.opts.Data.View(r.Context(), func(tx bot.Tx) (err error) {
		if account != "" {
			series, _, err = accountSeries(tx, platform, account, from, to.AddDate(0, 0, 1), step)
			return err
		}
		series, err = tx.SentimentSeries(platform, from, to.AddDate(0, 0, 1), step)
		return err
	})
	if err != nil {
		s.pageError(w, r, actor, err)
		return
	}
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	cw.Write([]string{stepName, "platform", "positive", "neutral", "negative", "volume", "mean_score"})
	for _, x := range series {
		mean := ""
		if x.Volume > 0 {
			mean = strconv.FormatFloat(x.ScoreSum/float64(x.Volume), 'f', 3, 64)
		}
		cw.Write([]string{x.Start.In(s.loc).Format(time.RFC3339), cmp.Or(account, platform, "all"), strconv.Itoa(x.Positive),
			strconv.Itoa(x.Neutral), strconv.Itoa(x.Negative), strconv.Itoa(x.Volume), mean})
	}
	cw.Flush()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="sentiment-%s-%s.csv"`, from.Format("20060102"), to.Format("20060102")))
	w.Write(b.Bytes())
}

type alertRow struct {
	*bot.Alert
	Links []threadLink
}

type threadLink struct{ ID, Name string }

func (s *Server) pageAlerts(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	alerts, err := s.pageActions().Alerts(r.Context(), actor, bot.AlertFilter{})
	if err != nil {
		s.pageError(w, r, actor, err)
		return
	}
	var rows []alertRow
	for _, a := range slices.Backward(alerts) {
		row := alertRow{Alert: a}
		for _, k := range a.Threads {
			row.Links = append(row.Links, threadLink{ID: ThreadID(k), Name: k.String()})
		}
		rows = append(rows, row)
	}
	s.render(w, r, actor, http.StatusOK, "alerts", "alerts", rows)
}

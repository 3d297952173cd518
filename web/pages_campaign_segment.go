package web

import (
	"cmp"
	"net/http"
	"strconv"
	"strings"
	"time"

	"engagebot/bot"
)

// The segments' pages: the segments with their rules and live counts, a
// form that previews a rule (count and sample) before keeping it, and one
// segment with a sample of the followers it matches, a form to change its
// name and rule, and a delete that asks first. Reads go through the
// segments API in process; changes through SegmentActions, as the API's.

// segmentSample is how many followers a segment's page and a preview
// show; the action shows them only to pr and moderators.
const segmentSample = 10

// ruleForm is a rule as the form's fields hold it, so a refused form
// comes back as it was typed.
type ruleForm struct {
	Name        string
	Platform    string
	Lang        string
	Interests   string
	Trend       string
	Consent     string
	OpenCase    string
	MinMessages string
	MaxMessages string
	MinMood     string
	MaxMood     string
	Within      string
	Inactive    string
}

func readRuleForm(r *http.Request) ruleForm {
	f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return ruleForm{Name: f("name"), Platform: f("platform"), Lang: f("lang"), Interests: f("interests"), Trend: f("trend"),
		Consent: f("consent"), OpenCase: f("open_case"), MinMessages: f("min_messages"), MaxMessages: f("max_messages"),
		MinMood: f("min_mood"), MaxMood: f("max_mood"), Within: f("last_contact_within"), Inactive: f("inactive_for")}
}

// formOf is a kept segment as the form's fields hold it, so the edit form
// opens with the segment as it is.
func formOf(name string, r bot.Rule) ruleForm {
	f := ruleForm{Name: name, Platform: r.Platform, Lang: r.Lang, Interests: strings.Join(r.Interests, ", "), Trend: r.Trend,
		Within: formSpan(r.LastContactWithin), Inactive: formSpan(r.InactiveFor)}
	if r.Consent != nil {
		f.Consent = string(*r.Consent)
	}
	if r.OpenCase != nil {
		f.OpenCase = map[bool]string{true: "yes", false: "no"}[*r.OpenCase]
	}
	if r.MinMessages > 0 {
		f.MinMessages = strconv.Itoa(r.MinMessages)
	}
	if r.MaxMessages > 0 {
		f.MaxMessages = strconv.Itoa(r.MaxMessages)
	}
	if r.MinMood != nil {
		f.MinMood = strconv.FormatFloat(*r.MinMood, 'f', -1, 64)
	}
	if r.MaxMood != nil {
		f.MaxMood = strconv.FormatFloat(*r.MaxMood, 'f', -1, 64)
	}
	return f
}

// formSpan writes a rule's duration as the form reads it back: "30d",
// "72h", else Go's form; empty for none.
func formSpan(d bot.Duration) string {
	t := time.Duration(d)
	switch {
	case t <= 0:
		return ""
	case t%(24*time.Hour) == 0:
		return strconv.Itoa(int(t/(24*time.Hour))) + "d"
	case t%time.Hour == 0:
		return strconv.Itoa(int(t/time.Hour)) + "h"
	}
	return t.String()
}

// rule reads the form's rule, naming the field at fault.
func (f ruleForm) rule() (bot.Rule, error) {
	r := bot.Rule{Platform: f.Platform, Lang: f.Lang, Trend: f.Trend, Interests: splitList(f.Interests)}
	if f.Consent != "" {
		c := bot.Consent(f.Consent)
		r.Consent = &c
	}
	switch f.OpenCase {
	case "":
	case "yes", "no":
		open := f.OpenCase == "yes"
		r.OpenCase = &open
	default:
		return r, bot.Errorf(bot.EINVALID, "open_case: yes, no or empty")
	}
	var err error
	if r.MinMessages, err = formCount("min_messages", f.MinMessages); err != nil {
		return r, err
	}
	if r.MaxMessages, err = formCount("max_messages", f.MaxMessages); err != nil {
		return r, err
	}
	if r.MinMood, err = formMood("min_mood", f.MinMood); err != nil {
		return r, err
	}
	if r.MaxMood, err = formMood("max_mood", f.MaxMood); err != nil {
		return r, err
	}
	for _, d := range []struct {
		field, v string
		to       *bot.Duration
	}{{"last_contact_within", f.Within, &r.LastContactWithin}, {"inactive_for", f.Inactive, &r.InactiveFor}} {
		if d.v == "" {
			continue
		}
		v, err := bot.ParseDuration(d.v)
		if err != nil {
			return r, bot.Errorf(bot.EINVALID, "%s: %s", d.field, bot.ErrorMessage(err))
		}
		*d.to = bot.Duration(v)
	}
	return r, r.Validate()
}

// formCount reads a form's whole number; empty is 0.
func formCount(field, v string) (int, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, bot.Errorf(bot.EINVALID, "%s: a whole number from 0, got %q", field, v)
	}
	return n, nil
}

// formMood reads a form's mood bound, a number in [-1, 1] (a Persian
// decimal point too); empty is none.
func formMood(field, v string) (*float64, error) {
	if v == "" {
		return nil, nil
	}
	n, err := strconv.ParseFloat(strings.ReplaceAll(v, "٫", "."), 64)
	if err != nil || n < -1 || n > 1 {
		return nil, bot.Errorf(bot.EINVALID, "%s: a number from -1 to 1, got %q", field, v)
	}
	return &n, nil
}

// splitList splits a field written as a list: by commas (Latin or
// Persian) or new lines, without empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '،' || r == '\n' || r == '\r' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// segmentsPage is what the segments' template gets.
type segmentsPage struct {
	Segments  []segmentView
	Form      ruleForm
	Platforms []string
	// Preview is a rule counted without being kept, when asked.
	Preview *segmentView
}

func (s *Server) pageSegments(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	s.showSegments(w, r, actor, http.StatusOK, ruleForm{}, nil, nil)
}

// showSegments draws the segments' page with the form as given, a
// preview, or the problem of the form.
func (s *Server) showSegments(w http.ResponseWriter, r *http.Request, actor bot.Actor, status int, f ruleForm, preview *segmentView, problem error) {
	var list struct {
		Segments []segmentView `json:"segments"`
	}
	if err := s.callAPI(r, actor, s.handleSegments, "/api/v1/segments", nil, &list); err != nil {
		s.pageError(w, r, actor, err)
		return
	}
	d := segmentsPage{Segments: list.Segments, Form: f, Platforms: platforms, Preview: preview}
	s.renderProblem(w, r, actor, status, "segments", "segments", d, problem)
}

// postSegment creates a segment from the form and shows it.
func (s *Server) postSegment(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	f := readRuleForm(r)
	sa, err := s.segments()
	if err != nil {
		s.showSegments(w, r, actor, ErrorStatus(err), f, nil, err)
		return
	}
	rule, err := f.rule()
	if err == nil {
		var v bot.SegmentView
		if v, err = sa.CreateSegment(r.Context(), actor, &bot.Segment{Name: f.Name, Rule: rule}); err == nil {
			back(w, r, "/segments/"+v.ID, "done_segment_create", nil)
			return
		}
	}
	s.logPageError("segment.create", err)
	s.showSegments(w, r, actor, ErrorStatus(err), f, nil, err)
}

// postSegmentPreview counts the form's rule, with a sample, keeping
// nothing, and shows the form again beside the figures.
func (s *Server) postSegmentPreview(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	f := readRuleForm(r)
	sa, err := s.segments()
	if err != nil {
		s.showSegments(w, r, actor, ErrorStatus(err), f, nil, err)
		return
	}
	rule, err := f.rule()
	if err == nil {
		var c bot.SegmentCount
		if c, err = sa.PreviewSegment(r.Context(), actor, rule, segmentSample); err == nil {
			p := &segmentView{Rule: rule, Count: c.Count}
			for _, fl := range c.Sample {
				p.Sample = append(p.Sample, profileOf(fl))
			}
			s.showSegments(w, r, actor, http.StatusOK, f, p, nil)
			return
		}
	}
	s.logPageError("segment.preview", err)
	s.showSegments(w, r, actor, ErrorStatus(err), f, nil, err)
}

// postSegmentDelete deletes a segment and goes to the segments; a refusal
// (a campaign still targets it) goes back to the page it came from
// (the form's back), to say why there.
func (s *Server) postSegmentDelete(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	sa, err := s.segments()
	if err == nil {
		err = sa.DeleteSegment(r.Context(), actor, r.PathValue("id"))
	}
	s.logPageError("segment.delete", err)
	to := "/segments"
	if err != nil {
		to = cmp.Or(r.PostFormValue("back"), to)
	}
	back(w, r, to, "done_segment_delete", err)
}

// segmentPage is what the segment's template gets: the segment as the
// API answers it and, for pr, the edit form.
type segmentPage struct {
	segmentView
	Form      ruleForm
	Platforms []string
}

func (s *Server) pageSegment(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	s.showSegment(w, r, actor, http.StatusOK, nil, nil)
}

// showSegment draws a segment's page, its edit form holding the segment
// as kept, or f as typed when a change was refused for problem.
func (s *Server) showSegment(w http.ResponseWriter, r *http.Request, actor bot.Actor, status int, f *ruleForm, problem error) {
	id := r.PathValue("id")
	var seg segmentView
	path := "/api/v1/segments/" + id + "?sample=" + strconv.Itoa(segmentSample)
	if err := s.callAPI(r, actor, s.handleSegment, path, map[string]string{"id": id}, &seg); err != nil {
		s.pageError(w, r, actor, err)
		return
	}
	d := segmentPage{segmentView: seg, Form: formOf(seg.Name, seg.Rule), Platforms: platforms}
	if f != nil {
		d.Form = *f
	}
	s.renderProblem(w, r, actor, status, "segment", "segment", d, problem)
}

// postSegmentEdit changes a segment's name and rule from the edit form
// and shows it; a refused form comes back as typed with its problem.
func (s *Server) postSegmentEdit(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	id := r.PathValue("id")
	f := readRuleForm(r)
	sa, err := s.segments()
	if err == nil {
		var rule bot.Rule
		if rule, err = f.rule(); err == nil {
			if _, err = sa.EditSegment(r.Context(), actor, id, f.Name, rule); err == nil {
				back(w, r, "/segments/"+id, "done_segment_edit", nil)
				return
			}
		}
	}
	s.logPageError("segment.edit", err)
	if bot.ErrorCode(err) == bot.ENOTFOUND {
		s.pageError(w, r, actor, err)
		return
	}
	s.showSegment(w, r, actor, ErrorStatus(err), &f, err)
}

// renderProblem is render with the problem of a refused form said on the
// page, rather than through a redirect that would lose what was typed.
func (s *Server) renderProblem(w http.ResponseWriter, r *http.Request, actor bot.Actor, status int, page, title string, data any, problem error) {
	me, err := s.me(r.Context(), actor)
	if err != nil {
		s.log.Error("page", "page", page, "err", err)
		me = meView{Name: actor.Name, Roles: actor.Roles, Lang: bot.LangFa}
	}
	v := &view{Me: me, Lang: cmp.Or(me.Lang, bot.LangFa), Title: title, Data: data}
	if problem != nil {
		v.Problem = bot.ErrorMessage(problem)
	}
	s.renderView(w, r, status, page, v, actor)
}

// logPageError logs what a button met that was not the person's mistake.
func (s *Server) logPageError(action string, err error) {
	if err != nil && ErrorStatus(err) >= 500 {
		s.log.Error("page action", "action", action, "err", err)
	}
}

// ruleTerm is one condition of a rule as a page shows it: a label and
// its value, which is left to right (an id, a duration) when LTR.
type ruleTerm struct {
	Label, Value string
	LTR          bool
}

// Terms writes a rule as its conditions, in the page's language; an empty
// rule is everyone.
func (v *view) Terms(r bot.Rule) []ruleTerm {
	var out []ruleTerm
	add := func(label, value string, ltr bool) { out = append(out, ruleTerm{v.Tr(label), value, ltr}) }
	if r.Platform != "" {
		add("platform", r.Platform, true)
	}
	if r.Lang != "" {
		add("lang", v.Tr("lang_"+r.Lang), false)
	}
	if len(r.Interests) > 0 {
		add("interests", strings.Join(r.Interests, v.Tr("list_sep")), false)
	}
	if r.Trend != "" {
		add("trend", v.Tr("trend_"+r.Trend), false)
	}
	if r.MinMood != nil {
		add("min_mood", v.Num(strconv.FormatFloat(*r.MinMood, 'f', -1, 64)), false)
	}
	if r.MaxMood != nil {
		add("max_mood", v.Num(strconv.FormatFloat(*r.MaxMood, 'f', -1, 64)), false)
	}
	if r.MinMessages > 0 {
		add("min_messages", v.Num(r.MinMessages), false)
	}
	if r.MaxMessages > 0 {
		add("max_messages", v.Num(r.MaxMessages), false)
	}
	if r.LastContactWithin > 0 {
		add("last_contact_within", v.Span(r.LastContactWithin), false)
	}
	if r.InactiveFor > 0 {
		add("inactive_for", v.Span(r.InactiveFor), false)
	}
	if r.Consent != nil {
		add("consent", v.Tr("consent_"+string(*r.Consent)), false)
	}
	if r.OpenCase != nil {
		add("open_case", v.Tr(map[bool]string{true: "opt_yes", false: "opt_no"}[*r.OpenCase]), false)
	}
	return out
}

// Span writes a rule's duration in days or hours, in the page's digits.
func (v *view) Span(d bot.Duration) string {
	t := time.Duration(d)
	if t%(24*time.Hour) == 0 {
		return v.Num(int(t/(24*time.Hour))) + " " + v.Tr("days")
	}
	if t%time.Hour == 0 {
		return v.Num(int(t/time.Hour)) + " " + v.Tr("hours")
	}
	return v.Num(t.String())
}

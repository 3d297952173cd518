package web

import (
	"cmp"
	"context"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"engagebot/bot"
	"engagebot/jalali"
)

// The campaigns' pages: the campaigns with their progress, a form to
// write one, and one campaign with its progress (which the page keeps up
// to date while it runs), its variants compared, its survey's answers,
// a dry run and the buttons that drive it. Reads go through the
// campaigns API in process, so a page shows what the API answers;
// buttons call CampaignActions, as the API's routes do, so the audit log
// shows a press as it shows an API call.

// campaignPageRoutes are the campaigns' and segments' pages: anyone
// signed in sees them (as the API's GET routes); pr writes and drives.
func (s *Server) campaignPageRoutes() []Route {
	pr := []bot.Role{bot.RolePR}
	page := s.pageRoute
	return []Route{
		page("GET", "/segments", anyRole, s.pageSegments),
		page("POST", "/segments", pr, s.postSegment),
		page("POST", "/segments/preview", pr, s.postSegmentPreview),
		page("GET", "/segments/{id}", anyRole, s.pageSegment),
		page("POST", "/segments/{id}/delete", pr, s.postSegmentDelete),
		page("POST", "/segments/{id}/edit", pr, s.postSegmentEdit),
		page("GET", "/campaigns", anyRole, s.pageCampaigns),
		page("POST", "/campaigns", pr, s.postCampaignCreate),
		page("GET", "/campaigns/{id}", anyRole, s.pageCampaign),
		page("POST", "/campaigns/{id}/dry-run", pr, s.postCampaignDryRun),
		page("POST", "/campaigns/{id}/start", pr, s.postCampaign("start")),
		page("POST", "/campaigns/{id}/pause", pr, s.postCampaign("pause")),
		page("POST", "/campaigns/{id}/resume", pr, s.postCampaign("resume")),
		page("POST", "/campaigns/{id}/cancel", pr, s.postCampaign("cancel")),
	}
}

// campaignButtons are a campaign's buttons in each state, as the
// campaigns' actions allow them: a draft is tried and started, a running
// one paused, a paused one resumed, and any of them cancelled. A done or
// cancelled campaign has none.
var campaignButtons = map[bot.CampaignState][]string{
	bot.CampaignDraft:   {"dry_run", "start", "cancel"},
	bot.CampaignRunning: {"pause", "cancel"},
	bot.CampaignPaused:  {"resume", "cancel"},
}

// dryRunSize is how many followers a dry run shows.
const dryRunSize = 5

// barPart is one stretch of a progress bar, in percent of its width.
type barPart struct {
	Kind string
	N    int
	X, W float64
}

// progressBar lays out sent, failed, pending and skipped side by side
// over the recipients targeted.
func progressBar(p bot.Progress) []barPart {
	skipped := skippedTotal(p)
	parts := []barPart{{Kind: "sent", N: p.Sent}, {Kind: "failed", N: p.Failed}, {Kind: "pending", N: p.Pending}, {Kind: "skipped", N: skipped}}
	total := max(p.Targeted, p.Sent+p.Failed+p.Pending+skipped)
	x := 0.0
	for i := range parts {
		parts[i].X = x
		if total > 0 {
			parts[i].W = 100 * float64(parts[i].N) / float64(total)
		}
		x += parts[i].W
	}
	return parts
}

func skippedTotal(p bot.Progress) int {
	n := 0
	for _, c := range p.Skipped {
		n += c
	}
	return n
}

// campaignRow is a campaign of the list.
type campaignRow struct {
	campaignView
	Bar     []barPart
	Skipped int
}

// campaignForm is a campaign as the form's fields hold it, so a refused
// form comes back as it was typed.
type campaignForm struct {
	Name, Kind, Segment string
	// Picked are the configured accounts ticked; Accounts the accounts
	// typed, when the server does not list them.
	Picked   map[string]bool
	Accounts string
	Text     string
	// TextB is a second variant's text: with it the campaign is an A/B
	// test of Text (A) and TextB (B).
	TextB                          string
	Window                         string
	Question, Options              string
	Title, At, Place, Link, Remind string
}

func readCampaignForm(r *http.Request) campaignForm {
	_ = r.ParseForm() // a form that cannot be read is an empty one, refused as such
	f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	picked := map[string]bool{}
	for _, a := range r.PostForm["account"] {
		if a = strings.TrimSpace(a); a != "" {
			picked[a] = true
		}
	}
	return campaignForm{Name: f("name"), Kind: f("kind"), Segment: f("segment"), Picked: picked, Accounts: f("accounts"),
		Text: f("text"), TextB: f("text_b"), Window: f("window"), Question: f("question"), Options: f("options"),
		Title: f("title"), At: f("at"), Place: f("place"), Link: f("link"), Remind: f("remind")}
}

// campaign reads the form's campaign; the action checks the rest.
func (f campaignForm) campaign(loc *time.Location) (*bot.Campaign, error) {
	c := &bot.Campaign{Name: f.Name, Kind: bot.CampaignKind(cmp.Or(f.Kind, string(bot.CampaignMessage))), Segment: f.Segment,
		Window: cmp.Or(f.Window, bot.DefaultWindow)}
	c.Accounts = slices.Sorted(maps.Keys(f.Picked))
	for _, a := range strings.FieldsFunc(f.Accounts, func(r rune) bool { return r == ',' || r == '،' || r == ' ' || r == '\n' || r == '\r' }) {
		if !slices.Contains(c.Accounts, a) {
			c.Accounts = append(c.Accounts, a)
		}
	}
	if f.TextB != "" {
		c.Variants = []bot.Variant{{Name: "A", Text: f.Text}, {Name: "B", Text: f.TextB}}
	} else {
		c.Text = f.Text
	}
	switch c.Kind {
	case bot.CampaignSurvey:
		var opts []string
		for _, o := range strings.Split(f.Options, "\n") {
			if o = strings.TrimSpace(o); o != "" {
				opts = append(opts, o)
			}
		}
		c.Survey = &bot.Survey{Question: f.Question, Options: opts}
	case bot.CampaignEvent:
		ev := &bot.CampaignEventInfo{Title: f.Title, Place: f.Place, Link: f.Link}
		if f.At != "" {
			at, err := jalali.ParseDateTime(f.At, loc)
			if err != nil {
				return nil, bot.Errorf(bot.EINVALID, "event.at: %v", err)
			}
			ev.At = at
		}
		if f.Remind != "" {
			d, err := bot.ParseDuration(f.Remind)
			if err != nil {
				return nil, bot.Errorf(bot.EINVALID, "event.remind: %s", bot.ErrorMessage(err))
			}
			ev.Remind = bot.Duration(d)
		}
		if f.Link != "" {
			if u, err := url.Parse(f.Link); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				return nil, bot.Errorf(bot.EINVALID, "event.link: an http or https link, got %q", f.Link)
			}
		}
		c.Event = ev
	}
	return c, nil
}

// campaignsPage is what the campaigns' template gets.
type campaignsPage struct {
	Campaigns []campaignRow
	// Segments are those a new campaign may go to; Accounts the
	// configured accounts (none: the form asks for them as text).
	Segments []segmentView
	Accounts []string
	Kinds    []bot.CampaignKind
	Form     campaignForm
}

func (s *Server) pageCampaigns(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	s.showCampaigns(w, r, actor, http.StatusOK, campaignForm{Kind: string(bot.CampaignMessage), Window: bot.DefaultWindow}, nil)
}

func (s *Server) showCampaigns(w http.ResponseWriter, r *http.Request, actor bot.Actor, status int, f campaignForm, problem error) {
	var list struct {
		Campaigns []campaignView `json:"campaigns"`
	}
	if err := s.callAPI(r, actor, s.handleCampaigns, "/api/v1/campaigns", nil, &list); err != nil {
		s.pageError(w, r, actor, err)
		return
	}
	d := campaignsPage{Form: f, Kinds: []bot.CampaignKind{bot.CampaignMessage, bot.CampaignSurvey, bot.CampaignEvent}}
	for _, c := range list.Campaigns {
		d.Campaigns = append(d.Campaigns, campaignRow{campaignView: c, Bar: progressBar(c.Progress), Skipped: skippedTotal(c.Progress)})
	}
	// Newest first.
	slices.SortStableFunc(d.Campaigns, func(a, b campaignRow) int { return b.Created.Compare(a.Created) })
	if actor.Can(bot.RolePR) {
		// Only the form needs them; each segment is counted.
		var segs struct {
			Segments []segmentView `json:"segments"`
		}
		if err := s.callAPI(r, actor, s.handleSegments, "/api/v1/segments", nil, &segs); err == nil {
			d.Segments = segs.Segments
		}
		d.Accounts = s.accountKeys()
	}
	s.renderProblem(w, r, actor, status, "campaigns", "campaigns", d, problem)
}

// accountKeys are the configured accounts ("telegram.support").
func (s *Server) accountKeys() []string {
	if s.opts.Engine == nil {
		return nil
	}
	var out []string
	for _, a := range s.opts.Engine.Accounts() {
		out = append(out, a.Account)
	}
	slices.Sort(out)
	return out
}

func (s *Server) postCampaignCreate(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	f := readCampaignForm(r)
	ca, err := s.campaigns()
	if err == nil {
		var c *bot.Campaign
		if c, err = f.campaign(s.loc); err == nil {
			if c, err = ca.CreateCampaign(r.Context(), actor, c); err == nil {
				back(w, r, "/campaigns/"+url.PathEscape(c.ID), "done_campaign_create", nil)
				return
			}
		}
	}
	s.logPageError("campaign.create", err)
	s.showCampaigns(w, r, actor, ErrorStatus(err), f, err)
}

// campaignPage is what a campaign's template gets.
type campaignPage struct {
	C       campaignView
	Bar     []barPart
	Skipped int
	// Skips are the skipped by reason, the most first.
	Skips    []skipCount
	Variants []variantRow
	Answers  []answerRow
	Answered int
	// Buttons are those of the campaign's state.
	Buttons []string
	// Live is true while the numbers can change: the page asks API for
	// them every few seconds.
	Live bool
	API  string
	// DryRun is what sample followers would receive, when asked.
	DryRun *[]bot.DryRunItem
}

type skipCount struct {
	Reason string
	N      int
}

type variantRow struct {
	Name string
	*bot.VariantStats
}

type answerRow struct {
	Option string
	Count  int
}

func (s *Server) pageCampaign(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	s.showCampaign(w, r, actor, nil)
}

func (s *Server) showCampaign(w http.ResponseWriter, r *http.Request, actor bot.Actor, dry *[]bot.DryRunItem) {
	id := r.PathValue("id")
	api := "/api/v1/campaigns/" + url.PathEscape(id)
	var c campaignView
	if err := s.callAPI(r, actor, s.handleCampaign, api, map[string]string{"id": id}, &c); err != nil {
		s.pageError(w, r, actor, err)
		return
	}
	d := campaignPage{C: c, Bar: progressBar(c.Progress), Skipped: skippedTotal(c.Progress), Buttons: campaignButtons[c.State],
		Live: c.State == bot.CampaignRunning || c.State == bot.CampaignPaused, API: api, DryRun: dry}
	for reason, n := range c.Progress.Skipped {
		d.Skips = append(d.Skips, skipCount{reason, n})
	}
	slices.SortFunc(d.Skips, func(a, b skipCount) int { return cmp.Or(cmp.Compare(b.N, a.N), strings.Compare(a.Reason, b.Reason)) })
	for _, name := range slices.Sorted(maps.Keys(c.Stats)) {
		d.Variants = append(d.Variants, variantRow{name, c.Stats[name]})
	}
	for _, a := range c.Answers {
		d.Answers = append(d.Answers, answerRow{a.Option, a.Count})
		d.Answered += a.Count
	}
	s.render(w, r, actor, http.StatusOK, "campaign", "campaign", d)
}

// postCampaignDryRun shows, on the campaign's page, what the first
// followers of its segment would receive; nothing is sent or kept.
func (s *Server) postCampaignDryRun(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	ca, err := s.campaigns()
	var items []bot.DryRunItem
	if err == nil {
		items, err = ca.DryRunCampaign(r.Context(), actor, r.PathValue("id"), dryRunSize)
	}
	if err != nil {
		s.logPageError("campaign.dry_run", err)
		back(w, r, "/campaigns/"+url.PathEscape(r.PathValue("id")), "", err)
		return
	}
	s.showCampaign(w, r, actor, &items)
}

// postCampaign serves a campaign's Start, Pause, Resume and Cancel.
func (s *Server) postCampaign(what string) func(http.ResponseWriter, *http.Request, bot.Actor) {
	moves := map[string]func(CampaignActions, context.Context, bot.Actor, string) (*bot.Campaign, error){
		"start":  CampaignActions.StartCampaign,
		"pause":  CampaignActions.PauseCampaign,
		"resume": CampaignActions.ResumeCampaign,
		"cancel": CampaignActions.CancelCampaign,
	}
	move := moves[what]
	return func(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
		id := r.PathValue("id")
		ca, err := s.campaigns()
		if err == nil {
			_, err = move(ca, r.Context(), actor, id)
		}
		s.logPageError("campaign."+what, err)
		back(w, r, "/campaigns/"+url.PathEscape(id), "done_campaign_"+what, err)
	}
}

// SkipLabel writes a skip reason in the page's language; a reason with
// a detail ("render_failed: ...") keeps its detail.
func (v *view) SkipLabel(reason string) string {
	code, detail, ok := strings.Cut(reason, ":")
	label := v.Tr("skip_" + strings.TrimSpace(code))
	if ok {
		return label + ":" + detail
	}
	return label
}

// Score writes a figure such as a mean sentiment with two decimals, in
// the page's digits and decimal separator.
func (v *view) Score(f float64) string {
	n := strconv.FormatFloat(f, 'f', 2, 64)
	if v.Lang == bot.LangEn {
		return n
	}
	return digits(v.Lang, strings.Replace(n, ".", "٫", 1))
}

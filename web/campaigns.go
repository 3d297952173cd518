package web

import (
	"context"
	"encoding/csv"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"time"

	"engagebot/bot"
)

// CampaignActions are the campaigns' actions the API offers; *bot.Actions
// is one. The server finds them on Options.Actions.
type CampaignActions interface {
	Campaigns(ctx context.Context, actor bot.Actor) ([]*bot.Campaign, error)
	Campaign(ctx context.Context, actor bot.Actor, id string) (*bot.Campaign, error)
	CreateCampaign(ctx context.Context, actor bot.Actor, c *bot.Campaign) (*bot.Campaign, error)
	StartCampaign(ctx context.Context, actor bot.Actor, id string) (*bot.Campaign, error)
	DryRunCampaign(ctx context.Context, actor bot.Actor, id string, n int) ([]bot.DryRunItem, error)
	PauseCampaign(ctx context.Context, actor bot.Actor, id string) (*bot.Campaign, error)
	ResumeCampaign(ctx context.Context, actor bot.Actor, id string) (*bot.Campaign, error)
	CancelCampaign(ctx context.Context, actor bot.Actor, id string) (*bot.Campaign, error)
	CampaignRecipients(ctx context.Context, actor bot.Actor, id string, f bot.RecipientFilter) ([]bot.RecipientView, error)
	AskCSAT(ctx context.Context, actor bot.Actor, k bot.ThreadKey) error
}

// campaignRoutes are the campaigns' rows of the API's route table.
func (s *Server) campaignRoutes() []Route {
	pr := []bot.Role{bot.RolePR}
	move := func(do func(CampaignActions, context.Context, bot.Actor, string) (*bot.Campaign, error)) func(http.ResponseWriter, *http.Request, bot.Actor) {
		return func(w http.ResponseWriter, r *http.Request, a bot.Actor) {
			ca, err := s.campaigns()
			if err == nil {
				var c *bot.Campaign
				if c, err = do(ca, r.Context(), a, r.PathValue("id")); err == nil {
					writeJSON(w, http.StatusOK, viewCampaign(c))
					return
				}
			}
			s.apiError(w, r, err)
		}
	}
	return []Route{
		{Method: "GET", Pattern: "/api/v1/campaigns", Roles: anyRole, Handle: s.handleCampaigns, Doc: docCampaigns},
		{Method: "POST", Pattern: "/api/v1/campaigns", Roles: pr, Handle: s.handleCreateCampaign(), Doc: docCreateCampaign},
		{Method: "GET", Pattern: "/api/v1/campaigns/{id}", Roles: anyRole, Handle: s.handleCampaign, Doc: docCampaign},
		{Method: "POST", Pattern: "/api/v1/campaigns/{id}/start", Roles: pr, Handle: s.handleStartCampaign, Doc: docStartCampaign},
		{Method: "POST", Pattern: "/api/v1/campaigns/{id}/pause", Roles: pr, Handle: move(CampaignActions.PauseCampaign), Doc: docPauseCampaign},
		{Method: "POST", Pattern: "/api/v1/campaigns/{id}/resume", Roles: pr, Handle: move(CampaignActions.ResumeCampaign), Doc: docResumeCampaign},
		{Method: "POST", Pattern: "/api/v1/campaigns/{id}/cancel", Roles: pr, Handle: move(CampaignActions.CancelCampaign), Doc: docCancelCampaign},
		{Method: "GET", Pattern: "/api/v1/campaigns/{id}/recipients", Roles: pr, Handle: s.handleRecipients, Doc: docRecipients},
		{Method: "POST", Pattern: "/api/v1/threads/{id}/csat", Roles: []bot.Role{bot.RoleModerator, bot.RoleSafety}, Handle: s.threadAction(s.askCSAT), Doc: docAskCSAT},
	}
}

func (s *Server) campaigns() (CampaignActions, error) {
	ca, ok := s.opts.Actions.(CampaignActions)
	if !ok {
		return nil, bot.Errorf(bot.EUNAVAILABLE, "campaigns are not set up")
	}
	return ca, nil
}

// campaignBody is a campaign as the API takes it.
type campaignBody struct {
	Name     string                 `json:"name"`
	Kind     bot.CampaignKind       `json:"kind"`
	Segment  string                 `json:"segment"`
	Accounts []string               `json:"accounts"`
	Text     string                 `json:"text"`
	Template string                 `json:"template"`
	Variants []bot.Variant          `json:"variants"`
	Window   string                 `json:"window"`
	Survey   *bot.Survey            `json:"survey"`
	Event    *bot.CampaignEventInfo `json:"event"`
	Data     map[string]string      `json:"data"`
	// Question and Options are a survey written flat.
	Question string   `json:"question"`
	Options  []string `json:"options"`
}

// campaignView is a campaign as the API answers it.
type campaignView struct {
	ID       string                       `json:"id"`
	Name     string                       `json:"name"`
	Kind     bot.CampaignKind             `json:"kind"`
	State    bot.CampaignState            `json:"state"`
	Segment  string                       `json:"segment"`
	Rule     *bot.Rule                    `json:"rule,omitempty"`
	Accounts []string                     `json:"accounts"`
	Text     string                       `json:"text,omitempty"`
	Template string                       `json:"template,omitempty"`
	Variants []bot.Variant                `json:"variants,omitempty"`
	Window   string                       `json:"window"`
	Survey   *bot.Survey                  `json:"survey,omitempty"`
	Event    *bot.CampaignEventInfo       `json:"event,omitempty"`
	Progress bot.Progress                 `json:"progress"`
	Listed   bool                         `json:"listed"`
	Stats    map[string]*bot.VariantStats `json:"variants_compared,omitempty"`
	Answers  []answerCount                `json:"answers,omitempty"`
	Author   string                       `json:"author"`
	Created  time.Time                    `json:"created"`
	Updated  time.Time                    `json:"updated"`
	Started  time.Time                    `json:"started,omitzero"`
	Finished time.Time                    `json:"finished,omitzero"`
}

// answerCount is one option of a survey with how many chose it.
type answerCount struct {
	Option string `json:"option"`
	Count  int    `json:"count"`
}

func viewCampaign(c *bot.Campaign) campaignView {
	v := campaignView{ID: c.ID, Name: c.Name, Kind: c.Kind, State: c.State, Segment: c.Segment, Accounts: c.Accounts,
		Text: c.Text, Template: c.Template, Variants: c.Variants, Window: c.Window, Survey: c.Survey, Event: c.Event,
		Progress: c.Progress, Listed: c.Listed, Stats: c.Stats, Author: c.Author, Created: c.Created, Updated: c.Updated,
		Started: c.Started, Finished: c.Finished}
	if c.State != bot.CampaignDraft {
		v.Rule = &c.Rule
	}
	if v.Progress.Skipped == nil {
		v.Progress.Skipped = map[string]int{}
	}
	for i, o := range c.Options() {
		n := 0
		if i < len(c.Answers) {
			n = c.Answers[i]
		}
		v.Answers = append(v.Answers, answerCount{Option: o, Count: n})
	}
	return v
}

func (s *Server) handleCampaigns(w http.ResponseWriter, r *http.Request, a bot.Actor) {
	ca, err := s.campaigns()
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	list, err := ca.Campaigns(r.Context(), a)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := make([]campaignView, 0, len(list))
	for _, c := range list {
		out = append(out, viewCampaign(c))
	}
	writeJSON(w, http.StatusOK, map[string]any{"campaigns": out})
}

func (s *Server) handleCampaign(w http.ResponseWriter, r *http.Request, a bot.Actor) {
	ca, err := s.campaigns()
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	c, err := ca.Campaign(r.Context(), a, r.PathValue("id"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, viewCampaign(c))
}

func (s *Server) handleCreateCampaign() func(http.ResponseWriter, *http.Request, bot.Actor) {
	return withBody(s, http.StatusCreated, func(r *http.Request, a bot.Actor, b campaignBody) (any, error) {
		ca, err := s.campaigns()
		if err != nil {
			return nil, err
		}
		c := &bot.Campaign{Name: b.Name, Kind: b.Kind, Segment: b.Segment, Accounts: b.Accounts, Text: b.Text,
			Template: b.Template, Variants: b.Variants, Window: b.Window, Survey: b.Survey, Event: b.Event, Data: b.Data}
		if b.Question != "" || len(b.Options) > 0 {
			if c.Survey != nil {
				return nil, bot.Errorf(bot.EINVALID, "question, options: give the survey once, flat or as survey")
			}
			c.Survey = &bot.Survey{Question: b.Question, Options: b.Options}
		}
		if c, err = ca.CreateCampaign(r.Context(), a, c); err != nil {
			return nil, err
		}
		return viewCampaign(c), nil
	})
}

// maxDryRun bounds ?dry_run=N.
const maxDryRun = 100

func (s *Server) handleStartCampaign(w http.ResponseWriter, r *http.Request, a bot.Actor) {
	ca, err := s.campaigns()
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	id := r.PathValue("id")
	if q := r.URL.Query().Get("dry_run"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > maxDryRun {
			Error(w, r, bot.Errorf(bot.EINVALID, "dry_run: want 1-%d followers, got %q", maxDryRun, q))
			return
		}
		items, err := ca.DryRunCampaign(r.Context(), a, id, n)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"dry_run": nonNil(items)})
		return
	}
	c, err := ca.StartCampaign(r.Context(), a, id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, viewCampaign(c))
}

// handleRecipients lists a campaign's recipients, or exports them as CSV
// (?format=csv): ?answer=1 is the list of an event's attendees.
func (s *Server) handleRecipients(w http.ResponseWriter, r *http.Request, a bot.Actor) {
	ca, err := s.campaigns()
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	q := r.URL.Query()
	f := bot.RecipientFilter{State: bot.RecipientState(q.Get("state"))}
	if v := q.Get("answer"); v != "" {
		if f.Answer, err = strconv.Atoi(v); err != nil || f.Answer < 1 {
			Error(w, r, bot.Errorf(bot.EINVALID, "answer: the option's number from 1, got %q", v))
			return
		}
	}
	list, err := ca.CampaignRecipients(r.Context(), a, r.PathValue("id"), f)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if q.Get("format") != "csv" {
		writeJSON(w, http.StatusOK, map[string]any{"recipients": nonNil(list)})
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="campaign-`+r.PathValue("id")+`.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"platform", "user_id", "name", "username", "state", "reason", "variant", "answer", "answered_at", "sent_at"})
	for _, v := range list {
		ans := ""
		if v.Answer > 0 {
			ans = strconv.Itoa(v.Answer)
		}
		_ = cw.Write([]string{v.Follower.Platform, v.Follower.UserID, csvSafe(v.Name), csvSafe(v.Username), string(v.State), v.Reason,
			v.Variant, ans, stamp(v.AnsweredAt), stamp(v.SentAt)})
	}
	cw.Flush()
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// askCSAT sends a private thread's follower the satisfaction question.
func (s *Server) askCSAT(r *http.Request, a bot.Actor, k bot.ThreadKey) error {
	ca, err := s.campaigns()
	if err != nil {
		return err
	}
	return ca.AskCSAT(r.Context(), a, k)
}

// Route documents and schemas of the campaigns API.
var (
	docAskCSAT        = &OpDoc{Summary: "ask the follower of a private thread how satisfied they are (1-5); answers count in the standing CSAT survey", Response: "ThreadState"}
	docCampaigns      = &OpDoc{Summary: "the campaigns, each with its progress", Response: "CampaignList"}
	docCreateCampaign = &OpDoc{Summary: "create a draft campaign, survey or event invitation to a segment; its texts are checked by rendering them", Body: "NewCampaign", Status: http.StatusCreated, Response: "Campaign"}
	docCampaign       = &OpDoc{Summary: "a campaign with progress (sent, failed, pending, skipped by reason, adding up to targeted), variants compared and survey answers", Response: "Campaign"}
	docStartCampaign  = &OpDoc{Summary: "start a draft; with ?dry_run=N show what N followers of the segment would receive, sending nothing", Query: map[string]string{"dry_run": "show this many followers' messages, 1-100, and send nothing"}, Response: "Campaign"}
	docPauseCampaign  = &OpDoc{Summary: "stop queuing recipients (the few in the outbox still go)", Response: "Campaign"}
	docResumeCampaign = &OpDoc{Summary: "continue a paused campaign", Response: "Campaign"}
	docCancelCampaign = &OpDoc{Summary: "end a campaign: recipients not yet queued are skipped as cancelled", Response: "Campaign"}
	docRecipients     = &OpDoc{Summary: "a campaign's recipients (pr); ?answer=1 lists an event's attendees, ?format=csv exports", Query: map[string]string{"state": "pending, queued, sent, failed or skipped", "answer": "who chose this option, from 1", "format": "csv to export"}, Response: "RecipientList"}
)

var campaignSchemas = map[string]any{
	"Variant": object(map[string]any{"name": str(""), "text": str("an inline template"), "template": str("a template's name")}, "name"),
	"Survey":  object(map[string]any{"question": str(""), "options": arrayOf(str(""))}, "question", "options"),
	"CampaignEvent": object(map[string]any{"title": str(""), "at": str("RFC 3339 time"), "place": str(""), "link": str(""),
		"remind": str("remind those who said yes this long before: 24h")}, "title", "at"),
	"NewCampaign": object(map[string]any{
		"name": str(""), "kind": enumOf("message", "survey", "event"), "segment": str("the segment's id"),
		"accounts": arrayOf(str("telegram.support")), "text": str("an inline template"), "template": str("a template's name"),
		"variants": arrayOf(ref("Variant")), "window": str("the send window in each follower's time zone, default 08:00-21:00"),
		"survey": ref("Survey"), "question": str("a survey's question, flat"), "options": arrayOf(str("")),
		"event": ref("CampaignEvent"), "data": map[string]any{"type": "object", "additionalProperties": str("")},
	}, "name", "segment", "accounts"),
	"Progress": object(map[string]any{
		"targeted": map[string]any{"type": "integer"}, "sent": map[string]any{"type": "integer"},
		"failed": map[string]any{"type": "integer"}, "pending": map[string]any{"type": "integer"},
		"skipped": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "integer"}},
	}, "sent", "failed", "pending", "skipped"),
	"Campaign": object(map[string]any{
		"id": str(""), "name": str(""), "kind": enumOf("message", "survey", "event"),
		"state":    enumOf("draft", "running", "paused", "done", "cancelled"),
		"progress": ref("Progress"), "answers": arrayOf(map[string]any{"type": "object"}),
		"variants_compared": map[string]any{"type": "object"},
	}, "id", "state", "progress"),
	"CampaignList":  object(map[string]any{"campaigns": arrayOf(ref("Campaign"))}, "campaigns"),
	"RecipientList": object(map[string]any{"recipients": arrayOf(map[string]any{"type": "object"})}, "recipients"),
}

func init() { maps.Copy(schemas, campaignSchemas) }

// csvSafe keeps a follower's name from being read as a formula when the
// export is opened in a spreadsheet.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

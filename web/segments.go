package web

import (
	"context"
	"maps"
	"net/http"
	"strconv"
	"time"

	"engagebot/bot"
)

// SegmentActions are the segments' actions the API offers; *bot.Actions
// is one. The server finds them on Options.Actions.
type SegmentActions interface {
	Segments(ctx context.Context, actor bot.Actor) ([]bot.SegmentView, error)
	Segment(ctx context.Context, actor bot.Actor, id string, sample int) (bot.SegmentView, error)
	CreateSegment(ctx context.Context, actor bot.Actor, seg *bot.Segment) (bot.SegmentView, error)
	EditSegment(ctx context.Context, actor bot.Actor, id, name string, r bot.Rule) (bot.SegmentView, error)
	DeleteSegment(ctx context.Context, actor bot.Actor, id string) error
	PreviewSegment(ctx context.Context, actor bot.Actor, r bot.Rule, sample int) (bot.SegmentCount, error)
}

// segmentRoutes are the segments' rows of the API's route table.
func (s *Server) segmentRoutes() []Route {
	pr := []bot.Role{bot.RolePR}
	return []Route{
		{Method: "GET", Pattern: "/api/v1/segments", Roles: anyRole, Handle: s.handleSegments, Doc: docSegments},
		{Method: "POST", Pattern: "/api/v1/segments", Roles: pr, Handle: s.handleCreateSegment(), Doc: docCreateSegment},
		{Method: "POST", Pattern: "/api/v1/segments/preview", Roles: pr, Handle: s.handlePreviewSegment, Doc: docPreviewSegment},
		{Method: "GET", Pattern: "/api/v1/segments/{id}", Roles: anyRole, Handle: s.handleSegment, Doc: docSegment},
		{Method: "PUT", Pattern: "/api/v1/segments/{id}", Roles: pr, Handle: s.handleEditSegment(), Doc: docEditSegment},
		{Method: "DELETE", Pattern: "/api/v1/segments/{id}", Roles: pr, Handle: s.handleDeleteSegment, Doc: docDeleteSegment},
	}
}

func (s *Server) segments() (SegmentActions, error) {
	sa, ok := s.opts.Actions.(SegmentActions)
	if !ok {
		return nil, bot.Errorf(bot.EUNAVAILABLE, "segments are not set up")
	}
	return sa, nil
}

// maxSample bounds ?sample=N.
const maxSample = 100

// profileView is a follower as a segment's sample shows them.
type profileView struct {
	Platform   string         `json:"platform"`
	UserID     string         `json:"user_id"`
	Name       string         `json:"name,omitempty"`
	Lang       string         `json:"lang,omitempty"`
	Messages   int            `json:"messages"`
	Mood       float64        `json:"mood"`
	Trend      string         `json:"trend"`
	Interests  map[string]int `json:"interests,omitempty"`
	Consent    bot.Consent    `json:"consent"`
	ConsentAt  time.Time      `json:"consent_at,omitzero"`
	ConsentVia string         `json:"consent_via,omitempty"`
	LastSeen   time.Time      `json:"last_seen"`
	TZ         string         `json:"tz"`
}

func profileOf(f *bot.Follower) profileView {
	tz := f.TZ
	if tz == "" {
		tz = bot.DefaultTZ
	}
	return profileView{Platform: f.Key.Platform, UserID: f.Key.UserID, Name: f.Name, Lang: f.Lang, Messages: f.Messages,
		Mood: f.Mood, Trend: f.Trend(), Interests: f.Interests, Consent: f.Consent, ConsentAt: f.ConsentAt,
		ConsentVia: f.ConsentVia, LastSeen: f.LastSeen, TZ: tz}
}

// segmentView is a segment with its count now and, when asked, a sample.
type segmentView struct {
	ID      string        `json:"id"`
	Name    string        `json:"name"`
	Rule    bot.Rule      `json:"rule"`
	Author  string        `json:"author"`
	Created time.Time     `json:"created"`
	Updated time.Time     `json:"updated"`
	Count   int           `json:"count"`
	Sample  []profileView `json:"sample,omitempty"`
}

func viewSegment(v bot.SegmentView) segmentView {
	out := segmentView{ID: v.ID, Name: v.Name, Rule: v.Rule, Author: v.Author, Created: v.Created, Updated: v.Updated, Count: v.Count}
	for _, f := range v.Sample {
		out.Sample = append(out.Sample, profileOf(f))
	}
	return out
}

// segmentBody is a segment as the API takes it.
type segmentBody struct {
	Name string   `json:"name"`
	Rule bot.Rule `json:"rule"`
}

func sampleParam(r *http.Request) (int, error) {
	v := r.URL.Query().Get("sample")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > maxSample {
		return 0, bot.Errorf(bot.EINVALID, "sample: want 0-%d, got %q", maxSample, v)
	}
	return n, nil
}

func (s *Server) handleSegments(w http.ResponseWriter, r *http.Request, a bot.Actor) {
	sa, err := s.segments()
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	list, err := sa.Segments(r.Context(), a)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := make([]segmentView, 0, len(list))
	for _, v := range list {
		out = append(out, viewSegment(v))
	}
	writeJSON(w, http.StatusOK, map[string]any{"segments": out})
}

func (s *Server) handleSegment(w http.ResponseWriter, r *http.Request, a bot.Actor) {
	sa, err := s.segments()
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	n, err := sampleParam(r)
	if err != nil {
		Error(w, r, err)
		return
	}
	v, err := sa.Segment(r.Context(), a, r.PathValue("id"), n)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, viewSegment(v))
}

func (s *Server) handleCreateSegment() func(http.ResponseWriter, *http.Request, bot.Actor) {
	return withBody(s, http.StatusCreated, func(r *http.Request, a bot.Actor, body segmentBody) (any, error) {
		sa, err := s.segments()
		if err != nil {
			return nil, err
		}
		v, err := sa.CreateSegment(r.Context(), a, &bot.Segment{Name: body.Name, Rule: body.Rule})
		if err != nil {
			return nil, err
		}
		return viewSegment(v), nil
	})
}

func (s *Server) handleEditSegment() func(http.ResponseWriter, *http.Request, bot.Actor) {
	return withBody(s, http.StatusOK, func(r *http.Request, a bot.Actor, body segmentBody) (any, error) {
		sa, err := s.segments()
		if err != nil {
			return nil, err
		}
		v, err := sa.EditSegment(r.Context(), a, r.PathValue("id"), body.Name, body.Rule)
		if err != nil {
			return nil, err
		}
		return viewSegment(v), nil
	})
}

func (s *Server) handleDeleteSegment(w http.ResponseWriter, r *http.Request, a bot.Actor) {
	sa, err := s.segments()
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	id := r.PathValue("id")
	if err := sa.DeleteSegment(r.Context(), a, id); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"removed": id})
}

func (s *Server) handlePreviewSegment(w http.ResponseWriter, r *http.Request, a bot.Actor) {
	sa, err := s.segments()
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var body struct {
		Rule bot.Rule `json:"rule"`
	}
	if err := readJSON(r, &body, false); err != nil {
		Error(w, r, err)
		return
	}
	n, err := sampleParam(r)
	if err != nil {
		Error(w, r, err)
		return
	}
	c, err := sa.PreviewSegment(r.Context(), a, body.Rule, n)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := segmentView{Rule: body.Rule, Count: c.Count}
	for _, f := range c.Sample {
		out.Sample = append(out.Sample, profileOf(f))
	}
	writeJSON(w, http.StatusOK, map[string]any{"rule": out.Rule, "count": out.Count, "sample": nonNil(out.Sample)})
}

// Route documents and schemas of the segments API.
var (
	docSegments       = &OpDoc{Summary: "the segments, each with how many followers it matches now", Response: "SegmentList"}
	docCreateSegment  = &OpDoc{Summary: "define a segment by a rule over profile fields; answers it with id and count", Body: "NewSegment", Status: http.StatusCreated, Response: "Segment"}
	docPreviewSegment = &OpDoc{Summary: "count a rule (and show a sample) without keeping it", Body: "RuleBody", Query: map[string]string{"sample": "show up to this many matching followers, 0-100"}, Response: "Segment"}
	docSegment        = &OpDoc{Summary: "a segment with its count now and a sample of the followers it matches (pr, moderator)", Query: map[string]string{"sample": "show up to this many matching followers, 0-100"}, Response: "Segment"}
	docEditSegment    = &OpDoc{Summary: "change a segment's name and rule, checked as create checks them; answers it with its count now", Body: "NewSegment", Response: "Segment"}
	docDeleteSegment  = &OpDoc{Summary: "remove a segment; refused (409, naming the campaign) while a draft, running or paused campaign targets it", Response: "Removed"}
)

var segmentSchemas = map[string]any{
	"Rule": object(map[string]any{
		"platform":            str("telegram, rubika, instagram, facebook, x, webchat"),
		"lang":                enumOf("fa", "en"),
		"interests":           arrayOf(str("an interest the follower wrote about; all must match")),
		"trend":               enumOf("rising", "falling", "steady"),
		"min_mood":            map[string]any{"type": "number", "minimum": -1, "maximum": 1},
		"max_mood":            map[string]any{"type": "number", "minimum": -1, "maximum": 1},
		"last_contact_within": str("wrote within this long: 72h, 30d"),
		"inactive_for":        str("has not written for this long: 30d"),
		"min_messages":        map[string]any{"type": "integer", "minimum": 0},
		"max_messages":        map[string]any{"type": "integer", "minimum": 0},
		"consent":             enumOf("given", "revoked", "unknown"),
		"open_case":           map[string]any{"type": "boolean", "description": "has an open side-effect case"},
	}),
	"NewSegment": object(map[string]any{"name": str(""), "rule": ref("Rule")}, "name", "rule"),
	"RuleBody":   object(map[string]any{"rule": ref("Rule")}, "rule"),
	"Segment": object(map[string]any{
		"id": str(""), "name": str(""), "rule": ref("Rule"), "count": map[string]any{"type": "integer"},
		"sample": arrayOf(map[string]any{"type": "object"}),
	}, "count"),
	"SegmentList": object(map[string]any{"segments": arrayOf(ref("Segment"))}, "segments"),
}

func init() { maps.Copy(schemas, segmentSchemas) }

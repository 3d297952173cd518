package web

import (
	"cmp"
	"context"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"engagebot/bot"
	"engagebot/jalali"
)

// PostActions are the scheduling actions the API offers; *bot.Actions is
// one. The server finds them on Options.Actions, so one service still
// does every change and writes its audit entry.
type PostActions interface {
	CreatePost(ctx context.Context, actor bot.Actor, in bot.PostInput) (*bot.Post, error)
	EditPost(ctx context.Context, actor bot.Actor, id uint64, in bot.PostInput) (*bot.Post, error)
	SubmitPost(ctx context.Context, actor bot.Actor, id uint64) (*bot.Post, error)
	ApprovePost(ctx context.Context, actor bot.Actor, id uint64, note string) (*bot.Post, error)
	CancelPost(ctx context.Context, actor bot.Actor, id uint64, note string) (*bot.Post, error)
	RetrySlot(ctx context.Context, actor bot.Actor, id uint64, at time.Time, account string) (*bot.Slot, error)
}

// defaultTZ reads times given without an offset, and shows them.
const defaultTZ = "Asia/Tehran"

// postRoutes are the scheduling routes, rows of the API's route table.
func (s *Server) postRoutes() []Route {
	pr := []bot.Role{bot.RolePR}
	rows := []Route{
		{Method: "GET", Pattern: "/api/v1/posts", Roles: anyRole, Handle: s.handlePosts, Doc: docPosts},
		{Method: "POST", Pattern: "/api/v1/posts", Roles: pr, Handle: s.handleCreatePost, Doc: docCreatePost},
		{Method: "GET", Pattern: "/api/v1/posts/{id}", Roles: anyRole, Handle: s.handlePost, Doc: docPost},
		{Method: "PUT", Pattern: "/api/v1/posts/{id}", Roles: pr, Handle: s.handleEditPost, Doc: docEditPost},
		{Method: "POST", Pattern: "/api/v1/posts/{id}/submit", Roles: pr, Handle: s.postAction(s.submitPost), Doc: docSubmitPost},
		{Method: "POST", Pattern: "/api/v1/posts/{id}/approve", Roles: pr, Handle: s.postAction(s.approvePost), Doc: docApprovePost},
		{Method: "POST", Pattern: "/api/v1/posts/{id}/cancel", Roles: pr, Handle: s.postAction(s.cancelPost), Doc: docCancelPost},
		{Method: "POST", Pattern: "/api/v1/posts/{id}/retry", Roles: pr, Handle: s.postAction(s.retrySlot), Doc: docRetrySlot},
		{Method: "GET", Pattern: "/api/v1/schedule/hours", Roles: anyRole, Handle: s.handleHours, Doc: docHours},
	}
	return append(rows, s.uploadRoutes()...)
}

func (s *Server) posts() (PostActions, error) {
	p, ok := s.opts.Actions.(PostActions)
	if !ok {
		return nil, bot.Errorf(bot.EUNAVAILABLE, "scheduling is not set up")
	}
	return p, nil
}

// postBody is a post as the API takes it. At is RFC 3339, or a wall-clock
// time in tz in either calendar ("1405-09-11 09:30", "2026-12-02 09:30").
type postBody struct {
	Text     string            `json:"text"`
	ImageURL string            `json:"image_url"`
	Variants map[string]string `json:"variants"`
	Targets  []bot.PostTarget  `json:"targets"`
	At       string            `json:"at"`
	Cron     string            `json:"cron"`
	TZ       string            `json:"tz"`
	Lateness string            `json:"lateness"`
}

func (b *postBody) input() (bot.PostInput, error) {
	in := bot.PostInput{Text: b.Text, ImageURL: strings.TrimSpace(b.ImageURL), Variants: b.Variants, Targets: b.Targets,
		Cron: strings.TrimSpace(b.Cron), TZ: strings.TrimSpace(b.TZ)}
	loc, err := time.LoadLocation(cmp.Or(in.TZ, defaultTZ))
	if err != nil {
		return in, bot.Errorf(bot.EINVALID, "tz: unknown time zone %q", in.TZ)
	}
	if b.At != "" {
		if in.At, err = jalali.ParseDateTime(b.At, loc); err != nil {
			return in, bot.Errorf(bot.EINVALID, "at: %v", err)
		}
	}
	if b.Lateness != "" {
		if in.Lateness, err = time.ParseDuration(b.Lateness); err != nil || in.Lateness < 0 {
			return in, bot.Errorf(bot.EINVALID, "lateness: want a duration such as \"30m\", got %q", b.Lateness)
		}
	}
	return in, nil
}

// slotTargetView is one account's outcome of a slot.
type slotTargetView struct {
	Account    string        `json:"account"`
	Chat       string        `json:"chat,omitempty"`
	State      bot.SlotState `json:"state"`
	PlatformID string        `json:"platform_id"`
	URL        string        `json:"url"`
	Error      string        `json:"error,omitempty"`
	Retries    int           `json:"retries,omitempty"`
}

// slotView is a slot: its time in both calendars, and per account its
// outcome, as a list (targets) and by account key (accounts; with
// "<account>/<chat>" for an account posting to several chats).
type slotView struct {
	At       time.Time                 `json:"at"`
	Local    string                    `json:"local"`
	Jalali   string                    `json:"jalali"`
	State    bot.SlotState             `json:"state"`
	Version  int                       `json:"version"`
	Targets  []slotTargetView          `json:"targets"`
	Accounts map[string]slotTargetView `json:"accounts"`
}

type postView struct {
	ID        uint64            `json:"id"`
	State     bot.PostState     `json:"state"`
	Text      string            `json:"text"`
	ImageURL  string            `json:"image_url,omitempty"`
	Variants  map[string]string `json:"variants,omitempty"`
	Targets   []bot.PostTarget  `json:"targets"`
	At        *time.Time        `json:"at,omitempty"`
	AtLocal   string            `json:"at_local,omitempty"`
	AtJalali  string            `json:"at_jalali,omitempty"`
	Cron      string            `json:"cron,omitempty"`
	TZ        string            `json:"tz"`
	Lateness  string            `json:"lateness,omitempty"`
	Version   int               `json:"version"`
	Author    string            `json:"author"`
	Approvals []bot.Approval    `json:"approvals"`
	Notices   []bot.PostNotice  `json:"notices"`
	Next      *time.Time        `json:"next,omitempty"`
	Created   time.Time         `json:"created"`
	Updated   time.Time         `json:"updated"`
	Slots     []slotView        `json:"slots"`
}

// wallClock formats t in loc in both calendars: "2026-12-02 09:30" and
// "1405-09-11 09:30".
func wallClock(t time.Time, loc *time.Location) (gregorian, solar string) {
	l := t.In(loc)
	d := jalali.FromTime(l)
	return l.Format("2006-01-02 15:04"), strings.ReplaceAll(d.String(), "/", "-") + " " + l.Format("15:04")
}

// postLoc is a post's zone (its TZ, defaultTZ when it names none), where
// its cron spec is read and its times are shown at their wall clock.
func postLoc(tz string) *time.Location {
	loc, err := time.LoadLocation(cmp.Or(tz, defaultTZ))
	if err != nil {
		return time.UTC
	}
	return loc
}

func viewSlot(sl *bot.Slot, loc *time.Location) slotView {
	v := slotView{At: sl.At, State: sl.State(), Version: sl.Version, Targets: []slotTargetView{}, Accounts: map[string]slotTargetView{}}
	v.Local, v.Jalali = wallClock(sl.At, loc)
	several := map[string]int{}
	for _, t := range sl.Targets {
		several[t.Account]++
	}
	for _, t := range sl.Targets {
		tv := slotTargetView{Account: t.Account, Chat: t.Chat, State: t.State, PlatformID: t.PlatformID, URL: t.URL, Error: t.Error, Retries: t.Retries}
		v.Targets = append(v.Targets, tv)
		key := t.Account
		if several[t.Account] > 1 {
			key += "/" + t.Chat
		}
		v.Accounts[key] = tv
	}
	return v
}

func viewPost(p *bot.Post, slots []*bot.Slot) postView {
	loc := postLoc(p.TZ)
	v := postView{ID: p.ID, State: p.State, Text: p.Text, ImageURL: p.ImageURL, Variants: p.Variants, Targets: nonNil(p.Targets),
		Cron: p.Cron, TZ: cmp.Or(p.TZ, loc.String()), Version: p.Version, Author: p.Author, Approvals: nonNil(p.Approvals),
		Notices: nonNil(p.Notices), Created: p.Created, Updated: p.Updated, Slots: []slotView{}}
	if !p.At.IsZero() {
		at := p.At
		v.At = &at
		v.AtLocal, v.AtJalali = wallClock(at, loc)
	}
	if !p.Next.IsZero() {
		next := p.Next
		v.Next = &next
	}
	if p.Lateness > 0 {
		v.Lateness = p.Lateness.String()
	}
	for _, sl := range slots {
		v.Slots = append(v.Slots, viewSlot(sl, loc))
	}
	return v
}

func parsePostID(r *http.Request) (uint64, error) {
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	if err != nil || id == 0 {
		return 0, bot.Errorf(bot.EINVALID, "post id %q: want the number the API gave", r.PathValue("id"))
	}
	return id, nil
}

// readPost answers the post with its slots as the store has them now.
func (s *Server) readPost(ctx context.Context, id uint64) (postView, error) {
	var v postView
	err := s.opts.Data.View(ctx, func(tx bot.Tx) error {
		p, err := tx.Post(id)
		if err != nil {
			return err
		}
		slots, err := tx.Slots(id)
		if err != nil {
			return err
		}
		v = viewPost(p, slots)
		return nil
	})
	return v, err
}

func (s *Server) handlePost(w http.ResponseWriter, r *http.Request, _ bot.Actor) {
	id, err := parsePostID(r)
	if err != nil {
		Error(w, r, err)
		return
	}
	v, err := s.readPost(r.Context(), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) handleCreatePost(w http.ResponseWriter, r *http.Request, a bot.Actor) {
	pa, err := s.posts()
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var body postBody
	if err := readJSON(r, &body, false); err != nil {
		Error(w, r, err)
		return
	}
	in, err := body.input()
	if err != nil {
		Error(w, r, err)
		return
	}
	p, err := pa.CreatePost(r.Context(), a, in)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, viewPost(p, nil))
}

func (s *Server) handleEditPost(w http.ResponseWriter, r *http.Request, a bot.Actor) {
	pa, err := s.posts()
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	id, err := parsePostID(r)
	if err != nil {
		Error(w, r, err)
		return
	}
	var body postBody
	if err := readJSON(r, &body, false); err != nil {
		Error(w, r, err)
		return
	}
	in, err := body.input()
	if err != nil {
		Error(w, r, err)
		return
	}
	if _, err := pa.EditPost(r.Context(), a, id, in); err != nil {
		s.apiError(w, r, err)
		return
	}
	s.handlePost(w, r, a)
}

// postAction serves POST /api/v1/posts/{id}/<verb>: do runs the action,
// then the answer is the post as it is now.
func (s *Server) postAction(do func(r *http.Request, pa PostActions, a bot.Actor, id uint64) error) func(http.ResponseWriter, *http.Request, bot.Actor) {
	return func(w http.ResponseWriter, r *http.Request, a bot.Actor) {
		pa, err := s.posts()
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		id, err := parsePostID(r)
		if err != nil {
			Error(w, r, err)
			return
		}
		if err := do(r, pa, a, id); err != nil {
			s.apiError(w, r, err)
			return
		}
		s.handlePost(w, r, a)
	}
}

type noteBody struct {
	Note string `json:"note"`
}

func (s *Server) submitPost(r *http.Request, pa PostActions, a bot.Actor, id uint64) error {
	_, err := pa.SubmitPost(r.Context(), a, id)
	return err
}

func (s *Server) approvePost(r *http.Request, pa PostActions, a bot.Actor, id uint64) error {
	var body noteBody
	if err := readJSON(r, &body, true); err != nil {
		return err
	}
	_, err := pa.ApprovePost(r.Context(), a, id, body.Note)
	return err
}

func (s *Server) cancelPost(r *http.Request, pa PostActions, a bot.Actor, id uint64) error {
	var body noteBody
	if err := readJSON(r, &body, true); err != nil {
		return err
	}
	_, err := pa.CancelPost(r.Context(), a, id, body.Note)
	return err
}

func (s *Server) retrySlot(r *http.Request, pa PostActions, a bot.Actor, id uint64) error {
	var body struct {
		At      time.Time `json:"at"`
		Account string    `json:"account"`
	}
	if err := readJSON(r, &body, false); err != nil {
		return err
	}
	if body.At.IsZero() || body.Account == "" {
		return bot.Errorf(bot.EINVALID, "at, account: name the slot (its at) and the account to retry")
	}
	_, err := pa.RetrySlot(r.Context(), a, id, body.At, body.Account)
	return err
}

// List bounds.
const (
	defaultPostPage = 200
	maxPostPage     = 1000
)

func parseTimeParam(name, v string, loc *time.Location) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if len(v) == len("2006-01-02") || len(v) == len("1405/09/11") {
		v += " 00:00"
	}
	t, err := jalali.ParseDateTime(v, loc)
	if err != nil {
		return time.Time{}, bot.Errorf(bot.EINVALID, "%s: %v", name, err)
	}
	return t, nil
}

// handlePosts lists posts for the calendar: with from and to, the posts
// with a slot, a time (at) or a next slot in [from, to), each with its
// slots; else every post by id. A calendar view asks for a week or a
// month at a time.
func (s *Server) handlePosts(w http.ResponseWriter, r *http.Request, _ bot.Actor) {
	q := r.URL.Query()
	loc, err := time.LoadLocation(cmp.Or(q.Get("tz"), defaultTZ))
	if err != nil {
		Error(w, r, bot.Errorf(bot.EINVALID, "tz: unknown time zone %q", q.Get("tz")))
		return
	}
	from, err := parseTimeParam("from", q.Get("from"), loc)
	if err != nil {
		Error(w, r, err)
		return
	}
	to, err := parseTimeParam("to", q.Get("to"), loc)
	if err != nil {
		Error(w, r, err)
		return
	}
	if !to.IsZero() && !from.IsZero() && !to.After(from) {
		Error(w, r, bot.Errorf(bot.EINVALID, "to: must be after from"))
		return
	}
	state := bot.PostState(q.Get("state"))
	if state != "" && !slices.Contains(bot.PostStates, state) {
		Error(w, r, bot.Errorf(bot.EINVALID, "state: one of draft, awaiting_approval, approved, scheduled, published, failed, missed, cancelled"))
		return
	}
	limit, err := pageLimit(q.Get("limit"), defaultPostPage, maxPostPage)
	if err != nil {
		Error(w, r, err)
		return
	}
	account := q.Get("account")
	ranged := !from.IsZero() || !to.IsZero()
	in := func(t time.Time) bool {
		return !t.IsZero() && (from.IsZero() || !t.Before(from)) && (to.IsZero() || t.Before(to))
	}
	var out []postView
	err = s.opts.Data.View(r.Context(), func(tx bot.Tx) error {
		out = nil
		withSlot := map[uint64]bool{}
		if ranged {
			slots, err := tx.SlotsBetween(bot.SlotFilter{From: from, To: to})
			if err != nil {
				return err
			}
			for _, sl := range slots {
				withSlot[sl.Post] = true
			}
		}
		var after uint64
		for len(out) < limit {
			page, err := tx.Posts(bot.PostFilter{State: state, Account: account, After: after, Limit: 500})
			if err != nil {
				return err
			}
			for _, p := range page {
				after = p.ID
				if ranged && !withSlot[p.ID] && !in(p.At) && !in(p.Next) {
					continue
				}
				slots, err := tx.Slots(p.ID)
				if err != nil {
					return err
				}
				out = append(out, viewPost(p, slots))
				if len(out) == limit {
					break
				}
			}
			if len(page) < 500 {
				break
			}
		}
		return nil
	})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"posts": nonNil(out)})
}

// hourView is one suggested hour with its evidence.
type hourView struct {
	Hour int `json:"hour"` // 0-23 in tz
	// Messages is how many follower messages were analysed in this hour
	// of the day over the weeks looked at; Share is their part of all.
	Messages int     `json:"messages"`
	Share    float64 `json:"share"`
	// Positive and Negative count those messages by sentiment.
	Positive int `json:"positive"`
	Negative int `json:"negative"`
	// Days is on how many of the days looked at followers wrote then.
	Days int `json:"days"`
}

type hoursView struct {
	Platform  string     `json:"platform"`
	Account   string     `json:"account,omitempty"`
	TZ        string     `json:"tz"`
	From      time.Time  `json:"from"`
	To        time.Time  `json:"to"`
	Messages  int        `json:"messages"`
	Suggested []hourView `json:"suggested"`
	ByHour    []hourView `json:"by_hour"`
	Note      string     `json:"note"`
}

// handleHours suggests posting hours per platform (and account) from
// when followers wrote over the past weeks: the hours of the day with the
// most analysed messages, each with its count, share and the days it
// held. The store keeps those counts per platform, so every account of a
// platform gets its platform's evidence.
func (s *Server) handleHours(w http.ResponseWriter, r *http.Request, _ bot.Actor) {
	q := r.URL.Query()
	platform, account := q.Get("platform"), q.Get("account")
	if account != "" {
		p, _, ok := strings.Cut(account, ".")
		if !ok || platform != "" && p != platform {
			Error(w, r, bot.Errorf(bot.EINVALID, "account: want <platform>.<name> of the platform asked"))
			return
		}
		platform = p
	}
	if platform == "" {
		Error(w, r, bot.Errorf(bot.EINVALID, "platform: name the platform (or the account)"))
		return
	}
	weeks := 4
	if v := q.Get("weeks"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 12 {
			Error(w, r, bot.Errorf(bot.EINVALID, "weeks: a number from 1 to 12"))
			return
		}
		weeks = n
	}
	loc, err := time.LoadLocation(cmp.Or(q.Get("tz"), defaultTZ))
	if err != nil {
		Error(w, r, bot.Errorf(bot.EINVALID, "tz: unknown time zone %q", q.Get("tz")))
		return
	}
	// Local hours: Tehran's half-hour offset would split them otherwise.
	now := s.opts.Now().In(loc)
	to := time.Date(now.Year(), now.Month(), now.Day(), now.Hour(), 0, 0, 0, loc)
	from := to.AddDate(0, 0, -7*weeks)
	var buckets []bot.SentimentBucket
	if err := s.opts.Data.View(r.Context(), func(tx bot.Tx) (err error) {
		buckets, err = tx.SentimentSeries(platform, from, to, bot.StepHour)
		return err
	}); err != nil {
		s.apiError(w, r, err)
		return
	}
	v := hoursView{Platform: platform, Account: account, TZ: loc.String(), From: from.UTC(), To: to.UTC(), Suggested: []hourView{},
		Note: "hours of the day (in tz) when the platform's followers wrote most; post a little before them"}
	hours := make([]hourView, 24)
	days := make([]map[string]bool, 24)
	for h := range hours {
		hours[h].Hour, days[h] = h, map[string]bool{}
	}
	for _, b := range buckets {
		if b.Volume == 0 {
			continue
		}
		l := b.Start.In(loc)
		h := &hours[l.Hour()]
		h.Messages += b.Volume
		h.Positive += b.Positive
		h.Negative += b.Negative
		days[l.Hour()][l.Format("2006-01-02")] = true
		v.Messages += b.Volume
	}
	for h := range hours {
		hours[h].Days = len(days[h])
		if v.Messages > 0 {
			hours[h].Share = float64(hours[h].Messages) / float64(v.Messages)
		}
	}
	v.ByHour = hours
	ranked := slices.Clone(hours)
	slices.SortStableFunc(ranked, func(a, b hourView) int { return cmp.Compare(b.Messages, a.Messages) })
	for _, h := range ranked[:3] {
		if h.Messages > 0 {
			v.Suggested = append(v.Suggested, h)
		}
	}
	writeJSON(w, http.StatusOK, v)
}

// Route documents and schemas of the scheduling API.
var (
	docPosts = &OpDoc{Summary: "posts for the calendar: with from and to, those with a slot, time or next slot in [from, to), each with its slots",
		Query: map[string]string{
			"from":    "start, RFC 3339 or a date (and time) in tz in either calendar: 2026-12-01, 1405-09-10",
			"to":      "end, exclusive, as from",
			"account": "only posts to this account (<platform>.<name>)",
			"state":   "only posts in this state",
			"tz":      "the zone of dates without an offset (default Asia/Tehran)",
			"limit":   "at most this many, 1-1000 (default 200)",
		}, Response: "PostList"}
	docCreatePost  = &OpDoc{Summary: "make a draft post; at takes RFC 3339 or a Solar Hijri or Gregorian date and time in tz", Body: "NewPost", Status: http.StatusCreated, Response: "Post"}
	docPost        = &OpDoc{Summary: "a post with its state and slots, each with per account its state, platform id and link", Response: "Post"}
	docEditPost    = &OpDoc{Summary: "change a post; an approved one goes back for approval", Body: "NewPost", Response: "Post"}
	docSubmitPost  = &OpDoc{Summary: "ask for approval of a draft", Response: "Post"}
	docApprovePost = &OpDoc{Summary: "sign the current version off (someone other than the author), with a note", Body: "Note", BodyOptional: true, Response: "Post"}
	docCancelPost  = &OpDoc{Summary: "stop a post: no more slots fire", Body: "Note", BodyOptional: true, Response: "Post"}
	docRetrySlot   = &OpDoc{Summary: "publish a failed or unknown slot target again, by hand", Body: "Retry", Response: "Post"}
	docHours       = &OpDoc{Summary: "suggested posting hours of a platform (or account) from when followers wrote over the past weeks, with the evidence",
		Query: map[string]string{
			"platform": "the platform (or give account)",
			"account":  "<platform>.<name>; its platform's evidence",
			"weeks":    "how many past weeks, 1-12 (default 4)",
			"tz":       "the zone of the hours (default Asia/Tehran)",
		}, Response: "Hours"}
)

var postSchemas = map[string]any{
	"PostTarget": object(map[string]any{
		"account": str("<platform>.<name>: telegram.support"),
		"chat":    str("the channel, for Telegram and Rubika (@brand)"),
	}, "account"),
	"NewPost": object(map[string]any{
		"text":      str("the post, at most 4096 characters"),
		"image_url": str("an image by link, or the url an upload answered"),
		"variants":  map[string]any{"type": "object", "additionalProperties": str(""), "description": "text per platform: x, instagram, ..."},
		"targets":   arrayOf(ref("PostTarget")),
		"at":        str("once: 2026-12-02T09:30:00+03:30, or 1405-09-11 09:30 / 2026-12-02 09:30 in tz"),
		"cron":      str("recurring: a cron spec, seconds optional (0 30 9 * * 1)"),
		"tz":        str("the zone of cron and of at without an offset (default Asia/Tehran)"),
		"lateness":  str("how late a slot missed while down may still go out (30m); default the config's"),
	}, "text", "targets"),
	"Note":  object(map[string]any{"note": str("the sign-off note (medical, legal)")}),
	"Retry": object(map[string]any{"at": dateTime(), "account": str("")}, "at", "account"),
	"Approval": object(map[string]any{
		"by": str(""), "at": dateTime(), "version": map[string]any{"type": "integer"}, "note": str(""),
	}, "by", "at", "version"),
	"SlotTarget": object(map[string]any{
		"account":     str(""),
		"chat":        str(""),
		"state":       enumOf("queued", "published", "failed", "unknown", "missed"),
		"platform_id": str("the platform's id of the post"),
		"url":         str("a link to the post"),
		"error":       str("why it did not go out"),
		"retries":     map[string]any{"type": "integer"},
	}, "account", "state", "platform_id", "url"),
	"Slot": object(map[string]any{
		"at":       dateTime(),
		"local":    str("the slot in tz, Gregorian: 2026-12-02 09:30"),
		"jalali":   str("the slot in tz, Solar Hijri: 1405-09-11 09:30"),
		"state":    enumOf("queued", "published", "failed", "unknown", "missed"),
		"version":  map[string]any{"type": "integer"},
		"targets":  arrayOf(ref("SlotTarget")),
		"accounts": map[string]any{"type": "object", "additionalProperties": ref("SlotTarget")},
	}, "at", "state", "targets", "accounts"),
	"Post": object(map[string]any{
		"id":        map[string]any{"type": "integer", "format": "int64"},
		"state":     enumOf("draft", "awaiting_approval", "approved", "scheduled", "published", "failed", "missed", "cancelled"),
		"text":      str(""),
		"image_url": str(""),
		"variants":  map[string]any{"type": "object", "additionalProperties": str("")},
		"targets":   arrayOf(ref("PostTarget")),
		"at":        dateTime(),
		"at_local":  str(""),
		"at_jalali": str(""),
		"cron":      str(""),
		"tz":        str(""),
		"lateness":  str(""),
		"version":   map[string]any{"type": "integer"},
		"author":    str(""),
		"approvals": arrayOf(ref("Approval")),
		"notices":   arrayOf(object(map[string]any{"at": dateTime(), "text": str("")}, "at", "text")),
		"next":      dateTime(),
		"created":   dateTime(),
		"updated":   dateTime(),
		"slots":     arrayOf(ref("Slot")),
	}, "id", "state", "text", "targets", "version", "author", "slots"),
	"PostList": object(map[string]any{"posts": arrayOf(ref("Post"))}, "posts"),
	"Hour": object(map[string]any{
		"hour": map[string]any{"type": "integer"}, "messages": map[string]any{"type": "integer"},
		"share": map[string]any{"type": "number"}, "positive": map[string]any{"type": "integer"},
		"negative": map[string]any{"type": "integer"}, "days": map[string]any{"type": "integer"},
	}, "hour", "messages", "share", "days"),
	"Hours": object(map[string]any{
		"platform": str(""), "account": str(""), "tz": str(""), "from": dateTime(), "to": dateTime(),
		"messages": map[string]any{"type": "integer"}, "suggested": arrayOf(ref("Hour")), "by_hour": arrayOf(ref("Hour")),
		"note": str(""),
	}, "platform", "tz", "from", "to", "messages", "suggested", "by_hour"),
}

func init() { maps.Copy(schemas, postSchemas) }

package web

import (
	"bytes"
	"cmp"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"engagebot/bot"
)

// The dashboard: server-rendered pages for the people who run the brand's
// conversations. Each page is a Route like the API's, so its roles are
// checked in the same place; a page refused for want of a session sends
// the browser to the sign-in form. Pages read through the same Reader and
// change things through the same people's actions as the API, so a page
// and an API call are the same act in the audit log.

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// PageActions are the people's actions the dashboard offers beyond the
// API's; *bot.Actions is one. The pages are served when Options.Actions
// has them.
type PageActions interface {
	StaffActions
	CorrectSentiment(ctx context.Context, actor bot.Actor, k bot.ThreadKey, seq uint64, label string) error
	Cases(ctx context.Context, actor bot.Actor, filter bot.CaseFilter) ([]*bot.Case, error)
	ConfirmCase(ctx context.Context, actor bot.Actor, id uint64, note string) error
	DismissCase(ctx context.Context, actor bot.Actor, id uint64, reason string) error
	MarkSerious(ctx context.Context, actor bot.Actor, id uint64, serious bool, note string) error
	ExportCases(ctx context.Context, actor bot.Actor, ids ...uint64) ([]bot.CaseReport, error)
	Alerts(ctx context.Context, actor bot.Actor, filter bot.AlertFilter) ([]*bot.Alert, error)
	ExportFollower(ctx context.Context, actor bot.Actor, k bot.FollowerKey) (*bot.FollowerExport, error)
	EraseFollower(ctx context.Context, actor bot.Actor, k bot.FollowerKey, note string) (*bot.EraseResult, error)
	Assign(ctx context.Context, actor bot.Actor, k bot.ThreadKey, to string) error
	MarkOutboundSent(ctx context.Context, actor bot.Actor, id uint64, note string) error
	ResendOutbound(ctx context.Context, actor bot.Actor, id uint64, note string) error
}

// pages holds the parsed templates, one set per page.
type pages struct {
	sets map[string]*template.Template
}

func loadPages() (*pages, error) {
	p := &pages{sets: map[string]*template.Template{}}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	// Files named _*.html hold parts that several pages share; every
	// page's set holds them, since each page is a set of its own.
	parts, err := fs.Glob(templateFS, "templates/_*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || strings.HasPrefix(base, "_") {
			continue
		}
		files := append([]string{"templates/layout.html"}, parts...)
		t, err := template.New("layout.html").Funcs(pageFuncs).ParseFS(templateFS, append(files, n)...)
		if err != nil {
			return nil, fmt.Errorf("page %s: %w", base, err)
		}
		p.sets[base] = t
	}
	return p, nil
}

// view is what every page's template gets.
type view struct {
	Lang    string
	Dir     string
	Me      meView
	Title   string
	Path    string
	Notice  string
	Problem string
	// Data is the page's own.
	Data any
	loc  *time.Location
}

func (v *view) Can(roles ...string) bool {
	a := bot.Actor{Name: v.Me.Name, Roles: v.Me.Roles}
	rs := make([]bot.Role, len(roles))
	for i, r := range roles {
		rs[i] = bot.Role(r)
	}
	return a.Can(rs...)
}

// Tr is key's text in the page's language.
func (v *view) Tr(key string) string { return tr(v.Lang, key) }

// Num writes n in the page's digits.
func (v *view) Num(n any) string { return digits(v.Lang, fmt.Sprint(n)) }

// Pct writes part/whole as a whole percentage in the page's digits.
func (v *view) Pct(part, whole int) string {
	sign := "%"
	if v.Lang != bot.LangEn {
		sign = "٪"
	}
	if whole == 0 {
		return digits(v.Lang, "0") + sign
	}
	return digits(v.Lang, strconv.Itoa((part*100+whole/2)/whole)) + sign
}

// When writes a time as the page shows it: Solar Hijri beside Gregorian
// in Persian, Gregorian beside Solar Hijri in English.
func (v *view) When(t time.Time) template.HTML { return when(v.Lang, t.In(v.loc)) }

// Day writes a date without the time.
func (v *view) Day(t time.Time) template.HTML { return day(v.Lang, t.In(v.loc)) }

func (s *Server) render(w http.ResponseWriter, r *http.Request, actor bot.Actor, status int, page, title string, data any) {
	me, err := s.me(r.Context(), actor)
	if err != nil {
		s.log.Error("page", "page", page, "err", err)
		me = meView{Name: actor.Name, Roles: actor.Roles, Lang: bot.LangFa}
	}
	if actor.Name == "" {
		me.Lang = langOf(r)
	}
	s.renderView(w, r, status, page, &view{Me: me, Lang: me.Lang, Title: title, Data: data}, actor)
}

func (s *Server) renderView(w http.ResponseWriter, r *http.Request, status int, page string, v *view, actor bot.Actor) {
	t, ok := s.pages.sets[page]
	if !ok {
		s.log.Error("page", "page", page, "err", "no template")
		http.Error(w, "no such page", http.StatusInternalServerError)
		return
	}
	v.Dir = "rtl"
	if v.Lang == bot.LangEn {
		v.Dir = "ltr"
	}
	v.Title = tr(v.Lang, v.Title)
	v.Path = pagePath(r)
	v.Notice = tr(v.Lang, r.URL.Query().Get("done"))
	if v.Problem == "" {
		v.Problem = r.URL.Query().Get("problem")
	}
	v.loc = s.loc
	var b bytes.Buffer
	if err := t.Execute(&b, v); err != nil {
		s.log.Error("page", "page", page, "err", err)
		http.Error(w, "the page could not be drawn", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// langOf is the language for a page shown before sign-in: Persian, the
// default, unless the page's link asks for English (?lang=en). The
// browser's Accept-Language is not asked: a Persian speaker's browser
// often says English.
func langOf(r *http.Request) string {
	if r.URL.Query().Get("lang") == bot.LangEn {
		return bot.LangEn
	}
	return bot.LangFa
}

// wantsPage reports whether a request came from a browser's form rather
// than a program: it accepts HTML.
func wantsPage(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "text/html")
}

// pageRoutes are the dashboard's routes.
func (s *Server) pageRoutes() []Route {
	moderate := []bot.Role{bot.RoleModerator}
	work := []bot.Role{bot.RoleModerator, bot.RoleSafety}
	safety := []bot.Role{bot.RoleSafety}
	pr := []bot.Role{bot.RolePR, bot.RoleModerator, bot.RoleViewer}
	admin := []bot.Role{bot.RoleAdmin}
	page := s.pageRoute
	routes := []Route{
		{Method: "GET", Pattern: "/login", Public: true, Handle: s.pageLogin},
		page("GET", "/dashboard", anyRole, s.pageHome),
		page("POST", "/lang", anyRole, s.postLang),
		page("GET", "/queue", anyRole, s.pageQueue),
		page("GET", "/threads/{id}", anyRole, s.pageThread),
		page("POST", "/threads/{id}/takeover", moderate, s.postThread("takeover")),
		page("POST", "/threads/{id}/release", moderate, s.postThread("release")),
		page("POST", "/threads/{id}/resolve", work, s.postThread("resolve")),
		page("POST", "/threads/{id}/reply", work, s.postThread("reply")),
		page("POST", "/threads/{id}/note", work, s.postThread("note")),
		page("POST", "/threads/{id}/mute", moderate, s.postThread("mute")),
		page("POST", "/threads/{id}/label", moderate, s.postThread("label")),
		page("POST", "/threads/{id}/assign", moderate, s.postThread("assign")),
		page("POST", "/threads/{id}/outbound/{out}", moderate, s.postThread("outbound")),
		page("GET", "/safety", safety, s.pageSafety),
		page("POST", "/safety/cases/{id}", safety, s.postCase),
		page("GET", "/safety/export", safety, s.exportCases),
		page("GET", "/charts", pr, s.pageCharts),
		page("GET", "/charts/export", pr, s.exportSentiment),
		page("GET", "/alerts", pr, s.pageAlerts),
		page("GET", "/model", modelReaders, s.pageModel),
		page("POST", "/model/train", modelWriters, s.postModel("train")),
		page("POST", "/model/rollback", modelWriters, s.postModel("rollback")),
		page("GET", "/admin/users", admin, s.pageUsers),
		page("POST", "/admin/users", admin, s.postUser),
		page("GET", "/admin/tokens", admin, s.pageTokens),
		page("POST", "/admin/tokens/{id}/revoke", admin, s.postRevoke),
		page("GET", "/admin/followers", admin, s.pageFollower),
		page("POST", "/admin/followers/export", admin, s.exportFollower),
		page("POST", "/admin/followers/erase", admin, s.eraseFollower),
		page("GET", "/admin/audit", admin, s.pageAudit),
	}
	routes = append(routes, s.campaignPageRoutes()...)
	routes = append(routes, s.cataloguePageRoutes()...)
	routes = append(routes, s.followerPageRoutes()...)
	routes = append(routes, s.postPageRoutes()...)
	return append(routes, s.calendarPageRoutes()...)
}

// denyPage is a page's refusal: to the sign-in form without a session,
// else a page that says why.
func (s *Server) denyPage(w http.ResponseWriter, r *http.Request, err error) {
	if bot.ErrorCode(err) == bot.EUNAUTHORIZED {
		RedirectToLogin(w, r, err)
		return
	}
	v := &view{Lang: langOf(r), Title: "refused", Problem: bot.ErrorMessage(err)}
	if actor, aerr := s.authenticate(r); aerr == nil {
		if me, merr := s.me(r.Context(), actor); merr == nil {
			v.Me, v.Lang = me, me.Lang
		}
	}
	s.renderView(w, r, ErrorStatus(err), "refused", v, bot.Actor{})
}

// back sends the browser to the page it came from (a path on this
// service), saying what was done or what went wrong.
func back(w http.ResponseWriter, r *http.Request, to, done string, err error) {
	u, _ := url.Parse(localPath(to))
	q := u.Query()
	q.Del("done")
	q.Del("problem")
	if err != nil {
		q.Set("problem", bot.ErrorMessage(err))
	} else if done != "" {
		q.Set("done", done)
	}
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
}

func (s *Server) pageLogin(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	s.loginForm(w, r, http.StatusOK, "")
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request, status int, problem string) {
	next := r.URL.Query().Get("next")
	if r.Method == http.MethodPost {
		next = r.PostForm.Get("next")
	}
	v := &view{Lang: langOf(r), Title: "sign_in", Problem: problem,
		Data: map[string]string{"Next": localPath(cmp.Or(next, "/dashboard")), "Name": r.PostForm.Get("name")}}
	s.renderView(w, r, status, "login", v, bot.Actor{})
}

// pageHome sends each person to the page of their work.
func (s *Server) pageHome(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	to := "/queue"
	if !actor.Can(bot.RoleModerator) && actor.Can(bot.RoleSafety) {
		to = "/safety"
	} else if !actor.Can(bot.RoleModerator, bot.RoleSafety) && actor.Can(bot.RolePR) {
		to = "/charts"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (s *Server) postLang(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	err := s.opts.Actions.SetUserLang(r.Context(), actor, r.FormValue("lang"))
	back(w, r, r.FormValue("back"), "", err)
}

// callAPI runs an API route's handler in process and decodes its answer,
// so a page shows exactly what the API answers: the same filters, order
// and cursor, and whatever index the store keeps for them.
func (s *Server) callAPI(r *http.Request, actor bot.Actor, h func(http.ResponseWriter, *http.Request, bot.Actor), path string, pathValues map[string]string, v any) error {
	req, err := http.NewRequestWithContext(r.Context(), "GET", path, nil)
	if err != nil {
		return bot.Errorf(bot.EINVALID, "the page's query: %v", err)
	}
	for k, val := range pathValues {
		req.SetPathValue(k, val)
	}
	rec := &answer{header: http.Header{}, code: http.StatusOK}
	h(rec, req, actor)
	if rec.code != http.StatusOK {
		var e struct {
			Error string `json:"error"`
			Code  string `json:"code"`
		}
		json.Unmarshal(rec.body.Bytes(), &e)
		return bot.Errorf(cmp.Or(e.Code, bot.EINTERNAL), "%s", cmp.Or(e.Error, "the list could not be read"))
	}
	return json.Unmarshal(rec.body.Bytes(), v)
}

// answer keeps an in-process API answer for the page that asked.
type answer struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (a *answer) Header() http.Header         { return a.header }
func (a *answer) Write(b []byte) (int, error) { return a.body.Write(b) }
func (a *answer) WriteHeader(code int)        { a.code = code }

// queueFilters are the queue's filters, as the API names them.
var queueFilters = []string{"platform", "account", "reason", "lang", "assignee"}

type queuePage struct {
	Flags     []flagView
	Platforms []string
	// API is the API's URL of this page's flags: the page polls it and
	// reloads itself when the flags it shows change (a new flag, one
	// resolved elsewhere).
	API     string
	Filter  map[string]string
	Next    string
	Query   string
	Reasons []string
}

func (s *Server) pageQueue(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	q := url.Values{"status": {bot.FlagOpen}}
	filter := map[string]string{}
	for _, k := range queueFilters {
		if v := strings.TrimSpace(r.URL.Query().Get(k)); v != "" {
			q.Set(k, v)
			filter[k] = v
		}
	}
	query := q.Encode()
	if a := r.URL.Query().Get("after"); a != "" {
		q.Set("after", a)
	}
	q.Set("limit", "50")
	var list struct {
		Flags []flagView `json:"flags"`
		Next  string     `json:"next"`
	}
	d := queuePage{Filter: filter, Query: query, Platforms: platforms,
		Reasons: []string{bot.SignalAdverseEvent, "self_harm", "legal_threat", "complaint", "abuse", "delivery_unknown"}}
	if err := s.callAPI(r, actor, s.handleFlags, "/api/v1/flags?"+q.Encode(), nil, &list); err != nil {
		s.pageError(w, r, actor, err)
		return
	}
	d.Flags, d.Next, d.API = list.Flags, list.Next, "/api/v1/flags?"+q.Encode()
	s.render(w, r, actor, http.StatusOK, "queue", "queue", d)
}

// platforms are the platforms the filters offer.
var platforms = []string{"telegram", "rubika", "instagram", "facebook", "x", "webchat"}

type threadPage struct {
	ID     string
	Thread threadView
	// Waiting are the thread's outbox items that wait for a person: the
	// delivery is unknown (it may have arrived) or failed.
	Waiting []*bot.Outbound
	// FollowerPage is the follower's page, for those who may see it;
	// FollowerName their name, when known.
	FollowerPage, FollowerName string
}

func (s *Server) pageThread(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	id := r.PathValue("id")
	d := threadPage{ID: id}
	if err := s.callAPI(r, actor, s.handleThread, "/api/v1/threads/"+id, map[string]string{"id": id}, &d.Thread); err != nil {
		s.pageError(w, r, actor, err)
		return
	}
	k, _ := ParseThreadID(id)
	waiting, err := s.waitingOutbound(r.Context(), k)
	if err != nil {
		s.pageError(w, r, actor, err)
		return
	}
	d.Waiting = waiting
	if f, ok := s.threadFollower(r.Context(), d.Thread.Follower); ok && actor.Can(bot.RoleModerator, bot.RolePR, bot.RoleSafety) {
		d.FollowerPage, d.FollowerName = followerPath(f.Key), f.Name
	}
	s.render(w, r, actor, http.StatusOK, "thread", "thread", d)
}

// maxWaiting bounds the unknown or failed items read for one thread page;
// there are few, since each waits for a person.
const maxWaiting = 1000

// waitingOutbound lists the thread's outbox items in unknown or failed.
func (s *Server) waitingOutbound(ctx context.Context, k bot.ThreadKey) ([]*bot.Outbound, error) {
	var out []*bot.Outbound
	err := s.opts.Data.View(ctx, func(tx bot.Tx) error {
		out = nil
		for _, st := range []bot.OutState{bot.OutUnknown, bot.OutFailed} {
			list, err := tx.Outbox(st, 0, maxWaiting)
			if err != nil {
				return err
			}
			for _, o := range list {
				if o.Platform == k.Platform && o.Account == k.Account && o.Chat == k.Chat {
					out = append(out, o)
				}
			}
		}
		return nil
	})
	return out, err
}

// decideOutbound marks an item of the thread sent or sends it again.
func (s *Server) decideOutbound(r *http.Request, actor bot.Actor, k bot.ThreadKey) error {
	id, err := strconv.ParseUint(r.PathValue("out"), 10, 64)
	if err != nil {
		return bot.Errorf(bot.EINVALID, "outbound: an item number")
	}
	switch r.FormValue("do") {
	case "sent":
		return s.pageActions().MarkOutboundSent(r.Context(), actor, id, r.FormValue("note"))
	case "resend":
		return s.pageActions().ResendOutbound(r.Context(), actor, id, r.FormValue("note"))
	}
	return bot.Errorf(bot.EINVALID, "do: sent or resend")
}

// postThread serves the thread page's buttons.
func (s *Server) postThread(what string) func(http.ResponseWriter, *http.Request, bot.Actor) {
	return func(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
		id := r.PathValue("id")
		to := "/threads/" + id
		k, err := ParseThreadID(id)
		if err != nil {
			back(w, r, "/queue", "", err)
			return
		}
		ctx, done := r.Context(), "done_"+what
		switch what {
		case "takeover":
			err = s.opts.Actions.TakeOver(ctx, actor, k)
		case "release":
			err = s.opts.Actions.Release(ctx, actor, k)
		case "resolve":
			err = s.opts.Actions.Resolve(ctx, actor, k, r.FormValue("note"))
			if err == nil && r.FormValue("csat") != "" {
				// As the API's resolve with {"csat": true}.
				err, done = s.askCSAT(r, actor, k), "done_resolve_csat"
			}
		case "reply":
			_, err = s.opts.Actions.Reply(ctx, actor, k, r.FormValue("text"))
		case "note":
			err = s.opts.Actions.AddNote(ctx, actor, k, r.FormValue("text"))
		case "mute":
			do := r.FormValue("do")
			err = s.muteThread(ctx, actor, k, do == "mute", do == "block", r.FormValue("note"))
			done += "_" + do
		case "label":
			seq, perr := strconv.ParseUint(r.FormValue("seq"), 10, 64)
			if perr != nil {
				err = bot.Errorf(bot.EINVALID, "seq: the message's number")
				break
			}
			err = s.pageActions().CorrectSentiment(ctx, actor, k, seq, r.FormValue("label"))
		case "assign":
			err = s.pageActions().Assign(ctx, actor, k, r.FormValue("to"))
		case "outbound":
			err = s.decideOutbound(r, actor, k)
			done += "_" + r.FormValue("do")
		}
		if err != nil && ErrorStatus(err) >= 500 {
			s.log.Error("page action", "action", what, "err", err)
		}
		back(w, r, to, done, err)
	}
}

func (s *Server) pageActions() PageActions { return s.opts.Actions.(PageActions) }

// pageError shows a failed read as a page.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, actor bot.Actor, err error) {
	if ErrorStatus(err) >= 500 {
		s.log.Error("page", "path", r.URL.Path, "err", err)
	}
	me, _ := s.me(r.Context(), actor)
	s.renderView(w, r, ErrorStatus(err), "refused", &view{Me: me, Lang: cmp.Or(me.Lang, bot.LangFa), Title: "problem", Problem: bot.ErrorMessage(err)}, actor)
}

// mountPages adds the dashboard when the actions it needs are there:
// the pages, their routes and the embedded static files.
func (s *Server) mountPages() {
	if _, ok := s.opts.Actions.(PageActions); !ok {
		return
	}
	p, err := loadPages()
	if err != nil {
		// The templates are embedded: a broken one is a build mistake
		// that the package's tests catch, so the service runs without
		// the dashboard rather than not at all.
		s.log.Error("dashboard templates", "err", err)
		return
	}
	s.pages, s.loc = p, cmp.Or(s.opts.Location, time.Local)
	for _, rt := range s.pageRoutes() {
		s.Handle(rt)
	}
	static, _ := fs.Sub(staticFS, "static")
	files := http.StripPrefix("/static/", http.FileServerFS(static))
	s.mux.Handle("GET /static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The files change only with the binary; an hour's cache spares
		// a page load two requests.
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	}))
}

// Interface guard: the dashboard is served with the engine's actions.
var _ PageActions = (*bot.Actions)(nil)

// pageRoute is a page's row of the route table: a page refuses with a
// page (denyPage), where the API answers JSON.
func (s *Server) pageRoute(method, pattern string, roles []bot.Role, h func(http.ResponseWriter, *http.Request, bot.Actor)) Route {
	return Route{Method: method, Pattern: pattern, Roles: roles, Handle: h, Deny: s.denyPage}
}

// pagePath is the address of the page drawn, for the links back to it
// (the language switch). A page drawn in answer to a form, its refusal,
// is at the form's POST-only address, so those links go to the page the
// form was on: the form's own back field, as back() reads it, else the
// page the browser names, when it is one of ours.
func pagePath(r *http.Request) string {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return r.URL.RequestURI()
	}
	if b := r.PostFormValue("back"); b != "" {
		return localPath(b)
	}
	if u, err := url.Parse(r.Referer()); err == nil && u.Host == r.Host && u.Path != "" {
		return localPath(u.RequestURI())
	}
	return r.URL.RequestURI()
}

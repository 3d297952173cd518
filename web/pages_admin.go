package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"engagebot/bot"
)

// The admins' pages: users, API tokens, a follower's data, the audit log.

func (s *Server) pageUsers(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	var list struct {
		Users []userView `json:"users"`
	}
	if err := s.callAPI(r, actor, s.handleUsers, "/api/v1/users", nil, &list); err != nil {
		s.pageError(w, r, actor, err)
		return
	}
	s.render(w, r, actor, http.StatusOK, "users", "users", map[string]any{"Users": list.Users, "Roles": bot.Roles})
}

func (s *Server) postUser(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	if err := r.ParseForm(); err != nil {
		back(w, r, "/admin/users", "", bot.Errorf(bot.EINVALID, "a form with name, roles and password"))
		return
	}
	var roles []bot.Role
	for _, v := range r.PostForm["role"] {
		rs, err := bot.ParseRoles(v)
		if err != nil {
			back(w, r, "/admin/users", "", err)
			return
		}
		roles = append(roles, rs...)
	}
	var err error
	switch {
	case len(roles) == 0:
		err = bot.Errorf(bot.EINVALID, "roles: choose at least one")
	case s.opts.Passwords == nil:
		err = bot.Errorf(bot.EUNAVAILABLE, "adding users is not set up on this server")
	default:
		err = s.opts.Actions.AddUser(r.Context(), actor, s.opts.Passwords, strings.TrimSpace(r.PostForm.Get("name")), roles, r.PostForm.Get("password"))
	}
	back(w, r, "/admin/users", "done_user", err)
}

func (s *Server) pageTokens(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	var list struct {
		Tokens []tokenView `json:"tokens"`
	}
	if err := s.callAPI(r, actor, s.handleTokens, "/api/v1/tokens", nil, &list); err != nil {
		s.pageError(w, r, actor, err)
		return
	}
	s.render(w, r, actor, http.StatusOK, "tokens", "tokens", list.Tokens)
}

func (s *Server) postRevoke(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	err := s.opts.Actions.RevokeToken(r.Context(), actor, r.PathValue("id"))
	back(w, r, "/admin/tokens", "done_revoke", err)
}

type followerPage struct {
	Platform, UserID string
	Erased           *bot.EraseResult
}

func (s *Server) pageFollower(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	q := r.URL.Query()
	d := followerPage{Platform: q.Get("platform"), UserID: q.Get("user")}
	if e := q.Get("erased"); e != "" {
		var res bot.EraseResult
		if json.Unmarshal([]byte(e), &res) == nil {
			d.Erased = &res
		}
	}
	s.render(w, r, actor, http.StatusOK, "follower", "follower", d)
}

func followerOf(r *http.Request) bot.FollowerKey {
	return bot.FollowerKey{Platform: strings.TrimSpace(r.FormValue("platform")), UserID: strings.TrimSpace(r.FormValue("user"))}
}

// exportFollower answers everything held about a follower as a JSON file.
func (s *Server) exportFollower(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	k := followerOf(r)
	x, err := s.pageActions().ExportFollower(r.Context(), actor, k)
	if err != nil {
		back(w, r, "/admin/followers?"+url.Values{"platform": {k.Platform}, "user": {k.UserID}}.Encode(), "", err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="follower-`+safeName(k.String())+`.json"`)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(x)
}

// eraseFollower erases a follower everywhere; the page then says what
// was removed and which confirmed cases were kept under a pseudonym.
func (s *Server) eraseFollower(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	k := followerOf(r)
	if r.FormValue("confirm") != k.UserID {
		back(w, r, "/admin/followers?"+url.Values{"platform": {k.Platform}, "user": {k.UserID}}.Encode(), "",
			bot.Errorf(bot.EINVALID, "confirm: type the follower's id again to erase"))
		return
	}
	res, err := s.pageActions().EraseFollower(r.Context(), actor, k, r.FormValue("note"))
	if err != nil {
		back(w, r, "/admin/followers?"+url.Values{"platform": {k.Platform}, "user": {k.UserID}}.Encode(), "", err)
		return
	}
	b, _ := json.Marshal(res)
	back(w, r, "/admin/followers?"+url.Values{"erased": {string(b)}}.Encode(), "done_erase", nil)
}

// safeName keeps a file name to letters, digits and a few marks.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '_'
	}, s)
}

func (s *Server) pageAudit(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	q := url.Values{"limit": {"100"}}
	for _, k := range []string{"actor", "after"} {
		if v := r.URL.Query().Get(k); v != "" {
			q.Set(k, v)
		}
	}
	var list struct {
		Entries []*bot.AuditEntry `json:"entries"`
		Next    string            `json:"next"`
	}
	if err := s.callAPI(r, actor, s.handleAudit, "/api/v1/audit?"+q.Encode(), nil, &list); err != nil {
		s.pageError(w, r, actor, err)
		return
	}
	next := ""
	if list.Next != "" {
		next = "/admin/audit?" + url.Values{"actor": {q.Get("actor")}, "after": {list.Next}}.Encode()
	}
	s.render(w, r, actor, http.StatusOK, "audit", "audit", map[string]any{"Entries": list.Entries, "Next": next, "Actor": q.Get("actor"), "Count": strconv.Itoa(len(list.Entries))})
}

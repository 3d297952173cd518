package web

import (
	"context"
	"net/http"

	"engagebot/bot"
)

// FollowerActions are the followers' actions the API offers; *bot.Actions
// is one. The server finds them on Options.Actions.
type FollowerActions interface {
	Person(ctx context.Context, actor bot.Actor, k bot.FollowerKey) (*bot.Person, error)
	LinkFollowers(ctx context.Context, actor bot.Actor, a, b bot.FollowerKey) error
	UnlinkFollower(ctx context.Context, actor bot.Actor, k bot.FollowerKey) error
	SetFollowerTZ(ctx context.Context, actor bot.Actor, k bot.FollowerKey, tz string) error
}

// followerRoutes are the followers' rows of the API's route table.
func (s *Server) followerRoutes() []Route {
	people := []bot.Role{bot.RoleModerator, bot.RolePR, bot.RoleSafety}
	moderate := []bot.Role{bot.RoleModerator}
	return []Route{
		{Method: "GET", Pattern: "/api/v1/followers/{platform}/{user}", Roles: people, Handle: s.handlePerson, Doc: docPerson},
		{Method: "POST", Pattern: "/api/v1/followers/{platform}/{user}/link", Roles: moderate, Handle: s.handleLink(), Doc: docLink},
		{Method: "DELETE", Pattern: "/api/v1/followers/{platform}/{user}/link", Roles: moderate, Handle: s.handleUnlink, Doc: docUnlink},
		{Method: "PUT", Pattern: "/api/v1/followers/{platform}/{user}/tz", Roles: []bot.Role{bot.RoleModerator, bot.RolePR}, Handle: s.handleSetTZ(), Doc: docSetTZ},
	}
}

func (s *Server) followers() (FollowerActions, error) {
	fa, ok := s.opts.Actions.(FollowerActions)
	if !ok {
		return nil, bot.Errorf(bot.EUNAVAILABLE, "followers are not set up")
	}
	return fa, nil
}

func followerFromPath(r *http.Request) bot.FollowerKey {
	return bot.FollowerKey{Platform: r.PathValue("platform"), UserID: r.PathValue("user")}
}

// personView is a follower's profile with the profiles linked to it.
type personView struct {
	profileView
	Blocked bool          `json:"blocked"`
	Muted   bool          `json:"muted"`
	Linked  []profileView `json:"linked"`
}

func (s *Server) personAnswer(ctx context.Context, fa FollowerActions, a bot.Actor, k bot.FollowerKey) (any, error) {
	p, err := fa.Person(ctx, a, k)
	if err != nil {
		return nil, err
	}
	v := personView{profileView: profileOf(p.Follower), Blocked: p.Follower.Blocked, Muted: p.Follower.Muted, Linked: []profileView{}}
	for _, l := range p.Linked {
		v.Linked = append(v.Linked, profileOf(l))
	}
	return v, nil
}

func (s *Server) handlePerson(w http.ResponseWriter, r *http.Request, a bot.Actor) {
	fa, err := s.followers()
	if err == nil {
		var v any
		if v, err = s.personAnswer(r.Context(), fa, a, followerFromPath(r)); err == nil {
			writeJSON(w, http.StatusOK, v)
			return
		}
	}
	s.apiError(w, r, err)
}

func (s *Server) handleLink() func(http.ResponseWriter, *http.Request, bot.Actor) {
	return withBody(s, http.StatusOK, func(r *http.Request, a bot.Actor, b bot.FollowerKey) (any, error) {
		fa, err := s.followers()
		if err != nil {
			return nil, err
		}
		if b.Platform == "" || b.UserID == "" {
			return nil, bot.Errorf(bot.EINVALID, "platform, user_id: the follower to link to")
		}
		if err := fa.LinkFollowers(r.Context(), a, followerFromPath(r), b); err != nil {
			return nil, err
		}
		return s.personAnswer(r.Context(), fa, a, followerFromPath(r))
	})
}

func (s *Server) handleUnlink(w http.ResponseWriter, r *http.Request, a bot.Actor) {
	fa, err := s.followers()
	if err == nil {
		if err = fa.UnlinkFollower(r.Context(), a, followerFromPath(r)); err == nil {
			var v any
			if v, err = s.personAnswer(r.Context(), fa, a, followerFromPath(r)); err == nil {
				writeJSON(w, http.StatusOK, v)
				return
			}
		}
	}
	s.apiError(w, r, err)
}

type tzBody struct {
	TZ string `json:"tz"`
}

func (s *Server) handleSetTZ() func(http.ResponseWriter, *http.Request, bot.Actor) {
	return withBody(s, http.StatusOK, func(r *http.Request, a bot.Actor, b tzBody) (any, error) {
		fa, err := s.followers()
		if err != nil {
			return nil, err
		}
		if err := fa.SetFollowerTZ(r.Context(), a, followerFromPath(r), b.TZ); err != nil {
			return nil, err
		}
		return s.personAnswer(r.Context(), fa, a, followerFromPath(r))
	})
}

// Route documents of the followers API.
var (
	docPerson = &OpDoc{Summary: "a follower's profile (consent with its time and channel, time zone, interests, mood) with the profiles linked to it", Response: "Person"}
	docLink   = &OpDoc{Summary: "link the follower to another one as one person: their interests and history are read together; consent stays per channel", Body: "FollowerRef", Response: "Person"}
	docUnlink = &OpDoc{Summary: "take the follower out of the person they were linked into", Response: "Person"}
	docSetTZ  = &OpDoc{Summary: "set the follower's time zone (IANA name; empty for Asia/Tehran), which campaigns' send windows are read in", Body: "TZBody", Response: "Person"}
)

func init() {
	schemas["FollowerRef"] = object(map[string]any{"platform": str(""), "user_id": str("")}, "platform", "user_id")
	schemas["TZBody"] = object(map[string]any{"tz": str("Europe/Berlin")}, "tz")
	schemas["Person"] = object(map[string]any{"platform": str(""), "user_id": str(""), "consent": str(""), "tz": str(""),
		"linked": arrayOf(map[string]any{"type": "object"})}, "platform", "user_id", "linked")
}

package web

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"engagebot/bot"
)

// A follower's page: the profile (name, language, messages, mood and its
// trend, interests with their counts, consent with its time and channel,
// time zone, muted or blocked) and the profiles linked to it as one
// person, each a link to its own page; a form that links another profile,
// an unlink button, and a time-zone form. The profile is read through the
// followers API in process; the buttons call FollowerActions, with the
// API's roles.

// followerPageRoutes are a follower's page and its forms, with the
// followers API's roles: pr, moderators and safety see profiles;
// moderators link and unlink; pr and moderators set the time zone.
func (s *Server) followerPageRoutes() []Route {
	people := []bot.Role{bot.RoleModerator, bot.RolePR, bot.RoleSafety}
	moderate := []bot.Role{bot.RoleModerator}
	page := s.pageRoute
	return []Route{
		page("GET", "/followers/{platform}/{user}", people, s.pageFollowerProfile),
		page("POST", "/followers/{platform}/{user}/link", moderate, s.postFollower("link")),
		page("POST", "/followers/{platform}/{user}/unlink", moderate, s.postFollower("unlink")),
		page("POST", "/followers/{platform}/{user}/tz", []bot.Role{bot.RoleModerator, bot.RolePR}, s.postFollower("tz")),
	}
}

// commonZones are the time zones the form offers first: where the
// brand's followers mostly live.
var commonZones = []string{"Asia/Tehran", "Asia/Dubai", "Europe/Istanbul", "Europe/Berlin", "Europe/London", "America/Toronto", "America/Los_Angeles"}

// followerPath is the page of a follower.
func followerPath(k bot.FollowerKey) string {
	return "/followers/" + url.PathEscape(k.Platform) + "/" + url.PathEscape(k.UserID)
}

// FollowerLink is the page of the follower platform:user.
func (v *view) FollowerLink(platform, user string) string {
	return followerPath(bot.FollowerKey{Platform: platform, UserID: user})
}

// interestCount is one interest with how often the follower wrote of it.
type interestCount struct {
	Name  string
	Count int
}

// profilePage is what a follower's template gets.
type profilePage struct {
	P         personView
	Path      string
	Interests []interestCount
	Zones     []string
	// OtherZone is true when the follower's zone is not one of Zones.
	OtherZone bool
	Platforms []string
}

func (s *Server) pageFollowerProfile(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	k := followerFromPath(r)
	api := "/api/v1/followers/" + url.PathEscape(k.Platform) + "/" + url.PathEscape(k.UserID)
	d := profilePage{Path: followerPath(k), Zones: commonZones, Platforms: platforms}
	if err := s.callAPI(r, actor, s.handlePerson, api, map[string]string{"platform": k.Platform, "user": k.UserID}, &d.P); err != nil {
		s.pageError(w, r, actor, err)
		return
	}
	for name, n := range d.P.Interests {
		d.Interests = append(d.Interests, interestCount{name, n})
	}
	// The most written of first.
	slices.SortFunc(d.Interests, func(a, b interestCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Name, b.Name))
	})
	d.OtherZone = !slices.Contains(commonZones, d.P.TZ)
	s.render(w, r, actor, http.StatusOK, "follower_profile", "follower_profile", d)
}

// postFollower serves a follower's Link, Unlink and time zone.
func (s *Server) postFollower(what string) func(http.ResponseWriter, *http.Request, bot.Actor) {
	return func(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
		k := followerFromPath(r)
		fa, err := s.followers()
		if err == nil {
			ctx := r.Context()
			switch what {
			case "link":
				other := bot.FollowerKey{Platform: strings.TrimSpace(r.FormValue("platform")), UserID: strings.TrimSpace(r.FormValue("user_id"))}
				if other.Platform == "" || other.UserID == "" {
					err = bot.Errorf(bot.EINVALID, "platform, user_id: the follower to link to")
				} else {
					err = fa.LinkFollowers(ctx, actor, k, other)
				}
			case "unlink":
				err = fa.UnlinkFollower(ctx, actor, k)
			case "tz":
				tz := strings.TrimSpace(r.FormValue("tz_other"))
				if tz == "" {
					tz = strings.TrimSpace(r.FormValue("tz"))
				}
				err = fa.SetFollowerTZ(ctx, actor, k, tz)
			}
		}
		s.logPageError("follower."+what, err)
		back(w, r, followerPath(k), "done_follower_"+what, err)
	}
}

// threadFollower reads a thread's follower ("platform:user") for the
// thread page's link; a follower the store does not know has no page.
func (s *Server) threadFollower(ctx context.Context, id string) (*bot.Follower, bool) {
	platform, user, ok := strings.Cut(id, ":")
	if !ok || platform == "" || user == "" {
		return nil, false
	}
	var f *bot.Follower
	err := s.opts.Data.View(ctx, func(tx bot.Tx) (err error) {
		f, err = tx.Follower(bot.FollowerKey{Platform: platform, UserID: user})
		return err
	})
	return f, err == nil && f != nil
}

package web

import (
	"cmp"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"engagebot/bot"
)

// A post's page: its text, image and texts per platform, the accounts
// it goes to, its schedule (a one-off's time or a recurring post's cron
// spec, in the post's zone and both calendars), its state, approvals and
// notices, each slot it has had with every account's outcome (sent,
// failed, pending; the platform's id and link, or the error), and its
// slots to come. The post is read through the posts API in process, so
// the page shows what the API answers; its buttons are the API's post
// actions (submit, approve, cancel, retry a slot's account), for PR, and
// call PostActions as those routes do, so the audit log shows a press as
// it shows an API call. The calendar links each of its entries here.

// postPageRoutes are a post's page and its buttons, with the posts API's
// roles: anyone signed in sees it; pr submits, approves, cancels and
// retries.
func (s *Server) postPageRoutes() []Route {
	pr := []bot.Role{bot.RolePR}
	page := s.pageRoute
	return []Route{
		page("GET", "/posts/{id}", anyRole, s.pagePost),
		page("POST", "/posts/{id}/submit", pr, s.postPost("submit")),
		page("POST", "/posts/{id}/approve", pr, s.postPost("approve")),
		page("POST", "/posts/{id}/cancel", pr, s.postPost("cancel")),
		page("POST", "/posts/{id}/retry", pr, s.postPost("retry")),
	}
}

// postPath is a post's page.
func postPath(id uint64) string { return "/posts/" + strconv.FormatUint(id, 10) }

// postButtons are a post's buttons in each state, as the post actions
// allow them: a draft is submitted, one awaiting approval approved, and
// any that has not ended cancelled. Retrying is per slot and account.
var postButtons = map[bot.PostState][]string{
	bot.PostDraft:     {"submit", "cancel"},
	bot.PostAwaiting:  {"approve", "cancel"},
	bot.PostApproved:  {"cancel"},
	bot.PostScheduled: {"cancel"},
}

// maxComing bounds the slots to come a post's page lists.
const maxComing = 5

// platformText is a post's text on one platform.
type platformText struct {
	Platform, Text string
}

// postPage is what a post's template gets.
type postPage struct {
	P postView
	// Loc is the post's zone: its times are shown at its wall clock.
	Loc      *time.Location
	Variants []platformText
	// Slots are the post's slots, the latest first.
	Slots []slotView
	// Coming are its slots still to come, the first first; NoClocks says
	// a recurring post shows its next slot only.
	Coming   []time.Time
	NoClocks bool
	// Buttons are those of the post's state that the person may press:
	// approve is left out for its author and for who signed this version
	// off already, as the action refuses them.
	Buttons      []string
	NoteRequired bool
}

func (s *Server) pagePost(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	id := r.PathValue("id")
	var p postView
	if err := s.callAPI(r, actor, s.handlePost, "/api/v1/posts/"+url.PathEscape(id), map[string]string{"id": id}, &p); err != nil {
		s.pageError(w, r, actor, err)
		return
	}
	d := postPage{P: p, Loc: postLoc(p.TZ)}
	for _, k := range slices.Sorted(maps.Keys(p.Variants)) {
		d.Variants = append(d.Variants, platformText{k, p.Variants[k]})
	}
	d.Slots = slices.Clone(p.Slots)
	slices.SortStableFunc(d.Slots, func(a, b slotView) int { return b.At.Compare(a.At) })
	var pol bot.PostPolicy
	if pr, ok := s.opts.Engine.(policyReader); ok {
		pol = pr.PostPolicy()
	}
	d.NoClocks, d.NoteRequired = pol.Clocks == nil, pol.NoteRequired
	for t := range comingTimes(p, s.opts.Now(), time.Unix(1<<40, 0), pol.Clocks) {
		if len(d.Coming) == maxComing {
			break
		}
		d.Coming = append(d.Coming, t)
	}
	for _, b := range postButtons[p.State] {
		if b == "approve" && (p.Author == actor.Name || slices.ContainsFunc(p.Approvals, func(a bot.Approval) bool { return a.By == actor.Name })) {
			continue
		}
		d.Buttons = append(d.Buttons, b)
	}
	s.render(w, r, actor, http.StatusOK, "post", "post_title", d)
}

// postPost serves a post's Submit, Approve, Cancel and a slot's Retry,
// as the API's post actions.
func (s *Server) postPost(what string) func(http.ResponseWriter, *http.Request, bot.Actor) {
	return func(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
		id, err := parsePostID(r)
		if err != nil {
			back(w, r, "/calendar", "", err)
			return
		}
		pa, err := s.posts()
		if err == nil {
			ctx, note := r.Context(), strings.TrimSpace(r.FormValue("note"))
			switch what {
			case "submit":
				_, err = pa.SubmitPost(ctx, actor, id)
			case "approve":
				_, err = pa.ApprovePost(ctx, actor, id, note)
			case "cancel":
				_, err = pa.CancelPost(ctx, actor, id, note)
			case "retry":
				at, perr := time.Parse(time.RFC3339Nano, r.FormValue("at"))
				account := strings.TrimSpace(r.FormValue("account"))
				if perr != nil || account == "" {
					err = bot.Errorf(bot.EINVALID, "at, account: name the slot (its at) and the account to retry")
					break
				}
				_, err = pa.RetrySlot(ctx, actor, id, at, account)
			}
		}
		s.logPageError("post."+what, err)
		back(w, r, postPath(id), "done_post_"+what, err)
	}
}

// WhenIn writes a time as When does, at its wall clock in loc: a post's
// times in the post's zone, where its cron spec is read.
func (v *view) WhenIn(t time.Time, loc *time.Location) template.HTML {
	return when(v.Lang, t.In(cmp.Or(loc, v.loc)))
}

// Retryable reports whether a slot's account may be published again by
// hand: it failed, or its outcome is unknown.
func (v *view) Retryable(st bot.SlotState) bool { return st == bot.SlotFailed || st == bot.SlotUnknown }

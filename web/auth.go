package web

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"engagebot/bot"
)

// Authenticator signs people in and tells who a request is. *bot.Auth is
// one; tests use a fake.
type Authenticator interface {
	// Login checks a name and password; a wrong pair is EUNAUTHORIZED.
	Login(ctx context.Context, name, password string) (secret string, s *bot.Session, err error)
	Logout(ctx context.Context, secret string) error
	SessionActor(ctx context.Context, secret string) (bot.Actor, error)
	TokenActor(ctx context.Context, secret string) (bot.Actor, error)
}

// SessionCookie is the name of the cookie that holds a session's secret.
const SessionCookie = "engagebot_session"

// Route is one route of the staff area, an API call or a page: who may
// use it and what it does. Every staff route is a Route, and serveRoute
// checks its roles, in this one place, before its handler runs.
type Route struct {
	Method string
	// Pattern is the path as http.ServeMux reads it: "/api/v1/threads/{id}".
	Pattern string
	// Roles may use the route; an admin may use every route. A route with
	// no roles that is not Public is open to nobody.
	Roles []bot.Role
	// Public routes need no sign-in (POST /login).
	Public bool
	// Handle serves a request of actor (the zero Actor on a Public route
	// without credentials).
	Handle func(w http.ResponseWriter, r *http.Request, actor bot.Actor)
	// Doc describes the route for the OpenAPI document (API routes).
	Doc *OpDoc
	// Deny answers a refused request: EUNAUTHORIZED (no or unknown
	// credentials), EFORBIDDEN (a role that may not, a cross-site
	// request). Default: the JSON error. A page sets its own, e.g. a
	// redirect to the sign-in form (RedirectToLogin).
	Deny func(w http.ResponseWriter, r *http.Request, err error)
}

// RedirectToLogin is a page's Deny: a request without a session goes to
// the sign-in form with the page to come back to, other refusals get
// the plain error.
func RedirectToLogin(w http.ResponseWriter, r *http.Request, err error) {
	if bot.ErrorCode(err) == bot.EUNAUTHORIZED {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	http.Error(w, bot.ErrorMessage(err), ErrorStatus(err))
}

// Key is "METHOD pattern", as the mux and the OpenAPI document name it.
func (rt Route) Key() string { return rt.Method + " " + rt.Pattern }

// Allows reports whether actor may use the route.
func (rt Route) Allows(actor bot.Actor) bool {
	return rt.Public || len(rt.Roles) > 0 && actor.Can(rt.Roles...)
}

// anyRole is every signed-in person: reads open to viewers.
var anyRole = bot.Roles

// Handle adds a staff route. Pages of the dashboard are added the same
// way, so their roles are checked by the same code. Call it before
// serving.
func (s *Server) Handle(rt Route) {
	s.routes = append(s.routes, rt)
	s.mux.Handle(rt.Key(), s.serveRoute(rt))
}

// Routes returns the staff routes, in the order they were added.
func (s *Server) Routes() []Route { return slices.Clone(s.routes) }

// ctxActor carries the signed-in actor to handlers that need only it.
type ctxActor struct{}

// serveRoute wraps a route's handler with what every staff route needs:
// the cross-origin refusal, the credentials, and the role check.
func (s *Server) serveRoute(rt Route) http.Handler {
	deny := rt.Deny
	if deny == nil {
		deny = Error
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor, err := s.authenticate(r)
		switch {
		case err != nil && !(rt.Public && bot.ErrorCode(err) == bot.EUNAUTHORIZED):
			if bot.ErrorCode(err) == bot.EUNAUTHORIZED {
				w.Header().Set("WWW-Authenticate", `Bearer realm="engagebot"`)
			} else {
				s.log.Error("authenticate", "route", rt.Key(), "err", err)
			}
			deny(w, r, err)
			return
		case !rt.Allows(actor):
			deny(w, r, bot.Errorf(bot.EFORBIDDEN, "%s may not use %s", actor.Name, rt.Key()))
			return
		}
		rt.Handle(w, r, actor)
	})
	// A cross-site refusal is the route's too, so a page can show it.
	cop := s.cop
	if rt.Deny != nil {
		cop = newCrossOrigin(s.opts.PublicURL, s.log)
		cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rt.Deny(w, r, bot.Errorf(bot.EFORBIDDEN, "cross-site request refused"))
		}))
	}
	return cop.Handler(h)
}

// authenticate finds who a request is: an API token in the Authorization
// header, else a session cookie. A request with neither, or with one the
// service does not know, is EUNAUTHORIZED.
func (s *Server) authenticate(r *http.Request) (bot.Actor, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, secret, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || secret == "" {
			return bot.Actor{}, bot.Errorf(bot.EUNAUTHORIZED, "the Authorization header takes Bearer TOKEN")
		}
		return s.opts.Auth.TokenActor(r.Context(), strings.TrimSpace(secret))
	}
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		return s.opts.Auth.SessionActor(r.Context(), c.Value)
	}
	return bot.Actor{}, bot.Errorf(bot.EUNAUTHORIZED, "sign in, or send Authorization: Bearer TOKEN")
}

// newCrossOrigin refuses state-changing requests a browser marks as
// cross-site (Sec-Fetch-Site), or whose Origin is not the service's own
// (the request's host, or server.public_url's origin), whatever
// credentials they carry; requests without those headers come from
// programs, not from a page on another site, and pass.
func newCrossOrigin(publicURL string, log interface {
	Warn(msg string, args ...any)
}) *http.CrossOriginProtection {
	cop := http.NewCrossOriginProtection()
	if u, err := url.Parse(publicURL); err == nil && u.Scheme != "" && u.Host != "" {
		if err := cop.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			log.Warn("server.public_url is not an origin; only the request's own host is trusted", "err", err)
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Error(w, r, bot.Errorf(bot.EFORBIDDEN, "cross-site request refused"))
	}))
	return cop
}

// secureCookies is whether the session cookie is marked Secure: when the
// request came over TLS, or the service is reached over https (a proxy
// in front ends TLS).
func (s *Server) secureCookies(r *http.Request) bool {
	return r.TLS != nil || strings.HasPrefix(strings.ToLower(s.opts.PublicURL), "https://")
}

// Sign-in throttling.
const (
	loginFailures = 5
	loginWindow   = 15 * time.Minute
)

// throttle counts failed sign-ins per key (a name, an address) and says
// how long a key must wait once it has loginFailures failures within
// loginWindow. It is in memory: a restart forgets it, which costs an
// attacker a restart of the service per five guesses.
type throttle struct {
	mu    sync.Mutex
	now   func() time.Time
	fails map[string][]time.Time
}

func newThrottle(now func() time.Time) *throttle {
	return &throttle{now: now, fails: map[string][]time.Time{}}
}

// wait is how long until every key may try again; 0 when they may now.
func (t *throttle) wait(keys ...string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	var longest time.Duration
	for _, k := range keys {
		f := t.recent(k, now)
		if len(f) >= loginFailures {
			// The key may try again when enough of its failures have left
			// the window to bring it below the limit.
			longest = max(longest, f[len(f)-loginFailures].Add(loginWindow).Sub(now))
		}
	}
	return longest
}

// recent drops a key's failures older than the window and returns the rest.
func (t *throttle) recent(k string, now time.Time) []time.Time {
	f := t.fails[k]
	i := 0
	for i < len(f) && !f[i].After(now.Add(-loginWindow)) {
		i++
	}
	if f = f[i:]; len(f) == 0 {
		delete(t.fails, k)
		return nil
	}
	t.fails[k] = f
	return f
}

func (t *throttle) fail(keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if len(t.fails) > 100_000 {
		// Many names or addresses guessing: forget those whose window has
		// passed, so the map holds only keys that may still be refused.
		for k := range t.fails {
			t.recent(k, now)
		}
	}
	for _, k := range keys {
		t.fails[k] = append(t.recent(k, now), now)
	}
}

func (t *throttle) forget(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.fails, key)
}

// clientAddr is the address a request came from, without the port. The
// service does not trust X-Forwarded-For: behind a proxy every sign-in
// shares the proxy's address, and the per-name limit still holds.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func loginKeys(r *http.Request, name string) (byName, byAddr string) {
	if len(name) > 256 {
		name = name[:256]
	}
	return "name:" + strings.ToLower(name), "addr:" + clientAddr(r)
}

// handleLogin checks the form's name and password and sets the session
// cookie. The sixth failure within the window for one name or address
// is answered 429 before the password is checked.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request, _ bot.Actor) {
	if err := r.ParseForm(); err != nil {
		Error(w, r, bot.Errorf(bot.EINVALID, "a sign-in is a form with name and password"))
		return
	}
	name, password := r.PostForm.Get("name"), r.PostForm.Get("password")
	byName, byAddr := loginKeys(r, name)
	if d := s.logins.wait(byName, byAddr); d > 0 {
		secs := int((d + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		if s.loginPage(w, r, http.StatusTooManyRequests, "too_many") {
			return
		}
		writeJSON(w, http.StatusTooManyRequests, map[string]string{
			"error": "too many failed sign-ins; try again in " + strconv.Itoa(secs) + " seconds", "code": "too_many_requests"})
		return
	}
	if name == "" || password == "" {
		s.logins.fail(byName, byAddr)
		if s.loginPage(w, r, http.StatusUnauthorized, "wrong_password") {
			return
		}
		Error(w, r, bot.Errorf(bot.EUNAUTHORIZED, "wrong name or password"))
		return
	}
	secret, sess, err := s.opts.Auth.Login(r.Context(), name, password)
	if err != nil {
		if bot.ErrorCode(err) == bot.EUNAUTHORIZED {
			s.logins.fail(byName, byAddr)
			s.log.Info("sign-in refused", "addr", clientAddr(r))
		} else {
			s.log.Error("sign-in", "err", err)
		}
		if bot.ErrorCode(err) == bot.EUNAUTHORIZED && s.loginPage(w, r, http.StatusUnauthorized, "wrong_password") {
			return
		}
		Error(w, r, err)
		return
	}
	s.logins.forget(byName)
	s.log.Info("signed in", "user", sess.User, "addr", clientAddr(r))
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: secret, Path: "/", Expires: sess.Expires,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secureCookies(r),
	})
	http.Redirect(w, r, localPath(r.PostForm.Get("next")), http.StatusSeeOther)
}

// loginPage answers a refused sign-in from a browser's form (it accepts
// HTML) with the form again, saying why, under the same status; other
// clients keep the JSON answer. It reports whether it answered.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request, status int, why string) bool {
	if s.pages == nil || !wantsPage(r) {
		return false
	}
	s.loginForm(w, r, status, tr(langOf(r), why))
	return true
}

// localPath is next when it is a path on this service, else "/": a
// sign-in never sends the browser to another site.
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}

// handleLogout revokes the session and clears the cookie.
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request, _ bot.Actor) {
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		if err := s.opts.Auth.Logout(r.Context(), c.Value); err != nil {
			s.log.Error("sign-out", "err", err)
			Error(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secureCookies(r),
	})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
